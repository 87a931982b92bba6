"""Tables from coded statements: themes, breakdowns, quotes and who was (not) heard.

Every count of people goes through the disclosure rules: counts from 1 to threshold − 1 are
suppressed, and breakdown tables are secondarily suppressed so a hidden cell cannot be found by
subtraction (:func:`fairer.disclosure.suppress_table`). Percentages of a suppressed count are
suppressed with it. Workshop tables count as one "respondent" each; they are reported with the
survey respondents but never given demographics.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from fairer.disclosure import suppress_counts, suppress_table
from fairer.stats.ci import wilson_lower, wilson_upper
from fairer.store import open_store
from fairer.voices.workspace import Consultation

ATTRIBUTES = {
    "age": "Age",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
    "imd_decile": "Deprivation decile of home area (1 = most deprived 10% in England)",
    "ward": "Ward",
}
CODED, DISCOVERED = "codebook", "discovered"


def theme_mentions(cons: Consultation, which: str = CODED) -> pd.DataFrame:
    """``statement_id, respondent_id, question, theme`` for every statement given a theme."""
    if which == CODED:
        sql = (
            "SELECT s.statement_id, s.respondent_id, s.question, s.kind, c.theme FROM statement_codes c "
            "JOIN statements s USING (statement_id)"
        )
    else:
        sql = (
            "SELECT s.statement_id, s.respondent_id, s.question, s.kind, t.label AS theme "
            "FROM statement_themes t JOIN statements s USING (statement_id)"
        )
    return cons.query(sql)


def answered(cons: Consultation) -> pd.DataFrame:
    """Statements that are answers (including copies of the same answer): who said something."""
    return cons.query(
        "SELECT statement_id, respondent_id, question, kind FROM statements WHERE status <> 'no answer'",
    )


def respondents(cons: Consultation) -> pd.DataFrame:
    """Respondents with their attributes, and their home area's deprivation decile and ward."""
    r = cons.query("SELECT * EXCLUDE (source_id) FROM respondents")
    r = r.drop_duplicates("respondent_id")
    r["imd_decile"] = pd.NA
    r["ward"] = pd.NA
    if cons.place_folder is not None and r["area_code"].notna().any():
        areas = _place_areas(cons)
        if areas is not None:
            r["imd_decile"] = r["area_code"].map(areas["imd_decile"]).astype("Int64")
            r["ward"] = r["area_code"].map(areas["ward"])
    return r


def _place_areas(cons: Consultation) -> pd.DataFrame | None:
    """The place's LSOAs (index) with ``imd_decile``, ``population`` and ``ward``, or None."""
    from fairer.place import load_place

    place = load_place(cons.place_folder)
    stamp = place.store_path.stat().st_mtime_ns if place.store_path.exists() else 0
    return _place_areas_cached(str(place.folder), stamp)


@lru_cache(maxsize=4)
def _place_areas_cached(place_folder: str, stamp: int) -> pd.DataFrame | None:
    """National deprivation data is costly to assemble: once per place and store state."""
    from fairer.place import load_place
    from fairer.profile.deprivation import lead_edition, national_data, place_mask

    place = load_place(place_folder)
    store = open_store(place.store_path, read_only=True)
    try:
        edition = lead_edition(store, place.geography_year)
        if edition is None:
            return None
        data = national_data(store, edition)
        links = store.query(
            "SELECT l.child_code, coalesce(a.area_name, l.parent_code) AS ward FROM area_links l "
            "LEFT JOIN areas a ON a.area_code = l.parent_code AND a.level = 'ward' "
            "WHERE l.child_level = 'lsoa' AND l.parent_level = 'ward'"
        )
    finally:
        store.close()
    lsoas = data.lsoas[place_mask(data.lsoas, place.la_codes)].set_index("lsoa_code")
    wards = links.drop_duplicates("child_code").set_index("child_code")["ward"]
    return lsoas[["imd_decile", "population"]].assign(ward=wards)


def theme_table(cons: Consultation, which: str = CODED) -> pd.DataFrame:
    """Themes by how many statements and respondents mention them, largest first.

    Returns
    -------
    DataFrame
        ``theme, statements, respondents, percent_of_respondents`` (of those who answered
        anything); small counts suppressed (NaN).
    """
    m = theme_mentions(cons, which)
    base = answered(cons)["respondent_id"].nunique()
    g = m.groupby("theme").agg(
        statements=("statement_id", "nunique"), respondents=("respondent_id", "nunique")
    )
    g = g.sort_values(["respondents", "statements"], ascending=False).reset_index()
    # "Other" is not a theme people raised: it goes last, however large.
    g = pd.concat([g[g["theme"] != "Other"], g[g["theme"] == "Other"]], ignore_index=True)
    g["percent_of_respondents"] = 100 * g["respondents"] / max(base, 1)
    t = cons.disclosure_threshold
    hidden = suppress_counts(g["respondents"], t).isna() & g["respondents"].gt(0)
    g["statements"] = suppress_counts(g["statements"], t)
    g["respondents"] = g["respondents"].mask(hidden)
    g["percent_of_respondents"] = g["percent_of_respondents"].mask(hidden)
    g.attrs["base"] = base
    return g


def theme_by_question(cons: Consultation, which: str = CODED) -> pd.DataFrame:
    """Respondents mentioning each theme in answer to each question (suppressed)."""
    m = theme_mentions(cons, which)
    if m.empty:
        return pd.DataFrame()
    table = m.groupby(["theme", "question"])["respondent_id"].nunique().unstack(fill_value=0)
    return suppress_table(table, cons.disclosure_threshold)


def theme_by_group(cons: Consultation, attribute: str, which: str = CODED) -> pd.DataFrame:
    """Percent of each group's respondents who mention each theme, suppressed.

    Groups smaller than the threshold are not shown at all (their people still count in the
    totals); cells are suppressed primarily and secondarily before percentages are taken.
    """
    r = respondents(cons)
    if attribute not in r or r[attribute].isna().all():
        return pd.DataFrame()
    m = theme_mentions(cons, which).merge(r[["respondent_id", attribute]], on="respondent_id")
    m = m.dropna(subset=[attribute])
    base = (
        answered(cons)
        .merge(r[["respondent_id", attribute]], on="respondent_id")
        .dropna(subset=[attribute])
    )
    sizes = base.groupby(attribute)["respondent_id"].nunique()
    shown = sizes[sizes >= cons.disclosure_threshold].index
    if m.empty or len(shown) == 0:
        return pd.DataFrame()
    counts = m.groupby(["theme", attribute])["respondent_id"].nunique().unstack(fill_value=0)
    counts = counts.reindex(columns=shown, fill_value=0)
    safe = suppress_table(counts, cons.disclosure_threshold)
    pct = 100 * safe / sizes.reindex(shown).to_numpy()
    pct.columns = [f"{c} (n={sizes[c]})" for c in pct.columns]
    return pct


def quotes(cons: Consultation, which: str = CODED, per_theme: int = 3) -> pd.DataFrame:
    """Redacted quotes for each theme: the most typical, distinct answers.

    Codebook themes take the statements coded with most confidence; discovered themes those
    nearest the theme's centre.
    """
    if which == CODED:
        sql = (
            "SELECT c.theme, s.text, c.confidence AS score FROM statement_codes c "
            "JOIN statements s USING (statement_id) WHERE s.status = 'answer'"
        )
    else:
        sql = (
            "SELECT t.label AS theme, s.text, t.similarity AS score FROM statement_themes t "
            "JOIN statements s USING (statement_id) WHERE s.status = 'answer'"
        )
    q = cons.query(sql)
    q = q[q["text"].str.len() >= 12]  # "Buses." is a mention, not a quote
    q = q.sort_values(["theme", "score"], ascending=[True, False]).drop_duplicates(
        ["theme", "text"]
    )
    return q.groupby("theme").head(per_theme).reset_index(drop=True)


def _population_shares(cons: Consultation) -> dict[str, pd.Series]:
    """Population shares by age band, sex and deprivation decile for the place (16+)."""
    from fairer.voices.importing import age_band

    out: dict[str, pd.Series] = {}
    if cons.place_folder is None:
        return out
    areas = _place_areas(cons)
    if areas is None:
        return out
    deciles = areas.groupby("imd_decile")["population"].sum()
    out["imd_decile"] = deciles / deciles.sum()
    wards = areas.groupby("ward")["population"].sum()
    if len(wards):
        out["ward"] = wards / wards.sum()
    from fairer.place import load_place

    place = load_place(cons.place_folder)
    store = open_store(place.store_path, read_only=True)
    try:
        pop = store.query(
            "SELECT area_code, sex, age, count FROM population WHERE age IS NOT NULL AND age >= 16 "
            "AND period = (SELECT max(period) FROM population)"
        )
    finally:
        store.close()
    pop = pop[pop["area_code"].isin(set(areas.index))]
    if pop.empty:
        return out
    by_sex = pop[pop["sex"].isin(["female", "male"])]
    if not by_sex.empty:
        s = by_sex.groupby("sex")["count"].sum()
        out["sex"] = s / s.sum()
        persons = by_sex
    else:
        persons = pop[pop["sex"] == "persons"]
    a = persons.assign(band=persons["age"].map(age_band)).groupby("band")["count"].sum()
    out["age"] = a / a.sum()
    return out


def _profile_shares(cons: Consultation) -> dict[str, pd.Series]:
    """Population shares from the consultation's ``population_profile.csv`` (attribute, group, population)."""
    path = cons.folder / "population_profile.csv"
    if not path.exists():
        return {}
    from fairer.tabular import read_table

    df = read_table(path)
    out = {}
    for attr, g in df.groupby("attribute"):
        s = g.set_index("group")["population"].astype(float)
        out[str(attr)] = s / s.sum()
    return out


def _normalise_group(attr: str, value: str) -> str:
    v = str(value).strip()
    if attr == "sex":
        low = v.lower()
        return {"f": "female", "woman": "female", "m": "male", "man": "male"}.get(low, low)
    return v


def who_was_heard(cons: Consultation) -> pd.DataFrame:
    """Respondents against the population, by age, sex, ethnicity, disability and deprivation.

    Returns
    -------
    DataFrame
        ``attribute, group, respondents, percent, population_percent, representation_ratio,
        ratio_lower95, ratio_upper95``. The ratio is the group's share of respondents over its
        share of the population (1 = heard in proportion; below 1 = under-heard), with a 95%
        Wilson interval on the respondents' share. Groups with fewer respondents than the
        threshold show no count, share or ratio.
    """
    r = respondents(cons)
    r = r[r["respondent_id"].isin(set(answered(cons)["respondent_id"]))]
    shares = {**_population_shares(cons), **_profile_shares(cons)}
    rows = []
    t = cons.disclosure_threshold
    for attr in ATTRIBUTES:
        if attr not in r or r[attr].isna().all():
            continue
        values = r[attr].dropna().astype(str).map(lambda v, a=attr: _normalise_group(a, v))
        counts = values.value_counts()
        known = int(counts.sum())
        pop = shares.get(attr)
        if pop is not None:
            pop.index = [_normalise_group(attr, str(i).removesuffix(".0")) for i in pop.index]
        groups = sorted(
            set(counts.index) | (set(pop.index) if pop is not None else set()), key=_sort_key
        )
        for g in groups:
            n = int(counts.get(g, 0))
            p = float(pop.get(g, np.nan)) if pop is not None else np.nan
            share = n / known if known else np.nan
            lo = float(wilson_lower(n, known, 0.95)) if known else np.nan
            hi = float(wilson_upper(n, known, 0.95)) if known else np.nan
            small = 0 < n < t
            rows.append(
                {
                    "attribute": ATTRIBUTES[attr],
                    "group": g,
                    "respondents": np.nan if small else n,
                    "percent": np.nan if small else 100 * share,
                    "population_percent": 100 * p,
                    "representation_ratio": np.nan if small or not p else share / p,
                    "ratio_lower95": np.nan if small or not p else lo / p,
                    "ratio_upper95": np.nan if small or not p else hi / p,
                }
            )
    return pd.DataFrame(rows)


def _sort_key(v: str):
    s = str(v)
    digits = "".join(ch for ch in s.split("-")[0] if ch.isdigit())
    return (0, int(digits), s) if digits else (1, 0, s)
