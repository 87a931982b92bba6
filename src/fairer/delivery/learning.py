"""The learning log: what we tried, what happened, what worked — and what did not, and why.

An entry may cite the evaluations that back it (their ids in ``evaluations``), so a lesson
rests on evidence the report shows, not on a claim alone.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fairer.delivery.dates import parse_date
from fairer.errors import FairerError
from fairer.tabular import atomic_path, neutralise_formulas, read_table, write_text_atomic

COLUMNS = [
    "entry_id",
    "date",
    "tried",
    "happened",
    "worked",
    "did_not_work",
    "why",
    "evidence",
    "actions",
    "measures",
    "areas",
    "tags",
    "evaluations",
]
#: ``evaluations`` cites evaluations by id (``EV-01, EV-02``): the progress report shows what
#: each found beside the entry, and an id the place does not list is reported.


def read_learning_log(path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """Read a learning log (XLSX, CSV or YAML); returns the entries and any problems found.

    Parameters
    ----------
    path : path-like
        XLSX, CSV or YAML.

    Returns
    -------
    (DataFrame, list of str)
        The entries, and one message per problem found.

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> data = example_place().parent / 'data'
    >>> log, messages = read_learning_log(next(data.glob('learning_log_*.xlsx')))
    >>> (log['did_not_work'] != '').any()
    np.True_
    """
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        df = pd.DataFrame(
            [{k: ", ".join(v) if isinstance(v, list) else v for k, v in i.items()} for i in items]
        )
    else:
        df = read_table(path, thousands=None)
    if "tried" not in df:
        raise FairerError("a learning log needs at least a 'tried' column", path=path)
    out = pd.DataFrame({c: df.get(c, "") for c in COLUMNS})
    for c in COLUMNS:
        if c != "date":
            out[c] = out[c].astype("string").fillna("").astype(str).str.strip()
    messages, dates = [], []
    for i, v in out["date"].items():
        try:
            dates.append(parse_date(v))
        except ValueError as exc:
            messages.append(f"{path.name}: row {i + 2}, column 'date': {exc}")
            dates.append(None)
    out["date"] = dates
    empty = out["entry_id"] == ""
    out.loc[empty, "entry_id"] = [f"L{i + 1}" for i in out.index[empty]]
    no_failure = (out["did_not_work"] == "").sum()
    if len(out) and no_failure == len(out):
        messages.append(
            f"{path.name}: no entry says what did not work; the report shows challenges next to successes"
        )
    return out, messages


def write_learning_log(entries: pd.DataFrame, path: str | Path) -> Path:
    """Write the log as XLSX, CSV or YAML, atomically.

    Parameters
    ----------
    entries : DataFrame
        The log's columns (:data:`COLUMNS`).
    path : path-like
        ``.xlsx``, ``.csv`` or ``.yaml``.

    Returns
    -------
    Path

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> import tempfile, pathlib
    >>> data = example_place().parent / 'data'
    >>> log, _ = read_learning_log(next(data.glob('learning_log_*.xlsx')))
    >>> len(read_learning_log(write_learning_log(log, pathlib.Path(tempfile.mkdtemp()) / 'log.csv'))[0]) == len(log)
    True
    """
    path = Path(path)
    out = entries.copy()
    out["date"] = [d.isoformat() if d else "" for d in out["date"]]
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        return write_text_atomic(
            path, yaml.safe_dump(out.to_dict("records"), sort_keys=False, allow_unicode=True)
        )
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".xlsx":
            neutralise_formulas(out).to_excel(tmp, index=False, engine="openpyxl")
        elif path.suffix.lower() == ".csv":
            neutralise_formulas(out).to_csv(tmp, index=False)
        else:
            raise FairerError("write a learning log as .xlsx, .csv or .yaml", path=path)
    return path
