"""Is the gradient flattening? The slope index of inequality across periods.

A single SII says how steep the social gradient is in one period; a strategy asks whether it
is getting less steep. For each indicator this takes the SII of every period (with its 95%
interval) and gives:

- the change from the first period to the latest, with a 95% interval (the two periods'
  standard errors combined, each read from its interval);
- with three periods or more, the trend per period: inverse-variance weighted least squares of
  SII on period, its standard error from the periods' own variances (a meta-regression);
- the same for the relative index (RII, on the log scale);
- a verdict in words: "narrowing" when the gradient moves towards zero with an interval clear of
  no change, "widening" when it moves away from it, and "no evidence of change" otherwise; "no
  clear gradient" when no period's interval is clear of zero.

Periods are treated as independent samples; for overlapping periods (rolling three-year
pools) the interval is too narrow, and the result says so.

References
----------
Low A, Low A (2004). Measuring the gap: quantifying and comparing local health inequalities.
*Journal of Public Health* 26(4):388-395.
Borenstein M, Hedges LV, Higgins JPT, Rothstein HR (2009). *Introduction to Meta-Analysis*,
ch. 20 (meta-regression). Wiley.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

Z = stats.norm.ppf(0.975)


def _se(low, high) -> np.ndarray:
    return (np.asarray(high, float) - np.asarray(low, float)) / (2 * Z)


def _trend(t: np.ndarray, y: np.ndarray, se: np.ndarray) -> tuple[float, float, float]:
    """Inverse-variance weighted slope of y on t, and its 95% interval."""
    import statsmodels.api as sm

    fit = sm.WLS(y, sm.add_constant(t), weights=1 / se**2).fit(cov_type="fixed scale")
    low, high = fit.conf_int()[1]
    return float(fit.params[1]), float(low), float(high)


def _verdict(sign: float, low: float, high: float) -> str:
    """Towards zero (opposite to the gradient's sign) is narrowing."""
    low, high = sorted((sign * low, sign * high))
    if high < 0:
        return "narrowing"
    if low > 0:
        return "widening"
    return "no evidence of change"


def gradient_trends(gaps: pd.DataFrame, overlapping: bool = False) -> pd.DataFrame:
    """The SII and RII of each indicator across periods: change, trend and verdict.

    Parameters
    ----------
    gaps : DataFrame
        One row per indicator and period: ``indicator_id, period, sii, sii_lowercl,
        sii_uppercl`` and optionally ``rii, rii_lowercl, rii_uppercl`` (as the framework job's
        gaps give them). Periods sort as text ("2019/20" before "2020/21").
    overlapping : bool
        The periods overlap (rolling pools): the verdicts carry a warning.

    Returns
    -------
    DataFrame
        One row per indicator with SII in at least two periods: ``periods, first_period,
        latest_period, sii_first, sii_latest, sii_change, sii_change_lowercl,
        sii_change_uppercl, sii_trend, sii_trend_lowercl, sii_trend_uppercl`` (trend per
        period, NaN with two periods), ``rii_first, rii_latest, rii_ratio, rii_ratio_lowercl,
        rii_ratio_uppercl`` (latest over first), ``verdict`` (absolute gradient),
        ``relative_verdict`` and ``note``.

    Examples
    --------
    >>> gaps = pd.DataFrame({"indicator_id": "x", "period": ["2021", "2022", "2023"],
    ...                      "sii": [10.0, 8.0, 6.0], "sii_lowercl": [9.0, 7.0, 5.0],
    ...                      "sii_uppercl": [11.0, 9.0, 7.0]})
    >>> r = gradient_trends(gaps).iloc[0]
    >>> float(r["sii_change"]), round(float(r["sii_trend"]), 6), r["verdict"]
    (-4.0, -2.0, 'narrowing')
    """
    rows = []
    for ind, part in gaps.dropna(subset=["sii", "sii_lowercl", "sii_uppercl"]).groupby(
        "indicator_id", sort=False
    ):
        part = part.sort_values("period", key=lambda s: s.astype(str))
        if len(part) < 2:
            continue
        first, last = part.iloc[0], part.iloc[-1]
        se = _se(part["sii_lowercl"], part["sii_uppercl"])
        change = last["sii"] - first["sii"]
        change_se = float(np.hypot(se[0], se[-1]))
        row = {
            "indicator_id": ind,
            "periods": len(part),
            "first_period": str(first["period"]),
            "latest_period": str(last["period"]),
            "sii_first": first["sii"],
            "sii_latest": last["sii"],
            "sii_change": change,
            "sii_change_lowercl": change - Z * change_se,
            "sii_change_uppercl": change + Z * change_se,
            "sii_trend": np.nan,
            "sii_trend_lowercl": np.nan,
            "sii_trend_uppercl": np.nan,
        }
        if len(part) >= 3 and (se > 0).all():
            row["sii_trend"], row["sii_trend_lowercl"], row["sii_trend_uppercl"] = _trend(
                np.arange(len(part), dtype=float), part["sii"].to_numpy(float), se
            )
        clear = (part["sii_lowercl"] > 0) | (part["sii_uppercl"] < 0)
        sign = float(np.sign(part["sii"].mean()))
        if not clear.any():
            verdict = "no clear gradient"
        elif np.isfinite(row["sii_trend"]):
            verdict = _verdict(sign, row["sii_trend_lowercl"], row["sii_trend_uppercl"])
        else:
            verdict = _verdict(sign, row["sii_change_lowercl"], row["sii_change_uppercl"])
        row["verdict"] = verdict
        row.update(_relative(part))
        row["note"] = (
            "The periods overlap, so they are not independent: the intervals are too narrow."
            if overlapping
            else ""
        )
        rows.append(row)
    columns = ["indicator_id", "periods", "first_period", "latest_period", "sii_first",
               "sii_latest", "sii_change", "sii_change_lowercl", "sii_change_uppercl",
               "sii_trend", "sii_trend_lowercl", "sii_trend_uppercl", "verdict", "rii_first",
               "rii_latest", "rii_ratio", "rii_ratio_lowercl", "rii_ratio_uppercl",
               "relative_verdict", "note"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _relative(part: pd.DataFrame) -> dict:
    out = {"rii_first": np.nan, "rii_latest": np.nan, "rii_ratio": np.nan,
           "rii_ratio_lowercl": np.nan, "rii_ratio_uppercl": np.nan,
           "relative_verdict": ""}  # fmt: skip
    if not {"rii", "rii_lowercl", "rii_uppercl"} <= set(part):
        return out
    ok = part.dropna(subset=["rii", "rii_lowercl", "rii_uppercl"])
    ok = ok[(ok[["rii", "rii_lowercl", "rii_uppercl"]] > 0).all(axis=1)]
    if len(ok) < 2:
        return out
    first, last = ok.iloc[0], ok.iloc[-1]
    se = _se(np.log(ok["rii_lowercl"]), np.log(ok["rii_uppercl"]))
    log_ratio = np.log(last["rii"]) - np.log(first["rii"])
    half = Z * float(np.hypot(se[0], se[-1]))
    # a relative gradient "towards zero" is towards an RII of 1 (log 0)
    sign = float(np.sign(np.log(ok["rii"]).mean()))
    out.update(rii_first=first["rii"], rii_latest=last["rii"], rii_ratio=float(np.exp(log_ratio)),
               rii_ratio_lowercl=float(np.exp(log_ratio - half)),
               rii_ratio_uppercl=float(np.exp(log_ratio + half)),
               relative_verdict=_verdict(sign, log_ratio - half, log_ratio + half))  # fmt: skip
    return out


__all__ = ["gradient_trends"]
