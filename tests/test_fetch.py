"""`fairer fetch` against a mocked network: never the live one."""

from __future__ import annotations

import hashlib
import io
import json
import urllib.error

import pytest

from fairer.errors import FairerError
from fairer.sources import fetch as fetch_mod


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def test_fetch_downloads_once_with_checksum(tmp_path, monkeypatch):
    body = b"LSOA code (2021),x\n" * 1000
    calls = []

    def fake_urlopen(request, timeout):
        calls.append(request.full_url)
        return FakeResponse(body)

    monkeypatch.setattr(fetch_mod.urllib.request, "urlopen", fake_urlopen)
    paths = fetch_mod.fetch("iod2025", cache=tmp_path)
    assert len(paths) == 1 and paths[0].read_bytes() == body
    manifest = fetch_mod.read_manifest(tmp_path)
    entry = manifest[paths[0].relative_to(tmp_path).as_posix()]
    assert entry["sha256"] == hashlib.sha256(body).hexdigest() and entry["bytes"] == len(body)
    assert calls[0].startswith("https://assets.publishing.service.gov.uk/")
    fetch_mod.fetch("iod2025", cache=tmp_path)
    assert len(calls) == 1  # cached: no second download
    fetch_mod.fetch("iod2025", cache=tmp_path, force=True)
    assert len(calls) == 2


def test_http_error_leaves_no_file(tmp_path, monkeypatch):
    def fail(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 404, "Not Found", {}, None)

    monkeypatch.setattr(fetch_mod.urllib.request, "urlopen", fail)
    with pytest.raises(FairerError, match="HTTP 404"):
        fetch_mod.fetch("iod2019", cache=tmp_path)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_offline_message(tmp_path, monkeypatch):
    def offline(request, timeout):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(fetch_mod.urllib.request, "urlopen", offline)
    with pytest.raises(FairerError, match="are you online"):
        fetch_mod.fetch("lookups", cache=tmp_path)


def test_arcgis_tables_are_paged_into_csv(tmp_path, monkeypatch):
    pages = [
        {
            "fields": [{"name": "FID"}, {"name": "LSOA21CD"}, {"name": "WD24CD"}],
            "features": [
                {"attributes": {"FID": i, "LSOA21CD": f"E0100000{i}", "WD24CD": "E05000001"}}
                for i in range(2)
            ],
            "exceededTransferLimit": True,
        },
        {
            "fields": [],
            "features": [
                {"attributes": {"FID": 3, "LSOA21CD": "E01000003", "WD24CD": "E05000002"}}
            ],
        },
    ]
    seen = []

    def fake_urlopen(request, timeout):
        seen.append(request.full_url)
        return FakeResponse(json.dumps(pages[len(seen) - 1]).encode())

    monkeypatch.setattr(
        fetch_mod, "CATALOGUE", {"t": [fetch_mod.Download("https://x/query", "t.csv", arcgis=True)]}
    )
    monkeypatch.setattr(fetch_mod.urllib.request, "urlopen", fake_urlopen)
    (path,) = fetch_mod.fetch("t", cache=tmp_path)
    assert path.read_text().splitlines() == [
        "LSOA21CD,WD24CD",
        "E01000000,E05000001",
        "E01000001,E05000001",
        "E01000003,E05000002",
    ]
    assert "resultOffset=2" in seen[1]


def test_unknown_dataset():
    with pytest.raises(FairerError, match="unknown dataset 'iod2010'"):
        fetch_mod.fetch("iod2010")


def test_postcodes_are_fetched_by_authority_with_the_services_own_field(tmp_path, monkeypatch):
    """ONS renames the ONSPD's authority field yearly; the field is read from the service's
    schema, the rows asked for by authority, and the CSV reads as a postcode directory."""
    from fairer.sources.postcodes import read_postcodes

    layer = {"fields": [{"name": "PCDS"}, {"name": "LAD24CD"}, {"name": "LAD25CD"},
                        {"name": "LAT"}, {"name": "LONG"}, {"name": "LSOA21CD"}, {"name": "DOTERM"}]}  # fmt: skip
    rows = {"fields": layer["fields"], "features": [
        {"attributes": {"PCDS": "ZZ99 1AA", "LAD25CD": "E06000004", "LAT": 54.57, "LONG": -1.32,
                        "LSOA21CD": "E01012001", "DOTERM": None}}]}  # fmt: skip
    seen = []

    def fake_urlopen(request, timeout):
        seen.append(request.full_url)
        return FakeResponse(
            json.dumps(layer if request.full_url.endswith("?f=json") else rows).encode()
        )

    monkeypatch.setattr(fetch_mod.urllib.request, "urlopen", fake_urlopen)
    with pytest.raises(FairerError, match="needs --la CODE"):
        fetch_mod.fetch("postcodes", cache=tmp_path)
    (path,) = fetch_mod.fetch("postcodes", cache=tmp_path, la_codes=["E06000004"])
    assert path.name == "ONSPD_latest_E06000004.csv"
    assert "where=LAD25CD+%3D+%27E06000004%27" in seen[1]
    pcs = read_postcodes(path)
    assert pcs["postcode"].tolist() == ["ZZ991AA"] and pcs["lsoa21"].tolist() == ["E01012001"]
    with pytest.raises(FairerError, match="not a local authority district code"):
        fetch_mod.fetch("postcodes", cache=tmp_path, la_codes=["E92000001"], force=True)
