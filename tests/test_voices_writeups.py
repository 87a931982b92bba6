"""Workshop write-ups as councils write them (tests/data/writeups, text written for these tests),
split by hand: each test lists the statements a person reading the document would take from it,
under the question and table they belong to, and what must be left out."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fairer.errors import FairerError
from fairer.voices.importing import import_files, load_statements
from fairer.voices.notes import is_workshop_grid, read_notes
from fairer.voices.workspace import open_consultation

HERE = Path(__file__).parent / "data" / "writeups"

CAFE = {
    ("What does a fairer Thornaby look like to you?", "Table 1"): [
        "Everyone can get to a GP within a week",
        "Young people have somewhere to go that isn't the street",
        "Jobs that pay enough to live on",
    ],
    ("What does a fairer Thornaby look like to you?", "Table 2"): [
        "Buses after 6pm so people on shifts can get home",
        "Warm homes – no more damp in the flats",
    ],
    ("What gets in the way?", "Table 1"): [
        "Cost of travel & childcare",
        "Forms are all online and the library computers are always booked",
    ],
    ("What gets in the way?", "Table 2"): [
        "Nobody tells you what's on",
        "Fear of crime around the underpass",
        "Language – leaflets only in English",
    ],
    ("What should we do first?", "Table 1"): ["Fix the street lights on the estate"],
    ("What should we do first?", "Table 2"): [
        "Free activities in the school holidays",
        "A named person at the council for each estate",
    ],
}


def _by_place(df) -> dict:
    out: dict = {}
    for r in df.itertuples():
        out.setdefault((r.question, r.group_name.split(" (")[0]), []).append(r.text)
    return out


def test_a_cafe_pasted_from_a_web_page_as_tsv_with_html_cells():
    path = HERE / "strategy_cafe.tsv"
    assert is_workshop_grid(path)
    t = read_notes(path)
    got = _by_place(t.answers)
    for key, texts in CAFE.items():
        if key == ("What should we do first?", "Table 2"):
            continue  # the TSV's second table said one thing here
        assert got[key] == texts, key
    assert got[("What gets in the way?", "Table 3")] == [
        "Waiting lists for everything",
        "The council doesn't come back to us after we've said things",
    ]
    assert len(t.answers) == 18
    assert not t.answers["text"].str.contains("<|&[a-z]+;|style", regex=True).any()
    assert t.answers["respondent_id"].nunique() == 3  # three tables, not eighteen people


def test_the_same_cafe_saved_as_a_web_page():
    t = read_notes(HERE / "strategy_cafe.html")
    assert _by_place(t.answers) == CAFE
    texts = " ".join(t.answers["text"])
    for left_out in ("Thornaby Library, Tuesday", "engagement@", "Thank you", "strategy café"):
        assert left_out not in texts
    assert any("title and lines before the first question" in n for n in t.notes)


def test_plain_notes_keep_participants_questions_and_join_wrapped_bullets():
    t = read_notes(HERE / "plain_notes.txt")
    assert t.answers["question"].unique().tolist() == [
        "What makes it hard to be healthy round here?",
        "What would make the biggest difference?",
    ]
    first = t.answers[t.answers["question"] == t.answers["question"].iat[0]]["text"].tolist()
    assert first == [
        "The chippy and the takeaways are cheaper than the Co-op for a family tea",
        "Why is there no proper supermarket we can walk to?",
        "Park is full of glass so the kids don't play out",
        "The leisure centre is two buses away and the second bus only runs every hour, so by "
        "the time you get there the session has started and they won't let you in late",
        "Working nights - I sleep when the groups are on",
        "Who decides where the money goes?",
        "Damp in the flat makes my son's asthma worse",
    ]
    assert "Can we have the youth club back?" in set(t.answers["text"])
    texts = " ".join(t.answers["text"])
    for left_out in ("Healthy Places workshop", "12 March 2025", "Facilitator", "https://"):
        assert left_out not in texts


REPORT_ANSWERS = {
    "Question 1: Do the priorities in the draft strategy reflect what matters to you?": [
        "Yes, but housing should be first - you can't be healthy in a damp flat.",
        "The priorities are fine, the problem is whether anything will change.",
        "Nothing about older people living on their own.",
    ],
    "Question 2: What would make the biggest difference to health where you live?": [
        "Buses in the evening and on Sundays.",
        "A GP appointment when you need one, not in three weeks.",
        "Somewhere safe for teenagers to go after school.",
        "Cheaper healthy food in the local shops.",
    ],
    "Question 3: How would you like to be involved in delivering the strategy?": [
        "Tell us what you have done with what we said.",
        "Come to the community centre, don't make us come to the civic centre.",
    ],
    "Question 4: Is there anything else you would like to tell us?": [
        "Please write it in plain English.",
        "Carers are doing the council's job for nothing and need support.",
    ],
}


def _by_question(df) -> dict:
    out: dict = {}
    for r in df.itertuples():
        out.setdefault(r.question, []).append(r.text)
    return out


def test_a_cabinet_report_is_read_only_in_its_consultation_annex():
    t = read_notes(HERE / "cabinet_report.md")
    assert _by_question(t.answers) == REPORT_ANSWERS
    assert any(
        "read as a report: only 'Appendix A: Summary of consultation responses'" in n
        and "other section(s) left out" in n
        for n in t.notes
    )
    assert any("officers' summary" in n for n in t.notes)


def test_the_same_report_as_a_word_document(tmp_path):
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_heading("Cabinet report: Fairer Borough Strategy", level=1)
    doc.add_paragraph("Contact officer: Public Health Intelligence Team, phi@example.gov.uk")
    for heading, text in [
        ("1. Purpose of the report", "To report the outcome of the consultation."),
        ("2. Recommendations", "That Cabinet adopts the strategy."),
        ("3. Financial implications", "Within existing budgets."),
        ("4. Legal implications", "The Council has a duty to improve health."),
    ]:
        doc.add_heading(heading, level=2)
        doc.add_paragraph(text)
    doc.add_heading("Appendix A: Summary of consultation responses", level=2)
    doc.add_paragraph("Officers grouped the answers into themes; typical comments follow.")
    for question, answers in REPORT_ANSWERS.items():
        p = doc.add_paragraph()
        p.add_run(question).bold = True
        for a in answers:
            doc.add_paragraph(f"“{a}”", style="List Bullet")
    doc.add_heading("Appendix B: Equality impact assessment", level=2)
    doc.add_paragraph("A positive impact is expected on people with protected characteristics.")
    path = tmp_path / "report.docx"
    doc.save(path)
    assert _by_question(read_notes(path).answers) == REPORT_ANSWERS


def test_a_strategy_with_no_answers_is_refused_and_nothing_is_stored(tmp_path):
    with pytest.raises(FairerError, match="no answers found: this reads as a document of prose"):
        read_notes(HERE / "strategy_prose.md")
    report = tmp_path / "report.md"
    report.write_text(
        (HERE / "cabinet_report.md").read_text(encoding="utf-8").split("## Appendix A")[0],
        encoding="utf-8",
    )
    with pytest.raises(FairerError, match="reads as a report .* no consultation or engagement"):
        read_notes(report)
    with pytest.raises(FairerError, match="strategy_prose.md"):
        import_files(tmp_path / "c", [HERE / "plain_notes.txt", HERE / "strategy_prose.md"])
    assert not (tmp_path / "c").exists()


def test_cli_refuses_a_document_without_answers_in_one_line(cli, tmp_path):
    code, out, err = cli("voices", "import", tmp_path / "c", HERE / "strategy_prose.md")
    assert code == 2 and "no answers found" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_write_ups_import_through_the_users_path(tmp_path):
    files = [HERE / n for n in ("strategy_cafe.tsv", "plain_notes.txt", "cabinet_report.md")]
    report = import_files(tmp_path / "c", files)
    assert dict(report.imported) == {
        "strategy_cafe.tsv": 18,
        "plain_notes.txt": 12,
        "cabinet_report.md": 11,
    }
    assert any("read as a workshop write-up" in n for n in report.notes)
    s = load_statements(open_consultation(tmp_path / "c"), include_all=True)
    assert (s["kind"] == "notes").all()
    assert s.loc[s["file"] == "strategy_cafe.tsv", "group_name"].nunique() == 3


def test_a_consultation_of_workshops_alone_is_reported_by_statements_and_tables(tmp_path):
    """No survey, no demographics: the report counts statements and tables, never "of 1
    respondents", and says plainly that who took part is not known."""
    from fairer.pipeline import voices_report
    from fairer.voices.run import code_consultation

    folder = tmp_path / "c"
    import_files(folder, [HERE / "strategy_cafe.tsv", HERE / "plain_notes.txt"])
    code_consultation(folder, codebook="fairer-six-gaps", representation="lsa", review_size=5)
    html = voices_report(folder).html.read_text(encoding="utf-8")
    assert "4 workshop tables or groups were written up" in html
    assert "% of respondents" not in html and "of 1 respondents" not in html
    assert "of all), at " in html  # e.g. "raised in 9 statements (30% of all), at 2 of 4 …"
    assert "Who was heard</h3><p>Not known" in html
    assert "record what a table said, not who sat at it" in html


def test_a_survey_with_long_answers_is_not_taken_for_a_workshop_grid(tmp_path):
    """An export with an unnamed first column (a spreadsheet's row numbers) and answers of
    several paragraphs is still a survey: one respondent per row."""
    path = tmp_path / "export.csv"
    rows = [",What would help?,Anything else?"] + [
        f'{i},"Later buses.\nAnd a warm space.","Thanks.\nThat is all."' for i in range(1, 9)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert not is_workshop_grid(path)
    assert is_workshop_grid(HERE / "strategy_cafe.tsv")


def test_flipchart_notes_lose_their_ticks_the_thanks_and_the_contact_line():
    t = read_notes(HERE / "flipchart.txt")
    good = t.answers[t.answers["question"].str.contains("WHAT IS GOOD")]["text"].tolist()
    assert good == [
        "Friendly neighbours, people look out for each other",
        "The park – when it's kept tidy",
        "Food bank volunteers are amazing",
        "Good bus into town in the daytime",
    ]
    assert t.answers["question"].nunique() == 3 and len(t.answers) == 13
    texts = " ".join(t.answers["text"])
    for left_out in ("✓", "(x4)", "Thank you", "Jo Bloggs", "@", "01234", "Church Hall"):
        assert left_out not in texts
    assert any("5 statement(s) carried marks of agreement" in n for n in t.notes)


FOCUS_GROUP = {
    "So first of all, what does being healthy mean to you?": [
        ("P1", "Having time for yourself. I never get any time because I'm looking after my mum."),
        ("P2", "Sleeping properly. I'm up in the night with my brother."),
        ("P3", "Yeah, and eating proper meals, not just toast."),
    ],
    "What gets in the way of that?": [
        (
            "P4",
            "School don't understand. I got a detention for being late but I was getting my "
            "mum's medication.",
        ),
        ("P2", "Money. We can't afford the gym or clubs."),
        ("P5", "Not knowing where to go for help. I didn't know I was a carer until last year."),
    ],
    "What would help most?": [
        ("P6", "A card you can show at school so teachers know you're a carer."),
        ("P1", "Someone to talk to who gets it."),
        ("P3", "Free stuff to do in the holidays, like trips."),
    ],
}


def test_a_focus_group_transcript_is_one_respondent_per_participant():
    t = read_notes(HERE / "focus_group.txt")
    assert _by_question(t.answers) == {
        q: [text for _, text in said] for q, said in FOCUS_GROUP.items()
    }
    # The same participant is the same respondent across questions; facilitators are none.
    who = dict(zip(t.answers["text"], t.answers["respondent_id"], strict=True))
    labels = {text: p for said in FOCUS_GROUP.values() for p, text in said}
    by_label: dict = {}
    for text, rid in who.items():
        by_label.setdefault(labels[text], set()).add(rid)
    assert all(len(ids) == 1 for ids in by_label.values()) and len(by_label) == 6
    assert len({next(iter(v)) for v in by_label.values()}) == 6
    assert {"Sam", "Priya"} <= set(t.names)  # the facilitators' names, to redact
    assert any("read as a transcript: 6 participant(s)" in n for n in t.notes)


def test_an_interview_with_q_and_a_joins_a_wrapped_answer_and_drops_the_preamble():
    t = read_notes(HERE / "interview.txt")
    assert _by_question(t.answers)["What has changed for you in that time?"] == [
        "The shops have gone. There used to be a butcher and a post office, now it's one "
        "corner shop and a bookies.",
        "And I don't know my neighbours any more, they move on every year.",
    ]
    assert len(t.answers) == 5 and t.answers["respondent_id"].nunique() == 1
    texts = " ".join(t.answers["text"])
    for left_out in ("tenant, 70s", "Interview ended", "community researcher"):
        assert left_out not in texts
    assert "A" not in t.names and "Q" not in t.names  # labels, not names


def test_a_transcript_as_a_word_document_with_bold_labels(tmp_path):
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_heading("Young carers focus group", level=1)
    for line in (HERE / "focus_group.txt").read_text(encoding="utf-8").splitlines()[1:]:
        label, _, said = line.partition(": ")
        p = doc.add_paragraph()
        if said and label in {"SB", "PK", "P1", "P2", "P3", "P4", "P5", "P6"}:
            p.add_run(f"{label}:").bold = True
            p.add_run(f" {said}")
        else:
            p.add_run(line)
    path = tmp_path / "focus.docx"
    doc.save(path)
    assert _by_question(read_notes(path).answers) == _by_question(
        read_notes(HERE / "focus_group.txt").answers
    )


def test_labelled_notes_are_not_taken_for_a_transcript(tmp_path):
    notes = tmp_path / "topics.txt"
    notes.write_text(
        "What would help?\n\nTransport: more buses\nHousing: damp flats fixed\n"
        "Transport: later buses\nHousing: lower rents\n",
        encoding="utf-8",
    )
    t = read_notes(notes)
    assert set(t.answers["question"]) == {"What would help?"}
    assert "Transport: more buses" in set(t.answers["text"])
    assert not any("transcript" in n for n in t.notes)


def test_an_engagement_summary_keeps_what_people_said_and_leaves_out_the_rest():
    t = read_notes(HERE / "engagement_summary.md")
    assert _by_question(t.answers) == {
        "Access to GPs": [
            "I gave up trying to get an appointment.",
            "The receptionist asks what's wrong in front of everyone.",
        ],
        "Housing": [
            "Damp and mould in private rented flats",
            "Afraid to complain in case of eviction",
        ],
        "Transport": ["The 42 stops at six, so I can't get to my evening shift."],
    }
    assert set(t.answers["group_name"]) == {""}  # "What people said" heads notes, not a group
    assert any("'Introduction', 'How we listened', 'Next steps'" in n for n in t.notes), t.notes


def test_a_transcripts_participants_are_counted_as_people_not_tables(tmp_path):
    from fairer.voices.summary import is_workshop_group

    import_files(tmp_path / "c", [HERE / "focus_group.txt", HERE / "flipchart.txt"])
    s = load_statements(open_consultation(tmp_path / "c"), include_all=True)
    table = is_workshop_group(s)
    assert not table[s["respondent_id"].str.startswith("focus_group:")].any()
    assert table[s["respondent_id"].str.startswith("flipchart:")].all()
    assert s.loc[~table, "respondent_id"].nunique() == 6


def test_you_said_we_did_keeps_what_people_said_and_never_the_councils_answer(tmp_path):
    path = tmp_path / "you_said.md"
    path.write_text(
        "# You said, we did: Healthy Hartside 2026\n\n| You said | We did |\n|---|---|\n"
        "| The park is full of litter | We added two bins and a weekly litter pick |\n"
        "| Nothing for teenagers on Friday nights | We funded a youth club |\n",
        encoding="utf-8",
    )
    t = read_notes(path)
    assert t.answers["text"].tolist() == [
        "The park is full of litter",
        "Nothing for teenagers on Friday nights",
    ]
    assert set(t.answers["group_name"]) == {""}
    assert any("the council's own answers in table column(s) 'We did'" in n for n in t.notes)


def test_numbered_questions_over_bullets_head_their_points(tmp_path):
    path = tmp_path / "conversation.txt"
    path.write_text(
        "Community conversation – Eastfield Library, 2 October 2026\n\n"
        "1. What would make Eastfield a healthier place to live?\n"
        "- More trees on the main road\n- A proper crossing by the school\n\n"
        "2. What stops you from being involved?\n- Meetings are always in the day\n\n"
        "3. Anything else?\n1. Why did the youth club close?\n2. Who decides?\n",
        encoding="utf-8",
    )
    assert _by_question(read_notes(path).answers) == {
        "What would make Eastfield a healthier place to live?": [
            "More trees on the main road",
            "A proper crossing by the school",
        ],
        "What stops you from being involved?": ["Meetings are always in the day"],
        # A numbered list of participants' own questions stays a list of statements.
        "Anything else?": ["Why did the youth club close?", "Who decides?"],
    }


def _pdf(tmp_path, name: str, body: str, header: str = "Hartside Borough Council"):
    """A real PDF, as Word or a browser would save one: headings in larger type, bullets,
    ruled tables, the council's name (unless `header` is empty) and a page number on every
    page."""
    weasyprint = pytest.importorskip("weasyprint")
    css = (
        f"@page {{ size: A4; margin: 2cm; @top-right {{ content: '{header}' }}"
        " @bottom-center { content: 'Page ' counter(page) ' of ' counter(pages) } }"
        "body { font-family: sans-serif; font-size: 11pt } h1 { font-size: 20pt }"
        "h2 { font-size: 15pt } table { border-collapse: collapse }"
        "td, th { border: 1px solid black; padding: 4px }"
    )
    path = tmp_path / name
    weasyprint.HTML(
        string=f"<html><head><style>{css}</style></head><body>{body}</body></html>"
    ).write_pdf(path)
    return path


def _answers_html(question_tag: str) -> str:
    """REPORT_ANSWERS as a page sets them: each question (in `question_tag`, "{}" for its
    text) over a list of quotations."""
    return "".join(
        question_tag.format(q) + "<ul>" + "".join(f"<li>“{a}”</li>" for a in answers) + "</ul>"
        for q, answers in REPORT_ANSWERS.items()
    )


def test_the_same_report_as_a_pdf(tmp_path):
    body = "<h1>Cabinet report: Fairer Borough Strategy</h1>"
    body += "<p>Contact officer: Public Health Intelligence Team, phi@example.gov.uk</p>"
    for heading, text in [
        ("1. Purpose of the report", "To report the outcome of the consultation. " * 30),
        ("2. Recommendations", "That Cabinet adopts the strategy."),
        ("3. Financial implications", "Within existing budgets. " * 40),
        ("4. Legal implications", "The Council has a duty to improve health."),
    ]:
        body += f"<h2>{heading}</h2><p>{text}</p>"
    body += "<h2>Appendix A: Summary of consultation responses</h2>"
    body += "<p>Officers grouped the answers into themes; typical comments follow.</p>"
    body += _answers_html("<p><b>{}</b></p>")
    body += "<h2>Appendix B: Equality impact assessment</h2><p>A positive impact is expected.</p>"
    t = read_notes(_pdf(tmp_path, "report.pdf", body))
    assert _by_question(t.answers) == REPORT_ANSWERS
    assert not t.answers["text"].str.contains("Page|Hartside Borough Council").any()


def test_a_cafe_saved_as_pdf_reads_its_ruled_table(tmp_path):
    body = "<h1>Strategy café: notes</h1><p>Thornaby Library, Tuesday 4 March 2025</p>"
    body += "<table><tr><th>Question</th><th>Table 1</th><th>Table 2</th></tr>"
    body += "<tr><td>What would help?</td><td>Later buses<br>Warm spaces</td><td>Youth club</td>"
    body += "</tr><tr><td>What gets in the way?</td><td>Cost of travel</td><td>Nobody tells "
    body += "you what's on</td></tr></table>"
    t = read_notes(_pdf(tmp_path, "cafe.pdf", body))
    assert _by_place(t.answers) == {
        ("What would help?", "Table 1"): ["Later buses", "Warm spaces"],
        ("What would help?", "Table 2"): ["Youth club"],
        ("What gets in the way?", "Table 1"): ["Cost of travel"],
        ("What gets in the way?", "Table 2"): ["Nobody tells you what's on"],
    }


def test_a_summary_set_in_two_columns_is_read_column_by_column(tmp_path):
    """A designed engagement summary: a title across the page over two columns of text, the
    questions wrapping over several lines of their column."""
    body = "<h1 style='column-span: all'>What you told us about the Fairer Hartside strategy"
    body += " in 2025</h1><div style='column-count: 2; column-gap: 1cm'>"
    body += "<p>We asked four questions. These are some of the answers, in the words people"
    body += " used; the full report of all 412 answers is on the council's website.</p>"
    body += _answers_html("<h2>{}</h2>") + "</div>"
    t = read_notes(_pdf(tmp_path, "summary.pdf", body))
    assert _by_question(t.answers) == REPORT_ANSWERS


def test_a_designed_pdf_keeps_its_pull_quote_and_leaves_out_contents_captions_and_notes(tmp_path):
    """A designed summary: a contents page, a pull quote set large over two lines, a chart's
    caption and labels and a footnote in small type."""
    small = "style='font-size: 7.5pt'"
    body = "<h1>What you told us</h1><h2>Contents</h2>"
    body += (
        "<p>Question 1: what would help ........ 2</p><p>Question 2: the barriers ........ 3</p>"
    )
    body += "<div style='break-before: page'></div><h2>Question 1: What would help?</h2>"
    body += "<ul><li>Buses in the evening and on Sundays.</li><li>Warm spaces in winter.</li></ul>"
    body += "<p style='font-size: 16pt'>“I would go to the health checks if I could get there"
    body += " without two buses and a long walk at each end”</p>"
    body += f"<p {small}>Figure 1: what would help, by ward (per cent of answers)</p>"
    body += f"<p {small}>Central 42%</p><p {small}>Riverside 31%</p>"
    body += "<h2>Question 2: What gets in the way?</h2><ul><li>Cost of travel.</li></ul>"
    body += f"<p {small}>1 Answers given at drop-in sessions are included.</p>"
    t = read_notes(_pdf(tmp_path, "summary.pdf", body))
    assert _by_question(t.answers) == {
        "Question 1: What would help?": [
            "Buses in the evening and on Sundays.",
            "Warm spaces in winter.",
            "I would go to the health checks if I could get there without two buses and a long"
            " walk at each end",
        ],
        "Question 2: What gets in the way?": ["Cost of travel."],
    }
    said = " ".join(t.notes)
    assert "4 line(s) in smaller type" in said and "2 line(s) of a table of contents" in said


def test_a_pdf_without_text_or_not_a_pdf_is_refused_in_one_line(cli, tmp_path):
    # A scan has no text layer; the scanner's software may still have numbered the pages.
    scanned = _pdf(tmp_path, "scanned.pdf", "<div style='height:5cm;background:#ccc'></div>", "")
    with pytest.raises(FairerError, match="holds no text .*scanned"):
        read_notes(scanned)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nthis is not really a PDF")
    code, out, err = cli("voices", "import", tmp_path / "c", broken)
    assert code == 2 and "not a readable PDF" in err and "broken.pdf" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "c").exists()


def _page_number_field(paragraph) -> None:
    """Word's PAGE field, as a footer's "Page 3" holds it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()._r
    for kind, instruction in (("begin", None), (None, "PAGE"), ("end", None)):
        element = OxmlElement("w:fldChar" if kind else "w:instrText")
        if kind:
            element.set(qn("w:fldCharType"), kind)
        else:
            element.text = instruction
        run.append(element)


def _libreoffice(source: Path, to: str) -> Path:
    """`source` saved by LibreOffice as `to` (pdf, odt), as a council's officer would."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (Debian's libreoffice-writer-nogui) is not installed here")
    folder = source.parent
    subprocess.run(
        [soffice, "--headless", "--convert-to", to, "--outdir", str(folder), str(source)]
        + [f"-env:UserInstallation=file://{folder}/lo"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return source.with_suffix(f".{to}")


def test_a_word_report_saved_as_pdf_reads_as_the_word_document_does(tmp_path):
    """Word's own PDF, made by LibreOffice from a real DOCX: bullets in the Symbol font, a
    running header and page-number footer, paragraphs over page breaks, a full-width table
    whose cells wrap their text."""
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "Hartside Borough Council – Cabinet, 12 March"
    footer = doc.sections[0].footer.paragraphs[0]
    footer.add_run("Page ")
    _page_number_field(footer)
    doc.add_heading("Cabinet report: Fairer Borough Strategy", level=1)
    doc.add_paragraph("Contact officer: Public Health Intelligence Team, phi@example.gov.uk")
    for heading, text in [
        ("1. Purpose of the report", "To report the outcome of the consultation. " * 30),
        ("2. Recommendations", "That Cabinet adopts the strategy."),
        ("3. Financial implications", "Within existing budgets. " * 60),
        ("4. Legal implications", "The Council has a duty to improve health. " * 20),
    ]:
        doc.add_heading(heading, level=2)
        doc.add_paragraph(text)
    doc.add_heading("Appendix A: Summary of consultation responses", level=2)
    doc.add_paragraph("Officers grouped the answers into themes; typical comments follow.")
    for question, answers in REPORT_ANSWERS.items():
        doc.add_paragraph().add_run(question).bold = True
        for a in answers:
            doc.add_paragraph(f"“{a}”", style="List Bullet")
    doc.add_heading("Appendix B: Notes from the community workshops", level=2)
    cells = [
        ["Question", "Table 1", "Table 2"],
        ["What would help?", "Later buses\nWarm spaces", "Youth club"],
        [
            "What gets in the way?",
            "Cost of travel",
            "Nobody tells you what's on at the community centre or the library until it is over",
        ],
    ]
    table = doc.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for i, row in enumerate(cells):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    doc.add_heading("Appendix C: Equality impact assessment", level=2)
    doc.add_paragraph("A positive impact is expected on people with protected characteristics.")
    doc.save(tmp_path / "report.docx")
    from_pdf = read_notes(_libreoffice(tmp_path / "report.docx", "pdf")).answers
    at_tables = from_pdf["group_name"].fillna("") != ""
    assert _by_question(from_pdf[~at_tables]) == REPORT_ANSWERS
    assert _by_place(from_pdf[at_tables]) == {
        ("What would help?", "Table 1"): ["Later buses", "Warm spaces"],
        ("What would help?", "Table 2"): ["Youth club"],
        ("What gets in the way?", "Table 1"): ["Cost of travel"],
        ("What gets in the way?", "Table 2"): [cells[2][2]],
    }
    from_docx = read_notes(tmp_path / "report.docx").answers
    columns = ["text", "question", "group_name"]
    assert from_pdf[columns].equals(from_docx[columns])


@pytest.mark.parametrize(
    "above",
    [
        # a masthead over the title, and a paragraph under it: the title is a title
        "Hartside Borough Council\n\n# What you told us in 2025\n\nWe asked two questions and"
        " 80 people answered them online or at one of our six drop-in sessions.\n\n",
        # the first heading is a question, the date stands above it
        "Strategy café, 4 March\n\n",
    ],
)
def test_a_title_under_a_masthead_is_a_title_and_a_first_question_stays_a_question(tmp_path, above):
    notes = tmp_path / "summary.md"
    notes.write_text(
        above + "## What would help?\n\n- Later buses\n\n## What gets in the way?\n\n"
        "- Cost of travel\n",
        encoding="utf-8",
    )
    assert _by_question(read_notes(notes).answers) == {
        "What would help?": ["Later buses"],
        "What gets in the way?": ["Cost of travel"],
    }


def test_an_opendocument_write_up_reads_as_the_word_document_does(tmp_path):
    """An ODT written by odfpy as LibreOffice writes one: native lists, a bold paragraph
    through an automatic style, a line break inside a table cell, a heading outline level."""
    pytest.importorskip("odf")
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, LineBreak, List, ListItem, P

    doc = OpenDocumentText()
    bold = Style(name="P1", family="paragraph")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    doc.text.addElement(H(outlinelevel=1, text="Strategy café: notes"))
    doc.text.addElement(P(text="Thornaby Library, Tuesday 4 March 2025"))
    for question, answers in REPORT_ANSWERS.items():
        doc.text.addElement(P(stylename=bold, text=question))
        bullets = List()
        for a in answers:
            item = ListItem()
            item.addElement(P(text=f"“{a}”"))
            bullets.addElement(item)
        doc.text.addElement(bullets)
    doc.text.addElement(H(outlinelevel=2, text="Notes from the tables"))
    table = Table(name="Cafe")
    table.addElement(TableColumn(numbercolumnsrepeated=3))
    for row in [
        ["Question", "Table 1", "Table 2"],
        ["What would help?", "Later buses\nWarm spaces", "Youth club"],
    ]:
        tr = TableRow()
        for text in row:
            p = P()
            for i, part in enumerate(text.split("\n")):
                if i:
                    p.addElement(LineBreak())
                p.addText(part)
            cell = TableCell()
            cell.addElement(p)
            tr.addElement(cell)
        table.addElement(tr)
    doc.text.addElement(table)
    doc.save(str(tmp_path / "cafe.odt"))
    t = read_notes(tmp_path / "cafe.odt")
    at_tables = t.answers["group_name"].fillna("") != ""
    assert _by_question(t.answers[~at_tables]) == REPORT_ANSWERS
    assert _by_place(t.answers[at_tables]) == {
        ("What would help?", "Table 1"): ["Later buses", "Warm spaces"],
        ("What would help?", "Table 2"): ["Youth club"],
    }
    assert not t.answers["text"].str.contains("Thornaby|Strategy café").any()


def test_a_word_document_saved_as_odt_by_libreoffice_reads_the_same(tmp_path):
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_heading("Engagement summary: what you told us", level=1)
    for question, answers in REPORT_ANSWERS.items():
        doc.add_paragraph().add_run(question).bold = True
        for a in answers:
            doc.add_paragraph(f"“{a}”", style="List Bullet")
    doc.save(tmp_path / "summary.docx")
    from_odt = read_notes(_libreoffice(tmp_path / "summary.docx", "odt")).answers
    assert _by_question(from_odt) == REPORT_ANSWERS
    columns = ["text", "question", "group_name"]
    assert from_odt[columns].equals(read_notes(tmp_path / "summary.docx").answers[columns])


def test_a_survey_saved_as_ods_imports_like_its_xlsx(tmp_path):
    pytest.importorskip("odf")
    import pandas as pd

    survey = pd.DataFrame(
        {
            "Respondent ID": ["1", "2", "3", "4"],
            "What would make the biggest difference where you live?": [
                "Buses in the evening and on Sundays",
                "A GP appointment when you need one",
                "Somewhere safe for teenagers to go after school",
                "Cheaper healthy food in the local shops",
            ],
            "Age": ["34", "67", "22", "45"],
        }
    )
    survey.to_excel(tmp_path / "survey.ods", engine="odf", index=False)
    survey.to_excel(tmp_path / "survey.xlsx", index=False)
    ods = import_files(tmp_path / "a", [tmp_path / "survey.ods"])
    xlsx = import_files(tmp_path / "b", [tmp_path / "survey.xlsx"])
    assert dict(ods.imported) == {"survey.ods": 4} and dict(xlsx.imported) == {"survey.xlsx": 4}
    a = load_statements(open_consultation(tmp_path / "a"), include_all=True)
    b = load_statements(open_consultation(tmp_path / "b"), include_all=True)
    assert sorted(a["text"]) == sorted(b["text"]) == sorted(survey.iloc[:, 1])


@pytest.mark.parametrize(
    "annex",
    [
        "Appendix C: Notes from the strategy café",
        "Appendix C: What people said at the drop-in sessions",
        "Appendix C: Focus groups with carers",
        "Appendix C: The citizens' panel",
    ],
)
def test_a_report_reads_every_annex_of_what_people_said_however_it_is_named(tmp_path, annex):
    report = tmp_path / "report.md"
    report.write_text(
        (HERE / "cabinet_report.md").read_text(encoding="utf-8")
        + f"\n## {annex}\n\n**What would help?**\n\n- Later buses\n- Warm spaces\n",
        encoding="utf-8",
    )
    got = _by_question(read_notes(report).answers)
    assert got == {**REPORT_ANSWERS, "What would help?": ["Later buses", "Warm spaces"]}


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_cafe_notes_typed_into_a_workbook_one_sheet_per_event(tmp_path, suffix):
    """Officers type a café's notes into Excel: questions down, tables across, several points
    in a cell (Alt+Enter), a sheet for each event. Table 1 at one event is not Table 1 at the
    next."""
    import pandas as pd

    if suffix == ".ods":
        pytest.importorskip("odf")
    events = {
        "Central library": [
            ["Question", "Table 1", "Table 2"],
            ["What would help?", "Later buses\nWarm spaces", "Youth club"],
            ["What gets in the way?", "Cost of travel", "Nobody tells you what's on"],
        ],
        "Riverside centre": [
            ["Question", "Table 1"],
            ["What would help?", "A bench on the way to the shops"],
        ],
    }
    path = tmp_path / f"cafe{suffix}"
    with pd.ExcelWriter(path, engine="odf" if suffix == ".ods" else "openpyxl") as xl:
        for name, rows in events.items():
            pd.DataFrame(rows).to_excel(xl, sheet_name=name, header=False, index=False)
    assert is_workshop_grid(path)
    report = import_files(tmp_path / "c", [path])
    assert dict(report.imported) == {path.name: 6}
    s = load_statements(open_consultation(tmp_path / "c"), include_all=True)
    by_place: dict = {}
    for r in s.itertuples():
        by_place.setdefault((r.sheet, r.question, r.group_name), []).append(r.text)
    assert {k: sorted(v) for k, v in by_place.items()} == {
        ("Central library", "What would help?", "Table 1 (Central library)"): [
            "Later buses",
            "Warm spaces",
        ],
        ("Central library", "What would help?", "Table 2 (Central library)"): ["Youth club"],
        ("Central library", "What gets in the way?", "Table 1 (Central library)"): [
            "Cost of travel"
        ],
        ("Central library", "What gets in the way?", "Table 2 (Central library)"): [
            "Nobody tells you what's on"
        ],
        ("Riverside centre", "What would help?", "Table 1 (Riverside centre)"): [
            "A bench on the way to the shops"
        ],
    }
    assert s["respondent_id"].nunique() == 3  # three tables, at two events


def test_a_word_document_with_tracked_changes_reads_as_it_would_with_them_accepted(tmp_path):
    """Write-ups go round for comments: an insertion is what the notes now say, a deletion
    is not (python-docx's own paragraph text drops insertions)."""
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    doc = docx.Document()
    doc.add_heading("What would help?", level=2)
    bullet = doc.add_paragraph("Buses in the evening ", style="List Bullet")
    bullet._p.append(
        parse_xml(
            f'<w:ins {w} w:id="1" w:author="Officer"><w:r><w:t>and on Sundays</w:t></w:r></w:ins>'
        )
    )
    bullet._p.append(
        parse_xml(
            f'<w:del {w} w:id="2" w:author="Officer"><w:r><w:delText> if the money allows'
            "</w:delText></w:r></w:del>"
        )
    )
    inserted = doc.add_paragraph(style="List Bullet")
    inserted._p.append(
        parse_xml(
            f'<w:ins {w} w:id="3" w:author="Officer"><w:r><w:t>Warm spaces in winter</w:t></w:r>'
            "</w:ins>"
        )
    )
    doc.save(tmp_path / "notes.docx")
    assert _by_question(read_notes(tmp_path / "notes.docx").answers) == {
        "What would help?": ["Buses in the evening and on Sundays", "Warm spaces in winter"]
    }


def test_drop_in_notes_headed_in_capitals_with_arrow_bullets_and_attributed_quotes():
    """Sections named in capitals, arrows and ticks for bullets, a label over quotations whose
    attributions ("resident, 45") are who said it, not what was said."""
    t = read_notes(HERE / "drop_in_notes.txt")
    assert _by_question(t.answers) == {
        "TRANSPORT": [
            "Later buses, the last one goes at six",
            "Cheaper fares for young people",
            "A bus that goes to the hospital without changing in town",
        ],
        "HOUSING": [
            "Damp flats that the landlord won't fix",
            "Too many empty shops on the high street",
        ],
        "Health services": [
            "A GP appointment when you need one",
            "Pharmacy open on Sundays",
            "More mental health support for teenagers",
        ],
        "Quotes from the day": [
            "I love the park but it isn't safe after dark",
            "The bus stops at six, so I can't work evenings",
            "Nobody asks us, they just decide",
        ],
    }


def test_a_flipchart_typed_all_in_capitals_is_all_statements(tmp_path):
    shouting = tmp_path / "flipchart.txt"
    shouting.write_text(
        "WHAT WOULD HELP?\n\nLATER BUSES\nWARM SPACES IN WINTER\nA YOUTH CLUB ON THE ESTATE\n",
        encoding="utf-8",
    )
    assert _by_question(read_notes(shouting).answers) == {
        "WHAT WOULD HELP?": ["LATER BUSES", "WARM SPACES IN WINTER", "A YOUTH CLUB ON THE ESTATE"]
    }


def test_numbered_section_labels_over_bullets_head_their_points(tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text(
        "Notes from the Billingham session\n\n1. Transport\n   - Later buses\n"
        "   - Cheaper fares\n2. Housing\n   - Damp flats\n",
        encoding="utf-8",
    )
    sections = {"Transport": ["Later buses", "Cheaper fares"], "Housing": ["Damp flats"]}
    assert _by_question(read_notes(notes).answers) == sections
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_heading("Notes from the Billingham session", level=1)
    for label, points in sections.items():
        doc.add_paragraph(label, style="List Number")
        for point in points:
            doc.add_paragraph(point, style="List Bullet 2")
    doc.save(tmp_path / "notes.docx")
    assert _by_question(read_notes(tmp_path / "notes.docx").answers) == sections
    # A numbered list of what people said, one point qualified under it, stays statements.
    said = tmp_path / "said.md"
    said.write_text(
        "## What would help?\n\n1. Later buses\n   - especially on Sundays\n2. Warm spaces\n"
        "3. A youth club\n",
        encoding="utf-8",
    )
    assert _by_question(read_notes(said).answers) == {
        "What would help?": ["Later buses, especially on Sundays", "Warm spaces", "A youth club"]
    }


def test_notes_sent_by_email_leave_out_the_headers_greeting_and_signature():
    t = read_notes(HERE / "emailed_notes.txt")
    assert _by_question(t.answers) == {
        "What would help?": ["Later buses", "Warm spaces in winter"],
        "What gets in the way?": [
            "Cost of travel",
            "Thanks to the volunteers the café feels welcoming, but nobody knows it is there",
        ],
    }
    assert any("sign-off and signature (3)" in n for n in t.notes)
    assert not t.answers["text"].str.contains("Jane|Officer|regards").any()
    # the sender is a name to redact wherever it appears; the team the notes went to is not
    assert "Jane Okafor" in t.names and "Okafor" in t.names
    assert not {"Public", "Health", "Public Health Intelligence"} & set(t.names)


def _pdf_by_hand(path: Path, lines: list[tuple[float, float, float, str]]) -> Path:
    """A PDF written object by object: each line (x, y, size, text) in Helvetica, as a program
    that fakes bold by printing a line twice a shade apart writes it."""
    stream = "".join(
        f"BT /F1 {size} Tf {x} {y} Td ({text}) Tj ET\n" for x, y, size, text in lines
    ).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def test_a_pdf_that_fakes_bold_by_printing_twice_reads_each_letter_once(tmp_path):
    heading = "What would help?"
    lines = [(72, 760, 11, heading), (72.3, 760, 11, heading)]  # the faked bold heading
    lines += [(72, 740, 11, "- Later buses"), (72, 726, 11, "- A small hall")]
    t = read_notes(_pdf_by_hand(tmp_path / "notes.pdf", lines))
    assert _by_question(t.answers) == {heading: ["Later buses", "A small hall"]}


CALL = {
    "What makes it hard to look after your own health?": [
        "Honestly there's no time, I'm up at six getting my mum's tablets sorted before school.",
        "Appointments are always in school hours and I can't leave her.",
    ],
    "What would help?": [
        "Someone who could sit with her for an hour.",
        "A text to say Leon's mum is OK when I'm at college.",
    ],
}


def _call_as_teams_document(tmp_path: Path) -> Path:
    """The same call as Teams saves its transcript to Word: the speaker and time on a line."""
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_paragraph("Young carers focus group-20250304_160102-Meeting Recording")
    doc.add_paragraph("4 March 2025, 04:01pm")
    for who, at, said in [
        (
            "Priya Raman",
            "0:01",
            "Thanks for joining. What makes it hard to look after your own health?",
        ),
        (
            "Leon Walsh",
            "0:06",
            "Honestly there's no time, I'm up at six getting my mum's tablets"
            " sorted before school.",
        ),
        ("Grace Adeyemi", "0:13", "Appointments are always in school hours and I can't leave her."),
        ("Priya Raman", "0:18", "What would help?"),
        ("Leon Walsh", "0:22", "Someone who could sit with her for an hour."),
        ("Grace Adeyemi", "0:27", "A text to say Leon's mum is OK when I'm at college."),
    ]:
        doc.add_paragraph(f"{who}   {at}")
        doc.add_paragraph(said)
    doc.save(tmp_path / "transcript.docx")
    return tmp_path / "transcript.docx"


@pytest.mark.parametrize("source", ["teams_call.vtt", "zoom_call.vtt", "teams.docx"])
def test_a_video_calls_transcript_reads_turn_by_turn_without_its_timings(tmp_path, source):
    """Teams and Zoom captions (WebVTT, with or without voice tags; captions of one speaker
    joined into a turn) and Teams' Word transcript: each participant a respondent, the
    facilitator's questions the questions, and every speaker's name redacted."""
    path = _call_as_teams_document(tmp_path) if source == "teams.docx" else HERE / source
    t = read_notes(path)
    assert _by_question(t.answers) == CALL
    assert t.answers["respondent_id"].nunique() == 2
    assert any("video call's transcript" in n for n in t.notes)
    assert not any("Priya" in n for n in t.notes)  # the note names no one
    import_files(tmp_path / "c", [path])
    stored = load_statements(open_consultation(tmp_path / "c"), include_all=True)
    assert not stored["text"].str.contains("Leon|Priya|Grace|-->").any()
    assert stored["text"].str.contains("mum is OK when I'm at college").any()


def test_an_agenda_is_left_out_but_a_time_someone_mentions_is_not(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(
        "Health and wellbeing café\n\nAgenda\n10:00 Welcome\n10:15 – 11:00 Table discussions\n"
        "11:00 Feedback\n11.30am Close\n\nWhat gets in the way?\n- The last bus is at 6pm\n"
        "- Nobody tells you what's on\n",
        encoding="utf-8",
    )
    t = read_notes(notes)
    assert _by_question(t.answers) == {
        "What gets in the way?": ["The last bus is at 6pm", "Nobody tells you what's on"]
    }
    assert any("agenda lines (times and items) (4)" in n for n in t.notes)


def _response_form(path: Path, name: str, email: str, age: str, answers: list[str]) -> Path:
    """A fillable PDF response form as a council sends it, filled in and returned."""
    weasyprint = pytest.importorskip("weasyprint")
    questions = ["What would make the biggest difference where you live?", "What gets in the way?"]
    html = "<h1>Fairer Hartside: consultation response form</h1>"
    html += f"<p>Your name</p><input type='text' name='name' title='Your name' value='{name}'>"
    html += f"<p>E-mail</p><input type='text' name='email' title='Email address' value='{email}'>"
    html += f"<p>Age</p><input type='text' name='age' title='Your age' value='{age}'>"
    for n, (q, a) in enumerate(zip(questions, answers, strict=True), start=1):
        html += f"<p>Q{n}. {q}</p><textarea name='q{n}' title='{q}'>{a}</textarea>"
    html += "<input type='checkbox' name='org' title='I am responding for an organisation'>"
    weasyprint.HTML(string=html).write_pdf(path, pdf_forms=True)
    return path


def test_returned_pdf_response_forms_are_one_respondent_each(tmp_path):
    """What people typed is in the form's fields, not the page: each returned form is one
    respondent, their name and e-mail never imported, their age kept as who answered."""
    from fairer.store import queries
    from fairer.voices.survey import read_survey

    people = [
        ("Jane Smith", "jane@example.org", "34", ["Later buses on Sundays", "The cost of travel"]),
        ("Bob Jones", "bob@example.org", "67", ["A bench on the walk to the shops", ""]),
        ("Amira Khan", "", "22", ["Somewhere for teenagers to go", "Nobody tells you what's on"]),
    ]
    forms = [
        _response_form(tmp_path / f"response-{i}.pdf", *person)
        for i, person in enumerate(people, start=1)
    ]
    report = import_files(tmp_path / "c", forms)
    assert dict(report.imported) == {"response-1.pdf": 2, "response-2.pdf": 1, "response-3.pdf": 2}
    s = load_statements(open_consultation(tmp_path / "c"), include_all=True)
    assert sorted(zip(s["file"], s["question"], s["text"], strict=True)) == [
        ("response-1.pdf", "What gets in the way?", "The cost of travel"),
        ("response-1.pdf", "What would make the biggest difference where you live?",
         "Later buses on Sundays"),
        ("response-2.pdf", "What would make the biggest difference where you live?",
         "A bench on the walk to the shops"),
        ("response-3.pdf", "What gets in the way?", "Nobody tells you what's on"),
        ("response-3.pdf", "What would make the biggest difference where you live?",
         "Somewhere for teenagers to go"),
    ]  # fmt: skip
    assert s["respondent_id"].nunique() == 3
    stored = (tmp_path / "c").rglob("*")
    for f in [p for p in stored if p.is_file()]:
        body = f.read_bytes()
        assert b"jane@example.org" not in body and b"Jane Smith" not in body, f
    assert "note: in 3 files: not imported: Your name (personal data: never imported)" in (
        report.lines()
    )
    assert read_survey(forms[1]).respondents["age"].tolist() == ["67"]
    who = open_consultation(tmp_path / "c").read(queries.respondents)
    assert sorted(who["age"]) == ["16-24", "25-34", "65-74"]  # banded when stored


def test_a_word_document_saved_as_a_web_page_keeps_its_lists():
    """Word's "Save as web page" writes list items as paragraphs with a Symbol-font dot,
    a Courier "o" for the level below and the number as text."""
    t = read_notes(HERE / "word_web_page.html")
    assert _by_question(t.answers) == {
        "What would help?": ["Later buses", "Warm spaces", "A youth club"],
        "What gets in the way?": [
            "Cost of travel",
            "£4.50 for a return into town",
            "1. This numbered line is a paragraph of its own, not a list.",
        ],
    }


def test_markdown_downloaded_from_google_docs_loses_its_escapes_and_joins_a_qualifying_point():
    t = read_notes(HERE / "google_docs.md")
    assert _by_question(t.answers) == {
        "Question 1. What would help?": [
            "Later buses - especially on Sundays",
            "Warm spaces, in the library",  # the point under it only qualifies it
            "A youth club",
        ],
        "Question 2. What gets in the way?": ["Cost of travel (£4.50 return)"],
    }


def test_a_blank_response_form_is_refused_not_read_for_its_instructions(tmp_path):
    """A form's page holds the council's questions and instructions: never residents' words."""
    blank = _response_form(tmp_path / "blank.pdf", "", "", "", ["", ""])
    good = _response_form(tmp_path / "good.pdf", "", "", "40", ["Later buses on Sundays", ""])
    with pytest.raises(FairerError, match="a response form with no written answer in its"):
        import_files(tmp_path / "c", [good, blank])
    assert not (tmp_path / "c").exists()


POINTS = [("Transport", 0), ("Later buses", 1), ("Cheaper fares", 1), ("Warm spaces", 0)]
POINTS += [("at the library", 1), ("Nowhere else is open after five", 1)]
READ_POINTS = {
    "What would help?": [
        "Transport",
        "Later buses",
        "Cheaper fares",
        "Warm spaces, at the library",
        "Nowhere else is open after five",
    ]
}


def test_points_under_a_point_are_their_own_unless_they_only_qualify_it(tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text(
        "## What would help?\n\n" + "".join(f"{'  ' * lv}- {p}\n" for p, lv in POINTS),
        encoding="utf-8",
    )
    assert _by_question(read_notes(notes).answers) == READ_POINTS
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_heading("What would help?", level=2)
    for point, level in POINTS:
        doc.add_paragraph(point, style="List Bullet 2" if level else "List Bullet")
    doc.save(tmp_path / "notes.docx")
    assert _by_question(read_notes(tmp_path / "notes.docx").answers) == READ_POINTS
    pytest.importorskip("odf")
    from odf.opendocument import OpenDocumentText
    from odf.text import H, List, ListItem, P

    odt = OpenDocumentText()
    odt.text.addElement(H(outlinelevel=2, text="What would help?"))
    outer, item = List(), None
    for point, level in POINTS:
        if level == 0:
            item = ListItem()
            item.addElement(P(text=point))
            outer.addElement(item)
        else:
            inner = List()
            sub_item = ListItem()
            sub_item.addElement(P(text=point))
            inner.addElement(sub_item)
            item.addElement(inner)
    odt.text.addElement(outer)
    odt.save(str(tmp_path / "notes.odt"))
    assert _by_question(read_notes(tmp_path / "notes.odt").answers) == READ_POINTS


def test_a_folder_of_returned_forms_imports_as_one_respondent_each(cli, tmp_path):
    """On Windows a shell does not expand `responses/*.pdf`: the folder itself is named. Word's
    lock files and hidden files in it are passed over; an empty folder is refused."""
    responses = tmp_path / "responses"
    (responses / "late").mkdir(parents=True)
    _response_form(responses / "r1.pdf", "", "", "34", ["Later buses on Sundays", ""])
    _response_form(responses / "late" / "r2.pdf", "", "", "70", ["A bench by the shops", ""])
    (responses / "~$notes.docx").write_bytes(b"\x00lock")
    (responses / ".DS_Store").write_bytes(b"\x00")
    code, out, err = cli("voices", "import", tmp_path / "c", responses)
    assert code == 0, err
    assert "imported r1.pdf: 1 statements" in out and "imported r2.pdf: 1 statements" in out
    (tmp_path / "empty").mkdir()
    code, out, err = cli("voices", "import", tmp_path / "c", tmp_path / "empty")
    assert code == 2 and "holds no file fairer reads" in err and len(err.strip().splitlines()) == 1
