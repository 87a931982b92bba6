"""What the hub's pages show of a place: its published outputs, read as written.

The hub never computes a statistic: publishing (:func:`fairer.hub.service.publish`, or
``fairer profile``) runs the jobs and the disclosure step and writes the tables into
``PLACE/output``; these functions only read those tables back for the pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

VERDICT_CLASS = {"better": "better", "similar": "similar", "worse": "worse",
                 "not compared": "none"}  # fmt: skip


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows for a page, with missing values as None (shown blank, never as "nan")."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


def output_dir(folder: str | Path) -> Path:
    return Path(folder) / "output"


def _read(path: Path) -> pd.DataFrame | None:
    if path.with_suffix(".parquet").exists():
        return pd.read_parquet(path.with_suffix(".parquet"))
    if path.with_suffix(".csv").exists():
        return pd.read_csv(path.with_suffix(".csv"))
    return None


@lru_cache(maxsize=32)
def _cached(path: str, mtime: float) -> pd.DataFrame | None:
    return _read(Path(path))


def table(folder: str | Path, name: str) -> pd.DataFrame | None:
    """A published table (``output/<name>.parquet`` or ``.csv``), None if not published."""
    base = output_dir(folder) / name
    for suffix in (".parquet", ".csv"):
        if base.with_suffix(suffix).exists():
            return _cached(str(base), base.with_suffix(suffix).stat().st_mtime)
    return None


def version(folder) -> str:
    """When the published outputs last changed (a key for anything derived from them)."""
    out = output_dir(folder)
    stamps = [p.stat().st_mtime_ns for p in out.glob("*") if p.is_file()] if out.exists() else []
    return str(max(stamps, default=0))


def _memo(fn):
    """Derived once per published version of a place's outputs (pages reuse it)."""

    @lru_cache(maxsize=32)
    def keyed(folder: str, stamp: str):
        return fn(folder)

    def call(folder):
        return keyed(str(folder), version(folder))

    call.__doc__ = fn.__doc__
    return call


def indicators(folder) -> pd.DataFrame | None:
    """The framework's published results (every level and period)."""
    return table(folder, "indicator_results")


@_memo
def scorecard(folder) -> list[dict]:
    """The place's latest value per indicator, with its comparator and verdict."""
    df = indicators(folder)
    if df is None:
        return []
    latest = df[(df["level"] == "place") & df["latest"].astype(bool)]
    return _records(latest.sort_values(["domain", "indicator"]))


@dataclass
class Rug:
    """The tartan rug as the page shows it: indicators down, areas across, verdict per cell."""

    rows: list[dict]  # an indicator's fields, and ``cells``: one per area (None: no result)
    areas: list[dict]
    domains: list[str] = field(default_factory=list)


@_memo
def rug(folder, level: str = "ward") -> Rug | None:
    """The latest period's rug at ``level`` from the published indicator results."""
    df = indicators(folder)
    if df is None:
        return None
    latest = df[(df["level"] == level) & df["latest"].astype(bool)]
    if latest.empty:
        return None
    inds = (
        latest[["indicator_id", "indicator", "domain", "unit", "polarity"]]
        .drop_duplicates("indicator_id")
        .sort_values(["domain", "indicator"])
    )
    areas = latest[["area_code", "area_name"]].drop_duplicates("area_code").sort_values("area_name")
    cells = {
        (r["indicator_id"], r["area_code"]): r
        | {"css": VERDICT_CLASS.get(str(r["verdict"]), "none")}
        for r in _records(latest)
    }
    area_list = _records(areas)
    rows = [
        i | {"cells": [cells.get((i["indicator_id"], a["area_code"])) for a in area_list]}
        for i in _records(inds)
    ]
    return Rug(rows, area_list, sorted(inds["domain"].unique()))


def headlines(folder) -> list[str]:
    """The deprivation profile's headline sentences, as published."""
    df = table(folder, "headlines")
    if df is None:
        return []
    return [r.headline if r.edition in r.headline else f"{r.headline} ({r.edition})"
            for r in df.itertuples()]  # fmt: skip


def rows(folder, name: str) -> list[dict]:
    """A published table's rows for a page (none when it was not published)."""
    df = table(folder, name)
    return [] if df is None else _records(df)


def gaps(folder) -> list[dict]:
    """Life expectancy gaps (most vs least deprived, and vs the comparator), as published."""
    return rows(folder, "life_expectancy_gaps")


def priorities(folder) -> list[dict]:
    """Priority neighbourhoods, as published."""
    return rows(folder, "priority_neighbourhoods")


def allocation(folder) -> list[dict]:
    """Who gets what, where, against need (wards), as published."""
    return rows(folder, "allocation_ward")


def asset_access(folder) -> list[dict]:
    """Access to each type of asset against need (high-need LSOAs far from one), as published."""
    return rows(folder, "asset_access")


def reports(folder) -> list[Path]:
    """The reports a member may download (place report, progress reports)."""
    out = output_dir(folder)
    found = (
        [out / "report.html"]
        + sorted(out.glob("progress_*.html"))
        + sorted(out.glob("progress_*.pdf"))
    )
    return [p for p in found if p.exists()]


@dataclass
class MapLayer:
    """LSOAs as SVG paths in British National Grid metres (y flipped), for the need map."""

    view_box: str
    shapes: list[dict]


@lru_cache(maxsize=8)
def _map(path: str, mtime: float, priority_codes: frozenset[str]) -> MapLayer | None:
    import geopandas as gpd
    from shapely.geometry import MultiPolygon, Polygon

    try:
        lsoa = gpd.read_file(path, layer="lsoa").to_crs(27700)
    except Exception:
        return None
    minx, miny, maxx, maxy = lsoa.total_bounds
    pad = 0.02 * max(maxx - minx, maxy - miny)
    shapes = []
    for r in lsoa.itertuples(index=False):
        geom = r.geometry.simplify(15)
        polys = (
            geom.geoms
            if isinstance(geom, MultiPolygon)
            else [geom]
            if isinstance(geom, Polygon)
            else []
        )
        d = " ".join(
            "M" + " L".join(f"{x:.0f},{-y:.0f}" for x, y in p.exterior.coords) + " Z" for p in polys
        )
        shapes.append(
            {
                "code": r.lsoa_code,
                "name": getattr(r, "lsoa_name", r.lsoa_code),
                "decile": int(r.imd_decile) if pd.notna(getattr(r, "imd_decile", None)) else None,
                "priority": r.lsoa_code in priority_codes,
                "d": d,
            }
        )
    box = f"{minx - pad:.0f} {-(maxy + pad):.0f} {maxx - minx + 2 * pad:.0f} {maxy - miny + 2 * pad:.0f}"
    return MapLayer(box, shapes)


def need_map(folder) -> MapLayer | None:
    """The published LSOA layer coloured by IMD decile, priority neighbourhoods marked."""
    gpkg = output_dir(folder) / "place_results.gpkg"
    if not gpkg.exists():
        return None
    codes = frozenset(c for p in priorities(folder) for c in str(p.get("area_codes", "")).split())
    return _map(str(gpkg), gpkg.stat().st_mtime, codes)


def to_bng(latitude, longitude):
    """WGS84 to British National Grid metres (for drawing assets on the map); scalars or arrays.

    Parameters
    ----------
    latitude, longitude : float or sequence of float

    Returns
    -------
    (easting, northing)
    """
    return _transformer(4326, 27700).transform(longitude, latitude)


def from_bng(easting: float, northing: float) -> tuple[float, float]:
    """British National Grid metres to (latitude, longitude) (a click on the map)."""
    lon, lat = _transformer(27700, 4326).transform(easting, northing)
    return lat, lon


@lru_cache(maxsize=4)
def _transformer(a: int, b: int):
    from pyproj import Transformer

    return Transformer.from_crs(a, b, always_xy=True)
