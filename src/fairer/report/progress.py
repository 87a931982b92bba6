"""The progress report: one command, a cabinet-ready document for a reporting period.

``fairer report PLACE --period 2026-H1 [--pdf]`` gathers what the place has: the deprivation
headlines, the framework scorecard with direction of travel, gaps, the rug (a print version),
priority areas and allocation, the action plan's RAG and slippage with what changed since the
last report, impact assessments and reviews due, and the learning log with challenges beside
successes. Inputs with problems are listed, not hidden. HTML is self-contained; the PDF
(WeasyPrint) has page numbers and a contents list with page references.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from fairer.delivery.actions import (
    RAG_COLOURS,
    RAG_ORDER,
    changes_between,
    rag_status,
    read_action_plan,
    slipped_milestones,
)
from fairer.delivery.dates import period_end
from fairer.delivery.impact import read_assessment, register
from fairer.delivery.impact import template as impact_template
from fairer.delivery.learning import read_learning_log
from fairer.errors import FairerError
from fairer.load import load_place_sources
from fairer.place import Place, load_place
from fairer.report import charts
from fairer.report.build import Report, Section, figure, table_html
from fairer.store import open_store
from fairer.tabular import atomic_path, write_table


@dataclass
class ProgressResult:
    html: Path
    pdf: Path | None
    messages: list[str] = field(default_factory=list)


def _rag_badge(rag: str) -> str:
    bg, fg = RAG_COLOURS.get(rag, ("#ffffff", "#1b1b1b"))
    return f'<span class="rag" style="background:{bg};color:{fg}">{html.escape(rag)}</span>'


def _plan_section(place: Place, on: date, messages: list[str]) -> Section | None:
    files = [s.path for s in place.sources if s.kind == "actions"]
    if not files:
        return None
    plan = read_action_plan(files[0])
    messages += plan.messages
    actions, areas, ms = rag_status(plan, on)
    parts = [
        f"<p>Status on {on:%d %B %Y}. Late: due and not done; at risk: due within 30 days or flagged; "
        "on track; done.</p>"
    ]
    counts = actions["rag"].value_counts()
    parts.append(
        "<p>" + " ".join(f"{_rag_badge(r)} {int(counts.get(r, 0))}" for r in RAG_ORDER) + "</p>"
    )
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
    history = place.folder / "history"
    earlier = sorted(
        p for p in history.glob("actions_*.parquet") if p.stem.split("_", 1)[1] < on.isoformat()
    )
    snapshot = actions[["action_id", "rag"]].merge(
        ms[["action_id", "milestone_id", "milestone", "due"]], on="action_id", how="left"
    )
    if earlier:
        before = pd.read_parquet(earlier[-1])
        before["due"] = [
            d.date() if hasattr(d, "date") else d for d in pd.to_datetime(before["due"])
        ]
        change = changes_between(before.drop_duplicates("action_id"), actions[["action_id", "rag"]])
        slipped = slipped_milestones(before.dropna(subset=["milestone_id"]), ms)
        since = earlier[-1].stem.split("_", 1)[1]
        moved = change[change["change"] != "same"]
        parts.append(f"<h3>Since the last report ({since})</h3>")
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
    write_table(
        snapshot.assign(due=snapshot["due"].astype(str)),
        history / f"actions_{on.isoformat()}.parquet",
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


def _assessment_section(place: Place, on: date, messages: list[str]) -> Section | None:
    files = [s.path for s in place.sources if s.kind == "assessment"]
    if not files:
        return None
    assessments = []
    for f in files:
        a = read_assessment(f)
        messages += a.messages
        assessments.append(a)
    reg = register(assessments, on)
    questions = {
        q["id"]: q["question"]
        for stage in ("prepare", "refine", "review")
        for q in impact_template().get(stage, [])
        if "id" in q
    }
    parts = [
        table_html(
            reg.rename(columns={"negative_impacts": "negative impacts"}),
            "Register of inequality impact assessments",
        )
    ]
    for a in assessments:
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


def _learning_section(place: Place, messages: list[str]) -> Section | None:
    files = [s.path for s in place.sources if s.kind == "learning"]
    if not files:
        return None
    log, msgs = read_learning_log(files[0])
    messages += msgs
    items = []
    for e in log.sort_values("date", na_position="last").itertuples():
        worked = html.escape(e.worked) or "—"
        failed = html.escape(e.did_not_work) or "—"
        why = f" <em>Why:</em> {html.escape(e.why)}" if e.why else ""
        items.append(
            f"<tr><td>{e.date or ''}</td><td>{html.escape(e.tried)}</td><td>{html.escape(e.happened)}</td>"
            f"<td>{worked}</td><td>{failed}{why}</td></tr>"
        )
    n_fail = int((log["did_not_work"] != "").sum())
    body = (
        f"<p>{len(log)} entries; {n_fail} record what did not work, and why. We report challenges as much as success.</p>"
        "<div class='table-wrap'><table><caption>Learning log</caption><thead><tr><th scope='col'>Date</th>"
        "<th scope='col'>What we tried</th><th scope='col'>What happened</th><th scope='col'>What worked</th>"
        f"<th scope='col'>What did not, and why</th></tr></thead><tbody>{''.join(items)}</tbody></table></div>"
    )
    return Section("learning", "What we learned", body)


def progress_report(place_dir: str | Path, period: str, pdf: bool = False) -> ProgressResult:
    """Write ``progress_<period>.html`` (and ``.pdf``) in the place's output folder.

    Raises
    ------
    FairerError
        Bad period, or a PDF asked for without WeasyPrint's system libraries.
    """
    from fairer.pipeline import _framework_sections
    from fairer.profile import deprivation_profile, national_data
    from fairer.profile.deprivation import lead_edition
    from fairer.report.deprivation import deprivation_section, geometry_from_store
    from fairer.report.targeting import targeting_section

    try:
        on = period_end(period)
    except ValueError as exc:
        raise FairerError(
            f"period '{period}': {exc} (use 2026-H1, 2026-Q3, 2026 or a date)"
        ) from None
    place = load_place(place_dir)
    load = load_place_sources(place)
    messages = list(load.messages)
    rep = Report(
        title=f"{place.name}: progress report, {period}",
        place_name=place.name,
        synthetic=place.synthetic,
    )
    store = open_store(place.store_path)
    try:
        ed = lead_edition(store, place.geography_year)
        lead = (
            deprivation_profile(national_data(store, ed), place.la_codes, place.name)
            if ed
            else None
        )
        framework = _framework_sections(place, store, static_rug=True)
        attributions = list(
            store.query("SELECT DISTINCT attribution FROM sources WHERE attribution IS NOT NULL")[
                "attribution"
            ]
        )
        geom = geometry_from_store(store, "lsoa", lead.lsoa_year) if lead else None
    finally:
        store.close()
    summary = [f"<li>Report date: {on:%d %B %Y}.</li>"]
    if lead:
        summary += [f"<li>{s}</li>" for s in lead.headline_sentences()[:2]]
    plan = _plan_section(place, on, messages)
    assessments = _assessment_section(place, on, messages)
    learning = _learning_section(place, messages)
    rep.add(Section("summary", "Summary", "<ul class='headlines'>" + "".join(summary) + "</ul>"))
    for s in framework:
        rep.add(s)
    where = targeting_section(place)
    for s in (where, plan, assessments, learning):
        if s is not None:
            rep.add(s)
    if lead:
        rep.add(deprivation_section(lead, geom))
    if messages:
        items = "".join(f"<li>{html.escape(m)}</li>" for m in messages)
        rep.add(
            Section(
                "input-problems",
                "Problems found in the inputs",
                f"<p>These rows were set aside or need attention; everything else is in the report.</p><ul>{items}</ul>",
            )
        )
    rep.attributions = attributions
    out = place.output_dir / f"progress_{period}.html"
    rep.write(out)
    pdf_path = None
    if pdf:
        pdf_path = _write_pdf(rep.render(), out.with_suffix(".pdf"), place.output_dir)
    return ProgressResult(out, pdf_path, messages)


def _write_pdf(text: str, target: Path, base: Path) -> Path:
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
