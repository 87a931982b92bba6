"""Outputs: disclosure control, who was heard, the report and workbook, and no originals anywhere."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairer.disclosure import suppress_table
from fairer.voices.embed import available

PII = [
    "Jane Hartley",
    "07700 900123",
    "j.bloggs@example.com",
    "14 Marsh Lane",
    "FH2 3DT",
    "Priya Sharma",
    "Sam Okafor",
]


@given(
    st.lists(st.lists(st.integers(0, 30), min_size=2, max_size=5), min_size=2, max_size=6),
    st.integers(2, 10),
)
@settings(max_examples=100, deadline=None)
def test_suppression_leaves_nothing_recoverable_by_subtraction(rows, threshold):
    width = min(len(r) for r in rows)
    t = pd.DataFrame([r[:width] for r in rows])
    out = suppress_table(t, threshold)
    hidden = out.isna().to_numpy()
    values = t.to_numpy()
    assert (hidden >= ((values > 0) & (values < threshold))).all()  # every small count hidden
    assert not (hidden & (values == 0)).any()  # zeros are never hidden
    for line_hidden, line_values in [
        *zip(hidden, values, strict=True),
        *zip(hidden.T, values.T, strict=True),
    ]:
        if line_hidden.sum() == 1:  # a lone hidden cell only where no non-zero cell could hide it
            assert not ((~line_hidden) & (line_values > 0)).any()
    shown = ~hidden
    assert (out.to_numpy()[shown] == values[shown]).all()


def test_suppression_example():
    t = pd.DataFrame({"a": [3, 10, 20], "b": [12, 8, 0], "c": [30, 40, 9]})
    out = suppress_table(t, 5)
    assert out.isna().to_numpy().tolist() == [
        [True, True, False],
        [True, True, False],
        [False, False, False],
    ]


def _consultation(tmp_path: Path) -> Path:
    """A small consultation with planted personal data, imported, coded and themed."""
    from fairer.voices.importing import import_files
    from fairer.voices.run import code_consultation, theme_consultation

    rng = np.random.default_rng(1)
    phrases = [
        "buses stop running at six",
        "rents are too high",
        "no GP appointments",
        "wages are too low",
        "the youth club closed",
        "damp flats and bad landlords",
        "food bank queues",
        "nobody listens to us",
    ]
    rows = []
    for i in range(60):
        rows.append(
            {
                "Respondent ID": i + 1,
                "Age": int(rng.integers(16, 90)),
                "Sex": rng.choice(["Female", "Male"]),
                "What would make this place fairer?": f"{rng.choice(phrases).capitalize()} and {rng.choice(phrases)}",
            }
        )
    df = pd.DataFrame(rows)
    df.loc[0, "What would make this place fairer?"] = (
        "My name is Jane Hartley, call 07700 900123: buses stop running at six"
    )
    df.loc[1, "What would make this place fairer?"] = (
        "Email j.bloggs@example.com - I live at 14 Marsh Lane, FH2 3DT and rents are too high"
    )
    survey = tmp_path / "survey.csv"
    df.to_csv(survey, index=False)
    notes = tmp_path / "cafe.md"
    notes.write_text(
        "Attendees: Priya Sharma, Sam Okafor\n\n## What would help?\n- Sam Okafor wants later buses\n- More GP appointments\n",
        encoding="utf-8",
    )
    folder = tmp_path / "c"
    import_files(folder, [survey, notes])
    code_consultation(folder, codebook="fairer-six-gaps", representation="lsa", review_size=20)
    theme_consultation(folder, representation="lsa", k=4)
    return folder


def _strings_in(path: Path) -> str:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist())
    return path.read_bytes().decode("utf-8", "ignore")


def test_no_report_export_or_store_contains_an_original(tmp_path):
    from fairer.pipeline import voices_report

    folder = _consultation(tmp_path)
    out = voices_report(folder)
    files = [
        out.html,
        out.workbook,
        *folder.glob("output/*"),
        *folder.glob("review/*"),
        folder / "voices.duckdb",
    ]
    assert len(files) >= 6
    for f in files:
        text = _strings_in(f)
        for original in PII:
            assert original not in text, f"{original!r} found in {f.name}"
    html = out.html.read_text(encoding="utf-8")
    assert "Key theme 1 – " in html and "Who was heard" in html and "[NAME]" in html


def test_theme_table_suppresses_small_counts(tmp_path):
    from fairer.publish import protect
    from fairer.voices import summary
    from fairer.voices.workspace import open_consultation

    cons = open_consultation(_consultation(tmp_path))
    raw = summary.consultation_summary(cons)
    published = protect(raw, cons.disclosure_threshold)
    t = published.coded
    # 60 respondents; the workshop write-up is a table, counted apart, never as a person.
    assert t.attrs["base"] == 60 and t.attrs["groups"] == 1
    assert t.attrs["statements"] == raw.statement_total
    assert t["groups"].dropna().between(0, 1).all()
    small = t[t["respondents"].isna()]
    assert len(small) == (raw.coded["respondents"].between(1, 4)).sum()
    assert small["percent_of_respondents"].isna().all()
    assert (t["respondents"].dropna() >= 5).all()
    by_sex = summary.by_group_wide(published.by_group["sex"])
    assert list(by_sex.columns)[0].startswith(("Female (n=", "Male (n="))


def test_who_was_heard_against_a_population_profile(tmp_path):
    from fairer.voices import summary
    from fairer.voices.workspace import open_consultation

    folder = _consultation(tmp_path)
    pd.DataFrame(
        {"attribute": ["sex", "sex"], "group": ["female", "male"], "population": [600, 400]}
    ).to_csv(folder / "population_profile.csv", index=False)
    cons = open_consultation(folder)
    heard = summary.who_was_heard(cons)
    sex = heard[heard["attribute"] == "Sex"].set_index("group")
    r = summary.respondents(cons)
    female = (r["sex"].str.lower() == "female").sum()
    known = r["sex"].notna().sum()
    assert sex.at["female", "respondents"] == female
    assert np.isclose(sex.at["female", "representation_ratio"], (female / known) / 0.6)
    assert (
        sex.at["female", "ratio_lower95"]
        < sex.at["female", "representation_ratio"]
        < sex.at["female", "ratio_upper95"]
    )
    from fairer.publish import protect

    published = protect(summary.consultation_summary(cons), cons.disclosure_threshold).heard
    ages = published[published["attribute"] == "Age"]
    assert ages["respondents"].dropna().min() >= 5  # groups under the threshold show no count
    raw_ages = heard[heard["attribute"] == "Age"]
    assert ages["respondents"].isna().sum() >= raw_ages["respondents"].between(1, 4).sum()


def test_cli_code_themes_report(cli, tmp_path):
    folder = _consultation(tmp_path)
    code, out, err = cli("voices", "code", folder, "--representation", "lsa", "--quiet")
    assert code == 0 and "coded 42 distinct statements" in out and "review:" in out
    code, out, err = cli(
        "voices",
        "themes",
        folder,
        "--representation",
        "lsa",
        "--k",
        "4",
        "--rename",
        "T01=First theme",
        "--quiet",
    )
    assert code == 0 and "First theme" in out and "recorded: rename T01" in out
    code, out, err = cli(
        "voices", "themes", folder, "--representation", "lsa", "--k", "4", "--quiet"
    )
    assert "First theme" in out  # the edit is kept across re-runs
    code, out, err = cli("voices", "report", folder)
    assert code == 0 and "voices_report.html" in out
    code, out, err = cli("voices", "code", folder, "--codebook", "nope")
    assert code == 2 and "no codebook file or template 'nope'" in err
    code, out, err = cli("voices", "report", tmp_path / "empty")
    assert code == 2 and "no consultation here" in err


def test_cli_edge_cases_fail_cleanly(cli, tmp_path):
    allna = tmp_path / "allna.csv"
    allna.write_text("id,Why?\n1,n/a\n2,-\n3,none\n", encoding="utf-8")
    code, out, err = cli("voices", "import", tmp_path / "c", allna)
    assert code == 2 and "no free-text column found" in err
    assert not (tmp_path / "c").exists()  # a failed first import leaves nothing behind
    code, out, err = cli("voices", "import", tmp_path / "c", allna, "--text-column", "Why?")
    assert code == 0 and "no answer 3" in out
    for step in ("code", "themes"):
        code, out, err = cli("voices", step, tmp_path / "c", "--quiet")
        assert (
            code == 2 and "no answers to analyse yet" in err and len(err.strip().splitlines()) == 1
        )
    book = tmp_path / "dup.toml"
    book.write_text('[[themes]]\nname = "Buses"\n[[themes]]\nname = "buses"\n', encoding="utf-8")
    code, out, err = cli("voices", "codebook", book)
    assert code == 2 and "duplicate theme 'buses' (themes 1 and 2)" in err


def test_the_consultations_own_model(cli, tmp_path):
    """``model`` in voices.toml: ``auto`` codes and finds themes with it; a bad one is one line."""
    from tests.conftest import council_model

    folder = _consultation(tmp_path)
    toml_file = folder / "voices.toml"
    plain = toml_file.read_text(encoding="utf-8")
    toml_file.write_text(plain + 'model = "models/missing"\n', encoding="utf-8")
    code, out, err = cli("voices", "code", folder, "--quiet")
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "voices.toml" in err and "models/missing': no model folder here" in err
    code, out, err = cli("voices", "code", folder, "--representation", "lsa", "--quiet")
    assert code == 0  # the model is only what `auto` means: a representation asked for wins
    if "minilm" not in available():
        pytest.skip("the models extra is not installed (make models): the model is not run")
    model = council_model(tmp_path)
    toml_file.write_text(plain + f"model = {json.dumps(str(model))}\n", encoding="utf-8")
    for command in ("code", "themes"):
        code, out, err = cli("voices", command, folder, "--quiet")
        assert code == 0, err
        if command == "code":
            assert f"text representation: {model.resolve()}" in out
    cached = list((folder / ".cache").glob("embeddings-model-council-model-*.npz"))
    assert len(cached) == 1
    with np.load(cached[0]) as z:
        assert z["vectors"].shape[1] == 384  # the model's own width: its embeddings were used
