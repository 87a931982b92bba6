"""Frameworks as configuration: templates load, bad files are refused with clear messages."""

from __future__ import annotations

import pytest

from fairer.errors import FairerError
from fairer.framework import load_framework


@pytest.mark.parametrize(
    ("name", "domains"), [("fairer-nine-domains", 9), ("marmot-eight-principles", 8), ("blank", 1)]
)
def test_templates_load(name, domains):
    fw = load_framework(name)
    assert len(fw.domains) == domains
    ids = [i.id for i in fw.indicators]
    assert len(ids) == len(set(ids))
    assert all(
        i.polarity in ("higher is better", "lower is better", "no judgement") for i in fw.indicators
    )


def test_nine_domains_are_the_fairer_stockton_ones():
    titles = [d.title for d in load_framework("fairer-nine-domains").domains]
    assert titles == [
        "Income",
        "Wealth",
        "Power",
        "Work",
        "Learning",
        "Housing and physical environment",
        "Social and cultural networks",
        "Health",
        "Access to services",
    ]


BASE = """[framework]
id = "t"
[[domains]]
id = "d"
title = "D"
[[domains.measures]]
id = "m"
title = "M"
[[domains.measures.indicators]]
id = "a"
title = "A"
polarity = "lower is better"
statistic = "proportion"
"""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            '\n[[domains.measures.indicators]]\nid = "a"\ntitle = "again"\npolarity = "lower is better"\n',
            "duplicate indicator id 'a'",
        ),
        (
            '\n[[domains.measures.indicators]]\nid = "b"\ntitle = "B"\n',
            "indicator 'b' has no polarity",
        ),
        (
            '\n[[domains.measures.indicators]]\nid = "b"\ntitle = "B"\npolarity = "good"\n',
            "polarity 'good' is not one of",
        ),
        (
            '\n[[domains.measures.indicators]]\nid = "b"\ntitle = "B"\npolarity = "no judgement"\nstatistic = "median"\n',
            "statistic 'median' is not one of",
        ),
        (
            '\n[[domains.measures.indicators]]\ntitle = "B"\npolarity = "no judgement"\n',
            "an indicator of measure 'm' is missing 'id'",
        ),
        ("\nthis is = not toml =\n", "invalid TOML"),
    ],
)
def test_bad_framework_files(tmp_path, extra, message):
    path = tmp_path / "f.toml"
    path.write_text(BASE + extra)
    with pytest.raises(FairerError, match=message) as e:
        load_framework(path)
    assert str(path) in str(e.value)


def test_indicator_without_data_is_reported(tmp_path):
    path = tmp_path / "f.toml"
    path.write_text(BASE)
    fw = load_framework(path)
    assert fw.check_data({"a"}) == []
    assert fw.check_data({"other"}) == [
        "indicator 'a' (A) has no data: nothing loaded is called 'a'"
    ]


def test_cli_framework_check(cli, tmp_path):
    code, out, _ = cli("framework", "check", "marmot-eight-principles")
    assert code == 0 and "8 domains" in out and "7. Tackle racism" in out
    (tmp_path / "bad.toml").write_text(BASE.replace('polarity = "lower is better"\n', ""))
    code, out, err = cli("framework", "check", tmp_path / "bad.toml")
    assert code == 2 and err.strip().endswith(
        "indicator 'a' has no polarity (higher is better / lower is better / no judgement)"
    )
