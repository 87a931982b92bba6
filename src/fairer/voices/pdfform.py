"""Read a filled-in PDF response form: one respondent's answers in its form fields.

Councils send consultation response forms as fillable PDFs; each returned file is one
respondent. What people typed lives in the form's fields (the AcroForm), not in the page's
text, so the page text of a returned form holds the questions and none of the answers. A
form's fields become one row of a survey table (the field's tooltip, else its name, is the
question), and the survey reader then does what it does for any export: free text read as
answers, names, e-mails and addresses never imported, age and postcode kept as who answered.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fairer.errors import FairerError

#: What a ticked box says.
_TICKED = "Yes"


def _text(value) -> str:
    """A PDF string (bytes, perhaps UTF-16 with its byte-order mark) or name as text."""
    from pdfminer.psparser import PSLiteral
    from pdfminer.utils import decode_text

    if isinstance(value, PSLiteral):
        name = value.name.decode() if isinstance(value.name, bytes) else str(value.name)
        return "" if name == "Off" else _TICKED if name in ("On", "Yes") else name
    if isinstance(value, bytes):
        return decode_text(value).strip()
    if isinstance(value, list):  # a list box with several choices
        return "; ".join(t for t in (_text(v) for v in value) if t)
    return "" if value is None else str(value).strip()


def form_fields(path: Path) -> list[tuple[str, str]]:
    """The (label, value) of every field of a PDF's form, in the form's order.

    The label is the field's tooltip (what a screen reader says, usually the question),
    else its full name ("section1.q2"); the value is what was typed, chosen or ticked ("" for
    an empty field or an unticked box).

    Parameters
    ----------
    path : Path

    Returns
    -------
    list of (str, str)
        Empty when the PDF has no form.

    Raises
    ------
    FairerError
        If the file is not a readable PDF.

    Examples
    --------
    >>> import tempfile, pathlib, weasyprint
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "form.pdf"
    >>> html = '<textarea name="q1" title="What would help?">Later buses</textarea>'
    >>> weasyprint.HTML(string=html).write_pdf(f, pdf_forms=True)
    >>> form_fields(f)
    [('What would help?', 'Later buses')]
    """
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    out: list[tuple[str, str]] = []

    def walk(field, parent: str) -> None:
        field = resolve1(field)
        if not isinstance(field, dict):
            return
        name = _text(field.get("T"))
        full = f"{parent}.{name}" if parent and name else name or parent
        kids = resolve1(field.get("Kids"))
        if kids and any("T" in (resolve1(k) or {}) for k in kids):
            for kid in kids:
                walk(kid, full)
            return
        label = _text(field.get("TU")) or full
        out.append((label, _text(resolve1(field.get("V")))))

    try:
        with open(path, "rb") as f:
            document = PDFDocument(PDFParser(f))
            form = resolve1(document.catalog.get("AcroForm"))
            fields = resolve1(form.get("Fields")) if isinstance(form, dict) else None
            for field in fields or []:
                walk(field, "")
    except Exception as exc:  # pdfminer's parse and password errors: the user needs one line
        raise FairerError(f"not a readable PDF ({type(exc).__name__})", path=path) from None
    return out


def written_answers(fields: list[tuple[str, str]]) -> int:
    """How many fields hold a written answer: two words or more, not a tick or a one-word
    choice."""
    return sum(len(value.split()) >= 2 for _, value in fields)


def is_filled_form(path: Path) -> bool:
    """True when a PDF is a response form with something typed into it (a text field that
    holds words), so it is read as one respondent's answers, not as a write-up."""
    try:
        fields = form_fields(path)
    except FairerError:
        return False  # the write-up reader says what is wrong with the file
    return written_answers(fields) > 0


def form_grid(path: Path) -> pd.DataFrame:
    """A filled-in form as a survey export of one respondent: a header row of the fields'
    labels (after a ``Respondent ID``: the file's name) and a row of their values. Fields
    left empty are left out: a question nobody answered is not an answer."""
    fields = form_fields(path)
    labels, values = ["Respondent ID"], [path.stem]
    seen: dict[str, int] = {}
    for label, value in fields:
        if not value:
            continue
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
        values.append(value)
    return pd.DataFrame([labels, values], dtype=str)
