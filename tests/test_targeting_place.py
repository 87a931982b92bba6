"""Assets against need, and the targeting commands on the demo borough."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairer.errors import FairerError
from fairer.targeting.assets import access, asset_type, read_assets


def test_asset_types_are_recognised():
    assert asset_type("Library") == "library"
    assert asset_type("GP surgery") == "gp"
    assert asset_type("sports_centre") == "leisure centre"
    assert asset_type("Foodbank (Trussell)") == "food bank"
    assert asset_type("bandstand") is None


def test_asset_registers_and_bad_rows(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text(
        "name,type,latitude,longitude\nA,library,54.57,-1.32\nB,gp,54.56,-1.31\n"
        "C,library,91.0,-1.3\nD,bandstand,54.56,-1.30\n"
    )
    a = read_assets(p)
    assert a.table["name"].tolist() == ["A", "B", "D"]
    assert a.table.loc[2, "asset_type"] == "other"
    assert any("row 4: coordinates outside Great Britain" in m for m in a.messages)
    assert any("'bandstand'" in m and "kept as 'other'" in m for m in a.messages)
    bng = tmp_path / "b.csv"
    bng.write_text("site,category,easting,northing\nHall,Community centre,444000,518000\n")
    assert read_assets(bng).table["asset_type"].tolist() == ["community centre"]
    pc = tmp_path / "c.csv"
    pc.write_text("Library name,Postcode\nCentral,TS18 1TU\nNowhere,ZZ1 1ZZ\n")
    with pytest.raises(FairerError, match="give a postcode lookup"):
        read_assets(pc, default_type="library")
    lookup = pd.DataFrame({"postcode": ["TS181TU"], "latitude": [54.565], "longitude": [-1.316]})
    placed = read_assets(pc, postcodes=lookup, default_type="library")
    assert (
        placed.table["name"].tolist() == ["Central"]
        and "1 postcodes not in the lookup" in placed.messages[0]
    )


def test_access_distances_match_an_independent_calculation():
    points = pd.DataFrame(
        {"area_code": ["x", "y"], "easting": [0.0, 1000.0], "northing": [0.0, 0.0]}
    )
    assets = pd.DataFrame(
        {
            "name": list("abc"),
            "asset_type": ["library", "library", "gp"],
            "easting": [300.0, 5000.0, 0.0],
            "northing": [400.0, 0.0, 900.0],
        }
    )
    out = access(points, assets, walk=800).set_index("area_code")
    assert out.loc["x", "distance_library"] == pytest.approx(500.0)
    assert out.loc["y", "distance_library"] == pytest.approx(((700**2) + 400**2) ** 0.5)
    assert (
        out.loc["x", "within_walk_library"] == 1 and out.loc["y", "within_walk_library"] == 0
    )  # 806 m away
    assert (
        out.loc["x", "distance_gp"] == pytest.approx(900.0) and out.loc["y", "within_walk_gp"] == 0
    )


def test_targeting_commands_on_the_demo(cli, demo_run):
    out, _ = demo_run
    place = out / "place"
    code, stdout, err = cli("priorities", place, "--count", "3", "--runs", "100")
    assert code == 0, err
    assert stdout.startswith("1. ") and "residents" in stdout
    picks = pd.read_csv(place / "output" / "priority_neighbourhoods.csv")
    assert len(picks) == 3 and picks["population"].between(5000, 15000).all()
    code, stdout, err = cli(
        "assets", place, "--file", out / "data" / "community_assets_synthetic_Fairhaven.csv"
    )
    assert code == 0, err
    assert "library: 6 assets" in stdout
    acc = pd.read_csv(place / "output" / "assets_access.csv")
    assert len(acc) == 120 and (acc["distance_library"] >= 0).all()
    code, stdout, err = cli(
        "allocate",
        place,
        "--budget",
        "600000",
        "--level",
        "ward",
        "--current",
        out / "data" / "current_spend_by_ward_synthetic_Fairhaven.csv",
    )
    assert code == 0, err
    alloc = pd.read_csv(place / "output" / "allocation_ward.csv")
    assert round(alloc["allocation"].sum(), 2) == 600000 and len(alloc) == 20 and "change" in alloc
    code, _, err = cli("allocate", place, "--budget", "-5")
    assert code == 2 and "budget must be more than zero" in err
    code, _, err = cli("priorities", place, "--count", "99")
    assert code == 2 and "fewer than the 99 asked for" in err


def test_demo_report_has_the_where_and_for_whom_section(demo_run):
    _, result = demo_run
    html = result.report.read_text()
    assert "Where and for whom" in html and "Priority neighbourhoods" in html
    assert "Allocation by ward" in html and "Assets against need" in html


def test_openstreetmap_extract(tmp_path):
    import json

    features = [
        {
            "type": "Feature",
            "properties": {"name": "Ropner Park", "leisure": "park", "amenity": None},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[-1.33, 54.55], [-1.32, 54.55], [-1.32, 54.56], [-1.33, 54.55]]],
            },
        },
        {
            "type": "Feature",
            "properties": {"name": "Central Library", "leisure": None, "amenity": "library"},
            "geometry": {"type": "Point", "coordinates": [-1.31, 54.56]},
        },
    ]
    p = tmp_path / "osm.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    a = read_assets(p)
    assert dict(zip(a.table["name"], a.table["asset_type"], strict=True)) == {
        "Ropner Park": "park",
        "Central Library": "library",
    }


@pytest.mark.parametrize(
    ("geography", "files"),
    [
        (
            2021,
            [
                ("imd", "imd2025_lsoa21_scores_ranks_deciles.parquet"),
                ("lookups", "lsoa21_ward24_ltla24.parquet"),
                ("boundaries", "lsoa21_4la.geojson"),
                ("lookups", "lsoa11_lsoa21_ltla22.parquet"),
                ("population", "population20_lsoa11.parquet"),
            ],
        ),
        (
            2011,
            [
                ("imd", "iod2019_file2_domains_ranks_deciles_lsoa11.csv.gz"),
                ("imd", "iod2019_file6_population_denominators_lsoa11.csv.gz"),
                ("imd", "imd2019_lsoa11_combined.parquet"),
                ("lookups", "lsoa11_ward17.parquet"),
                ("boundaries", "lsoa11_4la.geojson"),
            ],
        ),
    ],
)
def test_stockton_priorities_through_the_place(tmp_path, geography, files):
    from tests.conftest import SHARED

    if not SHARED.exists():
        pytest.skip(f"needs the shared reference data at {SHARED}")
    import geopandas as gpd

    from fairer.pipeline import priorities_command
    from fairer.place import init_place

    init_place(
        tmp_path / "p",
        ["E06000004"],
        data=[SHARED.joinpath(*f) for f in files],
        geography_year=geography,
    )
    run = priorities_command(tmp_path / "p", count=3, runs=100)
    picks, table = run.result.picks, run.result.need_table
    # Independent checks: contiguity from the boundary file, bounds, and need from the IoD file.
    geo = gpd.read_file(
        SHARED
        / "boundaries"
        / ("lsoa21_4la.geojson" if geography == 2021 else "lsoa11_4la.geojson")
    )
    code = "lsoa21_code" if geography == 2021 else "lsoa11_code"
    geo = geo.set_index(code).to_crs(27700)
    score = table.set_index("area_code")["imd_score"]
    top_third = set(score.nlargest(len(score) // 3).index)
    for codes, pop in zip(picks["area_codes"], picks["population"], strict=True):
        assert 5000 <= pop <= 15000
        part = geo.loc[codes].geometry
        assert part.buffer(3).union_all().geom_type == "Polygon"  # one connected piece
        assert np.mean([c in top_third for c in codes]) >= 0.5
    assert picks["need"].is_monotonic_decreasing
    assert (tmp_path / "p" / "output" / "priority_neighbourhoods.csv").exists()


def test_the_report_shows_the_analysts_runs_not_a_rerun(tmp_path):
    """CLI runs are kept with their settings; the report shows them, and says when data moved on."""
    from fairer.context import open_place
    from fairer.demo import example_place
    from fairer.pipeline import allocate_command, priorities_command
    from fairer.report.targeting import targeting_section
    from fairer.targeting.place import targeting_results

    place = example_place(copy=True)
    first = priorities_command(place, count=2, runs=77)
    pin = first.result.picks["area_codes"].iloc[1][0]
    ran = priorities_command(place, count=2, runs=77, pinned=[pin])
    allocate_command(place, "lsoa", budget=123_456, gradient=2.0)
    with open_place(place) as ctx:
        res = targeting_results(ctx)
    assert res.priorities.settings.runs == 77 and res.priorities.settings.pinned == [pin]
    pd.testing.assert_frame_equal(
        res.priorities.picks.drop(columns="area_codes"),
        ran.result.picks.drop(columns="area_codes"),
        check_dtype=False,
    )
    # the other level follows the analyst's allocation settings, not place.toml's £600,000
    assert res.allocation_lsoa.budget == res.allocation_ward.budget == 123_456
    assert res.allocation_ward.gradient == 2.0
    html = targeting_section(res).body
    assert "77 sensitivity runs" in html and f"built around {pin} (pinned)" in html
    assert "As run with <code>fairer priorities</code>" in html
    assert "£123,456" in html and "<code>fairer allocate --level lsoa</code>" in html

    # a source changes: the stored runs are run again with their own settings, and it says so
    assets = next((place.parent / "data").glob("community_assets_*.csv"))
    lines = assets.read_text().splitlines()
    assets.write_text("\n".join(lines[:-1]) + "\n")
    with open_place(place) as ctx:
        res = targeting_results(ctx)
    assert res.priorities.settings.runs == 77
    assert "The data changed after `fairer priorities` ran" in res.provenance["priorities"]


def test_stockton_need_combines_the_imd_with_the_community_needs_index(tmp_path):
    """`fairer detect` finds the CNI; with it loaded, need can weigh IMD and CNI, and each
    LSOA's CNI score is the one in OCSI's file."""
    from tests.conftest import SHARED

    if not SHARED.exists():
        pytest.skip(f"needs the shared reference data at {SHARED}")
    from fairer.context import open_place
    from fairer.place import init_place
    from fairer.targeting.place import targeting_data

    cni_file = SHARED / "community" / "cni2023_lsoa21_community_needs_index.parquet"
    init_place(
        tmp_path / "p",
        ["E06000004"],
        data=[
            SHARED / "imd" / "imd2025_lsoa21_scores_ranks_deciles.parquet",
            SHARED / "lookups" / "lsoa21_ward24_ltla24.parquet",
            SHARED / "boundaries" / "lsoa21_4la.geojson",
            SHARED / "lookups" / "lsoa11_lsoa21_ltla22.parquet",
            SHARED / "population" / "population20_lsoa11.parquet",
            cni_file,
        ],
    )
    assert 'kind = "cni"' in (tmp_path / "p" / "place.toml").read_text()
    with open_place(tmp_path / "p") as ctx:
        td = targeting_data(ctx, "imd_score:1,cni_score:1")
        with pytest.raises(
            FairerError, match="'nonsense' is not loaded for this place; choose from"
        ):
            targeting_data(ctx, "nonsense:1")
    official = pd.read_parquet(cni_file).set_index("lsoa21_code")
    got = td.lsoas.set_index("area_code")
    assert len(got) == 124 and got["cni_score"].notna().all()
    np.testing.assert_allclose(
        got["cni_score"], official.loc[got.index, "Community Needs Index 2023 Score"], rtol=1e-12
    )
    assert {"contribution_imd_score", "contribution_cni_score"} <= set(got.columns)


def test_maps_carry_their_keys_and_ward_names(demo_run):
    """Every map says what its colours mean; the deprivation map names its wards."""
    import html
    import re

    _, result = demo_run
    page = result.report.read_text()
    maps = page[page.index('id="indicator-maps"') :]
    assert "aria-label='Colour key'" in maps and "Significantly worse" in maps
    assert "Need score (higher = more need)" in page
    wards = pd.read_csv(result.report.parent / "iod2025_wards.csv")["ward_name"]
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    deprivation_map = next(s for s in svgs if "IMD decile" in s)
    assert all(html.escape(w) in deprivation_map for w in wards)
