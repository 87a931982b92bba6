"""The synthetic borough's evaluations: SWEMWBS before and after, and an area one (all invented).

A social-prescribing programme in Fairhaven's priority neighbourhoods: 160 people at baseline,
with drop-out higher in the most deprived quintile (as in real programmes), women improving and
men not. And a walking programme in two wards from 2023/24, evaluated as a
difference-in-differences on the share of adults inactive against the rest of the borough.
Labelled synthetic in every file name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from fairer.evaluate.instruments import load_instrument
from fairer.tabular import write_table, write_text_atomic

#: The synthetic walking programme (action A7): where, from when, and its effect on the share
#: of adults inactive (the demo's indicator series carries it).
WALKING_WARDS = ("Marsh End", "Quayside")
WALKING_START = "2023/24"
WALKING_EFFECT = 0.03


def demo_waves(seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Baseline and follow-up SWEMWBS answers for the synthetic programme."""
    rng = np.random.default_rng(seed)
    items = list(load_instrument("swemwbs").items)
    n = 160
    quintile = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.35, 0.25, 0.2, 0.12, 0.08])
    sex = rng.choice(["Female", "Male"], size=n, p=[0.6, 0.4])
    # each person's wellbeing drives all seven answers (so the scale holds together, as real
    # SWEMWBS answers do: alpha about 0.85); women improve, men do not
    level = rng.normal(2.7, 0.55, size=(n, 1))
    gain = np.where(sex == "Female", 0.45, 0.0)[:, None] + rng.normal(0, 0.25, size=(n, 1))
    base = np.clip(np.round(level + rng.normal(0, 0.5, size=(n, 7))), 1, 5).astype(int)
    after = np.clip(np.round(level + gain + rng.normal(0, 0.5, size=(n, 7))), 1, 5).astype(int)
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
        "action": "A6",
        "measure": "wellbeing",
        "instrument": "swemwbs",
        "baseline": b.name,
        "followup": f.name,
        "groups": ["imd_quintile", "sex"],
    }
    e = folder / "evaluation_EV-01_synthetic_Fairhaven.yaml"
    write_text_atomic(e, yaml.safe_dump(spec, sort_keys=False))
    area = {
        "id": "EV-02",
        "title": "Community walking programme: did inactivity fall more where we walked? (synthetic)",
        "design": "difference-in-differences",
        "action": "A7",
        "indicator": "adults_inactive",
        "start": WALKING_START,
        "areas": list(WALKING_WARDS),
        "comparison": "rest of place",
    }
    a = folder / "evaluation_EV-02_synthetic_Fairhaven.yaml"
    write_text_atomic(a, yaml.safe_dump(area, sort_keys=False, allow_unicode=True))
    return [b, f, e, a]
