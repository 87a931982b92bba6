"""The progress report: HTML and PDF for the demo and a real place; PDF pages checked as images."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from fairer.pipeline import progress_report
from tests.conftest import SHARED


def _pages(pdf, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("needs pdftoppm (poppler-utils) to check PDF pages; CI installs it")
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    return [np.asarray(Image.open(p).convert("L")) for p in sorted(tmp_path.glob("page-*.png"))]


def assert_prints_whole(pdf, tmp_path):
    """Every page, drawn at 72 dpi: nothing in the right margin or below the text area.

    The report's @page margins are 14 mm at the right and 20 mm at the bottom, where only the
    footer sits (about 10 mm up). A table or figure that runs off the page leaves ink there.
    """
    if not shutil.which("pdftoppm"):
        pytest.skip("needs pdftoppm (poppler-utils) to check PDF pages; CI installs it")
    from PIL import Image

    folder = tmp_path / "whole"
    folder.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "72", "-png", str(pdf), str(folder / "p")], check=True)
    mm = 72 / 25.4
    pages = sorted(folder.glob("p-*.png"))
    assert pages
    for number, path in enumerate(pages, start=1):
        ink = np.asarray(Image.open(path).convert("L")) < 200
        height, width = ink.shape
        assert not ink[:, int(width - 12 * mm) :].any(), f"page {number}: ink in the right margin"
        assert not ink[int(height - 18 * mm) : int(height - 13 * mm)].any(), (
            f"page {number}: content runs into the bottom margin"
        )
        assert not ink[int(height - 6 * mm) :].any(), f"page {number}: ink at the bottom edge"
    return len(pages)


def _text(pdf):
    if not shutil.which("pdftotext"):
        pytest.skip("needs pdftotext (poppler-utils)")
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def demo_place(tmp_path_factory, demo_run):
    """A copy of the session's demo: these tests change its inputs."""
    from tests.conftest import copy_demo

    return copy_demo(demo_run, tmp_path_factory.mktemp("progress") / "demo")


def test_demo_progress_report_pdf(demo_place, tmp_path):
    pytest.importorskip("weasyprint")
    result = progress_report(demo_place, "2026-H1", pdf=True)
    assert result.html.exists() and result.pdf.exists()
    pages = _pages(result.pdf, tmp_path)
    assert len(pages) >= 10
    assert assert_prints_whole(result.pdf, tmp_path) == len(pages)
    for i, page in enumerate(pages):  # every page renders with content, not a blank sheet
        assert (page < 200).mean() > 0.002, f"page {i + 1} is blank"
    text = _text(result.pdf)
    n = len(pages)
    assert f"Page 1 of {n}" in text and f"Page {n} of {n}" in text
    for heading in (
        "Contents",
        "Outcomes framework scorecard",
        "The tartan rug",
        "Where and for whom",
        "Action plan",
        "Inequality impact assessments",
        "What we learned",
        "SYNTHETIC DATA",
    ):
        assert heading in text, heading
    html = result.html.read_text()
    assert "late" in html and "What did not, and why" in html and "IIA-01" in html


def test_second_report_shows_what_changed(demo_place, tmp_path):
    progress_report(demo_place, "2026-H1")
    second = progress_report(demo_place, "2026-H2")
    html = second.html.read_text()
    assert "Since the last report (2026-06-30)" in html
    assert "Actions whose status changed" in html  # e.g. on track in June, late by December
    assert (demo_place / "history" / "actions_2026-12-31.parquet").exists()


def test_bad_inputs_are_listed_and_the_report_still_renders(demo_place, tmp_path, cli):
    import pandas as pd

    plan_file = next(s for s in demo_place.parent.joinpath("data").glob("action_plan_*.xlsx"))
    sheets = pd.read_excel(plan_file, sheet_name=None)
    sheets["actions"].loc[0, "owner"] = None
    sheets["milestones"].loc[1, "due"] = "when ready"
    with pd.ExcelWriter(plan_file) as xw:
        for name, df in sheets.items():
            df.to_excel(xw, sheet_name=name, index=False)
    code, out, err = cli("report", demo_place, "--period", "2026-H1")
    assert code == 0, err
    html = (demo_place / "output" / "progress_2026-H1.html").read_text()
    assert "Problems found in the inputs" in html
    assert "action A1 has no owner" in html
    assert "&#x27;when ready&#x27; is not a date" in html or "'when ready' is not a date" in html
    assert "note: " in err
    code, _, err = cli("report", demo_place, "--period", "someday")
    assert code == 2 and "period 'someday'" in err


def test_real_place_progress_report(tmp_path):
    if not SHARED.exists():
        pytest.skip(f"needs the shared reference data at {SHARED}")
    pytest.importorskip("weasyprint")
    from fairer.place import init_place

    data = [
        SHARED / "imd" / "imd2025_lsoa21_scores_ranks_deciles.parquet",
        SHARED / "lookups" / "lsoa21_ward24_ltla24.parquet",
        SHARED / "boundaries" / "lsoa21_4la.geojson",
        SHARED / "lookups" / "lsoa11_lsoa21_ltla22.parquet",
        SHARED / "population" / "population20_lsoa11.parquet",
    ]
    init_place(tmp_path / "stockton", ["E06000004"], data=data)
    result = progress_report(tmp_path / "stockton", "2026-H1", pdf=True)
    text = _text(result.pdf)
    assert "Stockton-on-Tees" in text and "Deprivation: Indices of Deprivation 2025" in text
    pages = _pages(result.pdf, tmp_path)
    assert len(pages) >= 3 and all((p < 200).mean() > 0.002 for p in pages)
    assert assert_prints_whole(result.pdf, tmp_path) == len(pages)
