"""Tidy imported answers: drop non-answers, mark duplicates, make stable statement IDs.

A non-answer ("n/a", "none", "-", "did not answer") is kept as a row with status
``no answer`` so the share of people who skipped a question can be reported; it is never coded.
Identical answers to the same question are coded once: every copy after the first has status
``duplicate`` and ``duplicate_of`` pointing at the first, and still counts in every table
("keep one, count all"). A whole survey row submitted twice by one respondent is dropped.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pandas as pd

_NON_ANSWERS = {
    "",
    "n/a",
    "na",
    "n.a",
    "n a",
    "none",
    "nil",
    "no comment",
    "no comments",
    "no answer",
    "not applicable",
    "did not answer",
    "not answered",
    "blank",
    "no response",
    "prefer not to say",
    "nan",
    "null",
}


_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def normalise(text: str) -> str:
    """Lower case, unified quotes and spaces, no trailing punctuation: for comparing answers."""
    t = unicodedata.normalize("NFKC", str(text)).replace("\u2019", "'").lower()
    t = re.sub(r"\s+", " ", t).strip()
    return t.strip(" .!-–—_*?")


def is_non_answer(text: str) -> bool:
    """True for an empty answer or a stock non-answer such as "n/a" or "-"."""
    t = normalise(text)
    return t in _NON_ANSWERS or not re.search(r"[a-z0-9]", t)


def statement_id(*parts: object) -> str:
    """A short, stable ID from the statement's provenance (the same file gives the same IDs)."""
    key = "|".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def tidy_answers(answers: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Add ``status``, ``duplicate_of`` and clean ``text``; count what was found.

    Parameters
    ----------
    answers : DataFrame
        At least ``statement_id, respondent_id, question, text``.

    Returns
    -------
    (DataFrame, dict)
        The rows with ``status`` (answer, no answer, duplicate) and ``duplicate_of``, and counts
        ``answers, no_answer, duplicates, repeat_rows``.
    """
    df = answers.copy()
    # Control characters (pasted from other systems) break spreadsheets and mean nothing.
    df["text"] = (
        df["text"].fillna("").astype(str).str.replace(_CONTROL, " ", regex=True).str.strip()
    )
    before = len(df)
    df = df.drop_duplicates(["respondent_id", "question", "text", "group_name", "round"])
    repeat_rows = before - len(df)
    norm = df["text"].map(normalise)
    empty = df["text"].map(is_non_answer)
    df["status"] = "answer"
    df.loc[empty, "status"] = "no answer"
    key = df["question"].astype(str) + "\x00" + norm
    first = df[~empty].groupby(key[~empty], sort=False)["statement_id"].transform("first")
    dup = (~empty) & (first.reindex(df.index) != df["statement_id"])
    df["duplicate_of"] = pd.NA
    df.loc[dup, "duplicate_of"] = first[dup]
    df.loc[dup, "status"] = "duplicate"
    counts = {
        "answers": int((df["status"] == "answer").sum()),
        "no_answer": int(empty.sum()),
        "duplicates": int(dup.sum()),
        "repeat_rows": int(repeat_rows),
    }
    return df, counts


_HTML_TAG = re.compile(r"</?[a-zA-Z][\w:-]*(?:\s[^<>]*)?/?>")
_BLOCK_END = re.compile(
    r"<br\s*/?>|</(?:p|div|li|h[1-6]|tr|ul|ol)>|<(?:li|p|div)(?:\s[^<>]*)?>", re.I
)
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:https?://|mailto:|www\.)[^)\s]*\)")
_MD_EMPHASIS = re.compile(r"(?<![\w*])(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1(?![\w*])")


def has_markup(text: str) -> bool:
    """True when the text holds HTML tags or Markdown emphasis, links or headings."""
    t = str(text)
    return bool(
        _HTML_TAG.search(t)
        or _MD_LINK.search(t)
        or re.search(r"(\*\*|__)\S.*?\S\1|^\s*#{1,6}\s", t, re.M)
    )


def plain_text(text: str, lines: bool = False) -> str:
    """What a reader sees, without the HTML or Markdown a web page or document wrote around it.

    Parameters
    ----------
    text : str
        A cell pasted from a web page (``<p>``, ``<ul style="…">``, ``&amp;``) or written in
        Markdown (``**bold**``, ``*"quoted"*``, ``[link](https://…)``, ``# heading``).
    lines : bool
        Keep one line per paragraph or list item (to split into statements); by default the
        text is one line, list items joined by "; ".

    Returns
    -------
    str

    Examples
    --------
    >>> plain_text('<ul style="margin:0"><li>Later buses</li><li>Safer &amp; lit paths</li></ul>')
    'Later buses; Safer & lit paths'
    >>> plain_text('<p>Later buses</p><p>Lit paths</p>', lines=True)
    'Later buses\\nLit paths'
    >>> plain_text('*"The bus stops at six."* See [the map](https://example.org/map)')
    '"The bus stops at six." See the map'
    """
    import html

    t = str(text)
    if "<" in t and _HTML_TAG.search(t):
        t = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", t, flags=re.I | re.S)
        t = _BLOCK_END.sub("\n", t)
        t = _HTML_TAG.sub("", t)
    t = html.unescape(t)
    t = _MD_LINK.sub(r"\1", t)
    t = re.sub(r"^\s*#{1,6}\s+", "", t, flags=re.M)
    for _ in range(2):  # **bold *inside*** needs two passes
        t = _MD_EMPHASIS.sub(r"\2", t)
    parts = [re.sub(r"[ \t\u00a0]+", " ", p).strip() for p in t.splitlines()]
    parts = [p for p in parts if p]
    if lines:
        return "\n".join(parts)
    # Items of a list read as a list when joined; sentences simply follow one another.
    out = ""
    for p in parts:
        out += (" " if not out or out[-1] in ".!?;:," else "; ") + p if out else p
    return out
