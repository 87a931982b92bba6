"""The framework job: a place's rug cells, its scorecard and gaps, from the place context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from fairer.framework.compute import Results, compute_indicators
from fairer.framework.data import indicator_rows, lsoa_weights_and_imd, place_areas
from fairer.framework.model import Framework, load_framework
from fairer.store import queries

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

    def summary_line(self) -> str:
        """``"20 wards × 8 indicators: 30 worse, 50 similar …"`` for the latest period."""
        cells = self.rug.cells[self.rug.cells["latest"]] if len(self.rug.cells) else self.rug.cells
        counts = cells["comparison"].value_counts() if len(cells) else pd.Series(dtype=int)
        return (
            f"{cells['area_code'].nunique()} {self.level}s × {cells['indicator_id'].nunique()} indicators: "
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


def place_results(
    ctx: PlaceContext,
    level: str = "ward",
    benchmark: str = "england",
    framework: str | None = None,
) -> PlaceResults:
    """Compute the rug at ``level`` and the place-level scorecard and gaps.

    Parameters
    ----------
    ctx : PlaceContext
        The open place (:func:`fairer.context.open_place`).
    level : {'ward', 'lsoa', 'lad'}
        The rug's rows: the place's wards or LSOAs, or the authorities of its region.
    benchmark : {'england', 'place'}
        What each cell is compared with.
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
    weights, imd = lsoa_weights_and_imd(place, data)
    areas, links = place_areas(store, place, level)
    rug = compute_indicators(
        fw, rows, areas, links, weights, benchmark, place.la_codes, place.disclosure_threshold
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
        "england",
        place.la_codes,
        place.disclosure_threshold,
        imd=imd,
    )
    geom = queries.geometry(store, "lsoa", place.geography_year)
    _, ward_links = place_areas(store, place, "ward")
    return PlaceResults(fw, level, rug, own, place.name, geom, ward_links)


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
