"""ONS postcode directories in their published layouts, and assets placed by postcode.

Every postcode here is synthetic (the ZZ99 district does not exist); the layouts are ONS's.
"""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from fairer.errors import FairerError
from fairer.sources.detect import detect
from fairer.sources.postcodes import place_postcodes, read_postcodes

#: The ONSPD's columns before the 2025 renaming (user guide order).
ONSPD_CLASSIC = [
    "pcd",
    "pcd2",
    "pcds",
    "dointr",
    "doterm",
    "oscty",
    "ced",
    "oslaua",
    "osward",
    "parish",
    "usertype",
    "oseast1m",
    "osnrth1m",
    "osgrdind",
    "oshlthau",
    "nhser",
    "ctry",
    "rgn",
    "streg",
    "pcon",
    "eer",
    "teclec",
    "ttwa",
    "pct",
    "itl",
    "statsward",
    "oa01",
    "casward",
    "npark",
    "lsoa01",
    "msoa01",
    "ur01ind",
    "oac01",
    "oa11",
    "lsoa11",
    "msoa11",
    "wz11",
    "sicbl",
    "bua24",
    "ru11ind",
    "oac11",
    "lat",
    "long",
    "lep1",
    "lep2",
    "pfa",
    "imd",
    "calncv",
    "icb",
    "oa21",
    "lsoa21",
    "msoa21",
]
#: The 2025 layout: year-suffixed codes.
ONSPD_2025 = [
    "pcd7",
    "pcd8",
    "pcds",
    "dointr",
    "doterm",
    "usrtypind",
    "east1m",
    "north1m",
    "gridind",
    "oa21cd",
    "cty25cd",
    "ced25cd",
    "lad25cd",
    "wd25cd",
    "nhser24cd",
    "ctry25cd",
    "rgn25cd",
    "pcon24cd",
    "ttwa15cd",
    "itl25cd",
    "npark16cd",
    "oa11cd",
    "lsoa11cd",
    "msoa11cd",
    "lsoa21cd",
    "msoa21cd",
    "ruc21ind",
    "oac11ind",
    "lat",
    "long",
    "icb23cd",
]


def _directory(columns, rows) -> pd.DataFrame:
    df = pd.DataFrame("", index=range(len(rows)), columns=columns)
    for i, r in enumerate(rows):
        for k, v in r.items():
            df.loc[i, k] = v
    return df


ROWS = [  # live; terminated; no grid reference; re-used (terminated row, then live row)
    {"pcds": "ZZ99 1AA", "lat": "54.57", "long": "-1.32", "lsoa": "E01012001", "ward": "E05001", "lad": "E06000004"},
    {"pcds": "ZZ99 1AB", "lat": "54.58", "long": "-1.31", "lsoa": "E01012002", "ward": "E05002", "lad": "E06000004", "doterm": "202003"},
    {"pcds": "ZZ99 1AD", "lat": "99.999999", "long": "0.000000", "lsoa": "", "ward": "", "lad": ""},
    {"pcds": "ZZ99 1AE", "lat": "54.50", "long": "-1.40", "lsoa": "E01012003", "ward": "E05003", "lad": "E06000004", "doterm": "201901"},
    {"pcds": "ZZ99 1AE", "lat": "54.59", "long": "-1.30", "lsoa": "E01012004", "ward": "E05004", "lad": "E06000004"},
]  # fmt: skip


@pytest.mark.parametrize("layout", ["classic", "2025", "nspl"])
def test_published_layouts_read_alike(tmp_path, layout):
    cols = {"classic": ONSPD_CLASSIC, "2025": ONSPD_2025}.get(layout)
    if layout == "nspl":  # NSPL: ward and laua rather than osward and oslaua
        cols = [{"osward": "ward", "oslaua": "laua"}.get(c, c) for c in ONSPD_CLASSIC]
    names = {
        "classic": {"lsoa": "lsoa21", "ward": "osward", "lad": "oslaua"},
        "2025": {"lsoa": "lsoa21cd", "ward": "wd25cd", "lad": "lad25cd"},
        "nspl": {"lsoa": "lsoa21", "ward": "ward", "lad": "laua"},
    }[layout]
    rows = [{names.get(k, k): v for k, v in r.items()} for r in ROWS]
    path = tmp_path / f"ONSPD_synthetic_{layout}.csv"
    _directory(cols, rows).to_csv(path, index=False)
    assert detect(path).kind == "postcodes"
    pcs = read_postcodes(path)
    assert pcs["postcode"].tolist() == ["ZZ991AA", "ZZ991AB", "ZZ991AE"]  # no grid ref: left out
    assert pcs["terminated"].tolist() == [False, True, False]
    assert pcs.set_index("postcode").loc["ZZ991AE", "lsoa21"] == "E01012004"  # the live one
    assert pcs.set_index("postcode").loc["ZZ991AA", "ward"] == "E05001"
    placed, found = place_postcodes(pd.Series(["zz99 1aa", "ZZ991AB ", "ZZ99 9ZZ"]), pcs)
    assert found.tolist() == [True, True, False]
    assert placed["latitude"].iloc[0] == pytest.approx(54.57)


def test_a_release_zip_is_read_from_its_data_folder(tmp_path):
    csv = tmp_path / "x.csv"
    _directory(ONSPD_2025, [{("lsoa21cd" if k == "lsoa" else k): v for k, v in r.items()} for r in ROWS]).to_csv(csv, index=False)  # fmt: skip
    release = tmp_path / "ONSPD_FEB_2025_synthetic.zip"
    with zipfile.ZipFile(release, "w") as z:
        z.writestr("Documents/readme.csv", "a,b\n1,2\n")
        z.write(csv, "Data/ONSPD_FEB_2025_UK.csv")
    assert detect(release).kind == "postcodes"
    assert len(read_postcodes(release)) == 3


def test_not_a_directory_is_refused_by_name(tmp_path):
    f = tmp_path / "lookup.csv"
    f.write_text("pcds,lsoa21cd\nZZ99 1AA,E01012001\n")
    with pytest.raises(
        FairerError, match=r"lookup\.csv: not an ONS postcode directory: no latitude, longitude"
    ):
        read_postcodes(f)


def test_assets_by_postcode_are_where_their_coordinates_say(tmp_path):
    """A register by postcode, placed through a directory, gives the distances the same
    register with coordinates gives."""
    from fairer.context import open_place
    from fairer.demo import example_place
    from fairer.targeting.place import assets_against_need

    place = example_place(copy=True)
    register = next((place.parent / "data").glob("community_assets_*.csv"))
    assets = pd.read_csv(register)
    codes = [f"ZZ99 {k // 26 + 1}{chr(65 + k % 26)}A" for k in range(len(assets))]
    directory = _directory(
        ONSPD_2025,
        [{"pcds": c, "lat": f"{la:.6f}", "long": f"{lo:.6f}", "lsoa21cd": "E01999999",
          "lad25cd": "E06990001"} for c, la, lo in zip(codes, assets["latitude"], assets["longitude"], strict=True)],
    )  # fmt: skip
    directory_file = tmp_path / "ONSPD_synthetic.csv"
    directory.to_csv(directory_file, index=False)
    by_postcode = tmp_path / "assets_by_postcode.csv"
    assets.drop(columns=["latitude", "longitude"]).assign(postcode=codes).to_csv(
        by_postcode, index=False
    )
    assert detect(by_postcode).kind == "assets"
    with open_place(place) as ctx:
        direct = assets_against_need(ctx, [register])
        placed = assets_against_need(ctx, [by_postcode], postcodes=directory_file)
    cols = [c for c in direct.table if c.startswith("distance_")]
    np.testing.assert_allclose(placed.table[cols], direct.table[cols], atol=0.5)


def test_a_consultation_reads_respondents_areas_from_a_directory(tmp_path):
    """The classic ONSPD has lsoa01, lsoa11 and lsoa21: respondents get the 2021 LSOA."""
    from fairer.voices.importing import _postcode_lookup

    rows = [dict(r, lsoa21=r["lsoa"], lsoa11="E01000111", lsoa01="E01000001") for r in ROWS]
    path = tmp_path / "ONSPD_synthetic.csv"
    _directory(ONSPD_CLASSIC, [{k: v for k, v in r.items() if k in ONSPD_CLASSIC} for r in rows]).to_csv(path, index=False)  # fmt: skip
    lookup = _postcode_lookup(path)
    assert lookup["ZZ991AA"] == "E01012001" and lookup["ZZ991AE"] == "E01012004"
