"""Malformed input to the commands that read files directly: `fairer voices import`,
`fairer stats`, and a damaged `place.toml` or `voices.toml`. Each must say one line naming the
file, exit 2, print no traceback, change no store and leave no output behind."""

from __future__ import annotations

import hashlib
import io
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

SURVEY = (
    "Respondent ID,Age,What would make this place fairer?\n"
    "1,34,Buses that run after six\n"
    "2,51,Cheaper rents and repairs done on time\n"
    "3,19,A youth club that stays open\n"
)


def _junk(seed: str, n: int = 2000) -> bytes:
    return bytes(random.Random(seed).randrange(256) for _ in range(n))


def _docx_cut() -> bytes:
    """A .docx-shaped zip cut part-way through."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document>" + "<w:p>text</w:p>" * 200 + "</w:document>")
    return buf.getvalue()[:300]


#: A damaged file to import, by name: what a careless save, a cut-short copy or a hostile
#: edit leaves.
DAMAGED_IMPORTS = {
    "empty.csv": b"",
    "header_only.csv": SURVEY.splitlines(keepends=True)[0].encode(),
    "junk.csv": _junk("csv"),
    "cut_mid_row.csv": SURVEY[: SURVEY.rindex(",")].encode(),
    "junk.xlsx": _junk("xlsx"),
    "cut.xlsx": b"PK\x03\x04" + _junk("cut-xlsx", 500),
    "junk.docx": _junk("docx"),
    "cut.docx": _docx_cut(),
    "empty.md": b"",
    "binary.md": b"\x00\x01\x02" * 400,
    "survey.exe": b"MZ" + _junk("exe", 100),
    # Two headers alike once their spaces are trimmed (found by hypothesis as "1,1 ").
    "same_header_twice.csv": b"Respondent ID,What would help? ,What would help?\n1,Buses,Rents\n",
}


def _digest(folder: Path) -> str:
    """Every file under ``folder`` and its bytes."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def _one_line_exit_2(code: int, out: str, err: str, name: str) -> None:
    assert code == 2, f"{name}: accepted (exit {code}): {out[-300:]} {err[-300:]}"
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert name in err, err


@pytest.fixture
def consultation(cli, tmp_path):
    good = tmp_path / "good_survey.csv"
    good.write_text(SURVEY, encoding="utf-8")
    folder = tmp_path / "consultation"
    code, _, err = cli("voices", "import", folder, good)
    assert code == 0, err
    return folder


@pytest.mark.parametrize("name", sorted(DAMAGED_IMPORTS))
def test_a_damaged_file_is_refused_by_a_first_import_which_leaves_nothing(cli, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(DAMAGED_IMPORTS[name])
    folder = tmp_path / "new_consultation"
    _one_line_exit_2(*cli("voices", "import", folder, path), name)
    assert not folder.exists() or not any(folder.iterdir())


@pytest.mark.parametrize("name", sorted(DAMAGED_IMPORTS))
def test_a_damaged_file_beside_a_good_one_changes_nothing(cli, consultation, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(DAMAGED_IMPORTS[name])
    good = tmp_path / "second_survey.csv"
    good.write_text(SURVEY.replace("Buses", "Trains"), encoding="utf-8")
    before = _digest(consultation)
    _one_line_exit_2(*cli("voices", "import", consultation, good, path), name)
    assert _digest(consultation) == before


STATS_INPUT = "area,screened,eligible\nA,40,100\nB,55,120\nC,12,30\n"
DAMAGED_STATS = {
    "empty": "",
    "header only": "area,screened,eligible\n",
    "cut mid-row": STATS_INPUT[: STATS_INPUT.rindex(",")],
    "not a number": STATS_INPUT.replace("55", "lots"),
    "infinite": STATS_INPUT.replace("55", "inf"),
    "overflow": STATS_INPUT.replace("55", "1e309"),
    "negative count": STATS_INPUT.replace("55", "-5"),
    "more events than people": STATS_INPUT.replace("55", "500"),
    "missing column": STATS_INPUT.replace("eligible", "population"),
}


@pytest.mark.parametrize("case", sorted(DAMAGED_STATS))
def test_stats_refuses_damaged_input_and_writes_nothing(cli, tmp_path, case):
    table = tmp_path / "screening.csv"
    table.write_text(DAMAGED_STATS[case], encoding="utf-8")
    out = tmp_path / "rates.csv"
    result = cli("stats", "proportion", table, "-o", out, "--x", "screened", "--n", "eligible")
    _one_line_exit_2(*result, "screening.csv")
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["screening.csv"]


@pytest.mark.parametrize("damage", ["empty", "cut", "junk", "wrong type"])
def test_a_damaged_settings_file_is_one_line(cli, demo_run, tmp_path, damage):
    from tests.conftest import copy_demo

    place = copy_demo(demo_run, tmp_path / "demo")
    for settings_file, command in (
        (place / "place.toml", ("status", place)),
        (place / "voices" / "voices.toml", ("voices", "report", place)),
    ):
        text = settings_file.read_text(encoding="utf-8")
        settings_file.write_text(
            {
                "empty": "",
                "cut": text[: len(text) // 3].rsplit("=", 1)[0] + '= "unterminated',
                "junk": _junk(damage).decode("latin-1"),
                "wrong type": text.replace(
                    "disclosure_threshold = 5", 'disclosure_threshold = "five"'
                ),
            }[damage],
            encoding="latin-1" if damage == "junk" else "utf-8",
        )
        before = _digest(place / "output") if (place / "output").exists() else ""
        code, out, err = cli(*command)
        if damage == "wrong type" and "disclosure_threshold" not in text:
            settings_file.write_text(text, encoding="utf-8")
            continue
        _one_line_exit_2(code, out, err, settings_file.name)
        assert (_digest(place / "output") if (place / "output").exists() else "") == before
        settings_file.write_text(text, encoding="utf-8")


@given(st.binary(min_size=0, max_size=600))
@example(b"\r\x01")  # a bare carriage return: once an unexpected csv.Error
@example(b"1,1 ")  # two headers alike once trimmed: once an unexpected AttributeError
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_bytes_as_a_survey_give_a_clean_answer(cli, tmp_path, data):
    """Whatever the bytes, the import ends cleanly: stored (exit 0) or one line and exit 2."""
    path = tmp_path / "anything.csv"
    path.write_bytes(data)
    folder = tmp_path / f"c{hashlib.sha1(data).hexdigest()[:10]}"
    code, out, err = cli("voices", "import", folder, path)
    assert code in (0, 2) and "Traceback" not in err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and "anything.csv" in err


@given(st.text(alphabet=',\n\r"abcdé1 \t;', max_size=200))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_csv_like_text_as_a_survey_gives_a_clean_answer(cli, tmp_path, text):
    """Text made of a CSV's own characters (commas, quotes, line ends, tabs): stored, or one
    line and exit 2, never an unexpected error."""
    path = tmp_path / "anything.csv"
    path.write_text(text, encoding="utf-8")
    folder = tmp_path / f"c{hashlib.sha1(text.encode()).hexdigest()[:10]}"
    code, out, err = cli("voices", "import", folder, path)
    assert code in (0, 2) and "Traceback" not in err, err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and "anything.csv" in err
