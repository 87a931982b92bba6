"""A small client for OHID's Fingertips API: indicator data by area type, cached on disk.

Data come from the API's CSV download (the same layout as a Fingertips "Export" file), so the
result reads with :func:`fairer.sources.indicators.read_fingertips_export` and loads like any
other indicator file. Before fetching, the client asks the API which area types hold data for
the indicator, and says so plainly when the one asked for has none — the question users ask
most often. Responses are cached under the fairer cache (``fingertips/``) keyed by the request,
so repeated runs work offline. Proxies come from ``HTTPS_PROXY`` or the ``proxy`` argument.

References
----------
Office for Health Improvement and Disparities. *Fingertips API* (https://fingertips.phe.org.uk/api).
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from fairer.errors import FairerError
from fairer.tabular import write_text_atomic

BASE_URL = "https://fingertips.phe.org.uk/api/"
ENGLAND_AREA_TYPE = 15  # Fingertips' area type id for England, the default parent


@dataclass
class FingertipsClient:
    """Fetch Fingertips data with an on-disk cache.

    Parameters
    ----------
    cache : Path, optional
        Where responses are kept (default: ``<fairer cache>/fingertips``).
    base_url : str
        The API root.
    proxy : str, optional
        A proxy URL (``http://proxy.council.gov.uk:8080``); otherwise the environment's.
    offline : bool
        Use only cached responses; never touch the network.
    """

    cache: Path | None = None
    base_url: str = BASE_URL
    proxy: str | None = None
    timeout: float = 60.0
    offline: bool = False

    def __post_init__(self) -> None:
        if self.cache is None:
            from fairer.sources.fetch import cache_dir

            self.cache = cache_dir() / "fingertips"
        self.cache = Path(self.cache)

    # -- plumbing ------------------------------------------------------------------------------
    def _url(self, path: str, **params) -> str:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        return f"{self.base_url}{path}" + (f"?{query}" if query else "")

    def _cache_path(self, url: str, suffix: str) -> Path:
        return self.cache / f"{hashlib.sha256(url.encode()).hexdigest()[:24]}{suffix}"

    def _get(self, url: str, suffix: str) -> str:
        cached = self._cache_path(url, suffix)
        if cached.exists():
            return cached.read_text(encoding="utf-8")
        if self.offline:
            raise FairerError(f"not in the Fingertips cache and offline: {url}")
        handlers = (
            [urllib.request.ProxyHandler({"http": self.proxy, "https": self.proxy})]
            if self.proxy
            else []
        )
        opener = urllib.request.build_opener(*handlers)
        request = urllib.request.Request(url, headers={"User-Agent": "fairer", "Accept": "*/*"})
        try:
            with opener.open(request, timeout=self.timeout) as response:
                text = response.read().decode("utf-8-sig")
        except urllib.error.HTTPError as exc:
            raise FairerError(f"Fingertips answered HTTP {exc.code} for {url}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise FairerError(
                f"cannot reach Fingertips ({getattr(exc, 'reason', exc)}); are you online? Behind a proxy, "
                "set HTTPS_PROXY or pass a proxy"
            ) from None
        write_text_atomic(cached, text)
        return text

    # -- the API -------------------------------------------------------------------------------
    def area_types(self) -> dict[int, str]:
        """Every area type: id → name."""
        data = json.loads(self._get(self._url("area_types"), ".json"))
        return {int(a["Id"]): str(a.get("Name") or a.get("Short")) for a in data}

    def available_area_types(self, indicator_id: int) -> list[int]:
        """The area types that hold data for an indicator."""
        data = json.loads(
            self._get(self._url("available_data", indicator_id=indicator_id), ".json")
        )
        return sorted(
            {
                int(d["AreaTypeId"])
                for d in data
                if int(d.get("IndicatorId", indicator_id)) == int(indicator_id)
            }
        )

    def data_csv(
        self,
        indicator_id: int,
        area_type_id: int,
        parent_area_type_id: int = ENGLAND_AREA_TYPE,
        parent_area_code: str | None = None,
    ) -> str:
        """The indicator's data for an area type as Fingertips export CSV text.

        Raises
        ------
        FairerError
            If the indicator has no data at that area type (listing the ones it has), or the
            request fails.
        """
        available = self.available_area_types(indicator_id)
        if not available:
            raise FairerError(
                f"Fingertips has no data for indicator {indicator_id} (is the id right?)"
            )
        if int(area_type_id) not in available:
            names = self._names()
            have = ", ".join(f"{a} ({names.get(a, 'area type')})" for a in available)
            raise FairerError(
                f"indicator {indicator_id} has no data for area type {area_type_id} "
                f"({names.get(int(area_type_id), 'unknown area type')}); it has data for: {have}"
            )
        if parent_area_code:
            url = self._url(
                "all_data/csv/by_indicator_id",
                indicator_ids=indicator_id,
                child_area_type_id=area_type_id,
                parent_area_type_id=parent_area_type_id,
                parent_area_code=parent_area_code,
            )
        else:
            url = self._url(
                "all_data/csv/by_indicator_id",
                indicator_ids=indicator_id,
                child_area_type_id=area_type_id,
                parent_area_type_id=parent_area_type_id,
            )
        text = self._get(url, ".csv")
        if not text.strip() or "Indicator ID" not in text.splitlines()[0]:
            raise FairerError(
                f"Fingertips returned no data rows for indicator {indicator_id} at area type {area_type_id}"
            )
        return text

    def download(
        self,
        indicator_id: int,
        area_type_id: int,
        folder: str | Path,
        parent_area_type_id: int = ENGLAND_AREA_TYPE,
        parent_area_code: str | None = None,
    ) -> Path:
        """Save the data as a Fingertips export CSV in ``folder`` (ready for ``fairer init --data``)."""
        text = self.data_csv(indicator_id, area_type_id, parent_area_type_id, parent_area_code)
        target = Path(folder) / f"fingertips_{indicator_id}_areatype_{area_type_id}.csv"
        return write_text_atomic(target, text)

    def _names(self) -> dict[int, str]:
        try:
            return self.area_types()
        except FairerError:
            return {}
