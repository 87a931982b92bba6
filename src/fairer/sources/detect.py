"""Which official data a file holds, from its header, and finding such files in a folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fairer.evaluate.areas import is_area_evaluation
from fairer.evaluate.programme import is_evaluation
from fairer.sources.boundaries import BOUNDARY_SUFFIXES, boundary_info
from fairer.sources.cni import cni_layout
from fairer.sources.indicators import indicator_layout
from fairer.sources.iod import is_iod_file
from fairer.sources.iod_summary import is_la_summary
from fairer.sources.lookups import is_lookup_file, levels_year, lookup_levels
from fairer.sources.population import population_geography
from fairer.sources.postcodes import is_postcode_directory
from fairer.tabular import TABLE_SUFFIXES, suffix_of


@dataclass(frozen=True)
class DetectedSource:
    """A file and what it holds: ``kind`` is iod, lookup, bridge, boundaries or population."""

    path: Path
    kind: str
    detail: str = ""
    edition: int | None = None
    level: str | None = None
    year: int | None = None


def detect(path: str | Path) -> DetectedSource | None:
    """Recognise one file, or return None if it is none of the kinds fairer reads."""
    path = Path(path)
    suffix = suffix_of(path)
    if suffix in BOUNDARY_SUFFIXES:
        info = boundary_info(path)
        if info:
            return DetectedSource(
                path, "boundaries", f"{info[0]} boundaries", level=info[0], year=info[2]
            )
        return None
    if suffix in (".yaml", ".yml"):
        return _yaml_kind(path)
    if suffix == ".zip":
        return _postcode_kind(path)
    if suffix not in TABLE_SUFFIXES:
        return None
    postcodes = _postcode_kind(path)
    if postcodes is not None:
        return postcodes
    layout = is_iod_file(path)
    if layout is not None:
        return DetectedSource(
            path,
            "iod",
            f"IoD{layout.edition} {layout.file_kind}",
            edition=layout.edition,
            level="lsoa",
            year=layout.lsoa_year,
        )
    kind = is_lookup_file(path)
    if kind == "bridge":
        return DetectedSource(path, kind, "LSOA 2011→2021 bridge")
    if kind == "lookup":
        levels = lookup_levels(path)
        return DetectedSource(
            path,
            kind,
            "LSOA → " + ", ".join(sorted(levels - {"lsoa"})) + " lookup",
            level=",".join(sorted(levels)),
            year=levels_year(path),
        )
    summary_edition = is_la_summary(path)
    if summary_edition is not None:
        return DetectedSource(
            path,
            "iod_summary",
            f"IoD{summary_edition} local authority summaries (File 10)",
            edition=summary_edition,
            level="lad",
        )
    cni = cni_layout(path)
    if cni is not None:
        return DetectedSource(
            path, "cni", f"Community Needs Index {cni[1]} ({cni[0]})", level=cni[0],
            year=int(cni[1]),
        )  # fmt: skip
    kind = _targeting_kind(path) or _delivery_kind(path)
    if kind:
        detail = {
            "assets": "asset register",
            "assets_by_postcode": "asset register (placed by postcode: needs a postcode directory)",
            "spend": "current spend by area",
            **_DELIVERY_DETAIL,
        }[kind]
        return DetectedSource(path, kind.removesuffix("_by_postcode"), detail)
    from fairer.sources.deaths import is_deaths_extract, is_mortality_counts
    from fairer.sources.general_health import is_general_health

    if is_deaths_extract(path):
        return DetectedSource(path, "deaths", "deaths extract (one row per death)")
    if is_mortality_counts(path):
        return DetectedSource(
            path, "mortality_comparator", "deaths and person-years of a comparator"
        )
    if is_general_health(path):
        return DetectedSource(path, "general_health", "Census 2021 general health")
    layout = indicator_layout(path)
    if layout is not None:
        return DetectedSource(path, "indicators", f"indicators ({layout.replace('_', ' ')})")
    pop = population_geography(path)
    if pop is not None:
        return DetectedSource(
            path, "population", f"{pop[0]} single-year-of-age population", level=pop[0], year=pop[1]
        )
    return None


def _targeting_kind(path: Path) -> str | None:
    """``assets`` for an asset register, ``spend`` for current spend by area, from the header."""
    from fairer.tabular import read_header

    try:
        head = [c.strip().lower() for c in read_header(path, max_rows=1)[0]]
    except Exception:  # unreadable files are other readers business
        return None
    located = ({"latitude", "longitude"} <= set(head)) or ({"easting", "northing"} <= set(head))
    if located and ({"type", "asset_type", "category"} & set(head)):
        return "assets"
    named = {"name", "library name", "asset_name", "site", "site name"} & set(head)
    if "postcode" in head and named:
        return "assets_by_postcode"
    if {"area_code", "current"} <= set(head):
        return "spend"
    return None


_DELIVERY_DETAIL = {
    "actions": "action plan",
    "assessment": "impact assessment",
    "learning": "learning log",
}


def _postcode_kind(path: Path) -> DetectedSource | None:
    """An ONS postcode directory (ONSPD, NSPL), by its header; a release zip by its name."""
    from fairer.tabular import read_header

    if path.suffix.lower() == ".zip":
        name = path.name.upper()
        if name.startswith(("ONSPD", "NSPL")):
            return DetectedSource(path, "postcodes", "ONS postcode directory (release zip)")
        return None
    try:
        head = [str(c).strip() for c in read_header(path, max_rows=1)[0]]
    except Exception:  # unreadable files are other readers' business
        return None
    if is_postcode_directory(head):
        return DetectedSource(path, "postcodes", "ONS postcode directory")
    return None


def _delivery_kind(path: Path) -> str | None:
    """``actions``, ``assessment`` or ``learning`` from a table's first row."""
    from fairer.tabular import read_header

    try:
        head = [c.strip().lower() for c in read_header(path, max_rows=1)[0]]
    except Exception:  # unreadable files are other readers' business
        return None
    if {"action_id", "action"} <= set(head):
        return "actions"
    if head[:2] == ["key", "value"]:
        return "assessment"
    if "tried" in head and ({"did_not_work", "worked"} & set(head)):
        return "learning"
    return None


def _yaml_kind(path: Path) -> DetectedSource | None:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception:
        return None
    if isinstance(data, dict) and "impacts" in data and "id" in data:
        kind = "assessment"
    elif isinstance(data, list) and data and isinstance(data[0], dict) and "action_id" in data[0]:
        kind = "actions"
    elif isinstance(data, list) and data and isinstance(data[0], dict) and "tried" in data[0]:
        kind = "learning"
    elif is_evaluation(data):
        return DetectedSource(path, "evaluation", f"evaluation ({data['instrument']})")
    elif is_area_evaluation(data):
        return DetectedSource(path, "evaluation", f"evaluation ({data['design']})")
    else:
        return None
    return DetectedSource(path, kind, _DELIVERY_DETAIL[kind])


def discover(folder: str | Path) -> list[DetectedSource]:
    """Every recognised file below ``folder``, sorted by path (reads headers only)."""
    folder = Path(folder)
    found = []
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.name.startswith("."):
            d = detect(p)
            if d is not None:
                found.append(d)
    return found
