import re

import pytest

from fairer.errors import FairerError
from fairer.place import init_place, load_place, resolve_la


def test_resolve_by_code_and_name():
    assert resolve_la("e06000004") == "E06000004"
    assert resolve_la("Cheshire East") == "E06000049"


def test_unknown_code_lists_near_matches():
    with pytest.raises(
        FairerError, match=r"unknown local authority code; did you mean E06000004 Stockton-on-Tees"
    ):
        resolve_la("E06000404")
    with pytest.raises(FairerError, match="did you mean .*Leicester"):
        resolve_la("Leicster")
    with pytest.raises(FairerError, match="not a local authority district code"):
        resolve_la("XYZ")


def test_init_writes_a_place_file_that_reads_back(demo_run, tmp_path):
    out, _ = demo_run
    place = init_place(tmp_path / "p", ["E06990001"], data=[out / "data"], disclosure_threshold=10)
    again = load_place(tmp_path / "p")
    assert again.la_codes == ["E06990001"] and again.disclosure_threshold == 10
    assert again.geography_year == 2021 and again.framework == "fairer-nine-domains"
    assert {s.kind for s in again.sources} == {
        "iod",
        "lookup",
        "boundaries",
        "population",
        "indicators",
        "assets",
        "spend",
        "actions",
        "assessment",
        "learning",
        "evaluation",
        "deaths",
        "mortality_comparator",
        "general_health",
    }
    assert [s.path.resolve() for s in again.sources] == [s.path.resolve() for s in place.sources]
    with pytest.raises(FairerError, match="already exists"):
        init_place(tmp_path / "p", ["E06990001"], data=[out / "data"])


def test_missing_folder_and_bad_options(tmp_path):
    with pytest.raises(FairerError, match="does not exist"):
        load_place(tmp_path / "nowhere")
    with pytest.raises(FairerError, match="no place.toml"):
        load_place(tmp_path)
    with pytest.raises(FairerError, match="2011 or 2021"):
        init_place(tmp_path / "x", ["E06000004"], data=[tmp_path], geography_year=2015)
    with pytest.raises(FairerError, match="no Indices of Deprivation file"):
        init_place(tmp_path / "x", ["E06000004"], data=[tmp_path])


def test_init_without_data_says_how_to_get_it(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRER_CACHE", str(tmp_path / "no_cache_yet"))
    code, _, err = cli("init", tmp_path / "p", "--la", "E06000004")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "--data" in err and "fairer fetch iod2025" in err


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            'benchmark = "median"',
            "benchmark = 'median': use england, region, group, neighbours, place",
        ),
        ('benchmark = "group"', "benchmark = 'group' needs a group of codes"),
        ('group = ["Hartlepool"]', "group must be a list of local authority codes"),
        ('neighbours = ["E06000001"]', "neighbours = ['E06000001'] is not a whole number"),
        ("nieghbours = 5", "unknown [comparators] setting 'nieghbours'"),
    ],
)
def test_comparator_settings_are_checked(tmp_path, table, message):
    (tmp_path / "place.toml").write_text(
        f'[place]\nla_codes = ["E06000004"]\n\n[comparators]\n{table}\n'
    )
    with pytest.raises(FairerError, match=re.escape(message)):
        load_place(tmp_path)


def test_comparator_settings_read_back(tmp_path):
    from fairer.framework.results import comparator

    (tmp_path / "place.toml").write_text(
        '[place]\nla_codes = ["E06000004"]\n\n[comparators]\nbenchmark = "group"\n'
        'group = ["E06000001", "E06000002"]\ngroup_name = "CIPFA nearest neighbours"\n'
    )
    place = load_place(tmp_path)
    assert (
        "[comparators]" in place.to_toml()
        and 'group_name = "CIPFA nearest neighbours"' in place.to_toml()
    )
    c = comparator(place)
    assert (c.kind, c.name, c.codes) == (
        "group",
        "CIPFA nearest neighbours",
        ("E06000001", "E06000002"),
    )
