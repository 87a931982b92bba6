"""Reference outputs for life expectancy where a band's deaths exceed population / (n × a).

The reference sets the probability of dying in such a band to 1 (everyone in the band dies
within it) instead of using Chiang's formula, which would give a probability above 1. This
writes ``tests/data/le_extreme_input.csv`` (synthetic: three areas × 20 age bands, two with a
band of extreme mortality) and ``tests/data/le_extreme_r.csv`` from the R package.

Usage (R from ``../shared/reference-r/setup_r.sh``)::

    R_LIBS=~/.cache/fairer-rlib .venv/bin/python tools/le_reference.py

The R code below is written for this tool; it only calls the package's public
``phe_life_expectancy``.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
AGES = [0, 1] + list(range(5, 95, 5))

R_SCRIPT = """
suppressPackageStartupMessages({library(PHEindicatormethods); library(dplyr)})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
out <- phe_life_expectancy(group_by(d, area), deaths, pop, age, confidence = c(0.95, 0.998),
                           type = "full")
write.csv(out, args[2], row.names = FALSE)
"""


def make_input() -> pd.DataFrame:
    """Three areas: A ordinary, B with deaths above population / (n × a) at 85-89, C at 70-74."""
    rates = np.exp(np.linspace(-7.5, -1.2, len(AGES)))
    rows = []
    for area in "ABC":
        pop = np.full(len(AGES), 1000.0)
        deaths = np.round(rates * pop)
        if area == "B":
            deaths[AGES.index(85)] = 450  # M n a = 0.45 × 5 × 0.5 > 1
        if area == "C":
            deaths[AGES.index(60)] = 300  # high, but the formula still applies
            deaths[AGES.index(70)] = 420
        rows.append(pd.DataFrame({"area": area, "age": AGES, "pop": pop, "deaths": deaths}))
    return pd.concat(rows, ignore_index=True)


def main() -> None:
    data = make_input()
    data.to_csv(DATA / "le_extreme_input.csv", index=False)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "le.R"
        script.write_text(R_SCRIPT)
        subprocess.run(
            ["Rscript", str(script), str(DATA / "le_extreme_input.csv"),
             str(DATA / "le_extreme_r.csv")], check=True,
        )  # fmt: skip


if __name__ == "__main__":
    main()
