"""SII and RII against PHEindicatormethods (R) in the same run, on the same seeded inputs.

Run: ``.venv/bin/python benchmarks/sii_bench.py`` (R from ``../shared/reference-r/setup_r.sh``,
found through ``R_LIBS`` or ``~/.cache/fairer-rlib``; without R the R column is left empty and
says why). Each case times fairer's ``stats.sii``, the R package's ``phe_sii`` (timed inside R,
so R's start-up is not counted) and, as a floor, the same arithmetic in plain numpy: drawing the
normals the method needs and partitioning them. Results go to docs/benchmarks.md.
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
from _reference_r import run_r  # noqa: E402

from fairer import stats  # noqa: E402

warnings.simplefilter("ignore")
REPS = 100_000

R_SCRIPT = """
suppressPackageStartupMessages({library(PHEindicatormethods); library(dplyr)})
a <- commandArgs(trailingOnly = TRUE)
d <- read.csv(a[1]); vt <- as.integer(a[3]); tr <- a[4] == "1"; reps <- as.integer(a[5])
set.seed(1)
t <- system.time({
  if (vt == 0) {
    out <- phe_sii(group_by(d, g), q, pop, value_type = 0, value = v, se = se,
                   repetitions = reps, rii = TRUE, type = "standard")
  } else {
    out <- phe_sii(group_by(d, g), q, pop, value_type = vt, value = v, lower_cl = lcl,
                   upper_cl = ucl, transform = tr, repetitions = reps, rii = TRUE,
                   type = "standard")
  }
})[["elapsed"]]
cat(t, "\\n")
"""


def sii_input(n_groups: int, value_type: int, seed: int = 2024) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    d = pd.DataFrame({"g": np.repeat(np.arange(n_groups), 10),
                      "q": np.tile(np.arange(1, 11), n_groups),
                      "pop": rng.integers(5000, 20000, n_groups * 10).astype(float)})  # fmt: skip
    if value_type == 0:
        d["v"] = 80 - 0.8 * d["q"] + rng.normal(0, 0.5, len(d))
        d["se"] = rng.uniform(0.2, 1.0, len(d))
        return d
    events = rng.poisson(d["pop"] * np.linspace(0.004, 0.001, 10)[d["q"] - 1]).clip(1)
    r = stats.rate(d.assign(x=events), "x", "pop", multiplier=1, type="standard")
    return d.assign(v=r["value"], lcl=r["lowercl"], ucl=r["uppercl"])


def _r_seconds(d: pd.DataFrame, value_type: int, transform: bool) -> tuple[float | None, str]:
    seconds, _, why = run_r(R_SCRIPT, d, str(value_type), "1" if transform else "0", str(REPS))
    return seconds, why


def _fairer_seconds(d: pd.DataFrame, value_type: int, transform: bool, rii: bool) -> float:
    opts = dict(se="se") if value_type == 0 else dict(lower_cl="lcl", upper_cl="ucl")
    t = time.perf_counter()
    stats.sii(d, "q", "pop", by="g", value="v", value_type=value_type, transform=transform,
              repetitions=REPS, rii=rii, seed=1, type="standard", **opts)  # fmt: skip
    return time.perf_counter() - t


def _floor_seconds(n_groups: int, kind: str) -> float:
    """Plain numpy, the least each case's method must do: draw its standard normals and read
    two order statistics by partitioning, per group where the values differ by group."""
    rng = np.random.default_rng(1)
    keep = [2499, 97499]
    t = time.perf_counter()
    if kind == "slope":  # one normal slope: one set of draws, one partition
        np.partition(rng.standard_normal(REPS), keep)
    elif kind == "ratio":  # intercept and slope together: a ratio per draw and group
        z = rng.standard_normal((2, REPS, 1))
        scale = rng.uniform(0.01, 0.02, n_groups)
        for i in range(0, n_groups, 40):
            np.partition(
                (1 + scale[i : i + 40] * z[0]) / (1 + scale[i : i + 40] * z[1]), keep, axis=0
            )
    else:  # every quantile drawn, back-transformed and fitted, per group
        z = rng.standard_normal((REPS, 1, 10))
        mu = np.log(rng.uniform(0.001, 0.004, (n_groups, 10)))
        w = rng.normal(size=(n_groups, 10))
        for i in range(0, n_groups, 8):
            e = np.exp(mu[i : i + 8] + 0.1 * z)
            np.partition(np.einsum("rgq,gq->rg", e, w[i : i + 8]), keep, axis=0)
    return time.perf_counter() - t


CASES = [
    # (label, groups, value type, transform, rii, R too, what the floor must do)
    ("SII, other values, 300 groups", 300, 0, False, False, True, "slope"),
    ("SII+RII, other values, 300 groups", 300, 0, False, True, True, "ratio"),
    ("SII+RII, rates as limits, 300 groups", 300, 1, False, True, True, "every quantile"),
    ("SII+RII, rates transformed, 300 groups", 300, 1, True, True, True, "slope"),
    ("SII+RII, other values, 7,000 groups", 7_000, 0, False, True, False, "ratio"),
]


def main() -> None:
    lines = ["| case (10 deciles, 100,000 simulations) | fairer (s) | PHEindicatormethods (s) | "
             "fairer faster by | numpy floor (s) |", "| --- | ---: | ---: | ---: | ---: |"]  # fmt: skip
    notes = set()
    for label, groups, vt, tr, rii, with_r, kind in CASES:
        d = sii_input(groups, vt)
        ours = _fairer_seconds(d, vt, tr, rii)
        theirs, why = _r_seconds(d, vt, tr) if with_r else (None, "")
        if why:
            notes.add(why)
        floor = _floor_seconds(groups, kind)
        ratio = f"{theirs / ours:.0f}x" if theirs else ""
        print(f"{label:<44} fairer {ours:7.3f}s  R {theirs or float('nan'):8.2f}s  {ratio}")
        lines.append(f"| {label} | {ours:.3f} | {'' if theirs is None else f'{theirs:.2f}'} | "
                     f"{ratio} | {floor:.3f} |")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    body = "\n".join(lines) + (
        "\n\nOne run each, one process; R's time is measured inside R (`system.time`), so its "
        "start-up is not counted. 7,000 groups are not run in R (about 33 minutes there). "
        "The numpy floor draws the standard normals each case needs (shared by the groups "
        "where the method allows it) and partitions them once: the arithmetic no method can "
        f"skip. Peak memory (max RSS): {peak:,.0f} MB."
        + ("".join(f" {n}." for n in sorted(notes)))
        + "\n\nReproduce: `.venv/bin/python benchmarks/sii_bench.py`."
    )
    record("sii", "## SII and RII against PHEindicatormethods\n\n" + body)


if __name__ == "__main__":
    main()
