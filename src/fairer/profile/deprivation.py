"""Deprivation profile of a local authority from the English Indices of Deprivation.

For the place's LSOAs: population in each national IMD and domain decile, the share of the
population in England's most deprived 10% and 20%, wards ranked by population-weighted IMD
score, and headline counts. Population-weighted averages of LSOA scores follow the method
MHCLG uses for its local authority summaries (File 10, "average score").

References
----------
MHCLG (2019). *The English Indices of Deprivation 2019: Technical Report*, section 3.7
(local authority district summaries: average score is the population-weighted mean of LSOA
scores). MHCLG (2025). *English Indices of Deprivation 2025: Technical Report*.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairer.errors import FairerError
from fairer.sources.iod import ATTRIBUTION as iod_attribution
from fairer.sources.iod import DOMAINS, EDITION_GEOGRAPHY, EDITION_LSOA_COUNT, MAIN_DOMAINS
from fairer.sources.iod_summary import LA_SUMMARY_PREFIX
from fairer.store import queries
from fairer.wording import percent

#: The attribution every IoD figure carries (MHCLG, OGL v3.0).
IOD_ATTRIBUTION = iod_attribution


@dataclass
class DeprivationData:
    """National LSOA data for one IoD edition, ready to profile any local authority.

    ``lsoas`` has one row per English LSOA: ``lsoa_code, lsoa_name, ward_code, ward_name,
    lad_code, population`` and ``<domain>_<score|rank|decile>`` columns.
    """

    edition: int
    lsoa_year: int
    lsoas: pd.DataFrame
    population_note: str
    ward_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    la_scores: dict[str, pd.DataFrame] = field(default_factory=dict)
    england_shares: dict[str, pd.Series] = field(default_factory=dict)
    #: MHCLG's own LA summaries (File 10), one row per authority, where the place loaded them.
    official_la: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __post_init__(self) -> None:
        # National figures are computed once here, so profiling each LA is cheap.
        domains = [d for d in DOMAINS if f"{d}_decile" in self.lsoas]
        if not self.is_national:
            self.england_shares = {d: pd.Series(0.1, index=range(1, 11)) for d in domains}
            return
        pop = self.lsoas["population"].astype(float)
        for d in domains:
            share = pop.groupby(self.lsoas[f"{d}_decile"].astype(int)).sum() / pop.sum()
            self.england_shares[d] = share.reindex(range(1, 11), fill_value=0.0)
        self.ward_scores = _area_scores(self.lsoas, "ward")
        for key in ("lad_code", "lad_code_iod"):
            if key in self.lsoas and self.lsoas[key].notna().any():
                self.la_scores[key] = _area_scores(
                    self.lsoas.assign(lad_code=self.lsoas[key]), "lad"
                )

    @property
    def is_national(self) -> bool:
        """Whether (nearly) every English LSOA is present, so national comparisons can be made.

        With a subset (one borough's rows of File 7, say), England's decile shares fall back to
        their definition (10% of LSOAs each) and national ward and LA ranks are not computed.
        """
        return len(self.lsoas) >= 0.9 * EDITION_LSOA_COUNT[self.edition]


def _weighted_score(df: pd.DataFrame, by: str) -> pd.DataFrame:
    w = df["population"].astype(float)
    tmp = pd.DataFrame(
        {
            by: df[by],
            "wx": df["imd_score"] * w,
            "w": w,
            "top10": (df["imd_decile"] == 1).astype(int),
            "n": 1,
        }
    )
    g = tmp.groupby(by, sort=False).sum()
    out = pd.DataFrame(
        {
            "imd_score": g["wx"] / g["w"],
            "population": g["w"],
            "n_lsoas": g["n"],
            "n_lsoas_most_deprived_10": g["top10"],
        }
    )
    return out


def _area_scores(lsoas: pd.DataFrame, level: str) -> pd.DataFrame:
    """Population-weighted IMD score of every area of a level, ranked nationally (1 = most deprived)."""
    key = f"{level}_code"
    if key not in lsoas or "imd_score" not in lsoas or lsoas[key].isna().all():
        return pd.DataFrame()
    scores = _weighted_score(lsoas.dropna(subset=[key]), key)
    scores["national_rank"] = scores["imd_score"].rank(ascending=False, method="min").astype(int)
    n = len(scores)
    scores["national_decile"] = np.ceil(scores["national_rank"] * 10 / n).clip(1, 10).astype(int)
    scores["of"] = n
    return scores


def national_data(store, edition: int) -> DeprivationData:
    """Assemble national LSOA data for an IoD edition from a place's store.

    Population weights come, in order of preference, from the edition's own population
    denominators (File 6/7), another LSOA population table on the same geography, LSOA 2011
    populations carried to 2021 through the ONS bridge, or equal weights (said in
    ``population_note``).

    Raises
    ------
    FairerError
        If the store holds no data for the edition.

    Parameters
    ----------
    store : Store
        A place's store (:func:`fairer.store.open_store`).
    edition : int
        2019 or 2025.

    Returns
    -------
    DeprivationData
        ``lsoas``: one row per LSOA with every domain's score, rank and decile, names, ward,
        MSOA and LAD codes and population; ``population_note`` says where the weights came from.

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> with open_place(example_place()) as ctx: data = national_data(ctx.store, 2025)
    >>> data.lsoa_year, 'imd_score' in data.lsoas
    (2021, True)
    """
    lsoa_year = EDITION_GEOGRAPHY[edition]
    long = queries.deprivation_long(store, edition)
    if long.empty:
        raise FairerError(
            f"the store has no IoD{edition} data; add its files to place.toml and load"
        )
    wide = long.pivot(index="lsoa_code", columns="domain", values=["score", "rank", "decile"])
    wide.columns = [f"{d}_{m}" for m, d in wide.columns]
    wide = wide.dropna(axis=1, how="all").reset_index()
    for c in wide.columns:
        if c.endswith(("_rank", "_decile")):
            wide[c] = wide[c].astype("Int64")
    names = queries.names_at_level(store, "lsoa", lsoa_year).rename(
        columns={"area_code": "lsoa_code", "area_name": "lsoa_name"}
    )
    links = queries.lsoa_parents(store, lsoa_year)
    wide = wide.merge(names, on="lsoa_code", how="left")
    for level in ("ward", "msoa", "lad"):
        part = links[links["parent_level"] == level][["lsoa_code", "parent_code"]]
        wide = wide.merge(
            part.rename(columns={"parent_code": f"{level}_code"}), on="lsoa_code", how="left"
        )
    own_lad = links[links["parent_level"] == f"lad_iod{edition}"][["lsoa_code", "parent_code"]]
    wide = wide.merge(
        own_lad.rename(columns={"parent_code": "lad_code_iod"}), on="lsoa_code", how="left"
    )
    ward_names = queries.names_at_level(store, "ward", lsoa_year).rename(
        columns={"area_code": "ward_code", "area_name": "ward_name"}
    )
    wide = wide.merge(ward_names, on="ward_code", how="left")
    pop, note = _population(store, edition, lsoa_year)
    wide["population"] = wide["lsoa_code"].map(pop)
    if wide["population"].isna().all():
        wide["population"] = 1.0
        note = "No population denominators were found: every LSOA counts equally (weights = 1)."
    elif wide["population"].isna().any():
        missing = int(wide["population"].isna().sum())
        wide["population"] = wide["population"].fillna(wide["population"].median())
        note += f" {missing} LSOAs had no population and were given the median."
    official = queries.la_summaries(store, LA_SUMMARY_PREFIX, f"iod{edition}")
    return DeprivationData(edition, lsoa_year, wide, note, official_la=official)


def _population(store, edition: int, lsoa_year: int) -> tuple[pd.Series, str]:
    own = queries.iod_population(store, lsoa_year)
    if not own.empty:
        return own.set_index("area_code")["n"], (
            f"Population weights are the IoD{edition} population denominators ({own['period'].iloc[0]})."
        )
    other = _latest_population(store, lsoa_year)
    if other is not None:
        return other[0], f"Population weights are ONS LSOA estimates ({other[1]})."
    if lsoa_year == 2021:
        older = _latest_population(store, 2011)
        bridge = queries.bridge(store)
        if older is not None and not bridge.empty:
            from fairer.sources.lookups import bridge_counts

            return bridge_counts(older[0], bridge), (
                f"Population weights are ONS LSOA 2011 estimates ({older[1]}) carried to 2021 LSOAs "
                "through the ONS bridge (split LSOAs share their population equally): an approximation."
            )
    return pd.Series(dtype=float), ""


def _latest_population(store, geo_year: int) -> tuple[pd.Series, str] | None:
    df = queries.lsoa_population(store, geo_year)
    if df.empty:
        return None
    period = sorted(df["period"].unique())[-1]
    df = df[df["period"] == period]
    return df.set_index("area_code")["n"], period


@dataclass
class DeprivationProfile:
    """A place's deprivation profile for one IoD edition (see :func:`deprivation_profile`)."""

    place_name: str
    la_codes: list[str]
    edition: int
    lsoa_year: int
    lsoas: pd.DataFrame
    deciles: pd.DataFrame
    wards: pd.DataFrame
    headlines: dict
    la_summary: pd.DataFrame
    population_note: str
    national: bool = True

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tidy output tables, by name."""
        return {
            "lsoas": self.lsoas,
            "deciles": self.deciles,
            "wards": self.wards,
            "la_summary": self.la_summary,
        }

    def headline_sentences(self) -> list[str]:
        h = self.headlines
        out = [
            f"{h['n_lsoas_most_deprived_10']} of our {h['n_lsoas']} LSOAs are in the 10% most deprived "
            f"in England (IoD{self.edition}); {h['n_lsoas_most_deprived_20']} are in the most deprived 20%.",
            f"{percent(h['share_population_most_deprived_10'])} of residents live in England's most "
            f"deprived 10% of neighbourhoods, and {percent(h['share_population_most_deprived_20'])} "
            "in the most "
            "deprived 20% (England: 10% and 20% of neighbourhoods by definition).",
        ]
        if not self.national:
            out.append(
                "Only part of England's IoD data was loaded, so wards and the authority are not ranked "
                "nationally; England's shares shown are 10% of LSOAs per decile by definition."
            )
        if h.get("n_wards_most_deprived_10") is not None:
            out.append(
                f"{h['n_wards_most_deprived_10']} of our {h['n_wards']} wards are in the 10% most deprived "
                f"wards in England, by population-weighted IMD score."
            )
        if h.get("la_rank") is not None:
            out.append(
                f"By rank of average IMD score, {self.place_name} is {h['la_rank']} of "
                f"{h['la_of']} local authorities (1 = most deprived; source: "
                f"{h['la_rank_source']})."
            )
        return out


def place_mask(lsoas: pd.DataFrame, la_codes: list[str]) -> pd.Series:
    """Which national LSOAs belong to the place: by the IoD file's own LAD, else the lookup's."""
    if "lad_code_iod" in lsoas:
        mask = lsoas["lad_code_iod"].isin(la_codes)
        if mask.any():
            return mask
    if "lad_code" in lsoas:
        return lsoas["lad_code"].isin(la_codes)
    return pd.Series(False, index=lsoas.index)


def lead_edition(editions: list[int], geography_year: int) -> int | None:
    """The edition a place leads with: IoD2025 on 2021 geography if held, else the latest.

    The one statement of the rule; the place context applies it to what its store holds.

    Examples
    --------
    >>> lead_edition([2019, 2025], 2021), lead_edition([2019, 2025], 2011), lead_edition([], 2021)
    (2025, 2025, None)
    """
    if not editions:
        return None
    return 2025 if geography_year == 2021 and 2025 in editions else max(editions)


def deprivation_profile(
    data: DeprivationData, la_codes: list[str], place_name: str = ""
) -> DeprivationProfile:
    """Profile the LSOAs of one or more local authorities against England.

    Parameters
    ----------
    data : DeprivationData
        National data for one edition (:func:`national_data`).
    la_codes : list of str
        The local authority district codes that make up the place.
    place_name : str
        Used in sentences.

    Returns
    -------
    DeprivationProfile

    Raises
    ------
    FairerError
        If no LSOA of the edition belongs to the given authorities.

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> with open_place(example_place()) as ctx: p = deprivation_profile(ctx.national(2025), ['E06990001'], 'Fairhaven')
    >>> p.headlines['n_lsoas']
    120
    """
    lsoas = data.lsoas
    mask = place_mask(lsoas, la_codes)
    local = lsoas[mask].copy()
    if local.empty:
        raise FairerError(
            f"no IoD{data.edition} LSOA belongs to {', '.join(la_codes)}; does the place's lookup "
            f"cover LSOA {data.lsoa_year} geography?"
        )
    local = local.sort_values("imd_rank" if "imd_rank" in local else "lsoa_code").reset_index(
        drop=True
    )
    total_pop = float(local["population"].sum())
    domains = [d for d in DOMAINS if f"{d}_decile" in local]
    weights = local["population"].to_numpy(dtype=float)
    n_by, pop_by = [], []
    for d in domains:
        dec = local[f"{d}_decile"].to_numpy(dtype=int)
        n_by.append(np.bincount(dec, minlength=11)[1:11])
        pop_by.append(np.bincount(dec, weights=weights, minlength=11)[1:11])
    n_arr, pop_arr = np.concatenate(n_by), np.concatenate(pop_by)
    deciles = pd.DataFrame(
        {
            "domain": np.repeat(domains, 10),
            "domain_name": np.repeat([DOMAINS[d] for d in domains], 10),
            "decile": np.tile(np.arange(1, 11), len(domains)),
            "n_lsoas": n_arr,
            "population": pop_arr,
            "share_population": pop_arr / total_pop,
            "share_lsoas": n_arr / len(local),
            "england_share_population": np.concatenate(
                [data.england_shares[d].to_numpy() for d in domains]
            ),
        }
    )

    wards = pd.DataFrame()
    if "ward_code" in local and local["ward_code"].notna().any():
        wards = _weighted_score(local.dropna(subset=["ward_code"]), "ward_code")
        pop = local.dropna(subset=["ward_code"])
        wards["share_population_most_deprived_10"] = (
            pop[pop["imd_decile"] == 1].groupby("ward_code")["population"].sum()
            / wards["population"]
        ).fillna(0.0)
        wards["share_population_most_deprived_20"] = (
            pop[pop["imd_decile"] <= 2].groupby("ward_code")["population"].sum()
            / wards["population"]
        ).fillna(0.0)
        names = local.dropna(subset=["ward_code"]).groupby("ward_code")["ward_name"].first()
        wards["ward_name"] = names.reindex(wards.index).fillna(
            pd.Series(wards.index, index=wards.index)
        )
        if not data.ward_scores.empty:
            wards = wards.join(data.ward_scores[["national_rank", "national_decile", "of"]])
        wards = wards.sort_values("imd_score", ascending=False)
        wards["local_rank"] = np.arange(1, len(wards) + 1)
        wards = wards.reset_index()
        lead = ["local_rank", "ward_code", "ward_name", "imd_score", "population", "n_lsoas"]
        wards = wards[lead + [c for c in wards.columns if c not in lead]]

    in10 = local["imd_decile"] == 1
    in20 = local["imd_decile"] <= 2
    headlines = {
        "n_lsoas": len(local),
        "population": total_pop,
        "n_lsoas_most_deprived_10": int(in10.sum()),
        "n_lsoas_most_deprived_20": int(in20.sum()),
        "share_population_most_deprived_10": float(local.loc[in10, "population"].sum()) / total_pop,
        "share_population_most_deprived_20": float(local.loc[in20, "population"].sum()) / total_pop,
        "share_lsoas_most_deprived_10": float(in10.mean()),
        "n_wards": len(wards) if not wards.empty else None,
        "n_wards_most_deprived_10": (
            int((wards["national_decile"] == 1).sum()) if "national_decile" in wards else None
        ),
        "la_rank": None,
        "la_of": None,
        "la_rank_source": None,
        "la_average_score": None,
    }
    la_summary = pd.DataFrame()
    if "imd_score" in local:
        headlines["la_average_score"] = float(
            np.average(local["imd_score"], weights=local["population"])
        )
    if "imd_score" in local and data.is_national:
        own = "lad_code_iod" in lsoas and lsoas["lad_code_iod"].isin(la_codes).any()
        scores = data.la_scores.get("lad_code_iod" if own else "lad_code", pd.DataFrame())
        if len(la_codes) == 1 and la_codes[0] in scores.index:
            headlines["la_rank"] = int(scores.loc[la_codes[0], "national_rank"])
            headlines["la_of"] = int(scores.loc[la_codes[0], "of"])
            headlines["la_rank_source"] = (
                "fairer's estimate from population-weighted LSOA scores "
                "(MHCLG's local authority summaries, File 10, are not loaded)"
            )
        la_summary = (
            scores.loc[scores.index.intersection(la_codes)]
            .reset_index()
            .rename(columns={"index": "lad_code"})
        )
        la_summary["proportion_lsoas_most_deprived_10"] = (
            la_summary["n_lsoas_most_deprived_10"] / la_summary["n_lsoas"]
        )

    official = data.official_la
    if len(la_codes) == 1 and la_codes[0] in official.index:
        # Official figures first: MHCLG's published rank of average score.
        headlines["la_rank"] = int(official.loc[la_codes[0], "rank_of_average_score"])
        headlines["la_of"] = len(official)
        headlines["la_average_score"] = float(official.loc[la_codes[0], "average_score"])
        headlines["la_rank_source"] = "MHCLG, local authority summaries (File 10)"
    if not official.empty:
        published = official.loc[official.index.intersection(la_codes)].add_prefix("published_")
        la_summary = (
            (
                la_summary.set_index("lad_code").join(published, how="outer")
                if not la_summary.empty
                else published
            )
            .rename_axis("lad_code")
            .reset_index()
        )

    keep = ["lsoa_code", "lsoa_name", "ward_code", "ward_name", "lad_code", "population"] + [
        f"{d}_{m}" for d in DOMAINS for m in ("score", "rank", "decile") if f"{d}_{m}" in local
    ]
    return DeprivationProfile(
        place_name=place_name or ", ".join(la_codes),
        la_codes=list(la_codes),
        edition=data.edition,
        lsoa_year=data.lsoa_year,
        lsoas=local[[c for c in keep if c in local]],
        deciles=deciles,
        wards=wards,
        headlines=headlines,
        la_summary=la_summary,
        population_note=data.population_note,
        national=data.is_national,
    )


__all__ = [
    "MAIN_DOMAINS",
    "DeprivationData",
    "DeprivationProfile",
    "deprivation_profile",
    "national_data",
]
