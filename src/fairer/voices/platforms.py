"""Recognise the export layouts of the engagement platforms councils use.

A council's consultation rarely arrives as a tidy table. Each platform writes its own layout:
Qualtrics adds two header rows under the header, EngagementHQ puts a title block above it,
SmartSurvey labels the parts of an answer in a second header row, Go Vocal splits an idea into a
title and a description written in HTML, Commonplace pins each comment to a map, Slido's Q&A
and Nearpod key answers by the participant's name. :func:`detect_layout` finds the header, says
which platform wrote the file, which column identifies a respondent, which columns are personal
data or survey metadata (never imported), and drops rows that are not responses (previews,
tests, spam). Files that match no platform are read as a plain table with the header on the
first row.

The layouts are the ones each platform's help pages describe for its standard export of
responses (Qualtrics "Download data table" as CSV or Excel; SmartSurvey "Export responses";
Microsoft Forms "Open in Excel"; Citizen Space "Download all responses"; Commonplace's
contributions export; EngagementHQ's survey report; Go Vocal's input and survey exports; Slido's
Q&A export; Nearpod's report). Each is recognised by the headers it always writes, so a file
with extra or reordered columns is still recognised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from fairer.errors import FairerError


@dataclass
class Layout:
    """A sheet with its header found and its non-responses removed.

    Attributes
    ----------
    frame : DataFrame
        One row per response, one column per header; the index is the row number a
        spreadsheet shows for that response.
    platform : str
        The platform that wrote the file ("" when none was recognised).
    id_column : str or None
        The column that identifies a respondent.
    name_column : str or None
        A column of participants' names (Slido, Nearpod): used only to group a person's answers
        under a pseudonym, then redacted wherever the names appear.
    ignore : dict
        Columns never imported, with the reason shown to the user.
    notes : list of str
    """

    frame: pd.DataFrame
    platform: str = ""
    id_column: str | None = None
    name_column: str | None = None
    ignore: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _key(text: object) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lower()


@dataclass(frozen=True)
class Platform:
    """How to recognise one platform's export and what its columns mean."""

    key: str
    name: str
    #: Groups of header names: the header row holds at least one name of every group.
    signature: tuple[tuple[str, ...], ...]
    id_columns: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()
    metadata: tuple[str, ...] = ()
    name_columns: tuple[str, ...] = ()
    reshape: Callable[[Layout], Layout] | None = None

    def matches(self, cells: list[str]) -> bool:
        keys = {_key(c) for c in cells}
        return all(any(n in keys for n in group) for group in self.signature)


def _column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    by_key = {_key(c): c for c in frame.columns}
    return next((by_key[n] for n in names if n in by_key), None)


# -- platform quirks ----------------------------------------------------------------------------
def _qualtrics(layout: Layout) -> Layout:
    """Qualtrics writes the question text in row 2 and an ImportId in row 3 under the header."""
    df = layout.frame
    drop = []
    if len(df) and _looks_like_import_ids(df.iloc[0]):
        drop.append(df.index[0])  # legacy exports: ImportId straight under the header
    elif len(df) > 1 and _looks_like_import_ids(df.iloc[1]):
        drop += [df.index[0], df.index[1]]
    if len(drop) == 2:
        labels = df.iloc[0]
        renamed = {}
        for col in df.columns:
            text = str(labels[col]).strip()
            if re.fullmatch(r"Q[\w.]*", str(col)) and text:
                # Qualtrics repeats a matrix question's stem before each part: keep the part.
                text = re.sub(r"\s*-\s*(Selected Choice)$", "", text)
                renamed[col] = text if text not in renamed.values() else f"{col}: {text}"
        df = df.drop(index=drop).rename(columns=renamed)
    elif drop:
        df = df.drop(index=drop)
    status = _column(df, ("status",))
    if status is not None:
        not_responses = (
            df[status]
            .astype(str)
            .str.strip()
            .str.lower()
            .isin({"survey preview", "survey test", "spam", "1", "2", "8"})
        )
        if not_responses.any():
            layout.notes.append(
                f"{int(not_responses.sum())} preview, test or spam response(s) left out "
                f"(column '{status}')"
            )
            df = df[~not_responses]
    layout.frame = df
    return layout


def _looks_like_import_ids(row: pd.Series) -> bool:
    cells = [str(v) for v in row if str(v).strip()]
    if not cells:
        return False
    hits = 0
    for c in cells:
        if c.startswith("{") and "ImportId" in c:
            try:
                json.loads(c)
                hits += 1
            except ValueError:
                pass
    return hits >= max(1, len(cells) // 2)


_SMARTSURVEY_PARTS = {
    "response",
    "open-ended response",
    "open ended response",
    "other (please specify)",
    "comment",
    "comments",
    "",
}


def _smartsurvey(layout: Layout) -> Layout:
    """SmartSurvey's export can carry a second header row naming each part of an answer
    ("Open-Ended Response", "Other (please specify)"), with the question over the first part."""
    df = layout.frame
    if not len(df):
        return layout
    first = df.iloc[0]
    parts = [_key(first[c]) for c in df.columns if c not in (layout.id_column,)]
    if all(p in _SMARTSURVEY_PARTS for p in parts) and any(parts):
        names, current = [], ""
        for col in df.columns:
            top = "" if re.fullmatch(r"Unnamed: \d+|column \d+", str(col)) else str(col).strip()
            current = top or current
            part = str(first[col]).strip()
            if top and _key(part) in ("response", "open-ended response", "open ended response", ""):
                names.append(top)
            else:
                names.append(f"{current} - {part}" if part else current)
        df = df.iloc[1:].copy()
        df.columns = _unique(names)
        layout.notes.append("second header row (answer parts) joined to the question")
    layout.frame = df
    return layout


def _go_vocal_inputs(layout: Layout) -> Layout:
    """Go Vocal's input export splits an idea into a title and an HTML description: the
    resident wrote both, so they are read as one statement."""
    df = layout.frame
    title = _column(df, ("title", "title_en", "title (en)", "title_en-gb"))
    body = _column(df, ("description", "description_en", "description (en)", "body"))
    if title is None or body is None:
        return layout
    from fairer.voices.clean import plain_text

    joined = [
        ". ".join(p for p in (plain_text(t).rstrip(". "), plain_text(b)) if p)
        for t, b in zip(df[title].astype(str), df[body].astype(str), strict=True)
    ]
    df = df.assign(**{"Idea (title and description)": joined})
    layout.ignore[title] = "read with the description as one statement"
    layout.ignore[body] = "read with the title as one statement"
    layout.frame = df
    return layout


def _slido_qa(layout: Layout) -> Layout:
    """Slido's Q&A export holds the audience's questions in a column called "Question": they
    are the statements (there is no question asked of them)."""
    df = layout.frame
    col = _column(df, ("question", "questions", "question text"))
    if col is not None:
        layout.frame = df.rename(columns={col: "Questions from the audience (Slido Q&A)"})
    return layout


def _commonplace(layout: Layout) -> Layout:
    df = layout.frame
    if layout.id_column and _key(layout.id_column).startswith("contribution"):
        layout.notes.append(
            "no respondent column: each contribution is counted as its own respondent"
        )
    layout.frame = df
    return layout


_PERSONAL_COMMON = ("name", "full name", "first name", "last name", "email", "email address")

PLATFORMS: tuple[Platform, ...] = (
    Platform(
        "qualtrics",
        "Qualtrics",
        signature=(("responseid", "response id", "_recordid"), ("startdate", "recordeddate")),
        id_columns=("responseid", "response id", "_recordid"),
        personal=(
            "ipaddress",
            "recipientlastname",
            "recipientfirstname",
            "recipientemail",
            "locationlatitude",
            "locationlongitude",
        ),
        metadata=(
            "startdate",
            "enddate",
            "status",
            "progress",
            "duration (in seconds)",
            "finished",
            "recordeddate",
            "externalreference",
            "externaldatareference",
            "distributionchannel",
            "userlanguage",
            "q_recaptchascore",
            "q_relevantidduplicate",
            "q_relevantidduplicatescore",
            "q_relevantidfraudscore",
            "q_relevantidlaststartdate",
        ),
        reshape=_qualtrics,
    ),
    Platform(
        "smartsurvey",
        "SmartSurvey",
        signature=(("userid", "userno", "user id"), ("started",), ("ended",)),
        id_columns=("userid", "userno", "user id"),
        personal=("name", "email", "ip address", "ipaddress"),
        metadata=("unique id", "started", "ended", "custom variable 1", "custom variable 2"),
        reshape=_smartsurvey,
    ),
    Platform(
        "msforms",
        "Microsoft Forms",
        signature=(("id",), ("start time",), ("completion time",)),
        id_columns=("id",),
        personal=("email", "name"),
        metadata=("start time", "completion time", "last modified time", "total points"),
    ),
    Platform(
        "citizenspace",
        "Citizen Space",
        signature=(
            ("response id",),
            ("response submitted", "submitted", "submitted on", "date submitted"),
        ),
        id_columns=("response id",),
        personal=("what is your name?", "what is your email address?", "email address"),
        metadata=(
            "response submitted",
            "submitted",
            "submitted on",
            "date submitted",
            "response started",
            "started on",
            "last updated",
            "response last updated",
            "response channel",
        ),
    ),
    Platform(
        "commonplace",
        "Commonplace",
        signature=(("contribution id", "contribution ref", "contributionid"), ("latitude", "lat")),
        id_columns=("respondent id", "user id", "contribution id", "contribution ref"),
        personal=("latitude", "longitude", "lat", "lng", "long", "address", "nearest address"),
        metadata=(
            "contribution id",
            "contribution ref",
            "date",
            "created at",
            "agreements",
            "agrees",
            "tile",
            "map",
            "status",
        ),
        reshape=_commonplace,
    ),
    Platform(
        "engagementhq",
        "EngagementHQ",
        signature=(
            ("respondent no", "response no", "respondent number", "response number"),
            ("login username", "login name", "screen name", "response date", "date submitted"),
        ),
        id_columns=("respondent no", "response no", "respondent number", "response number"),
        personal=("login username", "login name", "screen name", "email address", "email"),
        metadata=("response date", "date submitted"),
    ),
    Platform(
        "govocal",
        "Go Vocal",
        signature=(("author id", "author_id"), ("published at", "submitted at", "created at")),
        id_columns=("author id", "author_id"),
        personal=(
            "author name",
            "author email",
            "author_fullname",
            "author_email",
            "location",
            "latitude",
            "longitude",
            "location_description",
        ),
        metadata=(
            "id",
            "published at",
            "submitted at",
            "created at",
            "updated at",
            "url",
            "project",
            "phase",
            "status",
            "likes",
            "dislikes",
            "votes",
            "comments",
            "baskets",
            "budget",
            "proposed budget",
            "topics",
            "tags",
            "assignee",
            "assignee email",
            "official feedback",
        ),
        reshape=_go_vocal_inputs,
    ),
    Platform(
        "slido",
        "Slido",
        signature=(("question",), ("likes", "upvotes", "votes"), ("author", "author name")),
        name_columns=("author", "author name"),
        metadata=("likes", "upvotes", "votes", "dislikes", "date", "labels", "answered", "time"),
        reshape=_slido_qa,
    ),
    Platform(
        "nearpod",
        "Nearpod / Slido poll",
        signature=(
            ("nickname", "student name", "participant name", "user name", "name", "participant"),
            ("question", "poll question", "prompt"),
            ("response", "answer", "responses", "answers"),
        ),
        name_columns=("nickname", "student name", "participant name", "user name", "name"),
        metadata=("date", "time", "submitted", "poll", "slide", "activity"),
    ),
)

#: The platforms a user can name with ``--platform``.
PLATFORM_KEYS = tuple(p.key for p in PLATFORMS)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def _header_row(grid: pd.DataFrame, platform: Platform | None, deepest: int = 15) -> int:
    for i in range(min(deepest, len(grid))):
        cells = [str(v) for v in grid.iloc[i] if str(v).strip()]
        if platform is None or platform.matches(cells):
            return i
    return -1


def detect_layout(
    grid: pd.DataFrame, path: Path | None = None, platform: str | None = None
) -> Layout:
    """Find a sheet's header, the platform that wrote it, and the rows that are responses.

    Parameters
    ----------
    grid : DataFrame
        The sheet as read, every cell a string, no header (row ``i`` of the grid is spreadsheet
        row ``i + 1``).
    path : Path, optional
        The file, for messages.
    platform : str, optional
        One of :data:`PLATFORM_KEYS` to insist on; by default the header decides, and a file
        that matches no platform is read with its header on the first row.

    Returns
    -------
    Layout

    Raises
    ------
    FairerError
        If ``platform`` is named but its header is not in the first 15 rows, or a row has
        more filled cells than the header has columns (a comma that was not quoted).

    Examples
    --------
    >>> grid = pd.DataFrame([["ID", "Start time", "Completion time", "Email", "What would help?"],
    ...                      ["1", "3/4/25 10:01", "3/4/25 10:05", "anonymous", "Later buses"]])
    >>> layout = detect_layout(grid)
    >>> layout.platform, layout.id_column, layout.ignore["Email"]
    ('Microsoft Forms', 'ID', 'personal data: never imported')
    >>> layout.frame.index.tolist()  # the spreadsheet row of each response
    [2]
    """
    if platform is not None:
        chosen = next((p for p in PLATFORMS if p.key == platform), None)
        if chosen is None:
            raise FairerError(f"unknown platform '{platform}' (known: {', '.join(PLATFORM_KEYS)})")
        candidates: tuple[Platform, ...] = (chosen,)
    else:
        candidates = PLATFORMS
    found, row = None, -1
    for p in candidates:
        row = _header_row(grid, p)
        if row >= 0:
            found = p
            break
    if found is None:
        if platform is not None:
            raise FairerError(
                f"this is not a {candidates[0].name} export (none of the first 15 rows holds "
                f"its header: {', '.join(g[0] for g in candidates[0].signature)})",
                path=path,
            )
        row = 0
    header = [str(v).strip() for v in grid.iloc[row]]
    width = max((i + 1 for i, h in enumerate(header) if h), default=0)
    spill = grid.iloc[row + 1 :, width:]
    if spill.shape[1]:
        filled = spill.apply(lambda r: any(str(v).strip() for v in r), axis=1)
        if filled.any():
            raise FairerError(
                "malformed CSV (a row has more fields than the header)",
                path=path,
                row=int(filled[filled].index[0]) + 1,
            )
    body = grid.iloc[row + 1 :, :width].copy()
    header = [h or f"column {i + 1}" for i, h in enumerate(header[:width])]
    body.columns = header
    body.index = range(row + 2, row + 2 + len(body))
    # Rows that are blank in every cell (a spreadsheet's trailing rows) are not responses.
    body = body[body.apply(lambda r: any(str(v).strip() for v in r), axis=1)] if len(body) else body
    layout = Layout(body)
    if found is None:
        return layout
    layout.platform = found.name
    layout.notes.append(f"layout recognised: {found.name} export")
    if row:
        layout.notes.append(f"{row} line(s) above the header (a title block) skipped")
    layout.id_column = _column(body, found.id_columns)
    layout.name_column = _column(body, found.name_columns) if found.name_columns else None
    if layout.name_column:
        layout.ignore[layout.name_column] = "names: used only to group answers, then redacted"
    for col in body.columns:
        k = _key(col)
        if col in (layout.id_column, layout.name_column):
            continue
        if k in found.personal:
            layout.ignore[col] = "personal data: never imported"
        elif k in found.metadata or re.match(r"^(points|feedback) - ", k) or k == "quiz feedback":
            layout.ignore[col] = "survey metadata"
        elif re.match(r"^(tags|analyst notes?|analysis notes?)\s*[:\-]", k):
            layout.ignore[col] = "the analyst's notes, not what people said"
    if found.reshape is not None:
        layout = found.reshape(layout)
    return layout
