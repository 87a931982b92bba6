"""The synthetic borough's deaths extract, England comparator and Census general health.

All SYNTHETIC: deaths are drawn from a Gompertz model, steeper where the borough is deprived,
with causes mixed by age and deprivation; the comparator is labelled "England (synthetic)". The
files use the layouts fairer reads from councils (one row per death, ICD-10 causes) and ONS (a
Census 2021 custom dataset of general health by age and sex).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from fairer.tabular import write_table

YEARS = range(2014, 2024)
#: Cause mix: ICD-10 code, and its share of deaths at ages under 75 / 75 and over.
CAUSES = (
    ("I219", 0.16, 0.20),  # circulatory
    ("I639", 0.05, 0.09),
    ("C349", 0.14, 0.08),  # cancer
    ("C509", 0.08, 0.05),
    ("J449", 0.06, 0.08),  # respiratory
    ("J189", 0.03, 0.07),
    ("K703", 0.06, 0.02),  # digestive
    ("X420", 0.05, 0.004),  # external (accidental poisoning)
    ("V892", 0.03, 0.004),
    ("F03", 0.02, 0.12),  # other (dementia …)
    ("G309", 0.02, 0.09),
    ("E149", 0.30, 0.196),
)


def _rate(age: np.ndarray, male: np.ndarray, percentile: np.ndarray) -> np.ndarray:
    """Annual death rate by single year of age (the borough's model, as in its life tables)."""
    rate = np.exp(-10.8 + 0.094 * age) + np.where(age == 0, 0.0035, 0.0)
    return np.minimum(rate * np.where(male, 1.35, 1.0) * (1 + 1.1 * (1 - percentile)), 0.6)


def deaths_extract(rng: np.random.Generator, lsoas: pd.DataFrame, population: pd.DataFrame):
    """One row per death, 2014-2023: date, age, sex, LSOA and ICD-10 underlying cause."""
    pop = population.merge(lsoas[["lsoa_code", "percentile"]], on="lsoa_code")
    age = pop["age"].to_numpy()
    single = np.where(age == 90, 92, age)  # the 90+ band lives a little past 90
    male = (pop["sex"] == "male").to_numpy()
    pct = pop["percentile"].to_numpy()
    rate = _rate(single, male, pct)
    frames = []
    codes = [c for c, _, _ in CAUSES]
    young = np.array([y for _, y, _ in CAUSES])
    old = np.array([o for _, _, o in CAUSES])
    for year in YEARS:
        drift = 1 + 0.01 * (2019 - year)  # mortality falls a little over the decade
        n = rng.poisson(rate * drift * pop["count"].to_numpy())
        idx = np.repeat(np.arange(len(pop)), n)
        if not len(idx):
            continue
        a = single[idx] + (age[idx] == 90) * rng.integers(0, 8, len(idx))
        deprived = 1 - pct[idx]
        mix = np.where((a < 75)[:, None], young, old) * np.where(
            np.isin(np.arange(len(codes)), [2, 4, 6, 7]), 1 + 0.8 * deprived[:, None], 1.0
        )
        mix /= mix.sum(1, keepdims=True)
        pick = (rng.random(len(idx))[:, None] > np.cumsum(mix, 1)).sum(1)
        cause = np.array(codes, dtype=object)[np.minimum(pick, len(codes) - 1)]
        cause[a == 0] = "P072"
        day = rng.integers(0, 365, len(idx))
        frames.append(
            pd.DataFrame(
                {
                    "DOD": (pd.Timestamp(f"{year}-01-01") + pd.to_timedelta(day, "D")).strftime(
                        "%Y-%m-%d"
                    ),
                    "AGEC": a,
                    "SEX": np.where(male[idx], 1, 2),
                    "LSOA21CD": pop["lsoa_code"].to_numpy()[idx],
                    "S_UNDERLYING_COD_ICD10": cause,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    # A few records as extracts hold them: no usable cause (counted as other, and reported).
    out.loc[rng.choice(len(out), 3, replace=False), "S_UNDERLYING_COD_ICD10"] = "UNKNOWN"
    return out.sort_values("DOD", kind="stable").reset_index(drop=True)


def england_comparator(population: pd.DataFrame) -> pd.DataFrame:
    """A synthetic comparator: the borough's age structure, scaled up, at median deprivation."""
    from fairer.mortality.causes import assign_causes, cause_groups
    from fairer.mortality.where import BAND_LABELS, band_index

    codes = [c for c, _, _ in CAUSES]
    group_of = dict(zip(codes, assign_causes(pd.Series(codes), pd.Series([50] * len(codes)),
                                             cause_groups())[0], strict=True))  # fmt: skip
    rows = []
    total = population.groupby(["sex", "age"])["count"].sum().reset_index()
    scale = 56_000_000 / total["count"].sum()
    for sex in ("female", "male"):
        t = total[total["sex"] == sex]
        age = t["age"].to_numpy()
        single = np.where(age == 90, 92, age)
        people = t["count"].to_numpy() * scale * 5  # person-years over 5 years
        deaths = _rate(single, np.full(len(t), sex == "male"), np.full(len(t), 0.62)) * people
        band = band_index(age)
        for b in range(20):
            d, p = deaths[band == b].sum(), people[band == b].sum()
            shares = np.array([y if b < 16 else o for _, y, o in CAUSES])
            shares = shares / shares.sum()
            by_group: dict[str, float] = {}
            for (code, _, _), s in zip(CAUSES, shares, strict=True):
                g = "Deaths under 1" if b == 0 else group_of[code]
                by_group[g] = by_group.get(g, 0.0) + s * d
            for g, v in by_group.items():
                rows.append(
                    {
                        "area_code": "E92000001",
                        "area_name": "England (synthetic)",
                        "sex": sex,
                        "age_band": BAND_LABELS[b],
                        "cause": g,
                        "deaths": round(v),
                        "person_years": round(p),
                    }
                )
    return pd.DataFrame(rows)


AGE_GROUPS = [(0, 4, "Aged 4 years and under")] + [
    (a, a + 4, f"Aged {a} to {a + 4} years") for a in range(5, 85, 5)
] + [(85, 200, "Aged 85 years and over")]  # fmt: skip
HEALTH = ("Very good health", "Good health", "Fair health", "Bad health", "Very bad health")


def general_health_by_age(
    rng: np.random.Generator, lsoas: pd.DataFrame, population: pd.DataFrame
) -> pd.DataFrame:
    """Census 2021 general health by age and sex, as ONS's custom dataset writes it."""
    pop = population.merge(lsoas[["lsoa_code", "lsoa_name", "percentile"]], on="lsoa_code")
    rows = []
    for i, (lo, hi, label) in enumerate(AGE_GROUPS, start=1):
        part = pop[pop["age"].between(lo, hi)]
        g = part.groupby(["lsoa_code", "lsoa_name", "sex", "percentile"], as_index=False)[
            "count"
        ].sum()
        mid = (lo + min(hi, 95)) / 2
        good = 1 / (1 + np.exp(-(3.6 - 0.035 * mid - 1.0 * (1 - g["percentile"].to_numpy()))))
        for (code, name, sex, _), n, p in zip(
            g[["lsoa_code", "lsoa_name", "sex", "percentile"]].itertuples(index=False),
            g["count"].to_numpy(),
            good,
            strict=True,
        ):
            split = rng.multinomial(int(n), [p * 0.55, p * 0.45, (1 - p) * 0.6, (1 - p) * 0.3,
                                             (1 - p) * 0.1])  # fmt: skip
            for k, (h, v) in enumerate(zip(HEALTH, split, strict=True), start=1):
                rows.append((code, name, i, label, 1 if sex == "female" else 2, sex.title(), k,
                             h, int(v)))  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=[
            "Lower layer Super Output Areas Code",
            "Lower layer Super Output Areas",
            "Age (18 categories) Code",
            "Age (18 categories)",
            "Sex (2 categories) Code",
            "Sex (2 categories)",
            "General health (6 categories) Code",
            "General health (6 categories)",
            "Observation",
        ],
    )


def write_mortality(rng, lsoas, population, folder: Path) -> list[Path]:
    """Write the three synthetic files into ``folder``."""
    return [
        write_table(
            deaths_extract(rng, lsoas, population),
            folder / "deaths_extract_2014_2023_synthetic_Fairhaven.csv",
        ),  # fmt: skip
        write_table(
            england_comparator(population),
            folder / "england_deaths_person_years_2019_2023_synthetic.csv",
        ),  # fmt: skip
        write_table(
            general_health_by_age(rng, lsoas, population),
            folder / "census2021_general_health_by_age_sex_synthetic_Fairhaven.csv",
        ),  # fmt: skip
    ]
