"""Inputs fairer rejects, beyond the reference's own rules (tests/stats/test_reference_messages.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from fairer import stats
from fairer.stats import StatsError
from tests.stats.conftest import phe_path, read_phe

PROP = pd.DataFrame({"area": ["a", "b"], "x": [5.0, 10.0], "n": [100.0, 200.0]})


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: stats.proportion(PROP.assign(x=[-1, 2]), "x", "n"),
            "numerators must be greater than or equal to zero",
        ),
        (
            lambda: stats.proportion(PROP.assign(n=[0, 2]), "x", "n"),
            "denominators must be greater than zero",
        ),
        (
            lambda: stats.proportion(PROP.assign(x=[500, 2]), "x", "n"),
            "numerators must be less than or equal to denominator",
        ),
        (
            lambda: stats.proportion(PROP, "x", "n", confidence=[0.9, 0.95, 0.998]),
            "a maximum of two confidence levels",
        ),
        (
            lambda: stats.proportion(PROP, "x", "n", confidence=[0.95, 0.99]),
            "specified as 0.95 and 0.998",
        ),
        (lambda: stats.proportion(PROP, "x", "nope"), "nope is not a field name from data"),
        (
            lambda: stats.proportion(PROP.assign(x=["5", "ten"]), "x", "n"),
            "field x must be numeric",
        ),
        (lambda: stats.proportion(PROP, "x", "n", type="everything"), "type must be one of"),
        (
            lambda: stats.rate(PROP.assign(x=[-1, 2]), "x", "n"),
            "numerators must be greater than or equal to zero",
        ),
        (
            lambda: stats.rate(PROP.assign(n=[0, 2]), "x", "n"),
            "denominators must be greater than zero",
        ),
        (lambda: stats.mean(PROP, "x", confidence=0.5), "confidence level must be between"),
        (
            lambda: stats.dsr(PROP, "x", "n", stdpop="esp2013", by="area"),
            "stdpop length must equal number of rows",
        ),
        (
            lambda: stats.dsr(PROP, "x", "n", stdpop="w", by="area"),
            "stdpop is not a field name from data",
        ),
        (
            lambda: stats.dsr(PROP, "x", "n", stdpop=[1], by="area", independent_events=False),
            "eventfreq column",
        ),
        (lambda: stats.isratio(PROP, "x", "n", [1], [1]), "x_ref length must equal number of rows"),
        (lambda: stats.quantile(PROP, "area"), "values argument must be a numeric field from data"),
        (lambda: stats.quantile(PROP, "x", invert="maybe"), "invert is not a field name from data"),
        (
            lambda: stats.funnel_significance(PROP.assign(x=[500, 2]), "x", "n"),
            "numerators must be less than or equal to denominator",
        ),
        (
            lambda: stats.funnel_significance(
                PROP.assign(x=[0, 2]),
                "x",
                rate="n",
                statistic="rate",
                rate_type="dsr",
                multiplier=1e5,
            ),
            "the denominator field needs to be provided",
        ),
        (lambda: stats.compare([1], [0], [2], 1, polarity="up"), "polarity 'up' must be"),
    ],
)
def test_rules(call, message):
    with pytest.raises(StatsError, match=message):
        call()


@pytest.mark.parametrize(
    ("file", "message", "kwargs"),
    [
        ("sysdata__test_err1.csv", "numerators must all be greater than or equal to zero", {}),
        ("sysdata__test_err2.csv", "denominators must all be greater than zero", {"by": "area"}),
        ("sysdata__test_err3.csv", "denominators must all be greater than zero", {}),
        (
            "sysdata__test_err4.csv",
            "stdpop must all be greater than or equal to zero",
            {"stdpop": "stdpop"},
        ),
    ],
)
def test_dsr_error_files(file, message, kwargs):
    data = read_phe(file)
    stdpop = kwargs.pop("stdpop", "esp2013")
    with pytest.raises(StatsError, match=message):
        stats.dsr(data, "count", "pop", stdpop=stdpop, **kwargs)


def test_isr_rejects_negative_population():
    data = read_phe("sysdata__test_err3.csv")
    x_ref = list(range(1, 20))
    with pytest.raises(StatsError, match="denominators must all be greater than or equal to zero"):
        stats.isratio(data, "count", "pop", x_ref, [10_000] * 19)
    assert len(x_ref) == 19


@pytest.mark.parametrize(
    "file", ["sysdata__test_DSR_nonind_err1.csv", "sysdata__test_DSR_nonind_err2.csv"]
)
def test_dsr_nonindependent_inconsistent_bands(file):
    with pytest.raises(
        StatsError, match="same grouping variables and ageband but with different populations"
    ):
        stats.dsr(
            read_phe(file),
            "persons",
            "pop",
            stdpop="esp2013",
            by="area",
            independent_events=False,
            eventfreq="freq",
            ageband="ageband",
        )


def test_quantile_invert_must_agree_within_group():
    data = read_phe("sysdata__test_quantiles_fail.csv")
    with pytest.raises(StatsError, match="invert field values must take the same logical value"):
        stats.quantile(data, "Value", by="IndSexRef", invert="Polarity")


@pytest.mark.parametrize(
    "name",
    ["df_neg_deaths", "df_zero_pop", "df_deaths_greater_pops", "df_missing_age", "df_low_pops"],
)
def test_life_expectancy_suppression_cases_warn_and_give_na(name):
    data = read_phe(f"testLE_inline__{name}.csv")
    ages = None
    if name == "df_missing_age":
        ages = [0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85]
    deaths = "deaths" if "deaths" in data else "dths"
    pops = next(c for c in ("pops", "pop", "population") if c in data)
    start = next(c for c in ("startage", "age") if c in data)
    with pytest.warns(stats.StatsWarning):
        got = stats.life_expectancy(data, deaths, pops, start, age_contents=ages)
    assert got["value"].isna().all()


def test_life_expectancy_age_contents_rules():
    data = read_phe("testLE_inline__df1.csv")
    with pytest.raises(StatsError, match="first age band in age_contents must be 0"):
        stats.life_expectancy(data, "deaths", "pops", "startage", age_contents=[1, 5])
    with pytest.raises(StatsError, match="ascending order"):
        stats.life_expectancy(data, "deaths", "pops", "startage", age_contents=[0, 5, 1])
    with pytest.raises(StatsError, match="do not match the contents of the age_contents"):
        stats.life_expectancy(data, "deaths", "pops", "startage", age_contents=[0, 1, 5])


@pytest.fixture(scope="module")
def sii_data():
    s = read_phe("sysdata__SII_test_data.csv")
    return s[s["RecordNo"].between(1, 20)]


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        (
            lambda d: d.assign(Population=-d["Population"]),
            {},
            "zero, negative or missing population",
        ),
        (lambda d: d.assign(StandardError=-1.0), {}, "negative or missing standard errors"),
        (lambda d: d, {"value": None}, "requires value field, or x field"),
        (lambda d: d, {"se": None}, "requires either lower_cl and upper_cl fields, or se field"),
        (lambda d: d, {"value_type": 3}, "value_type should be 0, 1 or 2"),
        (lambda d: d, {"repetitions": 999}, "repetitions must be 1000 or greater"),
        (lambda d: d, {"repetitions": "many"}, "multiplier, repetitions and confidence inputs"),
        (lambda d: d, {"confidence": 0.8}, "all confidence levels must be between 90 and 100"),
        (lambda d: d, {"confidence": [0.95, 99.8]}, "all confidence levels must be between 90"),
        (lambda d: d, {"confidence": 100.5}, "all confidence levels must be between 90 and 100"),
        (lambda d: d[d["Quantile"] <= 4], {}, "Number of quantiles must be between 5 and 100"),
        (
            lambda d: d.assign(Value=d["Value"] / 10),
            {"value_type": 2},
            "value proportions are not all between 0 and 1",
        ),
        (lambda d: d, {"transform": True}, "value_type should be 1 or 2 when transform is true"),
        (
            lambda d: d,
            {"transform": True, "value_type": 1},
            "requires se to be missing when transform is true",
        ),
        (
            lambda d: d.assign(x=np.where(d["Quantile"] == 3, 0, 10)),
            {"value": None, "x": "x", "value_type": 2},
            "some groups have a zero or negative count x",
        ),
    ],
)
def test_sii_rules(sii_data, change, kwargs, message):
    args = dict(value="Value", se="StandardError", repetitions=1000)
    args.update(kwargs)
    args = {k: v for k, v in args.items() if v is not None}
    with pytest.raises(StatsError, match=message):
        stats.sii(change(sii_data), "Quantile", "Population", by="Area", **args)


def test_sii_drops_incomplete_groups_with_a_warning(sii_data):
    data = sii_data.copy()
    data.loc[data.index[3], "Value"] = np.nan
    with pytest.warns(stats.StatsWarning, match="incomplete or invalid data"):
        got = stats.sii(
            data,
            "Quantile",
            "Population",
            by="Area",
            value="Value",
            se="StandardError",
            repetitions=1000,
        )
    assert got["Area"].tolist() == ["area2"]


def test_cli_errors_are_one_line(cli, tmp_path):
    path = phe_path("sysdata__test_err1.csv")
    code, out, err = cli(
        "stats", "dsr", path, "-o", tmp_path / "o.csv", "--x", "count", "--n", "pop"
    )
    assert code == 2 and "Traceback" not in err
    assert err.strip() == f"error: {path}: numerators must all be greater than or equal to zero"
    assert not (tmp_path / "o.csv").exists()
    code, _, err = cli("stats", "proportion", path, "-o", tmp_path / "o.csv", "--x", "count")
    assert code == 2 and err.strip() == "error: proportion needs --n"
    code, _, err = cli("stats", "odds", path, "-o", tmp_path / "o.csv")
    assert code == 2 and "unknown method 'odds'" in err
    code, _, err = cli(
        "stats",
        "proportion",
        path,
        "-o",
        tmp_path / "o.csv",
        "--x",
        "count",
        "--n",
        "pop",
        "--confidence",
        "0.95,0.99",
    )
    assert code == 2 and "0.95 and 0.998" in err


def test_cli_writes_every_format(cli, tmp_path):
    path = phe_path("r_outputs/inputs/prop.csv")
    for ext in ("csv", "parquet", "xlsx"):
        code, out, err = cli(
            "stats",
            "proportion",
            path,
            "-o",
            tmp_path / f"o.{ext}",
            "--x",
            "Numerator",
            "--n",
            "Denominator",
            "--confidence",
            "0.95,0.998",
        )
        assert code == 0, err
    a = pd.read_csv(tmp_path / "o.csv")
    b = pd.read_parquet(tmp_path / "o.parquet")
    c = pd.read_excel(tmp_path / "o.xlsx")
    np.testing.assert_allclose(a["lower99_8cl"], b["lower99_8cl"])
    np.testing.assert_allclose(a["upper95_0cl"], c["upper95_0cl"])


def test_cli_reports_r_style_warnings(cli, tmp_path):
    path = phe_path("testLE_inline__df_grouped_with_warnings.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code, out, err = cli(
            "stats",
            "life-expectancy",
            path,
            "-o",
            tmp_path / "le.csv",
            "--deaths",
            "deaths",
            "--population",
            "pop",
            "--startage",
            "age",
            "--group-by",
            "area",
        )
    assert code == 0
    assert "warning: some groups have a total population of less than 5,000" in err
