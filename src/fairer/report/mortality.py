"""The report's "Life expectancy where people live" section, from published mortality results.

The headline sentence is the one a Fairer <Borough> strategy quotes ("a gap of N years in male
life expectancy between the most and least deprived wards"), with its confidence interval; the
chart is the Segment Tool's: the gap's contributions by age band, stacked by cause.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from fairer.report.build import Section, figure, table_html
from fairer.report.charts import plt, to_svg

CAUSE_COLOURS = {
    "Circulatory": "#b2182b",
    "Cancer": "#2166ac",
    "Respiratory": "#5aae61",
    "Digestive": "#e08214",
    "External causes": "#762a83",
    "Deaths under 1": "#fdb863",
    "Other": "#999999",
}


def headline(gaps: pd.DataFrame, sex: str = "male") -> str | None:
    """The strategy's sentence for one sex: the ward gap, else the decile gap (None: neither)."""
    for measure, between in (
        ("most vs least deprived ward", "the most and least deprived wards"),
        ("most vs least deprived decile", "the most and least deprived tenths of neighbourhoods"),
    ):
        g = gaps[(gaps["measure"] == measure) & (gaps["sex"] == sex)]
        if len(g) and pd.notna(g["gap"].iloc[0]):
            r = g.iloc[0]
            word = {"male": "male", "female": "female"}.get(sex, "")
            return (
                f"A gap of {r['gap']:.1f} years in {word} life expectancy at birth between "
                f"{between} ({r['from']}: {r['from_value']:.1f}; {r['to']}: {r['to_value']:.1f}; "
                f"95% CI of the gap {r['lowercl']:.1f} to {r['uppercl']:.1f})."
            ).replace("in  life", "in life")
    return None


def segment_chart(decomposition: pd.DataFrame, comparison: str, sex: str) -> str:
    """Bars by age band, stacked by cause: each band's contribution to the gap (years)."""
    d = decomposition[(decomposition["comparison"] == comparison) & (decomposition["sex"] == sex)]
    bands = list(dict.fromkeys(d["age_band"]))
    causes = list(dict.fromkeys(d["cause"]))
    wide = d.pivot_table(index="age_band", columns="cause", values="contribution", sort=False)
    wide = wide.reindex(index=bands, columns=causes).fillna(0.0)
    fig, ax = plt.subplots(figsize=(7.2, 3.2))
    x = np.arange(len(bands))
    pos, neg = np.zeros(len(bands)), np.zeros(len(bands))
    for c in causes:
        v = wide[c].to_numpy()
        base = np.where(v >= 0, pos, neg)
        ax.bar(x, v, bottom=base, color=CAUSE_COLOURS.get(c, "#666666"), label=c, width=0.8)
        pos, neg = pos + np.maximum(v, 0), neg + np.minimum(v, 0)
    ax.axhline(0, color="#333333", linewidth=0.6)
    ax.set_xticks(x, bands, rotation=90, fontsize=7)
    ax.set_ylabel("years of the gap")
    ax.legend(frameon=False, fontsize=7, ncol=len(causes), loc="upper center",
              bbox_to_anchor=(0.5, -0.3))  # below the axis: never over the bars  # fmt: skip
    return to_svg(fig)


def mortality_section(res, brief: bool = False) -> Section:
    """The section, from a *protected* :class:`fairer.mortality.MortalityResults`; ``brief``
    (the progress report): the headline, the gaps and the most vs least deprived chart."""
    esc = html.escape
    parts = []
    for sex in ("male", "female"):
        line = headline(res.gaps, sex)
        if line:
            parts.append(f"<p class='headline'><strong>{esc(line)}</strong></p>")
    parts.append(
        f"<p>Life expectancy from the deaths of {esc(res.period)} (pooled), by the method of "
        f"OHID's life expectancy calculator (Chiang II, ages 0, 1-4 … 90+). {esc(res.rules)}</p>"
    )
    le = res.life_expectancy
    dec = le[(le["area_type"] == "decile") & (le["age"] == 0) & (le["sex"] != "persons")]
    if len(dec):
        t = dec.pivot_table(index="area_code", columns="sex", values="value", sort=False)
        t = t.reindex([str(i) for i in range(1, 11)]).reset_index()
        t.columns = ["Local decile (1 = most deprived)", *[c.title() for c in t.columns[1:]]]
        parts.append(table_html(t, "Life expectancy at birth by local deprivation decile"))
    g = res.gaps.copy()
    if len(g):
        g = g.rename(columns={"measure": "Gap", "sex": "Sex", "from": "From", "to": "To",
                              "gap": "Years", "lowercl": "95% lower", "uppercl": "95% upper"})  # fmt: skip
        parts.append(table_html(g[["Gap", "Sex", "From", "To", "Years", "95% lower", "95% upper"]],
                                "The gaps (the second area's life expectancy minus the first's)"))  # fmt: skip
    d = res.decomposition
    comparisons = list(dict.fromkeys(d["comparison"]))
    for comparison in comparisons[:1] if brief else comparisons:
        sex = (
            "male" if ((d["comparison"] == comparison) & (d["sex"] == "male")).any() else "persons"
        )
        part = d[(d["comparison"] == comparison) & (d["sex"] == sex)]
        if part["contribution"].isna().all():
            continue
        gap = part["gap"].iloc[0]
        parts.append(
            figure(
                segment_chart(d, comparison, sex),
                f"Why life expectancy differs: {comparison} ({sex}), a gap of {gap:.1f} years, "
                "by age band and cause (Arriaga decomposition; contributions add up to the gap)",
                f"Stacked bar chart of contributions to the {comparison} gap by age and cause",
            )
        )
        by_cause = part.groupby("cause", sort=False)["contribution"].sum().reset_index()
        by_cause.columns = ["Cause", "Years of the gap"]
        parts.append(table_html(by_cause, f"{comparison} ({sex}): the gap by cause"))
    if brief:
        return Section("life-expectancy", "Life expectancy where people live", "".join(parts),
                       ["Deaths extract (council), population estimates (ONS)"])  # fmt: skip
    hle = res.healthy_life_expectancy
    if len(hle):
        h = hle[(hle["area_type"].isin(["decile", "place"])) & (hle["age"] == 0)
                & (hle["sex"] != "persons")]  # fmt: skip
        h = h[["area_name", "sex", "value", "lowercl", "uppercl", "le"]].rename(
            columns={"area_name": "Area", "sex": "Sex", "value": "Healthy life expectancy",
                     "lowercl": "95% lower", "uppercl": "95% upper", "le": "Life expectancy"})  # fmt: skip
        parts.append(table_html(h, "Healthy life expectancy at birth (Sullivan, Census 2021 "
                                   "general health)"))  # fmt: skip
    out = le[(le["note"] != "") & (le["age"] == 0) & (le["sex"] == "persons")]
    if len(out):
        parts.append(
            "<p>Not calculated: "
            + "; ".join(
                esc(f"{n} ({r})") for n, r in zip(out["area_name"], out["note"], strict=True)
            )
            + ".</p>"
        )
    if len(res.exclusions):
        parts.append(table_html(res.exclusions.rename(columns={"reason": "Left out or recoded",
                                                               "deaths": "Deaths"}),
                                "Deaths the calculation left out or recoded"))  # fmt: skip
    return Section("life-expectancy", "Life expectancy where people live", "".join(parts),
                   ["Deaths extract (council), population estimates (ONS)"])  # fmt: skip
