"""Targeting jobs for a place: need, priority neighbourhoods, assets and allocation.

Each job takes the place context and returns a result; none writes a file or renders. Their
defaults come from the place's typed ``[targeting]`` settings
(:class:`fairer.place.TargetingSettings`), so a default lives in one place.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from fairer.errors import FairerError, raise_first
from fairer.place import TargetingSettings
from fairer.profile.deprivation import place_mask
from fairer.store import queries
from fairer.tabular import read_table
from fairer.targeting.allocate import allocate
from fairer.targeting.assets import access, area_points, high_need_low_access, read_assets
from fairer.targeting.need import NeedSpec, need_index, need_sensitivity
from fairer.targeting.neighbourhoods import priority_neighbourhoods
from fairer.targeting.spend import read_current_spend

if TYPE_CHECKING:
    from fairer.context import PlaceContext

DEFAULT_NEED = TargetingSettings.need


def parse_need(text: str) -> list[NeedSpec]:
    """Read a need definition: indicators and weights (a leading minus: lower = more need).

    Parameters
    ----------
    text : str
        ``"imd_score:2,income_score:1,-access_score:1"``.

    Returns
    -------
    list of NeedSpec

    Examples
    --------
    >>> [(s.column, s.weight, s.higher_is_more_need) for s in parse_need("imd_score:2,-access:1")]
    [('imd_score', 2.0, True), ('access', 1.0, False)]
    """
    specs = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        name, _, weight = part.partition(":")
        higher = not name.startswith("-")
        try:
            specs.append(NeedSpec(name.lstrip("-"), float(weight or 1), higher))
        except ValueError:
            raise FairerError(f"need weight '{weight}' for {name} is not a number") from None
    return specs


@dataclass
class TargetingData:
    """The place's LSOAs with population, IoD measures, need and polygons."""

    lsoas: gpd.GeoDataFrame
    specs: list[NeedSpec]
    need: str = DEFAULT_NEED
    messages: list[str] = field(default_factory=list)


def targeting_data(ctx: PlaceContext, need: str | None = None) -> TargetingData:
    """Build the need index for the place's LSOAs (lead IoD edition).

    Parameters
    ----------
    ctx : PlaceContext
    need : str, optional
        Need indicators and weights; default: the place's ``[targeting] need``.

    Returns
    -------
    TargetingData

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> with open_place(example_place()) as ctx:
    ...     td = targeting_data(ctx)
    >>> len(td.lsoas), td.need
    (120, 'imd_score:1')
    """
    need = need or ctx.place.targeting.need
    data = ctx.lead_national()
    geom = queries.geometry(ctx.store, "lsoa", data.lsoa_year)
    lsoas = data.lsoas
    local = lsoas[place_mask(lsoas, ctx.place.la_codes)].rename(columns={"lsoa_code": "area_code"})
    if geom.empty:
        raise FairerError("no LSOA boundaries for this place: add a boundary file to place.toml")
    gdf = geom.merge(local, on="area_code")
    cni = queries.indicator_columns(ctx.store, "cni_", gdf["area_code"].tolist())
    if len(cni):  # the Community Needs Index, where loaded, can join the IMD in the need index
        gdf = gdf.merge(cni.reset_index(), on="area_code", how="left")
    specs = parse_need(need)
    unknown = [s.column for s in specs if s.column not in gdf]
    if unknown:
        usable = sorted(c for c in gdf.columns if c.endswith("_score") or c.startswith("cni_"))
        raise FairerError(
            f"need indicator '{unknown[0]}' is not loaded for this place; choose from "
            f"{', '.join(usable)}"
        )
    ni = need_index(gdf, specs, method="exponential")
    gdf = gdf.merge(ni, on="area_code")
    return TargetingData(gdf, specs, need)


@dataclass
class Priorities:
    """Priority neighbourhoods with reasons and robustness, and need for every LSOA.

    ``settings`` are the ones the run used (runs, bounds, pins, need), for the report to state.
    """

    picks: pd.DataFrame
    need_table: pd.DataFrame
    lsoas: gpd.GeoDataFrame
    settings: TargetingSettings

    def summary_lines(self) -> list[str]:
        """One line per neighbourhood: size, need, robustness and what drives it."""
        return [
            f"{p.rank}. {p.n_areas} LSOAs, {p.population:,.0f} residents, need {p.need:.1f}, in the "
            f"top areas in {p.p_in_top_areas:.0%} of {self.settings.runs:,} runs; driven by {p.drivers}"
            for p in self.picks.itertuples()
        ]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables ``fairer priorities`` writes, by file name."""
        return {
            "priority_neighbourhoods": self.picks.assign(
                area_codes=self.picks["area_codes"].map(" ".join)
            ),
            "need_index": self.need_table.sort_values("need_rank"),
        }


def priorities(
    ctx: PlaceContext,
    settings: TargetingSettings | None = None,
    communities: str | Path | None = None,
    td: TargetingData | None = None,
) -> Priorities:
    """Pick priority neighbourhoods with reasons and robustness.

    Parameters
    ----------
    ctx : PlaceContext
    settings : TargetingSettings, optional
        Count, population bounds, runs, pins and need; default: the place's.
    communities : path-like, optional
        A CSV of ``area_code, community``: the analyst's own natural communities.
    td : TargetingData, optional
        Need already built by :func:`targeting_data` (the report runs several jobs).

    Returns
    -------
    Priorities

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> with open_place(example_place()) as ctx:
    ...     found = priorities(ctx)
    >>> len(found.picks), found.settings.runs
    (3, 1000)
    """
    cfg = settings or ctx.place.targeting
    td = td or targeting_data(ctx, cfg.need)
    comm = read_table(communities) if communities else None
    if comm is not None and not {"area_code", "community"} <= set(comm.columns):
        raise FairerError(
            "a communities file needs columns area_code and community", path=communities
        )
    picks = priority_neighbourhoods(
        td.lsoas,
        cfg.count,
        cfg.min_population,
        cfg.max_population,
        cfg.pinned or None,
        cfg.excluded or None,
        comm,
    )
    top_n = int(sum(len(c) for c in picks["area_codes"]))
    sens = need_sensitivity(td.lsoas, td.specs, top_n=top_n, runs=cfg.runs, data_error=0.05, seed=1)
    table = td.lsoas.drop(columns="geometry").merge(sens, on="area_code")
    contributions = [c for c in table.columns if c.startswith("contribution_")]
    reasons, robust = [], []
    for codes in picks["area_codes"]:
        part = table[table["area_code"].isin(codes)]
        drivers = part[contributions].mean().sort_values(ascending=False)
        reasons.append(
            ", ".join(
                f"{c.removeprefix('contribution_')} {v:.0f}" for c, v in drivers.head(3).items()
            )
        )
        robust.append(float(part["p_top_n"].mean()))
    picks["drivers"] = reasons
    picks["p_in_top_areas"] = robust
    picks["names"] = [
        ", ".join(sorted(table.loc[table["area_code"].isin(c), "lsoa_name"].astype(str)))
        for c in picks["area_codes"]
    ]
    picks["wards"] = [_ward_names(table[table["area_code"].isin(c)]) for c in picks["area_codes"]]
    return Priorities(picks, table, td.lsoas, cfg)


def _ward_names(part: pd.DataFrame) -> str:
    """A neighbourhood named by its wards, most of its residents first: "Newtown, Parkfield"."""
    if "ward_name" not in part or part["ward_name"].isna().all():
        return ""
    by_ward = part.groupby(part["ward_name"].astype(str))["population"].sum()
    return ", ".join(by_ward.sort_values(ascending=False, kind="stable").index)


@dataclass
class AssetAccess:
    """Access to each asset type from each LSOA, with need, and the assets placed."""

    table: pd.DataFrame
    assets: pd.DataFrame
    summary: pd.DataFrame
    lsoas: gpd.GeoDataFrame
    messages: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """One line per asset type: how many, and how many high-need LSOAs are far from one."""
        return [
            f"{r.asset_type}: {r.assets} assets; {r.high_need_lsoas_far} high-need LSOAs are far from one"
            for r in self.summary.itertuples()
        ]


def assets_against_need(
    ctx: PlaceContext,
    asset_files,
    need: str | None = None,
    walk: float | None = None,
    postcodes=None,
    default_type=None,
    td: TargetingData | None = None,
) -> AssetAccess:
    """Access to each asset type from each LSOA, with need.

    Parameters
    ----------
    ctx : PlaceContext
    asset_files : list of path-like
        Asset registers (CSV/XLSX with coordinates or postcodes, GeoJSON, GeoPackage).
    need : str, optional
        Default: the place's.
    walk : float, optional
        Walking distance in metres; default: the place's (800).
    postcodes : path-like, optional
        A postcode lookup (postcode, latitude, longitude).
    default_type : str, optional
        The type of every asset when the file has none.

    Returns
    -------
    AssetAccess

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> place = example_place()
    >>> with open_place(place) as ctx:
    ...     acc = assets_against_need(ctx, sorted((place.parent / "data").glob("community_assets_*.csv")))
    >>> len(acc.table)
    120
    """
    walk = walk if walk is not None else ctx.place.targeting.walk
    td = td or targeting_data(ctx, need)
    pc = _postcode_lookup(ctx, postcodes)
    frames, messages = [], []
    for f in asset_files:
        a = read_assets(f, pc, default_type)
        frames.append(a.table)
        messages += a.messages
    assets = pd.concat(frames, ignore_index=True)
    bounds = td.lsoas.to_crs(27700).geometry.union_all().buffer(10_000)
    inside = gpd.GeoSeries(
        gpd.points_from_xy(assets["easting"], assets["northing"]), crs=27700
    ).within(bounds)
    if (~inside).any():
        messages.append(
            f"{int((~inside).sum())} assets lie more than 10 km outside the place and were set aside "
            f"(e.g. {assets.loc[~inside, 'name'].iloc[0]})"
        )
        assets = assets[inside.to_numpy()]
    if assets.empty:
        raise FairerError("no asset lies in or near the place")
    acc = access(area_points(td.lsoas), assets, walk)
    table = td.lsoas.drop(columns="geometry")[
        ["area_code", "lsoa_name", "population", "need", "need_rank"]
    ].merge(acc, on="area_code")
    rows = []
    for t in sorted(assets["asset_type"].unique()):
        gap = high_need_low_access(table, t)
        rows.append(
            {
                "asset_type": t,
                "assets": int((assets["asset_type"] == t).sum()),
                "median_distance_m": float(table[f"distance_{t.replace(' ', '_')}"].median()),
                "high_need_lsoas_far": len(gap),
            }
        )
    return AssetAccess(table, assets, pd.DataFrame(rows), td.lsoas, messages)


def _postcode_lookup(ctx: PlaceContext, postcodes) -> pd.DataFrame | None:
    """Postcodes to place assets by: a file given, else the place's postcode directory."""
    from fairer.sources.postcodes import read_postcode_lookup

    if postcodes:
        return read_postcode_lookup(postcodes)
    stored = queries.postcodes(ctx.store)
    return stored if len(stored) else None


def locate_postcodes(place_dir: str | Path, postcodes: list[str]) -> pd.DataFrame:
    """Where postcodes are, from the place's postcode directory (for placing a new asset).

    Parameters
    ----------
    place_dir : path-like
    postcodes : list of str
        As typed ("ts18 1ab"): normalised before matching.

    Returns
    -------
    DataFrame
        ``postcode, latitude, longitude`` for those found (empty when the place has no postcode
        directory, or none matched).

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> len(locate_postcodes(example_place(), ['ZZ99 9ZZ']))
    0
    """
    from fairer.context import open_place
    from fairer.sources.postcodes import normalise_postcode

    wanted = set(normalise_postcode(pd.Series(postcodes, dtype=str)))
    with open_place(place_dir, load=False, read_only=True) as ctx:
        known = queries.postcodes(ctx.store)
    known = known.assign(postcode=normalise_postcode(known["postcode"]))
    return known[known["postcode"].isin(wanted)][["postcode", "latitude", "longitude"]].reset_index(
        drop=True
    )


@dataclass
class Allocation:
    """A budget split by proportionate universalism, and what it was split by."""

    table: pd.DataFrame
    level: str
    budget: float
    universal_share: float
    gradient: float
    by_decile: pd.DataFrame | None = None

    def summary_line(self) -> str:
        """The total and the range of allocation per head."""
        t = self.table
        return (
            f"£{t['allocation'].sum():,.2f} across {len(t)} {self.level}s; per head from "
            f"£{t['allocation_per_head'].min():,.2f} to £{t['allocation_per_head'].max():,.2f}"
        )


def allocate_place(
    ctx: PlaceContext,
    budget: float | None = None,
    level: str = "lsoa",
    need: str | None = None,
    universal_share: float | None = None,
    gradient: float | None = None,
    floor=None,
    cap=None,
    current=None,
    pace=None,
    td: TargetingData | None = None,
) -> Allocation:
    """Allocate a budget across the place's LSOAs or wards.

    Parameters
    ----------
    ctx : PlaceContext
    budget : float, optional
        Pounds; default: the place's ``[targeting] budget``.
    level : {'lsoa', 'ward'}
    universal_share, gradient : float, optional
        Default: the place's.
    floor, cap, pace : float, optional
        Bounds per area, and the largest change from current spend.
    current : path-like, optional
        A CSV of ``area_code, current`` (current spend).

    Returns
    -------
    Allocation
        With spend per head by national IMD decile when the level is LSOA.

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> with open_place(example_place()) as ctx:
    ...     alloc = allocate_place(ctx)  # the place's budget: £600,000
    >>> round(float(alloc.table["allocation"].sum()), 2), alloc.by_decile is not None
    (600000.0, True)
    """
    cfg = ctx.place.targeting
    budget = budget if budget is not None else cfg.budget
    if budget is None:
        raise FairerError("give a budget (--budget, or budget in [targeting] of place.toml)")
    if not np.isfinite(budget) or budget <= 0:
        raise FairerError(f"the budget must be more than zero and finite, not £{budget}")
    universal_share = cfg.universal_share if universal_share is None else universal_share
    gradient = cfg.gradient if gradient is None else gradient
    td = td or targeting_data(ctx, need)
    t = td.lsoas.drop(columns="geometry")
    if level == "ward":
        if "ward_code" not in t or t["ward_code"].isna().all():
            raise FairerError("no ward lookup for this place: allocate by lsoa, or add a lookup")
        t = t.assign(wn=t["need"] * t["population"])
        g = t.groupby(["ward_code", "ward_name"], as_index=False)[["population", "wn"]].sum()
        t = g.assign(need=g["wn"] / g["population"]).rename(
            columns={"ward_code": "area_code", "ward_name": "area_name"}
        )
    elif level == "lsoa":
        t = t.rename(columns={"lsoa_name": "area_name"})
    else:
        raise FairerError(f"unknown level '{level}': choose lsoa or ward")
    cur_col = None
    if current:
        spend = read_current_spend(current)
        _check_spend(spend, current, set(t["area_code"]))
        t = t.merge(spend[["area_code", "current"]], on="area_code", how="left")
        cur_col = "current"
    out = allocate(
        t,
        budget,
        universal_share=universal_share,
        gradient=gradient,
        floor=floor,
        cap=cap,
        current=cur_col,
        pace=pace,
    )
    by_decile = None
    if level == "lsoa":
        out = out.merge(td.lsoas[["area_code", "imd_decile"]], on="area_code", how="left")
        by_decile = spend_by_decile(out, td.lsoas)
    return Allocation(out, level, float(budget), universal_share, gradient, by_decile)


def _check_spend(spend: pd.DataFrame, path, areas: set[str]) -> None:
    """Current spend must be for areas of the place (the amounts are checked when read)."""
    unknown = ~spend["area_code"].isin(areas)
    raise_first(
        unknown,
        lambda i: (
            f"'{spend['area_code'].iloc[i]}' is not an area of this place at this level "
            f"({int(unknown.sum())} such rows)"
        ),
        path=path,
        first_row=int(spend.attrs.get("header_row", 1)) + 1,
        column="area_code",
    )


def spend_by_decile(alloc: pd.DataFrame, lsoas: pd.DataFrame) -> pd.DataFrame:
    """Allocation per head by national IMD decile (the funding-transparency view).

    Parameters
    ----------
    alloc : DataFrame
        An LSOA allocation (``area_code, allocation, population``).
    lsoas : DataFrame
        ``area_code, imd_decile``.

    Returns
    -------
    DataFrame
        ``decile, allocation, population, per_head``.

    Examples
    --------
    >>> a = pd.DataFrame({"area_code": ["A", "B"], "allocation": [300.0, 100.0], "population": [10, 10]})
    >>> spend_by_decile(a, pd.DataFrame({"area_code": ["A", "B"], "imd_decile": [1, 10]}))["per_head"].tolist()
    [30.0, 10.0]
    """
    t = alloc.merge(
        lsoas[["area_code", "imd_decile"]].drop_duplicates(),
        on="area_code",
        how="left",
        suffixes=("", "_l"),
    )
    dec = t["imd_decile"] if "imd_decile" in t else t["imd_decile_l"]
    g = t.assign(decile=dec).groupby("decile", as_index=False)[["allocation", "population"]].sum()
    g["per_head"] = g["allocation"] / g["population"]
    return g.assign(decile=g["decile"].astype(int))


#: The targeting commands whose last run each place keeps (:func:`save_run`).
JOBS = ("priorities", "assets", "allocation_ward", "allocation_lsoa")


def save_run(ctx: PlaceContext, result: Priorities | AssetAccess | Allocation, **settings) -> str:
    """Keep a command's result and the settings it used in the place's store, for the reports.

    The report then shows what the analyst ran (its runs, pins, need definition and budget),
    not a re-run with other settings. Each command's new run replaces its last one.

    Parameters
    ----------
    ctx : PlaceContext
    result : Priorities, AssetAccess or Allocation
        The unprotected result (the reports protect what they publish).
    **settings
        Settings not held by the result itself (asset files, current-spend file, bounds).

    Returns
    -------
    str
        The job's name: ``priorities``, ``assets``, ``allocation_ward`` or ``allocation_lsoa``.

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> with open_place(example_place(copy=True)) as ctx:
    ...     job = save_run(ctx, allocate_place(ctx, 250_000, level="ward"))
    ...     stored = stored_result(ctx, job)
    >>> job, stored.result.budget, stored.fresh
    ('allocation_ward', 250000.0, True)
    """
    if isinstance(result, Priorities):
        job, tables = "priorities", {
            "picks": result.picks, "need_table": result.need_table, "lsoas": result.lsoas,
        }  # fmt: skip
        settings = {**asdict(result.settings), **settings}
    elif isinstance(result, AssetAccess):
        job = "assets"
        tables = {"table": result.table, "assets": result.assets, "summary": result.summary,
                  "lsoas": result.lsoas}  # fmt: skip
        settings = {**settings, "messages": result.messages}
    else:
        job = f"allocation_{result.level}"
        tables = {"table": result.table}
        if result.by_decile is not None:
            tables["by_decile"] = result.by_decile
        settings = {**settings, "level": result.level, "budget": result.budget,
                    "universal_share": result.universal_share, "gradient": result.gradient}  # fmt: skip
    queries.save_job_run(ctx.store, job, _plain(settings), tables)
    return job


def _plain(settings: dict) -> dict:
    """Settings as JSON can hold them (paths as text)."""
    out = {}
    for k, v in settings.items():
        if isinstance(v, Path):
            v = str(v)
        elif isinstance(v, list | tuple):
            v = [str(x) if isinstance(x, Path) else x for x in v]
        out[k] = v
    return out


@dataclass
class StoredResult:
    """A command's stored run: its result rebuilt, its settings, and whether the data moved on."""

    job: str
    result: Priorities | AssetAccess | Allocation
    settings: dict
    ran_at: datetime
    fresh: bool


def stored_result(ctx: PlaceContext, job: str) -> StoredResult | None:
    """The last run of a targeting command in this place, rebuilt (None if never run).

    Parameters
    ----------
    ctx : PlaceContext
    job : str
        One of :data:`JOBS`.

    Returns
    -------
    StoredResult or None
        ``fresh`` is False when a source file changed after the run.

    Examples
    --------
    See :func:`save_run`.
    """
    run = queries.job_run(ctx.store, job)
    if run is None:
        return None
    s, t = run.settings, run.tables
    if job == "priorities":
        fields = {f.name for f in dataclasses.fields(TargetingSettings)}
        cfg = TargetingSettings(**{k: v for k, v in s.items() if k in fields})
        picks = t["picks"].assign(area_codes=t["picks"]["area_codes"].map(list))
        result: Priorities | AssetAccess | Allocation = Priorities(
            picks, t["need_table"], t["lsoas"], cfg
        )
    elif job == "assets":
        result = AssetAccess(t["table"], t["assets"], t["summary"], t["lsoas"], list(s["messages"]))
    else:
        result = Allocation(t["table"], s["level"], s["budget"], s["universal_share"],
                            s["gradient"], t.get("by_decile"))  # fmt: skip
    fresh = run.data_version == queries.data_version(ctx.store)
    return StoredResult(job, result, s, run.ran_at, fresh)


def _rerun(ctx: PlaceContext, stored: StoredResult):
    """Run a stored command again on changed data, with exactly the settings it used."""
    s = stored.settings
    if stored.job == "priorities":
        return priorities(ctx, stored.result.settings, s.get("communities"))
    if stored.job == "assets":
        return assets_against_need(ctx, s["files"], s.get("need"), s.get("walk"),
                                   s.get("postcodes"), s.get("default_type"))  # fmt: skip
    options = {k: s.get(k) for k in ("need", "universal_share", "gradient", "floor", "cap",
                                      "current", "pace")}  # fmt: skip
    return allocate_place(ctx, s["budget"], s["level"], **options)


@dataclass
class TargetingResults:
    """Everything the reports' "where and for whom" section shows, and where each part came from.

    ``provenance`` says, per job, whether it is the analyst's stored run (when, which settings)
    or was computed from ``place.toml``.
    """

    priorities: Priorities
    assets: AssetAccess | None = None
    allocation_ward: Allocation | None = None
    allocation_lsoa: Allocation | None = None
    spend_file: Path | None = None
    provenance: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


COMMANDS = {
    "priorities": "fairer priorities",
    "assets": "fairer assets",
    "allocation_ward": "fairer allocate --level ward",
    "allocation_lsoa": "fairer allocate --level lsoa",
}


def targeting_results(ctx: PlaceContext) -> TargetingResults | None:
    """The place's targeting results: the analyst's last runs, else ``[targeting]`` settings.

    A command run from the CLI (:func:`save_run`) is shown as it ran. When a source file has
    changed since, it is run again with the settings it used, and the report says so. Jobs
    never run are computed from ``place.toml``, sharing one need index.

    Parameters
    ----------
    ctx : PlaceContext

    Returns
    -------
    TargetingResults or None
        None when the place has no ``[targeting]`` settings, asset files or stored runs.

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> with open_place(example_place()) as ctx:
    ...     res = targeting_results(ctx)
    >>> res.allocation_ward.level, res.assets is not None
    ('ward', True)
    """
    cfg = ctx.place.targeting
    asset_files = [s.path for s in ctx.place.sources_of("assets")]
    spend_files = [s.path for s in ctx.place.sources_of("spend")]
    stored = {job: r for job in JOBS if (r := stored_result(ctx, job)) is not None}
    if not cfg.enabled and not asset_files and not stored:
        return None
    shared: list[TargetingData] = []

    def need_data() -> TargetingData:  # built once, only when some job is computed here
        if not shared:
            shared.append(targeting_data(ctx, cfg.need))
        return shared[0]

    found, provenance, messages = {}, {}, []
    for job, run in stored.items():
        when = f"{run.ran_at:%d %B %Y at %H:%M}".lstrip("0")
        if run.fresh:
            found[job] = run.result
            provenance[job] = f"As run with `{COMMANDS[job]}` on {when}."
            continue
        try:
            found[job] = _rerun(ctx, run)
        except FairerError as exc:
            messages.append(f"`{COMMANDS[job]}` (run {when}) could not be run again: {exc}")
            continue
        provenance[job] = (
            f"The data changed after `{COMMANDS[job]}` ran on {when}; run again here with the "
            "same settings."
        )
    if "priorities" not in found:
        found["priorities"] = priorities(ctx, cfg, td=need_data())
        provenance["priorities"] = "From the [targeting] settings in place.toml."
    if "assets" not in found and asset_files:
        try:
            found["assets"] = assets_against_need(ctx, asset_files, td=need_data())
            provenance["assets"] = "From the asset files listed in place.toml."
        except FairerError as exc:  # e.g. registers by postcode and no postcode directory yet
            messages.append(f"assets against need left out: {exc}")
    place_spend = spend_files[0] if spend_files else None
    spend_file = None  # the current-spend file the ward allocation actually used
    ran = [j for j in ("allocation_ward", "allocation_lsoa") if j in found]
    for job in ("allocation_ward", "allocation_lsoa"):
        if job in found:
            continue
        level = job.removeprefix("allocation_")
        if ran:  # the analyst's allocation settings, at the other level, so the two agree
            s = stored[ran[0]].settings
            found[job] = allocate_place(ctx, s["budget"], level, s.get("need"), s["universal_share"],
                                        s["gradient"], s.get("floor"), s.get("cap"))  # fmt: skip
            provenance[job] = f"With the settings of `{COMMANDS[ran[0]]}`."
        elif cfg.budget is not None:
            current = place_spend if level == "ward" else None
            spend_file = current or spend_file
            found[job] = allocate_place(ctx, level=level, current=current, td=need_data())
            provenance[job] = "From the budget in place.toml."
    ward = found.get("allocation_ward")
    if ward is not None and "allocation_ward" in stored:
        current = stored["allocation_ward"].settings.get("current")
        spend_file = Path(current) if current else None
    return TargetingResults(
        found["priorities"], found.get("assets"), ward, found.get("allocation_lsoa"),
        spend_file, provenance, messages,
    )  # fmt: skip


__all__ = [
    "JOBS",
    "StoredResult",
    "TargetingResults",
    "allocate_place",
    "assets_against_need",
    "parse_need",
    "priorities",
    "save_run",
    "spend_by_decile",
    "stored_result",
    "targeting_data",
    "targeting_results",
]
