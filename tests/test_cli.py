"""The CLI: the happy path, and one clear line with exit code 2 for every bad input."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from tests.conftest import SHARED


def assert_one_line_error(code, out, err, pattern):
    assert code == 2, (out, err)
    assert "Traceback" not in err + out
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert pytest.importorskip("re").search(pattern, lines[0]), lines[0]


def test_demo_via_cli_is_reproducible(cli, demo_run, tmp_path):
    """The suite's one second demo build: through the CLI, and byte-identical to the first."""
    code, out, err = cli("demo", "--out", tmp_path / "d")
    assert code == 0, err
    assert "synthetic borough" in out and "report:" in out
    assert (tmp_path / "d" / "place" / "output" / "report.html").exists()
    first, result = demo_run
    for name in ("iod2025_lsoas.csv", "iod2025_wards.csv", "iod2025_deciles.csv", "rug_ward.csv"):
        assert (first / "place" / "output" / name).read_bytes() == (
            tmp_path / "d" / "place" / "output" / name
        ).read_bytes()
    assert "of our 120 LSOAs" in out and result.profiles[2025].headline_sentences()[0] in out
    code, out, _ = cli("status", tmp_path / "d" / "place")
    assert code == 0 and "deprivation" in out and "File_7_IoD2025_synthetic_Fairhaven.csv" in out


def test_init_and_profile_via_cli(cli, demo_run, tmp_path):
    data, _ = demo_run
    code, out, err = cli("init", tmp_path / "p", "--la", "E06990001", "--data", data / "data")
    assert code == 0, err
    assert "created" in out and "iod" in out
    code, out, err = cli("profile", tmp_path / "p", "--format", "csv,parquet")
    assert code == 0, err
    assert "of our 120 LSOAs" in out
    assert pd.read_parquet(tmp_path / "p" / "output" / "iod2025_wards.parquet").shape[0] == 20


def test_unknown_la(cli, demo_run, tmp_path):
    data, _ = demo_run
    code, out, err = cli("init", tmp_path / "p", "--la", "E06000404", "--data", data / "data")
    assert_one_line_error(
        code, out, err, r"unknown local authority code; did you mean E06000004 Stockton-on-Tees"
    )


def test_missing_place_folder(cli, tmp_path):
    assert_one_line_error(*cli("profile", tmp_path / "nope"), r"nope: place folder does not exist")


def test_bad_format(cli, demo_run, tmp_path):
    data, _ = demo_run
    cli("init", tmp_path / "p", "--la", "E06990001", "--data", data / "data")
    assert_one_line_error(
        *cli("profile", tmp_path / "p", "--format", "docx"), "unknown output format 'docx'"
    )


@pytest.fixture
def place_with_copy(cli, demo_run, tmp_path):
    data, _ = demo_run
    copy = tmp_path / "data"
    copy.mkdir()
    for f in (data / "data").iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    code, _, err = cli("init", tmp_path / "p", "--la", "E06990001", "--data", copy)
    assert code == 0, err
    return tmp_path / "p", next(copy.glob("File_7*"))


def test_file_damaged_after_init(cli, place_with_copy):
    place, f7 = place_with_copy
    raw = pd.read_csv(f7).drop(columns=["Income Rank (where 1 is most deprived)"])
    raw.to_csv(f7, index=False)
    assert_one_line_error(*cli("profile", place), r"File_7.*no 'Income Rank' column")


def test_empty_file_after_init(cli, place_with_copy):
    place, f7 = place_with_copy
    f7.write_text("")
    assert_one_line_error(*cli("profile", place), r"File_7.*empty")


def test_non_utf8_after_init(cli, place_with_copy):
    place, f7 = place_with_copy
    f7.write_bytes(f7.read_text().replace("Fairhaven", "Fairhavén").encode("cp1252"))
    assert_one_line_error(*cli("profile", place), r"row 2: file is not UTF-8")


def test_duplicate_rows_after_init(cli, place_with_copy):
    place, f7 = place_with_copy
    lines = f7.read_text().splitlines()
    f7.write_text("\n".join([*lines, lines[10]]) + "\n")
    assert_one_line_error(
        *cli("profile", place),
        r"row 122, column 'LSOA code \(2021\)': LSOA E01990010 appears twice",
    )


@pytest.mark.skipif(not SHARED.exists(), reason="needs the shared reference data (the ONS bridge)")
def test_mixed_2011_and_2021_codes(cli, tmp_path):
    """A 2021-geography IoD file holding 2011-only codes is refused, naming the row."""
    raw = pd.read_parquet(SHARED / "imd" / "imd2025_lsoa21_scores_ranks_deciles.parquet")
    bridge = pd.read_parquet(SHARED / "lookups" / "lsoa11_lsoa21_ltla22.parquet")
    only2011 = sorted(set(bridge["lsoa11_code"]) - set(bridge["lsoa21_code"]))
    raw.loc[7, "lsoa21_code"] = only2011[0]
    data = tmp_path / "data"
    data.mkdir()
    raw.to_csv(data / "iod2025.csv", index=False)
    (data / "bridge.parquet").write_bytes(
        (SHARED / "lookups" / "lsoa11_lsoa21_ltla22.parquet").read_bytes()
    )
    code, _, err = cli("init", tmp_path / "p", "--la", "E06000004", "--data", data)
    assert code == 0, err
    assert_one_line_error(
        *cli("profile", tmp_path / "p"),
        rf"row 9, column 'lsoa21_code': {only2011[0]} is an LSOA 2011 code in a file of LSOA 2021 codes",
    )


def test_real_process_has_no_traceback(tmp_path):
    """The installed entry point, as a user runs it."""
    proc = subprocess.run(
        [sys.executable, "-m", "fairer.cli", "profile", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "place folder does not exist" in proc.stderr


def test_bad_values_in_official_files_and_spend_are_refused(cli, demo_run, tmp_path):
    """A decile of 5.5, a Welsh code in an English IoD file, an infinite population, a blank
    lookup code, junk .xlsx, spend of 'lots' or −500 or for an unknown ward, and a budget of
    inf: each one line naming file, row and column, exit 2."""
    import shutil

    demo, _ = demo_run
    data = tmp_path / "data"
    shutil.copytree(demo / "data", data)
    iod = data / "File_7_IoD2025_synthetic_Fairhaven.csv"
    original = iod.read_text(encoding="utf-8")
    header, first, *rest = original.splitlines()
    cols = next(iter(__import__("csv").reader([header])))
    decile = cols.index(next(c for c in cols if "Decile" in c))

    def with_row(change):
        cells = next(iter(__import__("csv").reader([first])))
        change(cells)
        iod.write_text("\n".join([header, ",".join(cells), *rest]) + "\n", encoding="utf-8")

    with_row(lambda c: c.__setitem__(decile, "5.5"))
    assert cli("init", tmp_path / "p1", "--la", "E06990001", "--data", data)[0] == 0
    code, out, err = cli("load", tmp_path / "p1")
    assert_one_line_error(
        code, out, err, r"row 2, column '.*Decile.*': value 5\.5 is not a whole number"
    )
    with_row(lambda c: c.__setitem__(0, "W01000001"))
    assert_one_line_error(*cli("load", tmp_path / "p1"), r"Welsh LSOA code")
    iod.write_text(original, encoding="utf-8")
    assert cli("load", tmp_path / "p1")[0] == 0
    spend = tmp_path / "spend.csv"
    for body, pattern in (
        (
            "area_code,current\nE05990001,lots\n",
            r"row 2, column 'current': 'lots' is not an amount",
        ),
        ("area_code,current\nE05990001,-500\n", r"'-500' is not an amount"),
        ("area_code,current\nE05990099,100\n", r"'E05990099' is not an area of this place"),
    ):
        spend.write_text(body, encoding="utf-8")
        assert_one_line_error(
            *cli(
                "allocate",
                tmp_path / "p1",
                "--budget",
                "1000",
                "--level",
                "ward",
                "--current",
                spend,
            ),
            pattern,
        )
    assert_one_line_error(
        *cli("allocate", tmp_path / "p1", "--budget", "inf"), "more than zero and finite"
    )
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    assert_one_line_error(
        *cli("stats", "proportion", junk, "-o", tmp_path / "o.csv", "--x", "a", "--n", "b"),
        r"junk\.xlsx: not a readable Excel workbook",
    )
