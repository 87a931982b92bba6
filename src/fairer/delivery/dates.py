"""Dates as people type them: UK day-first (12/03/2025), ISO (2025-03-12), or "March 2025"."""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def parse_date(value) -> date | None:
    """A date from a cell, reading dd/mm/yyyy before mm/dd; None if empty; ValueError if not a date.

    "March 2025" and "Mar-25" mean the last day of that month (a milestone "by March 2025").
    """
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    if not s or s.lower() in ("nan", "nat", "none", "-"):
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?", s):
        return datetime.strptime(s[:10], "%Y-%m-%d").date()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})", s)
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y = y + 2000 if y < 100 else y
        return date(y, mo, d)  # day first, as UK councils write dates
    m = re.fullmatch(r"([A-Za-z]{3})[a-z]*[\s-]+(\d{2}|\d{4})", s)
    if m and m.group(1).lower() in _MONTHS:
        y = int(m.group(2))
        y = y + 2000 if y < 100 else y
        return (
            pd.Timestamp(year=y, month=_MONTHS[m.group(1).lower()], day=1) + pd.offsets.MonthEnd(0)
        ).date()
    raise ValueError(f"'{s}' is not a date (write 31/03/2025, 2025-03-31 or March 2025)")


def period_end(period: str) -> date:
    """The last day of a reporting period: ``2026-H1``, ``2026-Q3``, ``2026`` or a date."""
    s = period.strip().upper()
    m = re.fullmatch(r"(\d{4})-H([12])", s)
    if m:
        return date(int(m.group(1)), 6, 30) if m.group(2) == "1" else date(int(m.group(1)), 12, 31)
    m = re.fullmatch(r"(\d{4})-Q([1-4])", s)
    if m:
        q = int(m.group(2))
        return (
            pd.Timestamp(year=int(m.group(1)), month=3 * q, day=1) + pd.offsets.MonthEnd(0)
        ).date()
    if re.fullmatch(r"\d{4}", s):
        return date(int(s), 12, 31)
    d = parse_date(period)
    if d is None:
        raise ValueError("empty period")
    return d
