"""ONS area lookups (LSOA → MSOA → ward → LAD) and the LSOA 2011 ↔ 2021 bridge.

ONS publishes these as CSVs with headers such as ``LSOA21CD, LSOA21NM, WD24CD, WD24NM, LAD24CD``;
re-distributions rename them (``lsoa21_code``, ``ward24_name``). Both are recognised. The bridge
(``LSOA11_LSOA21_LAD22``) carries a change indicator: U unchanged, S split, M merged,
X irregular (redrawn).

References
----------
Office for National Statistics, Open Geography Portal: *LSOA (2021) to Electoral Ward (2024) to
LAD (2024) Best Fit Lookup in EW*; *LSOA (2011) to LSOA (2021) to LAD (2022) Exact Fit Lookup
for EW (V2)*. Open Government Licence v3.0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError, raise_first
from fairer.sources.geocodes import geo_columns
from fairer.tabular import read_header, read_table

LICENCE = "Open Government Licence v3.0"
ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0"
)

_LEVELS = ("lsoa", "msoa", "ward", "lad")
CHANGE_CODES = {"U": "unchanged", "S": "split", "M": "merged", "X": "irregular"}


def _change_column(columns) -> str | None:
    for c in columns:
        s = str(c).lower().replace("_", "").replace(" ", "")
        if s in ("chgind", "changecode", "change", "changeindicator"):
            return c
    return None


def lookup_kind(columns) -> str | None:
    """``'bridge'`` for an LSOA 2011↔2021 bridge, ``'lookup'`` for an LSOA→higher lookup, or None."""
    geo = geo_columns(columns)
    lsoa_years = {g.year for g in geo.values() if g.level == "lsoa" and g.part == "code"}
    if {2011, 2021} <= lsoa_years:
        return "bridge"
    higher = {
        g.level for g in geo.values() if g.part == "code" and g.level in ("msoa", "ward", "lad")
    }
    if len(lsoa_years) == 1 and None not in lsoa_years and higher:
        return "lookup"
    return None


def is_lookup_file(path: str | Path) -> str | None:
    """The lookup kind of ``path`` from its first rows, or None."""
    try:
        rows = read_header(path, max_rows=3)
    except (FairerError, OSError, ValueError):
        return None
    for row in rows:
        kind = lookup_kind(row)
        if kind:
            return kind
    return None


def _first_header(path) -> list[str]:
    for row in read_header(path, max_rows=3):
        if lookup_kind(row):
            return row
    return []


def lookup_levels(path: str | Path) -> set[str]:
    """The levels (lsoa, msoa, ward, lad) a lookup file has codes for."""
    geo = geo_columns(_first_header(path))
    return {g.level for g in geo.values() if g.part == "code" and g.level in _LEVELS}


def levels_year(path: str | Path) -> int | None:
    """The LSOA geography year of a lookup file."""
    geo = geo_columns(_first_header(path))
    return next((g.year for g in geo.values() if g.level == "lsoa" and g.part == "code"), None)


def read_lookup(path: str | Path) -> pd.DataFrame:
    """Read an LSOA → MSOA/ward/LAD lookup into canonical columns.

    Returns
    -------
    pandas.DataFrame
        ``lsoa_code`` and whichever of ``lsoa_name, msoa_code, msoa_name, ward_code, ward_name,
        lad_code, lad_name`` the file has, one row per LSOA. ``attrs['lsoa_year']`` is the LSOA
        geography year; ``attrs['years']`` the year of each level.

    Raises
    ------
    FairerError
        If the file is not a lookup, or maps one LSOA to two areas of the same level.
    """
    path = Path(path)
    df = read_table(path, is_header=lambda r: lookup_kind(r) == "lookup")
    if lookup_kind(df.columns) != "lookup":
        raise FairerError(
            "not an area lookup: expected an LSOA code column and MSOA, ward or LAD code columns "
            "(e.g. LSOA21CD, WD24CD, LAD24CD)",
            path=path,
        )
    geo = geo_columns(df.columns)
    out = pd.DataFrame(index=df.index)
    years: dict[str, int | None] = {}
    for col, g in geo.items():
        if g.level in _LEVELS:
            key = f"{g.level}_{g.part}"
            if key not in out:
                out[key] = df[col].astype(str).str.strip()
                if g.part == "code":
                    years[g.level] = g.year
    header_row = int(df.attrs.get("header_row", 1))
    for key in [c for c in out.columns if c.endswith("_code")]:
        # A blank or malformed code would link LSOAs to an area that does not exist.
        source = _source_column(geo, key)
        raise_first(
            ~out[key].str.fullmatch(r"[EWSNK]\d{8}") | df[source].isna().to_numpy(),
            lambda i, source=source: (
                f"'{df[source].iloc[i]}' is not an area code (a letter and eight digits)"
            ),
            path=path,
            first_row=header_row + 1,
            column=source,
        )
    # A row repeated whole is a copying slip, refused; rows alike only in the columns read here
    # (an output-area lookup has many rows per LSOA) are one LSOA's mapping, kept once.
    raise_first(
        df.duplicated(keep="first"),
        lambda i: f"this row repeats an earlier one whole (LSOA {out['lsoa_code'].iloc[i]})",
        path=path,
        first_row=header_row + 1,
    )
    out = out.drop_duplicates()
    dup = out["lsoa_code"].duplicated()
    if dup.any():
        code = out.loc[dup, "lsoa_code"].iloc[0]
        raise FairerError(
            f"LSOA {code} is mapped to more than one area; use a best-fit lookup (one row per LSOA)",
            path=path,
            row=int(np.flatnonzero(dup.to_numpy())[0]) + 2,
        )
    out = out.reset_index(drop=True)
    out.attrs.update(lsoa_year=years.get("lsoa"), years=years, path=str(path))
    return out


def _source_column(geo: dict, key: str) -> str:
    """The file's header behind a canonical ``<level>_code`` column."""
    level = key.removesuffix("_code")
    return next(c for c, g in geo.items() if g.level == level and g.part == "code")


def read_bridge(path: str | Path) -> pd.DataFrame:
    """Read the ONS LSOA 2011 → 2021 lookup.

    Returns
    -------
    pandas.DataFrame
        ``lsoa11_code, lsoa21_code, change`` (U/S/M/X) and, where present, ``lad_code``.
    """
    path = Path(path)
    df = read_table(path, is_header=lambda r: lookup_kind(r) == "bridge")
    if lookup_kind(df.columns) != "bridge":
        raise FairerError(
            "not an LSOA 2011 to 2021 lookup (needs LSOA11CD and LSOA21CD)", path=path
        )
    geo = geo_columns(df.columns)
    c11 = next(
        c for c, g in geo.items() if g.level == "lsoa" and g.part == "code" and g.year == 2011
    )
    c21 = next(
        c for c, g in geo.items() if g.level == "lsoa" and g.part == "code" and g.year == 2021
    )
    chg = _change_column(df.columns)
    out = pd.DataFrame(
        {
            "lsoa11_code": df[c11].astype(str).str.strip(),
            "lsoa21_code": df[c21].astype(str).str.strip(),
        }
    )
    if chg is None:
        out["change"] = _infer_change(out)
    else:
        out["change"] = df[chg].astype(str).str.strip().str.upper()
        unknown = ~out["change"].isin(list(CHANGE_CODES))
        if unknown.any():
            i = int(np.flatnonzero(unknown.to_numpy())[0])
            raise FairerError(
                f"change code '{out['change'].iloc[i]}' is not one of U, S, M, X",
                path=path,
                row=i + 2,
                column=chg,
            )
    lad = [c for c, g in geo.items() if g.level == "lad" and g.part == "code"]
    if lad:
        out["lad_code"] = df[lad[0]].astype(str).str.strip()
    out.attrs["path"] = str(path)
    return out


def _infer_change(pairs: pd.DataFrame) -> pd.Series:
    n_children = pairs.groupby("lsoa11_code")["lsoa21_code"].transform("size")
    n_parents = pairs.groupby("lsoa21_code")["lsoa11_code"].transform("size")
    change = np.select(
        [
            (n_children == 1) & (n_parents == 1),
            (n_children > 1) & (n_parents == 1),
            (n_children == 1) & (n_parents > 1),
        ],
        ["U", "S", "M"],
        default="X",
    )
    return pd.Series(change, index=pairs.index)


def bridge_counts(values: pd.Series, bridge: pd.DataFrame) -> pd.Series:
    """Carry counts on 2011 LSOAs (e.g. population) to 2021 LSOAs through the bridge.

    Unchanged and merged LSOAs carry (or add up) their counts; a split 2011 LSOA's count is
    shared equally among its 2021 parts, and so is an irregular one's among its pairs. This is
    an apportionment, not a measurement: use counts published on 2021 LSOAs where they exist.

    Parameters
    ----------
    values : pandas.Series
        Counts indexed by 2011 LSOA code.
    bridge : pandas.DataFrame
        As returned by :func:`read_bridge`.

    Returns
    -------
    pandas.Series
        Counts indexed by 2021 LSOA code; the total is preserved for the LSOAs in the bridge.
    """
    pairs = bridge[["lsoa11_code", "lsoa21_code"]].drop_duplicates()
    share = 1.0 / pairs.groupby("lsoa11_code")["lsoa21_code"].transform("size")
    v = pairs["lsoa11_code"].map(values).astype(float) * share
    return v.groupby(pairs["lsoa21_code"]).sum(min_count=1).rename(values.name)
