"""Read survey exports: one row per respondent (wide) or one row per answer (long).

Wide exports (SmartSurvey, Microsoft Forms, Citizen Space) have one column per question plus
demographic columns. Long exports have ``response_id, question, response`` columns. Columns are
recognised by their headers; free-text questions are the remaining columns whose answers look
like prose (varied, not a short list of options). Names and e-mail columns are never imported.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from fairer.errors import FairerError
from fairer.tabular import check_last_row, suffix_of
from fairer.voices.pdfform import form_grid
from fairer.voices.platforms import Layout, detect_layout
from fairer.voices.textfile import (
    WORKBOOK_SUFFIXES,
    check_file,
    decode_mixed,
    read_workbook,
    refuse_binary,
)

#: Respondent attributes fairer understands, and the header words that name them.
ATTRIBUTE_PATTERNS: dict[str, str] = {
    "respondent_id": r"^(respondent|response|submission|participant)?[ _]?(id|ref|reference|number|no)$",
    "age": r"\bage\b|how old|age ?(band|group|range)",
    "sex": r"\bsex\b|\bgender\b",
    "ethnicity": r"ethnic",
    "disability": r"disab|long[- ]term (illness|condition)",
    "postcode": r"post ?code",
    "area_code": r"\blsoa\b|\bward\b|area ?code|neighbourhood code",
}
#: Columns holding personal data that must never be imported.
PERSONAL_PATTERN = r"\bname\b|e-?mail|phone|telephone|mobile|address|contact details|ip ?address"
#: Columns that are survey metadata, not answers.
METADATA_PATTERN = r"date|time|started|completed|submitted|status|duration|channel|language|source"
LONG_QUESTION = r"^(question|question text|prompt|item)$"
LONG_RESPONSE = r"^(response|answer|text|comment|comments|response text|free text)$"


@dataclass
class SurveyTable:
    """A survey export split into answers and respondents.

    Attributes
    ----------
    answers : DataFrame
        ``respondent_id, question, text, sheet, row`` (row as a spreadsheet shows it).
    respondents : DataFrame
        ``respondent_id`` and any of ``age, sex, ethnicity, disability, postcode, area_code``.
    text_columns, ignored_columns : list of str
        Which columns were read as questions, and which were left out (with the reason).
    notes : list of str
    names : list of str
        Participants' names from a Nearpod/Slido-style export: to redact, never to store.
    """

    answers: pd.DataFrame
    respondents: pd.DataFrame
    text_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def _role(header: str) -> str | None:
    h = header.strip().lower()
    for role, pattern in ATTRIBUTE_PATTERNS.items():
        if re.search(pattern, h):
            return role
    return None


def _looks_like_prose(values: pd.Series) -> bool:
    """Free text, not a closed question: varied answers, not only numbers."""
    v = values.dropna().astype(str).str.strip()
    v = v[v != ""]
    if v.empty:
        return False
    if pd.to_numeric(v, errors="coerce").notna().mean() > 0.8:
        return False
    distinct = v.str.lower().nunique() / len(v)
    if len(v) >= 4 and v.str.lower().nunique() <= max(2, len(v) // 3):
        return False  # a few options chosen again and again: a closed question
    mean_len = v.str.len().mean()
    if len(v) < 8:
        return mean_len >= 12
    return mean_len >= 25 or (distinct >= 0.5 and mean_len >= 8)


def _read_grids(path: Path) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Every sheet as read, all cells strings and no header yet (platforms put it lower down)."""
    check_file(path)
    suffix = suffix_of(path)
    notes: list[str] = []
    if suffix in WORKBOOK_SUFFIXES:
        return read_workbook(path), notes
    if suffix == ".pdf":  # a filled-in response form: one respondent
        notes.append(f"{path.name}: read as a filled-in response form (one respondent)")
        return {"": form_grid(path)}, notes
    if suffix == ".parquet":
        df = pd.read_parquet(path).astype(str)
        return {"": pd.concat([pd.DataFrame([list(df.columns)]), pd.DataFrame(df.values)])}, notes
    if suffix not in (".csv", ".tsv", ".txt"):
        raise FairerError(f"unknown survey file type '{suffix}': use CSV, XLSX or ODS", path=path)
    raw = path.read_bytes()
    refuse_binary(raw, path)
    text, fallback = decode_mixed(raw)
    if fallback:
        notes.append(
            f"{path.name}: {fallback} line(s) were not UTF-8 and were read as Windows-1252"
        )
    if not text.strip():
        raise FairerError("file is empty", path=path)
    sep = "\t" if suffix == ".tsv" else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise FairerError(f"malformed CSV ({exc})", path=path) from None
    if not any(any(c.strip() for c in r) for r in records):
        raise FairerError("file has no header or data", path=path)
    # A last record shorter than the rest means the file was cut short.
    check_last_row(text, max(len(r) for r in records[:-1] or records), sep, path, len(records))
    width = max(len(r) for r in records)
    grid = pd.DataFrame([r + [""] * (width - len(r)) for r in records], dtype=str)
    return {"": grid}, notes


def read_survey(
    path: str | Path,
    text_columns: list[str] | None = None,
    id_column: str | None = None,
    platform: str | None = None,
) -> SurveyTable:
    """Read a survey export into answers and respondents.

    Parameters
    ----------
    path : path-like
        CSV, TSV or XLSX (every sheet with data is read), as a survey tool or an engagement
        platform exported it (see :mod:`fairer.voices.platforms`).
    text_columns : list of str, optional
        The free-text question columns, when recognition is not wanted.
    id_column : str, optional
        The respondent ID column; default: the platform's, else a column named like
        ``Respondent ID``, else the row.
    platform : str, optional
        Insist on one platform's layout (``qualtrics``, ``smartsurvey``, ``msforms``,
        ``citizenspace``, ``commonplace``, ``engagementhq``, ``govocal``, ``slido``,
        ``nearpod``); by default the header decides.

    Returns
    -------
    SurveyTable

    Raises
    ------
    FairerError
        If the file cannot be read, or has no free-text column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "forms.csv"
    >>> _ = f.write_text("ID,Start time,Completion time,Email,What would help?\n"
    ...                  "1,3/4/25 10:01,3/4/25 10:05,anonymous,Later buses at night\n")
    >>> t = read_survey(f)
    >>> t.text_columns, t.answers["text"].tolist(), t.answers["row"].tolist()
    (['What would help?'], ['Later buses at night'], [2])
    >>> t.notes
    ['forms.csv: layout recognised: Microsoft Forms export']
    """
    path = Path(path)
    grids, notes = _read_grids(path)
    if not grids:
        raise FairerError("file has no data", path=path)
    answers, respondents, used, ignored, names = [], [], [], [], []
    headers: list[str] = []
    for sheet, grid in grids.items():
        layout = detect_layout(grid, path, platform)
        df = layout.frame
        df.columns = [str(c).strip() for c in df.columns]
        headers = headers or list(df.columns)
        repeated = df.columns[df.columns.duplicated()]
        if len(repeated):
            raise FairerError(
                f"the header has two columns called '{repeated[0]}'; give each question its own "
                "heading",
                path=path,
                row=int(df.index[0]) - 1 if len(df) else 1,
            )
        where = f"{path.name}" + (f" (sheet {sheet})" if sheet and len(grids) > 1 else "")
        notes += [f"{where}: {n}" for n in layout.notes]
        a, r, u, i, n = _split_sheet(path, sheet, layout, text_columns, id_column)
        answers.append(a)
        respondents.append(r)
        used += u
        ignored += i
        names += n
    ans = pd.concat(answers, ignore_index=True)
    if ans.empty and not used:
        raise FairerError(
            "no free-text column found (columns: "
            + ", ".join(headers[:8])
            + "); name them with --text-column",
            path=path,
        )
    resp = pd.concat(respondents, ignore_index=True).drop_duplicates("respondent_id")
    return SurveyTable(ans, resp, used, ignored, notes, names)


def _pseudonyms(names: pd.Series, rows: pd.Series) -> tuple[pd.Series, list[str]]:
    """A person's answers grouped under ``p1``, ``p2`` …; blank or "Anonymous" rows stand
    alone. The names are returned to be redacted wherever they appear, never stored."""
    names = names.astype(str).str.strip()
    anonymous = names.str.lower().isin({"", "anonymous", "anon", "guest", "-"})
    codes = {n: f"p{i + 1}" for i, n in enumerate(dict.fromkeys(names[~anonymous]))}
    ids = names.map(codes).where(~anonymous, rows.astype(str).radd("row-"))
    return ids, [n for n in codes if len(n) > 1]


def _split_sheet(path, sheet, layout: Layout, text_columns, id_column):
    df = layout.frame
    lower = {c: c.lower() for c in df.columns}
    q_col = next((c for c in df.columns if re.match(LONG_QUESTION, lower[c])), None)
    r_col = next((c for c in df.columns if re.match(LONG_RESPONSE, lower[c])), None)
    roles = {c: _role(c) for c in df.columns}
    if id_column is not None and id_column not in df.columns:
        raise FairerError(f"no column '{id_column}'", path=path, column=id_column)
    id_col = (
        id_column
        or layout.id_column
        or next((c for c, r in roles.items() if r == "respondent_id"), None)
    )
    rows = pd.Series(df.index, index=df.index)
    ids = df[id_col].astype(str).str.strip() if id_col else rows.astype(str).radd(f"{path.stem}-")
    ids = ids.where(ids != "", rows.astype(str).radd(f"{path.stem}-"))
    names: list[str] = []
    name_col = layout.name_column
    if name_col is None and q_col and r_col and id_col is None and not text_columns:
        # Exports keyed by the participant's name (a Nearpod-like layout no platform matched).
        name_col = next((c for c in df.columns if re.search(r"\bname\b|nickname", lower[c])), None)
    ignored: list[str] = [f"{c} ({why})" for c, why in layout.ignore.items() if c in df.columns]
    if name_col is not None and id_column is None and layout.id_column is None:
        ids, names = _pseudonyms(df[name_col], rows)
        if name_col not in layout.ignore:
            ignored.append(f"{name_col} (names: used only to group answers, then redacted)")
    attrs = pd.DataFrame({"respondent_id": ids})
    for c, role in roles.items():
        if role and role != "respondent_id" and role not in attrs and c not in layout.ignore:
            attrs[role] = df[c].astype(str).str.strip().replace("", pd.NA)
    if q_col and r_col and not text_columns:
        ans = pd.DataFrame(
            {
                "respondent_id": ids,
                "question": df[q_col].astype(str).str.strip(),
                "text": df[r_col].astype(str),
                "sheet": sheet,
                "row": rows,
            }
        )
        return ans, attrs.drop_duplicates("respondent_id"), [r_col], ignored, names
    if text_columns:
        missing = [c for c in text_columns if c not in df.columns]
        if missing:
            raise FairerError(f"no column '{missing[0]}'", path=path, column=missing[0])
        chosen = list(text_columns)
    else:
        chosen = []
        for c in df.columns:
            if c in (id_col, name_col) or roles[c] or c in layout.ignore:
                continue
            if re.search(PERSONAL_PATTERN, lower[c]):
                ignored.append(f"{c} (personal data: never imported)")
            elif re.search(METADATA_PATTERN, lower[c]) and not c.endswith("?"):
                ignored.append(f"{c} (survey metadata)")
            elif _looks_like_prose(df[c]):
                chosen.append(c)
            else:
                ignored.append(f"{c} (closed question or numbers)")
    parts = [
        pd.DataFrame(
            {
                "respondent_id": ids,
                "question": c,
                "text": df[c].astype(str),
                "sheet": sheet,
                "row": rows,
            }
        )
        for c in chosen
    ]
    ans = pd.concat(parts, ignore_index=True) if parts else _empty_answers()
    return ans, attrs, chosen, ignored, names


def _empty_answers() -> pd.DataFrame:
    return pd.DataFrame(columns=["respondent_id", "question", "text", "sheet", "row"])
