"""Means with Student's t confidence limits (``phe_mean``).

References
----------
Public Health England, *Technical guide: confidence intervals* (2018), means: the limits are
the mean ± t(1 − α/2, n − 1) × s / √n.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from fairer.stats._common import (
    check_type,
    ci_columns,
    group_index,
    normalise_by,
    numeric,
    parse_confidence,
    require_columns,
    shape_output,
)


def mean(
    data: pd.DataFrame,
    x: str,
    by: list[str] | str | None = None,
    type: str = "full",
    confidence=0.95,
) -> pd.DataFrame:
    """Mean of ``x`` with Student's t confidence limits, for the whole table or each group.

    Returns
    -------
    DataFrame
        ``value_sum, value_count, stdev, value``, the limits, ``confidence, statistic, method``.
        Missing values are ignored.

    Parameters
    ----------
    data : DataFrame
    x : str
        The column of values.
    by : list of str, optional
        Grouping columns.
    type : {'full', 'standard', 'value', 'lower', 'upper'}
    confidence : float, sequence or None

    Examples
    --------
    >>> import pandas as pd
    >>> mean(pd.DataFrame({'v': [4.0, 6.0, 5.0, 7.0]}), 'v', type='standard').round(4).iloc[0].tolist()
    [22.0, 4.0, 1.291, 5.5, 3.4457, 7.5543]
    """
    check_type(type)
    require_columns(data, x)
    levels = parse_confidence(confidence)
    by = normalise_by(by)
    require_columns(data, *by)
    xs = numeric(data, x)
    codes, keys = group_index(data, by)
    ok = ~np.isnan(xs)
    k = len(keys)
    total = np.bincount(codes[ok], weights=xs[ok], minlength=k)
    count = np.bincount(codes[ok], minlength=k).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = total / count
        dev = np.bincount(codes[ok], weights=(xs[ok] - m[codes[ok]]) ** 2, minlength=k)
        sd = np.sqrt(dev / (count - 1))
    out = keys.copy() if by else pd.DataFrame(index=range(1))
    out["value_sum"], out["value_count"], out["stdev"], out["value"] = total, count, sd, m
    for lo, up, c in ci_columns(levels):
        with np.errstate(invalid="ignore"):
            half = sps.t.ppf(c + (1 - c) / 2, count - 1) * sd / np.sqrt(count)
        out[lo], out[up] = m - half, m + half
    meta = {"statistic": "mean", "method": "Student's t-distribution"}
    return shape_output(
        out, type, levels, data_cols=["value_sum", "value_count", "stdev"], meta=meta
    )
