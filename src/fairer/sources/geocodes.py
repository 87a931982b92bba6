"""Recognising geography columns ("LSOA21CD", "LSOA code (2011)", "ward24_name" …) and codes."""

from __future__ import annotations

import re
from dataclasses import dataclass

# ONS GSS code prefixes for England (and Wales where ONS lookups cover E&W).
LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
MSOA_CODE = re.compile(r"^[EW]02\d{6}$")
WARD_CODE = re.compile(r"^[EW]05\d{6}$")
LAD_CODE = re.compile(r"^E0[6789]\d{6}$|^W06\d{6}$")
ENGLAND = "E92000001"

_LEVEL_ALIASES = {
    "lsoa": "lsoa",
    "msoa": "msoa",
    "oa": "oa",
    "wd": "ward",
    "ward": "ward",
    "lad": "lad",
    "ltla": "lad",
    "local authority district": "lad",
    "local authority": "lad",
    "utla": "utla",
    "rgn": "region",
    "region": "region",
}

_COLUMN = re.compile(
    r"^(lsoa|msoa|oa|wd|ward|lad|ltla|utla|rgn|region|local authority district|local authority)"
    r"\s*(?:(?:20)?(\d\d))?\s*(cd|code|nm|name)\s*(?:\((?:20)?(\d\d)\))?$"
)


@dataclass(frozen=True)
class GeoColumn:
    """A recognised geography column: its level, code or name, and geography year (if stated)."""

    level: str  # lsoa, msoa, oa, ward, lad, utla, region
    part: str  # code or name
    year: int | None


def parse_geo_column(name: str) -> GeoColumn | None:
    """Recognise a geography column header, or return ``None``.

    Examples
    --------
    >>> parse_geo_column("LSOA code (2011)")
    GeoColumn(level='lsoa', part='code', year=2011)
    >>> parse_geo_column("WD24NM")
    GeoColumn(level='ward', part='name', year=2024)
    >>> parse_geo_column("ltla21_code")
    GeoColumn(level='lad', part='code', year=2021)
    """
    s = re.sub(r"[_\s]+", " ", str(name).strip().lower())
    s = re.sub(r"^f ", "", s)  # ONS exact-fit lookups prefix the "from" code: F_LSOA11CD
    m = _COLUMN.match(s)
    if not m:
        return None
    level = _LEVEL_ALIASES[m.group(1)]
    part = "code" if m.group(3) in ("cd", "code") else "name"
    yy = m.group(2) or m.group(4)
    year = 2000 + int(yy) if yy else None
    return GeoColumn(level, part, year)


def geo_columns(columns) -> dict[str, GeoColumn]:
    """Map each recognised geography column in ``columns`` to its :class:`GeoColumn`."""
    out = {}
    for c in columns:
        g = parse_geo_column(c)
        if g is not None:
            out[c] = g
    return out


def refuse_bad_area_codes(codes, *, path, column: str, first_row: int = 2, row_of=None):
    """Area codes (GSS: a letter and eight digits) tidied, refusing a blank or malformed one.

    Parameters
    ----------
    codes : pandas.Series
        The codes as read.
    path : path-like
    column : str
        The file's header for the codes.
    first_row : int
        The file row of the first code.
    row_of : callable, optional
        The file row of a position, where codes are not in file order.

    Returns
    -------
    pandas.Series of str
        The codes with surrounding spaces removed.

    Raises
    ------
    FairerError
        At the first blank or malformed code, naming its row and column.

    Examples
    --------
    >>> import pandas as pd
    >>> refuse_bad_area_codes(pd.Series(["E05000001 ", "E0500"]), path="f.csv", column="code")
    Traceback (most recent call last):
    ...
    fairer.errors.FairerError: f.csv, row 3, column 'code': 'E0500' is not an area code (a letter and eight digits)
    """
    from fairer.errors import raise_first

    tidy = codes.fillna("").astype(str).str.strip()
    raise_first(
        ~tidy.str.fullmatch(r"[EWSNK]\d{8}"),
        lambda i: (
            f"'{tidy.iloc[i]}' is not an area code (a letter and eight digits)"
            if tidy.iloc[i]
            else "the area code is missing"
        ),
        path=path,
        first_row=first_row,
        column=column,
        row_of=row_of,
    )
    return tidy
