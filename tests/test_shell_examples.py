"""Every ``fairer …`` line in a shell example of README.md and docs/*.md runs, on the demo.

The examples are written for Stockton; here they run on the synthetic borough's files with a
stated set of substitutions (the place's code, its data folder, and small input files of the
layouts the examples name, written by the test and labelled synthetic). ``make demo`` and
``make test`` are CI's own two commands, and ``fairer demo`` is run by
``tests/test_cli.py::test_demo_via_cli_is_reproducible``.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def shell_examples() -> list[tuple[str, str]]:
    """``(file, command)`` for every ``fairer`` line of every sh block, continuations joined."""
    out = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"```(?:sh|bash|shell)\n(.*?)```", text, re.S):
            for line in block.replace("\\\n", " ").splitlines():
                line = line.split("  #")[0].split(" # ")[0].strip()
                if line.startswith("fairer "):
                    out.append((path.name, line))
    return out


EXAMPLES = shell_examples()
RUN_ELSEWHERE = {"fairer demo"}  # test_cli builds the demo through the CLI


def _inputs(folder: Path, demo: Path) -> None:
    """Small input files of the layouts the examples name (synthetic)."""
    survey = pd.read_csv(demo / "consultation" / "fairer_fairhaven_survey_SYNTHETIC.csv")
    survey.head(80).to_excel(folder / "survey.xlsx", index=False)
    from docx import Document

    doc = Document()
    doc.add_heading("Strategy café (synthetic notes)", 1)
    doc.add_heading("What would make the biggest difference to your neighbourhood?", 2)
    for text in (
        "More buses in the evening so people can get to work",
        "A youth club that is open at weekends",
        "Cheaper healthy food near the estate",
    ):
        doc.add_paragraph(text, style="List Bullet")
    doc.save(folder / "cafe_notes.docx")
    assets = pd.read_csv(demo / "data" / "community_assets_synthetic_Fairhaven.csv")
    assets[assets.iloc[:, 0].notna()].to_csv(folder / "libraries.csv", index=False)
    from fairer.framework.model import template_path

    (folder / "my-framework.toml").write_text(
        Path(template_path("fairer-nine-domains")).read_text(encoding="utf-8"), encoding="utf-8"
    )
    rng = np.random.default_rng(1)
    eligible = rng.integers(200, 2000, 12)
    pd.DataFrame(
        {
            "ward": [f"Ward {i}" for i in range(12)],
            "eligible": eligible,
            "screened": (eligible * rng.uniform(0.5, 0.8, 12)).astype(int),
        }
    ).to_csv(folder / "screening.csv", index=False)
    pop = rng.integers(2000, 9000, (3, 19))
    pd.DataFrame(
        {
            "area": np.repeat(["A", "B", "C"], 19),
            "ageband": np.tile(range(19), 3),
            "population": pop.ravel(),
            "deaths": (pop.ravel() * np.tile(np.linspace(0.0005, 0.15, 19), 3)).astype(int),
        }
    ).to_csv(folder / "deaths.csv", index=False)
    for wave in ("baseline", "followup"):  # the demo's synthetic SWEMWBS programme
        src = next((demo / "data").glob(f"swemwbs_{wave}_*.csv"))
        (folder / f"{wave}.csv").write_bytes(src.read_bytes())
    le = np.linspace(74, 84, 10)
    pd.DataFrame(
        {
            "area": np.repeat(["A", "B"], 20),
            "sex": np.tile(np.repeat(["female", "male"], 10), 2),
            "decile": np.tile(range(1, 11), 4),
            "pop": rng.integers(9000, 12000, 40),
            "le": np.tile(le, 4),
            "lcl": np.tile(le - 0.8, 4),
            "ucl": np.tile(le + 0.8, 4),
        }
    ).to_csv(folder / "deciles.csv", index=False)


def _substitute(command: str, demo: Path) -> list[str]:
    args = shlex.split(command)[1:]
    args = [str(demo / "data") if a == "~/Downloads" else a for a in args]
    args = ["E06990001" if a in ("E06000004", "Stockton-on-Tees") else a for a in args]
    if args[0] == "init" and "--data" not in args:
        args += ["--data", str(demo / "data"), "--force"]
    return args


def _offline_fetch(monkeypatch, demo: Path) -> None:
    """``fairer fetch`` goes online: here the 'download' serves the demo's IoD file."""
    import io

    from fairer.sources import fetch as fetch_mod

    body = (demo / "data" / "File_7_IoD2025_synthetic_Fairhaven.csv").read_bytes()

    class Response(io.BytesIO):
        headers: dict = {}

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.close()

    monkeypatch.setattr(fetch_mod.urllib.request, "urlopen", lambda *a, **k: Response(body))


def test_every_shell_example_runs(cli, demo_run, tmp_path, monkeypatch):
    demo, _ = demo_run
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FAIRER_CACHE", str(tmp_path / "cache"))
    _offline_fetch(monkeypatch, demo)
    _inputs(tmp_path, demo)
    ran = 0
    for source, command in EXAMPLES:
        if command in RUN_ELSEWHERE:
            continue
        code, out, err = cli(*_substitute(command, demo))
        assert code == 0, f"{source}: `{command}` exited {code}: {err}"
        assert "Traceback" not in out + err
        ran += 1
    assert ran >= 20
    assert (tmp_path / "places" / "stockton" / "output" / "progress_2026-H1.html").exists()


def test_the_examples_were_found():
    commands = {c.split()[1] for _, c in EXAMPLES}
    assert {"init", "profile", "rug", "report", "stats", "voices", "priorities"} <= commands
    from tests import test_cli

    assert hasattr(test_cli, "test_demo_via_cli_is_reproducible")


@pytest.mark.parametrize("command", sorted({c for _, c in EXAMPLES}))
def test_each_example_is_a_real_command(command):
    """Every example names a command and options that exist (checked against the CLI)."""
    import typer

    from fairer.cli import app

    root = typer.main.get_command(app)
    args = shlex.split(command)[1:]
    cmd = root.commands[args[0]]
    if hasattr(cmd, "commands"):
        cmd = cmd.commands[args[1]]
    known = {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
    for a in args:
        if a.startswith("--"):
            assert a.split("=")[0] in known, f"{command}: unknown option {a}"
