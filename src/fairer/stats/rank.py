"""League tables with honest ranks: each area's rank interval by simulation.

A bare rank overstates what the data know: two areas whose confidence intervals overlap may
swap places by chance. Following Goldstein and Spiegelhalter, each area's estimate is drawn
from a normal distribution with the standard error its confidence interval implies, the areas
are ranked in every draw, and the 2.5th and 97.5th percentiles of an area's simulated ranks give
its rank interval (95% by default).

References
----------
Goldstein H, Spiegelhalter DJ (1996). League tables and their limitations: statistical issues
in comparisons of institutional performance. *JRSS A* 159(3), 385–443.
Marshall EC, Spiegelhalter DJ (1998). Reliability of league tables of in vitro fertilisation
clinics. *BMJ* 316, 1701–1705.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm, rankdata

from fairer.stats._common import StatsError, require_columns


def rank_intervals(
    data: pd.DataFrame,
    value: str = "value",
    lower: str = "lowercl",
    upper: str = "uppercl",
    higher_is_better: bool = False,
    confidence: float = 0.95,
    level: float = 0.95,
    n_sim: int = 10_000,
    seed: int = 1,
) -> pd.DataFrame:
    """Rank of each row (1 = best) with its rank interval and chance of being best, by simulation.

    Parameters
    ----------
    data : DataFrame
        One row per area: estimate and confidence limits.
    value, lower, upper : str
        Columns holding the estimate and its limits.
    higher_is_better : bool
        Rank 1 goes to the highest value (else to the lowest).
    confidence : float
        The level of the limits given (0.95 for 95% limits): sets the standard error
        ``(upper − lower) / (2 z)``.
    level : float
        The rank interval's coverage.
    n_sim : int
        Simulated league tables.
    seed : int
        Random seed (results are reproducible).

    Returns
    -------
    DataFrame
        ``data`` with ``rank`` (of the estimates), ``rank_lower``, ``rank_upper`` (the rank
        interval), ``p_best`` (share of draws ranked first) and ``rank_median``.

    Raises
    ------
    StatsError
        Missing columns, limits that do not contain the value, or a bad level.

    References
    ----------
    Goldstein H, Spiegelhalter DJ (1996), *JRSS A* 159(3), 385–443.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({'area': list('ABC'), 'value': [10.0, 10.5, 20.0],
    ...                    'lowercl': [8.0, 8.5, 19.0], 'uppercl': [12.0, 12.5, 21.0]})
    >>> out = rank_intervals(df)
    >>> out[['area', 'rank', 'rank_lower', 'rank_upper']].values.tolist()
    [['A', 1, 1, 2], ['B', 2, 1, 2], ['C', 3, 3, 3]]
    """
    require_columns(data, value, lower, upper)
    for name, x in (("confidence", confidence), ("level", level)):
        if not 0 < x < 1:
            raise StatsError(f"{name} must be between 0 and 1, got {x}")
    if n_sim < 100:
        raise StatsError(f"n_sim must be at least 100, got {n_sim}")
    v = pd.to_numeric(data[value], errors="coerce").to_numpy(float)
    lo = pd.to_numeric(data[lower], errors="coerce").to_numpy(float)
    hi = pd.to_numeric(data[upper], errors="coerce").to_numpy(float)
    ok = np.isfinite(v) & np.isfinite(lo) & np.isfinite(hi)
    if (ok & ((lo > v) | (hi < v))).any():
        i = int(np.flatnonzero(ok & ((lo > v) | (hi < v)))[0])
        raise StatsError(f"row {i}: limits {lo[i]}–{hi[i]} do not contain the value {v[i]}")
    out = data.copy()
    cols = ("rank", "rank_lower", "rank_upper", "rank_median", "p_best")
    for c in cols:
        out[c] = pd.array([pd.NA] * len(out), dtype="Float64" if c == "p_best" else "Int64")
    if not ok.any():
        return out
    sign = -1.0 if higher_is_better else 1.0  # rank ascending on sign * value
    se = (hi[ok] - lo[ok]) / (2 * norm.ppf(0.5 + confidence / 2))
    rng = np.random.default_rng(seed)
    draws = rng.normal(v[ok], se, size=(n_sim, int(ok.sum())))
    ranks = rankdata(sign * draws, axis=1, method="min")
    tail = (1 - level) / 2
    point = rankdata(sign * v[ok], method="min")
    out.loc[ok, "rank"] = point.astype(int)
    out.loc[ok, "rank_lower"] = np.floor(np.quantile(ranks, tail, axis=0)).astype(int)
    out.loc[ok, "rank_upper"] = np.ceil(np.quantile(ranks, 1 - tail, axis=0)).astype(int)
    out.loc[ok, "rank_median"] = np.median(ranks, axis=0).round().astype(int)
    out.loc[ok, "p_best"] = (ranks == 1).mean(axis=0)
    return out
