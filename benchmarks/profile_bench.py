"""Benchmark: load IoD2025 for all of England and profile every local authority.

Run: ``.venv/bin/python benchmarks/profile_bench.py`` (needs ../shared/data). It times, in one
process: loading the national files into a fresh store, assembling national data, and profiling
each of the 296 local authorities; and, as the reference, a plain pandas computation of the same
headline counts straight from the files. Results go to docs/benchmarks.md.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import record  # noqa: E402

from fairer.load import load_place_sources  # noqa: E402
from fairer.place import init_place  # noqa: E402
from fairer.profile import deprivation_profile, national_data  # noqa: E402
from fairer.store import open_store  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
FILES = [
    SHARED / "imd" / "imd2025_lsoa21_scores_ranks_deciles.parquet",
    SHARED / "lookups" / "lsoa21_ward24_ltla24.parquet",
    SHARED / "lookups" / "lsoa11_lsoa21_ltla22.parquet",
    SHARED / "population" / "population20_lsoa11.parquet",
]


def reference(la_codes: list[str]) -> pd.DataFrame:
    """Plain pandas: LSOAs and LSOAs in the most deprived decile per LA, from the files."""
    iod = pd.read_parquet(FILES[0]).merge(pd.read_parquet(FILES[1]), on="lsoa21_code")
    rows = []
    for code in la_codes:
        la = iod[iod["ltla24_code"] == code]
        rows.append((code, len(la), int((la["IMD_decile"] == 1).sum())))
    return pd.DataFrame(rows, columns=["lad_code", "n_lsoas", "n_lsoas_most_deprived_10"])


def main() -> None:
    if not SHARED.exists():
        sys.exit(f"needs {SHARED}")
    timings = {}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        place = init_place(Path(tmp) / "england", ["E06000004"], data=FILES)
        load_place_sources(place)
        timings["load England (init + load into DuckDB)"] = time.perf_counter() - t0
        store = open_store(place.store_path)
        t0 = time.perf_counter()
        data = national_data(store, 2025)
        timings["assemble national data, rank wards and LAs"] = time.perf_counter() - t0
        la_codes = sorted(pd.read_parquet(FILES[1])["ltla24_code"].dropna().unique())
        la_codes = [c for c in la_codes if c.startswith("E")]
        t0 = time.perf_counter()
        profiles = [deprivation_profile(data, [c]) for c in la_codes]
        timings[f"profile all {len(la_codes)} local authorities"] = time.perf_counter() - t0
        store.close()
    t0 = time.perf_counter()
    ref = reference(la_codes)
    ref_time = time.perf_counter() - t0
    ours = pd.DataFrame(
        [
            (p.la_codes[0], p.headlines["n_lsoas"], p.headlines["n_lsoas_most_deprived_10"])
            for p in profiles
        ],
        columns=ref.columns,
    )
    assert ours.equals(ref), "fairer and the reference disagree"
    total = sum(timings.values())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    per_la = timings[f"profile all {len(la_codes)} local authorities"] / len(la_codes)
    lines = ["| step | seconds |", "| --- | ---: |"]
    lines += [f"| {k} | {v:.2f} |" for k, v in timings.items()]
    lines += [f"| **total** (aim: under 30 s) | **{total:.2f}** |"]
    body = "\n".join(lines) + (
        f"\n\nPeak memory (max RSS): {peak_mb:,.0f} MB. Per local authority: {per_la * 1000:.0f} ms "
        f"for the full profile (deciles for 8 domains, wards with national ward deciles, LA rank).\n\n"
        f"Reference (plain pandas, headline counts only, same files, same run): {ref_time:.2f} s; "
        f"both agree on every LA's LSOA and most-deprived-decile counts. Ratio fairer/reference "
        f"for the profiling step: {timings[f'profile all {len(la_codes)} local authorities'] / ref_time:.1f}x "
        "(fairer computes far more per LA).\n\n"
        "Reproduce: `make bench` (or `.venv/bin/python benchmarks/profile_bench.py`)"
    )
    record("profile", "## Deprivation profile: all of England (IoD2025)\n\n" + body)
    print(body)


if __name__ == "__main__":
    main()
