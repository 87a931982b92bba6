"""Indicator computation: aggregation from counts, comparisons, suppression, trends and gaps,
each checked against a calculation done independently in the test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from fairer.framework import load_framework
from fairer.framework.compute import compute_indicators, local_deciles

FW = """[framework]
id = "t"
[[domains]]
id = "d"
title = "D"
[[domains.measures]]
id = "m"
title = "M"
[[domains.measures.indicators]]
id = "kids"
title = "Children in low income"
polarity = "lower is better"
statistic = "proportion"
multiplier = 100
"""


@pytest.fixture
def fw(tmp_path):
    p = tmp_path / "f.toml"
    p.write_text(FW)
    return load_framework(p)


def _wilson(x, n, z=1.959963984540054):
    p = x / n
    centre = (2 * x + z**2) / (2 * (n + z**2))
    half = z * np.sqrt(z**2 + 4 * x * (1 - p)) / (2 * (n + z**2))
    return centre - half, centre + half


def test_wards_from_lsoa_counts_match_independent_sums(fw):
    rng = np.random.default_rng(3)
    lsoas = [f"E01{i:06d}" for i in range(40)]
    n = rng.integers(200, 400, 40)
    rows = pd.DataFrame(
        {
            "indicator_id": "kids",
            "area_code": lsoas,
            "period": "2023/24",
            "group": "",
            "numerator": rng.binomial(n, 0.3),
            "denominator": n,
            "value": np.nan,
            "lowercl": np.nan,
            "uppercl": np.nan,
        }
    )
    rows = pd.concat(
        [
            rows,
            pd.DataFrame(
                [
                    {
                        "indicator_id": "kids",
                        "area_code": "E92000001",
                        "period": "2023/24",
                        "group": "",
                        "numerator": 200_000,
                        "denominator": 1_000_000,
                    }
                ]
            ),
        ]
    )
    links = pd.DataFrame(
        {"child_code": lsoas, "parent_code": [f"E0500000{i % 4}" for i in range(40)]}
    )
    areas = pd.DataFrame(
        {"area_code": [f"E0500000{i}" for i in range(4)], "area_name": list("ABCD")}
    )
    res = compute_indicators(fw, rows, areas, links)
    cells = res.cells.set_index("area_code")
    for ward, part in (
        rows.iloc[:40]
        .merge(links, left_on="area_code", right_on="child_code")
        .groupby("parent_code")
    ):
        x, nn = part["numerator"].sum(), part["denominator"].sum()
        lo, hi = _wilson(x, nn)
        c = cells.loc[ward]
        assert c["value"] == pytest.approx(100 * x / nn, rel=1e-12)
        assert (c["lowercl"], c["uppercl"]) == pytest.approx((100 * lo, 100 * hi), rel=1e-12)
        expected = "worse" if 100 * lo > 20 else "better" if 100 * hi < 20 else "similar"
        assert c["comparison"] == expected and c["benchmark"] == pytest.approx(20.0)
        assert c["benchmark_name"] == "England"


def test_small_counts_are_suppressed_and_marked(fw):
    rows = pd.DataFrame(
        {
            "indicator_id": "kids",
            "area_code": ["E05000001", "E05000002", "E05000003"],
            "period": "2024",
            "group": "",
            "numerator": [3, 0, 50],
            "denominator": [100, 100, 100],
            "value": np.nan,
            "lowercl": np.nan,
            "uppercl": np.nan,
        }
    )
    areas = pd.DataFrame({"area_code": rows["area_code"], "area_name": list("ABC")})
    cells = compute_indicators(fw, rows, areas, threshold=5).cells.set_index("area_code")
    assert cells.loc["E05000001", "suppressed"] and np.isnan(cells.loc["E05000001", "value"])
    assert not cells.loc["E05000002", "suppressed"] and cells.loc["E05000002", "value"] == 0
    assert len(cells) == 3  # kept, never dropped


def test_trend_and_red_red(fw):
    periods = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    worsening = [100, 130, 160, 190, 220]
    flat = [200] * 5
    rows = pd.DataFrame(
        {
            "indicator_id": "kids",
            "area_code": ["E05000001"] * 5 + ["E05000002"] * 5,
            "period": periods * 2,
            "group": "",
            "numerator": worsening + flat,
            "denominator": 1000,
            "value": np.nan,
            "lowercl": np.nan,
            "uppercl": np.nan,
        }
    )
    eng = pd.DataFrame(
        {
            "indicator_id": "kids",
            "area_code": "E92000001",
            "period": periods,
            "group": "",
            "numerator": 150_000,
            "denominator": 1_000_000,
        }
    )
    rows = pd.concat([rows, eng], ignore_index=True)
    areas = pd.DataFrame({"area_code": ["E05000001", "E05000002"], "area_name": ["Up", "Flat"]})
    cells = compute_indicators(fw, rows, areas).cells
    latest = cells[cells["latest"]].set_index("area_code")
    assert (
        latest.loc["E05000001", "trend"] == "increasing and getting worse"
        and latest.loc["E05000001", "slope_trend"] == "getting worse"
        and latest.loc["E05000001", "red_red"]
    )
    assert (
        latest.loc["E05000002", "trend"] == "no significant change"
        and not latest.loc["E05000002", "red_red"]
    )
    assert latest.loc["E05000001", "change"] == pytest.approx(3.0)
    # Independent: the weighted slope's z-statistic for the rising area is far beyond 1.96.
    v = np.array(worsening) / 1000
    se = np.sqrt(v * (1 - v) / 1000)
    w = 1 / se**2
    x = np.arange(5)
    xb = (w * x).sum() / w.sum()
    slope = (w * (x - xb) * v).sum() / (w * (x - xb) ** 2).sum()
    assert slope / np.sqrt(1 / (w * (x - xb) ** 2).sum()) > sps.norm.ppf(0.975)


def test_gaps_by_local_decile(fw):
    rng = np.random.default_rng(5)
    k = 100
    imd = pd.DataFrame(
        {
            "lsoa_code": [f"E01{i:06d}" for i in range(k)],
            "imd_score": rng.uniform(5, 60, k),
            "population": rng.integers(1200, 2000, k),
        }
    )
    n = imd["population"].to_numpy() // 5
    p = 0.1 + 0.5 * (imd["imd_score"].to_numpy() / 60)
    rows = pd.DataFrame(
        {
            "indicator_id": "kids",
            "area_code": imd["lsoa_code"],
            "period": "2024",
            "group": "",
            "numerator": rng.binomial(n, p),
            "denominator": n,
            "value": np.nan,
            "lowercl": np.nan,
            "uppercl": np.nan,
        }
    )
    links = pd.DataFrame({"child_code": imd["lsoa_code"], "parent_code": "E06000004"})
    place = pd.DataFrame({"area_code": ["E06000004"], "area_name": ["Place"]})
    res = compute_indicators(fw, rows, place, links, imd=imd)
    g = res.gaps.iloc[0]
    # Independent: deciles by rank of score (10 LSOAs each here), most deprived first.
    order = imd.sort_values("imd_score", ascending=False)["lsoa_code"].to_numpy()
    dec = pd.Series(np.repeat(np.arange(1, 11), 10), index=order)
    assert (
        local_deciles(imd).set_index("lsoa_code")["decile"].reindex(order).to_numpy()
        == dec.to_numpy()
    ).all()
    agg = (
        rows.assign(decile=rows["area_code"].map(dec))
        .groupby("decile")[["numerator", "denominator"]]
        .sum()
    )
    q1 = agg.loc[[1, 2]].sum()
    q5 = agg.loc[[9, 10]].sum()
    assert g["most_deprived_quintile"] == pytest.approx(100 * q1["numerator"] / q1["denominator"])
    assert g["least_deprived_quintile"] == pytest.approx(100 * q5["numerator"] / q5["denominator"])
    assert g["absolute_gap"] == pytest.approx(
        g["most_deprived_quintile"] - g["least_deprived_quintile"]
    )
    assert (
        g["sii"] < 0 and g["sii_lowercl"] <= g["sii"] <= g["sii_uppercl"]
    )  # falls with less deprivation
    assert 0 < g["rii"] < 1
    assert g["place_value"] == pytest.approx(
        100 * rows["numerator"].sum() / rows["denominator"].sum()
    )
    assert len(res.deciles) == 10


def test_without_england_or_counts_there_is_no_comparator_not_a_median(fw):
    """Authority values with limits but no counts and no England row (as many published
    files are): no comparator can be had, so none is invented; with England's published row,
    England is the comparator and cells are tested against its value."""
    las = [f"E0600000{i}" for i in range(1, 6)]
    rows = pd.DataFrame(
        {
            "indicator_id": "kids",
            "area_code": las,
            "period": "2023/24",
            "group": "",
            "value": [18.0, 22.0, 30.0, 25.0, 12.0],
            "lowercl": [16.0, 20.0, 28.0, 23.0, 10.0],
            "uppercl": [20.0, 24.0, 32.0, 27.0, 14.0],
            "numerator": np.nan,
            "denominator": np.nan,
        }
    )
    areas = pd.DataFrame({"area_code": las, "area_name": list("ABCDE")})
    cells = compute_indicators(fw, rows, areas).cells
    assert cells["benchmark"].isna().all() and cells["benchmark_name"].isna().all()
    assert (cells["comparison"] == "not compared").all()
    england = pd.DataFrame(
        [
            {
                "indicator_id": "kids",
                "area_code": "E92000001",
                "period": "2023/24",
                "group": "",
                "value": 21.0,
                "numerator": np.nan,
                "denominator": np.nan,
            }
        ]
    )
    cells = compute_indicators(fw, pd.concat([rows, england]), areas).cells.set_index("area_code")
    assert (cells["benchmark"] == 21.0).all() and (cells["benchmark_name"] == "England").all()
    assert cells["comparison"].to_dict() == {
        "E06000001": "better",
        "E06000002": "similar",
        "E06000003": "worse",
        "E06000004": "worse",
        "E06000005": "better",
    }


def _group_rows(numerators, denominators, codes, period="2024"):
    return pd.DataFrame({
        "indicator_id": "kids", "area_code": codes, "period": period, "group": "",
        "numerator": numerators, "denominator": denominators, "value": np.nan,
        "lowercl": np.nan, "uppercl": np.nan,
    })  # fmt: skip


def test_a_group_comparator_pools_its_members_counts(fw):
    """Nearest neighbours as the comparator: their counts pooled (never a median), named as the
    analyst named them; a period missing a member, or values without counts, is not compared."""
    from fairer.framework.compute import Comparator

    members = ("E06000001", "E06000002", "E06000003")
    rows = pd.concat([
        _group_rows([300, 200, 100], [1000, 1000, 1000], list(members)),
        _group_rows([150], [1000], ["E06000004"]),
        _group_rows([300, 200], [1000, 1000], list(members[:2]), period="2023"),
        _group_rows([160], [1000], ["E06000004"], period="2023"),
    ], ignore_index=True)  # fmt: skip
    areas = pd.DataFrame({"area_code": ["E06000004"], "area_name": ["Stockton-on-Tees"]})
    group = Comparator("group", "CIPFA nearest neighbours", members)
    cells = compute_indicators(fw, rows, areas, benchmark=group).cells.set_index("period")
    assert cells.loc["2024", "benchmark"] == pytest.approx(600 / 3000 * 100)  # not the median 20
    assert cells.loc["2024", "benchmark_name"] == "CIPFA nearest neighbours"
    lo, hi = _wilson(150, 1000)
    assert hi * 100 < 20 and cells.loc["2024", "comparison"] == "better"  # CI below the group
    assert np.isnan(cells.loc["2023", "benchmark"])  # a member missing: not that group
    assert cells.loc["2023", "comparison"] == "not compared"
    values_only = rows.assign(value=rows["numerator"] / 10, numerator=np.nan, denominator=np.nan)
    cells = compute_indicators(fw, values_only, areas, benchmark=group).cells
    assert (cells["comparison"] == "not compared").all()


def test_a_region_uses_its_published_row_when_there_is_one(fw):
    from fairer.framework.compute import Comparator

    rows = pd.concat([
        _group_rows([150], [1000], ["E06000004"]),
        pd.DataFrame({"indicator_id": ["kids"], "area_code": ["E12000001"], "period": ["2024"],
                      "group": [""], "numerator": [np.nan], "denominator": [np.nan],
                      "value": [18.0], "lowercl": [np.nan], "uppercl": [np.nan]}),
    ], ignore_index=True)  # fmt: skip
    areas = pd.DataFrame({"area_code": ["E06000004"], "area_name": ["Stockton-on-Tees"]})
    region = Comparator("region", "North East", ("E06000001", "E06000004"), "E12000001")
    cell = compute_indicators(fw, rows, areas, benchmark=region).cells.iloc[0]
    assert cell["benchmark"] == 18.0 and cell["benchmark_name"] == "North East"
