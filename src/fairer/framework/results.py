"""A place's framework results from its store: the rug cells, the place scorecard and gaps."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from fairer.framework.compute import Results, compute_indicators
from fairer.framework.data import indicator_rows, lsoa_weights_and_imd, place_areas
from fairer.framework.model import Framework, load_framework
from fairer.place import Place
from fairer.profile.deprivation import lead_edition, national_data


@dataclass
class PlaceResults:
    """Rug cells at one level, the place-level scorecard, and gaps inside the place."""

    framework: Framework
    level: str
    rug: Results
    place: Results

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
    store,
    place: Place,
    level: str = "ward",
    benchmark: str = "england",
    framework: str | None = None,
) -> PlaceResults:
    """Compute the rug at ``level`` and the place-level scorecard and gaps from the store."""
    fw = load_framework(framework or place.framework)
    edition = lead_edition(store, place.geography_year)
    data = (
        national_data(store, edition) if edition else None
    )  # built once for rows, weights and gaps
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
    return PlaceResults(fw, level, rug, own)
