"""Charts and maps as inline SVG (matplotlib), in colour-blind-safe palettes.

SVG keeps text selectable, prints sharply and needs no network or tiles.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

# Decile colours: viridis sampled at ten points (perceptually uniform, colour-blind safe);
# decile 1 (most deprived) is the darkest.
DECILE_COLOURS = [
    matplotlib.colors.to_hex(c) for c in plt.get_cmap("viridis")(np.linspace(0.0, 0.95, 10))
]
LOCAL = "#0072B2"  # Okabe–Ito blue
ENGLAND = "#BBBBBB"

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "none",
        "svg.hashsalt": "fairer",
    }
)


def to_svg(fig) -> str:
    """Render a figure to an SVG string (without the XML prolog) and close it."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]


def decile_bars(deciles: pd.DataFrame, domain: str = "imd", title: str = "") -> str:
    """Share of local population in each national decile, against England."""
    d = deciles[deciles["domain"] == domain].sort_values("decile")
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    x = d["decile"].to_numpy()
    ax.bar(x - 0.2, d["share_population"] * 100, width=0.4, color=LOCAL, label="This place")
    ax.bar(x + 0.2, d["england_share_population"] * 100, width=0.4, color=ENGLAND, label="England")
    ax.set_xticks(range(1, 11), [str(i) for i in range(1, 11)])
    ax.set_xlabel("National decile (1 = most deprived 10%)")
    ax.set_ylabel("% of residents")
    ax.legend(frameon=False)
    if title:
        ax.set_title(title, loc="left")
    return to_svg(fig)


def domain_heat(deciles: pd.DataFrame) -> str:
    """Share of residents by decile for each domain, as stacked horizontal bars."""
    dom = deciles.drop_duplicates("domain")[["domain", "domain_name"]]
    fig, ax = plt.subplots(figsize=(7.2, 0.35 * len(dom) + 1.0))
    for i, d in enumerate(dom["domain"]):
        part = deciles[deciles["domain"] == d].sort_values("decile")
        left = 0.0
        for dec, share in zip(part["decile"], part["share_population"], strict=True):
            ax.barh(
                i,
                share * 100,
                left=left,
                color=DECILE_COLOURS[dec - 1],
                edgecolor="white",
                linewidth=0.4,
            )
            left += share * 100
    ax.set_yticks(range(len(dom)), dom["domain_name"].tolist())
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of residents, by national decile (dark = most deprived)")
    handles = [
        matplotlib.patches.Patch(color=DECILE_COLOURS[i], label=str(i + 1)) for i in range(10)
    ]
    ax.legend(
        handles=handles,
        title="Decile",
        ncol=10,
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.25),
        fontsize=7,
        handlelength=1,
    )
    return to_svg(fig)


def ward_bars(wards: pd.DataFrame, top: int = 40) -> str:
    """Wards ranked by population-weighted IMD score."""
    w = wards.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(6.4, 0.22 * len(w) + 0.8))
    colours = [
        DECILE_COLOURS[int(d) - 1] if pd.notna(d) else LOCAL
        for d in w.get("national_decile", pd.Series([np.nan] * len(w)))
    ]
    ax.barh(w["ward_name"].astype(str), w["imd_score"], color=colours)
    ax.set_xlabel("Population-weighted IMD score (higher = more deprived)")
    ax.tick_params(axis="y", labelsize=7)
    return to_svg(fig)


#: Wards are labelled on a map when there are no more than this many (more would not read).
MAX_WARD_LABELS = 45


def label_wards(ax, wards) -> None:
    """Each ward's name at a point inside it, small, on a pale box to read over colour (kept as
    text in the SVG, so it can be searched, selected and read aloud)."""
    for _, w in wards.iterrows():
        p = w.geometry.representative_point()
        ax.annotate(
            str(w["ward_name"]), (p.x, p.y), ha="center", va="center", fontsize=4.5,
            color="#1b1b1b",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
        )  # fmt: skip


def choropleth(gdf, column: str, title: str = "", legend_title: str = "IMD decile") -> str:
    """LSOA map coloured by a decile column (1–10), with ward outlines if present."""
    fig, ax = plt.subplots(figsize=(6.4, 6.4))
    colours = gdf[column].map(lambda d: DECILE_COLOURS[int(d) - 1] if pd.notna(d) else "#eeeeee")
    gdf.plot(ax=ax, color=colours, edgecolor="white", linewidth=0.25)
    if "ward_code" in gdf and gdf["ward_code"].notna().any():
        wards = gdf.dissolve(by="ward_code")
        wards.boundary.plot(ax=ax, color="#333333", linewidth=0.6)
        if "ward_name" in gdf and len(wards) <= MAX_WARD_LABELS:
            label_wards(ax, wards)
    ax.set_axis_off()
    ax.set_aspect(1 / np.cos(np.radians(gdf.geometry.union_all().centroid.y)))
    handles = [
        matplotlib.patches.Patch(color=DECILE_COLOURS[i], label=f"{i + 1}") for i in range(10)
    ]
    ax.legend(
        handles=handles,
        title=legend_title + "\n(1 = most deprived)",
        frameon=False,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        fontsize=7,
    )
    if title:
        ax.set_title(title, loc="left")
    return to_svg(fig)
