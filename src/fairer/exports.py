"""Exports for Power BI, Tableau and GIS: one tidy table of every indicator result, and layers.

Both are built from **published** results (disclosure control already applied by
:func:`fairer.publish.protect`), so they show nothing the report does not: a suppressed count
stays suppressed here, with its flag.

``indicator_table`` is long and tidy — one row per area, indicator and period — the shape Power
BI and Tableau want. ``gis_layers`` gives an LSOA layer (IoD measures) and a ward layer (IoD
summaries and each indicator's latest value and verdict, one column each) for QGIS or ArcGIS.
Ward polygons are dissolved from the LSOAs of the ward (ONS's best-fit lookup), which is how
the ward figures were built.
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd

#: The tidy table's columns, in order.
INDICATOR_COLUMNS = [
    "area_code",
    "area_name",
    "level",
    "indicator_id",
    "indicator",
    "domain",
    "unit",
    "polarity",
    "period",
    "latest",
    "numerator",
    "denominator",
    "value",
    "lowercl",
    "uppercl",
    "comparator",
    "comparator_value",
    "verdict",
    "trend",
    "suppressed",
]


def indicator_table(framework) -> pd.DataFrame:
    """Every indicator result of a place, long: its areas and the place itself.

    Parameters
    ----------
    framework : PlaceResults
        Published framework results (:func:`fairer.framework.results.place_results`).

    Returns
    -------
    DataFrame
        :data:`INDICATOR_COLUMNS`; ``level`` is the rug's level (``ward`` …) or ``place``.

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> from fairer.framework.results import place_results
    >>> from fairer.publish import protect
    >>> with open_place(example_place()) as ctx:
    ...     table = indicator_table(protect(place_results(ctx, "ward")))
    >>> sorted(table["level"].unique()), list(table.columns[:3])
    (['place', 'ward'], ['area_code', 'area_name', 'level'])
    """
    frames = []
    for level, cells in ((framework.level, framework.rug.cells), ("place", framework.place.cells)):
        if cells is None or cells.empty:
            continue
        frames.append(
            cells.rename(
                columns={
                    "indicator_title": "indicator",
                    "benchmark_name": "comparator",
                    "benchmark": "comparator_value",
                    "comparison": "verdict",
                }
            ).assign(level=level)
        )
    if not frames:
        return pd.DataFrame(columns=INDICATOR_COLUMNS)
    out = pd.concat(frames, ignore_index=True).reindex(columns=INDICATOR_COLUMNS)
    out["suppressed"] = out["suppressed"].fillna(False).astype(bool)
    return out.sort_values(["level", "indicator_id", "area_code", "period"], ignore_index=True)


def _column_name(text: str) -> str:
    """A field name GIS tools accept: letters, digits and underscores."""
    return re.sub(r"[^0-9A-Za-z_]+", "_", text).strip("_").lower()


def gis_layers(profile, framework=None) -> dict[str, gpd.GeoDataFrame]:
    """An LSOA layer and a ward layer with the published results joined, in EPSG:4326.

    Parameters
    ----------
    profile : ProfileResults
        Published deprivation profiles (with the LSOA geometry).
    framework : PlaceResults, optional
        Published framework results: their latest value and verdict join the ward layer.

    Returns
    -------
    dict of name → GeoDataFrame
        ``lsoa`` and ``ward`` (when the LSOAs have wards); empty when no boundaries are loaded.

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> from fairer.pipeline import profile_results
    >>> from fairer.publish import protect
    >>> with open_place(example_place()) as ctx:
    ...     layers = gis_layers(protect(profile_results(ctx)))
    >>> {k: len(v) for k, v in layers.items()}
    {'lsoa': 120, 'ward': 20}
    """
    lead = profile.profiles.get(profile.lead) if profile.lead else None
    geometry = profile.geometry.get(lead.lsoa_year) if lead is not None else None
    if lead is None or geometry is None or len(geometry) == 0:
        return {}
    tables = lead.tables()
    lsoas = tables["lsoas"]
    lsoa = gpd.GeoDataFrame(
        geometry.rename(columns={"area_code": "lsoa_code"}).merge(lsoas, on="lsoa_code"),
        geometry="geometry",
        crs=getattr(geometry, "crs", None) or 4326,
    ).to_crs(4326)
    layers = {"lsoa": lsoa}
    if "ward_code" in lsoa and lsoa["ward_code"].notna().any():
        ward = lsoa[["ward_code", "geometry"]].dissolve(by="ward_code", as_index=False)
        if "wards" in tables and len(tables["wards"]):
            ward = ward.merge(tables["wards"], on="ward_code", how="left")
        if framework is not None and not framework.rug.cells.empty and framework.level == "ward":
            latest = framework.rug.cells[framework.rug.cells["latest"]]
            wide = latest.pivot_table(
                index="area_code", columns="indicator_id", values="value", aggfunc="first"
            )
            verdicts = latest.pivot_table(
                index="area_code", columns="indicator_id", values="comparison", aggfunc="first"
            )
            wide.columns = [_column_name(c) for c in wide.columns]
            verdicts.columns = [f"{_column_name(c)}_verdict" for c in verdicts.columns]
            joined = wide.join(verdicts).reset_index().rename(columns={"area_code": "ward_code"})
            ward = ward.merge(joined, on="ward_code", how="left")
        layers["ward"] = ward
    return layers


__all__ = ["INDICATOR_COLUMNS", "gis_layers", "indicator_table"]
