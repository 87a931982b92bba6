"""Life expectancy where people live: small areas, deprivation deciles, the gap and why.

Frames in, frames out (the job in :mod:`fairer.mortality.jobs` reads the files and the store):

1. :func:`pool` keeps the deaths of the pooled period (default the latest five complete years
   in the extract) and the place's LSOAs, and counts what it leaves out;
2. :func:`area_counts` adds deaths (by cause group) and person-years up from LSOAs to any set
   of areas — wards, MSOAs, priority neighbourhoods, user areas, local deprivation deciles and
   quintiles, the place — by sex and life-table age band, in one sparse product;
3. :func:`area_life_expectancy` runs the Chiang II life table of :func:`fairer.stats.life_expectancy`
   at birth and at 65, with its small-population rules (person-years over 5,000, no band with
   more deaths than people, a 95% interval no wider than 20 years) stated on each suppressed
   row, never dropped;
4. :func:`gaps` gives the most vs least deprived decile and ward, the SII across local deciles
   (simulated limits, the PHOF method) and the place vs a comparator (England);
5. :func:`decompose` explains a gap by age band and cause (Arriaga).

Person-years are the population estimate of each pooled year (the nearest estimate held where a
year has none) summed over the years, as OHID's small-area life expectancy pools them.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from fairer import stats
from fairer.mortality.causes import OTHER, assign_causes, group_order
from fairer.stats.arriaga import arriaga_arrays
from fairer.stats.life_expectancy import DEFAULT_AGES, N_BANDS

BAND_LABELS = ["0", "1-4", *[f"{a}-{a + 4}" for a in range(5, 90, 5)], "90+"]
SEXES = ("female", "male", "persons")
MIN_PERSON_YEARS = 5000
RULES = (
    "Life expectancy is not calculated for an area with 5,000 person-years or fewer, with more "
    "deaths than people in an age band, or with a 95% confidence interval wider than 20 years "
    "(the rules of OHID's life expectancy calculator); such areas are listed with the reason."
)


@dataclass
class Pooled:
    """The deaths kept for the pooled period, and what was left out."""

    deaths: pd.DataFrame
    start: int
    end: int
    exclusions: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def label(self) -> str:
        return f"{self.start}-{self.end}"


def pool(
    deaths: pd.DataFrame,
    lsoas: set[str] | pd.Index,
    groups: pd.DataFrame,
    years: int = 5,
    end_year: int | None = None,
) -> Pooled:
    """Keep the deaths of the pooled period in the place's LSOAs, with their cause groups.

    Parameters
    ----------
    deaths : DataFrame
        From :func:`fairer.sources.deaths.read_deaths` (``lsoa_code`` resolved).
    lsoas : set of str
        The place's LSOAs.
    groups : DataFrame
        Cause groups (:func:`fairer.mortality.causes.cause_groups`).
    years : int
        Years pooled (default 5).
    end_year : int, optional
        The last year pooled; default the latest year in the extract.

    Returns
    -------
    Pooled
        ``exclusions``: ``reason, deaths`` (before/after the period, outside the place, unknown
        cause counted as other).

    Examples
    --------
    >>> from fairer.mortality.causes import cause_groups
    >>> d = pd.DataFrame({"year": [2018, 2022, 2023], "age": [70, 80, 0], "sex": "male",
    ...                   "lsoa_code": ["E01000001", "E01000001", "E09999999"],
    ...                   "cause": ["I21", "C50", "P07"], "deaths": 1})
    >>> p = pool(d, {"E01000001"}, cause_groups(), years=5)
    >>> p.label, len(p.deaths), p.exclusions["deaths"].tolist()
    ('2019-2023', 1, [1, 1])
    """
    end = int(end_year if end_year is not None else deaths["year"].max())
    start = end - years + 1
    rows = []
    in_period = deaths["year"].between(start, end)
    for mask, reason in (
        (deaths["year"] < start, f"died before {start} (outside the pooled period)"),
        (deaths["year"] > end, f"died after {end} (outside the pooled period)"),
    ):
        if mask.any():
            rows.append({"reason": reason, "deaths": int(deaths.loc[mask, "deaths"].sum())})
    kept = deaths[in_period.to_numpy()]
    inside = pd.Series(
        _positions(kept["lsoa_code"], pd.Index(sorted(lsoas))) >= 0, index=kept.index
    )
    if (~inside).any():
        n_lsoas = kept.loc[~inside, "lsoa_code"].nunique()
        rows.append(
            {
                "reason": f"lived in {n_lsoas} LSOAs outside the place",
                "deaths": int(kept.loc[~inside, "deaths"].sum()),
            }
        )
    kept = kept[inside.to_numpy()].copy()
    group, unknown = assign_causes(kept["cause"], kept["age"], groups)
    kept["cause_group"] = group.to_numpy()
    if unknown:
        rows.append({"reason": f"no usable ICD-10 cause: counted as '{OTHER}'", "deaths": unknown})
    return Pooled(kept, start, end, pd.DataFrame(rows, columns=["reason", "deaths"]))


def _example_inputs() -> tuple[Pooled, pd.DataFrame, pd.DataFrame, list[str]]:
    """A small worked input for the examples: two wards of one LSOA each, ten years of age."""
    from fairer.mortality.causes import cause_groups

    ages = np.arange(91)
    rows = []
    for lsoa, factor in (("E01000001", 1.0), ("E01000002", 1.6)):
        for sex in ("female", "male"):
            n = np.round(3000 * np.exp(-10 + 0.1 * ages) * factor)
            rows.append(pd.DataFrame({"year": 2022, "age": ages, "sex": sex, "lsoa_code": lsoa,
                                      "cause": np.where(ages < 60, "X42", "I21"),
                                      "deaths": n.astype(int)}))  # fmt: skip
    deaths = pd.concat(rows, ignore_index=True)
    py = pd.DataFrame(
        {
            "lsoa_code": np.repeat(["E01000001", "E01000002"], 2 * 91),
            "sex": np.tile(np.repeat(["female", "male"], 91), 2),
            "age": np.tile(ages, 4),
            "person_years": 3000.0,
        }
    )
    member = pd.DataFrame(
        {
            "lsoa_code": ["E01000001", "E01000002", "E01000001", "E01000002"],
            "area_type": ["ward", "ward", "place", "place"],
            "area_code": ["W1", "W2", "P", "P"],
            "area_name": ["Hillside", "Riverside", "The place", "The place"],
        }
    )
    groups = cause_groups()
    return pool(deaths, {"E01000001", "E01000002"}, groups), py, member, group_order(groups)


def _positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Each value's position in ``index`` (-1 if absent), looking up each distinct value once
    (millions of rows, tens of thousands of codes)."""
    codes, uniques = pd.factorize(values)
    at = index.get_indexer(pd.Index(np.asarray(uniques, dtype=object)))
    return np.where(codes >= 0, at[codes], -1) if len(codes) else np.array([], dtype=int)


def band_index(age) -> np.ndarray:
    """The life-table band (0 … 19) of each age in whole years."""
    return np.searchsorted(np.asarray(DEFAULT_AGES), np.asarray(age), side="right") - 1


def person_years(population: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Person-years by LSOA, sex and single year over the pooled years.

    Parameters
    ----------
    population : DataFrame
        ``area_code, period, sex, age, count`` (single years; ``period`` such as
        ``mid-2022``).
    start, end : int
        The pooled years.

    Returns
    -------
    DataFrame
        ``lsoa_code, sex, age, person_years`` and ``attrs['estimates']``: which estimate
        stood for which year.

    Examples
    --------
    >>> pop = pd.DataFrame({"area_code": "E01000001", "period": "mid-2022", "sex": "male",
    ...                     "age": [0, 1], "count": [10.0, 12.0]})
    >>> person_years(pop, 2019, 2023)["person_years"].tolist()
    [50.0, 60.0]
    """
    period_codes, periods = pd.factorize(population["period"].astype(str))
    year_of = {p: int(m.group()) for p in periods if (m := re.search(r"(19|20)\d{2}", p))}
    if not year_of:
        raise ValueError("population estimates have no year in their period")
    chosen = {
        y: min(year_of, key=lambda p, y=y: (abs(year_of[p] - y), -year_of[p]))
        for y in range(start, end + 1)
    }
    uses = pd.Series(chosen).value_counts()
    weight = np.array([float(uses.get(p, 0)) for p in periods])[period_codes]
    area_codes, areas = pd.factorize(population["area_code"])
    sex_codes, sexes = pd.factorize(population["sex"])
    age = population["age"].to_numpy(int)
    n_age = int(age.max()) + 1 if len(age) else 1
    key = (area_codes * len(sexes) + sex_codes) * n_age + age
    sums = np.bincount(key, weights=population["count"].to_numpy(float) * weight,
                       minlength=len(areas) * len(sexes) * n_age)  # fmt: skip
    present = np.bincount(key, weights=(weight > 0).astype(float), minlength=len(sums)) > 0
    k = np.flatnonzero(present)
    a, rest = np.divmod(k, len(sexes) * n_age)
    sx, ag = np.divmod(rest, n_age)
    out = pd.DataFrame(
        {
            # categoricals: millions of rows, a few thousand codes
            "lsoa_code": pd.Categorical.from_codes(a, pd.Index(np.asarray(areas, dtype=object))),
            "sex": pd.Categorical.from_codes(sx, pd.Index(np.asarray(sexes, dtype=object))),
            "age": ag,
            "person_years": sums[k],
        }
    )
    out.attrs["estimates"] = {y: p for y, p in chosen.items()}
    return out


def area_counts(
    pooled: Pooled,
    person_years: pd.DataFrame,
    membership: pd.DataFrame,
    causes: list[str],
) -> dict[str, object]:
    """Deaths by cause and person-years for every area, sex and age band (arrays).

    Parameters
    ----------
    pooled : Pooled
    person_years : DataFrame
        From :func:`person_years` (sexes ``female``/``male``).
    membership : DataFrame
        ``lsoa_code, area_type, area_code, area_name``: which areas each LSOA is in.
    causes : list of str
        Cause groups in order.

    Returns
    -------
    dict
        ``areas`` (``area_type, area_code, area_name``), ``deaths`` (areas × 3 sexes × 20 ×
        causes), ``person_years`` (areas × 3 × 20); sexes female, male, persons.

    Examples
    --------
    >>> pooled, py, member, causes = _example_inputs()
    >>> counts = area_counts(pooled, py, member, causes)
    >>> counts["deaths"].shape, list(counts["areas"]["area_code"])
    ((3, 3, 20, 7), ['W1', 'W2', 'P'])
    """
    lsoa_codes = pd.Index(sorted(set(membership["lsoa_code"])))
    areas = membership[["area_type", "area_code", "area_name"]].drop_duplicates(
        ["area_type", "area_code"]
    )
    areas = areas.reset_index(drop=True)
    key = pd.MultiIndex.from_frame(areas[["area_type", "area_code"]])
    rows = key.get_indexer(pd.MultiIndex.from_frame(membership[["area_type", "area_code"]]))
    cols = _positions(membership["lsoa_code"], lsoa_codes)
    keep = cols >= 0
    M = sparse.csr_matrix(
        (np.ones(keep.sum()), (rows[keep], cols[keep])), shape=(len(areas), len(lsoa_codes))
    )
    C = len(causes)
    d = pooled.deaths
    li = _positions(d["lsoa_code"], lsoa_codes)
    si = (d["sex"] == "male").to_numpy().astype(int)
    bi = band_index(d["age"].to_numpy())
    ci = _positions(d["cause_group"], pd.Index(causes))
    ci = np.where(ci < 0, causes.index(OTHER), ci)
    ok = li >= 0
    flat = ((li * 2 + si) * N_BANDS + bi) * C + ci
    D = np.bincount(
        flat[ok],
        weights=d["deaths"].to_numpy(float)[ok],
        minlength=len(lsoa_codes) * 2 * N_BANDS * C,
    ).reshape(len(lsoa_codes), 2 * N_BANDS * C)
    p = person_years
    pl = _positions(p["lsoa_code"], lsoa_codes)
    ps = (p["sex"] == "male").to_numpy().astype(int)
    pb = band_index(p["age"].to_numpy())
    okp = (pl >= 0) & p["sex"].isin(["female", "male"]).to_numpy()
    P = np.bincount(
        ((pl * 2 + ps) * N_BANDS + pb)[okp],
        weights=p["person_years"].to_numpy(float)[okp],
        minlength=len(lsoa_codes) * 2 * N_BANDS,
    ).reshape(len(lsoa_codes), 2 * N_BANDS)
    AD = (M @ D).reshape(len(areas), 2, N_BANDS, C)
    AP = (M @ P).reshape(len(areas), 2, N_BANDS)
    AD = np.concatenate([AD, AD.sum(1, keepdims=True)], axis=1)
    AP = np.concatenate([AP, AP.sum(1, keepdims=True)], axis=1)
    return {"areas": areas, "deaths": AD, "person_years": AP, "causes": causes}


def long_counts(counts: dict) -> pd.DataFrame:
    """The arrays of :func:`area_counts` as one long table (area × sex × band).

    Parameters
    ----------
    counts : dict
        From :func:`area_counts`.

    Returns
    -------
    DataFrame
        ``area_type, area_code, area_name, sex, age_band, startage, deaths, person_years``.

    Examples
    --------
    >>> pooled, py, member, causes = _example_inputs()
    >>> long = long_counts(area_counts(pooled, py, member, causes))
    >>> len(long), list(long["age_band"][:3])
    (180, ['0', '1-4', '5-9'])
    """
    areas = counts["areas"]
    A = len(areas)
    D = counts["deaths"].sum(3)
    P = counts["person_years"]
    idx = np.repeat(np.arange(A), 3 * N_BANDS)
    return pd.DataFrame(
        {
            "area_type": areas["area_type"].to_numpy()[idx],
            "area_code": areas["area_code"].to_numpy()[idx],
            "area_name": areas["area_name"].to_numpy()[idx],
            "sex": np.tile(np.repeat(SEXES, N_BANDS), A),
            "age_band": np.tile(BAND_LABELS, 3 * A),
            "startage": np.tile(DEFAULT_AGES, 3 * A),
            "deaths": D.ravel(),
            "person_years": P.ravel(),
        }
    )


def area_life_expectancy(counts: dict, ages=(0, 65)) -> pd.DataFrame:
    """Life expectancy at birth and 65 for every area and sex, suppressed rows said so.

    Parameters
    ----------
    counts : dict
        From :func:`area_counts`.
    ages : sequence of int
        The ages to return.

    Returns
    -------
    DataFrame
        ``area_type, area_code, area_name, sex, age, value, lowercl, uppercl, deaths,
        person_years, note`` (deaths and person-years from that age up).

    Examples
    --------
    >>> pooled, py, member, causes = _example_inputs()
    >>> le = area_life_expectancy(area_counts(pooled, py, member, causes))
    >>> at0 = le[(le["age"] == 0) & (le["sex"] == "male")].set_index("area_name")["value"]
    >>> bool(at0["Hillside"] > at0["Riverside"])
    True
    """
    long = long_counts(counts)
    by = ["area_type", "area_code", "sex"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.StatsWarning)
        le = stats.life_expectancy(long, "deaths", "person_years", "startage", by=by,
                                   le_age=list(ages))  # fmt: skip
        table = stats.life_table(long, "deaths", "person_years", "startage", by=by)
    notes = table.drop_duplicates(by).set_index(by)["note"]
    le = le.rename(columns={"startage": "age", "pops_used": "person_years", "dths_used": "deaths"})
    le["note"] = pd.MultiIndex.from_frame(le[by]).map(notes).to_numpy()
    wide = le["note"].eq("") & le["value"].isna() & le["lowercl"].notna()
    le.loc[wide, "note"] = "95% confidence interval wider than 20 years"
    le.loc[le["note"] != "", ["value", "lowercl", "uppercl"]] = np.nan
    names = counts["areas"].set_index(["area_type", "area_code"])["area_name"]
    le["area_name"] = pd.MultiIndex.from_frame(le[["area_type", "area_code"]]).map(names)
    cols = ["area_type", "area_code", "area_name", "sex", "age", "value", "lowercl", "uppercl",
            "deaths", "person_years", "note"]  # fmt: skip
    return le[cols].reset_index(drop=True)


def _pair(le: pd.DataFrame, sex: str, one: tuple[str, str], two: tuple[str, str]) -> dict:
    """Two areas' life expectancy at birth and their difference (two minus one) with a 95% CI."""
    at0 = le[(le["age"] == 0) & (le["sex"] == sex)].set_index(["area_type", "area_code"])
    a, b = at0.loc[one], at0.loc[two]
    se = lambda r: (r["uppercl"] - r["lowercl"]) / (2 * 1.959963984540054)  # noqa: E731
    gap = b["value"] - a["value"]
    half = 1.959963984540054 * np.sqrt(se(a) ** 2 + se(b) ** 2)
    return {
        "sex": sex,
        "from": a["area_name"],
        "to": b["area_name"],
        "from_value": a["value"],
        "to_value": b["value"],
        "gap": gap,
        "lowercl": gap - half,
        "uppercl": gap + half,
    }


def gaps(
    le: pd.DataFrame,
    ward_deprivation: pd.DataFrame | None = None,
    comparator: str | None = None,
    repetitions: int = 10_000,
    seed: int = 2024,
) -> pd.DataFrame:
    """The gaps a strategy quotes, by sex, at birth.

    Parameters
    ----------
    le : DataFrame
        From :func:`area_life_expectancy`, with ``decile`` areas (1 = most deprived), the
        ``place`` and optionally ``ward`` and ``comparator`` areas.
    ward_deprivation : DataFrame, optional
        ``area_code, imd_score`` of the wards (population-weighted): the most and least
        deprived wards.
    comparator : str, optional
        The comparator's area code (e.g. England).
    repetitions, seed : int
        For the SII's simulated limits.

    Returns
    -------
    DataFrame
        ``measure, sex, from, to, from_value, to_value, gap, lowercl, uppercl``: the gap is the
        second area's life expectancy minus the first's (so positive when the least deprived
        live longer); the SII is the modelled gap across the whole gradient.

    Examples
    --------
    >>> pooled, py, member, causes = _example_inputs()
    >>> le = area_life_expectancy(area_counts(pooled, py, member, causes))
    >>> wards = pd.DataFrame({"area_code": ["W1", "W2"], "imd_score": [10.0, 40.0]})
    >>> g = gaps(le, wards)
    >>> g["measure"].iloc[0], bool(g["gap"].iloc[0] > 0)
    ('most vs least deprived ward', True)
    """
    rows = []
    dec = le[(le["area_type"] == "decile") & (le["age"] == 0)]
    for sex in SEXES:
        d = dec[dec["sex"] == sex]
        if {"1", "10"} <= set(d["area_code"]):
            rows.append({"measure": "most vs least deprived decile",
                         **_pair(le, sex, ("decile", "1"), ("decile", "10"))})  # fmt: skip
        usable = d[d["value"].notna()]
        if len(usable) == 10:
            data = usable.assign(
                q=usable["area_code"].astype(int), pop=usable["person_years"]
            ).sort_values("q")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                s = stats.sii(data, "q", "pop", value="value", value_type=0, lower_cl="lowercl",
                              upper_cl="uppercl", repetitions=repetitions, seed=seed,
                              type="standard")  # fmt: skip
            rows.append(
                {
                    "measure": "slope index of inequality (local deciles)",
                    "sex": sex,
                    "from": "most deprived",
                    "to": "least deprived",
                    # the reference's SII runs from most to least deprived: a positive SII is
                    # the least deprived living longer
                    "gap": float(s["sii"].iloc[0]),
                    "lowercl": float(s["sii_lower95_0cl"].iloc[0]),
                    "uppercl": float(s["sii_upper95_0cl"].iloc[0]),
                }
            )
        if ward_deprivation is not None and len(ward_deprivation) >= 2:
            w = ward_deprivation.sort_values("imd_score", ascending=False)
            most, least = w["area_code"].iloc[0], w["area_code"].iloc[-1]
            wards = le[(le["area_type"] == "ward") & (le["sex"] == sex) & (le["age"] == 0)]
            if {most, least} <= set(wards["area_code"]):
                rows.append({"measure": "most vs least deprived ward",
                             **_pair(le, sex, ("ward", most), ("ward", least))})  # fmt: skip
        places = le[(le["area_type"] == "place") & (le["sex"] == sex) & (le["age"] == 0)]
        comp = le[(le["area_type"] == "comparator") & (le["sex"] == sex) & (le["age"] == 0)]
        if comparator is not None and len(places) and (comp["area_code"] == comparator).any():
            name = comp.loc[comp["area_code"] == comparator, "area_name"].iloc[0]
            rows.append({"measure": f"the place vs {name}",
                         **_pair(le, sex, ("place", places["area_code"].iloc[0]),
                                 ("comparator", comparator))})  # fmt: skip
    cols = ["measure", "sex", "from", "to", "from_value", "to_value", "gap", "lowercl", "uppercl"]
    return pd.DataFrame(rows, columns=cols)


def decompose(
    counts: dict, pairs: list[tuple[str, tuple[str, str], tuple[str, str]]], sexes=SEXES
) -> pd.DataFrame:
    """Arriaga's decomposition of each pair's gap at birth, by age band and cause.

    Parameters
    ----------
    counts : dict
        From :func:`area_counts` (may include comparator areas).
    pairs : list of (name, (type, code), (type, code))
        Each comparison: its name, the reference area and the comparison area. The gap is the
        comparison's life expectancy minus the reference's.
    sexes : sequence of str

    Returns
    -------
    DataFrame
        ``comparison, sex, age_band, cause, contribution, gap, le_reference, le_comparison``;
        the contributions of a comparison and sex add up to its gap.

    Examples
    --------
    >>> pooled, py, member, causes = _example_inputs()
    >>> counts = area_counts(pooled, py, member, causes)
    >>> d = decompose(counts, [("Riverside vs Hillside", ("ward", "W2"), ("ward", "W1"))])
    >>> part = d[d["sex"] == "male"]
    >>> bool(np.isclose(part["contribution"].sum(), part["gap"].iloc[0]))
    True
    """
    areas = counts["areas"]
    key = pd.MultiIndex.from_frame(areas[["area_type", "area_code"]])
    D, P, causes = counts["deaths"], counts["person_years"], counts["causes"]
    out = []
    s_index = [SEXES.index(s) for s in sexes]
    for name, ref, comp in pairs:
        i, j = key.get_indexer([ref])[0], key.get_indexer([comp])[0]
        if i < 0 or j < 0:
            continue
        r = arriaga_arrays(D[i, s_index].sum(2), P[i, s_index], D[j, s_index].sum(2),
                           P[j, s_index], D[i, s_index], D[j, s_index])  # fmt: skip
        for k, sex in enumerate(sexes):
            frame = pd.DataFrame(
                {
                    "comparison": name,
                    "sex": sex,
                    "age_band": np.repeat(BAND_LABELS, len(causes)),
                    "cause": np.tile(causes, N_BANDS),
                    "contribution": r["by_cause"][k].ravel(),
                }
            )
            frame["le_reference"] = r["le_reference"][k]
            frame["le_comparison"] = r["le_comparison"][k]
            frame["gap"] = r["le_comparison"][k] - r["le_reference"][k]
            out.append(frame)
    cols = ["comparison", "sex", "age_band", "cause", "contribution", "gap", "le_reference",
            "le_comparison"]  # fmt: skip
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)


def decompose_every_area(counts: dict, area_type: str, comparator: tuple[str, str]) -> pd.DataFrame:
    """Every area of a type against a comparator, by age band and cause, in one pass.

    Parameters
    ----------
    counts : dict
        From :func:`area_counts`, the comparator among its areas.
    area_type : str
        The areas to decompose (e.g. ``ward``).
    comparator : (type, code)
        The comparator area (e.g. ``("comparator", "E92000001")``).

    Returns
    -------
    DataFrame
        ``area_code, sex, age_band, cause, contribution`` (comparator minus area).

    Examples
    --------
    >>> pooled, py, member, causes = _example_inputs()
    >>> counts = area_counts(pooled, py, member, causes)
    >>> out = decompose_every_area(counts, "ward", ("place", "P"))
    >>> sorted(out["area_code"].unique())
    ['W1', 'W2']
    """
    areas = counts["areas"]
    key = pd.MultiIndex.from_frame(areas[["area_type", "area_code"]])
    j = key.get_indexer([comparator])[0]
    rows = np.flatnonzero((areas["area_type"] == area_type).to_numpy())
    if j < 0 or not len(rows):
        return pd.DataFrame(columns=["area_code", "sex", "age_band", "cause", "contribution"])
    D, P = counts["deaths"], counts["person_years"]
    n, C = len(rows), len(counts["causes"])
    d1 = D[rows].reshape(n * 3, N_BANDS, C)
    p1 = P[rows].reshape(n * 3, N_BANDS)
    d2 = np.broadcast_to(D[j], (n, 3, N_BANDS, C)).reshape(n * 3, N_BANDS, C)
    p2 = np.broadcast_to(P[j], (n, 3, N_BANDS)).reshape(n * 3, N_BANDS)
    r = arriaga_arrays(d1.sum(2), p1, d2.sum(2), p2, d1, d2)
    return pd.DataFrame(
        {
            "area_code": np.repeat(areas["area_code"].to_numpy()[rows], 3 * N_BANDS * C),
            "sex": np.tile(np.repeat(SEXES, N_BANDS * C), n),
            "age_band": np.tile(np.repeat(BAND_LABELS, C), 3 * n),
            "cause": np.tile(counts["causes"], 3 * N_BANDS * n),
            "contribution": r["by_cause"].ravel(),
        }
    )


def indirect_health_by_age(
    all_ages: pd.DataFrame, reference: pd.DataFrame, population: pd.DataFrame
) -> pd.DataFrame:
    """Small areas' good health by age from their all-ages count (TS037) and a wider area's
    age pattern, by indirect standardisation of the share *not* in good health.

    Each area's ratio of observed to expected people not in good health (expected: its
    residents by age × the reference's not-good share by age) scales the reference's share at
    every age (capped at 1), as small-area health expectancies are estimated where the census
    gives no age breakdown.

    Parameters
    ----------
    all_ages : DataFrame
        ``area_code, good, total`` (age -1 rows of :func:`fairer.sources.general_health.read_general_health`).
    reference : DataFrame
        ``age, good, total`` by census age group (summed over the wider area).
    population : DataFrame
        ``area_code, age, count``: residents by single year (any sex; they are summed).

    Returns
    -------
    DataFrame
        ``area_code, sex ('persons'), age (the census group's first year), good, total``.

    Examples
    --------
    >>> ref = pd.DataFrame({"age": [0, 50], "good": [90.0, 60.0], "total": [100.0, 100.0]})
    >>> pop = pd.DataFrame({"area_code": "E01000001", "age": [10, 60], "count": [100.0, 100.0]})
    >>> obs = pd.DataFrame({"area_code": ["E01000001"], "good": [150.0], "total": [200.0]})
    >>> out = indirect_health_by_age(obs, ref, pop)
    >>> (out["good"] / out["total"]).round(2).tolist()
    [0.9, 0.6]
    """
    ref = reference.groupby("age")[["good", "total"]].sum().sort_index()
    starts = ref.index.to_numpy()
    bad_ref = 1 - ref["good"] / ref["total"]
    pop = population.assign(
        age=starts[np.searchsorted(starts, population["age"], side="right") - 1]
    )
    by = pop.groupby(["area_code", "age"])["count"].sum().unstack(fill_value=0.0)
    by = by.reindex(columns=starts, fill_value=0.0)
    expected_bad = (by * bad_ref.to_numpy()).sum(axis=1) / by.sum(axis=1)
    obs = all_ages.groupby("area_code")[["good", "total"]].sum()
    ratio = (1 - obs["good"] / obs["total"]) / expected_bad.reindex(obs.index)
    ratio = ratio.dropna()
    rows = []
    for code, r in ratio.items():
        share_bad = np.minimum(bad_ref.to_numpy() * r, 1.0)
        total = by.loc[code].to_numpy()
        rows.append(pd.DataFrame({"area_code": code, "sex": "persons", "age": starts,
                                  "good": total * (1 - share_bad), "total": total}))  # fmt: skip
    cols = ["area_code", "sex", "age", "good", "total"]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)


__all__ = [
    "BAND_LABELS",
    "RULES",
    "Pooled",
    "area_counts",
    "area_life_expectancy",
    "decompose",
    "decompose_every_area",
    "gaps",
    "group_order",
    "indirect_health_by_age",
    "long_counts",
    "person_years",
    "pool",
]
