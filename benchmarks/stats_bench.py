"""The statistics engine against PHEindicatormethods (R) and PHStatsMethods, in one run.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/stats_bench.py``). R comes from
``../shared/reference-r/setup_r.sh`` (without it R's column is empty and says why);
PHStatsMethods from the ``bench`` extra. Every case runs on the same seeded inputs in all
three; R times its own work inside R (``system.time``), so its start-up and CSV reading are not
counted. Results are compared with R's to 1e-12 relative (R writes 15 significant digits).
Each case also times the same arithmetic in plain numpy on prepared arrays: the floor no
implementation can beat, and how far fairer is from it. The SII has its own script,
``benchmarks/sii_bench.py``. Results go to docs/benchmarks.md.
"""

from __future__ import annotations

import resource
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import record  # noqa: E402
from _reference_r import run_r  # noqa: E402

from fairer import stats  # noqa: E402
from fairer.stats.esp2013 import ESP2013  # noqa: E402

try:
    import PHStatsMethods as ph
except ImportError:  # pragma: no cover - the bench extra is optional
    ph = None

warnings.simplefilter("ignore")
RNG = np.random.default_rng(2024)
Z = 1.959963984540054

R_SCRIPT = """
suppressPackageStartupMessages({library(PHEindicatormethods); library(dplyr)})
a <- commandArgs(trailingOnly = TRUE)
d <- read.csv(a[1])
t <- system.time({
  out <- switch(a[3],
    proportion = phe_proportion(d, x, n, type = "standard"),
    rate = phe_rate(d, x, n, type = "standard"),
    dsr = calculate_dsr(group_by(d, area), x, n, stdpop = esp, type = "standard"),
    isr = calculate_ISRatio(group_by(d, area), x, n, rx, rn, refpoptype = "field",
                            type = "standard"),
    le = phe_life_expectancy(group_by(d, area), deaths, pop, age, type = "standard"),
    mean = phe_mean(group_by(d, g), v, type = "standard"),
    quantile = phe_quantile(group_by(d, g), v, invert = TRUE, type = "standard"))
})[["elapsed"]]
write.csv(out, a[2], row.names = FALSE)
cat(t, "\\n")
"""


def best_of(fn: Callable, repeat: int = 3) -> tuple[float, object]:
    """Best wall time of ``repeat`` runs (seconds) and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def dsr_input(n_areas: int) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "area": np.repeat(np.arange(n_areas), 19),
            "ageband": np.tile(np.arange(19), n_areas),
            "n": RNG.integers(20, 400, n_areas * 19).astype(float),
        }
    )
    rate = np.tile(np.exp(np.linspace(-8, -2, 19)), n_areas)
    df["x"] = RNG.poisson(df["n"] * rate * 5).astype(float)
    df["esp"] = np.tile(np.asarray(ESP2013, dtype=float), n_areas)
    return df


def isr_input(n_areas: int) -> pd.DataFrame:
    df = dsr_input(n_areas)
    ref_x = df.groupby("ageband")["x"].sum().to_numpy()
    ref_n = df.groupby("ageband")["n"].sum().to_numpy()
    return df.assign(rx=np.tile(ref_x, n_areas), rn=np.tile(ref_n, n_areas))


AGES = [0, 1] + list(range(5, 95, 5))
LE_POPS = [7060, 35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601, 50209, 56416,
           46411, 39820, 37978, 37039, 33288, 23306, 11936, 11936]  # fmt: skip
LE_DEATHS = [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605,
             1936, 1937]  # fmt: skip


def le_input(n_areas: int) -> pd.DataFrame:
    """Areas the size of an LSOA's decade of deaths: a tenth of the PHE calculator's example."""
    return pd.DataFrame(
        {
            "area": np.repeat(np.arange(n_areas), 20),
            "age": np.tile(AGES, n_areas),
            "pop": np.round(np.tile(LE_POPS, n_areas) / 10),
            "deaths": RNG.poisson(np.tile(LE_DEATHS, n_areas) / 10).astype(float) + 1,
        }
    )


def counts_input(n_rows: int, rates: bool) -> pd.DataFrame:
    n = RNG.integers(50, 5000, n_rows).astype(float)
    if rates:  # a spread of counts, some below 10 (exact limits) and most above (Byar's)
        return pd.DataFrame({"n": n * 20, "x": RNG.poisson(n * RNG.uniform(0, 0.01, n_rows))})
    return pd.DataFrame({"n": n, "x": np.floor(n * RNG.uniform(0, 1, n_rows))})


# --- the plain-numpy floors: the same arithmetic on prepared arrays, nothing else ---------


def floor_wilson(x: np.ndarray, n: np.ndarray) -> None:
    half = Z * np.sqrt(Z * Z + 4 * x * (1 - x / n))
    centre, denominator = 2 * x + Z * Z, 2 * (n + Z * Z)
    (centre - half) / denominator, (centre + half) / denominator


def floor_byars(x: np.ndarray, n: np.ndarray) -> None:
    t = 1 - 1 / (9 * x) - Z / (3 * np.sqrt(x))
    x1 = x + 1
    u = 1 - 1 / (9 * x1) + Z / (3 * np.sqrt(x1))
    x * t * t * t / n, x1 * u * u * u / n


def floor_dsr(x: np.ndarray, n: np.ndarray, w: np.ndarray, codes: np.ndarray, k: int) -> None:
    total = np.bincount(codes, weights=x, minlength=k)
    sum_w = np.bincount(codes, weights=w, minlength=k)
    value = np.bincount(codes, weights=x * w / n, minlength=k) / sum_w
    var = np.bincount(codes, weights=x * (w / n) ** 2, minlength=k) / sum_w**2
    t = 1 - 1 / (9 * total) - Z / (3 * np.sqrt(total))
    value + np.sqrt(var / total) * (total * t * t * t - total)


def floor_isr(x, n, rx, rn, codes, k) -> None:
    observed = np.bincount(codes, weights=x, minlength=k)
    expected = np.bincount(codes, weights=n * rx / rn, minlength=k)
    t = 1 - 1 / (9 * observed) - Z / (3 * np.sqrt(observed))
    observed / expected, observed * t * t * t / expected


def floor_life_table(deaths: np.ndarray, pops: np.ndarray) -> None:
    """Chiang II and its variance for blocks of 20 bands, without checks or output."""
    D, P = deaths.reshape(-1, 20), pops.reshape(-1, 20)
    M = D / P
    n = np.empty_like(M)
    n[:, :-1] = np.diff(np.asarray(AGES, float))
    n[:, -1] = 2 / M[:, -1]
    a = np.where(np.asarray(AGES) == 0, 0.1, 0.5)
    q = M * n / (1 + M * n * (1 - a))
    q[:, -1] = 1
    lx = np.ones_like(M)
    lx[:, 1:] = np.cumprod(1 - q[:, :-1], axis=1)
    nxt = np.zeros_like(M)
    nxt[:, :-1] = lx[:, 1:]
    L = n * (nxt + a * (lx - nxt))
    L[:, -1] = lx[:, -1] / M[:, -1]
    e = np.cumsum(L[:, ::-1], axis=1)[:, ::-1] / lx
    e_next = np.zeros_like(M)
    e_next[:, :-1] = e[:, 1:]
    W = q * q * (1 - q) / D * lx * lx * ((1 - a) * n + e_next) ** 2
    W[:, -1] = (lx[:, -1] / 2) ** 2 * 4 / (D[:, -1] * M[:, -1] ** 2)
    np.sqrt(np.cumsum(W[:, ::-1], axis=1)[:, ::-1]) / lx


@dataclass
class Case:
    label: str
    data: pd.DataFrame
    ours: Callable[[pd.DataFrame], pd.DataFrame]
    r_method: str | None
    floor: Callable[[], None]
    phstats: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    phstats_column: tuple[str, str] | None = None  # (fairer column, PHStatsMethods column)
    aim: str = ""
    compare: tuple[str, ...] = ("value", "lowercl", "uppercl")


def _grouped(d: pd.DataFrame, by: str) -> tuple[np.ndarray, int]:
    codes = d[by].to_numpy()
    return codes, int(codes.max()) + 1


def cases() -> list[Case]:
    out = []
    props = counts_input(1_000_000, rates=False)
    px, pn = props["x"].to_numpy(float), props["n"].to_numpy(float)
    out.append(Case("Wilson proportions, 1,000,000 rows", props,
                    lambda d: stats.proportion(d, "x", "n", type="standard"), "proportion",
                    lambda: floor_wilson(px, pn), aim="≥ 5× R"))  # fmt: skip
    rates = counts_input(1_000_000, rates=True)
    rx, rn = rates["x"].to_numpy(float), rates["n"].to_numpy(float)
    out.append(Case("Rates (exact below 10, else Byar's), 1,000,000 rows", rates,
                    lambda d: stats.rate(d, "x", "n", type="standard"), "rate",
                    lambda: floor_byars(rx, rn), aim="≥ 5× R"))  # fmt: skip
    dsr = dsr_input(33_000)
    codes, k = _grouped(dsr, "area")
    dx, dn, dw = (dsr[c].to_numpy(float) for c in ("x", "n", "esp"))
    out.append(Case("DSR, 33,000 areas × 19 age bands", dsr,
                    lambda d: stats.dsr(d, "x", "n", stdpop="esp", by="area", type="standard"),
                    "dsr", lambda: floor_dsr(dx, dn, dw, codes, k),
                    phstats=lambda d: ph.ph_dsr(d, "x", "n", "esp", group_cols="area",
                                                euro_standard_pops=False),
                    phstats_column=("value", "Value"), aim="≥ 100× R"))  # fmt: skip
    isr = isr_input(33_000)
    ix, i_n, irx, irn = (isr[c].to_numpy(float) for c in ("x", "n", "rx", "rn"))
    out.append(Case("ISRatio, 33,000 areas × 19 age bands", isr,
                    lambda d: stats.isratio(d, "x", "n", "rx", "rn", by="area", type="standard"),
                    "isr", lambda: floor_isr(ix, i_n, irx, irn, codes, k),
                    phstats=lambda d: ph.ph_ISRatio(d, "x", "n", "rx", "rn", group_cols="area"),
                    phstats_column=("value", "Value"), aim="≥ 100× R"))  # fmt: skip
    for n_areas, r_too, aim in ((300, True, "≥ 50× R"), (33_755, False, "under 2 s")):
        le = le_input(n_areas)
        ld, lp = le["deaths"].to_numpy(float), le["pop"].to_numpy(float)
        out.append(Case(f"Life expectancy, {n_areas:,} areas × 20 bands", le,
                        lambda d: stats.life_expectancy(d, "deaths", "pop", "age", by="area",
                                                        type="standard"),
                        "le" if r_too else None, lambda ld=ld, lp=lp: floor_life_table(ld, lp),
                        aim=aim))  # fmt: skip
    means = pd.DataFrame(
        {"g": RNG.integers(0, 10_000, 1_000_000), "v": RNG.normal(50, 10, 1_000_000)}
    )
    mg, mv = means["g"].to_numpy(), means["v"].to_numpy()
    out.append(Case("Means, 1,000,000 values in 10,000 groups", means,
                    lambda d: stats.mean(d, "v", by="g", type="standard"), "mean",
                    lambda: (np.bincount(mg, mv), np.bincount(mg, mv * mv), np.bincount(mg)),
                    phstats=lambda d: ph.ph_mean(d, "v", "g"),
                    phstats_column=("value", "Value")))  # fmt: skip
    quant = pd.DataFrame({"g": RNG.integers(0, 300, 33_000), "v": RNG.normal(0, 1, 33_000)})
    qg, qv = quant["g"].to_numpy(), quant["v"].to_numpy()
    out.append(Case("Quantiles, 33,000 areas in 300 groups", quant,
                    lambda d: stats.quantile(d, "v", by="g", type="standard"), "quantile",
                    lambda: np.lexsort((-qv, qg)),
                    phstats=lambda d: ph.ph_quantile(d, "v", group_cols="g"),
                    phstats_column=("quantile", "quantile"), compare=("quantile",)))  # fmt: skip
    return out


def _same(ours: pd.DataFrame, theirs: pd.DataFrame, columns: tuple[str, ...]) -> bool:
    """Both keep R's row order (groups sorted, rows within them as given or by age)."""
    for c in columns:
        a, b = ours[c].to_numpy(float), theirs[c].to_numpy(float)
        if len(a) != len(b) or not np.allclose(a, b, rtol=1e-12, atol=0, equal_nan=True):
            return False
    return True


def main() -> None:
    header = (
        "| workload | fairer (s) | PHEindicatormethods (s) | faster than R | same as R | "
        "PHStatsMethods (s) | numpy floor (s) | fairer / floor | aim |"
    )
    lines = [header, "| --- | ---: | ---: | ---: | :---: | ---: | ---: | ---: | --- |"]
    notes: set[str] = set()
    for case in cases():
        ours_s, ours = best_of(lambda c=case: c.ours(c.data))
        floor_s, _ = best_of(case.floor)
        r_s = same = None
        if case.r_method:
            r_s, r_out, why = run_r(R_SCRIPT, case.data, case.r_method, want_output=True)
            notes.add(why)
            if r_out is not None:
                same = _same(ours, r_out, case.compare)
        ph_s = None
        if ph is not None and case.phstats is not None:
            ph_s, _ = best_of(lambda c=case: c.phstats(c.data), 1)
        print(f"{case.label:<52} fairer {ours_s:7.3f}s  R {r_s or float('nan'):8.3f}s  "
              f"floor {floor_s:7.3f}s  same {same}")  # fmt: skip
        lines.append(
            f"| {case.label} | {ours_s:.3f} | {'' if r_s is None else f'{r_s:.3f}'} | "
            f"{'' if r_s is None else f'{r_s / ours_s:.0f}×'} | "
            f"{'' if same is None else ('yes' if same else 'NO')} | "
            f"{'' if ph_s is None else f'{ph_s:.3f}'} | {floor_s:.3f} | "
            f"{ours_s / floor_s:.1f}× | {case.aim} |"
        )
    rows = 100_000  # PHStatsMethods works row by row: its own, smaller, comparison
    small = counts_input(rows, rates=False)
    small["x"] = np.minimum(small["x"] + 1, small["n"])  # PHStatsMethods refuses 0
    for name, ours, theirs in (
        ("Wilson proportions", lambda d: stats.proportion(d, "x", "n", type="standard"),
         lambda d: ph.ph_proportion(d, "x", "n")),
        ("Rates (exact/Byar's)", lambda d: stats.rate(d, "x", "n", type="standard"),
         lambda d: ph.ph_rate(d, "x", "n")),
    ):  # fmt: skip
        ours_s, _ = best_of(lambda o=ours: o(small))
        ph_s = best_of(lambda t=theirs: t(small), 1)[0] if ph is not None else None
        lines.append(f"| {name}, {rows:,} rows | {ours_s:.3f} |  |  |  | "
                     f"{'' if ph_s is None else f'{ph_s:.3f}'} |  |  |  |")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    version = getattr(ph, "__version__", None) or _dist_version("PHStatsMethods")
    body = "\n".join(lines) + (
        "\n\nBest of 3 runs for fairer and the numpy floor, one for R and PHStatsMethods; one "
        "process, the same seeded inputs. PHEindicatormethods 2.1.0 runs in R in the same run "
        "and times itself (`system.time`), so R's start-up and reading are not counted. 'Same "
        "as R' compares values and limits (quantile assignments) with R's output to 1e-12 "
        "relative. The numpy floor is the same arithmetic on arrays already prepared: no "
        "validation, grouping, missing values, suppression or output table; 'fairer / floor' "
        "is what those cost. PHStatsMethods "
        f"{version} works row by row for proportions and rates, so it is timed on 100,000 "
        "rows. 33,755 areas of life expectancy are not run in R (about 3 minutes there). "
        f"Peak memory of the whole run (max RSS): {peak:,.0f} MB."
        + "".join(f" {n}." for n in sorted(n for n in notes if n))
        + "\n\nReproduce: `make bench` (or `.venv/bin/python benchmarks/stats_bench.py`)."
    )
    record(
        "stats", "## Statistics engine against PHEindicatormethods and PHStatsMethods\n\n" + body
    )


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


if __name__ == "__main__":
    main()
