"""Deductive coding: give each statement zero or more codebook themes, with a confidence.

Two methods, the second replacing the first as soon as an analyst has labelled statements:

zero-shot
    Cosine similarity between the statement and each theme's description (name, description,
    keywords, and the mean of its examples) in the embedding space; a keyword appearing as a
    whole word (or its plural) adds a fixed boost and lifts the score to at least 0.4. A theme is given when its score is near the best one and
    above a floor. Nothing is learnt; it gives the analyst a first draft to correct.
supervised
    One-vs-rest logistic regression (scikit-learn's liblinear, L2, C = 10, classes weighted
    inversely to their frequency so rare themes are not drowned) on TF-IDF of words, word
    pairs and character 2–5-grams, the sentence embedding, the zero-shot scores and the
    question asked (the TF-IDF vocabulary is fitted on every statement, labelled or not). A
    statement gets its most probable theme and any other with probability ≥ 0.5 — the
    settings that scored best on the labelled NHS comments (docs/voices.md). Themes the analyst has not used yet keep
    their zero-shot scores.

Agreement with the analyst is measured by cross-validation over respondents (a respondent's
answers are never split between training and test), as samples-F1 and macro-F1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairer.errors import FairerError
from fairer.voices.codebook import Codebook
from fairer.voices.embed import allowed_threads, get_embedder
from fairer.voices.review import NO_THEME

#: Supervised decision rule: the top theme, and any other at or above this probability.
PROBABILITY_THRESHOLD = 0.5
#: Zero-shot: a theme within this much cosine of the best, and above the floor, is given.
ZERO_SHOT_MARGIN = 0.05
ZERO_SHOT_FLOOR = 0.25
KEYWORD_BOOST = 0.15
KEYWORD_SCORE = 0.4
REGULARISATION_C = 10.0


@dataclass
class CodingResult:
    """Themes given to statements.

    Attributes
    ----------
    codes : DataFrame
        ``statement_id, theme, confidence, method``: one row per statement and theme given.
    scores : DataFrame
        Statement × theme confidence (0–1), for review and thresholds.
    method : str
        ``zero-shot`` or ``supervised``.
    agreement : dict
        Cross-validated agreement with the analyst (``samples_f1``, ``macro_f1``, ``labelled``),
        empty when nothing is labelled.
    """

    codes: pd.DataFrame
    scores: pd.DataFrame
    method: str
    agreement: dict = field(default_factory=dict)


def _keyword_hits(texts: list[str], codebook: Codebook) -> np.ndarray:
    hits = np.zeros((len(texts), len(codebook.themes)))
    lowered = [t.lower() for t in texts]
    for j, theme in enumerate(codebook.themes):
        if not theme.keywords:
            continue
        # A keyword matches as a whole word or phrase, plural or not ("rent" finds "rents").
        words = "|".join(re.escape(k.lower()) for k in theme.keywords)
        pattern = re.compile(r"\b(?:" + words + r")(?:s|es)?\b")
        hits[:, j] = [1.0 if pattern.search(t) else 0.0 for t in lowered]
    return hits


def zero_shot_scores(texts: list[str], codebook: Codebook, x: np.ndarray, embedder) -> np.ndarray:
    """Similarity of each statement to each theme, in [0, 1], keywords boosting."""
    prompts = (
        embedder.encode([t.prompt() for t in codebook.themes]) if embedder.name != "lsa" else None
    )
    if prompts is None:
        # LSA is fitted per corpus: fit statements and prompts together so they share a space.
        both = embedder.encode(texts + [t.prompt() for t in codebook.themes])
        x, prompts = both[: len(texts)], both[len(texts) :]
    for j, theme in enumerate(codebook.themes):
        if theme.examples and embedder.name != "lsa":
            ex = embedder.encode(theme.examples).mean(axis=0)
            v = prompts[j] + ex
            prompts[j] = v / max(np.linalg.norm(v), 1e-12)
    sim = x @ prompts.T
    hits = _keyword_hits(texts, codebook)
    # A keyword the analyst chose is strong evidence on its own: at least KEYWORD_SCORE.
    scores = np.where(hits > 0, np.maximum(sim + KEYWORD_BOOST, KEYWORD_SCORE), sim)
    return np.clip(scores, 0, 1)


def _decide_zero_shot(scores: np.ndarray) -> np.ndarray:
    best = scores.max(axis=1, keepdims=True)
    return (scores >= best - ZERO_SHOT_MARGIN) & (scores >= ZERO_SHOT_FLOOR)


def decide(prob: np.ndarray, threshold: float = PROBABILITY_THRESHOLD) -> np.ndarray:
    """The top theme of every statement, plus any other at or above ``threshold``."""
    out = prob >= threshold
    if len(prob):
        out[np.arange(len(prob)), prob.argmax(axis=1)] = True
    return out


def _features(texts: list[str], questions: list[str], x: np.ndarray, zero: np.ndarray):
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import OneHotEncoder

    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=20000
    )
    parts = []
    for vec in (words, chars):
        try:
            parts.append(vec.fit_transform(texts))
        except ValueError:  # too few statements for min_df: use every term
            vec.set_params(min_df=1)
            parts.append(vec.fit_transform(texts))
    q = OneHotEncoder(handle_unknown="ignore").fit_transform(
        np.array(questions, dtype=object)[:, None]
    )
    return hstack(parts + [csr_matrix(x), csr_matrix(zero), q]).tocsr()


def label_matrix(
    statement_ids: list[str], labels: pd.DataFrame, codebook: Codebook
) -> tuple[np.ndarray, np.ndarray]:
    """Analyst labels as a statement × theme 0/1 matrix, and which statements were labelled.

    A statement labelled ``(none)`` is labelled with no theme: a row of zeros that counts.
    """
    index = {s: i for i, s in enumerate(statement_ids)}
    col = {t.name: j for j, t in enumerate(codebook.themes)}
    y = np.zeros((len(statement_ids), len(codebook.themes)), dtype=int)
    seen = np.zeros(len(statement_ids), dtype=bool)
    for sid, theme in zip(labels["statement_id"], labels["theme"], strict=True):
        if sid in index:
            seen[index[sid]] = True
            if theme in col:
                y[index[sid], col[theme]] = 1
    return y, seen


def _fit_one(features, yj, train, test):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=REGULARISATION_C, solver="liblinear", class_weight="balanced")
    clf.fit(features[train], yj)
    return clf.predict_proba(features[test])[:, 1]


def _fit_predict(
    features, y_train: np.ndarray, train: np.ndarray, test: np.ndarray, fallback: np.ndarray
):
    """One logistic regression per theme the analyst used (in parallel); the rest fall back.

    A theme the analyst never gave keeps half its zero-shot score, capped below the threshold,
    so it is only given where nothing else fits better.
    """
    from joblib import Parallel, delayed

    prob = fallback[test].copy()
    used = [j for j in range(y_train.shape[1]) if 0 < y_train[:, j].sum() < len(y_train)]
    for j in range(y_train.shape[1]):
        if y_train[:, j].sum() == 0:
            prob[:, j] = np.minimum(0.5 * prob[:, j], 0.5 * PROBABILITY_THRESHOLD)
    results = Parallel(n_jobs=min(allowed_threads(), max(len(used), 1)), prefer="threads")(
        delayed(_fit_one)(features, y_train[:, j], train, test) for j in used
    )
    for j, p in zip(used, results, strict=True):
        prob[:, j] = p
    return prob


def agreement_scores(truth: np.ndarray, predicted: np.ndarray) -> dict:
    """samples-F1 and macro-F1 (themes the analyst used) between two 0/1 matrices."""
    from sklearn.metrics import f1_score

    used = truth.sum(axis=0) > 0
    rows = np.ones(len(truth), dtype=bool)
    if not len(truth):
        return {}
    return {
        "samples_f1": float(
            f1_score(truth[rows], predicted[rows], average="samples", zero_division=0)
        ),
        "macro_f1": float(
            f1_score(
                truth[rows][:, used], predicted[rows][:, used], average="macro", zero_division=0
            )
        ),
        "labelled": int(len(truth)),
    }


def code_statements(
    statements: pd.DataFrame,
    codebook: Codebook,
    labels: pd.DataFrame | None = None,
    representation: str = "auto",
    embeddings: np.ndarray | None = None,
    cross_validate: bool = True,
    folds: int = 5,
    progress=None,
) -> CodingResult:
    """Code statements against a codebook, learning from the analyst's labels when there are any.

    Parameters
    ----------
    statements : DataFrame
        ``statement_id``, ``text`` and optionally ``question`` and ``respondent_id``.
    codebook : Codebook
    labels : DataFrame, optional
        The analyst's labels: ``statement_id, theme`` (theme names from the codebook).
    representation : str
        See :mod:`fairer.voices.embed`.
    embeddings : ndarray, optional
        Precomputed, L2-normalised rows for ``statements``.
    cross_validate : bool
        Measure agreement with the analyst by grouped k-fold cross-validation.

    Returns
    -------
    CodingResult

    Raises
    ------
    FairerError
        If a label names a theme that is not in the codebook.
    """
    texts = statements["text"].astype(str).tolist()
    ids = statements["statement_id"].astype(str).tolist()
    names = codebook.names
    if labels is not None and len(labels):
        unknown = sorted(set(labels["theme"]) - set(names) - {NO_THEME})
        if unknown:
            raise FairerError(
                f"label '{unknown[0]}' is not a theme in the codebook '{codebook.title}'"
            )
    embedder = get_embedder(representation)
    x = embeddings if embeddings is not None else embedder.encode(texts, progress)
    zero = zero_shot_scores(texts, codebook, x, embedder)
    if labels is None:
        labels = pd.DataFrame(columns=["statement_id", "theme"])
    y, seen = label_matrix(ids, labels, codebook)
    labelled = np.where(seen)[0]
    agreement: dict = {}
    if len(labelled) < 2:
        method = "zero-shot"
        prob = zero
        given = _decide_zero_shot(zero)
    else:
        method = "supervised"
        questions = (
            statements["question"].fillna("").astype(str).tolist()
            if "question" in statements
            else [""] * len(texts)
        )
        feats = _features(texts, questions, x, zero)
        prob = _fit_predict(feats, y[labelled], labelled, np.arange(len(texts)), zero)
        given = decide(prob)
        if cross_validate and len(labelled) >= 2 * folds:
            agreement = _cross_validate(feats, y, labelled, statements, zero, folds)
    rows = np.argwhere(given)
    codes = pd.DataFrame(
        {
            "statement_id": [ids[i] for i, _ in rows],
            "theme": [names[j] for _, j in rows],
            "confidence": [float(prob[i, j]) for i, j in rows],
            "method": method,
        }
    )
    scores = pd.DataFrame(prob, columns=names)
    scores.insert(0, "statement_id", ids)
    return CodingResult(codes, scores, method, agreement)


def _cross_validate(feats, y, labelled, statements, zero, folds) -> dict:
    from sklearn.model_selection import GroupKFold

    groups = (
        statements["respondent_id"].astype(str).to_numpy()[labelled]
        if "respondent_id" in statements
        else labelled
    )
    n_groups = len(set(groups))
    k = min(folds, n_groups)
    if k < 2:
        return {}
    predicted = np.zeros((len(labelled), y.shape[1]), dtype=int)
    for tr, te in GroupKFold(k).split(labelled, groups=groups):
        prob = _fit_predict(feats, y[labelled[tr]], labelled[tr], labelled[te], zero)
        predicted[te] = decide(prob)
    return agreement_scores(y[labelled], predicted)
