"""The demo borough and the self-contained report."""

from __future__ import annotations

import re

import pandas as pd
import shapely

from fairer.demo import make_borough


def test_demo_is_deterministic_and_shaped_like_a_borough():
    a, b = make_borough(7), make_borough(7)
    pd.testing.assert_frame_equal(a.lsoas, b.lsoas)
    pd.testing.assert_frame_equal(a.population, b.population)
    assert not make_borough(8).lsoas["imd_rank"].equals(a.lsoas["imd_rank"])
    assert 100 <= len(a.lsoas) <= 140 and a.lsoas["ward_code"].nunique() == 20
    polys = shapely.GeometryCollection(a.polygons)
    assert all(p.is_valid for p in a.polygons)
    # LSOAs tile the borough: no overlaps.
    assert sum(p.area for p in a.polygons) == __import__("pytest").approx(
        shapely.union_all(a.polygons).area, rel=1e-9
    )
    assert polys.bounds[1] > 50  # somewhere at British latitudes (in open sea)
    # A deprivation gradient: a fifth or so of LSOAs in the national most deprived decile.
    deciles = (a.lsoas["imd_rank"] * 10 / 33755).apply(lambda r: max(1, int(-(-r // 1))))
    assert 0.1 < (deciles == 1).mean() < 0.35
    # Deprived areas have more deaths per head.
    d = a.deaths.groupby("lsoa_code")[["deaths", "population"]].sum()
    rate = (d["deaths"] / d["population"]).reindex(a.lsoas["lsoa_code"]).to_numpy()
    assert (
        pd.Series(rate).corr(pd.Series(a.lsoas["percentile"].to_numpy()), method="spearman") < -0.2
    )


def test_demo_run_writes_a_labelled_report(demo_run):
    out, result = demo_run
    assert result.place.synthetic
    html = result.report.read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in html and "Fairhaven" in html
    assert len(re.findall(r"<svg role=\"img\" aria-label=\"[^\"]+\"", html)) >= 4
    assert "<caption>" in html and 'scope="col"' in html and 'lang="en-GB"' in html
    # Self-contained: no external scripts, styles, images or fonts.
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?://", html)
    assert "url(http" not in html
    assert (out / "data" / "README.txt").read_text().startswith("SYNTHETIC DATA")


def test_demo_writes_the_progress_report(demo_run):
    _, result = demo_run
    assert result.progress is not None and result.progress.html.exists()
    html = result.progress.html.read_text()
    for part in (
        "Action plan",
        "Inequality impact assessments",
        "What we learned",
        "Where and for whom",
    ):
        assert part in html


def test_small_population_counts_are_suppressed():
    from fairer.disclosure import protect_frame

    df = pd.DataFrame({"population": [0, 1, 4, 5, 1200]})
    out = protect_frame(df, 5)["population"]
    assert out.isna().tolist() == [False, True, True, False, False]
    assert out.iloc[0] == 0 and out.iloc[3] == 5


def test_demo_consultation_end_to_end(demo_run):
    """The demo's consultation: imported, redacted, coded, reviewed once, themed and reported."""
    from fairer.voices.run import coding_history

    out, result = demo_run
    place = out / "place"
    html = result.report.read_text(encoding="utf-8")
    assert "What people told us" in html and "Key theme 1 – " in html and "Who was heard" in html
    assert result.voices is not None and result.voices.workbook.exists()
    summary = result.voices.html.read_text(encoding="utf-8")
    for original in (
        "Jane Hartley",
        "07700 900123",
        "j.bloggs@example.com",
        "14 Marsh Lane",
        "Priya Sharma",
        "Sam Okafor",
        "01632 960 123",
        "Helen Moss",
    ):
        assert original not in summary and original not in html
    history = coding_history(place)
    before = history[history["measured_on"] == "review, before learning"]["samples_f1"].iat[0]
    after = history[history["measured_on"] == "cross-validated"]["samples_f1"].iat[0]
    assert after > before  # the coder learnt from the demo analyst's corrections
    # The statements from both workshop write-ups are in, with their tables and groups.
    from fairer.voices.importing import load_statements
    from fairer.voices.workspace import open_consultation

    s = load_statements(open_consultation(place))
    assert {
        "fairer_fairhaven_survey_SYNTHETIC.csv",
        "strategy_cafe_notes_SYNTHETIC.md",
        "marmot_session_SYNTHETIC.html",
    } == set(s["file"])
    assert {"Table 1", "Table 2", "Table 3", "Group A", "Group B"} <= set(s["group_name"])
