"""The analyst's correction loop: export a sample to review, read the corrections back.

The sample favours statements the coder is least sure of (uncertainty sampling: the smallest
margin between the top theme and the threshold), spread across themes, with a fixed seed.
The analyst writes the right themes in the ``analyst themes`` column (several separated by
``;``; ``none`` for a statement that fits no theme) and leaves rows blank to skip them. On
import, the rows are checked against the codebook (an unknown theme is named with its row and
the nearest real name), stored as labels, and the coder's agreement with the analyst on those
rows, before it learnt from them, is recorded: the correction round's "before" figure.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError
from fairer.tabular import atomic_path, neutralise_formulas, restore_formulas
from fairer.voices.codebook import Codebook

ANALYST_COLUMN = "analyst themes"
NONE_WORDS = {"none", "no theme", "-"}
#: Stored for a statement the analyst says fits no theme (a labelled negative).
NO_THEME = "(none)"


def review_sample(
    statements: pd.DataFrame,
    codes: pd.DataFrame,
    scores: pd.DataFrame,
    n: int = 200,
    seed: int = 0,
    exclude: set[str] | None = None,
) -> pd.DataFrame:
    """Pick ``n`` statements for the analyst: half the least certain, half spread at random."""
    exclude = exclude or set()
    pool = statements[~statements["statement_id"].isin(exclude)].reset_index(drop=True)
    if pool.empty:
        return pool.assign(**{"coded themes": [], "confidence": [], ANALYST_COLUMN: []})
    s = scores.set_index("statement_id").reindex(pool["statement_id"]).fillna(0).to_numpy()
    top = np.sort(s, axis=1)[:, ::-1]
    margin = np.abs(top[:, 0] - 0.5) if top.shape[1] else np.zeros(len(pool))
    if top.shape[1] > 1:
        margin = np.minimum(margin, top[:, 0] - top[:, 1])
    n = min(n, len(pool))
    unsure = list(np.argsort(margin, kind="stable")[: n // 2])
    rng = np.random.default_rng(seed)
    rest = [i for i in rng.permutation(len(pool)) if i not in set(unsure)][: n - len(unsure)]
    chosen = pool.iloc[sorted(unsure + rest)].copy()
    given = codes.groupby("statement_id")["theme"].apply(lambda t: "; ".join(t))
    conf = codes.groupby("statement_id")["confidence"].max()
    chosen["coded themes"] = chosen["statement_id"].map(given).fillna("")
    chosen["confidence"] = chosen["statement_id"].map(conf).round(2)
    chosen[ANALYST_COLUMN] = ""
    return chosen


def write_review(sample: pd.DataFrame, codebook: Codebook, path: str | Path) -> Path:
    """Write the review workbook: the sample, and a sheet listing the codebook's themes."""
    path = Path(path)
    cols = ["statement_id", "question", "text", "coded themes", "confidence", ANALYST_COLUMN]
    themes = pd.DataFrame(
        {"theme": codebook.names, "description": [t.description for t in codebook.themes]}
    )
    guide = pd.DataFrame(
        {
            "how to review": [
                f"Write the right themes for each statement in '{ANALYST_COLUMN}', separated by ';'.",
                "Copy theme names from the 'themes' sheet exactly; write 'none' if no theme fits.",
                "Leave a row blank to skip it. Do not change statement_id.",
                "Then: fairer voices code FOLDER --corrections THIS_FILE",
            ]
        }
    )
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xl:
        neutralise_formulas(sample[[c for c in cols if c in sample]]).to_excel(
            xl, sheet_name="review", index=False
        )
        neutralise_formulas(themes).to_excel(xl, sheet_name="themes", index=False)
        neutralise_formulas(guide).to_excel(xl, sheet_name="how to review", index=False)
    return path


def read_corrections(path: str | Path, codebook: Codebook, known_ids: set[str]) -> pd.DataFrame:
    """Read a reviewed workbook or CSV into ``statement_id, theme`` rows (``none`` → ``(none)``).

    Raises
    ------
    FairerError
        If the file lacks the columns, names an unknown statement, or an unknown theme.
    """
    path = Path(path)
    if not path.exists():
        raise FairerError("file not found", path=path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            df = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False)
        else:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as exc:  # readers raise many types; one line for the user
        raise FairerError(f"cannot read corrections ({type(exc).__name__})", path=path) from None
    df = restore_formulas(df)
    for col in ("statement_id", ANALYST_COLUMN):
        if col not in df.columns:
            raise FairerError(f"no '{col}' column", path=path, column=col)
    names = {n.lower(): n for n in codebook.names}
    rows = []
    for i, (sid, value) in enumerate(
        zip(df["statement_id"].str.strip(), df[ANALYST_COLUMN].str.strip(), strict=True), start=2
    ):
        if not value:
            continue
        if sid not in known_ids:
            raise FairerError(
                f"statement '{sid}' is not in this consultation",
                path=path,
                row=i,
                column="statement_id",
            )
        if value.lower() in NONE_WORDS:
            rows.append((sid, NO_THEME))
            continue
        for part in (p.strip() for p in value.split(";")):
            if not part:
                continue
            if part.lower() not in names:
                near = difflib.get_close_matches(part, codebook.names, n=1)
                hint = f"; did you mean '{near[0]}'?" if near else ""
                raise FairerError(
                    f"'{part}' is not a theme in the codebook{hint}",
                    path=path,
                    row=i,
                    column=ANALYST_COLUMN,
                )
            rows.append((sid, names[part.lower()]))
    return pd.DataFrame(rows, columns=["statement_id", "theme"]).drop_duplicates()
