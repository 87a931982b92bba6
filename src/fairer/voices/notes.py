"""Read workshop write-ups and chat exports into one statement per bullet.

Write-ups come as plain text, Markdown, Word (DOCX), OpenDocument (ODT), PDF or HTML, often as
a table of questions with a column of notes per table or group (a strategy café), or as headings
("Question 2", "Table 3", "Round 1") over bullet points. Every reader turns its file into the
same blocks (heading, bullet, paragraph, table); one walker turns blocks into statements,
remembering the question, group and round each falls under. Teams/Zoom chat lines
(``[10:32] Name: message``) become one statement per message; the speakers' names are kept only
as names to redact.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError
from fairer.voices.clean import has_markup, plain_text
from fairer.voices.pdfform import form_fields, written_answers
from fairer.voices.textfile import WORKBOOK_SUFFIXES, check_file, read_text, read_workbook

#: Largest number of characters of text a write-up may hold (a 20 MB DOCX is mostly images).
MAX_CHARS = 5_000_000

_BULLET = re.compile(r"^\s*(?:[-*•·‣◦▪●–→➢➤►▶✓✔○□■◆❖⁃]|\d{1,2}[.)]|[a-z][.)])\s+(.*\S)\s*$")
# A backslash before Markdown's punctuation, as Google Docs and pandoc write "1\\." and "\\-".
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+(.*\S)\s*$")
# A line wholly in bold ("**Question 2: What would help?**", "__Table 3__") is a heading.
_BOLD_LINE = re.compile(r"^(?:\*\*|__)([^*_].{0,160}?)(?:\*\*|__)\s*:?\s*$")
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
    """One piece of a document: ``heading``, ``bullet``, ``para`` or ``table``.

    ``level`` is a heading's depth (1 for a document's top heading; 9 for a line that only
    reads as a heading), ``marked`` says the document marked it as a heading (Markdown ``#``,
    a Word heading style, an HTML ``<h2>``, a line in bold, "Question 3"), and ``gap`` that a
    blank line came before it.
    """

    kind: str
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    line: int = 0
    level: int = 9
    marked: bool = False
    gap: bool = True
    numbered: int = 0


@dataclass
class NotesTable:
    """Statements from a write-up, and the names found in it (to redact, never to store)."""

    answers: pd.DataFrame
    names: list[str]
    notes: list[str] = field(default_factory=list)


# -- readers: file → blocks ---------------------------------------------------------------------
def text_blocks(text: str) -> list[Block]:
    """Blocks from plain text or Markdown.

    A bullet wrapped over several lines is one bullet: a line that follows a bullet or a
    paragraph with no blank line between is joined to it when it is indented, starts in lower
    case, or continues a line that stopped mid-phrase ("… runs every" / "hour, so …").
    """
    blocks: list[Block] = []
    indents: dict[int, int] = {}  # a bullet's indent, by the block's id
    table: list[list[str]] = []
    start = 0
    gap = True
    for n, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if s.startswith("|") and s.endswith("|"):
            if not table:
                start = n
            cells = [re.sub(r"<br\s*/?>", "\n", c).strip() for c in s.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                table.append(cells)
            gap = False
            continue
        if table:
            blocks.append(Block("table", rows=table, line=start))
            table = []
        if not s:
            gap = True
            continue
        prev = blocks[-1] if blocks else None
        if prev is not None and not gap and _continues(prev, line):
            prev.text = f"{prev.text} {s}"
            continue
        if m := _MD_HEADING.match(s):
            level = len(s) - len(s.lstrip("#"))
            blocks.append(Block("heading", m.group(1), line=n, level=level, marked=True, gap=gap))
        elif m := _BOLD_LINE.match(s):
            blocks.append(Block("heading", m.group(1).strip(), line=n, marked=True, gap=gap))
        elif s.startswith(">"):
            blocks.append(Block("bullet", s.lstrip("> ").strip(), line=n, gap=gap))
        elif m := _BULLET.match(line):
            num = re.match(r"^\s*(\d{1,2})[.)]\s", line)
            numbered = int(num.group(1)) if num else 0
            indent = len(line) - len(line.lstrip())
            said = m.group(1)
            if (
                not gap
                and not numbered
                and _joined_to_the_point_above(blocks, indents, indent, said)
            ):
                continue
            blocks.append(Block("bullet", said, line=n, gap=gap, numbered=numbered))
            indents[id(blocks[-1])] = indent
        elif _is_heading_line(s):
            marked = bool(re.match(r"^q(?:uestion)?\s*\d+\b", s, re.I))
            blocks.append(Block("heading", s.rstrip(":").strip(), line=n, marked=marked, gap=gap))
        else:
            blocks.append(Block("para", s, line=n, gap=gap))
        gap = False
    if table:
        blocks.append(Block("table", rows=table, line=start))
    for b in blocks:  # Markdown's escapes ("1\\.", "\\-", "\\(") as the reader sees them
        b.text = _MD_ESCAPE.sub(r"\1", b.text)
        b.rows = [[_MD_ESCAPE.sub(r"\1", c) for c in row] for row in b.rows]
    return _label_headings(blocks)


# A note-taker's label over what follows: "Quotes from the day", "Other comments", "Ideas".
_LABEL = re.compile(
    r"^(?:(?:some |other |more |key |typical |further )?(?:quotes?|quotations|comments?|"
    r"feedback|notes|points|themes?|messages|ideas|suggestions|issues)|points raised|"
    r"issues raised|in (?:their|people's) (?:own )?words|what (?:people|residents|we|you|"
    r"participants|young people) (?:said|heard|told us))\b",
    re.I,
)


def _joined_to_the_point_above(
    blocks: list[Block], levels: dict[int, int], level: int, text: str
) -> bool:
    """Join a list item to the one above when it sits deeper and starts in lower case: "Warm
    spaces" / "at the library" is one point as a reader takes it. `levels` holds each item's
    depth (or indent) by the block's id. True when joined."""
    prev = blocks[-1] if blocks else None
    if (
        prev is None
        or prev.kind != "bullet"
        or level <= levels.get(id(prev), 0)
        or not text[:1].islower()
    ):
        return False
    prev.text = f"{prev.text.rstrip(' ,;')}, {text}"
    return True


def _is_caps_label(text: str) -> bool:
    """A short line in capitals ("TRANSPORT", "HOUSING AND HOMES"), as note-takers head a
    flipchart's or a page's sections."""
    letters = [c for c in text if c.isalpha()]
    return (
        len(letters) >= 3
        and len(text.split()) <= 8
        and all(c.isupper() for c in letters)
        and not text.rstrip().endswith((".", "!", "?"))
    )


def _label_headings(blocks: list[Block]) -> list[Block]:
    """Lines that head what follows without being marked as headings: a section's name in
    capitals over the notes in ordinary type, or a label such as "Quotes from the day" over
    bullets or quotations.

    Capitals head sections only where most of the document is not in capitals (a flipchart
    typed all in capitals is all statements).
    """
    plain = [b for b in blocks if b.kind in ("para", "bullet")]
    caps = [b for b in plain if _is_caps_label(b.text)]
    few_caps = bool(caps) and len(caps) <= 0.4 * len(plain)
    for i, b in enumerate(blocks):
        if b.kind != "para" or i + 1 >= len(blocks):
            continue
        after = blocks[i + 1]
        if after.kind not in ("para", "bullet") or (b is not blocks[0] and not b.gap):
            continue
        label = (
            len(b.text.split()) <= 8
            and not b.text.rstrip().endswith((".", "!", "?"))
            and _LABEL.match(b.text.strip()) is not None
            and (after.kind == "bullet" or _QUOTED.match(after.text) is not None)
        )
        if (few_caps and _is_caps_label(b.text) and not _is_caps_label(after.text)) or label:
            b.kind = "heading"
    return blocks


# Words a line does not end on unless the sentence carries on to the next line.
_MID_PHRASE = re.compile(
    r"(?:[,;\-–(]|\b(?:and|or|but|the|a|an|to|of|for|with|from|every|that|because|if|than|"
    r"my|our|their|your))$",
    re.I,
)


def _continues(prev: Block, line: str) -> bool:
    """The line carries on the block before it (a wrapped bullet or paragraph)."""
    if prev.kind not in ("bullet", "para"):
        return False
    s = line.strip()
    if _BULLET.match(line) or _MD_HEADING.match(s) or s.startswith(("|", ">")):
        return False
    if prev.text.rstrip().endswith((".", "!", "?", ":")) and not line[:1].isspace():
        return False
    indented = line[:1].isspace() and prev.kind == "bullet"
    return indented or s[:1].islower() or bool(_MID_PHRASE.search(prev.text.rstrip()))


def _is_heading_line(s: str) -> bool:
    if len(s) > 120:
        return False
    if s.endswith(":") and (len(s.split()) > 8 or re.search(r"[.!?]\s", s)):
        return False  # a lead-in sentence ("Most agreed. Comments included:"), not a heading
    if s.endswith(":") or _GROUP.match(s) and len(s) < 40 or _ROUND.match(s) and len(s) < 40:
        return True
    return bool(re.match(r"^q(?:uestion)?\s*\d+\b", s, re.I))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _docx_paragraph(p) -> tuple[str, bool]:
    """A Word paragraph's text as it reads with tracked changes accepted, and whether all of
    it is bold.

    python-docx's ``Paragraph.text`` leaves out runs inside a tracked insertion (``w:ins``);
    deleted text (``w:delText``, ``w:moveFrom``) is not part of what the document now says,
    and a text box's fallback copy (``mc:Fallback``) would say it twice.
    """
    from docx.text.run import Run

    parts: list[str] = []
    bold = True

    def walk(el) -> None:
        nonlocal bold
        for child in el:
            tag = child.tag
            if tag in (f"{_W}del", f"{_W}moveFrom", _MC_FALLBACK):
                continue
            if tag == f"{_W}r":
                run_text = []
                for part in child:
                    if part.tag == f"{_W}t":
                        run_text.append(part.text or "")
                    elif part.tag == f"{_W}tab":
                        run_text.append("\t")
                    elif part.tag in (f"{_W}br", f"{_W}cr"):
                        run_text.append("\n")
                    elif part.tag == f"{_W}noBreakHyphen":
                        run_text.append("-")
                    elif part.tag == f"{_W}softHyphen":
                        pass
                    else:
                        walk(part)  # a text box or drawing holding text of its own
                text = "".join(run_text)
                if text.strip() and not Run(child, None).bold:
                    bold = False
                parts.append(text)
            else:
                walk(child)

    walk(p._p)
    text = "".join(parts).strip()
    return text, bold and bool(text)


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
    levels: dict[int, int] = {}  # a list item's level, by the block's id
    total = 0
    for i, child in enumerate(document.element.body.iterchildren()):
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, document)
            text, bold = _docx_paragraph(p)
            if not text:
                continue
            total += len(text)
            style = (p.style.name if p.style is not None else "") or ""
            bold = bold and len(text) < 160
            if style.startswith(("Heading", "Title")) or (bold and "List" not in style):
                m = re.search(r"(\d)", style)
                level = 1 if style.startswith("Title") else int(m.group(1)) if m else 9
                blocks.append(Block("heading", text, line=i + 1, level=level, marked=True))
            elif "List" in style or child.find(".//{*}numPr") is not None:
                ilvl = child.find(".//{*}numPr/{*}ilvl")
                depth = re.search(r"(\d)$", style)
                level = (
                    int(ilvl.get(f"{_W}val", "0"))
                    if ilvl is not None
                    else int(depth.group(1)) - 1
                    if depth
                    else 0
                )
                if _joined_to_the_point_above(blocks, levels, level, text):
                    continue
                blocks.append(
                    Block("bullet", text, line=i + 1, numbered=-1 if "Number" in style else 0)
                )
                levels[id(blocks[-1])] = level
            else:
                # a paragraph's own lines are one paragraph of the document, for provenance
                blocks.extend(
                    dataclasses.replace(b, line=i + 1)
                    for b in text_blocks(text)
                    if b.kind != "table"
                )
        elif tag == "tbl":
            t = Table(child, document)
            rows = [
                [
                    "\n".join(x for x in (_docx_paragraph(q)[0] for q in c.paragraphs) if x)
                    for c in r.cells
                ]
                for r in t.rows
            ]
            total += sum(len(c) for r in rows for c in r)
            blocks.append(Block("table", rows=rows, line=i + 1))
        if total > MAX_CHARS:
            raise FairerError(
                f"document holds more than {MAX_CHARS:,} characters of text", path=path
            )
    return blocks


_ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}


def _odf(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_ODF[prefix]}}}{local}"


def _odt_styles(*roots) -> dict[str, dict]:
    """Each paragraph and text style: its parent, whether it is bold, its list style."""
    styles: dict[str, dict] = {}
    for root in roots:
        for st in root.iter(_odf("style:style")):
            props = st.find(_odf("style:text-properties"))
            weight = props.get(_odf("fo:font-weight")) if props is not None else None
            styles[st.get(_odf("style:name"), "")] = {
                "parent": st.get(_odf("style:parent-style-name")),
                "bold": None if weight is None else weight in ("bold", "600", "700", "800"),
                "list": st.get(_odf("style:list-style-name")),
            }
    return styles


def _odt_style(styles: dict[str, dict], name: str | None, key: str):
    """A style's property, looked up through its parents as LibreOffice does."""
    seen = set()
    while name and name not in seen:
        seen.add(name)
        style = styles.get(name, {})
        if style.get(key) is not None:
            return style[key]
        name = style.get("parent")
    return None


def _odt_text(element, styles: dict[str, dict], bold: bool | None = None) -> tuple[str, bool]:
    """A paragraph's text (spaces, tabs and line breaks as they show) and whether all of it is
    bold; notes (footnotes, comments) are left out."""
    parts: list[str] = []
    all_bold = True

    def walk(el, in_bold: bool) -> None:
        nonlocal all_bold
        if el.text:
            parts.append(el.text)
            all_bold &= in_bold or not el.text.strip()
        for child in el:
            tag = child.tag
            if tag == _odf("text:s"):
                parts.append(" " * int(child.get(_odf("text:c"), "1")))
            elif tag == _odf("text:tab"):
                parts.append("\t")
            elif tag == _odf("text:line-break"):
                parts.append("\n")
            elif tag in (_odf("text:note"), _odf("office:annotation")):
                pass
            else:
                own = _odt_style(styles, child.get(_odf("text:style-name")), "bold")
                walk(child, in_bold if own is None else own)
            if child.tail:
                parts.append(child.tail)
                all_bold &= in_bold or not child.tail.strip()

    walk(element, bool(bold))
    return "".join(parts).strip(), all_bold


def odt_blocks(path: Path) -> list[Block]:
    """Blocks from an OpenDocument text file (LibreOffice, and the format the UK government
    asks for when it shares documents): headings, list items, bold lines, paragraphs and
    tables in order, as `docx_blocks` reads a Word document."""
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as z:
            content = ElementTree.fromstring(z.read("content.xml"))
            names = set(z.namelist())
            extra = [ElementTree.fromstring(z.read("styles.xml"))] if "styles.xml" in names else []
    except Exception as exc:  # zip and XML errors: the user needs one line
        raise FairerError(
            f"not a readable OpenDocument text file ({type(exc).__name__})", path=path
        ) from None
    styles = _odt_styles(*extra, content)
    numbered_lists = {
        ls.get(_odf("style:name"))
        for root in (*extra, content)
        for ls in root.iter(_odf("text:list-style"))
        if ls.find(_odf("text:list-level-style-number")) is not None
    }
    body = content.find(f"{_odf('office:body')}/{_odf('office:text')}")
    blocks: list[Block] = []
    total = 0

    depth = 0  # how deep in nested lists the walk is
    levels: dict[int, int] = {}  # a list item's depth, by the block's id

    def paragraph(el, n: int, in_list: str | None) -> None:
        nonlocal total
        style = el.get(_odf("text:style-name"))
        text, bold = _odt_text(el, styles, _odt_style(styles, style, "bold"))
        if not text:
            return
        total += len(text)
        list_style = in_list or _odt_style(styles, style, "list")
        if el.tag == _odf("text:h"):
            level = int(el.get(_odf("text:outline-level"), "9") or 9)
            blocks.append(Block("heading", text, line=n, level=level, marked=True))
        elif list_style is not None:
            if _joined_to_the_point_above(blocks, levels, depth, text):
                return
            numbered = -1 if list_style in numbered_lists else 0
            blocks.append(Block("bullet", text, line=n, numbered=numbered))
            levels[id(blocks[-1])] = depth
        elif bold and len(text) < 160:
            blocks.append(Block("heading", text, line=n, level=9, marked=True))
        else:
            blocks.extend(
                dataclasses.replace(b, line=n) for b in text_blocks(text) if b.kind != "table"
            )

    def cell_text(cell) -> str:
        lines = []
        for el in cell.iter():
            if el.tag in (_odf("text:p"), _odf("text:h")):
                lines.append(_odt_text(el, styles)[0])
        return "\n".join(x for x in lines if x)

    counter = iter(range(1, 10**9))  # the paragraph's place in the document, for provenance

    def walk(parent, in_list: str | None = None) -> None:
        nonlocal total
        for el in parent:
            tag = el.tag
            n = next(counter) if tag in (_odf("text:p"), _odf("text:h"), _odf("table:table")) else 0
            if tag in (_odf("text:p"), _odf("text:h")):
                paragraph(el, n, in_list)
            elif tag == _odf("text:list"):
                walk_list(el, in_list or el.get(_odf("text:style-name")) or "list")
            elif tag == _odf("text:section"):
                walk(el, in_list)
            elif tag == _odf("table:table"):
                rows = []
                for row in el.iter(_odf("table:table-row")):
                    cells: list[str] = []
                    for cell in row:
                        if cell.tag not in (
                            _odf("table:table-cell"),
                            _odf("table:covered-table-cell"),
                        ):
                            continue
                        repeat = int(cell.get(_odf("table:number-columns-repeated"), "1"))
                        cells += [cell_text(cell)] * min(repeat, 50)
                    while cells and not cells[-1]:
                        cells.pop()
                    rows.append(cells)
                width = max((len(r) for r in rows), default=0)
                rows = [r + [""] * (width - len(r)) for r in rows if any(r)]
                total += sum(len(c) for r in rows for c in r)
                if rows:
                    blocks.append(Block("table", rows=rows, line=n))
            if total > MAX_CHARS:
                raise FairerError(
                    f"document holds more than {MAX_CHARS:,} characters of text", path=path
                )

    def walk_list(lst, style: str) -> None:
        nonlocal depth
        depth += 1
        for item in lst:
            if item.tag in (_odf("text:list-item"), _odf("text:list-header")):
                walk(item, style)
        depth -= 1

    if body is not None:
        walk(body)
    return blocks


_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?i:page)\s*)?(?:\d{1,4}|(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3}))"  # 12, or xii
    r"(?:\s*(?i:of|/)\s*\d{1,4})?\s*$"
)
# A contents line: its title, a leader of dots, its page number.
_CONTENTS_LINE = re.compile(r"(?:\.\s*){4,}\s*\d{1,4}\s*$|…{2,}\s*\d{1,4}\s*$")
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.I)
# Word writes its bullets in the Symbol and Wingdings fonts, which a PDF keeps as private-use
# characters (U+F0B7 is Symbol's round bullet); its second-level bullet is a Courier "o".
_PDF_BULLET = re.compile(
    r"^(?:[•·▪●◦‣■□➢➤►▶→✓✔○◆❖⁃\uf0a7\uf0b7\uf076\uf0d8\uf0fc\uf0e0]\s*|[–-]\s+)"
)
_PDF_SUB_BULLET = re.compile(r"^o\s+(?=\S)")


# Typesetting leaves ligatures ("beneﬁts"), soft hyphens and no-break spaces in a PDF's text.
_PDF_TYPESET = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
    | {"\u00ad": "", "\u00a0": " ", "\u202f": " "}
)


def _pdf_text(text: str) -> str:
    """A PDF line's text as it was typed.

    >>> _pdf_text("The beneﬁts of a ﬂat fee")
    'The benefits of a flat fee'
    """
    return text.translate(_PDF_TYPESET).strip()


def _pdf_text_lines(page) -> list[dict]:
    """The lines of text on a page (or a crop of one), with what joining them needs."""
    out = []
    for ln in page.extract_text_lines(return_chars=True, strip=True):
        chars = [c for c in ln["chars"] if c["text"].strip()]
        text = _pdf_text(ln["text"])
        if not chars or not text:
            continue
        sizes = sorted(round(c["size"], 1) for c in chars)
        first_word = text.split()[0]
        out.append(
            {
                "kind": "line",
                "text": text,
                "top": ln["top"],
                "bottom": ln["bottom"],
                "x0": ln["x0"],
                "x1": ln["x1"],
                # how wide the first word is, for asking whether it would have fitted on the
                # line before (if it would, that line ended where its writer ended it)
                "first_word": (ln["x1"] - ln["x0"]) * len(first_word) / len(text),
                "size": sizes[len(sizes) // 2],
                "bold": all(_BOLD_FONT.search(c.get("fontname", "")) for c in chars),
                "chars": len(chars),
            }
        )
    return out


def _wraps(before: dict, line: dict, right: float, *, over_page: bool = False) -> bool:
    """Whether `line` carries on `before`: the line before ended only because the first word
    of this one did not fit inside the right edge, and they are set close together (or
    `before` ends one page and `line` opens the next)."""
    space = 0.3 * before["size"]
    close = over_page or line["top"] - before["bottom"] < 0.5 * (line["bottom"] - line["top"])
    return close and before["x1"] + space + line["first_word"] > right - 0.02 * right


def _pdf_cell(page, bbox, *, may_wrap: bool) -> str:
    """A table cell's text: its paragraphs on lines of their own, wrapped lines joined (if the
    table is as wide as the text, so that its cells can have wrapped their text at all)."""
    x0, top, x1, bottom = bbox

    def inside(obj) -> bool:  # by its centre: a letter's box may reach over the cell's rule
        if obj.get("object_type") != "char":
            return False
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return x0 <= x <= x1 and top <= y <= bottom

    lines = _pdf_text_lines(page.filter(inside))
    if not lines:
        return ""
    right = x1 - max(1.0, min(d["x0"] for d in lines) - x0)  # the cell's padding, both sides
    paragraphs: list[str] = []
    for i, d in enumerate(lines):
        wraps = may_wrap and i and _wraps(lines[i - 1], d, right)
        if wraps and not _PDF_BULLET.match(d["text"]):
            paragraphs[-1] += " " + d["text"]
        else:
            paragraphs.append(_PDF_BULLET.sub("- ", d["text"]))
    return "\n".join(paragraphs)


def _without_doubled_letters(page):
    """The page without the second copy of letters printed twice a shade apart (how some
    programs fake bold type). pdfplumber's ``dedupe_chars`` does this too, but sorts every
    letter on the page each time: minutes for a long report."""
    seen: dict[tuple[str, int], list[float]] = {}  # a letter on a line: where it starts
    doubled: set[int] = set()
    for c in page.chars:
        # a copy starts within a fraction of the letter's own width (the next "l" of "ll"
        # starts a whole width on)
        near = 0.4 * max(c["x1"] - c["x0"], 0.5)
        y = round(c["top"])
        starts = [x for dy in (-1, 0, 1) for x in seen.get((c["text"], y + dy), [])]
        if any(abs(c["x0"] - x) < near for x in starts):
            doubled.add(id(c))
        else:
            seen.setdefault((c["text"], y), []).append(c["x0"])
    return page.filter(lambda obj: id(obj) not in doubled) if doubled else page


def _pdf_lines(page) -> list[dict]:
    """A page's lines of text outside its tables, and its tables, in reading order."""
    page = _without_doubled_letters(page)
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and t <= y <= b for x0, t, x1, b in boxes)

    text_page = page.filter(outside) if boxes else page
    gutter = _pdf_gutter(text_page)
    spanning_tops: list[float] = []  # where lines across both columns start
    if gutter is None:
        out = _pdf_text_lines(text_page)
    else:
        out, spanning_tops = _pdf_column_lines(text_page, gutter)
    # A table narrower than the text sized its columns to what they hold (as a browser does),
    # so none of its lines wrapped; margins are taken to be the same on both sides.
    margin = min([d["x0"] for d in out] + [b[0] for b in boxes], default=0.0)
    for t in tables:
        may_wrap = t.bbox[2] - t.bbox[0] >= 0.9 * (page.width - 2 * margin)
        rows = [
            [_pdf_cell(page, c, may_wrap=may_wrap) if c else "" for c in row.cells]
            for row in t.rows
        ]
        table = {"kind": "table", "rows": [r for r in rows if any(r)], "top": t.bbox[1]}
        if gutter is not None:  # a table sits in a column, or spans both
            column = 0 if t.bbox[2] <= gutter[0] else 1 if t.bbox[0] >= gutter[1] else -1
            band = sum(top < t.bbox[1] + (1 if column < 0 else -1) for top in spanning_tops)
            table["order"] = (band, column, t.bbox[1])
        out.append(table)
    return sorted(out, key=lambda d: d.get("order", (0, 0, d["top"])))


def _pdf_gutter(page) -> tuple[float, float] | None:
    """The gap between a page's two columns of text, if it is set in two.

    The gutter is the widest vertical band in the middle half of the page that (almost) no
    letter crosses, with at least a fifth of the page's letters on either side.
    """
    chars = [c for c in page.chars if c["text"].strip()]
    if len(chars) < 200:  # too little text to tell columns from a few short lines
        return None
    cover = np.zeros(int(page.width) + 2)
    for c in chars:
        cover[max(0, int(c["x0"])) : int(np.ceil(c["x1"])) + 1] += 1
    typical = float(np.median(cover[cover > 0]))
    # a title or footer across both columns crosses the gutter: a few letters, not a column's
    low = cover <= max(2.0, 0.15 * typical)
    lo, hi = int(0.25 * page.width), int(0.75 * page.width)
    best: tuple[int, int] | None = None
    x = lo
    while x < hi:
        if low[x]:
            end = x
            while end + 1 < len(low) and low[end + 1]:
                end += 1
            if end - x >= 8 and (best is None or end - x > best[1] - best[0]):
                best = (x, end)
            x = end + 1
        else:
            x += 1
    if best is None:
        return None
    left = sum(c["x1"] <= best[0] + 1 for c in chars)
    right = sum(c["x0"] >= best[1] - 1 for c in chars)
    if min(left, right) < 0.2 * len(chars):
        return None
    return (float(best[0]), float(best[1]))


def _pdf_column_lines(page, gutter: tuple[float, float]) -> tuple[list[dict], list[float]]:
    """A two-column page's lines in reading order: each column top to bottom, between the
    lines that span both (a title, a heading set across the page), and where those start."""
    g0, g1 = gutter
    spanning = []
    for ln in page.extract_text_lines(return_chars=True, strip=True):
        if any(c["x0"] < g1 - 1 and c["x1"] > g0 + 1 for c in ln["chars"] if c["text"].strip()):
            spanning.append((ln["top"] - 0.5, ln["bottom"] + 0.5))
    spanning_tops = sorted(top for top, _ in spanning)

    def in_spanning(c) -> bool:
        y = (c["top"] + c["bottom"]) / 2
        return any(top <= y <= bottom for top, bottom in spanning)

    def side(column: int):
        def keep(obj) -> bool:
            if obj.get("object_type") != "char":
                return True
            if in_spanning(obj):
                return column == -1
            x = (obj["x0"] + obj["x1"]) / 2
            return column == (0 if x < (g0 + g1) / 2 else 1)

        return keep

    out = []
    for column in (-1, 0, 1):
        lines = _pdf_text_lines(page.filter(side(column)))
        right = max((d["x1"] for d in lines), default=0.0)
        left = min((d["x0"] for d in lines), default=0.0)
        for d in lines:
            # a spanning line opens the band of column lines below it
            above = [top for top in spanning_tops if top < d["top"] + (1 if column < 0 else -1)]
            d["order"] = (len(above), column, d["top"])
            if column >= 0:  # a column's own edges, for telling wrapped lines and bullets
                d["right"], d["left"] = right, left
            out.append(d)
    return out, spanning_tops


def pdf_blocks(path: Path, notes: list[str] | None = None) -> list[Block]:
    """Blocks from a PDF with a text layer (a cabinet report, a write-up saved as PDF).

    Lines in a larger font than the body are headings (the largest is level 1), unless they
    open with a quotation mark (a pull quote is what someone said); a whole line in bold at
    the body's size is a heading as a bold line is in Word; lines that wrap a paragraph or a
    bullet are joined; tables are read as tables. What every page repeats in its margins (the
    council's name, "Page 3 of 12"), contents lines and text in smaller type than the body
    (captions, chart labels, footnotes) are left out, and `notes` (if given) says how much.
    """
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - pdfplumber is a dependency
        raise FairerError("reading PDF needs pdfplumber", path=path) from None
    try:
        with pdfplumber.open(str(path)) as pdf:
            pages = [(p.height, _pdf_lines(p)) for p in pdf.pages]
    except Exception as exc:  # pdfminer's parse and password errors: the user needs one line
        raise FairerError(
            f"not a readable PDF ({type(exc).__name__}; a password-protected file must be "
            "saved without its password first)",
            path=path,
        ) from None
    lines = [d for _, page in pages for d in page if d["kind"] == "line"]
    if sum(len(d["text"]) for d in lines) > MAX_CHARS:
        raise FairerError(f"document holds more than {MAX_CHARS:,} characters of text", path=path)
    weight: dict[float, int] = {}
    for d in lines:
        weight[d["size"]] = weight.get(d["size"], 0) + d["chars"]
    body = max(weight, key=weight.get) if weight else 0.0
    bigger = sorted({d["size"] for d in lines if d["size"] >= body * 1.12}, reverse=True)
    level = {size: i + 1 for i, size in enumerate(bigger[:5])}
    # A running header or footer is the same margin line (numbers aside) on two pages or more
    # and on at least half of them; a heading that happens to open one page is not.
    margin_pages: dict[str, set[int]] = {}
    for number, (height, page) in enumerate(pages):
        for d in page:
            if d["kind"] == "line" and (d["top"] < 0.08 * height or d["bottom"] > 0.92 * height):
                key = re.sub(r"\d+", "#", d["text"].lower())
                margin_pages.setdefault(key, set()).add(number)
    repeated = {k for k, seen in margin_pages.items() if len(seen) >= max(2, 0.5 * len(pages))}
    # The text's right edge (the longest line of the body, a paragraph's wrapped lines reach
    # it) and its left edge, for telling wrapped lines and indented bullets.
    body_lines = [d for d in lines if d["size"] == body] or lines
    right = max((d["x1"] for d in body_lines), default=0.0)
    left = min((d["x0"] for d in body_lines), default=0.0)
    entries: list[dict] = []  # kind ("heading", "quote", "bold", "text", "table", "gap"), text
    left_out = {"in smaller type than the body (captions, chart labels, footnotes)": 0}
    left_out["of a table of contents"] = 0
    prev: dict | None = None
    for height, page in pages:
        page_top = True  # a paragraph or bullet may carry on over the page break
        for d in page:
            if d["kind"] == "table":
                entries += [{"kind": "gap"}, {"kind": "table", "rows": d["rows"]}]
                prev = None
                continue
            text = d["text"]
            in_margin = d["top"] < 0.08 * height or d["bottom"] > 0.92 * height
            if _PAGE_NUMBER.match(text) or (
                in_margin and re.sub(r"\d+", "#", text.lower()) in repeated
            ):
                continue
            if d["size"] < 0.8 * body:
                left_out["in smaller type than the body (captions, chart labels, footnotes)"] += 1
                continue
            if _CONTENTS_LINE.search(text):
                left_out["of a table of contents"] += 1
                continue
            kind = "heading" if d["size"] in level else "bold" if d["bold"] else "text"
            wraps = prev is not None and _wraps(prev, d, d.get("right", right), over_page=page_top)
            if kind == "heading" and (
                text[:1] in "\"“‘'"
                or (wraps and prev["kind_"] == "quote" and prev["size"] == d["size"])
            ):
                kind = "quote"  # a pull quote set large: what someone said, not a heading
            indented = d["x0"] > d.get("left", left) + 5
            if _PDF_BULLET.match(text) or (indented and _PDF_SUB_BULLET.match(text)):
                text = "- " + _PDF_SUB_BULLET.sub("", _PDF_BULLET.sub("", text), count=1)
            bullet = text.startswith("- ")
            close = prev is not None and d["top"] - prev["bottom"] < 0.5 * (d["bottom"] - d["top"])
            lead_in = prev is not None and prev["text"].rstrip().endswith(":")
            page_top = False
            if wraps and prev["kind_"] == kind and not bullet and not lead_in:
                entries[-1]["text"] += f" {text}"  # the line wraps the one before it
            else:
                if not close:
                    entries.append({"kind": "gap"})
                entries.append({"kind": kind, "text": text, "size": d["size"]})
            prev = {**d, "kind_": kind}
    if notes is not None:
        notes += [f"left out: {n} line(s) {what}" for what, n in left_out.items() if n]
    if not any(e["kind"] != "gap" for e in entries):  # nothing but page numbers, if that
        raise FairerError(
            "the PDF holds no text (a scanned image?): save the write-up from Word or as text",
            path=path,
        )
    out: list[str] = []
    for e in entries:
        if e["kind"] == "gap":
            out.append("")
        elif e["kind"] == "table":
            out += [
                "| " + " | ".join(c.replace("\n", "<br>") for c in row) + " |" for row in e["rows"]
            ]
            out.append("")
        elif e["kind"] == "heading":
            out.append("#" * level[e["size"]] + " " + e["text"])
        elif e["kind"] == "bold" and len(e["text"]) < 160:
            out.append(f"**{e['text']}**")
        else:
            out.append(e["text"])
    return text_blocks("\n".join(out))


class _HTMLBlocks(HTMLParser):
    _HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
    _BLOCKS = ("li", "p", "div", "blockquote", "dd", "dt", *_HEADINGS)

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._buf: list[str] = []
        self._kind: str | None = None
        self._level = 9
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._skip = 0
        self._in_li = 0
        self._word_list = False  # Word's "Save as web page" writes list items as paragraphs

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self._skip += 1
        elif tag == "table":
            self._flush()
            self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []
        elif self._cell is not None:
            # Inside a cell every paragraph, line break and list item is its own line.
            if tag == "li":
                self._cell.append("\n- ")
            elif tag in ("br", "p", "div", "tr", *self._HEADINGS):
                self._cell.append("\n")
        elif tag == "br" and self._kind:
            self._buf.append(" ")
        elif tag in self._BLOCKS:
            if tag in ("p", "div") and self._in_li:
                return  # a paragraph inside a list item is the item's own text
            self._flush()
            if tag == "li":
                self._in_li += 1
            self._kind = (
                "heading"
                if tag in self._HEADINGS
                else "bullet"
                if tag
                in (
                    "li",
                    "blockquote",
                )
                else "para"
            )
            self._level = int(tag[1]) if tag in self._HEADINGS else 9
            self._word_list = tag == "p" and "msolist" in (dict(attrs).get("class") or "").lower()

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._rows is not None and self._cell is not None:
            if self._rows:
                self._rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.blocks.append(Block("table", rows=[r for r in self._rows if r]))
            self._rows = None
        elif self._cell is None and tag in self._BLOCKS:
            if tag in ("p", "div") and self._in_li:
                return
            self._flush()
            if tag == "li":
                self._in_li = max(0, self._in_li - 1)

    def handle_data(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._kind:
            self._buf.append(data)
        elif data.strip():
            # Text loose in <body> (no <p> round it) is a paragraph of its own.
            self._kind, self._level = "para", 9
            self._buf.append(data)

    def _flush(self):
        text = re.sub(r"\s+", " ", "".join(self._buf)).strip()
        kind, numbered = self._kind, 0
        if kind == "para":
            # A bullet typed or exported as a paragraph: "· Later buses" (Word's web page, its
            # Symbol-font dot), "§" and "o" for its deeper levels, "1." for its numbers.
            glyph = r"[§o]|\d{1,2}[.)]|[a-z][.)]" if self._word_list else r"\d{1,2}[.)]"
            m = _BULLET.match(text) or re.match(rf"^(?:{glyph})\s+(.*\S)$", text)
            if m and (self._word_list or not re.match(r"^\d", text)):
                kind, text = "bullet", m.group(1)
                numbered = -1 if re.match(r"^\d", "".join(self._buf).strip()) else 0
        if kind and text:
            heading = kind == "heading"
            self.blocks.append(
                Block(
                    kind,
                    text,
                    level=self._level if heading else 9,
                    marked=heading,
                    numbered=numbered,
                )
            )
        self._buf, self._kind, self._level, self._word_list = [], None, 9, False


def html_blocks(text: str) -> list[Block]:
    """Blocks from HTML: headings, list items, paragraphs and tables."""
    parser = _HTMLBlocks()
    parser.feed(text)
    parser.close()
    parser._flush()
    return parser.blocks


# -- blocks → statements ------------------------------------------------------------------------
def _cell_statements(cell: str) -> list[str]:
    """One statement per line, bullet or list item of a cell (HTML and Markdown read as text)."""
    if has_markup(cell):
        cell = plain_text(re.sub(r"<li\b", "\n<li", cell, flags=re.I), lines=True)
    out = []
    for line in re.split(r"\n+", cell):
        m = _BULLET.match(line)
        text = _statement_text(m.group(1) if m else line)
        if re.search(r"\w", text) and not _not_a_statement(text):
            out.append(text)
    return out


_NOTES_COLUMN = re.compile(
    r"^(?:what (?:people|residents|you|participants|they|young people|we|the group) "
    r"(?:said|told us|heard|say)|you said|we heard|comments?|notes?|feedback|responses?|"
    r"answers?|key (?:points|comments|messages)|points raised|discussion(?: points)?|summary|"
    r"quotes?|examples?(?: of comments)?|typical comments|mentions|count|number(?: of \w+)?)"
    r"\s*:?$",
    re.I,
)


_OUR_RESPONSE = re.compile(
    r"^(?:we did|what we did|we will|what we (?:will|are going to) do|we are doing|"
    r"(?:our|the council'?s?|council|officer'?s?|service) (?:response|reply|action)s?|"
    r"response from (?:the )?(?:council|service)|actions?(?: taken| agreed)?|"
    r"what happens next|progress|status|owner|lead)\s*:?$",
    re.I,
)


def _table_statements(rows: list[list[str]], context: dict, sheet: str) -> list[dict]:
    """A question-by-group grid: first column the question, other columns the groups' notes.

    When the header's first cell is not a question label (e.g. ``Table | Notes``) the first
    column is the group and the rest are notes under the current question.
    """
    if not rows:
        return []
    rows = [
        [plain_text(c) if i == 0 or r == 0 else c for i, c in enumerate(row)]
        for r, row in enumerate(rows)
    ]
    header, body = rows[0], rows[1:]
    # "We did", "Our response": what the council answered is never what people said.
    ours = {c for c, h in enumerate(header) if _OUR_RESPONSE.match(plain_text(h).strip())}
    if header and _NOTES_COLUMN.match(plain_text(header[0]).strip()):
        # "You said | We did": the first column is what people said, not a label.
        out = []
        for r, row in enumerate(body, start=2):
            for c, cell in enumerate(row):
                if c in ours or (c and not _NOTES_COLUMN.match(plain_text(header[c]).strip())):
                    continue
                for s in _cell_statements(cell):
                    out.append({**context, "text": s, "sheet": sheet, "row": r})
        return out
    # "What people said", "Comments", "Notes" head the column of notes, not a group of people.
    header = [
        "" if c and _NOTES_COLUMN.match(plain_text(h).strip()) else h for c, h in enumerate(header)
    ]
    first = header[0].strip().lower() if header else ""
    out = []
    by_question = first in ("", "question", "questions", "theme", "topic", "prompt") or any(
        _GROUP.match(h.strip()) for h in header[1:]
    )
    for r, row in enumerate(body, start=2):
        for c, cell in enumerate(row[1:], start=1):
            if c in ours:
                continue
            col = header[c] if c < len(header) else f"column {c + 1}"
            if by_question:
                q, g = row[0] or context["question"], col or context["group_name"]
            else:
                q, g = context["question"], row[0] or context["group_name"]
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


_MAIL_HEADER = re.compile(r"^(?:from|to|cc|sent by|on behalf of)\s*:\s*(.+)$", re.I)


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
        # An e-mail's headers name its sender and recipients ("From: Jane Okafor <jane@…>").
        if b.kind != "table" and (m := _MAIL_HEADER.match(b.text)):
            for part in re.split(r";|,(?![^<]*>)", m.group(1)):
                person = re.sub(r"<[^>]*>|\S+@\S+", "", part).strip(" '\"")
                if re.fullmatch(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3}", person) and (
                    _is_only_a_name(person)  # a person, not a team ("Public Health Intelligence")
                ):
                    names.append(person)
                    names += [w for w in person.split() if len(w) > 2]
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


_FIELD = re.compile(
    r"^(?:date(?: of (?:the )?(?:meeting|event|session|workshop))?|held on|venue|location|where|"
    r"when|times?|facilitat(?:or|ors|ed by)|note[ -]?takers?|notes? (?:taken|written up|compiled) "
    r"by|written up by|prepared by|authors?|contact(?: officer| details| us| name)?|report of|"
    r"report authors?|lead officer|cabinet member|portfolio holder|key decision|wards? affected|"
    r"classification|version|status|e-?mail|tel(?:ephone)?|phone|mobile|website|web|url|link|"
    r"notes|minutes|reference|ref|agenda item|meeting)\s*[:\-–]\s*\S",
    re.I,
)
_ONLY_LINK = re.compile(r"^\s*(?:https?://\S+|www\.\S+|\S+@\S+\.\S+|\+?[\d][\d ()-]{8,}\d)\s*$")
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s+\d{{4}}\b|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?"
    rf"\s+\d{{4}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b",
    re.I,
)
_TIME_WORDS = re.compile(
    r"\b\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm)\b|\b\d{1,2}[.:]\d{2}\b|\bnoon\b|\bmidday\b|"
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:to|from|until|till|at|and|on)\b|[–\-,.;:()]",
    re.I,
)
#: Sections every committee or cabinet report has (not where residents' words are).
_REPORT_SECTION = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?\s+)?(?:purpose(?: of (?:the|this) report)?|recommendations?|"
    r"reasons? for (?:the )?recommendations?|background(?: papers)?|executive summary|"
    r"(?:financial|legal|equality|resource|risk|staffing|procurement|climate|environmental|"
    r"health) implications|implications|risk management|report summary|conclusions?|"
    r"alternative options(?: considered)?|decision(?:s)? required)\b",
    re.I,
)
#: Headings of the part of a document that holds what people said.
_ENGAGEMENT = re.compile(
    r"consultation|engagement|what (?:people|residents|you|young people|communities|"
    r"participants|we) (?:said|told us|heard)|you said|told us|we heard|responses|feedback|"
    r"survey results|comments received|workshop|listening|conversations|voices|"
    r"caf[ée]s?\b|drop[- ]ins?\b|focus groups?|roadshows?|community (?:events?|sessions?)|"
    r"citizens'? (?:panel|assembly|jury)|people'?s? panel",
    re.I,
)
#: Sections of an engagement write-up that describe the engagement, not what was said.
_ABOUT_SECTION = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?\s+)?(?:introduction|background|context|about (?:this|the) "
    r"(?:report|summary|engagement|consultation|survey|event|session|workshop)|"
    r"method(?:ology|s)?|approach|how we (?:engaged|consulted|listened|asked|did (?:it|this)|"
    r"ran (?:it|the \w+))|who (?:we heard from|took part|came|responded|attended)|"
    r"next steps|what (?:happens|we will do) next|(?:contents|acknowledge?ments|glossary|"
    r"references|contact(?: us| details)?|further information|more information))\s*:?\s*$",
    re.I,
)
_QUOTED = re.compile(r"^[\"“‘'].{3,}[\"”’']\s*(?:[-–—]\s*.{1,60})?$")


# Marks of agreement a note-taker copies from a flipchart: ticks, dots, "(x4)", "+3".
_AGREEMENT = re.compile(
    r"(?:\s*(?:[✓✔☑√]+|\(\s*[x×]\s*\d+\s*\)|\b[x×]\s?\d+|\+\d+|\*{2,}|•{2,}|"
    r"\(\s*\d+\s*(?:ticks?|dots?|votes?|stickers?|people|agreed)?\s*\)))+\s*$",
    re.I,
)


def agreement_marks(text: str) -> tuple[str, int]:
    """The text without the marks of agreement at its end, and how many people they show.

    Parameters
    ----------
    text : str

    Returns
    -------
    (str, int)
        The statement, and the number the marks stand for (ticks counted one each; ``(x4)``
        or ``+3`` as written; 0 when there are none).

    Examples
    --------
    >>> agreement_marks("Can't get a GP appointment ✓✓✓")
    ("Can't get a GP appointment", 3)
    >>> agreement_marks("Food bank volunteers are amazing (x4)")
    ('Food bank volunteers are amazing', 4)
    >>> agreement_marks("Buses after 6pm")
    ('Buses after 6pm', 0)
    """
    m = _AGREEMENT.search(text)
    if not m or not text[: m.start()].strip():
        return text, 0
    marks = m.group(0)
    ticks = len(re.findall(r"[✓✔☑√]", marks))
    numbers = sum(int(n) for n in re.findall(r"\d+", marks))
    stars = max(len(x) for x in re.findall(r"\*+|•+|$", marks))
    return text[: m.start()].rstrip(" ,;-–"), ticks + numbers + (stars if stars >= 2 else 0)


def _statement_text(text: str) -> str:
    """A statement as a reader sees it: no markup, no quotation marks round the whole, and
    no attribution after a quotation (who said it is not what was said, and "resident, 45"
    says more about a person than a report should).

    >>> _statement_text('"Buses stop at six" – resident, 45')
    'Buses stop at six'
    >>> _statement_text("“I can't work evenings” (young mum)")
    "I can't work evenings"
    """
    t = agreement_marks(plain_text(text))[0]
    m = re.fullmatch(r"[\"“‘'](.+?)[\"”’']\s*(?:[-–—]\s*[^\"“”]{1,60}|\([^)\"“”]{1,60}\))?\s*", t)
    return m.group(1).strip() if m and not re.search(r"[\"“”]", m.group(1)) else t


def _is_date_line(text: str) -> bool:
    """A line that only says when (and perhaps where): "12 March 2025, 10am to 12 noon"."""
    if len(text) > 100 or not _DATE.search(text):
        return False
    rest = _TIME_WORDS.sub(" ", _DATE.sub(" ", text))
    return len(rest.split()) <= 4


_EMAIL = re.compile(r"\S+@\S+\.\w+")
_PHONE = re.compile(r"(?<!\w)(?:\+44\s?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\w)")
# What the organisers say at the end: "Thank you to everyone who came", "For more information…".
_CLOSING = re.compile(
    r"^(?:thank you|thanks|many thanks)\b.{0,40}\b(?:who|for)\s+(?:came|coming|attended|"
    r"attending|took part|taking part|joined|joining|gave|giving|contributed|participated|"
    r"your time)|^(?:for|if you would like|if you want) (?:more|further) (?:information|details)|"
    r"^(?:to find out more|find out more)\b|^(?:contact|email|call|ring) us\b",
    re.I,
)
_NUMBER = re.compile(r"^\s*(?:n\s*=\s*)?[\d.,]+\s*%?\s*$", re.I)


# An e-mail's sign-off ("Kind regards, Jane"): it and the short signature lines under it are
# the sender's, not a participant's.
_SIGN_OFF = re.compile(
    r"^(?i:kind(?:est)? regards|warm(?:est)? regards|best regards|best wishes|many thanks|"
    r"regards|thanks(?: again)?|cheers|yours sincerely|yours faithfully|with thanks)"
    r"[,.!]?(?:\s+[A-Z][\w'-]*){0,2}\s*$"
)


_CLOCK = r"(?:\d{1,2}[:.]\d{2}\s*(?:am|pm)?|\d{1,2}\s*(?:am|pm))"
# An agenda item: a time and a few words ("10:15 Table discussions", "Feedback 11:00").
_AGENDA_ITEM = re.compile(
    rf"^(?:{_CLOCK}(?:\s*[-–]\s*{_CLOCK})?\s*[-–:]?\s+\S(?:\S*\s+){{0,6}}\S*"
    rf"|\S(?:\S*\s+){{0,6}}\S*?\s*[-–:]?\s+{_CLOCK}(?:\s*[-–]\s*{_CLOCK})?)$",
    re.I,
)


def _agenda_lines(blocks: list[Block]) -> set[int]:
    """Blocks that are an agenda: three or more lines in a row, each a time and a few words
    (one such line alone may be what someone said: "The last bus is at 6pm")."""
    out: set[int] = set()
    run: list[int] = []
    for i, b in enumerate([*blocks, Block("table")]):
        if b.kind in ("para", "bullet", "heading") and _AGENDA_ITEM.match(b.text.strip()):
            run.append(i)
            continue
        if len(run) >= 3:
            out |= set(run)
        run = []
    return out


def _is_contact_line(text: str) -> bool:
    """An organiser's contact line: an e-mail address or phone number beside a name, a role
    or a team and nothing else ("Jo Bloggs, Community Development Officer, jo@…, 01234 …").

    A participant's words that hold a number ("Ring Jamie on 01632 960123") are statements,
    redacted on import.
    """
    if not (_EMAIL.search(text) or _PHONE.search(text)):
        return False
    rest = _PHONE.sub(" ", _EMAIL.sub(" ", text))
    small = {"and", "or", "of", "the", "at", "for", "tel", "email", "e-mail", "phone", "mobile"}
    return all(w in small for w in re.findall(r"\b[a-z][\w-]*", rest))


def _not_a_statement(text: str) -> bool:
    """Lines a write-up carries that no participant said: a date, a link, a rule, a field,
    contact details, the organisers' thanks, a bare number, a note in brackets."""
    return bool(
        _ONLY_LINK.match(text)
        or _RULE.match(text)
        or _FIELD.match(text)
        or _is_date_line(text)
        or _is_contact_line(text)
        or _CLOSING.match(text)
        or _NUMBER.match(text)
        or _EDITORIAL.match(text)
    )


def _is_question_line(b: Block) -> bool:
    return b.kind in ("para", "heading") and len(b.text) < 200 and bool(_QUESTION.match(b.text))


def _question_headings(blocks: list[Block], skip: set[int]) -> set[int]:
    """Which blocks are the questions a write-up is organised by.

    A heading the document marked (``##``, bold, a Word heading style, "Question 2") is one.
    A plain line ending in "?" is one only when the document marks none, and only when it opens
    a section: a blank line before it and notes after it. Otherwise it is what a participant
    asked ("Why is there no supermarket we can walk to?"), and stays a statement.
    """
    marked = {
        i
        for i, b in enumerate(blocks)
        if b.kind == "heading" and b.marked and i not in skip and not _is_group_or_round(b.text)
    }
    if any(
        blocks[i].text.rstrip().endswith("?") or _QUESTION.match(blocks[i].text) for i in marked
    ):
        return marked
    out = set(marked)
    for i, b in enumerate(blocks):
        if i in skip or i in out or not _is_question_line(b) or not b.text.rstrip().endswith("?"):
            continue
        nxt = next((c for c in blocks[i + 1 :] if c.kind != "table" or c.rows), None)
        opens = b.gap and nxt is not None and nxt.kind in ("para", "bullet", "table")
        if opens and not (nxt.kind == "para" and nxt.text.rstrip().endswith("?") and not nxt.gap):
            out.add(i)
    # "1. What would help?" over a list of points is a numbered question, not a point: it
    # opens a section and what follows is not the next numbered item (a list of points may
    # be numbered afresh from 1).
    for i, b in enumerate(blocks[:-1]):
        nxt = blocks[i + 1]
        if (
            b.kind == "bullet"
            and b.numbered
            and b.gap
            and b.text.rstrip().endswith("?")
            and i not in skip
            and nxt.kind in ("bullet", "para", "table")
            and (not nxt.numbered or (nxt.numbered == 1 and b.numbered > 1))
        ):
            out.add(i)
    # "1. Transport" over bullets, "2. Housing" over bullets: when every numbered item of the
    # document is a short label over a list of unnumbered points, the numbers name sections.
    numbered = [
        i for i, b in enumerate(blocks) if b.kind == "bullet" and b.numbered and i not in skip
    ]
    labels = [
        i
        for i in numbered
        if i + 1 < len(blocks)
        and blocks[i + 1].kind == "bullet"
        and not blocks[i + 1].numbered
        and len(blocks[i].text.split()) <= 8
        and not blocks[i].text.rstrip().endswith((".", "!", ";", ","))
    ]
    if len(labels) >= 2 and len(labels) == len(numbered):
        out |= set(labels)
    # A heading the document did not mark, such as "Transport:", still heads a section.
    out |= {
        i
        for i, b in enumerate(blocks)
        if b.kind == "heading" and i not in skip and not _is_group_or_round(b.text)
    }
    return out


def _is_group_or_round(text: str) -> bool:
    return bool((_GROUP.match(text) or _ROUND.match(text)) and len(text) < 40)


def _engagement_spans(blocks: list[Block]) -> list[tuple[int, int]]:
    """The sections of a report that hold what people said: a heading about consultation or
    engagement whose section has answers in it (bullets or quotations)."""
    spans = []
    for i, b in enumerate(blocks):
        if b.kind != "heading" or b.level >= 9 or not _ENGAGEMENT.search(b.text):
            continue
        end = next(
            (
                j
                for j in range(i + 1, len(blocks))
                if blocks[j].kind == "heading" and blocks[j].level <= b.level
            ),
            len(blocks),
        )
        inside = blocks[i + 1 : end]
        answers = sum(
            c.kind in ("bullet", "table")
            or (c.kind == "para" and _QUOTED.match(_statement_text(c.text)) is not None)
            for c in inside
        )
        if answers and not any(a <= i < z for a, z in spans):
            spans.append((i, end))
    return spans


def _is_report(blocks: list[Block]) -> list[str]:
    """The report sections found ("Recommendations", "Financial implications" …), if the
    document reads as a committee or cabinet report: three or more such headings."""
    found = [b.text for b in blocks if b.kind == "heading" and _REPORT_SECTION.match(b.text)]
    return found if len({f.lower() for f in found}) >= 3 else []


def blocks_to_statements(blocks: list[Block], source: str = "") -> pd.DataFrame:
    """Walk the blocks keeping the current question, group and round; one row per statement.

    See :func:`split_write_up`, which also says what was left out and why.
    """
    return split_write_up(blocks, source)[0]


def _title_after_masthead(blocks: list[Block], first: int | None, people: set[int]) -> int | None:
    """Where the document's title is, if a short line or two stand above it.

    A masthead (the council's name, a date, a PDF's page header) may come before the title.
    The first heading is then the title when only up to three short lines precede it, it is
    not a question, and the document has headings below its level (the questions or
    sections), so a café's notes whose first question follows its date stay questions.
    """
    if first is None or blocks[first].kind == "heading":
        return first
    heading = next(
        (i for i in range(first, min(len(blocks), first + 4)) if blocks[i].kind == "heading"),
        None,
    )
    if heading is None:
        return first
    before = [b for i, b in enumerate(blocks[first:heading], first) if i not in people]
    top = blocks[heading]
    lower = any(b.kind == "heading" and b.level > top.level for b in blocks[heading + 1 :])
    if (
        lower
        and top.level < 9
        and not top.text.rstrip().endswith("?")
        and all(b.kind == "para" and len(b.text.split()) <= 12 for b in before)
    ):
        return heading
    return first


def split_write_up(
    blocks: list[Block], source: str = "", path: Path | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Split a write-up into statements, keeping the question, group and round of each.

    - The title, and the lines before the first question, group or table (who wrote it up,
      when and where), are not statements; nor are dates, links, contact lines or rules.
    - A committee or cabinet report (three or more sections such as "Recommendations" and
      "Financial implications") is read only in its consultation or engagement sections:
      questions stated there, and the bullets and quotations under them. The officers' own
      paragraphs and every other section are left out, and the notes say so.
    - A document with nothing that reads as an answer (prose paragraphs under headings such
      as "Our vision", no bullets, tables or questions) is refused, so that a strategy is
      never coded as if residents had written it.

    Parameters
    ----------
    blocks : list of Block
    source : str
        The sheet name to record.
    path : Path, optional
        For the error message.

    Returns
    -------
    (DataFrame, list of str)
        ``question, group_name, round, text, sheet, row``, and notes on what was left out.

    Raises
    ------
    FairerError
        If the document holds no answers.

    Examples
    --------
    >>> blocks = text_blocks("Café, 4 March 2025\\n\\nWhat would help?\\n\\nLater buses\\n"
    ...                      "Why do buses stop at six?\\n- A warm space, open in the\\n"
    ...                      "  evenings too\\n")
    >>> df, notes = split_write_up(blocks)
    >>> df[["question", "text"]].values.tolist()
    [['What would help?', 'Later buses'], ['What would help?', 'Why do buses stop at six?'], \
['What would help?', 'A warm space, open in the evenings too']]
    """
    notes: list[str] = []
    people = attendee_lines(blocks)
    report = _is_report(blocks)
    keep: set[int] | None = None
    officer_paras = 0
    if report:
        spans = _engagement_spans(blocks)
        if not spans:
            raise FairerError(
                "no answers found: this reads as a report (sections "
                + ", ".join(f"'{t}'" for t in report[:4])
                + ") with no consultation or engagement section holding what people said; "
                "nothing was imported",
                path=path,
            )
        keep = {j for a, z in spans for j in range(a, z)}
        sections = [
            b.text
            for j, b in enumerate(blocks)
            if b.kind == "heading" and b.level < 9 and j not in keep
        ]
        notes.append(
            "read as a report: only "
            + ", ".join(f"'{blocks[a].text}'" for a, _ in spans)
            + f" read for answers; {len(sections)} other section(s) left out"
        )
    first = next((i for i, b in enumerate(blocks) if i not in people), None)
    first = _title_after_masthead(blocks, first, people)
    title = (
        {first}
        if first is not None
        and blocks[first].kind == "heading"
        and not _QUESTION.match(blocks[first].text)
        and not _is_group_or_round(blocks[first].text)
        else set()
    )
    questions = _question_headings(blocks, people | title)
    context = {"question": "", "group_name": "", "round": ""}
    rows: list[dict] = []
    tables = 0
    structured = bool(questions) or any(
        b.kind == "table" or (b.kind == "heading" and _is_group_or_round(b.text)) for b in blocks
    )
    left_out = {
        "title and lines before the first question": 0,
        "dates, links, contact lines and thanks": 0,
        "an e-mail's sign-off and signature": 0,
    }
    signature = False
    agenda = _agenda_lines(blocks)
    if agenda:
        left_out["agenda lines (times and items)"] = 0
    about: list[str] = []
    ours: list[str] = []
    about_level: int | None = None
    marked_agreement = 0
    for i, b in enumerate(blocks):
        if i in people or (keep is not None and i not in keep):
            continue
        text = (b.text or "").strip()
        if b.kind == "heading" and about_level is not None and b.level <= about_level:
            about_level = None
        if b.kind == "heading" and _ABOUT_SECTION.match(plain_text(text)):
            about.append(plain_text(text).rstrip(":").strip())
            about_level = b.level
            continue
        if about_level is not None:
            continue  # "Introduction", "How we listened", "Next steps": about the engagement
        if (
            keep is not None
            and b.kind == "heading"
            and i in {a for a, _ in _engagement_spans(blocks)}
        ):
            continue  # the annex's own heading
        if (
            i == first
            and b.kind == "heading"
            and i not in questions
            and not _is_group_or_round(text)
        ):
            left_out["title and lines before the first question"] += 1
            continue
        if b.kind == "table":
            tables += 1
            rows += _table_statements(b.rows, context, f"table {tables}")
            answered = [
                h for h in (b.rows or [[]])[0] if _OUR_RESPONSE.match(plain_text(h).strip())
            ]
            if answered:
                ours.append(plain_text(answered[0]).strip())
            continue
        if _ATTENDEES.match(text):
            continue
        if i in agenda:
            left_out["agenda lines (times and items)"] += 1
            continue
        if signature and b.kind != "heading" and i not in questions and len(text.split()) <= 8:
            left_out["an e-mail's sign-off and signature"] += 1
            continue  # "Jane", "Health Improvement Officer", "Hartside Borough Council"
        signature = False
        if b.kind in ("para", "bullet") and _SIGN_OFF.match(plain_text(text)):
            signature = True
            left_out["an e-mail's sign-off and signature"] += 1
            continue
        if b.kind == "heading" or i in questions:
            clean = plain_text(text).rstrip(":").strip()
            if _ROUND.match(clean) and len(clean) < 40:
                context["round"] = clean
            elif _GROUP.match(clean) and len(clean) < 40:
                context["group_name"] = clean
            elif i in questions or keep is not None:
                context["question"] = clean
                context["group_name"] = ""
            continue
        if structured and not (context["question"] or context["group_name"] or context["round"]):
            left_out["title and lines before the first question"] += 1
            continue  # preamble: who wrote it up, when, where
        statement = _statement_text(text)
        if not statement or _not_a_statement(statement):
            left_out["dates, links, contact lines and thanks"] += 1
            continue
        marked_agreement += agreement_marks(plain_text(text))[1] > 0
        if keep is not None and b.kind == "para" and not _QUOTED.match(plain_text(text)):
            officer_paras += 1
            continue  # an officer's summary, not what people said
        rows.append({**context, "text": statement, "sheet": source, "row": b.line or None})
    df = pd.DataFrame(rows, columns=["question", "group_name", "round", "text", "sheet", "row"])
    if officer_paras:
        notes.append(f"{officer_paras} paragraph(s) of officers' summary in the report left out")
    if about:
        notes.append(
            "left out: section(s) about the engagement, not what was said: "
            + ", ".join(f"'{t}'" for t in about)
        )
    if ours:
        notes.append(
            "left out: the council's own answers in table column(s) "
            + ", ".join(f"'{t}'" for t in dict.fromkeys(ours))
        )
    if marked_agreement:
        notes.append(
            f"{marked_agreement} statement(s) carried marks of agreement (ticks, dots, 'x4'): "
            "the marks are left out of the text and each statement counts once"
        )
    notes += [f"left out: {k} ({v})" for k, v in left_out.items() if v]
    _refuse_prose(blocks, df, questions, path)
    return df, notes


def _refuse_prose(blocks: list[Block], df: pd.DataFrame, questions: set[int], path) -> None:
    """A document of prose paragraphs (a strategy, a briefing) has no answers in it."""
    if df.empty or any(b.kind in ("bullet", "table") for b in blocks):
        return
    asked = any(
        blocks[i].text.rstrip().endswith("?") or _QUESTION.match(blocks[i].text) for i in questions
    )
    grouped = any(b.kind == "heading" and _is_group_or_round(b.text) for b in blocks)
    words = df["text"].str.split().str.len()
    if not asked and not grouped and words.median() >= 30:
        raise FairerError(
            f"no answers found: this reads as a document of prose ({len(df)} paragraph(s) of "
            f"about {int(words.median())} words under headings such as "
            + ", ".join(f"'{blocks[i].text}'" for i in sorted(questions)[:3])
            + "), with no questions, bullets or table of notes; nothing was imported",
            path=path,
        )


def _grid_rows(path: Path) -> list[list[str]] | None:
    """A CSV or TSV file's rows, or None if it cannot be read as one."""
    import csv
    import io

    text, _ = read_text(path)
    sep = "\t" if path.suffix.lower() == ".tsv" or text.count("\t") > text.count(",") else ","
    try:
        return [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep) if any(r)]
    except csv.Error:
        return None


#: A write-up's grid has a row per question: more rows than this is a survey's export.
_GRID_ROWS = 80


#: Workbooks: a café's notes are often typed into Excel, one sheet per event.
def _sheet_rows(path: Path, limit: int | None = None) -> dict[str, list[list[str]]]:
    """A workbook's sheets, each as its non-empty rows of strings (the first `limit` rows)."""
    out = {}
    for name, df in read_workbook(path, limit).items():
        rows = [[str(c) for c in r] for r in df.values.tolist()]
        rows = [r for r in rows if any(c.strip() for c in r)]
        if rows:
            out[name] = rows
    return out


def is_workshop_grid(path: str | Path) -> bool:
    """True when a CSV/TSV file or a workbook is a workshop write-up typed or pasted as a table
    (in a workbook, every sheet that holds anything), not a survey export.

    A strategy café's notes copied from a web page or a document come as a grid: questions down
    the first column, one column per table or group ("Table 1", "Group B"), and each cell a list
    of points (often still in HTML, ``<ul><li>…``). A survey export has a respondent per row and
    one answer per cell.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    bool

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "cafe.tsv"
    >>> rows = ["Question\\tTable 1\\tTable 2", "What helps?\\t<ul><li>Buses</li></ul>\\tParks"]
    >>> _ = f.write_text("\\n".join(rows) + "\\n")
    >>> is_workshop_grid(f)
    True
    """
    path = Path(path)
    try:
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            sheets = list(_sheet_rows(path, limit=_GRID_ROWS + 1).values())
            return bool(sheets) and all(_is_grid(rows) for rows in sheets)
        rows = _grid_rows(path)
    except FairerError:
        return False  # missing, empty or binary: the survey reader says so
    return _is_grid(rows)


def _is_grid(rows: list[list[str]] | None) -> bool:
    """Whether rows read as questions by tables (see `is_workshop_grid`)."""
    if not rows or len(rows) < 2 or len(rows) > _GRID_ROWS or len(rows[0]) < 2:
        return False
    header = [c.strip() for c in rows[0]]
    first = plain_text(header[0]).lower()
    groups = sum(bool(_GROUP.match(plain_text(h))) for h in header[1:])
    cells = [c for r in rows[1:] for c in r[1:] if c.strip()]
    lists = sum(
        bool(re.search(r"<(?:li|p|br|ul|ol)\b", c, re.I)) or "\n" in c.strip() for c in cells
    )
    by_question = first in ("", "question", "questions", "theme", "themes", "topic", "prompt")
    by_table = groups >= max(1, (len(header) - 1) // 2)
    # Without "Table 1"-style headings, the first column must read as questions ("…?", "Q2").
    asked = [plain_text(r[0]) for r in rows[1:] if r and r[0].strip()]
    questions_down = sum(bool(re.match(r"^q\d|.*\?$", q, re.I)) for q in asked) >= 0.5 * max(
        1, len(asked)
    )
    return (by_question or groups > 0) and (
        by_table or (questions_down and lists >= 0.3 * max(1, len(cells)))
    )


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


# A speaker's turn in a typed-up transcript: "P3: …", "Sam: …", "Speaker 2: …", "Q: …".
_TURN = re.compile(r"^\s*([A-Z][\w'’.-]*(?:\s+[\w'’.-]+){0,2})\s*:\s+(\S.*?)\s*$")
#: Labels that mark whoever asks the questions in an interview or focus group.
_ASKER = re.compile(
    r"^(?:q|int|fac|mod|facilitator|interviewer|moderator|researcher|chair|host|"
    r"(?:community )?researcher|facilitator \w+|interviewer \w+)$",
    re.I,
)
# Preamble lines that name the facilitators: "Facilitators: Sam (SB), Priya (PK)".
_ASKERS_LINE = re.compile(
    r"^\s*(?:facilitat(?:or|ors|ed by)|interviewers?|moderators?|researchers?|chair)\s*[:\-–]\s*(.+)$",
    re.I,
)
_EDITORIAL = re.compile(r"^\s*[\[(][^\])]*[\])]\s*$")
# Who a transcript's speaker labels name: a code ("P3", "SB", "A"), a role, perhaps numbered.
_SPEAKER_ROLE = re.compile(
    r"^(?:[A-Z]{1,4}\d{0,3}|(?:speaker|participant|respondent|resident|person|young person|"
    r"parent|carer|member|man|woman|client|patient|tenant|officer|volunteer|"
    r"interviewee|attendee|voice|student|pupil)\s*[\w-]{0,3})$",
    re.I,
)


def _is_speaker(label: str) -> bool:
    """A label that names who spoke ("P3", "Facilitator", "Speaker 2", "Sam"), not a topic
    ("Transport: later buses") or a table ("Table 2: …")."""
    if _is_group_or_round(label) or re.match(r"^q(?:uestion)?\s*\d", label, re.I):
        return False
    if label.upper() in {"NOTE", "NB", "PS", "AOB", "FYI", "TBC", "TBA", "ACTION", "RE"}:
        return False
    if (
        _SPEAKER_ROLE.match(label)
        and not label.isupper()
        or re.fullmatch(r"[A-Z]{1,4}\d{0,3}", label)
    ):
        return True
    return bool(_ASKER.match(label)) or _is_only_a_name(label)


def _askers(preamble: list[str]) -> set[str]:
    """Speaker labels and names the preamble gives for the facilitators or interviewers."""
    out: set[str] = set()
    for line in preamble:
        m = _ASKERS_LINE.match(line)
        if not m:
            continue
        for part in re.split(r",|;|\band\b|&|/", m.group(1)):
            out |= {x.strip().lower() for x in re.findall(r"\(([^)]{1,12})\)", part)}
            name = re.sub(r"\(.*?\)", "", part).strip()
            if name:
                out |= {name.lower(), name.split()[0].lower()}
    return out


def _asker_names(preamble: list[tuple[int, str]]) -> list[str]:
    """The facilitators' names as the preamble writes them, to redact."""
    out = []
    for _, line in preamble:
        if m := _ASKERS_LINE.match(line):
            for part in re.split(r",|;|\band\b|&|/", m.group(1)):
                name = re.sub(r"\(.*?\)", "", part).strip()
                if _NAME_LINE.match(name) and not _ASKER.match(name):
                    out += [name, *name.split()[:1]]
    return out


_VTT_TIME = re.compile(
    r"^\s*(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->\s*(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}"
)
_VTT_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>(.*?)(?:</v>|$)", re.S)
# A Teams transcript saved as a document: the speaker and the time on a line, then the words.
_TEAMS_TURN = re.compile(r"^\s*([^\d:\n][^:\n]{1,48}?)\s+(?:\d{1,2}:)?\d{1,2}:\d{2}\s*$")


def call_transcript(text: str) -> str | None:
    """A video call's transcript (a WebVTT file from Teams or Zoom, or a Teams transcript
    saved as a document) as typed-up turns, "Speaker: what they said", one per line.

    Consecutive captions of one speaker are one turn (automatic captions split a sentence
    across several); cue numbers, timings and styling are left out. Captions without speakers
    come back one line each. None when the text is neither.

    Parameters
    ----------
    text : str

    Returns
    -------
    str or None

    Examples
    --------
    >>> vtt = ("WEBVTT\\n\\n1\\n00:00:01.000 --> 00:00:04.000\\n<v Sam>What would help?</v>\\n\\n"
    ...        "2\\n00:00:05.000 --> 00:00:08.000\\n<v P1>Later buses,</v>\\n\\n"
    ...        "00:00:08.000 --> 00:00:09.500\\n<v P1>and on Sundays.</v>\\n")
    >>> print(call_transcript(vtt))
    Sam: What would help?
    P1: Later buses, and on Sundays.
    """
    lines = text.splitlines()
    turns: list[list[str]] = []  # [speaker, words]

    def say(speaker: str, words: str) -> None:
        words = re.sub(r"\s+", " ", re.sub(r"</?[^>]+>", "", words)).strip()
        if not words:
            return
        if turns and turns[-1][0] == speaker and speaker:
            turns[-1][1] += " " + words
        else:
            turns.append([speaker, words])

    if lines and lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        cue: list[str] = []
        for line in [*lines[1:], ""]:
            if _VTT_TIME.match(line):
                cue = []
            elif line.strip():
                cue.append(line)
                continue
            if cue and not cue[0].startswith(("NOTE", "STYLE", "REGION")):
                body = "\n".join(cue)
                voices = _VTT_VOICE.findall(body)
                if voices:
                    for speaker, words in voices:
                        say(speaker.strip(), words)
                else:  # Zoom writes "Name: words"; plain captions have no speaker
                    m = re.match(r"^([^:\n]{1,48}):\s+(.+)$", body, re.S)
                    say(m.group(1).strip(), m.group(2)) if m else say("", body)
            cue = []
    else:
        heads = [i for i, line in enumerate(lines) if _TEAMS_TURN.match(line)]
        who = pd.Series([_TEAMS_TURN.match(lines[i]).group(1).strip() for i in heads])
        # An agenda ("Welcome 10:00", "Feedback 11:30") has times too, but its items are not
        # people and do not come round again.
        if len(heads) < 4 or (who.value_counts() >= 2).sum() < 2:
            return None
        if not all(_is_speaker(w) for w in who.unique()):
            return None
        for n, i in enumerate(heads):
            end = heads[n + 1] if n + 1 < len(heads) else len(lines)
            say(_TEAMS_TURN.match(lines[i]).group(1).strip(), " ".join(lines[i + 1 : end]))
    if not turns:
        return None
    return "\n".join(f"{who}: {words}" if who else words for who, words in turns)


def transcript_statements(
    text: str, *, speakers_known: bool = False
) -> tuple[pd.DataFrame, list[str], list[str]] | None:
    """A typed-up focus group or interview ("SB: What helps?" / "P1: Time for myself.").

    Every turn of a participant is a statement, with the participant (by label, never by
    name) as its respondent. A turn of whoever asks the questions (a label such as
    "Facilitator", "Interviewer" or "Q", or a speaker the preamble names as facilitator)
    sets the question: the last sentence of the turn that asks something. Their other words
    are left out, as are the preamble (title, date, who took part) and lines in brackets
    ("[Session ended]"). A line with no label carries on the turn before it.

    Parameters
    ----------
    text : str
    speakers_known : bool
        The labels are certainly speakers (a video call's transcript names each voice), so
        the text is read as a transcript from its first turn, however short.

    Returns
    -------
    (DataFrame, list of str, list of str) or None
        The statements (``respondent_id, question, group_name, round, text, sheet, row``),
        the speakers' labels (to redact wherever they are names), and notes on what was
        left out; None when the text does not read as a transcript: at least four turns by
        at least two speakers, one of them speaking twice, and turns on most lines after the
        first.

    Examples
    --------
    >>> df, speakers, notes = transcript_statements(
    ...     "Café notes\\nQ: What would help?\\nA: Later buses.\\nA: A warm space.\\n"
    ...     "Q: Anything else?\\nA: Fix the lights.")
    >>> df[["question", "text"]].values.tolist()
    [['What would help?', 'Later buses.'], ['What would help?', 'A warm space.'], \
['Anything else?', 'Fix the lights.']]
    """
    # "**P1:** …" and "__Sam__: …": a label in bold is still a label.
    unbold = re.compile(r"^(\s*)(\*\*|__)([^*_]{1,40}?)(:?)\2(:?)")
    lines = [
        (n, unbold.sub(r"\1\3\4\5", ln))
        for n, ln in enumerate(text.splitlines(), start=1)
        if ln.strip()
    ]
    turns = [(k, _TURN.match(ln)) for k, (_, ln) in enumerate(lines)]
    turns = [
        (k, m)
        for k, m in turns
        if m
        and not _FIELD.match(lines[k][1])
        and not _ATTENDEES.match(lines[k][1])
        and _is_speaker(m.group(1).strip())
    ]
    every = pd.Series([m.group(1).strip() for _, m in turns], dtype=object).value_counts()
    # The talk starts at the first turn of someone who speaks again: a title ("Focus group:
    # young carers") or "Interviewee: tenant, 70s" before it is preamble.
    again = {lab for lab, c in every.items() if c >= 2}
    start = next((i for i, (_, m) in enumerate(turns) if m.group(1).strip() in again), None)
    if speakers_known and turns:
        start = 0
    if start is None:
        return None
    turns = turns[start:]
    first = turns[0][0]
    counts = pd.Series([m.group(1).strip() for _, m in turns], dtype=object).value_counts()
    repeated = int(counts[counts >= 2].sum())
    # Notes under labels ("Transport: later buses", "Housing: damp") are not a conversation:
    # in a conversation most turns are by people who speak more than once.
    if not speakers_known and (
        len(turns) < 4
        or (counts >= 2).sum() < 2
        or repeated < 0.5 * len(turns)
        or len(turns) < 0.6 * (len(lines) - first)
    ):
        return None
    named = _askers([ln for _, ln in lines[:first]])
    askers = {lab for lab in counts.index if _ASKER.match(lab) or lab.lower() in named}
    if not askers:
        asks = {
            lab: sum(
                m.group(2).rstrip().endswith("?") for _, m in turns if m.group(1).strip() == lab
            )
            / counts[lab]
            for lab in counts.index
        }
        best = max(asks, key=asks.get)
        if asks[best] >= 0.5 and (counts[best] >= 2 or speakers_known):
            askers = {best}
    participants = [lab for lab in counts.index if lab not in askers]
    ids = {lab: f"speaker-{i + 1}" for i, lab in enumerate(sorted(participants))}
    starts = {k: m for k, m in turns}
    rows: list[dict] = []
    question, editorial, asked_aside = "", 0, 0
    current: dict | None = None
    for k in range(first, len(lines)):
        n, line = lines[k]
        m = starts.get(k)
        if m is None:
            if _EDITORIAL.match(line):
                editorial += 1
                current = None
            elif current is not None:
                current["text"] = f"{current['text']} {line.strip()}"
            continue
        who, said = m.group(1).strip(), m.group(2).strip()
        if who in askers:
            asked = re.findall(r"[^.!?]*\?", said)
            if asked:
                question = asked[-1].strip()
            else:
                asked_aside += 1
            current = None
            continue
        current = {
            "respondent_id": ids[who],
            "question": question,
            "group_name": "",
            "round": "",
            "text": said,
            "sheet": "",
            "row": n,
        }
        rows.append(current)
    # A code or a role names the asker in the note; a person's name does not (notes are shown
    # to whoever imports, in the hub too).
    shown = sorted(
        a if _ASKER.match(a) or not _is_only_a_name(a) else "the facilitator" for a in askers
    )
    notes = [
        f"read as a transcript: {len(participants)} participant(s); "
        f"the questions are those of {', '.join(dict.fromkeys(shown)) or 'nobody (none found)'}"
    ]
    if first:
        notes.append(f"left out: title and lines before the first turn ({first})")
    if editorial or asked_aside:
        notes.append(
            f"left out: {editorial} note(s) in brackets and {asked_aside} facilitator turn(s) "
            "that asked nothing"
        )
    df = pd.DataFrame(
        rows, columns=["respondent_id", "question", "group_name", "round", "text", "sheet", "row"]
    )
    # Labels such as "P3", "A" or "Speaker 2" are not names, and redacting them would blank
    # every "A" in the text; "Sam" or "Priya Khan" are.
    names = [
        lab
        for lab in counts.index
        if _NAME_LINE.match(lab)
        and not _ASKER.match(lab)
        and not re.fullmatch(r"[A-Z]{1,4}\d*", lab)
        and not re.fullmatch(
            r"(?:speaker|participant|respondent|resident|person|young person|parent|carer|"
            r"member)\s*\w{0,3}",
            lab,
            re.I,
        )
    ]
    spoken = {lab.lower() for lab in counts.index}
    askers_named = [n for n in _asker_names(lines[:first]) if n.lower() not in spoken]
    return df, list(dict.fromkeys(names + askers_named)), notes


_HTML = (".html", ".htm")


def read_notes(path: str | Path) -> NotesTable:
    """Read a write-up (TXT, MD, DOCX, ODT, PDF, HTML, a workbook grid), a transcript or a chat
    export into statements.

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
    if suffix in (".docx", ".odt", ".pdf"):
        pdf_notes: list[str] = []
        if suffix == ".pdf" and (fields := form_fields(path)):
            # A form's page holds the council's questions and instructions, never the answers.
            raise FairerError(
                "a filled-in response form: it is one respondent's answers, read as a survey "
                "(fairer voices import does so)"
                if written_answers(fields)
                else f"a response form with no written answer in its {len(fields)} field(s) "
                "(blank, or only ticks and one-word choices): nothing to import",
                path=path,
            )
        if suffix == ".pdf":
            blocks = pdf_blocks(path, pdf_notes)
        else:
            blocks = (docx_blocks if suffix == ".docx" else odt_blocks)(path)
        notes += [f"{path.name}: {m}" for m in pdf_notes]
        names = attendee_names(blocks)
        typed = "\n".join(b.text for b in blocks if b.kind != "table")
        call = call_transcript(typed)
        if call is not None:
            typed = call
            notes.append(f"{path.name}: read as a video call's transcript (timings left out)")
        said = transcript_statements(typed, speakers_known=call is not None)
        if said is not None:
            df, speakers, more = said
            names += speakers
        else:
            df, more = split_write_up(blocks, path=path)
        notes += [f"{path.name}: {m}" for m in more]
    elif suffix in (".csv", ".tsv"):
        rows = _grid_rows(path) or []
        blocks = [Block("table", rows=rows, line=1)]
        df, more = split_write_up(blocks, path=path)
        df["sheet"] = ""
        notes += [f"{path.name}: read as a workshop write-up (questions by tables)", *more]
    elif suffix in WORKBOOK_SUFFIXES:
        sheets = _sheet_rows(path)
        if not sheets:
            raise FairerError("the workbook is empty", path=path)
        frames = []
        for name, rows in sheets.items():
            part, more = split_write_up([Block("table", rows=rows, line=1)], path=path)
            part["sheet"] = name
            if len(sheets) > 1:  # Table 1 at one event is not Table 1 at the next
                named = part["group_name"] != ""
                part.loc[named, "group_name"] = part.loc[named, "group_name"] + f" ({name})"
            frames.append(part)
            notes += [f"{path.name}: sheet '{name}': {m}" for m in more]
        df = pd.concat(frames, ignore_index=True)
        notes.append(f"{path.name}: read as a workshop write-up (questions by tables)")
    elif suffix in (".txt", ".md", ".markdown", ".html", ".htm", ".vtt"):
        text, fallback = read_text(path)
        if fallback:
            notes.append(
                f"{path.name}: {fallback} line(s) were not UTF-8 and were read as Windows-1252"
            )
        if len(text) > MAX_CHARS:
            raise FairerError(f"file holds more than {MAX_CHARS:,} characters", path=path)
        call = call_transcript(text) if suffix in (".txt", ".vtt") else None
        if call is None and suffix == ".vtt":
            raise FairerError(
                "no captions found (a WebVTT file of timings and nothing said)", path=path
            )
        if call is not None:
            text = call
            notes.append(f"{path.name}: read as a video call's transcript (timings left out)")
        chat = chat_statements(text) if suffix in (".txt", ".vtt") else None
        said = (
            transcript_statements(text, speakers_known=call is not None)
            if chat is None and suffix not in _HTML
            else None
        )
        if chat is not None:
            df, names = chat
            notes.append(f"{path.name}: read as a chat export ({len(names)} speakers)")
        elif said is not None:
            df, names, more = said
            names += attendee_names(text_blocks(text))
            notes += [f"{path.name}: {m}" for m in more]
        else:
            blocks = html_blocks(text) if suffix in (".html", ".htm") else text_blocks(text)
            names = attendee_names(blocks)
            df, more = split_write_up(blocks, path=path)
            notes += [f"{path.name}: {m}" for m in more]
    else:
        raise FairerError(
            f"unknown notes file type '{suffix}': use TXT, MD, DOCX, ODT, PDF or HTML", path=path
        )
    if df.empty:
        raise FairerError("no statements found (no bullets, paragraphs or table cells)", path=path)
    if "respondent_id" not in df:
        # Workshop notes speak for a table, not a person: each group is one "respondent".
        key = df["group_name"].where(df["group_name"] != "", "all")
        df.insert(0, "respondent_id", f"{path.stem}:" + key)
    return NotesTable(df, names, notes)
