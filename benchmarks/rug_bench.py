"""Benchmark: the rug and scorecard at national scale.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/rug_bench.py``). Seeded synthetic counts
for 7,000 wards × 30 indicators and 33,755 LSOAs × 10 indicators (proportions with an England
row each), computed into rug cells (values, Wilson limits at 95% and 99.8%, comparison with
England, quintiles, trends) and written as the interactive HTML page. The reference is the
obvious pandas script for the same cells (a Wilson interval and comparison per row with
``DataFrame.apply``), run in the same process; both must agree.
"""

from __future__ import annotations

import math
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import record  # noqa: E402

from fairer.framework import load_framework  # noqa: E402
from fairer.framework.compute import compute_indicators  # noqa: E402
from fairer.report.rug import rug_payload, write_rug_html  # noqa: E402

RNG = np.random.default_rng(7)


def framework(n: int, folder: Path):
    lines = [
        "[framework]",
        'id = "bench"',
        "[[domains]]",
        'id = "d"',
        'title = "Domain"',
        "[[domains.measures]]",
        'id = "m"',
        'title = "Measure"',
    ]
    for i in range(n):
        lines += [
            "[[domains.measures.indicators]]",
            f'id = "ind{i}"',
            f'title = "Indicator {i}"',
            'polarity = "lower is better"',
            'statistic = "proportion"',
            "multiplier = 100",
        ]
    path = folder / f"bench{n}.toml"
    path.write_text("\n".join(lines))
    return load_framework(path)


def data(n_areas: int, n_ind: int, prefix: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = [f"{prefix}{i:06d}" for i in range(n_areas)]
    den = RNG.integers(500, 5000, n_areas * n_ind)
    p = np.repeat(RNG.uniform(0.05, 0.4, n_ind), n_areas) * RNG.uniform(0.7, 1.3, n_areas * n_ind)
    rows = pd.DataFrame(
        {
            "indicator_id": np.repeat([f"ind{i}" for i in range(n_ind)], n_areas),
            "area_code": codes * n_ind,
            "period": "2024",
            "group": "",
            "numerator": RNG.binomial(den, np.clip(p, 0, 1)),
            "denominator": den,
            "value": np.nan,
            "lowercl": np.nan,
            "uppercl": np.nan,
        }
    )
    eng = pd.DataFrame(
        {
            "indicator_id": [f"ind{i}" for i in range(n_ind)],
            "area_code": "E92000001",
            "period": "2024",
            "group": "",
            "numerator": rows.groupby("indicator_id", sort=False)["numerator"].sum().to_numpy(),
            "denominator": rows.groupby("indicator_id", sort=False)["denominator"].sum().to_numpy(),
        }
    )
    areas = pd.DataFrame({"area_code": codes, "area_name": [f"Area {i}" for i in range(n_areas)]})
    return pd.concat([rows, eng], ignore_index=True), areas


def reference(rows: pd.DataFrame) -> pd.DataFrame:
    """The obvious script: Wilson interval and comparison, one row at a time."""
    z = 1.959963984540054
    eng = rows[rows["area_code"] == "E92000001"].set_index("indicator_id")
    eng = eng["numerator"] / eng["denominator"] * 100
    local = rows[rows["area_code"] != "E92000001"].copy()

    def cell(r):
        x, n = r["numerator"], r["denominator"]
        centre = (2 * x + z * z) / (2 * (n + z * z))
        half = z * math.sqrt(z * z + 4 * x * (1 - x / n)) / (2 * (n + z * z))
        lo, hi, b = 100 * (centre - half), 100 * (centre + half), eng[r["indicator_id"]]
        return pd.Series(
            {
                "lowercl": lo,
                "uppercl": hi,
                "comparison": "worse" if lo > b else "better" if hi < b else "similar",
            }
        )

    return pd.concat([local[["indicator_id", "area_code"]], local.apply(cell, axis=1)], axis=1)


def main() -> None:
    lines = [
        "| rug | cells | fairer: compute (s) | fairer: HTML page (s) | page size | reference script (s) | faster by | same comparisons |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: |",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for label, n_areas, n_ind, prefix in (
            ("7,000 wards × 30 indicators", 7000, 30, "E05"),
            ("33,755 LSOAs × 10 indicators", 33755, 10, "E01"),
        ):
            fw = framework(n_ind, tmp)
            rows, areas = data(n_areas, n_ind, prefix)
            t = time.perf_counter()
            res = compute_indicators(fw, rows, areas)
            t_compute = time.perf_counter() - t
            t = time.perf_counter()
            page = write_rug_html(rug_payload(res.cells, fw, label, "England"), tmp / "rug.html")
            t_html = time.perf_counter() - t
            t = time.perf_counter()
            ref = reference(rows)
            t_ref = time.perf_counter() - t
            merged = res.cells.merge(
                ref.rename(columns={"indicator_id": "indicator_id"}),
                on=["indicator_id", "area_code"],
                suffixes=("", "_ref"),
            )
            same = (
                len(merged) == len(ref)
                and (merged["comparison"] == merged["comparison_ref"]).all()
                and np.allclose(merged["lowercl"], merged["lowercl_ref"], rtol=1e-12)
            )
            cells = n_areas * n_ind
            lines.append(
                f"| {label} | {cells:,} | {t_compute:.2f} | {t_html:.2f} | {page.stat().st_size / 1e6:.1f} MB | "
                f"{t_ref:.2f} | {t_ref / (t_compute + t_html):.1f}x | {'yes' if same else 'NO'} |"
            )
            print(lines[-1])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    body = "\n".join(lines) + (
        f"\n\nAim: under 20 s each. The page shows 50 areas at a time (paging, sort and filter run over all of "
        f"them in the browser; tested in headless Chromium at 7,000 areas). Peak memory (max RSS) {peak:,.0f} MB.\n\n"
        "Reproduce: `make bench` (or `.venv/bin/python benchmarks/rug_bench.py`)."
    )
    record("rug", "## Tartan rug and scorecard at national scale\n\n" + body)


if __name__ == "__main__":
    main()
