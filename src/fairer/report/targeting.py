"""The report's "where and for whom" section: priority areas, assets against need, allocation."""

from __future__ import annotations

import re
from html import escape

import numpy as np
import pandas as pd

from fairer.report import charts
from fairer.report.build import Section, figure, table_html
from fairer.targeting.place import TargetingResults
from fairer.wording import percent

MARKERS = {
    "library": "s",
    "gp": "P",
    "park": "^",
    "community centre": "o",
    "leisure centre": "D",
    "food bank": "X",
}


def targeting_section(res: TargetingResults | None) -> Section | None:
    """The "where and for whom" section from the targeting results (None: nothing to show)."""
    if res is None:
        return None
    parts = []
    pr = res.priorities
    picks, lsoas, cfg = pr.picks, pr.lsoas, pr.settings
    parts.append(
        "<p>Priority neighbourhoods are grown from the neediest LSOAs into contiguous groups of "
        f"{cfg.min_population:,.0f}–{cfg.max_population:,.0f} residents and "
        f"ranked by population-weighted need ({escape(need_words(cfg.need))}). Robustness: the share of {cfg.runs:,} "
        "sensitivity runs (weights and data varied) in which their LSOAs stay among the neediest."
        f"{_pins(cfg)} {_source(res, 'priorities')}</p>"
    )
    cols = ["rank", "wards", "n_areas", "population", "need", "p_in_top_areas", "drivers", "names"]
    show = picks.reindex(columns=cols).assign(drivers=picks["drivers"].map(_driver_words))
    if show["wards"].fillna("").eq("").all():
        show = show.drop(columns="wards")
    show = show.rename(
        columns={
            "rank": "Rank",
            "wards": "Neighbourhood (wards)",
            "n_areas": "LSOAs",
            "population": "Residents",
            "need": "Need score",
            "p_in_top_areas": "Robustness",
            "drivers": "What drives it",
            "names": "LSOAs in it",
        }
    )
    parts.append(
        table_html(
            show,
            "Priority neighbourhoods",
            {"Robustness": lambda v: percent(v, 0), "Residents": "{:,.0f}".format},
        )
    )
    parts.append(
        figure(
            _priority_map(lsoas, picks),
            "Need score by LSOA (darker = more need) with the priority neighbourhoods outlined.",
            f"Map of need with {len(picks)} priority neighbourhoods outlined and numbered.",
        )
    )
    if res.assets is not None:
        summary = res.assets.summary.rename(
            columns={
                "asset_type": "Asset",
                "assets": "Assets",
                "median_distance_m": "Median distance (m)",
                "high_need_lsoas_far": "High-need LSOAs far from one",
            }
        )
        parts.append("<h3>Assets against need</h3>")
        if "assets" in res.provenance:
            parts.append(f"<p>{_source(res, 'assets')}</p>")
        parts.append(table_html(summary, "Access from each LSOA to the nearest asset of each type"))
        parts.append(
            figure(
                _asset_map(lsoas, res.assets.assets),
                "Community assets over need.",
                "Map of need with community assets marked by type.",
            )
        )
    alloc = res.allocation_ward or res.allocation_lsoa
    if alloc is not None:
        job = f"allocation_{alloc.level}"
        current = res.spend_file is not None and alloc is res.allocation_ward
        area = "Ward" if alloc.level == "ward" else "LSOA"
        parts.append("<h3>Allocation by proportionate universalism</h3>")
        parts.append(
            f"<p>£{alloc.budget:,.0f}: {percent(alloc.universal_share, 0)} shared equally per head, "
            f"the rest weighted by need from 1 (least) to {alloc.gradient:g} (most). "
            f"Allocations add up to the budget to the penny. {_source(res, job)}</p>"
        )
        cols = ["area_name", "population", "need", "allocation", "allocation_per_head"] + (
            ["current", "change"] if current else []
        )
        parts.append(
            table_html(
                alloc.table[cols]
                .sort_values("need", ascending=False)
                .rename(
                    columns={
                        "area_name": area,
                        "population": "Residents",
                        "need": "Need",
                        "allocation": "Allocation (£)",
                        "allocation_per_head": "Per head (£)",
                        "current": "Current (£)",
                        "change": "Change (£)",
                    }
                ),
                f"Allocation by {area if area == 'LSOA' else 'ward'}",
                {
                    "Residents": "{:,.0f}".format,
                    "Need": "{:.1f}".format,
                    "Allocation (£)": "{:,.2f}".format,
                    "Per head (£)": "{:,.2f}".format,
                    "Current (£)": "{:,.2f}".format,
                    "Change (£)": "{:+,.2f}".format,
                },
            )
        )
        by_dec = res.allocation_lsoa.by_decile if res.allocation_lsoa is not None else None
        if by_dec is not None and len(by_dec):
            parts.append(
                figure(
                    _gradient_chart(by_dec),
                    "Allocation per head by national IMD decile (1 = most deprived).",
                    f"Bar chart: £{by_dec['per_head'].iloc[0]:.2f} per head in the most deprived decile present "
                    f"against £{by_dec['per_head'].iloc[-1]:.2f} in the least.",
                )
            )
    return Section("where-and-for-whom", "Where and for whom", "\n".join(parts))


_NEED_LABELS = {
    "imd_score": "IMD score",
    "cni_score": "Community Needs Index score",
    "cni_civic_assets": "CNI civic assets",
    "cni_connectedness": "CNI connectedness",
    "cni_engaged_community": "CNI engaged community",
    "cni_left_behind": "left-behind area (CNI)",
    "living_environment_score": "living environment domain score",
    "barriers_score": "barriers to housing and services domain score",
}


def need_words(need: str) -> str:
    """A need definition in words: ``"imd_score:2,cni_score:1"`` → "IMD score (weight 2) and …".

    Examples
    --------
    >>> need_words("imd_score:1,cni_score:1")
    'IMD score and Community Needs Index score, equally weighted'
    >>> need_words("imd_score:2,-access_score:1")
    'IMD score (weight 2) and access domain score (lower is more need; weight 1)'
    """
    parts = []
    specs = [p.strip() for p in need.split(",") if p.strip()]
    weights = {p.partition(":")[2] or "1" for p in specs}
    for p in specs:
        name, _, weight = p.partition(":")
        label = need_label(name.lstrip("-"))
        notes = (["lower is more need"] if name.startswith("-") else []) + (
            [f"weight {float(weight or 1):g}"] if len(weights) > 1 else []
        )
        parts.append(f"{label} ({'; '.join(notes)})" if notes else label)
    text = " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 2 else parts)
    return text + (", equally weighted" if len(specs) > 1 and len(weights) == 1 else "")


def _driver_words(drivers: str) -> str:
    """``"imd_score 79, cni_score 12"`` → ``"IMD score 79, Community Needs Index score 12"``."""
    if not isinstance(drivers, str):
        return drivers

    return re.sub(r"\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b", lambda m: need_label(m.group(1)), drivers)


def need_label(column: str) -> str:
    """A need column in words: ``health_score`` → "health domain score".

    Examples
    --------
    >>> need_label("imd_score"), need_label("health_score")
    ('IMD score', 'health domain score')
    """
    if column in _NEED_LABELS:
        return _NEED_LABELS[column]
    if column.endswith("_score"):
        return f"{column.removesuffix('_score').replace('_', ' ')} domain score"
    return column.replace("_", " ")


def _pins(cfg) -> str:
    """The analyst's pins and exclusions, when there are any."""
    said = []
    if cfg.pinned:
        said.append(f"built around {', '.join(cfg.pinned)} (pinned)")
    if cfg.excluded:
        said.append(f"never using {', '.join(cfg.excluded)} (excluded)")
    return escape(f" Neighbourhoods are {' and '.join(said)}.") if said else ""


def _source(res: TargetingResults, job: str) -> str:
    """Where a result came from: the analyst's stored run, or place.toml."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(res.provenance.get(job, "")))


def _base(ax, lsoas):
    lsoas.plot(
        ax=ax, column="need", cmap="magma_r", edgecolor="white", linewidth=0.2, legend=True,
        legend_kwds={"label": "Need score (higher = more need)", "shrink": 0.55},
    )  # fmt: skip
    ax.set_axis_off()
    ax.set_aspect(1 / np.cos(np.radians(lsoas.geometry.union_all().centroid.y)))


def _priority_map(lsoas, picks) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 6.0))
    _base(ax, lsoas)
    for p in picks.itertuples():
        shape = lsoas[lsoas["area_code"].isin(p.area_codes)].geometry.union_all()
        ax.plot(
            *shape.exterior.xy, color="#56B4E9", linewidth=2.2
        ) if shape.geom_type == "Polygon" else [
            ax.plot(*g.exterior.xy, color="#56B4E9", linewidth=2.2) for g in shape.geoms
        ]
        c = shape.representative_point()
        ax.text(
            c.x,
            c.y,
            str(p.rank),
            ha="center",
            va="center",
            fontsize=11,
            fontweight="bold",
            color="white",
            bbox={"boxstyle": "circle", "fc": "#0072B2", "ec": "white"},
        )
    return charts.to_svg(fig)


def _asset_map(lsoas, assets) -> str:
    import geopandas as gpd
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 6.0))
    _base(ax, lsoas)
    pts = gpd.GeoDataFrame(
        assets, geometry=gpd.points_from_xy(assets["easting"], assets["northing"]), crs=27700
    ).to_crs(4326)
    for t, part in pts.groupby("asset_type"):
        ax.scatter(
            part.geometry.x,
            part.geometry.y,
            marker=MARKERS.get(t, "o"),
            s=28,
            color="#56B4E9",
            edgecolor="black",
            linewidth=0.5,
            label=t,
        )
    ax.legend(frameon=False, fontsize=7, loc="center left", bbox_to_anchor=(1, 0.5))
    return charts.to_svg(fig)


def _gradient_chart(by_dec: pd.DataFrame) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    ax.bar(
        by_dec["decile"],
        by_dec["per_head"],
        color=[charts.DECILE_COLOURS[d - 1] for d in by_dec["decile"]],
    )
    ax.set_xticks(range(1, 11))
    ax.set_xlabel("National IMD decile (1 = most deprived)")
    ax.set_ylabel("£ per head")
    return charts.to_svg(fig)
