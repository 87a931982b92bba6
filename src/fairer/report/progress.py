"""The progress report: one command, a cabinet-ready document for a reporting period.

Pure rendering: every function here takes results (already through the publish step) and
returns a :class:`~fairer.report.build.Section`; :func:`fairer.pipeline.progress_report` runs the
jobs. ``fairer report PLACE --period 2026-H1 [--pdf]`` gathers what the place has: the deprivation
headlines, the framework scorecard with direction of travel, gaps, the rug (a print version),
priority areas and allocation, the action plan's RAG and slippage with what changed since the
last report, impact assessments and reviews due, and the learning log with challenges beside
successes. Inputs with problems are listed, not hidden. HTML is self-contained; the PDF
(WeasyPrint) has page numbers and a contents list with page references.
"""

from __future__ import annotations

import html
from datetime import date

import pandas as pd

from fairer.delivery.actions import RAG_COLOURS, RAG_ORDER
from fairer.delivery.progress import DeliveryResults, PlanStatus
from fairer.delivery.summary import ProgressSummary
from fairer.errors import FairerError
from fairer.report import charts
from fairer.report.build import Section, figure, table_html
from fairer.tabular import atomic_path
from fairer.wording import percent, plural


def _rag_badge(rag: str) -> str:
    bg, fg = RAG_COLOURS.get(rag, ("#ffffff", "#1b1b1b"))
    return f'<span class="rag" style="background:{bg};color:{fg}">{html.escape(rag)}</span>'


def plan_section(status: PlanStatus | None) -> Section | None:
    """The action plan on the reporting date: RAG counts, actions, timeline, what changed."""
    if status is None:
        return None
    on, actions, areas, ms = status.on, status.actions, status.areas, status.milestones
    parts = [
        f"<p>Status on {on:%d %B %Y}. Late: due and not done; at risk: due within 30 days or flagged; "
        "on track; done.</p>"
    ]
    counts = status.rag_counts
    parts.append("<p>" + " ".join(f"{_rag_badge(r)} {counts[r]}" for r in RAG_ORDER) + "</p>")
    parts.append(
        table_html(
            areas.rename(columns={"area_of_focus": "Key action area"}),
            "Actions by key action area and status",
        )
    )
    rows = "".join(
        f"<tr><td>{html.escape(a.action_id)}</td><td>{html.escape(a.area_of_focus)}</td><td>{html.escape(a.action)}</td>"
        f"<td>{html.escape(a.owner or '—')}</td><td>{_rag_badge(a.rag)}</td><td class='num'>{a.milestones_done}/{a.milestones}</td></tr>"
        for a in actions.itertuples()
    )
    parts.append(
        "<div class='table-wrap'><table><caption>Actions</caption><thead><tr><th scope='col'>Id</th>"
        "<th scope='col'>Key action area</th><th scope='col'>Action</th><th scope='col'>Owner</th>"
        f"<th scope='col'>Status</th><th scope='col'>Milestones done</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )
    parts.append(
        figure(
            _timeline(actions, ms, on),
            "Milestones by due date (done ones at the date done); the line is the report date.",
            f"Timeline of {len(ms)} milestones across {len(actions)} actions; {int((ms['rag'] == 'late').sum())} are late.",
        )
    )
    if status.since is not None:
        moved, slipped = status.changed, status.slipped
        parts.append(f"<h3>Since the last report ({html.escape(status.since)})</h3>")
        parts.append(
            table_html(moved, "Actions whose status changed")
            if len(moved)
            else "<p>No action changed status.</p>"
        )
        parts.append(
            table_html(slipped, "Milestones that slipped")
            if len(slipped)
            else "<p>No milestone slipped.</p>"
        )
    return Section("action-plan", "Action plan", "\n".join(parts))


def _timeline(actions: pd.DataFrame, ms: pd.DataFrame, on: date) -> str:
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.0, 0.4 * len(actions) + 1.2))
    ids = list(actions["action_id"])
    for r in ms.itertuples():
        when = r.done if r.rag == "done" and r.done else r.due
        if when is None:
            continue
        ax.scatter(
            [when],
            [ids.index(r.action_id)],
            s=60,
            color=RAG_COLOURS.get(r.rag, ("#999999",))[0],
            edgecolor="black",
            linewidth=0.4,
            zorder=3,
        )
    ax.axvline(on, color="#333333", linestyle="--", linewidth=1)
    ax.set_yticks(
        range(len(ids)),
        [f"{a} {t[:38]}" for a, t in zip(actions["action_id"], actions["action"], strict=True)],
        fontsize=7,
    )
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.tick_params(axis="x", labelsize=7)
    handles = [
        plt.Line2D([], [], marker="o", linestyle="", color=RAG_COLOURS[r][0], label=r)
        for r in RAG_ORDER
    ]
    ax.legend(
        handles=handles,
        frameon=False,
        fontsize=7,
        ncol=4,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
    )
    ax.grid(axis="x", color="#eeeeee")
    return charts.to_svg(fig)


def assessment_section(results: DeliveryResults) -> Section | None:
    """The register of inequality impact assessments and each assessment's answers."""
    if not results.assessments:
        return None
    questions = results.questions
    parts = [
        table_html(
            results.register.rename(columns={"negative_impacts": "negative impacts"}),
            "Register of inequality impact assessments",
        )
    ]
    for a in results.assessments:
        parts.append(
            f"<h3 id='iia-{html.escape(a.id)}'>{html.escape(a.id)}: {html.escape(a.title)}</h3>"
        )
        parts.append(
            f"<p>Owner: {html.escape(a.owner or '—')}. Assessed {a.assessed or '—'}; review {a.review_date or 'not set'}.</p>"
        )
        if a.answers:
            parts.append(
                "<dl>"
                + "".join(
                    f"<dt>{html.escape(questions.get(k, k))}</dt><dd>{html.escape(v)}</dd>"
                    for k, v in a.answers.items()
                )
                + "</dl>"
            )
        parts.append(table_html(a.impacts, f"Impacts: {a.title}"))
    return Section("impact-assessments", "Inequality impact assessments", "\n".join(parts))


def _verdict_of(ev) -> str:
    """An evaluation's headline verdict: the area estimate's, or the programme's overall."""
    if hasattr(ev, "estimate"):
        return ev.estimate.verdict
    overall = ev.result.results
    verdict = overall["verdict"].iloc[0] if len(overall) else ""
    return verdict or "suppressed (small numbers)"


def _evidence_cell(cited: str, verdicts: dict[str, str]) -> str:
    ids = [c.strip() for c in str(cited).split(",") if c.strip()]
    return "<br>".join(
        f"<a href='#ev-{html.escape(i)}'>{html.escape(i)}</a>: {html.escape(verdicts[i])}"
        if i in verdicts
        else f"{html.escape(i)} (not found)"
        for i in ids
    )


def learning_section(log: pd.DataFrame | None, evaluations: list | None = None) -> Section | None:
    """The learning log, with what did not work beside what did, and the evidence each entry
    cites (an evaluation's verdict, linked to it)."""
    if log is None:
        return None
    verdicts = {ev.spec.id: _verdict_of(ev) for ev in evaluations or []}
    cites = "evaluations" in log and (log["evaluations"] != "").any()
    items = []
    for e in log.sort_values("date", na_position="last").itertuples():
        worked = html.escape(e.worked) or "—"
        failed = html.escape(e.did_not_work) or "—"
        why = f" <em>Why:</em> {html.escape(e.why)}" if e.why else ""
        evidence = f"<td>{_evidence_cell(e.evaluations, verdicts) or '—'}</td>" if cites else ""
        items.append(
            f"<tr><td>{e.date or ''}</td><td>{html.escape(e.tried)}</td><td>{html.escape(e.happened)}</td>"
            f"<td>{worked}</td><td>{failed}{why}</td>{evidence}</tr>"
        )
    n_fail = int((log["did_not_work"] != "").sum())
    body = (
        f"<p>{len(log)} entries; {n_fail} record what did not work, and why. We report challenges as much as success.</p>"
        "<div class='table-wrap'><table><caption>Learning log</caption><thead><tr><th scope='col'>Date</th>"
        "<th scope='col'>What we tried</th><th scope='col'>What happened</th><th scope='col'>What worked</th>"
        f"<th scope='col'>What did not, and why</th>"
        + ("<th scope='col'>Evidence</th>" if cites else "")
        + f"</tr></thead><tbody>{''.join(items)}</tbody></table></div>"
    )
    return Section("learning", "What we learned", body)


def _units(unit: str) -> str:
    """A difference of percentages is in percentage points."""
    return "percentage points" if unit.strip() == "%" else unit


def _interval(est) -> str:
    return f"{est.estimate:+.2f} (95% CI {est.lowercl:+.2f} to {est.uppercl:+.2f})"


#: What a difference-in-differences verdict means, in a sentence.
DID_WORDS = {
    "improved": "The targeted areas improved more than the comparison areas.",
    "worsened": "The targeted areas fared worse than the comparison areas.",
    "no evidence of change": "No evidence that the targeted areas changed differently from "
    "the comparison areas.",
}


def _area_evidence(ev) -> list[str]:
    """One area evaluation: the estimate in words, the check, what it assumes, and the chart."""
    e = html.escape
    spec, est, second = ev.spec, ev.estimate, ev.second
    units = e(_units(ev.unit))
    parts = [f"<h3 id='ev-{e(spec.id)}'>{e(spec.id)}: {e(spec.title)}</h3>"]
    link = f" Evaluates action {e(spec.action)}." if spec.action else ""
    link += f" Framework measure: {e(spec.measure)}." if spec.measure else ""
    better = "higher" if ev.higher_is_better else "lower"
    if spec.design == "difference-in-differences":
        parts.append(
            f"<p>{e(ev.indicator_title)} ({better} is better) in the {ev.targeted} targeted "
            f"LSOAs against {e(ev.comparison_text)}, from {e(spec.start)}.{link}</p>"
            f"<p><strong>{e(DID_WORDS.get(est.verdict, est.verdict))}</strong> The change in the "
            "targeted areas after the action, minus the change in the comparison areas, is "
            f"{_interval(est)} {units}.</p>"
        )
        if second is not None:
            parts.append(
                f"<p>Before the action the difference in slopes was {_interval(second)} {units} "
                f"per period: {e(second.verdict)}. {e(second.assumption)}</p>"
            )
    else:
        step, slope = est, second
        parts.append(
            f"<p>{e(ev.indicator_title)} ({better} is better) across {ev.targeted} LSOAs, "
            f"around {e(spec.start)}.{link}</p>"
            f"<p>Level change at the start: {_interval(step)} {units}, <strong>{e(step.verdict)}"
            f"</strong>. Change in slope per period: {_interval(slope)} {units}, "
            f"<strong>{e(slope.verdict)}</strong>.</p>"
        )
    parts.append(f"<p class='note'>Assumes: {e(est.assumption)}</p>")
    parts += [f"<p class='note'>{e(n)}</p>" for n in ev.notes]
    trends = ev.trends
    alt = "; ".join(
        f"{series} {p}: {v:.1f}"
        for series, p, v in zip(trends["series"], trends["period"], trends["value"], strict=True)
    )
    parts.append(
        figure(
            _trends_chart(trends, spec.start, f"{ev.indicator_title} ({ev.unit})".strip()),
            "Mean across the areas by period; the dashed line is where the action began."
            + (" Lines that run alike before it make the comparison fairer."
               if spec.design == "difference-in-differences" else ""),
            f"{ev.indicator_title} by period. {alt}.",
        )
    )  # fmt: skip
    return parts


def _trends_chart(trends: pd.DataFrame, start: str, ylabel: str) -> str:
    import matplotlib.pyplot as plt

    periods = sorted(trends["period"].astype(str).unique())
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    styles = {"targeted": ("#7b3294", "o"), "comparison": ("#878787", "s"),
              "observed": ("#1f4e79", "o")}  # fmt: skip
    for series, part in trends.groupby("series"):
        colour, marker = styles.get(series, ("#333333", "o"))
        x = [periods.index(str(p)) for p in part["period"]]
        ax.plot(x, part["value"], marker=marker, color=colour, label=f"{series} areas"
                if series != "observed" else "observed")  # fmt: skip
    if str(start) in periods:
        ax.axvline(periods.index(str(start)) - 0.5, color="#333333", linestyle="--", linewidth=1)
    ax.set_xticks(range(len(periods)), periods, fontsize=7)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(frameon=False, fontsize=7)
    ax.grid(axis="y", color="#eeeeee")
    return charts.to_svg(fig)


def gradient_table(gradients: pd.DataFrame | None, titles: dict[str, str]) -> str:
    """Is the gradient flattening? One row per indicator with the SII in two periods or more."""
    if gradients is None or gradients.empty:
        return ""

    def ci(v, lo, hi) -> str:
        return "–" if v != v else f"{v:+.2f} ({lo:+.2f} to {hi:+.2f})"

    g = gradients
    show = pd.DataFrame(
        {
            "Indicator": [titles.get(i, i) for i in g["indicator_id"]],
            "Periods": [f"{a}–{b} ({n})" for a, b, n in
                        zip(g["first_period"], g["latest_period"], g["periods"], strict=True)],
            "SII first": g["sii_first"],
            "SII latest": g["sii_latest"],
            "Change (95% CI)": [ci(*r) for r in zip(g["sii_change"], g["sii_change_lowercl"],
                                                   g["sii_change_uppercl"], strict=True)],
            "Trend per period (95% CI)": [ci(*r) for r in zip(g["sii_trend"], g["sii_trend_lowercl"],
                                                             g["sii_trend_uppercl"], strict=True)],
            "Absolute gradient": g["verdict"],
            "RII latest ÷ first": g["rii_ratio"],
            "Relative gradient": g["relative_verdict"].replace("", "–"),
        }
    )  # fmt: skip
    notes = sorted({n for n in g["note"] if n})
    return (
        "<p>The slope index of inequality (SII: the gap across the whole deprivation range) "
        "in each period, its change from the first period to the "
        "latest, and its trend per period (each period weighted by its precision). Narrowing "
        "means the gradient moved towards none with an interval clear of no change.</p>"
        + table_html(show, "Is the gradient flattening?", {"RII latest ÷ first": "{:.2f}".format})
        + "".join(f"<p class='note'>{html.escape(n)}</p>" for n in notes)
    )


def evidence_section(
    evaluations: list,
    gradients: pd.DataFrame | None = None,
    titles: dict[str, str] | None = None,
    learning: pd.DataFrame | None = None,
) -> Section | None:
    """ "What the evidence says": each evaluation's result, nulls and negatives as prominent as
    successes, attrition beside every programme figure, whether each gradient is flattening, and
    the learning-log entries that cite each evaluation."""
    gradient = gradient_table(gradients, titles or {})
    if not evaluations and not gradient:
        return None
    parts = [
        "<p>A result is reported as it is: no evidence of change, and getting worse, are shown "
        "as plainly as improvement. Programme evaluations compare the same people before and "
        "after on a validated scale, with who completed follow-up beside every figure, because "
        "drop-out is where evaluations mislead. Area evaluations ask whether an indicator "
        "changed more where the place acted than elsewhere, and say what they assume.</p>"
    ]
    for ev in evaluations:
        if hasattr(ev, "estimate"):
            parts += _area_evidence(ev)
        else:
            parts += _programme_evidence(ev)
        parts += _cited_by(ev.spec.id, learning)
    if gradient:
        parts.append("<h3>Is the gradient flattening?</h3>" + gradient)
    return Section("evidence", "What the evidence says", "\n".join(parts))


def _cited_by(ev_id: str, learning: pd.DataFrame | None) -> list[str]:
    if learning is None or "evaluations" not in learning:
        return []
    cites = learning[
        learning["evaluations"].map(lambda v: ev_id in [c.strip() for c in str(v).split(",")])
    ]
    if cites.empty:
        return []
    return [
        "<p class='note'>Cited in the learning log: "
        + "; ".join(
            f"{html.escape(r.entry_id)} ({html.escape(r.tried)})" for r in cites.itertuples()
        )
        + ".</p>"
    ]


def _two_shares(meaningful: float, reliable: float) -> str:
    """``55% / 15%``: a share suppressed for small numbers shows as –."""
    return " / ".join("–" if v != v else percent(v, 0) for v in (meaningful, reliable))


def _programme_evidence(ev) -> list[str]:
    e = html.escape
    parts = []
    spec, res = ev.spec, ev.result
    inst = res.instrument
    link = f" Evaluates action {e(spec.action)}." if spec.action else ""
    link += f" Framework measure: {e(spec.measure)}." if spec.measure else ""
    parts.append(f"<h3 id='ev-{e(spec.id)}'>{e(spec.id)}: {e(spec.title)}</h3>")
    parts.append(
        f"<p>{e(inst.title)}{' (' + e(spec.item) + ')' if spec.item else ''}; "
        f"{'higher' if inst.higher_is_better else 'lower'} is better; a change of "
        f"{inst.meaningful_change:g} or more counts as meaningful ({e(inst.meaningful_change_source)}).{link}</p>"
    )
    table = res.results.assign(
        who=lambda d: ["Everyone" if g == "all" else f"{g.replace('_', ' ')}: {lv}"
                       for g, lv in zip(d["group"], d["level"], strict=True)],
        interval=lambda d: [
            "–" if lo != lo else f"{lo:+.2f} to {hi:+.2f}"
            for lo, hi in zip(d["lowercl"], d["uppercl"], strict=True)
        ],
        better=lambda d: [_two_shares(a, b) for a, b in
                          zip(d["share_improved"], d["share_reliably_improved"], strict=True)],
        worse=lambda d: [_two_shares(a, b) for a, b in
                         zip(d["share_deteriorated"], d["share_reliably_deteriorated"], strict=True)],
        against=lambda d: [
            "–" if v != v else f"{v:+.2f} ({lo:+.2f} to {hi:+.2f})"
            for v, lo, hi in zip(d["followup_vs_norm"], d["norm_lowercl"], d["norm_uppercl"],
                                 strict=True)
        ],
    )  # fmt: skip
    columns = ["who", "started", "completed", "completion", "mean_change", "interval",
               "effect_size", "better", "worse", "verdict"]  # fmt: skip
    if table["followup_vs_norm"].notna().any():
        columns.insert(-1, "against")
    show = table[columns]
    parts.append(
        table_html(
            show.rename(
                columns={
                    "who": "Who",
                    "started": "Started",
                    "completed": "Completed",
                    "completion": "Completed (%)",
                    "mean_change": "Mean change",
                    "interval": "95% CI",
                    "effect_size": "Effect size (d)",
                    "better": "Better: meaningfully / reliably",
                    "worse": "Worse: meaningfully / reliably",
                    "verdict": "What it shows",
                    "against": "Follow-up against the norm (95% CI)",
                }
            ),
            f"{spec.id}: change from baseline to follow-up",
            {
                "Started": "{:,.0f}".format,
                "Completed": "{:,.0f}".format,
                "Completed (%)": lambda v: percent(v, 0),
                "Mean change": "{:+.2f}".format,
                "Effect size (d)": "{:+.2f}".format,
            },
        )  # fmt: skip
    )
    parts += [f"<p class='note'>{e(n)}</p>" for n in [*res.notes, *res.explanations]]
    return parts


def summary_section(summary: ProgressSummary) -> Section:
    """The one-page summary: gaps, how the indicators stand, delivery, money and lessons."""
    e = html.escape
    items = [f"<li>Report date: {summary.on:%d %B %Y}.</li>"]
    for g in summary.gaps:
        where = "higher" if g.higher_in_most_deprived else "lower"
        low, high = sorted((abs(g.lowercl), abs(g.uppercl)))
        items.append(
            f"<li><strong>{e(g.indicator)}</strong> ({e(g.period)}) is {g.sii:,.1f} {e(g.units)} {where} at the "
            "most deprived end of the place than at the least deprived (slope index of inequality; "
            f"95% CI {low:,.1f} to {high:,.1f}).</li>"
        )
    if summary.verdicts:
        total = sum(summary.verdicts.values())
        order = ["worse", "similar", "better", "higher", "lower", "not compared"]
        said = [f"{summary.verdicts[k]} {k}" for k in order if summary.verdicts.get(k)]
        against = " and ".join(e(c) for c in summary.comparators) or "no comparator"
        items.append(
            f"<li>Of {plural(total, 'indicator')}: {e(', '.join(said))} (against {against}).</li>"
        )
    if summary.worse_and_worsening:
        items.append(
            "<li><strong>Worse than the comparator and getting worse:</strong> "
            f"{e('; '.join(summary.worse_and_worsening))}.</li>"
        )
    elif summary.verdicts:
        items.append("<li>No indicator is both worse than its comparator and getting worse.</li>")
    if summary.rag is not None:
        total = sum(summary.rag.values())
        counts = ", ".join(f"{n} {k}" for k, n in summary.rag.items())
        late = f" Late: {e('; '.join(summary.late))}." if summary.late else ""
        slipped = (
            f" {plural(summary.slipped, 'milestone')} slipped since the last report."
            if summary.slipped
            else ""
        )
        items.append(f"<li>Action plan: {plural(total, 'action')}, {counts}.{late}{slipped}</li>")
    if summary.allocation is not None:
        d = summary.allocation.sort_values("decile")
        most, least = d.iloc[0], d.iloc[-1]
        items.append(
            f"<li>Allocation of £{summary.budget:,.0f}: £{most['per_head']:,.2f} a head in national "
            f"IMD decile {int(most['decile'])} (the most deprived here) against "
            f"£{least['per_head']:,.2f} in decile {int(least['decile'])}.</li>"
        )
    if summary.did_not_work:
        items.append(
            "<li><strong>What did not work:</strong> "
            f"{e('; '.join(t.rstrip('.') for t in summary.did_not_work))}.</li>"
        )
    items += [f"<li>{e(s)}</li>" for s in summary.deprivation]
    body = "<ul class='headlines'>" + "".join(i for i in items if i) + "</ul>"
    return Section("summary", "Summary", body)


def problems_section(messages: list[str]) -> Section | None:
    """Rows set aside or needing attention, listed rather than hidden."""
    if not messages:
        return None
    items = "".join(f"<li>{html.escape(m)}</li>" for m in messages)
    return Section(
        "input-problems",
        "Problems found in the inputs",
        f"<p>These rows were set aside or need attention; everything else is in the report.</p><ul>{items}</ul>",
    )


def write_pdf(text: str, target, base):
    """Render report HTML to PDF with WeasyPrint (page numbers and contents come from the CSS)."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise FairerError(
            f"PDF needs WeasyPrint and its system libraries (Pango): {exc}. The HTML report was written; "
            "print it to PDF from a browser, or install Pango (Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
        ) from None
    with atomic_path(target) as tmp:
        weasyprint.HTML(string=text, base_url=str(base)).write_pdf(tmp)
    return target
