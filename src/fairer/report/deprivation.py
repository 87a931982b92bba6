"""The report's deprivation section: headlines, map, decile charts, wards and change."""

from __future__ import annotations

import geopandas as gpd

from fairer.profile import DeprivationChange, DeprivationProfile
from fairer.profile.deprivation import IOD_ATTRIBUTION as ATTRIBUTION
from fairer.report import charts
from fairer.report.build import Section, figure, table_html
from fairer.wording import percent

PCT = percent


def deprivation_section(
    profile: DeprivationProfile, geometry: gpd.GeoDataFrame | None = None
) -> Section:
    """Build the section for one IoD edition's profile."""
    p = profile
    parts = [
        '<ul class="headlines">'
        + "".join(f"<li>{s}</li>" for s in p.headline_sentences())
        + "</ul>"
    ]
    if geometry is not None and not geometry.empty:
        g = geometry.merge(
            p.lsoas[
                [c for c in ("lsoa_code", "imd_decile", "ward_code", "ward_name") if c in p.lsoas]
            ],
            left_on="area_code",
            right_on="lsoa_code",
            how="inner",
        )
        if not g.empty:
            svg = charts.choropleth(g, "imd_decile")
            parts.append(
                figure(
                    svg,
                    f"IMD {p.edition} national decile of each LSOA, with ward outlines and names.",
                    f"Map of {p.place_name}'s {len(g)} neighbourhoods coloured by national deprivation decile; "
                    f"{p.headlines['n_lsoas_most_deprived_10']} are in the most deprived decile.",
                )
            )
    parts.append(
        figure(
            charts.decile_bars(p.deciles, "imd"),
            "Share of residents in each national IMD decile: this place against England.",
            f"Bar chart: {PCT(p.headlines['share_population_most_deprived_10'])} of residents live in decile 1 "
            "against about 10% in England.",
        )
    )
    imd = p.deciles[p.deciles["domain"] == "imd"][
        ["decile", "n_lsoas", "population", "share_population", "england_share_population"]
    ]
    parts.append(
        table_html(
            imd.rename(
                columns={
                    "decile": "Decile",
                    "n_lsoas": "LSOAs",
                    "population": "Residents",
                    "share_population": "Share of residents",
                    "england_share_population": "England share",
                }
            ),
            f"Residents by national IMD {p.edition} decile (1 = most deprived)",
            {"Share of residents": PCT, "England share": PCT, "Residents": "{:,.0f}".format},
        )
    )
    if p.deciles["domain"].nunique() > 1:
        parts.append("<h3>Domains</h3>")
        parts.append(
            figure(
                charts.domain_heat(p.deciles),
                "Share of residents in each national decile, by domain.",
                "Stacked bars, one per domain, showing the share of residents in each national decile.",
            )
        )
    if not p.wards.empty:
        parts.append("<h3>Wards</h3>")
        parts.append(
            figure(
                charts.ward_bars(p.wards),
                "Wards ranked by population-weighted IMD score (colour: national ward decile).",
                f"Bar chart of {len(p.wards)} wards; the most deprived is {p.wards['ward_name'].iloc[0]}.",
            )
        )
        cols = [
            "local_rank",
            "ward_name",
            "imd_score",
            "n_lsoas",
            "n_lsoas_most_deprived_10",
            "share_population_most_deprived_10",
        ] + (["national_decile"] if "national_decile" in p.wards else [])
        parts.append(
            table_html(
                p.wards[cols].rename(
                    columns={
                        "local_rank": "Rank",
                        "ward_name": "Ward",
                        "imd_score": "IMD score",
                        "n_lsoas": "LSOAs",
                        "n_lsoas_most_deprived_10": "LSOAs in most deprived 10%",
                        "share_population_most_deprived_10": "Residents in most deprived 10%",
                        "national_decile": "National ward decile",
                    }
                ),
                "Wards by population-weighted IMD score (1 = most deprived in the place)",
                {"Residents in most deprived 10%": PCT, "IMD score": "{:.1f}".format},
            )
        )
    parts.append(
        f"<p class='note'>{p.population_note} Ward membership is ONS best fit of LSOAs.</p>"
    )
    return Section(
        f"deprivation-{p.edition}",
        f"Deprivation: Indices of Deprivation {p.edition}",
        "\n".join(parts),
        sources=[ATTRIBUTION],
    )


def change_section(change: DeprivationChange, before: int, after: int) -> Section:
    """Build the section comparing two editions."""
    m = change.movement
    fmt = {f"iod{before}": _num, f"iod{after}": _num}
    body = [
        f"<p>{change.note}</p>",
        table_html(
            change.summary,
            f"Headline measures, IoD{before} (LSOA 2011) and IoD{after} (LSOA 2021)",
            fmt,
        ),
        "<ul class='headlines'>"
        f"<li>Of {m['comparable']} LSOAs that can be followed from 2011 to 2021 boundaries, "
        f"{m['into_most_deprived_10']} moved into England's most deprived 10%, {m['out_of_most_deprived_10']} "
        f"moved out and {m['stayed_in_most_deprived_10']} stayed in it.</li>"
        f"<li>{m['more_deprived_decile']} moved to a more deprived decile and {m['less_deprived_decile']} "
        f"to a less deprived one; {m['not_comparable']} merged or redrawn LSOAs cannot be followed.</li></ul>",
    ]
    return Section(
        "deprivation-change",
        f"Change from IoD{before} to IoD{after}",
        "\n".join(body),
        sources=[ATTRIBUTION, "ONS LSOA (2011) to LSOA (2021) lookup, OGL v3.0"],
    )


def _num(v) -> str:
    if isinstance(v, float) and 0 <= v < 1:
        return percent(v)
    return f"{v:,.0f}" if isinstance(v, (int, float)) else str(v)


__all__ = ["change_section", "deprivation_section"]
