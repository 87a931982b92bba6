"""An area evaluation as the place keeps it: did the indicator change more where we acted?

One YAML file beside the place's data, listed in ``place.toml`` like a programme evaluation:

```yaml
id: EV-02
title: Active travel routes in Marsh End and Quayside
design: difference-in-differences  # or interrupted-time-series
action: A4                         # the action it evaluates (optional)
indicator: adults_inactive         # a loaded indicator, by id (its framework measure)
start: 2023/24                     # the first period after the action began
areas: [Marsh End, Quayside]       # the targeted wards (names or codes) or LSOAs
comparison: rest of place          # or: similar deprivation
```

The targeted areas are named, not looked up from today's priorities: they are the areas the
action chose when it began, and the place's priorities may have moved since.

The comparison is said in the report as it is. ``rest of place`` is every other LSOA of the
place with data; ``similar deprivation`` is every other LSOA with data, in the place or outside
it, in the same national IMD deciles as the targeted ones (matched areas elsewhere need their
indicator loaded too). For an interrupted time series, ``areas`` is optional (default: the
whole place) and ``comparison`` is not used.

:func:`area_panel` and :func:`evaluate_areas` are frames in, frames out;
:func:`fairer.evaluate.jobs.place_evaluations` gathers the place's data for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError
from fairer.evaluate._spec import read_spec
from fairer.evaluate.area import Estimate, difference_in_differences, interrupted_time_series

DESIGNS = ("difference-in-differences", "interrupted-time-series")
COMPARISONS = ("rest of place", "similar deprivation")
#: Keys an area evaluation file may hold.
KEYS = {"id", "title", "design", "action", "measure", "indicator", "start", "areas",
        "comparison", "higher_is_better"}  # fmt: skip


@dataclass
class AreaEvaluationSpec:
    """What to evaluate: the indicator, the design, when the action began, and where."""

    path: Path
    id: str
    title: str
    design: str
    indicator: str
    start: str
    areas: list[str] = field(default_factory=list)
    comparison: str = "rest of place"
    action: str | None = None
    measure: str | None = None
    higher_is_better: bool | None = None


@dataclass
class AreaEvaluation:
    """An area evaluation's result, and the series behind it (for the chart).

    ``trends``: one row per period and series (``targeted``, ``comparison``; for a time series
    ``observed``) with the mean ``value``, the number of ``areas`` it averages and the counts
    summed behind it (``numerator``, ``denominator``: publishing protects the mean by them).
    """

    spec: AreaEvaluationSpec
    indicator_title: str
    unit: str
    higher_is_better: bool
    estimate: Estimate
    second: Estimate | None
    trends: pd.DataFrame
    targeted: int
    compared: int
    comparison_text: str
    notes: list[str] = field(default_factory=list)

    def estimates(self) -> pd.DataFrame:
        """The estimate and the check (or the slope change) as a table, one row each."""
        rows = [e for e in (self.estimate, self.second) if e is not None]
        return pd.DataFrame(
            [{"evaluation": self.spec.id, "design": self.spec.design,
              "indicator_id": self.spec.indicator, "start": self.spec.start, "name": e.name,
              "estimate": e.estimate, "lowercl": e.lowercl, "uppercl": e.uppercl,
              "p_value": e.p_value, "verdict": e.verdict, "assumption": e.assumption,
              "targeted_areas": self.targeted, "comparison_areas": self.compared,
              "comparison": self.comparison_text} for e in rows]
        )  # fmt: skip

    def summary_line(self) -> str:
        """``EV-02 (difference-in-differences, adults_inactive): -3.29 (95% CI …); improved``."""
        e = self.estimate
        line = (
            f"{self.spec.id} ({self.spec.design}, {self.spec.indicator}): {e.name} "
            f"{e.estimate:+.2f} (95% CI {e.lowercl:+.2f} to {e.uppercl:+.2f}); {e.verdict}"
        )
        if self.second is not None:
            line += f"; {self.second.name} {self.second.estimate:+.2f}: {self.second.verdict}"
        return line


def is_area_evaluation(data) -> bool:
    """Whether parsed YAML is an area evaluation file (a design, an indicator and a start).

    Parameters
    ----------
    data : object
        Parsed YAML.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_area_evaluation({"design": "interrupted-time-series", "indicator": "x", "start": "2023"})
    True
    """
    return isinstance(data, dict) and {"design", "indicator", "start"} <= set(data)


def read_area_evaluation(path: str | Path) -> AreaEvaluationSpec:
    """Read and check an area evaluation file.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    AreaEvaluationSpec

    Raises
    ------
    FairerError
        Unreadable YAML, an unknown key, design or comparison, or a difference-in-differences
        without targeted areas (the file and key named).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "ev.yaml"
    >>> _ = f.write_text("design: interrupted-time-series\\nindicator: smokers\\nstart: '2021'\\n")
    >>> read_area_evaluation(f).areas
    []
    """
    path = Path(path)
    data = read_spec(
        path, is_area_evaluation, "an area evaluation needs design, indicator and start", KEYS
    )
    design = str(data["design"]).strip().lower()
    if design not in DESIGNS:
        raise FairerError(f"design '{data['design']}': use {' or '.join(DESIGNS)}", path=path)
    areas = data.get("areas") or []
    if not isinstance(areas, list):
        raise FairerError("areas must be a list of wards or LSOAs", path=path)
    comparison = str(data.get("comparison", "rest of place")).strip().lower()
    if comparison not in COMPARISONS:
        raise FairerError(
            f"comparison '{data['comparison']}': use {' or '.join(COMPARISONS)}", path=path
        )
    if design == "difference-in-differences" and not areas:
        raise FairerError("a difference-in-differences needs the targeted areas", path=path)
    better = data.get("higher_is_better")
    if better is not None and not isinstance(better, bool):
        raise FairerError("higher_is_better must be true or false", path=path)
    return AreaEvaluationSpec(
        path, str(data.get("id", path.stem)), str(data.get("title", path.stem)), design,
        str(data["indicator"]), str(data["start"]), [str(a).strip() for a in areas],
        comparison, str(data["action"]) if data.get("action") else None,
        str(data["measure"]) if data.get("measure") else None, better,
    )  # fmt: skip


def area_panel(rows: pd.DataFrame, indicator: str, multiplier: float = 1) -> pd.DataFrame:
    """One indicator's value for every area and period: counts as a rate, else the value given.

    Parameters
    ----------
    rows : DataFrame
        Indicator rows (``indicator_id, area_code, period, group, numerator, denominator,
        value``), as the store holds them; breakdowns (a non-empty ``group``) are left out.
    indicator : str
    multiplier : float
        Applied to numerator / denominator (100 for a percentage).

    Returns
    -------
    DataFrame
        ``area_code, period, value, numerator, denominator``.

    Examples
    --------
    >>> rows = pd.DataFrame({"indicator_id": "x", "area_code": ["A", "B"], "period": "2021",
    ...                      "group": "", "numerator": [1, np.nan], "denominator": [4, np.nan],
    ...                      "value": [np.nan, 30.0]})
    >>> area_panel(rows, "x", 100)["value"].tolist()
    [25.0, 30.0]
    """
    part = rows[(rows["indicator_id"] == indicator) & (rows["group"].fillna("") == "")]
    counted = part["numerator"].notna() & part["denominator"].gt(0)
    value = np.where(
        counted, part["numerator"] / part["denominator"].where(counted) * multiplier, part["value"]
    )
    return pd.DataFrame(
        {
            "area_code": part["area_code"].to_numpy(),
            "period": part["period"].astype(str).to_numpy(),
            "value": value.astype(float),
            "numerator": part["numerator"].to_numpy(float),
            "denominator": part["denominator"].to_numpy(float),
        }
    ).dropna(subset=["value"])


def _mean_by_period(panel: pd.DataFrame, codes, series: str) -> pd.DataFrame:
    part = panel[panel["area_code"].isin(codes)]
    if "numerator" not in part:
        part = part.assign(numerator=np.nan, denominator=np.nan)
    grouped = part.groupby("period")
    out = grouped.agg(value=("value", "mean"), areas=("area_code", "nunique"))
    # the counts behind each mean go with it, so a mean over few events is suppressed
    out["numerator"] = grouped["numerator"].sum(min_count=1)
    out["denominator"] = grouped["denominator"].sum(min_count=1)
    return out.reset_index().assign(series=series)


def _protected(trends: pd.DataFrame) -> pd.DataFrame:
    out = trends[["period", "series", "value", "areas", "numerator", "denominator"]]
    out = out.sort_values(["series", "period"], ignore_index=True)
    out.attrs["protect"] = [(["numerator", "denominator"], ["value"])]
    return out


def evaluate_areas(
    spec: AreaEvaluationSpec,
    panel: pd.DataFrame,
    targeted: list[str],
    comparison: list[str],
    higher_is_better: bool,
    indicator_title: str = "",
    unit: str = "",
    comparison_text: str = "",
    multiplier: float = 1,
) -> AreaEvaluation:
    """Run the design a specification names on one indicator's panel.

    Parameters
    ----------
    spec : AreaEvaluationSpec
    panel : DataFrame
        ``area_code, period, value`` (and ``numerator, denominator`` where counted), e.g.
        from :func:`area_panel`.
    targeted : list of str
        The targeted LSOAs (for a time series: the areas whose series it is).
    comparison : list of str
        The comparison LSOAs (difference-in-differences only).
    higher_is_better : bool
    indicator_title, unit, comparison_text : str
        For the report: what the indicator is, its unit, and the comparison in words.
    multiplier : float
        The indicator's multiplier: a time series of several areas is their counts summed,
        times this (areas without counts are averaged instead).

    Returns
    -------
    AreaEvaluation

    Raises
    ------
    FairerError
        Too few periods on either side of the start, or no targeted or comparison areas with
        data (the evaluation file named).

    Examples
    --------
    >>> spec = AreaEvaluationSpec(Path("ev.yaml"), "EV", "t", "interrupted-time-series", "x", "2020")
    >>> panel = pd.DataFrame({"area_code": "A", "period": [str(y) for y in range(2014, 2024)],
    ...                       "value": [10, 11, 12, 13, 14, 15, 13, 14, 15, 16.0]})
    >>> ev = evaluate_areas(spec, panel, ["A"], [], higher_is_better=False)
    >>> round(ev.estimate.estimate, 6), ev.estimate.verdict
    (-3.0, 'improved')
    """
    notes: list[str] = []
    try:
        if spec.design == "difference-in-differences":
            estimate, second = difference_in_differences(
                panel, targeted, spec.start, comparison, higher_is_better
            )
            trends = pd.concat(
                [_mean_by_period(panel, targeted, "targeted"),
                 _mean_by_period(panel, comparison, "comparison")], ignore_index=True,
            )  # fmt: skip
            if second is None:
                notes.append(
                    "With one period before the action, parallel trends cannot be checked."
                )
            elif second.verdict != "consistent with parallel trends":
                notes.append(
                    "The targeted and comparison areas were already moving differently before the "
                    "action: the estimate mixes that difference with any effect of the action."
                )
        else:
            series = panel[panel["area_code"].isin(targeted)]
            by = _mean_by_period(series, targeted, "observed")
            if "numerator" in series and len(series) and series["numerator"].notna().all():
                by["value"] = by["numerator"] / by["denominator"] * multiplier
            estimate, second = interrupted_time_series(by, spec.start, higher_is_better)
            trends = by
    except FairerError as exc:
        raise FairerError(exc.message, path=spec.path) from None
    return AreaEvaluation(
        spec, indicator_title or spec.indicator, unit, higher_is_better, estimate, second,
        _protected(trends),
        len(set(targeted) & set(panel["area_code"])),
        len(set(comparison) & set(panel["area_code"])), comparison_text, notes,
    )  # fmt: skip


__all__ = [
    "AreaEvaluation",
    "AreaEvaluationSpec",
    "area_panel",
    "evaluate_areas",
    "is_area_evaluation",
    "read_area_evaluation",
]
