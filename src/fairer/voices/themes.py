"""Discover themes nobody put in the codebook: clusters of similar statements.

Method: statements are embedded (see :mod:`fairer.voices.embed`), grouped by k-means (Lloyd's
algorithm with k-means++ seeding, several starts, fixed seed) and labelled by class-based
TF-IDF: the words and phrases most particular to each cluster against the others
(Grootendorst, 2022, *BERTopic*). The most representative quotes are those nearest the cluster's
centre. Nothing is silently dropped: a statement far from every centre, or in a cluster too
small to publish, goes to an explicit ``Other`` theme that is counted and shown like any other.

k is about one theme per 20 statements unless given, capped at 40 so the result stays
readable (:func:`choose_k` says why not a silhouette score).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from fairer.voices.embed import get_embedder

OTHER = "Other"
OTHER_ID = "other"
SUGGESTION_COLUMNS = ["action", "themes", "edit", "reason"]


_CONTRACTIONS = (
    "can't don't didn't won't wasn't isn't couldn't wouldn't doesn't haven't hasn't aren't "
    "weren't shouldn't ain't i've we've you've they've could've would've should've i'm it's "
    "that's there's he's she's what's let's we're you're they're i'd we'd you'd they'd i'll "
    "we'll you'll they'll it'll"
)


@cache
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    # Contractions are function words too: a label never ends on "Can't" or starts with "I've".
    contractions = {w.replace("'", mark) for w in _CONTRACTIONS.split() for mark in "'’"}
    return frozenset(ENGLISH_STOP_WORDS) | {"just", "really", "ve", "didn", "don"} | contractions


def theme_phrases(
    typical: dict[int, list[str]], texts: list[str], longest: int = 4
) -> dict[int, str]:
    """A short phrase for each theme, taken from its most typical statements.

    Candidates are the runs of two to ``longest`` words found in a theme's typical statements
    that neither start nor end with a stop word ("waiting time for appointments", "staff were
    friendly"). A phrase scores by how many of the typical statements use it, times how rare it
    is across all statements (so "the staff" loses to "staff were friendly"), with longer
    phrases preferred among equals; themes are named in the order given (largest first), and a
    theme whose best phrase is taken uses its next. A theme with no phrase used twice is named
    by its most typical statement, cut to eight words.

    Parameters
    ----------
    typical : dict
        Theme → its most typical statements, most typical first.
    texts : list of str
        Every statement (for how rare a phrase is).
    longest : int

    Returns
    -------
    dict
        Theme → label, capitalised.

    Examples
    --------
    >>> typical = {0: ["The staff were friendly and kind", "Staff were friendly",
    ...                "staff were friendly, thank you"], 1: ["Waited too long", "Long wait"]}
    >>> texts = [*typical[0], *typical[1], "The staff parked badly", "Food was cold"]
    >>> theme_phrases(typical, texts)
    {0: 'Staff were friendly', 1: 'Waited too long'}
    """
    import re

    from sklearn.feature_extraction.text import CountVectorizer

    stop = _stop_words()

    def runs(text: str) -> list[str]:
        out = []
        # A phrase never crosses punctuation: "help, support" is not the phrase "help support".
        for chunk in re.split(r"[^a-z'’\- ]+", text.lower()):
            words = chunk.split()
            for n in range(2, longest + 1):
                for i in range(len(words) - n + 1):
                    gram = words[i : i + n]
                    if gram[0] not in stop and gram[-1] not in stop:
                        out.append(" ".join(gram))
        return list(dict.fromkeys(out))

    vocab = sorted({g for docs in typical.values() for t in docs for g in runs(t)})
    if not vocab:
        return {c: _first_words(docs) for c, docs in typical.items()}
    counter = CountVectorizer(analyzer=runs, vocabulary=vocab, binary=True)
    df_all = np.asarray(counter.transform(texts).sum(axis=0)).ravel()
    index = {g: i for i, g in enumerate(vocab)}
    n = max(len(texts), 1)
    out: dict[int, str] = {}
    taken: set[str] = set()
    for c, docs in typical.items():
        uses: dict[str, int] = {}
        for t in docs:
            for g in runs(t):
                uses[g] = uses.get(g, 0) + 1
        scored = sorted(
            (
                (u * np.log(1 + n / max(df_all[index[g]], 1)) * (1 + 0.1 * len(g.split())), g)
                for g, u in uses.items()
                if u >= 2
            ),
            reverse=True,
        )
        # Two themes never share a name: a later (smaller) theme takes its next best phrase.
        fresh = [g.capitalize() for _, g in scored if g.capitalize() not in taken]
        out[c] = fresh[0] if fresh else _first_words(docs)
        taken.add(out[c])
    return out


def _first_words(docs: list[str], n: int = 8) -> str:
    """The most typical statement, cut to ``n`` words: a label when no phrase recurs.

    Its first sentence when that is two to ``n`` words, so a label ends where the writer's
    thought does: "Advice given was helpful the whole way", not "… the whole way. I…".

    >>> _first_words(["Advice given was helpful the whole way. I felt heard."])
    'Advice given was helpful the whole way'
    >>> _first_words(["I was afraid to go outside in case I met someone I knew"])
    'I was afraid to go outside in case…'
    """
    import re

    if not docs:
        return ""
    first = re.split(r"(?<=[.!?;])\s+", str(docs[0]).strip(), maxsplit=1)[0]
    words = first.split() if 2 <= len(first.split()) <= n else str(docs[0]).split()
    text = " ".join(words[:n]).rstrip(".,;:!") + ("…" if len(words) > n else "")
    return text[:1].upper() + text[1:]


def suggest_edits(
    x: np.ndarray,
    labels: np.ndarray,
    ids: dict[int, str],
    names: dict[int, str],
    merge_above: float = 0.9,
    seed: int = 0,
) -> pd.DataFrame:
    """Themes an analyst may want to merge or split, with the edit that does it.

    Merge: two themes whose centres are closer than ``merge_above`` (cosine).
    Split: a theme whose statements fall into two groups better than into one (a two-way
    k-means with a silhouette of at least 0.25, which one compact group split in two does not
    reach, and both halves at least a fifth of the theme).

    Parameters
    ----------
    x : ndarray
        L2-normalised embeddings of the statements.
    labels : ndarray
        Each statement's cluster (``-1`` for Other).
    ids, names : dict
        Cluster → theme ID (``T03``) and label.
    merge_above : float
    seed : int

    Returns
    -------
    DataFrame
        ``action, themes, edit, reason``; ``edit`` is the option for ``fairer voices themes``
        (``--merge T03,T07``, ``--split T02:2``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=8), rng.normal(size=8)
    >>> pts = np.vstack([a + 0.01 * rng.normal(size=(10, 8)), a + 0.01 * rng.normal(size=(10, 8)),
    ...                  np.vstack([b + 0.01 * rng.normal(size=(10, 8)),
    ...                             -b + 0.01 * rng.normal(size=(10, 8))])])
    >>> x = pts / np.linalg.norm(pts, axis=1, keepdims=True)
    >>> labels = np.repeat([0, 1, 2], [10, 10, 20])
    >>> s = suggest_edits(x, labels, {0: "T01", 1: "T02", 2: "T03"}, {0: "a", 1: "a2", 2: "b"})
    >>> s["edit"].tolist()
    ['--merge T01,T02', '--split T03:2']
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    rows = []
    clusters = [c for c in ids if (labels == c).sum() > 0]
    centres = {}
    for c in clusters:
        m = x[labels == c].mean(axis=0)
        centres[c] = m / max(np.linalg.norm(m), 1e-12)
    for i, a in enumerate(clusters):
        for b in clusters[i + 1 :]:
            sim = float(centres[a] @ centres[b])
            if sim >= merge_above:
                rows.append(
                    {
                        "action": "merge",
                        "themes": f"{ids[a]}, {ids[b]}",
                        "edit": f"--merge {ids[a]},{ids[b]}",
                        "reason": f"'{names[a]}' and '{names[b]}' read alike (similarity "
                        f"{sim:.2f})",
                    }
                )
    for c in clusters:
        members = x[labels == c]
        if len(members) < 20:
            continue
        halves = KMeans(2, n_init=2, random_state=seed).fit_predict(members)
        small = min(np.bincount(halves, minlength=2))
        if small < 0.2 * len(members):
            continue
        score = silhouette_score(members, halves, metric="cosine", random_state=seed)
        if score >= 0.25:
            rows.append(
                {
                    "action": "split",
                    "themes": ids[c],
                    "edit": f"--split {ids[c]}:2",
                    "reason": f"'{names[c]}' holds two distinct groups (silhouette {score:.2f})",
                }
            )
    return pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)


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
    notes : list of str
    suggestions : DataFrame
        ``action, themes, edit, reason``: themes that read alike (merge) or hold two distinct
        groups (split), with the edit to make (:func:`suggest_edits`).
    """

    themes: pd.DataFrame
    assignments: pd.DataFrame
    k: int
    notes: list[str] = field(default_factory=list)
    suggestions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=SUGGESTION_COLUMNS)
    )


def choose_k(n: int, per_theme: int = 20, max_k: int = 40) -> int:
    """How many themes to look for in ``n`` statements: about ``per_theme`` each, at most ``max_k``.

    A fixed size per theme, not a fit statistic, because the fit statistics tried picked too
    few themes: the silhouette score chose 17 themes for 581 Care Opinion stories and 31 for
    3,040 phase-1 comments, whose analysts used 40 and 44 codes, and agreement with the
    analysts (NMI) was 0.05 and 0.02 lower than with this rule (docs/benchmarks.md). An analyst's
    framework of 30-50 sub-categories is the aim; 40 keeps the list readable, and the merge
    suggestions (:func:`suggest_edits`) say which of them read alike.

    Parameters
    ----------
    n : int
        Number of statements.
    per_theme : int
        Statements per theme on average (enough for three distinct quotes above the
        disclosure threshold).
    max_k : int

    Returns
    -------
    int
        At least 1 (for fewer than two statements) and at most ``max_k``.

    Examples
    --------
    >>> choose_k(200), choose_k(581), choose_k(10_000)
    (10, 29, 40)
    """
    if n < 2:
        return 1
    return int(np.clip(n // per_theme, 2, max_k))


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
        Number of clusters; default about one per 20 statements, at most 40
        (:func:`choose_k`).
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
    k = k or choose_k(n)
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
    nearest = {}
    for c in order:
        members = np.where((labels == c) & ~other)[0]
        nearest[c] = members[np.argsort(-sim[members])]
    names = theme_phrases(
        {c: [texts[i] for i in _distinct_quotes(nearest[c], texts, 20)] for c in order}, texts
    )
    for c in order:
        members = nearest[c]
        quotes = _distinct_quotes(members, texts, 3)
        terms = phrases.get(int(c), [])
        rows.append(
            {
                "theme_id": ids[c],
                "label": names.get(c) or ", ".join(terms[:3]) or ids[c],
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
    notes = [
        f"{int(other.sum())} of {n} statements ({other.mean():.0%}) are in Other: the "
        f"{outlier_quantile:.0%} least like any theme's centre, and themes of fewer than "
        f"{min_size} statements"
    ]
    suggestions = suggest_edits(
        x, np.where(other, -1, labels), ids, {c: names.get(c, ids[c]) for c in order}, seed=seed
    )
    notes += [f"suggest {r.edit}: {r.reason}" for r in suggestions.itertuples()]
    return ThemeResult(themes, assignments, k, notes, suggestions)


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
