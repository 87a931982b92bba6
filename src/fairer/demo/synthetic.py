"""A synthetic borough shaped like a real English unitary authority, and labelled synthetic.

About 120 LSOAs in 20 wards with polygons, a deprivation gradient (a deprived riverside town
centre, affluent western suburbs), population by single year of age and sex, deaths by age band
and sex, and counts for a few indicators. Everything is drawn from a seeded generator, so one
seed always gives the same borough. Files are written in the layouts the government publishes
(IoD File 7, ONS lookup, GeoJSON boundaries), so the demo runs the same readers as real data.

Codes use ranges no real area has (LSOAs ``E0199xxxx``, wards ``E0599xxxx``, the LA
``E06990001``), so synthetic rows can never be mistaken for, or joined to, real ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from scipy import stats
from shapely.geometry import Point, Polygon, mapping

from fairer.demo.delivery import write_delivery
from fairer.demo.evaluation import (
    WALKING_EFFECT,
    WALKING_START,
    WALKING_WARDS,
    write_evaluation,
)
from fairer.demo.mortality import write_mortality
from fairer.tabular import write_table, write_text_atomic

LA_CODE = "E06990001"
LA_NAME = "Fairhaven (synthetic)"
NATIONAL_LSOAS = 33755
WARD_NAMES = [
    "Harbourside",
    "Old Town",
    "Millfield",
    "Riverside",
    "North Moor",
    "Kingsway",
    "Abbey Fields",
    "Westcliffe",
    "Elmwood",
    "Station",
    "Castle Hill",
    "Ropery",
    "Greenbank",
    "Saltings",
    "Beacon",
    "Marsh End",
    "Orchard",
    "Highfield",
    "Quayside",
    "Thornley",
]
# Domain: (correlation with the latent deprivation, median score, score at the 10% threshold)
DOMAIN_SHAPES = {
    "Income": (0.95, 0.10, 0.25),
    "Employment": (0.93, 0.08, 0.19),
    "Education, Skills and Training": (0.85, 15.0, 45.0),
    "Health Deprivation and Disability": (0.88, 0.0, 1.2),
    "Crime": (0.65, 0.0, 1.1),
    "Barriers to Housing and Services": (0.10, 20.0, 36.0),
    "Living Environment": (0.55, 18.0, 45.0),
}
LE_BANDS = [0, 1] + list(range(5, 95, 5))  # 0, 1-4, 5-9 … 90+


@dataclass
class SyntheticBorough:
    """The generated borough: LSOA table, polygons, population, deaths and indicator counts."""

    seed: int
    lsoas: pd.DataFrame
    polygons: list[Polygon]
    population: pd.DataFrame  # lsoa_code, sex, age, count
    deaths: pd.DataFrame  # lsoa_code, sex, age_band, deaths
    indicators: pd.DataFrame  # indicator, area_code, period, numerator, denominator


def _outline(rng: np.random.Generator) -> Polygon:
    angles = np.linspace(0, 2 * np.pi, 48, endpoint=False)
    radius = 9.0 * (
        1 + 0.12 * np.sin(3 * angles + rng.uniform(0, 6)) + rng.normal(0, 0.03, angles.size)
    )
    return Polygon(np.c_[1.25 * radius * np.cos(angles), radius * np.sin(angles)])


def _points_inside(rng, outline: Polygon, n: int, min_dist: float) -> np.ndarray:
    minx, miny, maxx, maxy = outline.bounds
    pts: list[tuple[float, float]] = []
    while len(pts) < n:
        p = (rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if outline.contains(Point(p)) and all(
            (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 >= min_dist**2 for q in pts
        ):
            pts.append(p)
    return np.array(pts)


def _to_lonlat(xy: np.ndarray) -> np.ndarray:
    lat0, lon0 = 54.10, -4.70  # open sea: no real place lies under the synthetic one
    return np.c_[lon0 + xy[:, 0] / (111.32 * np.cos(np.radians(lat0))), lat0 + xy[:, 1] / 110.57]


def _score_from_percentile(p: np.ndarray, median: float, at10: float) -> np.ndarray:
    """Map national percentile (0 = most deprived) to a score with the given median and 10% value."""
    z = stats.norm.ppf(1 - p)
    z10 = stats.norm.ppf(0.9)
    if median > 0:  # log-normal, like rates and the IMD score
        sigma = (np.log(at10) - np.log(median)) / z10
        return np.exp(np.log(median) + sigma * z)
    return median + (at10 - median) / z10 * z  # standardised scores (health, crime)


def make_borough(
    seed: int = 2024, n_wards: int = 20, lsoas_per_ward: float = 6.0
) -> SyntheticBorough:
    """Generate a synthetic borough.

    Parameters
    ----------
    seed : int
        Seed of the random generator; the same seed gives the same borough.
    n_wards : int
        Number of wards (at most 20, one per invented name).
    lsoas_per_ward : float
        Average LSOAs per ward.

    Returns
    -------
    SyntheticBorough
        LSOAs with polygons and deprivation, wards, population by age and sex, deaths and
        indicator counts, all labelled synthetic.

    Examples
    --------
    >>> b = make_borough(seed=1)
    >>> len(b.lsoas) > 100, bool(b.lsoas['lsoa_code'].str.startswith('E0199').all())
    (True, True)
    """
    rng = np.random.default_rng(seed)
    n_wards = min(n_wards, len(WARD_NAMES))
    n = int(round(n_wards * lsoas_per_ward))
    outline = _outline(rng)
    seeds = _points_inside(rng, outline, n, min_dist=0.9)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=outline.buffer(5))
    polys = [c.intersection(outline) for c in shapely.get_parts(cells)]
    # Voronoi cells come back in arbitrary order: match each to its seed.
    order = [next(i for i, pg in enumerate(polys) if pg.contains(Point(s))) for s in seeds]
    polys = [polys[i] for i in order]
    centroids = np.array([[pg.centroid.x, pg.centroid.y] for pg in polys])
    # Wards: LSOAs grouped by the nearest of n_wards centres (k-means), so wards are contiguous.
    from scipy.cluster.vq import kmeans2

    _, ward_of = kmeans2(centroids, n_wards, seed=rng.integers(1 << 31), minit="++")
    ward_order = np.argsort(
        np.array(
            [
                centroids[ward_of == w, 0].mean() if (ward_of == w).any() else 0
                for w in range(n_wards)
            ]
        )
    )
    ward_rank = np.empty(n_wards, int)
    ward_rank[ward_order] = np.arange(n_wards)
    ward_of = ward_rank[ward_of]

    town = np.array([6.0, -1.0])
    river_y = 0.35 * centroids[:, 0] - 1.5 + np.sin(centroids[:, 0] / 3)
    latent = (
        1.8 * np.exp(-np.sum((centroids - town) ** 2, axis=1) / (2 * 3.5**2))
        + 0.9 * np.exp(-((centroids[:, 1] - river_y) ** 2) / (2 * 1.2**2))
        - 0.06 * centroids[:, 0] * (centroids[:, 0] < 0)
        + rng.normal(0, 0.35, n)
    )
    # National percentiles of deprivation (0 = most deprived): a borough more deprived than average.
    p_sorted = np.sort(rng.beta(0.85, 1.35, n))
    pct = np.empty(n)
    pct[np.argsort(-latent)] = p_sorted
    lsoas = pd.DataFrame(
        {
            "lsoa_code": [f"E0199{i + 1:04d}" for i in range(n)],
            "ward_code": [f"E0599{w + 1:04d}" for w in ward_of],
            "ward_name": [WARD_NAMES[w] for w in ward_of],
            "x_km": centroids[:, 0],
            "y_km": centroids[:, 1],
            "percentile": pct,
        }
    )
    msoa_of = pd.Series(ward_of).map(lambda w: w // 2)
    lsoas["lsoa_name"] = [
        f"Fairhaven {m + 1:03d}{chr(65 + k)}"
        for m, k in zip(msoa_of, pd.Series(msoa_of).groupby(msoa_of).cumcount(), strict=True)
    ]
    lsoas["msoa_code"] = [f"E0299{m + 1:04d}" for m in msoa_of]
    lsoas["imd_rank"] = np.clip(np.ceil(pct * NATIONAL_LSOAS), 1, NATIONAL_LSOAS).astype(int)
    lsoas["imd_score"] = np.round(_score_from_percentile(pct, 17.0, 34.2), 3)
    z = stats.norm.ppf(np.clip(pct, 1e-4, 1 - 1e-4))
    for name, (rho, median, at10) in DOMAIN_SHAPES.items():
        dp = stats.norm.cdf(rho * z + np.sqrt(1 - rho**2) * rng.normal(size=n))
        lsoas[f"{name}|rank"] = np.clip(np.ceil(dp * NATIONAL_LSOAS), 1, NATIONAL_LSOAS).astype(int)
        score = _score_from_percentile(dp, median, at10)
        if name in ("Income", "Employment"):  # these domain scores are rates: shares of residents
            score = np.minimum(score, 0.75)
        lsoas[f"{name}|score"] = np.round(score, 3)

    population = _population(rng, lsoas)
    deaths = _deaths(rng, lsoas, population)
    indicators = _indicators(rng, lsoas, population)
    lonlat_polys = [Polygon(_to_lonlat(np.asarray(pg.exterior.coords))) for pg in polys]
    return SyntheticBorough(seed, lsoas, lonlat_polys, population, deaths, indicators)


def _population(rng, lsoas: pd.DataFrame) -> pd.DataFrame:
    ages = np.arange(91)
    base = np.where(ages < 60, 1.0, np.exp(-(ages - 60) / 14.0))
    base[90] = base[85:].sum() * 0.6  # the 90+ band
    rows = []
    for code, p in zip(lsoas["lsoa_code"], lsoas["percentile"], strict=True):
        w = (
            base
            * np.where(ages < 16, 1 + 0.45 * (1 - p), 1.0)
            * np.where(ages >= 65, 0.65 + 0.6 * p, 1.0)
        )
        total = int(rng.normal(1650, 230))
        counts = rng.multinomial(total, w / w.sum())
        female_share = np.clip(0.49 + 0.0025 * np.maximum(ages - 60, 0), 0, 0.75)
        female = rng.binomial(counts, female_share)
        rows.append(
            pd.DataFrame({"lsoa_code": code, "sex": "female", "age": ages, "count": female})
        )
        rows.append(
            pd.DataFrame({"lsoa_code": code, "sex": "male", "age": ages, "count": counts - female})
        )
    return pd.concat(rows, ignore_index=True)


def _band(age: np.ndarray) -> np.ndarray:
    return np.array(LE_BANDS)[np.searchsorted(LE_BANDS, age, side="right") - 1]


def _deaths(rng, lsoas: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Deaths over three years by LSOA, sex and life-table age band (Gompertz, steeper where deprived)."""
    pop = population.assign(age_band=_band(population["age"].to_numpy()))
    pop = pop.merge(lsoas[["lsoa_code", "percentile"]], on="lsoa_code")
    a = pop["age"].to_numpy()
    rate = np.exp(-10.2 + 0.094 * a) + np.where(a == 0, 0.0035, 0.0)
    rate *= np.where(pop["sex"] == "male", 1.35, 1.0) * (
        1 + 1.1 * (1 - pop["percentile"].to_numpy())
    )
    pop["deaths"] = rng.poisson(np.minimum(rate, 0.6) * pop["count"].to_numpy() * 3)
    return (
        pop.groupby(["lsoa_code", "sex", "age_band"], as_index=False)[["deaths", "count"]]
        .sum()
        .rename(columns={"count": "population"})
    )


def _indicators(rng, lsoas: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    kids = population[population["age"] < 16].groupby("lsoa_code")["count"].sum()
    adults = population[population["age"] >= 16].groupby("lsoa_code")["count"].sum()
    p = lsoas.set_index("lsoa_code")["percentile"]
    rows = []
    for period, drift in (("2021/22", 0.0), ("2022/23", 0.01), ("2023/24", 0.015)):
        low_income = rng.binomial(
            kids.to_numpy(), np.clip(0.08 + 0.38 * (1 - p.to_numpy()) + drift, 0, 1)
        )
        rows.append(
            pd.DataFrame(
                {
                    "indicator": "children_low_income",
                    "area_code": kids.index,
                    "period": period,
                    "numerator": low_income,
                    "denominator": kids.to_numpy(),
                }
            )
        )
        inactive = rng.binomial(
            adults.to_numpy(), np.clip(0.17 + 0.16 * (1 - p.to_numpy()) - drift, 0, 1)
        )
        rows.append(
            pd.DataFrame(
                {
                    "indicator": "adults_inactive",
                    "area_code": adults.index,
                    "period": period,
                    "numerator": inactive,
                    "denominator": adults.to_numpy(),
                }
            )
        )
    rows += _walking_programme_series(lsoas, adults, p)
    # A synthetic "England" to compare with (large counts, rates near the national ones).
    for period, drift in (("2021/22", 0.0), ("2022/23", 0.01), ("2023/24", 0.015)):
        rows.append(
            pd.DataFrame(
                {
                    "indicator": ["children_low_income", "adults_inactive"],
                    "area_code": "E92000001",
                    "period": period,
                    "numerator": [
                        int(10_500_000 * (0.20 + drift)),
                        int(46_000_000 * (0.22 - drift)),
                    ],
                    "denominator": [10_500_000, 46_000_000],
                }
            )
        )
    for period, drift in EXTRA_INACTIVE_PERIODS.items():
        rows.append(
            pd.DataFrame(
                {
                    "indicator": ["adults_inactive"],
                    "area_code": "E92000001",
                    "period": period,
                    "numerator": [int(46_000_000 * (0.22 - drift))],
                    "denominator": [46_000_000],
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    # The walking programme (action A7, from 2023/24) in Marsh End and Quayside: inactivity
    # there falls by a further WALKING_EFFECT (each inactive adult becomes active with the
    # chance that takes), drawn from its own generator so the other figures stay as they were.
    walk = np.random.default_rng(18)
    targeted = set(lsoas.loc[lsoas["ward_name"].isin(WALKING_WARDS), "lsoa_code"])
    hit = (
        (out["indicator"] == "adults_inactive")
        & out["area_code"].isin(targeted)
        & (out["period"] >= WALKING_START)
    )
    rate = out.loc[hit, "numerator"] / out.loc[hit, "denominator"]
    out.loc[hit, "numerator"] -= walk.binomial(
        out.loc[hit, "numerator"].to_numpy(), np.clip(WALKING_EFFECT / rate, 0, 1).to_numpy()
    )
    return out


#: Periods of inactivity before and after the demo's three, with the borough-wide drift.
EXTRA_INACTIVE_PERIODS = {"2018/19": -0.012, "2019/20": -0.008, "2020/21": -0.004,
                          "2024/25": 0.02, "2025/26": 0.024}  # fmt: skip


def _walking_programme_series(lsoas, adults, p) -> list[pd.DataFrame]:
    """Inactivity for the periods before and after the three every indicator has."""
    rng = np.random.default_rng(17)
    return [
        pd.DataFrame(
            {
                "indicator": "adults_inactive",
                "area_code": adults.index,
                "period": period,
                "numerator": rng.binomial(
                    adults.to_numpy(), np.clip(0.17 + 0.16 * (1 - p.to_numpy()) - drift, 0, 1)
                ),
                "denominator": adults.to_numpy(),
            }
        )
        for period, drift in EXTRA_INACTIVE_PERIODS.items()
    ]


ASSET_COUNTS = {
    "library": 6,
    "gp": 10,
    "park": 8,
    "community centre": 8,
    "leisure centre": 3,
    "food bank": 4,
}


def _assets(b: SyntheticBorough) -> pd.DataFrame:
    """Community assets: most types spread evenly, parks and leisure centres thinner in the
    deprived east (a typical access gap the demo should reveal)."""
    rng = np.random.default_rng(b.seed + 1)
    cx, cy = b.lsoas["x_km"].to_numpy(), b.lsoas["y_km"].to_numpy()
    rows = []
    for t, n in ASSET_COUNTS.items():
        weights = np.ones(len(cx))
        if t in ("park", "leisure centre"):
            weights = np.exp(-np.maximum(cx, 0) / 3)  # fewer to the east
        picks = rng.choice(len(cx), size=n, replace=False, p=weights / weights.sum())
        jitter = rng.normal(0, 0.3, (n, 2))
        lonlat = _to_lonlat(np.c_[cx[picks] + jitter[:, 0], cy[picks] + jitter[:, 1]])
        for i, (lon, lat) in enumerate(lonlat):
            rows.append(
                {
                    "name": f"{t.title()} {i + 1}",
                    "type": t,
                    "latitude": round(lat, 6),
                    "longitude": round(lon, 6),
                }
            )
    return pd.DataFrame(rows)


def _current_spend(b: SyntheticBorough) -> pd.DataFrame:
    """Current spend by ward: roughly equal per head, with history's noise."""
    rng = np.random.default_rng(b.seed + 2)
    pop = (
        b.population.merge(b.lsoas[["lsoa_code", "ward_code"]], on="lsoa_code")
        .groupby("ward_code")["count"]
        .sum()
    )
    spend = pop * 2.9 * rng.uniform(0.8, 1.2, len(pop))
    return pd.DataFrame({"area_code": pop.index, "current": spend.round(2).to_numpy()})


def _deciles(rank: pd.Series) -> pd.Series:
    return np.clip(np.ceil(rank * 10 / NATIONAL_LSOAS), 1, 10).astype(int)


def write_borough(b: SyntheticBorough, folder: str | Path) -> list[Path]:
    """Write the borough's files in official layouts into ``folder``; return their paths.

    Parameters
    ----------
    b : SyntheticBorough
        From :func:`make_borough`.
    folder : path-like
        Where to write (created if missing).

    Returns
    -------
    list of Path
        The files, in the official layouts fairer's readers recognise.

    Examples
    --------
    >>> import tempfile
    >>> paths = write_borough(make_borough(seed=1), tempfile.mkdtemp())
    >>> sorted(p.suffix for p in paths)[:3]
    ['.csv', '.csv', '.csv']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    L = b.lsoas
    totals = b.population.groupby("lsoa_code")["count"].sum()
    by_age = b.population.pivot_table(
        index="lsoa_code", columns="age", values="count", aggfunc="sum"
    )
    file7 = pd.DataFrame(
        {
            "LSOA code (2021)": L["lsoa_code"],
            "LSOA name (2021)": L["lsoa_name"],
            "Local Authority District code (2024)": LA_CODE,
            "Local Authority District name (2024)": LA_NAME,
            "Index of Multiple Deprivation (IMD) Score": L["imd_score"],
            "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)": L["imd_rank"],
            "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)": _deciles(
                L["imd_rank"]
            ),
        }
    )
    for name in DOMAIN_SHAPES:
        suffix = " (rate)" if name in ("Income", "Employment") else ""
        file7[f"{name} Score{suffix}"] = L[f"{name}|score"]
        file7[f"{name} Rank (where 1 is most deprived)"] = L[f"{name}|rank"]
        file7[f"{name} Decile (where 1 is most deprived 10% of LSOAs)"] = _deciles(
            L[f"{name}|rank"]
        )
    codes = L["lsoa_code"]
    file7["Total population: mid 2022"] = codes.map(totals).to_numpy()
    file7["Dependent Children aged 0-15: mid 2022"] = codes.map(
        by_age.loc[:, :15].sum(axis=1)
    ).to_numpy()
    file7["Population aged 16-59: mid 2022"] = codes.map(
        by_age.loc[:, 16:59].sum(axis=1)
    ).to_numpy()
    file7["Older population aged 60 and over: mid 2022"] = codes.map(
        by_age.loc[:, 60:].sum(axis=1)
    ).to_numpy()
    file7["Working age population 18-66 (for use with Employment Deprivation Domain): mid 2022"] = (
        codes.map(by_age.loc[:, 18:66].sum(axis=1)).to_numpy()
    )
    lookup = pd.DataFrame(
        {
            "LSOA21CD": L["lsoa_code"],
            "LSOA21NM": L["lsoa_name"],
            "MSOA21CD": L["msoa_code"],
            "WD24CD": L["ward_code"],
            "WD24NM": L["ward_name"],
            "LAD24CD": LA_CODE,
            "LAD24NM": LA_NAME,
        }
    )
    wide = b.population.pivot_table(
        index=["lsoa_code", "sex"], columns="age", values="count"
    ).reset_index()
    wide.columns = ["LSOA21CD", "sex"] + [str(a) if a < 90 else "90+" for a in range(91)]
    features = [
        {"type": "Feature", "properties": {"LSOA21CD": c, "LSOA21NM": nm}, "geometry": mapping(pg)}
        for c, nm, pg in zip(L["lsoa_code"], L["lsoa_name"], b.polygons, strict=True)
    ]
    paths = [
        write_table(file7, folder / "File_7_IoD2025_synthetic_Fairhaven.csv"),
        write_table(lookup, folder / "LSOA21_WD24_LAD24_synthetic_Fairhaven.csv"),
        write_text_atomic(
            folder / "LSOA21_boundaries_synthetic_Fairhaven.geojson",
            json.dumps({"type": "FeatureCollection", "features": features}),
        ),
        write_table(wide, folder / "population_mid2022_lsoa21_synthetic_Fairhaven.csv"),
        *write_mortality(np.random.default_rng(b.seed + 17), L, b.population, folder),
        write_table(b.indicators, folder / "indicators_synthetic_Fairhaven.csv"),
        write_table(_assets(b), folder / "community_assets_synthetic_Fairhaven.csv"),
        write_table(_current_spend(b), folder / "current_spend_by_ward_synthetic_Fairhaven.csv"),
        *write_delivery(folder),
        *write_evaluation(folder),
        write_text_atomic(
            folder / "README.txt",
            (
                f"SYNTHETIC DATA made by `fairer demo` (seed {b.seed}).\n"
                "Fairhaven is an invented borough. No value here describes a real place or person.\n"
                "Files use the layouts of the official publications so the demo runs fairer's real readers.\n"
            ),
        ),
    ]
    return paths
