"""English Indices of Deprivation (IoD) 2015, 2019 and 2025, in the layouts MHCLG publishes.

The government publishes each edition as numbered files: File 1 (IMD ranks and deciles),
File 2 (domain ranks and deciles), File 5 (scores), File 6 (population denominators) and
File 7 (all of these in one table), as XLSX and CSV. Files are recognised by their header,
never their name, so a renamed download or a re-saved CSV reads the same. Several files of one
edition are joined on the LSOA code into one table.

References
----------
Ministry of Housing, Communities and Local Government (2019, 2025). *The English Indices of
Deprivation: Technical Report* and *File descriptions*. Open Government Licence v3.0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError, raise_first
from fairer.sources.geocodes import LSOA_CODE, geo_columns
from fairer.tabular import read_header, read_table

#: The domains of the IoD, in the order MHCLG lists them, with their published titles.
DOMAINS: dict[str, str] = {
    "imd": "Index of Multiple Deprivation",
    "income": "Income",
    "employment": "Employment",
    "education": "Education, Skills and Training",
    "health": "Health Deprivation and Disability",
    "crime": "Crime",
    "barriers": "Barriers to Housing and Services",
    "living_environment": "Living Environment",
    "idaci": "Income Deprivation Affecting Children (IDACI)",
    "idaopi": "Income Deprivation Affecting Older People (IDAOPI)",
}
MAIN_DOMAINS = list(DOMAINS)[:8]
MEASURES = ("score", "rank", "decile")

_DOMAIN_ALIASES = {
    "index of multiple deprivation": "imd",
    "imd": "imd",
    "income": "income",
    "employment": "employment",
    "education, skills and training": "education",
    "education skills and training": "education",
    "education": "education",
    "health deprivation and disability": "health",
    "health": "health",
    "crime": "crime",
    "barriers to housing and services": "barriers",
    "housing and services": "barriers",
    "barriers": "barriers",
    "living environment": "living_environment",
    "environment": "living_environment",
    "income deprivation affecting children index": "idaci",
    "income deprivation affecting children": "idaci",
    "idaci": "idaci",
    "income deprivation affecting older people index": "idaopi",
    "income deprivation affecting older people": "idaopi",
    "idaopi": "idaopi",
}

POPULATION_COLUMNS: dict[str, str] = {
    "pop_total": "Total population",
    "pop_children_0_15": "Dependent children aged 0-15",
    "pop_16_59": "Population aged 16-59",
    "pop_60_plus": "Older population aged 60 and over",
    "pop_working_age": "Working age population 18-59/64",
}
_POP_PATTERNS = [
    ("pop_total", re.compile(r"^total population")),
    ("pop_children_0_15", re.compile(r"^dependent children aged 0.15")),
    ("pop_16_59", re.compile(r"^population aged 16.59")),
    ("pop_60_plus", re.compile(r"^older population aged 60")),
    ("pop_working_age", re.compile(r"^working age population")),
]

#: The LSOA geography of each edition, and the count of English LSOAs in it.
EDITION_GEOGRAPHY = {2015: 2011, 2019: 2011, 2025: 2021}
EDITION_LSOA_COUNT = {2015: 32844, 2019: 32844, 2025: 33755}
# The LAD vintage each edition's files carry, for recognising the edition from a header.
#: The LAD vintage each edition's files use, and so the edition a LAD year means.
LAD_YEAR_EDITION = {2013: 2015, 2019: 2019, 2024: 2025}
_LAD_YEAR_EDITION = LAD_YEAR_EDITION

LICENCE = "Open Government Licence v3.0"
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: Ministry of Housing, Communities and Local Government, English Indices of Deprivation."
)


def canonical_measure_column(header: str) -> str | None:
    """The canonical name (``income_rank``, ``imd_score`` …) of an IoD measure header, or None.

    Examples
    --------
    >>> canonical_measure_column("Income Decile (where 1 is most deprived 10% of LSOAs)")
    'income_decile'
    >>> canonical_measure_column("Index of Multiple Deprivation (IMD) Score")
    'imd_score'
    >>> canonical_measure_column("Housing_and_Services_rank")
    'barriers_rank'
    >>> canonical_measure_column("Income Score (rate)")
    'income_score'
    """
    s = str(header).lower().replace("_", " ")
    s = re.sub(r"\([^)]*\)", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    m = re.search(r"\b(score|rank|decile)\b", s)
    if not m:
        return None
    head = s[: m.start()].strip(" ,-")
    tail = s[m.end() :].strip()
    # "Rank of average score" and similar are LA-summary measures, not LSOA ones.
    if tail and not tail.startswith(("rate", "of lsoas")):
        return None
    domain = _DOMAIN_ALIASES.get(head)
    return f"{domain}_{m.group(1)}" if domain else None


def canonical_population_column(header: str) -> str | None:
    """The canonical name of an IoD File 6 population denominator header, or None."""
    s = re.sub(r"\s+", " ", str(header).lower().replace("_", " ")).strip()
    for name, pattern in _POP_PATTERNS:
        if pattern.search(s):
            return name
    return None


@dataclass
class IoDLayout:
    """What an IoD file's header says about it."""

    code_column: str
    name_column: str | None
    lad_code_column: str | None
    lad_name_column: str | None
    lsoa_year: int | None
    lad_year: int | None
    measures: dict[str, str] = field(default_factory=dict)  # header -> canonical
    population: dict[str, str] = field(default_factory=dict)
    population_year: int | None = None

    @property
    def file_kind(self) -> str:
        """The numbered file this header matches: File 1, 2, 5, 6, 7 (or 'IoD table')."""
        kinds = {c.rsplit("_", 1)[1] for c in self.measures.values()}
        domains = {c.rsplit("_", 1)[0] for c in self.measures.values()}
        if self.population and "score" in kinds and "rank" in kinds:
            return "File 7"
        if self.population and not self.measures:
            return "File 6"
        if kinds == {"score"}:
            return "File 5"
        if domains == {"imd"} and "score" not in kinds:
            return "File 1"
        if "score" not in kinds and len(domains) > 1:
            return "File 2"
        return "IoD table"

    @property
    def edition(self) -> int | None:
        if self.lad_year in _LAD_YEAR_EDITION:
            return _LAD_YEAR_EDITION[self.lad_year]
        if self.lsoa_year == 2021:
            return 2025
        if self.lsoa_year == 2011:
            return 2019
        return None


def recognise_layout(columns: Iterable[str]) -> IoDLayout | None:
    """Recognise an IoD table from its column headers; ``None`` if it is not one.

    A table is an IoD file if it has an LSOA code column and either IMD measures or
    population denominators.
    """
    columns = [str(c).strip() for c in columns]
    geo = geo_columns(columns)
    lsoa_code = [c for c, g in geo.items() if g.level == "lsoa" and g.part == "code"]
    if not lsoa_code:
        return None
    lsoa_name = [c for c, g in geo.items() if g.level == "lsoa" and g.part == "name"]
    lad_code = [c for c, g in geo.items() if g.level == "lad" and g.part == "code"]
    lad_name = [c for c, g in geo.items() if g.level == "lad" and g.part == "name"]
    measures = {}
    for c in columns:
        canon = canonical_measure_column(c)
        if canon and canon not in measures.values():
            measures[c] = canon
    population = {}
    pop_year = None
    for c in columns:
        canon = canonical_population_column(c)
        if canon and canon not in population.values():
            population[c] = canon
            m = re.search(r"mid.?(\d{4})", c.lower())
            if m:
                pop_year = int(m.group(1))
    has_imd = any(v.startswith("imd_") for v in measures.values())
    # File 6 has the five denominators; a table with only a total population is not IoD.
    if not has_imd and len(population) < 2:
        return None
    return IoDLayout(
        code_column=lsoa_code[0],
        name_column=lsoa_name[0] if lsoa_name else None,
        lad_code_column=lad_code[0] if lad_code else None,
        lad_name_column=lad_name[0] if lad_name else None,
        lsoa_year=geo[lsoa_code[0]].year,
        lad_year=geo[lad_code[0]].year if lad_code else None,
        measures=measures,
        population=population,
        population_year=pop_year,
    )


def _is_iod_header(row: list[str]) -> bool:
    return recognise_layout(row) is not None


def _check_complete(layout: IoDLayout, path: Path) -> None:
    """A file that has a measure for several domains must have it for every main domain."""
    by_measure: dict[str, set[str]] = {}
    for canon in layout.measures.values():
        domain, measure = canon.rsplit("_", 1)
        by_measure.setdefault(measure, set()).add(domain)
    for measure, domains in by_measure.items():
        main = domains & set(MAIN_DOMAINS)
        if len(main) > 1 and main != set(MAIN_DOMAINS):
            missing = [DOMAINS[d] for d in MAIN_DOMAINS if d not in main]
            raise FairerError(
                f"{layout.file_kind} has domain {measure}s but no '{missing[0]} {measure.title()}' "
                f"column (missing: {', '.join(missing)}); is the file truncated or edited?",
                path=path,
            )


def _validate_rows(df: pd.DataFrame, layout: IoDLayout, path: Path, header_row: int) -> None:
    codes = df[layout.code_column]
    first_data_row = header_row + 1
    clean = codes.fillna("").astype(str).str.strip()
    bad = ~clean.str.match(LSOA_CODE) | ~clean.str.startswith("E")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        code = clean.iloc[i]
        if not code:
            what = "the LSOA code is missing"
        elif code.startswith("W01"):
            what = f"'{code}' is a Welsh LSOA code: the English Indices cover England only"
        else:
            what = f"'{code}' is not an LSOA code (expected E01 and six digits)"
        raise FairerError(
            what,
            path=path,
            row=first_data_row + i,
            column=layout.code_column,
        )
    dup = codes.duplicated(keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        first = int(np.flatnonzero((codes == codes.iloc[i]).to_numpy())[0])
        raise FairerError(
            f"LSOA {codes.iloc[i]} appears twice (also at row {first_data_row + first}); "
            "remove the duplicate row",
            path=path,
            row=first_data_row + i,
            column=layout.code_column,
        )
    for header, canon in {**layout.measures, **layout.population}.items():
        col = pd.to_numeric(df[header], errors="coerce")
        bad = col.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            value = df[header].iloc[i]
            what = (
                "is missing"
                if pd.isna(value) or str(value).strip() == ""
                else f"'{value}' is not a number"
            )
            raise FairerError(
                f"value {what} (is the file truncated?)",
                path=path,
                row=first_data_row + i,
                column=header,
            )
        where = {"path": path, "first_row": first_data_row, "column": header}
        raise_first(
            np.isinf(col.to_numpy(dtype=float)),
            lambda i, raw=df[header]: f"value {raw.iloc[i]} is not a finite number",
            **where,
        )
        if canon.endswith(("_decile", "_rank")) or canon.startswith("pop_"):
            raise_first(
                col != col.round(),
                lambda i, c=col, name=canon: (
                    f"value {c.iloc[i]} is not a whole number, as a {name.replace('_', ' ')} must be"
                ),
                **where,
            )
        if canon.endswith("_decile"):
            out = (col < 1) | (col > 10)
        elif canon.endswith("_rank"):
            top = EDITION_LSOA_COUNT.get(layout.edition or 0)
            out = (col < 1) | (col > top) if top else col < 1
        elif canon.startswith("pop_"):
            out = col < 0
        else:
            continue
        if out.any():
            i = int(np.flatnonzero(out.to_numpy())[0])
            raise FairerError(
                f"value {col.iloc[i]} is out of range for {canon.replace('_', ' ')}",
                path=path,
                row=first_data_row + i,
                column=header,
            )


def read_iod_file(path: str | Path) -> pd.DataFrame:
    """Read one IoD file into canonical columns.

    Parameters
    ----------
    path : path-like
        A File 1, 2, 5, 6 or 7 (CSV, CSV.GZ, XLSX or Parquet), or any table with the same headers.

    Returns
    -------
    pandas.DataFrame
        ``lsoa_code``, ``lsoa_name``, ``lad_code``, ``lad_name`` (where present), then
        ``<domain>_<score|rank|decile>`` and ``pop_*`` columns. ``attrs`` hold ``edition``,
        ``lsoa_year``, ``file_kind``, ``population_year`` and ``path``.

    Raises
    ------
    FairerError
        If the header is not an IoD one, a column is missing, a value is missing or out of range,
        a code is malformed or duplicated.
    """
    path = Path(path)
    df = read_table(path, is_header=_is_iod_header)
    layout = recognise_layout(df.columns)
    if layout is None:
        raise FairerError(
            "not an Indices of Deprivation file: no 'LSOA code' column with IMD measures or "
            "population denominators",
            path=path,
        )
    _check_complete(layout, path)
    header_row = int(df.attrs.get("header_row", 1))
    _validate_rows(df, layout, path, header_row)
    out = pd.DataFrame({"lsoa_code": df[layout.code_column].astype(str).str.strip()})
    if layout.name_column:
        out["lsoa_name"] = df[layout.name_column].astype(str).str.strip()
    if layout.lad_code_column:
        out["lad_code"] = df[layout.lad_code_column].astype(str).str.strip()
    if layout.lad_name_column:
        out["lad_name"] = df[layout.lad_name_column].astype(str).str.strip()
    for header, canon in {**layout.measures, **layout.population}.items():
        col = pd.to_numeric(df[header])
        if canon.endswith(("_rank", "_decile")) or canon.startswith("pop_"):
            col = col.round().astype("int64")
        out[canon] = col.to_numpy()
    out.attrs.update(
        edition=layout.edition,
        lsoa_year=layout.lsoa_year or (EDITION_GEOGRAPHY.get(layout.edition or 0)),
        file_kind=layout.file_kind,
        population_year=layout.population_year,
        path=str(path),
        header_row=header_row,
        code_column=layout.code_column,
    )
    return out


def read_iod(paths: str | Path | Iterable[str | Path], edition: int | None = None) -> pd.DataFrame:
    """Read and join one or more IoD files of one edition.

    Parameters
    ----------
    paths : path-like or iterable of path-like
        IoD files (e.g. File 2 and File 6, or File 7 alone). They are joined on the LSOA code;
        where two files give the same measure, the first file's values are kept.
    edition : {2015, 2019, 2025}, optional
        The edition, if the headers do not say it (they say it through the LSOA and LAD years).

    Returns
    -------
    pandas.DataFrame
        One row per LSOA; see :func:`read_iod_file` for the columns.

    Raises
    ------
    FairerError
        If files disagree on the edition or cover different LSOAs, or any file is malformed.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    frames = [read_iod_file(p) for p in paths]
    if not frames:
        raise FairerError("no IoD files given")
    editions = {f.attrs["edition"] for f in frames if f.attrs["edition"]}
    if edition is not None:
        wrong = [f for f in frames if f.attrs["edition"] not in (None, edition)]
        if wrong:
            raise FairerError(
                f"this is an IoD{wrong[0].attrs['edition']} file, not IoD{edition}",
                path=wrong[0].attrs["path"],
            )
        editions = {edition}
    if len(editions) > 1:
        raise FairerError(
            "files from different IoD editions were given together: "
            + ", ".join(f"{Path(f.attrs['path']).name} (IoD{f.attrs['edition']})" for f in frames)
        )
    ed = editions.pop() if editions else None
    result = frames[0]
    for f in frames[1:]:
        new_cols = [c for c in f.columns if c not in result.columns]
        if set(f["lsoa_code"]) != set(result["lsoa_code"]):
            missing = sorted(set(result["lsoa_code"]) - set(f["lsoa_code"]))[:3]
            extra = sorted(set(f["lsoa_code"]) - set(result["lsoa_code"]))[:3]
            raise FairerError(
                "covers different LSOAs from the other IoD files "
                f"(missing e.g. {missing or '-'}, extra e.g. {extra or '-'})",
                path=f.attrs["path"],
            )
        result = result.merge(f[["lsoa_code", *new_cols]], on="lsoa_code", how="left")
    pop_years = [f.attrs["population_year"] for f in frames if f.attrs["population_year"]]
    result.attrs = {
        "edition": ed,
        "lsoa_year": EDITION_GEOGRAPHY.get(ed) if ed else frames[0].attrs["lsoa_year"],
        "population_year": pop_years[0] if pop_years else None,
        "files": [f.attrs["path"] for f in frames],
        "file_kinds": [f.attrs["file_kind"] for f in frames],
    }
    return result


def is_iod_file(path: str | Path) -> IoDLayout | None:
    """The layout of ``path`` if its header is an IoD one (reads only the first rows)."""
    try:
        rows = read_header(path)
    except (FairerError, OSError, ValueError):
        return None
    for row in rows:
        layout = recognise_layout(row)
        if layout is not None:
            return layout
    return None
