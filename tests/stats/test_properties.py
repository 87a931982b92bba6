"""Laws the statistics must obey for any input (hypothesis)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairer import stats

counts = st.integers(min_value=0, max_value=100_000)


@st.composite
def proportion_rows(draw):
    n = draw(st.integers(min_value=1, max_value=1_000_000))
    x = draw(st.integers(min_value=0, max_value=n))
    return x, n


@given(st.lists(proportion_rows(), min_size=1, max_size=20), st.sampled_from([1, 100]))
def test_proportion_limits_bracket_value_and_widen(rows, multiplier):
    df = pd.DataFrame(rows, columns=["x", "n"])
    out = stats.proportion(df, "x", "n", confidence=[0.95, 0.998], multiplier=multiplier)
    tol = 1e-9 * multiplier
    assert (out["lower99_8cl"] <= out["lower95_0cl"] + tol).all()
    assert (out["lower95_0cl"] <= out["value"] + tol).all()
    assert (out["value"] <= out["upper95_0cl"] + tol).all()
    assert (out["upper95_0cl"] <= out["upper99_8cl"] + tol).all()
    assert (out["lower99_8cl"] >= -tol).all() and (out["upper99_8cl"] <= multiplier + tol).all()


@given(
    st.lists(st.tuples(counts, st.integers(min_value=1, max_value=10**7)), min_size=1, max_size=20)
)
def test_rate_limits_bracket_value_and_widen(rows):
    df = pd.DataFrame(rows, columns=["x", "n"])
    out = stats.rate(df, "x", "n", confidence=[0.95, 0.998])
    v = out["value"]
    assert (out["lower99_8cl"].fillna(0) <= out["lower95_0cl"] * (1 + 1e-12)).all()
    assert (out["lower95_0cl"] <= v * (1 + 1e-12)).all()
    assert (v <= out["upper95_0cl"] * (1 + 1e-12)).all()
    assert (out["upper95_0cl"] <= out["upper99_8cl"] * (1 + 1e-12)).all()


@given(
    st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=2, max_size=50),
    st.floats(min_value=0.9, max_value=0.999),
)
def test_mean_limits_bracket_value(values, conf):
    out = stats.mean(pd.DataFrame({"v": values}), "v", confidence=conf)
    spread = 1e-9 * (1 + abs(out["value"].item()))
    assert (
        out["lowercl"].item() <= out["value"].item() + spread <= out["uppercl"].item() + 2 * spread
    )


@given(
    st.integers(min_value=10, max_value=10_000),
    st.integers(min_value=1, max_value=10**6),
    st.floats(1, 1e5),
)
def test_dsr_with_one_band_is_the_crude_rate(x, n, w):
    df = pd.DataFrame({"x": [x], "n": [n + x], "w": [w]})
    d = stats.dsr(df, "x", "n", stdpop="w")
    r = stats.rate(df, "x", "n")
    assert d["value"].item() == pytest.approx(r["value"].item(), rel=1e-12)
    # With one band the Dobson limits are the count's Byar's limits, scaled.
    assert d["lowercl"].item() <= d["value"].item() <= d["uppercl"].item()


@settings(max_examples=40)
@given(
    st.lists(st.tuples(st.integers(0, 500), st.integers(1000, 50_000)), min_size=19, max_size=19),
    st.sampled_from([0.95, 0.998]),
)
def test_dsr_limits_bracket_value(bands, conf):
    df = pd.DataFrame(bands, columns=["x", "n"])
    out = stats.dsr(df, "x", "n", stdpop="esp2013", confidence=conf)
    if out["total_count"].item() >= 10:
        assert out["lowercl"].item() <= out["value"].item() <= out["uppercl"].item()
    else:
        assert out[["value", "lowercl", "uppercl"]].isna().all(axis=None)


@settings(max_examples=30)
@given(
    st.floats(-10, 10),
    st.floats(50, 90),
    st.lists(st.integers(1000, 100_000), min_size=10, max_size=10),
)
def test_sii_recovers_an_exact_linear_gradient(slope, intercept, pops):
    """Values that lie exactly on a line in relative rank give that line's slope as the SII."""
    pops = np.array(pops, dtype=float)
    a = pops / pops.sum()
    rank = np.cumsum(a) - a / 2
    df = pd.DataFrame({"q": range(1, 11), "pop": pops, "v": intercept + slope * rank, "se": 0.0})
    out = stats.sii(
        df, "q", "pop", value="v", se="se", repetitions=1000, rii=True, intercept=True, seed=1
    )
    assert out["sii"].item() == pytest.approx(slope, abs=1e-9)
    assert out["intercept"].item() == pytest.approx(intercept, rel=1e-9)
    assert out["sii_lower95_0cl"].item() == pytest.approx(
        slope, abs=1e-9
    )  # no uncertainty: no spread


@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=10, max_size=80), st.integers(2, 10))
def test_quantiles_are_in_range_and_ordered(values, nq):
    df = pd.DataFrame({"v": values})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = stats.quantile(df, "v", nquantiles=nq, invert=False)
    q = out["quantile"]
    assert q.between(1, nq).all()
    order = np.argsort(df["v"].to_numpy(), kind="stable")
    assert np.all(np.diff(q.to_numpy()[order]) >= 0)  # higher value, same or higher quantile


@given(st.floats(-100, 100), st.floats(0, 50), st.floats(-200, 200))
def test_compare_is_consistent_with_the_interval(value, half, bench):
    lo, up = value - half, value + half
    word = stats.compare([value], [lo], [up], bench)[0]
    assert word == ("higher" if lo > bench else "lower" if up < bench else "similar")
    good = stats.compare([value], [lo], [up], bench, polarity="lower is better")[0]
    assert good == {"higher": "worse", "lower": "better", "similar": "similar"}[word]


@pytest.fixture(scope="module")
def le_reference_table():
    """Read once, outside the timed hypothesis examples (file reads under load miss deadlines)."""
    return pd.read_csv(
        __import__("tests.stats.conftest", fromlist=["phe_path"]).phe_path("testLE_inline__df1.csv")
    )


@settings(max_examples=20)
@given(factor=st.floats(0.5, 2.0))
def test_life_expectancy_falls_as_mortality_rises(le_reference_table, factor):
    base = le_reference_table
    worse = base.assign(deaths=(base["deaths"] * factor * 1.5).round().clip(lower=1))
    better = base.assign(deaths=(base["deaths"] * factor).round().clip(lower=1))
    e_worse = stats.life_expectancy(worse, "deaths", "pops", "startage")["value"].iloc[0]
    e_better = stats.life_expectancy(better, "deaths", "pops", "startage")["value"].iloc[0]
    assert e_worse < e_better
    full = stats.life_expectancy(better, "deaths", "pops", "startage", confidence=[0.95, 0.998])
    ok = full["value"].notna()
    assert (full.loc[ok, "lower99_8cl"] <= full.loc[ok, "lower95_0cl"]).all()
    assert (full.loc[ok, "lower95_0cl"] <= full.loc[ok, "value"]).all()
