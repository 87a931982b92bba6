"""Progress feedback: on a terminal's stderr while a step runs; never in pipes or with --quiet."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest


def _run(args, terminal: bool):
    """Run the CLI with stderr on a pseudo-terminal (or a pipe); return (code, stdout, stderr)."""
    cmd = [sys.executable, "-m", "fairer.cli", *map(str, args)]
    env = {**os.environ, "COLUMNS": "100"}
    env.pop("FAIRER_QUIET", None)
    if not terminal:
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        return p.returncode, p.stdout, p.stderr
    leader, follower = pty.openpty()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out = p.stdout.read().decode()
    code = p.wait()
    os.close(leader)
    return code, out, seen.decode(errors="replace")


@pytest.fixture(scope="module")
def place(demo_run, tmp_path_factory):
    from tests.conftest import copy_demo

    return copy_demo(demo_run, tmp_path_factory.mktemp("feedback") / "demo")


def test_a_terminal_sees_what_is_happening(place):
    code, out, err = _run(["rug", place, "--level", "lsoa", "--format", "csv,png"], terminal=True)
    assert code == 0, err
    assert "Computing the rug (LSOAs)" in err or "Drawing the printed rug" in err
    assert "Computing" not in out and "Drawing" not in out  # stdout carries results only


def test_pipes_and_quiet_get_no_feedback(place):
    code, out, err = _run(["rug", place, "--level", "ward", "--format", "csv"], terminal=False)
    assert code == 0 and "Computing" not in err and "Preparing" not in err
    code, out, err = _run(
        ["--quiet", "rug", place, "--level", "ward", "--format", "csv"], terminal=True
    )
    assert code == 0, err
    assert "Computing" not in err and "Preparing" not in err
