"""The action plan: actions with owners, links and milestones, and their RAG status on a date.

One row per action (key action area, action, owner/organisation, linked measures and priority
areas, status, notes) and one row per milestone (action, milestone, due date, date done,
status, a short note). It reads and writes XLSX (sheets ``actions`` and ``milestones``), CSV (one row per
milestone, action columns repeated) and YAML (actions with their milestones nested), losslessly.

RAG on a reporting date, per milestone: **done** (done on or before the date); **late** (due
before the date and not done); **at risk** (due within the warning window, 30 days by default,
and not done, or flagged "at risk"); **on track** otherwise. An action takes the worst of its
milestones (late > at risk > on track > done; all done = done); an area counts its actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from fairer.delivery.dates import parse_date
from fairer.errors import FairerError
from fairer.tabular import (
    atomic_path,
    neutralise_formulas,
    read_table,
    read_workbook,
    read_yaml,
    restore_formulas,
    write_text_atomic,
)

ACTION_COLUMNS = [
    "action_id",
    "area_of_focus",
    "action",
    "owner",
    "organisation",
    "measures",
    "priority_areas",
    "status",
    "notes",
]
MILESTONE_COLUMNS = ["action_id", "milestone_id", "milestone", "due", "done", "status", "note"]
STATUSES = ("not started", "in progress", "at risk", "done", "stopped")
RAG_ORDER = ["late", "at risk", "on track", "done"]
RAG_COLOURS = {
    "late": ("#D55E00", "#ffffff"),
    "at risk": ("#E69F00", "#1b1b1b"),
    "on track": ("#009E73", "#ffffff"),
    "done": ("#0072B2", "#ffffff"),
    "stopped": ("#999999", "#ffffff"),
}


@dataclass
class ActionPlan:
    """Actions, their milestones, and the problems found reading them."""

    actions: pd.DataFrame
    milestones: pd.DataFrame
    messages: list[str] = field(default_factory=list)


def _clean(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = pd.DataFrame({c: df.get(c, "") for c in columns})
    for c in columns:
        if c not in ("due", "done"):
            out[c] = out[c].astype("string").fillna("").astype(str).str.strip()
    return out


def read_action_plan(path: str | Path, known_measures: set[str] | None = None) -> ActionPlan:
    """Read an action plan (XLSX, CSV or YAML) and check it.

    Problems (a missing owner, a date that is not a date, a duplicate id, a status outside the
    list, a link to an unknown measure) are reported as messages naming the row and column; the
    plan still loads with what is valid.

    Parameters
    ----------
    path : path-like
        XLSX (sheets ``actions`` and ``milestones``), CSV or YAML.
    known_measures : set of str, optional
        Framework measure ids the plan may link to.

    Returns
    -------
    ActionPlan
        Actions, milestones, and one message per problem found.

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> data = example_place().parent / 'data'
    >>> plan = read_action_plan(next(data.glob('action_plan_*.xlsx')))
    >>> len(plan.actions) > 0, plan.messages
    (True, [])
    """
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        items = read_yaml(path, (list, dict))
        items = items if isinstance(items, list) else items.get("actions") or []
        if not isinstance(items, list) or not all(isinstance(a, dict) for a in items):
            raise FairerError("an action plan is a list of actions (action_id, title …)", path=path)
        rows, ms = [], []
        for a in items:
            rows.append(
                {
                    k: ", ".join(v) if isinstance(v, list) else v
                    for k, v in a.items()
                    if k != "milestones"
                }
            )
            for m in a.get("milestones", []) or []:
                ms.append({"action_id": a.get("action_id"), **m})
        actions, milestones = pd.DataFrame(rows), pd.DataFrame(ms)
        first_row = 1
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = {k: restore_formulas(v) for k, v in read_workbook(path, dtype=object).items()}
        if "actions" not in sheets:
            raise FairerError("an action plan workbook needs a sheet called 'actions'", path=path)
        actions = sheets["actions"]
        milestones = sheets.get("milestones", pd.DataFrame(columns=MILESTONE_COLUMNS))
        first_row = 2
    else:
        flat = read_table(path, thousands=None)
        # One row per milestone: an action's columns repeat; a repeated id with different
        # details is a real duplicate, caught below.
        action_cols = [c for c in ACTION_COLUMNS if c in flat]
        actions = flat[action_cols].drop_duplicates() if "action_id" in flat else flat
        milestones = (
            flat[[c for c in MILESTONE_COLUMNS if c in flat]]
            if "milestone" in flat
            else pd.DataFrame()
        )
        milestones = (
            milestones[milestones.get("milestone", pd.Series(dtype=str)).notna()]
            if len(milestones)
            else milestones
        )
        first_row = 2
    if "action_id" not in actions or "action" not in actions:
        raise FairerError("an action plan needs columns action_id and action", path=path)
    actions = _clean(actions, ACTION_COLUMNS)
    milestones = (
        _clean(milestones, MILESTONE_COLUMNS)
        if len(milestones)
        else pd.DataFrame(columns=MILESTONE_COLUMNS)
    )
    messages: list[str] = []
    name = path.name
    dup = actions["action_id"].duplicated()
    for i in dup[dup].index:
        messages.append(
            f"{name}: actions row {first_row + i}, column 'action_id': duplicate id '{actions.loc[i, 'action_id']}' (the first is kept)"
        )
    actions = actions[~dup].reset_index(drop=True)
    for i, r in actions.iterrows():
        if not r["owner"]:
            messages.append(
                f"{name}: actions row {first_row + i}, column 'owner': action {r['action_id']} has no owner"
            )
        if r["status"] and r["status"].lower() not in STATUSES:
            messages.append(
                f"{name}: actions row {first_row + i}, column 'status': '{r['status']}' is not one of {', '.join(STATUSES)}"
            )
            actions.loc[i, "status"] = ""
        else:
            actions.loc[i, "status"] = r["status"].lower()
        if known_measures is not None:
            for m in [x.strip() for x in r["measures"].split(",") if x.strip()]:
                if m not in known_measures:
                    messages.append(
                        f"{name}: actions row {first_row + i}, column 'measures': action {r['action_id']} links to unknown measure '{m}'"
                    )
    for col in ("due", "done"):
        parsed = []
        for i, v in milestones[col].items():
            try:
                parsed.append(parse_date(v))
            except ValueError as exc:
                messages.append(f"{name}: milestones row {first_row + i}, column '{col}': {exc}")
                parsed.append(None)
        milestones[col] = parsed
    unknown = ~milestones["action_id"].isin(actions["action_id"])
    for i in unknown[unknown].index:
        messages.append(
            f"{name}: milestones row {first_row + i}, column 'action_id': no action '{milestones.loc[i, 'action_id']}'"
        )
    milestones = milestones[~unknown].reset_index(drop=True)
    missing_ids = milestones["milestone_id"] == ""
    milestones.loc[missing_ids, "milestone_id"] = [
        f"{a}.{k + 1}" for k, a in enumerate(milestones.loc[missing_ids, "action_id"])
    ]
    milestones["status"] = milestones["status"].str.lower()
    return ActionPlan(actions, milestones, messages)


def write_action_plan(plan: ActionPlan, path: str | Path) -> Path:
    """Write a plan as XLSX (two sheets), YAML (nested) or CSV (one row per milestone), atomically.

    Parameters
    ----------
    plan : ActionPlan
    path : path-like
        ``.xlsx``, ``.csv`` or ``.yaml``: the same plan, losslessly.

    Returns
    -------
    Path

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> import tempfile, pathlib
    >>> data = example_place().parent / 'data'
    >>> plan = read_action_plan(next(data.glob('action_plan_*.xlsx')))
    >>> out = write_action_plan(plan, pathlib.Path(tempfile.mkdtemp()) / 'plan.yaml')
    >>> len(read_action_plan(out).actions) == len(plan.actions)
    True
    """
    path = Path(path)
    suffix = path.suffix.lower()
    ms = plan.milestones.copy()
    for c in ("due", "done"):
        ms[c] = [d.isoformat() if d else "" for d in ms[c]]
    if suffix == ".xlsx":
        with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            neutralise_formulas(plan.actions).to_excel(xw, sheet_name="actions", index=False)
            neutralise_formulas(ms).to_excel(xw, sheet_name="milestones", index=False)
        return path
    if suffix in (".yaml", ".yml"):
        import yaml

        items = []
        for a in plan.actions.to_dict("records"):
            a = {k: v for k, v in a.items() if v != ""}
            a["milestones"] = [
                {k: v for k, v in m.items() if k != "action_id" and v != ""}
                for m in ms[ms["action_id"] == a["action_id"]].to_dict("records")
            ]
            items.append(a)
        return write_text_atomic(path, yaml.safe_dump(items, sort_keys=False, allow_unicode=True))
    if suffix == ".csv":
        flat = plan.actions.merge(ms, on="action_id", how="left", suffixes=("", "_milestone"))
        with atomic_path(path) as tmp:
            neutralise_formulas(flat).to_csv(tmp, index=False)
        return path
    raise FairerError(
        f"cannot write an action plan as '{suffix}': use .xlsx, .yaml or .csv", path=path
    )


def milestone_rag(milestones: pd.DataFrame, on: date, warning_days: int = 30) -> pd.Series:
    """RAG of each milestone on a date (see the module docstring)."""
    out = []
    for r in milestones.itertuples(index=False):
        if r.status == "stopped":
            out.append("stopped")
        elif (r.done and r.done <= on) or (r.status == "done" and not r.done):
            out.append("done")
        elif r.due and r.due < on:
            out.append("late")
        elif r.status == "at risk" or (r.due and r.due <= on + timedelta(days=warning_days)):
            out.append("at risk")
        else:
            out.append("on track")
    return pd.Series(out, index=milestones.index, dtype=object)


def rag_status(
    plan: ActionPlan, on: date, warning_days: int = 30
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """RAG per action, per key action area and per milestone on a date.

    Returns
    -------
    (actions, areas, milestones)
        ``actions`` adds ``rag`` and milestone counts; ``areas`` counts actions by RAG;
        ``milestones`` adds each milestone's ``rag``.

    Parameters
    ----------
    plan : ActionPlan
        From :func:`read_action_plan`.
    on : date
        The reporting date.
    warning_days : int
        Due within this many days and not done: at risk.

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> from datetime import date
    >>> data = example_place().parent / 'data'
    >>> plan = read_action_plan(next(data.glob('action_plan_*.xlsx')))
    >>> actions, areas, milestones = rag_status(plan, date(2026, 6, 30))
    >>> sorted(set(actions['rag']))
    ['at risk', 'done', 'late', 'on track']
    """
    ms = plan.milestones.assign(rag=milestone_rag(plan.milestones, on, warning_days))
    rows = []
    for a in plan.actions.itertuples(index=False):
        mine = ms[ms["action_id"] == a.action_id]["rag"].tolist()
        if a.status == "stopped":
            rag = "stopped"
        elif not mine:
            rag = (
                "done"
                if a.status == "done"
                else ("at risk" if a.status == "at risk" else "on track")
            )
        elif all(m in ("done", "stopped") for m in mine):
            rag = "done"
        else:
            rag = next(r for r in RAG_ORDER if r in mine)
        rows.append(
            {
                "action_id": a.action_id,
                "rag": rag,
                "late_milestones": mine.count("late"),
                "milestones": len(mine),
                "milestones_done": mine.count("done"),
            }
        )
    actions = plan.actions.merge(pd.DataFrame(rows), on="action_id")
    areas = actions.pivot_table(
        index="area_of_focus", columns="rag", values="action_id", aggfunc="count", fill_value=0
    )
    areas = areas.reindex(
        columns=[c for c in RAG_ORDER + ["stopped"] if c in areas.columns]
    ).reset_index()
    return actions, areas, ms


def changes_between(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """What changed between two RAG snapshots of the plan (``action_id, rag`` tables).

    Returns one row per action: ``before, after, change`` (new, removed, improved, worse, same).
    """
    b = before.set_index("action_id")["rag"]
    a = after.set_index("action_id")["rag"]
    order = {r: i for i, r in enumerate(RAG_ORDER)} | {"stopped": -1}
    rows = []
    for action in sorted(set(a.index) | set(b.index)):
        was, now = b.get(action), a.get(action)
        if was is None:
            change = "new"
        elif now is None:
            change = "removed"
        elif now == was:
            change = "same"
        else:
            change = "improved" if order.get(now, 0) > order.get(was, 0) else "worse"
        rows.append({"action_id": action, "before": was, "after": now, "change": change})
    return pd.DataFrame(rows)


def slipped_milestones(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Milestones whose due date moved later between two versions of the plan."""
    m = before[["milestone_id", "due"]].merge(
        after[["milestone_id", "milestone", "due"]],
        on="milestone_id",
        suffixes=("_before", "_after"),
    )
    slipped = m[
        [bool(x and y and y > x) for x, y in zip(m["due_before"], m["due_after"], strict=True)]
    ]
    return slipped.assign(
        days=[
            (y - x).days for x, y in zip(slipped["due_before"], slipped["due_after"], strict=True)
        ]
    )
