"""Funnel plots: control limits, significance of points, and points for rate charts.

Control limits around a baseline (the pooled value of all areas) at about 2 and 3 standard
deviations (two-sided 95% and 99.8%), as the Fingertips technical guidance sets out:

- **proportions**: Wilson score limits around the pooled proportion for each population size;
- **ratios** (observed / expected, as counts or ×100 ISRs) and **rates** (crude or DSRs):
  exact Poisson limits on the number of events, found by bisection on the Poisson tail
  probability as in the Fingertips funnel-plot tool.

The limits table has 100 rows spanning a neat axis range; points are tested against the
same limits.

References
----------
Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
2005;24:1185-202. Public Health England, *Technical guide: funnel plots* and the Fingertips
funnel plot tool (2018).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from fairer.stats._common import StatsError, numeric, require_columns
from fairer.stats.ci import poisson_limits

SIGNIFICANCE = ["High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)", "Not significant"]
NOT_APPLICABLE = "Not applicable for events less than 10 for dsrs"


def _wilson_limit(p: float, population, average: float, side: str, multiplier: float):
    """Wilson-score control limit around ``average`` for a sample of size ``population``."""
    z2 = sps.norm.ppf(p) ** 2
    n = np.asarray(population, dtype=float)
    first = average * (n / z2 + 1)
    inner = (-8 * average * (n / z2 + 1)) ** 2 - 64 * (1 / z2 + 1 / n) * average * (
        n * (average * (n / z2 + 2) - 1) + z2 * (average - 1)
    )
    adj = np.sqrt(inner)
    last = 1 / z2 + 1 / n
    value = (first - adj / 8) / last if side == "low" else (first + adj / 8) / last
    return value / n * multiplier


def _poisson_range_probability(
    z: np.ndarray, low: np.ndarray, high: float | np.ndarray
) -> np.ndarray:
    """P(low ≤ X ≤ high) for X ~ Poisson(z), summed term by term as the Fingertips tool does.

    The terms run until past the mean and until a term is below 1e-10 of the running total,
    rescaling to avoid overflow. Summing the same way as the reference keeps every bisection
    step in :func:`_poisson_funnel` the same as the reference's.
    """
    z = np.asarray(z, dtype=float)
    low = np.broadcast_to(np.asarray(low, dtype=float), z.shape)
    high = np.broadcast_to(np.asarray(high, dtype=float), z.shape)
    q = np.ones_like(z)
    tot = np.zeros_like(z)
    acc = np.zeros_like(z)
    k = 0
    active = np.ones(z.shape, dtype=bool)
    while active.any():
        tot = np.where(active, tot + q, tot)
        inside = active & (k >= low) & (k <= high)
        acc = np.where(inside, acc + q, acc)
        big = active & (tot > 1e30)
        if big.any():
            acc, tot, q = (
                np.where(big, acc / 1e30, acc),
                np.where(big, tot / 1e30, tot),
                np.where(big, q / 1e30, q),
            )
        k += 1
        q = np.where(active, q * z / k, q)
        active = active & ((k <= z) | (q > tot * 1e-10))
    return acc / tot


def _poisson_funnel(obs, p: float, side: str) -> np.ndarray:
    """Expected count at which ``obs`` events sit on the ``p`` tail (bisection, as Fingertips does).

    Bisects on v in (0, 1) with z = (1 + obs)·v / (1 − v) until the step is below 1e-7, so the
    result carries the same bisection error as the reference tool.
    """
    obs = np.asarray(obs, dtype=float)
    v = np.full(obs.shape, 0.5)
    dv = 0.5
    while dv > 1e-7:
        dv /= 2
        z = (1 + obs) * v / (1 - v)
        prob = sps.poisson.sf(obs - 1, z) if side == "low" else sps.poisson.cdf(obs, z)
        # Only a probability this close to p (the reference sums its series to 1e-10 of the total) could be decided differently by the reference's
        # own summation; recompute those few exactly as it does.
        close = np.abs(prob - p) <= 1e-6 * p
        if close.any():
            high = 1e10 if side == "low" else obs[close]
            low = obs[close] if side == "low" else 0.0
            prob[close] = _poisson_range_probability(z[close], low, high)
        go_down = prob > p if side == "low" else prob < p
        v = np.where(go_down, v - dv, v + dv)
    return (1 + obs) * v / (1 - v)


def _r_nchar(x: float) -> int:
    """Characters R uses to print a whole number (it prefers the shorter of fixed and scientific)."""
    digits = str(int(x))
    sig = digits.rstrip("0") or "0"
    exp = len(digits) - 1
    sci = sig[0] + ("." + sig[1:] if len(sig) > 1 else "") + f"e+{exp:02d}"
    return len(sci) if len(digits) > len(sci) else len(digits)


def _floor_neat(x: float, down: float = 0.95) -> float:
    if x == 0:
        return 0.0
    n = _r_nchar(np.floor(x * down)) - 1
    return float(np.floor(x * down / 10**n) * 10**n)


def _ceiling_neat(x: float, up: float = 1.05) -> float:
    if x == 0:
        return 0.0
    n = _r_nchar(np.ceil(x * up)) - 2
    return float(np.ceil(x * up / 10.0**n) * 10.0**n)


def _derived_denominator(data, numerator, denominator, rate, statistic, rate_type, multiplier):
    num = numeric(data, numerator)
    if statistic in ("proportion", "ratio"):
        return num, numeric(data, denominator)
    r = numeric(data, rate)
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = multiplier * num / r
    if rate_type == "dsr":
        derived = np.where(num == 0, np.nan, derived)
    elif denominator is not None:
        derived = (
            numeric(data, denominator) if rate_type == "crude" and not np.any(num) else derived
        )
        derived = np.where(num == 0, numeric(data, denominator), derived)
    return num, derived


_REQUIRED_FOR_RATES = {
    "limits": "data, numerator, rate, rate_type, multiplier, years_of_data",
    "significance": "data, numerator, rate, rate_type, multiplier",
    "points": "data, numerator, rate, rate_type, years_of_data, multiplier",
}


def _check(
    data,
    numerator,
    denominator,
    rate,
    statistic,
    ratio_type,
    rate_type,
    years_of_data,
    multiplier,
    caller: str = "limits",
):
    """The reference's checks for each funnel function, in its order and words."""
    if statistic not in ("proportion", "ratio", "rate"):
        raise StatsError("statistic must be provided as proportion, rate or ratio")
    if statistic == "rate":
        needs_years = caller != "significance"
        if (
            rate is None
            or rate_type is None
            or multiplier is None
            or (needs_years and years_of_data is None)
        ):
            raise StatsError(
                f"the following arguments are required for rates: {_REQUIRED_FOR_RATES[caller]}"
            )
        require_columns(data, numerator, rate, denominator)
        num, rates = numeric(data, numerator), numeric(data, rate)
        den = numeric(data, denominator) if denominator is not None else None
        if caller != "points":
            if np.isnan(num).any():
                raise StatsError(
                    "for rates, numerators must be provided for all records, even when their "
                    "values are zero"
                )
            missing_rate = np.isnan(rates) if den is None else np.isnan(rates) & np.isnan(den)
            if missing_rate.any():
                raise StatsError(
                    "for rates, rates must be provided for all records, or a denominator must be "
                    "provided if the rate is zero"
                )
        if np.any(num == 0):
            if den is None:
                raise StatsError(
                    "for rates, where there are 0 events for a record, the denominator field "
                    "needs to be provided using the denominator argument"
                )
            unusable = (den == 0) if caller == "points" else (den <= 0)
            if np.any((num == 0) & (unusable | np.isnan(den))):
                raise StatsError(
                    "for rates, where there are 0 events for a record, the denominator must be "
                    "provided"
                )
        if rate_type not in ("dsr", "crude"):
            raise StatsError("rate_type must be dsr or crude when statistic is rate")
        return
    if caller == "significance":
        if denominator is None:
            raise StatsError(
                "the following arguments are required for ratios and proportions: "
                "data, numerator, denominator"
            )
    elif denominator is None or multiplier is None:
        needed = "ratio_type, multiplier" if statistic == "ratio" else "multiplier"
        raise StatsError(
            f"the following arguments are required for {statistic}s: "
            f"data, numerator, denominator, {needed}"
        )
    require_columns(data, numerator, denominator)
    if statistic == "proportion" and (
        np.isnan(numeric(data, numerator)).any() or np.isnan(numeric(data, denominator)).any()
    ):
        raise StatsError(
            "for proportions, numerators and denominators must be provided for all records, "
            "even when their values are zero"
        )
    if statistic == "ratio" and ratio_type not in (None, "count", "isr"):
        raise StatsError("ratio_type must be count or isr")


def funnel_limits(
    data: pd.DataFrame,
    numerator: str,
    denominator: str | None = None,
    rate: str | None = None,
    statistic: str = "proportion",
    ratio_type: str | None = None,
    rate_type: str | None = None,
    years_of_data: float | None = None,
    multiplier: float = 100,
    type: str = "full",
) -> pd.DataFrame:
    """Control limits for a funnel plot, as a 100-row table across the x-axis.

    Parameters
    ----------
    data : DataFrame
        The points: numerators with denominators (proportions, ratios: observed and expected),
        or with rates (rates; crude rates may give a denominator instead).
    statistic : {'proportion', 'ratio', 'rate'}
    ratio_type : {'count', 'isr'}
        Ratios as observed/expected − 1 ('count') or × 100 ('isr').
    rate_type : {'dsr', 'crude'}
    years_of_data : float
        Years the rates cover (rates only).
    multiplier : float
        100 for percentages; the rate's multiplier (e.g. 100,000) for rates.

    Returns
    -------
    DataFrame
        ``Population`` (proportions), ``Observed_events`` (ratios) or ``Events`` (rates), then
        ``lower_2s_limit, upper_2s_limit, lower_3s_limit, upper_3s_limit`` (with the expected
        events or 1-year populations behind each for ratios and rates), ``baseline`` and, for
        ``type='full'``, ``statistic, method``.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({'num': [20, 45, 70], 'den': [100, 200, 300]})
    >>> list(funnel_limits(d, 'num', 'den', statistic='proportion', multiplier=100).columns[:3])
    ['Population', 'lower_2s_limit', 'upper_2s_limit']
    """
    _check(
        data,
        numerator,
        denominator,
        rate,
        statistic,
        ratio_type,
        rate_type,
        years_of_data,
        multiplier,
    )
    if type not in ("full", "standard"):
        raise StatsError("type must be one of standard or full")
    if statistic == "ratio":
        ratio_type = ratio_type or "count"
    num, den = _derived_denominator(
        data, numerator, denominator, rate, statistic, rate_type, multiplier
    )
    av = np.nansum(num) / np.nansum(den)
    dmin, dmax = np.nanmin(den), np.nanmax(den)
    per_year = years_of_data if statistic == "rate" else 1
    axis_min = 0.0 if dmax > 2 * dmin else _floor_neat(dmin / per_year) * per_year
    axis_max = _ceiling_neat(dmax / per_year) * per_year
    if statistic == "rate":
        axis_min, axis_max = float(np.floor(axis_min * av)), float(np.ceil(axis_max * av))
    x = [max(1.0, axis_min)]
    for j in range(2, 101):
        offset = j - 1 if statistic == "ratio" else j
        prev = x[-1]
        x.append(max(float(np.round((axis_max / prev) ** (1 / (101 - offset)) * prev)), prev + 1))
    x = np.array(x)
    if statistic == "proportion":
        out = pd.DataFrame({"Population": x})
        out["lower_2s_limit"] = np.maximum(0, _wilson_limit(0.975, x, av, "low", multiplier))
        out["upper_2s_limit"] = np.minimum(100, _wilson_limit(0.975, x, av, "high", multiplier))
        out["lower_3s_limit"] = np.maximum(0, _wilson_limit(0.999, x, av, "low", multiplier))
        out["upper_3s_limit"] = np.minimum(100, _wilson_limit(0.999, x, av, "high", multiplier))
        out["baseline"] = av * multiplier
        label, method = "proportion", "Wilson"
    else:
        head = "Observed_events" if statistic == "ratio" else "Events"
        sub = "exp_events" if statistic == "ratio" else "population_1_year"
        out = pd.DataFrame({head: x})
        scale = 1.0 if statistic == "ratio" else av
        for s, p in (("2s", 0.025), ("3s", 0.001)):
            lo = _poisson_funnel(x, p, "high") / scale
            up = _poisson_funnel(x, p, "low") / scale
            out[f"lower_{s}_{sub}"], out[f"lower_{s}_limit"] = lo, x / lo
            out[f"upper_{s}_{sub}"], out[f"upper_{s}_limit"] = up, x / up
        order = [head] + [
            f"{b}_{s}_{k}" for s in ("2s", "3s") for b in ("lower", "upper") for k in (sub, "limit")
        ]
        out = out[order]
        limits = [c for c in out.columns if c.endswith("limit")]
        if statistic == "ratio":
            out[limits] = out[limits] - 1 if ratio_type == "count" else out[limits] * 100
            label = f"ratio ({ratio_type})"
        else:
            out["baseline"] = av * multiplier
            out[limits] = out[limits] * multiplier
            pops = [c for c in out.columns if c.endswith("1_year")]
            out[pops] = out[pops] / years_of_data
            label = f"rate ({rate_type} per {multiplier:,.0f})"
        method = "Poisson"
    if type == "full":
        out["statistic"] = label
        out["method"] = method
    return out


def funnel_significance(
    data: pd.DataFrame,
    numerator: str,
    denominator: str | None = None,
    rate: str | None = None,
    statistic: str = "proportion",
    rate_type: str | None = None,
    multiplier: float | None = None,
) -> pd.DataFrame:
    """Label each point High/Low at 0.025 or 0.001, or Not significant, against the funnel.

    Returns the input with a categorical ``significance`` column. DSR points with fewer than
    10 events are "Not applicable for events less than 10 for dsrs".

    Raises
    ------
    StatsError
        Negative numerators, zero or negative denominators, numerators above denominators for
        proportions, or missing arguments.

    Parameters
    ----------
    data : DataFrame
    numerator, denominator, rate : str
        The columns (as for :func:`funnel_limits`).
    statistic : {'proportion', 'ratio', 'rate'}
    rate_type : {'dsr', 'crude'}, optional
    multiplier : float, optional

    Returns
    -------
    DataFrame
        The data with ``significance``: each point's position against the 95% and 99.8%
        limits (``High (0.001)``, ``High (0.025)``, ``Low (0.025)``, ``Low (0.001)``, or none).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({'num': [20, 45, 120], 'den': [100, 200, 300]})
    >>> funnel_significance(d, 'num', 'den', statistic='proportion')['significance'].tolist()
    ['Low (0.025)', 'Low (0.025)', 'High (0.001)']
    """
    _check(
        data,
        numerator,
        denominator,
        rate,
        statistic,
        None,
        rate_type,
        None,
        multiplier if statistic == "rate" else 1,
        caller="significance",
    )
    num = numeric(data, numerator)
    if np.any(num < 0):
        raise StatsError("numerators must be greater than or equal to zero")
    den = numeric(data, denominator) if denominator is not None else None
    if den is not None and np.any(den <= 0):
        raise StatsError("denominators must be greater than zero")
    if statistic == "proportion" and np.any(num > den):
        raise StatsError(
            "numerators must be less than or equal to denominator for a proportion statistic"
        )
    levels = list(SIGNIFICANCE)
    if statistic == "proportion":
        av = num.sum() / den.sum()
        value = num / den
        labels = np.select(
            [
                value < _wilson_limit(0.999, den, av, "low", 1),
                value < _wilson_limit(0.975, den, av, "low", 1),
                value > _wilson_limit(0.999, den, av, "high", 1),
                value > _wilson_limit(0.975, den, av, "high", 1),
            ],
            SIGNIFICANCE[2:4] + SIGNIFICANCE[0:2],
            default="Not significant",
        )
    else:
        if statistic == "ratio":
            expected, target = den, 1.0
        else:
            r = numeric(data, rate)
            with np.errstate(divide="ignore", invalid="ignore"):
                expected = num / r * multiplier
            if rate_type == "dsr":
                expected = np.where(num == 0, np.nan, expected)
            else:
                expected = np.where(num == 0, den, expected)
            target = num.sum() / np.nansum(expected)
        with np.errstate(divide="ignore", invalid="ignore"):
            lo998, hi998, _ = poisson_limits(num, 0.998)
            lo95, hi95, _ = poisson_limits(num, 0.95)
            labels = np.select(
                [
                    target < lo998 / expected,
                    target < lo95 / expected,
                    target > hi998 / expected,
                    target > hi95 / expected,
                ],
                SIGNIFICANCE[:4],
                default="Not significant",
            )
        if statistic == "rate" and rate_type == "dsr":
            labels = np.where(num < 10, NOT_APPLICABLE, labels)
            levels.append(NOT_APPLICABLE)
    out = data.copy()
    out["significance"] = pd.Categorical(labels, categories=levels)
    return out


def funnel_points(
    data: pd.DataFrame,
    numerator: str,
    rate: str,
    rate_type: str,
    years_of_data: float,
    multiplier: float,
    denominator: str | None = None,
) -> pd.DataFrame:
    """Points for a rate funnel chart: ``<rate>_chart`` and a one-year ``denominator_derived``.

    DSR points with fewer than 10 events are dropped from the chart (NA), as Fingertips does.

    Parameters
    ----------
    data : DataFrame
    numerator : str
    rate : str
        The rate column.
    rate_type : {'dsr', 'crude'}
    years_of_data : float
    multiplier : float
    denominator : str, optional

    Returns
    -------
    DataFrame
        The data with the denominators to plot rates against (``denominator_derived``).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({'num': [20, 45], 'rate': [50.0, 80.0]})
    >>> list(funnel_points(d, 'num', 'rate', 'crude', 1, 100000).columns)[-1]
    'denominator_derived'
    """
    _check(
        data, numerator, denominator, rate, "rate", None, rate_type, years_of_data, multiplier,
        caller="points",
    )  # fmt: skip
    num, r = numeric(data, numerator), numeric(data, rate)
    out = data.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = (multiplier * num / r) / years_of_data
    if rate_type == "dsr":
        out[f"{rate}_chart"] = np.where(num < 10, np.nan, r)
        out["denominator_derived"] = np.where(num < 10, np.nan, derived)
    else:
        out[f"{rate}_chart"] = r
        if denominator is not None:
            derived = np.where(num == 0, numeric(data, denominator) / years_of_data, derived)
        out["denominator_derived"] = derived
    return out
