"""Every query fairer sends to a store, by name. No other module writes SQL.

Each function takes a :class:`~fairer.store.base.Store` and returns plain Python values or
DataFrames, so callers never see SQL, a connection or a backend. Reads are grouped by the
part of the cycle that uses them; writes say what they replace.

Examples
--------
>>> import tempfile, pathlib
>>> from fairer.store import open_store, queries
>>> with tempfile.TemporaryDirectory() as tmp:
...     store = open_store(pathlib.Path(tmp) / "fairer.duckdb")
...     queries.editions(store), queries.indicator_value_count(store)
...     store.close()
([], 0)
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from fairer.store.base import Store
from fairer.store.schema import DERIVED_TABLES

# -- sources and provenance -----------------------------------------------------------------


def source_ids_for_path(store: Store, kind: str, path: Path) -> list[int]:
    """Ids of earlier loads of the file at ``path`` as a source of ``kind``."""
    df = store.query(
        "SELECT source_id FROM sources WHERE kind = ? AND path = ?",
        [kind, str(Path(path).resolve())],
    )
    return [int(s) for s in df["source_id"]]


def source_paths(store: Store, kind: str) -> pd.DataFrame:
    """``source_id, path`` of every load of a source of ``kind``."""
    return store.query("SELECT source_id, path FROM sources WHERE kind = ?", [kind])


def source_row_counts(store: Store, source_ids: list[int]) -> int:
    """How many rows the given sources contributed, together."""
    if not source_ids:
        return 0
    marks = ", ".join("?" for _ in source_ids)
    df = store.query(
        f"SELECT coalesce(sum(row_count), 0) AS n FROM sources WHERE source_id IN ({marks})",
        list(source_ids),
    )
    return int(df["n"].iat[0])


def source_ids_of_kinds(store: Store, kinds: list[str]) -> list[int]:
    """Ids of every source of the given kinds."""
    marks = ", ".join("?" for _ in kinds)
    df = store.query(f"SELECT source_id FROM sources WHERE kind IN ({marks})", list(kinds))
    return [int(s) for s in df["source_id"]]


def source_count(store: Store, kind: str) -> int:
    """How many files of ``kind`` are loaded."""
    return int(store.query("SELECT count(*) AS n FROM sources WHERE kind = ?", [kind])["n"].iat[0])


def attributions(store: Store) -> list[str]:
    """The distinct attribution statements of every loaded source, in load order."""
    df = store.query(
        "SELECT attribution, min(source_id) AS first FROM sources WHERE attribution IS NOT NULL"
        " GROUP BY 1 ORDER BY 2"
    )
    return [str(a) for a in df["attribution"]]


def sources_summary(store: Store) -> pd.DataFrame:
    """One row per loaded file: id, kind, name, short checksum, rows (for ``fairer status``)."""
    return store.query(
        "SELECT source_id, kind, file_name, left(sha256, 12) AS sha256, row_count FROM sources"
        " ORDER BY source_id"
    )


# -- geography ------------------------------------------------------------------------------


def area_codes(store: Store) -> set[str]:
    """Every area code the store knows, at any level."""
    return set(store.query("SELECT DISTINCT area_code FROM areas")["area_code"])


#: An area's best name: a real name from any source (a lookup without names gives the code).
_NAMED = (
    "(SELECT area_code, any_value(area_name) AS real_name FROM areas"
    " WHERE area_name IS NOT NULL AND area_name <> area_code GROUP BY 1)"
)


def area_names(store: Store) -> pd.Series:
    """Area code → name (any level), for labelling; the code where no source names it."""
    df = store.query(
        f"SELECT a.area_code, coalesce(any_value(n.real_name), a.area_code) AS area_name"
        f" FROM areas a LEFT JOIN {_NAMED} n USING (area_code) GROUP BY 1"
    )
    return df.set_index("area_code")["area_name"]


def names_at_level(store: Store, level: str, geo_year: int) -> pd.DataFrame:
    """``area_code, area_name`` of every area of ``level`` on the ``geo_year`` geography.

    A lookup without names (ONS's LSOA 2011 → ward 2017 has codes only) is named from any other
    source holding the same code: the 2024 ward lookup (most ward codes did not change), or the
    Community Needs Index's 2017 wards.
    """
    return store.query(
        f"SELECT a.area_code, coalesce(any_value(n.real_name), a.area_code) AS area_name"
        f" FROM areas a LEFT JOIN {_NAMED} n USING (area_code)"
        " WHERE a.level = ? AND a.geo_year = ? GROUP BY 1",
        [level, geo_year],
    )


def lsoa_parents(store: Store, geo_year: int) -> pd.DataFrame:
    """``lsoa_code, parent_level, parent_code``: one parent per LSOA and level."""
    return store.query(
        "SELECT child_code AS lsoa_code, parent_level, any_value(parent_code) AS parent_code"
        " FROM area_links WHERE child_level = 'lsoa' AND (geo_year = ? OR geo_year IS NULL)"
        " GROUP BY 1, 2",
        [geo_year],
    )


def lsoa_links(store: Store, geo_year: int) -> pd.DataFrame:
    """``child_code, parent_code, parent_level`` for every LSOA link on the geography."""
    return store.query(
        "SELECT DISTINCT child_code, parent_code, parent_level FROM area_links"
        " WHERE child_level = 'lsoa' AND (geo_year = ? OR geo_year IS NULL)",
        [geo_year],
    )


def lsoa_wards(store: Store) -> pd.DataFrame:
    """``child_code, ward``: each LSOA's ward name (or code where it has no name)."""
    return store.query(
        "SELECT l.child_code, coalesce(a.area_name, l.parent_code) AS ward FROM area_links l "
        "LEFT JOIN areas a ON a.area_code = l.parent_code AND a.level = 'ward' "
        "WHERE l.child_level = 'lsoa' AND l.parent_level = 'ward'"
    )


def children_of(store: Store, la_codes: list[str]) -> set[str]:
    """Every area linked to one of the authorities (LSOAs, wards, MSOAs)."""
    df = store.query(
        "SELECT DISTINCT child_code FROM area_links WHERE parent_code IN (SELECT unnest(?))",
        [list(la_codes)],
    )
    return set(df["child_code"])


def place_area_names(store: Store, la_codes: list[str]) -> list[str]:
    """The names of the authorities and of every area linked to them (wards, LSOAs, MSOAs)."""
    df = store.query(
        "SELECT DISTINCT area_name FROM areas WHERE area_name IS NOT NULL AND (area_code IN"
        " (SELECT unnest(?)) OR area_code IN (SELECT child_code FROM area_links"
        " WHERE parent_code IN (SELECT unnest(?))))",
        [list(la_codes), list(la_codes)],
    )
    return df["area_name"].astype(str).tolist()


def place_lsoas(store: Store, la_codes: list[str], geo_year: int | None) -> list[str]:
    """The LSOA codes linked to the authorities (on ``geo_year``, or any year)."""
    df = store.query(
        "SELECT DISTINCT child_code FROM area_links WHERE child_level = 'lsoa' AND parent_code IN"
        " (SELECT unnest(?)) AND (geo_year = ? OR ? IS NULL)",
        [list(la_codes), geo_year, geo_year],
    )
    return df["child_code"].tolist()


def bridge(store: Store) -> pd.DataFrame:
    """The ONS LSOA 2011 → 2021 bridge: ``lsoa11_code, lsoa21_code, change``."""
    return store.query("SELECT lsoa11_code, lsoa21_code, change FROM lsoa_bridge")


def geometry(store: Store, level: str, geo_year: int):
    """The stored polygons for a level and year, as a GeoDataFrame in EPSG:4326."""
    import geopandas as gpd

    df = store.query(
        "SELECT area_code, any_value(wkb) AS wkb FROM area_geometry WHERE level = ? AND geo_year = ?"
        " GROUP BY 1 ORDER BY 1",
        [level, geo_year],
    )
    if df.empty:
        return gpd.GeoDataFrame({"area_code": []}, geometry=[], crs=4326)
    geom = gpd.GeoSeries.from_wkb(df["wkb"].map(bytes), crs=4326)
    return gpd.GeoDataFrame({"area_code": df["area_code"]}, geometry=geom, crs=4326)


# -- deprivation and population -------------------------------------------------------------


def editions(store: Store) -> list[int]:
    """The IoD editions the store holds, oldest first."""
    df = store.query("SELECT DISTINCT edition FROM deprivation ORDER BY 1")
    return [int(e) for e in df["edition"]]


def deprivation_long(store: Store, edition: int) -> pd.DataFrame:
    """``lsoa_code, domain, score, rank, decile`` for every LSOA of an edition."""
    return store.query(
        "SELECT lsoa_code, domain, score, rank, decile FROM deprivation WHERE edition = ?",
        [edition],
    )


def merge_deprivation(store: Store, long: pd.DataFrame) -> None:
    """Add IoD measures, filling gaps in rows another file of the edition already holds."""
    with store.registered("_iod", long):
        store.execute(
            "UPDATE deprivation d SET score = coalesce(d.score, i.score), rank = coalesce(d.rank, i.rank),"
            " decile = coalesce(d.decile, i.decile) FROM _iod i WHERE d.edition = i.edition"
            " AND d.lsoa_code = i.lsoa_code AND d.domain = i.domain"
        )
        store.execute(
            "INSERT INTO deprivation SELECT i.edition, i.lsoa_code, i.domain, i.score, i.rank, i.decile,"
            " i.source_id FROM _iod i ANTI JOIN deprivation d ON d.edition = i.edition"
            " AND d.lsoa_code = i.lsoa_code AND d.domain = i.domain"
        )


def iod_population(store: Store, geo_year: int) -> pd.DataFrame:
    """``area_code, n, period``: all-age LSOA populations that came with an IoD file."""
    return store.query(
        "SELECT p.area_code, sum(p.count) AS n, any_value(p.period) AS period FROM population p"
        " JOIN sources s USING (source_id) WHERE s.kind = 'iod' AND p.level = 'lsoa'"
        " AND p.geo_year = ? AND p.age IS NULL AND p.sex = 'persons' GROUP BY 1",
        [geo_year],
    )


def age_groups(store: Store, geo_year: int) -> pd.DataFrame:
    """``area_code, age_group, count``: national LSOA children (0-15) and people 60 and over,
    from the IoD population denominators (latest period held)."""
    return store.query(
        "SELECT area_code, age_group, count FROM age_groups WHERE geo_year = ?"
        " AND period = (SELECT max(period) FROM age_groups WHERE geo_year = ?)",
        [geo_year, geo_year],
    )


def lsoa_population(store: Store, geo_year: int) -> pd.DataFrame:
    """``area_code, period, n``: all-age LSOA populations from population files."""
    return store.query(
        "SELECT p.area_code, p.period, sum(p.count) AS n FROM population p JOIN sources s USING (source_id)"
        " WHERE s.kind = 'population' AND p.level = 'lsoa' AND p.geo_year = ? AND p.age IS NULL"
        " AND p.sex IN ('persons', 'female', 'male') GROUP BY 1, 2",
        [geo_year],
    )


def population_by_age(store: Store, level: str = "lsoa") -> pd.DataFrame:
    """``area_code, period, sex, age, count``: single-year population of the place's areas at
    ``level``, every period held (for person-years)."""
    return store.query(
        "SELECT area_code, period, sex, age, count FROM population"
        " WHERE age IS NOT NULL AND level = ? ORDER BY area_code, period, sex, age",
        [level],
    )


def adult_population(store: Store) -> pd.DataFrame:
    """``area_code, sex, age, count`` for ages 16+ in the latest period held."""
    return store.query(
        "SELECT area_code, sex, age, count FROM population WHERE age IS NOT NULL AND age >= 16 "
        "AND period = (SELECT max(period) FROM population)"
    )


# -- indicators -----------------------------------------------------------------------------


def indicator_value_count(store: Store) -> int:
    """How many indicator rows are loaded."""
    return int(store.query("SELECT count(*) AS n FROM indicator_values")["n"].iat[0])


def indicator_values(store: Store) -> pd.DataFrame:
    """Every loaded indicator row in the one vocabulary (``indicator_id … lowercl, uppercl``)."""
    return store.query(
        'SELECT indicator_id, area_code, period, grouping AS "group", numerator, denominator,'
        " value, lowercl, uppercl FROM indicator_values"
    )


def la_summaries(store: Store, prefix: str, period: str) -> pd.DataFrame:
    """Official LA summary measures of one edition: ``lad_code`` and one column per measure."""
    df = store.query(
        "SELECT area_code AS lad_code, indicator_id, value FROM indicator_values"
        " WHERE starts_with(indicator_id, ?) AND period = ?",
        [prefix, period],
    )
    if df.empty:
        return pd.DataFrame()
    df["measure"] = df["indicator_id"].str.removeprefix(prefix)
    return df.pivot(index="lad_code", columns="measure", values="value")


# -- loading helpers ------------------------------------------------------------------------


def insert_new(store: Store, table: str, df: pd.DataFrame, keys: list[str]) -> int:
    """Insert the rows whose keys ``table`` does not hold yet (an earlier source wins)."""
    df = df.drop_duplicates(keys)
    with store.registered("_new", df):
        cols = ", ".join(f'n."{c}"' for c in df.columns)
        on = " AND ".join(f'n."{k}" IS NOT DISTINCT FROM t."{k}"' for k in keys)
        store.execute(
            f"INSERT INTO {table} ({', '.join(df.columns)}) SELECT {cols} FROM _new n"
            f" ANTI JOIN {table} t ON {on}"
        )
    return len(df)


def clear(store: Store, tables: list[str]) -> None:
    """Delete every row of the named tables (derived results, coding history)."""
    for table in tables:
        store.execute(f"DELETE FROM {table}")


# -- voices ---------------------------------------------------------------------------------


#: Answers coded on their own: not blanks, not copies, and of a campaign only its template.
_TO_CODE = (
    "status = 'answer' AND statement_id NOT IN "
    "(SELECT statement_id FROM campaign_members WHERE statement_id <> template_id)"
)


def statements(store: Store, include_all: bool = False) -> pd.DataFrame:
    """The consultation's statements (by default only answers to code: no blanks, no copies,
    one template per campaign)."""
    where = "" if include_all else f"WHERE {_TO_CODE}"
    return store.query(
        f'SELECT * FROM statements {where} ORDER BY file, sheet, "row", statement_id'
    )


def answers(store: Store) -> pd.DataFrame:
    """Statements to analyse: answers only (no blanks, one of each duplicate or campaign)."""
    return store.query(
        "SELECT statement_id, respondent_id, question, group_name, kind, text FROM statements "
        f'WHERE {_TO_CODE} ORDER BY file, sheet, "row", statement_id'
    )


def distinct_answers(store: Store) -> pd.DataFrame:
    """``statement_id, question, text, copies``: every distinct answer and how many responses
    it stands for (itself and its identical copies), before campaigns are looked for."""
    return store.query(
        "SELECT s.statement_id, s.question, s.text, 1 + count(d.statement_id) AS copies "
        "FROM statements s LEFT JOIN statements d ON d.duplicate_of = s.statement_id "
        "AND d.status = 'duplicate' WHERE s.status = 'answer' "
        "GROUP BY s.statement_id, s.question, s.text ORDER BY s.statement_id"
    )


def replace_campaigns(store: Store, members: pd.DataFrame, campaigns: pd.DataFrame) -> None:
    """Replace the campaigns found among the answers (:func:`fairer.voices.campaigns.find_campaigns`)."""
    store.execute("DELETE FROM campaign_members")
    store.execute("DELETE FROM campaigns")
    if len(members):
        store.append("campaign_members", members)
        store.append("campaigns", campaigns)


def campaigns(store: Store) -> pd.DataFrame:
    """Each campaign: question, template (redacted), responses, how many edited it, words added,
    and how many respondents sent it."""
    return store.query(
        f"WITH cs AS ({_CAMPAIGN_STATEMENTS}) "
        "SELECT c.campaign_id, c.question, c.template, c.statements, c.edited, c.added_words, "
        "count(DISTINCT s.respondent_id) AS respondents FROM campaigns c "
        "JOIN cs ON cs.campaign_id = c.campaign_id JOIN statements s USING (statement_id) "
        "GROUP BY ALL ORDER BY c.statements DESC, c.campaign_id"
    )


# Every statement of a campaign: its distinct answers and their identical copies.
_CAMPAIGN_STATEMENTS = (
    "SELECT statement_id, campaign_id FROM campaign_members UNION "
    "SELECT s.statement_id, m.campaign_id FROM statements s "
    "JOIN campaign_members m ON s.duplicate_of = m.statement_id WHERE s.status = 'duplicate'"
)


def campaign_statements(store: Store) -> pd.DataFrame:
    """``statement_id, campaign_id`` for every response in a campaign, copies included."""
    return store.query(_CAMPAIGN_STATEMENTS)


def campaign_edits(store: Store) -> pd.DataFrame:
    """Every campaign response that is not its template: ``statement_id, template_id,
    respondent_id, question, group_name, kind, text, template`` (the template's text)."""
    return store.query(
        "SELECT m.statement_id, m.template_id, s.respondent_id, s.question, s.group_name, "
        "s.kind, s.text, t.text AS template FROM campaign_members m "
        "JOIN statements s USING (statement_id) JOIN statements t ON t.statement_id = m.template_id "
        "WHERE m.statement_id <> m.template_id ORDER BY m.statement_id"
    )


def answered(store: Store) -> pd.DataFrame:
    """Statements that are answers (copies included): who said something."""
    return store.query(
        "SELECT statement_id, respondent_id, question, kind FROM statements WHERE status <> 'no answer'"
    )


def duplicates(store: Store) -> pd.DataFrame:
    """``statement_id, duplicate_of`` for every copy of an earlier answer."""
    # A campaign's answers, and copies of them, take their codes from its template (what a
    # response added of its own is coded apart: fairer.voices.run.campaign_additions).
    return store.query(
        "SELECT s.statement_id, coalesce(m.template_id, s.duplicate_of) AS duplicate_of "
        "FROM statements s LEFT JOIN campaign_members m ON m.statement_id = s.duplicate_of "
        "WHERE s.status = 'duplicate' UNION ALL "
        "SELECT statement_id, template_id FROM campaign_members WHERE statement_id <> template_id"
    )


def respondents(store: Store) -> pd.DataFrame:
    """Respondents with their attributes (one row each)."""
    return store.query("SELECT * EXCLUDE (source_id) FROM respondents").drop_duplicates(
        "respondent_id"
    )


def statement_counts(store: Store) -> pd.DataFrame:
    """``kind, status, n, people``: statements and distinct respondents by kind and status."""
    return store.query(
        "SELECT kind, status, count(*) AS n, count(DISTINCT respondent_id) AS people "
        "FROM statements GROUP BY kind, status ORDER BY kind, status"
    )


def redaction_counts(store: Store) -> pd.DataFrame:
    """``kind, n``: how many of each kind of personal detail were removed."""
    return store.query("SELECT kind, count(*) AS n FROM redactions GROUP BY kind ORDER BY kind")


def analyst_labels(store: Store) -> pd.DataFrame:
    """``statement_id, theme``: every label the analyst has given."""
    return store.query("SELECT statement_id, theme FROM analyst_labels")


def replace_labels(store: Store, labels: pd.DataFrame) -> None:
    """Store the analyst's labels, replacing earlier labels of the same statements."""
    ids = list(labels["statement_id"].unique())
    if not ids:
        return
    marks = ", ".join("?" for _ in ids)
    store.execute(f"DELETE FROM analyst_labels WHERE statement_id IN ({marks})", ids)
    store.append("analyst_labels", labels)


def codes_for(store: Store, statement_ids: list[str]) -> pd.DataFrame:
    """``statement_id, theme, method`` of the current codes of the given statements."""
    if not statement_ids:
        return pd.DataFrame(columns=["statement_id", "theme"])
    marks = ", ".join("?" for _ in statement_ids)
    return store.query(
        f"SELECT statement_id, theme, method FROM statement_codes WHERE statement_id IN ({marks})",
        list(statement_ids),
    )


def replace_codes(store: Store, codes: pd.DataFrame) -> None:
    """Replace every statement code with ``codes``."""
    store.execute("DELETE FROM statement_codes")
    store.append("statement_codes", codes)


def next_coding_round(store: Store) -> int:
    """The number the next coding round gets."""
    return int(
        store.query("SELECT coalesce(max(round), 0) + 1 AS r FROM coding_rounds")["r"].iat[0]
    )


def add_coding_round(store: Store, row: dict) -> None:
    """Record one agreement figure of a coding round."""
    store.append("coding_rounds", pd.DataFrame([row]))


def add_coding_agreement(store: Store, rnd: int, table: pd.DataFrame) -> None:
    """Record a round's agreement table (:func:`fairer.voices.coding.agreement_table`)."""
    if len(table):
        store.append("coding_agreement", table.drop(columns="low").assign(round=rnd))


def coding_agreement(store: Store) -> pd.DataFrame:
    """The latest round's agreement with the analyst: the consultation first, then by theme."""
    return store.query(
        "SELECT * EXCLUDE (round) FROM coding_agreement "
        "WHERE round = (SELECT max(round) FROM coding_agreement) "
        "ORDER BY scope, value DESC NULLS LAST, theme"
    )


def coding_rounds(store: Store) -> pd.DataFrame:
    """Agreement with the analyst, round by round."""
    return store.query("SELECT * FROM coding_rounds ORDER BY round, measured_on DESC")


def replace_themes(store: Store, assignments: pd.DataFrame) -> None:
    """Replace every discovered-theme assignment."""
    store.execute("DELETE FROM statement_themes")
    store.append("statement_themes", assignments)


def statement_themes(store: Store) -> pd.DataFrame:
    """``statement_id, theme_id, label, similarity`` of the current discovered themes."""
    return store.query("SELECT statement_id, theme_id, label, similarity FROM statement_themes")


def theme_mentions(store: Store, coded: bool) -> pd.DataFrame:
    """``statement_id, respondent_id, question, kind, theme`` for every themed statement."""
    if coded:
        sql = (
            "SELECT s.statement_id, s.respondent_id, s.question, s.kind, c.theme FROM statement_codes c "
            "JOIN statements s USING (statement_id)"
        )
    else:
        sql = (
            "SELECT s.statement_id, s.respondent_id, s.question, s.kind, t.label AS theme "
            "FROM statement_themes t JOIN statements s USING (statement_id)"
        )
    return store.query(sql)


def theme_quotes(store: Store, coded: bool) -> pd.DataFrame:
    """``theme, text, score`` of every answer with a theme (codebook confidence or similarity)."""
    if coded:
        sql = (
            "SELECT c.theme, s.text, c.confidence AS score FROM statement_codes c "
            "JOIN statements s USING (statement_id) WHERE s.status = 'answer'"
        )
    else:
        sql = (
            "SELECT t.label AS theme, s.text, t.similarity AS score FROM statement_themes t "
            "JOIN statements s USING (statement_id) WHERE s.status = 'answer'"
        )
    return store.query(sql)


def clear_derived(store: Store) -> None:
    """Drop results computed from the statements (codes, themes): their inputs changed."""
    clear(store, DERIVED_TABLES)


def indicator_columns(store: Store, prefix: str, areas: list[str]) -> pd.DataFrame:
    """Indicators whose id starts with ``prefix`` for these areas, one column each (latest
    period), indexed by ``area_code``: e.g. the Community Needs Index beside the IMD."""
    with store.registered("_areas", pd.DataFrame({"area_code": list(areas)})):
        df = store.query(
            "SELECT v.area_code, v.indicator_id, v.value FROM indicator_values v"
            " JOIN _areas a USING (area_code)"
            " WHERE starts_with(v.indicator_id, ?) AND v.grouping = ''"
            " QUALIFY row_number() OVER (PARTITION BY v.area_code, v.indicator_id"
            " ORDER BY v.period DESC) = 1",
            [prefix],
        )
    if df.empty:
        return pd.DataFrame(index=pd.Index([], name="area_code"))
    return df.pivot(index="area_code", columns="indicator_id", values="value")


# -- postcodes ------------------------------------------------------------------------------


def postcodes(store: Store) -> pd.DataFrame:
    """The place's postcode directory (``postcode`` normalised, position, LSOA, ward …)."""
    return store.query(
        "SELECT postcode, latitude, longitude, lsoa21, lsoa11, ward, lad, terminated"
        " FROM postcodes ORDER BY postcode"
    )


# -- targeting runs -------------------------------------------------------------------------


@dataclass
class JobRun:
    """The last stored run of a targeting command: its settings, data digest and tables."""

    job: str
    settings: dict
    data_version: str
    ran_at: datetime
    tables: dict[str, pd.DataFrame]


def data_version(store: Store) -> str:
    """A digest of every loaded source's checksum: it changes whenever the data does."""
    rows = store.query("SELECT kind, sha256 FROM sources ORDER BY kind, sha256")
    text = "\n".join(f"{k}:{s}" for k, s in rows.itertuples(index=False))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def save_job_run(store: Store, job: str, settings: dict, tables: dict[str, pd.DataFrame]) -> None:
    """Replace the stored run of ``job`` with these settings and result tables (one transaction).

    GeoDataFrames are kept as GeoParquet, other frames as Parquet; ``settings`` as JSON.
    """
    version = data_version(store)
    rows = []
    for name, df in tables.items():
        buf = io.BytesIO()
        df = df.copy()
        df.attrs = {}  # notes travel in the settings; Parquet metadata holds JSON only
        df.to_parquet(buf, index=False)
        rows.append((job, name, isinstance(df, gpd.GeoDataFrame), buf.getvalue()))
    with store.transaction():
        store.execute("DELETE FROM job_runs WHERE job = ?", [job])
        store.execute("DELETE FROM job_tables WHERE job = ?", [job])
        store.execute(
            "INSERT INTO job_runs VALUES (?, ?, ?, ?)",
            [
                job,
                json.dumps(settings, sort_keys=True),
                version,
                datetime.now().replace(microsecond=0),
            ],
        )
        for row in rows:
            store.execute("INSERT INTO job_tables VALUES (?, ?, ?, ?)", list(row))


def job_run(store: Store, job: str) -> JobRun | None:
    """The stored run of ``job`` (None when the command has not been run in this place)."""
    run = store.query("SELECT settings, data_version, ran_at FROM job_runs WHERE job = ?", [job])
    if run.empty:
        return None
    tables = {}
    for name, geo, data in store.query(
        "SELECT name, geo, data FROM job_tables WHERE job = ? ORDER BY name", [job]
    ).itertuples(index=False):
        buf = io.BytesIO(bytes(data))
        tables[name] = gpd.read_parquet(buf) if geo else pd.read_parquet(buf)
    first = run.iloc[0]
    return JobRun(
        job, json.loads(first["settings"]), str(first["data_version"]),
        pd.Timestamp(first["ran_at"]).to_pydatetime(), tables,
    )  # fmt: skip
