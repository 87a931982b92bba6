"""Exports from the engagement platforms councils use, each in its platform's layout (synthetic
text in tests/data/platforms): the header is found, the platform named, respondents identified,
personal data and metadata left out, non-responses dropped, and the answers stored redacted."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairer.errors import FairerError
from fairer.store import open_store
from fairer.voices.importing import import_files, load_statements
from fairer.voices.platforms import PLATFORM_KEYS
from fairer.voices.survey import read_survey
from fairer.voices.workspace import open_consultation

HERE = Path(__file__).parent / "data" / "platforms"

# file, platform, the free-text questions, respondents, spreadsheet rows, columns never imported
CASES = [
    (
        "qualtrics.csv",
        "Qualtrics",
        [
            "What would make the biggest difference to your health where you live?",
            "What gets in the way of being active?",
            "Which of these matter most? - Other (please specify) - Text",
        ],
        {"R_3kWqT9xZbQ1", "R_2mHdE4aLpX7", "R_9vBnC2sKdY4", "R_5tRfG8hJkL2"},
        [5, 6, 7, 8],
        ["IPAddress", "LocationLatitude", "RecipientEmail", "Status"],
    ),
    (
        "smartsurvey.csv",
        "SmartSurvey",
        [
            "1. What do you value most about your neighbourhood?",
            "2. What one thing would you change?",
            "3. Which services have you used in the last year? - Other (please specify)",
        ],
        {"10231877", "10231902", "10232015", "10232113", "10232230"},
        [3, 4, 5, 6, 7],
        ["IP Address", "Email", "Name"],
    ),
    (
        "msforms.xlsx",
        "Microsoft Forms",
        ["What would help you eat more healthily?", "Anything else you want to tell us?"],
        {"1", "2", "3", "4", "5"},
        [2, 3, 4, 5, 6],
        ["Email", "Name", "Start time"],
    ),
    (
        "citizenspace.csv",
        "Citizen Space",
        [
            "What do you think of the draft Fairer Borough strategy?",
            "Is there anything missing from the strategy?",
        ],
        {f"ANON-7KQ2-V1A{c}-{n}" for c, n in zip("BCDEF", "34567", strict=True)},
        [2, 3, 4, 5, 6],
        [
            "What is your name?",
            "What is your email address?",
            "Tags: What do you think of the draft Fairer Borough strategy?",
            "Analyst notes: Is there anything missing from the strategy?",
        ],
    ),
    (
        "commonplace.csv",
        "Commonplace",
        ["Why do you feel this way?", "What would make it better?"],
        {"r-1001", "r-1002", "r-1003", "r-1004"},
        [2, 3, 4, 5, 6],
        ["Latitude", "Longitude", "Nearest address", "Contribution ID"],
    ),
    (
        "engagementhq.xlsx",
        "EngagementHQ",
        ["What matters most to you about where you live?", "What should we do first?"],
        {"1", "2", "3", "4", "5"},
        [7, 8, 9, 10, 11],
        ["Login Username", "Email Address", "Response Date"],
    ),
    (
        "govocal_inputs.xlsx",
        "Go Vocal",
        ["Idea (title and description)"],
        {"u-11", "u-12", "u-13"},
        [2, 3, 4, 5],
        ["Author name", "Author email", "Location", "URL"],
    ),
    (
        "slido_qa.xlsx",
        "Slido",
        ["Questions from the audience (Slido Q&A)"],
        {"p1", "p2", "row-3", "row-5"},
        [2, 3, 4, 5, 6],
        ["Author", "Likes"],
    ),
    (
        "nearpod.csv",
        "Nearpod / Slido poll",
        ["Response"],
        {"p1", "p2", "row-4"},
        [2, 3, 4, 5, 6],
        ["Nickname", "Submitted"],
    ),
]


@pytest.mark.parametrize(("name", "platform", "questions", "ids", "rows", "left_out"), CASES)
def test_each_platform_layout_is_read(name, platform, questions, ids, rows, left_out):
    t = read_survey(HERE / name)
    assert f"{name}: layout recognised: {platform} export" in t.notes
    assert t.text_columns == questions
    assert set(t.answers["respondent_id"]) == ids
    assert sorted(t.answers["row"].unique()) == rows
    ignored = {c.rsplit(" (", 1)[0] for c in t.ignored_columns}
    assert set(left_out) <= ignored
    # Nothing from a header row or a title block is read as an answer.
    assert not t.answers["text"].str.contains("ImportId|Open-Ended Response|Survey Responses").any()


def test_qualtrics_previews_are_left_out_and_questions_come_from_the_second_row():
    t = read_survey(HERE / "qualtrics.csv")
    assert "R_1aPreviewTest01" not in set(t.answers["respondent_id"])
    assert any("1 preview, test or spam response(s) left out" in n for n in t.notes)
    assert set(t.respondents["age"].dropna()) == {"35-44", "65-74", "16-24", "55-64"}


def test_go_vocal_idea_is_title_and_description_without_html():
    t = read_survey(HERE / "govocal_inputs.xlsx")
    texts = t.answers["text"].tolist()
    assert texts[0] == (
        "Community fridge. Put a community fridge in the library so food doesn't go to waste."
    )
    assert "Open until 9pm on weekdays; Women-only sessions in the evening" in texts[1]
    assert not any("<" in s or "&amp;" in s for s in texts)


def test_platform_exports_are_stored_without_personal_data(tmp_path):
    files = [HERE / c[0] for c in CASES]
    report = import_files(tmp_path / "c", files)
    assert {n for n, _ in report.imported} == {c[0] for c in CASES}
    cons = open_consultation(tmp_path / "c")
    store = open_store(cons.store_path, read_only=True)
    try:
        stored = "\n".join(
            store.query(f"SELECT * FROM {t}").to_csv() for t in ("statements", "respondents")
        )
    finally:
        store.close()
    for personal in (
        "Maria Example",  # a Slido author
        "Aisha",  # a Nearpod nickname
        "sam@example.org",  # a Go Vocal author's e-mail
        "Sam Example",
        "bluebell77",  # an EngagementHQ login
        "192.0.2.14",  # a Qualtrics IP address
        "53.5561",  # a Commonplace pin
        "12 Park Road",
    ):
        assert personal not in stored, personal
    s = load_statements(cons)
    assert "Testing the survey before launch" not in set(s["text"])


def test_a_named_platform_must_match_and_an_unknown_one_is_refused(tmp_path):
    t = read_survey(HERE / "msforms.xlsx", platform="msforms")
    assert t.text_columns[0] == "What would help you eat more healthily?"
    with pytest.raises(FairerError, match="not a Qualtrics export") as e:
        read_survey(HERE / "msforms.xlsx", platform="qualtrics")
    assert "msforms.xlsx" in str(e.value)
    with pytest.raises(FairerError, match="unknown platform 'surveymonkee'"):
        read_survey(HERE / "msforms.xlsx", platform="surveymonkee")
    assert "qualtrics" in PLATFORM_KEYS and len(PLATFORM_KEYS) == 9


def test_cli_names_the_platform(cli, tmp_path):
    code, out, err = cli(
        "voices", "import", tmp_path / "c", HERE / "engagementhq.xlsx", "--platform", "engagementhq"
    )
    assert code == 0, err
    assert "layout recognised: EngagementHQ export" in out
    assert "5 line(s) above the header (a title block) skipped" in out
    code, out, err = cli(
        "voices", "import", tmp_path / "d", HERE / "nearpod.csv", "--platform", "x"
    )
    assert code == 2 and "unknown platform 'x'" in err and "Traceback" not in err
