"""Single-year-of-age population estimates by area (ONS small area population estimates).

Accepts the wide layout ONS and Nomis publish (one row per area, columns ``0 … 89, 90+`` or
``Age 0 … Aged 90+``, optionally a sex column) and a long layout (``area code, age, count``
with optional ``sex``). Returns one long table.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError, raise_first
from fairer.sources.geocodes import geo_columns, refuse_bad_area_codes
from fairer.tabular import read_header, read_table

_AGE = re.compile(r"^(?:age[ds]?\s*)?(\d{1,3})(\+|\s*(?:and|&)\s*over|\s*plus)?$")


def age_of(header: str) -> int | None:
    """The single year of age a column header stands for (``'90+'`` → 90), or None."""
    m = _AGE.match(str(header).strip().lower())
    return int(m.group(1)) if m else None


def _layout(columns) -> tuple[str, str] | None:
    geo = geo_columns(columns)
    codes = [c for c, g in geo.items() if g.part == "code"]
    if not codes:
        return None
    ages = [c for c in columns if age_of(c) is not None]
    if len(ages) >= 80:
        return "wide", codes[0]
    lower = {str(c).strip().lower(): c for c in columns}
    if "age" in lower and ({"count", "population", "value"} & set(lower)):
        return "long", codes[0]
    return None


def population_geography(path: str | Path) -> tuple[str, int | None] | None:
    """``(level, year)`` if ``path``'s header is a single-year-of-age population table."""
    try:
        rows = read_header(path, max_rows=3)
    except (FairerError, OSError, ValueError):
        return None
    for r in rows:
        layout = _layout(r)
        if layout is not None:
            g = geo_columns([layout[1]])[layout[1]]
            return g.level, g.year
    return None


def read_population(path: str | Path) -> pd.DataFrame:
    """Read single-year-of-age population into a long table.

    Returns
    -------
    pandas.DataFrame
        ``area_code, sex, age, count`` with ``sex`` one of ``persons, female, male`` and
        ``age`` the single year (the last band, e.g. 90+, is its lower bound).
        ``attrs['level']`` and ``attrs['year']`` give the geography.

    Raises
    ------
    FairerError
        If the layout is not recognised, or a count is missing or negative.
    """
    path = Path(path)
    df = read_table(path, is_header=lambda r: _layout(r) is not None)
    layout = _layout(df.columns)
    if layout is None:
        raise FairerError(
            "not a single-year-of-age population table (needs an area code column and age columns "
            "0 … 90+, or columns 'age' and 'count')",
            path=path,
        )
    kind, code_col = layout
    g = geo_columns([code_col])[code_col]
    lower = {str(c).strip().lower(): c for c in df.columns}
    sex_col = lower.get("sex") or lower.get("gender")
    if kind == "wide":
        ages = {c: age_of(c) for c in df.columns if age_of(c) is not None}
        ids = [code_col] + ([sex_col] if sex_col else [])
        long = df[ids + list(ages)].melt(id_vars=ids, var_name="age_col", value_name="count")
        long["age"] = long["age_col"].map(ages)
        long = long.drop(columns="age_col")
    else:
        count_col = lower.get("count") or lower.get("population") or lower.get("value")
        cols = [code_col, lower["age"], count_col] + ([sex_col] if sex_col else [])
        long = df[cols].rename(columns={lower["age"]: "age_raw", count_col: "count"})
        long["age"] = long["age_raw"].map(
            lambda a: age_of(a) if not isinstance(a, (int, np.integer)) else int(a)
        )
        long = long.drop(columns="age_raw")
    long = long.rename(columns={code_col: "area_code"})
    sexes = long[sex_col].map(_sex) if sex_col else "persons"
    if sex_col:
        long = long.drop(columns=sex_col)
    long["sex"] = sexes
    header_row = int(df.attrs.get("header_row", 1))
    n_rows = len(df)
    codes = refuse_bad_area_codes(
        long["area_code"],
        path=path,
        column=code_col,
        row_of=lambda i: header_row + 1 + (i % n_rows),
    )
    repeated = pd.DataFrame({"a": codes, "s": long["sex"], "g": long["age"]}).duplicated()
    raise_first(
        repeated,
        lambda i: (
            f"area {codes.iloc[i]} ({long['sex'].iloc[i]}, age {long['age'].iloc[i]}) "
            "appears twice; remove the repeated row"
        ),
        path=path,
        row_of=lambda i: header_row + 1 + (i % n_rows),
        column=code_col,
    )
    counts = pd.to_numeric(long["count"], errors="coerce")
    bad = counts.isna() | (counts < 0) | np.isinf(counts.astype(float))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        v = counts.iloc[i]
        problem = (
            "is missing"
            if pd.isna(v)
            else f"{v} is not a finite number"
            if np.isinf(v)
            else f"{v} is negative"
        )
        raise FairerError(
            f"population count {problem}",
            path=path,
            row=header_row + 1 + (i % n_rows),
        )
    long["count"] = counts.astype(float)
    long["area_code"] = long["area_code"].astype(str).str.strip()
    out = long[["area_code", "sex", "age", "count"]].reset_index(drop=True)
    out.attrs.update(level=g.level, year=g.year, path=str(path))
    return out


def _sex(value) -> str:
    s = str(value).strip().lower()
    if s in ("f", "female", "females", "2"):
        return "female"
    if s in ("m", "male", "males", "1"):
        return "male"
    return "persons"
