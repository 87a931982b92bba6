"""``fairer voices …``: thin commands over :mod:`fairer.voices` and :mod:`fairer.report.voices`."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import typer

voices_app = typer.Typer(
    help="Hear the people: import consultation answers and workshop notes, code them against a "
    "codebook, discover themes, report. Runs offline; personal data is redacted before storing.",
    no_args_is_help=True,
)
Folder = typer.Argument(..., help="A place folder (uses PLACE/voices) or a consultation folder.")


def echo(msg: str) -> None:
    typer.echo(msg)


@contextmanager
def progress_bar(label: str, quiet: bool = False):
    """A progress bar on stderr, fed by the library's ``progress(done, total)`` callbacks."""
    if quiet:
        yield None
        return
    state: dict = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = typer.progressbar(length=total, label=label, file=None)
            state["bar"].__enter__()
            state["done"] = 0
        state["bar"].update(done - state["done"])
        state["done"] = done

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


@voices_app.command("import")
def import_cmd(
    folder: Path = Folder,
    files: list[Path] = typer.Argument(
        ...,
        help="Survey exports (CSV/XLSX/ODS) and notes (TXT/MD/DOCX/ODT/PDF/HTML/VTT), or folders "
        "of them.",
    ),
    kind: str = typer.Option(None, "--kind", help="Force the reader: survey or notes."),
    text_column: list[str] = typer.Option(
        None, "--text-column", help="A free-text question column (repeat)."
    ),
    id_column: str = typer.Option(None, "--id-column", help="The respondent ID column."),
    platform: str = typer.Option(
        None,
        "--platform",
        help="The platform that exported the survey (qualtrics, smartsurvey, msforms, "
        "citizenspace, commonplace, engagementhq, govocal, slido, nearpod); default: recognised.",
    ),
    name: list[str] = typer.Option(
        None, "--redact-name", help="A name to redact everywhere (repeat)."
    ),
) -> None:
    """Import answers and notes into FOLDER, redacting personal data before anything is stored."""
    from fairer.voices.importing import import_files

    report = import_files(
        folder,
        files,
        kind=kind,
        text_columns=text_column or None,
        id_column=id_column,
        known_names=name or (),
        platform=platform,
    )
    for line in report.lines():
        echo(line)


@voices_app.command("code")
def code_cmd(
    folder: Path = Folder,
    codebook: str = typer.Option(
        None, "--codebook", help="Template name, 'framework' or a codebook file."
    ),
    corrections: Path = typer.Option(
        None, "--corrections", help="A reviewed workbook to learn from."
    ),
    representation: str = typer.Option(
        "auto",
        "--representation",
        help="auto, minilm, wordllama, lsa, or the folder of a sentence-transformers model.",
    ),
    review: int = typer.Option(
        100, "--review", help="Statements to put in the next review workbook."
    ),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
) -> None:
    """Code statements against the codebook; with --corrections, learn from the analyst first."""
    from fairer.voices.run import code_consultation

    with progress_bar("embedding", quiet) as bar:
        run = code_consultation(folder, codebook, corrections, representation, review, progress=bar)
    for line in run.summary_lines():
        echo(line)


@voices_app.command("themes")
def themes_cmd(
    folder: Path = Folder,
    k: int = typer.Option(None, "--k", help="Number of themes (default: chosen from the data)."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same themes."),
    representation: str = typer.Option(
        "auto",
        "--representation",
        help="auto, minilm, wordllama, lsa, or the folder of a sentence-transformers model.",
    ),
    rename: list[str] = typer.Option(None, "--rename", help="THEME=new label (repeat)."),
    merge: list[str] = typer.Option(None, "--merge", help="THEME,THEME[=label] (repeat)."),
    split: list[str] = typer.Option(None, "--split", help="THEME:N (repeat)."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
) -> None:
    """Discover themes; --rename/--merge/--split record edits that are kept across re-runs."""
    from fairer.voices.run import record_theme_edits, theme_consultation

    if rename or merge or split:
        for line in record_theme_edits(folder, rename or [], merge or [], split or []):
            echo(line)
    with progress_bar("embedding", quiet) as bar:
        run = theme_consultation(
            folder, k=k, seed=seed, representation=representation, progress=bar
        )
    for t in run.result.themes.itertuples():
        echo(f"  {t.theme_id:<7} {t.statements:>6,}  {t.label}")
    for note in run.notes:
        echo(f"note: {note}")
    echo(f"themes: {run.output}")


@voices_app.command("report")
def report_cmd(folder: Path = Folder) -> None:
    """Write the consultation summary (HTML) and the review workbook (XLSX)."""
    from fairer.pipeline import voices_report

    out = voices_report(folder)
    echo(f"report: {out.html}")
    echo(f"tables: {out.workbook}")


@voices_app.command("codebook")
def codebook_cmd(
    spec: str = typer.Argument(None, help="A template name or codebook file to check."),
    out: Path = typer.Option(None, "--out", help="Write the template to this file to edit."),
) -> None:
    """List codebook templates, check a codebook, or copy a template to edit."""
    from fairer.voices.codebook import describe_codebook

    for line in describe_codebook(spec, out):
        echo(line)
