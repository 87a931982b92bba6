"""Consultation-level steps behind ``fairer voices code|themes``: read the store, run, write back.

Each step reads the consultation's statements, runs the method, and replaces its results in
the store in one transaction, then writes its tables to ``output/`` atomically.
Duplicates (the same answer to the same question) are coded once and the result copied to
every copy, so counts include them all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.publish import protect, write_outputs
from fairer.store import open_store, queries
from fairer.tabular import atomic_path
from fairer.voices.codebook import Codebook, load_codebook
from fairer.voices.coding import CodingResult, agreement_scores, code_statements, label_matrix
from fairer.voices.edits import apply_edits, read_edits
from fairer.voices.embed import check_model_folder, get_embedder
from fairer.voices.review import NO_THEME, read_corrections, review_sample, write_review
from fairer.voices.themes import ThemeResult, discover_themes
from fairer.voices.workspace import SETTINGS_FILE, Consultation, open_consultation
from fairer.wording import plural


def answers(cons: Consultation) -> pd.DataFrame:
    """Statements to analyse: answers only (no blanks, one of each duplicate)."""
    return cons.read(queries.answers)


def embeddings_for(
    cons: Consultation, texts: list[str], representation: str = "auto", progress=None
) -> tuple[np.ndarray, str]:
    """Embeddings of ``texts``, cached in the consultation folder by text and representation."""
    embedder = get_embedder(representation)
    if embedder.name == "lsa":  # fitted to the corpus: nothing to cache
        return embedder.encode(texts, progress), embedder.name
    cache = cons.folder / ".cache" / f"embeddings-{embedder.cache_key}.npz"
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache) as z:
            known = dict(zip(z["keys"].tolist(), z["vectors"], strict=True))
    todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    if todo:
        vectors = embedder.encode([t for _, t in todo], progress)
        known.update({k: v for (k, _), v in zip(todo, vectors, strict=True)})
        cache.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(cache) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, keys=np.array(list(known)), vectors=np.array(list(known.values())))
    elif progress:
        progress(len(texts), len(texts))
    return np.array([known[k] for k in keys]).reshape(len(texts), -1), embedder.name


#: Up to this many statements, ``auto`` codes and finds themes with MiniLM when it is installed
#: (about 20 s per 2,000 statements on two cores, embedded once and cached for both); beyond
#: it, WordLlama keeps a run under a minute.
MINILM_CODING_LIMIT = 3000


def own_model(cons: Consultation, representation: str = "auto") -> Path | None:
    """The consultation's own model folder, checked, when ``auto`` is to use it."""
    if representation != "auto" or cons.model is None:
        return None
    return check_model_folder(cons.model, cons.folder / SETTINGS_FILE)


def choose_representation(representation: str, task: str, n: int, model: Path | None = None) -> str:
    """What ``auto`` means for a task, from the measurements in docs/benchmarks.md.

    The consultation's own model (``model`` in ``voices.toml``) when it has one; else MiniLM
    where installed and the consultation is not huge, else the default (WordLlama).
    For coding MiniLM agrees best with the analyst; for themes it matched the analysts' codes
    as well as WordLlama on NHS phase 2 and Care Opinion stories and better on phase 1 (NMI
    0.309 against 0.294), and coding has already embedded the statements with it.

    Parameters
    ----------
    representation : str
        What the user asked for; anything but ``auto`` is returned as it is.
    task : str
        ``code`` or ``themes``.
    n : int
        Number of statements.
    model : Path, optional
        The folder of the consultation's own sentence-transformers model.

    Returns
    -------
    str

    Examples
    --------
    >>> choose_representation("lsa", "code", 10)
    'lsa'
    >>> choose_representation("auto", "code", 10, model=Path("/srv/models/mpnet"))
    '/srv/models/mpnet'
    """
    from fairer.voices.embed import available

    if representation != "auto":
        return representation
    if model is not None:
        return str(model)
    if task in ("code", "themes") and "minilm" in available() and n <= MINILM_CODING_LIMIT:
        return "minilm"
    return available()[0]


def _need_statements(cons: Consultation, stmts: pd.DataFrame) -> None:
    if stmts.empty:
        from fairer.errors import FairerError

        raise FairerError(
            "no answers to analyse yet (blank and 'n/a' answers are not coded); "
            "import a survey or notes with `fairer voices import`",
            path=cons.folder,
        )


def codebook_for(cons: Consultation, spec: str | None = None) -> Codebook:
    """The codebook named in ``voices.toml`` (or ``spec``); ``framework`` uses the place's."""
    spec = spec or cons.codebook
    framework = None
    if spec == "framework" and cons.place is not None:
        from fairer.framework.model import load_framework

        framework = load_framework(cons.place.framework)
    if (
        spec not in ("framework",)
        and not Path(spec).is_absolute()
        and (cons.folder / spec).exists()
    ):
        spec = str(cons.folder / spec)
    return load_codebook(spec, framework=framework)


@dataclass
class CodingRun:
    """What ``code_consultation`` did."""

    result: CodingResult
    codebook: Codebook
    statements: int
    labelled: int
    before: dict = field(default_factory=dict)
    review_file: Path | None = None
    output: Path | None = None
    representation: str = ""

    def summary_lines(self) -> list[str]:
        """What the run did, for ``fairer voices code``."""
        r = self.result
        coded = r.codes["statement_id"].nunique()
        lines = [
            f"coded {self.statements:,} distinct statements against '{self.codebook.title}' ({r.method})",
            f"  {coded:,} given at least one theme; {self.statements - coded:,} none",
        ]
        if self.representation:
            lines.append(f"  text representation: {self.representation}")
        if self.before:
            lines.append(
                f"  agreement on your review, before learning: samples-F1 {self.before['samples_f1']:.2f}"
            )
        if r.agreement:
            a = r.agreement
            lines.append(
                f"  agreement with {a['labelled']:,} labels, cross-validated: samples-F1 "
                f"{a['samples_f1']:.2f}, macro-F1 {a['macro_f1']:.2f}"
            )
            if "codes_per_statement" in a:
                lines.append(
                    f"  codes per answer: fairer {a['codes_per_statement']:.2f}, "
                    f"analyst {a['labels_per_statement']:.2f}"
                )
            by = r.agreement_by_theme
            if len(by) and (by["scope"] == "consultation").any():
                o = by[by["scope"] == "consultation"].iloc[0]
                low = int(by.loc[by["scope"] == "theme", "low"].sum())
                lines.append(
                    f"  Krippendorff's alpha {o['value']:.2f} (95% {o['lowercl']:.2f} to "
                    f"{o['uppercl']:.2f}); low agreement on {plural(low, 'theme')}"
                )
        lines.append(f"codes: {self.output}")
        if self.review_file:
            lines.append(
                f"review: {self.review_file} (fill in 'analyst themes', then --corrections)"
            )
        return lines


def _copy_to_duplicates(
    cons: Consultation, rows: pd.DataFrame, labels: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Copies take their original's codes, except a copy the analyst labelled: it keeps its own."""
    dups = cons.read(queries.duplicates)
    extra = rows.merge(
        dups, left_on="statement_id", right_on="duplicate_of", suffixes=("_orig", "")
    )
    extra = extra.drop(columns=["statement_id_orig", "duplicate_of"])
    if labels is not None and len(labels) and "method" in rows:
        labelled = set(labels["statement_id"]) & set(dups["statement_id"])
        own = labels[labels["statement_id"].isin(labelled) & (labels["theme"] != NO_THEME)]
        extra = pd.concat(
            [
                extra[~extra["statement_id"].isin(labelled)],
                own.assign(confidence=1.0, method="analyst"),
            ],
            ignore_index=True,
        )
    return pd.concat([rows, extra[rows.columns]], ignore_index=True)


def campaign_additions(
    edits: pd.DataFrame, everything: pd.DataFrame, labels: pd.DataFrame, min_words: int = 4
) -> pd.DataFrame:
    """What people added to a campaign's template, as statements to code on their own.

    A campaign is coded once, from its template; a response that adds a run of
    ``min_words`` words or more (:func:`fairer.voices.campaigns.added_passages`) also has that
    run coded, and its codes go to that response and its identical copies only. A response the
    analyst labelled keeps the analyst's labels instead.

    Parameters
    ----------
    edits : DataFrame
        :func:`fairer.store.queries.campaign_edits`.
    everything : DataFrame
        Every statement: ``statement_id, status, duplicate_of``.
    labels : DataFrame
        The analyst's labels (``statement_id``).
    min_words : int

    Returns
    -------
    DataFrame
        ``statement_id`` (the response's ID with ``~added``), ``respondent_id, question,
        group_name, kind, text`` (the added words) and ``for_statements`` (the response and
        its copies).

    Examples
    --------
    >>> t = "Keep Riverside Library open, it is the only warm place on the estate for us"
    >>> edits = pd.DataFrame({"statement_id": ["s2"], "template_id": ["s1"],
    ...     "respondent_id": ["p2"], "question": ["Q1"], "group_name": [None], "kind": ["answer"],
    ...     "text": [t + ". My son lost his job when the bus was cut."], "template": [t]})
    >>> everything = pd.DataFrame({"statement_id": ["s1", "s2", "s3"],
    ...     "status": ["answer", "answer", "duplicate"], "duplicate_of": [None, None, "s2"]})
    >>> added = campaign_additions(edits, everything, pd.DataFrame(columns=["statement_id"]))
    >>> added[["statement_id", "text", "for_statements"]].to_dict("records")
    [{'statement_id': 's2~added', 'text': 'My son lost his job when the bus was cut', \
'for_statements': ['s2', 's3']}]
    """
    from fairer.voices.campaigns import added_passages

    cols = ["statement_id", "respondent_id", "question", "group_name", "kind", "text"]
    if edits.empty:
        return pd.DataFrame(columns=[*cols, "for_statements"])
    labelled = set(labels["statement_id"])
    copies = everything[everything["status"] == "duplicate"].groupby("duplicate_of")["statement_id"]
    copies_of = copies.apply(list).to_dict()
    out = edits.assign(
        text=[
            added_passages(t, tpl, min_words)
            for t, tpl in zip(edits["text"], edits["template"], strict=True)
        ]
    )
    out = out[(out["text"] != "") & ~out["statement_id"].isin(labelled)]
    out = out.assign(
        for_statements=[
            [sid, *[c for c in copies_of.get(sid, []) if c not in labelled]]
            for sid in out["statement_id"]
        ],
        statement_id=out["statement_id"] + "~added",
    )
    return out[[*cols, "for_statements"]].reset_index(drop=True)


def _codes_of_additions(codes: pd.DataFrame, added: pd.DataFrame) -> pd.DataFrame:
    """The codes of what people added, given to each response that added it (and its copies)."""
    mine = codes[codes["statement_id"].isin(added["statement_id"])]
    to = added.set_index("statement_id")["for_statements"].explode().rename("target")
    mine = mine.join(to, on="statement_id")
    return mine.assign(statement_id=mine["target"]).drop(columns="target")[codes.columns]


def learning_labels(
    labels: pd.DataFrame, everything: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every label the analyst gave, as examples the coder can learn from.

    A label on a copy of an earlier answer becomes an example on the original's text (the coder
    codes each distinct answer once), kept as an example of its own so it counts as often as it
    was given. Labels on blank and stock non-answers cannot teach the text model; they are
    returned apart, for :func:`no_answer_codes`.

    Parameters
    ----------
    labels : DataFrame
        ``statement_id, theme``: the analyst's labels.
    everything : DataFrame
        Every statement: ``statement_id, respondent_id, status, duplicate_of``.

    Returns
    -------
    examples : DataFrame
        ``statement_id`` (the text to learn from), ``theme``, ``example`` (the statement
        labelled) and ``group`` (its respondent).
    on_blanks : DataFrame
        ``statement_id, theme`` of labels given to non-answers.
    """
    info = everything.set_index("statement_id")
    lab = labels[labels["statement_id"].isin(info.index)]
    status = lab["statement_id"].map(info["status"])
    original = lab["statement_id"].map(info["duplicate_of"])
    examples = pd.DataFrame(
        {
            "statement_id": original.where(status == "duplicate", lab["statement_id"]),
            "theme": lab["theme"],
            "example": lab["statement_id"],
            "group": lab["statement_id"].map(info["respondent_id"]).fillna(lab["statement_id"]),
        }
    )[status != "no answer"]
    return examples.reset_index(drop=True), lab[status == "no answer"][["statement_id", "theme"]]


#: A theme the analyst gives to at least this share of the non-answers they labelled is given
#: to every other non-answer (e.g. "Labelling not possible").
NO_ANSWER_SHARE = 0.5


def no_answer_codes(on_blanks: pd.DataFrame, everything: pd.DataFrame) -> pd.DataFrame:
    """Codes for blank and stock non-answers, from how the analyst labelled such answers.

    Labelled non-answers keep their labels. The others get each theme the analyst gave to at
    least :data:`NO_ANSWER_SHARE` of the labelled ones, with that share as confidence; with no
    such labels, non-answers stay uncoded (they are counted as "no answer").

    Parameters
    ----------
    on_blanks : DataFrame
        ``statement_id, theme``: the analyst's labels on non-answers.
    everything : DataFrame
        Every statement, with ``statement_id`` and ``status``.

    Returns
    -------
    DataFrame
        ``statement_id, theme, confidence, method``.
    """
    cols = ["statement_id", "theme", "confidence", "method"]
    blanks = everything.loc[everything["status"] == "no answer", "statement_id"]
    if on_blanks.empty or blanks.empty:
        return pd.DataFrame(columns=cols)
    given = on_blanks[on_blanks["theme"] != NO_THEME].assign(confidence=1.0, method="analyst")
    share = (
        on_blanks.groupby("theme")["statement_id"].nunique() / on_blanks["statement_id"].nunique()
    )
    rule = share[(share >= NO_ANSWER_SHARE) & (share.index != NO_THEME)]
    rest = blanks[~blanks.isin(set(on_blanks["statement_id"]))]
    ruled = pd.DataFrame(
        [(sid, theme, float(p), "no-answer rule") for sid in rest for theme, p in rule.items()],
        columns=cols,
    )
    return pd.concat([given[cols], ruled], ignore_index=True)


def code_consultation(
    folder: str | Path,
    codebook: str | None = None,
    corrections: str | Path | None = None,
    representation: str = "auto",
    review_size: int = 100,
    seed: int = 0,
    progress=None,
) -> CodingRun:
    """Code the consultation's statements; learn from corrections; write a review sample.

    Parameters
    ----------
    folder : path-like
        The consultation (or place) folder.
    codebook : str, optional
        Template name, ``framework`` or file; default: ``voices.toml``'s ``codebook``.
    corrections : path-like, optional
        A reviewed workbook from an earlier run. Its labels are stored (replacing earlier labels
        of the same statements); the earlier codes are scored against them ("before"), then the
        coder learns from every label so far.
    review_size : int
        How many statements to put in the next review workbook (0: none).
    """
    cons = open_consultation(folder)
    book = codebook_for(cons, codebook)
    stmts = answers(cons)
    _need_statements(cons, stmts)
    everything = cons.read(queries.statements, True)
    before: dict = {}
    store = open_store(cons.store_path)
    try:
        with store.transaction():
            if corrections is not None:
                # Any statement may be labelled: a copy of an earlier answer, or a blank.
                new = read_corrections(corrections, book, set(everything["statement_id"]))
                before = _score_previous(store, new, book)
                path = Path(corrections)
                from fairer.provenance import sha256_of

                sid = store.register_source(
                    "voices-review", path, sha256_of(path), detail="analyst corrections"
                )
                queries.replace_labels(store, new.assign(source_id=sid))
            labels = queries.analyst_labels(store)
    finally:
        store.close()
    examples, on_blanks = learning_labels(labels, everything)
    added = campaign_additions(cons.read(queries.campaign_edits), everything, labels)
    to_code = pd.concat([stmts, added[stmts.columns]], ignore_index=True)
    rep = choose_representation(
        representation, "code", len(to_code), own_model(cons, representation)
    )
    x, rep = embeddings_for(cons, to_code["text"].tolist(), rep, progress)
    result = code_statements(to_code, book, examples, representation=rep, embeddings=x)
    own = result.codes[~result.codes["statement_id"].isin(added["statement_id"])]
    codes = pd.concat(
        [
            _copy_to_duplicates(cons, own, labels),
            _codes_of_additions(result.codes, added),
            no_answer_codes(on_blanks, everything),
        ],
        ignore_index=True,
    ).drop_duplicates(["statement_id", "theme"])
    labelled = int(labels["statement_id"].nunique())
    store = open_store(cons.store_path)
    try:
        with store.transaction():
            queries.replace_codes(store, codes)
            rnd = queries.next_coding_round(store)
            now = datetime.now(UTC).replace(tzinfo=None)
            for measured_on, scores in (
                ("review, before learning", before),
                ("cross-validated", result.agreement),
            ):
                if scores:
                    queries.add_coding_round(
                        store,
                        {
                            "round": rnd,
                            "run_at": now,
                            "codebook": book.title,
                            "method": result.method,
                            "labelled": scores["labelled"]
                            if measured_on == "review, before learning"
                            else labelled,
                            "measured_on": measured_on,
                            "samples_f1": scores["samples_f1"],
                            "macro_f1": scores["macro_f1"],
                        },
                    )
            queries.add_coding_agreement(store, rnd, result.agreement_by_theme)
    finally:
        store.close()
    run = CodingRun(result, book, len(stmts), labelled, before, representation=rep)
    table = protect(_codes_table(stmts, codes), cons.disclosure_threshold)
    run.output = write_outputs({"coded_statements": table}, cons.output_dir, ("csv",))[
        "coded_statements.csv"
    ]
    if review_size > 0:
        sample = review_sample(
            stmts,
            result.codes,
            result.scores,
            review_size,
            seed,
            exclude=set(labels["statement_id"]),
        )
        if len(sample):
            cons.review_dir.mkdir(parents=True, exist_ok=True)
            run.review_file = write_review(sample, book, cons.review_dir / "review.xlsx")
    return run


def _codes_table(stmts: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    given = codes.groupby("statement_id").agg(
        themes=("theme", lambda t: "; ".join(t)), confidence=("confidence", "max")
    )
    out = stmts[["statement_id", "respondent_id", "question", "text"]].join(
        given, on="statement_id"
    )
    out["themes"] = out["themes"].fillna("")
    return out


def _score_previous(store, new: pd.DataFrame, book: Codebook) -> dict:
    """Agreement between the codes the analyst saw and the analyst's corrections."""
    if new.empty:
        return {}
    ids = list(new["statement_id"].unique())
    old = queries.codes_for(store, ids)
    if old.empty:
        return {}
    truth, _ = label_matrix(ids, new, book)
    pred, _ = label_matrix(ids, old, book)
    return agreement_scores(truth, pred)


def coding_history(folder: str | Path) -> pd.DataFrame:
    """Agreement with the analyst, round by round."""
    cons = open_consultation(folder)
    return cons.read(queries.coding_rounds)


@dataclass
class ThemesRun:
    """What ``theme_consultation`` did."""

    result: ThemeResult
    notes: list[str]
    output: Path | None = None


def theme_consultation(
    folder: str | Path,
    k: int | None = None,
    seed: int = 0,
    representation: str = "auto",
    progress=None,
) -> ThemesRun:
    """Discover themes in the consultation's statements and apply the analyst's edits."""
    cons = open_consultation(folder)
    stmts = answers(cons)
    _need_statements(cons, stmts)
    rep = choose_representation(
        representation, "themes", len(stmts), own_model(cons, representation)
    )
    x, rep = embeddings_for(cons, stmts["text"].tolist(), rep, progress)
    result = discover_themes(
        stmts, k=k, seed=seed, representation=rep, embeddings=x, min_size=cons.disclosure_threshold
    )
    texts = stmts.set_index("statement_id")["text"]
    result, notes = apply_edits(result, read_edits(cons.theme_edits_path), texts, x, seed)
    assign = _copy_to_duplicates(cons, result.assignments)
    store = open_store(cons.store_path)
    try:
        with store.transaction():
            queries.replace_themes(store, assign)
    finally:
        store.close()
    table = result.themes.assign(
        quotes=result.themes["quotes"].map(lambda q: "; ".join(texts.get(s, "") for s in q))
    )
    out = write_outputs(
        {"discovered_themes": protect(table, cons.disclosure_threshold)}, cons.output_dir, ("csv",)
    )["discovered_themes.csv"]
    return ThemesRun(result, result.notes + notes, out)


def _current_themes(cons: Consultation) -> ThemeResult:
    a = cons.read(queries.statement_themes)
    if a.empty:
        from fairer.errors import FairerError

        raise FairerError(
            "no themes yet: run `fairer voices themes` before editing them", path=cons.folder
        )
    themes = a.groupby(["theme_id", "label"]).size().reset_index(name="statements")
    return ThemeResult(themes, a, len(themes))


def record_theme_edits(
    folder: str | Path, rename: list[str], merge: list[str], split: list[str]
) -> list[str]:
    """Add rename/merge/split edits (CLI syntax) to ``theme_edits.toml``, anchored to this run.

    ``rename``: ``T03=New label``; ``merge``: ``T04,T07`` or ``T04,T07=Label``; ``split``: ``T02:3``.
    """
    from fairer.errors import FairerError
    from fairer.voices.edits import anchors_of, write_edits

    cons = open_consultation(folder)
    current = _current_themes(cons)
    edits = read_edits(cons.theme_edits_path)
    done = []
    for item in rename:
        theme, sep, label = item.partition("=")
        if not sep or not label.strip():
            raise FairerError(f"--rename needs THEME=label, not '{item}'")
        edits.append(
            {
                "action": "rename",
                "themes": [theme.strip()],
                "label": label.strip(),
                "anchors": [anchors_of(current, theme.strip())],
            }
        )
        done.append(f"rename {theme.strip()} → {label.strip()}")
    for item in merge:
        names, _, label = item.partition("=")
        themes = [t.strip() for t in names.split(",") if t.strip()]
        if len(themes) < 2:
            raise FairerError(f"--merge needs two or more themes, not '{item}'")
        edits.append(
            {
                "action": "merge",
                "themes": themes,
                "label": label.strip(),
                "anchors": [anchors_of(current, t) for t in themes],
            }
        )
        done.append(f"merge {', '.join(themes)}")
    for item in split:
        theme, _, n = item.partition(":")
        if not n.strip().isdigit() or int(n) < 2:
            raise FairerError(f"--split needs THEME:N with N ≥ 2, not '{item}'")
        edits.append(
            {
                "action": "split",
                "themes": [theme.strip()],
                "into": int(n),
                "anchors": [anchors_of(current, theme.strip())],
            }
        )
        done.append(f"split {theme.strip()} into {n}")
    write_edits(cons.theme_edits_path, edits)
    return [f"recorded: {d}" for d in done] + [f"edits: {cons.theme_edits_path}"]
