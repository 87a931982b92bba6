"""Reference outputs for SII with very asymmetric limits, from PHEindicatormethods in R.

Writes ``tests/data/sii_asymmetric_input.csv`` (synthetic: six areas × ten deciles of small
counts, so Byar's rate limits and Wilson's proportion limits are far from symmetric) and, by
running the R package on it, ``tests/data/sii_asymmetric_r_<case>.csv`` for rates and
proportions without ``transform`` (the reference simulates them on the log/logit scale).

Usage (R from ``../shared/reference-r/setup_r.sh``)::

    R_LIBS=~/.cache/fairer-rlib .venv/bin/python tools/sii_reference.py

The R code below is written for this tool; it only calls the package's public ``phe_sii``.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from fairer import stats

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
REPETITIONS = 100_000
CASES = {"rate": 1, "proportion": 2}

R_SCRIPT = """
suppressPackageStartupMessages({library(PHEindicatormethods); library(dplyr)})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
set.seed(as.integer(args[4]))
lo <- if (args[3] == "1") "rate_lower" else "prop_lower"
up <- if (args[3] == "1") "rate_upper" else "prop_upper"
v <- if (args[3] == "1") "rate" else "prop"
out <- phe_sii(group_by(d, area), decile, population, value_type = as.integer(args[3]),
               value = !!sym(v), lower_cl = !!sym(lo), upper_cl = !!sym(up),
               confidence = c(0.95, 0.998), repetitions = as.integer(args[5]),
               rii = TRUE, intercept = TRUE, type = "standard")
write.csv(out, args[2], row.names = FALSE)
"""


def make_input(seed: int = 14) -> pd.DataFrame:
    """Six areas × ten deciles with few events: limits far from symmetric (synthetic)."""
    rng = np.random.default_rng(seed)
    rows = []
    for area in range(6):
        pop = rng.integers(300, 1500, 10)
        risk = np.linspace(0.02, 0.004, 10) * rng.uniform(0.6, 1.4)
        events = rng.binomial(pop, risk)
        events = np.maximum(events, 1)  # a zero gives an infinite log: keep every decile finite
        rows.append(pd.DataFrame({"area": f"A{area + 1}", "decile": range(1, 11),
                                  "population": pop, "events": events}))  # fmt: skip
    d = pd.concat(rows, ignore_index=True)
    r = stats.rate(d, "events", "population", multiplier=1, type="standard")
    p = stats.proportion(d, "events", "population", type="standard")
    return d.assign(rate=r["value"], rate_lower=r["lowercl"], rate_upper=r["uppercl"],
                    prop=p["value"], prop_lower=p["lowercl"], prop_upper=p["uppercl"])  # fmt: skip


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    d = make_input()
    inp = DATA / "sii_asymmetric_input.csv"
    d.to_csv(inp, index=False)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "sii.R"
        script.write_text(R_SCRIPT)
        for name, vt in CASES.items():
            out = DATA / f"sii_asymmetric_r_{name}.csv"
            subprocess.run(["Rscript", str(script), str(inp), str(out), str(vt), "14",
                            str(REPETITIONS)], check=True)  # fmt: skip
            print(f"wrote {out}")


if __name__ == "__main__":
    main()
