"""Every case in PHEindicatormethods' reference outputs (the real R package, v2.1.0).

Point values must agree to 1e-9 relative per element and pass testthat's own rule; simulated
SII limits within five Monte Carlo standard errors of R's, measured from fairer's own runs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from fairer import stats
from fairer.stats_table import compute
from tests.conftest import ROOT
from tests.stats.conftest import assert_frame_matches, read_phe, within_mc_error

REF_X = (
    "10303,2824,0,3615,3641,3490,3789,3213,3031,2771,3089,3490,3595,4745,5514,7125,5694,6210,5757"
)
REF_N = "50520,57173,60213,54659,44345,50128,62163,67423,62899,55463,60479,49974,44140,40888,37239,30819,18136,15325,13918"
AGES = (
    "0,1-4,5-9,10 – 14,15 – 19,20 – 24,25 – 29,30 – 34,35 – 39,40 – 44,45 – 49,50 – 54,55 – 59,"
    "60 – 64,65 – 69,70 – 74,75 – 79,80 – 84,85 – 89,90 +"
)

# case: (method, input file, options as `fairer stats` takes them, sort keys)
CASES = {
    "prop_2ci": (
        "proportion",
        "r_outputs/inputs/prop.csv",
        dict(x="Numerator", n="Denominator", confidence="0.95,0.998"),
        None,
    ),
    "prop_pct_998": (
        "proportion",
        "r_outputs/inputs/prop.csv",
        dict(x="Numerator", n="Denominator", multiplier=100, confidence="99.8"),
        None,
    ),
    "prop_noci": (
        "proportion",
        "r_outputs/inputs/prop.csv",
        dict(x="Numerator", n="Denominator", confidence="NA"),
        None,
    ),
    "prop_grouped": (
        "proportion",
        "r_outputs/inputs/prop_grp.csv",
        dict(x="Numerator", n="Denominator", by="Area"),
        None,
    ),
    "rate_2ci": (
        "rate",
        "r_outputs/inputs/rate.csv",
        dict(x="Numerator", n="Denominator", confidence="0.95,0.998"),
        None,
    ),
    "rate_per100": (
        "rate",
        "r_outputs/inputs/rate.csv",
        dict(x="Numerator", n="Denominator", multiplier=100),
        None,
    ),
    "rate_grouped": (
        "rate",
        "r_outputs/inputs/rate_grp.csv",
        dict(x="Numerator", n="Denominator", by="Area"),
        None,
    ),
    "mean_2ci": ("mean", "sysdata__test_Mean.csv", dict(x="values", confidence="0.95,0.998"), None),
    "mean_grouped": (
        "mean",
        "sysdata__test_Mean.csv",
        dict(x="values", by="area", confidence="0.95,0.998"),
        None,
    ),
    "dsr_2ci": (
        "dsr",
        "sysdata__test_multiarea_esp.csv",
        dict(x="count", n="pop", stdpop="esp2013", by="area", confidence="0.95,0.998"),
        None,
    ),
    "phe_dsr_2ci": (
        "dsr",
        "sysdata__test_multiarea.csv",
        dict(x="count", n="pop", by="area", confidence="0.95,0.998"),
        None,
    ),
    "dsr_1976": (
        "dsr",
        "sysdata__test_DSR_1976.csv",
        dict(x="count", n="pop", stdpop="esp1976"),
        None,
    ),
    "dsr_nonind_2ci": (
        "dsr",
        "sysdata__test_DSR_nonind.csv",
        dict(
            x="persons",
            n="pop",
            stdpop="esp2013",
            by="area",
            confidence="0.95,0.998",
            independent_events="false",
            eventfreq="freq",
            ageband="ageband",
        ),
        None,
    ),
    "isratio_2ci": (
        "isratio",
        "sysdata__test_multiarea.csv",
        dict(x="count", n="pop", by="area", x_ref=REF_X, n_ref=REF_N, confidence="0.95,0.998"),
        None,
    ),
    "isratio_field": (
        "isratio",
        "sysdata__test_ISR_ownref.csv",
        dict(x="count", n="pop", by="area", x_ref="refcount", n_ref="refpop"),
        None,
    ),
    "israte_2ci": (
        "israte",
        "sysdata__test_multiarea.csv",
        dict(x="count", n="pop", by="area", x_ref=REF_X, n_ref=REF_N, confidence="0.95,0.998"),
        None,
    ),
    "israte_zero_pop": (
        "israte",
        "sysdata__test_err2.csv",
        dict(x="count", n="pop", by="area", x_ref=REF_X, n_ref=REF_N, type="standard"),
        None,
    ),
    "le_df1_2ci": (
        "life-expectancy",
        "testLE_inline__df1.csv",
        dict(deaths="deaths", population="pops", startage="startage", confidence="95,99.8"),
        None,
    ),
    "le_widecis": (
        "life-expectancy",
        "testLE_inline__df_widecis_plus.csv",
        dict(
            deaths="deaths",
            population="pops",
            startage="startage",
            by="area",
            confidence="0.95,0.998",
        ),
        ["area", "startage"],
    ),
    "le_warnings": (
        "life-expectancy",
        "testLE_inline__df_grouped_with_warnings.csv",
        dict(deaths="deaths", population="pop", startage="age", by="area"),
        ["area", "age"],
    ),
    "le_df3_labels": (
        "life-expectancy",
        "testLE_inline__df3.csv",
        dict(deaths="deaths", population="pops", startage="startage", age_contents=AGES),
        ["pops_used"],
    ),
    "quant_none_q4": (
        "quantile",
        "r_outputs/inputs/quant_none.csv",
        dict(values="Value", nquantiles=4),
        None,
    ),
    "quant_indsex_q7": (
        "quantile",
        "r_outputs/inputs/quant_indsex.csv",
        dict(values="Value", invert="Polarity", nquantiles=7),
        None,
    ),
    "quant_indsexreg": (
        "quantile",
        "r_outputs/inputs/quant_indsexreg.csv",
        dict(values="Value", invert="Polarity", by="IndSexRef,ParentCode"),
        None,
    ),
    "funnel_limits_prop": (
        "funnel-limits",
        "r_outputs/inputs/funnel_prop.csv",
        dict(x="numerator", n="denominator", statistic="proportion", multiplier=100),
        None,
    ),
    "funnel_limits_ratio_cnt": (
        "funnel-limits",
        "r_outputs/inputs/funnel_ratio.csv",
        dict(x="obs", n="expected", statistic="ratio", multiplier=100, ratio_type="count"),
        None,
    ),
    "funnel_limits_ratio_isr": (
        "funnel-limits",
        "r_outputs/inputs/funnel_ratio.csv",
        dict(x="obs", n="expected", statistic="ratio", multiplier=100, ratio_type="isr"),
        None,
    ),
    "funnel_limits_rate_dsr": (
        "funnel-limits",
        "r_outputs/inputs/funnel_rate_limits.csv",
        dict(
            x="ev",
            rate="rate",
            statistic="rate",
            rate_type="dsr",
            multiplier=100000,
            years_of_data=3,
        ),
        None,
    ),
    "funnel_sig_prop": (
        "funnel-significance",
        "r_outputs/inputs/funnel_prop.csv",
        dict(x="numerator", n="denominator", statistic="proportion"),
        None,
    ),
    "funnel_sig_ratio": (
        "funnel-significance",
        "r_outputs/inputs/funnel_ratio.csv",
        dict(x="obs", n="expected", statistic="ratio"),
        None,
    ),
    "funnel_sig_rate_dsr": (
        "funnel-significance",
        "r_outputs/inputs/funnel_rate.csv",
        dict(
            x="count",
            n="pop",
            rate="rate_dsr",
            statistic="rate",
            rate_type="dsr",
            multiplier=100000,
        ),
        None,
    ),
    "funnel_sig_rate_crude": (
        "funnel-significance",
        "r_outputs/inputs/funnel_rate.csv",
        dict(
            x="count",
            n="pop",
            rate="rate_crude_per_100000",
            statistic="rate",
            rate_type="crude",
            multiplier=100000,
        ),
        None,
    ),
    "funnel_points_dsr": (
        "funnel-points",
        "r_outputs/inputs/funnel_rate.csv",
        dict(
            x="count", n="pop", rate="rate_dsr", rate_type="dsr", years_of_data=3, multiplier=100000
        ),
        None,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_matches_r(case):
    method, infile, opts, sort = CASES[case]
    data = read_phe(infile)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.StatsWarning)
        got = compute(method, data, **opts)
    assert_frame_matches(got, read_phe(f"r_outputs/{case}.csv"), sort=sort)


def test_warnings_are_raised_like_r():
    data = read_phe("testLE_inline__df_grouped_with_warnings.csv")
    with pytest.warns(stats.StatsWarning) as record:
        stats.life_expectancy(data, "deaths", "pop", "age", by="area")
    expected = [
        ln.removeprefix("WARNING: ").strip()
        for ln in read_phe_text("r_outputs/le_warnings.stderr.txt").splitlines()
        if ln.startswith("WARNING")
    ]
    assert {str(w.message) for w in record} == set(expected)


def read_phe_text(name):
    from tests.stats.conftest import phe_path

    return phe_path(name).read_text(encoding="utf-8")


SII_CASES = {
    "sii_rows1_20": ("sii_rows1_20.csv", dict(se="StandardError", value_type=0)),
    "sii_rows71_90": (
        "sii_rows71_90.csv",
        dict(lower_cl="LowerCL", upper_cl="UpperCL", value_type=1),
    ),
    "sii_rows91_110": (
        "sii_rows91_110.csv",
        dict(lower_cl="LowerCL", upper_cl="UpperCL", value_type=2),
    ),
    "sii_rows306_325": (
        "sii_rows71_90.csv",
        dict(lower_cl="LowerCL", upper_cl="UpperCL", value_type=1, transform=True),
    ),
    "sii_rows326_345": (
        "sii_rows91_110.csv",
        dict(lower_cl="LowerCL", upper_cl="UpperCL", value_type=2, transform=True),
    ),
}


@pytest.mark.parametrize("case", list(SII_CASES))
def test_sii_matches_r(case):
    """Point estimates exact; limits within five Monte Carlo standard errors of R's, the error
    measured from sixteen of fairer's runs at the reference's 10,000 repetitions (with 15
    degrees of freedom, |z| > 5 has probability 1.6e-4 for each limit that truly agrees)."""
    infile, opts = SII_CASES[case]
    data = read_phe(f"r_outputs/inputs/{infile}")
    runs = [
        stats.sii(
            data,
            "Quantile",
            "Population",
            by="Area,Grouping1,Grouping2",
            value="Value",
            repetitions=10_000,
            rii=True,
            intercept=True,
            type="standard",
            seed=seed,
            **opts,
        )
        for seed in range(16)
    ]
    expected = read_phe(f"r_outputs/{case}.csv")
    got = runs[0]
    assert list(got.columns) == list(expected.columns)
    for c in ("sii", "rii", "intercept"):  # deterministic: regression
        np.testing.assert_allclose(got[c], expected[c], rtol=1e-9)
    for c in [c for c in expected.columns if "lower" in c or "upper" in c]:  # Monte Carlo
        z = within_mc_error(runs, expected, c)
        assert (z < 5).all(), (c, z)


def test_life_expectancy_where_deaths_exceed_what_the_band_allows():
    """A band whose deaths exceed population / (n × a) has probability of dying 1, as in R.

    Reference: ``tools/le_reference.py`` ran ``phe_life_expectancy`` on the synthetic input.
    """
    data = pd.read_csv(ROOT / "tests" / "data" / "le_extreme_input.csv")
    expected = pd.read_csv(ROOT / "tests" / "data" / "le_extreme_r.csv")
    got = stats.life_expectancy(data, "deaths", "pop", "age", by="area", confidence=[0.95, 0.998])
    assert_frame_matches(got, expected)
    capped = expected[(expected["area"] == "B") & (expected["age"] == 85)]
    assert capped["value"].iloc[0] == 2.5  # everyone dies within the band: half of it lived
