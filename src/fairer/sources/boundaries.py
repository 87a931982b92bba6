"""Area boundaries (GeoPackage, GeoJSON, shapefile) with their code column recognised.

Reads with pyogrio through geopandas, filters to the codes asked for before geometry is
built where the format allows, repairs invalid polygons and returns WGS 84 (EPSG:4326).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pyogrio

from fairer.errors import FairerError
from fairer.sources.geocodes import geo_columns

BOUNDARY_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp", ".fgb")
ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right."
)


def boundary_info(path: str | Path) -> tuple[str, str, int | None] | None:
    """``(level, code column, year)`` of a boundary file, from its field names; None if none fit."""
    path = Path(path)
    if path.suffix.lower() not in BOUNDARY_SUFFIXES:
        return None
    try:
        info = pyogrio.read_info(path)
    except Exception:
        return None
    geo = geo_columns(list(info["fields"]))
    # Prefer the finest level: a LSOA layer also carries its ward and LAD codes.
    for level in ("lsoa", "msoa", "ward", "lad"):
        for col, g in geo.items():
            if g.level == level and g.part == "code":
                return level, col, g.year
    return None


def read_boundaries(
    path: str | Path, codes: Iterable[str] | None = None, level: str | None = None
) -> gpd.GeoDataFrame:
    """Read polygons with a canonical ``code`` (and ``name``) column, in EPSG:4326.

    Parameters
    ----------
    path : path-like
        GeoPackage, GeoJSON, shapefile or FlatGeobuf.
    codes : iterable of str, optional
        Keep only these area codes (read-time filter).
    level : str, optional
        The level to key on (``lsoa``, ``ward`` …) when a layer carries several.

    Raises
    ------
    FairerError
        If the file cannot be read or has no recognisable area code field.
    """
    path = Path(path)
    if not path.exists():
        raise FairerError("file not found", path=path)
    info = boundary_info(path)
    if info is None:
        raise FairerError("not a boundary file with an area code field (e.g. LSOA21CD)", path=path)
    if level is not None and level != info[0]:
        fields = pyogrio.read_info(path)["fields"]
        cols = [
            c for c, g in geo_columns(list(fields)).items() if g.level == level and g.part == "code"
        ]
        if not cols:
            raise FairerError(f"no {level} code field", path=path)
        info = (level, cols[0], None)
    lvl, code_col, year = info
    where = None
    if codes is not None:
        codes = sorted(set(codes))
        if not codes:
            raise FairerError("no area codes to read boundaries for", path=path)
        quoted = ",".join("'" + c.replace("'", "''") + "'" for c in codes)
        where = f'"{code_col}" IN ({quoted})'
    try:
        gdf = gpd.read_file(path, where=where, engine="pyogrio")
    except Exception as exc:
        raise FairerError(f"cannot read boundaries ({exc})", path=path) from None
    names = [c for c, g in geo_columns(gdf.columns).items() if g.level == lvl and g.part == "name"]
    out = gpd.GeoDataFrame(
        {
            "code": gdf[code_col].astype(str),
            "name": gdf[names[0]].astype(str) if names else gdf[code_col].astype(str),
        },
        geometry=gdf.geometry.values,
        crs=gdf.crs,
    )
    if out.crs is None:
        out = out.set_crs(4326)
    elif out.crs.to_epsg() != 4326:
        out = out.to_crs(4326)
    invalid = ~out.geometry.is_valid
    if invalid.any():
        out.loc[invalid, "geometry"] = out.geometry[invalid].make_valid()
    out.attrs.update(level=lvl, year=year, path=str(path))
    return out
