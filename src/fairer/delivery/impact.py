"""Inequality impact assessments: prepare, assess, refine, review — questions as data.

An assessment is a YAML or XLSX file: the decision (id, title, owner, date), answers to the
template's questions (``fairer/delivery/templates/impact_assessment.toml``, which a council can
copy and edit), and one row per group with a rating (positive, neutral, negative, unknown), size,
evidence and mitigation. The register lists every assessment and flags reviews that are due.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pandas as pd

from fairer.delivery.dates import parse_date
from fairer.errors import FairerError
from fairer.tabular import (
    atomic_path,
    neutralise_formulas,
    read_workbook,
    read_yaml,
    restore_formulas,
    write_text_atomic,
)

RATINGS = ("positive", "neutral", "negative", "unknown")
SIZES = ("small", "medium", "large", "")


def template(path: str | Path | None = None) -> dict:
    """The assessment template (fairer's, or a council's own TOML)."""
    if path is None:
        text = (
            resources.files("fairer.delivery")
            .joinpath("templates", "impact_assessment.toml")
            .read_text(encoding="utf-8")
        )
    else:
        text = Path(path).read_text(encoding="utf-8")
    return tomllib.loads(text)


@dataclass
class Assessment:
    """One inequality impact assessment."""

    id: str
    title: str
    owner: str
    assessed: date | None
    answers: dict[str, str]
    impacts: pd.DataFrame  # group, rating, size, evidence, mitigation
    review_date: date | None
    messages: list[str] = field(default_factory=list)

    @property
    def negative(self) -> pd.DataFrame:
        return self.impacts[self.impacts["rating"] == "negative"]

    def unmitigated(self) -> pd.DataFrame:
        """Negative impacts with no mitigation written down."""
        n = self.negative
        return n[n["mitigation"].str.strip() == ""]


def read_assessment(path: str | Path) -> Assessment:
    """Read an assessment from YAML or XLSX (sheets ``assessment`` with key/value and ``impacts``).

    Parameters
    ----------
    path : path-like
        YAML or XLSX (sheets ``assessment`` and ``impacts``).

    Returns
    -------
    Assessment
        Its answers, impacts, dates and one message per problem found.

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> data = example_place().parent / 'data'
    >>> a = read_assessment(sorted(data.glob('impact_assessment_*.yaml'))[0])
    >>> a.id
    'IIA-01'
    """
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        data = read_yaml(path, dict)
        impacts = data.get("impacts") or []
        if not isinstance(impacts, list) or not all(isinstance(i, dict) for i in impacts):
            raise FairerError("'impacts' must be a list of impacts (group, rating …)", path=path)
        impacts = pd.DataFrame(impacts)
    elif path.suffix.lower() == ".xlsx":
        sheets = {k: restore_formulas(v) for k, v in read_workbook(path, dtype=object).items()}
        if "assessment" not in sheets:
            raise FairerError(
                "an assessment workbook needs a sheet called 'assessment' (key, value)", path=path
            )
        kv = sheets["assessment"].fillna("")
        data = dict(zip(kv.iloc[:, 0].astype(str), kv.iloc[:, 1], strict=True))
        impacts = sheets.get("impacts", pd.DataFrame())
    else:
        raise FairerError("an assessment is a .yaml or .xlsx file", path=path)
    messages = []
    if not str(data.get("id", "")).strip():
        raise FairerError("an assessment needs an id", path=path)
    for c in ("group", "rating", "size", "evidence", "mitigation"):
        if c not in impacts:
            impacts[c] = ""
    impacts = (
        impacts[["group", "rating", "size", "evidence", "mitigation"]]
        .astype("string")
        .fillna("")
        .astype(str)
    )
    impacts["rating"] = impacts["rating"].str.strip().str.lower()
    for i, r in impacts.iterrows():
        if r["rating"] not in RATINGS:
            messages.append(
                f"{path.name}: impacts row {i + 2}, column 'rating': '{r['rating']}' is not one of {', '.join(RATINGS)}"
            )
            impacts.loc[i, "rating"] = "unknown"
        if r["rating"] == "negative" and not r["mitigation"].strip():
            messages.append(f"{path.name}: impact on '{r['group']}' is negative with no mitigation")
    review = None
    try:
        review = parse_date(data.get("review_date"))
    except ValueError as exc:
        messages.append(f"{path.name}: review_date: {exc}")
    if review is None:
        messages.append(f"{path.name}: assessment {data['id']} has no review date")
    try:
        assessed = parse_date(data.get("date"))
    except ValueError as exc:
        messages.append(f"{path.name}: date: {exc}")
        assessed = None
    skip = {"id", "title", "owner", "date", "review_date", "impacts"}
    answers = {k: str(v) for k, v in data.items() if k not in skip and v not in (None, "")}
    return Assessment(
        str(data["id"]),
        str(data.get("title", data["id"])),
        str(data.get("owner", "")),
        assessed,
        answers,
        impacts.reset_index(drop=True),
        review,
        messages,
    )


def write_assessment(a: Assessment, path: str | Path) -> Path:
    """Write an assessment as YAML or XLSX, atomically (reads back the same).

    Parameters
    ----------
    a : Assessment
    path : path-like
        ``.yaml`` or ``.xlsx``.

    Returns
    -------
    Path

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> import tempfile, pathlib
    >>> data = example_place().parent / 'data'
    >>> a = read_assessment(sorted(data.glob('impact_assessment_*.yaml'))[0])
    >>> read_assessment(write_assessment(a, pathlib.Path(tempfile.mkdtemp()) / 'a.xlsx')).id == a.id
    True
    """
    path = Path(path)
    head = {
        "id": a.id,
        "title": a.title,
        "owner": a.owner,
        "date": a.assessed.isoformat() if a.assessed else "",
        "review_date": a.review_date.isoformat() if a.review_date else "",
        **a.answers,
    }
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        return write_text_atomic(
            path,
            yaml.safe_dump(
                {**head, "impacts": a.impacts.to_dict("records")},
                sort_keys=False,
                allow_unicode=True,
            ),
        )
    if path.suffix.lower() == ".xlsx":
        with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            neutralise_formulas(
                pd.DataFrame({"key": list(head), "value": list(head.values())})
            ).to_excel(xw, sheet_name="assessment", index=False)
            neutralise_formulas(a.impacts).to_excel(xw, sheet_name="impacts", index=False)
        return path
    raise FairerError("write an assessment as .yaml or .xlsx", path=path)


def register(assessments: list[Assessment], on: date, due_within: int = 60) -> pd.DataFrame:
    """One row per assessment, with its negative impacts and whether its review is due."""
    rows = []
    for a in assessments:
        due = a.review_date is not None and a.review_date <= on + timedelta(days=due_within)
        rows.append(
            {
                "id": a.id,
                "title": a.title,
                "owner": a.owner,
                "assessed": a.assessed,
                "negative_impacts": len(a.negative),
                "unmitigated": len(a.unmitigated()),
                "review_date": a.review_date,
                "review": "overdue"
                if a.review_date and a.review_date < on
                else ("due" if due else ("no date" if a.review_date is None else "scheduled")),
            }
        )
    return pd.DataFrame(rows)
