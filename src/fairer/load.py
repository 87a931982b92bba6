"""Load a place's source files into its store: transactional, idempotent, every row sourced.

A file already loaded with the same SHA-256 is skipped. A changed file replaces the rows its
earlier version contributed. Everything happens in one transaction: if any file is bad, the
store is left exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from fairer import feedback
from fairer.errors import FairerError
from fairer.place import Place, SourceEntry
from fairer.provenance import sha256_of
from fairer.reference import known_local_authorities
from fairer.sources import boundaries as bnd
from fairer.sources import iod, lookups
from fairer.sources.population import read_population
from fairer.store import Store, open_store, queries

# Lookups first: they say which LSOAs belong to the place, which boundaries need.
_ORDER = {
    "lookup": 0,
    "bridge": 1,
    "iod": 2,
    "iod_summary": 2,
    "population": 3,
    "boundaries": 4,
    "indicators": 5,
    "cni": 5,
    "postcodes": 5,
    "assets": 6,
    "spend": 6,
    "actions": 7,
    "assessment": 7,
    "learning": 7,
    "evaluation": 7,
    "deaths": 7,
    "mortality_comparator": 7,
    "general_health": 7,
}


@dataclass
class LoadReport:
    """What a load did, file by file."""

    loaded: list[tuple[str, int]]
    skipped: list[str]
    messages: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"loaded {Path(p).name}: {n:,} rows" for p, n in self.loaded]
        out += [f"unchanged {Path(p).name}" for p in self.skipped]
        out += [f"note: {m}" for m in self.messages]
        return out


def load_place_sources(place: Place, store: Store | None = None) -> LoadReport:
    """Load every source in ``place.toml`` into the place's store.

    Parameters
    ----------
    place : Place
    store : Store, optional
        The place's open store (a :class:`~fairer.context.PlaceContext` passes its own);
        by default the place's store file is opened and closed here.

    Returns
    -------
    LoadReport

    Raises
    ------
    FairerError
        If a file is missing or malformed; nothing is written in that case.

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> from fairer.place import load_place
    >>> report = load_place_sources(load_place(example_place()))
    >>> isinstance(report.lines(), list)
    True
    """
    own = store is None
    store = store or open_store(place.store_path)
    loaded, skipped = [], []
    messages: list[str] = []
    try:
        with store.transaction():
            for entry in sorted(place.sources, key=lambda s: _ORDER.get(s.kind, 9)):
                if not entry.path.exists():
                    raise FairerError("source file not found (moved or deleted?)", path=entry.path)
                digest = sha256_of(entry.path)
                if store.source_with_checksum(entry.kind, digest) is not None:
                    skipped.append(str(entry.path))
                    continue
                previous = _previous_loads(store, entry, place)
                before = queries.source_row_counts(store, previous)
                for sid in previous:
                    store.drop_source_rows(sid)
                with feedback.step(f"Loading {entry.path.name} ({entry.kind})"):
                    n = _LOADERS[entry.kind](store, entry, digest, place, messages)
                _refuse_shrinking(entry, before, n)
                loaded.append((str(entry.path), n))
    finally:
        if own:
            store.close()
    return LoadReport(loaded, skipped, messages)


def _previous_loads(store, entry: SourceEntry, place: Place) -> list[int]:
    """Earlier loads of this source: from its path, or, if the place's folder has moved, from a
    file of the same name and kind that no source of the place now points at."""
    same_path = queries.source_ids_for_path(store, entry.kind, entry.path)
    if same_path:
        return same_path
    current = {str(s.path.resolve()) for s in place.sources}
    loads = queries.source_paths(store, entry.kind)
    return [
        int(sid)
        for sid, path in zip(loads["source_id"], loads["path"], strict=True)
        if path not in current and Path(path).name == entry.path.name
    ]


#: Reference files whose new version may not hold much less than the one it replaces.
_COMPLETE_KINDS = ("iod", "lookup", "bridge", "population")


def _refuse_shrinking(entry: SourceEntry, before: int, after: int) -> None:
    """A changed reference file with far fewer rows than its last version is refused.

    A file cut short while copying or saving would otherwise replace the stored data with
    less of it; the load's transaction is rolled back, so the store stays as it was.
    """
    if entry.kind in _COMPLETE_KINDS and before and after < 0.9 * before:
        raise FairerError(
            f"this file now gives {after:,} rows where the version loaded before gave {before:,}; "
            "a file cut short would lose data, so nothing was loaded (if the smaller file is "
            "right, delete the place's fairer.duckdb and load again)",
            path=entry.path,
        )


def store_status(place_dir: str | Path) -> list[str]:
    """What a place's store holds: row counts per table, then every source file.

    Parameters
    ----------
    place_dir : path-like
        A folder made by ``fairer init``.

    Returns
    -------
    list of str
        Lines for ``fairer status``.

    Raises
    ------
    FairerError
        If the place has no store yet.

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> from fairer.context import open_place
    >>> open_place(example_place()).close()
    >>> store_status(example_place())[0].split()[0]
    'sources'
    """
    from fairer.place import load_place

    place = load_place(place_dir)
    if not place.store_path.exists():
        raise FairerError(
            "no store yet; run `fairer load` or `fairer profile`", path=place.store_path
        )
    store = open_store(place.store_path, read_only=True)
    try:
        lines = [f"{table:<17}{n:>10,}" for table, n in store.counts().items()]
        lines.append(queries.sources_summary(store).to_string(index=False))
    finally:
        store.close()
    return lines


def _register(store, entry: SourceEntry, digest: str, licence: str, attribution: str) -> int:
    return store.register_source(
        entry.kind,
        entry.path,
        digest,
        detail=entry.detail,
        licence=licence,
        attribution=attribution,
    )


def _check_every_lsoa(df: pd.DataFrame, edition: int, place: Place, path: Path) -> None:
    """An IoD file has a row for every LSOA in England (a synthetic place's files excepted).

    England-wide deciles, ranks and comparisons need the whole edition; a file cut at a row end
    or filtered to one area would otherwise be stored as if it were the edition.
    """
    expected = iod.EDITION_LSOA_COUNT[edition]
    if place.synthetic or len(df) == expected:
        return
    raise FairerError(
        f"an IoD{edition} file has a row for each of England's {expected:,} LSOAs; this one has "
        f"{len(df):,} (cut short, or filtered to one area?): use the whole file as published",
        path=path,
    )


def _load_iod(store, entry: SourceEntry, digest: str, place: Place, messages: list[str]) -> int:
    df = iod.read_iod_file(entry.path)
    edition = df.attrs["edition"] or entry.edition
    if edition is None:
        raise FairerError(
            "cannot tell which IoD edition this is; set 'edition' in place.toml", path=entry.path
        )
    lsoa_year = iod.EDITION_GEOGRAPHY[edition]
    _check_every_lsoa(df, edition, place, entry.path)
    _check_codes_in_geography(store, df, lsoa_year, entry.path)
    sid = _register(store, entry, digest, iod.LICENCE, iod.ATTRIBUTION)
    n = 0
    domains = sorted(
        {c.rsplit("_", 1)[0] for c in df.columns if c.endswith(("_score", "_rank", "_decile"))}
    )
    if domains:
        # Another file of the same edition may already hold some domains' measures (File 2 then
        # File 5): merge into those rows instead of duplicating them.
        parts = []
        for d in domains:
            part = pd.DataFrame({"lsoa_code": df["lsoa_code"], "domain": d})
            for m in ("score", "rank", "decile"):
                part[m] = df.get(f"{d}_{m}", np.nan)
            parts.append(part)
        long = pd.concat(parts, ignore_index=True).assign(edition=edition, source_id=sid)
        queries.merge_deprivation(store, long)
        n += len(long)
    if "pop_total" in df:
        period = (
            f"mid-{df.attrs['population_year']}"
            if df.attrs.get("population_year")
            else f"iod{edition}"
        )
        pop = pd.DataFrame(
            {
                "area_code": df["lsoa_code"],
                "level": "lsoa",
                "geo_year": lsoa_year,
                "period": period,
                "sex": "persons",
                "age": pd.array([pd.NA] * len(df), dtype="Int64"),
                "count": df["pop_total"].astype(float),
                "source_id": sid,
            }
        )
        n += _insert_new(
            store, "population", pop, ["area_code", "level", "geo_year", "period", "sex", "age"]
        )
        groups = [c for c in ("pop_children_0_15", "pop_60_plus") if c in df]
        if groups:
            ages = pd.concat(
                [
                    pd.DataFrame(
                        {
                            "area_code": df["lsoa_code"],
                            "geo_year": lsoa_year,
                            "period": period,
                            "age_group": g.removeprefix("pop_"),
                            "count": pd.to_numeric(df[g], errors="coerce"),
                            "source_id": sid,
                        }
                    )  # fmt: skip
                    for g in groups
                ],
                ignore_index=True,
            ).dropna(subset=["count"])
            n += _insert_new(
                store, "age_groups", ages, ["area_code", "geo_year", "period", "age_group"]
            )
    if "lsoa_name" in df:
        areas = pd.DataFrame(
            {
                "area_code": df["lsoa_code"],
                "area_name": df["lsoa_name"],
                "level": "lsoa",
                "geo_year": lsoa_year,
                "source_id": sid,
            }
        )
        n += _upsert_areas(store, areas)
    if "lad_code" in df:
        links = pd.DataFrame(
            {
                "child_code": df["lsoa_code"],
                "child_level": "lsoa",
                "parent_code": df["lad_code"],
                "parent_level": f"lad_iod{edition}",
                "geo_year": lsoa_year,
                "source_id": sid,
            }
        )
        n += _insert_new(store, "area_links", links, ["child_code", "parent_level", "geo_year"])
        if "lad_name" in df:
            lads = df[["lad_code", "lad_name"]].drop_duplicates("lad_code")
            n += _upsert_areas(
                store,
                pd.DataFrame(
                    {
                        "area_code": lads["lad_code"],
                        "area_name": lads["lad_name"],
                        "level": "lad",
                        "geo_year": None,
                        "source_id": sid,
                    }
                ),
            )
    store.set_row_count(sid, n)
    return n


def _check_codes_in_geography(store, df: pd.DataFrame, lsoa_year: int, path: Path) -> None:
    """Every code must be an LSOA of the edition's geography (checked against the ONS bridge).

    Without a bridge in the store there is no national list of codes to check against, and the
    check is skipped.
    """
    known = queries.bridge(store)
    if known.empty:
        return
    codes = df["lsoa_code"]
    this, other = (
        ("lsoa11_code", "lsoa21_code") if lsoa_year == 2011 else ("lsoa21_code", "lsoa11_code")
    )
    english = codes.str.startswith("E")
    bad = english & ~codes.isin(set(known[this]))
    if not bad.any():
        return
    i = int(np.flatnonzero(bad.to_numpy())[0])
    code = codes.iloc[i]
    other_year = 2021 if lsoa_year == 2011 else 2011
    if code in set(known[other]):
        msg = (
            f"{code} is an LSOA {other_year} code in a file of LSOA {lsoa_year} codes "
            f"(mixed 2011/2021 geographies; {int(bad.sum())} such codes)"
        )
    else:
        msg = f"{code} is not an LSOA {lsoa_year} code ({int(bad.sum())} unknown codes)"
    raise FairerError(
        msg,
        path=path,
        row=df.attrs.get("header_row", 1) + 1 + i,
        column=df.attrs.get("code_column", "LSOA code"),
    )


_insert_new = queries.insert_new


def _upsert_areas(store, areas: pd.DataFrame) -> int:
    """Add areas not already known (a name from an earlier source is kept)."""
    return _insert_new(store, "areas", areas, ["area_code", "level", "geo_year"])


def _load_lookup(store, entry: SourceEntry, digest: str, place: Place, messages: list[str]) -> int:
    lk = lookups.read_lookup(entry.path)
    sid = _register(store, entry, digest, lookups.LICENCE, lookups.ATTRIBUTION)
    year = lk.attrs["lsoa_year"]
    n = 0
    for level in ("lsoa", "msoa", "ward", "lad"):
        if f"{level}_code" not in lk:
            continue
        names = lk.get(f"{level}_name", lk[f"{level}_code"])
        areas = pd.DataFrame(
            {
                "area_code": lk[f"{level}_code"],
                "area_name": names,
                "level": level,
                "geo_year": year if level != "lad" else None,
                "source_id": sid,
            }
        )
        n += _upsert_areas(store, areas)
        if level != "lsoa":
            links = pd.DataFrame(
                {
                    "child_code": lk["lsoa_code"],
                    "child_level": "lsoa",
                    "parent_code": lk[f"{level}_code"],
                    "parent_level": level,
                    "geo_year": year,
                    "source_id": sid,
                }
            )
            n += _insert_new(store, "area_links", links, ["child_code", "parent_level", "geo_year"])
    store.set_row_count(sid, n)
    return n


def _load_bridge(store, entry: SourceEntry, digest: str, place: Place, messages: list[str]) -> int:
    br = lookups.read_bridge(entry.path).drop_duplicates(["lsoa11_code", "lsoa21_code"])
    sid = _register(store, entry, digest, lookups.LICENCE, lookups.ATTRIBUTION)
    n = store.append(
        "lsoa_bridge", br[["lsoa11_code", "lsoa21_code", "change"]].assign(source_id=sid)
    )
    store.set_row_count(sid, n)
    return n


def _load_population(
    store, entry: SourceEntry, digest: str, place: Place, messages: list[str]
) -> int:
    pop = read_population(entry.path)
    sid = _register(store, entry, digest, lookups.LICENCE, lookups.ATTRIBUTION)
    level, year = pop.attrs["level"], pop.attrs["year"]
    period = entry.detail if entry.detail.startswith("mid-") else _period_from_name(entry.path)
    # Persons by single year for the place's own areas; all-age totals everywhere (national
    # totals are what population-weighted national ranks need).
    totals = pop.groupby(["area_code", "sex"], as_index=False)["count"].sum()
    totals["age"] = pd.array([pd.NA] * len(totals), dtype="Int64")
    place_codes = queries.children_of(store, place.la_codes)
    detail = pop[pop["area_code"].isin(place_codes)].copy()
    detail["age"] = detail["age"].astype("Int64")
    rows = pd.concat([totals, detail], ignore_index=True)
    rows = rows.assign(level=level, geo_year=year, period=period, source_id=sid)
    rows = rows[["area_code", "level", "geo_year", "period", "sex", "age", "count", "source_id"]]
    n = _insert_new(
        store, "population", rows, ["area_code", "level", "geo_year", "period", "sex", "age"]
    )
    store.set_row_count(sid, n)
    return n


def _period_from_name(path: Path) -> str:
    import re

    m = re.search(r"(?:population|pop|mid)[_-]?(\d{2,4})", path.name.lower())
    if m:
        y = int(m.group(1))
        return f"mid-{y if y > 1900 else 2000 + y}"
    return path.stem


def _load_boundaries(
    store, entry: SourceEntry, digest: str, place: Place, messages: list[str]
) -> int:
    year = entry.year
    codes = queries.place_lsoas(store, place.la_codes, year)
    sid = _register(store, entry, digest, "Open Government Licence v3.0", bnd.ATTRIBUTION)
    if not codes:
        store.set_row_count(sid, 0)
        return 0
    gdf = bnd.read_boundaries(entry.path, codes=codes)
    rows = pd.DataFrame(
        {
            "area_code": gdf["code"],
            "level": gdf.attrs["level"],
            "geo_year": gdf.attrs["year"] or year,
            "wkb": gdf.geometry.to_wkb(),
            "source_id": sid,
        }
    )
    n = store.append("area_geometry", rows)
    store.set_row_count(sid, n)
    return n


def _load_indicators(
    store, entry: SourceEntry, digest: str, place: Place, messages: list[str]
) -> int:
    from fairer.sources.indicators import (
        INDICATOR_ATTRIBUTION,
        indicator_layout,
        read_indicator_file,
    )

    known = queries.area_codes(store)
    if known:
        known |= set(known_local_authorities()["lad_code"])
    data = read_indicator_file(entry.path, known_codes=known or None)
    messages.extend(data.messages)
    rows = data.rows
    layout = indicator_layout(entry.path)
    licence, attribution = INDICATOR_ATTRIBUTION.get(
        layout, ("as the file's publisher states", f"Indicator data: {entry.path.name}")
    )
    sid = _register(store, entry, digest, licence, attribution)
    rows = rows.rename(columns={"group": "grouping"}).assign(source_id=sid)
    cols = [
        "indicator_id",
        "area_code",
        "period",
        "grouping",
        "numerator",
        "denominator",
        "value",
        "lowercl",
        "uppercl",
        "source_id",
    ]
    n = _insert_new(
        store, "indicator_values", rows[cols], ["indicator_id", "area_code", "period", "grouping"]
    )
    store.set_row_count(sid, n)
    return n


def _load_iod_summary(
    store, entry: SourceEntry, digest: str, place: Place, messages: list[str]
) -> int:
    """MHCLG's File 10: each authority's IMD summary measures, kept as published."""
    from fairer.sources import iod_summary

    df = iod_summary.read_la_summary(entry.path)
    edition = df.attrs["edition"]
    sid = _register(store, entry, digest, iod_summary.LICENCE, iod_summary.ATTRIBUTION)
    measures = [m for m in iod_summary.MEASURES if m in df]
    long = df.melt(id_vars="lad_code", value_vars=measures, var_name="measure")
    rows = pd.DataFrame(
        {
            "indicator_id": iod_summary.LA_SUMMARY_PREFIX + long["measure"],
            "area_code": long["lad_code"],
            "period": f"iod{edition}",
            "grouping": "",
            "numerator": np.nan,
            "denominator": np.nan,
            "value": long["value"].astype(float),
            "lowercl": np.nan,
            "uppercl": np.nan,
            "source_id": sid,
        }
    )
    n = _insert_new(
        store, "indicator_values", rows, ["indicator_id", "area_code", "period", "grouping"]
    )
    for m in df.attrs["derived"]:
        messages.append(
            f"{entry.path.name}: {m.replace('_', ' ')} is not in the file; it is the rank of the "
            "published average scores (1 = most deprived)"
        )
    store.set_row_count(sid, n)
    return n


def _load_cni(store, entry: SourceEntry, digest: str, place: Place, messages: list[str]) -> int:
    """OCSI's Community Needs Index, national, kept as indicator values (higher = more need)."""
    from fairer.sources import cni

    rows = cni.read_cni(entry.path)
    sid = _register(store, entry, digest, cni.LICENCE, cni.ATTRIBUTION)
    names = rows.attrs.pop("names", None)
    if names is not None and len(names):  # its ward names name wards that lookups leave unnamed
        _upsert_areas(store, names.assign(level=rows.attrs["level"], geo_year=None, source_id=sid))
    rows = rows.assign(grouping="", numerator=np.nan, denominator=np.nan, lowercl=np.nan,
                       uppercl=np.nan, source_id=sid)  # fmt: skip
    n = _insert_new(
        store, "indicator_values", rows, ["indicator_id", "area_code", "period", "grouping"]
    )
    store.set_row_count(sid, n)
    return n


def _load_postcodes(
    store, entry: SourceEntry, digest: str, place: Place, messages: list[str]
) -> int:
    """An ONS postcode directory: the place's postcodes, and those within 10 km of it."""
    from fairer.sources.postcodes import read_postcodes

    pcs = read_postcodes(entry.path)
    local = pcs["lad"].isin(place.la_codes) if "lad" in pcs else pd.Series(False, index=pcs.index)
    if local.any():  # and the neighbours' postcodes near the border, for assets just outside
        lat, lon = pcs.loc[local, "latitude"], pcs.loc[local, "longitude"]
        pad_lat, pad_lon = 0.09, 0.15  # about 10 km
        near = pcs["latitude"].between(lat.min() - pad_lat, lat.max() + pad_lat) & pcs[
            "longitude"
        ].between(lon.min() - pad_lon, lon.max() + pad_lon)
        pcs = pcs[local | near]
    elif "lad" in pcs and pcs["lad"].notna().any():
        messages.append(f"{entry.path.name}: no postcode in this place's authorities")
    sid = _register(store, entry, digest, "Open Government Licence v3.0",
                    "Contains OS data © Crown copyright and database right; Royal Mail data © "
                    "Royal Mail copyright and database right; National Statistics data © Crown "
                    "copyright and database right. ONS Postcode Directory.")  # fmt: skip
    rows = pcs.reindex(columns=["postcode", "latitude", "longitude", "lsoa21", "lsoa11", "ward",
                                "lad", "terminated"]).assign(source_id=sid)  # fmt: skip
    n = store.append("postcodes", rows)
    store.set_row_count(sid, n)
    return n


def _load_reference(
    store, entry: SourceEntry, digest: str, place: Place, messages: list[str]
) -> int:
    """Asset registers, spend files and delivery records are used by the commands that need
    them; here each is read through its own reader, so a damaged file is refused now, and the
    file and its checksum are recorded."""
    messages += _check_reference(entry, store)
    sid = _register(
        store, entry, digest, "as the file's owner states", f"{entry.detail}: {entry.path.name}"
    )
    store.set_row_count(sid, 0)
    return 0


def _check_reference(entry: SourceEntry, store=None) -> list[str]:
    """Read a reference file with the reader its command will use; its notes (rows set aside)."""
    from fairer.delivery.actions import read_action_plan
    from fairer.delivery.impact import read_assessment
    from fairer.delivery.learning import read_learning_log
    from fairer.targeting.assets import read_assets
    from fairer.targeting.spend import read_current_spend

    if entry.kind == "assets":
        # Postcodes are placed with the place's postcode directory (loaded before assets);
        # without one, an empty lookup lets the rest of the file be checked.
        stored = queries.postcodes(store) if store is not None else pd.DataFrame()
        lookup = (
            stored if len(stored) else pd.DataFrame(columns=["postcode", "latitude", "longitude"])
        )
        try:
            notes = read_assets(entry.path, lookup, default_type="asset").messages
        except FairerError as exc:
            if len(stored) or "no asset has a usable location" not in str(exc):
                raise
            return [
                f"{entry.path.name}: the assets are given by postcode; add an ONS postcode "
                "directory (ONSPD or NSPL) to the place's data to place them"
            ]
        return (
            notes if len(stored) else [n for n in notes if "postcodes not in the lookup" not in n]
        )
    if entry.kind == "spend":
        read_current_spend(entry.path)
    elif entry.kind == "actions":
        read_action_plan(entry.path)
    elif entry.kind == "assessment":
        read_assessment(entry.path)
    elif entry.kind == "learning":
        return list(read_learning_log(entry.path)[1])
    elif entry.kind == "deaths":
        from fairer.sources.deaths import read_deaths

        read_deaths(entry.path)  # record-level: read where used, never copied into the store
    elif entry.kind == "mortality_comparator":
        from fairer.sources.deaths import read_mortality_counts

        read_mortality_counts(entry.path)
    elif entry.kind == "general_health":
        from fairer.sources.general_health import read_general_health

        read_general_health(entry.path)
    elif entry.kind == "evaluation":
        from fairer.evaluate.areas import AreaEvaluationSpec
        from fairer.evaluate.files import read_any_evaluation
        from fairer.evaluate.programme import run_evaluation

        spec = read_any_evaluation(entry.path)  # an area evaluation runs once the data are in
        return [] if isinstance(spec, AreaEvaluationSpec) else run_evaluation(spec).result.notes
    return []


_LOADERS = {
    "iod": _load_iod,
    "iod_summary": _load_iod_summary,
    "lookup": _load_lookup,
    "bridge": _load_bridge,
    "population": _load_population,
    "boundaries": _load_boundaries,
    "indicators": _load_indicators,
    "cni": _load_cni,
    "postcodes": _load_postcodes,
    "assets": _load_reference,
    "spend": _load_reference,
    "actions": _load_reference,
    "assessment": _load_reference,
    "learning": _load_reference,
    "evaluation": _load_reference,
    "deaths": _load_reference,
    "mortality_comparator": _load_reference,
    "general_health": _load_reference,
}
