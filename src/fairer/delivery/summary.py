"""The progress report's one-page summary: the facts a cabinet member reads first.

Built from results already published (disclosure control applied), so the summary can show
nothing the body of the report does not. It holds facts, not wording; the report words them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

#: How many headline gaps the summary leads with.
HEADLINE_GAPS = 2


@dataclass
class HeadlineGap:
    """The gap in one indicator between the most and least deprived ends of the place."""

    indicator: str
    sii: float
    lowercl: float
    uppercl: float
    higher_in_most_deprived: bool
    period: str
    unit: str = ""

    @property
    def units(self) -> str:
        """The gap's units in words: a gap between percentages is in percentage points."""
        return {"%": "percentage points", "£": "pounds"}.get(self.unit, self.unit)


@dataclass
class ProgressSummary:
    """What the summary page says, as data.

    Attributes
    ----------
    on : date
        The report date.
    deprivation : list of str
        The deprivation profile's headline sentences.
    gaps : list of HeadlineGap
        The largest gaps whose 95% confidence interval excludes zero, largest first.
    verdicts : dict
        Indicators by their latest verdict against their comparator (``worse``, ``similar`` …).
    comparators : list of str
        The comparators those verdicts are against (as the scorecard names them).
    worse_and_worsening : list of str
        Indicators significantly worse than the comparator and getting worse.
    rag : dict or None
        Actions by RAG status (late, at risk, on track, done).
    late : list of str
        The late actions, by name.
    slipped : int
        Milestones that slipped since the last report.
    allocation : DataFrame or None
        Allocation per head by national IMD decile (``decile, allocation, population, per_head``).
    budget : float or None
    did_not_work : list of str
        What the learning log says did not work.
    """

    on: date
    deprivation: list[str] = field(default_factory=list)
    gaps: list[HeadlineGap] = field(default_factory=list)
    verdicts: dict[str, int] = field(default_factory=dict)
    comparators: list[str] = field(default_factory=list)
    worse_and_worsening: list[str] = field(default_factory=list)
    rag: dict[str, int] | None = None
    late: list[str] = field(default_factory=list)
    slipped: int = 0
    allocation: pd.DataFrame | None = None
    budget: float | None = None
    did_not_work: list[str] = field(default_factory=list)


def headline_gaps(scorecard: pd.DataFrame, n: int = HEADLINE_GAPS) -> list[HeadlineGap]:
    """The ``n`` largest gaps (slope index of inequality relative to the value) that are real.

    Parameters
    ----------
    scorecard : DataFrame
        :meth:`fairer.framework.results.PlaceResults.scorecard`.
    n : int

    Returns
    -------
    list of HeadlineGap
        Only gaps whose 95% interval excludes zero; relative size decides the order, so a
        gap of 5 years in life expectancy is not outranked by one of 6 points in a percentage.

    Examples
    --------
    >>> card = pd.DataFrame({"indicator": ["A", "B"], "period": ["2024", "2024"],
    ...     "value": [20.0, 80.0], "sii": [-10.0, 2.0], "sii_lowercl": [-12.0, -1.0],
    ...     "sii_uppercl": [-8.0, 5.0], "absolute_gap": [9.0, -1.0]})
    >>> [(g.indicator, g.higher_in_most_deprived) for g in headline_gaps(card)]
    [('A', True)]
    """
    need = {"sii", "sii_lowercl", "sii_uppercl", "value"}
    if scorecard.empty or not need <= set(scorecard.columns):
        return []
    card = scorecard.dropna(subset=list(need))
    card = card[(card["sii_lowercl"] > 0) | (card["sii_uppercl"] < 0)]
    card = card[card["value"] != 0]
    size = (card["sii"] / card["value"]).abs()
    out = []
    for _, r in card.assign(size=size).sort_values("size", ascending=False).head(n).iterrows():
        gap = r.get("absolute_gap")
        higher = bool(gap > 0) if gap is not None and np.isfinite(gap) else bool(r["sii"] < 0)
        out.append(HeadlineGap(str(r["indicator"]), abs(float(r["sii"])),
                               float(r["sii_lowercl"]), float(r["sii_uppercl"]), higher,
                               str(r["period"]), str(r.get("unit") or "")))  # fmt: skip
    return out


def progress_summary(on: date, inputs, delivery) -> ProgressSummary:
    """The summary page's facts from the published report inputs and delivery results.

    Parameters
    ----------
    on : date
        The report date.
    inputs : PlaceReportInputs
        Published (protected) profile, framework and targeting results.
    delivery : DeliveryResults
        Published action plan, assessments and learning log.

    Returns
    -------
    ProgressSummary

    Examples
    --------
    >>> from fairer.delivery.progress import DeliveryResults
    >>> from fairer.pipeline import PlaceReportInputs
    >>> empty = PlaceReportInputs(None, None, None, None, [])
    >>> progress_summary(date(2026, 6, 30), empty, DeliveryResults(None, [], None, {}, None)).rag is None
    True
    """
    out = ProgressSummary(on)
    prof = getattr(inputs, "profile", None)
    lead = prof.profiles.get(prof.lead) if prof is not None and prof.lead else None
    if lead is not None:
        out.deprivation = lead.headline_sentences()[:2]
    fw = getattr(inputs, "framework", None)
    if fw is not None:
        card = fw.scorecard()
        if not card.empty:
            out.gaps = headline_gaps(card)
            counts = card["comparison"].fillna("not compared").value_counts()
            out.verdicts = {str(k): int(v) for k, v in counts.items()}
            named = card["benchmark_name"].dropna().astype(str)
            out.comparators = sorted(set(named[named != ""]))
            out.worse_and_worsening = card.loc[card["red_red"], "indicator"].astype(str).tolist()
    plan = delivery.plan
    if plan is not None:
        out.rag = plan.rag_counts
        out.late = plan.actions.loc[plan.actions["rag"] == "late", "action"].astype(str).tolist()
        out.slipped = 0 if plan.slipped is None else len(plan.slipped)
    targeting = getattr(inputs, "targeting", None)
    alloc = getattr(targeting, "allocation_lsoa", None) if targeting is not None else None
    if alloc is not None and alloc.by_decile is not None and len(alloc.by_decile):
        out.allocation = alloc.by_decile
        out.budget = alloc.budget
    log = delivery.learning
    if log is not None and "did_not_work" in log:
        out.did_not_work = [t for t in log["did_not_work"].fillna("").astype(str) if t.strip()]
    return out


__all__ = ["HeadlineGap", "ProgressSummary", "headline_gaps", "progress_summary"]
