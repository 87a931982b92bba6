"""Exports for Power BI and GIS: the tidy indicator table and the GeoPackage, as published."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from fairer.exports import INDICATOR_COLUMNS


@pytest.fixture(scope="module")
def outputs(demo_run):
    out, _ = demo_run
    return out / "place" / "output"


def test_the_tidy_table_is_long_and_complete(outputs):
    csv = pd.read_csv(outputs / "indicator_results.csv")
    parquet = pd.read_parquet(outputs / "indicator_results.parquet")
    assert list(parquet.columns) == INDICATOR_COLUMNS
    assert len(csv) == len(parquet) and set(parquet["level"]) == {"ward", "place"}
    assert not parquet.duplicated(["level", "area_code", "indicator_id", "period"]).any()
    # the comparator is named on every compared row, and each verdict has one
    compared = parquet[parquet["verdict"].isin(["better", "similar", "worse"])]
    assert compared["comparator"].notna().all() and compared["comparator_value"].notna().all()
    # disclosure: no published count is 1-4
    for col in ("numerator", "denominator"):
        v = parquet[col].dropna()
        assert not v.between(1, 4).any()
    # the rug written beside it agrees, cell by cell
    rug = pd.read_csv(outputs / "rug_ward.csv") if (outputs / "rug_ward.csv").exists() else None
    if rug is not None and "value" in rug:
        wards = parquet[parquet["level"] == "ward"].set_index(
            ["area_code", "indicator_id", "period"]
        )
        r = rug.set_index(["area_code", "indicator_id", "period"])["value"]
        common = r.index.intersection(wards.index)
        assert len(common) > 0
        np.testing.assert_allclose(wards.loc[common, "value"], r.loc[common], rtol=1e-9)


def test_the_geopackage_joins_results_to_boundaries(outputs):
    path = outputs / "place_results.gpkg"
    layers = set(gpd.list_layers(path)["name"])
    assert layers == {"lsoa", "ward"}
    lsoa = gpd.read_file(path, layer="lsoa")
    ward = gpd.read_file(path, layer="ward")
    assert lsoa.crs.to_epsg() == 4326 and len(lsoa) == 120 and lsoa["imd_score"].notna().all()
    # each ward is its LSOAs: the same area, to a square metre
    areas = lsoa.to_crs(27700).assign(a=lambda d: d.area).groupby("ward_code")["a"].sum()
    got = ward.to_crs(27700).set_index("ward_code").area
    np.testing.assert_allclose(got.loc[areas.index], areas, rtol=1e-6)
    # the ward layer's latest values are the tidy table's
    tidy = pd.read_parquet(outputs / "indicator_results.parquet")
    latest = tidy[(tidy["level"] == "ward") & tidy["latest"]]
    one = latest.iloc[0]
    row = ward.set_index("ward_code").loc[one["area_code"]]
    assert row[one["indicator_id"]] == pytest.approx(one["value"])
    assert row[f"{one['indicator_id']}_verdict"] == one["verdict"]
