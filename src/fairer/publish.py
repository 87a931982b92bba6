"""The one publish step: disclosure control on every table, then the files.

Jobs return typed results that hold raw counts. Before anything leaves fairer — a CSV, an XLSX
sheet, a Parquet file, or a table or chart in a report — it passes through :func:`protect`,
which applies :func:`fairer.disclosure.protect_frame` to **every** DataFrame a result holds
(primary suppression of every count column, secondary suppression along the lines the result
declares, derived values hidden with their counts), and :func:`write_outputs`, which writes
the protected tables (formulas neutralised, atomically, with ordinary permissions). Reports are
rendered from protected results only, so the HTML shows exactly what the files show.

A result class declares its lines with a class attribute ``PUBLISHED``: field name → list of
column lists (see :func:`fairer.disclosure.protect_frame`). Fields it does not list still get
primary suppression.

Examples
--------
>>> import pandas as pd
>>> from dataclasses import dataclass
>>> @dataclass
... class Cells:
...     cells: pd.DataFrame
...     PUBLISHED = {"cells": [["indicator_id", "period"]]}
>>> raw = Cells(pd.DataFrame({"indicator_id": "a", "period": "2024", "area_code": ["W1", "W2", "W3"],
...                           "numerator": [3, 9, 50], "value": [1.0, 2.0, 3.0]}))
>>> protect(raw, threshold=5).cells["numerator"].tolist()
[nan, nan, 50.0]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TypeVar

import pandas as pd

from fairer.disclosure import DEFAULT_THRESHOLD, protect_frame
from fairer.errors import FairerError
from fairer.tabular import atomic_path, neutralise_formulas, write_table, write_tables

#: Table formats fairer writes.
FORMATS = ("csv", "parquet", "xlsx")

T = TypeVar("T")


def protect(result: T, threshold: int = DEFAULT_THRESHOLD) -> T:
    """A copy of a job's result with disclosure control applied to every table in it.

    Parameters
    ----------
    result : dataclass instance, DataFrame, dict or list
        A result (dataclasses are walked field by field; dicts and lists item by item).
    threshold : int
        The smallest count that may be published.

    Returns
    -------
    The same kind of object, every DataFrame in it protected.

    Examples
    --------
    >>> import pandas as pd
    >>> protect({"heard": pd.DataFrame({"respondents": [3, 12]})})["heard"]["respondents"].tolist()
    [nan, 12.0]
    """
    return _protect(result, threshold, ())


def _protect(obj, threshold: int, lines):
    if isinstance(obj, pd.DataFrame):
        # A table may name its own count and derived columns: attrs "protect", a list of
        # (counts, what is derived from them), applied in turn, and attrs "lines".
        lines = obj.attrs.get("lines", lines)
        out = obj
        for counts, derived in obj.attrs.get("protect", [(None, None)]):
            out = protect_frame(out, threshold, lines, counts=counts, derived=derived)
        out.attrs = dict(obj.attrs)
        return out
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        declared = getattr(type(obj), "PUBLISHED", {})
        changes = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if _holds_tables(value):
                changes[f.name] = _protect(value, threshold, declared.get(f.name, ()))
        return dataclasses.replace(obj, **changes) if changes else obj
    if isinstance(obj, Mapping):
        return type(obj)({k: _protect(v, threshold, lines) for k, v in obj.items()})
    if isinstance(obj, list):
        return [_protect(v, threshold, lines) for v in obj]
    return obj


def _holds_tables(value) -> bool:
    if isinstance(value, pd.DataFrame):
        return True
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return True
    if isinstance(value, Mapping):
        return any(_holds_tables(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_tables(v) for v in value)
    return False


def check_formats(formats: Iterable[str], allowed: Iterable[str] = FORMATS) -> tuple[str, ...]:
    """The formats asked for, or one clear error naming the unknown one.

    Parameters
    ----------
    formats : iterable of str
    allowed : iterable of str

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> check_formats(["csv", "xlsx"])
    ('csv', 'xlsx')
    """
    allowed = tuple(allowed)
    out = tuple(formats)
    for f in out:
        if f not in allowed:
            raise FairerError(f"unknown output format '{f}': choose from {', '.join(allowed)}")
    return out


def write_outputs(
    tables: Mapping[str, pd.DataFrame],
    out_dir: str | Path,
    formats: Iterable[str] = ("csv", "xlsx"),
    workbook: str | None = None,
) -> dict[str, Path]:
    """Write protected tables: one file per table and format, XLSX as one workbook.

    Parameters
    ----------
    tables : mapping of name → DataFrame
        Tables taken from a protected result (:func:`protect`).
    out_dir : path-like
        The output folder.
    formats : iterable of {'csv', 'parquet', 'xlsx'}
    workbook : str, optional
        The XLSX workbook's file name (one sheet per table); default: one workbook per table.

    Returns
    -------
    dict
        What was written: ``name.format`` (or ``xlsx``) → path.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> paths = write_outputs({"t": pd.DataFrame({"a": ["=1+1"]})}, tempfile.mkdtemp(), ["csv"])
    >>> paths["t.csv"].read_text().splitlines()
    ['a', "'=1+1"]
    """
    out_dir = Path(out_dir)
    paths: dict[str, Path] = {}
    for fmt in check_formats(formats):
        if fmt == "xlsx" and workbook:
            paths["xlsx"] = write_tables(dict(tables), out_dir / workbook)
        else:
            for name, df in tables.items():
                paths[f"{name}.{fmt}"] = write_table(df, out_dir / f"{name}.{fmt}")
    return paths


def write_layers(layers: Mapping[str, pd.DataFrame], target: str | Path) -> Path:
    """Write protected GeoDataFrames as the layers of one GeoPackage, atomically.

    Text is neutralised as in every other writer: a GIS attribute table is often exported to a
    spreadsheet next.

    Parameters
    ----------
    layers : mapping of name → GeoDataFrame
        From a protected result (e.g. :func:`fairer.exports.gis_layers`).
    target : path-like
        The ``.gpkg`` file.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib, geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"name": ["=cmd"]}, geometry=[Point(-1.3, 54.6)], crs=4326)
    >>> out = write_layers({"sites": g}, pathlib.Path(tempfile.mkdtemp()) / "sites.gpkg")
    >>> gpd.read_file(out, layer="sites")["name"].tolist()
    ["'=cmd"]
    """
    import geopandas as gpd

    target = Path(target)
    with atomic_path(target) as tmp:
        tmp.unlink()  # the GeoPackage driver makes its own file, named as the standard asks
        gpkg = tmp.with_name(tmp.name + ".gpkg")
        for i, (name, gdf) in enumerate(layers.items()):
            safe = gpd.GeoDataFrame(
                neutralise_formulas(gdf.drop(columns="geometry")),
                geometry=gdf.geometry.to_numpy(),
                crs=gdf.crs,
            )
            safe.to_file(gpkg, layer=name, driver="GPKG", mode="w" if i == 0 else "a")
        gpkg.replace(tmp)
    return target
