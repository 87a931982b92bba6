"""Cases from PHEindicatormethods' own expected-results sheets that have no separate R output."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from fairer import stats
from tests.stats.conftest import read_phe, waldo_equal

REF_X = [
    10303,
    2824,
    0,
    3615,
    3641,
    3490,
    3789,
    3213,
    3031,
    2771,
    3089,
    3490,
    3595,
    4745,
    5514,
    7125,
    5694,
    6210,
    5757,
]
REF_N = [
    50520,
    57173,
    60213,
    54659,
    44345,
    50128,
    62163,
    67423,
    62899,
    55463,
    60479,
    49974,
    44140,
    40888,
    37239,
    30819,
    18136,
    15325,
    13918,
]


def test_byars_and_wilson_helpers():
    bw = read_phe("sysdata__test_BW.csv")
    conf = bw["confidence"].map({"95%": 0.95, "99.8%": 0.998})
    for i, row in bw.iterrows():
        if row["method"] == "Byars":
            lo, up = stats.byars_lower(row["x"], conf[i]), stats.byars_upper(row["x"], conf[i])
        else:
            lo, up = (
                stats.wilson_lower(row["x"], row["n"], conf[i]),
                stats.wilson_upper(row["x"], row["n"], conf[i]),
            )
        assert waldo_equal([lo], [row["lowercl"]]) and waldo_equal([up], [row["uppercl"]]), i


def test_dsr_with_multiplier_10000():
    data = read_phe("sysdata__test_multiarea.csv")
    got = stats.dsr(
        data, "count", "pop", by="area", multiplier=10000, confidence=[0.95, 0.998], type="standard"
    )
    exp = read_phe("sysdata__test_DSR_results.csv").iloc[0:3]
    for c in (
        "total_count",
        "total_pop",
        "value",
        "lower95_0cl",
        "upper95_0cl",
        "lower99_8cl",
        "upper99_8cl",
    ):
        assert waldo_equal(got[c], exp[c]), c
    d1976 = stats.dsr(
        read_phe("sysdata__test_DSR_1976.csv"), "count", "pop", stdpop="esp1976", multiplier=10000
    )
    assert waldo_equal(
        d1976[["value", "lowercl", "uppercl"]].iloc[0],
        read_phe("sysdata__test_DSR_results.csv").iloc[3][["value", "lower95_0cl", "upper95_0cl"]],
    )


def test_dsr_non_independent_small_areas():
    data = read_phe("sysdata__test_DSR_nonind.csv")
    got = stats.dsr(
        data,
        "persons",
        "pop",
        stdpop="esp2013",
        by="area",
        confidence=[0.95, 0.998],
        independent_events=False,
        eventfreq="freq",
        ageband="ageband",
    )
    exp = read_phe("sysdata__test_DSR_results.csv").iloc[8:12].reset_index(drop=True)
    got = got.set_index("area").loc[exp["area"]].reset_index()
    for c in ("total_count", "value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"):
        np.testing.assert_allclose(
            got[c], exp[c], rtol=1e-7, equal_nan=True
        )  # the sheet is rounded to 8 dp


@pytest.mark.parametrize(
    ("rows", "kind", "kwargs", "data_file"),
    [
        (slice(3, 6), "israte", dict(multiplier=1000), "sysdata__test_multiarea.csv"),
        (slice(9, 12), "isratio", dict(refvalue=100), "sysdata__test_multiarea.csv"),
        (slice(14, 16), "isratio", dict(refvalue=100), "sysdata__test_err2.csv"),
    ],
)
def test_isr_variants(rows, kind, kwargs, data_file):
    fn = stats.israte if kind == "israte" else stats.isratio
    got = fn(
        read_phe(data_file),
        "count",
        "pop",
        REF_X,
        REF_N,
        by="area",
        confidence=[0.95, 0.998],
        **kwargs,
    )
    exp = read_phe("sysdata__test_ISR_results.csv").iloc[rows].reset_index(drop=True)
    for c in (
        "observed",
        "expected",
        "value",
        "lower95_0cl",
        "upper95_0cl",
        "lower99_8cl",
        "upper99_8cl",
    ):
        if exp[c].isna().all():  # the sheet gives only 95% limits for these rows
            continue
        assert waldo_equal(got[c], exp[c]), c


def test_isratio_observed_totals():
    data = read_phe("sysdata__test_multiarea.csv")
    totals = read_phe("sysdata__test_ISR_lookup.csv")
    got = stats.isratio(data, "total_count", "pop", REF_X, REF_N, by="area", observed_totals=totals)
    exp = read_phe("sysdata__test_ISR_results.csv").iloc[6:9].reset_index(drop=True)
    assert waldo_equal(got["value"], exp["value"]) and waldo_equal(
        got["lowercl"], exp["lower95_0cl"]
    )


def test_quantiles_every_group_set():
    q = read_phe("sysdata__test_quantiles_ug.csv")
    q["GroupSet"] = q["GroupSet"].fillna("None")
    cases = [
        ("IndSexReg", dict(by=["IndSexRef", "ParentCode"], invert="Polarity")),
        ("IndSex", dict(nquantiles=7, invert="Polarity")),
        ("None", dict(nquantiles=4, invert=True)),
    ]
    for group_set, kw in cases:
        part = q[q["GroupSet"] == group_set]
        with warnings.catch_warnings():  # some groups are too small: R warns and gives NA too
            warnings.simplefilter("ignore", stats.StatsWarning)
            got = stats.quantile(part, "Value", **kw)
        np.testing.assert_array_equal(
            got["quantile"].to_numpy(), part["QuantileInGrp"].to_numpy(), group_set
        )


def test_life_expectancy_out_of_order_bands_rounded_as_r_tests():
    got = stats.life_expectancy(read_phe("testLE_inline__df2.csv"), "deaths", "pops", "startage")
    exp = read_phe("testLE_inline__answer1.csv")
    got = got.sort_values("pops_used", ascending=False).reset_index(drop=True)
    for c in ("value", "lowercl", "uppercl"):
        assert waldo_equal(got[c].round(4), exp[c].round(4)), c
    cum = read_phe("testLE_inline__df1_cum.csv")
    assert (got["pops_used"].to_numpy() == cum["pops_used"].to_numpy()).all()


SII_BLOCKS = {  # first record of the block: arguments (from the block's description)
    1: dict(vt=0),
    21: dict(vt=0, confidence=0.99),
    41: dict(vt=0, repetitions=10_000),
    61: dict(vt=0),
    71: dict(vt=1),
    91: dict(vt=2),
    111: dict(vt=2, multiplier=100),
    131: dict(vt=2, multiplier=-100),
    226: dict(vt=0, confidence=[0.95, 0.99]),
    246: dict(vt=0),
    266: dict(vt=1),
    286: dict(vt=2),
    306: dict(vt=1, transform=True),
    326: dict(vt=2, transform=True),
    346: dict(vt=2, transform=True, multiplier=-1),
    366: dict(vt=1, transform=True, confidence=[0.95, 0.98]),
    386: dict(vt=1, transform=True, multiplier=-1),
    406: dict(vt=1, transform=True, confidence=0.98),
    426: dict(vt=1, transform=True, rii=False),
    446: dict(vt=2, transform=True, rii=False),
    466: dict(vt=2, transform=True, confidence=0.98),
    486: dict(vt=2, transform=True, confidence=[0.95, 0.98]),
}


@pytest.fixture(scope="module")
def sii_sheet():
    s = read_phe("sysdata__SII_test_data.csv")
    s["block"] = (s["TestDescription"] != s["TestDescription"].shift()).cumsum()
    return s


@pytest.mark.parametrize("first", list(SII_BLOCKS))
def test_sii_sheet_blocks(sii_sheet, first):
    kw = dict(SII_BLOCKS[first])
    vt = kw.pop("vt")
    block = sii_sheet[
        sii_sheet["block"] == sii_sheet.loc[sii_sheet["RecordNo"] == first, "block"].item()
    ]
    ci = dict(se="StandardError") if vt == 0 else dict(lower_cl="LowerCL", upper_cl="UpperCL")
    rii = kw.pop("rii", True)
    confs = kw.pop("confidence", 0.95)
    got = stats.sii(
        block,
        "Quantile",
        "Population",
        by=["Area", "Grouping1", "Grouping2"],
        value="Value",
        value_type=vt,
        confidence=confs,
        rii=rii,
        intercept=True,
        seed=1,
        repetitions=kw.pop("repetitions", 100_000),
        **ci,
        **kw,
    )
    exp = block.dropna(subset=["sii"]).reset_index(drop=True)
    np.testing.assert_allclose(got["sii"], exp["sii"], rtol=1e-9)
    if rii:
        np.testing.assert_allclose(got["rii"], exp["rii"], rtol=1e-9)
    if exp["Intercept"].notna().all():
        np.testing.assert_allclose(got["intercept"], exp["Intercept"], rtol=1e-9)
    end = "" if kw.get("transform") else "cl"
    levels = confs if isinstance(confs, list) else [confs]
    for i, c in enumerate(levels, start=1):
        name = f"{round(c * 100, 1):.1f}".replace(".", "_")
        pairs = [("sii", "sii")] + ([("rii", "rii")] if rii else [])
        for ours, theirs in pairs:
            for side in ("lower", "upper"):
                a, e = got[f"{ours}_{side}{name}{end}"], exp[f"{theirs}_{side}cl_{i}"]
                if e.isna().all():  # the sheet gives no limits for this block (quintiles)
                    continue
                assert (np.abs(a - e) / np.abs(e)).max() < 0.05, (ours, side, c)
