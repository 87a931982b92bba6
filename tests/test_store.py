"""The store: transactional, idempotent loads, and every row traced to its source."""

from __future__ import annotations

import pandas as pd
import pytest

from fairer.errors import FairerError
from fairer.load import load_place_sources
from fairer.place import init_place
from fairer.store import open_store
from fairer.store.schema import DATA_TABLES
from tests.conftest import shared_path


@pytest.fixture
def place(demo_run, tmp_path):
    out, _ = demo_run
    data = tmp_path / "data"
    data.mkdir()
    for f in (out / "data").iterdir():
        (data / f.name).write_bytes(f.read_bytes())
    return init_place(tmp_path / "place", ["E06990001"], data=[data]), data


def _counts(place):
    store = open_store(place.store_path)
    try:
        return store.counts()
    finally:
        store.close()


def test_reload_is_idempotent(place):
    p, _ = place
    first = load_place_sources(p)
    assert len(first.loaded) == 16 and not first.skipped
    before = _counts(p)
    second = load_place_sources(p)
    assert not second.loaded and len(second.skipped) == 16
    assert _counts(p) == before


def test_every_row_knows_its_source(place):
    p, _ = place
    load_place_sources(p)
    store = open_store(p.store_path)
    try:
        for table in DATA_TABLES:
            orphans = store.query(
                f"SELECT count(*) AS n FROM {table} t ANTI JOIN sources s USING (source_id)"
            )["n"].item()
            assert orphans == 0, table
        src = store.query("SELECT kind, sha256, licence FROM sources")
        assert src["sha256"].str.len().eq(64).all()
    finally:
        store.close()


def test_changed_file_replaces_its_rows(place):
    p, data = place
    load_place_sources(p)
    f7 = next(data.glob("File_7*"))
    raw = pd.read_csv(f7)
    raw = raw.iloc[:-10]  # a new version with fewer LSOAs
    raw.to_csv(f7, index=False)
    report = load_place_sources(p)
    assert [f.endswith(f7.name) for f, _ in report.loaded] == [True]
    store = open_store(p.store_path)
    try:
        n = store.query("SELECT count(DISTINCT lsoa_code) AS n FROM deprivation")["n"].item()
        assert n == len(raw)
        assert store.query("SELECT count(*) AS n FROM sources WHERE kind = 'iod'")["n"].item() == 1
    finally:
        store.close()


def test_a_bad_file_leaves_the_store_unchanged(place):
    p, data = place
    load_place_sources(p)
    before = _counts(p)
    lookup = next(data.glob("LSOA21_WD24*"))
    lookup.write_text(lookup.read_text() + "E01990001,x,y,E05990099,Nowhere,E06990001,z\n")
    f7 = next(data.glob("File_7*"))
    f7.write_text(f7.read_text()[:-200])  # and truncate the IoD file as well
    with pytest.raises(FairerError):
        load_place_sources(p)
    assert _counts(p) == before


def test_open_store_urls(tmp_path):
    s = open_store(f"duckdb:///{tmp_path}/x.duckdb")
    s.close()
    assert (tmp_path / "x.duckdb").exists()
    with pytest.raises(FairerError, match="no store backend for 'postgresql'"):
        open_store("postgresql://host/db")


def test_a_header_only_or_cut_short_file_never_replaces_stored_data(cli, demo_run, tmp_path):
    """Replacing an IoD or lookup file with its header alone, or with a file cut short at a
    row end, is refused with one line and exit 2, and the store keeps every row it had."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(demo_run[0] / "data", data)
    place = tmp_path / "place"
    init_place(place, ["E06990001"], data=[data], synthetic=True)
    code, _, err = cli("load", place)
    assert code == 0, err
    with open_store(place / "fairer.duckdb", read_only=True) as store:
        before = store.counts()
    for name in (
        "File_7_IoD2025_synthetic_Fairhaven.csv",
        "LSOA21_WD24_LAD24_synthetic_Fairhaven.csv",
    ):
        path = data / name
        original = path.read_text(encoding="utf-8")
        lines = original.splitlines(keepends=True)
        for cut in (lines[:1], lines[: len(lines) // 2]):
            path.write_text("".join(cut), encoding="utf-8")
            code, out, err = cli("load", place)
            assert code == 2, (name, len(cut), out, err)
            assert len(err.strip().splitlines()) == 1 and name in err
            with open_store(place / "fairer.duckdb", read_only=True) as store:
                assert store.counts() == before
        path.write_text(original, encoding="utf-8")


def test_an_iod_file_cut_at_a_row_end_is_refused_for_a_real_place(cli, tmp_path):
    """A real place's IoD file must hold every LSOA of its edition: the official File 2 cut at a
    row end (as a copy that stopped part-way would be) is refused before anything is stored."""
    import gzip

    source = shared_path("imd", "iod2019_file2_domains_ranks_deciles_lsoa11.csv.gz")
    with gzip.open(source, "rt", encoding="utf-8") as f:
        lines = f.readlines()
    assert len(lines) == 32844 + 1  # the published file: a header and every English LSOA
    data = tmp_path / "data"
    data.mkdir()
    (data / "File_2_IoD2019_cut.csv").write_text("".join(lines[:20001]), encoding="utf-8")
    code, out, err = cli("init", tmp_path / "p", "--la", "E06000004", "--data", data)
    assert code == 0, err
    code, out, err = cli("load", tmp_path / "p")
    assert code == 2
    assert err.count("\n") == 1 and "32,844" in err and "20,000" in err
    assert "File_2_IoD2019_cut.csv" in err
    assert not (tmp_path / "p" / "fairer.duckdb").exists() or _store_is_empty(tmp_path / "p")


def _store_is_empty(place) -> bool:
    with open_store(place / "fairer.duckdb", read_only=True) as store:
        return not any(n for n in store.counts().values())


def test_an_unnamed_area_takes_its_name_from_another_source(tmp_path):
    """ONS's LSOA 2011 → ward 2017 lookup has codes only: a ward keeps its code as its name
    until another source (the 2024 ward lookup, the CNI's 2017 wards) names the same code."""
    import pandas as pd

    from fairer.store import open_store, queries

    store = open_store(tmp_path / "s.duckdb")
    store.append("areas", pd.DataFrame({
        "area_code": ["E05001549", "E05001541", "E05001549"],
        "area_name": ["E05001549", "E05001541", "Stockton Town Centre"],
        "level": ["ward", "ward", "ward"],
        "geo_year": [2011, 2011, None],
        "source_id": [1, 1, 2],
    }))  # fmt: skip
    names = queries.names_at_level(store, "ward", 2011).set_index("area_code")["area_name"]
    assert names.to_dict() == {"E05001549": "Stockton Town Centre", "E05001541": "E05001541"}
    assert queries.area_names(store)["E05001549"] == "Stockton Town Centre"
    store.close()
