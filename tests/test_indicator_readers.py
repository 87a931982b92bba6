"""Indicator files in: published layouts read as published, and bad rows set aside with a message."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from fairer.errors import FairerError
from fairer.sources.indicators import indicator_layout, normalise_period, read_indicator_file
from tests.conftest import shared_path

ONS = ("health", "ons_subnational_indicators_explorer_2022")


def test_ons_subnational_sheet():
    path = shared_path(*ONS, "male_hle.csv")
    data = read_indicator_file(path)
    raw = pd.read_csv(path, skiprows=5)
    raw = raw[
        pd.to_numeric(raw["Male healthy life expectancy"], errors="coerce").notna()
    ]  # 'na' cells
    assert len(data.rows) == len(raw)
    row = data.rows.set_index("area_code").loc["E06000004"]
    want = raw.set_index("Area Code").loc["E06000004"]
    assert (row["value"], row["lowercl"], row["uppercl"]) == tuple(float(v) for v in want.iloc[1:4])
    assert row["period"] == "2017-19" and row["indicator_id"] == "male_hle"
    set_aside = [m for m in data.messages if "no value and no numerator" in m]
    assert len(set_aside) == 1  # one note per problem, naming its rows
    missing = len(pd.read_csv(path, skiprows=5)) - len(raw)
    note = set_aside[0]
    assert (
        note.startswith("male_hle.csv: row")
        and "row 56" in note
        or "rows 56," in note
        or ", 56," in note
    )
    named = re.search(r"\((\d+) rows\)", note)
    listed = re.findall(r"\b(\d+)\b", note.split(", column")[0])
    assert (int(named.group(1)) if named else len(listed)) == missing


def test_fingertips_export():
    path = shared_path("health", "fingertips_5aday_adults_new_method_ltla_2022_23.csv")
    assert indicator_layout(path) == "fingertips"
    rows = read_indicator_file(path).rows
    raw = pd.read_csv(path, encoding="utf-8-sig")
    assert len(rows) == len(raw) and set(rows["indicator_id"]) == {"five_a_day"}
    assert (rows["group"] == "").all() and rows["period"].iloc[0] == "2022/23"
    assert rows["value"].sum() == pytest.approx(raw["Value"].sum())


def test_active_lives_names_are_matched_and_misses_reported():
    path = shared_path(
        "health",
        "sport_england_active_lives_la_2015_2023",
        "active_lives_7cat_inactive_nothing.csv",
    )
    data = read_indicator_file(path)
    assert "Adur" not in set(data.rows["area_code"])
    assert data.rows["area_code"].str.match(r"^E0[6-9]").all()
    assert any("matched no local authority code" in m and "CC" in m for m in data.messages)
    adur = data.rows[(data.rows["area_code"] == "E07000223") & (data.rows["period"] == "Nov 15-16")]
    assert adur["value"].item() == 13.7


def test_health_index_long_layout():
    rows = read_indicator_file(
        shared_path("health", "ons_england_health_index_indicators_ltla21.parquet")
    ).rows
    assert "health_index_physical_activity" in set(rows["indicator_id"])
    assert rows["period"].str.fullmatch(r"\d{4}").all()


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("2021/22", "2021/22"),
        ("2021-22", "2021/22"),
        ("2017-2019", "2017-19"),
        ("2017 - 19", "2017-19"),
        ("2020", "2020"),
        ("2020.0", "2020"),
        ("Q1 2021", "Q1 2021"),
    ],
)
def test_periods_are_written_one_way(raw, norm):
    assert normalise_period(raw) == norm


def test_bad_rows_are_set_aside_with_messages(tmp_path):
    path = tmp_path / "ind.csv"
    path.write_text(
        "indicator,area_code,period,numerator,denominator,value,lower_cl,upper_cl\n"
        "smokers,E06000004,2021,,,15.0,13.0,17.0\n"  # fine
        "smokers,E06000047,2021,,,14.0,16.0,12.0\n"  # lower above upper
        "smokers,XYZ,2021,,,14.0,12.0,16.0\n"  # not a code
        "smokers,E06000005,2021,,,140.0,120.0,160.0\n"  # not a percentage
        "smokers,E06000004,2021,,,15.5,13.0,17.0\n"  # duplicate
        "smokers,E06000001,2021/22,,,16.0,14.0,18.0\n"  # mixed period formats
        "kids,E06000004,2021,-3,100,,,\n"  # negative count
    )
    data = read_indicator_file(path, percent={"smokers"})
    assert data.rows["area_code"].tolist() == ["E06000004", "E06000001"]
    text = "\n".join(data.messages)
    assert "row 3, column 'lower_cl': lower confidence limit above the upper one" in text
    assert "row 4, column 'area_code': unknown area code 'XYZ'" in text
    assert "row 5, column 'value': a percentage outside 0-100" in text
    assert "row 6, column 'period': duplicate" in text
    assert "row 8, column 'numerator': negative count" in text
    assert "mixed formats" in text


def test_unknown_codes_against_a_known_list(tmp_path):
    path = tmp_path / "ind.csv"
    path.write_text("indicator,area_code,period,value\nx,E06000004,2021,1\nx,E06000999,2021,2\n")
    data = read_indicator_file(path, known_codes={"E06000004"})
    assert data.rows["area_code"].tolist() == ["E06000004"]
    assert "unknown area code 'E06000999'" in data.messages[0]


def test_not_an_indicator_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(FairerError, match="not an indicator file"):
        read_indicator_file(path)


def test_iod_underlying_indicators():
    path = shared_path("imd", "imd2025_lsoa21_indicators.parquet")
    data = read_indicator_file(path)
    raw = pd.read_parquet(path)
    rows = data.rows
    assert {"housing_affordability", "income_domain_numerator", "air_quality"} - set(
        rows["indicator_id"]
    ) <= {"air_quality"}
    assert (rows["period"] == "IoD2025").all()
    ha = rows[rows["indicator_id"] == "housing_affordability"].set_index("area_code")["value"]
    want = raw.set_index("lsoa21_code")["housing_affordability_indicator"].dropna()
    assert len(ha) == len(want) and (ha.reindex(want.index) == want).all()


def test_active_lives_inactive_combines_across_files():
    from fairer.sources.indicators import combine_active_lives_inactive

    folder = shared_path("health", "sport_england_active_lives_la_2015_2023")
    parts = [
        read_indicator_file(folder / f"active_lives_7cat_{c}.csv").rows
        for c in ("inactive_nothing", "inactive_light_only", "inactive_1_29_mins")
    ]
    rows = combine_active_lives_inactive(pd.concat(parts, ignore_index=True))
    inactive = rows[rows["indicator_id"] == "adults_inactive"].set_index(["area_code", "period"])[
        "value"
    ]
    keyed = [p.set_index(["area_code", "period"])["value"] for p in parts]
    common = keyed[0].index.intersection(keyed[1].index).intersection(keyed[2].index)
    # Sport England suppresses the "1-29 minutes" level ("-") for most areas, so the total exists only
    # where all three levels are published.
    assert len(inactive) == len(common) > 0
    for key in common:
        assert inactive.loc[key] == pytest.approx(sum(k.loc[key] for k in keyed))


def test_active_lives_county_and_unitary_rows_are_one_authority():
    """North Yorkshire and Somerset became unitary in 2023: Sport England lists an LA row and a
    CC row. The LA row's value is used, the county's where the LA row has none; no duplicates."""
    path = shared_path(
        "health",
        "sport_england_active_lives_la_2015_2023",
        "active_lives_7cat_inactive_nothing.csv",
    )
    data = read_indicator_file(path)
    assert not any("duplicate" in m for m in data.messages)
    assert any(
        "North Yorkshire LA and North Yorkshire CC are one authority now" in m
        for m in data.messages
    )
    raw = pd.read_csv(path, skiprows=4)
    raw = raw.rename(columns={raw.columns[0]: "name"}).set_index("name")
    got = data.rows[data.rows["area_code"] == "E06000065"].set_index("period")["value"]
    for period, value in got.items():
        la, cc = raw.loc["North Yorkshire LA", period], raw.loc["North Yorkshire CC", period]
        want = la if isinstance(la, str) and la.endswith("%") else cc
        assert value == pytest.approx(float(want.rstrip("%")))
    assert not data.rows.duplicated(["area_code", "period"]).any()
