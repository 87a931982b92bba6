"""Read OCSI's Community Needs Index (CNI) for Local Trust: social infrastructure need.

The CNI measures what the IMD does not: places without civic assets (places to meet), with
poor connectedness and with little active, engaged community. Areas high on both the IMD and
the CNI are the "left behind" neighbourhoods the national neighbourhood funding programmes
select. Two releases are read: CNI 2023 for LSOA 2021 and CNI 2019 for 2017 wards, with
OCSI's headers (``Community Needs Index 2023 Score``, ``Civic Assets Domain Score`` …, or
``Community Needs Index score`` and ``Civic Assets score`` in 2019). Higher scores mean more
need; rank 1 is the most in need.

They are kept as indicator values (``cni_score``, ``cni_civic_assets``, ``cni_connectedness``,
``cni_engaged_community``, ``cni_left_behind``), so ``--need imd_score:1,cni_score:1`` combines
the two indices.

References
----------
OCSI (2023). *Community Needs Index 2023*. Oxford Consultants for Social Inclusion for Local
Trust. (Licence to be confirmed with OCSI before redistribution.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from fairer.errors import FairerError
from fairer.tabular import read_header, read_table

ATTRIBUTION = "Community Needs Index, OCSI / Local Trust."
LICENCE = "as OCSI / Local Trust state (not stated in the file)"

#: Measures kept, with the header patterns (lower case) they are read from.
MEASURES = {
    "cni_score": r"community needs index( \d{4})? score",
    "cni_civic_assets": r"civic assets( domain)? score",
    "cni_connectedness": r"connectedness( domain)? score",
    "cni_engaged_community": r"(active and engaged community|engaged community)( domain)? score",
    "cni_left_behind": r"left behind area\??",
}
_AREA = {"lsoa": r"lsoa(21|11)?_?(code|cd)", "ward": r"ward\d{0,2}_?(code|cd)|wd\d{2}cd"}


def cni_layout(path: str | Path) -> tuple[str, str] | None:
    """``(level, edition)`` of a CNI file from its header, or None.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    tuple of (str, str) or None

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "cni.csv"
    >>> _ = f.write_text("lsoa21_code,Community Needs Index 2023 Score,Civic Assets Domain Score\\n")
    >>> cni_layout(f)
    ('lsoa', '2023')
    """
    try:
        header = [str(c).strip() for c in read_header(Path(path), max_rows=1)[0]]
    except Exception:  # unreadable files are other readers' business
        return None
    lower = [c.lower() for c in header]
    if not any(re.fullmatch(MEASURES["cni_score"], c) for c in lower):
        return None
    level = next(
        (lv for lv, pat in _AREA.items() if any(re.fullmatch(pat, c) for c in lower)), None
    )
    if level is None:
        return None
    year = next((m.group(1) for c in lower if (m := re.search(r"index (\d{4})", c))), None)
    if year is None:
        year = "2023" if level == "lsoa" else "2019"
    return level, year


def read_cni(path: str | Path) -> pd.DataFrame:
    """The CNI as long indicator rows: ``indicator_id, area_code, period, value``.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    DataFrame
        One row per area and measure; ``attrs["level"]`` is ``lsoa`` or ``ward``, and
        ``attrs["names"]`` the areas' names where the file gives them. The left-behind flag is
        1 or 0.

    Raises
    ------
    FairerError
        Not a CNI file, or a score that is not a number (row and column named).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "cni.csv"
    >>> _ = f.write_text("lsoa21_code,Community Needs Index 2023 Score,Left Behind Area?\\n"
    ...                  "E01012001,251.2,True\\n")
    >>> read_cni(f)[["indicator_id", "value"]].to_dict("records")
    [{'indicator_id': 'cni_score', 'value': 251.2}, {'indicator_id': 'cni_left_behind', 'value': 1.0}]
    """
    path = Path(path)
    layout = cni_layout(path)
    if layout is None:
        raise FairerError("not a Community Needs Index file", path=path)
    level, year = layout
    df = read_table(path, thousands=None)
    lower = {str(c).strip().lower(): c for c in df.columns}
    area = next(lower[c] for c in lower if re.fullmatch(_AREA[level], c))
    first_row = int(df.attrs.get("header_row", 1)) + 1
    frames = []
    for measure, pattern in MEASURES.items():
        col = next((lower[c] for c in lower if re.fullmatch(pattern, c)), None)
        if col is None:
            continue
        raw = df[col]
        if measure == "cni_left_behind":
            text = raw.astype("string").str.strip().str.lower()
            value = text.map({"true": 1.0, "false": 0.0, "1": 1.0, "0": 0.0, "yes": 1.0, "no": 0.0})
        else:
            value = pd.to_numeric(raw, errors="coerce")
        bad = value.isna() & raw.notna() & raw.astype("string").str.strip().ne("")
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise FairerError(
                f"'{raw.iloc[i]}' is not a number", path=path, row=first_row + i, column=str(col)
            )
        frames.append(
            pd.DataFrame(
                {
                    "indicator_id": measure,
                    "area_code": df[area].astype(str).str.strip(),
                    "period": year,
                    "value": value.astype(float),
                }
            )  # fmt: skip
        )
    out = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    out.attrs["level"] = level
    name = next(
        (lower[c] for c in lower if re.fullmatch(r"(lsoa|ward)\d{0,2}_?(name|nm)", c)), None
    )
    if name is not None:
        out.attrs["names"] = pd.DataFrame(
            {"area_code": df[area].astype(str).str.strip(), "area_name": df[name].astype(str)}
        ).drop_duplicates("area_code")
    return out


__all__ = ["ATTRIBUTION", "LICENCE", "MEASURES", "cni_layout", "read_cni"]
