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
