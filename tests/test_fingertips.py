"""The Fingertips client against recorded responses: the live network is never used."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse

import pytest

from fairer.errors import FairerError
from fairer.sources import fingertips as ft
from fairer.sources.indicators import read_indicator_file
from tests.conftest import shared_path

AREA_TYPES = [
    {"Id": 15, "Name": "England", "Short": "England"},
    {"Id": 502, "Name": "Lower tier local authorities (post 4/23)", "Short": "LTLA"},
    {"Id": 8, "Name": "Electoral wards", "Short": "Ward"},
]


class Recorded:
    """Answers requests from recorded responses, and counts them."""

    def __init__(self, csv_text: str):
        self.csv = csv_text
        self.urls: list[str] = []

    def open(self, request, timeout):
        url = request.full_url
        self.urls.append(url)
        path = urllib.parse.urlparse(url).path
        if path.endswith("/area_types"):
            body = json.dumps(AREA_TYPES)
        elif path.endswith("/available_data"):
            body = json.dumps(
                [
                    {"IndicatorId": 93982, "AreaTypeId": 502},
                    {"IndicatorId": 93982, "AreaTypeId": 15},
                ]
            )
        elif path.endswith("/all_data/csv/by_indicator_id"):
            body = self.csv
        else:
            raise urllib.error.HTTPError(url, 404, "Not Found", {}, None)
        return _Response(body.encode("utf-8"))


class _Response(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@pytest.fixture
def recorded(monkeypatch):
    csv_text = shared_path(
        "health", "fingertips_5aday_adults_new_method_ltla_2022_23.csv"
    ).read_text(encoding="utf-8-sig")
    rec = Recorded(csv_text)
    monkeypatch.setattr(ft.urllib.request, "build_opener", lambda *handlers: rec)
    return rec


def test_download_is_cached_and_reads_as_indicators(recorded, tmp_path):
    client = ft.FingertipsClient(cache=tmp_path / "cache")
    path = client.download(93982, 502, tmp_path / "data")
    rows = read_indicator_file(path).rows
    assert len(rows) == 296 and set(rows["indicator_id"]) == {"five_a_day"}
    calls = len(recorded.urls)
    again = ft.FingertipsClient(cache=tmp_path / "cache", offline=True)
    assert again.data_csv(93982, 502) == path.read_text(encoding="utf-8")
    assert len(recorded.urls) == calls  # served from the cache
    data_url = next(u for u in recorded.urls if "by_indicator_id" in u)
    assert (
        "indicator_ids=93982" in data_url
        and "child_area_type_id=502" in data_url
        and "parent_area_type_id=15" in data_url
    )


def test_no_data_at_that_area_type_is_said_plainly(recorded, tmp_path):
    client = ft.FingertipsClient(cache=tmp_path)
    with pytest.raises(
        FairerError,
        match=r"indicator 93982 has no data for area type 8 \(Electoral wards\); "
        r"it has data for: 15 \(England\), 502 \(Lower tier local authorities",
    ):
        client.data_csv(93982, 8)
    assert not any(
        "by_indicator_id" in u for u in recorded.urls
    )  # never asked for data it cannot have


def test_offline_without_cache_and_proxy(monkeypatch, tmp_path):
    client = ft.FingertipsClient(cache=tmp_path, offline=True)
    with pytest.raises(FairerError, match="not in the Fingertips cache and offline"):
        client.available_area_types(93982)
    seen = {}

    def fake_opener(*handlers):
        seen["handlers"] = handlers

        class Fail:
            def open(self, request, timeout):
                raise urllib.error.URLError("Name or service not known")

        return Fail()

    monkeypatch.setattr(ft.urllib.request, "build_opener", fake_opener)
    client = ft.FingertipsClient(cache=tmp_path, proxy="http://proxy.example:8080")
    with pytest.raises(FairerError, match="cannot reach Fingertips .* set HTTPS_PROXY"):
        client.area_types()
    assert seen["handlers"][0].proxies["https"] == "http://proxy.example:8080"
