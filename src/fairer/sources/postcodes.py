"""ONS postcode directories: where a postcode is, and which LSOA, ward and authority hold it.

Reads the ONS Postcode Directory (ONSPD) and the National Statistics Postcode Lookup (NSPL) in
their published layouts: the CSV in the release's ``Data/`` folder (or the release zip itself),
or the Open Geography Portal's "ONSPD Online Latest Centroids" extract. Column names differ
between releases — ``lsoa21`` in older files, ``lsoa21cd`` in newer; the ward column is
``osward`` (ONSPD), ``ward`` (NSPL) or ``wd25cd``; the authority ``oslaua``, ``laua`` or
``lad25cd`` — so columns are found by pattern, in any case. Postcodes with no grid reference
(latitude 99.999999 in the files) cannot be placed and are left out; terminated postcodes are
kept (an old register may use one) and flagged.

References
----------
ONS (2025). ONS Postcode Directory (ONSPD) and National Statistics Postcode Lookup (NSPL)
user guides. Office for National Statistics, Open Geography Portal. Open Government Licence
v3.0; contains OS data © Crown copyright and database right, Royal Mail data © Royal Mail
copyright and database right, and National Statistics data © Crown copyright.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError

#: Column patterns (lower case, whole name) for each field fairer reads.
FIELDS = {
    "postcode": r"pcds|pcd|pcd7|pcd8|postcode",
    "latitude": r"lat|latitude",
    "longitude": r"long|longitude",
    "easting": r"oseast1m|east1m",
    "northing": r"osnrth1m|north1m",
    "lsoa21": r"lsoa21|lsoa21cd",
    "lsoa11": r"lsoa11|lsoa11cd",
    "ward": r"osward|ward|wd\d\dcd",
    "lad": r"oslaua|laua|lad\d\dcd",
    "terminated": r"doterm",
}
#: Postcodes are found by the first of these present, in this order of preference.
_POSTCODE_ORDER = ["pcds", "pcd", "pcd7", "pcd8", "postcode"]


def postcode_columns(header: list[str]) -> dict[str, str]:
    """Map fairer's fields to a directory's column names (by pattern, any case).

    Parameters
    ----------
    header : list of str

    Returns
    -------
    dict
        Field → column, for the fields present. Where several columns match (``pcd`` and
        ``pcds``), the readable form ``pcds`` is taken; of several ward columns, the newest.

    Examples
    --------
    >>> postcode_columns(["pcd", "pcds", "doterm", "osward", "lat", "long", "lsoa21cd"])
    {'postcode': 'pcds', 'latitude': 'lat', 'longitude': 'long', 'lsoa21': 'lsoa21cd', 'ward': 'osward', 'terminated': 'doterm'}
    """
    lower = {c.strip().lower(): c for c in header}
    found: dict[str, str] = {}
    for field, pattern in FIELDS.items():
        hits = sorted(c for c in lower if re.fullmatch(pattern, c))
        if not hits:
            continue
        if field == "postcode":
            hits = [c for c in _POSTCODE_ORDER if c in hits]
        elif field in ("ward", "lad"):
            hits = hits[::-1]  # wd25cd before wd24cd; osward and ward stand alone
        found[field] = lower[hits[0]]
    return found


def is_postcode_directory(header: list[str]) -> bool:
    """Whether a header is an ONSPD/NSPL layout: a postcode, a position and an LSOA.

    Parameters
    ----------
    header : list of str

    Returns
    -------
    bool

    Examples
    --------
    >>> is_postcode_directory(["pcds", "lat", "long", "lsoa21cd", "wd25cd"])
    True
    >>> is_postcode_directory(["Library name", "Postcode"])
    False
    """
    cols = postcode_columns(header)
    placed = {"latitude", "longitude"} <= set(cols) or {"easting", "northing"} <= set(cols)
    return "postcode" in cols and placed and ("lsoa21" in cols or "lsoa11" in cols)


def normalise_postcode(values: pd.Series) -> pd.Series:
    """Postcodes as keys: upper case, no spaces ("ts18 1tu" → "TS181TU").

    Parameters
    ----------
    values : Series

    Returns
    -------
    Series of str

    Examples
    --------
    >>> normalise_postcode(pd.Series([" ts18 1tu", "TS181TU"])).tolist()
    ['TS181TU', 'TS181TU']
    """
    return values.astype("string").str.upper().str.replace(r"\s+", "", regex=True)


def _csv_in(path: Path) -> tuple[object, str]:
    """The directory's CSV: the file itself, or the largest ``Data/*.csv`` in a release zip."""
    if path.suffix.lower() != ".zip":
        return path, path.name
    with zipfile.ZipFile(path) as z:
        members = [m for m in z.infolist() if m.filename.lower().endswith(".csv")]
        data = [m for m in members if "/data/" in f"/{m.filename.lower()}"] or members
        if not data:
            raise FairerError("no CSV in this zip: expected the release's Data/ folder", path=path)
        best = max(data, key=lambda m: m.file_size)
    return zipfile.ZipFile(path).open(best), best.filename


def read_postcodes(path: str | Path, la_codes: list[str] | None = None) -> pd.DataFrame:
    """Read an ONSPD or NSPL file (or release zip) into one row per placed postcode.

    Parameters
    ----------
    path : path-like
        The directory CSV, or the release zip.
    la_codes : list of str, optional
        Keep only postcodes in these authorities (the whole UK has 2.7 million).

    Returns
    -------
    DataFrame
        ``postcode`` (normalised, no space), ``latitude``, ``longitude``, ``lsoa21``,
        ``lsoa11``, ``ward``, ``lad`` and ``terminated`` (bool), as the file has them.

    Raises
    ------
    FairerError
        Not a postcode directory (the line says which columns were missing), or unreadable.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "ONSPD_synthetic.csv"
    >>> _ = f.write_text("pcd,pcds,doterm,lat,long,lsoa21cd,wd25cd,lad25cd\\n"
    ...     "ZZ991AA,ZZ99 1AA,,54.57,-1.32,E01012345,E05000001,E06000004\\n"
    ...     "ZZ991AB,ZZ99 1AB,202001,99.999999,0.000000,,,\\n")
    >>> read_postcodes(f)[["postcode", "lsoa21", "terminated"]].to_dict("records")
    [{'postcode': 'ZZ991AA', 'lsoa21': 'E01012345', 'terminated': False}]
    """
    path = Path(path)
    if not path.exists():
        raise FairerError("postcode directory not found", path=path)
    source, name = _csv_in(path)
    try:
        header = pd.read_csv(source, nrows=0, encoding="utf-8-sig").columns.tolist()
        if hasattr(source, "close"):
            source.close()
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        raise FairerError(f"cannot read as a postcode directory ({exc})", path=path) from None
    cols = postcode_columns(header)
    if not is_postcode_directory(header):
        missing = [f for f in ("postcode", "latitude", "longitude", "lsoa21") if f not in cols]
        raise FairerError(
            f"not an ONS postcode directory: no {', '.join(missing)} column "
            "(expected the ONSPD or NSPL layout: pcds, lat, long, lsoa21cd …)",
            path=path,
        )
    source, _ = _csv_in(path)
    try:
        df = pd.read_csv(
            source, usecols=list(cols.values()), dtype=str, encoding="utf-8-sig",
            keep_default_na=False,
        )  # fmt: skip
    except (ValueError, pd.errors.ParserError, OSError) as exc:
        raise FairerError(f"{name}: cannot read ({exc})", path=path) from None
    df = df.rename(columns={v: k for k, v in cols.items()})
    if la_codes is not None and "lad" in df:
        df = df[df["lad"].isin(la_codes)]
    out = pd.DataFrame({"postcode": normalise_postcode(df["postcode"])})
    if "latitude" in df:
        lat = pd.to_numeric(df["latitude"], errors="coerce")
        lon = pd.to_numeric(df["longitude"], errors="coerce")
    else:  # grid references only: convert to latitude/longitude
        import geopandas as gpd

        e = pd.to_numeric(df["easting"], errors="coerce")
        n = pd.to_numeric(df["northing"], errors="coerce")
        pts = gpd.GeoSeries(gpd.points_from_xy(e, n), crs=27700).to_crs(4326)
        lat, lon = (
            pd.Series(pts.y.to_numpy(), index=df.index),
            pd.Series(pts.x.to_numpy(), index=df.index),
        )
    out["latitude"], out["longitude"] = lat, lon
    for field in ("lsoa21", "lsoa11", "ward", "lad"):
        if field in df:
            out[field] = df[field].replace("", pd.NA)
    out["terminated"] = df["terminated"].str.strip().ne("") if "terminated" in df else False
    placed = lat.between(49.0, 61.5) & lon.between(-9.0, 2.5) & out["postcode"].str.len().gt(4)
    out = out[placed.to_numpy()]
    # a postcode listed twice (re-used after termination): the live one wins
    out = out.sort_values(["postcode", "terminated"]).drop_duplicates("postcode")
    return out.reset_index(drop=True).assign(
        latitude=lambda d: d["latitude"].astype(float),
        longitude=lambda d: d["longitude"].astype(float),
        terminated=lambda d: d["terminated"].astype(bool),
    )


def read_postcode_lookup(path: str | Path) -> pd.DataFrame:
    """A postcode file of either kind: an ONS directory (ONSPD/NSPL, or its release zip), or a
    simple lookup (a postcode column with ``latitude``/``longitude`` and/or an LSOA column).

    Parameters
    ----------
    path : path-like

    Returns
    -------
    DataFrame
        ``postcode`` (normalised) and whichever of ``latitude``, ``longitude``, ``lsoa21``,
        ``lsoa11`` the file gives (a simple lookup's LSOA column becomes ``lsoa21``).

    Raises
    ------
    FairerError
        A simple lookup without a postcode column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "lookup.csv"
    >>> _ = f.write_text("Postcode,LSOA21CD\\nts18 1tu,E01012345\\n")
    >>> read_postcode_lookup(f).to_dict("records")
    [{'postcode': 'TS181TU', 'lsoa21': 'E01012345'}]
    """
    from fairer.tabular import read_header, read_table

    path = Path(path)
    if path.suffix.lower() == ".zip" or is_postcode_directory(
        [str(c) for c in read_header(path, max_rows=1)[0]]
    ):
        return read_postcodes(path)
    df = read_table(path)
    lower = {str(c).strip().lower(): c for c in df.columns}
    pc = next((lower[c] for c in _POSTCODE_ORDER if c in lower), None)
    if pc is None:
        raise FairerError("a postcode lookup needs a postcode column", path=path)
    out = pd.DataFrame({"postcode": normalise_postcode(df[pc].fillna(""))})
    for field in ("latitude", "longitude"):
        col = next((lower[c] for c in lower if re.fullmatch(FIELDS[field], c)), None)
        if col is not None:
            out[field] = pd.to_numeric(df[col], errors="coerce")
    area = next((lower[c] for c in lower if re.match(r"lsoa\d{0,2}(cd|_code)?$", c)), None)
    if area is not None:
        out["lsoa21"] = df[area].astype("string")
    return out.drop_duplicates("postcode").reset_index(drop=True)


def place_postcodes(values: pd.Series, directory: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Where each of some postcodes is, from a directory read by :func:`read_postcodes`.

    Parameters
    ----------
    values : Series
        Postcodes as people write them (any case and spacing).
    directory : DataFrame

    Returns
    -------
    (DataFrame, Series)
        One row per value, in order (``latitude``, ``longitude``, ``lsoa21`` … or missing), and
        a boolean Series: True where the postcode was found.

    Examples
    --------
    >>> d = pd.DataFrame({"postcode": ["TS181TU"], "latitude": [54.56], "longitude": [-1.31],
    ...                   "lsoa21": ["E01012345"], "terminated": [False]})
    >>> placed, found = place_postcodes(pd.Series(["ts18 1tu", "ZZ1 1ZZ"]), d)
    >>> placed["lsoa21"].tolist(), found.tolist()
    (['E01012345', nan], [True, False])
    """
    keys = normalise_postcode(values.fillna(""))
    table = directory.set_index("postcode")
    placed = table.reindex(keys.to_numpy()).reset_index(drop=True)
    placed.index = values.index
    found = placed["latitude"].notna() & np.isfinite(placed["latitude"].astype(float))
    return placed.astype(object).where(placed.notna(), np.nan), found


__all__ = [
    "FIELDS",
    "is_postcode_directory",
    "normalise_postcode",
    "place_postcodes",
    "read_postcode_lookup",
    "read_postcodes",
]
