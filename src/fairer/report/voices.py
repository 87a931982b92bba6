"""The report section on what people said: key themes, quotes, who was (not) heard.

Written in the style of a consultation summary ("Key theme 1 – …"), from tables that have
already been through the disclosure rules, with quotes that were redacted before they were
stored. The same tables go to an XLSX workbook for review.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from fairer.disclosure import SUPPRESSED
from fairer.report.build import Report, Section, figure, table_html
from fairer.report.charts import LOCAL, to_svg
from fairer.tabular import write_tables
from fairer.voices import summary
from fairer.voices.workspace import Consultation, open_consultation

KEY_THEMES = 8


def _counts(cons: Consultation) -> dict:
    s = cons.query(
        "SELECT kind, status, count(*) AS n, count(DISTINCT respondent_id) AS people "
        "FROM statements GROUP BY kind, status"
    )
    red = cons.query("SELECT kind, count(*) AS n FROM redactions GROUP BY kind")
    rounds = cons.query("SELECT * FROM coding_rounds ORDER BY round")
    files = cons.query("SELECT count(*) AS n FROM sources WHERE kind = 'voices'")["n"].iat[0]
    return {"statements": s, "redactions": red, "rounds": rounds, "files": int(files)}


def _theme_bars(table: pd.DataFrame) -> str:
    d = table.dropna(subset=["percent_of_respondents"]).head(12).iloc[::-1]
    fig, ax = plt.subplots(figsize=(6.4, 0.35 * len(d) + 0.8))
    ax.barh(d["theme"], d["percent_of_respondents"], color=LOCAL)
    ax.set_xlabel("% of respondents who mentioned the theme")
    return to_svg(fig)


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


def voices_section(folder: str | Path) -> Section | None:
    """The "What people told us" section, or None when nothing has been coded yet."""
    cons = open_consultation(folder)
    info = _counts(cons)
    coded = summary.theme_table(cons, summary.CODED)
    if coded.empty and summary.theme_mentions(cons, summary.DISCOVERED).empty:
        return None
    st = info["statements"]
    people = summary.answered(cons)
    survey_people = people[people["kind"] == "survey"]["respondent_id"].nunique()
    groups = people[people["kind"] == "notes"]["respondent_id"].nunique()
    no_answer = int(st[st["status"] == "no answer"]["n"].sum())
    red = info["redactions"]
    red_text = (
        ", ".join(f"{int(n)} {k.lower()}" for k, n in zip(red["kind"], red["n"], strict=True))
        if len(red)
        else "none found"
    )
    parts = [
        f"<p>{survey_people:,} people answered the survey and {groups:,} workshop tables or chats "
        f"were written up, giving {int(st[st['status'] != 'no answer']['n'].sum()):,} statements "
        f"from {info['files']} files ({no_answer:,} blank or 'n/a' answers were left out). "
        "Personal details were removed before anything was stored "
        f"(removed: {_esc(red_text)}). Counts below {cons.disclosure_threshold} are not shown.</p>"
    ]
    if not coded.empty:
        parts.append("<h3>Key themes</h3>")
        quotes = summary.quotes(cons, summary.CODED, 2)
        for i, row in enumerate(coded.head(KEY_THEMES).itertuples(), start=1):
            share = (
                f"Mentioned by {row.percent_of_respondents:.0f}% of respondents ({int(row.respondents):,})"
                if pd.notna(row.respondents)
                else f"Mentioned by fewer than {cons.disclosure_threshold} respondents"
            )
            parts.append(f"<h4>Key theme {i} – {_esc(row.theme)}</h4><p>{share}.</p>")
            for q in quotes[quotes["theme"] == row.theme]["text"]:
                parts.append(f"<blockquote>“{_esc(q)}”</blockquote>")
        parts.append(
            figure(
                _theme_bars(coded),
                "Themes by share of respondents who raised them",
                "Bar chart of the share of respondents mentioning each theme",
            )
        )
        parts.append(
            _show(
                coded,
                f"Themes (codebook), of {coded.attrs.get('base', 0):,} respondents",
                {
                    "percent_of_respondents": "{:.0f}%",
                    "statements": "{:,.0f}",
                    "respondents": "{:,.0f}",
                },
                ("*",),
            )
        )
        byq = summary.theme_by_question(cons, summary.CODED)
        if not byq.empty and byq.shape[1] > 1:
            parts.append(
                _show(
                    byq.reset_index(),
                    "Respondents mentioning each theme, by question",
                    {c: "{:,.0f}" for c in byq.columns},
                    ("*",),
                )
            )
    found = summary.theme_table(cons, summary.DISCOVERED)
    if not found.empty:
        parts.append(
            "<h3>Themes found in what people said</h3><p>Grouped by similarity of wording, "
            "not by the codebook: these can show what the codebook missed. "
            "'Other' holds statements that fit no group.</p>"
        )
        parts.append(
            _show(
                found,
                "Discovered themes",
                {
                    "percent_of_respondents": "{:.0f}%",
                    "statements": "{:,.0f}",
                    "respondents": "{:,.0f}",
                },
                ("*",),
            )
        )
    heard = summary.who_was_heard(cons)
    if not heard.empty:
        parts.append(
            "<h3>Who was heard</h3><p>Respondents compared with the population. A ratio "
            "below 1 means a group was heard less than its share of residents; groups "
            f"with fewer than {cons.disclosure_threshold} respondents are not shown.</p>"
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
    rounds = info["rounds"]
    if len(rounds):
        parts.append(
            "<h3>How well the coding agrees with the analyst</h3><p>Each review round, the "
            "analyst corrected a sample; 'before learning' scores the codes they were shown, "
            "'cross-validated' scores the coder after learning from every label so far.</p>"
        )
        parts.append(
            _show(
                rounds[["round", "method", "labelled", "measured_on", "samples_f1", "macro_f1"]],
                "Agreement with the analyst (F1, 0–1)",
                {"samples_f1": "{:.2f}", "macro_f1": "{:.2f}"},
            )
        )
    return Section("voices", "What people told us", "".join(parts))


@dataclass
class VoicesReport:
    """Files written by :func:`voices_report`."""

    html: Path
    workbook: Path


def voices_report(folder: str | Path) -> VoicesReport:
    """Write ``output/voices_report.html`` and ``output/voices.xlsx`` for the consultation."""
    cons = open_consultation(folder)
    section = voices_section(folder)
    if section is None:
        from fairer.errors import FairerError

        raise FairerError(
            "nothing coded yet: run `fairer voices code` (and `themes`) first", path=cons.folder
        )
    rep = Report(
        title=f"{cons.name}: what people told us", place_name=cons.name, synthetic=_synthetic(cons)
    )
    rep.add(section)
    out = rep.write(cons.output_dir / "voices_report.html")
    tables = {
        "themes": summary.theme_table(cons, summary.CODED),
        "by question": summary.theme_by_question(cons, summary.CODED).reset_index(),
        "discovered themes": summary.theme_table(cons, summary.DISCOVERED),
        "quotes": summary.quotes(cons, summary.CODED, 5),
        "who was heard": summary.who_was_heard(cons),
    }
    for attr in summary.ATTRIBUTES:
        t = summary.theme_by_group(cons, attr, summary.CODED)
        if not t.empty:
            tables[f"by {attr}"[:31]] = t.reset_index()
    wb = write_tables(
        {k: v for k, v in tables.items() if not v.empty}, cons.output_dir / "voices.xlsx"
    )
    return VoicesReport(out, wb)


def _synthetic(cons: Consultation) -> bool:
    if cons.place_folder is None:
        return False
    from fairer.place import load_place

    return load_place(cons.place_folder).synthetic
