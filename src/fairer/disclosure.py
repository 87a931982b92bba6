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
