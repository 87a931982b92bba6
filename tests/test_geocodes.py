import pytest

from fairer.sources.geocodes import GeoColumn, parse_geo_column


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("LSOA code (2011)", GeoColumn("lsoa", "code", 2011)),
        ("LSOA name (2021)", GeoColumn("lsoa", "name", 2021)),
        ("LSOA21CD", GeoColumn("lsoa", "code", 2021)),
        ("lsoa11_code", GeoColumn("lsoa", "code", 2011)),
        ("F_LSOA11CD", GeoColumn("lsoa", "code", 2011)),
        ("WD24NM", GeoColumn("ward", "name", 2024)),
        ("ward17_code", GeoColumn("ward", "code", 2017)),
        ("Local Authority District code (2019)", GeoColumn("lad", "code", 2019)),
        ("ltla21_name", GeoColumn("lad", "name", 2021)),
        ("MSOA11CD", GeoColumn("msoa", "code", 2011)),
    ],
)
def test_recognises_geography_headers(header, expected):
    assert parse_geo_column(header) == expected


@pytest.mark.parametrize("header", ["Income Score (rate)", "total_population", "lsoa", "LSOA21XX"])
def test_rejects_other_headers(header):
    assert parse_geo_column(header) is None
