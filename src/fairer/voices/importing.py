"""Import survey exports and workshop notes into a consultation, redacted before storing.

Every file becomes one source in the store (its SHA-256, so re-importing an unchanged file does
nothing and a changed file replaces its own statements). All files are imported in one
transaction: if one is bad, nothing is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from fairer.errors import FairerError
from fairer.provenance import sha256_of
from fairer.store import open_store, queries
from fairer.store.schema import DERIVED_TABLES
from fairer.voices.clean import has_markup, plain_text, statement_id, tidy_answers
from fairer.voices.notes import is_workshop_grid, read_notes
from fairer.voices.pdfform import is_filled_form
from fairer.voices.redact import redact
from fairer.voices.survey import read_survey
from fairer.voices.workspace import Consultation, open_consultation

SURVEY_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".ods")
NOTES_SUFFIXES = (".txt", ".md", ".markdown", ".docx", ".odt", ".pdf", ".html", ".htm", ".vtt")
_AGE_BANDS = [
    (0, 15, "Under 16"),
    (16, 24, "16-24"),
    (25, 34, "25-34"),
    (35, 44, "35-44"),
    (45, 54, "45-54"),
    (55, 64, "55-64"),
    (65, 74, "65-74"),
    (75, 200, "75+"),
]


@dataclass
class ImportReport:
    """What an import did, file by file."""

    imported: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    redactions: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    campaigns: pd.DataFrame = field(default_factory=pd.DataFrame)

    def lines(self) -> list[str]:
        if len(self.imported) > 12:  # a folder of returned forms: the totals, not 500 lines
            least = min(self.imported, key=lambda x: x[1])
            most = max(self.imported, key=lambda x: x[1])
            out = [
                f"imported {len(self.imported):,} files: "
                f"{sum(k for _, k in self.imported):,} statements "
                f"(fewest {least[1]:,} in {least[0]}, most {most[1]:,} in {most[0]})"
            ]
        else:
            out = [f"imported {n}: {k:,} statements" for n, k in self.imported]
        out += [f"unchanged {n}" for n in self.unchanged]
        c = self.counts
        if c:
            out.append(
                f"answers {c.get('answers', 0):,}; no answer {c.get('no_answer', 0):,}; "
                f"duplicates kept once {c.get('duplicates', 0):,}; "
                f"repeated rows dropped {c.get('repeat_rows', 0):,}"
            )
        if self.redactions:
            out.append(
                "redacted: "
                + ", ".join(f"{k.lower()} {v}" for k, v in sorted(self.redactions.items()))
            )
        for c in self.campaigns.itertuples():
            out.append(
                f"{c.campaign_id}: {c.statements:,} responses to '{c.question}' repeat one "
                f"template ({c.edited:,} with their own edits); coded once, counted for each"
            )
        return out + [f"note: {m}" for m in _grouped_by_file(self.notes)]


def _grouped_by_file(notes: list[str]) -> list[str]:
    """Notes in order, one line for what three files or more say alike ("in 212 files: not
    imported: Your name (personal data: never imported)")."""
    files: dict[str, list[str]] = {}
    for note in notes:
        name, sep, said = note.partition(": ")
        if sep:
            files.setdefault(said, []).append(name)
    out, done = [], set()
    for note in notes:
        name, sep, said = note.partition(": ")
        if sep and len(set(files[said])) >= 3:
            if said not in done:
                out.append(f"in {len(set(files[said])):,} files: {said}")
                done.add(said)
        else:
            out.append(note)
    return out


def age_band(value: object) -> str | None:
    """A respondent's age as a band: numbers become ``25-34`` etc.; bands are kept as given."""
    if value is None or pd.isna(value) or str(value).strip() == "":
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d{1,3}(\.0)?", text):
        age = int(float(text))
        return next(b for lo, hi, b in _AGE_BANDS if lo <= age <= hi)
    return text


def _postcode_lookup(path: Path) -> dict[str, str]:
    """Postcode → LSOA: an ONS postcode directory (LSOA 2021 first), or a simple table."""
    from fairer.sources.postcodes import read_postcode_lookup

    pcs = read_postcode_lookup(path)
    lsoa = pcs["lsoa21"] if "lsoa21" in pcs else pcs.get("lsoa11")
    if lsoa is None:
        raise FairerError(
            "postcode lookup needs a postcode column and an LSOA code column", path=path
        )
    keep = lsoa.notna()
    return dict(zip(pcs.loc[keep, "postcode"], lsoa[keep].astype(str), strict=True))


@dataclass(frozen=True)
class _Reading:
    """How the user asked for files to be read (the same for every file of one import)."""

    kind: str | None = None
    text_columns: list[str] | None = None
    id_column: str | None = None
    platform: str | None = None
    known_names: tuple[str, ...] = ()


def _read_one(path: Path, how: _Reading):
    suffix = path.suffix.lower()
    kind = how.kind or (
        "survey" if suffix in SURVEY_SUFFIXES else "notes" if suffix in NOTES_SUFFIXES else ""
    )
    if how.kind is None and suffix in SURVEY_SUFFIXES and is_workshop_grid(path):
        kind = "notes"  # a strategy café's notes pasted as a table, not a survey
    if how.kind is None and suffix == ".pdf" and is_filled_form(path):
        kind = "survey"  # a returned response form: one respondent's answers in its fields
    if kind == "survey":
        t = read_survey(
            path, text_columns=how.text_columns, id_column=how.id_column, platform=how.platform
        )
        answers = t.answers.assign(group_name="", round="")
        notes = t.notes + [f"{path.name}: not imported: {c}" for c in t.ignored_columns]
        return kind, answers, t.respondents, t.names, notes
    if kind == "notes":
        t = read_notes(path)
        resp = pd.DataFrame({"respondent_id": t.answers["respondent_id"].unique()})
        return kind, t.answers, resp, t.names, t.notes
    raise FairerError(
        f"unknown file type '{suffix}': surveys are CSV/XLSX/ODS, "
        "notes are TXT/MD/DOCX/ODT/PDF/HTML",
        path=path,
    )


def _prepare(path: Path, how: _Reading, place_names, postcodes, report):
    kind, answers, resp, names, notes = _read_one(path, how)
    report.notes += notes
    prefix = f"{path.stem}:"
    answers = answers.copy()
    answers["respondent_id"] = prefix + answers["respondent_id"].astype(str).str.removeprefix(
        prefix
    )
    resp = resp.copy()
    resp["respondent_id"] = prefix + resp["respondent_id"].astype(str).str.removeprefix(prefix)
    for col in ("question", "group_name", "round", "sheet"):
        answers[col] = answers[col].fillna("").astype(str)
    seq = answers.groupby(["sheet", "row", "question", "group_name"], dropna=False).cumcount()
    answers["statement_id"] = [
        statement_id(path.name, s, r, q, g, i)
        for s, r, q, g, i in zip(
            answers["sheet"],
            answers["row"],
            answers["question"],
            answers["group_name"],
            seq,
            strict=True,
        )
    ]
    # Web platforms and documents write HTML and Markdown around what people said.
    answers["text"] = [plain_text(t) if has_markup(t) else t for t in answers["text"].astype(str)]
    answers, counts = tidy_answers(answers)
    all_names = list(how.known_names) + list(names)
    texts, red_rows = [], []
    for sid, text in zip(answers["statement_id"], answers["text"], strict=True):
        clean, spans = redact(text, all_names, place_names)
        texts.append(clean)
        red_rows += [(sid, s.kind, s.start, s.end) for s in spans]
    answers["text"] = texts
    # Group labels, questions and sheet names can carry names too ("Table 2 – hosted by Jane
    # Smith", a sheet called "Jane's notes").
    for col in ("question", "group_name", "sheet"):
        clean = {v: redact(v, all_names, place_names)[0] for v in answers[col].unique()}
        answers[col] = answers[col].map(clean)
    answers["kind"] = kind
    answers["file"] = path.name
    answers["row"] = pd.to_numeric(answers["row"], errors="coerce").astype("Int64")
    resp = _respondent_attributes(resp, postcodes, path, report)
    redactions = pd.DataFrame(red_rows, columns=["statement_id", "kind", "start_pos", "end_pos"])
    return answers, resp, redactions, counts


def _respondent_attributes(resp: pd.DataFrame, postcodes, path: Path, report) -> pd.DataFrame:
    out = pd.DataFrame({"respondent_id": resp["respondent_id"]})
    for col in ("sex", "ethnicity", "disability"):
        out[col] = resp.get(col, None)
    out["age"] = resp["age"].map(age_band) if "age" in resp else None
    area = (resp["area_code"] if "area_code" in resp else pd.Series(None, index=resp.index)).astype(
        object
    )
    if "postcode" in resp:
        if postcodes is None:
            report.notes.append(
                f"{path.name}: postcodes given but no postcode lookup set in voices.toml; "
                "postcodes were not stored"
            )
        else:
            from fairer.sources.postcodes import normalise_postcode

            keys = normalise_postcode(resp["postcode"].fillna("").astype(str)).fillna("")
            found = keys.map(postcodes)
            missing = int(((keys != "") & found.isna()).sum())
            if missing:
                report.notes.append(
                    f"{path.name}: {missing} postcode(s) not in the lookup; no area for them"
                )
            area = area.where(area.notna(), found.astype(object))
    out["area_code"] = area
    return out.drop_duplicates("respondent_id")


def files_to_import(paths: list[str | Path]) -> list[Path]:
    """The files named, with each folder named replaced by the files it holds that fairer
    reads (and those in folders under it), in name order.

    Office's lock files (``~$notes.docx``, left while a document is open) and hidden files
    are not what anyone meant to import, and are passed over. A folder with nothing to read
    in it is refused, as is a path that does not exist.

    Parameters
    ----------
    paths : list of path-like

    Returns
    -------
    list of Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("b.pdf", "a.docx", "~$a.docx", ".DS_Store", "scan.jpg"):
    ...     _ = (d / name).write_text("x")
    >>> [p.name for p in files_to_import([d])]
    ['a.docx', 'b.pdf']
    """
    out: list[Path] = []
    readable = {*SURVEY_SUFFIXES, *NOTES_SUFFIXES}
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            out.append(path)
            continue
        found = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in readable
            and not p.name.startswith(("~$", "."))
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not found:
            raise FairerError(
                "the folder holds no file fairer reads (surveys: CSV, XLSX, ODS; notes: TXT, MD, "
                "DOCX, ODT, PDF, HTML, VTT)",
                path=path,
            )
        out += found
    return out


def import_files(
    folder: str | Path,
    files: list[str | Path],
    kind: str | None = None,
    text_columns: list[str] | None = None,
    id_column: str | None = None,
    known_names: list[str] | tuple[str, ...] = (),
    platform: str | None = None,
) -> ImportReport:
    """Import survey exports and workshop notes into the consultation in ``folder``.

    Parameters
    ----------
    folder : path-like
        A place folder or a consultation folder (created if new).
    files : list of path-like
        Surveys (CSV, TSV, XLSX, ODS; wide or long) and notes (TXT, MD, DOCX, ODT, PDF, HTML, chat
        exports), or folders of them (a folder of returned forms, say): see `files_to_import`.
    kind : {"survey", "notes"}, optional
        Force the reader; by default the file's suffix decides.
    text_columns, id_column : optional
        Override recognition of free-text columns and the respondent ID column.
    known_names : list of str
        Names to redact wherever they appear (facilitators, staff, attendees).
    platform : str, optional
        The engagement platform that exported the surveys (see
        :data:`fairer.voices.platforms.PLATFORM_KEYS`); by default each file's header decides.

    Returns
    -------
    ImportReport

    Raises
    ------
    FairerError
        If any file is unreadable or has no free text; nothing is stored in that case.
    """
    files = files_to_import(files)
    if not files:
        raise FairerError("no files to import")
    from fairer.voices.workspace import SETTINGS_FILE

    home = Path(folder) / "voices" if (Path(folder) / "place.toml").exists() else Path(folder)
    new = not (home / SETTINGS_FILE).exists()
    existed = home.exists()
    try:
        how = _Reading(kind, text_columns, id_column, platform, tuple(known_names))
        return _import(folder, files, how)
    except BaseException:
        # A first import that fails leaves no half-made consultation behind.
        if new:
            for f in (home / SETTINGS_FILE, home / "voices.duckdb", home / "voices.duckdb.wal"):
                f.unlink(missing_ok=True)
            if not existed and home.is_dir() and not any(home.iterdir()):
                home.rmdir()
        raise


def _import(folder, files, how: _Reading) -> ImportReport:
    cons: Consultation = open_consultation(folder, create=True)
    postcodes = _postcode_lookup(cons.postcodes) if cons.postcodes else None
    report = ImportReport()
    store = open_store(cons.store_path)
    totals: dict[str, int] = {}
    try:
        # The place's own ward and town names are places, not people ("Norton", "Billingham").
        place_names = queries.place_area_names(store, cons.place.la_codes) if cons.place else []
        with store.transaction():
            for f in files:
                path = Path(f)
                digest = sha256_of(path) if path.is_file() else None
                if digest and store.source_with_checksum("voices", digest) is not None:
                    report.unchanged.append(path.name)
                    continue
                answers, resp, red, counts = _prepare(path, how, place_names, postcodes, report)
                for sid in queries.source_ids_for_path(store, "voices", path):
                    store.drop_source_rows(sid)
                source_id = store.register_source(
                    "voices",
                    path,
                    digest,
                    detail=f"{answers['kind'].iat[0]} export",
                    row_count=len(answers),
                )
                cols = [
                    "statement_id",
                    "respondent_id",
                    "question",
                    "group_name",
                    "round",
                    "text",
                    "status",
                    "duplicate_of",
                    "kind",
                    "file",
                    "sheet",
                    "row",
                ]
                store.append("statements", answers[cols].assign(source_id=source_id))
                store.append("respondents", resp.assign(source_id=source_id))
                store.append("redactions", red.assign(source_id=source_id))
                report.imported.append((path.name, len(answers)))
                for k, v in counts.items():
                    totals[k] = totals.get(k, 0) + v
                for k, v in red["kind"].value_counts().items():
                    report.redactions[k] = report.redactions.get(k, 0) + int(v)
            if report.imported:
                queries.clear_derived(store)
                report.campaigns = _mark_campaigns(store)
    finally:
        store.close()
    report.counts = totals
    return report


def _mark_campaigns(store) -> pd.DataFrame:
    """Find the campaigns among every answer in the consultation (they may span files)."""
    from fairer.voices.campaigns import find_campaigns

    distinct = queries.distinct_answers(store)
    members, found = find_campaigns(
        distinct[["statement_id", "question", "text"]],
        distinct.set_index("statement_id")["copies"],
    )
    queries.replace_campaigns(store, members, found)
    return found


def load_statements(cons: Consultation, include_all: bool = False) -> pd.DataFrame:
    """The consultation's statements (by default only answers to code: no blanks, no copies)."""
    return cons.read(queries.statements, include_all)


def clear_consultation(folder: str | Path) -> None:
    """Remove every statement, label and result from the consultation (settings are kept)."""
    cons = open_consultation(folder)
    store = open_store(cons.store_path)
    try:
        with store.transaction():
            for sid in queries.source_ids_of_kinds(store, ["voices", "voices-review"]):
                store.drop_source_rows(sid)
            queries.clear(store, [*DERIVED_TABLES, "coding_rounds", "coding_agreement"])
    finally:
        store.close()
