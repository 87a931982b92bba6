"""A need index for small areas, and how robust its ranking is (Monte Carlo sensitivity).

Indicators are put on one scale, either ranked and exponentially transformed as the IMD does
(so the most needy are spread out and one indicator's extreme cannot be offset by another's
good value), or as z-scores; then combined with stated weights. The sensitivity analysis
redraws the weights (Dirichlet around the stated ones) and the data (normal noise from each
indicator's standard error, or a stated relative error) many times, and reports for each area
how often it is in the top N.

References
----------
MHCLG (2019). *The English Indices of Deprivation 2019: Technical Report*, section 3.6
(exponential transformation: X = −23 ln(1 − R(1 − e^(−100/23))), R the rank scaled to (0, 1]).
Saisana M, Saltelli A, Tarantola S. Uncertainty and sensitivity analysis techniques as tools for
the quality assessment of composite indicators. J R Stat Soc A 2005;168:307-23.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairer.errors import FairerError


@dataclass(frozen=True)
class NeedSpec:
    """One indicator of the index: its column, weight and whether higher values mean more need."""

    column: str
    weight: float = 1.0
    higher_is_more_need: bool = True
    se: str | None = None  # column of standard errors, for the sensitivity analysis


def _exponential(values: np.ndarray) -> np.ndarray:
    """IMD exponential transform of ranks: 0 (least need) … 100 (most need), along axis 0."""
    n = values.shape[0]
    ranks = values.argsort(axis=0, kind="stable").argsort(axis=0, kind="stable") + 1
    r = ranks / n
    return -23 * np.log(1 - r * (1 - np.exp(-100 / 23)))


def _standardise(values: np.ndarray, method: str) -> np.ndarray:
    if method == "exponential":
        return _exponential(values)
    if method == "z":
        sd = values.std(axis=0, ddof=1)
        return (values - values.mean(axis=0)) / np.where(sd > 0, sd, 1)
    raise FairerError(f"unknown standardisation '{method}': choose exponential or z")


def _prepare(
    data: pd.DataFrame, specs: list[NeedSpec], missing: str
) -> tuple[pd.DataFrame, np.ndarray]:
    if not specs:
        raise FairerError("the need index needs at least one indicator")
    for s in specs:
        if s.column not in data:
            raise FairerError(f"need indicator '{s.column}' is not a column of the data")
        if s.weight < 0:
            raise FairerError(f"need indicator '{s.column}' has a negative weight")
    total = sum(s.weight for s in specs)
    if total <= 0:
        raise FairerError("the need weights add up to zero")
    values = data[[s.column for s in specs]].apply(pd.to_numeric, errors="coerce")
    holes = values.isna().any(axis=1)
    if holes.any():
        if missing == "error":
            first = data["area_code"].iloc[int(np.flatnonzero(holes.to_numpy())[0])]
            raise FairerError(
                f"area {first} has missing need data ({int(holes.sum())} areas); choose a missing rule"
            )
        if missing == "drop":
            data, values = data[~holes], values[~holes]
        elif missing == "median":
            values = values.fillna(values.median())
        else:
            raise FairerError(
                f"unknown missing-data rule '{missing}': choose error, drop or median"
            )
    signs = np.array([1.0 if s.higher_is_more_need else -1.0 for s in specs])
    return data.reset_index(drop=True), values.to_numpy(float) * signs


def need_index(
    data: pd.DataFrame, specs: list[NeedSpec], method: str = "exponential", missing: str = "median"
) -> pd.DataFrame:
    """Need score per area (higher = more need), its rank and each indicator's contribution.

    Parameters
    ----------
    data : DataFrame
        ``area_code`` and the indicator columns.
    specs : list of NeedSpec
    method : {'exponential', 'z'}
    missing : {'median', 'drop', 'error'}
        Fill a missing value with the indicator's median, drop the area, or stop.

    Returns
    -------
    DataFrame
        ``area_code, need, need_rank`` (1 = most need) and ``contribution_<column>`` (weighted
        standardised values; they add up to ``need``).

    Examples
    --------
    >>> import pandas as pd
    >>> from fairer.targeting.need import NeedSpec
    >>> d = pd.DataFrame({'area_code': ['A', 'B', 'C'], 'imd_score': [50.0, 20.0, 5.0]})
    >>> need_index(d, [NeedSpec('imd_score')])['need_rank'].tolist()
    [1, 2, 3]
    """
    data, values = _prepare(data, specs, missing)
    weights = np.array([s.weight for s in specs]) / sum(s.weight for s in specs)
    z = _standardise(values, method)
    out = pd.DataFrame({"area_code": data["area_code"].to_numpy()})
    for s, col in zip(specs, (z * weights).T, strict=True):
        out[f"contribution_{s.column}"] = col
    out["need"] = (z * weights).sum(axis=1)
    out["need_rank"] = out["need"].rank(ascending=False, method="min").astype(int)
    return out


def need_sensitivity(
    data: pd.DataFrame,
    specs: list[NeedSpec],
    top_n: int,
    runs: int = 1000,
    method: str = "exponential",
    missing: str = "median",
    concentration: float = 100.0,
    data_error: float = 0.0,
    seed: int | None = 1,
) -> pd.DataFrame:
    """How often each area is in the top ``top_n`` when weights and data vary within reason.

    Weights are drawn from a Dirichlet distribution centred on the stated ones (``concentration``
    100 moves a weight of 0.3 by about ±0.05); values get normal noise with each indicator's
    standard error (``NeedSpec.se``) or ``data_error`` × |value|.

    Returns
    -------
    DataFrame
        ``area_code, p_top_n`` (share of runs in the top N), ``median_rank``, ``rank_5``, ``rank_95``.

    Parameters
    ----------
    data : DataFrame
        ``area_code`` and the need indicators (with standard-error columns where given).
    specs : list of NeedSpec
    top_n : int
        How many of the neediest areas count as "the top".
    runs : int
        Monte Carlo runs.
    method, missing : str
        As for :func:`need_index`.
    concentration : float
        Dirichlet concentration of the weights around the stated ones (higher: less varied).
    data_error : float
        Relative error of every indicator where there is no standard error.
    seed : int, optional

    Examples
    --------
    >>> import pandas as pd
    >>> from fairer.targeting.need import NeedSpec
    >>> d = pd.DataFrame({'area_code': list('ABCD'), 'imd_score': [50.0, 48.0, 20.0, 5.0]})
    >>> need_sensitivity(d, [NeedSpec('imd_score')], top_n=2, runs=200, data_error=0.05)['p_top_n'].round(2).tolist()
    [1.0, 1.0, 0.0, 0.0]
    """
    if top_n < 1 or runs < 1:
        raise FairerError("top_n and runs must be at least 1")
    data, values = _prepare(data, specs, missing)
    if top_n > len(data):
        raise FairerError(f"asked for the top {top_n} of only {len(data)} areas")
    rng = np.random.default_rng(seed)
    base = np.array([s.weight for s in specs], dtype=float)
    base = base / base.sum()
    se = np.column_stack(
        [
            pd.to_numeric(data[s.se], errors="coerce").fillna(0).to_numpy(float)
            if s.se
            else data_error * np.abs(values[:, i])
            for i, s in enumerate(specs)
        ]
    )
    n, k = values.shape
    in_top = np.zeros(n)
    ranks = np.empty((runs, n), dtype=np.int32)
    fixed = None if se.any() else _standardise(values, method)  # data do not vary: standardise once
    chunk = max(1, min(runs, 4_000_000 // max(n, 1)))
    for start in range(0, runs, chunk):
        m = min(chunk, runs - start)
        w = rng.dirichlet(base * concentration + 1e-9, size=m) if k > 1 else np.ones((m, 1))
        if fixed is not None:
            scores = fixed @ w.T  # (n, m): one column per run
        else:
            scores = np.column_stack(
                [
                    _standardise(values + se * rng.standard_normal((n, k)), method) @ w[j]
                    for j in range(m)
                ]
            )
        order = np.argsort(-scores, axis=0, kind="stable")
        rank = np.empty(order.shape, dtype=np.int32)
        np.put_along_axis(rank, order, np.arange(1, n + 1, dtype=np.int32)[:, None], axis=0)
        ranks[start : start + m] = rank.T
        in_top += (rank <= top_n).sum(axis=1)
    return pd.DataFrame(
        {
            "area_code": data["area_code"].to_numpy(),
            "p_top_n": in_top / runs,
            "median_rank": np.median(ranks, axis=0),
            "rank_5": np.percentile(ranks, 5, axis=0),
            "rank_95": np.percentile(ranks, 95, axis=0),
        }
    )
