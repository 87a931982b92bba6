"""The DuckDB store: one file per place, transactional writes, every row tied to its source."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from fairer.errors import FairerError
from fairer.store.schema import DATA_TABLES, RENAMES, TABLES


class DuckDBStore:
    """A :class:`~fairer.store.base.Store` in an embedded DuckDB database file.

    Parameters
    ----------
    path : Path
        The database file; created with the schema if it does not exist.
    read_only : bool
        Open without write access (several readers may share the file).
    """

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise FairerError("store not found; run the load step first", path=self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise FairerError(f"cannot open store ({exc})", path=self.path) from None
        self._depth = 0
        if not read_only:
            for ddl in TABLES.values():
                self.con.execute(ddl)
            self._migrate()

    def _migrate(self) -> None:
        """Bring a store written by an earlier version to the current column names."""
        for table, old, new in RENAMES:
            cols = {r[0] for r in self.con.execute(f"DESCRIBE {table}").fetchall()}
            if old in cols and new not in cols:
                self.con.execute(f'ALTER TABLE {table} RENAME COLUMN "{old}" TO "{new}"')

    # -- transactions -----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: nested calls join the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.con.execute("BEGIN TRANSACTION")
        self._depth = 1
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")
        finally:
            self._depth = 0

    # -- reading and writing ----------------------------------------------------------------
    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Run a query and return a DataFrame."""
        return self.con.execute(sql, params or []).df()

    def execute(self, sql: str, params: list | None = None) -> None:
        """Run a statement."""
        self.con.execute(sql, params or [])

    @contextmanager
    def registered(self, name: str, df: pd.DataFrame) -> Iterator[None]:
        """Make ``df`` readable as a view called ``name`` inside the block (for joins)."""
        self.con.register(name, df)
        try:
            yield
        finally:
            self.con.unregister(name)

    def append(self, table: str, df: pd.DataFrame) -> int:
        """Insert a frame's rows into ``table`` (columns by name); return the row count."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table}")
        if df.empty:
            return 0
        with self.registered("_incoming", df):
            cols = ", ".join(f'"{c}"' for c in df.columns)
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming")
        return len(df)

    # -- sources ----------------------------------------------------------------------------
    def source_with_checksum(self, kind: str, sha256: str) -> int | None:
        """The id of a source of this kind already loaded with these bytes, if any."""
        row = self.con.execute(
            "SELECT source_id FROM sources WHERE kind = ? AND sha256 = ? ORDER BY source_id DESC LIMIT 1",
            [kind, sha256],
        ).fetchone()
        return int(row[0]) if row else None

    def register_source(self, kind: str, path: Path, sha256: str, **meta) -> int:
        """Record a file as a source and return its new id."""
        row = self.con.execute("SELECT coalesce(max(source_id), 0) + 1 FROM sources").fetchone()
        source_id = int(row[0])
        path = Path(path)
        self.con.execute(
            "INSERT INTO sources (source_id, kind, path, file_name, sha256, bytes, detail, licence,"
            " attribution, loaded_at, row_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                source_id,
                kind,
                str(path.resolve()),
                path.name,
                sha256,
                path.stat().st_size if path.exists() else None,
                meta.get("detail"),
                meta.get("licence"),
                meta.get("attribution"),
                datetime.now(UTC).replace(tzinfo=None),
                meta.get("row_count"),
            ],
        )
        return source_id

    def set_row_count(self, source_id: int, rows: int) -> None:
        """Record how many rows a source contributed."""
        self.con.execute("UPDATE sources SET row_count = ? WHERE source_id = ?", [rows, source_id])

    def drop_source_rows(self, source_id: int) -> None:
        """Delete every row a source contributed, and the source itself."""
        for table in DATA_TABLES:
            self.con.execute(f"DELETE FROM {table} WHERE source_id = ?", [source_id])
        self.con.execute("DELETE FROM sources WHERE source_id = ?", [source_id])

    def counts(self) -> dict[str, int]:
        """Row count of every table (for checks and ``fairer status``)."""
        return {t: int(self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> DuckDBStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
