"""Reading an evaluation file: YAML of the right shape, with no key the kind does not know."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fairer.errors import FairerError


def read_spec(path: Path, accepts: Callable[[object], bool], needs: str, keys: set[str]) -> dict:
    """The parsed file, or one error naming it: not this kind (``needs`` says what it lacks), or
    an unknown key (the known ones listed)."""
    from fairer.tabular import read_yaml

    data = read_yaml(path)
    if not accepts(data):
        raise FairerError(needs, path=path)
    unknown = sorted(set(data) - keys)
    if unknown:
        raise FairerError(f"unknown key '{unknown[0]}': use {', '.join(sorted(keys))}", path=path)
    return data
