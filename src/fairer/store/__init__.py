"""The place's store: an embedded DuckDB database by default, behind a small interface.

See :mod:`fairer.store.schema` for the tables and :mod:`fairer.store.queries` for every query
the rest of fairer sends (no SQL lives anywhere else). Use :func:`open_store` to get one.
"""

from fairer.store import queries
from fairer.store.base import Store, open_store
from fairer.store.duckdb_store import DuckDBStore

__all__ = ["DuckDBStore", "Store", "open_store", "queries"]
