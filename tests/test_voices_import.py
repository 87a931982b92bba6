"""Importing surveys and workshop notes: recognition, provenance, clean-up, redaction, bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fairer.errors import FairerError
from fairer.store import open_store
from fairer.voices.importing import age_band, import_files, load_statements
from fairer.voices.notes import read_notes
from fairer.voices.survey import read_survey
from fairer.voices.workspace import open_consultation

SURVEY = """Respondent ID,What causes inequality?,What would you suggest?,Age,Gender,Ethnic group,Your name,Email address,Do you live here?
1,"Low pay and poor housing, my name is Jane Smith","Cheaper buses after 6pm",34,Female,White British,Jane Smith,jane@example.com,Yes
2,n/a,"Call me on 07700 900123 about the youth club",67,Male,Asian,Bob Jones,bob@example.org,Yes
3,Low pay and poor housing,"Cheaper buses after 6pm.",22,Female,White British,,,No
4,"Some estates get nothing spent on them","Email me at x.y@example.net",45,Male,Black,,,Yes
"""


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding=encoding)
    return p


def _all_text(folder: Path) -> str:
    cons = open_consultation(folder)
    store = open_store(cons.store_path, read_only=True)
    try:
        parts = [
            store.query(f"SELECT * FROM {t}").to_csv()
            for t in ("statements", "respondents", "redactions", "sources")
        ]
    finally:
        store.close()
    return "\n".join(parts)


def test_wide_survey_columns_are_recognised(tmp_path):
    t = read_survey(_write(tmp_path, "s.csv", SURVEY))
    assert t.text_columns == ["What causes inequality?", "What would you suggest?"]
    ignored = " ".join(t.ignored_columns)
    assert "Your name (personal data" in ignored and "Email address (personal data" in ignored
    assert "Do you live here? (closed question" in ignored
    assert set(t.respondents.columns) >= {"respondent_id", "age", "sex", "ethnicity"}
    assert len(t.answers) == 8
    assert t.answers["row"].tolist()[:4] == [2, 3, 4, 5]


def test_import_redacts_before_storing_and_marks_blanks_and_duplicates(tmp_path):
    path = _write(tmp_path, "survey.csv", SURVEY)
    report = import_files(tmp_path / "c", [path])
    assert report.counts == {"answers": 6, "no_answer": 1, "duplicates": 1, "repeat_rows": 0}
    assert report.redactions == {"NAME": 1, "PHONE": 1, "EMAIL": 1}
    stored = _all_text(tmp_path / "c")
    for original in (
        "Jane Smith",
        "07700 900123",
        "x.y@example.net",
        "jane@example.com",
        "Bob Jones",
    ):
        assert original not in stored
    s = load_statements(open_consultation(tmp_path / "c"), include_all=True)
    dup = s[s["status"] == "duplicate"].iloc[0]
    first = s[s["statement_id"] == dup["duplicate_of"]].iloc[0]
    assert first["text"] == "Cheaper buses after 6pm" and dup["text"] == "Cheaper buses after 6pm."
    assert set(s["file"]) == {"survey.csv"} and s["row"].notna().all()


def test_reimport_is_idempotent_and_a_changed_file_replaces_its_rows(tmp_path):
    path = _write(tmp_path, "survey.csv", SURVEY)
    import_files(tmp_path / "c", [path])
    assert import_files(tmp_path / "c", [path]).unchanged == ["survey.csv"]
    path.write_text(
        SURVEY + '5,"Rents are too high",Build homes,30,Female,Mixed,,,Yes\n', encoding="utf-8"
    )
    import_files(tmp_path / "c", [path])
    s = load_statements(open_consultation(tmp_path / "c"), include_all=True)
    assert len(s) == 10 and s["statement_id"].is_unique


def test_long_form_survey(tmp_path):
    text = "response_id,question,response,age\n1,Q1?,Buses are too expensive,30\n1,Q2?,More jobs,30\n2,Q1?,-,50\n"
    import_files(tmp_path / "c", [_write(tmp_path, "long.csv", text)])
    s = load_statements(open_consultation(tmp_path / "c"), include_all=True)
    assert sorted(s["question"]) == ["Q1?", "Q1?", "Q2?"]
    assert (s["status"] == "no answer").sum() == 1


def test_mixed_encodings_are_read_line_by_line(tmp_path):
    raw = (
        b"id,What would help?\n"
        + "1,Food costs \u00a35 more a week – it's hard\n".encode("utf-8")
        + "2,Caf\u00e9 closed and rents went up by \u00a3100\n".encode("cp1252")
    )
    p = tmp_path / "mixed.csv"
    p.write_bytes(raw)
    report = import_files(tmp_path / "c", [p])
    assert any("Windows-1252" in n for n in report.notes)
    texts = set(load_statements(open_consultation(tmp_path / "c"))["text"])
    assert "Café closed and rents went up by £100" in texts
    assert "Food costs £5 more a week – it's hard" in texts


CAFE = """# Strategy café
Attendees: Priya Sharma, Tom Whitfield, Cllr Ahmed

Notes written up by the community team; each table discussed two questions.

## Question 1: What makes life harder here?
### Table 1
- Buses stop at six
- Priya said the damp is awful
### Table 2
* No jobs for school leavers

## Round 2
| Question | Table 1 | Table 2 |
|---|---|---|
| What should change first? | - Cheaper buses<br>- Warm spaces | Apprenticeships |
"""


def test_markdown_notes_keep_question_group_round_and_redact_attendees(tmp_path):
    import_files(tmp_path / "c", [_write(tmp_path, "cafe.md", CAFE)])
    s = load_statements(open_consultation(tmp_path / "c"))
    got = {(r.question, r.group_name, r.round, r.text) for r in s.itertuples()}
    assert ("Question 1: What makes life harder here?", "Table 1", "", "Buses stop at six") in got
    assert (
        "Question 1: What makes life harder here?",
        "Table 1",
        "",
        "[NAME] said the damp is awful",
    ) in got
    assert ("What should change first?", "Table 1", "Round 2", "Warm spaces") in got
    assert ("What should change first?", "Table 2", "Round 2", "Apprenticeships") in got
    assert len(s) == 6  # the title and the preamble are not statements
    assert "Strategy café" not in set(s["question"])
    assert "Priya" not in _all_text(tmp_path / "c") and "Whitfield" not in _all_text(tmp_path / "c")


def test_html_and_chat_notes(tmp_path):
    html = (
        "<html><body><h2>What would help?</h2><h3>Group A</h3><ul><li>Family hubs</li>"
        "<li>Ring Jamie Clarke on 01632 960123</li></ul><table><tr><th>Question</th><th>Table 1</th></tr>"
        "<tr><td>Who misses out?</td><td>Young carers<br>New arrivals</td></tr></table></body></html>"
    )
    t = read_notes(_write(tmp_path, "s.html", html))
    assert list(t.answers["text"]) == [
        "Family hubs",
        "Ring Jamie Clarke on 01632 960123",
        "Young carers",
        "New arrivals",
    ]
    assert t.answers["group_name"].tolist() == ["Group A", "Group A", "Table 1", "Table 1"]
    chat = "[10:01] Sam Okafor: the buses are awful\n[10:02] Lee Chan: agree, and rents\n[10:03] Sam Okafor: more jobs please\n"
    import_files(tmp_path / "c", [_write(tmp_path, "chat.txt", chat)])
    s = load_statements(open_consultation(tmp_path / "c"))
    assert sorted(s["respondent_id"].unique()) == ["chat:chat-1", "chat:chat-2"]
    assert "Okafor" not in _all_text(tmp_path / "c")


def test_docx_notes_including_a_20mb_document(tmp_path):
    docx = pytest.importorskip("docx")
    import numpy as np
    from PIL import Image

    doc = docx.Document()
    doc.add_heading("What makes life harder?", level=2)
    doc.add_paragraph("Table 3", style="Heading 3")
    doc.add_paragraph("Buses stop at six", style="List Bullet")
    doc.add_paragraph("Contact Dr Helen Moss on helen@example.org", style="List Bullet")
    noise = (np.random.default_rng(0).random((2600, 2600, 3)) * 255).astype("uint8")
    img = tmp_path / "photo.png"
    Image.fromarray(noise).save(img)
    doc.add_picture(str(img))
    path = tmp_path / "notes.docx"
    doc.save(path)
    assert path.stat().st_size > 19_000_000
    import_files(tmp_path / "c", [path])
    s = load_statements(open_consultation(tmp_path / "c"))
    assert s["text"].tolist() == ["Buses stop at six", "Contact [NAME] on [EMAIL]"]
    assert set(s["group_name"]) == {"Table 3"} and set(s["question"]) == {"What makes life harder?"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", "", "file is empty"),
        (
            "closed.csv",
            "id,Do you agree?,Age\n1,Yes,30\n2,No,40\n3,Yes,50\n4,No,20\n5,Yes,33\n6,No,44\n7,Yes,55\n8,No,66\n9,Yes,31\n",
            "no free-text column found",
        ),
        ("bad.csv", 'id,Why?\n1,"fine"\n2,"a","b","c"\n', "malformed CSV"),
        ("notes.pdf", "%PDF-1.4", "not a readable PDF"),
        ("notes.pages", "PK", "unknown file type '.pages'"),
        ("notes.odt", "PK\x03\x04 not really a zip", "not a readable OpenDocument text file"),
        ("survey.ods", "not a spreadsheet", "cannot read workbook"),
        ("call.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\n", "no captions found"),
        ("blank.md", "\n\n   \n", "no statements found"),
    ],
)
def test_bad_input_is_one_clear_error_and_nothing_is_stored(tmp_path, name, content, message):
    first = _write(tmp_path, "first.csv", "id,What would help?\n1,Later buses at night\n")
    import_files(tmp_path / "c", [first])
    good = _write(tmp_path, "good.csv", SURVEY)
    bad = _write(tmp_path, name, content)
    with pytest.raises(FairerError, match=message) as err:
        import_files(tmp_path / "c", [good, bad])
    assert name in str(err.value)
    s = load_statements(open_consultation(tmp_path / "c"), include_all=True)
    assert set(s["file"]) == {"first.csv"}  # the good file was not half-stored either
    with pytest.raises(FairerError, match=message):
        import_files(tmp_path / "new", [bad])
    assert not (tmp_path / "new").exists()  # nor was a half-made consultation left behind


def test_age_bands():
    assert [age_band(v) for v in (15, "16", 24, 25, 64.0, 75, "45-54", None, "")] == [
        "Under 16",
        "16-24",
        "16-24",
        "25-34",
        "55-64",
        "75+",
        "45-54",
        None,
        None,
    ]


def test_cli_import_and_error(cli, tmp_path):
    code, out, err = cli("voices", "import", tmp_path / "c", _write(tmp_path, "s.csv", SURVEY))
    assert code == 0 and "imported s.csv: 8 statements" in out and "redacted:" in out
    code, out, err = cli("voices", "import", tmp_path / "c", tmp_path / "missing.csv")
    assert (
        code == 2
        and err.startswith("error: ")
        and "file not found" in err
        and "Traceback" not in err
    )
    assert len(err.strip().splitlines()) == 1


def test_statements_frame_has_provenance(tmp_path):
    import_files(tmp_path / "c", [_write(tmp_path, "cafe.md", CAFE)])
    s = load_statements(open_consultation(tmp_path / "c"))
    assert isinstance(s, pd.DataFrame)
    assert {"file", "sheet", "row", "kind"} <= set(s.columns)
    assert (s["kind"] == "notes").all() and s["row"].notna().all()


def test_nearpod_style_export_groups_by_name_and_redacts_it(tmp_path):
    text = (
        "Student Name,Question,Response\n"
        "Aisha Khan,What would help?,More youth clubs - Aisha Khan would run one\n"
        "Aisha Khan,Who misses out?,Young carers\n"
        "Tom Reid,What would help?,Later buses\n"
    )
    import_files(tmp_path / "c", [_write(tmp_path, "nearpod.csv", text)])
    s = load_statements(open_consultation(tmp_path / "c"))
    assert sorted(s["respondent_id"].unique()) == ["nearpod:p1", "nearpod:p2"]
    assert "More youth clubs - [NAME] would run one" in set(s["text"])
    stored = _all_text(tmp_path / "c")
    assert "Aisha" not in stored and "Reid" not in stored


def test_control_characters_are_removed(tmp_path):
    p = tmp_path / "ctl.csv"
    p.write_text('id,Why?\n1,"Buses\x0b are late\x07 and rare"\n', encoding="utf-8")
    import_files(tmp_path / "c", [p])
    assert load_statements(open_consultation(tmp_path / "c"))["text"].tolist() == [
        "Buses  are late  and rare"
    ]


def test_an_attendee_list_is_never_statements(tmp_path):
    """A write-up that ends with its attendee list (a heading, "Full Name", one name per line,
    councillors among them): none of the names becomes a statement, and each is redacted where
    the notes mention it."""
    names = [
        "Cllr Jim Beall",
        "Wojciech Kowalski",
        "Aisha Begum",
        "Kwame Mensah (Age UK)",
        "Priya Shah",
    ]
    notes = tmp_path / "cafe.md"
    notes.write_text(
        "# Strategy café, 12 March (synthetic)\n\n"
        "## What would make the biggest difference?\n\n"
        "- Buses after 7pm, said Wojciech Kowalski\n"
        "- A warm space in the library\n\n"
        "Attendee list (retrieved from Teams chat/internet so may not be 100% accurate)\n\n"
        "Full Name\n\n" + "\n\n".join(names) + "\n",
        encoding="utf-8",
    )
    import_files(tmp_path / "c", [notes])
    s = load_statements(open_consultation(tmp_path / "c"), include_all=True)
    texts = " ".join(s["text"])
    assert len(s) == 2, s["text"].tolist()
    for name in ("Beall", "Kowalski", "Begum", "Mensah", "Priya", "Full Name", "Attendee"):
        assert name not in texts, (name, texts)
    assert "Buses after 7pm" in texts and "[NAME]" in texts


def test_words_like_present_in_an_answer_are_kept(tmp_path):
    notes = tmp_path / "n.md"
    notes.write_text(
        "## What matters most?\n\nPresent day services are poor\n\nParticipants said buses\n",
        encoding="utf-8",
    )
    import_files(tmp_path / "c", [notes])
    texts = load_statements(open_consultation(tmp_path / "c"))["text"].tolist()
    assert texts == ["Present day services are poor", "Participants said buses"]


def test_a_list_of_names_without_a_heading_is_never_statements(tmp_path):
    """Names pasted one per line under a question (a chat roster, a sign-in sheet), with no
    attendee heading: they are neither statements nor left in the text anywhere."""
    notes = tmp_path / "session.md"
    notes.write_text(
        "## What would make the biggest difference?\n\n"
        "- Later buses from the estate\n\n"
        "Siobhan O'Neill\n\nJamal Rahman\n\nOlena Shevchenko\n\nMarek Nowak\n\n"
        "- Repairs done on time\n",
        encoding="utf-8",
    )
    import_files(tmp_path / "c", [notes])
    texts = load_statements(open_consultation(tmp_path / "c"), include_all=True)["text"].tolist()
    assert texts == ["Later buses from the estate", "Repairs done on time"]


def test_short_answers_that_are_not_names_stay_statements(tmp_path):
    notes = tmp_path / "wall.md"
    notes.write_text(
        "## Two words for Fairhaven\n\n- Later Buses\n- Cheaper Housing\n- Safer Streets\n"
        "- Better Jobs\n",
        encoding="utf-8",
    )
    import_files(tmp_path / "c", [notes])
    texts = load_statements(open_consultation(tmp_path / "c"))["text"].tolist()
    assert texts == ["Later Buses", "Cheaper Housing", "Safer Streets", "Better Jobs"]
