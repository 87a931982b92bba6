"""Discover themes nobody put in the codebook: clusters of similar statements.

Method: statements are embedded (see :mod:`fairer.voices.embed`), grouped by k-means (Lloyd's
algorithm with k-means++ seeding, several starts, fixed seed) and labelled by class-based
TF-IDF: the words and phrases most particular to each cluster against the others
(Grootendorst, 2022, *BERTopic*). The most representative quotes are those nearest the cluster's
centre. Nothing is silently dropped: a statement far from every centre, or in a cluster too
small to publish, goes to an explicit ``Other`` theme that is counted and shown like any other.

k is chosen by the data unless given: the silhouette score (Rousseeuw, 1987) over a range of
k around ``sqrt(n / 2)``, capped at 40 themes so the result stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairer.voices.embed import get_embedder

OTHER = "Other"
OTHER_ID = "other"


@dataclass
class ThemeResult:
    """Discovered themes.

    Attributes
    ----------
    themes : DataFrame
        ``theme_id, label, key_phrases, statements, quotes`` (quotes as a list of IDs), largest
        first, ``Other`` last.
    assignments : DataFrame
        ``statement_id, theme_id, label, similarity`` for every statement given.
    k : int
        Number of clusters before small ones went to Other.
    """

    themes: pd.DataFrame
    assignments: pd.DataFrame
    k: int
    notes: list[str] = field(default_factory=list)


def choose_k(x: np.ndarray, seed: int = 0, max_k: int = 40) -> int:
    """The k with the best silhouette among a few candidates near ``sqrt(n / 2)``."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(x)
    if n < 6:
        return 1
    centre = int(np.clip(round(np.sqrt(n / 2)), 2, max_k))
    candidates = sorted(
        {int(np.clip(round(centre * f), 2, min(max_k, n - 1))) for f in (0.6, 0.8, 1.0, 1.25)}
    )
    sample = x if n <= 3000 else x[np.random.default_rng(seed).choice(n, 3000, replace=False)]
    best, best_score = candidates[-1], -2.0
    for k in candidates:
        labels = KMeans(k, n_init=2, random_state=seed).fit_predict(sample)
        if len(set(labels)) < 2:
            continue
        score = silhouette_score(sample, labels, metric="cosine", random_state=seed)
        if score > best_score + 0.002:
            best, best_score = k, score
    return best


def key_phrases(texts: list[str], labels: np.ndarray, top: int = 8) -> dict[int, list[str]]:
    """Class-based TF-IDF: the terms most particular to each cluster (Grootendorst, 2022)."""
    from sklearn.feature_extraction.text import CountVectorizer

    docs = pd.Series(texts).groupby(labels).apply(" ".join)
    try:
        cv = CountVectorizer(ngram_range=(1, 2), stop_words="english", min_df=1)
        counts = cv.fit_transform(docs.values)
    except ValueError:
        return {int(c): [] for c in docs.index}
    terms = np.array(cv.get_feature_names_out())
    tf = counts.multiply(1.0 / np.maximum(counts.sum(axis=1), 1)).tocsr()
    avg = counts.sum() / max(len(docs), 1)
    idf = np.log(1 + avg / np.maximum(np.asarray(counts.sum(axis=0)).ravel(), 1))
    ctfidf = tf.multiply(idf).tocsr()
    out = {}
    for row, cluster in enumerate(docs.index):
        r = ctfidf.getrow(row).toarray().ravel()
        order = np.argsort(-r)
        picked: list[str] = []
        for i in order:
            if r[i] <= 0 or len(picked) >= top:
                break
            t = terms[i]
            # Skip a word already inside a chosen phrase (and the other way round).
            if any(t in p.split() or p in t.split() for p in picked):
                continue
            picked.append(t)
        out[int(cluster)] = picked
    return out


def discover_themes(
    statements: pd.DataFrame,
    k: int | None = None,
    seed: int = 0,
    representation: str = "auto",
    min_size: int = 5,
    outlier_quantile: float = 0.05,
    embeddings: np.ndarray | None = None,
    progress=None,
) -> ThemeResult:
    """Cluster statements into themes, label them, and put what fits nowhere in ``Other``.

    Parameters
    ----------
    statements : DataFrame
        ``statement_id`` and ``text``.
    k : int, optional
        Number of clusters; default chosen by silhouette (:func:`choose_k`).
    seed : int
        Fixes the result: the same statements and seed give the same themes.
    representation : str
        ``auto``, ``minilm``, ``wordllama`` or ``lsa`` (see :mod:`fairer.voices.embed`).
    min_size : int
        Clusters smaller than this go to ``Other`` (use the disclosure threshold).
    outlier_quantile : float
        The share of statements least similar to their cluster's centre that go to ``Other``.
    embeddings : ndarray, optional
        Precomputed, L2-normalised rows for ``statements`` (skips embedding).

    Returns
    -------
    ThemeResult
    """
    from sklearn.cluster import KMeans

    if not 0 <= outlier_quantile < 0.5:
        raise ValueError("outlier_quantile must be in [0, 0.5)")
    texts = statements["text"].astype(str).tolist()
    n = len(texts)
    if n == 0:
        empty = pd.DataFrame(columns=["theme_id", "label", "key_phrases", "statements", "quotes"])
        return ThemeResult(
            empty, pd.DataFrame(columns=["statement_id", "theme_id", "label", "similarity"]), 0
        )
    x = (
        embeddings
        if embeddings is not None
        else get_embedder(representation).encode(texts, progress)
    )
    k = k or choose_k(x, seed)
    k = max(1, min(k, n))
    km = KMeans(k, n_init=4, random_state=seed).fit(x)
    labels = km.labels_.copy()
    centres = km.cluster_centers_ / np.maximum(
        np.linalg.norm(km.cluster_centers_, axis=1, keepdims=True), 1e-12
    )
    sim = (x * centres[labels]).sum(axis=1)
    other = np.zeros(n, dtype=bool)
    # A statement with nothing the representation knows (an all-zero vector) fits nowhere.
    other |= np.linalg.norm(x, axis=1) == 0
    if outlier_quantile > 0 and n >= 20:
        other |= sim <= np.quantile(sim, outlier_quantile)
    sizes = pd.Series(labels[~other]).value_counts()
    small = set(sizes[sizes < min_size].index) | (set(range(k)) - set(sizes.index))
    other |= np.isin(labels, list(small))
    phrases = key_phrases(texts, np.where(other, -1, labels))
    order = [c for c in pd.Series(labels[~other]).value_counts().index]
    ids = {c: f"T{i + 1:02d}" for i, c in enumerate(order)}
    rows = []
    sid = statements["statement_id"].to_numpy()
    for c in order:
        members = np.where((labels == c) & ~other)[0]
        best = members[np.argsort(-sim[members])]
        quotes = _distinct_quotes(best, texts, 3)
        terms = phrases.get(int(c), [])
        rows.append(
            {
                "theme_id": ids[c],
                "label": ", ".join(terms[:3]) or ids[c],
                "key_phrases": "; ".join(terms),
                "statements": len(members),
                "quotes": [sid[i] for i in quotes],
            }
        )
    if other.any():
        members = np.where(other)[0]
        rows.append(
            {
                "theme_id": OTHER_ID,
                "label": OTHER,
                "key_phrases": "; ".join(phrases.get(-1, [])),
                "statements": int(other.sum()),
                "quotes": [sid[i] for i in _distinct_quotes(members, texts, 3)],
            }
        )
    themes = pd.DataFrame(rows)
    theme_of = np.array([OTHER_ID if o else ids[c] for c, o in zip(labels, other, strict=True)])
    label_of = themes.set_index("theme_id")["label"]
    assignments = pd.DataFrame(
        {
            "statement_id": sid,
            "theme_id": theme_of,
            "label": label_of.reindex(theme_of).to_numpy(),
            "similarity": sim.astype(float),
        }
    )
    notes = [f"{int(other.sum())} of {n} statements ({other.mean():.0%}) are in Other"]
    return ThemeResult(themes, assignments, k, notes)


def _distinct_quotes(order: np.ndarray, texts: list[str], n: int) -> list[int]:
    seen, out = set(), []
    for i in order:
        key = texts[i].strip().lower()
        if key in seen:
            continue
        seen.add(key)
        out.append(int(i))
        if len(out) == n:
            break
    return out
