"""Targeting jobs for a place: need, priority neighbourhoods, assets and allocation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from fairer.errors import FairerError
from fairer.load import load_place_sources
from fairer.place import Place, load_place
from fairer.profile import national_data
from fairer.profile.deprivation import lead_edition, place_mask
from fairer.report.deprivation import geometry_from_store
from fairer.store import open_store
from fairer.tabular import read_table, write_table
from fairer.targeting.allocate import allocate
from fairer.targeting.assets import access, area_points, read_assets
from fairer.targeting.need import NeedSpec, need_index, need_sensitivity
from fairer.targeting.neighbourhoods import priority_neighbourhoods

DEFAULT_NEED = "imd_score:1"


def parse_need(text: str) -> list[NeedSpec]:
    """``"imd_score:2,income_score:1,-access_score:1"`` → specs (a leading minus: lower = more need)."""
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

    place: Place
    lsoas: gpd.GeoDataFrame
    specs: list[NeedSpec]
    messages: list[str] = field(default_factory=list)


def targeting_data(place_dir: str | Path, need: str = DEFAULT_NEED) -> TargetingData:
    """Load the place and build the need index for its LSOAs (lead IoD edition)."""
    place = load_place(place_dir)
    load_place_sources(place)
    store = open_store(place.store_path)
    try:
        ed = lead_edition(store, place.geography_year)
        if ed is None:
            raise FairerError(
                "no IoD data in the place's sources", path=place.folder / "place.toml"
            )
        data = national_data(store, ed)
        geom = geometry_from_store(store, "lsoa", data.lsoa_year)
    finally:
        store.close()
    lsoas = data.lsoas
    local = lsoas[place_mask(lsoas, place.la_codes)].rename(columns={"lsoa_code": "area_code"})
    if geom.empty:
        raise FairerError("no LSOA boundaries for this place: add a boundary file to place.toml")
    gdf = geom.merge(local, on="area_code")
    specs = parse_need(need)
    ni = need_index(gdf, specs, method="exponential")
    gdf = gdf.merge(ni, on="area_code")
    return TargetingData(place, gdf, specs)


def priorities(
    place_dir,
    count=3,
    min_population=5000,
    max_population=15000,
    need=DEFAULT_NEED,
    runs=1000,
    pinned=None,
    excluded=None,
    communities=None,
    td: TargetingData | None = None,
):
    """Pick priority neighbourhoods with reasons and robustness; write them to the output folder.

    ``td`` reuses data already built by :func:`targeting_data` (the report runs several jobs).
    Returns (picks table, per-LSOA table, TargetingData).
    """
    td = td or targeting_data(place_dir, need)
    comm = read_table(communities) if communities else None
    if comm is not None and not {"area_code", "community"} <= set(comm.columns):
        raise FairerError(
            "a communities file needs columns area_code and community", path=communities
        )
    picks = priority_neighbourhoods(
        td.lsoas, count, min_population, max_population, pinned, excluded, comm
    )
    top_n = int(sum(len(c) for c in picks["area_codes"]))
    sens = need_sensitivity(td.lsoas, td.specs, top_n=top_n, runs=runs, data_error=0.05, seed=1)
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
    out = td.place.output_dir
    write_table(
        picks.assign(area_codes=picks["area_codes"].map(" ".join)),
        out / "priority_neighbourhoods.csv",
    )
    write_table(table.sort_values("need_rank"), out / "need_index.csv")
    return picks, table, td


def assets_against_need(
    place_dir,
    asset_files,
    need=DEFAULT_NEED,
    walk=800.0,
    postcodes=None,
    default_type=None,
    td=None,
):
    """Access to each asset type from each LSOA, with need; write ``assets_access.csv``."""
    td = td or targeting_data(place_dir, need)
    pc = read_table(postcodes) if postcodes else None
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
    write_table(table, td.place.output_dir / "assets_access.csv")
    return table, assets, messages, td


def allocate_place(
    place_dir,
    budget,
    level="lsoa",
    need=DEFAULT_NEED,
    universal_share=0.5,
    gradient=3.0,
    floor=None,
    cap=None,
    current=None,
    pace=None,
    td=None,
):
    """Allocate a budget across the place's LSOAs or wards; write ``allocation_<level>.csv``."""
    td = td or targeting_data(place_dir, need)
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
        spend = read_table(current)
        if not {"area_code", "current"} <= set(spend.columns):
            raise FairerError(
                "a current-spend file needs columns area_code and current", path=current
            )
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
    if level == "lsoa":
        out = out.merge(td.lsoas[["area_code", "imd_decile"]], on="area_code", how="left")
    write_table(out, td.place.output_dir / f"allocation_{level}.csv")
    return out, td


def spend_by_decile(alloc: pd.DataFrame, lsoas: pd.DataFrame) -> pd.DataFrame:
    """Allocation per head by national IMD decile (the funding-transparency view)."""
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


__all__ = [
    "allocate_place",
    "assets_against_need",
    "parse_need",
    "priorities",
    "spend_by_decile",
]
