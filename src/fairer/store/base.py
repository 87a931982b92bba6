"""The interface every store backend implements, and how to open one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol, runtime_checkable

import pandas as pd


@runtime_checkable
class Store(Protocol):
    """What fairer needs from a database. DuckDB implements it; PostgreSQL can later.

    All writes happen inside :meth:`transaction`; an exception inside it rolls everything back.
    ``query``, ``execute`` and ``registered`` are for :mod:`fairer.store.queries` only: every
    other module calls a named query there, so no SQL lives outside this package.
    """

    def transaction(self) -> AbstractContextManager[None]: ...

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame: ...

    def execute(self, sql: str, params: list | None = None) -> None: ...

    def append(self, table: str, df: pd.DataFrame) -> int: ...

    def registered(self, name: str, df: pd.DataFrame) -> AbstractContextManager[None]: ...

    def source_with_checksum(self, kind: str, sha256: str) -> int | None: ...

    def register_source(self, kind: str, path: Path, sha256: str, **meta) -> int: ...

    def set_row_count(self, source_id: int, rows: int) -> None: ...

    def drop_source_rows(self, source_id: int) -> None: ...

    def counts(self) -> dict[str, int]: ...

    def close(self) -> None: ...


def open_store(url: str | Path, read_only: bool = False) -> Store:
    """Open a store from a path (DuckDB file) or URL (``duckdb:///path``).

    Parameters
    ----------
    url : str or Path
        A ``.duckdb`` file path or ``duckdb:///path``. Other schemes are reserved for shared
        deployments (PostgreSQL) and raise a clear error until a backend is added.

    Returns
    -------
    Store

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / 'fairer.duckdb')
    >>> 'deprivation' in store.counts()
    True
    >>> store.close()
    """
    from fairer.errors import FairerError
    from fairer.store.duckdb_store import DuckDBStore

    text = str(url)
    if text.startswith("duckdb:///"):
        text = text[len("duckdb://") :]
    elif "://" in text:
        raise FairerError(f"no store backend for '{text.split('://')[0]}' yet; use a DuckDB file")
    return DuckDBStore(Path(text), read_only=read_only)


def iter_chunks(df: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    """Split a frame into chunks of ``size`` rows."""
    for start in range(0, len(df), size):
        yield df.iloc[start : start + size]
