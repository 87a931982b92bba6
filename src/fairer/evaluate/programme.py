"""A programme evaluation as the place keeps it: one YAML file naming the scale and the waves.

```yaml
id: EV-01
title: Social prescribing in Marsh End and Quayside
action: A3                 # the action plan's action it evaluates (optional)
instrument: swemwbs        # a shipped instrument, or a definition file beside this one
baseline: swemwbs_baseline.csv
followup: swemwbs_followup.csv
groups: [imd_quintile, sex]
entry_cutoff: 19.5         # optional: the baseline score that decided entry
item: anxiety              # optional: for item-by-item scales (ONS4)
```

Listed in ``place.toml`` like any other source (``fairer init`` finds it), it is checked when the
place loads and evaluated for the progress report's "What the evidence says".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fairer.errors import FairerError
from fairer.evaluate._spec import read_spec
from fairer.evaluate.before_after import BeforeAfter, before_after
from fairer.evaluate.instruments import load_instrument

#: Keys an evaluation file may hold.
KEYS = {"id", "title", "action", "instrument", "baseline", "followup", "groups", "entry_cutoff",
        "item", "measure"}  # fmt: skip


@dataclass
class EvaluationSpec:
    """What to evaluate: the scale, the two waves and the breakdowns."""

    path: Path
    id: str
    title: str
    instrument: str
    baseline: Path
    followup: Path
    action: str | None = None
    measure: str | None = None
    groups: list[str] = field(default_factory=list)
    entry_cutoff: float | None = None
    item: str | None = None


@dataclass
class Evaluation:
    """An evaluation's specification and its (protect before publishing) result."""

    spec: EvaluationSpec
    result: BeforeAfter


def is_evaluation(data) -> bool:
    """Whether parsed YAML is an evaluation file (an instrument and two waves).

    Parameters
    ----------
    data : object
        Parsed YAML.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_evaluation({"instrument": "swemwbs", "baseline": "a.csv", "followup": "b.csv"})
    True
    """
    return isinstance(data, dict) and {"instrument", "baseline", "followup"} <= set(data)


def read_evaluation(path: str | Path) -> EvaluationSpec:
    """Read and check an evaluation file.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    EvaluationSpec
        Wave files resolved beside the YAML file.

    Raises
    ------
    FairerError
        Unreadable YAML, an unknown key, or a missing wave file (the file and key named).

    Examples
    --------
    See :func:`run_evaluation`.
    """
    path = Path(path)
    data = read_spec(
        path, is_evaluation, "an evaluation needs instrument, baseline and followup", KEYS
    )

    def beside(key: str) -> Path:
        p = Path(str(data[key]))
        p = p if p.is_absolute() else path.parent / p
        if not p.exists():
            raise FairerError(f"{key} file '{data[key]}' not found", path=path)
        return p

    instrument = str(data["instrument"])
    if Path(instrument).suffix:
        instrument = str(beside("instrument"))
    groups = data.get("groups") or []
    if not isinstance(groups, list):
        raise FairerError("groups must be a list of column names", path=path)
    cutoff = data.get("entry_cutoff")
    try:
        cutoff = None if cutoff is None else float(cutoff)
    except (TypeError, ValueError):
        raise FairerError(f"entry_cutoff '{cutoff}' is not a number", path=path) from None
    return EvaluationSpec(
        path, str(data.get("id", path.stem)), str(data.get("title", path.stem)), instrument,
        beside("baseline"), beside("followup"),
        str(data["action"]) if data.get("action") else None,
        str(data["measure"]) if data.get("measure") else None,
        [str(g) for g in groups], cutoff, str(data["item"]) if data.get("item") else None,
    )  # fmt: skip


def run_evaluation(spec: EvaluationSpec | str | Path) -> Evaluation:
    """Score both waves and compare them, as the specification says.

    Parameters
    ----------
    spec : EvaluationSpec or path-like

    Returns
    -------
    Evaluation

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> f = next((example_place().parent / "data").glob("evaluation_*.yaml"))
    >>> ev = run_evaluation(f)
    >>> ev.spec.instrument, list(ev.result.results["group"].unique())
    ('swemwbs', ['all', 'imd_quintile', 'sex'])
    """
    from fairer.tabular import read_table

    spec = spec if isinstance(spec, EvaluationSpec) else read_evaluation(spec)
    inst = load_instrument(spec.instrument)
    result = before_after(
        read_table(spec.baseline), read_table(spec.followup), inst, groups=spec.groups,
        entry_cutoff=spec.entry_cutoff, paths=(spec.baseline, spec.followup), item=spec.item,
    )  # fmt: skip
    return Evaluation(spec, result)


__all__ = ["Evaluation", "EvaluationSpec", "is_evaluation", "read_evaluation", "run_evaluation"]
