"""Recent trends as Fingertips marks them: the last five points, tested at 99.8%.

For each group, the five most recent periods that have a value (and, for the regression test,
95% confidence limits) are numbered t = 1 … 5 in time order.

* **Proportions** (counts given): the chi-square test for trend in proportions (Cochran-Armitage,
  as R's ``prop.trend.test`` with scores t):
  ``χ² = N (N Σxₜt - X Σnₜt)² / (X (N - X) (N Σnₜt² - (Σnₜt)²))``.
* **Other values** (rates, means, life expectancy …): a weighted least-squares slope of the value
  on t with weights 1/SE², SE = (upper − lower) / 3.92, and ``χ² = (slope / SE(slope))²``.

A trend is significant when χ² exceeds the 99.8% point of χ² on one degree of freedom (9.5495)
**and** it is not carried by one point: the slope (of the logit of the proportion, or the
weighted slope) keeps its sign when each of the five points is left out in turn. The marker is
then *increasing* or *decreasing* by the slope's sign; otherwise *no significant change*; with
fewer than five points, *cannot be calculated*. With a polarity the marker adds *and getting
better* / *and getting worse*, as Fingertips colours it.

References
----------
Office for Health Improvement and Disparities. *Fingertips: recent trends* (trend markers,
public health profiles technical guidance). Armitage P. Tests for linear trends in proportions
and frequencies. *Biometrics* 1955;11:375-386. Altman DG. *Practical statistics for medical
research*. Chapman & Hall, 1991: 261-265.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2

from fairer.stats._common import StatsError, normalise_by, numeric, require_columns

POINTS = 5
LEVEL = 0.998
INCREASING, DECREASING = "increasing", "decreasing"
NO_CHANGE, CANNOT = "no significant change", "cannot be calculated"


def recent_trend(
    data: pd.DataFrame,
    period: str,
    by: list[str] | str | None = None,
    x: str | None = None,
    n: str | None = None,
    value: str | None = None,
    lowercl: str | None = None,
    uppercl: str | None = None,
    polarity: str | None = None,
    points: int = POINTS,
    confidence: float = LEVEL,
) -> pd.DataFrame:
    """The Fingertips recent-trend marker of each group.

    Parameters
    ----------
    data : DataFrame
        One row per group and period.
    period : str
        A column that orders periods (numbers, or labels such as ``"2019/20"`` that sort in
        time order).
    by : list of str, optional
        Grouping columns (area, sex …).
    x, n : str, optional
        Numerator and denominator: the chi-square test for trend in proportions.
    value, lowercl, uppercl : str, optional
        The value and its 95% limits: the weighted regression test (when ``x``/``n`` are not
        given).
    polarity : {'higher is better', 'lower is better'}, optional
        Adds "and getting better/worse" to significant markers.
    points : int
        How many of the latest points are tested (Fingertips: 5).
    confidence : float
        Significance level (Fingertips: 0.998).

    Returns
    -------
    DataFrame
        One row per group: ``by…, trend, chi_square, slope, points_used, method``.

    Raises
    ------
    StatsError
        Neither counts nor value and limits, a numerator above its denominator, or a
        confidence outside (0, 1).

    References
    ----------
    Armitage P. Tests for linear trends in proportions and frequencies. *Biometrics*
    1955;11:375-386.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({'year': [2019, 2020, 2021, 2022, 2023],
    ...                   'x': [120, 135, 150, 170, 190], 'n': 1000})
    >>> recent_trend(d, 'year', x='x', n='n', polarity='lower is better')['trend'].iloc[0]
    'increasing and getting worse'
    """
    by = normalise_by(by)
    if not 0 < confidence < 1:
        raise StatsError("confidence must be between 0 and 1")
    proportions = x is not None and n is not None
    if not proportions and not (value and lowercl and uppercl):
        raise StatsError("give x and n (proportions), or value, lowercl and uppercl")
    cols = [x, n] if proportions else [value, lowercl, uppercl]
    require_columns(data, period, *by, *cols)
    df = data[[*by, period, *cols]].copy()
    for c in cols:
        df[c] = numeric(df, c)
    if proportions:
        if (df[x] > df[n]).any():
            raise StatsError(f"'{x}' must not be greater than '{n}'")
        valid = df[x].notna() & df[n].notna() & (df[n] > 0)
    else:
        valid = df[value].notna() & df[lowercl].notna() & df[uppercl].notna()
        valid &= df[uppercl] > df[lowercl]
    grouped = bool(by)
    if not grouped:  # one group: a constant key keeps one code path
        by = ["_all"]
        df["_all"] = 0
    groups = df[by].drop_duplicates()
    df = df[valid.to_numpy()].sort_values([*by, period], kind="stable")
    latest = df.groupby(by, sort=False).tail(points)
    size = latest.groupby(by, sort=False)[period].transform("size")
    full = latest[size.to_numpy() == points]
    k = len(full) // points
    critical = float(chi2.ppf(confidence, 1))
    tested = pd.DataFrame(columns=[*by, "trend", "chi_square", "slope", "method"])
    if k:
        t = np.tile(np.arange(1.0, points + 1), (k, 1))
        if proportions:
            xs = full[x].to_numpy(float).reshape(k, points)
            ns = full[n].to_numpy(float).reshape(k, points)
            stat = _chi_square_for_trend(xs, ns, t)
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log(xs / (ns - xs))
            slopes = _slopes_leaving_each_out(y, np.ones_like(y), t)
            method = "chi-square test for trend in proportions"
        else:
            y = full[value].to_numpy(float).reshape(k, points)
            se = (full[uppercl] - full[lowercl]).to_numpy(float).reshape(k, points) / 3.92
            w = 1 / se**2
            slopes = _slopes_leaving_each_out(y, w, t)
            sw, swt, swtt = w.sum(1), (w * t).sum(1), (w * t * t).sum(1)
            stat = slopes[:, 0] ** 2 * (sw * swtt - swt**2) / sw
            method = "weighted regression on the 95% limits"
        one_sign = np.all(slopes > 0, axis=1) | np.all(slopes < 0, axis=1)
        significant = (stat > critical) & one_sign & np.isfinite(stat)
        marker = np.where(
            significant, np.where(slopes[:, 0] > 0, INCREASING, DECREASING), NO_CHANGE
        ).astype(object)
        if polarity in ("higher is better", "lower is better"):
            better = (slopes[:, 0] > 0) == (polarity == "higher is better")
            suffix = np.where(better, " and getting better", " and getting worse")
            marker = np.where(significant, marker + suffix, marker)
        tested = full[by].iloc[::points].reset_index(drop=True)
        tested = tested.assign(trend=marker, chi_square=stat, slope=slopes[:, 0], method=method)
    out = groups.merge(tested, on=by, how="left")
    out["trend"] = out["trend"].fillna(CANNOT)
    out["method"] = out["method"].fillna("")
    used = latest.groupby(by, sort=False).size().rename("points_used").reset_index()
    out = out.merge(used, on=by, how="left")
    out["points_used"] = out["points_used"].fillna(0).astype(int)
    if not grouped:
        out = out.drop(columns="_all")
    return out.reset_index(drop=True)


def _chi_square_for_trend(x: np.ndarray, n: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Cochran-Armitage chi-square (1 df) for rows of counts at scores t."""
    N, X = n.sum(1), x.sum(1)
    sxt, snt, sntt = (x * t).sum(1), (n * t).sum(1), (n * t * t).sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return N * (N * sxt - X * snt) ** 2 / (X * (N - X) * (N * sntt - snt**2))


def _slopes_leaving_each_out(y: np.ndarray, w: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Weighted slopes of y on t: column 0 with every point, column j without point j."""
    keep = np.ones((y.shape[1] + 1, y.shape[1]))
    keep[np.arange(1, y.shape[1] + 1), np.arange(y.shape[1])] = 0.0
    W = w[:, None, :] * keep[None]  # groups × (1 + points) × points
    Y, T = y[:, None, :], t[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        Yz = np.where(W > 0, Y, 0.0)
        sw, swt, swy = W.sum(2), (W * T).sum(2), (W * Yz).sum(2)
        swtt, swty = (W * T * T).sum(2), (W * T * Yz).sum(2)
        return (sw * swty - swt * swy) / (sw * swtt - swt**2)
