"""One error type for everything a user can get wrong, so the CLI can print one clear line."""

from __future__ import annotations

import re
from pathlib import Path

# Control characters (a line break, a NUL from a binary file) from the user's data would break
# the one-line message or the terminal; they are shown escaped.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    r"""``text`` with control characters escaped, so it prints as one line.

    Examples
    --------
    >>> one_line("columns: \x00\nname")
    'columns: \\x00\\nname'
    """
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class FairerError(Exception):
    """A problem with the user's input or configuration.

    The message names the file, and the row and column where they are known, so the CLI can
    print it as a single line without a traceback.

    Parameters
    ----------
    message : str
        What is wrong and, where possible, what to do about it.
    path : path-like, optional
        The file the problem is in.
    row : int, optional
        1-based row number as a spreadsheet shows it (the header is row 1).
    column : str, optional
        The column's header.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        self.row = row
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        text = f"{prefix}: {self.message}" if prefix else self.message
        return one_line(text)


def raise_first(
    mask, message, *, path=None, first_row: int = 2, column: str | None = None, row_of=None
) -> None:
    """Raise a :class:`FairerError` at the first row where ``mask`` is true (if any).

    Parameters
    ----------
    mask : array-like of bool
        Which data rows are bad, in file order.
    message : str or callable
        The problem; a callable gets the bad row's position (0-based) and returns the text.
    path : path-like, optional
    first_row : int
        The file row of the first data row (the header is row ``first_row - 1``).
    column : str, optional
    row_of : callable, optional
        The file row of a position, where rows are not in file order (a reshaped table).

    Returns
    -------
    None
        Only when no row is bad.

    Examples
    --------
    >>> raise_first([False, True], lambda i: f"bad value at {i}", path="f.csv", column="x")
    Traceback (most recent call last):
    ...
    fairer.errors.FairerError: f.csv, row 3, column 'x': bad value at 1
    """
    import numpy as np

    hits = np.flatnonzero(np.asarray(mask, dtype=bool))
    if len(hits):
        i = int(hits[0])
        raise FairerError(
            message(i) if callable(message) else message,
            path=path,
            row=row_of(i) if row_of else first_row + i,
            column=column,
        )
