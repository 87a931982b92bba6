"""Statistical disclosure control: never publish small counts, directly or by subtraction.

One rule, written once, applied by the publish step (:mod:`fairer.publish`) to every table
fairer outputs:

* **Primary suppression.** Counts from 1 to ``threshold - 1`` are hidden (default threshold
  :data:`DEFAULT_THRESHOLD` = 5: counts 1–4 suppressed), as the ONS and NHS Digital
  small-number rules do. Zero is not disclosive and is shown.
* **Secondary suppression.** A *line* is a set of cells whose total is published (or can be
  rebuilt from another table): the wards of one indicator and period add up to the borough,
  the groups of one attribute add up to everyone who answered. While any line holds exactly one
  hidden cell, the smallest other non-zero cell of that line is hidden too, so no hidden count
  can be found by subtracting the others from the total.
* **Derived values go with their counts.** A rate, percentage or confidence limit computed
  from a hidden count is hidden with it (:func:`protect_frame`).

References
----------
Office for National Statistics (2021), *Statistical disclosure control: small numbers*;
NHS Digital (2023), *Disclosure control method for health statistics*.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

SUPPRESSED = "*"
#: The smallest count that may be published unless a place says otherwise.
DEFAULT_THRESHOLD = 5

#: Columns that hold counts of people or events: these are what disclosure control protects.
COUNT_COLUMNS = frozenset(
    {
        "numerator",
        "denominator",
        "population",
        "respondents",
        "statements",
        "people",
        "count",
        "residents",
    }
)
#: Columns computed from a row's counts: hidden whenever a count in the same row is hidden.
DERIVED_COLUMNS = frozenset(
    {
        "value",
        "lowercl",
        "uppercl",
        "lower95_0cl",
        "upper95_0cl",
        "lower99_8cl",
        "upper99_8cl",
        "percent",
        "percent_of_respondents",
        "share",
        "representation_ratio",
        "ratio_lower95",
        "ratio_upper95",
        "comparison",
        "comparison99_8",
        "quintile",
        "change",
        "trend",
        "slope_trend",
        "red_red",
    }
)


def small_counts(values, threshold: int = DEFAULT_THRESHOLD) -> np.ndarray:
    """Which counts the primary rule hides: ``1 <= v < threshold`` (missing values are not).

    Parameters
    ----------
    values : array-like
        Counts.
    threshold : int
        The smallest count that may be published.

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> small_counts([0, 1, 4, 5, None]).tolist()
    [False, True, True, False, False]
    """
    v = pd.to_numeric(pd.Series(values), errors="coerce").astype(float).to_numpy()
    with np.errstate(invalid="ignore"):
        return (v > 0) & (v < threshold)


def suppress_lines(
    values: pd.Series,
    lines: Sequence[pd.Series | np.ndarray] = (),
    threshold: int = DEFAULT_THRESHOLD,
) -> np.ndarray:
    """Primary and secondary suppression of counts laid out long, with their lines.

    Parameters
    ----------
    values : Series
        Non-negative counts, one per cell.
    lines : sequence of array-like
        One label per cell for each way the cells add up to a published total (for a table,
        its column labels and its row labels). Cells with the same label are one line.
    threshold : int
        The smallest count that may be published.

    Returns
    -------
    numpy.ndarray of bool
        Which cells to hide.

    Examples
    --------
    The wards of one indicator add up to the borough: hiding the 3 alone would let anyone
    subtract it from the total, so the next smallest ward (7) is hidden too.

    >>> suppress_lines(pd.Series([3, 7, 12, 40]), [["x", "x", "x", "x"]]).tolist()
    [True, True, False, False]
    """
    v = pd.to_numeric(pd.Series(values), errors="coerce").astype(float).to_numpy()
    hidden = small_counts(v, threshold)
    groupings = [pd.factorize(pd.Series(np.asarray(line, dtype=object)))[0] for line in lines]
    order = np.arange(len(v))
    changed = bool(groupings) and hidden.any()
    while changed:
        changed = False
        for g in groupings:
            ok = g >= 0
            per_line = np.bincount(
                g[ok], weights=hidden[ok], minlength=g.max() + 1 if len(g) else 0
            )
            lone = np.zeros(len(v), dtype=bool)
            lone[ok] = per_line[g[ok]] == 1
            with np.errstate(invalid="ignore"):
                candidate = lone & ~hidden & (v > 0)
            if not candidate.any():
                continue
            idx = order[candidate]
            # the smallest non-zero cell of each line; ties go to the first cell (stable sort)
            pick = idx[np.lexsort((idx, v[idx], g[idx]))]
            first = np.r_[True, g[pick][1:] != g[pick][:-1]]
            hidden[pick[first]] = True
            changed = True
    return hidden


def suppress_counts(values: pd.Series, threshold: int = DEFAULT_THRESHOLD) -> pd.Series:
    """Replace counts in ``1 .. threshold-1`` with NA (shown as ``*``): primary suppression only.

    Use it where no total of the counts is published; otherwise use :func:`protect_frame`.

    Parameters
    ----------
    values : pandas.Series
        Counts (people, events).
    threshold : int
        The smallest count that may be published.

    Returns
    -------
    pandas.Series
        Float series with small counts set to NaN.

    Examples
    --------
    >>> suppress_counts(pd.Series([0, 2, 9])).tolist()
    [0.0, nan, 9.0]
    """
    v = pd.to_numeric(values, errors="coerce").astype(float)
    return v.mask(small_counts(v, threshold))


def is_suppressed(value: float, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Whether a single count would be suppressed.

    Parameters
    ----------
    value : float
    threshold : int

    Returns
    -------
    bool

    Examples
    --------
    >>> is_suppressed(3), is_suppressed(0), is_suppressed(5)
    (True, False, False)
    """
    return value is not None and not pd.isna(value) and 0 < float(value) < threshold


def suppress_table(counts: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Primary and secondary suppression of a table of counts whose margins are published.

    Each row and each column is a line of :func:`suppress_lines` (columns first): cells from 1
    to ``threshold - 1`` are hidden, then, while any row or column has exactly one hidden cell,
    its smallest other non-zero cell is hidden too. Zeros are never used as complements: they
    reveal nothing.

    Parameters
    ----------
    counts : DataFrame
        Non-negative counts (rows × columns), without the total row or column.
    threshold : int

    Returns
    -------
    DataFrame
        Float counts with suppressed cells set to NaN.

    Examples
    --------
    >>> t = pd.DataFrame({"a": [3, 10, 20], "b": [12, 8, 0], "c": [30, 40, 9]})
    >>> suppress_table(t).isna().to_numpy().tolist()
    [[True, True, False], [True, True, False], [False, False, False]]
    """
    v = counts.apply(pd.to_numeric, errors="coerce").astype(float)
    rows, cols = np.indices(v.shape)
    hidden = suppress_lines(
        pd.Series(v.to_numpy().ravel()), [cols.ravel(), rows.ravel()], threshold
    ).reshape(v.shape)
    return v.mask(hidden)


def protect_frame(
    df: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    lines: Sequence[Sequence[str]] = (),
    counts: Sequence[str] | None = None,
    derived: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Apply the one rule to a long table: hide small counts, their complements and what
    was computed from them.

    Parameters
    ----------
    df : DataFrame
        Any published table.
    threshold : int
        The smallest count that may be published.
    lines : sequence of column lists
        Each names the columns whose values identify a line of cells with a published total
        (``[["indicator_id", "period"]]`` for a rug: the areas of one indicator and period add
        up to the place). Empty: primary suppression only.
    counts, derived : sequence of str, optional
        The count columns and the columns derived from them; default: those of the table in
        :data:`COUNT_COLUMNS` and :data:`DERIVED_COLUMNS`.

    Returns
    -------
    DataFrame
        A copy: hidden counts and derived numbers are NaN, derived labels are empty, and a
        ``suppressed`` column (if the table has one) is true wherever a row lost anything.

    Examples
    --------
    >>> rug = pd.DataFrame({"indicator_id": "smoking", "period": "2024",
    ...     "area_code": ["W1", "W2", "W3"], "numerator": [3, 40, 8],
    ...     "denominator": [900, 1000, 950], "value": [0.3, 4.0, 0.8]})
    >>> safe = protect_frame(rug, lines=[["indicator_id", "period"]])
    >>> safe["numerator"].tolist(), safe["value"].tolist()
    ([nan, 40.0, nan], [nan, 4.0, nan])
    """
    out = df.copy()
    if out.empty:
        return out
    count_cols = [c for c in (counts if counts is not None else COUNT_COLUMNS) if c in out]
    derived_cols = [c for c in (derived if derived is not None else DERIVED_COLUMNS) if c in out]
    row_hidden = np.zeros(len(out), dtype=bool)
    for c in count_cols:
        values = pd.to_numeric(out[c], errors="coerce")
        labels = [_line_labels(out, cols) for cols in lines if all(k in out for k in cols)]
        hidden = suppress_lines(values, labels, threshold)
        if hidden.any():
            out[c] = values.astype(float).mask(hidden)
        row_hidden |= hidden
    if row_hidden.any():
        for c in derived_cols:
            if pd.api.types.is_bool_dtype(out[c]):
                out[c] = out[c].mask(row_hidden, False)
            elif pd.api.types.is_numeric_dtype(out[c]):
                out[c] = out[c].astype(float).mask(row_hidden)
            else:
                out[c] = out[c].astype(object).mask(row_hidden, "")
        if "suppressed" in out:
            out["suppressed"] = out["suppressed"].fillna(False).astype(bool) | row_hidden
    return out


def _line_labels(df: pd.DataFrame, cols: Sequence[str]) -> np.ndarray:
    if not cols:  # the whole table is one line (its total is published)
        return np.zeros(len(df), dtype=object)
    if len(cols) == 1:
        return df[cols[0]].astype(str).to_numpy()
    return df[list(cols)].astype(str).agg("\x1f".join, axis=1).to_numpy()
