"""The IoD reader on the official files, and on every kind of broken file."""

from __future__ import annotations

import gzip
import shutil

import pandas as pd
import pytest

from fairer.errors import FairerError
from fairer.sources.iod import canonical_measure_column, read_iod, read_iod_file
from tests.conftest import shared_path

FILE2 = ("imd", "iod2019_file2_domains_ranks_deciles_lsoa11.csv.gz")
FILE6 = ("imd", "iod2019_file6_population_denominators_lsoa11.csv.gz")


def test_official_file2_and_file6_join():
    f2, f6 = shared_path(*FILE2), shared_path(*FILE6)
    iod = read_iod([f2, f6])
    assert iod.attrs["edition"] == 2019 and iod.attrs["lsoa_year"] == 2011
    assert iod.attrs["file_kinds"] == ["File 2", "File 6"]
    assert len(iod) == 32844 and iod["lsoa_code"].is_unique
    # Independent check straight from the official file with pandas.
    raw2 = pd.read_csv(f2, encoding="utf-8-sig")
    raw6 = pd.read_csv(f6, encoding="utf-8-sig", thousands=",")
    assert (iod["imd_decile"].to_numpy() == raw2.iloc[:, 5].to_numpy()).all()
    assert (
        iod["crime_rank"].to_numpy() == raw2["Crime Rank (where 1 is most deprived)"].to_numpy()
    ).all()
    assert iod["pop_total"].sum() == raw6["Total population: mid 2015 (excluding prisoners)"].sum()
    assert (
        iod.loc[iod["lsoa_code"] == "E01000001", "pop_total"].item() == 1296
    )  # "1,296" in the file
    assert iod.attrs["population_year"] == 2015


def test_iod2025_table_is_recognised():
    iod = read_iod(shared_path("imd", "imd2025_lsoa21_scores_ranks_deciles.parquet"))
    assert iod.attrs["edition"] == 2025 and len(iod) == 33755
    assert {"imd_score", "barriers_decile", "living_environment_rank"} <= set(iod.columns)


def test_headers_are_recognised_not_file_names(tmp_path):
    src = shared_path(*FILE2)
    renamed = tmp_path / "downloaded (3).csv.gz"
    shutil.copy(src, renamed)
    assert read_iod_file(renamed).attrs["file_kind"] == "File 2"


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)", "imd_rank"),
        ("Income Score (rate)", "income_score"),
        (
            "Education, Skills and Training Decile (where 1 is most deprived 10% of LSOAs)",
            "education_decile",
        ),
        ("Income Deprivation Affecting Children Index (IDACI) Score (rate)", "idaci_score"),
        ("Living Environment Score", "living_environment_score"),
        ("Housing_and_Services_rank", "barriers_rank"),
        ("imd_rank_of_average_score", None),
        ("Total population: mid 2022", None),
    ],
)
def test_measure_headers(header, canonical):
    assert canonical_measure_column(header) == canonical


@pytest.fixture
def file7(demo_run):
    out, _ = demo_run
    return out / "data" / "File_7_IoD2025_synthetic_Fairhaven.csv"


def test_file7_round_trip_from_xlsx_with_title_rows(file7, tmp_path):
    csv = read_iod_file(file7)
    raw = pd.read_csv(file7)
    xlsx = tmp_path / "File_7.xlsx"
    with pd.ExcelWriter(xlsx) as xw:
        pd.DataFrame({"a": ["Notes: see the technical report"]}).to_excel(
            xw, sheet_name="Notes", index=False
        )
        pd.DataFrame([["English Indices of Deprivation 2025"], [""]]).to_excel(
            xw, sheet_name="IoD2025", index=False, header=False
        )
        raw.to_excel(xw, sheet_name="IoD2025", index=False, startrow=3)
    from_xlsx = read_iod_file(xlsx)
    assert from_xlsx.attrs["file_kind"] == "File 7"
    pd.testing.assert_frame_equal(csv, from_xlsx, check_dtype=False)


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_file7_missing_a_column_names_it(file7, tmp_path):
    raw = pd.read_csv(file7).drop(columns=["Crime Rank (where 1 is most deprived)"])
    bad = tmp_path / "f7.csv"
    raw.to_csv(bad, index=False)
    with pytest.raises(FairerError, match=r"no 'Crime Rank' column") as e:
        read_iod_file(bad)
    assert str(bad) in str(e.value)


def test_truncated_csv_names_the_row(file7, tmp_path):
    text = file7.read_text()
    cut = text[: text.index("\n", len(text) // 2) + 40]  # ends part-way through a row
    bad = _write(tmp_path / "f7.csv", cut)
    with pytest.raises(FairerError, match=r"row \d+.*(missing|malformed|cut short)") as e:
        read_iod_file(bad)
    assert e.value.row == cut.count("\n") + 1


def test_non_utf8_file(file7, tmp_path):
    text = file7.read_text().replace("Fairhaven", "Fairhavén")
    bad = _write(tmp_path / "f7.csv", text, encoding="latin-1")
    with pytest.raises(FairerError, match="not UTF-8"):
        read_iod_file(bad)


def test_empty_file(tmp_path):
    with pytest.raises(FairerError, match="empty"):
        read_iod_file(_write(tmp_path / "empty.csv", ""))


def test_header_only_is_not_iod(tmp_path):
    with pytest.raises(FairerError, match="not an Indices of Deprivation file"):
        read_iod_file(_write(tmp_path / "x.csv", "a,b\n1,2\n"))


def test_duplicate_rows(file7, tmp_path):
    raw = pd.read_csv(file7)
    bad = tmp_path / "dup.csv"
    pd.concat([raw, raw.iloc[[3]]]).to_csv(bad, index=False)
    with pytest.raises(FairerError, match="appears twice") as e:
        read_iod_file(bad)
    assert e.value.row == len(raw) + 2 and e.value.column == "LSOA code (2021)"


def test_malformed_code_and_out_of_range_decile(file7, tmp_path):
    raw = pd.read_csv(file7)
    bad = raw.copy()
    bad.loc[5, "LSOA code (2021)"] = "E1234"
    bad.to_csv(tmp_path / "code.csv", index=False)
    with pytest.raises(FairerError, match="not an LSOA code") as e:
        read_iod_file(tmp_path / "code.csv")
    assert e.value.row == 7
    bad = raw.copy()
    bad.loc[2, "Income Decile (where 1 is most deprived 10% of LSOAs)"] = 11
    bad.to_csv(tmp_path / "dec.csv", index=False)
    with pytest.raises(FairerError, match="out of range") as e:
        read_iod_file(tmp_path / "dec.csv")
    assert e.value.row == 4


def test_editions_cannot_be_mixed(file7):
    with pytest.raises(FairerError, match="different IoD editions"):
        read_iod([shared_path(*FILE2), file7])


def test_gzip_damage(tmp_path):
    bad = tmp_path / "x.csv.gz"
    bad.write_bytes(gzip.compress(b"LSOA code (2011),x\n")[:10])
    with pytest.raises(FairerError, match="gzip"):
        read_iod_file(bad)
