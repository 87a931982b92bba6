"""The ``fairer`` command line: thin commands over the library's public functions.

Every user error is one line on stderr and exit code 2; nothing prints a traceback unless
``FAIRER_DEBUG=1`` is set.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import typer

from fairer.disclosure import DEFAULT_THRESHOLD
from fairer.errors import FairerError, one_line
from fairer.place import DEFAULT_FRAMEWORK

app = typer.Typer(
    name="fairer",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Reproducible place-based inequalities analysis: know the place, hear the people, "
    "choose where and for whom, act and learn, show it.",
)


@app.callback()
def _options(
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="No progress feedback on stderr (it shows only on a terminal)."
    ),
) -> None:
    """Reproducible place-based inequalities analysis."""
    from fairer import feedback

    feedback.set_quiet(quiet)


PlaceDir = typer.Argument(..., help="The place's folder (made by `fairer init`).")


def echo(msg: str) -> None:
    typer.echo(msg)


def _list(text: str) -> tuple[str, ...]:
    """``"csv, xlsx"`` → ``("csv", "xlsx")``."""
    return tuple(f.strip() for f in text.split(",") if f.strip())


@app.command()
def init(
    place_dir: Path = typer.Argument(..., help="Folder to create the place in."),
    la: list[str] = typer.Option(
        ..., "--la", help="Local authority code or name (repeat for several)."
    ),
    data: list[Path] = typer.Option(
        None, "--data", help="Folder(s) with data files; default: the fetch cache."
    ),
    geography: int = typer.Option(
        2021, "--geography", help="LSOA geography year to lead with: 2021 or 2011."
    ),
    name: str = typer.Option(
        None, "--name", help="Name to use in reports (default: the LA's name)."
    ),
    threshold: int = typer.Option(
        DEFAULT_THRESHOLD,
        "--threshold",
        help="Disclosure threshold: counts below it are suppressed.",
    ),
    framework: str = typer.Option(
        DEFAULT_FRAMEWORK, "--framework", help="Outcomes framework to use."
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing place.toml."),
) -> None:
    """Create a place: write PLACE_DIR/place.toml naming its local authority and data files."""
    from fairer.place import init_place

    place = init_place(
        place_dir,
        la,
        data=data or None,
        geography_year=geography,
        name=name,
        disclosure_threshold=threshold,
        framework=framework,
        force=force,
    )
    for line in place.describe():
        echo(line)


@app.command()
def load(place_dir: Path = PlaceDir) -> None:
    """Load the place's data files into its store (unchanged files are skipped)."""
    from fairer.context import open_place

    with open_place(place_dir) as ctx:
        lines = ctx.load.lines()
    for line in lines:
        echo(line)


@app.command()
def profile(
    place_dir: Path = PlaceDir,
    formats: str = typer.Option(
        "csv,xlsx", "--format", help="Table formats: csv, parquet, xlsx (comma-separated)."
    ),
    no_report: bool = typer.Option(False, "--no-report", help="Write tables only."),
) -> None:
    """Deprivation profile of the place: tables in PLACE_DIR/output and the HTML report."""
    from fairer.pipeline import profile_place

    result = profile_place(place_dir, _list(formats), not no_report)
    for m in result.messages:
        typer.echo(f"note: {m}", err=True)
    for ed, p in sorted(result.profiles.items()):
        echo(f"IoD{ed}:")
        for s in p.headline_sentences():
            echo(f"  {s}")
    echo(f"tables: {result.place.output_dir}")
    if result.report:
        echo(f"report: {result.report}")


@app.command("life-expectancy")
def life_expectancy_cmd(
    place_dir: Path = PlaceDir,
    formats: str = typer.Option("csv,xlsx", "--format", help="csv, xlsx, parquet."),
) -> None:
    """Life expectancy where people live, from the place's deaths extract: areas, deciles, gaps,
    why they differ (age and cause) and healthy life expectancy."""
    from fairer.pipeline import life_expectancy_place
    from fairer.report.mortality import headline

    res, paths, load = life_expectancy_place(place_dir, _list(formats))
    for m in load.messages + res.messages:
        typer.echo(f"note: {m}", err=True)
    echo(headline(res.gaps, "male") or f"life expectancy {res.period}: see the tables")
    echo(f"tables: {next(iter(paths.values())).parent}")


@app.command()
def neighbours(
    place_dir: Path = PlaceDir,
    level: str = typer.Option("lad", "--level", help="lad (English authorities), ward or lsoa."),
    k: int = typer.Option(15, "--k", help="Neighbours per area."),
    variables: str = typer.Option(
        None, "--variables", help="Comma-separated name[:weight], e.g. imd_score:2,population."
    ),
    formats: str = typer.Option("csv", "--format", help="csv, xlsx, parquet."),
) -> None:
    """Similar places: statistical nearest neighbours by standardised distance."""
    from fairer.pipeline import neighbours_place

    table, paths = neighbours_place(place_dir, level, k, _list(variables) if variables else None,
                                    _list(formats))  # fmt: skip
    echo(f"{table['area_code'].nunique()} areas, {k} neighbours each, on "
         f"{', '.join(table.attrs['variables'])}")  # fmt: skip
    for fmt, path in paths.items():
        echo(f"{fmt}: {path}")


@app.command()
def rug(
    place_dir: Path = PlaceDir,
    level: str = typer.Option(
        "ward",
        "--level",
        help="Rows of the rug: ward, lsoa, lad (the region's authorities) or neighbours (the "
        "place's statistical neighbours).",
    ),
    benchmark: str = typer.Option(
        None,
        "--benchmark",
        help="england, region, group (the [comparators] group in place.toml), neighbours "
        "(the place's statistical neighbours, pooled) or place; "
        "default: [comparators] benchmark, else england.",
    ),
    framework: str = typer.Option(
        None, "--framework", help="Template name or framework file (default: the place's)."
    ),
    formats: str = typer.Option(
        "csv,xlsx,html,png", "--format", help="csv, xlsx, parquet, html, png, pdf."
    ),
) -> None:
    """The tartan rug: areas × framework indicators, coloured against the benchmark."""
    from fairer.pipeline import rug_place

    res, paths, load = rug_place(place_dir, level, benchmark, framework, _list(formats))
    for m in load.messages + res.rug.messages:
        typer.echo(f"note: {m}", err=True)
    echo(res.summary_line())
    for fmt, path in paths.items():
        echo(f"{fmt}: {path}")


@app.command()
def priorities(
    place_dir: Path = PlaceDir,
    count: int = typer.Option(None, "--count", help="How many neighbourhoods to pick (default 3)."),
    min_population: float = typer.Option(None, "--min-population", help="Default 5,000."),
    max_population: float = typer.Option(None, "--max-population", help="Default 15,000."),
    need: str = typer.Option(
        None,
        "--need",
        help="Need indicators and weights, e.g. imd_score:2,health_score:1 (default imd_score:1).",
    ),
    runs: int = typer.Option(None, "--runs", help="Sensitivity runs (Monte Carlo; default 1,000)."),
    pin: list[str] = typer.Option(
        None, "--pin", help="LSOA code to build a neighbourhood around (repeat)."
    ),
    exclude: list[str] = typer.Option(None, "--exclude", help="LSOA code never to use (repeat)."),
    communities: Path = typer.Option(
        None, "--communities", help="CSV of area_code, community: your own areas."
    ),
) -> None:
    """Pick priority neighbourhoods: contiguous, within population bounds, greatest need.

    Options not given come from [targeting] in place.toml, or the defaults shown.
    """
    from fairer.pipeline import priorities_command

    given = dict(count=count, min_population=min_population, max_population=max_population,
                 need=need, runs=runs, pinned=pin or None, excluded=exclude or None)  # fmt: skip
    run = priorities_command(
        place_dir, communities=communities, **{k: v for k, v in given.items() if v is not None}
    )
    for line in run.result.summary_lines():
        echo(line)
    echo(f"tables: {run.place.output_dir}")


@app.command()
def assets(
    place_dir: Path = PlaceDir,
    file: list[Path] = typer.Option(
        ..., "--file", help="Asset register (CSV, XLSX, GeoJSON, GeoPackage); repeat."
    ),
    walk: float = typer.Option(None, "--walk", help="Walking distance in metres (default 800)."),
    postcodes: Path = typer.Option(
        None, "--postcodes", help="Postcode lookup (postcode, latitude, longitude)."
    ),
    default_type: str = typer.Option(
        None, "--type", help="Type of every asset when the file has none."
    ),
) -> None:
    """Access to community assets from each neighbourhood, against need."""
    from fairer.pipeline import assets_command

    run = assets_command(place_dir, file, walk, postcodes, default_type)
    for m in run.messages:
        typer.echo(f"note: {m}", err=True)
    for line in run.result.summary_lines():
        echo(line)
    echo(f"table: {run.tables['assets_access.csv']}")


@app.command("allocate")
def allocate_cmd(
    place_dir: Path = PlaceDir,
    budget: float = typer.Option(
        None, "--budget", help="Pounds to allocate (default: place.toml)."
    ),
    level: str = typer.Option("lsoa", "--level", help="lsoa or ward."),
    universal_share: float = typer.Option(
        None, "--universal-share", help="Share given equally per head (default 0.5)."
    ),
    gradient: float = typer.Option(
        None, "--gradient", help="Most-need to least-need weight (3 = 3:1; default 3)."
    ),
    floor: float = typer.Option(None, "--floor", help="Least any area gets, in pounds."),
    cap: float = typer.Option(None, "--cap", help="Most any area gets, in pounds."),
    current: Path = typer.Option(
        None, "--current", help="CSV of area_code, current (current spend)."
    ),
    pace: float = typer.Option(None, "--pace", help="Largest change from current spend, e.g. 0.1."),
    need: str = typer.Option(None, "--need", help="Need indicators and weights."),
) -> None:
    """Split a budget by proportionate universalism: everywhere, more where need is greatest."""
    from fairer.pipeline import allocate_command

    run = allocate_command(place_dir, level, budget=budget, need=need, universal_share=universal_share,
                           gradient=gradient, floor=floor, cap=cap, current=current, pace=pace)  # fmt: skip
    echo(run.result.summary_line())
    echo(f"table: {run.tables[f'allocation_{level}.csv']}")


evaluate_app = typer.Typer(
    help="Evidence of what works: wellbeing scales, before and after, and did the gap close."
)
app.add_typer(evaluate_app, name="evaluate")


@evaluate_app.command("instruments")
def evaluate_instruments() -> None:
    """List the validated instruments fairer ships (add your own as a definition file)."""
    from fairer.evaluate import available, load_instrument

    for name in available():
        inst = load_instrument(name)
        echo(f"{name:<15} {inst.title} ({len(inst.items)} items, {inst.scoring})")


@evaluate_app.command("before-after")
def evaluate_before_after(
    baseline: Path = typer.Argument(..., help="Baseline responses (CSV/XLSX, with an id column)."),
    followup: Path = typer.Argument(..., help="Follow-up responses, same people by id."),
    instrument: str = typer.Option(
        ..., "--instrument", help="swemwbs, wemwbs, ucla3, djg6, ons4, place_standard, or a file."
    ),
    group: list[str] = typer.Option(
        None, "--group", help="Baseline column to break results down by (repeat)."
    ),
    item: str = typer.Option(None, "--item", help="For item-by-item scales (ONS4): the item."),
    entry_cutoff: float = typer.Option(
        None,
        "--entry-cutoff",
        help="Baseline score that decided entry (warns of regression to the mean).",
    ),
    out: Path = typer.Option(Path("."), "--out", help="Folder for the results table."),
) -> None:
    """Paired change on a wellbeing scale, with attrition, overall and by group."""
    from fairer.pipeline import evaluate_command

    run = evaluate_command(baseline, followup, instrument, out, group or None, item, entry_cutoff)

    for line in run.result.summary_lines():
        echo(line)
    for note in [*run.result.notes, *run.result.explanations]:
        typer.echo(f"note: {note}", err=True)
    echo(f"table: {run.table}")


@evaluate_app.command("place")
def evaluate_place_command(
    place: Path = typer.Argument(..., help="A place folder made by `fairer init`."),
) -> None:
    """Every evaluation the place lists, and whether each gradient is flattening: one line
    each, and the tables in output/evaluations/."""
    from fairer.pipeline import evaluate_place

    run = evaluate_place(place)
    for line in run.lines:
        echo(line)
    for note in run.notes:
        typer.echo(f"note: {note}", err=True)
    echo(f"tables: {run.tables['xlsx'].parent}")


from fairer.cli_voices import voices_app  # noqa: E402

app.add_typer(voices_app, name="voices")

from fairer.cli_hub import hub_app, serve  # noqa: E402

app.command("serve")(serve)
app.add_typer(hub_app, name="hub")

framework_app = typer.Typer(help="Outcomes frameworks: check a framework file, list templates.")
app.add_typer(framework_app, name="framework")


@framework_app.command("check")
def framework_check(
    source: str = typer.Argument(..., help="A framework file or template name."),
) -> None:
    """Validate a framework and list its domains, measures and indicators."""
    from fairer.framework import load_framework

    fw = load_framework(source)
    echo(f"{fw.title} ({fw.id}): {len(fw.domains)} domains, {len(fw.indicators)} indicators")
    for d in fw.domains:
        echo(f"  {d.title}")
        for m in d.measures:
            echo(
                f"    {m.title}: "
                + (", ".join(i.id for i in m.indicators) or "(no indicators yet)")
            )


@framework_app.command("templates")
def framework_templates() -> None:
    """List the shipped templates and where they are (copy one to start your own)."""
    from fairer.framework.model import TEMPLATES, template_path

    for t in TEMPLATES:
        echo(f"{t:<26} {template_path(t)}")


@app.command()
def report(
    place_dir: Path = PlaceDir,
    period: str = typer.Option(
        ..., "--period", help="Reporting period: 2026-H1, 2026-Q3, 2026 or a date."
    ),
    pdf: bool = typer.Option(False, "--pdf", help="Also write a PDF (page numbers, contents)."),
) -> None:
    """The progress report for a period: measures, gaps, the rug, priorities, actions, learning."""
    from fairer.pipeline import progress_report

    result = progress_report(place_dir, period, pdf)
    for m in result.messages:
        typer.echo(f"note: {m}", err=True)
    echo(f"html: {result.html}")
    if result.pdf:
        echo(f"pdf: {result.pdf}")


@app.command()
def status(place_dir: Path = PlaceDir) -> None:
    """What the place's store holds: row counts and the source files with their checksums."""
    from fairer.load import store_status

    for line in store_status(place_dir):
        echo(line)


@app.command()
def detect(folder: Path = typer.Argument(..., help="Folder (or file) to look in.")) -> None:
    """List the data files fairer recognises in a folder, and what each one is."""
    from fairer.sources.detect import detect as detect_one
    from fairer.sources.detect import discover

    if not folder.exists():
        raise FairerError("not found", path=folder)
    found = discover(folder) if folder.is_dir() else [d for d in [detect_one(folder)] if d]
    if not found:
        echo("no recognised files")
    for d in found:
        echo(f"{d.kind:<11} {d.detail:<40} {d.path}")


@app.command()
def fetch(
    dataset: str = typer.Argument(..., help="iod2019, iod2025, lookups or postcodes"),
    force: bool = typer.Option(False, "--force", help="Download again even if cached."),
    la: list[str] = typer.Option(
        None, "--la", help="For postcodes: local authority code whose postcodes to fetch (repeat)."
    ),
) -> None:
    """Download official data into the local cache (the only command that goes online)."""
    from fairer.sources.fetch import cache_dir
    from fairer.sources.fetch import fetch as fetch_dataset

    for path in fetch_dataset(dataset, force=force, la_codes=la or None):
        echo(str(path))
    echo(f"cache: {cache_dir()}  (use with: fairer init PLACE --la CODE --data {cache_dir()})")


@app.command()
def fingertips(
    indicator: int = typer.Argument(..., help="Fingertips indicator id, e.g. 93982."),
    area_type: int = typer.Option(
        ..., "--area-type", help="Fingertips area type id, e.g. 502 (lower tier LAs)."
    ),
    out: Path = typer.Option(
        None, "--out", help="Folder to save the CSV in (default: the fetch cache)."
    ),
    parent_area_type: int = typer.Option(
        15, "--parent-area-type", help="Parent area type (15 = England)."
    ),
    parent_area: str = typer.Option(
        None, "--parent-area", help="Only areas within this parent code."
    ),
    proxy: str = typer.Option(None, "--proxy", help="Proxy URL, if HTTPS_PROXY is not set."),
) -> None:
    """Download a Fingertips indicator (cached) as an export CSV fairer reads."""
    from fairer.sources.fetch import cache_dir
    from fairer.sources.fingertips import FingertipsClient

    client = FingertipsClient(proxy=proxy)
    path = client.download(
        indicator, area_type, out or cache_dir() / "fingertips-data", parent_area_type, parent_area
    )
    echo(str(path))


@app.command()
def demo(
    out: Path = typer.Option(
        Path("fairer-demo"), "--out", help="Folder for the synthetic borough."
    ),
    seed: int = typer.Option(
        2024, "--seed", help="Random seed: the same seed gives the same borough."
    ),
) -> None:
    """Make a synthetic borough and run the whole pipeline on it into a report."""
    from fairer.demo import run_demo
    from fairer.hub import prepare_hub

    result = run_demo(out, seed=seed)
    hub = prepare_hub(result.place.folder, demo_users=True)
    for line in _demo_lines(result, out, hub):
        echo(line)


def _demo_lines(result, out: Path, hub) -> list[str]:
    """What ``fairer demo`` prints: the borough, its headlines, the reports and the demo hub."""
    lines = [f"synthetic borough '{result.place.name}' in {out}"]
    lines += [f"  {s}" for s in result.profiles[max(result.profiles)].headline_sentences()]
    lines.append(f"report: {result.report}")
    if result.progress is not None:
        lines.append(f"progress report: {result.progress.pdf or result.progress.html}")
    if result.voices is not None:
        lines.append(f"consultation summary: {result.voices.html}")
    from fairer.hub import DEMO_PASSWORD

    lines.append(
        f"partnership hub: fairer serve {Path(out) / 'place'}   then open http://127.0.0.1:8000/"
    )
    lines.append(f"  demo users, password {DEMO_PASSWORD} (synthetic, for the demo only):")
    return lines + [f"    {u:<10} {role:<10} {org or ''}" for u, role, org in hub.users]


@app.command()
def stats(
    method: str = typer.Argument(
        ...,
        help="proportion, rate, mean, dsr, isratio, israte, life-expectancy, sii, quantile, funnel-limits, funnel-significance, funnel-points",
    ),
    input: Path = typer.Argument(..., help="Input table (CSV, Parquet or XLSX)."),
    output: Path = typer.Option(
        ..., "-o", "--output", help="Output table (.csv, .parquet or .xlsx)."
    ),
    x: str = typer.Option(
        None, "--x", help="Numerator / events / values column (funnels: numerator)."
    ),
    n: str = typer.Option(
        None, "--n", help="Denominator / population column (funnels: denominator)."
    ),
    group_by: str = typer.Option(None, "--group-by", help="Grouping columns, comma-separated."),
    confidence: str = typer.Option(
        None, "--confidence", help="0.95 (default), 99.8, or 0.95,0.998."
    ),
    multiplier: float = typer.Option(None, "--multiplier"),
    stdpop: str = typer.Option(None, "--stdpop", help="Standard population column, or esp2013."),
    independent_events: str = typer.Option(
        None, "--independent-events", help="false for non-independent events."
    ),
    eventfreq: str = typer.Option(None, "--eventfreq"),
    ageband: str = typer.Option(None, "--ageband"),
    x_ref: str = typer.Option(
        None, "--x-ref", help="Reference events: a column, or numbers a,b,c."
    ),
    n_ref: str = typer.Option(None, "--n-ref", help="Reference populations: a column, or numbers."),
    refvalue: float = typer.Option(None, "--refvalue"),
    deaths: str = typer.Option(None, "--deaths"),
    population: str = typer.Option(None, "--population"),
    startage: str = typer.Option(None, "--startage"),
    age_contents: str = typer.Option(
        None, "--age-contents", help="Age bands in order, comma-separated."
    ),
    le_age: str = typer.Option(None, "--le-age"),
    quantile: str = typer.Option(None, "--quantile"),
    value: str = typer.Option(None, "--value"),
    value_type: int = typer.Option(None, "--value-type", help="0 other, 1 rate, 2 proportion."),
    lower_cl: str = typer.Option(None, "--lower-cl"),
    upper_cl: str = typer.Option(None, "--upper-cl"),
    se: str = typer.Option(None, "--se"),
    repetitions: int = typer.Option(None, "--repetitions"),
    seed: int = typer.Option(None, "--seed"),
    rii: bool = typer.Option(None, "--rii/--no-rii"),
    intercept: bool = typer.Option(None, "--intercept/--no-intercept"),
    transform: bool = typer.Option(None, "--transform/--no-transform"),
    values: str = typer.Option(None, "--values"),
    nquantiles: int = typer.Option(None, "--nquantiles"),
    invert: str = typer.Option(None, "--invert", help="true, false or a column name."),
    statistic: str = typer.Option(None, "--statistic", help="Funnels: proportion, ratio or rate."),
    ratio_type: str = typer.Option(None, "--ratio-type"),
    rate_type: str = typer.Option(None, "--rate-type"),
    rate_col: str = typer.Option(None, "--rate", help="Funnels: the rate column."),
    years_of_data: float = typer.Option(None, "--years-of-data"),
    type: str = typer.Option(None, "--type", help="full, standard, value, lower or upper."),
) -> None:
    """Public-health statistics (PHEindicatormethods' methods and column names) on a table."""
    from fairer.stats_table import run_stats

    opts = {k: v for k, v in locals().items() if k not in ("method", "input", "output")}
    opts["by"], opts["rate"] = opts.pop("group_by"), opts.pop("rate_col")
    path, messages = run_stats(method, input, output, **opts)
    for m in messages:
        typer.echo(f"warning: {m}", err=True)
    echo(f"wrote {path}")


def cli_reference() -> str:
    """The command-line reference (``docs/cli.md``), generated from the commands themselves.

    ``make docs`` writes it; a test checks the file is current, so docs and commands cannot
    drift apart.
    """
    root = typer.main.get_command(app)
    lines = [
        "# Command-line reference",
        "",
        "Generated from the commands by `make docs` (`fairer.cli.cli_reference`); a test checks",
        "it is current. Every command is a thin layer over a documented library function.",
        "",
    ]

    def walk(cmd, path: list[str]) -> None:
        if hasattr(cmd, "commands"):  # a group: its commands in turn
            for name in sorted(cmd.commands):
                walk(cmd.commands[name], [*path, name])
            return
        ctx = cmd.context_class(cmd, info_name=" ".join(path))
        lines.extend([f"## `{' '.join(path)}`", "", (cmd.help or "").strip(), ""])
        usage = re.sub(r"\{(\w+)\}", lambda m: m.group(1).upper(), cmd.get_usage(ctx).strip())
        lines.extend(["```text", usage, "```", ""])
        params = [p for p in cmd.params if p.name != "help"]
        if params:
            lines.extend(["| argument or option | meaning | default |", "| --- | --- | --- |"])
            for p in params:
                names = ", ".join(f"`{o}`" for o in (p.opts + p.secondary_opts)) or p.name
                if p.param_type_name == "argument":
                    names = f"`{p.name.upper()}`"
                help_text = (getattr(p, "help", None) or "").replace("|", "\\|")
                default = p.default if p.default not in (None, (), [], False) else ""
                lines.append(f"| {names} | {help_text} | {default} |")
            lines.append("")

    globals_ = [p for p in root.params if p.name != "help"]
    if globals_:  # options of `fairer` itself, given before the command
        lines.extend(["## Options of every command", "",
                      "Given before the command: `fairer --quiet profile PLACE_DIR`.", "",
                      "| option | meaning |", "| --- | --- |"])  # fmt: skip
        for p in globals_:
            names = ", ".join(f"`{o}`" for o in (p.opts + p.secondary_opts))
            lines.append(f"| {names} | {getattr(p, 'help', '') or ''} |")
        lines.append("")
    walk(root, ["fairer"])
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    """Entry point: run the app, turning user errors into one line and exit code 2."""
    try:
        app()
    except FairerError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except OSError as exc:  # a full disk, no permission, a folder where a file should be
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        typer.echo(one_line(f"error: {where}{exc.strerror or exc}"), err=True)
        sys.exit(2)
    except Exception as exc:  # the last line of defence: no traceback unless asked for
        if os.environ.get("FAIRER_DEBUG"):
            raise
        typer.echo(
            one_line(
                f"error: unexpected {type(exc).__name__}: {exc} (set FAIRER_DEBUG=1 for details)"
            ),
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
