"""Broad cause groups for decomposing a life-expectancy gap, from ICD-10 underlying causes.

The default groups are OHID Segment Tool's: cancer (C00-C97), circulatory (I00-I99),
respiratory (J00-J99), digestive (K00-K93), external causes (V01-Y89), deaths under 1 (every
death at age 0, whatever its cause) and other. They are read from ``fairer/data/cause_groups.csv``
(``from, to, group``: three-character ICD-10 ranges); a place can give its own file in the same
layout (``[mortality] causes``).

A code that is not ICD-10 (or missing) is counted into *other* and reported, never silently.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError, raise_first
from fairer.tabular import read_table

UNDER_ONE = "Deaths under 1"
OTHER = "Other"
_ICD10 = r"^[A-Z]\d{2}[0-9A-Z]?\d?$"


def cause_groups(path: str | Path | None = None) -> pd.DataFrame:
    """The ICD-10 ranges of each cause group (the Segment Tool's, or a file in that layout).

    Parameters
    ----------
    path : path-like, optional
        A CSV/XLSX with ``from, to, group`` (inclusive three-character ranges).

    Returns
    -------
    DataFrame
        ``from, to, group``, ranges checked.

    Raises
    ------
    FairerError
        A missing column or a range bound that is not a three-character ICD-10 code.

    Examples
    --------
    >>> cause_groups()["group"].tolist()
    ['Cancer', 'Circulatory', 'Respiratory', 'Digestive', 'External causes']
    """
    if path is None:
        with resources.as_file(resources.files("fairer") / "data" / "cause_groups.csv") as p:
            table = pd.read_csv(p, dtype=str)
        where = Path("cause_groups.csv")
    else:
        where = Path(path)
        table = read_table(where)
        table.columns = [str(c).strip().lower() for c in table.columns]
    missing = {"from", "to", "group"} - set(table.columns)
    if missing:
        raise FairerError(f"cause groups need columns from, to, group (missing {sorted(missing)})",
                          path=where)  # fmt: skip
    for col in ("from", "to"):
        codes = table[col].astype(str).str.strip().str.upper()
        raise_first(
            (~codes.str.fullmatch(r"[A-Z]\d{2}")).to_numpy(),
            lambda i, c=codes: f"'{c.iloc[i]}' is not a three-character ICD-10 code",
            path=where,
            column=col,
        )
        table[col] = codes
    return table[["from", "to", "group"]].reset_index(drop=True)


def assign_causes(cause: pd.Series, age: pd.Series, groups: pd.DataFrame) -> tuple[pd.Series, int]:
    """Each death's cause group, and how many had no usable ICD-10 code (counted as other).

    Parameters
    ----------
    cause : Series of str
        ICD-10 codes without dots (``"I219"``).
    age : Series of int
        Age at death: deaths at age 0 are "Deaths under 1".
    groups : DataFrame
        From :func:`cause_groups`.

    Returns
    -------
    (Series, int)
        The group of each death, and the number of unknown codes.

    Examples
    --------
    >>> g, unknown = assign_causes(pd.Series(["I219", "C509", "XX", "R99"]),
    ...                            pd.Series([70, 60, 50, 0]), cause_groups())
    >>> g.tolist(), unknown
    (['Circulatory', 'Cancer', 'Other', 'Deaths under 1'], 1)
    """
    # A deaths extract has millions of rows but a few thousand distinct codes: decide once per
    # distinct code.
    which, distinct = pd.factorize(cause.fillna("").astype(str), use_na_sentinel=False)
    distinct = pd.Series(np.asarray(distinct, dtype=object))
    valid_distinct = distinct.str.fullmatch(_ICD10).fillna(False).to_numpy()
    group_distinct = np.full(len(distinct), OTHER, dtype=object)
    for i in np.flatnonzero(valid_distinct):
        stem = distinct.iloc[i][:3]
        hit = groups[(groups["from"] <= stem) & (groups["to"] >= stem)]
        if len(hit):
            group_distinct[i] = hit["group"].iloc[0]
    out = group_distinct[which] if len(which) else np.array([], dtype=object)
    valid = valid_distinct[which] if len(which) else np.array([], dtype=bool)
    infant = np.asarray(age) == 0
    out[infant] = UNDER_ONE
    unknown = int((~valid & ~infant).sum())
    return pd.Series(out, index=cause.index), unknown


def group_order(groups: pd.DataFrame) -> list[str]:
    """Cause groups in display order: the file's, then deaths under 1, then other.

    Parameters
    ----------
    groups : DataFrame
        From :func:`cause_groups`.

    Returns
    -------
    list of str

    Examples
    --------
    >>> group_order(cause_groups())[-2:]
    ['Deaths under 1', 'Other']
    """
    named = [g for g in dict.fromkeys(groups["group"]) if g not in (UNDER_ONE, OTHER)]
    return [*named, UNDER_ONE, OTHER]
