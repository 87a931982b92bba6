"""Recall and precision of redaction on the labelled sentences in ``tests/data``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from fairer.voices import redact

DATA = Path(__file__).parent / "data"
#: Sentences the rules were developed on, and sentences written afterwards and measured once.
TUNING = DATA / "redaction_labelled.txt"
HELD_OUT = DATA / "redaction_heldout.txt"
_MARK = re.compile(r"\{\{(\w+):(.+?)\}\}")


@dataclass
class Measured:
    marked: int = 0
    caught: int = 0
    removals: int = 0
    on_marks: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.marked

    @property
    def precision(self) -> float:
        return self.on_marks / self.removals


def labelled_sentences(path: Path = TUNING) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """Each sentence without its marks, and the (kind, start, end) of each marked span."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, marks, last = [], [], 0
        pos = 0
        for m in _MARK.finditer(line):
            text.append(line[last : m.start()])
            pos += m.start() - last
            marks.append((m.group(1), pos, pos + len(m.group(2))))
            text.append(m.group(2))
            pos += len(m.group(2))
            last = m.end()
        text.append(line[last:])
        out.append(("".join(text), marks))
    return out


def measure(path: Path = TUNING, place_names: list[str] | None = None) -> Measured:
    """Redact every sentence of ``path`` (with the place's own area names, if given)."""
    result = Measured()
    for text, marks in labelled_sentences(path):
        _, spans = redact(text, not_names=place_names or ())
        covered = set()
        for s in spans:
            covered.update(range(s.start, s.end))
            result.removals += 1
            if any(s.start < end and start < s.end for _, start, end in marks):
                result.on_marks += 1
            else:
                result.wrong.append(f"{text[s.start : s.end]!r} in {text!r}")
        for kind, start, end in marks:
            hit = all(i in covered for i in range(start, end) if text[i].isalnum())
            counts = result.by_kind.setdefault(kind, [0, 0])
            counts[0] += 1
            counts[1] += hit
            result.marked += 1
            result.caught += hit
            if not hit:
                result.missed.append(f"{text[start:end]!r} in {text!r}")
    return result


def stockton_names(lookup: Path) -> list[str]:
    """Stockton-on-Tees' ward and LSOA names and its own name, from the ONS lookup."""
    import pandas as pd

    df = pd.read_parquet(lookup)
    df = df[df["ltla24_code"] == "E06000004"]
    return sorted({*df["ward24_name"], *df["lsoa21_name"], "Stockton-on-Tees"})


if __name__ == "__main__":
    import sys

    path = Path(sys.argv[1]) if len(sys.argv) > 1 else TUNING
    names = stockton_names(Path(sys.argv[2])) if len(sys.argv) > 2 else None
    m = measure(path, names)
    print(
        f"recall {m.recall:.3f} ({m.caught}/{m.marked}), precision {m.precision:.3f} "
        f"({m.on_marks}/{m.removals})"
    )
    for kind, (n, hit) in sorted(m.by_kind.items()):
        print(f"  {kind:<9} {hit}/{n}")
    print("missed:", *m.missed, sep="\n  ")
    print("wrong:", *m.wrong, sep="\n  ")
