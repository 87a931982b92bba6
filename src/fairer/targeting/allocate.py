"""Split a budget by proportionate universalism: action everywhere, more where need is greater.

Each area gets a universal per-head share of ``universal_share`` of the budget, plus a share of
the rest weighted by population × need weight, where the weight runs linearly from 1 for the
area of least need to ``gradient`` for the area of most need (by need rank; 3 gives the 3:1
most-to-least ratio public health grant advice uses, applied to the targeted part). Floors, caps
and a pace-of-change limit on current spend bound each area; money freed by a bound is shared
among the others in proportion to their unbounded allocations, until nothing moves. Amounts are
then rounded to whole pennies by the largest-remainder rule (ties broken by area code), so the
allocations add up to the budget exactly.

References
----------
Marmot M et al. *Fair Society, Healthy Lives* (2010): proportionate universalism. Advisory
Committee on Resource Allocation, *Public health grant: proposed target allocation formula*
(DHSC, 2016 and updates).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairer.errors import FairerError


def need_weights(need: np.ndarray, gradient: float) -> np.ndarray:
    """Weights from 1 (least need) to ``gradient`` (most need), linear in need rank (ties share)."""
    if len(need) == 1:
        return np.array([float(gradient)])
    r = pd.Series(need).rank(method="average").to_numpy()
    return 1 + (gradient - 1) * (r - 1) / (len(need) - 1)


def _water_fill(ideal: np.ndarray, lo: np.ndarray, hi: np.ndarray, total: float) -> np.ndarray:
    """Amounts within [lo, hi] adding to ``total``: clip(λ·ideal, lo, hi) for the λ that fits.

    The sum is continuous and non-decreasing in λ, so bisection finds it; every area not held
    at a bound gets the same multiple of its unbounded allocation.
    """
    if lo.sum() - 1e-6 > total or hi.sum() + 1e-6 < total:
        raise FairerError(
            f"the floors, caps and pace limits cannot be met with this budget (they need between "
            f"£{lo.sum():,.2f} and £{hi.sum():,.2f}; the budget is £{total:,.2f})"
        )
    low, high = 0.0, 1.0
    while np.clip(high * ideal, lo, hi).sum() < total:
        high *= 2
    for _ in range(200):
        mid = (low + high) / 2
        if np.clip(mid * ideal, lo, hi).sum() < total:
            low = mid
        else:
            high = mid
    out = np.clip(high * ideal, lo, hi)
    free = (out > lo) & (out < hi)
    if free.any():  # put the last fraction of a penny where no bound is touched
        out[free] += (total - out.sum()) * ideal[free] / ideal[free].sum()
    return out


def _to_pennies(
    amounts: np.ndarray, total: float, codes: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Whole pennies adding to ``total``, within each area's bounds, by the largest remainder.

    Amounts are floored to pennies and held within the (whole-penny) floor and cap; the pennies
    still to give go to the largest remainders among areas below their cap (or, if over, come
    from the smallest remainders above their floor), ties broken by area code.
    """
    target = int(round(total * 100))
    cap_p = np.floor(hi * 100 + 1e-7).astype(np.int64)
    floor_p = np.minimum(np.ceil(lo * 100 - 1e-7).astype(np.int64), cap_p)
    exact = amounts * 100
    pennies = np.clip(np.floor(exact + 1e-7).astype(np.int64), floor_p, cap_p)
    remainder = exact - pennies
    short = target - int(pennies.sum())
    while short != 0:
        if short > 0:
            room = pennies < cap_p
            order = np.lexsort((codes, -remainder))
        else:
            room = pennies > floor_p
            order = np.lexsort((codes, remainder))
        order = order[room[order]]
        if len(order) == 0:
            raise FairerError("the budget cannot be split into pennies within the floors and caps")
        step = order[: min(abs(short), len(order))]
        pennies[step] += 1 if short > 0 else -1
        remainder[step] -= 1 if short > 0 else -1
        short = target - int(pennies.sum())
    return pennies


def allocate(
    areas: pd.DataFrame,
    budget: float,
    need: str = "need",
    population: str = "population",
    universal_share: float = 0.5,
    gradient: float = 3.0,
    floor: float | None = None,
    cap: float | None = None,
    current: str | None = None,
    pace: float | None = None,
) -> pd.DataFrame:
    """Allocate ``budget`` across ``areas`` by proportionate universalism.

    Parameters
    ----------
    areas : DataFrame
        One row per area with ``area_code``, ``population`` and a ``need`` score (higher = more
        need), optionally ``area_name`` and a current-spend column.
    budget : float
        Pounds to allocate (> 0).
    universal_share : float
        Share of the budget given equally per head (0 to 1).
    gradient : float
        Need weight of the area of most need relative to least (≥ 1; 1 = equal per head).
    floor, cap : float, optional
        Least and most any area may get (pounds).
    current, pace : optional
        Current-spend column and the largest change from it allowed (0.1 = ±10%).

    Returns
    -------
    DataFrame
        ``area_code, [area_name,] population, need, need_weight, universal, targeted, allocation,
        allocation_per_head`` and, with ``current``, ``current, change``.

    Raises
    ------
    FairerError
        Budget ≤ 0, shares or gradient out of range, missing or negative populations, or bounds
        that the budget cannot meet.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({'area_code': ['A', 'B', 'C'], 'need': [30.0, 20.0, 10.0], 'population': [1000, 1000, 1000]})
    >>> allocate(a, 9000, gradient=3)['allocation'].tolist()
    [3750.0, 3000.0, 2250.0]
    """
    if not budget or budget <= 0:
        raise FairerError(f"the budget must be more than zero (got {budget})")
    if not 0 <= universal_share <= 1:
        raise FairerError("the universal share must be between 0 and 1")
    if gradient < 1:
        raise FairerError("the gradient must be at least 1 (1 = the same per head everywhere)")
    for col in ("area_code", population, need):
        if col not in areas:
            raise FairerError(f"allocation needs a '{col}' column")
    pop = pd.to_numeric(areas[population], errors="coerce").to_numpy(float)
    if np.isnan(pop).any() or (pop <= 0).any():
        bad = areas["area_code"].iloc[int(np.flatnonzero(np.isnan(pop) | (pop <= 0))[0])]
        raise FairerError(f"area {bad} has a missing or non-positive population")
    needs = pd.to_numeric(areas[need], errors="coerce").to_numpy(float)
    if np.isnan(needs).any():
        raise FairerError("every area needs a need score (fill or drop the missing ones first)")
    w = need_weights(needs, gradient)
    universal = budget * universal_share * pop / pop.sum()
    targeted = budget * (1 - universal_share) * pop * w / (pop * w).sum()
    ideal = universal + targeted
    lo = np.full(len(pop), 0.0 if floor is None else float(floor))
    hi = np.full(len(pop), np.inf if cap is None else float(cap))
    cur = None
    if current is not None:
        cur = pd.to_numeric(areas[current], errors="coerce").fillna(0).to_numpy(float)
        if pace is not None:
            lo = np.maximum(lo, cur * (1 - pace))
            hi = np.minimum(hi, cur * (1 + pace))
    amounts = _water_fill(ideal, lo, np.where(np.isinf(hi), budget, hi), float(budget))
    pennies = _to_pennies(
        amounts,
        float(budget),
        areas["area_code"].astype(str).to_numpy(),
        lo,
        np.where(np.isinf(hi), budget, hi),
    )
    out = pd.DataFrame({"area_code": areas["area_code"].to_numpy()})
    if "area_name" in areas:
        out["area_name"] = areas["area_name"].to_numpy()
    out["population"], out["need"], out["need_weight"] = pop, needs, w
    out["universal"], out["targeted"] = np.round(universal, 2), np.round(targeted, 2)
    out["allocation"] = pennies / 100
    out["allocation_per_head"] = out["allocation"] / pop
    if cur is not None:
        out["current"], out["change"] = cur, out["allocation"] - cur
    out.attrs["pennies"] = pennies
    return out
