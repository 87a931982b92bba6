"""Census 2021 general health (ONS), in its two published layouts.

* **By age** (ONS "create a custom dataset" download, long): ``Lower layer Super Output Areas
  Code``, an ``Age (… categories)`` column, optionally ``Sex (2 categories)``, ``General health
  (6 categories)`` and ``Observation``. This is what healthy life expectancy needs.
* **All ages** (table TS037 from Nomis' bulk download, wide): ``geography code`` and the
  columns ``General health: Very good health`` … ``General health: Very bad health``. Healthy
  life expectancy then standardises indirectly: a by-age table for a wider area (e.g. the
  authority) gives the age pattern, and each small area's all-age count of good health scales
  it (observed ÷ expected).

"Good health" is *very good* or *good*, as in ONS's healthy life expectancy; "does not apply"
is left out of the total.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError, raise_first
from fairer.sources.geocodes import refuse_bad_area_codes
from fairer.tabular import header_matches, read_table

LICENCE = "Open Government Licence v3.0"
ATTRIBUTION = (
    "Source: Office for National Statistics, Census 2021 general health, licensed under the "
    "Open Government Licence v3.0"
)
GOOD = ("very good health", "good health")
ALL_HEALTH = ("very good health", "good health", "fair health", "bad health", "very bad health")


def _lower(cols) -> dict[str, str]:
    return {str(c).strip().lower(): c for c in cols}


def _layout(cols) -> str | None:
    low = _lower(cols)
    health = [c for c in low if c.startswith("general health")]
    if "observation" in low and health and any(c.startswith("age") for c in low):
        return "by_age"
    if "geography code" in low and any(c.endswith(": very good health") for c in health):
        return "all_ages"
    return None


def is_general_health(path: str | Path) -> bool:
    """Whether ``path``'s header is one of the two general-health layouts.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    bool

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "g.csv"
    >>> _ = p.write_text("geography code,General health: Very good health\\nE01000001,5\\n")
    >>> is_general_health(p)
    True
    """
    return header_matches(path, lambda r: _layout(r) is not None)


def age_start(label: str) -> int:
    """The first age of a census age category (``'Aged 4 years and under'`` → 0).

    Parameters
    ----------
    label : str

    Returns
    -------
    int

    Examples
    --------
    >>> age_start("Aged 4 years and under"), age_start("Aged 85 years and over")
    (0, 85)
    """
    text = str(label).lower()
    if "under" in text or "and younger" in text:
        return 0
    m = re.search(r"\d+", text)
    if not m:
        raise ValueError(label)
    return int(m.group())


def read_general_health(path: str | Path) -> pd.DataFrame:
    """Read Census 2021 general health into ``area_code, sex, age, good, total``.

    Parameters
    ----------
    path : path-like
        Either published layout (CSV or XLSX).

    Returns
    -------
    DataFrame
        One row per area, sex (``persons`` where the file has no sex) and age category (its
        first year; ``age`` is -1 for the all-ages table): ``good`` (very good or good health)
        and ``total`` (everyone whose health was recorded). ``attrs['layout']`` says which.

    Raises
    ------
    FairerError
        Not a general-health table, a bad area code, or a count that is not a number.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ts037.csv"
    >>> _ = p.write_text("date,geography,geography code,General health: Total: All usual residents,"
    ...     "General health: Very good health,General health: Good health,General health: Fair health,"
    ...     "General health: Bad health,General health: Very bad health\\n"
    ...     "2021,Fairhaven 001A,E01099001,1500,700,500,200,70,30\\n")
    >>> read_general_health(p)[["area_code", "age", "good", "total"]].values.tolist()
    [['E01099001', -1, 1200.0, 1500.0]]
    """
    path = Path(path)
    df = read_table(path, is_header=lambda r: _layout(r) is not None)
    layout = _layout(df.columns)
    if layout is None:
        raise FairerError("not a Census 2021 general health table (TS037 or by age)", path=path)
    low = _lower(df.columns)
    first = int(df.attrs.get("header_row", 1)) + 1
    if layout == "all_ages":
        code_col = low["geography code"]
        codes = refuse_bad_area_codes(df[code_col], path=path, column=code_col, first_row=first)
        counts = {}
        for name in ALL_HEALTH:
            col = next(c for k, c in low.items() if k.endswith(f": {name}"))
            counts[name] = _counts(df[col], path, first, col)
        good = counts["very good health"] + counts["good health"]
        total = sum(counts.values())
        out = pd.DataFrame({"area_code": codes, "sex": "persons", "age": -1})
        out["good"], out["total"] = good.to_numpy(), total.to_numpy()
    else:
        code_col = next(
            (
                c
                for k, c in low.items()
                if k.endswith("code") and "super output" in k or k == "lsoa21cd"
            ),
            None,
        )
        code_col = code_col or next(c for k, c in low.items() if k.endswith(" code"))
        codes = refuse_bad_area_codes(df[code_col], path=path, column=code_col, first_row=first)
        age_col = next(c for k, c in low.items() if k.startswith("age") and not k.endswith("code"))
        health_col = next(
            c for k, c in low.items() if k.startswith("general health") and not k.endswith("code")
        )
        sex_col = next(
            (c for k, c in low.items() if k.startswith("sex") and not k.endswith("code")), None
        )
        obs = _counts(df[low["observation"]], path, first, low["observation"])
        try:
            ages = df[age_col].map(age_start)
        except ValueError as exc:
            bad = df[age_col].astype(str).map(lambda a: not re.search(r"\d", a))
            raise_first(bad.to_numpy(), f"age category {exc} has no age", path=path,
                        first_row=first, column=age_col)  # fmt: skip
            raise
        health = df[health_col].astype(str).str.strip().str.lower()
        sex = (
            df[sex_col]
            .astype(str)
            .str.strip()
            .str.lower()
            .map(lambda s: "female" if s.startswith("f") else "male" if s.startswith("m") else s)
            if sex_col
            else pd.Series("persons", index=df.index)
        )
        recorded = health.isin(ALL_HEALTH)
        frame = pd.DataFrame(
            {
                "area_code": codes,
                "sex": sex,
                "age": ages.astype(int),
                "good": np.where(health.isin(GOOD), obs, 0.0),
                "total": np.where(recorded, obs, 0.0),
            }
        )
        out = frame.groupby(["area_code", "sex", "age"], as_index=False)[["good", "total"]].sum()
    out.attrs["layout"] = layout
    return out


def _counts(values: pd.Series, path: Path, first: int, column: str) -> pd.Series:
    n = pd.to_numeric(values.astype(str).str.replace(",", ""), errors="coerce")
    raise_first(
        (n.isna() | (n < 0)).to_numpy(),
        lambda i: f"{values.iloc[i]!r} is not a count of people",
        path=path,
        first_row=first,
        column=column,
    )
    return n.astype(float)
