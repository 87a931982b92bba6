"""Build the name lists that redaction uses, from open data (run by a maintainer, not at run time).

Sources (each snapshot is a public GitHub repository; the commit used is written to the README):

- First names: ONS, *Baby names in England and Wales*, 1996 to 2020 (every name given to three
  or more babies in a year), as compiled in the ``ewbabynames`` data of the ukbabynames R
  package (github.com/mine-cetinkaya-rundel/ukbabynames, ``data/ewbabynames.rda``; package CC0,
  data OGL v3.0). Kept: names given to at least ``MIN_BABIES`` babies over those 25 years.
- Surnames: US Census Bureau, *Frequently Occurring Surnames from the 2010 Census* (every surname
  held by 100 or more people; a US Government work, public domain), as distributed in the
  ``surnames2010`` data of the wru R package (github.com/kosukeimai/wru, ``data/surnames2010.RData``).
  Only the surname strings are kept. There is no open list of surnames in England and Wales; the
  US list, drawn from a population of many origins, includes the South Asian, West African,
  Polish, Irish and other surnames common here.
- English words: SCOWL via Debian's ``wbritish`` package (``/usr/share/dict/british-english``),
  used only to set aside names that are also everyday words ("Grace", "Will", "Park").

Usage (needs ``pip install pyreadr`` and ``apt install wbritish``)::

    python tools/build_name_lists.py BABYNAMES_GIT_DIR WRU_GIT_DIR
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pyreadr

OUT = Path(__file__).resolve().parents[1] / "src" / "fairer" / "data" / "names"
MIN_BABIES = 20
#: Surnames are taken from the most common (rank 1 is the most common).
MAX_SURNAME_RANK = 100_000
DICTIONARY = Path("/usr/share/dict/british-english")


def _git_blob(git_dir: str, path: str) -> tuple[bytes, str]:
    commit = subprocess.check_output(["git", "--git-dir", git_dir, "rev-parse", "HEAD"], text=True)
    blob = subprocess.check_output(["git", "--git-dir", git_dir, "show", f"HEAD:{path}"])
    return blob, commit.strip()


def _read_rdata(blob: bytes, suffix: str) -> pd.DataFrame:
    with tempfile.NamedTemporaryFile(suffix=suffix) as f:
        f.write(blob)
        f.flush()
        return next(iter(pyreadr.read_r(f.name).values()))


def _dictionary() -> tuple[set[str], set[str]]:
    """Everyday words (lower-case entries) and proper nouns (capitalised entries)."""
    words, proper = set(), set()
    for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
        w = line.strip()
        if not w or w.endswith("'s"):
            continue
        (words if w.islower() else proper).add(w.lower())
    return words, proper


def _write(name: str, values: set[str]) -> None:
    # mtime=0: the same inputs give the same bytes.
    with gzip.GzipFile(OUT / name, "wb", compresslevel=9, mtime=0) as f:
        f.write(("\n".join(sorted(values)) + "\n").encode("utf-8"))
    print(f"{name}: {len(values):,}")


def main(babynames_git: str, wru_git: str) -> None:
    words, proper = _dictionary()
    blob, babies_commit = _git_blob(babynames_git, "data/ewbabynames.rda")
    babies = _read_rdata(blob, ".rda")
    totals = babies.groupby(babies["name"].str.lower())["n"].sum()
    given = {
        n
        for n, count in totals.items()
        if count >= MIN_BABIES and n.replace("-", "").replace("'", "").isalpha()
    }
    blob, wru_commit = _git_blob(wru_git, "data/surnames2010.RData")
    surnames = _read_rdata(blob, ".RData")["surname"].str.lower().tolist()
    common = {s for s in surnames[:MAX_SURNAME_RANK] if s.isalpha()}
    _write("first_names.txt.gz", given)
    _write("surnames.txt.gz", common)
    # The dictionary's everyday words tell "Grace" the name from "grace"; its proper nouns
    # (places such as Durham and Norton, which are surnames too) are not taken as people alone.
    _write("english_words.txt.gz", words)
    _write("proper_nouns.txt.gz", proper)
    print(f"ukbabynames commit {babies_commit}; wru commit {wru_commit}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
