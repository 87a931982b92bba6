"""Download official files from their publishers into a local cache, with checksums.

fairer runs offline; this is the one command that uses the network, for users who are online.
Each download is written atomically and recorded in ``manifest.json`` in the cache with its
URL, SHA-256, size and time, so later runs (and other people) can check they use the same bytes.
The cache is ``$FAIRER_CACHE`` or ``~/.cache/fairer``. Proxies are taken from the usual
``HTTPS_PROXY``/``HTTP_PROXY`` environment variables.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fairer.errors import FairerError
from fairer.tabular import atomic_path, write_text_atomic


@dataclass(frozen=True)
class Download:
    """One file of a dataset: where it is published and what to call it in the cache.

    ``arcgis`` marks an ONS Open Geography Portal feature service: its table is paged through
    the service's query API and written as CSV with the publisher's column names.
    """

    url: str
    filename: str
    arcgis: bool = False
    #: For ``arcgis``: keep only rows of these local authorities (the service's LAD field is
    #: found from its own schema, as ONS renames it each year: ``lad25cd``, ``lad26cd`` …).
    by_la: bool = False


_ONS_SERVICES = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services/"

#: The datasets ``fairer fetch`` knows, by name.
CATALOGUE: dict[str, list[Download]] = {
    "iod2019": [
        Download(
            "https://assets.publishing.service.gov.uk/government/uploads/system/uploads/"
            "attachment_data/file/845345/"
            "File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators_3.csv",
            "iod2019/File_7_IoD2019_All_Scores_Ranks_Deciles_Population_Denominators.csv",
        ),
    ],
    "iod2025": [
        Download(
            "https://assets.publishing.service.gov.uk/media/691ded56d140bbbaa59a2a7d/"
            "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
            "iod2025/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
        ),
    ],
    "lookups": [
        Download(
            _ONS_SERVICES + "LSOA21_WD24_LAD24_EW_LU/FeatureServer/0/query",
            "lookups/LSOA21_WD24_LAD24_EW_LU.csv",
            arcgis=True,
        ),
        Download(
            _ONS_SERVICES + "LSOA11_LSOA21_LAD22_EW_LU_v5/FeatureServer/0/query",
            "lookups/LSOA11_LSOA21_LAD22_EW_LU.csv",
            arcgis=True,
        ),
    ],
}


#: ONS's postcode directory, latest release, as a feature service (2.7 million rows: fetched by
#: local authority).
ONSPD_SERVICE = _ONS_SERVICES + "ONSPD_Online_Latest_Centroids/FeatureServer/0"
CATALOGUE["postcodes"] = [
    Download(ONSPD_SERVICE + "/query", "postcodes/ONSPD_latest_{la}.csv", arcgis=True, by_la=True)
]


def cache_dir() -> Path:
    """The download cache: ``$FAIRER_CACHE`` or ``~/.cache/fairer``."""
    return Path(os.environ.get("FAIRER_CACHE", Path.home() / ".cache" / "fairer"))


def _manifest_path(cache: Path) -> Path:
    return cache / "manifest.json"


def read_manifest(cache: Path | None = None) -> dict:
    """The cache's record of downloads (empty if none)."""
    path = _manifest_path(cache or cache_dir())
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def fetch(
    dataset: str,
    cache: Path | None = None,
    force: bool = False,
    timeout: float = 120,
    la_codes: list[str] | None = None,
) -> list[Path]:
    """Download a dataset's files into the cache; skip files already there unless ``force``.

    Parameters
    ----------
    dataset : {'iod2019', 'iod2025', 'lookups', 'postcodes'}
    cache : Path, optional
        Defaults to :func:`cache_dir`.
    force : bool
        Download again even if the file is cached.
    la_codes : list of str, optional
        For ``postcodes``: the local authorities whose postcodes to fetch (one file each).

    Returns
    -------
    list of Path
        The cached files.

    Raises
    ------
    FairerError
        For an unknown dataset, a network failure or an HTTP error (the cache is left as it was).
    """
    if dataset not in CATALOGUE:
        raise FairerError(f"unknown dataset '{dataset}': choose one of {', '.join(CATALOGUE)}")
    cache = cache or cache_dir()
    manifest = read_manifest(cache)
    paths = []
    items = []
    for item in CATALOGUE[dataset]:
        if not item.by_la:
            items.append((item, None))
            continue
        if not la_codes:
            raise FairerError(f"`fairer fetch {dataset}` needs --la CODE (the authority to fetch)")
        items += [(dataclasses.replace(item, filename=item.filename.format(la=c)), c)
                  for c in la_codes]  # fmt: skip
    for item, la in items:
        target = cache / item.filename
        if target.exists() and not force and item.filename in manifest:
            paths.append(target)
            continue
        try:
            if item.arcgis:
                where = _la_filter(item.url, la, timeout) if la else "1=1"
                digest, size = _download_arcgis(item.url, target, timeout, where=where)
            else:
                digest, size = _download_file(item.url, target, timeout)
        except urllib.error.HTTPError as exc:
            raise FairerError(f"download failed: HTTP {exc.code} from {item.url}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FairerError(
                f"download failed ({reason}); are you online? Behind a proxy, set HTTPS_PROXY"
            ) from None
        manifest[item.filename] = {
            "dataset": dataset,
            "url": item.url,
            "sha256": digest,
            "bytes": size,
            "downloaded": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        write_text_atomic(_manifest_path(cache), json.dumps(manifest, indent=2))
        paths.append(target)
    return paths


def _open(url: str, timeout: float):
    request = urllib.request.Request(url, headers={"User-Agent": "fairer (offline-first toolkit)"})
    return urllib.request.urlopen(request, timeout=timeout)


def _download_file(url: str, target: Path, timeout: float) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with _open(url, timeout) as response, atomic_path(target) as tmp, open(tmp, "wb") as out:
        for chunk in iter(lambda: response.read(1 << 20), b""):
            out.write(chunk)
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _la_filter(url: str, la: str, timeout: float) -> str:
    """``<LAD field> = 'E06000004'``, the field found in the service's own schema."""
    import re

    if not re.fullmatch(r"E0[6-9]\d{6}", la):
        raise FairerError(f"'{la}' is not a local authority district code (E06…, E07…, E08…, E09…)")
    with _open(url.removesuffix("/query") + "?f=json", timeout) as response:
        layer = json.loads(response.read().decode("utf-8"))
    names = [f["name"] for f in layer.get("fields", [])]
    field = next((n for n in sorted(names, reverse=True)
                  if re.fullmatch(r"(?i)lad\d\dcd|oslaua|laua", n)), None)  # fmt: skip
    if field is None:
        raise FairerError(f"download failed: no local authority field in the service ({url})")
    return f"{field} = '{la}'"


def _download_arcgis(
    url: str, target: Path, timeout: float, page: int = 2000, where: str = "1=1"
) -> tuple[str, int]:
    """Page through an ArcGIS feature service table (rows matching ``where``) and write CSV."""
    import csv
    import io
    import urllib.parse

    rows: list[dict] = []
    fields: list[str] = []
    offset = 0
    while True:
        query = urllib.parse.urlencode(
            {
                "where": where,
                "outFields": "*",
                "returnGeometry": "false",
                "f": "json",
                "resultOffset": offset,
                "resultRecordCount": page,
            }
        )
        with _open(f"{url}?{query}", timeout) as response:
            payload = json.loads(response.read().decode("utf-8"))
        if "error" in payload:
            raise FairerError(
                f"download failed: {payload['error'].get('message', 'service error')} ({url})"
            )
        if not fields:
            fields = [
                f["name"] for f in payload.get("fields", []) if f["name"] not in ("FID", "ObjectId")
            ]
        features = payload.get("features", [])
        rows.extend(f["attributes"] for f in features)
        offset += len(features)
        if not features or not payload.get("exceededTransferLimit"):
            break
    if not rows:
        raise FairerError(f"download failed: the service returned no rows ({url})")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return hashlib.sha256(data).hexdigest(), len(data)
