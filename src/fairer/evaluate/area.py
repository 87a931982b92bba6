"""Did the gap close? Area-level evaluation: difference-in-differences and interrupted time series.

**Difference-in-differences** compares how an indicator changed in the targeted areas (the
priority neighbourhoods) with how it changed in a comparison group over the same periods:
``value ~ treated + after + treated × after`` by ordinary least squares, the ``treated × after``
coefficient being the estimate, with standard errors clustered by area (areas are observed
repeatedly). It rests on *parallel trends*: without the action, both groups would have moved
alike. That cannot be proved, but it can be checked before the action: the difference in
pre-period slopes, with its interval, is reported beside every estimate.

**Interrupted time series** (segmented regression) fits one series around an action's start:
``value ~ time + after + time since start``; ``after`` is the step at the start and ``time since
start`` the change in slope. Standard errors are Newey–West (HAC), as neighbouring periods of a
series are correlated.

Each result says in plain words what it found, "no evidence of change" as readily as
"improved", and what it assumes.

References
----------
Angrist JD, Pischke J-S (2009). *Mostly Harmless Econometrics*, ch. 5. Princeton UP.
Bernal JL, Cummins S, Gasparrini A (2017). Interrupted time series regression for the
evaluation of public health interventions: a tutorial. *Int J Epidemiol* 46(1):348-355.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import statsmodels.api as sm

from fairer.errors import FairerError


@dataclass
class Estimate:
    """One effect with its 95% interval and what it means in words."""

    name: str
    estimate: float
    lowercl: float
    uppercl: float
    p_value: float
    verdict: str
    assumption: str


def _verdict(low: float, high: float, higher_is_better: bool) -> str:
    if low > 0:
        return "improved" if higher_is_better else "worsened"
    if high < 0:
        return "worsened" if higher_is_better else "improved"
    return "no evidence of change"


def _periods(panel: pd.DataFrame) -> pd.Series:
    """Periods as ordered numbers 0, 1, 2 … (any sortable labels: 2019, 2020/21, IoD2025)."""
    order = {p: i for i, p in enumerate(sorted(panel["period"].astype(str).unique()))}
    return panel["period"].astype(str).map(order).astype(float)


def difference_in_differences(
    panel: pd.DataFrame,
    treated: list[str],
    start: str,
    comparison: list[str] | None = None,
    higher_is_better: bool = True,
) -> tuple[Estimate, Estimate | None]:
    """Did the targeted areas change more than the comparison areas after ``start``?

    Parameters
    ----------
    panel : DataFrame
        ``area_code, period, value``: the indicator for every area and period.
    treated : list of str
        The targeted areas (e.g. a priority neighbourhood's LSOAs).
    start : str
        The first period after the action began (periods sort as text: "2021", "2022/23").
    comparison : list of str, optional
        The comparison areas; default: every other area in the panel (say which in the report).
    higher_is_better : bool

    Returns
    -------
    (Estimate, Estimate or None)
        The difference-in-differences, and the pre-period parallel-trends check (the difference
        in slopes before ``start``; None with fewer than two periods before).

    Raises
    ------
    FairerError
        No treated or comparison area in the panel, or no period before or after ``start``.

    Examples
    --------
    >>> panel = pd.DataFrame({
    ...     "area_code": ["T1", "T2", "C1", "C2"] * 2, "period": ["2020"] * 4 + ["2022"] * 4,
    ...     "value": [10, 12, 10, 11, 15, 17, 11, 12.0]})
    >>> did, _ = difference_in_differences(panel, ["T1", "T2"], "2022")
    >>> round(did.estimate, 6)
    4.0
    """
    df = panel.dropna(subset=["value"]).copy()
    df["treated"] = df["area_code"].isin(treated).astype(float)
    if comparison is not None:
        df = df[df["area_code"].isin([*treated, *comparison])]
    df["after"] = (df["period"].astype(str) >= str(start)).astype(float)
    if not df["treated"].any() or df["treated"].all():
        raise FairerError(
            "difference-in-differences needs treated and comparison areas in the data"
        )
    if not df["after"].any() or df["after"].all():
        raise FairerError(f"difference-in-differences needs periods before and from {start}")
    df["treated_after"] = df["treated"] * df["after"]
    X = sm.add_constant(df[["treated", "after", "treated_after"]])
    codes = pd.factorize(df["area_code"])[0]
    fit = sm.OLS(df["value"].astype(float), X).fit(cov_type="cluster", cov_kwds={"groups": codes})
    low, high = fit.conf_int().loc["treated_after"]
    did = Estimate(
        "difference-in-differences", float(fit.params["treated_after"]), float(low), float(high),
        float(fit.pvalues["treated_after"]), _verdict(low, high, higher_is_better),
        "Without the action, the targeted and comparison areas would have changed alike "
        "(parallel trends).",
    )  # fmt: skip
    pre = df[df["after"] == 0].assign(t=lambda d: _periods(d))
    check = None
    if pre["t"].nunique() >= 2:
        pre = pre.assign(treated_t=pre["treated"] * pre["t"])
        Xp = sm.add_constant(pre[["treated", "t", "treated_t"]])
        pre_codes = pd.factorize(pre["area_code"])[0]
        pfit = sm.OLS(pre["value"].astype(float), Xp).fit(
            cov_type="cluster", cov_kwds={"groups": pre_codes}
        )
        plow, phigh = pfit.conf_int().loc["treated_t"]
        parallel = plow <= 0 <= phigh
        check = Estimate(
            "pre-period difference in slopes", float(pfit.params["treated_t"]), float(plow),
            float(phigh), float(pfit.pvalues["treated_t"]),
            "consistent with parallel trends" if parallel else "trends differed before the action",
            "A check, not a proof: similar slopes before the action make the comparison fairer.",
        )  # fmt: skip
    return did, check


def interrupted_time_series(
    series: pd.DataFrame, start: str, higher_is_better: bool = True, lags: int = 1
) -> tuple[Estimate, Estimate]:
    """The step and the change in slope of one series at an action's start.

    Parameters
    ----------
    series : DataFrame
        ``period, value`` (one area: the borough, a neighbourhood).
    start : str
        The first period after the action began.
    higher_is_better : bool
    lags : int
        Newey–West lags for the standard errors.

    Returns
    -------
    (Estimate, Estimate)
        The level change at ``start`` and the change in slope per period after it.

    Raises
    ------
    FairerError
        Fewer than three periods on either side of ``start``.

    Examples
    --------
    >>> s = pd.DataFrame({"period": [str(y) for y in range(2015, 2025)],
    ...                   "value": [10, 11, 12, 13, 14, 20, 22, 24, 26, 28.0]})
    >>> step, slope = interrupted_time_series(s, "2020")
    >>> round(step.estimate, 6), round(slope.estimate, 6)
    (5.0, 1.0)
    """
    df = series.dropna(subset=["value"]).sort_values("period").reset_index(drop=True)
    df["t"] = _periods(df)
    df["after"] = (df["period"].astype(str) >= str(start)).astype(float)
    if df["after"].sum() < 3 or (1 - df["after"]).sum() < 3:
        raise FairerError(
            f"an interrupted time series needs at least 3 periods before and from {start}"
        )
    t0 = df.loc[df["after"] == 1, "t"].min()
    df["since"] = (df["t"] - t0) * df["after"]
    X = sm.add_constant(df[["t", "after", "since"]])
    fit = sm.OLS(df["value"].astype(float), X).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    ci = fit.conf_int()
    out = []
    for name, label in (
        ("after", "level change at the start"),
        ("since", "change in slope per period"),
    ):
        low, high = ci.loc[name]
        out.append(Estimate(label, float(fit.params[name]), float(low), float(high),
                            float(fit.pvalues[name]), _verdict(low, high, higher_is_better),
                            "The trend before the action would have continued without it."))  # fmt: skip
    return out[0], out[1]


__all__ = ["Estimate", "difference_in_differences", "interrupted_time_series"]
