"""Statistical disclosure control: never publish small counts.

Counts from 1 to ``threshold - 1`` are suppressed (default threshold 5: 1–4 suppressed), as
the ONS and NHS Digital small-number rules do. Zero is not disclosive and is shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SUPPRESSED = "*"


def suppress_counts(values: pd.Series, threshold: int = 5) -> pd.Series:
    """Replace counts in ``1 .. threshold-1`` with NA (shown as ``*``).

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
    """
    v = pd.to_numeric(values, errors="coerce").astype(float)
    small = (v > 0) & (v < threshold)
    return v.mask(small, np.nan)


def is_suppressed(value: float, threshold: int = 5) -> bool:
    """Whether a single count would be suppressed."""
    return value is not None and not pd.isna(value) and 0 < float(value) < threshold


def suppress_table(counts: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """Primary and secondary suppression of a table of counts whose margins are published.

    Cells from 1 to ``threshold - 1`` are suppressed (primary). Then, while any row or column
    has exactly one suppressed cell — which could be recovered by subtracting the others from
    the published total — the smallest other non-zero cell in that line is suppressed too
    (secondary; the usual complementary-suppression rule of thumb, as in the ONS and NHS
    Digital small-number guidance). Zeros are never used as complements: they reveal nothing.

    Parameters
    ----------
    counts : DataFrame
        Non-negative counts (rows × columns), without the total row or column.
    threshold : int

    Returns
    -------
    DataFrame
        Float counts with suppressed cells set to NaN.
    """
    v = counts.apply(pd.to_numeric, errors="coerce").astype(float)
    values = v.to_numpy(copy=True)
    hidden = (values > 0) & (values < threshold)
    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            lines = hidden if axis == 1 else hidden.T
            vals = values if axis == 1 else values.T
            for i in range(lines.shape[0]):
                if lines[i].sum() == 1:
                    candidates = np.where(~lines[i] & (vals[i] > 0))[0]
                    if len(candidates):
                        j = candidates[np.argmin(vals[i][candidates])]
                        lines[i, j] = True
                        changed = True
            hidden = lines if axis == 1 else lines.T
    return v.mask(hidden)
