"""Benchmark the statistics engine against PHStatsMethods, in one process on the same inputs.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/stats_bench.py``; PHStatsMethods comes
with the ``bench`` extra). Inputs are seeded. Where PHStatsMethods has the method, both run on
the same data, their values are checked to agree, and the ratio is recorded. Life expectancy
has no PHStatsMethods equivalent: its time is recorded alone. The SII is benchmarked against
PHEindicatormethods in R, in the same run, by ``benchmarks/sii_bench.py``.
Results go to docs/benchmarks.md.
"""

from __future__ import annotations

import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import record  # noqa: E402

from fairer import stats  # noqa: E402
from fairer.stats.esp2013 import ESP2013  # noqa: E402

try:
    import PHStatsMethods as ph
except ImportError:  # pragma: no cover - the bench extra is optional
    ph = None

warnings.simplefilter("ignore")
RNG = np.random.default_rng(2024)


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
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


def le_input(n_areas: int) -> pd.DataFrame:
    ages = [0, 1] + list(range(5, 95, 5))
    pops = (
        np.tile(
            [
                7060,
                35059,
                46974,
                48489,
                43219,
                38561,
                46009,
                57208,
                61435,
                55601,
                50209,
                56416,
                46411,
                39820,
                37978,
                37039,
                33288,
                23306,
                11936,
                11936,
            ],
            n_areas,
        )
        / 10
    )
    deaths = (
        np.tile(
            [
                17,
                9,
                4,
                8,
                20,
                15,
                24,
                33,
                50,
                71,
                100,
                163,
                263,
                304,
                536,
                872,
                1390,
                1605,
                1936,
                1937,
            ],
            n_areas,
        )
        / 10
    )
    return pd.DataFrame(
        {
            "area": np.repeat(np.arange(n_areas), 20),
            "age": np.tile(ages, n_areas),
            "pop": np.round(pops),
            "deaths": RNG.poisson(deaths).astype(float) + 1,
        }
    )


def main() -> None:
    rows = []

    def add(name, ours, theirs=None, agree=None, aim=None):
        rows.append((name, ours, theirs, agree, aim))
        ratio = f"{theirs / ours:.1f}x" if theirs else "-"
        print(
            f"{name:<48} fairer {ours:8.3f}s  PHStatsMethods {theirs or float('nan'):8.3f}s  {ratio}"
        )

    for n_areas in (300, 33_000):
        df = dsr_input(n_areas)
        t_ours, a = best_of(lambda df=df: stats.dsr(df, "x", "n", stdpop="esp", by="area"))
        t_ph = agree = None
        if ph is not None:
            t_ph, b = best_of(
                lambda df=df: ph.ph_dsr(
                    df, "x", "n", "esp", group_cols="area", euro_standard_pops=False
                ),
                1 if n_areas > 1000 else 3,
            )
            agree = np.allclose(a["value"], b["Value"], rtol=1e-12, equal_nan=True)
        add(
            f"DSR, {n_areas:,} areas x 19 age bands",
            t_ours,
            t_ph,
            agree,
            "0.35 s" if n_areas > 1000 else None,
        )

    props = pd.DataFrame({"n": RNG.integers(50, 5000, 1_000_000).astype(float)})
    props["x"] = (
        np.floor(props["n"] * RNG.uniform(0, 1, len(props))) + 1
    )  # PHStatsMethods refuses 0
    t_ours, _ = best_of(lambda: stats.proportion(props, "x", "n"))
    add("Wilson proportions, 1,000,000 rows", t_ours, aim="(PHStatsMethods: ~140 s, row by row)")
    # PHStatsMethods works row by row (DataFrame.apply), so the shared comparison uses 100,000 rows.
    small = props.iloc[:100_000].reset_index(drop=True)
    t_ours, a = best_of(lambda: stats.proportion(small, "x", "n"))
    t_ph = agree = None
    if ph is not None:
        t_ph, b = best_of(lambda: ph.ph_proportion(small, "x", "n"), 1)
        agree = np.allclose(a["lowercl"], b["lower_95_ci"], rtol=1e-12)
    add("Wilson proportions, 100,000 rows", t_ours, t_ph, agree)

    rates = small.rename(columns={"x": "events"})
    t_ours, a = best_of(lambda: stats.rate(rates, "events", "n"))
    t_ph = agree = None
    if ph is not None:
        t_ph, b = best_of(lambda: ph.ph_rate(rates, "events", "n"), 1)
        agree = np.allclose(a["uppercl"], b["upper_95_ci"], rtol=1e-12)
    add("Rates (exact/Byar's), 100,000 rows", t_ours, t_ph, agree)

    means = pd.DataFrame(
        {"g": RNG.integers(0, 10_000, 1_000_000), "v": RNG.normal(50, 10, 1_000_000)}
    )
    t_ours, a = best_of(lambda: stats.mean(means, "v", by="g"))
    t_ph = agree = None
    if ph is not None:
        t_ph, b = best_of(lambda: ph.ph_mean(means, "v", "g"), 1)
        agree = np.allclose(a["value"], b["Value"], rtol=1e-12)
    add("Means, 1,000,000 values in 10,000 groups", t_ours, t_ph, agree)

    isr = dsr_input(33_000)
    ref_x = isr.groupby("ageband")["x"].sum().to_numpy()
    ref_n = isr.groupby("ageband")["n"].sum().to_numpy()
    isr["rx"], isr["rn"] = np.tile(ref_x, 33_000), np.tile(ref_n, 33_000)
    t_ours, a = best_of(lambda: stats.isratio(isr, "x", "n", "rx", "rn", by="area"))
    t_ph = agree = None
    if ph is not None:
        t_ph, b = best_of(lambda: ph.ph_ISRatio(isr, "x", "n", "rx", "rn", group_cols="area"), 1)
        agree = np.allclose(a["value"], b["Value"], rtol=1e-12)
    add("ISRatio, 33,000 areas x 19 age bands", t_ours, t_ph, agree)

    quant = pd.DataFrame({"g": RNG.integers(0, 300, 33_000), "v": RNG.normal(0, 1, 33_000)})
    t_ours, a = best_of(lambda: stats.quantile(quant, "v", by="g"))
    t_ph = agree = None
    if ph is not None:
        t_ph, b = best_of(lambda: ph.ph_quantile(quant, "v", group_cols="g"), 1)
        agree = bool(
            (a.sort_index()["quantile"].to_numpy() == b.sort_index()["quantile"].to_numpy()).all()
        )
    add("Quantiles, 33,000 areas in 300 groups", t_ours, t_ph, agree)

    le = le_input(300)
    t_ours, _ = best_of(lambda: stats.life_expectancy(le, "deaths", "pop", "age", by="area"))
    add("Life expectancy, 300 areas x 20 bands", t_ours, aim="(no PHStatsMethods equivalent)")

    # The SII is benchmarked against PHEindicatormethods itself: benchmarks/sii_bench.py.

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        "| workload | fairer (s) | PHStatsMethods (s) | fairer faster by | same results | aim |",
        "| --- | ---: | ---: | ---: | :---: | --- |",
    ]
    for name, ours, theirs, agree, aim in rows:
        lines.append(
            f"| {name} | {ours:.3f} | {'' if theirs is None else f'{theirs:.3f}'} | "
            f"{'' if theirs is None else f'{theirs / ours:.1f}x'} | {'' if agree is None else ('yes' if agree else 'NO')} | {aim or ''} |"
        )
    version = getattr(ph, "__version__", None) or _dist_version("PHStatsMethods")
    body = "\n".join(lines) + (
        f"\n\nBest of 3 runs for fairer (1 for the slow PHStatsMethods runs and for SII), same seeded "
        f"inputs, one process. PHStatsMethods {version}. Peak memory of the whole run (max RSS): "
        f"{peak:,.0f} MB. 'Same results' compares values (DSR, means, ISR), limits (proportions, "
        "rates) or assignments (quantiles) to 1e-12 relative.\n\n"
        "PHEindicatormethods' figure is the one quoted in the issue (R, 2-core machine): 7 s for "
        "DSRs of 33,000 small areas. The SII has its own section, against R in the same run.\n\n"
        "Reproduce: `make bench` (installs the `bench` extra and runs both benchmark scripts)."
    )
    record("stats", "## Statistics engine against PHStatsMethods\n\n" + body)


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


if __name__ == "__main__":
    main()
