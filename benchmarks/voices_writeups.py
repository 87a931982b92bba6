"""Reading write-ups: fairer's structured read against the libraries' own plain-text pass.

A cabinet report of about 57 pages (40 sections of officers' prose, then a consultation annex) is
made once as PDF (WeasyPrint) and once as Word (python-docx), with the same text. In the same
run each is read by:

- fairer (`read_notes`): headings, bullets, tables, running headers, the annex found, the
  statements split out;
- the library alone: pdfplumber's ``extract_text`` page by page (the parse fairer also needs)
  and python-docx's paragraph text, which give the words and nothing of their structure.

The ratio is what reading for structure costs over the parse itself. Three runs each, the best
kept. Run: ``python benchmarks/voices_writeups.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _record import record  # noqa: E402

ANSWERS = {
    "Question 1: Do the priorities reflect what matters to you?": [
        "Yes, but housing should be first.",
        "Nothing about older people living on their own.",
    ],
    "Question 2: What would make the biggest difference where you live?": [
        "Buses in the evening and on Sundays.",
        "Somewhere safe for teenagers to go after school.",
    ],
}
PROSE = "The Council has a duty to improve health and to reduce inequalities in health. " * 20


def _report(folder: Path) -> tuple[Path, Path]:
    import docx
    import weasyprint

    sections = [("1. Purpose of the report", PROSE), ("2. Recommendations", PROSE)]
    sections += [("3. Financial implications", PROSE), ("4. Legal implications", PROSE)]
    sections += [(f"{n}. Background {n}", PROSE) for n in range(5, 41)]
    html = "<h1>Cabinet report: Fairer Borough Strategy</h1>"
    doc = docx.Document()
    doc.add_heading("Cabinet report: Fairer Borough Strategy", level=1)
    for heading, text in sections:
        html += f"<h2>{heading}</h2>" + f"<p>{text}</p>" * 3
        doc.add_heading(heading, level=2)
        for _ in range(3):
            doc.add_paragraph(text)
    html += "<h2>Appendix A: Summary of consultation responses</h2>"
    doc.add_heading("Appendix A: Summary of consultation responses", level=2)
    for question, answers in ANSWERS.items():
        html += f"<p><b>{question}</b></p><ul>" + "".join(f"<li>{a}</li>" for a in answers)
        html += "</ul>"
        doc.add_paragraph().add_run(question).bold = True
        for a in answers:
            doc.add_paragraph(a, style="List Bullet")
    css = "@page { size: A4; margin: 2cm; @bottom-center { content: counter(page) } }"
    pdf = folder / "report.pdf"
    weasyprint.HTML(string=f"<style>{css}</style>{html}").write_pdf(pdf)
    word = folder / "report.docx"
    doc.save(word)
    return pdf, word


def _best(fn, runs: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    import docx
    import pdfplumber

    from fairer.voices.notes import read_notes

    with tempfile.TemporaryDirectory() as tmp:
        pdf, word = _report(Path(tmp))
        with pdfplumber.open(str(pdf)) as doc:
            pages = len(doc.pages)

        def plain_pdf() -> int:
            with pdfplumber.open(str(pdf)) as doc:
                return sum(len(p.extract_text() or "") for p in doc.pages)

        def plain_docx() -> int:
            return sum(len(p.text) for p in docx.Document(str(word)).paragraphs)

        rows = []
        for name, path, plain, library in [
            ("PDF", pdf, plain_pdf, "pdfplumber `extract_text`"),
            ("DOCX", word, plain_docx, "python-docx paragraph text"),
        ]:
            ours, notes = _best(lambda path=path: read_notes(path))
            theirs, _ = _best(plain)
            found = len(notes.answers)
            assert found == sum(len(a) for a in ANSWERS.values()), notes.answers
            rows.append(
                f"| {name} | {library} | {theirs:.2f} s | {ours:.2f} s | {ours / theirs:.2f} "
                f"| {found} |"
            )
            print(rows[-1])
    record(
        "voices-writeups",
        f"## Reading write-ups: a {pages}-page cabinet report\n\n"
        f"A report of {pages} pages (officers' prose in 40 sections, then a consultation annex of "
        "four answers to two questions), as PDF and as Word. fairer's read (headings, bullets, "
        "tables, margins, the annex found and its statements split out) against the "
        "library's own plain-text pass over the same file, in the same run; best of three. "
        "Reproduce: `python benchmarks/voices_writeups.py`.\n\n"
        "| file | the library's own pass | its time | fairer `read_notes` | ratio | statements |\n"
        "| --- | --- | ---: | ---: | ---: | ---: |\n" + "\n".join(rows),
    )


if __name__ == "__main__":
    main()
