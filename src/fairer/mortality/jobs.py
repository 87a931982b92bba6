"""The life-expectancy job: a place's deaths extract → life expectancy where people live.

:func:`mortality_results` takes the open place (:func:`fairer.context.open_place`) and returns
raw :class:`MortalityResults`; :func:`fairer.publish.protect` applies disclosure control before
anything is written or rendered.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from fairer import stats
from fairer.errors import FairerError
from fairer.framework.compute import local_deciles
from fairer.framework.data import lsoa_weights_and_imd
from fairer.mortality.causes import cause_groups, group_order
from fairer.mortality.where import (
    RULES,
    SEXES,
    area_counts,
    area_life_expectancy,
    decompose,
    decompose_every_area,
    gaps,
    indirect_health_by_age,
    person_years,
    pool,
)
from fairer.sources.deaths import read_deaths, read_mortality_counts
from fairer.sources.general_health import read_general_health
from fairer.stats.life_expectancy import DEFAULT_AGES, N_BANDS
from fairer.store import queries

#: Framework indicators the job supplies: (sex, measure) → indicator id.
INDICATORS = {
    ("persons", "le"): "life_expectancy",
    ("male", "le"): "male_life_expectancy",
    ("female", "le"): "female_life_expectancy",
    ("male", "hle"): "male_hle",
    ("female", "hle"): "female_hle",
}


@dataclass
class MortalityResults:
    """Life expectancy where people live (raw: protect before publishing).

    Attributes
    ----------
    life_expectancy : DataFrame
        Every area (ward, MSOA, decile, quintile, place, user areas, comparator) × sex × age
        0 and 65: ``value, lowercl, uppercl, deaths, person_years, note``.
    gaps : DataFrame
        Most vs least deprived decile and ward, SII across deciles, the place vs comparator.
    decomposition : DataFrame
        Arriaga by age band and cause for each comparison.
    ward_decomposition : DataFrame
        Every ward against the comparator (when one is loaded).
    healthy_life_expectancy : DataFrame
        Sullivan HLE at birth and 65 where Census general health by age is loaded.
    exclusions : DataFrame
        ``reason, deaths``: what the job left out or recoded, counted.
    """

    life_expectancy: pd.DataFrame
    gaps: pd.DataFrame
    decomposition: pd.DataFrame
    ward_decomposition: pd.DataFrame
    healthy_life_expectancy: pd.DataFrame
    exclusions: pd.DataFrame
    period: str
    comparator_name: str | None = None
    rules: str = RULES
    messages: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table the job publishes, by name."""
        return {
            "life_expectancy": self.life_expectancy,
            "life_expectancy_gaps": self.gaps,
            "life_expectancy_decomposition": self.decomposition,
            "life_expectancy_ward_decomposition": self.ward_decomposition,
            "healthy_life_expectancy": self.healthy_life_expectancy,
            "life_expectancy_exclusions": self.exclusions,
        }

    def indicator_rows(self) -> pd.DataFrame:
        """Ward and place values as framework indicator rows (life expectancy and HLE)."""
        out = []
        for measure, table in (("le", self.life_expectancy), ("hle", self.healthy_life_expectancy)):
            if table.empty:
                continue
            t = table[(table["age"] == 0) & table["area_type"].isin(["ward", "place"])]
            for (sex, m), ind in INDICATORS.items():
                if m != measure:
                    continue
                part = t[t["sex"] == sex]
                out.append(
                    pd.DataFrame(
                        {
                            "indicator_id": ind,
                            "area_code": part["area_code"].to_numpy(),
                            "period": self.period,
                            "group": "",
                            "numerator": np.nan,
                            "denominator": np.nan,
                            "value": part["value"].to_numpy(),
                            "lowercl": part["lowercl"].to_numpy(),
                            "uppercl": part["uppercl"].to_numpy(),
                        }
                    )
                )
        return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def _membership(
    ctx, lsoas: list[str], explain: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Which areas each LSOA of the place is in, and the wards' population-weighted IMD (only
    the wards and the place when not ``explain``)."""
    place, store = ctx.place, ctx.store
    names = queries.area_names(store)
    links = queries.lsoa_links(store, place.geography_year)
    links = links[links["child_code"].isin(lsoas)]
    rows = [pd.DataFrame({"lsoa_code": lsoas, "area_type": "place",
                          "area_code": place.la_codes[0], "area_name": place.name})]  # fmt: skip
    for level in ("ward", "msoa") if explain else ("ward",):
        part = links[links["parent_level"] == level]
        rows.append(
            pd.DataFrame(
                {
                    "lsoa_code": part["child_code"].to_numpy(),
                    "area_type": level,
                    "area_code": part["parent_code"].to_numpy(),
                    "area_name": part["parent_code"].map(names).to_numpy(),
                }
            )
        )
    ward_imd = None
    if not explain:
        return pd.concat(rows, ignore_index=True), None
    edition = ctx.lead_edition
    if edition is not None:
        _, imd = lsoa_weights_and_imd(place, ctx.national(edition))
        if imd is not None and len(imd) >= 10:
            dec = local_deciles(imd)
            rows.append(dec.assign(area_type="decile", area_code=dec["decile"].astype(int).astype(str),
                                   area_name="decile " + dec["decile"].astype(int).astype(str))[
                ["lsoa_code", "area_type", "area_code", "area_name"]])  # fmt: skip
            q = (dec["decile"].astype(int) + 1) // 2
            rows.append(pd.DataFrame({"lsoa_code": dec["lsoa_code"], "area_type": "quintile",
                                      "area_code": q.astype(str),
                                      "area_name": "quintile " + q.astype(str)}))  # fmt: skip
            wards = links[links["parent_level"] == "ward"].merge(
                imd, left_on="child_code", right_on="lsoa_code"
            )
            if len(wards):
                w = wards.assign(wx=wards["imd_score"] * wards["population"])
                g = w.groupby("parent_code")[["wx", "population"]].sum()
                ward_imd = pd.DataFrame(
                    {"area_code": g.index, "imd_score": (g["wx"] / g["population"]).to_numpy()}
                )
    if place.targeting.enabled:
        from fairer.targeting.place import targeting_results

        picks = ctx.once("targeting", targeting_results).priorities.picks
        for pick in picks.itertuples():
            codes = pick.area_codes
            codes = codes.split(",") if isinstance(codes, str) else list(codes)
            label = f"priority neighbourhood {pick.rank}"
            rows.append(pd.DataFrame({"lsoa_code": [c.strip() for c in codes],
                                      "area_type": "priority neighbourhood",
                                      "area_code": str(pick.rank), "area_name": label}))  # fmt: skip
    if place.mortality.areas:
        path = Path(place.mortality.areas)
        path = path if path.is_absolute() else place.folder / path
        from fairer.tabular import read_table

        user = read_table(path)
        cols = {str(c).strip().lower(): c for c in user.columns}
        if not {"lsoa_code", "area_name"} <= set(cols):
            raise FairerError("[mortality] areas needs columns lsoa_code, area_name", path=path)
        rows.append(pd.DataFrame({"lsoa_code": user[cols["lsoa_code"]].astype(str),
                                  "area_type": "user area",
                                  "area_code": user[cols["area_name"]].astype(str),
                                  "area_name": user[cols["area_name"]].astype(str)}))  # fmt: skip
    return pd.concat(rows, ignore_index=True), ward_imd


def _add_comparator(counts: dict, comparator: pd.DataFrame, causes: list[str]) -> str:
    """Append the comparator's deaths and person-years to the area arrays; return its code."""
    code = str(comparator["area_code"].iloc[0])
    name = str(comparator["area_name"].iloc[0])
    c = comparator[comparator["area_code"] == code]
    D = np.zeros((1, 3, N_BANDS, len(causes)))
    P = np.zeros((1, 3, N_BANDS))
    band = pd.Index(DEFAULT_AGES).get_indexer(c["startage"])
    sex = np.where(c["sex"] == "male", 1, 0)
    cause = pd.Index(causes).get_indexer(c["cause"].replace("", "Other"))
    cause = np.where(cause < 0, causes.index("Other"), cause)
    np.add.at(D, (0, sex, band, cause), c["deaths"].to_numpy())
    py = c.drop_duplicates(["sex", "startage"])
    np.add.at(P, (0, np.where(py["sex"] == "male", 1, 0), pd.Index(DEFAULT_AGES).get_indexer(
        py["startage"])), py["person_years"].to_numpy())  # fmt: skip
    D[:, 2], P[:, 2] = D[:, 0] + D[:, 1], P[:, 0] + P[:, 1]
    counts["areas"] = pd.concat(
        [counts["areas"], pd.DataFrame({"area_type": ["comparator"], "area_code": [code],
                                        "area_name": [name]})], ignore_index=True)  # fmt: skip
    counts["deaths"] = np.concatenate([counts["deaths"], D])
    counts["person_years"] = np.concatenate([counts["person_years"], P])
    return code


def _healthy(counts: dict, health: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Sullivan HLE for every area from Census general health by age (LSOA level)."""
    by_age = health[health["age"] >= 0]
    if by_age.empty:
        return pd.DataFrame()
    starts = np.sort(by_age["age"].unique())
    # each life-table band takes the census age group containing its first year
    group_of_band = starts[np.searchsorted(starts, DEFAULT_AGES, side="right") - 1]
    m = membership.merge(by_age, left_on="lsoa_code", right_on="area_code", suffixes=("", "_h"))
    if m.empty:
        return pd.DataFrame()
    sums = m.groupby(["area_type", "area_code", "sex", "age"])[["good", "total"]].sum()
    areas = counts["areas"]
    rows = []
    long_sexes = sums.index.get_level_values("sex").unique()
    for k, sex in enumerate(SEXES):
        hsex = sex if sex in long_sexes else "persons"
        if hsex not in long_sexes:
            continue
        for i, (atype, acode) in enumerate(
            zip(areas["area_type"], areas["area_code"], strict=True)
        ):
            try:
                s = sums.loc[(atype, acode, hsex)]
            except KeyError:
                continue
            share = (s["good"] / s["total"]).reindex(group_of_band).to_numpy()
            total = s["total"].reindex(group_of_band).to_numpy()
            rows.append(pd.DataFrame({"area_type": atype, "area_code": acode, "sex": sex,
                                      "startage": DEFAULT_AGES,
                                      "deaths": counts["deaths"][i, k].sum(1),
                                      "person_years": counts["person_years"][i, k],
                                      "healthy": share, "sample": total}))  # fmt: skip
    if not rows:
        return pd.DataFrame()
    data = pd.concat(rows, ignore_index=True)
    data = data[data.groupby(["area_type", "area_code", "sex"])["healthy"].transform(
        lambda v: v.notna().all())]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.StatsWarning)
        h = stats.healthy_life_expectancy(data, "deaths", "person_years", "startage", "healthy",
                                          by=["area_type", "area_code", "sex"], sample="sample")  # fmt: skip
    h = h[h["startage"].isin([0, 65])].rename(columns={"startage": "age", "hle": "value"})
    names = areas.set_index(["area_type", "area_code"])["area_name"]
    h["area_name"] = pd.MultiIndex.from_frame(h[["area_type", "area_code"]]).map(names)
    cols = ["area_type", "area_code", "area_name", "sex", "age", "value", "lowercl", "uppercl",
            "le", "healthy_share_of_life", "note"]  # fmt: skip
    return h[cols].reset_index(drop=True)


def mortality_results(ctx, explain: bool = True) -> MortalityResults | None:
    """Life expectancy where the place's people live, from its deaths extract (None: none).

    Parameters
    ----------
    ctx : PlaceContext
        The open place; its sources of kind ``deaths`` (and optionally
        ``mortality_comparator`` and ``general_health``) and ``[mortality]`` settings.
    explain : bool
        Everything (default). False: only the wards' and the place's life expectancy and HLE,
        what the framework's indicators need (no deciles, gaps or decompositions).

    Returns
    -------
    MortalityResults or None

    Raises
    ------
    FairerError
        A bad deaths file (its row and column), or no single-year population for the place.

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> with open_place(example_place()) as ctx:
    ...     res = mortality_results(ctx)
    >>> res.period, bool((res.gaps["measure"] == "most vs least deprived decile").any())
    ('2019-2023', True)
    """
    place, store = ctx.place, ctx.store
    sources = place.sources_of("deaths")
    if not sources:
        return None
    settings = place.mortality
    deaths = pd.concat([read_deaths(s.path) for s in sources], ignore_index=True)
    messages: list[str] = []
    if "lsoa_code" not in deaths:
        directory = queries.postcodes(store)
        if directory.empty:
            raise FairerError(
                "the deaths extract gives postcodes: add an ONS postcode directory to the place",
                path=sources[0].path,
            )
        col = "lsoa21" if place.geography_year == 2021 else "lsoa11"
        deaths["lsoa_code"] = deaths["postcode"].map(
            directory.assign(pc=directory["postcode"].str.replace(" ", "")).set_index("pc")[col]
        )
        unplaced = deaths["lsoa_code"].isna()
        if unplaced.any():
            messages.append(f"{int(unplaced.sum())} deaths have a postcode not in the directory")
        deaths = deaths[~unplaced]
    causes_file = settings.causes
    if causes_file:
        p = Path(causes_file)
        causes_file = p if p.is_absolute() else place.folder / p
    groups = cause_groups(causes_file)
    order = group_order(groups)
    population = queries.population_by_age(store, "lsoa")
    lsoas = sorted(set(population["area_code"]) & set(queries.children_of(store, place.la_codes)))
    if not lsoas:
        raise FairerError(
            "life expectancy needs single-year population by sex for the place's LSOAs",
            path=place.folder / "place.toml",
        )
    pooled = pool(deaths, set(lsoas), groups, settings.years, settings.end_year)
    py = person_years(population[population["area_code"].isin(lsoas)], pooled.start, pooled.end)
    estimates = sorted(set(py.attrs["estimates"].values()))
    messages.append(
        f"person-years {pooled.label}: population estimate {', '.join(estimates)} for each year"
    )
    membership, ward_imd = _membership(ctx, lsoas, explain)
    counts = area_counts(pooled, py, membership, order)
    comparator = None
    comparator_name = None
    comp_sources = place.sources_of("mortality_comparator")
    if comp_sources:
        comp = read_mortality_counts(comp_sources[0].path)
        comparator = _add_comparator(counts, comp, order)
        comparator_name = str(comp["area_name"].iloc[0])
    le = area_life_expectancy(counts)
    hle = _hle(ctx, counts, lsoas, population, membership, messages)
    _protect(le, pooled)
    if not explain:
        empty = pd.DataFrame()
        return MortalityResults(le, empty, empty, empty, hle, pooled.exclusions, pooled.label,
                                comparator_name, messages=messages)  # fmt: skip
    gap = gaps(le, ward_imd, comparator)
    pairs = [("most vs least deprived decile", ("decile", "1"), ("decile", "10")),
             ("men vs women", ("place", place.la_codes[0]), ("place", place.la_codes[0]))]  # fmt: skip
    if comparator:
        pairs.append(("the place vs " + comparator_name, ("place", place.la_codes[0]),
                      ("comparator", comparator)))  # fmt: skip
    decomposition = decompose(counts, [p for p in pairs if p[0] != "men vs women"])
    men_women = _men_vs_women(counts, place.la_codes[0])
    previous = _previous_period(deaths, lsoas, groups, settings, pooled, py, membership, order,
                                place.la_codes[0])  # fmt: skip
    decomposition = pd.concat([decomposition, men_women, previous], ignore_index=True)
    wards = (
        decompose_every_area(counts, "ward", ("comparator", comparator))
        if comparator
        else pd.DataFrame()
    )
    return MortalityResults(le, gap, decomposition, wards, hle, pooled.exclusions, pooled.label,
                            comparator_name, messages=messages)  # fmt: skip


def _hle(ctx, counts, lsoas, population, membership, messages) -> pd.DataFrame:
    """Healthy life expectancy for every area, where Census general health is loaded."""
    health_sources = ctx.place.sources_of("general_health")
    if not health_sources:
        return pd.DataFrame()
    health = pd.concat([read_general_health(s.path) for s in health_sources])
    health = _with_ages(health, set(lsoas), population, messages)
    hle = _healthy(counts, health, membership)
    if hle.empty:
        messages.append(
            "healthy life expectancy needs Census 2021 general health by age: for the "
            "place's LSOAs (ONS custom dataset), or TS037 for the LSOAs with a by-age "
            "table for a wider area to standardise it"
        )
    return hle


def _protect(le: pd.DataFrame, pooled) -> None:
    """Deaths of the areas of one type, sex and age add up to the place's: suppression holds
    along those lines, so a hidden count cannot come back by subtraction."""
    le.attrs["protect"] = [(["deaths"], ["value", "lowercl", "uppercl"])]
    le.attrs["lines"] = [["area_type", "sex", "age"]]
    pooled.exclusions.attrs["protect"] = [(["deaths"], [])]


def _with_ages(health: pd.DataFrame, lsoas: set, population, messages: list[str]) -> pd.DataFrame:
    """By-age shares for every LSOA: as published, or standardised from TS037 and a wider
    area's by-age table (its age pattern)."""
    by_age = health[health["age"] >= 0]
    if by_age["area_code"].isin(lsoas).any():
        return by_age
    all_ages = health[(health["age"] < 0) & health["area_code"].isin(lsoas)]
    if all_ages.empty or by_age.empty:
        return by_age
    reference = by_age.groupby("age", as_index=False)[["good", "total"]].sum()
    pop = population[population["area_code"].isin(lsoas)]
    pop = pop[pop["period"] == pop["period"].max()]
    messages.append(
        "healthy life expectancy: the LSOAs' all-ages general health (TS037) standardised "
        f"indirectly to the age pattern of {', '.join(sorted(set(by_age['area_code'])))}; "
        "persons' shares are used for women and men"
    )
    return indirect_health_by_age(all_ages, reference, pop)


def _men_vs_women(counts: dict, code: str) -> pd.DataFrame:
    """The place's gap between men (reference) and women, by age and cause: the two sexes as
    two populations of :func:`decompose`."""
    key = pd.MultiIndex.from_frame(counts["areas"][["area_type", "area_code"]])
    i = key.get_indexer([("place", code)])[0]
    D, P = counts["deaths"][i], counts["person_years"][i]
    sexes = {"men": 1, "women": 0}  # index along the sex axis of the place's arrays
    both = {
        "areas": pd.DataFrame({"area_type": list(sexes), "area_code": code, "area_name": ""}),
        # each sex in the "persons" slot of its own pseudo-area
        "deaths": np.stack([np.broadcast_to(D[k], D.shape) for k in sexes.values()]),
        "person_years": np.stack([np.broadcast_to(P[k], P.shape) for k in sexes.values()]),
        "causes": counts["causes"],
    }
    return decompose(both, [("men vs women", ("men", code), ("women", code))], sexes=("persons",))


def _previous_period(deaths, lsoas, groups, settings, pooled, py, membership, order, code):
    """This period against the previous one of the same length, when the extract holds it."""
    earlier_end = pooled.start - 1
    earlier_start = earlier_end - settings.years + 1
    if deaths["year"].min() > earlier_start:
        return pd.DataFrame()
    before = pool(deaths, set(lsoas), groups, settings.years, earlier_end)
    place_rows = membership[membership["area_type"] == "place"]
    now = area_counts(pooled, py, place_rows, order)
    then = area_counts(before, py, place_rows, order)
    now["areas"] = now["areas"].assign(area_type="now")
    then["areas"] = then["areas"].assign(area_type="then")
    both = {
        "areas": pd.concat([then["areas"], now["areas"]], ignore_index=True),
        "deaths": np.concatenate([then["deaths"], now["deaths"]]),
        "person_years": np.concatenate([then["person_years"], now["person_years"]]),
        "causes": order,
    }
    label = f"{pooled.label} vs {before.label}"
    return decompose(both, [(label, ("then", code), ("now", code))])
