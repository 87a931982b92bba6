"""The voices job: themes, breakdowns, quotes and who was (not) heard, from the store.

Tables hold raw counts; :func:`consultation_summary` gathers them into a
:class:`ConsultationSummary`, whose ``PUBLISHED`` lines tell the publish step
(:func:`fairer.publish.protect`) how to suppress them: every count of people from 1 to
threshold − 1 is hidden, breakdowns are secondarily suppressed along both their themes and
their groups so a hidden cell cannot be found by subtraction, and percentages of a hidden count
go with it. A workshop's unit is the statement and the table or group, not the person: tables
are counted apart from respondents, never given demographics, and a consultation of workshops
alone is reported by its statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairer.stats.ci import wilson_lower, wilson_upper
from fairer.store import queries
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
    return cons.read(queries.theme_mentions, which == CODED)


def answered(cons: Consultation) -> pd.DataFrame:
    """Statements that are answers (including copies of the same answer): who said something."""
    return cons.read(queries.answered)


def respondents(cons: Consultation) -> pd.DataFrame:
    """Respondents with their attributes, and their home area's deprivation decile and ward."""
    r = cons.read(queries.respondents)
    r["imd_decile"] = pd.NA
    r["ward"] = pd.NA
    if cons.place_folder is not None and r["area_code"].notna().any():
        areas = _place_areas(cons)
        if areas is not None:
            r["imd_decile"] = r["area_code"].map(areas["imd_decile"]).astype("Int64")
            r["ward"] = r["area_code"].map(areas["ward"])
    return r


def _place_areas(cons: Consultation) -> pd.DataFrame | None:
    """The place's LSOAs (index) with ``imd_decile``, ``population`` and ``ward``, or None.

    National deprivation data is costly to assemble: it is built once per consultation object
    (one command) and kept.
    """
    if "areas" not in cons.memo:
        place = cons.place
        cons.memo["areas"] = cons.read(_compute_place_areas, place.la_codes, place.geography_year)
    return cons.memo["areas"]


def _compute_place_areas(store, la_codes: list[str], geography_year: int) -> pd.DataFrame | None:
    from fairer.profile.deprivation import lead_edition, national_data, place_mask

    edition = lead_edition(queries.editions(store), geography_year)
    if edition is None:
        return None
    data = national_data(store, edition)
    links = queries.lsoa_wards(store)
    lsoas = data.lsoas[place_mask(data.lsoas, list(la_codes))].set_index("lsoa_code")
    wards = links.drop_duplicates("child_code").set_index("child_code")["ward"]
    return lsoas[["imd_decile", "population"]].assign(ward=wards)


def is_workshop_group(frame: pd.DataFrame) -> pd.Series:
    """Rows whose "respondent" is a workshop table or group, not a person.

    A write-up records what a table said, not who sat at it; a chat export's speakers, a
    transcript's participants and a survey's respondents are people.
    """
    rid = frame["respondent_id"].astype(str)
    return (frame["kind"] == "notes") & ~rid.str.contains(r":(?:chat|speaker)-", regex=True)


def theme_table(cons: Consultation, which: str = CODED) -> pd.DataFrame:
    """Themes by how many statements, respondents and workshop groups mention them.

    People and workshop tables are counted apart: a table of eight is not one respondent, and
    a write-up says nothing about who sat at it. A consultation of workshops alone is read by
    its statements.

    Returns
    -------
    DataFrame
        ``theme, statements, respondents, groups, campaign_respondents, percent_of_respondents,
        percent_of_statements``; ``respondents`` are people (survey respondents, chat speakers),
        of whom ``campaign_respondents`` raised the theme in a campaign's template or a copy of it
        (:mod:`fairer.voices.campaigns`);
        ``groups`` the workshop tables or groups that raised the theme; the percentages are of
        the people, and of the statements, that said anything. ``attrs`` hold the bases
        (``base``: people, ``groups``, ``statements``). Raw: the publish step hides small counts
        of people and statements (a count of tables is not a count of anyone).
    """
    m = theme_mentions(cons, which)
    a = answered(cons)
    group_rows = is_workshop_group(a)
    base = a.loc[~group_rows, "respondent_id"].nunique()
    group_base = a.loc[group_rows, "respondent_id"].nunique()
    statement_base = a["statement_id"].nunique()
    in_group = is_workshop_group(m) if len(m) else pd.Series(dtype=bool)
    campaign = set(cons.read(queries.campaign_statements)["statement_id"])
    m = m.assign(
        person=m["respondent_id"].where(~in_group),
        group=m["respondent_id"].where(in_group),
        via_campaign=m["respondent_id"].where(~in_group & m["statement_id"].isin(campaign)),
    )
    g = m.groupby("theme").agg(
        statements=("statement_id", "nunique"),
        respondents=("person", "nunique"),
        groups=("group", "nunique"),
        campaign_respondents=("via_campaign", "nunique"),
    )
    order = ["respondents", "statements"] if base else ["statements", "groups"]
    g = g.sort_values(order, ascending=False).reset_index()
    # "Other" is not a theme people raised: it goes last, however large.
    g = pd.concat([g[g["theme"] != "Other"], g[g["theme"] == "Other"]], ignore_index=True)
    g["percent_of_respondents"] = 100 * g["respondents"] / base if base else np.nan
    g["percent_of_statements"] = 100 * g["statements"] / max(statement_base, 1)
    g.attrs.update(base=base, groups=group_base, statements=statement_base)
    g.attrs["protect"] = [
        (["respondents"], ["percent_of_respondents"]),
        (["statements"], ["percent_of_statements"]),
        (["campaign_respondents"], []),
    ]
    return g


def theme_by_question(cons: Consultation, which: str = CODED) -> pd.DataFrame:
    """``theme, question, respondents``: respondents mentioning each theme in each answer."""
    m = theme_mentions(cons, which)
    if m.empty:
        return pd.DataFrame(columns=["theme", "question", "respondents"])
    table = m.groupby(["theme", "question"])["respondent_id"].nunique().unstack(fill_value=0)
    return table.stack().rename("respondents").reset_index()


def theme_by_group(cons: Consultation, attribute: str, which: str = CODED) -> pd.DataFrame:
    """``theme, group, respondents, group_size, percent`` for one attribute (age, sex …).

    Groups smaller than the threshold are not shown at all (their people still count in the
    totals); the publish step suppresses the cells along themes and groups, and the
    percentages with them.
    """
    columns = ["theme", "group", "respondents", "group_size", "percent"]
    r = respondents(cons)
    if attribute not in r or r[attribute].isna().all():
        return pd.DataFrame(columns=columns)
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
        return pd.DataFrame(columns=columns)
    counts = m.groupby(["theme", attribute])["respondent_id"].nunique().unstack(fill_value=0)
    counts = counts.reindex(columns=shown, fill_value=0)
    long = counts.stack().rename("respondents").reset_index()
    long.columns = ["theme", "group", "respondents"]
    long["group_size"] = long["group"].map(sizes).astype(int)
    long["percent"] = 100 * long["respondents"] / long["group_size"]
    return long[columns]


def by_group_wide(long: pd.DataFrame) -> pd.DataFrame:
    """A published :func:`theme_by_group` table as themes × ``group (n=size)`` percentages."""
    if long.empty:
        return pd.DataFrame()
    label = long["group"].astype(str) + " (n=" + long["group_size"].astype(str) + ")"
    order = list(dict.fromkeys(label))
    wide = long.assign(label=label).pivot(index="theme", columns="label", values="percent")
    wide = wide.reindex(columns=order)
    wide.columns.name = None
    return wide


def quotes(cons: Consultation, which: str = CODED, per_theme: int = 3) -> pd.DataFrame:
    """Redacted quotes for each theme: the most typical, distinct answers.

    Codebook themes take the statements coded with most confidence; discovered themes those
    nearest the theme's centre.
    """
    q = cons.read(queries.theme_quotes, which == CODED)
    q = q[q["text"].str.len() >= 12]  # "Buses." is a mention, not a quote
    q = q.sort_values(["theme", "score"], ascending=[True, False]).drop_duplicates(
        ["theme", "text"]
    )
    return q.groupby("theme").head(per_theme).reset_index(drop=True)


def _population_shares(cons: Consultation) -> dict[str, pd.Series]:
    """Population shares by age band, sex and deprivation decile for the place (16+)."""
    from fairer.voices.importing import age_band

    out: dict[str, pd.Series] = {}
    if cons.place is None:
        return out
    areas = _place_areas(cons)
    if areas is None:
        return out
    deciles = areas.groupby("imd_decile")["population"].sum()
    out["imd_decile"] = deciles / deciles.sum()
    wards = areas.groupby("ward")["population"].sum()
    if len(wards):
        out["ward"] = wards / wards.sum()
    pop = cons.read(queries.adult_population)
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
        Wilson interval on the respondents' share. Raw: the publish step hides groups with
        fewer respondents than the threshold (and, so they cannot be found by subtraction,
        the next smallest group of the same attribute), with their shares and ratios.
    """
    r = respondents(cons)
    r = r[r["respondent_id"].isin(set(answered(cons)["respondent_id"]))]
    shares = {**_population_shares(cons), **_profile_shares(cons)}
    rows = []
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
            rows.append(
                {
                    "attribute": ATTRIBUTES[attr],
                    "group": g,
                    "respondents": n,
                    "percent": 100 * share,
                    "population_percent": 100 * p,
                    "representation_ratio": share / p if p else np.nan,
                    "ratio_lower95": lo / p if p else np.nan,
                    "ratio_upper95": hi / p if p else np.nan,
                }
            )
    return pd.DataFrame(rows)


def _sort_key(v: str):
    s = str(v)
    digits = "".join(ch for ch in s.split("-")[0] if ch.isdigit())
    return (0, int(digits), s) if digits else (1, 0, s)


@dataclass
class ConsultationSummary:
    """Everything the consultation summary shows, before disclosure control.

    ``statements``: statements and people by kind and status; ``redactions``: personal
    details removed, by kind; ``rounds``: agreement with the analyst by round; ``coded`` and
    ``discovered``: theme tables (:func:`theme_table`); ``by_question`` (long);
    ``quotes``; ``heard`` (:func:`who_was_heard`); ``by_group``: attribute → long table
    (:func:`theme_by_group`); ``agreement`` (:func:`agreement_with_analyst`) and
    ``labels_given``: the record card's agreement figures; ``campaigns``
    (:func:`campaign_table`).
    """

    name: str
    threshold: int
    synthetic: bool
    files: int
    statements: pd.DataFrame
    redactions: pd.DataFrame
    rounds: pd.DataFrame
    survey_people: int
    groups: int
    statement_total: int
    no_answer: int
    coded: pd.DataFrame
    discovered: pd.DataFrame
    by_question: pd.DataFrame
    quotes: pd.DataFrame
    key_quotes: pd.DataFrame
    heard: pd.DataFrame
    by_group: dict[str, pd.DataFrame] = field(default_factory=dict)
    agreement: pd.DataFrame = field(default_factory=pd.DataFrame)
    labels_given: int = 0
    campaigns: pd.DataFrame = field(default_factory=pd.DataFrame)

    #: The groups of one attribute add up to everyone who gave it; a cross-tab's rows and
    #: columns are both lines.
    PUBLISHED = {
        "heard": [["attribute"]],
        "by_question": [["question"], ["theme"]],
        "by_group": [["group"], ["theme"]],
    }

    @property
    def empty(self) -> bool:
        """Nothing coded and nothing themed yet."""
        return self.coded.empty and self.discovered.empty


def consultation_summary(cons: Consultation, quotes_per_theme: int = 5) -> ConsultationSummary:
    """The voices job: every table of the consultation summary, from the store.

    Parameters
    ----------
    cons : Consultation
        The consultation (:func:`fairer.voices.workspace.open_consultation`).
    quotes_per_theme : int
        Quotes kept per codebook theme for the workbook (the report shows two).

    Returns
    -------
    ConsultationSummary
        Raw counts: protect it (:func:`fairer.publish.protect`) before publishing.

    Examples
    --------
    See ``docs/voices.md`` for a consultation end to end; the summary of one is
    ``protect(consultation_summary(open_consultation(folder)), threshold)``.
    """
    people = answered(cons)
    st = cons.read(queries.statement_counts)
    by_group = {}
    for attr in ATTRIBUTES:
        t = theme_by_group(cons, attr, CODED)
        if not t.empty:
            by_group[attr] = t
    return ConsultationSummary(
        name=cons.name,
        threshold=cons.disclosure_threshold,
        synthetic=cons.synthetic,
        files=cons.read(queries.source_count, "voices"),
        statements=st,
        redactions=cons.read(queries.redaction_counts),
        rounds=cons.read(queries.coding_rounds).sort_values("round", kind="stable"),
        survey_people=int(people.loc[~is_workshop_group(people), "respondent_id"].nunique()),
        groups=int(people.loc[is_workshop_group(people), "respondent_id"].nunique()),
        statement_total=int(st.loc[st["status"] != "no answer", "n"].sum()),
        no_answer=int(st.loc[st["status"] == "no answer", "n"].sum()),
        coded=theme_table(cons, CODED),
        discovered=theme_table(cons, DISCOVERED),
        by_question=theme_by_question(cons, CODED),
        quotes=quotes(cons, CODED, quotes_per_theme),
        key_quotes=quotes(cons, CODED, 2),
        heard=who_was_heard(cons),
        by_group=by_group,
        agreement=agreement_with_analyst(cons),
        labels_given=int(cons.read(queries.analyst_labels)["statement_id"].nunique()),
        campaigns=campaign_table(cons),
    )


def campaign_table(cons: Consultation) -> pd.DataFrame:
    """The campaigns found at import: ``campaign_id, question, template, statements``
    (responses), ``respondents``, ``edited`` and ``added_words``; counts protected on publish."""
    table = cons.read(queries.campaigns)
    table.attrs["protect"] = [(["statements", "respondents", "edited"], [])]
    return table


def agreement_with_analyst(cons: Consultation) -> pd.DataFrame:
    """The latest round's chance-corrected agreement, ready for disclosure control.

    The per-theme counts (statements the analyst and fairer gave a theme) are counts like any
    other; a kappa computed from a hidden count is hidden with it.
    """
    from fairer.voices.coding import LOW_AGREEMENT

    table = cons.read(queries.coding_agreement)
    table["low"] = table["value"].isna() | (table["value"] < LOW_AGREEMENT)
    table.attrs["protect"] = [
        (["statements", "analyst", "fairer"], ["value", "lowercl", "uppercl"])
    ]
    return table
