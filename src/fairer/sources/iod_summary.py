"""Read MHCLG's local authority summaries of the Indices of Deprivation (File 10).

MHCLG publishes, for every local authority district, the summary measures of the IMD: the
rank of average score, the rank of average rank, the proportion of its LSOAs in England's most
deprived 10%, extent and local concentration, each with its rank (1 = most deprived). These are
the official figures for "where does our borough rank"; fairer reports them as published and
computes its own approximation only when the file is absent.

The reader takes File 10 as published (sheet "IMD", headers such as "IMD - Rank of average
score" beside "Local Authority District code (2019)") and the same tables as re-published with
simplified headers (``imd_rank_of_average_score``, ``ltla24_code``; or ``Score``,
``Proportion``, ``Extent``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError, raise_first
from fairer.sources.geocodes import parse_geo_column
from fairer.sources.iod import ATTRIBUTION, LAD_YEAR_EDITION, LICENCE
from fairer.tabular import read_header, read_table

__all__ = [
    "ATTRIBUTION",
    "LA_SUMMARY_PREFIX",
    "LICENCE",
    "MEASURES",
    "is_la_summary",
    "read_la_summary",
]

#: How the official summaries are kept in the store, among indicator values
#: (``imd_la_rank_of_average_score`` for each authority, period ``iod2025``).
LA_SUMMARY_PREFIX = "imd_la_"

#: The IMD summary measures, in File 10's order; each has a rank but ``local_concentration``'s
#: value and the ranks are optional in a file (the average score is required).
MEASURES = (
    "average_rank",
    "rank_of_average_rank",
    "average_score",
    "rank_of_average_score",
    "proportion_most_deprived_10",
    "rank_of_proportion_most_deprived_10",
    "extent",
    "rank_of_extent",
    "local_concentration",
    "rank_of_local_concentration",
)
_IMD_PREFIX = re.compile(r"^imd(?:_?\d{2,4})?_")


def _normalise(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(header).lower()).strip("_")


def _measure(header: str) -> str | None:
    """The IMD summary measure a header names, or None (a domain's column, a code, a name)."""
    h = _normalise(header)
    if h in ("score", "proportion", "extent"):  # the IMD's own columns, without a prefix
        rest = h
    elif _IMD_PREFIX.match(h):
        rest = _IMD_PREFIX.sub("", h)
    else:
        return None
    if rest.startswith("rank_of_proportion"):
        return "rank_of_proportion_most_deprived_10"
    if rest.startswith("proportion"):
        return "proportion_most_deprived_10"
    rest = {"score": "average_score"}.get(rest, rest)
    return rest if rest in MEASURES else None


def _layout(columns) -> tuple[str, int, dict[str, str]] | None:
    """The LAD code column, its LAD year, and header → measure, if this is an LA summary."""
    codes = [
        (c, g.year)
        for c in columns
        if (g := parse_geo_column(c)) is not None and g.level == "lad" and g.part == "code"
    ]
    measures = {}
    for c in columns:
        m = _measure(c)
        if m and m not in measures.values():
            measures[c] = m
    if len(codes) != 1 or "average_score" not in measures.values():
        return None
    return codes[0][0], codes[0][1], measures


def is_la_summary(path: str | Path) -> int | None:
    """The IoD edition of an LA summary file (from its header), or None if it is not one.

    Parameters
    ----------
    path : path-like
        Any file; only its first rows are read.

    Returns
    -------
    int or None
        2015, 2019 or 2025, from the year of its local authority codes.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "file10.csv"
    >>> _ = f.write_text("ltla24_code,imd_average_score\\nE06000001,37.58\\n")
    >>> is_la_summary(f)
    2025
    """
    try:
        rows = read_header(path)
    except (FairerError, OSError, ValueError):
        return None
    for row in rows:
        layout = _layout(row)
        if layout is not None:
            return LAD_YEAR_EDITION.get(layout[1])
    return None


def read_la_summary(path: str | Path) -> pd.DataFrame:
    """Read an IMD local authority summary (File 10) into one row per authority.

    Parameters
    ----------
    path : path-like
        File 10 (XLSX, its "IMD" sheet), or a CSV/Parquet with the same measures.

    Returns
    -------
    pandas.DataFrame
        ``lad_code`` and the :data:`MEASURES` the file gives. Where the file gives the average
        score but not its rank, ``rank_of_average_score`` is the rank of the published scores
        (1 = highest score, as MHCLG ranks) and ``attrs['derived']`` names it. ``attrs`` also
        hold ``edition`` and ``lad_year``.

    Raises
    ------
    FairerError
        If the file is not an LA summary, its LAD year is not an edition's, or a code or value
        is malformed, repeated or out of range (naming the row and column).

    References
    ----------
    Ministry of Housing, Communities and Local Government (2019, 2025). English Indices of
    Deprivation: File 10, local authority district summaries; Technical Report, chapter on
    summary measures.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "file10.csv"
    >>> _ = f.write_text(
    ...     "Local Authority District code (2019),IMD - Average score\\n"
    ...     "E06000001,35.037\\nE06000002,40.46\\nE06000003,29.79\\n")
    >>> s = read_la_summary(f)
    >>> s["rank_of_average_score"].tolist(), s.attrs["edition"], s.attrs["derived"]
    ([2, 1, 3], 2019, ['rank_of_average_score'])
    """
    path = Path(path)
    df = read_table(path, is_header=lambda r: _layout(r) is not None)
    layout = _layout(df.columns)
    if layout is None:
        raise FairerError(
            "not an IMD local authority summary: expected a local authority code column and an "
            "IMD average score column (File 10)",
            path=path,
        )
    code_col, lad_year, measures = layout
    edition = LAD_YEAR_EDITION.get(lad_year)
    if edition is None:
        raise FairerError(
            f"local authority codes of {lad_year} are no IoD edition's "
            f"(IoD2015: 2013, IoD2019: 2019, IoD2025: 2024)",
            path=path,
            column=code_col,
        )
    first_row = int(df.attrs.get("header_row", 1)) + 1
    codes = df[code_col].fillna("").astype(str).str.strip()
    df = df[codes != ""].reset_index(drop=True)  # File 10 ends with notes below the table
    codes = codes[codes != ""].reset_index(drop=True)
    where = {"path": path, "first_row": first_row, "column": code_col}
    raise_first(
        ~codes.str.fullmatch(r"E0[6-9]\d{6}"),
        lambda i: f"'{codes.iloc[i]}' is not an English local authority district code",
        **where,
    )
    raise_first(codes.duplicated(), lambda i: f"{codes.iloc[i]} appears twice", **where)
    out = pd.DataFrame({"lad_code": codes})
    for header, measure in measures.items():
        values = pd.to_numeric(df[header], errors="coerce")
        bad = values.isna() | ~np.isfinite(values.fillna(0))
        if measure.startswith("rank_of"):
            bad |= (values != values.round()) | (values < 1) | (values > len(df))
        raise_first(
            bad,
            lambda i, h=header: f"'{df[h].iloc[i]}' is not a valid {h}",
            path=path,
            first_row=first_row,
            column=header,
        )
        out[measure] = values.astype(int) if measure.startswith("rank_of") else values.astype(float)
    derived = []
    if "rank_of_average_score" not in out:
        out["rank_of_average_score"] = (
            out["average_score"].rank(ascending=False, method="min").astype(int)
        )
        derived.append("rank_of_average_score")
    out.attrs.update(edition=edition, lad_year=lad_year, derived=derived, path=str(path))
    return out
