"""Discovered themes get a phrase from their own statements, not word pairs, and the analyst
gets merge and split suggestions that are valid edits."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from fairer.voices.edits import anchors_of, apply_edits
from fairer.voices.themes import OTHER_ID, discover_themes, suggest_edits, theme_phrases
from tests.conftest import shared_path


def test_a_label_is_a_phrase_its_statements_use():
    typical = {
        0: [
            "Had to wait a long time for an appointment",
            "The wait for an appointment was far too long",
            "Long wait for an appointment and nobody rang back",
        ],
        1: ["Friendly staff on the ward", "Staff on the ward were friendly and kind", "Nurses ok"],
    }
    texts = [*typical[0], *typical[1], "An appointment letter came late", "The ward was cold"]
    labels = theme_phrases(typical, texts)
    # Worked by hand: the only runs used twice that neither start nor end with a stop word.
    assert labels == {0: "Wait for an appointment", 1: "Staff on the ward"}
    for c, label in labels.items():
        used = sum(label.lower() in t.lower() for t in typical[c])
        assert used >= 2, (label, typical[c])


def test_phrase_labels_and_suggestions_on_nhs_comments():
    csv = shared_path("voices", "nhs_fft_phase2_v6_dev.csv")
    d = pd.read_csv(csv).dropna(subset=["text"])
    d = d.assign(statement_id=[f"s{i}" for i in range(len(d))])[["statement_id", "text"]]
    r = discover_themes(d, k=30, seed=0, representation="lsa")
    named = r.themes[r.themes["theme_id"] != OTHER_ID]
    texts = d.set_index("statement_id")["text"].str.lower().str.replace(r"\s+", " ", regex=True)
    for t in named.itertuples():
        assert ", " not in t.label or t.label.endswith("…"), t.label  # not "stop, stop running"
        members = r.assignments.loc[r.assignments["theme_id"] == t.theme_id, "statement_id"]
        phrase = t.label.rstrip("…").lower()
        mine = texts.loc[members]
        used = mine.str.contains(phrase, regex=False).sum()
        # A phrase several of its statements use, or (when none recurs) its most typical
        # statement's opening words.
        assert used >= 2 or mine.str.startswith(phrase).any(), (t.label, used)
    s = r.suggestions
    assert set(s["action"]) <= {"merge", "split"}
    ids = set(named["theme_id"])
    for edit in s["edit"]:
        m = re.fullmatch(r"--merge (T\d\d),(T\d\d)|--split (T\d\d):2", edit)
        assert m, edit
        assert {g for g in m.groups() if g} <= ids
    assert any(n.startswith("suggest --") for n in r.notes) == (len(s) > 0)
    merges = s[s["action"] == "merge"]
    if len(merges):  # a suggested merge is an edit the analyst can make as it stands
        a, b = merges["themes"].iat[0].split(", ")
        edits = [
            {
                "action": "merge",
                "themes": [a, b],
                "label": "Merged",
                "anchors": [anchors_of(r, a), anchors_of(r, b)],
            }
        ]
        texts_by_id = d.set_index("statement_id")["text"]
        edited, _ = apply_edits(r, edits, texts_by_id, None, 0)
        assert "Merged" in set(edited.themes["label"])


def test_suggestions_find_a_planted_duplicate_and_a_planted_mixture():
    rng = np.random.default_rng(1)
    a, b, c = (rng.normal(size=16) for _ in range(3))

    def around(v, n):
        return v + 0.05 * rng.normal(size=(n, 16))

    pts = np.vstack([around(a, 25), around(a, 25), around(b, 15), around(c, 15), around(-c, 30)])
    x = pts / np.linalg.norm(pts, axis=1, keepdims=True)
    labels = np.repeat([0, 1, 2, 3], [25, 25, 30, 30])
    s = suggest_edits(x, labels, {i: f"T0{i + 1}" for i in range(4)}, dict.fromkeys(range(4), "x"))
    # T01 and T02 are one group cut in two; T03 mixes two groups; T04 is one group.
    assert s["edit"].tolist() == ["--merge T01,T02", "--split T03:2"]
