"""Priority neighbourhoods: contiguous groups of small areas with the greatest need.

Contiguity is queen adjacency (polygons that touch at an edge or a corner), found with
shapely's STRtree spatial index; a hair's-breadth buffer bridges the slivers that generalised
boundaries leave between neighbours. An area with no neighbour (an island) stays a candidate
on its own and is never crashed on.

Candidates grow greedily from each of the neediest areas: the seed takes its neediest
unclaimed neighbour, and so on, until the group reaches the minimum population; a neighbour
that would push it past the maximum is skipped. Each candidate is scored by its
population-weighted need, and the top N that do not overlap are picked. This is a transparent
rule a cabinet paper can state in one sentence, where a full regionalisation (e.g. spopt's
max-p) would partition the whole borough to optimise a global objective. Users can pin areas
(a neighbourhood is grown around each), exclude areas, or offer their own "natural
communities" (groups of areas) to be scored instead.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from fairer.errors import FairerError


def adjacency(
    gdf: gpd.GeoDataFrame, code: str = "area_code", tolerance: float = 2.0
) -> dict[str, set[str]]:
    """Queen neighbours of every area (code → set of codes); islands map to an empty set.

    ``tolerance`` is in metres (areas are projected to British National Grid to buffer them).

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons.
    code : str
        The column of area codes.
    tolerance : float
        Metres (British National Grid) within which two polygons count as touching.

    Returns
    -------
    dict
        Area code → the codes of its neighbours (queen contiguity).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({'area_code': ['A', 'B', 'C']}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)], crs=27700)
    >>> sorted(adjacency(g)['A'])
    ['B']
    """
    projected = gdf.to_crs(27700) if gdf.crs is not None and not gdf.crs.is_projected else gdf
    geoms = projected.geometry.buffer(tolerance).to_numpy()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    codes = gdf[code].to_numpy()
    out: dict[str, set[str]] = {c: set() for c in codes}
    for i, j in zip(left, right, strict=True):
        if i != j:
            out[codes[i]].add(codes[j])
    return out


def _grow(
    seed: str, need: dict, pop: dict, nbrs: dict, blocked: set, lo: float, hi: float
) -> list[str] | None:
    group, total = [seed], pop[seed]
    frontier = set(nbrs[seed]) - blocked
    tried: set[str] = set()
    while total < lo:
        options = sorted(
            (c for c in frontier if c not in tried and c not in group), key=lambda c: (-need[c], c)
        )
        if not options:
            return None
        added = False
        for c in options:
            if total + pop[c] <= hi:
                group.append(c)
                total += pop[c]
                frontier |= set(nbrs[c]) - blocked
                added = True
                break
            tried.add(c)
        if not added:
            return None
    return group


def priority_neighbourhoods(
    areas: gpd.GeoDataFrame,
    count: int = 3,
    min_population: float = 5000,
    max_population: float = 15000,
    pinned: list[str] | None = None,
    excluded: list[str] | None = None,
    communities: pd.DataFrame | None = None,
    seeds: int | None = None,
) -> pd.DataFrame:
    """Pick ``count`` contiguous, non-overlapping neighbourhoods of greatest need.

    Parameters
    ----------
    areas : GeoDataFrame
        ``area_code, population, need`` and polygons (one row per small area).
    min_population, max_population : float
        Bounds on a neighbourhood's residents.
    pinned, excluded : list of str
        Areas that must start a neighbourhood, and areas never to use.
    communities : DataFrame, optional
        ``area_code, community``: user-defined groups scored and picked instead of grown ones.
    seeds : int, optional
        How many of the neediest areas to grow from (default: all).

    Returns
    -------
    DataFrame
        One row per pick: ``rank, name, area_codes, n_areas, population, need`` (population
        weighted), ``pinned``; sorted by rank.

    Raises
    ------
    FairerError
        Bad bounds or count, unknown pinned or excluded codes, or fewer candidates than asked.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({'area_code': list('ABCD'), 'need': [9.0, 8.0, 2.0, 1.0], 'population': 3000}, geometry=[box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(4)], crs=27700)
    >>> priority_neighbourhoods(g, count=1, min_population=5000, max_population=7000)['area_codes'].tolist()
    [['A', 'B']]
    """
    if count < 1:
        raise FairerError("count must be at least 1")
    if min_population <= 0 or max_population < min_population:
        raise FairerError(
            f"population bounds {min_population:,.0f}-{max_population:,.0f} are not valid"
        )
    for col in ("area_code", "population", "need"):
        if col not in areas:
            raise FairerError(f"priority neighbourhoods need a '{col}' column")
    codes = set(areas["area_code"])
    for label, given in (("pinned", pinned or []), ("excluded", excluded or [])):
        unknown = sorted(set(given) - codes)
        if unknown:
            raise FairerError(f"{label} area(s) not in the place: {', '.join(unknown[:5])}")
    need = dict(zip(areas["area_code"], areas["need"].astype(float), strict=True))
    pop = dict(zip(areas["area_code"], areas["population"].astype(float), strict=True))
    blocked = set(excluded or [])

    def score(group: list[str]) -> float:
        p = np.array([pop[c] for c in group])
        return float(np.average([need[c] for c in group], weights=p))

    candidates: list[tuple[str, list[str], bool]] = []
    if communities is not None:
        for name, part in communities.groupby("community", sort=True):
            members = [c for c in part["area_code"] if c in codes and c not in blocked]
            if members:
                candidates.append((str(name), members, False))
    else:
        nbrs = adjacency(areas)
        order = sorted((c for c in codes if c not in blocked), key=lambda c: (-need[c], c))
        for c in pinned or []:
            group = _grow(c, need, pop, nbrs, blocked, min_population, max_population)
            if group is None:
                raise FairerError(
                    f"cannot grow a neighbourhood of {min_population:,.0f}+ residents around pinned area {c}"
                )
            candidates.append((c, group, True))
        for c in order[: seeds or len(order)]:
            group = _grow(c, need, pop, nbrs, blocked, min_population, max_population)
            if group is not None:
                candidates.append((c, group, False))
    scored = sorted(candidates, key=lambda t: (not t[2], -score(t[1]), t[0]))
    picks, used = [], set()
    for name, group, is_pinned in scored:
        if used & set(group):
            continue
        picks.append((name, group, is_pinned))
        used |= set(group)
        if len(picks) == count:
            break
    if len(picks) < count:
        raise FairerError(
            f"only {len(picks)} separate neighbourhoods of {min_population:,.0f}-{max_population:,.0f} residents "
            f"could be formed, fewer than the {count} asked for; widen the bounds or ask for fewer"
        )
    rows = []
    for rank, (name, group, is_pinned) in enumerate(picks, start=1):
        rows.append(
            {
                "rank": rank,
                "seed": name,
                "area_codes": sorted(group),
                "n_areas": len(group),
                "population": sum(pop[c] for c in group),
                "need": score(group),
                "pinned": is_pinned,
            }
        )
    return pd.DataFrame(rows)
