"""A league table of areas (or of a partnership's places) with significance-aware ranks.

Partners asked for "a local leaderboard". A bare rank would tell a ward it is 7th when it could
as well be 3rd or 12th; each area here gets its rank interval by simulation
(:func:`fairer.stats.rank_intervals`), and the table says which areas are clearly ahead or behind.
"""

from __future__ import annotations

import pandas as pd

from fairer.errors import FairerError
from fairer.stats import rank_intervals


def league_table(
    results: pd.DataFrame, indicator_id: str, level: str = "ward", n_sim: int = 10_000
) -> pd.DataFrame:
    """The latest period's league table for one indicator, best first, with rank intervals.

    Parameters
    ----------
    results : DataFrame
        Published framework results (``indicator_results``: ``area_code, area_name, level,
        indicator_id, polarity, latest, value, lowercl, uppercl`` …), from one place or several
        places' tables concatenated.
    indicator_id : str
    level : str
        ``ward`` (the place's wards) or ``place`` (a partnership's places).
    n_sim : int
        Simulated tables for the rank intervals.

    Returns
    -------
    DataFrame
        ``area_code, area_name, period, value, lowercl, uppercl, rank, rank_lower, rank_upper,
        p_best, standing`` sorted by rank; ``standing`` is ``top third`` / ``bottom third`` when
        the whole rank interval lies there, else ``cannot be separated``. Rows without limits
        (suppressed) keep no rank.

    Raises
    ------
    FairerError
        The indicator is not in the results at that level.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({'area_code': ['A', 'B', 'C'], 'area_name': ['A', 'B', 'C'],
    ...     'level': 'ward', 'indicator_id': 'x', 'polarity': 'lower is better', 'latest': True,
    ...     'period': '2024', 'value': [10.0, 30.0, 50.0], 'lowercl': [9.0, 29.0, 49.0],
    ...     'uppercl': [11.0, 31.0, 51.0]})
    >>> league_table(r, 'x')[['area_code', 'rank', 'standing']].values.tolist()
    [['A', 1, 'top third'], ['B', 2, 'cannot be separated'], ['C', 3, 'bottom third']]
    """
    rows = results[
        (results["indicator_id"] == indicator_id)
        & (results["level"] == level)
        & results["latest"].astype(bool)
    ]
    if rows.empty:
        raise FairerError(f"no latest results for indicator '{indicator_id}' at {level} level")
    polarity = str(rows["polarity"].iloc[0]).lower()
    higher = polarity.startswith("higher")
    cols = ["area_code", "area_name", "period", "value", "lowercl", "uppercl"]
    out = rank_intervals(rows[cols].reset_index(drop=True), higher_is_better=higher, n_sim=n_sim)
    n = int(out["rank"].notna().sum())
    third = max(1, n // 3)

    def standing(r) -> str:
        if pd.isna(r["rank"]):
            return "not ranked (suppressed or no limits)"
        if r["rank_upper"] <= third:
            return "top third"
        if r["rank_lower"] > n - third:
            return "bottom third"
        return "cannot be separated"

    out["standing"] = out.apply(standing, axis=1)
    out["ranked_by"] = polarity if polarity.endswith("better") else "highest first (no polarity)"
    return out.sort_values(["rank", "area_name"], na_position="last").reset_index(drop=True)
