"""Need index, sensitivity, priority neighbourhoods and allocation."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from fairer.errors import FairerError
from fairer.targeting import (
    NeedSpec,
    adjacency,
    allocate,
    need_index,
    need_sensitivity,
    priority_neighbourhoods,
)
from tests.conftest import SHARED

# -- allocation: its laws ---------------------------------------------------------------------

areas_st = st.lists(
    st.tuples(st.integers(100, 20_000), st.floats(0, 100, allow_nan=False)), min_size=1, max_size=40
)


def _frame(rows):
    return pd.DataFrame(
        {
            "area_code": [f"A{i:03d}" for i in range(len(rows))],
            "population": [r[0] for r in rows],
            "need": [r[1] for r in rows],
        }
    )


@given(areas_st, st.floats(1, 5_000_000), st.floats(0, 1), st.floats(1, 10))
def test_allocations_add_up_to_the_budget_to_the_penny(rows, budget, share, gradient):
    budget = round(budget, 2)
    out = allocate(_frame(rows), budget, universal_share=share, gradient=gradient)
    assert out.attrs["pennies"].sum() == round(budget * 100)
    assert (out["allocation"] >= 0).all()


@given(areas_st.filter(lambda r: len(r) > 1), st.floats(1.01, 10))
def test_more_need_never_gets_less_per_head(rows, gradient):
    out = allocate(_frame(rows), 1_000_000, gradient=gradient).sort_values("need")
    w = out["need_weight"].to_numpy()
    assert np.all(np.diff(w) >= -1e-12)  # weights never fall as need rises
    # Per head before penny rounding: universal is the same for all; targeted rises with the weight.
    tp = 500_000 * w / (out["population"] * w).sum()
    assert np.all(np.diff(tp) >= -1e-9)
    assert np.all(
        np.diff(out["allocation_per_head"].to_numpy()) >= -0.01 / out["population"].min() * 2
    )
    assert w.min() >= 1 - 1e-12 and w.max() <= gradient + 1e-12
    if out["need"].is_unique:  # without ties, the ends are exactly 1 and the gradient
        assert w[-1] == pytest.approx(gradient) and w[0] == pytest.approx(1.0)


@given(areas_st)
def test_no_gradient_means_the_same_per_head(rows):
    out = allocate(_frame(rows), 1_000_000, gradient=1.0)
    ideal = 1_000_000 * out["population"] / out["population"].sum()
    assert np.all(np.abs(out["allocation"] - ideal) <= 0.01 + 1e-9)


@settings(max_examples=60)
@given(areas_st.filter(lambda r: len(r) >= 3), st.floats(0, 0.5), st.floats(1.2, 3))
def test_floors_and_caps_are_honoured(rows, floor_share, cap_factor):
    budget = 1_000_000
    n = len(rows)
    floor = budget / n * floor_share
    cap = budget / n * cap_factor
    out = allocate(_frame(rows), budget, gradient=4, floor=floor, cap=cap)
    assert (out["allocation"] >= floor - 0.01).all() and (out["allocation"] <= cap + 0.01).all()
    assert out.attrs["pennies"].sum() == budget * 100


def test_pace_of_change_and_bad_input():
    df = _frame([(1000, 10), (1000, 50), (1000, 90)]).assign(current=[300_000, 300_000, 300_000])
    out = allocate(df, 900_000, current="current", pace=0.05, gradient=5)
    assert (out["allocation"].between(285_000, 315_000)).all() and out[
        "change"
    ].sum() == pytest.approx(0)
    with pytest.raises(FairerError, match="budget must be more than zero"):
        allocate(df, 0)
    with pytest.raises(FairerError, match="cannot be met"):
        allocate(df, 100, floor=50)
    with pytest.raises(FairerError, match="non-positive population"):
        allocate(df.assign(population=[0, 1, 1]), 100)


# -- need index -------------------------------------------------------------------------------


def test_need_index_exponential_and_z():
    df = pd.DataFrame({"area_code": list("abcde"), "x": [1, 2, 3, 4, 5], "y": [50, 40, 30, 20, 10]})
    z = need_index(df, [NeedSpec("x", 1), NeedSpec("y", 1, higher_is_more_need=False)], method="z")
    expected = ((df["x"] - 3) / df["x"].std() + (30 - df["y"]) / df["y"].std()) / 2
    assert np.allclose(z["need"], expected)
    e = need_index(df, [NeedSpec("x", 1)], method="exponential")
    r = np.arange(1, 6) / 5
    assert np.allclose(e["need"], -23 * np.log(1 - r * (1 - np.exp(-100 / 23))))
    assert e["need"].iloc[-1] == pytest.approx(100)
    assert e["need_rank"].tolist() == [5, 4, 3, 2, 1]


def test_need_missing_rules():
    df = pd.DataFrame({"area_code": list("abc"), "x": [1, None, 3]})
    with pytest.raises(FairerError, match="area b has missing need data"):
        need_index(df, [NeedSpec("x")], missing="error")
    assert len(need_index(df, [NeedSpec("x")], missing="drop")) == 2
    assert need_index(df, [NeedSpec("x")], missing="median")["need"].notna().all()


def test_sensitivity_is_certain_without_noise_and_spreads_with_it():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {"area_code": [f"a{i}" for i in range(50)], "x": np.arange(50.0), "y": rng.normal(size=50)}
    )
    spec = [NeedSpec("x", 1)]
    sure = need_sensitivity(df, spec, top_n=5, runs=50)
    assert set(sure.loc[sure["p_top_n"] == 1, "area_code"]) == {f"a{i}" for i in range(45, 50)}
    noisy = need_sensitivity(
        df, [NeedSpec("x", 1), NeedSpec("y", 1)], top_n=5, runs=300, data_error=0.3
    )
    assert noisy["p_top_n"].sum() == pytest.approx(5)
    assert 0 < noisy["p_top_n"].max() <= 1 and (noisy["p_top_n"] < 1).sum() > 5


# -- neighbourhoods ---------------------------------------------------------------------------


def grid(n=6, island=True):
    k = 1000  # metres: cells a kilometre square on British National Grid
    cells = [
        (f"c{i}{j}", box(i * k, j * k, (i + 1) * k, (j + 1) * k))
        for i in range(n)
        for j in range(n)
    ]
    if island:
        cells.append(("island", box(20 * k, 20 * k, 21 * k, 21 * k)))
    gdf = gpd.GeoDataFrame(
        {"area_code": [c for c, _ in cells]}, geometry=[g for _, g in cells], crs=27700
    )
    gdf["population"] = 1000.0
    gdf["need"] = [
        (-(abs(int(c[1]) - 1) + abs(int(c[2]) - 1)) if c != "island" else 100.0)
        for c in gdf["area_code"]
    ]
    return gdf


def test_grid_neighbourhoods_are_contiguous_within_bounds_and_islands_survive():
    gdf = grid()
    nbrs = adjacency(gdf)
    assert nbrs["island"] == set() and nbrs["c00"] == {"c01", "c10", "c11"}
    picks = priority_neighbourhoods(gdf, count=2, min_population=3000, max_population=5000)
    for codes in picks["area_codes"]:
        assert 3000 <= 1000 * len(codes) <= 5000
        assert _connected(codes, nbrs)
    assert "island" not in {
        c for codes in picks["area_codes"] for c in codes
    }  # too small alone, no neighbours
    assert "c11" in picks["area_codes"].iloc[0]  # the neediest cell leads the first pick
    with pytest.raises(FairerError, match="fewer than the 40 asked"):
        priority_neighbourhoods(gdf, count=40, min_population=3000, max_population=5000)
    with pytest.raises(FairerError, match="pinned area"):
        priority_neighbourhoods(
            gdf, count=1, min_population=3000, max_population=5000, pinned=["island"]
        )
    mine = pd.DataFrame(
        {"area_code": ["c00", "c55", "island"], "community": ["North", "South", "South"]}
    )
    chosen = priority_neighbourhoods(
        gdf, count=1, communities=mine, min_population=1000, max_population=5000
    )
    assert chosen["seed"].iloc[0] == "South"


def _connected(codes, nbrs):
    codes = set(codes)
    seen, todo = set(), [next(iter(codes))]
    while todo:
        c = todo.pop()
        if c in seen:
            continue
        seen.add(c)
        todo += [n for n in nbrs[c] if n in codes]
    return seen == codes


@pytest.fixture(scope="module")
def stockton():
    if not SHARED.exists():
        pytest.skip(f"needs the shared reference data at {SHARED}")
    iod = pd.read_parquet(SHARED / "imd" / "imd2025_lsoa21_scores_ranks_deciles.parquet")
    lk = pd.read_parquet(SHARED / "lookups" / "lsoa21_ward24_ltla24.parquet")
    codes = lk.loc[lk["ltla24_code"] == "E06000004", "lsoa21_code"]
    geo = gpd.read_file(SHARED / "boundaries" / "lsoa21_4la.geojson")
    geo = geo[geo["lsoa21_code"].isin(codes)].rename(columns={"lsoa21_code": "area_code"})
    geo = geo.merge(iod.rename(columns={"lsoa21_code": "area_code"}), on="area_code")
    geo["population"] = 1600.0  # LSOAs are built to hold about 1,500 residents
    return geo


def test_stockton_priority_neighbourhoods(stockton):
    ni = need_index(stockton, [NeedSpec("IMD_score", 1)], method="z")
    areas = stockton.merge(ni, on="area_code")
    picks = priority_neighbourhoods(areas, count=3, min_population=5000, max_population=15000)
    nbrs = {c: set() for c in areas["area_code"]}
    geoms = areas.to_crs(27700).set_index("area_code").geometry
    for a in geoms.index:  # contiguity worked out independently: touching or within 2 m
        for b in geoms.index:
            if a != b and geoms[a].distance(geoms[b]) <= 4:
                nbrs[a].add(b)
    top_quarter = set(areas.nlargest(len(areas) // 4, "IMD_score")["area_code"])
    for codes in picks["area_codes"]:
        assert _connected(codes, nbrs)
        assert 5000 <= 1600 * len(codes) <= 15000
        assert set(codes) <= top_quarter | set(
            areas.nlargest(len(areas) // 2, "IMD_score")["area_code"]
        )
        assert np.mean([c in top_quarter for c in codes]) >= 0.5
    assert picks["need"].is_monotonic_decreasing
    assert not set(picks["area_codes"].iloc[0]) & set(picks["area_codes"].iloc[1])
    top_decile = areas["IMD_score"].quantile(0.9)
    first = areas[areas["area_code"].isin(picks["area_codes"].iloc[0])]
    assert (
        first["IMD_score"].mean() >= top_decile
    )  # the first pick sits among the borough's most deprived
