"""Campaigns: many responses that repeat one template, with small edits.

An organised campaign (a residents' group's suggested wording, a petition pasted into the
survey) sends the same long text again and again, each copy perhaps with a sentence of its own.
Counted as independent answers, it would swamp every theme share; silently merged, it would hide
how many people put their name to it. fairer does neither: a campaign is found, counted, coded
once (its template's codes go to every copy) and reported as a campaign, with the words people
added, and every theme share says how much of it came from campaigns.

Two answers to the same question are near-duplicates when their word triples (the text's
3-word shingles) overlap with a cosine of at least ``similarity`` (0.6 by default: a 40-word
template with a 10-word sentence added scores about 0.9; independent answers on the same
subject rarely reach 0.3). Near-duplicates are linked into groups; each group's template is the
answer most like the rest, and only answers like the template itself stay in the campaign, so a
chain of loosely similar answers is never merged into one. A campaign needs ``min_responses``
responses (exact copies included) and a template of at least ``min_words`` words: a short answer
many people gave in their own words ("more buses") is a common view, not a campaign.

What a person added to the template in a run of words of their own (:func:`added_passages`)
is coded too, and its codes join the template's for that response alone: "... My son lost his
job when the bus route was cut" raises work and transport for that one person, not for the
whole campaign.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

MEMBER_COLUMNS = ["statement_id", "campaign_id", "template_id", "similarity", "added"]
CAMPAIGN_COLUMNS = [
    "campaign_id",
    "question",
    "template_id",
    "template",
    "statements",
    "edited",
    "added_words",
]
_WORD = re.compile(r"[a-z][a-z'’-]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(re.sub(r"\[[A-Z ]+\]", " ", str(text).lower()))


def _triples(text: str) -> list[str]:
    """The text's word triples ("the only warm", "only warm and" …)."""
    w = _words(text)
    return [" ".join(w[i : i + 3]) for i in range(len(w) - 2)]


#: A member repeats most of its template: this share of the template's word triples at least.
CONTAINS = 0.7


def _templates(idx, shared, cosine, sizes, weight, min_responses):
    """Templates within one group of near-copies, largest campaign first.

    A member must hold most of its template (``CONTAINS`` of the template's word triples) and
    be near it (the cosine threshold): so two different texts joined by an answer that quotes
    both are never one campaign. The template is the answer that the most responses repeat
    (of equals, the one most people sent word for word).
    """
    sub = shared[idx][:, idx].tocsr()
    contained = sub.multiply(1 / np.maximum(sizes[idx], 1)[:, None]).tocsr()
    near = cosine[idx][:, idx].tocsr()
    covers = (contained >= CONTAINS).multiply(near > 0).tocsr()
    covers.setdiag(True)
    w = weight[idx].astype(float)
    left = np.ones(len(idx), dtype=bool)
    while left.any():
        reach = covers @ (w * left)
        reach[~left] = -1
        # Ties: the wording most people sent word for word, then the shorter text.
        best = int(np.lexsort((sizes[idx], -w, -reach))[0])
        if reach[best] < min_responses:
            return
        row = covers[best].toarray().ravel().astype(bool) & left
        keep = np.flatnonzero(row)
        left[keep] = False
        yield idx[best], idx[keep], near[best].toarray().ravel()[keep]


def find_campaigns(
    answers: pd.DataFrame,
    copies: pd.Series | None = None,
    similarity: float = 0.6,
    min_responses: int = 5,
    min_words: int = 12,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group answers that repeat a template into campaigns.

    Parameters
    ----------
    answers : DataFrame
        ``statement_id, question, text``: distinct answers (one row per identical text).
    copies : Series, optional
        Responses each answer stands for (itself and its identical copies), indexed by
        ``statement_id``; default 1 each.
    similarity : float
        The least cosine between two answers' sets of word triples for them to be near-copies.
    min_responses : int
        The fewest responses (copies included) that make a campaign.
    min_words : int
        The fewest words a template has.

    Returns
    -------
    (DataFrame, DataFrame)
        Members: ``statement_id, campaign_id, template_id, similarity, added`` (the template is
        a member of its own campaign; ``added`` lists the words a member wrote that the
        template does not have). Campaigns: ``campaign_id, question, template_id, template,
        statements`` (responses, copies included), ``edited`` (responses that changed the
        wording) and ``added_words`` (the words most often added, with how many added each).

    References
    ----------
    A. Z. Broder, "On the resemblance and containment of documents", Compression and
    Complexity of Sequences, 1997 (shingling for near-duplicate documents).

    Examples
    --------
    >>> template = ("I object to the closure of the Riverside library because it is the only "
    ...             "warm and free place for families on the estate")
    >>> texts = [template, template + " and my children use it every day",
    ...          "I object to the closure of the Riverside library because it is the only warm "
    ...          "and free place for families on our estate", "More buses in the evening please"]
    >>> answers = pd.DataFrame({"statement_id": list("abcd"), "question": "Q1", "text": texts})
    >>> members, campaigns = find_campaigns(answers, pd.Series([3, 1, 1, 1], index=list("abcd")))
    >>> sorted(members["statement_id"]), int(campaigns["statements"].iat[0])
    (['a', 'b', 'c'], 5)
    >>> campaigns["added_words"].iat[0]
    'children (1), use (1), day (1)'
    """
    from scipy.sparse.csgraph import connected_components
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    weight = (
        copies.reindex(answers["statement_id"]).fillna(1).to_numpy()
        if copies is not None
        else np.ones(len(answers))
    )
    frame = answers.assign(_weight=weight).reset_index(drop=True)
    frame["_n_words"] = frame["text"].map(lambda t: len(_words(t)))
    members, campaigns = [], []
    for question, part in frame[frame["_n_words"] >= min_words].groupby("question", sort=False):
        if part["_weight"].sum() < min_responses:
            continue
        shingles = CountVectorizer(analyzer=_triples, binary=True)
        try:
            x = shingles.fit_transform(part["text"]).astype(np.float64)
        except ValueError:  # no shingles at all
            continue
        sizes = np.asarray(x.sum(axis=1)).ravel()
        shared = (x @ x.T).tocsr()  # word triples two answers share
        norms = np.sqrt(np.maximum(sizes, 1))
        cosine = shared.multiply(1 / norms[:, None]).multiply(1 / norms[None, :]).tocsr()
        cosine.data[cosine.data < similarity] = 0
        cosine.eliminate_zeros()
        n, labels = connected_components(cosine, directed=False)
        w = part["_weight"].to_numpy()
        for label in range(n):
            idx = np.flatnonzero(labels == label)
            if w[idx].sum() < min_responses:
                continue
            for centre, keep, scores in _templates(idx, shared, cosine, sizes, w, min_responses):
                cid = f"campaign {len(campaigns) + 1}"
                template = part["text"].iat[centre]
                base = set(_words(template))
                added_by: Counter = Counter()
                for j, score in zip(keep, scores, strict=True):
                    extra = list(
                        dict.fromkeys(x for x in _words(part["text"].iat[j]) if x not in base)
                    )
                    added_by.update(extra)
                    members.append(
                        {
                            "statement_id": part["statement_id"].iat[j],
                            "campaign_id": cid,
                            "template_id": part["statement_id"].iat[centre],
                            "similarity": 1.0 if j == centre else float(score),
                            "added": " ".join(extra),
                        }
                    )
                common = [(x, c) for x, c in added_by.most_common() if x not in ENGLISH_STOP_WORDS]
                campaigns.append(
                    {
                        "campaign_id": cid,
                        "question": question,
                        "template_id": part["statement_id"].iat[centre],
                        "template": template,
                        "statements": int(w[keep].sum()),
                        "edited": int(w[keep[keep != centre]].sum()),
                        "added_words": ", ".join(f"{x} ({c})" for x, c in common[:8]),
                    }
                )
    return (
        pd.DataFrame(members, columns=MEMBER_COLUMNS),
        pd.DataFrame(campaigns, columns=CAMPAIGN_COLUMNS),
    )


def added_passages(text: str, template: str, min_words: int = 4) -> str:
    """The runs of words a response adds to its campaign's template, joined by " … ".

    Words are aligned in order (:class:`difflib.SequenceMatcher` on the words, so punctuation
    and case are ignored); a run inserted or replaced counts when it has at least
    ``min_words`` words: a changed word or two ("object" for "strongly object", "pensioners
    like me" for "older people") says nothing new to code.

    Parameters
    ----------
    text : str
        The response.
    template : str
        Its campaign's template.
    min_words : int
        The fewest words in a run that is coded.

    Returns
    -------
    str
        The added runs in the response's own order and wording, or ``""``.

    Examples
    --------
    >>> template = "Keep Riverside Library open. It is the only warm place on the estate."
    >>> added_passages(template + " My son lost his job when the bus was cut.", template)
    'My son lost his job when the bus was cut'
    >>> added_passages(template.replace("only warm", "only safe"), template)
    ''
    """
    from difflib import SequenceMatcher

    def tokens(t: str) -> list[tuple[str, str]]:
        found = re.findall(r"[\w'’-]+", str(t))
        return [(w.lower(), w) for w in found]

    mine, base = tokens(text), tokens(template)
    matcher = SequenceMatcher(None, [w for w, _ in base], [w for w, _ in mine], autojunk=False)
    runs = [
        " ".join(orig for _, orig in mine[j1:j2])
        for tag, _, _, j1, j2 in matcher.get_opcodes()
        if tag in ("insert", "replace") and j2 - j1 >= min_words
    ]
    return " … ".join(runs)
