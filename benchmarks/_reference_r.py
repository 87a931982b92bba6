"""Run PHEindicatormethods (R) beside fairer in a benchmark: same inputs, same run.

R comes from ``../shared/reference-r/setup_r.sh`` and is found through ``R_LIBS`` or
``~/.cache/fairer-rlib``. Without R, :func:`run_r` says why and the benchmark leaves R's
column empty. Each R script times its own work with ``system.time`` and prints the elapsed
seconds last, so R's start-up and CSV reading are not counted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

RLIB = os.environ.get("R_LIBS") or str(Path.home() / ".cache" / "fairer-rlib")


def run_r(
    script: str, data: pd.DataFrame, *args: str, want_output: bool = False
) -> tuple[float | None, pd.DataFrame | None, str]:
    """Run ``script`` as ``Rscript script data.csv out.csv *args``.

    Returns
    -------
    tuple
        R's elapsed seconds (None if R could not run), the table it wrote to ``out.csv`` when
        ``want_output`` (else None), and why R did not run ('' when it did).
    """
    if shutil.which("Rscript") is None:
        return None, None, "R not installed (../shared/reference-r/setup_r.sh)"
    with tempfile.TemporaryDirectory() as tmp:
        source, out, code = Path(tmp) / "d.csv", Path(tmp) / "out.csv", Path(tmp) / "run.R"
        data.to_csv(source, index=False)
        code.write_text(script)
        run = subprocess.run(
            ["Rscript", str(code), str(source), str(out), *args],
            capture_output=True, text=True, env={**os.environ, "R_LIBS": RLIB},
        )  # fmt: skip
        if run.returncode != 0:
            return None, None, f"R failed: {run.stderr.strip().splitlines()[-1:]}"
        table = pd.read_csv(out) if want_output and out.exists() else None
    return float(run.stdout.split()[-1]), table, ""
