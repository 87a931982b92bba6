"""Run the whole pipeline on the synthetic borough."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fairer.demo.synthetic import LA_CODE, make_borough, write_borough
from fairer.pipeline import ProfileResult, profile_place
from fairer.place import init_place

DEMO_PERIOD = "2026-H1"
#: The demo's ``[targeting]``: three neighbourhoods, and £600,000 to allocate at 3:1.
DEMO_TARGETING = {"budget": 600000, "gradient": 3.0, "count": 3}
_EXAMPLES: dict[int, Path] = {}


def _borough_place(out: Path, seed: int) -> Path:
    """The synthetic borough's files in ``out/data`` and its place in ``out/place``."""
    write_borough(make_borough(seed), out / "data")
    init_place(
        out / "place",
        [LA_CODE],
        data=[out / "data"],
        name="Fairhaven (synthetic borough)",
        synthetic=True,
        force=True,
        targeting=DEMO_TARGETING,
    )
    return out / "place"


def example_place(seed: int = 1, copy: bool = False) -> Path:
    """A synthetic place to try the library on: its files written and ``place.toml`` made.

    Built once per process in a temporary folder (the docstring examples use it), with the
    demo's targeting settings and its action plan, assessments and learning log, but no
    consultation.

    Parameters
    ----------
    seed : int
        The same seed gives the same borough.
    copy : bool
        A fresh copy of its own (for examples that change the place, e.g. store a run).

    Returns
    -------
    Path
        The place's folder.

    Examples
    --------
    >>> (example_place() / "place.toml").exists()
    True
    """
    if seed not in _EXAMPLES or not (_EXAMPLES[seed] / "place.toml").exists():
        _EXAMPLES[seed] = _borough_place(Path(tempfile.mkdtemp(prefix="fairer-example-")), seed)
    if copy:
        root = copy_demo(
            _EXAMPLES[seed].parent, Path(tempfile.mkdtemp(prefix="fairer-example-")) / "c"
        )
        return root / _EXAMPLES[seed].name
    return _EXAMPLES[seed]


def copy_demo(src: str | Path, target: str | Path) -> Path:
    """Copy a demo (or example) folder so that the copy reads its own copy of the data.

    Every ``*.toml`` under the copy is rewritten to point inside it. A hub's database and key
    are not copied: a copy is a new hub.

    Parameters
    ----------
    src : path-like
        The folder holding the demo's ``data`` and ``place`` (what ``fairer demo --out`` made).
    target : path-like
        A new folder.

    Returns
    -------
    Path
        ``target``.

    Examples
    --------
    >>> import tempfile
    >>> src = example_place().parent
    >>> root = copy_demo(src, Path(tempfile.mkdtemp()) / 'copy')
    >>> toml = (root / example_place().name / 'place.toml').read_text(encoding='utf-8')
    >>> str(src.resolve()) in toml, str(root.resolve()) in toml
    (False, True)
    """
    src, target = Path(src), Path(target)
    shutil.copytree(src, target, ignore=shutil.ignore_patterns("hub.sqlite3*", ".hub_secret"))
    for toml in target.rglob("*.toml"):
        text = toml.read_text(encoding="utf-8")
        toml.write_text(text.replace(str(src.resolve()), str(target.resolve())), encoding="utf-8")
    return target


def run_demo_consultation(out: Path, seed: int = 2024) -> None:
    """The consultation end to end: import, code, one review round by the demo's analyst, themes.

    Parameters
    ----------
    out : Path
        The demo's folder (its ``place`` must exist).
    seed : int

    Returns
    -------
    None
        The consultation is in ``out/place/voices``.

    Examples
    --------
    ``run_demo`` calls it; see :func:`run_demo`.
    """
    from fairer.demo.voices import demo_analyst, write_consultation
    from fairer.tabular import write_text_atomic
    from fairer.voices.importing import clear_consultation, import_files
    from fairer.voices.run import answers, code_consultation, theme_consultation
    from fairer.voices.workspace import open_consultation

    paths, truth = write_consultation(make_borough(seed), out / "consultation", seed)
    place = out / "place"
    home = place / "voices"
    home.mkdir(parents=True, exist_ok=True)
    write_text_atomic(
        home / "voices.toml",
        "[voices]\n"
        'name = "Fairer Fairhaven consultation, spring 2026 (synthetic)"\n'
        'codebook = "framework"\n'
        f'postcodes = "{paths["postcodes"].resolve().as_posix()}"\n',
    )
    write_text_atomic(
        home / "population_profile.csv", paths["population"].read_text(encoding="utf-8")
    )
    (home / "theme_edits.toml").unlink(missing_ok=True)
    clear_consultation(place)
    import_files(place, [paths["survey"], paths["cafe"], paths["session"]])
    first = code_consultation(place, review_size=150, seed=seed)
    cons = open_consultation(place)
    statements = answers(cons)
    reviewed = demo_analyst(
        first.review_file, truth, statements, home / "review" / "review_done.xlsx"
    )
    code_consultation(place, corrections=reviewed, review_size=100, seed=seed)
    theme_consultation(place, seed=seed)


def run_demo(out: str | Path = "fairer-demo", seed: int = 2024) -> ProfileResult:
    """Generate the synthetic borough into ``out/data``, create ``out/place``, profile it, write
    its tartan rug, and its progress report for 2026-H1 (HTML, and PDF where WeasyPrint can run).

    Re-running with the same seed rewrites the same files and leaves the store unchanged.

    Parameters
    ----------
    out : path-like
        The demo's folder.
    seed : int
        The same seed gives the same borough.

    Returns
    -------
    ProfileResult
        With the progress report and the consultation summary.

    Examples
    --------
    ``fairer demo`` runs it (about a minute); the test suite runs it once per session.
    """
    out = Path(out)
    _borough_place(out, seed)
    run_demo_consultation(out, seed)
    result = profile_place(out / "place")
    from fairer.pipeline import rug_place

    rug_place(out / "place", level="ward", formats=("csv", "xlsx", "html"))
    # The demo's plan and log are dated around the first half of 2026: report on that period.
    from fairer.errors import FairerError
    from fairer.pipeline import progress_report, voices_report

    try:
        progress = progress_report(out / "place", DEMO_PERIOD, pdf=True)
    except FairerError:  # no PDF engine on this machine: the HTML progress report still stands
        progress = progress_report(out / "place", DEMO_PERIOD, pdf=False)
    result.progress = progress
    result.voices = voices_report(out / "place")
    return result
