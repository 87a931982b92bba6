"""Crude rates with exact Poisson (under 10 events) or Byar's confidence limits (``phe_rate``).

References
----------
Breslow NE, Day NE (1987), Byar's approximation. Public Health England, *Technical guide:
confidence intervals* (2018): exact limits from the chi-square distribution below 10 events.
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
from fairer.stats.ci import poisson_limits


def rate(
    data: pd.DataFrame,
    x: str,
    n: str,
    by: list[str] | str | None = None,
    type: str = "full",
    confidence=0.95,
    multiplier: float = 100000,
) -> pd.DataFrame:
    """Rate ``x / n × multiplier`` with Poisson confidence limits.

    Limits are exact (chi-square) for fewer than 10 events and Byar's otherwise; ``method``
    says which. Numerators may exceed denominators (events per person-year).

    Parameters
    ----------
    data : DataFrame
    x, n : str
        Columns of event counts and denominators.
    by : list of str, optional
        Grouping columns (counts and denominators are summed); without it, one rate per row.
    type, confidence, multiplier
        As for :func:`fairer.stats.proportion.proportion`; multiplier defaults to 100,000.

    Raises
    ------
    StatsError
        Negative numerators, zero or negative denominators, bad confidence or columns.

    Returns
    -------
    DataFrame
        ``value, lowercl, uppercl`` (exact Poisson limits below 10 events, Byar's from 10) and the method columns.

    Examples
    --------
    >>> import pandas as pd
    >>> rate(pd.DataFrame({'x': [5, 50]}).assign(n=10000), 'x', 'n', type='standard').round(2)['value'].tolist()
    [50.0, 500.0]
    """
    check_type(type)
    require_columns(data, x, n)
    levels = parse_confidence(confidence, allow_none=True)
    multiplier = check_multiplier(multiplier)
    by = normalise_by(by)
    require_columns(data, *by)
    xs, ns = numeric(data, x), numeric(data, n)
    if np.any(xs < 0):
        raise StatsError("numerators must be greater than or equal to zero")
    if np.any(ns <= 0):
        raise StatsError("denominators must be greater than zero")
    out = counts_table(data, x, n, by, xs, ns)
    vx, vn = out[x].to_numpy(float), out[n].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["value"] = vx / vn * multiplier
        method = None
        for lo, up, c in ci_columns(levels) if levels else []:
            lower, upper, method = poisson_limits(vx, c)
            out[lo] = lower / vn * multiplier
            out[up] = upper / vn * multiplier
    meta = {"statistic": f"rate per {format_multiplier(multiplier)}"}
    if levels:
        meta["method"] = method
    return shape_output(out, type, levels, meta=meta)
