"""Community assets against need: who can reach a library, a GP, a park …

Assets come from registers as councils keep them — CSV with latitude/longitude or British
National Grid easting/northing, GeoJSON or GeoPackage (OpenStreetMap extracts included: their
``amenity``/``leisure``/``shop`` tags give the type), or postcodes when a postcode lookup is
supplied. Access is measured from each small area's centroid (population-weighted where the
user supplies ONS's population-weighted centroids, else the polygon's representative point):
the straight-line distance to the nearest asset of each type (a KD-tree on British National
Grid metres) and the number within walking distance (800 m by default, about ten minutes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from fairer.errors import FairerError
from fairer.tabular import read_table

TYPES = (
    "park",
    "leisure centre",
    "community centre",
    "library",
    "gp",
    "pharmacy",
    "food bank",
    "school",
    "youth centre",
    "other",
)
_TYPE_WORDS = {
    "park": "park",
    "playground": "park",
    "garden": "park",
    "green space": "park",
    "leisure": "leisure centre",
    "sports centre": "leisure centre",
    "sports_centre": "leisure centre",
    "swimming": "leisure centre",
    "gym": "leisure centre",
    "fitness": "leisure centre",
    "community": "community centre",
    "village hall": "community centre",
    "community_centre": "community centre",
    "library": "library",
    "gp": "gp",
    "doctors": "gp",
    "surgery": "gp",
    "health centre": "gp",
    "clinic": "gp",
    "pharmacy": "pharmacy",
    "chemist": "pharmacy",
    "food bank": "food bank",
    "foodbank": "food bank",
    "food_bank": "food bank",
    "school": "school",
    "youth": "youth centre",
}


@dataclass
class Assets:
    """Assets as points in British National Grid metres, and what was set aside."""

    table: pd.DataFrame  # name, asset_type, easting, northing
    messages: list[str] = field(default_factory=list)


def asset_type(raw: str) -> str | None:
    """A register's type text mapped to fairer's types (None if nothing fits)."""
    s = str(raw).strip().lower()
    if s in TYPES:
        return s
    for word, t in _TYPE_WORDS.items():
        if re.search(rf"\b{re.escape(word)}", s):
            return t
    return None


def _col(df, *names):
    lower = {c.strip().lower(): c for c in df.columns}
    return next((lower[n] for n in names if n in lower), None)


def read_assets(
    path: str | Path, postcodes: pd.DataFrame | None = None, default_type: str | None = None
) -> Assets:
    """Read an asset register into points (EPSG:27700).

    Parameters
    ----------
    path : path-like
        CSV/XLSX/Parquet with ``latitude``/``longitude`` or ``easting``/``northing`` (or
        ``postcode`` with ``postcodes``), or a GeoJSON/GeoPackage of points or polygons.
    postcodes : DataFrame, optional
        ``postcode, latitude, longitude`` to place assets given only by postcode.
    default_type : str, optional
        The type of every asset when the file has no type column (a register of libraries …).

    Raises
    ------
    FairerError
        No usable location or type columns.
    """
    path = Path(path)
    messages: list[str] = []
    if path.suffix.lower() in (".geojson", ".json", ".gpkg", ".shp"):
        gdf = gpd.read_file(path)
        if gdf.crs is None:
            gdf = gdf.set_crs(4326)
        pts = gdf.to_crs(27700).geometry.representative_point()
        df = pd.DataFrame(gdf.drop(columns="geometry"))
        df["easting"], df["northing"] = pts.x.to_numpy(), pts.y.to_numpy()
        first_row = 1
    else:
        df = read_table(path, thousands=None)
        first_row = int(df.attrs.get("header_row", 1)) + 1
        lat, lon = _col(df, "latitude", "lat"), _col(df, "longitude", "lon", "lng", "long")
        east, north = _col(df, "easting", "x", "oseast1m"), _col(df, "northing", "y", "osnrth1m")
        if lat and lon:
            la, lo = (
                pd.to_numeric(df[lat], errors="coerce"),
                pd.to_numeric(df[lon], errors="coerce"),
            )
            impossible = ~(la.between(49.5, 61) & lo.between(-8.7, 2.1))
            pts = gpd.GeoSeries(
                gpd.points_from_xy(lo.where(~impossible, 0), la.where(~impossible, 52)), crs=4326
            ).to_crs(27700)
            df["easting"] = np.where(impossible, np.nan, pts.x.to_numpy())
            df["northing"] = np.where(impossible, np.nan, pts.y.to_numpy())
        elif east and north:
            e, n = (
                pd.to_numeric(df[east], errors="coerce"),
                pd.to_numeric(df[north], errors="coerce"),
            )
            impossible = ~(e.between(0, 700_000) & n.between(0, 1_300_000))
            df["easting"], df["northing"] = e.where(~impossible), n.where(~impossible)
        elif _col(df, "postcode") and postcodes is not None:
            from fairer.sources.postcodes import normalise_postcode, place_postcodes

            pc = _col(df, "postcode")
            directory = postcodes.assign(postcode=normalise_postcode(postcodes["postcode"]))
            placed, found = place_postcodes(df[pc], directory.drop_duplicates("postcode"))
            if (~found).any():
                messages.append(
                    f"{path.name}: {int((~found).sum())} postcodes not in the lookup (e.g. {df.loc[~found, pc].iloc[0]}); those assets are set aside"
                )
            la = pd.to_numeric(placed["latitude"], errors="coerce")
            lo = pd.to_numeric(placed["longitude"], errors="coerce")
            pts = gpd.GeoSeries(gpd.points_from_xy(lo, la), crs=4326).to_crs(27700)
            df["easting"], df["northing"] = pts.x.to_numpy(), pts.y.to_numpy()
            impossible = pd.Series(False, index=df.index)
        elif _col(df, "postcode"):
            raise FairerError(
                "assets have postcodes but no coordinates: give a postcode lookup (postcode, latitude, longitude)",
                path=path,
            )
        else:
            raise FairerError(
                "no location columns: expected latitude/longitude, easting/northing, or postcode",
                path=path,
            )
        if impossible.any():
            i = int(np.flatnonzero(impossible.to_numpy())[0])
            messages.append(
                f"{path.name}: row {first_row + i}: coordinates outside Great Britain "
                f"({int(impossible.sum())} asset{'s' if impossible.sum() > 1 else ''} set aside)"
            )
    for c in ("easting", "northing"):  # a point that could not be placed projects to inf: drop it
        v = pd.to_numeric(df[c], errors="coerce")
        df[c] = v.where(np.isfinite(v))
    type_col = _col(df, "type", "asset_type", "category", "type of library")
    osm = [
        c
        for c in ("amenity", "leisure", "shop", "healthcare", "social_facility")
        if c in df.columns
    ]
    if type_col is None and not osm and default_type is None:
        raise FairerError(
            "no type column (type, asset_type, category, or OSM amenity/leisure tags): give a default type",
            path=path,
        )
    if type_col:
        raw = df[type_col].astype(str)
    elif osm:  # an OpenStreetMap extract: the first tag an asset has says what it is
        raw = (
            df[osm].astype("string").bfill(axis=1).iloc[:, 0].fillna(default_type or "").astype(str)
        )
    else:
        raw = pd.Series(default_type, index=df.index)
    types = raw.map(asset_type)
    unknown = types.isna()
    if unknown.any():
        messages.append(
            f"{path.name}: {int(unknown.sum())} asset types not recognised (e.g. '{raw[unknown].iloc[0]}'), kept as 'other'"
        )
    name_col = _col(df, "name", "library name", "asset_name", "site", "site name")
    closed_col = _col(df, "closed", "year closed", "date closed")
    if closed_col:  # registers keep closed sites (libraries since 2010): they serve nobody now
        text = df[closed_col].astype("string").str.strip().fillna("")
        closed = text.ne("") & ~text.str.lower().isin(["no", "n/a", "na", "-", "false", "0"])
        if closed.any():
            messages.append(
                f"{path.name}: {int(closed.sum())} assets are marked closed (column "
                f"'{closed_col}') and were left out"
            )
            df, types = df[~closed], types[~closed]
    table = (
        pd.DataFrame(
            {
                "name": df[name_col].astype(str)
                if name_col
                else [f"asset {i + 1}" for i in range(len(df))],
                "asset_type": types.fillna("other"),
                "easting": df["easting"],
                "northing": df["northing"],
            }
        )
        .dropna(subset=["easting", "northing"])
        .reset_index(drop=True)
    )
    if table.empty:
        raise FairerError("no asset has a usable location", path=path)
    return Assets(table, messages)


def area_points(areas: gpd.GeoDataFrame, centroids: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each area's access point in BNG metres: a given (population-weighted) centroid, or the
    polygon's representative point."""
    pts = areas.to_crs(27700).geometry.representative_point()
    out = pd.DataFrame(
        {
            "area_code": areas["area_code"].to_numpy(),
            "easting": pts.x.to_numpy(),
            "northing": pts.y.to_numpy(),
        }
    )
    if centroids is not None:
        c = centroids.set_index("area_code")
        has = out["area_code"].isin(c.index)
        out.loc[has, "easting"] = out.loc[has, "area_code"].map(c["easting"]).to_numpy()
        out.loc[has, "northing"] = out.loc[has, "area_code"].map(c["northing"]).to_numpy()
    return out


def access(points: pd.DataFrame, assets: pd.DataFrame, walk: float = 800.0) -> pd.DataFrame:
    """Distance (m) to the nearest asset of each type and the count within ``walk`` metres.

    Returns one row per area: ``distance_<type>`` and ``within_walk_<type>`` for each type present.
    """
    out = points[["area_code"]].copy()
    xy = points[["easting", "northing"]].to_numpy(float)
    for t, part in assets.groupby("asset_type", sort=True):
        tree = cKDTree(part[["easting", "northing"]].to_numpy(float))
        dist, _ = tree.query(xy, k=1)
        key = t.replace(" ", "_")
        out[f"distance_{key}"] = dist
        out[f"within_walk_{key}"] = np.array([len(x) for x in tree.query_ball_point(xy, r=walk)])
    return out


def high_need_low_access(
    table: pd.DataFrame, asset: str, need_share: float = 0.25, access_share: float = 0.25
) -> pd.DataFrame:
    """Areas in the top ``need_share`` of need and the worst ``access_share`` of distance to ``asset``."""
    key = f"distance_{asset.replace(' ', '_')}"
    if key not in table:
        raise FairerError(f"no assets of type '{asset}' were loaded")
    need_cut = table["need"].quantile(1 - need_share)
    far_cut = table[key].quantile(1 - access_share)
    sel = table[(table["need"] >= need_cut) & (table[key] >= far_cut)]
    return sel.sort_values(["need", key], ascending=False)
