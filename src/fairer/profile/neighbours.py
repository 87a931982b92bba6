"""Similar places: statistical nearest neighbours by standardised distance.

Each variable is standardised across the areas compared (z-scores: mean 0, standard deviation 1,
as CIPFA's and the Children's Services statistical-neighbour models do), multiplied by its
weight, and areas are ranked by Euclidean distance. The default variables are what fairer reads
from official files for every area: deprivation (population-weighted IMD score), age structure
(shares aged 0-15 and 65+ where single-year population is loaded), population, and — where
boundaries and a rural-urban classification are loaded — density and rurality. Any column can be
used instead, with any weights.

References
----------
CIPFA. *Nearest neighbours model: technical guidance* (2019). Department for Education.
*Children's services statistical neighbour benchmarking tool* (2007, updated 2021).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from fairer.errors import FairerError

DEFAULT_VARIABLES = {
    "imd_score": 1.0,
    "share_under_16": 1.0,
    "share_65_and_over": 1.0,
    "population": 1.0,
    "density": 1.0,
    "rural_share": 1.0,
}


def nearest_neighbours(
    features: pd.DataFrame,
    variables: dict[str, float] | list[str] | None = None,
    k: int = 15,
    id_col: str = "area_code",
    areas: list[str] | None = None,
) -> pd.DataFrame:
    """The ``k`` nearest neighbours of each area by weighted, standardised distance.

    Parameters
    ----------
    features : DataFrame
        One row per area: ``id_col`` and the variables.
    variables : dict or list, optional
        Variable → weight (a list: weight 1 each). Default: :data:`DEFAULT_VARIABLES` that are
        present in ``features``.
    k : int
        Neighbours per area (the area itself is never its own neighbour).
    id_col : str
        The area identifier.
    areas : list of str, optional
        Only these areas' neighbours (all areas are still candidates).

    Returns
    -------
    DataFrame
        ``area_code, neighbour_code, rank, distance`` (rank 1 = most similar), and
        ``attrs['variables']``: the variables and weights used.

    Raises
    ------
    FairerError
        No usable variable, a missing value, or a variable with no spread.

    Examples
    --------
    >>> f = pd.DataFrame({"area_code": list("ABCD"), "imd_score": [10, 11, 30, 31],
    ...                   "population": [100, 110, 300, 310]})
    >>> nearest_neighbours(f, k=1)["neighbour_code"].tolist()
    ['B', 'A', 'D', 'C']
    """
    if variables is None:
        variables = {v: w for v, w in DEFAULT_VARIABLES.items() if v in features}
    elif isinstance(variables, list):
        variables = dict.fromkeys(variables, 1.0)
    missing = [v for v in variables if v not in features]
    if missing or not variables:
        raise FairerError(
            f"no column {', '.join(missing)} for similar places" if missing
            else "similar places need at least one variable"
        )  # fmt: skip
    X = features[list(variables)].to_numpy(float)
    bad = ~np.isfinite(X)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise FairerError(
            f"area {features[id_col].iloc[i]} has no value for '{list(variables)[j]}'"
        )
    sd = X.std(axis=0, ddof=0)
    flat = [v for v, s in zip(variables, sd, strict=True) if s == 0]
    if flat:
        raise FairerError(f"'{flat[0]}' is the same for every area: it cannot tell places apart")
    Z = (X - X.mean(axis=0)) / sd * np.sqrt(np.asarray(list(variables.values()), dtype=float))
    ids = features[id_col].astype(str).to_numpy()
    which = np.arange(len(ids)) if areas is None else np.flatnonzero(np.isin(ids, areas))
    k = min(k, len(ids) - 1)
    tree = cKDTree(Z)
    dist, idx = tree.query(Z[which], k=k + 1)
    rows = []
    for r, i in enumerate(which):
        order = [(d, j) for d, j in zip(dist[r], idx[r], strict=True) if j != i][:k]
        for rank, (d, j) in enumerate(order, start=1):
            rows.append((ids[i], ids[j], rank, float(d)))
    out = pd.DataFrame(rows, columns=["area_code", "neighbour_code", "rank", "distance"])
    out.attrs["variables"] = dict(variables)
    return out


def area_features(
    lsoas: pd.DataFrame,
    level_col: str,
    population: pd.DataFrame | None = None,
    area_km2: pd.Series | None = None,
    rural: pd.Series | None = None,
) -> pd.DataFrame:
    """The default variables for every area of a level, from LSOA data fairer holds.

    Parameters
    ----------
    lsoas : DataFrame
        ``lsoa_code, imd_score, population`` and the area column ``level_col`` (e.g.
        ``lad_code``, ``ward_code``).
    level_col : str
    population : DataFrame, optional
        ``area_code, age, count`` single-year population by LSOA (age structure).
    area_km2 : Series, optional
        LSOA area in km² (density).
    rural : Series, optional
        LSOA → 1 if rural, 0 if urban (rural share of residents).

    Returns
    -------
    DataFrame
        ``area_code, imd_score, population, [share_under_16, share_65_and_over, density,
        rural_share]``.

    Examples
    --------
    >>> l = pd.DataFrame({"lsoa_code": ["a", "b", "c"], "lad_code": ["X", "X", "Y"],
    ...                   "imd_score": [10.0, 30.0, 20.0], "population": [100, 300, 200]})
    >>> area_features(l, "lad_code")["imd_score"].tolist()
    [25.0, 20.0]
    """
    d = lsoas[["lsoa_code", level_col, "imd_score", "population"]].dropna()
    d = d.assign(wx=d["imd_score"] * d["population"])
    g = d.groupby(level_col)
    out = pd.DataFrame(
        {"imd_score": g["wx"].sum() / g["population"].sum(), "population": g["population"].sum()}
    )
    area_of = d.set_index("lsoa_code")[level_col]
    if population is not None and len(population):
        p = population.assign(area=population["area_code"].map(area_of)).dropna(subset=["area"])
        total = p.groupby("area")["count"].sum()
        out["share_under_16"] = p[p["age"] < 16].groupby("area")["count"].sum() / total
        out["share_65_and_over"] = p[p["age"] >= 65].groupby("area")["count"].sum() / total
    if area_km2 is not None:
        km2 = area_km2.groupby(area_of.reindex(area_km2.index).to_numpy()).sum()
        out["density"] = out["population"] / km2
    if rural is not None:
        r = d.assign(r=d["lsoa_code"].map(rural) * d["population"])
        out["rural_share"] = r.groupby(level_col)["r"].sum() / out["population"]
    return out.rename_axis("area_code").reset_index()


def similar_places(
    ctx, level: str = "lad", k: int = 15, variables: dict[str, float] | list[str] | None = None
) -> pd.DataFrame:
    """The place's statistical neighbours among English authorities, or its wards' or LSOAs'
    among each other.

    Parameters
    ----------
    ctx : PlaceContext
        The open place (its lead IoD edition gives deprivation and population for every LSOA
        in England; its population files and boundaries give age structure and density for
        its own areas).
    level : {'lad', 'ward', 'lsoa'}
        ``lad``: the place's authorities against every English authority; ``ward``/``lsoa``:
        each of the place's areas against the others.
    k : int
        Neighbours per area.
    variables : dict or list, optional
        Variables and weights (default: those of :data:`DEFAULT_VARIABLES` that can be had).

    Returns
    -------
    DataFrame
        ``area_code, area_name, neighbour_code, neighbour_name, rank, distance`` and the
        variables of the neighbour; ``attrs['variables']`` the variables used.

    Raises
    ------
    FairerError
        No IoD data, or an unknown level.

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> with open_place(example_place()) as ctx:
    ...     n = similar_places(ctx, "ward", k=3)
    >>> int(n["rank"].max()), sorted(n.attrs["variables"])[:2]
    (3, ['density', 'imd_score'])
    """
    from fairer.store import queries

    place, store = ctx.place, ctx.store
    data = ctx.lead_national()
    lsoas = data.lsoas
    names = queries.area_names(store)
    if level == "lad":
        from fairer.reference import known_local_authorities

        groups = queries.age_groups(store, data.lsoa_year)
        features = area_features(lsoas, "lad_code")
        if len(features) <= k:
            raise FairerError(
                f"the IoD data hold {len(features)} authorities: similar authorities need the "
                "national IoD file (every English LSOA), e.g. `fairer fetch iod2025`"
            )
        if len(groups):
            wide = groups.pivot_table(index="area_code", columns="age_group", values="count")
            area_of = lsoas.set_index("lsoa_code")["lad_code"]
            by_la = wide.groupby(area_of.reindex(wide.index).to_numpy()).sum()
            share = by_la.div(features.set_index("area_code")["population"], axis=0)
            if "children_0_15" in share:
                features["share_under_16"] = features["area_code"].map(share["children_0_15"])
            if "60_plus" in share:
                features["share_60_and_over"] = features["area_code"].map(share["60_plus"])
        las = known_local_authorities().drop_duplicates("lad_code").set_index("lad_code")
        names = pd.concat([las["lad_name"], names])
        names = names[~names.index.duplicated()]
        mine = list(place.la_codes)
    elif level in ("ward", "lsoa"):
        own = lsoas[lsoas["lad_code"].isin(place.la_codes)].copy()
        col = "ward_code" if level == "ward" else "lsoa_code"
        if level == "lsoa":
            own["lsoa_key"] = own["lsoa_code"]
            col = "lsoa_key"
        pop = queries.population_by_age(store, "lsoa")
        latest = pop[pop["period"] == pop["period"].max()] if len(pop) else None
        geom = queries.geometry(store, "lsoa", place.geography_year)
        km2 = None
        if geom is not None and len(geom):
            km2 = geom.set_index("area_code").to_crs(27700).area / 1e6
        features = area_features(own, col, latest, km2)
        mine = list(features["area_code"])
    else:
        raise FairerError(f"unknown level '{level}': choose lad, ward or lsoa")
    if variables is None:
        chosen = {v: 1.0 for v in (*DEFAULT_VARIABLES, "share_60_and_over") if v in features}
        complete = features[list(chosen)].notna().all()
        variables = {v: w for v, w in chosen.items() if complete[v]}
    features = features.dropna(subset=list(variables))
    out = nearest_neighbours(features, variables, k=k, areas=mine)
    used = out.attrs["variables"]
    out["area_name"] = out["area_code"].map(names).fillna(out["area_code"])
    out["neighbour_name"] = out["neighbour_code"].map(names).fillna(out["neighbour_code"])
    out = out.merge(features, left_on="neighbour_code", right_on="area_code", how="left",
                    suffixes=("", "_n")).drop(columns="area_code_n")  # fmt: skip
    cols = ["area_code", "area_name", "neighbour_code", "neighbour_name", "rank", "distance"]
    out = out[cols + [c for c in out.columns if c not in cols]]
    out.attrs["variables"] = used
    return out
