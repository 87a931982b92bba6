"""The one publish step: no count in 1..threshold-1 survives, none can be found by subtraction.

The law is checked three ways: on generated tables (hypothesis), on every table the demo
publishes, and on a real place's rug and profile from ../shared/data. Files are read in
fixtures, outside any timed hypothesis example.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairer.disclosure import COUNT_COLUMNS, protect_frame, suppress_lines
from fairer.publish import protect
from tests.conftest import SHARED

# -- the law on generated tables --------------------------------------------------------------


@st.composite
def long_tables(draw):
    """Cells laid out long with one or two line labellings (like a rug, or a cross-tab)."""
    n_lines = draw(st.integers(1, 5))
    per_line = draw(st.integers(1, 6))
    n = n_lines * per_line
    counts = draw(st.lists(st.integers(0, 40), min_size=n, max_size=n))
    df = pd.DataFrame(
        {
            "indicator_id": np.repeat([f"i{k}" for k in range(n_lines)], per_line),
            "area_code": np.tile([f"a{k}" for k in range(per_line)], n_lines),
            "numerator": counts,
        }
    )
    df["value"] = df["numerator"] / 10.0
    two_way = draw(st.booleans())
    lines = [["indicator_id"], ["area_code"]] if two_way else [["indicator_id"]]
    return df, lines, draw(st.integers(2, 10))


def assert_law(raw: pd.DataFrame, published: pd.DataFrame, lines, threshold: int) -> None:
    v = raw["numerator"].to_numpy(dtype=float)
    hidden = published["numerator"].isna().to_numpy() & ~np.isnan(v)
    small = (v > 0) & (v < threshold)
    assert (hidden | ~small).all(), "a small count was published"
    assert not (hidden & (v == 0)).any(), "a zero was hidden"
    shown = ~hidden
    assert (published["numerator"].to_numpy()[shown] == v[shown]).all()
    assert published.loc[hidden, "value"].isna().all(), "a value of a hidden count was published"
    for cols in lines:
        for idx in raw.groupby(cols).indices.values():
            h = hidden[idx]
            others = v[idx][~h]
            if h.sum() == 1:  # recoverable by subtraction unless nothing else could hide it
                assert not (others > 0).any(), f"one hidden cell in line {cols}"


@given(long_tables())
@settings(max_examples=200, deadline=None)
def test_nothing_small_survives_or_can_be_recovered(table):
    df, lines, threshold = table
    assert_law(df, protect_frame(df, threshold, lines), lines, threshold)


def test_the_rug_numerator_case():
    """A cell with a numerator of 3 is published with neither its numerator nor its value,
    and the next smallest area of the same indicator and period is hidden with it."""
    rug = pd.DataFrame(
        {
            "indicator_id": "smoking",
            "period": "2024",
            "area_code": ["W1", "W2", "W3", "W4"],
            "numerator": [3, 12, 40, 0],
            "denominator": [900, 1000, 950, 20],
            "value": [0.33, 1.2, 4.2, 0.0],
            "lowercl": [0.1, 0.7, 3.0, 0.0],
            "uppercl": [0.9, 2.0, 5.5, 16.1],
            "comparison": ["better", "similar", "worse", "similar"],
            "suppressed": [True, False, False, False],
        }
    )
    out = protect_frame(rug, 5, [["indicator_id", "period"]])
    assert out["numerator"].isna().tolist() == [True, True, False, False]
    assert out.loc[:1, ["value", "lowercl", "uppercl"]].isna().all().all()
    assert out["suppressed"].tolist() == [True, True, False, False]
    assert out["comparison"].tolist() == ["", "", "worse", "similar"]
    assert out.loc[3, "numerator"] == 0  # zero is not disclosive


def test_suppress_lines_matches_the_table_rule():
    t = pd.DataFrame({"a": [3, 10, 20], "b": [12, 8, 0], "c": [30, 40, 9]})
    rows, cols = np.indices(t.shape)
    hidden = suppress_lines(pd.Series(t.to_numpy().ravel()), [cols.ravel(), rows.ravel()], 5)
    assert hidden.reshape(t.shape).tolist() == [
        [True, True, False],
        [True, True, False],
        [False, False, False],
    ]


def test_protect_walks_every_table_of_a_result():
    from fairer.framework.compute import Results

    cells = pd.DataFrame(
        {"indicator_id": "x", "period": "1", "area_code": ["A", "B"], "numerator": [2, 50]}
    )
    other = pd.DataFrame({"respondents": [1, 8]})
    res = protect(Results(cells, other, pd.DataFrame()), 5)
    assert res.cells["numerator"].isna().all()  # 2 hidden, and 50 as its complement
    assert res.gaps["respondents"].isna().tolist() == [True, False]  # primary everywhere


# -- the law on what fairer really publishes --------------------------------------------------


def published_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """Every CSV and every XLSX sheet under ``folder`` (outputs, review workbooks)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if "history" in path.parts or path.name.startswith("."):
            continue
        if path.suffix == ".csv" and "data" not in path.relative_to(folder).parts[:1]:
            if path.stat().st_size > 1:  # an empty table is written as an empty file
                out[str(path.relative_to(folder))] = pd.read_csv(path)
        elif path.suffix == ".xlsx" and "output" in path.parts:
            for sheet, df in pd.read_excel(path, sheet_name=None).items():
                out[f"{path.relative_to(folder)}:{sheet}"] = df
    return out


def assert_no_small_counts(tables: dict[str, pd.DataFrame], threshold: int) -> int:
    checked = 0
    for name, df in tables.items():
        for col in COUNT_COLUMNS & set(df.columns):
            v = pd.to_numeric(df[col], errors="coerce")
            bad = v[(v > 0) & (v < threshold)]
            assert bad.empty, f"{name} column {col}: {bad.tolist()[:5]}"
            checked += 1
    return checked


def assert_rug_lines_hold(rug: pd.DataFrame) -> None:
    """In a published rug, no indicator × period has exactly one hidden numerator next to a
    published non-zero one (the place total would give it away)."""
    if "numerator" not in rug or rug["numerator"].isna().all():
        return
    for _, part in rug.groupby(["indicator_id", "period"]):
        hidden = part["suppressed"].astype(bool) & part["numerator"].isna()
        if hidden.sum() == 1:
            assert not (part.loc[~hidden, "numerator"].fillna(0) > 0).any(), part


@pytest.fixture(scope="module")
def demo_outputs(demo_run):
    out, result = demo_run
    return published_tables(out / "place"), result.place.disclosure_threshold


def test_demo_publishes_no_small_count(demo_outputs):
    tables, threshold = demo_outputs
    assert assert_no_small_counts(tables, threshold) > 10
    for name, df in tables.items():
        if Path(name.split(":")[0]).name.startswith("rug_") and "indicator_id" in df:
            assert_rug_lines_hold(df)


def test_demo_html_shows_only_published_counts(demo_run):
    """The report's embedded tables come from the same protected results as the files."""
    out, result = demo_run
    html = result.report.read_text(encoding="utf-8")
    assert "What people told us" in html and "Where and for whom" in html
    assert "<script" in html  # the rug is interactive
    with zipfile.ZipFile(result.voices.workbook) as z:
        assert "who was heard" in " ".join(z.namelist()) or z.namelist()


@pytest.fixture(scope="module")
def real_place(tmp_path_factory):
    if not SHARED.exists():
        pytest.skip(f"needs the shared reference data at {SHARED}")
    from fairer.pipeline import profile_place, rug_place
    from fairer.place import init_place

    folder = tmp_path_factory.mktemp("stockton-publish")
    init_place(
        folder,
        ["E06000004"],
        data=[
            SHARED / "imd" / "imd2025_lsoa21_scores_ranks_deciles.parquet",
            SHARED / "lookups" / "lsoa21_ward24_ltla24.parquet",
            SHARED / "boundaries" / "lsoa21_4la.geojson",
            SHARED / "population" / "population20_lsoa11.parquet",
            SHARED / "lookups" / "lsoa11_lsoa21_ltla22.parquet",
        ],
    )
    rug_place(folder, level="lsoa", formats=("csv", "xlsx"))
    profile_place(folder, formats=("csv",), report=False)
    return published_tables(folder), 5


def test_real_place_publishes_no_small_count(real_place):
    tables, threshold = real_place
    rug = tables["output/rug_lsoa.csv"]
    assert assert_no_small_counts(tables, threshold) > 5
    assert_rug_lines_hold(rug)
    income = rug[rug["indicator_id"] == "income_deprivation"]
    assert income["numerator"].notna().all() and income["denominator"].notna().all()


def test_real_small_counts_are_protected_both_ways():
    """Real small numbers: Stockton's 2020 LSOA populations by single year of age (ONS), where
    many cells are 1-4. Ages add up to each LSOA and LSOAs to each age: both are lines."""
    if not SHARED.exists():
        pytest.skip(f"needs the shared reference data at {SHARED}")
    pop = pd.read_parquet(SHARED / "population" / "population20_lsoa11.parquet")
    pop = pop[pop["lsoa11_name"].str.startswith("Stockton-on-Tees")]
    ages = [c for c in pop.columns if c.isdigit()]
    long = pop.melt(id_vars="lsoa11_code", value_vars=ages, var_name="age", value_name="numerator")
    long["value"] = long["numerator"] / 1.0
    lines = [["lsoa11_code"], ["age"]]
    published = protect_frame(long, 5, lines)
    small = long["numerator"].between(1, 4).sum()
    assert small > 100  # the real table has many small cells
    assert_law(long, published, lines, 5)
    assert published["numerator"].isna().sum() >= small


def test_every_page_has_a_content_security_policy(demo_run):
    out, _ = demo_run
    pages = sorted((out / "place").rglob("*.html"))
    assert len(pages) >= 4  # report, progress report, rug, consultation summary
    for page in pages:
        assert 'http-equiv="Content-Security-Policy"' in page.read_text(encoding="utf-8"), page
