"""Indirectly standardised ratios and rates (``calculate_ISRatio``, ``calculate_ISRate``).

Expected events apply reference age-specific rates to the local population; the ratio is
observed over expected (× ``refvalue``, e.g. 100 for an SMR), and the rate is that ratio times
the reference crude rate. Limits are exact Poisson limits of the observed count below 10 events
and Byar's from 10, divided by the expected count.

References
----------
Breslow NE, Day NE (1987). Public Health England, *Technical guide: confidence intervals*
(2018), indirectly standardised ratios.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairer.stats._common import (
    StatsError,
    check_type,
    ci_columns,
    format_multiplier,
    group_index,
    normalise_by,
    numeric,
    parse_confidence,
    require_columns,
    shape_output,
)
from fairer.stats.ci import poisson_limits


def _reference(data, x_ref, n_ref, codes, sizes) -> tuple[np.ndarray, np.ndarray]:
    """Reference counts per row: two columns (the reference's ``refpoptype = "field"``) or two
    vectors, one value per row of each group (``"vector"``)."""
    if isinstance(x_ref, str) or isinstance(n_ref, str):
        for arg, col in (("x_ref", x_ref), ("n_ref", n_ref)):
            if not isinstance(col, str) or col not in data.columns:
                raise StatsError(f"{arg} is not a field name from data ('{col}')")
        return np.nan_to_num(numeric(data, x_ref)), numeric(data, n_ref)
    xr = np.nan_to_num(np.asarray(x_ref, dtype=float))
    nr = np.asarray(n_ref, dtype=float)
    if len(xr) != sizes[0]:
        raise StatsError("x_ref length must equal number of rows in each group within data")
    if len(nr) != sizes[0]:
        raise StatsError("n_ref length must equal number of rows in each group within data")
    pos = pd.Series(codes).groupby(codes).cumcount().to_numpy()
    return xr[pos], nr[pos]


def _observed_expected(data, x, n, x_ref, n_ref, by, observed_totals):
    # The reference's checks, in its order and words (calculate_ISRatio, calculate_ISRate).
    require_columns(data, n)
    by = normalise_by(by)
    require_columns(data, *by)
    codes, keys = group_index(data, by)
    k = len(keys)
    sizes = np.bincount(codes, minlength=k)
    if len(set(sizes.tolist())) > 1:
        raise StatsError("data must contain the same number of rows for each group")
    if observed_totals is not None and x not in observed_totals.columns:
        raise StatsError(f"observed_totals is provided but x is not a field name in it ('{x}')")
    if observed_totals is None and x not in data.columns:
        raise StatsError(f"x is not in data ('{x}')")
    ns = numeric(data, n)
    xr, nr = _reference(data, x_ref, n_ref, codes, sizes)
    if observed_totals is None:
        xs = numeric(data, x)
        if np.any(xs < 0):
            raise StatsError("numerators must all be greater than or equal to zero")
        observed = np.bincount(codes, weights=np.nan_to_num(xs), minlength=k)
    else:
        if not by:
            raise StatsError("observed_totals needs grouping columns to join on")
        require_columns(observed_totals, *by)
        merged = keys.merge(observed_totals[[*by, x]], on=by, how="left")
        observed = np.nan_to_num(numeric(merged, x))
        if np.any(observed < 0):
            raise StatsError("numerators must all be greater than or equal to zero")
    if np.any(ns < 0):
        raise StatsError("denominators must all be greater than or equal to zero")
    if np.any(xr < 0):
        raise StatsError("x_ref must all be greater than or equal to zero")
    if np.any(~(nr > 0)):
        raise StatsError("n_ref must all be greater than zero")
    # A missing population or reference count contributes nothing (as R sums with na.rm).
    expected = np.bincount(codes, weights=np.nan_to_num(ns * xr / nr), minlength=k)
    ref_rate = (
        pd.Series(xr).groupby(codes).sum().to_numpy()
        / pd.Series(nr).groupby(codes).sum().to_numpy()
    )
    return keys if by else pd.DataFrame(index=range(1)), observed, expected, ref_rate


def _standardised(
    data, x, n, x_ref, n_ref, by, type, confidence, observed_totals, scale, statistic
):
    """Shared body: observed/expected × ``scale`` (refvalue, or the reference rate), with limits."""
    check_type(type)
    levels = parse_confidence(confidence)
    out, observed, expected, ref_rate = _observed_expected(
        data, x, n, x_ref, n_ref, by, observed_totals
    )
    out = out.copy()
    out["observed"], out["expected"] = observed, expected
    factor = scale(ref_rate)
    data_cols = ["observed", "expected"]
    if statistic.startswith("indirectly standardised rate"):
        out["ref_rate"] = factor
        data_cols.append("ref_rate")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["value"] = observed / expected * factor
        method = None
        for lo, up, c in ci_columns(levels):
            lower, upper, method = poisson_limits(observed, c)
            out[lo], out[up] = lower / expected * factor, upper / expected * factor
    return shape_output(
        out, type, levels, data_cols=data_cols, meta={"statistic": statistic, "method": method}
    )


def isratio(
    data: pd.DataFrame,
    x: str,
    n: str,
    x_ref,
    n_ref,
    by: list[str] | str | None = None,
    type: str = "full",
    confidence=0.95,
    refvalue: float = 1,
    observed_totals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Indirectly standardised ratio (observed / expected × ``refvalue``) with Poisson limits.

    Parameters
    ----------
    data : DataFrame
        Local events ``x`` and populations ``n`` by age band (and group).
    x_ref, n_ref : str or sequence
        Reference events and populations by age band: column names, or vectors in the same
        order as each group's rows. Missing reference counts count as zero.
    refvalue : float
        1 for a ratio, 100 for an SMR-style index.
    observed_totals : DataFrame, optional
        Observed events given as totals per group (columns ``by`` and ``x``) instead of by age.

    Returns
    -------
    DataFrame
        ``observed, expected, value, lowercl, uppercl`` (or both levels) and the method columns.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({'x': [10, 20], 'n': [1000, 2000]})
    >>> isratio(d, 'x', 'n', [0.008, 0.012], [50000, 40000], type='standard')[['observed', 'expected', 'value']].round(4).iloc[0].tolist()
    [30.0, 0.0008, 39473.6842]
    """
    return _standardised(
        data,
        x,
        n,
        x_ref,
        n_ref,
        by,
        type,
        confidence,
        observed_totals,
        lambda _ref: refvalue,
        f"indirectly standardised ratio x {format_multiplier(refvalue)}",
    )


def israte(
    data: pd.DataFrame,
    x: str,
    n: str,
    x_ref,
    n_ref,
    by: list[str] | str | None = None,
    type: str = "full",
    confidence=0.95,
    multiplier: float = 100000,
    observed_totals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Indirectly standardised rate: the ratio times the reference crude rate (× ``multiplier``).

    Parameters
    ----------
    data, x, n, x_ref, n_ref, by, type, confidence, observed_totals
        As for :func:`isratio`.
    multiplier : float
        100,000 by default.

    The output adds ``ref_rate``.

    Returns
    -------
    DataFrame
        ``observed, expected, value, lowercl, uppercl`` (the ratio times the reference rate) and the method columns.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({'x': [10, 20], 'n': [1000, 2000]})
    >>> israte(d, 'x', 'n', [400, 480], [50000, 40000], type='standard')['value'].round(2).tolist()
    [916.67]
    """
    return _standardised(
        data,
        x,
        n,
        x_ref,
        n_ref,
        by,
        type,
        confidence,
        observed_totals,
        lambda ref: ref * multiplier,
        f"indirectly standardised rate per {format_multiplier(multiplier)}",
    )
