"""Write a benchmark's results into docs/benchmarks.md between its own markers."""

from __future__ import annotations

import platform
import re
from datetime import date
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def record(name: str, body: str) -> None:
    """Replace the section ``name`` of docs/benchmarks.md with ``body`` (atomic write)."""
    from fairer.tabular import write_text_atomic

    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    stamp = f"_Run {date.today().isoformat()} on {platform.machine()}, Python {platform.python_version()}._\n\n"
    block = f"{start}\n{stamp}{body.strip()}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    write_text_atomic(DOC, text)
