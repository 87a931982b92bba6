"""Proportions with Wilson score confidence limits (``phe_proportion``).

References
----------
Wilson EB (1927); Newcombe RG (1998), method 3. Public Health England, *Technical guide:
confidence intervals* (2018), section on proportions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairer.stats._common import (
    StatsError,
    check_multiplier,
    check_type,
    ci_columns,
    counts_table,
    format_multiplier,
    normalise_by,
    numeric,
    parse_confidence,
    require_columns,
    shape_output,
)
from fairer.stats.ci import wilson_limits


def proportion(
    data: pd.DataFrame,
    x: str,
    n: str,
    by: list[str] | str | None = None,
    type: str = "full",
    confidence=0.95,
    multiplier: float = 1,
) -> pd.DataFrame:
    """Proportion ``x / n`` with Wilson score confidence limits.

    Parameters
    ----------
    data : DataFrame
    x, n : str
        Columns holding numerators and denominators.
    by : list of str, optional
        Grouping columns: numerators and denominators are summed within each group. Without
        ``by`` every row gets its own proportion and keeps its other columns.
    type : {'full', 'standard', 'value', 'lower', 'upper'}
    confidence : float, sequence or None
        0.95 by default; ``[0.95, 0.998]`` for both; ``None`` for no limits.
    multiplier : float
        1 for a proportion, 100 for a percentage.

    Returns
    -------
    DataFrame
        ``value, lowercl, uppercl`` (or ``lower95_0cl … upper99_8cl``), ``confidence, statistic,
        method``. Missing numerators or denominators give NA.

    Raises
    ------
    StatsError
        Negative numerators, zero or negative denominators, numerators above denominators,
        bad confidence, missing or non-numeric columns.

    Examples
    --------
    >>> import pandas as pd
    >>> proportion(pd.DataFrame({'x': [30], 'n': [100]}), 'x', 'n', multiplier=100, type='standard').round(3).iloc[0][['value', 'lowercl', 'uppercl']].tolist()
    [30.0, 21.895, 39.585]
    """
    check_type(type)
    require_columns(data, x, n)
    levels = parse_confidence(
        confidence,
        allow_none=True,
        range_rule="confidence level, if specified, must be between 90 and 100 or between 0.9 and 1",
    )
    multiplier = check_multiplier(multiplier)
    by = normalise_by(by)
    require_columns(data, *by)
    xs, ns = numeric(data, x), numeric(data, n)
    if np.any(xs < 0):
        raise StatsError("numerators must be greater than or equal to zero")
    if np.any(ns <= 0):
        raise StatsError("denominators must be greater than zero")
    if np.any(xs > ns):
        raise StatsError(
            "numerators must be less than or equal to denominator for a proportion statistic"
        )
    out = counts_table(data, x, n, by, xs, ns)
    vx, vn = out[x].to_numpy(float), out[n].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["value"] = vx / vn * multiplier
    for lo, up, c in ci_columns(levels) if levels else []:
        lower, upper = wilson_limits(vx, vn, c)
        if multiplier != 1:
            lower *= multiplier
            upper *= multiplier
        out[lo], out[up] = lower, upper
    statistic = (
        "percentage" if multiplier == 100 else f"proportion of {format_multiplier(multiplier)}"
    )
    meta = {"statistic": statistic, "method": "Wilson"} if levels else {"statistic": statistic}
    return shape_output(out, type, levels, meta=meta)
