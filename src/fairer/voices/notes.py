"""Read workshop write-ups and chat exports into one statement per bullet.

Write-ups come as plain text, Markdown, Word (DOCX) or HTML, often as a table of questions with
a column of notes per table or group (a strategy café), or as headings ("Question 2", "Table 3",
"Round 1") over bullet points. Every reader turns its file into the same blocks (heading,
bullet, paragraph, table); one walker turns blocks into statements, remembering the question,
group and round each falls under. Teams/Zoom chat lines (``[10:32] Name: message``) become one
statement per message; the speakers' names are kept only as names to redact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from fairer.errors import FairerError
from fairer.voices.textfile import check_file, read_text

#: Largest number of characters of text a write-up may hold (a 20 MB DOCX is mostly images).
MAX_CHARS = 5_000_000

_BULLET = re.compile(r"^\s*(?:[-*•·‣◦▪●–]|\d{1,2}[.)]|[a-z][.)])\s+(.*\S)\s*$")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+(.*\S)\s*$")
_GROUP = re.compile(r"^(?:table|group|breakout(?: room)?|room|session)\s*[\w-]{0,12}\b", re.I)
_ROUND = re.compile(r"^round\s*\w{1,6}\b", re.I)
_QUESTION = re.compile(r"^(?:q(?:uestion)?\s*\d+\b|.*\?\s*$)", re.I)
_ATTENDEES = re.compile(
    r"^\s*(?:attendees|present|apologies|in attendance|participants)\s*[:\-]", re.I
)
# A heading (or a line standing as one) that opens a list of people, not answers:
# "Attendee list (retrieved from Teams …)", "Participants", "Full Name".
_ATTENDEE_SECTION = re.compile(
    r"^\s*(?:attendee(?:s)?(?:\s+list)?|attendance(?:\s+list)?|participants|people present|"
    r"present|apologies|in attendance|full names?)\s*(?:\(.*\))?\s*:?\s*$",
    re.I,
)
_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Cllr|Councillor|Rev)"
# One person per line, as an attendee list gives them: an optional title, two to four
# capitalised words, and perhaps a role in brackets.
_NAME_LINE = re.compile(
    rf"^(?:{_TITLES}\.?\s+)?[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){{0,3}}\s*(?:\([^)]*\))?$"
)
_CHAT = re.compile(
    r"^\s*\[?(?:\d{1,2}/\d{1,2}/\d{2,4},?\s*)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?\]?\s*[-–]?\s*"
    r"([^:\[\]]{1,60}?):\s+(.+?)\s*$"
)


@dataclass
class Block:
    """One piece of a document: ``heading``, ``bullet``, ``para`` or ``table``."""

    kind: str
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    line: int = 0


@dataclass
class NotesTable:
    """Statements from a write-up, and the names found in it (to redact, never to store)."""

    answers: pd.DataFrame
    names: list[str]
    notes: list[str] = field(default_factory=list)


# -- readers: file → blocks ---------------------------------------------------------------------
def text_blocks(text: str) -> list[Block]:
    """Blocks from plain text or Markdown."""
    blocks: list[Block] = []
    table: list[list[str]] = []
    start = 0
    for n, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if s.startswith("|") and s.endswith("|"):
            if not table:
                start = n
            cells = [re.sub(r"<br\s*/?>", "\n", c).strip() for c in s.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                table.append(cells)
            continue
        if table:
            blocks.append(Block("table", rows=table, line=start))
            table = []
        if not s:
            continue
        if m := _MD_HEADING.match(s):
            blocks.append(Block("heading", m.group(1), line=n))
        elif m := _BULLET.match(line):
            blocks.append(Block("bullet", m.group(1), line=n))
        elif _is_heading_line(s):
            blocks.append(Block("heading", s.rstrip(":").strip(), line=n))
        else:
            blocks.append(Block("para", s, line=n))
    if table:
        blocks.append(Block("table", rows=table, line=start))
    return blocks


def _is_heading_line(s: str) -> bool:
    if len(s) > 120:
        return False
    if s.endswith(":") or _GROUP.match(s) and len(s) < 40 or _ROUND.match(s) and len(s) < 40:
        return True
    return bool(re.match(r"^q(?:uestion)?\s*\d+\b", s, re.I))


def docx_blocks(path: Path) -> list[Block]:
    """Blocks from a Word document: headings, list paragraphs, paragraphs and tables in order."""
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise FairerError("reading DOCX needs python-docx", path=path) from None
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # zip and XML errors: the user needs one line
        raise FairerError(
            f"not a readable Word document ({type(exc).__name__})", path=path
        ) from None
    blocks: list[Block] = []
    total = 0
    for i, child in enumerate(document.element.body.iterchildren()):
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, document)
            text = p.text.strip()
            if not text:
                continue
            total += len(text)
            style = (p.style.name if p.style is not None else "") or ""
            if style.startswith(("Heading", "Title")):
                blocks.append(Block("heading", text, line=i + 1))
            elif "List" in style or child.find(".//{*}numPr") is not None:
                blocks.append(Block("bullet", text, line=i + 1))
            else:
                blocks.extend(b for b in text_blocks(text) if b.kind != "table")
        elif tag == "tbl":
            t = Table(child, document)
            rows = [[c.text.strip() for c in r.cells] for r in t.rows]
            total += sum(len(c) for r in rows for c in r)
            blocks.append(Block("table", rows=rows, line=i + 1))
        if total > MAX_CHARS:
            raise FairerError(
                f"document holds more than {MAX_CHARS:,} characters of text", path=path
            )
    return blocks


class _HTMLBlocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._buf: list[str] = []
        self._kind: str | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag == "table":
            self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")
        elif tag == "li" and self._cell is not None:
            self._cell.append("\n- ")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6", "li", "p") and self._cell is None:
            self._flush()
            self._kind = {"li": "bullet", "p": "para"}.get(tag, "heading")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._rows is not None and self._cell is not None:
            if self._rows:
                self._rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.blocks.append(Block("table", rows=[r for r in self._rows if r]))
            self._rows = None
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6", "li", "p") and self._cell is None:
            self._flush()

    def handle_data(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._kind:
            self._buf.append(data)

    def _flush(self):
        text = re.sub(r"\s+", " ", "".join(self._buf)).strip()
        if self._kind and text:
            self.blocks.append(Block(self._kind, text))
        self._buf, self._kind = [], None


def html_blocks(text: str) -> list[Block]:
    """Blocks from HTML: headings, list items, paragraphs and tables."""
    parser = _HTMLBlocks()
    parser.feed(text)
    parser.close()
    parser._flush()
    return parser.blocks


# -- blocks → statements ------------------------------------------------------------------------
def _cell_statements(cell: str) -> list[str]:
    out = []
    for line in re.split(r"\n+", cell):
        m = _BULLET.match(line)
        s = (m.group(1) if m else line).strip()
        if s:
            out.append(s)
    return out


def _table_statements(rows: list[list[str]], context: dict, sheet: str) -> list[dict]:
    """A question-by-group grid: first column the question, other columns the groups' notes.

    When the header's first cell is not a question label (e.g. ``Table | Notes``) the first
    column is the group and the rest are notes under the current question.
    """
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    first = header[0].strip().lower() if header else ""
    out = []
    by_question = first in ("", "question", "questions", "theme", "topic", "prompt") or any(
        _GROUP.match(h.strip()) for h in header[1:]
    )
    for r, row in enumerate(body, start=2):
        for c, cell in enumerate(row[1:], start=1):
            col = header[c] if c < len(header) else f"column {c + 1}"
            if by_question:
                q, g = row[0] or context["question"], col or context["group"]
            else:
                q, g = context["question"], row[0] or context["group"]
            for s in _cell_statements(cell):
                out.append(
                    {**context, "question": q, "group_name": g, "text": s, "sheet": sheet, "row": r}
                )
    return out


def attendee_lines(blocks: list[Block]) -> set[int]:
    """Indexes of the blocks that are an attendee list: its heading and one name per line.

    A list of names is never an answer, whatever heading it sits under. The list runs from a
    heading such as "Attendee list" or "Participants" over the lines that read as names, and
    ends at the next heading or at the first line that is not a name.
    """
    out: set[int] = set()
    inside = False
    for i, b in enumerate(blocks):
        text = (b.text or "").strip()
        if b.kind != "table" and len(text) < 150 and _ATTENDEE_SECTION.match(text):
            inside = True
            out.add(i)
        elif inside and b.kind != "heading" and b.kind != "table" and _NAME_LINE.match(text):
            out.add(i)
        else:
            inside = False
    return out | _unheaded_name_runs(blocks)


def _is_only_a_name(text: str) -> bool:
    """The line is a person's name and nothing else (redaction would leave only ``[NAME]``)."""
    from fairer.voices.redact import redact

    line = re.sub(r"\(.*?\)", "", text).strip(" .,;-•*")
    return bool(_NAME_LINE.match(line)) and redact(line)[0].strip() == "[NAME]"


def _unheaded_name_runs(blocks: list[Block], shortest: int = 3) -> set[int]:
    """Runs of three or more lines that are each only a person's name: a list of people pasted
    in without a heading (a chat roster, a sign-in sheet) is not a set of answers either."""
    out: set[int] = set()
    run: list[int] = []
    for i, b in enumerate([*blocks, None]):
        if b is not None and b.kind not in ("heading", "table") and _is_only_a_name(b.text or ""):
            run.append(i)
            continue
        if len(run) >= shortest:
            out.update(run)
        run = []
    return out


def attendee_names(blocks: list[Block]) -> list[str]:
    """Names listed on attendee lines ("Attendees: Jane Smith, Dr Ali Khan") or in an
    attendee list (one per line), to redact wherever else they appear."""
    names = []
    for i in sorted(attendee_lines(blocks)):
        line = re.sub(r"\(.*?\)", "", blocks[i].text or "").strip()
        if _NAME_LINE.match(line) and not _ATTENDEE_SECTION.match(line):
            person = re.sub(rf"^{_TITLES}\.?\s+", "", line).strip()
            names.append(person)
            names += [w for w in person.split() if len(w) > 2]
    for b in blocks:
        if b.kind != "table" and _ATTENDEES.match(b.text):
            listed = b.text.split(":", 1)[-1] if ":" in b.text else b.text.split("-", 1)[-1]
            for part in re.split(r",|;|\band\b|&|/", listed):
                part = re.sub(r"\(.*?\)", "", part)
                part = re.sub(
                    r"^\s*(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Cllr|Councillor|Rev)\.?\s+", "", part.strip()
                )
                if re.fullmatch(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}", part.strip()):
                    names.append(part.strip())
                    names += [w for w in part.split() if len(w) > 2]
    return names


def blocks_to_statements(blocks: list[Block], source: str = "") -> pd.DataFrame:
    """Walk the blocks keeping the current question, group and round; one row per statement.

    A heading that opens the document is its title, not a question (unless it reads as one,
    "Question 1 …" or ending in "?"); paragraphs under the title
    and before the first question or group are the write-up's preamble ("Notes written up by
    …") and are not statements. A document with no headings at all is all statements.
    """
    context = {"question": "", "group_name": "", "round": ""}
    rows: list[dict] = []
    tables = 0
    structured = any(b.kind in ("heading", "table") for b in blocks)
    first = next((i for i, b in enumerate(blocks) if not _ATTENDEES.match(b.text or "")), None)
    people = attendee_lines(blocks)
    for i, b in enumerate(blocks):
        if i in people:
            continue  # an attendee list: names, not statements
        opening = i == first and b.kind == "heading"
        if opening and not (
            _GROUP.match(b.text) or _ROUND.match(b.text) or _QUESTION.match(b.text)
        ):
            continue  # the title
        preamble = (
            structured and b.kind == "para" and not (context["question"] or context["group_name"])
        )
        if preamble and not (_QUESTION.match(b.text.strip()) and b.text.strip().endswith("?")):
            continue  # preamble
        if b.kind == "table":
            tables += 1
            rows += _table_statements(b.rows, context, f"table {tables}")
            continue
        text = b.text.strip()
        if _ATTENDEES.match(text):
            continue
        if b.kind == "heading":
            if _ROUND.match(text):
                context["round"] = text
            elif _GROUP.match(text) and len(text) < 40:
                context["group_name"] = text
            else:
                context["question"] = text
                context["group_name"] = ""
            continue
        if b.kind == "para" and _QUESTION.match(text) and text.endswith("?") and len(text) < 200:
            context["question"] = text
            continue
        rows.append({**context, "text": text, "sheet": source, "row": b.line or None})
    return pd.DataFrame(rows, columns=["question", "group_name", "round", "text", "sheet", "row"])


def chat_statements(text: str) -> tuple[pd.DataFrame, list[str]] | None:
    """Chat export lines → statements, or None when the text is not a chat export."""
    lines = [(n, ln) for n, ln in enumerate(text.splitlines(), start=1) if ln.strip()]
    hits = [(n, _CHAT.match(ln)) for n, ln in lines]
    matched = [(n, m) for n, m in hits if m]
    if not lines or len(matched) < max(2, 0.5 * len(lines)):
        return None
    speakers = sorted({m.group(1).strip() for _, m in matched})
    ids = {s: f"chat-{i + 1}" for i, s in enumerate(speakers)}
    df = pd.DataFrame(
        {
            "respondent_id": [ids[m.group(1).strip()] for _, m in matched],
            "question": "",
            "group_name": "",
            "round": "",
            "text": [m.group(2) for _, m in matched],
            "sheet": "",
            "row": [n for n, _ in matched],
        }
    )
    return df, speakers


def read_notes(path: str | Path) -> NotesTable:
    """Read a write-up (TXT, MD, DOCX, HTML) or chat export into statements.

    Raises
    ------
    FairerError
        If the file is missing, empty, unreadable, too large, or holds no statements.
    """
    path = Path(path)
    check_file(path)
    suffix = path.suffix.lower()
    notes: list[str] = []
    names: list[str] = []
    if suffix == ".docx":
        blocks = docx_blocks(path)
        names = attendee_names(blocks)
        df = blocks_to_statements(blocks)
    elif suffix in (".txt", ".md", ".markdown", ".html", ".htm", ".vtt"):
        text, fallback = read_text(path)
        if fallback:
            notes.append(
                f"{path.name}: {fallback} line(s) were not UTF-8 and were read as Windows-1252"
            )
        if len(text) > MAX_CHARS:
            raise FairerError(f"file holds more than {MAX_CHARS:,} characters", path=path)
        chat = chat_statements(text) if suffix in (".txt", ".vtt") else None
        if chat is not None:
            df, names = chat
            notes.append(f"{path.name}: read as a chat export ({len(names)} speakers)")
        else:
            blocks = html_blocks(text) if suffix in (".html", ".htm") else text_blocks(text)
            names = attendee_names(blocks)
            df = blocks_to_statements(blocks)
    else:
        raise FairerError(
            f"unknown notes file type '{suffix}': use TXT, MD, DOCX or HTML", path=path
        )
    if df.empty:
        raise FairerError("no statements found (no bullets, paragraphs or table cells)", path=path)
    if "respondent_id" not in df:
        # Workshop notes speak for a table, not a person: each group is one "respondent".
        key = df["group_name"].where(df["group_name"] != "", "all")
        df.insert(0, "respondent_id", f"{path.stem}:" + key)
    return NotesTable(df, names, notes)
