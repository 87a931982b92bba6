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
    question asked (the TF-IDF vocabulary is fitted on every statement, labelled or not). The
    codebook's own example statements are learnt from beside the analyst's labels, so a
    theme the analyst has met only a few times (or not yet) is still recognised. A statement
    gets its most probable theme and any other above its theme's threshold (calibrated on
    out-of-fold probabilities so fairer gives as many codes per statement as the analyst) —
    the settings that scored best on the labelled NHS comments (docs/voices.md). Themes with
    neither labels nor examples keep their zero-shot scores.

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
        Cross-validated agreement with the analyst (``samples_f1``, ``macro_f1``, ``labelled``,
        and codes and labels per statement), empty when nothing is labelled.
    agreement_by_theme : DataFrame
        Chance-corrected agreement, overall and per theme (:func:`agreement_table`).
    """

    codes: pd.DataFrame
    scores: pd.DataFrame
    method: str
    agreement: dict = field(default_factory=dict)
    agreement_by_theme: pd.DataFrame = field(default_factory=pd.DataFrame)


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


def _theme_vectors(codebook: Codebook, embedder) -> tuple[np.ndarray, np.ndarray]:
    """Each theme's description, with the mean of its examples, as one unit vector; and the
    examples' own vectors (rows in :func:`codebook_examples` order), encoded once for both."""
    ex_texts, ex_y = codebook_examples(codebook)
    prompts = embedder.encode([t.prompt() for t in codebook.themes])
    ex_x = embedder.encode(ex_texts) if ex_texts else np.zeros((0, prompts.shape[1]))
    for j in np.flatnonzero(ex_y.any(axis=0)):
        v = prompts[j] + ex_x[ex_y[:, j] > 0].mean(axis=0)
        prompts[j] = v / max(np.linalg.norm(v), 1e-12)
    return prompts, ex_x


def zero_shot_scores(
    texts: list[str], codebook: Codebook, x: np.ndarray, embedder, prompts=None
) -> np.ndarray:
    """Similarity of each statement to each theme, in [0, 1], keywords boosting.

    ``prompts`` are the themes' vectors when already computed (not for LSA, which is fitted
    to statements and prompts together so they share a space).
    """
    if embedder.name == "lsa":
        both = embedder.encode(texts + [t.prompt() for t in codebook.themes])
        x, prompts = both[: len(texts)], both[len(texts) :]
    elif prompts is None:
        prompts, _ = _theme_vectors(codebook, embedder)
    sim = x @ prompts.T
    hits = _keyword_hits(texts, codebook)
    # A keyword the analyst chose is strong evidence on its own: at least KEYWORD_SCORE.
    scores = np.where(hits > 0, np.maximum(sim + KEYWORD_BOOST, KEYWORD_SCORE), sim)
    return np.clip(scores, 0, 1)


def _decide_zero_shot(scores: np.ndarray) -> np.ndarray:
    best = scores.max(axis=1, keepdims=True)
    return (scores >= best - ZERO_SHOT_MARGIN) & (scores >= ZERO_SHOT_FLOOR)


def decide(prob: np.ndarray, threshold: float | np.ndarray = PROBABILITY_THRESHOLD) -> np.ndarray:
    """The top theme of every statement, plus any other at or above its theme's ``threshold``."""
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


def label_examples(
    statement_ids: list[str], labels: pd.DataFrame, codebook: Codebook
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The analyst's labels as training examples: one per statement the analyst labelled.

    ``labels`` may carry ``example`` (the statement the analyst actually labelled, when its
    text is coded as ``statement_id``: a copy of an earlier answer) and ``group`` (who gave it,
    for grouped cross-validation). Two copies labelled by the analyst are two examples, so no
    label is lost and a repeated answer weighs as often as it was given.

    Returns
    -------
    rows : ndarray
        Index into ``statement_ids`` of each example's text.
    y : ndarray
        Example × theme 0/1 labels (a ``(none)`` label is a row of zeros).
    groups : ndarray
        Each example's group (its ``example`` id when no group is given).
    """
    index = {s: i for i, s in enumerate(statement_ids)}
    col = {t.name: j for j, t in enumerate(codebook.themes)}
    lab = labels[labels["statement_id"].isin(index)]
    example = lab.get("example", lab["statement_id"])
    group = lab.get("group", example)
    keys = pd.unique(example)
    at = {k: i for i, k in enumerate(keys)}
    y = np.zeros((len(keys), len(codebook.themes)), dtype=int)
    rows = np.zeros(len(keys), dtype=int)
    groups = np.empty(len(keys), dtype=object)
    for ex, sid, theme, g in zip(example, lab["statement_id"], lab["theme"], group, strict=True):
        i = at[ex]
        rows[i], groups[i] = index[sid], str(g)
        if theme in col:
            y[i, col[theme]] = 1
    return rows, y, groups


def codebook_examples(codebook: Codebook) -> tuple[list[str], np.ndarray]:
    """The codebook's example statements as labelled examples: texts and a 0/1 theme matrix.

    Parameters
    ----------
    codebook : Codebook

    Returns
    -------
    texts : list of str
        Every theme's examples, in codebook order.
    y : ndarray
        Example × theme: 1 for the theme the example illustrates.

    Examples
    --------
    >>> from fairer.voices.codebook import build_codebook
    >>> cb = build_codebook(
    ...     [{"name": "Buses", "examples": "late buses; no bus at night"}, {"name": "Parks"}],
    ...     "t", "T",
    ... )
    >>> texts, y = codebook_examples(cb)
    >>> texts, y.tolist()
    (['late buses', 'no bus at night'], [[1, 0], [1, 0]])
    """
    texts: list[str] = []
    cols: list[int] = []
    for j, theme in enumerate(codebook.themes):
        texts += theme.examples
        cols += [j] * len(theme.examples)
    y = np.zeros((len(texts), len(codebook.themes)), dtype=int)
    y[np.arange(len(texts)), cols] = 1
    return texts, y


def _fit_one(train_x, yj, test_x):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=REGULARISATION_C, solver="liblinear", class_weight="balanced")
    clf.fit(train_x, yj)
    return clf.predict_proba(test_x)[:, 1]


def _fit_predict(
    features, y_train: np.ndarray, train: np.ndarray, test: np.ndarray, fallback: np.ndarray
):
    """One logistic regression per theme the analyst used; the rest fall back.

    A theme the analyst never gave keeps half its zero-shot score, capped below the threshold,
    so it is only given where nothing else fits better. The fits run one after another:
    liblinear holds the GIL, so threads only made them slower (8.2 s against 4.0 s for 44
    themes, measured), and the rows are sliced once for all themes.
    """
    prob = fallback[test].copy()
    used = [j for j in range(y_train.shape[1]) if 0 < y_train[:, j].sum() < len(y_train)]
    for j in range(y_train.shape[1]):
        if y_train[:, j].sum() == 0:
            prob[:, j] = np.minimum(0.5 * prob[:, j], 0.5 * PROBABILITY_THRESHOLD)
    train_x, test_x = features[train], features[test]
    for j in used:
        prob[:, j] = _fit_one(train_x, y_train[:, j], test_x)
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
    learn_from_examples: bool = True,
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
    folds : int
        Folds of that cross-validation.
    progress : callable, optional
        ``progress(done, total)`` while statements are embedded.
    learn_from_examples : bool
        Learn from the codebook's example statements beside the analyst's labels. They are
        always on the learning side of the cross-validation: agreement is measured on the
        analyst's labels alone.

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
    prompts, example_x = (
        _theme_vectors(codebook, embedder) if embedder.name != "lsa" else (None, None)
    )
    zero = zero_shot_scores(texts, codebook, x, embedder, prompts)
    if labels is None:
        labels = pd.DataFrame(columns=["statement_id", "theme"])
    rows, y, groups = label_examples(ids, labels, codebook)
    agreement: dict = {}
    by_theme = pd.DataFrame()
    if len(rows) < 2:
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
        ex_texts, ex_y = (
            codebook_examples(codebook)
            if learn_from_examples
            else ([], np.zeros((0, len(names)), dtype=int))
        )
        # LSA is fitted to each corpus, so examples encoded alone would sit in another space:
        # under LSA they carry only their words (TF-IDF) and zero-shot scores.
        ex_x = (
            example_x
            if example_x is not None and ex_texts
            else np.zeros((len(ex_texts), x.shape[1]), dtype=x.dtype)
        )
        ex_zero = (
            zero_shot_scores(ex_texts, codebook, ex_x, embedder, prompts)
            if ex_texts
            else np.zeros((0, len(names)))
        )
        fallback = np.vstack([zero, ex_zero])
        feats = _features(
            texts + ex_texts, questions + [""] * len(ex_texts), np.vstack([x, ex_x]), fallback
        )
        extra = (len(texts) + np.arange(len(ex_texts)), ex_y)
        cv = folds if cross_validate and len(rows) >= 2 * folds else 0
        prob, oof, fold_of = _learn(feats, y, rows, groups, fallback, extra, len(texts), cv)
        threshold: np.ndarray | float = PROBABILITY_THRESHOLD
        if oof is not None:
            threshold = calibrate_thresholds(oof, y)
            honest = _honest_predictions(oof, y, fold_of)
            agreement = agreement_scores(y, honest)
            agreement["labels_per_statement"] = float(y.sum(axis=1).mean())
            by_theme = agreement_table(y, honest, names)
        given = decide(prob, threshold)
        if cross_validate and agreement:
            agreement["codes_per_statement"] = float(given.sum(axis=1).mean())
        # A statement the analyst labelled carries the analyst's themes, not a guess.
        labelled_rows = sorted(set(rows))
        given[labelled_rows] = False
        for r, yr in zip(rows, y, strict=True):
            given[r] |= yr.astype(bool)
            prob[r] = np.where(yr > 0, 1.0, prob[r])
    found = np.argwhere(given)
    codes = pd.DataFrame(
        {
            "statement_id": [ids[i] for i, _ in found],
            "theme": [names[j] for _, j in found],
            "confidence": [float(prob[i, j]) for i, j in found],
            "method": method,
        }
    )
    if method == "supervised":
        codes.loc[codes["statement_id"].isin({ids[r] for r in rows}), "method"] = "analyst"
    scores = pd.DataFrame(prob, columns=names)
    scores.insert(0, "statement_id", ids)
    return CodingResult(codes, scores, method, agreement, by_theme)


def calibrate_thresholds(
    prob: np.ndarray,
    y: np.ndarray,
    min_positives: int = 3,
    tolerance: float = 0.05,
    shrinkage: float = 20.0,
) -> np.ndarray:
    """Per-theme probability thresholds that match the analyst, then their number of codes.

    Each theme the analyst used at least ``min_positives`` times gets the threshold (on a grid
    of 0.05 to 0.95) that maximises its F1 on out-of-fold probabilities, pulled towards the
    default by its number of labels ``n`` (weight ``n / (n + shrinkage)``: a threshold chosen
    on a handful of labels is mostly noise); rarer themes keep the default. All thresholds are
    then shifted together, by the smallest amount that brings the mean number of codes per
    statement within ``tolerance`` (relative) of the analyst's.

    Parameters
    ----------
    prob : ndarray
        Out-of-fold probabilities, statement × theme.
    y : ndarray
        The analyst's 0/1 labels, same shape.
    min_positives : int
        Fewer labels than this and a theme keeps :data:`PROBABILITY_THRESHOLD`.
    tolerance : float
        Accepted relative gap between fairer's and the analyst's codes per statement.
    shrinkage : float
        Labels at which a theme's own best threshold and the default weigh the same.

    Returns
    -------
    ndarray
        One threshold per theme.

    Examples
    --------
    >>> import numpy as np
    >>> prob = np.array([[0.9, 0.3], [0.8, 0.35], [0.2, 0.9], [0.1, 0.4]])
    >>> y = np.array([[1, 1], [1, 1], [0, 1], [0, 0]])
    >>> calibrate_thresholds(prob, y, min_positives=2, shrinkage=0).round(2).tolist()
    [0.51, 0.31]
    >>> calibrate_thresholds(prob, y, min_positives=2).round(2).tolist()
    [0.37, 0.34]
    """
    grid = np.round(np.arange(0.05, 0.951, 0.05), 2)
    thresholds = np.full(y.shape[1], PROBABILITY_THRESHOLD)
    for j in range(y.shape[1]):
        if y[:, j].sum() < min_positives:
            continue
        hit = prob[:, j][:, None] >= grid[None, :]
        tp = (hit & (y[:, j][:, None] > 0)).sum(axis=0)
        f1 = 2 * tp / (hit.sum(axis=0) + y[:, j].sum())
        # Of equally good thresholds, the one nearest the default: a flat stretch of F1 says
        # little, and the middle of it generalises better than its edge.
        good = np.flatnonzero(f1 >= f1.max() - 1e-12)
        own = grid[good[np.argmin(np.abs(grid[good] - PROBABILITY_THRESHOLD))]]
        weight = y[:, j].sum() / (y[:, j].sum() + shrinkage)
        thresholds[j] = weight * own + (1 - weight) * PROBABILITY_THRESHOLD
    target = y.sum(axis=1).mean()
    best, best_gap = thresholds, np.inf
    for shift in sorted(np.round(np.arange(-0.3, 0.301, 0.01), 2), key=abs):
        t = np.clip(thresholds + shift, 0.01, 0.99)
        gap = abs(decide(prob, t).sum(axis=1).mean() - target) / max(target, 1e-9)
        if gap <= tolerance:
            return t
        if gap < best_gap:
            best, best_gap = t, gap
    return best


def _learn(feats, y, rows, groups, fallback, extra, n, folds):
    """Probabilities for all ``n`` statements, and out-of-fold ones for the labelled examples.

    The model for every statement learns from all labels and ``extra`` (rows, labels: the
    codebook's examples); with ``folds`` ≥ 2, each labelled example also gets probabilities from
    a model that never saw its group (``extra`` is learnt from in every fold, never scored).
    All the fits run together in parallel processes: liblinear holds the GIL, so threads would
    not help.

    Returns
    -------
    prob, oof, fold_of
        ``oof`` and ``fold_of`` are None without cross-validation.
    """
    from joblib import Parallel, delayed
    from sklearn.model_selection import GroupKFold

    tasks = [(np.vstack([y, extra[1]]), np.concatenate([rows, extra[0]]), np.arange(n))]
    k = min(folds, len(set(groups)))
    splits = list(GroupKFold(k).split(rows, groups=groups)) if k >= 2 else []
    for tr, te in splits:
        tasks.append((np.vstack([y[tr], extra[1]]), np.concatenate([rows[tr], extra[0]]), rows[te]))
    jobs = min(allowed_threads(), len(tasks))
    results = Parallel(n_jobs=jobs)(
        delayed(_fit_predict)(feats, yy, train, test, fallback) for yy, train, test in tasks
    )
    if not splits:
        return results[0], None, None
    oof = np.zeros(y.shape, dtype=float)
    fold_of = np.zeros(len(rows), dtype=int)
    for f, ((_, te), p) in enumerate(zip(splits, results[1:], strict=True)):
        oof[te] = p
        fold_of[te] = f
    return results[0], oof, fold_of


def _honest_predictions(oof: np.ndarray, y: np.ndarray, fold_of: np.ndarray) -> np.ndarray:
    """Cross-validated codes where each fold's thresholds were chosen on the other folds."""
    predicted = np.zeros(y.shape, dtype=int)
    for f in np.unique(fold_of):
        other = fold_of != f
        t = calibrate_thresholds(oof[other], y[other])
        predicted[~other] = decide(oof[~other], t)
    return predicted


#: Below this kappa (or alpha) agreement is too weak to publish shares: Krippendorff (2004)
#: accepts tentative conclusions from 0.667 and rejects data below it.
LOW_AGREEMENT = 0.667


def agreement_table(truth: np.ndarray, predicted: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Chance-corrected agreement between the analyst and fairer, overall and theme by theme.

    Overall: Krippendorff's alpha (nominal) over every statement × theme decision of the themes
    either coder used. By theme: Cohen's kappa on "given / not given" over the statements.

    Parameters
    ----------
    truth, predicted : ndarray
        Statement × theme 0/1: the analyst's labels and fairer's codes for the same statements
        (fairer's from models that did not learn from those statements).
    names : list of str
        Theme names, one per column.

    Returns
    -------
    DataFrame
        ``scope`` (``consultation`` or ``theme``), ``theme``, ``statistic``, ``value``,
        ``lowercl``, ``uppercl`` (95%), ``statements``, ``analyst`` and ``fairer`` (statements
        each gave the theme) and ``low`` (below :data:`LOW_AGREEMENT`).

    Examples
    --------
    >>> import numpy as np
    >>> truth = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [0, 0]])
    >>> table = agreement_table(truth, truth, ["Housing", "Transport"])
    >>> table[["theme", "statistic", "value"]].round(2).values.tolist()
    [['', 'alpha', 1.0], ['Housing', 'kappa', 1.0], ['Transport', 'kappa', 1.0]]
    """
    from fairer.stats.agreement import cohens_kappa, krippendorff_alpha

    used = (truth.sum(axis=0) + predicted.sum(axis=0)) > 0
    rows = []
    if used.any():
        a = krippendorff_alpha(
            [truth[:, used].ravel(), predicted[:, used].ravel()], resamples=200, seed=0
        )
        rows.append(
            (
                "consultation",
                "",
                "alpha",
                a["alpha"],
                a["lowercl"],
                a["uppercl"],
                len(truth),
                int(truth.any(axis=1).sum()),
                int(predicted.any(axis=1).sum()),
            )
        )
    for j in np.flatnonzero(used):
        k = cohens_kappa(truth[:, j], predicted[:, j])
        rows.append(
            (
                "theme",
                names[j],
                "kappa",
                k["kappa"],
                k["lowercl"],
                k["uppercl"],
                len(truth),
                int(truth[:, j].sum()),
                int(predicted[:, j].sum()),
            )
        )
    cols = [
        "scope",
        "theme",
        "statistic",
        "value",
        "lowercl",
        "uppercl",
        "statements",
        "analyst",
        "fairer",
    ]
    out = pd.DataFrame(rows, columns=cols)
    out["low"] = out["value"].isna() | (out["value"] < LOW_AGREEMENT)
    return out
