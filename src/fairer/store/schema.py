"""The store's schema: one definition, shared by every backend (portable SQL).

Every data row carries ``source_id``, the file it came from (table ``sources``: path, SHA-256,
licence, attribution, when it was loaded). Loading a file again with the same checksum is a
no-op; loading a new version of it replaces that source's rows in one transaction.

Tables
------
sources
    One row per loaded file.
areas
    Every area the place uses (LSOAs, MSOAs, wards, local authorities, England) with its name,
    level and geography year.
area_links
    The hierarchy: child area → parent area (LSOA → ward, LSOA → MSOA, ward → LAD …).
area_geometry
    The place's polygons as WKB in EPSG:4326 (no spatial extension needed).
lsoa_bridge
    ONS LSOA 2011 → 2021 pairs with the change code (U, S, M, X).
deprivation
    IoD values, long: edition, LSOA, domain, score, rank, decile (national LSOAs, so national
    comparisons can be made from the store alone).
population
    Population counts by area, period, sex and single year of age (``age`` NULL = all ages).
age_groups
    National LSOA populations by broad age group as the IoD files give them (children 0-15,
    60 and over): the age structure of every authority, for similar places.
indicator_values
    Any indicator for any area and period, optionally for a group (sex, age band, ethnicity …),
    with numerator, denominator, value and 95% confidence limits ``lowercl, uppercl`` (the
    column names PHEindicatormethods uses, as everywhere else in fairer).
statements, respondents, redactions, analyst_labels
    Consultation answers and workshop notes, one row per statement, already redacted, with
    provenance (file, sheet, row); who answered (age, sex, ethnicity, disability, area); what
    kind of personal data was removed where (never the original); the analyst's theme labels.
statement_codes, statement_themes
    Results of coding against a codebook and of theme discovery (derived, no ``source_id``).
campaigns, campaign_members
    Responses that repeat one template (derived at import): each campaign's template, how many
    responses and the words people added; and which answers belong to which campaign.
coding_rounds
    The history of the analyst's correction rounds: agreement before and after learning.
coding_agreement
    Each round's chance-corrected agreement with the analyst: Krippendorff's alpha for the
    consultation and Cohen's kappa per theme, with 95% intervals.
postcodes
    The place's postcodes (and those within 10 km of it) from an ONS postcode directory:
    where each is, and its LSOA, ward and authority; used to place assets and respondents.
job_runs, job_tables
    The last run of each targeting command (``fairer priorities``, ``assets``, ``allocate``):
    the settings it used, when, on which data (a digest of the sources' checksums), and its
    result tables as Parquet, so the reports show what the analyst ran rather than a re-run.

Asset registers, action plans, impact assessments and learning logs are the analyst's own
files, read where they are used (each is recorded in ``sources`` with its checksum when
loaded); the store keeps no copy to drift from them.
"""

TABLES: dict[str, str] = {
    "sources": """
        CREATE TABLE IF NOT EXISTS sources (
            source_id    INTEGER PRIMARY KEY,
            kind         VARCHAR NOT NULL,
            path         VARCHAR NOT NULL,
            file_name    VARCHAR NOT NULL,
            sha256       VARCHAR NOT NULL,
            bytes        BIGINT,
            detail       VARCHAR,
            licence      VARCHAR,
            attribution  VARCHAR,
            loaded_at    TIMESTAMP NOT NULL,
            row_count    BIGINT
        )""",
    "areas": """
        CREATE TABLE IF NOT EXISTS areas (
            area_code    VARCHAR NOT NULL,
            area_name    VARCHAR,
            level        VARCHAR NOT NULL,
            geo_year     INTEGER,
            source_id    INTEGER NOT NULL
        )""",
    "area_links": """
        CREATE TABLE IF NOT EXISTS area_links (
            child_code   VARCHAR NOT NULL,
            child_level  VARCHAR NOT NULL,
            parent_code  VARCHAR NOT NULL,
            parent_level VARCHAR NOT NULL,
            geo_year     INTEGER,
            source_id    INTEGER NOT NULL
        )""",
    "lsoa_bridge": """
        CREATE TABLE IF NOT EXISTS lsoa_bridge (
            lsoa11_code  VARCHAR NOT NULL,
            lsoa21_code  VARCHAR NOT NULL,
            change       VARCHAR NOT NULL,
            source_id    INTEGER NOT NULL,
            PRIMARY KEY (lsoa11_code, lsoa21_code)
        )""",
    "deprivation": """
        CREATE TABLE IF NOT EXISTS deprivation (
            edition      INTEGER NOT NULL,
            lsoa_code    VARCHAR NOT NULL,
            domain       VARCHAR NOT NULL,
            score        DOUBLE,
            rank         INTEGER,
            decile       INTEGER,
            source_id    INTEGER NOT NULL,
            PRIMARY KEY (edition, lsoa_code, domain)
        )""",
    "area_geometry": """
        CREATE TABLE IF NOT EXISTS area_geometry (
            area_code    VARCHAR NOT NULL,
            level        VARCHAR NOT NULL,
            geo_year     INTEGER,
            wkb          BLOB NOT NULL,
            source_id    INTEGER NOT NULL
        )""",
    "population": """
        CREATE TABLE IF NOT EXISTS population (
            area_code    VARCHAR NOT NULL,
            level        VARCHAR NOT NULL,
            geo_year     INTEGER,
            period       VARCHAR NOT NULL,
            sex          VARCHAR NOT NULL,
            age          INTEGER,
            count        DOUBLE NOT NULL,
            source_id    INTEGER NOT NULL
        )""",
    "age_groups": """
        CREATE TABLE IF NOT EXISTS age_groups (
            area_code    VARCHAR NOT NULL,
            geo_year     INTEGER,
            period       VARCHAR NOT NULL,
            age_group    VARCHAR NOT NULL,
            count        DOUBLE NOT NULL,
            source_id    INTEGER NOT NULL
        )""",
    "indicator_values": """
        CREATE TABLE IF NOT EXISTS indicator_values (
            indicator_id VARCHAR NOT NULL,
            area_code    VARCHAR NOT NULL,
            period       VARCHAR NOT NULL,
            grouping     VARCHAR NOT NULL DEFAULT '',
            numerator    DOUBLE,
            denominator  DOUBLE,
            value        DOUBLE,
            lowercl      DOUBLE,
            uppercl      DOUBLE,
            source_id    INTEGER NOT NULL,
            PRIMARY KEY (indicator_id, area_code, period, grouping)
        )""",
    "statements": """
        CREATE TABLE IF NOT EXISTS statements (
            statement_id VARCHAR NOT NULL,
            respondent_id VARCHAR NOT NULL,
            question     VARCHAR,
            group_name   VARCHAR,
            round        VARCHAR,
            text         VARCHAR,
            status       VARCHAR,
            duplicate_of VARCHAR,
            kind         VARCHAR,
            file         VARCHAR,
            sheet        VARCHAR,
            "row"        INTEGER,
            source_id    INTEGER NOT NULL
        )""",
    "respondents": """
        CREATE TABLE IF NOT EXISTS respondents (
            respondent_id VARCHAR NOT NULL,
            age          VARCHAR,
            sex          VARCHAR,
            ethnicity    VARCHAR,
            disability   VARCHAR,
            area_code    VARCHAR,
            source_id    INTEGER NOT NULL
        )""",
    "analyst_labels": """
        CREATE TABLE IF NOT EXISTS analyst_labels (
            statement_id VARCHAR NOT NULL,
            theme        VARCHAR NOT NULL,
            source_id    INTEGER NOT NULL
        )""",
    "redactions": """
        CREATE TABLE IF NOT EXISTS redactions (
            statement_id VARCHAR NOT NULL,
            kind         VARCHAR NOT NULL,
            start_pos    INTEGER,
            end_pos      INTEGER,
            source_id    INTEGER NOT NULL
        )""",
    "statement_codes": """
        CREATE TABLE IF NOT EXISTS statement_codes (
            statement_id VARCHAR NOT NULL,
            theme        VARCHAR NOT NULL,
            confidence   DOUBLE,
            method       VARCHAR
        )""",
    "coding_rounds": """
        CREATE TABLE IF NOT EXISTS coding_rounds (
            round        INTEGER NOT NULL,
            run_at       TIMESTAMP,
            codebook     VARCHAR,
            method       VARCHAR,
            labelled     INTEGER,
            measured_on  VARCHAR,
            samples_f1   DOUBLE,
            macro_f1     DOUBLE
        )""",
    "coding_agreement": """
        CREATE TABLE IF NOT EXISTS coding_agreement (
            round        INTEGER NOT NULL,
            scope        VARCHAR NOT NULL,
            theme        VARCHAR,
            statistic    VARCHAR,
            value        DOUBLE,
            lowercl      DOUBLE,
            uppercl      DOUBLE,
            statements   INTEGER,
            analyst      INTEGER,
            fairer       INTEGER
        )""",
    "campaigns": """
        CREATE TABLE IF NOT EXISTS campaigns (
            campaign_id  VARCHAR NOT NULL,
            question     VARCHAR,
            template_id  VARCHAR NOT NULL,
            template     VARCHAR,
            statements   INTEGER,
            edited       INTEGER,
            added_words  VARCHAR
        )""",
    "campaign_members": """
        CREATE TABLE IF NOT EXISTS campaign_members (
            statement_id VARCHAR NOT NULL,
            campaign_id  VARCHAR NOT NULL,
            template_id  VARCHAR NOT NULL,
            similarity   DOUBLE,
            added        VARCHAR
        )""",
    "statement_themes": """
        CREATE TABLE IF NOT EXISTS statement_themes (
            statement_id VARCHAR NOT NULL,
            theme_id     VARCHAR NOT NULL,
            label        VARCHAR,
            similarity   DOUBLE
        )""",
    "postcodes": """
        CREATE TABLE IF NOT EXISTS postcodes (
            postcode     VARCHAR NOT NULL,
            latitude     DOUBLE NOT NULL,
            longitude    DOUBLE NOT NULL,
            lsoa21       VARCHAR,
            lsoa11       VARCHAR,
            ward         VARCHAR,
            lad          VARCHAR,
            terminated   BOOLEAN,
            source_id    INTEGER NOT NULL
        )""",
    "job_runs": """
        CREATE TABLE IF NOT EXISTS job_runs (
            job          VARCHAR NOT NULL,
            settings     VARCHAR NOT NULL,
            data_version VARCHAR NOT NULL,
            ran_at       TIMESTAMP NOT NULL
        )""",
    "job_tables": """
        CREATE TABLE IF NOT EXISTS job_tables (
            job          VARCHAR NOT NULL,
            name         VARCHAR NOT NULL,
            geo          BOOLEAN NOT NULL,
            data         BLOB NOT NULL
        )""",
}

#: Results computed from the data (no ``source_id``): cleared whenever their inputs change.
DERIVED_TABLES = ["statement_codes", "statement_themes", "campaigns", "campaign_members"]
#: Data tables (every one has ``source_id``), in the order they are cleared.
DATA_TABLES = [t for t, ddl in TABLES.items() if t != "sources" and "source_id" in ddl]

#: Column renames applied to stores written by earlier versions: (table, old, new).
RENAMES = [("indicator_values", "lower_cl", "lowercl"), ("indicator_values", "upper_cl", "uppercl")]
