"""Report sections for the outcomes framework: scorecard, rug, gap charts and maps."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from fairer.framework.results import PlaceResults
from fairer.report import charts
from fairer.report.build import Section, figure, table_html
from fairer.report.rug import COLOURS, QUINTILE_COLOURS, rug_html_fragment, rug_payload
from fairer.wording import areas_word


def scorecard_section(res: PlaceResults, place_name: str) -> Section | None:
    card = res.scorecard()
    if card.empty:
        return None
    domains = {d.id: d.title for d in res.framework.domains}
    show = card.assign(domain=card["domain"].map(domains))[
        [
            "domain",
            "indicator",
            "period",
            "value",
            "lowercl",
            "uppercl",
            "benchmark_name",
            "benchmark",
            "comparison",
            "trend",
            "absolute_gap",
            "sii",
        ]
    ].rename(
        columns={
            "domain": "Domain",
            "indicator": "Indicator",
            "period": "Period",
            "value": "Value",
            "lowercl": "Lower 95%",
            "uppercl": "Upper 95%",
            "benchmark_name": "Compared with",
            "benchmark": "Comparator value",
            "comparison": "Against comparator",
            "trend": "Trend",
            "absolute_gap": "Gap (most − least deprived quintile)",
            "sii": "SII",
        }
    )
    show["Compared with"] = show["Compared with"].fillna("no comparator available")
    red = card[card["red_red"]]["indicator"].tolist()
    notes = (
        [
            "<p><strong>Significantly worse than the comparator and getting worse:</strong> "
            f"{', '.join(red)}.</p>"
        ]
        if red
        else []
    )
    missing = [m for m in res.place.messages if "has no data" in m]
    if missing:
        notes.append(
            f"<p class='note'>{len(missing)} indicators of the framework have no data loaded yet: "
            + "; ".join(m.split(" has no data")[0].replace("indicator ", "") for m in missing)
            + ".</p>"
        )
    body = "\n".join(notes) + table_html(
        show, f"{res.framework.title}: {place_name}, latest period"
    )
    return Section("scorecard", "Outcomes framework scorecard", body)


def comparator_names(cells: pd.DataFrame) -> str:
    """The comparators the cells were tested against, as the legend names them."""
    names = cells.drop_duplicates("benchmark_name")["benchmark_name"].dropna().tolist()
    return " / ".join(names) or "no comparator"


def rug_section(res: PlaceResults, place_name: str) -> Section | None:
    cells = res.rug.cells
    if cells.empty:
        return None
    payload = rug_payload(
        cells,
        res.framework,
        f"{place_name}: {areas_word(res.level)} × indicators",
        comparator_names(cells),
    )
    body = rug_html_fragment(payload)
    return Section("rug", "The tartan rug", body)


#: A gradient's verdict across periods, in a sentence.
GRADIENT_WORDS = {
    "narrowing": "the gradient is narrowing",
    "widening": "the gradient is widening",
    "no evidence of change": "no evidence that the gradient has changed",
    "no clear gradient": "no clear gradient in any period",
}


def _gradient_words(gradients: pd.DataFrame | None, indicator_id: str) -> str:
    """One line: is this indicator's gradient flattening across the periods loaded?"""
    if gradients is None or gradients.empty:
        return ""
    g = gradients[gradients["indicator_id"] == indicator_id]
    if g.empty:
        return ""
    g = g.iloc[0]
    return (
        f"<p>From {html.escape(g['first_period'])} to {html.escape(g['latest_period'])} "
        f"({g['periods']} periods): {GRADIENT_WORDS.get(g['verdict'], g['verdict'])} "
        f"(SII change {g['sii_change']:+.1f}, 95% CI {g['sii_change_lowercl']:+.1f} to "
        f"{g['sii_change_uppercl']:+.1f}).</p>"
    )


def gap_sections(res: PlaceResults) -> list[Section]:
    dec = res.place.deciles
    gaps = res.place.gaps
    if dec.empty or gaps.empty:
        return []
    parts = []
    for ind in res.framework.indicators:
        g = gaps[gaps["indicator_id"] == ind.id]
        if g.empty:
            continue
        g = g.sort_values("period").iloc[-1]
        d = dec[(dec["indicator_id"] == ind.id) & (dec["period"] == g["period"])].sort_values(
            "decile"
        )
        svg = _gap_chart(d, g, ind.title, ind.unit)
        alt = (
            f"{ind.title} by local deprivation decile, {g['period']}: most deprived tenth {d['value'].iloc[0]:.1f}, "
            f"least deprived {d['value'].iloc[-1]:.1f}; slope index of inequality {g['sii']:.1f}."
        )
        text = (
            f"<p>{ind.title} ({g['period']}): the slope index of inequality is <strong>{g['sii']:.1f}</strong> "
            f"(95% CI {g['sii_lowercl']:.1f} to {g['sii_uppercl']:.1f}), the relative index {g['rii']:.2f} "
            f"({g['rii_lowercl']:.2f} to {g['rii_uppercl']:.2f}); the most deprived fifth of neighbourhoods "
            f"has {g['most_deprived_quintile']:.1f} against {g['least_deprived_quintile']:.1f} in the least deprived "
            f"(gap {g['absolute_gap']:.1f}, ratio {g['relative_gap']:.2f}).</p>"
            + _gradient_words(res.gradients, ind.id)
        )
        parts.append(
            text
            + figure(
                svg,
                f"{ind.title} by local IMD decile (1 = most deprived) with 95% "
                "confidence intervals and the fitted SII line.",
                alt,
            )
        )
    if not parts:
        return []
    return [Section("gaps", "Gaps inside the place", "\n".join(parts))]


def _gap_chart(d: pd.DataFrame, g: pd.Series, title: str, unit: str) -> str:
    import matplotlib.pyplot as plt

    pop = d["denominator"].to_numpy(float)
    a = pop / pop.sum()
    rank = np.cumsum(a) - a / 2
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    ax.errorbar(
        rank,
        d["value"],
        yerr=[d["value"] - d["lowercl"], d["uppercl"] - d["value"]],
        fmt="o",
        color=charts.LOCAL,
        ecolor="#888888",
        capsize=2,
        label="Local decile",
    )
    # The fitted curve: straight on the logit (proportions) or log (rates) scale, from the fitted
    # most deprived end (rank 0, the intercept) to the least deprived (rank 1, intercept + SII).
    y0, y1 = g["intercept"], g["intercept"] + g["sii"]
    x = np.linspace(0, 1, 50)
    if g.get("fit") == "logit":
        scale = 100.0 if max(d["value"]) > 1 else 1.0
        lo, hi = np.log(y0 / scale / (1 - y0 / scale)), np.log(y1 / scale / (1 - y1 / scale))
        y = scale / (1 + np.exp(-(lo + (hi - lo) * x)))
    elif g.get("fit") == "log":
        y = np.exp(np.log(y0) + (np.log(y1) - np.log(y0)) * x)
    else:
        y = y0 + (y1 - y0) * x
    ax.plot(x, y, color="#D55E00", label="Fitted (SII)")
    ax.set_xlabel("Relative rank by local deprivation (0 = most deprived)")
    ax.set_ylabel(unit or "value")
    ax.set_title(title, loc="left")
    ax.legend(frameon=False, fontsize=7)
    return charts.to_svg(fig)


def indicator_maps(res: PlaceResults, max_maps: int = 12) -> Section | None:
    """Small maps of the rug's areas, one per indicator, coloured as the rug is."""
    import matplotlib.pyplot as plt

    geometry, lsoa_to_area = res.geometry, res.links
    if geometry is None or lsoa_to_area is None:
        return None
    cells = res.rug.cells
    if cells.empty or geometry.empty:
        return None
    latest = cells[cells["latest"]]
    if res.level == "lsoa":
        shapes = geometry.rename(columns={"area_code": "code"})
    else:
        g = geometry.merge(lsoa_to_area, left_on="area_code", right_on="child_code")
        if g.empty:
            return None
        shapes = g.dissolve(by="parent_code").reset_index().rename(columns={"parent_code": "code"})
    figs = []
    for ind in [i for i in res.framework.indicators if i.id in set(latest["indicator_id"])][
        :max_maps
    ]:
        c = latest[latest["indicator_id"] == ind.id].set_index("area_code")
        colours = [
            COLOURS[c.loc[k, "comparison"]][0]
            if k in c.index and c.loc[k, "comparison"] in COLOURS
            else QUINTILE_COLOURS[int(c.loc[k, "quintile"]) - 1]
            if k in c.index and not pd.isna(c.loc[k, "quintile"])
            else "#ffffff"
            for k in shapes["code"]
        ]
        fig, ax = plt.subplots(figsize=(3.2, 3.2))
        shapes.plot(ax=ax, color=colours, edgecolor="#666666", linewidth=0.3)
        ax.set_axis_off()
        ax.set_aspect(1 / np.cos(np.radians(shapes.geometry.union_all().centroid.y)))
        ax.set_title(ind.title, fontsize=8, loc="left", wrap=True)
        figs.append(
            figure(
                charts.to_svg(fig),
                ind.title,
                f"Map of {areas_word(res.level)} coloured by {ind.title} against the benchmark.",
            )
        )
    from fairer.report.rug import _STYLE, colour_key_html

    against = comparator_names(res.rug.cells)
    key = (
        f"<style>{_STYLE}</style><div class='rug-legend' aria-label='Colour key'>"
        f"{colour_key_html()}</div><p class='note'>Against {html.escape(against)}, as in the rug."
        "</p>"
    )
    body = (
        "<div style='display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.5rem'>"
        + "".join(figs)
        + "</div>"
    )
    return Section("indicator-maps", "Maps by indicator", key + body)


def framework_sections(res: PlaceResults | None, static_rug: bool = False) -> list[Section]:
    """Scorecard, rug, gaps and maps for the place (the rug a static picture for print)."""
    from fairer.report.rug import rug_figures

    if res is None:
        return []
    name = res.place_name
    if static_rug and not res.rug.cells.empty:
        pages = rug_figures(res.rug.cells, res.framework, f"{name}: wards × indicators")
        against = comparator_names(res.rug.cells)
        rug = Section(
            "rug",
            "The tartan rug",
            "\n".join(
                figure(
                    charts.to_svg(fig),
                    f"Wards × indicators against {against}: blue better, grey similar, orange "
                    "worse; quintile colours where there is no confidence interval"
                    + (f" (page {k} of {len(pages)})." if len(pages) > 1 else "."),
                    f"Tartan rug of {name}'s wards against {against}"
                    + (f", page {k} of {len(pages)}." if len(pages) > 1 else "."),
                )
                for k, fig in enumerate(pages, start=1)
            ),
        )
    else:
        rug = rug_section(res, name)
    sections = [scorecard_section(res, name), rug, *gap_sections(res), indicator_maps(res)]
    return [s for s in sections if s is not None]
