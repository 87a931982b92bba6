"""The framework job: a place's rug cells, its scorecard and gaps, from the place context."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from fairer.evaluate.gradient import gradient_trends
from fairer.framework.compute import Comparator, Results, compute_indicators
from fairer.framework.data import indicator_rows, lsoa_weights_and_imd, place_areas
from fairer.framework.model import Framework, load_framework
from fairer.store import queries
from fairer.wording import areas_word

if TYPE_CHECKING:
    from fairer.context import PlaceContext


@dataclass
class PlaceResults:
    """Rug cells at one level, the place-level scorecard, and gaps inside the place.

    ``geometry`` (LSOA polygons) and ``links`` (LSOA → shown area) are there for maps.
    """

    framework: Framework
    level: str
    rug: Results
    place: Results
    place_name: str = ""
    geometry: pd.DataFrame | None = None
    links: pd.DataFrame | None = None
    #: Is the gradient flattening? The place's SII and RII across periods, per indicator.
    gradients: pd.DataFrame | None = None

    def summary_line(self) -> str:
        """``"20 wards × 8 indicators: 30 worse, 50 similar …"`` for the latest period."""
        cells = self.rug.cells[self.rug.cells["latest"]] if len(self.rug.cells) else self.rug.cells
        counts = cells["comparison"].value_counts() if len(cells) else pd.Series(dtype=int)
        return (
            f"{cells['area_code'].nunique()} {areas_word(self.level)} × {cells['indicator_id'].nunique()} indicators: "
            + ", ".join(f"{n} {k}" for k, n in counts.items() if k)
        )

    def scorecard(self) -> pd.DataFrame:
        """One row per indicator: latest place value, against the benchmark, gap, trend."""
        cells = self.place.cells
        if cells.empty:
            return pd.DataFrame()
        latest = cells[cells["latest"]].set_index("indicator_id")
        gaps = self.place.gaps
        gaps = (
            gaps.sort_values("period").groupby("indicator_id").last()
            if not gaps.empty
            else pd.DataFrame()
        )
        rows = []
        for ind in self.framework.indicators:
            if ind.id not in latest.index:
                continue
            c = latest.loc[ind.id]
            g = gaps.loc[ind.id] if ind.id in gaps.index else None
            rows.append(
                {
                    "domain": ind.domain,
                    "measure": ind.measure,
                    "indicator_id": ind.id,
                    "indicator": ind.title,
                    "unit": ind.unit,
                    "period": c["period"],
                    "value": c["value"],
                    "lowercl": c["lowercl"],
                    "uppercl": c["uppercl"],
                    "benchmark": c["benchmark"],
                    "benchmark_name": c["benchmark_name"],
                    "comparison": c["comparison"],
                    "trend": c["trend"],
                    "absolute_gap": None if g is None else g["absolute_gap"],
                    "sii": None if g is None else g["sii"],
                    "sii_lowercl": None if g is None else g["sii_lowercl"],
                    "sii_uppercl": None if g is None else g["sii_uppercl"],
                    "rii": None if g is None else g["rii"],
                    "red_red": bool(c["red_red"]),
                }
            )
        return pd.DataFrame(rows)


#: ONS codes of England's regions (Regions, December 2024), by name.
REGION_CODES = {
    "North East": "E12000001",
    "North West": "E12000002",
    "Yorkshire and The Humber": "E12000003",
    "East Midlands": "E12000004",
    "West Midlands": "E12000005",
    "East of England": "E12000006",
    "London": "E12000007",
    "South East": "E12000008",
    "South West": "E12000009",
}


def comparator(place, kind: str | None = None) -> Comparator:
    """The comparator a place's settings ask for (``[comparators]``), or ``kind`` instead.

    Parameters
    ----------
    place : Place
    kind : {'england', 'region', 'group', 'place'}, optional
        Default: the place's ``[comparators] benchmark``.

    Returns
    -------
    Comparator
        For a region, its published code and its authorities (from ONS's 2024 list).

    Raises
    ------
    FairerError
        A region asked for where the place's authority has none on record, or a group with
        no authorities.

    Examples
    --------
    >>> from fairer.place import Place
    >>> c = comparator(Place(folder=".", name="Stockton", la_codes=["E06000004"]), "region")
    >>> c.name, c.code, len(c.codes)
    ('North East', 'E12000001', 12)
    """
    from fairer.errors import FairerError
    from fairer.reference import known_local_authorities

    settings = place.comparators
    kind = (kind or settings.benchmark).lower()
    if kind == "region":
        las = known_local_authorities()
        current = las[las["vintages"].str.contains("2024")]
        mine = current.loc[current["lad_code"].isin(place.la_codes), "region"]
        if mine.empty or not mine.iloc[0]:
            raise FairerError(f"no region on record for {', '.join(place.la_codes)}")
        region = mine.iloc[0]
        members = tuple(current.loc[current["region"] == region, "lad_code"])
        return Comparator("region", region, members, REGION_CODES.get(region))
    if kind == "group":
        if not settings.group:
            raise FairerError(
                "a group comparator needs [comparators] group = [codes] in place.toml"
            )
        return Comparator("group", settings.group_name, tuple(settings.group))
    if kind == "place":
        return Comparator("place", "the place")
    if kind != "england":
        raise FairerError(f"unknown benchmark '{kind}': use england, region, group or place")
    return Comparator()


def place_results(
    ctx: PlaceContext,
    level: str = "ward",
    benchmark: str | None = None,
    framework: str | None = None,
) -> PlaceResults:
    """Compute the rug at ``level`` and the place-level scorecard and gaps.

    Parameters
    ----------
    ctx : PlaceContext
        The open place (:func:`fairer.context.open_place`).
    level : {'ward', 'lsoa', 'lad'}
        The rug's rows: the place's wards or LSOAs, or the authorities of its region.
    benchmark : {'england', 'region', 'group', 'place'}, optional
        What each cell is compared with; default: ``[comparators]`` in ``place.toml``. The
        scorecard (the place itself) uses the same, except that ``place`` means England there.
    framework : str, optional
        A template name or framework file; default: the place's.

    Returns
    -------
    PlaceResults
        Raw counts: protect it (:func:`fairer.publish.protect`) before publishing.

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> with open_place(example_place()) as ctx:
    ...     res = place_results(ctx, "ward")
    >>> res.rug.cells["area_code"].nunique() > 1
    True
    """
    place, store = ctx.place, ctx.store
    fw = load_framework(framework or place.framework)
    edition = ctx.lead_edition
    data = ctx.national(edition) if edition else None  # built once for rows, weights and gaps
    rows = indicator_rows(store, data)
    from fairer.mortality.jobs import mortality_results

    # The report's full run when it has happened; else only what the indicators need.
    mortality = ctx.cached("mortality") or ctx.once(
        "mortality_indicators", lambda c: mortality_results(c, explain=False)
    )
    if mortality is not None and not mortality.indicator_rows().empty:
        rows = pd.concat([rows, mortality.indicator_rows()], ignore_index=True)
    weights, imd = lsoa_weights_and_imd(place, data)
    kind = (benchmark or place.comparators.benchmark).lower()
    neighbours = None
    if kind == "neighbours" or level == "neighbours":
        from fairer.profile.neighbours import similar_places

        k = place.comparators.neighbours
        found = ctx.once("neighbours", lambda c: similar_places(c, "lad", k))
        neighbours = tuple(dict.fromkeys(found["neighbour_code"]))
    if level == "neighbours":
        areas, links = place_areas(store, place, "lad", peers=list(neighbours))
    else:
        areas, links = place_areas(store, place, level)
    if kind == "neighbours":
        against = Comparator("group", f"{len(neighbours)} statistical neighbours", neighbours)
    else:
        against = comparator(place, benchmark)
    if data is not None and "lad_code" in data.lsoas:
        against = dataclasses.replace(
            against, lsoa_lads=data.lsoas.set_index("lsoa_code")["lad_code"]
        )
    rug = compute_indicators(
        fw, rows, areas, links, weights, against, place.la_codes, place.disclosure_threshold
    )
    _, lad_links = place_areas(store, place, "lad") if len(place.la_codes) == 1 else (None, None)
    place_area = pd.DataFrame(
        {"area_code": place.la_codes, "area_name": [place.name] * len(place.la_codes)}
    )
    own = compute_indicators(
        fw,
        rows,
        place_area,
        lad_links,
        weights,
        against if against.kind != "place" else Comparator(),
        place.la_codes,
        place.disclosure_threshold,
        imd=imd,
    )
    geom = queries.geometry(store, "lsoa", place.geography_year)
    _, ward_links = place_areas(store, place, "ward")
    gradients = gradient_trends(own.gaps) if len(own.gaps) else None
    return PlaceResults(fw, level, rug, own, place.name, geom, ward_links, gradients)


def has_indicators(ctx: PlaceContext) -> bool:
    """Whether any indicator rows are loaded (the framework sections need some).

    Parameters
    ----------
    ctx : PlaceContext

    Returns
    -------
    bool

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> with open_place(example_place()) as ctx:
    ...     has_indicators(ctx)
    True
    """
    return queries.indicator_value_count(ctx.store) > 0
