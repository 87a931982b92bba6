"""The analyst's changes to discovered themes — rename, merge, split — kept across re-runs.

Edits live in ``theme_edits.toml`` in the consultation folder, in the order they were made::

    [[edit]]
    action = "rename"            # or "merge", "split"
    themes = ["T03"]             # the themes as they were when the edit was made
    label = "Buses and getting about"
    anchors = [["9f2c…", "1a7b…"]]   # each theme's most typical statements, to find it again

A re-run can number themes differently (new statements arrive), so each edit finds its themes
again by their anchors: the theme now holding most of an old theme's anchors is that theme.
An edit whose themes cannot be found is reported and skipped, never applied to the wrong one.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError
from fairer.tabular import write_text_atomic
from fairer.voices.themes import OTHER_ID, ThemeResult, key_phrases

ACTIONS = ("rename", "merge", "split")


def read_edits(path: Path) -> list[dict]:
    """The edits in ``theme_edits.toml`` (none if the file does not exist)."""
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FairerError(f"invalid TOML ({exc})", path=path) from None
    edits = data.get("edit", [])
    for i, e in enumerate(edits, start=1):
        if e.get("action") not in ACTIONS:
            raise FairerError(f"edit {i}: action must be one of {', '.join(ACTIONS)}", path=path)
        if not e.get("themes"):
            raise FairerError(f"edit {i}: no themes named", path=path)
    return edits


def _q(v: str) -> str:
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_edits(path: Path, edits: list[dict]) -> None:
    """Write edits back (atomically), in order."""
    lines = ["# Analyst edits to discovered themes, applied in order on every run.", ""]
    for e in edits:
        lines.append("[[edit]]")
        lines.append(f"action = {_q(e['action'])}")
        lines.append("themes = [" + ", ".join(_q(t) for t in e["themes"]) + "]")
        if e.get("label"):
            lines.append(f"label = {_q(e['label'])}")
        if e.get("into"):
            lines.append(f"into = {int(e['into'])}")
        anchors = e.get("anchors", [])
        lines.append(
            "anchors = ["
            + ", ".join("[" + ", ".join(_q(a) for a in grp) + "]" for grp in anchors)
            + "]"
        )
        lines.append("")
    write_text_atomic(path, "\n".join(lines))


def anchors_of(result: ThemeResult, theme_id: str, n: int = 5) -> list[str]:
    """The ``n`` statements most typical of a theme (highest similarity to its centre)."""
    a = result.assignments
    members = a[a["theme_id"] == theme_id].sort_values("similarity", ascending=False)
    if members.empty:
        raise FairerError(f"no theme '{theme_id}' (themes: {', '.join(result.themes['theme_id'])})")
    return members["statement_id"].head(n).tolist()


def _find(result: ThemeResult, name: str, anchors: list[str]) -> str | None:
    a = result.assignments
    if anchors:
        hits = a[a["statement_id"].isin(anchors)]["theme_id"].value_counts()
        if len(hits) and hits.iloc[0] * 2 > len(anchors):
            return str(hits.index[0])
        return None
    return name if name in set(a["theme_id"]) else None


def apply_edits(
    result: ThemeResult,
    edits: list[dict],
    texts: pd.Series,
    embeddings: np.ndarray | None,
    seed: int = 0,
) -> tuple[ThemeResult, list[str]]:
    """Apply the analyst's edits in order; return the edited result and notes on skipped edits.

    Parameters
    ----------
    texts : Series
        Statement text indexed by statement_id (for relabelling merged or split themes).
    embeddings : ndarray, optional
        Rows aligned with ``result.assignments`` (needed to split a theme).
    """
    notes: list[str] = []
    themes = result.themes.copy()
    a = result.assignments.copy()
    for i, e in enumerate(edits, start=1):
        anchors = e.get("anchors") or [[] for _ in e["themes"]]
        found = [
            _find(ThemeResult(themes, a, result.k), t, anc)
            for t, anc in zip(e["themes"], anchors, strict=False)
        ]
        if any(f is None for f in found) or OTHER_ID in found and e["action"] != "rename":
            notes.append(
                f"edit {i} ({e['action']} {', '.join(e['themes'])}) skipped: theme not found in this run"
            )
            continue
        if e["action"] == "rename":
            themes.loc[themes["theme_id"] == found[0], "label"] = e["label"]
        elif e["action"] == "merge":
            keep = found[0]
            a.loc[a["theme_id"].isin(found), "theme_id"] = keep
            themes = themes[~themes["theme_id"].isin(found[1:])].copy()
            themes.loc[themes["theme_id"] == keep, "statements"] = int(
                (a["theme_id"] == keep).sum()
            )
            if e.get("label"):
                themes.loc[themes["theme_id"] == keep, "label"] = e["label"]
        elif e["action"] == "split":
            themes, a = _split(themes, a, found[0], int(e.get("into", 2)), texts, embeddings, seed)
    a["label"] = a["theme_id"].map(themes.set_index("theme_id")["label"])
    return ThemeResult(themes.reset_index(drop=True), a, result.k, result.notes), notes


def _split(themes, a, theme_id, into, texts, embeddings, seed):
    from sklearn.cluster import KMeans

    if embeddings is None:
        raise FairerError("splitting a theme needs the statements' embeddings")
    idx = np.where(a["theme_id"].to_numpy() == theme_id)[0]
    into = max(2, min(into, len(idx)))
    sub = KMeans(into, n_init=4, random_state=seed).fit_predict(embeddings[idx])
    sids = a["statement_id"].to_numpy()
    phrases = key_phrases([str(texts.get(s, "")) for s in sids[idx]], sub)
    rows = []
    for part in range(into):
        new_id = f"{theme_id}.{part + 1}"
        members = idx[sub == part]
        a.loc[a.index[members], "theme_id"] = new_id
        order = members[np.argsort(-a["similarity"].to_numpy()[members])]
        terms = phrases.get(part, [])
        rows.append(
            {
                "theme_id": new_id,
                "label": ", ".join(terms[:3]) or new_id,
                "key_phrases": "; ".join(terms),
                "statements": len(members),
                "quotes": [sids[j] for j in order[:3]],
            }
        )
    pos = themes.index[themes["theme_id"] == theme_id][0]
    themes = pd.concat(
        [themes.loc[: pos - 1], pd.DataFrame(rows), themes.loc[pos + 1 :]], ignore_index=True
    )
    return themes, a
