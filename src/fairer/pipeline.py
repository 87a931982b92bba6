"""The commands' one path: settings → load → jobs → results → publish → render.

Each function here is what one CLI command (and the hub) runs, and each walks the path once:

1. :func:`fairer.context.open_place` reads ``place.toml`` into typed settings, opens the
   store and loads the sources — once;
2. jobs take the context and return typed results (they never write or render);
3. :func:`fairer.publish.protect` applies disclosure control to every table of every result,
   and :func:`fairer.publish.write_outputs` writes the tables;
4. the report modules render the *protected* results into HTML/PDF.

Nothing climbs back: no job reopens the store, no report runs a job.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from fairer import feedback
from fairer.context import PlaceContext, open_place
from fairer.disclosure import DEFAULT_THRESHOLD
from fairer.errors import FairerError
from fairer.framework.results import PlaceResults, has_indicators, place_results
from fairer.load import LoadReport
from fairer.mortality.jobs import mortality_results
from fairer.place import Place, TargetingSettings
from fairer.profile import DeprivationChange, DeprivationProfile, deprivation_change
from fairer.profile import deprivation_profile as build_profile
from fairer.publish import FORMATS, check_formats, protect, write_outputs
from fairer.report import Report
from fairer.sources.boundaries import ATTRIBUTION as BOUNDARY_ATTRIBUTION
from fairer.store import queries
from fairer.tabular import atomic_path, clean_stale_temporaries, write_table
from fairer.wording import areas_word

__all__ = [
    "FORMATS",
    "ProfileResult",
    "ProfileResults",
    "ProgressResult",
    "VoicesReport",
    "allocate_command",
    "life_expectancy_place",
    "neighbours_place",
    "assets_command",
    "priorities_command",
    "profile_place",
    "profile_results",
    "progress_report",
    "rug_place",
    "voices_report",
]


# -- jobs the reports share -------------------------------------------------------------------


@dataclass
class ProfileResults:
    """The deprivation profile job's result: one profile per edition, and the change."""

    profiles: dict[int, DeprivationProfile]
    change: DeprivationChange | None
    lead: int
    geometry: dict[int, pd.DataFrame] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table ``fairer profile`` writes, by name."""
        out: dict[str, pd.DataFrame] = {}
        for ed, p in self.profiles.items():
            for name, df in p.tables().items():
                out[f"iod{ed}_{name}"] = df
        out["headlines"] = pd.DataFrame(
            [(f"IoD{ed}", s) for ed, p in self.profiles.items() for s in p.headline_sentences()],
            columns=["edition", "headline"],
        )
        if self.change is not None:
            out["change_summary"] = self.change.summary
            out["change_lsoas"] = self.change.lsoas
        return out


def profile_results(ctx: PlaceContext) -> ProfileResults:
    """The deprivation profile job: every IoD edition the place holds, and 2019 → 2025 change.

    Parameters
    ----------
    ctx : PlaceContext

    Returns
    -------
    ProfileResults

    Raises
    ------
    FairerError
        If the place has no IoD data.

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> with open_place(example_place()) as ctx:
    ...     results = profile_results(ctx)
    >>> sorted(results.profiles), results.lead
    ([2025], 2025)
    """
    place = ctx.place
    editions = ctx.editions
    if not editions:
        raise FairerError("no IoD data in the place's sources", path=place.folder / "place.toml")
    profiles = {ed: build_profile(ctx.national(ed), place.la_codes, place.name) for ed in editions}
    change = None
    if 2019 in profiles and 2025 in profiles:
        bridge = queries.bridge(ctx.store)
        if not bridge.empty:
            change = deprivation_change(profiles[2019], profiles[2025], bridge)
    geometry = {
        p.lsoa_year: queries.geometry(ctx.store, "lsoa", p.lsoa_year) for p in profiles.values()
    }
    return ProfileResults(profiles, change, ctx.lead_edition, geometry)


@dataclass
class PlaceReportInputs:
    """Every result the place report renders (already protected when it reaches a renderer)."""

    profile: ProfileResults
    framework: PlaceResults | None
    targeting: object | None
    voices: object | None
    attributions: list[str]
    mortality: object | None = None


def _report_inputs(ctx: PlaceContext) -> PlaceReportInputs:
    # once per context: the hub's publish writes the place report and the progress report
    return ctx.once("report_inputs", _compute_report_inputs)


def _compute_report_inputs(ctx: PlaceContext) -> PlaceReportInputs:
    from fairer.targeting.place import targeting_results

    mortality = ctx.once("mortality", mortality_results)  # before the framework: it reuses it
    return PlaceReportInputs(
        profile=profile_results(ctx),
        framework=place_results(ctx, "ward") if has_indicators(ctx) else None,
        targeting=ctx.once("targeting", targeting_results),
        voices=_consultation_summary(ctx),
        attributions=queries.attributions(ctx.store),
        mortality=mortality,
    )


def _consultation_summary(ctx: PlaceContext):
    place = ctx.place
    if not (place.folder / "voices" / "voices.toml").exists():
        return None
    from fairer.voices.summary import consultation_summary
    from fairer.voices.workspace import open_consultation

    cons = open_consultation(place.folder, place=place, store=ctx.store)
    summary = consultation_summary(cons)
    return None if summary.empty else summary


# -- staging: a failing command leaves no partial outputs -------------------------------------


@contextmanager
def _staged(out_dir: Path):
    """A staging folder whose files move into ``out_dir`` only if the block succeeds."""
    out_dir.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(out_dir)  # what a killed earlier run left behind
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    try:
        yield stage
        for f in sorted(stage.rglob("*")):
            if f.is_file():
                target = out_dir / f.relative_to(stage)
                target.parent.mkdir(parents=True, exist_ok=True)
                f.replace(target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _moved(paths: dict[str, Path], stage: Path, out_dir: Path) -> dict[str, Path]:
    return {k: out_dir / Path(p).relative_to(stage) for k, p in paths.items()}


# -- fairer profile ---------------------------------------------------------------------------


@dataclass
class ProfileResult:
    """What :func:`profile_place` made: protected results and the files written."""

    place: Place
    load: LoadReport
    profiles: dict[int, DeprivationProfile]
    change: DeprivationChange | None
    tables: dict[str, Path] = field(default_factory=dict)
    report: Path | None = None
    progress: object | None = None  # the demo's ProgressResult
    voices: object | None = None  # the demo's VoicesReport
    messages: list[str] = field(default_factory=list)  # rows set aside, parts left out


def _opened(place_dir, ctx: PlaceContext | None):
    """The context given (left open for its owner), or the place opened for this call."""
    return nullcontext(ctx) if ctx is not None else open_place(place_dir)


def profile_place(
    place_dir: str | Path,
    formats: tuple[str, ...] = ("csv", "xlsx"),
    report: bool = True,
    ctx: PlaceContext | None = None,
) -> ProfileResult:
    """Load a place's sources, profile deprivation for every IoD edition it has, write outputs.

    Parameters
    ----------
    place_dir : path-like
        A folder made by ``fairer init``.
    formats : tuple of {'csv', 'parquet', 'xlsx'}
        Table formats to write into ``<place>/output/``. XLSX is one workbook with a sheet per table.
    report : bool
        Also write ``<place>/output/report.html``.
    ctx : PlaceContext, optional
        An open context to reuse (its results are shared with other writers); by default the
        place is opened and closed here.

    Returns
    -------
    ProfileResult

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> result = profile_place(example_place(), formats=("csv",))
    >>> sorted(result.profiles), result.report.name
    ([2025], 'report.html')
    """
    check_formats(formats)
    with feedback.step("Preparing the profile"), _opened(place_dir, ctx) as ctx:
        place = ctx.place
        with feedback.step("Profiling deprivation and computing the framework"):
            inputs = _report_inputs(ctx) if report else None
            profile = inputs.profile if inputs else profile_results(ctx)
        load = ctx.load
    threshold = place.disclosure_threshold
    published = protect(profile, threshold)
    out = place.output_dir
    shown = protect(inputs, threshold) if inputs is not None else None
    framework = shown.framework if shown is not None else None
    with _staged(out) as stage:
        written = write_outputs(
            published.tables(), stage, formats, workbook="deprivation_profile.xlsx"
        )
        written.update(_write_exports(published, framework, stage))
        if shown is not None and shown.targeting is not None:
            written.update(write_outputs(_targeting_tables(shown.targeting), stage, formats,
                                         workbook="targeting.xlsx"))  # fmt: skip
        if shown is not None and shown.mortality is not None:
            written.update(write_outputs(shown.mortality.tables(), stage, formats,
                                         workbook="life_expectancy.xlsx"))  # fmt: skip
        report_path = None
        if shown is not None:
            with feedback.step("Writing the report"):
                rendered = render_place_report(place, shown)
                report_path = rendered.write(stage / "report.html")
    result = ProfileResult(place, load, published.profiles, published.change)
    result.messages = (
        list(load.messages)
        + list(getattr(inputs.targeting, "messages", []) if inputs else [])
        + list(getattr(inputs.mortality, "messages", []) if inputs else [])
    )
    result.tables = _moved(written, stage, out)
    result.report = out / "report.html" if report_path else None
    return result


def _targeting_tables(targeting) -> dict[str, pd.DataFrame]:
    """Where and for whom, as published tables: priorities, need, allocation, asset access."""
    tables = dict(targeting.priorities.tables())
    for name in ("allocation_ward", "allocation_lsoa"):
        if getattr(targeting, name) is not None:
            tables[name] = getattr(targeting, name).table
    if targeting.assets is not None:
        tables["asset_access"] = targeting.assets.summary
    return tables


def _write_exports(profile: ProfileResults, framework, stage: Path) -> dict[str, Path]:
    """The Power BI table (CSV and Parquet) and the GIS layers, from published results."""
    from fairer.exports import gis_layers, indicator_table
    from fairer.publish import write_layers

    written: dict[str, Path] = {}
    if framework is not None:
        written.update(
            write_outputs(
                {"indicator_results": indicator_table(framework)}, stage, ("csv", "parquet")
            )  # fmt: skip
        )
    layers = gis_layers(profile, framework)
    if layers:
        written["place_results.gpkg"] = write_layers(layers, stage / "place_results.gpkg")
    return written


def render_place_report(place: Place, inputs: PlaceReportInputs) -> Report:
    """The place report from protected results: deprivation, framework, targeting, voices."""
    from fairer.report.deprivation import change_section, deprivation_section
    from fairer.report.framework import framework_sections
    from fairer.report.mortality import mortality_section
    from fairer.report.targeting import targeting_section
    from fairer.report.voices import voices_section

    rep = Report(
        title=f"{place.name}: inequalities profile",
        place_name=place.name,
        synthetic=place.synthetic,
    )
    prof = inputs.profile
    order = [prof.lead] + [e for e in sorted(prof.profiles, reverse=True) if e != prof.lead]
    boundaries = []
    for ed in order:
        p = prof.profiles[ed]
        geom = prof.geometry.get(p.lsoa_year)
        rep.add(deprivation_section(p, geom))
        if geom is not None and not geom.empty:
            boundaries.append(BOUNDARY_ATTRIBUTION)
    if prof.change is not None:
        rep.add(change_section(prof.change, 2019, 2025))
    for section in framework_sections(inputs.framework):
        rep.add(section)
    if inputs.mortality is not None:
        rep.add(mortality_section(inputs.mortality))
    for section in (targeting_section(inputs.targeting), voices_section(inputs.voices)):
        if section is not None:
            rep.add(section)
    rep.attributions = inputs.attributions + boundaries
    return rep


# -- fairer life-expectancy and fairer neighbours -------------------------------------------


def life_expectancy_place(
    place_dir: str | Path, formats: tuple[str, ...] = ("csv", "xlsx")
) -> tuple[object, dict[str, Path], LoadReport]:
    """Life expectancy where the place's people live, from its deaths extract: the tables.

    Parameters
    ----------
    place_dir : path-like
        A folder made by ``fairer init`` whose sources include a deaths extract.
    formats : tuple of {'csv', 'parquet', 'xlsx'}

    Returns
    -------
    (MortalityResults, dict of written paths, LoadReport)
        The published (protected) results.

    Raises
    ------
    FairerError
        No deaths extract among the place's sources, or a bad one (its row and column).

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> res, paths, _ = life_expectancy_place(example_place(), formats=("csv",))
    >>> res.period, "life_expectancy.csv" in paths
    ('2019-2023', True)
    """
    check_formats(formats)
    with feedback.step("Computing life expectancy"), open_place(place_dir) as ctx:
        place, load = ctx.place, ctx.load
        raw = mortality_results(ctx)
    if raw is None:
        raise FairerError(
            "no deaths extract among the place's sources (`fairer detect FOLDER` shows "
            "which files fairer recognises)",
            path=place.folder / "place.toml",
        )
    res = protect(raw, place.disclosure_threshold)
    with _staged(place.output_dir) as stage:
        written = write_outputs(res.tables(), stage, formats, workbook="life_expectancy.xlsx")
    return res, _moved(written, stage, place.output_dir), load


def neighbours_place(
    place_dir: str | Path,
    level: str = "lad",
    k: int = 15,
    variables: list[str] | None = None,
    formats: tuple[str, ...] = ("csv",),
) -> tuple[pd.DataFrame, dict[str, Path]]:
    """The place's statistical neighbours (or its wards' or LSOAs'): the table.

    Parameters
    ----------
    place_dir : path-like
    level : {'lad', 'ward', 'lsoa'}
    k : int
        Neighbours per area.
    variables : list of str, optional
        Variables (``name`` or ``name:weight``); default deprivation, age structure,
        population and, where boundaries are held, density.
    formats : tuple of {'csv', 'parquet', 'xlsx'}

    Returns
    -------
    (DataFrame, dict of written paths)

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> table, paths = neighbours_place(example_place(), "ward", k=2)
    >>> paths["csv"].name, int(table["rank"].max())
    ('neighbours_ward.csv', 2)
    """
    from fairer.profile.neighbours import similar_places

    check_formats(formats)
    weights = None
    if variables:
        weights = {}
        for v in variables:
            name, _, w = v.partition(":")
            try:
                weights[name.strip()] = float(w) if w else 1.0
            except ValueError:
                raise FairerError(f"variable weight '{v}' is not name:number") from None
    with feedback.step("Finding similar places"), open_place(place_dir) as ctx:
        place = ctx.place
        table = similar_places(ctx, level, k, weights)
    with _staged(place.output_dir) as stage:
        written = write_outputs({f"neighbours_{level}": table}, stage, formats)
    moved = _moved(written, stage, place.output_dir)
    return table, {Path(p).suffix.lstrip("."): p for p in moved.values()}


# -- fairer rug -------------------------------------------------------------------------------

RUG_FORMATS = ("csv", "xlsx", "parquet", "html", "png", "pdf")


def rug_place(
    place_dir: str | Path,
    level: str = "ward",
    benchmark: str | None = None,
    framework: str | None = None,
    formats: tuple[str, ...] = ("csv", "xlsx", "html", "png"),
) -> tuple[PlaceResults, dict[str, Path], LoadReport]:
    """Load the place's data and write its tartan rug (and scorecard and gaps tables).

    Parameters
    ----------
    place_dir : path-like
        A folder made by ``fairer init``.
    level : {'ward', 'lsoa', 'lad'}
        The rug's rows: the place's wards or LSOAs, or the authorities of its region.
    benchmark : {'england', 'region', 'group', 'place'}, optional
        Default: the place's ``[comparators] benchmark``.
    framework : str, optional
        A template name or framework file; default: the place's.
    formats : tuple
        Any of csv, xlsx, parquet (one row per cell), html (interactive), png and pdf (print).

    Returns
    -------
    (PlaceResults, dict of written paths, LoadReport)
        The results are the published (protected) ones.

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> res, paths, _ = rug_place(example_place(), formats=("csv",))
    >>> paths["csv"].name, res.rug.cells["area_code"].nunique()
    ('rug_ward.csv', 20)
    """
    from fairer.report.rug import rug_payload, write_rug_html

    check_formats(formats, RUG_FORMATS)
    with feedback.step("Preparing the rug"), open_place(place_dir) as ctx:
        place, load = ctx.place, ctx.load
        with feedback.step(f"Computing the rug ({areas_word(level)})"):
            raw = place_results(ctx, level, benchmark, framework)
    res = protect(raw, place.disclosure_threshold)
    table = res.rug.rug_table()
    if table.empty:
        raise FairerError(
            "no indicator in the framework has data for this place; add indicator files to place.toml "
            "(fairer detect FOLDER shows which files fairer recognises)"
        )
    out, paths = place.output_dir, {}
    title = f"{place.name}: tartan rug ({areas_word(level)})"
    with _staged(out) as stage:
        for fmt in formats:
            target = stage / f"rug_{level}.{fmt}"
            if fmt in ("csv", "parquet"):
                paths[fmt] = write_table(table, target)
            elif fmt == "xlsx":
                paths[fmt] = write_outputs(
                    {"rug": table, "scorecard": res.scorecard(), "gaps": res.place.gaps},
                    stage,
                    ("xlsx",),
                    workbook=f"rug_{level}.xlsx",
                )["xlsx"]
            elif fmt == "html":
                names = ", ".join(table["benchmark_name"].dropna().unique()) or "benchmark"
                paths[fmt] = write_rug_html(
                    rug_payload(res.rug.cells, res.framework, title, names),
                    target,
                    synthetic=place.synthetic,
                )
            else:
                paths[fmt] = _write_rug_pages(res, title, target, fmt)
    return res, _moved(paths, stage, out), load


def _write_rug_pages(res, title: str, target: Path, fmt: str) -> Path:
    """The printed rug, every area on some page: one PDF of pages, or one PNG per page
    (``rug_ward.png``, ``rug_ward_2.png`` …)."""
    from fairer.report.rug import a4_bbox, rug_figures

    with feedback.step("Drawing the printed rug"):
        pages = rug_figures(res.rug.cells, res.framework, title)
    if fmt == "pdf":
        from matplotlib.backends.backend_pdf import PdfPages

        with atomic_path(target) as tmp, PdfPages(tmp) as pdf:
            for fig in pages:
                try:
                    pdf.savefig(fig, bbox_inches=a4_bbox(fig))
                except ValueError as exc:
                    raise FairerError(
                        f"{exc}: use the HTML rug, or a framework with fewer indicators, to see them all"
                    ) from None
        return target
    for k, fig in enumerate(pages, start=1):
        page = target if k == 1 else target.with_name(f"{target.stem}_{k}{target.suffix}")
        with atomic_path(page) as tmp:
            fig.savefig(tmp, format=fmt, dpi=200, bbox_inches="tight")
    return target


# -- fairer priorities | assets | allocate ----------------------------------------------------


@dataclass
class TargetingRun:
    """A targeting command's published result and the tables it wrote."""

    result: object
    tables: dict[str, Path]
    place: Place
    messages: list[str] = field(default_factory=list)


def priorities_command(
    place_dir: str | Path,
    settings: TargetingSettings | None = None,
    communities: str | Path | None = None,
    **overrides,
) -> TargetingRun:
    """``fairer priorities``: pick priority neighbourhoods and write their tables.

    Parameters
    ----------
    place_dir : path-like
        A folder made by ``fairer init``.
    settings : TargetingSettings, optional
        Default: the place's ``[targeting]``.
    communities : path-like, optional
        A CSV of ``area_code, community``.
    **overrides
        Single settings to replace (``count``, ``runs``, ``need``, ``pinned`` …).

    Returns
    -------
    TargetingRun
        The published :class:`~fairer.targeting.place.Priorities` and the tables written.

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> run = priorities_command(example_place(copy=True), count=2, runs=50)
    >>> len(run.result.picks), sorted(run.tables)
    (2, ['need_index.csv', 'priority_neighbourhoods.csv'])
    """
    from dataclasses import replace

    from fairer.targeting.place import priorities, save_run

    with open_place(place_dir) as ctx:
        cfg = replace(settings or ctx.place.targeting, **overrides)
        raw = priorities(ctx, cfg, communities)
        save_run(ctx, raw, communities=str(communities) if communities else None)
        place = ctx.place
    res = protect(raw, place.disclosure_threshold)
    with _staged(place.output_dir) as stage:
        paths = write_outputs(res.tables(), stage, ("csv",))
    return TargetingRun(res, _moved(paths, stage, place.output_dir), place)


def assets_command(
    place_dir: str | Path,
    asset_files,
    walk: float | None = None,
    postcodes=None,
    default_type=None,
    need: str | None = None,
) -> TargetingRun:
    """``fairer assets``: access to community assets against need, written as a table.

    Parameters
    ----------
    place_dir : path-like
        A folder made by ``fairer init``.
    asset_files : list of path-like
        Asset registers (see :func:`fairer.targeting.place.assets_against_need`).
    walk, postcodes, default_type, need : optional
        As for :func:`fairer.targeting.place.assets_against_need`.

    Returns
    -------
    TargetingRun
        The published :class:`~fairer.targeting.place.AssetAccess` and ``assets_access.csv``.

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> place = example_place()
    >>> registers = sorted((place.parent / "data").glob("community_assets_*.csv"))
    >>> run = assets_command(example_place(copy=True), registers)
    >>> "library" in set(run.result.summary["asset_type"])
    True
    """
    from fairer.targeting.place import assets_against_need, save_run

    with open_place(place_dir) as ctx:
        raw = assets_against_need(ctx, asset_files, need, walk, postcodes, default_type)
        save_run(ctx, raw, files=[str(Path(f).resolve()) for f in asset_files], need=need,
                 walk=walk, postcodes=str(postcodes) if postcodes else None,
                 default_type=default_type)  # fmt: skip
        place = ctx.place
    res = protect(raw, place.disclosure_threshold)
    with _staged(place.output_dir) as stage:
        paths = write_outputs({"assets_access": res.table}, stage, ("csv",))
    return TargetingRun(res, _moved(paths, stage, place.output_dir), place, res.messages)


def allocate_command(place_dir: str | Path, level: str = "lsoa", **options) -> TargetingRun:
    """``fairer allocate``: split a budget by proportionate universalism, written as a table.

    Parameters
    ----------
    place_dir : path-like
        A folder made by ``fairer init``.
    level : {'lsoa', 'ward'}
    **options
        Those of :func:`fairer.targeting.place.allocate_place` (``budget``, ``gradient`` …).

    Returns
    -------
    TargetingRun
        The published :class:`~fairer.targeting.place.Allocation` and its table.

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> run = allocate_command(example_place(copy=True), "ward", budget=100_000)
    >>> round(float(run.result.table["allocation"].sum()), 2)
    100000.0
    """
    from fairer.targeting.place import allocate_place, save_run

    with open_place(place_dir) as ctx:
        raw = allocate_place(ctx, level=level, **options)
        kept = {k: options.get(k) for k in ("need", "floor", "cap", "pace", "current")}
        save_run(ctx, raw, **{**kept, "current": str(kept["current"]) if kept["current"] else None})
        place = ctx.place
    res = protect(raw, place.disclosure_threshold)
    with _staged(place.output_dir) as stage:
        paths = write_outputs({f"allocation_{level}": res.table}, stage, ("csv",))
    return TargetingRun(res, _moved(paths, stage, place.output_dir), place)


# -- fairer report ----------------------------------------------------------------------------


@dataclass
class ProgressResult:
    """Files written by :func:`progress_report`, and the problems found in the inputs."""

    html: Path
    pdf: Path | None
    messages: list[str] = field(default_factory=list)


def progress_report(
    place_dir: str | Path, period: str, pdf: bool = False, ctx: PlaceContext | None = None
) -> ProgressResult:
    """Write ``progress_<period>.html`` (and ``.pdf``) in the place's output folder.

    Parameters
    ----------
    place_dir : path-like
        A folder made by ``fairer init``.
    period : str
        ``2026-H1``, ``2026-Q3``, ``2026`` or a date: the report is as of its last day.
    pdf : bool
        Also write a PDF (WeasyPrint).
    ctx : PlaceContext, optional
        An open context to reuse (the hub's publish shares one with :func:`profile_place`).

    Returns
    -------
    ProgressResult

    Raises
    ------
    FairerError
        Bad period, or a PDF asked for without WeasyPrint's system libraries.

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> progress_report(example_place(), "2026-H1").html.name
    'progress_2026-H1.html'
    """
    from fairer.delivery.dates import period_end
    from fairer.delivery.progress import HISTORY_DIR, delivery_results

    on = _period_end(period, period_end)
    with feedback.step("Preparing the progress report"), _opened(place_dir, ctx) as ctx:
        place = ctx.place
        with feedback.step("Computing the progress report's results"):
            inputs = _report_inputs(ctx)
            delivery = delivery_results(ctx, on)
        messages = list(ctx.load.messages) + delivery.messages
        messages += list(getattr(inputs.targeting, "messages", []))
    threshold = place.disclosure_threshold
    published = protect(inputs, threshold)
    delivery = protect(delivery, threshold)
    from fairer.delivery.summary import progress_summary

    summary = progress_summary(on, published, delivery)
    rep = render_progress_report(place, period, published, delivery, summary, messages)
    out = place.output_dir
    name = f"progress_{_safe_name(period)}"
    pdf_path, pdf_error = None, None
    with _staged(out) as stage:
        rep.write(stage / f"{name}.html")
        if pdf:
            from fairer.report.progress import write_pdf

            try:
                with feedback.step("Laying out the PDF"):
                    pdf_path = write_pdf(rep.render(), stage / f"{name}.pdf", out)
            except FairerError as exc:  # no PDF engine here: the HTML report still stands
                pdf_error = exc
    if delivery.plan is not None:
        history = place.folder / HISTORY_DIR
        write_table(delivery.plan.snapshot, history / f"actions_{on.isoformat()}.parquet")
    if pdf_error is not None:
        raise pdf_error
    return ProgressResult(out / f"{name}.html", out / f"{name}.pdf" if pdf_path else None, messages)


def _period_end(period: str, period_end) -> date:
    try:
        return period_end(period)
    except ValueError as exc:
        raise FairerError(
            f"period '{period}': {exc} (use 2026-H1, 2026-Q3, 2026 or a date)"
        ) from None


def _safe_name(text: str) -> str:
    """A period or label as a file name: letters, digits, dot, dash and underscore only."""
    import re

    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")
    if not safe:
        raise FairerError(f"'{text}' cannot be used in a file name")
    return safe


def render_progress_report(
    place: Place, period: str, inputs: PlaceReportInputs, delivery, summary, messages
) -> Report:
    """The progress report from protected results and their summary."""
    from fairer.report.deprivation import deprivation_section
    from fairer.report.framework import framework_sections
    from fairer.report.progress import (
        assessment_section,
        evidence_section,
        learning_section,
        plan_section,
        problems_section,
        summary_section,
    )
    from fairer.report.targeting import targeting_section

    rep = Report(
        title=f"{place.name}: progress report, {period}",
        place_name=place.name,
        synthetic=place.synthetic,
    )
    prof = inputs.profile
    lead = prof.profiles.get(prof.lead) if prof.lead else None
    rep.add(summary_section(summary))
    for s in framework_sections(inputs.framework, static_rug=True):
        rep.add(s)
    if inputs.mortality is not None:
        from fairer.report.mortality import mortality_section

        rep.add(mortality_section(inputs.mortality, brief=True))
    for s in (
        targeting_section(inputs.targeting),
        plan_section(delivery.plan),
        assessment_section(delivery),
        evidence_section(
            delivery.evaluations,
            inputs.framework.gradients if inputs.framework else None,
            {i.id: i.title for i in inputs.framework.framework.indicators}
            if inputs.framework
            else {},
            delivery.learning,
        ),
        learning_section(delivery.learning, delivery.evaluations),
    ):
        if s is not None:
            rep.add(s)
    if lead:
        rep.add(deprivation_section(lead, prof.geometry.get(lead.lsoa_year)))
    problems = problems_section(messages)
    if problems is not None:
        rep.add(problems)
    rep.attributions = inputs.attributions
    return rep


# -- fairer voices report ---------------------------------------------------------------------


@dataclass
class VoicesReport:
    """Files written by :func:`voices_report`."""

    html: Path
    workbook: Path


def voices_report(folder: str | Path) -> VoicesReport:
    """Write ``output/voices_report.html`` and ``output/voices.xlsx`` for the consultation.

    Parameters
    ----------
    folder : path-like
        A consultation folder, or a place folder (its ``voices/``).

    Returns
    -------
    VoicesReport

    Raises
    ------
    FairerError
        If nothing has been coded yet.

    Examples
    --------
    See ``docs/voices.md``: a consultation is imported and coded first.

    >>> import tempfile
    >>> voices_report(tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    fairer.errors.FairerError: ...: no consultation here; start one with `fairer voices import FOLDER FILE…`
    """
    from fairer.report.voices import voices_document, voices_workbook_tables
    from fairer.voices.summary import consultation_summary
    from fairer.voices.workspace import open_consultation

    cons = open_consultation(folder)
    summary = protect(consultation_summary(cons), cons.disclosure_threshold)
    doc = voices_document(summary)
    if doc is None:
        raise FairerError(
            "nothing coded yet: run `fairer voices code` (and `themes`) first", path=cons.folder
        )
    out = cons.output_dir
    with _staged(out) as stage:
        doc.write(stage / "voices_report.html")
        write_outputs(voices_workbook_tables(summary), stage, ("xlsx",), workbook="voices.xlsx")
    return VoicesReport(out / "voices_report.html", out / "voices.xlsx")


# -- fairer evaluate --------------------------------------------------------------------------


@dataclass
class EvaluationRun:
    """A published before/after evaluation and the table written."""

    result: object
    table: Path


def evaluate_command(
    baseline: str | Path,
    followup: str | Path,
    instrument: str | Path,
    out_dir: str | Path,
    groups: list[str] | None = None,
    item: str | None = None,
    entry_cutoff: float | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> EvaluationRun:
    """``fairer evaluate before-after``: score both waves, compare them, write the table.

    Parameters
    ----------
    baseline, followup : path-like
        CSV/XLSX with ``id``, the instrument's items and optional group columns and ``date``.
    instrument : str or path-like
        A shipped instrument id (``swemwbs``) or a definition file.
    out_dir : path-like
        Where ``before_after_<instrument>.csv`` is written.
    groups, item, entry_cutoff
        As :func:`fairer.evaluate.before_after`.
    threshold : int
        Disclosure threshold for the counts (default 5: counts 1–4 suppressed).

    Returns
    -------
    EvaluationRun

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from fairer.evaluate import load_instrument
    >>> items = list(load_instrument("swemwbs").items)
    >>> folder = Path(tempfile.mkdtemp())
    >>> base = pd.DataFrame([[f"P{i}", *[3] * 7] for i in range(8)], columns=["id", *items])
    >>> base.to_csv(folder / "before.csv", index=False)
    >>> base.assign(optimistic=4).to_csv(folder / "after.csv", index=False)
    >>> run = evaluate_command(folder / "before.csv", folder / "after.csv", "swemwbs", folder)
    >>> run.table.name, int(run.result.results["completed"].iloc[0])
    ('before_after_swemwbs.csv', 8)
    """
    from fairer.evaluate import before_after, load_instrument
    from fairer.tabular import read_table

    inst = load_instrument(instrument)
    base, after = read_table(baseline), read_table(followup)
    raw = before_after(base, after, inst, groups=groups, entry_cutoff=entry_cutoff,
                       paths=(Path(baseline), Path(followup)), item=item)  # fmt: skip
    res = protect(raw, threshold)
    name = f"before_after_{_safe_name(inst.id)}" + (f"_{_safe_name(item)}" if item else "")
    with _staged(Path(out_dir)) as stage:
        paths = write_outputs({name: res.results}, stage, ("csv",))
    return EvaluationRun(res, _moved(paths, stage, Path(out_dir))[f"{name}.csv"])


@dataclass
class PlaceEvaluations:
    """What ``fairer evaluate place`` found and wrote: one line per result, and the tables."""

    lines: list[str]
    notes: list[str]
    tables: dict[str, Path]


def evaluate_place(place_dir: str | Path) -> PlaceEvaluations:
    """``fairer evaluate place``: run every evaluation the place lists and publish the tables.

    Programme evaluations give ``<id>_before_after``; area evaluations ``<id>_estimates`` and
    ``<id>_trends``; and the place's gradients across periods ``gradients``. All go through
    the publish step into ``output/evaluations/`` (CSV, and one workbook).

    Parameters
    ----------
    place_dir : path-like
        A folder made by ``fairer init``.

    Returns
    -------
    PlaceEvaluations

    Raises
    ------
    FairerError
        An evaluation file that does not hold together (the file named).

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> run = evaluate_place(example_place())
    >>> sorted(run.tables)[:3]
    ['EV-01_before_after.csv', 'EV-02_estimates.csv', 'EV-02_trends.csv']
    """
    from fairer.evaluate.jobs import place_evaluations

    with open_place(place_dir) as ctx:
        place = ctx.place
        evaluations = place_evaluations(ctx)
        framework = place_results(ctx, "ward") if has_indicators(ctx) else None
    threshold = place.disclosure_threshold
    evaluations = protect(evaluations, threshold)
    tables: dict[str, pd.DataFrame] = {}
    lines, notes = [], []
    for ev in evaluations:
        name = _safe_name(ev.spec.id)
        if hasattr(ev, "estimate"):
            tables[f"{name}_estimates"] = ev.estimates()
            tables[f"{name}_trends"] = ev.trends.assign(evaluation=ev.spec.id)
            lines.append(ev.summary_line())
            notes += [f"{ev.spec.id}: {n}" for n in ev.notes]
        else:
            tables[f"{name}_before_after"] = ev.result.results
            lines += [f"{ev.spec.id}: {line}" for line in ev.result.summary_lines()[:1]]
            notes += [f"{ev.spec.id}: {n}" for n in ev.result.notes]
    if framework is not None and framework.gradients is not None and len(framework.gradients):
        tables["gradients"] = framework.gradients
        lines += [
            f"gradient of {g.indicator_id}, {g.first_period} to {g.latest_period}: {g.verdict}"
            for g in framework.gradients.itertuples()
        ]
    if not tables:
        raise FairerError("the place lists no evaluation and has no indicator over time")
    out = place.output_dir / "evaluations"
    with _staged(out) as stage:
        paths = write_outputs(tables, stage, ("csv", "xlsx"), workbook="evaluations.xlsx")
    return PlaceEvaluations(lines, notes, _moved(paths, stage, out))
