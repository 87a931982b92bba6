"""Run the whole pipeline on the synthetic borough."""

from __future__ import annotations

from pathlib import Path

from fairer.demo.synthetic import LA_CODE, make_borough, write_borough
from fairer.pipeline import ProfileResult, profile_place
from fairer.place import init_place

DEMO_PERIOD = "2026-H1"


def run_demo_consultation(out: Path, seed: int = 2024) -> None:
    """The consultation end to end: import, code, one review round by the demo's analyst, themes."""
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
    """
    out = Path(out)
    write_borough(make_borough(seed), out / "data")
    init_place(
        out / "place",
        [LA_CODE],
        data=[out / "data"],
        name="Fairhaven (synthetic borough)",
        synthetic=True,
        force=True,
        targeting={
            "budget": 600000,
            "gradient": 3.0,
            "universal_share": 0.5,
            "count": 3,
            "min_population": 5000,
            "max_population": 15000,
        },
    )
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
