"""The report section on what people said: key themes, quotes, who was (not) heard.

Written in the style of a consultation summary ("Key theme 1 – …"), from tables that have
already been through the disclosure rules, with quotes that were redacted before they were
stored. The same tables go to an XLSX workbook for review.
"""

from __future__ import annotations

import html

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from fairer.disclosure import SUPPRESSED
from fairer.report.build import Report, Section, figure, table_html
from fairer.report.charts import LOCAL, to_svg
from fairer.voices.summary import ConsultationSummary, by_group_wide
from fairer.wording import plural

KEY_THEMES = 8


def _share_column(table: pd.DataFrame) -> tuple[str, str]:
    """The share a theme table is read by: of respondents, or (workshops alone) of statements."""
    if table.attrs.get("base", 0):
        return "percent_of_respondents", "% of respondents who mentioned the theme"
    return "percent_of_statements", "% of statements that raised the theme"


def _theme_bars(table: pd.DataFrame) -> str:
    col, label = _share_column(table)
    d = table.dropna(subset=[col]).head(12).iloc[::-1]
    fig, ax = plt.subplots(figsize=(6.4, 0.35 * len(d) + 0.8))
    ax.barh(d["theme"], d[col], color=LOCAL)
    ax.set_xlabel(label)
    return to_svg(fig)


def _people_and_tables(people: int, groups: int) -> str:
    parts = []
    if people or not groups:
        parts.append(f"{plural(people, 'person', 'people')} answered")
    if groups:
        verb = "was" if groups == 1 else "were"
        parts.append(
            f"{plural(groups, 'workshop table or group', 'workshop tables or groups')} {verb} "
            "written up"
        )
    return " and ".join(parts)


def theme_share(row, table: pd.DataFrame, threshold: int) -> str:
    """How widely a theme was raised, in the consultation's own units: respondents for a
    survey, statements and tables for workshops, both when there were both."""
    parts = []
    if table.attrs.get("base", 0):
        parts.append(
            f"mentioned by {row.percent_of_respondents:.0f}% of respondents ({int(row.respondents):,})"
            if pd.notna(row.respondents)
            else f"mentioned by fewer than {threshold} respondents"
        )
    via = getattr(row, "campaign_respondents", 0)
    if parts and (pd.isna(via) or via > 0):
        parts[-1] += (
            f", {int(via):,} of them through a campaign's wording"
            if pd.notna(via)
            else f", fewer than {threshold} of them through a campaign's wording"
        )
    groups = table.attrs.get("groups", 0)
    if groups:
        said = (
            f"{plural(int(row.statements), 'statement')} ({row.percent_of_statements:.0f}% of all)"
            if pd.notna(row.statements)
            else f"fewer than {threshold} statements"
        )
        tables = int(row.groups) if pd.notna(row.groups) else 0
        parts.append(f"raised in {said}, at {tables:,} of {plural(groups, 'workshop table')}")
    text = "; ".join(parts) or "raised"
    return text[0].upper() + text[1:]


def _ratio_chart(heard: pd.DataFrame) -> str:
    d = heard.dropna(subset=["representation_ratio"])
    fig, ax = plt.subplots(figsize=(6.4, 0.3 * len(d) + 0.9))
    labels = [f"{a.split(' (')[0]}: {g}" for a, g in zip(d["attribute"], d["group"], strict=True)]
    y = np.arange(len(d))[::-1]
    ax.errorbar(
        d["representation_ratio"],
        y,
        xerr=[
            d["representation_ratio"] - d["ratio_lower95"],
            d["ratio_upper95"] - d["representation_ratio"],
        ],
        fmt="o",
        color=LOCAL,
        ecolor="#888888",
        capsize=2,
    )
    ax.axvline(1, color="#444444", lw=0.8, ls="--")
    ax.set_yticks(y, labels)
    ax.set_xlabel("Share of respondents ÷ share of population (1 = heard in proportion)")
    return to_svg(fig)


def _show(
    df: pd.DataFrame,
    caption: str,
    formats: dict[str, str],
    suppressed: tuple[str, ...] = (),
    key: str | None = None,
) -> str:
    """A table with numbers formatted; suppressed counts (and their percentages) shown as *.

    With ``key``, a row's cells are marked suppressed only where its ``key`` count is (other
    gaps, such as an unknown population share, show as a dash).
    """
    d = df.copy()
    hidden = d[key].isna() if key else pd.Series(True, index=d.index)
    for col, fmt in formats.items():
        if col in d:
            mark_col = col in suppressed or "*" in suppressed
            d[col] = [
                (SUPPRESSED if mark_col and h else "–") if pd.isna(v) else fmt.format(v)
                for v, h in zip(d[col], hidden, strict=True)
            ]
    return table_html(d, caption)


def _esc(s) -> str:
    return html.escape(str(s))


def voices_section(summary: ConsultationSummary | None) -> Section | None:
    """The "What people told us" section from a published summary (None: nothing coded yet)."""
    if summary is None or summary.empty:
        return None
    coded = summary.coded
    threshold = summary.threshold
    survey_people, groups, no_answer = summary.survey_people, summary.groups, summary.no_answer
    red = summary.redactions
    red_text = (
        ", ".join(f"{int(n)} {k.lower()}" for k, n in zip(red["kind"], red["n"], strict=True))
        if len(red)
        else "none found"
    )
    parts = [
        f"<p>{_people_and_tables(survey_people, groups)}, giving {summary.statement_total:,} statements "
        f"from {plural(summary.files, 'file')} ({no_answer:,} blank or 'n/a' answers were left out). "
        "Personal details were removed before anything was stored "
        f"(removed: {_esc(red_text)}). Counts below {threshold} are not shown.</p>"
    ]
    warning = agreement_warning(summary)
    if not coded.empty and warning:
        parts.append(
            f'<p class="warning"><strong>Read the shares with care.</strong> {warning}</p>'
        )
    if not coded.empty:
        parts.append("<h3>Key themes</h3>")
        quotes = summary.key_quotes
        for i, row in enumerate(coded.head(KEY_THEMES).itertuples(), start=1):
            share = theme_share(row, coded, threshold)
            parts.append(f"<h4>Key theme {i} – {_esc(row.theme)}</h4><p>{share}.</p>")
            for q in quotes[quotes["theme"] == row.theme]["text"]:
                parts.append(f"<blockquote>“{_esc(q)}”</blockquote>")
        unit = "respondents" if coded.attrs.get("base", 0) else "statements"
        parts.append(
            figure(
                _theme_bars(coded),
                f"Themes by share of {unit} that raised them",
                f"Bar chart of the share of {unit} mentioning each theme",
            )
        )
        parts.append(_show(coded, f"Themes (codebook), {_bases(coded)}", _THEME_FORMATS, ("*",)))
        byq = (
            summary.by_question.pivot(index="theme", columns="question", values="respondents")
            if not summary.by_question.empty
            else pd.DataFrame()
        )
        if not byq.empty and byq.shape[1] > 1:
            parts.append(
                _show(
                    byq.reset_index(),
                    "Respondents mentioning each theme, by question",
                    {c: "{:,.0f}" for c in byq.columns},
                    ("*",),
                )
            )
    parts.append(campaign_section(summary))
    found = summary.discovered
    if not found.empty:
        parts.append(
            "<h3>Themes found in what people said</h3><p>Grouped by similarity of wording, "
            "not by the codebook: these can show what the codebook missed. "
            "'Other' holds statements that fit no group.</p>"
        )
        parts.append(_show(found, f"Discovered themes, {_bases(found)}", _THEME_FORMATS, ("*",)))
    heard = summary.heard
    parts.append(unknown_participants(summary))
    if not heard.empty:
        parts.append(
            "<h3>Who was heard</h3><p>Respondents compared with the population. A ratio "
            "below 1 means a group was heard less than its share of residents; groups "
            f"with fewer than {threshold} respondents are not shown, nor the next smallest group "
            "when that alone would let the hidden one be worked out.</p>"
        )
        if heard["representation_ratio"].notna().any():
            parts.append(
                figure(
                    _ratio_chart(heard),
                    "Representation ratio with 95% interval",
                    "Dot plot of representation ratios by group",
                )
            )
        parts.append(
            _show(
                heard,
                "Respondents against the population",
                {
                    "respondents": "{:,.0f}",
                    "percent": "{:.1f}%",
                    "population_percent": "{:.1f}%",
                    "representation_ratio": "{:.2f}",
                    "ratio_lower95": "{:.2f}",
                    "ratio_upper95": "{:.2f}",
                },
                (
                    "respondents",
                    "percent",
                    "representation_ratio",
                    "ratio_lower95",
                    "ratio_upper95",
                ),
                key="respondents",
            )
        )
    parts.append(record_card(summary))
    return Section("voices", "What people told us", "".join(parts))


_THEME_FORMATS = {
    "percent_of_respondents": "{:.0f}%",
    "percent_of_statements": "{:.0f}%",
    "statements": "{:,.0f}",
    "respondents": "{:,.0f}",
    "groups": "{:,.0f}",
    "campaign_respondents": "{:,.0f}",
}


def campaign_section(summary: ConsultationSummary) -> str:
    """Campaigns, counted and shown as such: never merged with independent answers."""
    c = summary.campaigns
    if c.empty:
        return ""
    shown = c.assign(template=[t if len(t) <= 240 else t[:237] + "…" for t in c["template"]])
    return (
        "<h3>Campaigns</h3><p>Some responses repeat one template, sometimes with a few words "
        "of their own. Each campaign is coded once, from its template, and counted for every "
        "response that used it; what a person added in a sentence of their own is coded too, "
        "for that response alone. The theme shares above say how many respondents raised a "
        "theme through a campaign. The words people added are listed with how many added "
        "each.</p>"
        + _show(
            shown,
            "Campaigns: responses repeating a template",
            {"statements": "{:,.0f}", "respondents": "{:,.0f}", "edited": "{:,.0f}"},
            ("statements", "respondents", "edited"),
        )
    )


def _bases(table: pd.DataFrame) -> str:
    a = table.attrs
    out = [f"of {a.get('statements', 0):,} statements"]
    if a.get("base", 0):
        out.append(plural(a["base"], "respondent"))
    if a.get("groups", 0):
        out.append(plural(a["groups"], "workshop table"))
    return ", ".join(out)


def unknown_participants(summary: ConsultationSummary) -> str:
    """What is not known about who took part, said plainly (empty when it is known)."""
    if not summary.heard.empty:
        return ""
    said = []
    if summary.survey_people:
        said.append(
            f"the {plural(summary.survey_people, 'respondent')} were not asked (or did not say) "
            "their age, sex, ethnicity, disability or where they live"
        )
    if summary.groups:
        said.append(
            f"the {plural(summary.groups, 'workshop table')} were written up as notes, which "
            "record what a table said, not who sat at it or how many people took part"
        )
    if not said:
        return ""
    return (
        "<h3>Who was heard</h3><p>Not known: "
        + "; ".join(said)
        + ". So it cannot be said whether any group was heard less than its share of residents. "
        "Record who took part (a sign-in sheet with age band and postcode, or an equality "
        "monitoring form) to show this next time.</p>"
    )


def _overall(summary: ConsultationSummary) -> pd.Series | None:
    a = summary.agreement
    if a.empty or not (a["scope"] == "consultation").any():
        return None
    return a[a["scope"] == "consultation"].iloc[0]


def agreement_warning(summary: ConsultationSummary) -> str:
    """Why the theme shares are not yet fit to publish ('' when they are)."""
    rounds = summary.rounds
    if summary.coded.empty:
        return ""
    overall = _overall(summary)
    if rounds.empty or overall is None:
        return (
            "The themes were given by matching answers to the codebook's descriptions, with no "
            "analyst's labels to learn from or to check against: agreement with a person is "
            "unknown. Review a sample (`fairer voices code --corrections`) before publishing "
            "these shares."
        )
    if overall["low"]:
        value = "not measurable" if pd.isna(overall["value"]) else f"{overall['value']:.2f}"
        return (
            f"Agreement with the analyst is low (Krippendorff's alpha {value}, below 0.67, "
            "the level below which coded data should not be used for conclusions). Review "
            "more answers before publishing these shares."
        )
    return ""


def record_card(summary: ConsultationSummary) -> str:
    """How the themes were made and how far to trust them: data, codebook, labels, agreement."""
    rounds = summary.rounds
    codebook = rounds["codebook"].iloc[-1] if len(rounds) else "a codebook"
    method = rounds["method"].iloc[-1] if len(rounds) else "zero-shot"
    parts = [
        "<h3>Record card: how these themes were made</h3>",
        '<dl class="record-card">',
        f"<dt>Data</dt><dd>{summary.statement_total:,} statements from "
        f"{plural(summary.files, 'file')}; {summary.no_answer:,} blank or stock non-answers. "
        "Identical answers to the same question are coded once and counted for everyone who "
        "gave them.</dd>",
        f"<dt>Codebook</dt><dd>{_esc(codebook)}</dd>",
        f"<dt>Labels given</dt><dd>{summary.labels_given:,} statements labelled by the analyst "
        f"over {plural(int(rounds['round'].nunique()) if len(rounds) else 0, 'review round')}; "
        f"coding method: {_esc(method)}.</dd>",
    ]
    overall = _overall(summary)
    if overall is not None and pd.notna(overall["value"]):
        parts.append(
            f"<dt>Agreement</dt><dd>Krippendorff's alpha {overall['value']:.2f} (95% interval "
            f"{overall['lowercl']:.2f} to {overall['uppercl']:.2f}) between fairer and the "
            "analyst on the labelled statements, each coded by a model that had not learnt from "
            "it. 1 is perfect agreement, 0 what chance would give; coders who agree with each "
            "other reach about 0.8.</dd>"
        )
    else:
        parts.append("<dt>Agreement</dt><dd>Not measured: no analyst's labels yet.</dd>")
    weak = []
    themes = (
        summary.agreement[summary.agreement["scope"] == "theme"] if len(summary.agreement) else None
    )
    if themes is not None and len(themes):
        low = themes[themes["low"]]
        if len(low):
            weak.append(
                "agreement is low for "
                + ", ".join(_esc(t) for t in low["theme"].head(8))
                + (f" and {len(low) - 8} more" if len(low) > 8 else "")
                + ": their shares are the least reliable"
            )
    weak += [
        "themes the analyst has labelled only a few times are coded mostly from the codebook's "
        "description",
        "the coder reads words, not intent: sarcasm, answers that reply to another question, "
        "and answers in languages other than English are often miscoded",
        "a share counts respondents (or, for workshops, statements and tables) that mentioned a "
        "theme, not how strongly they felt",
    ]
    parts.append(
        "<dt>Known weaknesses</dt><dd><ul>"
        + "".join(f"<li>{w}</li>" for w in weak)
        + "</ul></dd></dl>"
    )
    if len(rounds):
        parts.append(
            _show(
                rounds[["round", "method", "labelled", "measured_on", "samples_f1", "macro_f1"]],
                "Agreement with the analyst by review round (F1, 0–1): 'before learning' scores "
                "the codes the analyst was shown, 'cross-validated' the coder after learning",
                {"samples_f1": "{:.2f}", "macro_f1": "{:.2f}"},
            )
        )
    if themes is not None and len(themes):
        shown = themes.assign(agreement=np.where(themes["low"], "low", ""))[
            ["theme", "value", "lowercl", "uppercl", "analyst", "fairer", "agreement"]
        ]
        parts.append(
            _show(
                shown.rename(columns={"value": "kappa"}),
                "Agreement by theme: Cohen's kappa with 95% interval, and how many labelled "
                "statements the analyst and fairer gave the theme",
                {
                    "kappa": "{:.2f}",
                    "lowercl": "{:.2f}",
                    "uppercl": "{:.2f}",
                    "analyst": "{:,.0f}",
                    "fairer": "{:,.0f}",
                },
                ("analyst", "fairer", "kappa", "lowercl", "uppercl"),
            )
        )
    return "".join(parts)


def voices_document(summary: ConsultationSummary) -> Report | None:
    """The stand-alone consultation summary page (None: nothing coded yet)."""
    section = voices_section(summary)
    if section is None:
        return None
    rep = Report(
        title=f"{summary.name}: what people told us",
        place_name=summary.name,
        synthetic=summary.synthetic,
    )
    rep.add(section)
    return rep


def voices_workbook_tables(summary: ConsultationSummary) -> dict[str, pd.DataFrame]:
    """The sheets of ``voices.xlsx``, from a published summary."""
    byq = (
        summary.by_question.pivot(index="theme", columns="question", values="respondents")
        .reset_index()
        .rename_axis(columns=None)
        if not summary.by_question.empty
        else pd.DataFrame()
    )
    tables = {
        "themes": summary.coded,
        "by question": byq,
        "discovered themes": summary.discovered,
        "quotes": summary.quotes,
        "who was heard": summary.heard,
        "campaigns": summary.campaigns,
    }
    for attr, t in summary.by_group.items():
        tables[f"by {attr}"[:31]] = by_group_wide(t).reset_index()
    tables["agreement"] = summary.agreement
    return {k: v for k, v in tables.items() if not v.empty}
