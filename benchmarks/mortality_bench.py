"""Life expectancy where people live, at England's size, against PHEindicatormethods.

England-sized synthetic data (SYNTHETIC, made here): 33,755 LSOAs in 7,000 wards, single-year
population by sex, and 2.5 million deaths over five years with ICD-10 causes. Timed: pooling and
cause groups, person-years, counts for every ward and every national deprivation decile, life
expectancy at birth and 65 by sex for all of them, and Arriaga's decomposition by age and cause
of every ward against England. R's ``phe_life_expectancy`` runs on the same 7,000 wards × 2 sexes
in the same run (life expectancy only: the reference has no decomposition).

Run: ``.venv/bin/python benchmarks/mortality_bench.py`` (``--no-record`` to leave
docs/benchmarks.md as it is).
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import record  # noqa: E402
from _reference_r import run_r  # noqa: E402

from fairer.mortality.causes import cause_groups, group_order  # noqa: E402
from fairer.mortality.where import (  # noqa: E402
    area_counts,
    area_life_expectancy,
    decompose_every_area,
    long_counts,
    person_years,
    pool,
)
from fairer.sources.deaths import read_deaths  # noqa: E402

warnings.simplefilter("ignore")
N_LSOAS, N_WARDS, DEATHS = 33_755, 7_000, 2_500_000
CODES = np.array(["I219", "I639", "C349", "C509", "J449", "K703", "X420", "F03", "G309", "E149"])

R_SCRIPT = """
suppressPackageStartupMessages({library(PHEindicatormethods); library(dplyr)})
a <- commandArgs(trailingOnly = TRUE)
d <- read.csv(a[1])
t <- system.time({
  out <- phe_life_expectancy(group_by(d, area_code, sex), deaths, person_years, startage,
                             le_age = c(0, 65), type = "standard")
})[["elapsed"]]
write.csv(out, a[2], row.names = FALSE)
cat(t, "\\n")
"""


def england(rng: np.random.Generator):
    lsoas = np.array([f"E01{i:06d}" for i in range(N_LSOAS)])
    ages = np.arange(91)
    per = rng.normal(1650, 200, N_LSOAS).clip(900)
    shape = np.where(ages < 60, 1.0, np.exp(-(ages - 60) / 14.0))
    shape[90] = shape[85:].sum() * 0.6
    shape /= shape.sum()
    counts = per[:, None, None] * shape[None, None, :] * np.array([0.505, 0.495])[None, :, None]
    pop = pd.DataFrame(
        {
            "area_code": np.repeat(lsoas, 2 * 91),
            "period": "mid-2021",
            "sex": np.tile(np.repeat(["female", "male"], 91), N_LSOAS),
            "age": np.tile(ages, 2 * N_LSOAS),
            "count": counts.ravel(),
        }
    )
    deprivation = rng.random(N_LSOAS)
    rate = np.exp(-10.6 + 0.094 * np.where(ages == 90, 92, ages))
    weight = counts * rate[None, None, :] * (1 + deprivation)[:, None, None]
    p = (weight / weight.sum()).ravel()
    cell = rng.choice(p.size, DEATHS, p=p)
    li, rest = np.divmod(cell, 2 * 91)
    si, age = np.divmod(rest, 91)
    deaths = pd.DataFrame(
        {
            "year": rng.integers(2019, 2024, DEATHS),
            "age": age,
            "sex": np.where(si == 1, "male", "female"),
            "lsoa_code": lsoas[li],
            "cause": CODES[rng.integers(0, len(CODES), DEATHS)],
            "deaths": 1,
        }
    )
    ward = rng.integers(0, N_WARDS, N_LSOAS)
    decile = np.ceil(deprivation * 10).clip(1, 10).astype(int).astype(str)
    membership = pd.concat(
        [
            pd.DataFrame({"lsoa_code": lsoas, "area_type": "ward",
                          "area_code": [f"E05{w:06d}" for w in ward], "area_name": ""}),
            pd.DataFrame({"lsoa_code": lsoas, "area_type": "decile", "area_code": decile,
                          "area_name": ""}),
            pd.DataFrame({"lsoa_code": lsoas, "area_type": "comparator",
                          "area_code": "E92000001", "area_name": "England"}),
        ],
        ignore_index=True,
    )  # fmt: skip
    return lsoas, pop, deaths, membership


def main(record_results: bool = True) -> None:
    rng = np.random.default_rng(2024)
    lsoas, pop, deaths, membership = england(rng)
    groups = cause_groups()
    order = group_order(groups)
    with tempfile.TemporaryDirectory() as tmp:
        extract = Path(tmp) / "deaths.csv"
        day = rng.integers(0, 365, len(deaths))
        pd.DataFrame(
            {
                "DOD": (pd.to_datetime(deaths["year"].astype(str) + "-01-01")
                        + pd.to_timedelta(day, "D")).dt.strftime("%Y-%m-%d"),
                "AGEC": deaths["age"], "SEX": np.where(deaths["sex"] == "male", 1, 2),
                "LSOA21CD": deaths["lsoa_code"], "S_UNDERLYING_COD_ICD10": deaths["cause"],
            }
        ).to_csv(extract, index=False)  # fmt: skip
        t_read = time.perf_counter()
        deaths = read_deaths(extract)
        t_read = time.perf_counter() - t_read
    t0 = time.perf_counter()
    pooled = pool(deaths, set(lsoas), groups, years=5)
    t1 = time.perf_counter()
    py = person_years(pop, pooled.start, pooled.end)
    counts = area_counts(pooled, py, membership, order)
    t2 = time.perf_counter()
    le = area_life_expectancy(counts)
    t3 = time.perf_counter()
    wards = decompose_every_area(counts, "ward", ("comparator", "E92000001"))
    t4 = time.perf_counter()
    total = t4 - t0 + t_read
    n_le = int(le["value"].notna().sum())
    long = long_counts(counts)
    r_input = long[(long["area_type"] == "ward") & (long["sex"] != "persons")][
        ["area_code", "sex", "startage", "deaths", "person_years"]
    ]
    t_fairer_le = time.perf_counter()
    ward_le = area_life_expectancy(
        {**counts, "areas": counts["areas"]}
    )  # the same life tables, timed alone for the ratio
    t_fairer_le = time.perf_counter() - t_fairer_le
    r_time, r_out, why = run_r(R_SCRIPT, r_input, want_output=True)
    agree = ""
    if r_out is not None:
        mine = ward_le[(ward_le["area_type"] == "ward") & (ward_le["sex"] != "persons")]
        m = mine.merge(r_out, left_on=["area_code", "sex", "age"],
                       right_on=["area_code", "sex", "startage"], suffixes=("", "_r"))  # fmt: skip
        both = m["value"].notna() & m["value_r"].notna()
        agree = f"; largest difference from R {np.abs(m.loc[both, 'value'] - m.loc[both, 'value_r']).max():.1e} years"
    rows = [
        ("read the extract (CSV, one row per death, checked row by row)", t_read),
        ("pool 2.5 million deaths, cause groups", t1 - t0),
        (
            "person-years and counts: 7,000 wards + 10 deciles + England, by sex, band, cause",
            t2 - t1,
        ),
        (f"life expectancy at 0 and 65, every area and sex ({n_le:,} values)", t3 - t2),
        (f"Arriaga by age and cause, every ward vs England ({len(wards):,} rows)", t4 - t3),
        ("**total**", total),
    ]
    lines = [
        "## Life expectancy where people live: England-sized",
        "",
        "Synthetic England (made by the benchmark): 33,755 LSOAs, 7,000 wards, 2.5 million "
        "deaths 2019-2023 with ICD-10 causes. Issue target: under 20 s in all. Reproduce: "
        "`.venv/bin/python benchmarks/mortality_bench.py`.",
        "",
        "| step | fairer |",
        "|---|---|",
        *[f"| {name} | {t:.2f} s |" for name, t in rows],
        "",
        "Life expectancy alone, 7,000 wards × 2 sexes at ages 0 and 65:",
        "",
        "| | fairer | PHEindicatormethods (R) | ratio |",
        "|---|---|---|---|",
        f"| phe_life_expectancy, same run | {t_fairer_le:.2f} s | "
        + (
            f"{r_time:.1f} s | {r_time / t_fairer_le:.0f}× |"
            if r_time
            else f"not run ({why}) | – |"
        ),
        "",
        f"_Life expectancy agrees with R on every ward{agree}._" if agree else "",
    ]
    text = "\n".join(lines)
    print(text)
    if record_results:
        record("mortality", text)


if __name__ == "__main__":
    main(record_results="--no-record" not in sys.argv)
