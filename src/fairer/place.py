"""A place: the local authority (or authorities) an analysis is about, and where its data are.

``fairer init`` writes ``place.toml`` in the place's folder; every later command reads it.

.. code-block:: toml

    [place]
    name = "Stockton-on-Tees"
    la_codes = ["E06000004"]
    geography_year = 2021        # LSOA 2021 (IoD2025) or 2011 (IoD2019)
    disclosure_threshold = 5     # counts 1 to 4 are suppressed
    framework = "fairer-nine-domains"
    synthetic = false

    [[sources]]
    kind = "iod"
    path = "/data/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv"
    edition = 2025
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from fairer.disclosure import DEFAULT_THRESHOLD
from fairer.errors import FairerError
from fairer.reference import known_local_authorities, resolve_la
from fairer.sources.detect import DetectedSource, discover
from fairer.tabular import write_text_atomic

PLACE_FILE = "place.toml"
STORE_FILE = "fairer.duckdb"
FRAMEWORKS = ("fairer-nine-domains", "marmot-eight-principles", "blank")
DEFAULT_FRAMEWORK = FRAMEWORKS[0]


def _refuse_unknown(data: dict, cls, section: str, path: Path | None, except_=()) -> None:
    """A settings table may hold only its dataclass's fields: name the first other key."""
    known = {f.name for f in dataclasses.fields(cls)} - set(except_)
    unknown = sorted(set(data) - known)
    if unknown:
        raise FairerError(
            f"unknown [{section}] setting '{unknown[0]}': use {', '.join(sorted(known))}",
            path=path,
        )


@dataclass
class TargetingSettings:
    """``[targeting]`` in ``place.toml``: how the place chooses where and for whom.

    Every default is here and nowhere else; the CLI options of ``fairer priorities``,
    ``assets`` and ``allocate`` start from these.

    Attributes
    ----------
    need : str
        Need indicators and weights, ``"imd_score:2,health_score:1"`` (a leading minus: lower
        values mean more need).
    count, min_population, max_population : int, float, float
        How many priority neighbourhoods, and their population bounds.
    runs : int
        Monte Carlo sensitivity runs.
    pinned, excluded : list of str
        LSOAs to build a neighbourhood around, or never to use.
    budget : float, optional
        Pounds to allocate by proportionate universalism (none: no allocation).
    universal_share, gradient : float
        The share given equally per head, and the most- to least-need weight.
    walk : float
        Walking distance to an asset, in metres.
    enabled : bool
        Whether the place has a ``[targeting]`` table (the reports show the section then, or
        when assets are listed).
    """

    need: str = "imd_score:1"
    count: int = 3
    min_population: float = 5000.0
    max_population: float = 15000.0
    runs: int = 1000
    pinned: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    budget: float | None = None
    universal_share: float = 0.5
    gradient: float = 3.0
    walk: float = 800.0
    enabled: bool = False

    @classmethod
    def from_toml(cls, data: dict | None, path: Path | None = None) -> TargetingSettings:
        """Read a ``[targeting]`` table, checking every key and type (None: no table)."""
        if data is None:
            return cls()
        _refuse_unknown(data, cls, "targeting", path, except_={"enabled"})
        values = {}
        for f in dataclasses.fields(cls):
            if f.name not in data:
                continue
            v = data[f.name]
            try:
                if f.name in ("pinned", "excluded"):
                    values[f.name] = [str(x) for x in (v if isinstance(v, list) else [v])]
                elif f.name == "need":
                    values[f.name] = str(v)
                elif f.name in ("count", "runs"):
                    values[f.name] = int(v)
                else:
                    values[f.name] = float(v)
            except (TypeError, ValueError):
                raise FairerError(
                    f"[targeting] {f.name} = {v!r} is not a {f.type}", path=path
                ) from None
        return cls(**values, enabled=True)

    def to_toml_lines(self) -> list[str]:
        """The ``[targeting]`` table, with the settings that differ from the defaults."""
        if not self.enabled:
            return []
        default = TargetingSettings()
        lines = ["", "[targeting]"]
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if f.name == "enabled" or (v == getattr(default, f.name) and f.name != "budget"):
                continue
            if v is None:
                continue
            if isinstance(v, list):
                lines.append(f"{f.name} = [{', '.join(_q(x) for x in v)}]")
            elif isinstance(v, str):
                lines.append(f"{f.name} = {_q(v)}")
            else:
                lines.append(f"{f.name} = {v}")
        return lines


#: What cells can be compared with.
BENCHMARKS = ("england", "region", "group", "neighbours", "place")


@dataclass
class ComparatorSettings:
    """``[comparators]`` in ``place.toml``: what the place's figures are compared with.

    Attributes
    ----------
    benchmark : {'england', 'region', 'group', 'place'}
        The scorecard's and the rug's comparator. ``region``: the place's region as published
        where the data carry it, else its authorities' counts pooled. ``group``: the authorities
        in ``group`` (e.g. the place's CIPFA nearest neighbours), their counts pooled.
    group : list of str
        Local authority codes of the comparator group.
    group_name : str
        What to call the group in headers and legends.
    neighbours : int
        With ``benchmark = "neighbours"``: how many statistical neighbours (nearest by
        standardised deprivation, age structure and population among English authorities)
        form the comparator, their counts pooled.

    Examples
    --------
    >>> ComparatorSettings.from_toml({"benchmark": "group", "group": ["E06000001"],
    ...                               "group_name": "CIPFA nearest neighbours"}).benchmark
    'group'
    """

    benchmark: str = "england"
    group: list[str] = field(default_factory=list)
    group_name: str = "the comparator group"
    neighbours: int = 15

    @classmethod
    def from_toml(cls, data: dict | None, path: Path | None = None) -> ComparatorSettings:
        """Read a ``[comparators]`` table, checking every key (None: England)."""
        if data is None:
            return cls()
        _refuse_unknown(data, cls, "comparators", path)
        benchmark = str(data.get("benchmark", "england")).lower()
        if benchmark not in BENCHMARKS:
            raise FairerError(
                f"[comparators] benchmark = '{benchmark}': use {', '.join(BENCHMARKS)}", path=path
            )
        group = data.get("group", [])
        if not isinstance(group, list) or not all(
            isinstance(c, str) and re.fullmatch(r"E0[6-9]\d{6}", c) for c in group
        ):
            raise FairerError(
                '[comparators] group must be a list of local authority codes, e.g. ["E06000001"]',
                path=path,
            )
        if benchmark == "group" and not group:
            raise FairerError("[comparators] benchmark = 'group' needs a group of codes", path=path)
        k = data.get("neighbours", 15)
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise FairerError(f"[comparators] neighbours = {k!r} is not a whole number", path=path)
        return cls(benchmark, list(group), str(data.get("group_name", cls.group_name)), k)

    def to_toml_lines(self) -> list[str]:
        """The ``[comparators]`` table, when it is not the default (England)."""
        if self == ComparatorSettings():
            return []
        lines = ["", "[comparators]", f"benchmark = {_q(self.benchmark)}"]
        if self.group:
            lines.append(f"group = [{', '.join(_q(c) for c in self.group)}]")
            lines.append(f"group_name = {_q(self.group_name)}")
        if self.neighbours != 15:
            lines.append(f"neighbours = {self.neighbours}")
        return lines


@dataclass
class MortalitySettings:
    """``[mortality]`` in ``place.toml``: how life expectancy is computed from a deaths extract.

    Attributes
    ----------
    years : int
        Calendar years pooled (OHID pools 5 for small areas).
    end_year : int, optional
        The last year pooled; default the latest year in the extract.
    causes : str, optional
        A file of ICD-10 ranges and cause groups (``from, to, group``); default the Segment
        Tool's groups.
    areas : str, optional
        A file of ``lsoa_code, area_name``: user-defined areas to compute too.

    Examples
    --------
    >>> MortalitySettings.from_toml({"years": 3}).years
    3
    """

    years: int = 5
    end_year: int | None = None
    causes: str | None = None
    areas: str | None = None

    @classmethod
    def from_toml(cls, data: dict | None, path: Path | None = None) -> MortalitySettings:
        """Read a ``[mortality]`` table, checking every key and type (None: the defaults)."""
        if data is None:
            return cls()
        _refuse_unknown(data, cls, "mortality", path)
        for name in ("years", "end_year"):
            v = data.get(name)
            if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 1):
                raise FairerError(f"[mortality] {name} = {v!r} is not a whole number", path=path)
        return cls(
            years=data.get("years", 5),
            end_year=data.get("end_year"),
            causes=str(data["causes"]) if data.get("causes") else None,
            areas=str(data["areas"]) if data.get("areas") else None,
        )

    def to_toml_lines(self) -> list[str]:
        """The ``[mortality]`` table, when it is not the default."""
        if self == MortalitySettings():
            return []
        lines = ["", "[mortality]", f"years = {self.years}"]
        if self.end_year is not None:
            lines.append(f"end_year = {self.end_year}")
        lines += [
            f"{k} = {_q(v)}" for k, v in (("causes", self.causes), ("areas", self.areas)) if v
        ]
        return lines


def _q(v: str) -> str:
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class SourceEntry:
    """One data file the place uses."""

    kind: str  # iod, lookup, bridge, boundaries, population
    path: Path
    edition: int | None = None
    level: str | None = None
    year: int | None = None
    detail: str = ""


@dataclass
class Place:
    """A place's configuration, as read from ``place.toml``."""

    folder: Path
    name: str
    la_codes: list[str]
    geography_year: int = 2021
    disclosure_threshold: int = DEFAULT_THRESHOLD
    framework: str = DEFAULT_FRAMEWORK
    synthetic: bool = False
    sources: list[SourceEntry] = field(default_factory=list)
    targeting: TargetingSettings = field(default_factory=TargetingSettings)
    comparators: ComparatorSettings = field(default_factory=ComparatorSettings)
    mortality: MortalitySettings = field(default_factory=MortalitySettings)

    @property
    def store_path(self) -> Path:
        return self.folder / STORE_FILE

    @property
    def output_dir(self) -> Path:
        return self.folder / "output"

    def describe(self) -> list[str]:
        """What ``fairer init`` made: the place file, the authorities and every source."""
        lines = [f"created {self.folder / PLACE_FILE} for {self.name} ({', '.join(self.la_codes)})"]
        return lines + [f"  {s.kind:<11} {s.detail:<40} {s.path}" for s in self.sources]

    def sources_of(self, kind: str) -> list[SourceEntry]:
        return [s for s in self.sources if s.kind == kind]

    def to_toml(self) -> str:
        q = _q
        lines = [
            "# fairer place file: written by `fairer init`, read by every fairer command.",
            "[place]",
            f"name = {q(self.name)}",
            f"la_codes = [{', '.join(q(c) for c in self.la_codes)}]",
            f"geography_year = {self.geography_year}",
            f"disclosure_threshold = {self.disclosure_threshold}",
            f"framework = {q(self.framework)}",
            f"synthetic = {'true' if self.synthetic else 'false'}",
        ]
        lines += self.targeting.to_toml_lines()
        lines += self.comparators.to_toml_lines()
        lines += self.mortality.to_toml_lines()
        for s in self.sources:
            lines += [
                "",
                "[[sources]]",
                f"kind = {q(s.kind)}",
                f"path = {q(_portable(s.path, self.folder))}",
            ]
            for key in ("edition", "year"):
                if getattr(s, key) is not None:
                    lines.append(f"{key} = {getattr(s, key)}")
            if s.level:
                lines.append(f"level = {q(s.level)}")
            if s.detail:
                lines.append(f"detail = {q(s.detail)}")
        return "\n".join(lines) + "\n"


def _portable(path: Path, folder: Path) -> str:
    try:
        return str(path.resolve().relative_to(folder.resolve()))
    except ValueError:
        return str(path.resolve())


def _lookup_las(found: list[DetectedSource]) -> pd.DataFrame:
    from fairer.sources.lookups import read_lookup

    frames = []
    for d in found:
        if d.kind == "lookup":
            try:
                lk = read_lookup(d.path)
            except FairerError:
                continue
            if "lad_code" in lk:
                cols = lk[["lad_code"]].assign(lad_name=lk.get("lad_name", lk["lad_code"]))
                frames.append(cols.drop_duplicates())
    return pd.concat(frames) if frames else pd.DataFrame(columns=["lad_code", "lad_name"])


def choose_sources(found: list[DetectedSource]) -> list[SourceEntry]:
    """Keep the recognised files a place needs, one of each role.

    - IoD files of the 2019 and 2025 editions (all files of an edition: File 2 + File 6 …);
    - per LSOA geography, the fewest lookups that give MSOA, ward and LAD (named ones first);
    - the LSOA 2011↔2021 bridge;
    - per LSOA geography, the boundary layer with the most areas (national beats a subset);
    - per LSOA geography, the latest LSOA population table (by file name);
    - every indicator file.

    Parameters
    ----------
    found : list of DetectedSource
        What :func:`fairer.sources.detect.discover` recognised.

    Returns
    -------
    list of SourceEntry

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> from fairer.sources.detect import discover
    >>> data = example_place().parent / 'data'
    >>> sorted({s.kind for s in choose_sources(discover(data))})[:3]
    ['actions', 'assessment', 'assets']
    """
    out: list[SourceEntry] = []

    def add(d: DetectedSource) -> None:
        out.append(SourceEntry(d.kind, d.path, d.edition, d.level, d.year, d.detail))

    for d in found:
        if d.kind == "iod" and d.edition in (2019, 2025):
            add(d)
    bridges = [d for d in found if d.kind == "bridge"]
    if bridges:
        add(bridges[0])
    lookups_by_year: dict[int | None, list[DetectedSource]] = {}
    for d in found:
        if d.kind == "lookup":
            lookups_by_year.setdefault(d.year, []).append(d)
    for group in lookups_by_year.values():
        covered: set[str] = set()
        for d in sorted(
            group, key=lambda d: (-len((d.level or "").split(",")), d.path.stat().st_size)
        ):
            levels = set((d.level or "").split(",")) - {"lsoa"}
            if levels - covered:
                covered |= levels
                add(d)
    for d in found:
        if d.kind in (
            "iod_summary",
            "indicators",
            "cni",
            "postcodes",
            "evaluation",
            "assets",
            "spend",
            "actions",
            "assessment",
            "learning",
            "deaths",
            "mortality_comparator",
            "general_health",
        ):
            add(d)
    for year in (2011, 2021):
        layers = [
            d for d in found if d.kind == "boundaries" and d.level == "lsoa" and d.year == year
        ]
        if layers:
            add(max(layers, key=_feature_count))
        pops = [d for d in found if d.kind == "population" and d.level == "lsoa" and d.year == year]
        if pops:
            add(max(pops, key=lambda d: d.path.name))
    return out


def _feature_count(d: DetectedSource) -> int:
    import pyogrio

    try:
        return int(pyogrio.read_info(d.path)["features"])
    except Exception:
        return 0


def init_place(
    folder: str | Path,
    la: list[str],
    data: list[str | Path] | None = None,
    geography_year: int = 2021,
    name: str | None = None,
    disclosure_threshold: int = DEFAULT_THRESHOLD,
    framework: str = DEFAULT_FRAMEWORK,
    synthetic: bool = False,
    force: bool = False,
    targeting: TargetingSettings | dict | None = None,
) -> Place:
    """Create a place folder with its ``place.toml``.

    Parameters
    ----------
    folder : path-like
        The place's folder (created if missing).
    la : list of str
        Local authority district codes or names.
    data : list of path-like, optional
        Folders (or files) to look for data in; files are recognised by their header. Defaults
        to the download cache of ``fairer fetch``.
    geography_year : {2021, 2011}
        The LSOA geography the profile leads with (2021: IoD2025; 2011: IoD2019).
    disclosure_threshold : int
        Counts from 1 to this minus one are suppressed in outputs (default 5: 1–4 suppressed).
    force : bool
        Overwrite an existing ``place.toml``.

    Raises
    ------
    FairerError
        Unknown LA codes (with near matches), a bad geography year or threshold, an existing
        place file without ``force``, or no IoD data found.

    Returns
    -------
    Place
        The settings written to ``place.toml``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from fairer.demo import make_borough, write_borough
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_borough(make_borough(seed=1), tmp / 'data')
    >>> init_place(tmp / 'place', ['E06990001'], data=[tmp / 'data'], synthetic=True).la_codes
    ['E06990001']
    """
    from fairer.sources.fetch import cache_dir

    folder = Path(folder)
    if geography_year not in (2011, 2021):
        raise FairerError(f"geography year must be 2011 or 2021, not {geography_year}")
    if disclosure_threshold < 1:
        raise FairerError("disclosure threshold must be at least 1")
    if framework not in FRAMEWORKS:
        raise FairerError(f"unknown framework '{framework}': choose one of {', '.join(FRAMEWORKS)}")
    if (folder / PLACE_FILE).exists() and not force:
        raise FairerError(
            "a place file already exists here; use --force to replace it", path=folder / PLACE_FILE
        )
    if not la:
        raise FairerError("give at least one local authority with --la")
    data_paths = [Path(p) for p in (data or [cache_dir()])]
    found: list[DetectedSource] = []
    for p in data_paths:
        if not p.exists():
            raise FairerError(
                "data folder not found: pass --data FOLDER (where your downloaded files are), "
                "or run `fairer fetch iod2025` and `fairer fetch lookups` (online) to fill this "
                "cache",
                path=p,
            )
        found += discover(p) if p.is_dir() else [d for d in [_detect(p)] if d]
    codes = []
    for v in la:
        try:
            codes.append(resolve_la(v))
        except FairerError:  # not a known LA: maybe the data define it (a synthetic place)
            codes.append(resolve_la(v, _lookup_las(found)))
    if not any(d.kind == "iod" for d in found):
        raise FairerError(
            "no Indices of Deprivation file found in "
            + ", ".join(str(p) for p in data_paths)
            + "; run `fairer fetch iod2025` (online) or pass --data FOLDER"
        )
    table = known_local_authorities().set_index("lad_code")["lad_name"]
    # An authority that is not one of England's is defined by its own files: a synthetic place,
    # whose files need not cover the whole of England.
    synthetic = synthetic or not all(c in table.index for c in codes)
    if name is None:
        if all(c in table.index for c in codes):
            name = " and ".join(str(table[c]) for c in codes)
        else:
            extra = _lookup_las(found).drop_duplicates("lad_code").set_index("lad_code")["lad_name"]
            name = " and ".join(str(table.get(c, extra.get(c, c))) for c in codes)
    place = Place(
        folder=folder,
        name=name,
        la_codes=codes,
        geography_year=geography_year,
        disclosure_threshold=disclosure_threshold,
        framework=framework,
        synthetic=synthetic,
        sources=choose_sources(found),
        targeting=targeting
        if isinstance(targeting, TargetingSettings)
        else TargetingSettings.from_toml(targeting or None),
    )
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(folder / PLACE_FILE, place.to_toml())
    return place


def _detect(path: Path):
    from fairer.sources.detect import detect

    return detect(path)


def setting(table: dict, key: str, kind: type, default, path: Path | None, section: str):
    """A typed value from a settings table; a value of the wrong type is one clear error.

    Examples
    --------
    >>> setting({"disclosure_threshold": "five"}, "disclosure_threshold", int, 5, None, "[place]")
    Traceback (most recent call last):
    ...
    fairer.errors.FairerError: [place] disclosure_threshold = 'five' is not a whole number
    """
    value = table.get(key, default)
    if kind is bool:
        if isinstance(value, bool):
            return value
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(value, kind):
        return value
    what = {int: "a whole number", bool: "true or false"}.get(kind, kind.__name__)
    raise FairerError(f"{section} {key} = {value!r} is not {what}", path=path)


def point_sources(folder: str | Path, files: dict[str, tuple[Path, str]]) -> Place:
    """Point a place's sources of some kinds at new files and rewrite ``place.toml``.

    Parameters
    ----------
    folder : path-like
        A place folder.
    files : dict of kind → (path, detail)
        One file per kind (``actions``, ``learning``, ``assets`` …) replacing the place's
        sources of that kind; other sources are kept as they were.

    Returns
    -------
    Place
        The place as now written.

    Examples
    --------
    >>> import shutil, tempfile, pathlib
    >>> from fairer.demo import example_place
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / 'p'
    >>> _ = shutil.copytree(example_place(), folder)
    >>> plan = folder / 'plan.xlsx'
    >>> [s.path.name for s in point_sources(folder, {'actions': (plan, 'action plan')}).sources_of('actions')]
    ['plan.xlsx']
    """
    from fairer.tabular import write_text_atomic

    place = load_place(folder)
    kept = [s for s in place.sources if s.kind not in files]
    place.sources = kept + [SourceEntry(k, Path(p), detail=d) for k, (p, d) in files.items()]
    write_text_atomic(Path(folder) / PLACE_FILE, place.to_toml())
    return place


def load_place(folder: str | Path) -> Place:
    """Read a place's ``place.toml``.

    Raises
    ------
    FairerError
        If the folder or file is missing or the file is invalid.

    Parameters
    ----------
    folder : path-like
        A folder made by :func:`init_place`.

    Returns
    -------
    Place

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> load_place(example_place()).name
    'Fairhaven (synthetic borough)'
    """
    folder = Path(folder)
    if not folder.exists():
        raise FairerError("place folder does not exist; create it with `fairer init`", path=folder)
    path = folder / PLACE_FILE
    if not path.exists():
        raise FairerError(
            f"no {PLACE_FILE} here; create it with `fairer init {folder} --la CODE`", path=folder
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FairerError(f"invalid TOML ({exc})", path=path) from None
    p = data.get("place")
    if not isinstance(p, dict) or not p.get("la_codes"):
        raise FairerError("missing [place] table with la_codes", path=path)
    sources = []
    for i, s in enumerate(data.get("sources", []), start=1):
        if "kind" not in s or "path" not in s:
            raise FairerError(f"source {i} needs 'kind' and 'path'", path=path)
        sp = Path(s["path"])
        sources.append(
            SourceEntry(
                s["kind"],
                sp if sp.is_absolute() else folder / sp,
                s.get("edition"),
                s.get("level"),
                s.get("year"),
                s.get("detail", ""),
            )
        )
    if not isinstance(p["la_codes"], list) or not all(isinstance(c, str) for c in p["la_codes"]):
        raise FairerError('[place] la_codes must be a list of codes, e.g. ["E06000004"]', path=path)
    threshold = setting(p, "disclosure_threshold", int, DEFAULT_THRESHOLD, path, "[place]")
    if threshold < 1:
        raise FairerError("[place] disclosure_threshold must be at least 1", path=path)
    return Place(
        folder=folder,
        name=str(p.get("name", ", ".join(p["la_codes"]))),
        la_codes=list(p["la_codes"]),
        geography_year=setting(p, "geography_year", int, 2021, path, "[place]"),
        disclosure_threshold=threshold,
        framework=str(p.get("framework", DEFAULT_FRAMEWORK)),
        synthetic=setting(p, "synthetic", bool, False, path, "[place]"),
        sources=sources,
        targeting=TargetingSettings.from_toml(data.get("targeting"), path),
        comparators=ComparatorSettings.from_toml(data.get("comparators"), path),
        mortality=MortalitySettings.from_toml(data.get("mortality"), path),
    )
