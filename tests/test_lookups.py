import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairer.errors import FairerError
from fairer.sources.lookups import bridge_counts, read_bridge, read_lookup
from tests.conftest import shared_path


def test_lsoa21_ward_lookup():
    lk = read_lookup(shared_path("lookups", "lsoa21_ward24_ltla24.parquet"))
    assert lk.attrs["lsoa_year"] == 2021 and lk.attrs["years"]["ward"] == 2024
    stockton = lk[lk["lad_code"] == "E06000004"]
    assert len(stockton) == 124 and stockton["ward_code"].nunique() == 27


def test_bridge_change_codes_match_readme_counts():
    br = read_bridge(shared_path("lookups", "lsoa11_lsoa21_ltla22.parquet"))
    assert br["change"].value_counts().to_dict() == {"U": 33647, "S": 1900, "M": 239, "X": 9}


def test_ons_headers_csv(tmp_path):
    p = tmp_path / "lu.csv"
    p.write_text(
        "FID,F_LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD\n"
        "1,E01000001,a,E01000001,a,U,E09000001\n2,E01000002,b,E01035000,c,S,E09000001\n"
        "3,E01000002,b,E01035001,d,S,E09000001\n"
    )
    br = read_bridge(p)
    assert br["change"].tolist() == ["U", "S", "S"]
    p.write_text(p.read_text().replace(",S,", ",Q,", 1))
    with pytest.raises(FairerError, match="not one of U, S, M, X") as e:
        read_bridge(p)
    assert e.value.row == 3 and e.value.column == "CHGIND"


def test_lookup_with_two_wards_for_one_lsoa_is_refused(tmp_path):
    p = tmp_path / "lu.csv"
    p.write_text("LSOA21CD,WD24CD\nE01000001,E05000001\nE01000001,E05000002\n")
    with pytest.raises(FairerError, match="more than one area"):
        read_lookup(p)


pairs = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=60, unique=True
)


@given(pairs, st.integers(0, 10_000))
def test_bridge_counts_preserve_totals(p, seed):
    bridge = pd.DataFrame(
        {"lsoa11_code": [f"A{a}" for a, _ in p], "lsoa21_code": [f"B{b}" for _, b in p]}
    )
    olds = sorted(set(bridge["lsoa11_code"]))
    values = pd.Series(range(seed, seed + len(olds)), index=olds, dtype=float)
    carried = bridge_counts(values, bridge)
    assert carried.sum() == pytest.approx(values.sum())
    assert set(carried.index) == set(bridge["lsoa21_code"])
