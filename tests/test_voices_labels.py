"""Every label the analyst gives reaches the coder; thresholds match their codes per answer;
agreement is chance-corrected and shown on the record card."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

THEMES = {
    "Transport": ["the buses stop at six", "no bus to the hospital", "trains are too dear"],
    "Housing": ["damp flats and bad landlords", "rents are too high", "mould in the bedroom"],
    "Work and money": ["wages are too low", "no jobs for young people", "zero hours contracts"],
}

KEYWORDS = {
    "Transport": ["bus", "buses", "trains"],
    "Housing": ["rents", "damp", "mould"],
    "Work and money": ["wages", "jobs", "contracts"],
    "No answer": [],
}


def _survey(tmp_path: Path) -> Path:
    rows = []
    rid = 0
    for phrases in THEMES.values():
        for k in range(14):
            rid += 1
            rows.append({"Respondent ID": rid, "What needs to change?": f"{phrases[k % 3]} {k}"})
    for _ in range(8):  # the same answer from eight people: one statement, eight copies
        rid += 1
        rows.append({"Respondent ID": rid, "What needs to change?": "Rents are too high"})
    for k in range(12):  # non-answers
        rid += 1
        rows.append(
            {"Respondent ID": rid, "What needs to change?": ["n/a", "", "Did not answer"][k % 3]}
        )
    path = tmp_path / "survey.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _label_everything(folder: Path, path: Path) -> pd.DataFrame:
    from fairer.voices.importing import load_statements
    from fairer.voices.workspace import open_consultation

    s = load_statements(open_consultation(folder), include_all=True)

    def truth(text: str) -> str:
        for theme, phrases in THEMES.items():
            if any(text.lower().startswith(p.lower()) for p in phrases):
                return theme
        return "No answer"

    labelled = s.iloc[::2]  # every other statement, whatever its status
    pd.DataFrame(
        {"statement_id": labelled["statement_id"], "analyst themes": labelled["text"].map(truth)}
    ).to_csv(path, index=False)
    return s.assign(truth=s["text"].map(truth), labelled=s.index.isin(labelled.index))


def _codebook(tmp_path: Path) -> Path:
    book = tmp_path / "book.toml"
    book.write_text(
        "\n".join(
            f'[[themes]]\nname = "{t}"\ndescription = "{t.lower()}"\nkeywords = {words}\n'
            for t, words in KEYWORDS.items()
        ),
        encoding="utf-8",
    )
    return book


def test_copies_and_non_answers_reach_the_coder(tmp_path):
    from fairer.store import queries
    from fairer.voices.importing import import_files
    from fairer.voices.run import code_consultation
    from fairer.voices.workspace import open_consultation

    folder = tmp_path / "c"
    report = import_files(folder, [_survey(tmp_path)])
    assert report.counts["duplicates"] == 7 and report.counts["no_answer"] == 12
    statements = _label_everything(folder, tmp_path / "labels.csv")
    run = code_consultation(
        folder,
        codebook=str(_codebook(tmp_path)),
        corrections=tmp_path / "labels.csv",
        representation="lsa",
        review_size=0,
    )
    # Every labelled statement counts: copies and non-answers too.
    assert run.labelled == int(statements["labelled"].sum())
    codes = open_consultation(folder).read(queries.codes_for, statements["statement_id"].tolist())
    given = codes.groupby("statement_id")["theme"].apply(set)
    blanks = statements[statements["status"] == "no answer"]
    # Unlabelled non-answers take the theme the analyst gave the labelled ones, by rule.
    assert all(given.get(s) == {"No answer"} for s in blanks["statement_id"])
    rule = codes[codes["statement_id"].isin(blanks.loc[~blanks["labelled"], "statement_id"])]
    assert set(rule["method"]) == {"no-answer rule"}
    # Labelled statements carry the analyst's own themes.
    for sid, truth in zip(
        statements.loc[statements["labelled"], "statement_id"],
        statements.loc[statements["labelled"], "truth"],
        strict=True,
    ):
        assert given.get(sid) == {truth}
    # Copies of an answer are coded like it, so every copy counts in the theme's share.
    copies = statements[statements["text"] == "Rents are too high"]
    assert all(given.get(s) == {"Housing"} for s in copies["statement_id"])


def test_learning_labels_turns_a_labelled_copy_into_its_own_example():
    from fairer.voices.run import learning_labels

    everything = pd.DataFrame(
        {
            "statement_id": ["a", "b", "c", "d"],
            "respondent_id": ["r1", "r2", "r3", "r4"],
            "status": ["answer", "duplicate", "duplicate", "no answer"],
            "duplicate_of": [None, "a", "a", None],
        }
    )
    labels = pd.DataFrame({"statement_id": ["a", "b", "c", "d"], "theme": ["T", "T", "U", "X"]})
    examples, blanks = learning_labels(labels, everything)
    assert examples["statement_id"].tolist() == ["a", "a", "a"]  # all three on a's text
    assert examples["example"].tolist() == ["a", "b", "c"]
    assert examples["group"].tolist() == ["r1", "r2", "r3"]
    assert blanks.to_dict("records") == [{"statement_id": "d", "theme": "X"}]


@settings(max_examples=40)
@given(st.integers(0, 10_000), st.integers(30, 200), st.floats(1.0, 2.5))
def test_calibrated_thresholds_match_the_analysts_codes_per_statement(seed, n, cardinality):
    from fairer.voices.coding import calibrate_thresholds, decide

    rng = np.random.default_rng(seed)
    k = 6
    y = (rng.random((n, k)) < cardinality / k).astype(int)
    y[np.arange(n), rng.integers(0, k, n)] = 1
    prob = np.clip(y * 0.5 + rng.random((n, k)) * 0.6, 0, 1)  # informative but noisy
    t = calibrate_thresholds(prob, y)
    assert t.shape == (k,) and ((t > 0) & (t < 1)).all()
    target = y.sum(axis=1).mean()
    got = decide(prob, t).sum(axis=1).mean()
    # Within 5% whenever some common shift of the thresholds can get there.
    reachable = [decide(prob, np.clip(t + s, 0.01, 0.99)).sum(axis=1).mean() for s in (-0.6, 0.6)]
    if min(reachable) <= target * 0.95 and max(reachable) >= target * 1.05:
        assert abs(got - target) <= 0.05 * target + 1.0 / n


def test_record_card_shows_agreement_and_warns_when_it_is_unknown(tmp_path):
    from fairer.publish import protect
    from fairer.report.voices import agreement_warning, voices_section
    from fairer.voices.importing import import_files
    from fairer.voices.run import code_consultation
    from fairer.voices.summary import consultation_summary
    from fairer.voices.workspace import open_consultation

    folder = tmp_path / "c"
    import_files(folder, [_survey(tmp_path)])
    book = str(_codebook(tmp_path))
    code_consultation(folder, codebook=book, representation="lsa", review_size=0)
    summary = protect(consultation_summary(open_consultation(folder)), 5)
    assert "agreement with a person is unknown" in agreement_warning(summary)
    html = voices_section(summary).body
    assert "Record card" in html and "Not measured" in html and "Read the shares with care" in html

    _label_everything(folder, tmp_path / "labels.csv")
    code_consultation(
        folder,
        codebook=book,
        corrections=tmp_path / "labels.csv",
        representation="lsa",
        review_size=0,
    )
    summary = protect(consultation_summary(open_consultation(folder)), 5)
    a = summary.agreement
    overall = a[a["scope"] == "consultation"].iloc[0]
    assert overall["statistic"] == "alpha"
    assert overall["lowercl"] <= overall["value"] <= overall["uppercl"]
    themes = a[a["scope"] == "theme"]
    assert set(themes["theme"]) <= {*THEMES, "No answer"} and (themes["statistic"] == "kappa").all()
    html = voices_section(summary).body
    assert f"Krippendorff's alpha {overall['value']:.2f}" in html
    assert "Agreement by theme: Cohen's kappa" in html
    assert (agreement_warning(summary) == "") == (not overall["low"])
