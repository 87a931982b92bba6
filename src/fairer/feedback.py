"""Progress feedback on stderr for steps that take more than a moment.

A first ``fairer profile`` on a real place loads national files for minutes; the report and
the rug take tens of seconds. Each such step says what it is doing, with a spinner and the time
so far, on **stderr** — and only when stderr is a terminal: piped output, logs, CI and the
library used from a notebook stay silent. ``fairer --quiet`` (or ``FAIRER_QUIET=1``) silences
it everywhere. Output files and stdout are never touched.

Examples
--------
>>> with step("Reading the IoD file"):  # silent here: stderr is not a terminal
...     total = sum(range(10))
>>> total
45
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

_state: dict = {"quiet": False, "depth": 0, "progress": None, "task": None}


def set_quiet(quiet: bool) -> None:
    """Silence (or allow) progress feedback for this process.

    Parameters
    ----------
    quiet : bool

    Returns
    -------
    None

    Examples
    --------
    >>> set_quiet(True); enabled()
    False
    >>> set_quiet(False)
    """
    _state["quiet"] = quiet


def enabled() -> bool:
    """Whether feedback shows: stderr is a terminal, and nobody asked for quiet.

    Parameters
    ----------
    None

    Returns
    -------
    bool

    Examples
    --------
    >>> enabled()  # doctest runs with stderr captured
    False
    """
    import sys

    if _state["quiet"] or os.environ.get("FAIRER_QUIET"):
        return False
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


@contextmanager
def step(description: str) -> Iterator[None]:
    """Show ``description`` with a spinner and elapsed time while the block runs.

    A step inside another replaces the line's text while it runs (one line, never a cascade).

    Parameters
    ----------
    description : str
        What is happening, in words: "Loading IoD2025 File 7 (33,755 LSOAs)".

    Returns
    -------
    context manager

    Examples
    --------
    >>> with step("Drawing the rug"):
    ...     pass
    """
    if _state["depth"] and _state["progress"] is not None:
        progress, task = _state["progress"], _state["task"]
        before = progress.tasks[0].description
        progress.update(task, description=description)
        _state["depth"] += 1
        try:
            yield
        finally:
            _state["depth"] -= 1
            progress.update(task, description=before)
        return
    if not enabled():
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    _state["depth"] += 1
    try:
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
            console=console, transient=True,
        ) as progress:  # fmt: skip
            _state["progress"] = progress
            _state["task"] = progress.add_task(description, total=None)
            yield
    finally:
        _state["depth"] -= 1
        _state["progress"] = _state["task"] = None


__all__ = ["enabled", "set_quiet", "step"]
