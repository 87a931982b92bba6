"""Personal data of every kind, planted in a place's consultation, is found in no output.

Every file the place writes is searched: HTML, CSV, XLSX (unzipped), Parquet, the PDF's text and
every text column of every table in the DuckDB store (and the store file's raw bytes).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import copy_demo

#: What a resident or a note-taker might write, of every kind redaction must remove.
PLANTED = {
    "name without a title": "Wojciech Kowalski",
    "name in lower case": "aisha begum",
    "South Asian name": "Jamal Rahman",
    "West African name": "Kwame Mensah",
    "lone surname": "Okafor",
    "lone first name": "Priya",
    "hyphenated surname": "Smith-Worthington",
    "Irish name": "Siobhan O'Neill",
    "address in lower case": "12 acacia avenue",
    "NHS number, spaced": "943 476 5919",
    "NHS number": "9434765919",
    "NI number, spaced": "QQ 12 34 56 C",
    "NI number": "QQ123456C",
    "date of birth": "14/03/1962",
    "vehicle registration": "AB12 CDE",
    "e-mail": "k.mensah@example.org",
    "phone": "07700 900456",
    "postcode": "TS18 3HQ",
    "attendee": "Cllr Derek Thwaites",
    "attendee, no title": "Marguerite Oyelaran",
}

SURVEY_ANSWERS = [
    "Wojciech Kowalski said the buses stop running at six and nobody listens",
    "ask aisha begum about the damp flats, she has had mould for years",
    "Jamal Rahman and Kwame Mensah run the youth club that is closing",
    "The housing officer, Okafor, never called back about the repairs",
    "Priya at the pharmacy said there are no GP appointments for weeks",
    "The Smith-Worthington family at 12 acacia avenue cannot afford the rent",
    "My NHS number is 943 476 5919 and still no appointment",
    "They lost my form twice, NHS no 9434765919, so the wait began again",
    "NI number QQ 12 34 56 C was on the letter about my benefits",
    "QQ123456C is my national insurance and the job centre lost it",
    "I was born on 14/03/1962 so I should get the bus pass but it costs too much",
    "A van AB12 CDE dumps rubbish by the park every week",
    "Email me at k.mensah@example.org or call 07700 900456 about food bank queues",
    "We live near TS18 3HQ and the last bus goes at six",
    "Siobhan O'Neill from the residents group says wages are too low",
]

NOTES = """# Community cafe, Fairhaven, 3 March 2026

## What would make this place fairer?
- Later buses so people can get to work
- Wojciech Kowalski wants the youth club kept open
- Rents are too high for young families

## Attendee list (retrieved from Teams chat so may not be 100% accurate)
Full Name
Cllr Derek Thwaites
Marguerite Oyelaran
Priya
"""


def _texts_in(path: Path) -> str:
    """Everything readable in an output file."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist())
    if path.suffix == ".pdf":
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    if path.suffix == ".parquet":
        return pd.read_parquet(path).astype(str).to_csv()
    if path.suffix == ".duckdb":
        return _store_texts(path) + path.read_bytes().decode("utf-8", "ignore")
    return path.read_bytes().decode("utf-8", "ignore")


def _store_texts(path: Path) -> str:
    """Every text value of every table (string columns may be compressed in the file)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = []
        for (table,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall():
            cols = [
                c
                for c, t in con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns"
                    " WHERE table_name = ?",
                    [table],
                ).fetchall()
                if t == "VARCHAR"
            ]
            for c in cols:
                out += [str(v) for (v,) in con.execute(f'SELECT "{c}" FROM "{table}"').fetchall()]
        return "\n".join(out)
    finally:
        con.close()


def _found(original: str, text: str) -> bool:
    """Case-insensitive, and with spacing squeezed: "aisha  Begum" is still a find."""
    squeeze = re.compile(r"\s+")
    return squeeze.sub(" ", original.lower()) in squeeze.sub(" ", text.lower())


@pytest.fixture(scope="module")
def planted_place(demo_run, tmp_path_factory):
    from fairer.pipeline import profile_place, progress_report, voices_report
    from fairer.voices.importing import import_files
    from fairer.voices.run import code_consultation, theme_consultation

    base = tmp_path_factory.mktemp("planted")
    place = copy_demo(demo_run, base / "demo")
    survey = base / "planted_survey.csv"
    pd.DataFrame(
        {
            "Respondent ID": range(9001, 9001 + len(SURVEY_ANSWERS)),
            "Age": [34] * len(SURVEY_ANSWERS),
            "What would make Fairhaven fairer?": SURVEY_ANSWERS,
        }
    ).to_csv(survey, index=False)
    notes = base / "planted_cafe.md"
    notes.write_text(NOTES, encoding="utf-8")
    import_files(place, [survey, notes])
    code_consultation(place, representation="lsa", review_size=50)
    theme_consultation(place, representation="lsa", k=5)
    profile_place(place)
    voices_report(place)
    if shutil.which("pdftotext"):
        progress_report(place, "2026-H1", pdf=True)
    return place


def test_the_planted_consultation_was_imported(planted_place):
    con = duckdb.connect(str(planted_place / "fairer.duckdb"), read_only=True)
    try:
        texts = [t for (t,) in con.execute("SELECT text FROM statements").fetchall()]
    finally:
        con.close()
    planted = [t for t in texts if "bus pass" in t or "[NHS NUMBER]" in t or "[NAME]" in t]
    assert len(planted) >= 5  # the planted answers are there, redacted


def test_no_planted_detail_is_in_any_output(planted_place):
    outputs = [
        p
        for p in planted_place.rglob("*")
        if p.is_file() and p.suffix in {".html", ".csv", ".xlsx", ".parquet", ".pdf", ".duckdb"}
    ]
    # The search sees what is stored: the planted answers' ordinary words are found.
    assert _found(
        "should get the bus pass but it costs too much", _texts_in(planted_place / "fairer.duckdb")
    )
    kinds = {p.suffix for p in outputs}
    assert {".html", ".csv", ".xlsx", ".duckdb"} <= kinds
    if shutil.which("pdftotext"):
        assert ".pdf" in kinds
    leaks = [
        f"{what} ({original!r}) in {p.relative_to(planted_place)}"
        for p in outputs
        for text in [_texts_in(p)]
        for what, original in PLANTED.items()
        if _found(original, text)
    ]
    assert not leaks, leaks
