"""The end-to-end jobs the CLI runs: profile a place, write its tables and its report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from fairer.disclosure import suppress_counts
from fairer.errors import FairerError
from fairer.load import LoadReport, load_place_sources
from fairer.place import Place, load_place
from fairer.profile import (
    DeprivationChange,
    DeprivationProfile,
    deprivation_change,
    deprivation_profile,
    national_data,
)
from fairer.report import Report
from fairer.report.deprivation import change_section, deprivation_section, geometry_from_store
from fairer.sources.boundaries import ATTRIBUTION as BOUNDARY_ATTRIBUTION
from fairer.store import open_store
from fairer.tabular import write_table, write_tables

FORMATS = ("csv", "parquet", "xlsx")


@dataclass
class ProfileResult:
    """What :func:`profile_place` made."""

    place: Place
    load: LoadReport
    profiles: dict[int, DeprivationProfile]
    change: DeprivationChange | None
    tables: dict[str, Path] = field(default_factory=dict)
    report: Path | None = None
    progress: object | None = None  # the demo's ProgressResult
    voices: object | None = None  # the demo's consultation summary (VoicesReport)


def _publishable(df: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Suppress small population counts before anything is written."""
    out = df.copy()
    for c in out.columns:
        if c == "population":
            out[c] = suppress_counts(out[c], threshold)
    return out


def profile_place(
    place_dir: str | Path, formats: tuple[str, ...] = ("csv", "xlsx"), report: bool = True
) -> ProfileResult:
    """Load a place's sources, profile deprivation for every IoD edition it has, write outputs.

    Parameters
    ----------
    place_dir : path-like
        A folder made by ``fairer init``.
    formats : tuple of {'csv', 'parquet', 'xlsx'}
        Table formats to write into ``<place>/output/``. XLSX is one workbook with a sheet per table.
    report : bool
        Also write ``<place>/output/report.html``.

    Returns
    -------
    ProfileResult
    """
    for f in formats:
        if f not in FORMATS:
            raise FairerError(f"unknown output format '{f}': choose from {', '.join(FORMATS)}")
    place = load_place(place_dir)
    load = load_place_sources(place)
    store = open_store(place.store_path)
    try:
        editions = sorted(
            int(e) for e in store.query("SELECT DISTINCT edition FROM deprivation")["edition"]
        )
        if not editions:
            raise FairerError(
                "no IoD data in the place's sources", path=place.folder / "place.toml"
            )
        profiles = {
            ed: deprivation_profile(national_data(store, ed), place.la_codes, place.name)
            for ed in editions
        }
        change = None
        if 2019 in profiles and 2025 in profiles:
            bridge = store.query("SELECT lsoa11_code, lsoa21_code, change FROM lsoa_bridge")
            if not bridge.empty:
                change = deprivation_change(profiles[2019], profiles[2025], bridge)
        result = ProfileResult(place, load, profiles, change)
        result.tables = _write_tables(place, profiles, change, formats)
        if report:
            result.report = _write_report(place, store, profiles, change)
    finally:
        store.close()
    return result


def _write_tables(place, profiles, change, formats) -> dict[str, Path]:
    out = place.output_dir
    tables: dict[str, pd.DataFrame] = {}
    for ed, p in profiles.items():
        for name, df in p.tables().items():
            tables[f"iod{ed}_{name}"] = _publishable(df, place.disclosure_threshold)
    if change is not None:
        tables["change_summary"] = change.summary
        tables["change_lsoas"] = change.lsoas
    paths = {}
    for fmt in formats:
        if fmt == "xlsx":
            paths["xlsx"] = write_tables(tables, out / "deprivation_profile.xlsx")
        else:
            for name, df in tables.items():
                paths[f"{name}.{fmt}"] = write_table(df, out / f"{name}.{fmt}")
    return paths


def rug_place(
    place_dir: str | Path,
    level: str = "ward",
    benchmark: str = "england",
    framework: str | None = None,
    formats: tuple[str, ...] = ("csv", "xlsx", "html", "png"),
):
    """Load the place's data and write its tartan rug (and scorecard and gaps tables).

    Parameters
    ----------
    level : {'ward', 'lsoa', 'lad'}
        The rug's rows: the place's wards or LSOAs, or the authorities of its region.
    benchmark : {'england', 'place'}
    framework : str, optional
        A template name or framework file; default: the place's.
    formats : tuple
        Any of csv, xlsx, parquet (one row per cell), html (interactive), png and pdf (print).

    Returns
    -------
    (PlaceResults, dict of written paths, LoadReport)
    """
    from fairer.framework.results import place_results
    from fairer.report.rug import rug_figure, rug_payload, write_rug_html

    place = load_place(place_dir)
    load = load_place_sources(place)
    store = open_store(place.store_path)
    try:
        res = place_results(store, place, level, benchmark, framework)
    finally:
        store.close()
    out, paths = place.output_dir, {}
    table = res.rug.rug_table()
    if table.empty:
        raise FairerError(
            "no indicator in the framework has data for this place; add indicator files to place.toml "
            "(fairer detect FOLDER shows which files fairer recognises)"
        )
    for fmt in formats:
        if fmt in ("csv", "parquet"):
            paths[fmt] = write_table(table, out / f"rug_{level}.{fmt}")
        elif fmt == "xlsx":
            paths[fmt] = write_tables(
                {"rug": table, "scorecard": res.scorecard(), "gaps": res.place.gaps},
                out / f"rug_{level}.xlsx",
            )
        elif fmt == "html":
            names = ", ".join(table["benchmark_name"].dropna().unique()) or "benchmark"
            paths[fmt] = write_rug_html(
                rug_payload(
                    res.rug.cells, res.framework, f"{place.name}: tartan rug ({level}s)", names
                ),
                out / f"rug_{level}.html",
                synthetic=place.synthetic,
            )
        elif fmt in ("png", "pdf"):
            from fairer.tabular import atomic_path

            fig = rug_figure(res.rug.cells, res.framework, f"{place.name}: tartan rug ({level}s)")
            with atomic_path(out / f"rug_{level}.{fmt}") as tmp:
                fig.savefig(tmp, format=fmt, dpi=200, bbox_inches="tight")
            paths[fmt] = out / f"rug_{level}.{fmt}"
        else:
            raise FairerError(
                f"unknown rug format '{fmt}': choose from csv, xlsx, parquet, html, png, pdf"
            )
    return res, paths, load


def _framework_sections(place, store, static_rug: bool = False) -> list:
    """Scorecard, rug, gaps and maps for the place (the rug static for print when asked)."""
    from fairer.framework.data import place_areas
    from fairer.framework.results import place_results
    from fairer.report.build import Section, figure
    from fairer.report.charts import to_svg
    from fairer.report.framework import gap_sections, indicator_maps, rug_section, scorecard_section
    from fairer.report.rug import rug_figure

    if store.query("SELECT count(*) AS n FROM indicator_values")["n"].item() == 0:
        return []
    res = place_results(store, place, "ward")
    if static_rug and not res.rug.cells.empty:
        svg = to_svg(rug_figure(res.rug.cells, res.framework, f"{place.name}: wards × indicators"))
        rug = Section(
            "rug",
            "The tartan rug",
            figure(
                svg,
                "Wards × indicators: blue better than England, grey similar, orange worse; quintile colours where "
                "there is no confidence interval.",
                f"Tartan rug of {place.name}'s wards against England.",
            ),
        )
    else:
        rug = rug_section(res, place.name)
    sections = [scorecard_section(res, place.name), rug, *gap_sections(res)]
    geom = geometry_from_store(store, "lsoa", place.geography_year)
    _, links = place_areas(store, place, "ward")
    sections.append(indicator_maps(res, geom, links))
    return [s for s in sections if s is not None]


def _write_report(place, store, profiles, change) -> Path:
    rep = Report(
        title=f"{place.name}: inequalities profile",
        place_name=place.name,
        synthetic=place.synthetic,
    )
    lead = 2025 if place.geography_year == 2021 and 2025 in profiles else max(profiles)
    order = [lead] + [e for e in sorted(profiles, reverse=True) if e != lead]
    for ed in order:
        p = profiles[ed]
        geom = geometry_from_store(store, "lsoa", p.lsoa_year)
        rep.add(deprivation_section(p, geom))
        if not geom.empty:
            rep.attributions.append(BOUNDARY_ATTRIBUTION)
    if change is not None:
        rep.add(change_section(change, 2019, 2025))
    for section in _framework_sections(place, store):
        rep.add(section)
    from fairer.report.targeting import targeting_section

    attributions = store.query(
        "SELECT DISTINCT attribution FROM sources WHERE attribution IS NOT NULL"
    )
    rep.attributions = list(attributions["attribution"]) + rep.attributions
    store.close()  # the targeting jobs open the store themselves
    where = targeting_section(place)
    if where is not None:
        rep.add(where)
    if (place.folder / "voices" / "voices.toml").exists():
        from fairer.report.voices import voices_section

        heard = voices_section(place.folder)
        if heard is not None:
            rep.add(heard)
    return rep.write(place.output_dir / "report.html")
