"""Assign small areas to quantiles of a value within groups (``phe_quantile``).

Areas are ranked (ties take the lowest rank) and placed in ``nquantiles`` groups of as equal
size as the ranks allow. With ``invert`` (the default) the lowest quantile holds the highest
values, as for deprivation scores where quantile 1 is the most deprived.

References
----------
Public Health England, *Technical guide: assigning deprivation categories* (2018).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairer.stats._common import (
    StatsError,
    check_type,
    group_index,
    normalise_by,
    numeric,
    require_columns,
    warn,
)


def _as_bool(v) -> bool:
    if isinstance(v, str):
        s = v.strip().upper()
        if s in ("TRUE", "T", "1", "YES"):
            return True
        if s in ("FALSE", "F", "0", "NO"):
            return False
        raise StatsError(f"invert value '{v}' is not TRUE or FALSE")
    return bool(v)


def quantile(
    data: pd.DataFrame,
    values: str,
    by: list[str] | str | None = None,
    nquantiles: int = 10,
    invert=True,
    type: str = "full",
) -> pd.DataFrame:
    """Add a ``quantile`` column (1 … ``nquantiles``) to every row.

    Parameters
    ----------
    values : str
        The column to rank. Missing values get no quantile.
    by : list of str, optional
        Quantiles are assigned within each group.
    nquantiles : int
        Number of quantiles (10 = deciles).
    invert : bool or str
        True: quantile 1 holds the highest values. A column name: that column says, per group,
        whether to invert (it must be the same within a group).
    type : {'full', 'standard'}
        ``full`` adds ``nquantiles, groupvars, qinverted``.

    Raises
    ------
    StatsError
        Non-numeric values, a bad ``invert``, or ``invert`` varying within a group.

    Returns
    -------
    DataFrame
        The data with ``quantile`` (1 = highest values when ``invert``) and the method columns.

    Examples
    --------
    >>> import pandas as pd
    >>> q = quantile(pd.DataFrame({'v': range(10)}), 'v', nquantiles=5, type='standard')
    >>> q['quantile'].tolist()
    [5.0, 5.0, 4.0, 4.0, 3.0, 3.0, 2.0, 2.0, 1.0, 1.0]
    """
    check_type(type)
    require_columns(data, values)
    by = normalise_by(by)
    require_columns(data, *by)
    if not isinstance(nquantiles, (int, np.integer)) or nquantiles < 1:
        raise StatsError("nquantiles must be a positive whole number")
    v = numeric(data, values, rule="values argument must be a numeric field from data")
    codes, keys = group_index(data, by)
    if isinstance(invert, str) and invert in data.columns:
        inv = data[invert].map(_as_bool).to_numpy(dtype=bool)
        per_group = pd.Series(inv).groupby(codes).nunique()
        if (per_group > 1).any():
            raise StatsError(
                "invert field values must take the same logical value for each data grouping set"
            )
    elif isinstance(invert, str) and invert.strip().upper() not in ("TRUE", "FALSE", "T", "F"):
        raise StatsError(f"invert is not a field name from data ('{invert}')")
    elif not isinstance(invert, (bool, np.bool_, str)):
        raise StatsError(f"invert expressed as a logical must equal TRUE or FALSE ('{invert}')")
    else:
        inv = np.full(len(data), _as_bool(invert))
    frame = pd.DataFrame({"g": codes, "v": v, "inv": inv})
    gmax = frame.groupby("g")["v"].transform("max")
    frame["adj"] = np.where(frame["inv"], gmax - frame["v"], frame["v"])
    rank = frame.groupby("g")["adj"].rank(method="min", na_option="keep").to_numpy()
    count = frame.groupby("g")["v"].transform("count").to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.floor((nquantiles + 1) - np.ceil(((count + 1) - rank) / (count / nquantiles)))
    q = np.where(q == 0, 1, q)
    q = np.where(count < nquantiles, np.nan, q)
    if np.any(~np.isnan(v) & np.isnan(q) & (count < nquantiles)):
        warn(
            "One or more groups had too few small areas with values to allow quantiles to be assigned"
        )
    out = data.copy()
    out["quantile"] = q
    if type == "full":
        out["nquantiles"] = nquantiles
        out["groupvars"] = ", ".join(by)
        out["qinverted"] = np.where(
            inv,
            "lowest quantile represents highest values",
            "lowest quantile represents lowest values",
        )
    return out
