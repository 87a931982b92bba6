"""Codebooks, deductive coding, the analyst's correction loop and discovered themes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairer.errors import FairerError
from fairer.voices.codebook import build_codebook, codebook_templates, load_codebook
from fairer.voices.coding import code_statements, decide, label_matrix
from fairer.voices.review import ANALYST_COLUMN, read_corrections, review_sample, write_review
from fairer.voices.themes import OTHER_ID, discover_themes


@pytest.fixture(scope="module")
def consultation():
    """The demo's synthetic survey as statements, with the themes each answer was built from."""
    from fairer.demo.synthetic import make_borough
    from fairer.demo.voices import QUESTIONS, make_consultation

    survey, _, _, truth = make_consultation(make_borough(2024), 2024, n=300)
    rows = []
    for t in truth.itertuples():
        rows.append(
            {
                "statement_id": f"{t.respondent}-{QUESTIONS.index(t.question)}",
                "respondent_id": str(t.respondent),
                "question": t.question,
                "text": survey.loc[t.respondent - 1001, t.question],
                "themes": list(t.themes),
            }
        )
    return pd.DataFrame(rows)


def _labels(df: pd.DataFrame) -> pd.DataFrame:
    return df.explode("themes").rename(columns={"themes": "theme"})[["statement_id", "theme"]]


def test_templates_load_and_match_the_framework_domains():
    assert {
        "fairer-six-gaps",
        "fairer-causes",
        "fairer-nine-domains",
        "marmot-eight-principles",
    } <= set(codebook_templates())
    six = load_codebook("fairer-six-gaps")
    assert len(six.themes) == 6 and all(t.description and t.keywords for t in six.themes)
    from fairer.framework.model import load_framework

    fw = load_framework("fairer-nine-domains")
    book = load_codebook("framework", framework=fw)
    assert book.names == [d.title for d in fw.domains]
    assert all(t.keywords for t in book.themes)  # enriched from the codebook template


def test_codebook_files_and_duplicate_themes(tmp_path):
    csv = tmp_path / "book.csv"
    csv.write_text(
        "theme,description,keywords\nTransport,Buses and trains,bus;train\nHousing,Homes,rent;damp\n",
        encoding="utf-8",
    )
    book = load_codebook(csv)
    assert book.names == ["Transport", "Housing"] and book.themes[0].keywords == ["bus", "train"]
    js = tmp_path / "book.json"
    js.write_text(
        json.dumps({"Food": {"description": "Meals"}, "Parking": {"description": "Car parks"}}),
        encoding="utf-8",
    )
    assert load_codebook(js).names == ["Food", "Parking"]
    dup = tmp_path / "dup.csv"
    dup.write_text("theme,description\nTransport,a\nHousing,b\n transport ,c\n", encoding="utf-8")
    with pytest.raises(FairerError, match=r"duplicate theme 'transport' \(themes 1 and 3\)") as err:
        load_codebook(dup)
    assert "dup.csv" in str(err.value)
    with pytest.raises(FairerError, match="no codebook file or template"):
        load_codebook("no-such-book")


def test_zero_shot_uses_descriptions_and_keywords():
    book = build_codebook(
        [
            {
                "name": "Transport",
                "description": "buses trains travel",
                "keywords": ["bus", "buses"],
            },
            {
                "name": "Housing",
                "description": "homes rent landlords damp",
                "keywords": ["rent", "damp"],
            },
        ],
        id="t",
        title="t",
    )
    st_ = pd.DataFrame(
        {
            "statement_id": ["a", "b", "c"],
            "text": [
                "The buses stop at six",
                "Rent is too high and the flat is damp",
                "Lovely weather",
            ],
        }
    )
    r = code_statements(st_, book, representation="lsa")
    got = r.codes.groupby("statement_id")["theme"].apply(set).to_dict()
    assert r.method == "zero-shot"
    assert got["a"] == {"Transport"} and got["b"] == {"Housing"} and "c" not in got


def test_supervised_coding_learns_from_the_analyst(consultation):
    book = load_codebook("fairer-nine-domains")
    half = consultation["respondent_id"].astype(int) % 2 == 0
    train, test = consultation[half], consultation[~half]
    zero = code_statements(consultation, book, None, representation="lsa")
    learnt = code_statements(consultation, book, _labels(train), representation="lsa")
    ids = consultation["statement_id"].tolist()
    truth, _ = label_matrix(ids, _labels(consultation), book)
    from fairer.voices.coding import agreement_scores

    def score(result):
        p, _ = label_matrix(ids, result.codes, book)
        return agreement_scores(truth[~half.to_numpy()], p[~half.to_numpy()])["samples_f1"]

    assert learnt.method == "supervised"
    assert score(learnt) > 0.85 and score(learnt) > score(zero) + 0.2
    assert 0.85 < learnt.agreement["samples_f1"] <= 1 and learnt.agreement["labelled"] == len(train)
    assert test["statement_id"].isin(learnt.codes["statement_id"]).all()
    assert learnt.codes["confidence"].between(0, 1).all()


def test_review_round_trip_and_bad_corrections(tmp_path, consultation):
    book = load_codebook("fairer-nine-domains")
    r = code_statements(consultation, book, None, representation="lsa")
    sample = review_sample(consultation, r.codes, r.scores, n=20, seed=1)
    assert len(sample) == 20 and sample["statement_id"].is_unique
    assert (
        review_sample(consultation, r.codes, r.scores, n=20, seed=1)["statement_id"].tolist()
        == sample["statement_id"].tolist()
    )
    path = write_review(sample, book, tmp_path / "review.xlsx")
    df = pd.read_excel(path, sheet_name="review", dtype=str, keep_default_na=False)
    df.loc[0, ANALYST_COLUMN] = "Income; work"
    df.loc[1, ANALYST_COLUMN] = "none"
    df.to_excel(tmp_path / "done.xlsx", sheet_name="review", index=False)
    got = read_corrections(tmp_path / "done.xlsx", book, set(consultation["statement_id"]))
    assert sorted(got["theme"]) == ["(none)", "Income", "Work"]
    df.loc[2, ANALYST_COLUMN] = "Incme"
    df.to_excel(tmp_path / "bad.xlsx", sheet_name="review", index=False)
    with pytest.raises(
        FairerError, match=r"'Incme' is not a theme in the codebook; did you mean 'Income'\?"
    ) as err:
        read_corrections(tmp_path / "bad.xlsx", book, set(consultation["statement_id"]))
    assert "row 4" in str(err.value) and "analyst themes" in str(err.value)


@given(
    st.lists(st.lists(st.floats(0, 1), min_size=3, max_size=3), min_size=1, max_size=20),
    st.floats(0.05, 0.95),
)
@settings(max_examples=50, deadline=None)
def test_decide_always_gives_the_top_theme(rows, threshold):
    prob = np.array(rows)
    out = decide(prob, threshold)
    assert out[np.arange(len(prob)), prob.argmax(axis=1)].all()
    assert ((prob >= threshold) <= out).all()


def test_themes_are_deterministic_and_nothing_is_silently_dropped(consultation):
    a = discover_themes(consultation, seed=3, representation="lsa")
    b = discover_themes(consultation, seed=3, representation="lsa")
    assert a.assignments["theme_id"].tolist() == b.assignments["theme_id"].tolist()
    assert len(a.assignments) == len(consultation) and a.assignments["theme_id"].notna().all()
    assert a.themes["statements"].sum() == len(consultation)
    other = a.themes[a.themes["theme_id"] == OTHER_ID]
    assert len(other) == 1 and other["label"].iat[0] == "Other"
    assert (a.themes[a.themes["theme_id"] != OTHER_ID]["statements"] >= 5).all()
    assert all(len(q) >= 1 for q in a.themes["quotes"])


def test_theme_edits_survive_a_rerun_with_new_statements(tmp_path, consultation):
    from fairer.voices.edits import anchors_of, apply_edits

    x = None
    r = discover_themes(consultation, k=8, seed=0, representation="lsa")
    t1, t2, t3 = r.themes["theme_id"].iloc[:3]
    edits = [
        {"action": "rename", "themes": [t1], "label": "Buses", "anchors": [anchors_of(r, t1)]},
        {
            "action": "merge",
            "themes": [t2, t3],
            "label": "Money",
            "anchors": [anchors_of(r, t2), anchors_of(r, t3)],
        },
    ]
    texts = consultation.set_index("statement_id")["text"]
    edited, notes = apply_edits(r, edits, texts, x)
    assert (
        notes == []
        and "Buses" in set(edited.themes["label"])
        and "Money" in set(edited.themes["label"])
    )
    merged = edited.assignments[edited.assignments["label"] == "Money"]
    assert len(merged) == r.themes.set_index("theme_id").loc[[t2, t3], "statements"].sum()
    # A re-run on more statements numbers themes afresh; the anchors find them again.
    more = pd.concat(
        [consultation, consultation.assign(statement_id=consultation["statement_id"] + "b")]
    ).reset_index(drop=True)
    r2 = discover_themes(more, k=8, seed=0, representation="lsa")
    edited2, notes2 = apply_edits(r2, edits, more.set_index("statement_id")["text"], None)
    anchored = edited2.assignments.set_index("statement_id").loc[edits[0]["anchors"][0], "label"]
    assert notes2 == [] and (anchored == "Buses").all()


def test_split_and_an_edit_that_cannot_be_placed(consultation):
    from fairer.voices.edits import anchors_of, apply_edits, read_edits, write_edits
    from fairer.voices.embed import get_embedder

    x = get_embedder("lsa").encode(consultation["text"].tolist())
    r = discover_themes(consultation, k=5, seed=0, embeddings=x)
    big = r.themes.iloc[0]
    edits = [
        {
            "action": "split",
            "themes": [big["theme_id"]],
            "into": 2,
            "anchors": [anchors_of(r, big["theme_id"])],
        },
        {
            "action": "rename",
            "themes": ["T99"],
            "label": "Ghost",
            "anchors": [["no-such-statement"]],
        },
    ]
    texts = consultation.set_index("statement_id")["text"]
    edited, notes = apply_edits(r, edits, texts, x)
    parts = edited.themes[edited.themes["theme_id"].str.startswith(big["theme_id"] + ".")]
    assert len(parts) == 2 and parts["statements"].sum() == big["statements"]
    assert len(edited.assignments) == len(consultation)
    assert notes == ["edit 2 (rename T99) skipped: theme not found in this run"]
    assert "Ghost" not in set(edited.themes["label"])
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "theme_edits.toml"
    write_edits(path, edits)
    assert read_edits(path) == edits


def test_quoted_examples_are_split_as_the_nhs_framework_publishes_them(tmp_path):
    js = tmp_path / "book.json"
    js.write_text(
        json.dumps(
            {
                "Staff manner": {
                    "description": "How staff treat people",
                    "examples": "Positive: 'The staff do care.', 'Nurse's manner was kind' "
                    "Mixed: '90% of staff were fantastic, a few rude.' Negative/ wishlist: "
                    "'All your nurses are so RUDE', 'Be kind.'",
                },
                "Parking": {"description": "Car parks", "examples": "no spaces; too dear"},
            }
        ),
        encoding="utf-8",
    )
    book = load_codebook(js)
    assert book.themes[0].examples == [
        "The staff do care.",
        "Nurse's manner was kind",
        "90% of staff were fantastic, a few rude.",
        "All your nurses are so RUDE",
        "Be kind.",
    ]
    assert book.themes[1].examples == ["no spaces", "too dear"]


def test_codebook_examples_teach_a_theme_the_analyst_has_not_labelled_yet():
    book = build_codebook(
        [
            {"name": "Transport", "description": "Getting about"},
            {"name": "Housing", "description": "Homes"},
            {
                "name": "Parks",
                "description": "Green spaces",
                "examples": "the playground swings are broken; more benches in the park; "
                "the park is lovely for a walk; keep the playground and park clean",
            },
        ],
        id="t",
        title="t",
    )
    said = {
        "Transport": ["the bus is late again", "trains are too dear", "the buses never come"],
        "Housing": ["my rent went up", "the flat is damp", "rents are far too high"],
    }
    rows = [
        (f"{theme[0]}{i}{k}", f"{text} {'today' if k % 2 else 'again and again'}", theme)
        for theme, texts in said.items()
        for i, text in enumerate(texts)
        for k in range(4)
    ]
    statements = pd.DataFrame(rows, columns=["statement_id", "text", "theme"])
    new = pd.DataFrame(
        {"statement_id": ["new"], "text": ["the swings in the playground are broken"]}
    )
    statements = pd.concat([statements, new], ignore_index=True)
    labels = statements.dropna(subset=["theme"])[["statement_id", "theme"]]

    def themes_of_new(**kwargs) -> tuple[set[str], object]:
        r = code_statements(statements, book, labels, representation="lsa", **kwargs)
        return set(r.codes.loc[r.codes["statement_id"] == "new", "theme"]), r

    learnt, result = themes_of_new()
    assert learnt == {"Parks"}
    # The examples are learnt from but never scored: agreement is with the analyst alone.
    assert result.agreement["labelled"] == len(labels)
    without, _ = themes_of_new(learn_from_examples=False)
    assert "Parks" not in without
