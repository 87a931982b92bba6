"""The delivery job: the action plan's status on a date, assessments and the learning log.

:func:`delivery_results` reads the place's action plan, impact assessments and learning log
(named in ``place.toml``), works out RAG status on the reporting date and what changed since
the last report's snapshot, and returns it all as :class:`DeliveryResults`. It writes nothing:
the snapshot for the next report is a table of the result, published with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from fairer.delivery.actions import (
    RAG_ORDER,
    changes_between,
    rag_status,
    read_action_plan,
    slipped_milestones,
)
from fairer.delivery.impact import Assessment, read_assessment, register
from fairer.delivery.impact import template as impact_template
from fairer.delivery.learning import read_learning_log

if TYPE_CHECKING:
    from fairer.context import PlaceContext

HISTORY_DIR = "history"


@dataclass
class PlanStatus:
    """The action plan on a date: actions, areas and milestones with RAG, and the change."""

    on: date
    actions: pd.DataFrame
    areas: pd.DataFrame
    milestones: pd.DataFrame
    snapshot: pd.DataFrame
    since: str | None = None
    changed: pd.DataFrame | None = None
    slipped: pd.DataFrame | None = None

    @property
    def rag_counts(self) -> dict[str, int]:
        """Actions by RAG status, in the order late, at risk, on track, done."""
        counts = self.actions["rag"].value_counts()
        return {r: int(counts.get(r, 0)) for r in RAG_ORDER}


@dataclass
class DeliveryResults:
    """What the progress report shows of delivery, and the problems found reading it."""

    plan: PlanStatus | None
    assessments: list[Assessment]
    register: pd.DataFrame | None
    questions: dict[str, str]
    learning: pd.DataFrame | None
    messages: list[str] = field(default_factory=list)
    #: fairer.evaluate's Evaluation (programmes) and AreaEvaluation, as the place lists them
    evaluations: list = field(default_factory=list)


def _previous_snapshot(history: Path, on: date) -> tuple[str, pd.DataFrame] | None:
    earlier = sorted(
        p for p in history.glob("actions_*.parquet") if p.stem.split("_", 1)[1] < on.isoformat()
    )
    if not earlier:
        return None
    before = pd.read_parquet(earlier[-1])
    before["due"] = [d.date() if hasattr(d, "date") else d for d in pd.to_datetime(before["due"])]
    return earlier[-1].stem.split("_", 1)[1], before


def plan_status(plan_file: Path, on: date, history: Path, messages: list[str]) -> PlanStatus:
    """RAG on ``on`` and the change since the latest snapshot in ``history`` before it.

    Parameters
    ----------
    plan_file : Path
        The action plan (XLSX, CSV or YAML).
    on : date
        The reporting date.
    history : Path
        The folder of earlier reports' snapshots (``actions_<date>.parquet``).
    messages : list of str
        Problems found reading the plan are added here.

    Returns
    -------
    PlanStatus

    Examples
    --------
    >>> import tempfile
    >>> from datetime import date
    >>> from fairer.demo import example_place
    >>> plan = next((example_place().parent / "data").glob("action_plan_*.xlsx"))
    >>> status = plan_status(plan, date(2026, 6, 30), Path(tempfile.mkdtemp()), [])
    >>> status.since is None, sum(status.rag_counts.values()) == len(status.actions)
    (True, True)
    """
    plan = read_action_plan(plan_file)
    messages += plan.messages
    actions, areas, ms = rag_status(plan, on)
    snapshot = actions[["action_id", "rag"]].merge(
        ms[["action_id", "milestone_id", "milestone", "due"]], on="action_id", how="left"
    )
    status = PlanStatus(on, actions, areas, ms, snapshot.assign(due=snapshot["due"].astype(str)))
    previous = _previous_snapshot(history, on)
    if previous is not None:
        since, before = previous
        change = changes_between(before.drop_duplicates("action_id"), actions[["action_id", "rag"]])
        status.since = since
        status.changed = change[change["change"] != "same"]
        status.slipped = slipped_milestones(before.dropna(subset=["milestone_id"]), ms)
    return status


def _uncited(log: pd.DataFrame, evaluations: list, path: Path) -> list[str]:
    """Learning-log entries citing an evaluation the place does not list."""
    known = {ev.spec.id for ev in evaluations}
    out = []
    for i, cited in log["evaluations"].items():
        for ev_id in [c.strip() for c in str(cited).split(",") if c.strip()]:
            if ev_id not in known:
                listed = ", ".join(sorted(known)) or "none"
                out.append(
                    f"{path.name}: row {i + 2}, column 'evaluations': '{ev_id}' is not an "
                    f"evaluation the place lists (it lists: {listed})"
                )
    return out


def delivery_results(ctx: PlaceContext, on: date) -> DeliveryResults:
    """The place's delivery on a reporting date.

    Parameters
    ----------
    ctx : PlaceContext
    on : date
        The reporting date (the end of the period).

    Returns
    -------
    DeliveryResults
        The plan's status (None without an action plan), the assessments with their register
        and the template's questions, the learning log, and messages about rows set aside.

    Examples
    --------
    >>> from datetime import date
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> with open_place(example_place()) as ctx:
    ...     d = delivery_results(ctx, date(2026, 6, 30))
    >>> sorted(d.plan.rag_counts), len(d.assessments)
    (['at risk', 'done', 'late', 'on track'], 2)
    """
    place = ctx.place
    messages: list[str] = []
    plans = [s.path for s in place.sources_of("actions")]
    plan = plan_status(plans[0], on, place.folder / HISTORY_DIR, messages) if plans else None
    assessments = []
    for f in [s.path for s in place.sources_of("assessment")]:
        a = read_assessment(f)
        messages += a.messages
        assessments.append(a)
    questions = {
        q["id"]: q["question"]
        for stage in ("prepare", "refine", "review")
        for q in impact_template().get(stage, [])
        if "id" in q
    }
    learning = None
    logs = [s.path for s in place.sources_of("learning")]
    if logs:
        learning, msgs = read_learning_log(logs[0])
        messages += msgs
    from fairer.evaluate.jobs import place_evaluations

    evaluations = place_evaluations(ctx)
    if learning is not None:
        messages += _uncited(learning, evaluations, logs[0])
    if plan is not None:
        known = set(plan.actions["action_id"])
        messages += [
            f"{ev.spec.path.name}: action '{ev.spec.action}' is not in the action plan"
            for ev in evaluations
            if ev.spec.action and ev.spec.action not in known
        ]
    return DeliveryResults(
        plan,
        assessments,
        register(assessments, on) if assessments else None,
        questions,
        learning,
        messages,
        evaluations,
    )
