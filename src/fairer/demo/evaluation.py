"""The synthetic borough's programme evaluation: SWEMWBS before and after (all invented).

A social-prescribing programme in Fairhaven's priority neighbourhoods: 160 people at baseline,
with drop-out higher in the most deprived quintile (as in real programmes), women improving and
men not. Labelled synthetic in every file name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from fairer.evaluate.instruments import load_instrument
from fairer.tabular import write_table, write_text_atomic


def demo_waves(seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Baseline and follow-up SWEMWBS answers for the synthetic programme."""
    rng = np.random.default_rng(seed)
    items = list(load_instrument("swemwbs").items)
    n = 160
    quintile = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.35, 0.25, 0.2, 0.12, 0.08])
    sex = rng.choice(["Female", "Male"], size=n, p=[0.6, 0.4])
    base = np.clip(np.round(rng.normal(2.8, 0.7, size=(n, 7))), 1, 5).astype(int)
    gain = np.where(sex == "Female", 0.45, 0.0)[:, None]  # women improve; men do not
    after = np.clip(np.round(base + gain + rng.normal(0, 0.6, size=(n, 7))), 1, 5).astype(int)
    stays = rng.random(n) < np.select([quintile == 1, quintile == 2], [0.55, 0.7], 0.85)
    ids = [f"SP{i:03d}" for i in range(n)]
    baseline = pd.DataFrame(base, columns=items).assign(
        id=ids, imd_quintile=quintile, sex=sex, date="2025-10-01"
    )
    followup = pd.DataFrame(after, columns=items).assign(id=ids, date="2026-04-01")[stays]
    cols = ["id", "date", "imd_quintile", "sex", *items]
    return baseline[cols], followup[["id", "date", *items]]


def write_evaluation(folder: str | Path) -> list[Path]:
    """Write the two waves (CSV) and the evaluation file that names them (YAML)."""
    folder = Path(folder)
    baseline, followup = demo_waves()
    b = folder / "swemwbs_baseline_synthetic_Fairhaven.csv"
    f = folder / "swemwbs_followup_synthetic_Fairhaven.csv"
    write_table(baseline, b)
    write_table(followup, f)
    spec = {
        "id": "EV-01",
        "title": "Social prescribing in the priority neighbourhoods (synthetic)",
        "action": "A3",
        "instrument": "swemwbs",
        "baseline": b.name,
        "followup": f.name,
        "groups": ["imd_quintile", "sex"],
    }
    e = folder / "evaluation_EV-01_synthetic_Fairhaven.yaml"
    write_text_atomic(e, yaml.safe_dump(spec, sort_keys=False))
    return [b, f, e]
