"""The voices commands on the real labelled NHS comments in ../shared (skips when absent).

The analyst's sample is every comment of half the respondents (by a hash of the ID, so no
respondent is split); the rest is the test. The reference is the issue's baseline method —
TF-IDF and one-vs-rest logistic regression, fitted here with scikit-learn on the same rows —
and the coder must beat it on the held-out rows. Full quality figures are in
docs/benchmarks.md (benchmarks/voices_bench.py).
"""

from __future__ import annotations

import hashlib

import pandas as pd

from tests.conftest import shared_path


def _half(rid: str) -> bool:
    return int(hashlib.sha256(rid.encode()).hexdigest()[:8], 16) % 2 == 0


def test_import_code_learn_and_report_on_nhs_comments(cli, tmp_path):
    csv = shared_path("voices", "nhs_fft_phase2_v6_dev.csv")
    book = shared_path("voices", "nhs_fft_v6_codebook.json")
    folder = tmp_path / "nhs"
    code, out, err = cli("voices", "import", folder, csv)
    assert code == 0, err
    assert "imported nhs_fft_phase2_v6_dev.csv: 2,389 statements" in out

    from fairer.voices.importing import load_statements
    from fairer.voices.workspace import open_consultation

    cons = open_consultation(folder)
    stmts = load_statements(cons, include_all=True)
    source = pd.read_csv(csv)
    source["row"] = range(2, len(source) + 2)
    stmts = stmts.merge(
        source[["row", "labels", "respondent_id"]].rename(columns={"respondent_id": "rid"}),
        on="row",
    )
    answers = stmts[stmts["status"] == "answer"]
    train = answers[answers["rid"].map(_half)]
    corrections = pd.DataFrame(
        {
            "statement_id": train["statement_id"],
            "analyst themes": train["labels"].str.replace("|", "; "),
        }
    )
    corrections.to_csv(tmp_path / "corrections.csv", index=False)

    code, out, err = cli(
        "voices",
        "code",
        folder,
        "--codebook",
        book,
        "--representation",
        "wordllama",
        "--corrections",
        tmp_path / "corrections.csv",
        "--quiet",
    )
    assert code == 0, err
    assert "(supervised)" in out and "cross-validated: samples-F1" in out

    coded = pd.read_csv(cons.output_dir / "coded_statements.csv", keep_default_na=False)
    test = answers[~answers["rid"].map(_half)].merge(
        coded[["statement_id", "themes"]], on="statement_id"
    )
    scores = []
    for truth, got in zip(test["labels"], test["themes"], strict=True):
        t, g = set(truth.split("|")), {x.strip() for x in got.split(";") if x.strip()}
        scores.append(2 * len(t & g) / (len(t) + len(g)) if t or g else 1.0)
    samples_f1 = sum(scores) / len(scores)
    assert len(test) > 800
    baseline = _baseline(train, test)
    assert samples_f1 > baseline + 0.02, (
        f"held-out samples-F1 {samples_f1:.3f}, baseline {baseline:.3f}"
    )

    code, out, err = cli("voices", "themes", folder, "--representation", "wordllama", "--quiet")
    assert code == 0 and "other" in out
    code, out, err = cli("voices", "report", folder)
    assert code == 0, err


def _baseline(train: pd.DataFrame, test: pd.DataFrame) -> float:
    """TF-IDF + one-vs-rest logistic regression: top label and any other with p ≥ 0.5."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer

    mlb = MultiLabelBinarizer().fit(pd.concat([train, test])["labels"].str.split("|"))
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    y = mlb.transform(train["labels"].str.split("|"))
    keep = y.sum(axis=0) > 0
    clf = OneVsRestClassifier(LogisticRegression(max_iter=2000)).fit(
        vec.fit_transform(train["text"]), y[:, keep]
    )
    prob = np.zeros((len(test), len(mlb.classes_)))
    prob[:, keep] = clf.predict_proba(vec.transform(test["text"]))
    pred = prob >= 0.5
    pred[np.arange(len(test)), prob.argmax(axis=1)] = True
    return float(f1_score(mlb.transform(test["labels"].str.split("|")), pred, average="samples"))
