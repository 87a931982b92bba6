"""Campaigns: responses that repeat a template with small edits are grouped, counted, coded once
and reported as a campaign, never merged with independent answers on the same subject."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from fairer.voices.campaigns import find_campaigns
from fairer.voices.importing import import_files, load_statements
from fairer.voices.workspace import open_consultation

TEMPLATE = (
    "I strongly object to the closure of Riverside Library. It is the only warm, free place on "
    "the estate where children can do homework and older people can use a computer."
)
EDITS = [
    TEMPLATE,
    TEMPLATE,
    TEMPLATE,
    TEMPLATE + " My grandson goes there every day after school.",
    TEMPLATE.replace("strongly object", "object"),
    TEMPLATE + " Please keep it open on Saturdays too.",
    TEMPLATE.replace("older people", "pensioners like me"),
    TEMPLATE,
]
INDEPENDENT = [
    "Riverside Library matters to me because the staff helped me apply for jobs online.",
    "The library should stay open, it is the only place the kids can study in peace.",
    "Buses after six so people on shifts can get home safely.",
    "Fix the damp in the council flats before anything else.",
    "More GP appointments in the evening for people who work.",
    "Somewhere for teenagers to go on Friday nights that is not the street.",
]


def _survey(tmp_path):
    rows = [(i + 1, t) for i, t in enumerate(EDITS + INDEPENDENT)]
    df = pd.DataFrame(rows, columns=["Respondent ID", "What do you think of the proposals?"])
    path = tmp_path / "library.csv"
    df.to_csv(path, index=False)
    return path


def test_a_campaign_is_found_counted_and_its_additions_listed(tmp_path):
    report = import_files(tmp_path / "c", [_survey(tmp_path)])
    c = report.campaigns
    assert len(c) == 1
    row = c.iloc[0]
    assert row["statements"] == len(EDITS) == 8  # four exact copies counted with four edits
    assert row["edited"] == 4
    assert row["template"] == TEMPLATE
    for word in ("grandson", "saturdays", "pensioners"):
        assert f"{word} (1)" in row["added_words"]
    assert any("campaign 1: 8 responses" in line for line in report.lines())


def test_a_campaign_is_coded_once_and_independent_answers_stay_apart(tmp_path):
    from fairer.store import open_store, queries

    folder = tmp_path / "c"
    import_files(folder, [_survey(tmp_path)])
    cons = open_consultation(folder)
    to_code = load_statements(cons)["text"].tolist()
    assert to_code.count(TEMPLATE) == 1
    assert not any(t != TEMPLATE and t.startswith(TEMPLATE[:40]) for t in to_code)
    for t in INDEPENDENT:  # the same subject in people's own words is never a campaign
        assert t in to_code
    store = open_store(cons.store_path, read_only=True)
    try:
        members = queries.campaign_statements(store)
        dups = queries.duplicates(store)
    finally:
        store.close()
    assert len(members) == 8
    template_id = load_statements(cons).set_index("text").at[TEMPLATE, "statement_id"]
    # Every campaign response takes its codes from the template.
    assert set(dups[dups["statement_id"].isin(members["statement_id"])]["duplicate_of"]) == {
        template_id
    }


def test_campaign_counts_show_in_every_theme_share_and_the_report(tmp_path):
    from fairer.pipeline import voices_report
    from fairer.publish import protect
    from fairer.voices.run import code_consultation
    from fairer.voices.summary import consultation_summary

    folder = tmp_path / "c"
    import_files(folder, [_survey(tmp_path)])
    run = code_consultation(folder, codebook="fairer-six-gaps", representation="lsa", review_size=5)
    cons = open_consultation(folder)
    raw = consultation_summary(cons)
    coded = raw.coded
    assert "campaign_respondents" in coded
    template_id = load_statements(cons).set_index("text").at[TEMPLATE, "statement_id"]
    codes = run.result.codes
    template_themes = set(codes.loc[codes["statement_id"] == template_id, "theme"])
    by_template = coded[coded["theme"].isin(template_themes)]
    # A theme the template raised counts all eight campaign respondents ...
    assert len(by_template) >= 1 and (by_template["campaign_respondents"] == 8).all()
    # ... and one raised only in words a person added counts that person alone ("My grandson
    # goes there every day after school" raises learning for one respondent).
    added_only = coded[(coded["campaign_respondents"] > 0) & ~coded["theme"].isin(template_themes)]
    assert (added_only["campaign_respondents"] == 1).all()
    assert (coded["campaign_respondents"] <= coded["respondents"]).all()
    published = protect(raw, cons.disclosure_threshold)
    assert published.campaigns["statements"].tolist() == [8]
    html = voices_report(folder).html.read_text(encoding="utf-8")
    assert "<h3>Campaigns</h3>" in html and "8 of them through a campaign" in html


def test_what_one_person_added_to_a_campaign_is_coded_for_them_alone(tmp_path):
    from fairer.store import open_store, queries
    from fairer.voices.run import code_consultation

    added = " I lost my job last year and the computers there helped me find work again."
    texts = [TEMPLATE] * 5 + [TEMPLATE + added, TEMPLATE + added, *INDEPENDENT]
    df = pd.DataFrame({"Respondent ID": range(1, len(texts) + 1), "Your views": texts})
    path = tmp_path / "library.csv"
    df.to_csv(path, index=False)
    folder = tmp_path / "c"
    import_files(folder, [path])
    code_consultation(folder, codebook="fairer-six-gaps", representation="lsa", review_size=0)
    cons = open_consultation(folder)
    store = open_store(cons.store_path, read_only=True)
    try:
        everything = queries.statements(store, include_all=True)
        members = set(queries.campaign_statements(store)["statement_id"])
        codes = queries.codes_for(store, everything["statement_id"].tolist())
    finally:
        store.close()
    assert len(members) == 7  # five copies of the template and two of the edit: one campaign
    work = set(codes.loc[codes["theme"] == "Work", "statement_id"])
    edited = set(everything.loc[everything["text"] == TEMPLATE + added, "statement_id"])
    plain = set(everything.loc[everything["text"] == TEMPLATE, "statement_id"])
    # Both people who wrote about their job (the edit and its identical copy) are coded Work;
    # the five who sent the template alone are not.
    assert edited <= work and len(edited) == 2
    assert not plain & work
    # They keep the template's codes too.
    template_themes = set(codes.loc[codes["statement_id"].isin(plain), "theme"])
    for sid in edited:
        assert template_themes <= set(codes.loc[codes["statement_id"] == sid, "theme"])


words = st.lists(
    st.sampled_from(["buses", "damp", "library", "jobs", "warm", "park", "school", "shop"]),
    min_size=1,
    max_size=6,
)


@given(st.integers(0, 6), words)
@settings(max_examples=30, deadline=None)
def test_campaign_counts_add_up(extra_copies, added):
    """However many copies and edits: a campaign's count is its responses, its template is one
    of them, and an answer is in at most one campaign."""
    texts = [TEMPLATE, TEMPLATE + " " + " ".join(added), *INDEPENDENT]
    answers = pd.DataFrame(
        {"statement_id": [f"s{i}" for i in range(len(texts))], "question": "Q", "text": texts}
    )
    copies = pd.Series([1 + extra_copies] + [1] * (len(texts) - 1), index=answers["statement_id"])
    members, campaigns = find_campaigns(answers, copies)
    assert members["statement_id"].is_unique
    if 2 + extra_copies >= 5:
        assert campaigns["statements"].tolist() == [2 + extra_copies]
        assert set(members["statement_id"]) == {"s0", "s1"}
        assert campaigns["template_id"].iat[0] in {"s0", "s1"}
    else:
        assert campaigns.empty and members.empty
