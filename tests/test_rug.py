"""The tartan rug: on real ONS data, on the demo, as CSV and as an interactive page in Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from fairer.pipeline import rug_place
from fairer.place import init_place
from tests.conftest import SHARED

ONS = SHARED / "health" / "ons_subnational_indicators_explorer_2022"
RUG_COLUMNS = [
    "area_code",
    "area_name",
    "indicator_id",
    "period",
    "value",
    "lowercl",
    "uppercl",
    "benchmark",
    "comparison",
    "quintile",
]


@pytest.fixture(scope="module")
def north_east(tmp_path_factory):
    if not SHARED.exists():
        pytest.skip(f"needs the shared reference data at {SHARED}")
    folder = tmp_path_factory.mktemp("stockton")
    data = [
        SHARED / "imd" / "imd2025_lsoa21_scores_ranks_deciles.parquet",
        SHARED / "lookups" / "lsoa21_ward24_ltla24.parquet",
        ONS / "male_hle.csv",
        ONS / "female_hle.csv",
        ONS / "smokers.csv",
        ONS / "gcse.csv",
    ]
    init_place(folder, ["E06000004"], data=data)
    res, paths, load = rug_place(
        folder, level="lad", benchmark="place", formats=("csv", "xlsx", "html", "png")
    )
    return res, paths, load


def test_real_rug_cells_match_independent_comparisons(north_east):
    res, paths, _ = north_east
    rug = pd.read_csv(paths["csv"])
    assert list(rug.columns[: len(RUG_COLUMNS)]) == RUG_COLUMNS
    ne = [
        "E06000001",
        "E06000002",
        "E06000003",
        "E06000004",
        "E06000005",
        "E06000047",
        "E06000057",
        "E08000021",
        "E08000022",
        "E08000023",
        "E08000024",
        "E08000037",
    ]
    assert set(rug["area_code"]) == set(ne)  # the authorities of Stockton's region
    for sheet, ind in (
        ("male_hle.csv", "male_hle"),
        ("female_hle.csv", "female_hle"),
        ("smokers.csv", "smokers"),
    ):
        raw = pd.read_csv(ONS / sheet, skiprows=5)
        raw = raw.set_index("Area Code")
        stockton = float(raw.loc["E06000004"].iloc[1])
        polarity_higher = ind != "smokers"
        for code in ne:
            value, lo, hi = (float(v) for v in raw.loc[code].iloc[1:4])
            higher, lower = lo > stockton, hi < stockton
            expected = (
                ("better" if higher == polarity_higher else "worse")
                if (higher or lower)
                else "similar"
            )
            cell = rug[(rug["area_code"] == code) & (rug["indicator_id"] == ind)].iloc[0]
            assert (cell["value"], cell["lowercl"], cell["uppercl"]) == (value, lo, hi)
            assert cell["benchmark"] == stockton and cell["comparison"] == expected, (ind, code)


def test_no_ci_indicator_gets_quintiles(north_east):
    res, paths, _ = north_east
    rug = pd.read_csv(paths["csv"])
    g = rug[rug["indicator_id"] == "gcse"].set_index("area_code")
    assert (g["comparison"] == "not compared").all()
    raw = pd.read_csv(ONS / "gcse.csv", skiprows=5).set_index("Area Code").reindex(g.index)
    values = pd.to_numeric(raw.iloc[:, 1])
    # Independent: quintile 1 holds the lowest attainment (higher is better), by rank among 12.
    ranks = values.rank(method="min")
    expected = np.floor(6 - np.ceil((13 - ranks) / (12 / 5))).clip(lower=1)
    assert (g["quintile"] == expected).all()


def test_rug_outputs_are_written(north_east):
    res, paths, _ = north_east
    xlsx = pd.read_excel(paths["xlsx"], sheet_name=None)
    assert {"rug", "scorecard", "gaps"} <= set(xlsx)
    assert paths["png"].stat().st_size > 10_000
    html = paths["html"].read_text()
    assert "rug-data" in html and "http://" not in html.split("rug-data")[1][:200]


def test_rug_on_the_demo_via_cli(cli, demo_run):
    out, _ = demo_run
    code, stdout, err = cli("rug", out / "place", "--format", "csv,html")
    assert code == 0, err
    assert (
        "20 wards" in stdout and "has no data" in err
    )  # indicators without data are said, not hidden
    rug = pd.read_csv(out / "place" / "output" / "rug_ward.csv")
    kids = rug[(rug["indicator_id"] == "children_low_income") & rug["latest"]]
    assert len(kids) == 20 and kids["benchmark_name"].eq("England").all()


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("needs Chromium for browser tests (CI installs it: apt-get install chromium)")


def _run_chromium(args, tmp_path):
    cmd = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def demo_rug_page(demo_run):
    """The rug the demo wrote (``fairer demo`` runs ``fairer rug`` for the wards)."""
    out, _ = demo_run
    return {fmt: out / "place" / "output" / f"rug_ward.{fmt}" for fmt in ("html", "csv")}


def test_rug_page_renders_without_console_errors(demo_rug_page, tmp_path):
    shot = tmp_path / "rug.png"
    proc = _run_chromium(
        ["--window-size=1300,900", f"--screenshot={shot}", demo_rug_page["html"].as_uri()], tmp_path
    )
    assert shot.exists() and shot.stat().st_size > 20_000
    console = [ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert not [ln for ln in console if "rror" in ln or "Uncaught" in ln], console
    from PIL import Image

    img = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    # The page has the rug's colours in it, not a blank screen: count orange "worse" cells' pixels.
    orange = (abs(img[..., 0] - 0xE6) < 8) & (abs(img[..., 1] - 0x9F) < 8) & (img[..., 2] < 20)
    assert orange.sum() > 2000


def _rows_in_dom(page, tmp_path, fragment):
    proc = _run_chromium(["--dump-dom", page.as_uri() + fragment], tmp_path)
    return [
        c for c in re.findall(r"<tr data-code=\"([^\"]+)\"", proc.stdout) if not c.startswith("$")
    ], proc.stdout


def test_rug_filters_and_sorts_in_the_browser(demo_rug_page, tmp_path):
    page = demo_rug_page["html"]
    rug = pd.read_csv(demo_rug_page["csv"])
    latest = rug[rug["latest"]]
    all_rows, _ = _rows_in_dom(page, tmp_path, "")
    assert len(all_rows) == 20
    worse_areas = set(latest.loc[latest["comparison"] == "worse", "area_code"])
    rows, dom = _rows_in_dom(page, tmp_path, "#colour=worse")
    assert set(rows) == worse_areas and f"{len(worse_areas)} of 20 areas" in dom
    kids = latest[latest["indicator_id"] == "children_low_income"].sort_values(
        "value", ascending=False
    )
    rows, _ = _rows_in_dom(page, tmp_path, "#sort=children_low_income&dir=-1")
    assert rows[:3] == kids["area_code"].tolist()[:3]
    rows, dom = _rows_in_dom(page, tmp_path, "#domain=health")
    assert (
        "Physically inactive adults" in dom
        and "IoD living environment score" not in dom.split("rug-table")[1].split("rug-data")[0]
    )
    rows, _ = _rows_in_dom(page, tmp_path, "#q=marsh")
    assert len(rows) == 1


def _similar_cells(codes, names, indicators) -> pd.DataFrame:
    """Latest rug cells, all 'similar' to the benchmark, with values 0, 1, 2 …"""
    return pd.DataFrame(
        {
            "area_code": codes,
            "area_name": names,
            "indicator_id": indicators,
            "period": "2024",
            "value": np.arange(len(codes), dtype=float),
            "lowercl": np.nan,
            "uppercl": np.nan,
            "benchmark": 1.0,
            "comparison": "similar",
            "quintile": 3.0,
            "trend": "",
            "suppressed": False,
            "latest": True,
            "change": np.nan,
        }
    )


def test_large_rug_pages(tmp_path):
    """7,000 areas stay usable: the page shows 50 rows at a time."""
    from fairer.framework import load_framework
    from fairer.report.rug import rug_payload, write_rug_html

    fw = load_framework("fairer-nine-domains")
    inds = fw.indicators[:5]
    n = 7000
    cells = _similar_cells(
        np.repeat([f"E05{i:06d}" for i in range(n)], len(inds)),
        np.repeat([f"Ward {i}" for i in range(n)], len(inds)),
        [i.id for i in inds] * n,
    )
    page = write_rug_html(rug_payload(cells, fw, "big", "England"), tmp_path / "big.html")
    rows, dom = _rows_in_dom(page, tmp_path, "#page=3")
    assert len(rows) == 50 and "page 4 of 140" in dom


def test_typed_text_never_becomes_markup(tmp_path):
    """An area name or indicator title holding HTML is shown as text in the browser: the page
    builds its rows with text nodes, and its Content-Security-Policy runs only its own script."""
    from fairer.framework import load_framework
    from fairer.report.rug import rug_payload, write_rug_html

    fw = load_framework("fairer-nine-domains")
    hostile = '"><img src=x onerror="document.title=`pwned`">'
    cells = _similar_cells(
        ["E05000001", "E05000002"], [hostile, "<b>bold</b> ward"], [fw.indicators[0].id] * 2
    )
    page = write_rug_html(rug_payload(cells, fw, hostile, "England"), tmp_path / "h.html")
    text = page.read_text(encoding="utf-8")
    assert 'http-equiv="Content-Security-Policy"' in text and "script-src 'sha256-" in text
    rows, dom = _rows_in_dom(page, tmp_path, "")
    assert len(rows) == 2  # the script ran under the policy
    table = dom.split('id="rug-table"')[1].split("rug-data")[0]  # the data block is JSON text
    assert "<img" not in table and "<b>bold" not in table
    assert "&lt;img src=x" in table and "&lt;b&gt;bold&lt;/b&gt; ward" in table
    assert dom.split("<title>")[1].split("</title>")[0] != "pwned"  # no handler ran


def test_a_file_without_england_gets_no_invented_england(tmp_path_factory):
    """ONS's healthy life expectancy file gives authorities only (no England row, no counts):
    against 'England' the cells are "not compared", never tested against a median of areas."""
    if not SHARED.exists():
        pytest.skip(f"needs the shared reference data at {SHARED}")
    folder = tmp_path_factory.mktemp("stockton_england")
    data = [
        SHARED / "imd" / "imd2025_lsoa21_scores_ranks_deciles.parquet",
        SHARED / "lookups" / "lsoa21_ward24_ltla24.parquet",
        ONS / "male_hle.csv",
    ]
    init_place(folder, ["E06000004"], data=data)
    res, paths, _ = rug_place(folder, level="lad", benchmark="england", formats=("csv",))
    raw = pd.read_csv(ONS / "male_hle.csv", skiprows=5)
    assert "E92000001" not in set(raw["Area Code"])
    cells = pd.read_csv(paths["csv"])
    hle = cells[cells["indicator_id"] == "male_hle"]
    assert len(hle) == 12
    assert hle["benchmark"].isna().all() and (hle["comparison"] == "not compared").all()


def test_the_printed_rug_shows_every_area(tmp_path):
    """124 areas (Stockton's LSOAs) print on A4 pages, each page saying which areas it holds,
    and together every area once: none is dropped without a word."""
    from fairer.framework import load_framework
    from fairer.report.rug import a4_bbox, rug_figures

    fw = load_framework("fairer-nine-domains")
    inds = fw.indicators[:3]
    n = 124
    names = [f"Stockton-on-Tees {i:03d}A" for i in range(n)]
    cells = _similar_cells(
        np.repeat([f"E01{i:06d}" for i in range(n)], len(inds)),
        np.repeat(names, len(inds)),
        [i.id for i in inds] * n,
    )
    pages = rug_figures(cells, fw, "Stockton-on-Tees: LSOAs × indicators")
    assert len(pages) == 3
    for fig in pages:  # each page's content fits A4 inside the margins
        box = a4_bbox(fig)
        assert (round(box.width, 2), round(box.height, 2)) == (8.27, 11.69)
    shown = [t.get_text() for fig in pages for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert sorted(shown) == sorted(names)
    titles = [fig.axes[0].get_title(loc="left") for fig in pages]
    first = re.search(r"\(page 1 of 3: areas 1–(\d+) of 124\)$", titles[0])
    assert first and titles[2].endswith(" of 124)")
    rows = int(first.group(1))
    assert titles[2].endswith(f"(page 3 of 3: areas {2 * rows + 1}–124 of 124)")


def test_the_printed_rug_files_hold_every_page(demo_run, tmp_path):
    """The demo's 120 LSOAs: three A4 pages that print whole, and a PNG a page."""
    from tests.conftest import copy_demo
    from tests.test_progress_report import assert_prints_whole

    if not shutil.which("pdfinfo"):
        pytest.skip("needs poppler's pdfinfo (apt install poppler-utils)")
    place = copy_demo(demo_run, tmp_path / "demo")
    _, paths, _ = rug_place(place, level="lsoa", formats=("pdf", "png"))
    info = subprocess.run(["pdfinfo", str(paths["pdf"])], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+3\b", info) and "(A4)" in info, info
    assert assert_prints_whole(paths["pdf"], tmp_path) == 3
    assert paths["png"].exists() and paths["png"].with_name("rug_lsoa_3.png").exists()
