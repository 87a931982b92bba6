"""Reading and writing tables (CSV, XLSX, Parquet) with clear errors and atomic writes."""

from __future__ import annotations

import csv
import io
import itertools
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from fairer.errors import FairerError

TABLE_SUFFIXES = (".csv", ".csv.gz", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet")


MAX_BYTES = 200 * 1024 * 1024


def check_file(path: Path) -> None:
    """Fail clearly on a missing, empty, folder or oversized file."""
    path = Path(path)
    if not path.exists():
        raise FairerError("file not found", path=path)
    if path.is_dir():
        raise FairerError("expected a file but found a folder", path=path)
    size = path.stat().st_size
    if size == 0:
        raise FairerError("file is empty", path=path)
    if size > MAX_BYTES:
        raise FairerError(f"file is {size / 1e6:.0f} MB, more than the 200 MB limit", path=path)


def suffix_of(path: str | Path) -> str:
    """The table suffix of ``path``, folding ``.csv.gz`` into one suffix.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    str

    Examples
    --------
    >>> suffix_of('deaths.CSV.GZ'), suffix_of('plan.xlsx')
    ('.csv.gz', '.xlsx')
    """
    name = Path(path).name.lower()
    if name.endswith(".csv.gz"):
        return ".csv.gz"
    return Path(name).suffix


def _open_text(path: Path) -> str:
    raw = path.read_bytes()
    if suffix_of(path) == ".csv.gz":
        import gzip

        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise FairerError(f"cannot decompress gzip file ({exc})", path=path) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FairerError(
            f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be read); "
            "save it as 'CSV UTF-8' and try again",
            path=path,
            row=line,
        ) from None


def read_header(path: str | Path, max_rows: int = 12) -> list[list[str]]:
    """The first ``max_rows`` rows of a table as strings, for recognising its layout.

    Parquet files give their column names as one row. XLSX files give the first rows of every
    sheet, one after another (a sheet break is an empty row).

    Parameters
    ----------
    path : path-like
    max_rows : int

    Returns
    -------
    list of list of str

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / 't.csv'
    >>> _ = p.write_text('a,b\\n1,2\\n')
    >>> read_header(p)
    [['a', 'b'], ['1', '2']]
    """
    path = Path(path)
    suffix = suffix_of(path)
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return [list(pq.read_schema(path).names)]
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
            rows: list[list[str]] = []
            for ws in wb.worksheets:
                for row in ws.iter_rows(max_row=max_rows, values_only=True):
                    rows.append(["" if v is None else str(v) for v in row])
                rows.append([])
            wb.close()
        except Exception as exc:  # a junk or truncated workbook: zipfile, XML or openpyxl errors
            raise FairerError(
                f"cannot read workbook ({type(exc).__name__}: {exc}); is it a real .xlsx file?",
                path=path,
            ) from None
        return rows
    text = _open_text(path)
    reader = csv.reader(io.StringIO(text))
    out = []
    for i, row in enumerate(reader):
        if i >= max_rows:
            break
        out.append(row)
    return out


def header_matches(path: str | Path, is_header: Callable[[list[str]], bool]) -> bool:
    """Whether one of a file's first rows is a header ``is_header`` recognises (an unreadable
    file is not).

    Parameters
    ----------
    path : path-like
    is_header : callable
        Takes a row (list of cells).

    Returns
    -------
    bool

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("title\\nage,count\\n1,2\\n")
    >>> header_matches(p, lambda r: "age" in r)
    True
    """
    try:
        rows = read_header(path, max_rows=3)
    except (FairerError, OSError, ValueError):
        return False
    return any(is_header(r) for r in rows)


def _find_header_row(rows: list[list[str]], is_header: Callable[[list[str]], bool]) -> int:
    for i, row in enumerate(rows):
        if is_header(row):
            return i
    return 0


def read_table(
    path: str | Path,
    *,
    is_header: Callable[[list[str]], bool] | None = None,
    thousands: str | None = ",",
    dtype: dict | None = None,
) -> pd.DataFrame:
    """Read a CSV (optionally gzipped), XLSX or Parquet file into a DataFrame.

    Parameters
    ----------
    path : path-like
        The file. Its layout is chosen by its suffix.
    is_header : callable, optional
        Recognises the header row, so title rows above it (as ONS and Sport England publish)
        are skipped. For XLSX it also picks the first sheet whose header it recognises.
    thousands : str, optional
        Thousands separator in numbers (official IoD File 6 writes ``1,296``).
    dtype : dict, optional
        Column types passed to the reader.

    Raises
    ------
    FairerError
        If the file is missing, empty, not UTF-8, malformed or of an unknown type.

    Returns
    -------
    DataFrame
        With ``attrs['header_row']`` (and ``attrs['sheet']`` for XLSX).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / 't.csv'
    >>> _ = p.write_text('Title row\\narea_code,count\\nE1,"1,296"\\n')
    >>> read_table(p, is_header=lambda r: 'area_code' in r)['count'].tolist()
    [1296]
    """
    path = Path(path)
    if not path.exists():
        raise FairerError("file not found", path=path)
    if path.is_dir():
        raise FairerError("expected a file but found a folder", path=path)
    if path.stat().st_size == 0:
        raise FairerError("file is empty", path=path)
    suffix = suffix_of(path)
    try:
        if suffix == ".parquet":
            df = pd.read_parquet(path)
        elif suffix in (".xlsx", ".xlsm"):
            df = _read_xlsx(path, is_header, dtype)
        elif suffix in (".csv", ".csv.gz", ".txt", ".tsv"):
            df = _read_csv(path, is_header, thousands, dtype)
        else:
            raise FairerError(f"unknown file type '{suffix}': use CSV, XLSX or Parquet", path=path)
    except FairerError:
        raise
    except Exception as exc:  # reader libraries raise many types; the user needs one line
        raise FairerError(f"cannot read file ({type(exc).__name__}: {exc})", path=path) from None
    if df.shape[1] == 0 or (df.shape[0] == 0 and df.shape[1] <= 1):
        raise FairerError("file has no data", path=path)
    if df.shape[0] == 0:
        # A header alone is never data: accepting it would replace what the store holds with
        # nothing (the file may have been cut short while saving or copying).
        raise FairerError(
            "file has a header but no data rows (cut short?); nothing was loaded", path=path
        )
    df.columns = [str(c).strip() for c in df.columns]
    return restore_formulas(df)


def restore_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise_formulas` on a table fairer wrote, so round trips are lossless.

    Parameters
    ----------
    df : DataFrame
        A table read back from a file fairer wrote.

    Returns
    -------
    DataFrame
        The same frame, the apostrophes fairer added removed.

    Examples
    --------
    >>> import pandas as pd
    >>> restore_formulas(pd.DataFrame({'a': ["'=1+2", "it's"]}))['a'].tolist()
    ["'=1+2", "it's"]
    """
    for c in df.columns:
        col = df[c]
        if col.dtype == object:
            starts = col.map(
                lambda v: (
                    isinstance(v, str) and v[:1] == "'" and v[1:2] != "" and v[1] in FORMULA_STARTS
                )
            )
            if starts.any():
                df[c] = col.mask(starts, col.str[1:])
    return df


def _read_csv(path, is_header, thousands, dtype) -> pd.DataFrame:
    text = _open_text(path)
    if not text.strip():
        raise FairerError("file is empty", path=path)
    skip = 0
    if is_header is not None:
        # only the first rows can hold the header: never split the whole file here
        rows = list(itertools.islice(csv.reader(io.StringIO(text)), 30))
        skip = _find_header_row(rows, is_header)
    sep = "\t" if suffix_of(path) == ".tsv" else ","
    try:
        df = pd.read_csv(
            io.StringIO(text),
            skiprows=skip,
            thousands=thousands,
            dtype=dtype,
            sep=sep,
            skipinitialspace=True,
        )
    except pd.errors.ParserError as exc:
        msg = str(exc)
        row = None
        import re

        m = re.search(r"line (\d+)", msg)
        if m:
            row = int(m.group(1)) + skip
        raise FairerError(
            f"malformed CSV ({msg.split('. ')[-1].strip()})", path=path, row=row
        ) from None
    except pd.errors.EmptyDataError:
        raise FairerError("file has no header or data", path=path) from None
    df.attrs["header_row"] = skip + 1
    check_last_row(text, df.shape[1], sep, path, skip + 1 + len(df))
    return df


def check_last_row(text: str, width: int, sep: str, path: Path, row: int) -> None:
    """A file that stops part-way through its last row was cut short (a copy or save that did
    not finish): refuse it rather than read the row's missing cells as blanks.

    Parameters
    ----------
    text : str
        The whole file.
    width : int
        How many columns the header has.
    sep : str
    path : Path
    row : int
        The last row's number, for the message.

    Raises
    ------
    FairerError
        If the text has no final line end and its last record has fewer fields than the header.
    """
    if not text or text.endswith(("\n", "\r")):
        return
    # The last record, parsed as the CSV reader sees it (a quoted answer may span lines).
    last: list[str] = []
    try:
        for last in csv.reader(io.StringIO(text, newline=""), delimiter=sep):  # noqa: B007
            pass
    except csv.Error:  # the table parsed already; a record the csv module cannot split is
        return  # no evidence of a cut, so the file's reader has the last word

    if 0 < len(last) < width:
        raise FairerError(
            f"the last row has {len(last)} of {width} columns and no line end: "
            "the file looks cut short; save or copy it again",
            path=path,
            row=row,
        )


def read_workbook(path: str | Path, **options) -> dict[str, pd.DataFrame]:
    """Every sheet of an Excel workbook; a damaged or cut-short file is one clear error.

    Parameters
    ----------
    path : path-like
    **options
        Passed to :func:`pandas.read_excel` (``sheet_name`` is always every sheet).

    Returns
    -------
    dict of str to DataFrame

    Raises
    ------
    FairerError
        If the file is not a readable workbook (empty, junk, truncated, or not Excel at all).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "plan.xlsx"
    >>> _ = f.write_bytes(b"PK not really a workbook")
    >>> read_workbook(f)
    Traceback (most recent call last):
    ...
    fairer.errors.FairerError: ...plan.xlsx: not a readable Excel workbook (ValueError): is it damaged or cut short? Save it again from Excel
    """
    check_file(Path(path))
    try:
        return pd.read_excel(path, sheet_name=None, **options)
    except Exception as exc:  # zipfile, XML and openpyxl errors of many types: one line
        raise FairerError(
            f"not a readable Excel workbook ({type(exc).__name__}): is it damaged or cut short? "
            "Save it again from Excel",
            path=path,
        ) from None


def read_yaml(path: str | Path, expect: type = dict):
    r"""A YAML file's content, which must be a ``expect`` (a mapping, or a list).

    A file that stops without a line end is refused as cut short: a YAML document cut part-way
    through often still parses, as less than was written.

    Parameters
    ----------
    path : path-like
    expect : type
        ``dict`` or ``list``.

    Returns
    -------
    dict or list

    Raises
    ------
    FairerError
        If the file is empty, cut short, not YAML, or holds something else.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.yaml"
    >>> _ = f.write_text("id: IIA-01\ntitle: Fam")
    >>> read_yaml(f)
    Traceback (most recent call last):
    ...
    fairer.errors.FairerError: ...a.yaml: the file stops part-way through a line (no line end): it looks cut short; save or copy it again
    """
    import yaml

    path = Path(path)
    check_file(path)
    text = _open_text(path)
    if not text.strip():
        raise FairerError("the file is empty", path=path)
    if not text.endswith("\n"):
        raise FairerError(
            "the file stops part-way through a line (no line end): it looks cut short; "
            "save or copy it again",
            path=path,
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FairerError(
            f"invalid YAML ({getattr(exc, 'problem', None) or type(exc).__name__})",
            path=path,
            row=mark.line + 1 if mark else None,
        ) from None
    if not isinstance(data, expect):
        want = "a mapping of keys to values" if expect is dict else "a list"
        raise FairerError(f"expected {want}, found {type(data).__name__}", path=path)
    return data


def _read_xlsx(path, is_header, dtype) -> pd.DataFrame:
    sheets = read_workbook(path, header=None, dtype=object)
    for name, raw in sheets.items():
        rows = raw.head(30).fillna("").astype(str).values.tolist()
        if is_header is None or any(is_header(r) for r in rows):
            hdr = _find_header_row(rows, is_header) if is_header else 0
            df = raw.iloc[hdr + 1 :].reset_index(drop=True)
            df.columns = [str(c).strip() for c in raw.iloc[hdr].tolist()]
            df = df.dropna(how="all")
            df = df.loc[:, [c != "nan" for c in df.columns]]
            df = df.infer_objects()
            for col in df.columns:
                if df[col].dtype == object:
                    conv = pd.to_numeric(df[col], errors="coerce")
                    if conv.notna().sum() == df[col].notna().sum():
                        df[col] = conv
            df.attrs["sheet"] = name
            df.attrs["header_row"] = hdr + 1
            return df
    raise FairerError("no sheet has a header this reader recognises", path=path)


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it into place only if the block succeeds.

    Readers of ``target`` never see a half-written file, and an error leaves the old file as it was.

    Parameters
    ----------
    target : path-like
        The file to write.

    Returns
    -------
    context manager yielding Path
        A temporary file beside ``target``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / 'out.txt'
    >>> with atomic_path(target) as tmp: _ = tmp.write_text('done')
    >>> target.read_text()
    'done'
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes the file private (0600); a finished output has the mode any program
        # would give it under the user's umask, so colleagues on a shared drive can open it.
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def clean_stale_temporaries(folder: str | Path, older_than: float = 600.0) -> list[Path]:
    """Remove what an interrupted write left in ``folder``: ``.name.XXXX.tmp`` files and
    ``.staging-*`` folders untouched for ``older_than`` seconds (a live write is newer).

    Parameters
    ----------
    folder : path-like
    older_than : float
        Seconds.

    Returns
    -------
    list of Path
        What was removed.

    Examples
    --------
    >>> import tempfile, os, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); stale = d / ".report.html.abc123.tmp"
    >>> _ = stale.write_text("half")
    >>> os.utime(stale, (0, 0))
    >>> [p.name for p in clean_stale_temporaries(d)]
    ['.report.html.abc123.tmp']
    """
    import shutil
    import time

    folder = Path(folder)
    if not folder.is_dir():
        return []
    now, gone = time.time(), []
    for p in list(folder.glob(".*.tmp")) + list(folder.glob(".staging-*")):
        try:
            if now - p.stat().st_mtime < older_than:
                continue
            shutil.rmtree(p) if p.is_dir() else p.unlink()
            gone.append(p)
        except OSError:  # another process is finishing with it
            continue
    return gone


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(target: str | Path, text: str) -> Path:
    """Write ``text`` to ``target`` atomically (UTF-8).

    Parameters
    ----------
    target : path-like
    text : str

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> write_text_atomic(pathlib.Path(tempfile.mkdtemp()) / 'a.toml', 'x = 1').read_text()
    'x = 1'
    """
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


#: A spreadsheet treats a cell beginning with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe.

    Every CSV and XLSX fairer writes goes through this (the OWASP rule for CSV injection):
    ``=HYPERLINK(…)`` typed into a survey answer or an area name is shown as text, never run.
    Numbers are left alone, negative ones included.

    Parameters
    ----------
    df : DataFrame

    Returns
    -------
    DataFrame
        A copy with text cells neutralised (column names too).

    Examples
    --------
    >>> neutralise_formulas(pd.DataFrame({"a": ["=1+2", "ok", -3]}))["a"].tolist()
    ["'=1+2", 'ok', -3]
    """
    out = df.copy()
    out.columns = [_neutral(c) for c in out.columns]
    for c in out.columns:
        col = out[c]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            out[c] = col.map(_neutral)
    return out


def _neutral(v):
    if isinstance(v, str) and v.startswith(FORMULA_STARTS):
        return "'" + v
    return v


def write_table(df: pd.DataFrame, target: str | Path, sheet_name: str = "data") -> Path:
    """Write a DataFrame as CSV, XLSX or Parquet (by suffix), atomically.

    Text that a spreadsheet would run as a formula is neutralised in CSV and XLSX
    (:func:`neutralise_formulas`); Parquet keeps the values as they are (it is typed data, not
    a spreadsheet).

    Parameters
    ----------
    df : DataFrame
    target : path-like
        ``.csv``, ``.xlsx`` or ``.parquet``.
    sheet_name : str
        The XLSX sheet.

    Returns
    -------
    Path

    Examples
    --------
    >>> import pandas as pd
    >>> import tempfile, pathlib
    >>> p = write_table(pd.DataFrame({'a': ['@SUM(A1)']}), pathlib.Path(tempfile.mkdtemp()) / 't.csv')
    >>> p.read_text().splitlines()
    ['a', "'@SUM(A1)"]
    """
    target = Path(target)
    suffix = suffix_of(target)
    with atomic_path(target) as tmp:
        if suffix == ".csv":
            neutralise_formulas(df).to_csv(tmp, index=False, encoding="utf-8")
        elif suffix == ".parquet":
            plain = df.copy(deep=False)
            plain.attrs = {}  # readers' notes (arrays, paths) are not part of a published table
            plain.to_parquet(tmp, index=False)
        elif suffix == ".xlsx":
            with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                neutralise_formulas(df).to_excel(xw, sheet_name=sheet_name[:31], index=False)
        else:
            raise FairerError(f"cannot write '{suffix}': use .csv, .xlsx or .parquet", path=target)
    return target


def write_tables(tables: dict[str, pd.DataFrame], target: str | Path) -> Path:
    """Write several tables to one XLSX workbook (one sheet each), atomically and neutralised.

    Parameters
    ----------
    tables : dict of name → DataFrame
        One sheet each (names cut to Excel's 31 characters).
    target : path-like

    Returns
    -------
    Path

    Examples
    --------
    >>> import pandas as pd
    >>> import tempfile, pathlib
    >>> p = write_tables({'one': pd.DataFrame({'a': [1]}), 'two': pd.DataFrame({'b': [2]})}, pathlib.Path(tempfile.mkdtemp()) / 't.xlsx')
    >>> list(pd.read_excel(p, sheet_name=None))
    ['one', 'two']
    """
    target = Path(target)
    with atomic_path(target) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xw:
        for name, df in tables.items():
            neutralise_formulas(df).to_excel(xw, sheet_name=name[:31], index=False)
    return target
