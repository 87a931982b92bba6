"""Read a current-spend file: what each area gets now, before a proportionate allocation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError, raise_first
from fairer.sources.geocodes import refuse_bad_area_codes
from fairer.tabular import read_table


def read_current_spend(path: str | Path) -> pd.DataFrame:
    """Read ``area_code, current`` (pounds a year), one row per area.

    Parameters
    ----------
    path : path-like
        CSV, XLSX or Parquet with columns ``area_code`` and ``current``.

    Returns
    -------
    pandas.DataFrame
        ``area_code`` (str) and ``current`` (float); ``attrs['header_row']`` is the header's row.

    Raises
    ------
    FairerError
        If a column is missing, an area code is malformed or repeated, or an amount is not a
        finite number of pounds, 0 or more (naming the row).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "spend.csv"
    >>> _ = f.write_text("area_code,current\\nE05990001,1000\\nE05990002,lots\\n")
    >>> read_current_spend(f)
    Traceback (most recent call last):
    ...
    fairer.errors.FairerError: ...spend.csv, row 3, column 'current': 'lots' is not an amount of pounds (a number, 0 or more)
    """
    path = Path(path)
    spend = read_table(path)
    if not {"area_code", "current"} <= set(spend.columns):
        raise FairerError("a current-spend file needs columns area_code and current", path=path)
    header_row = int(spend.attrs.get("header_row", 1))
    where = {"path": path, "first_row": header_row + 1}
    codes = refuse_bad_area_codes(
        spend["area_code"], path=path, column="area_code", first_row=header_row + 1
    )
    raise_first(
        codes.duplicated(),
        lambda i: f"area {codes.iloc[i]} appears twice; give one amount per area",
        column="area_code",
        **where,
    )
    amount = pd.to_numeric(spend["current"], errors="coerce")
    raise_first(
        amount.isna() | ~np.isfinite(amount.fillna(0)) | (amount < 0),
        lambda i: f"'{spend['current'].iloc[i]}' is not an amount of pounds (a number, 0 or more)",
        column="current",
        **where,
    )
    out = pd.DataFrame({"area_code": codes, "current": amount.astype(float)})
    out.attrs["header_row"] = header_row
    return out
