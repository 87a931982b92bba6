"""Read text files whose encoding nobody chose: UTF-8, Windows-1252, or a mix of both.

Consultation exports pass through Excel, e-mail and copy-paste, so one file can hold UTF-8 lines
and Windows-1252 lines (a pasted "£" or curly quote). Each line is decoded as UTF-8 and, only
where that fails, as Windows-1252; the count of such lines is returned so the import can say so.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fairer.errors import FairerError
from fairer.tabular import MAX_BYTES, check_file  # noqa: F401 (used by the voices readers)


#: Largest file the importers read (bytes). A 20 MB DOCX is mostly images; the text is far less.
def decode_mixed(raw: bytes) -> tuple[str, int]:
    """Decode bytes line by line: UTF-8 where valid, Windows-1252 where not.

    Returns
    -------
    (str, int)
        The text (a leading byte-order mark removed) and how many lines needed Windows-1252.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), 0
    except UnicodeDecodeError:
        pass
    fallback = 0
    lines = []
    for line in raw.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("cp1252", errors="replace"))
            fallback += 1
    return "\n".join(lines), fallback


def refuse_binary(raw: bytes, path: Path) -> None:
    """Text never holds NUL bytes; a file that does is binary (a renamed or damaged file)."""
    if b"\x00" in raw:
        raise FairerError(
            "this is not a text file: it holds binary data (is it damaged, or another kind of "
            "file renamed?)",
            path=path,
        )


def read_text(path: Path) -> tuple[str, int]:
    """Read a text file with :func:`decode_mixed`, after :func:`check_file`."""
    check_file(path)
    raw = path.read_bytes()
    refuse_binary(raw, path)
    return decode_mixed(raw)


#: Workbooks the voices readers open (Excel, and OpenDocument through odfpy).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")


def read_workbook(path: Path, limit: int | None = None) -> dict[str, pd.DataFrame]:
    """Every non-empty sheet of a workbook as read: cells as strings, no header row yet
    (platforms put it lower down), empty cells as "", at most `limit` rows a sheet."""
    check_file(path)
    try:
        sheets = pd.read_excel(
            path,
            sheet_name=None,
            header=None,
            dtype=str,
            keep_default_na=False,
            nrows=limit,
            engine="odf" if path.suffix.lower() == ".ods" else None,
        )
    except Exception as exc:  # openpyxl and odfpy raise many types; the user needs one line
        raise FairerError(f"cannot read workbook ({type(exc).__name__})", path=path) from None
    return {str(k): v.fillna("") for k, v in sheets.items() if not v.empty}
