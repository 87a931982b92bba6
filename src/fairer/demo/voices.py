"""A synthetic consultation for Fairhaven: survey answers and two workshop write-ups.

Everything here is made up and labelled as such. Answers are built from phrases written for
each of the nine domains, so the coder has something real to find, and every answer keeps the
themes it was built from — the "analyst" of the demo, who corrects a review sample. Response is
lower from the most deprived areas and from young people, as it usually is, so "who was heard"
has a gap to show. A few answers carry made-up personal details, to show redaction working.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from fairer.demo.synthetic import SyntheticBorough
from fairer.tabular import write_table, write_text_atomic

QUESTIONS = [
    "What do you understand by inequality?",
    "What do you think causes inequality in Fairhaven?",
    "Which groups of people are most affected?",
    "What three things would you suggest to make Fairhaven fairer?",
]

PHRASES: dict[str, list[str]] = {
    "Income": [
        "wages are too low to live on",
        "people on universal credit cannot cover their bills",
        "the cost of living has gone up and food prices are shocking",
        "families are using the food bank even when they work",
        "not having enough money for the basics",
        "energy bills mean people choose between heating and eating",
        "benefit sanctions push people into debt",
        "more help with debt and money advice",
    ],
    "Wealth": [
        "some people inherit houses and savings and others start with nothing",
        "the gap between the rich and poor parts of town keeps growing",
        "nobody round here can save or buy their own home",
        "investment goes to the nice areas, not ours",
        "the wealthy have assets to fall back on",
    ],
    "Power": [
        "nobody listens to people like us",
        "decisions are made by the council without asking residents",
        "residents should have a real say in how money is spent",
        "people feel ignored and talked down to",
        "the same voices always get heard at meetings",
        "more trust between the council and communities",
    ],
    "Work": [
        "there are no decent jobs, only zero hours contracts",
        "young people cannot get a first job or an apprenticeship",
        "employers should pay the real living wage",
        "unemployment has been high since the factory closed",
        "insecure work makes it impossible to plan",
    ],
    "Learning": [
        "children in some schools do not get the same chances",
        "more adult learning and skills training",
        "kids start school already behind",
        "college courses are too far away and cost too much",
        "better support for children with special educational needs",
        "digital skills for older people",
    ],
    "Housing and physical environment": [
        "damp, overcrowded housing and private landlords who do nothing",
        "rents are far too high for local people",
        "the estate is run down, with litter everywhere",
        "buses stop running at six so people are stuck",
        "parks and green space are not safe to use",
        "more affordable, warm homes",
    ],
    "Social and cultural networks": [
        "older people are lonely and isolated",
        "the youth club and community centre closed",
        "racism and discrimination still hold people back",
        "more community groups and places to meet",
        "volunteers keep this community going",
    ],
    "Health": [
        "people in the poorer wards die years earlier",
        "mental health problems are everywhere and support is hard to get",
        "smoking and drinking are higher here",
        "healthy food is expensive and takeaways are everywhere",
        "disabled people have worse health and fewer chances",
    ],
    "Access to services": [
        "you cannot get a GP appointment or a dentist",
        "waiting lists are months long",
        "everything is online and not everyone can use the internet",
        "services are all in the town centre, far from the estates",
        "advice services have been cut",
        "a one stop shop for help in each neighbourhood",
    ],
}

GROUP_ANSWERS = [
    ("single parents", "Income"),
    ("young people", "Work"),
    ("older people living alone", "Social and cultural networks"),
    ("disabled people", "Health"),
    ("people in private rented housing", "Housing and physical environment"),
    ("carers", "Access to services"),
    ("children in poverty", "Learning"),
    ("ethnic minority communities", "Power"),
]
ETHNICITY = [
    "White British",
    "White other",
    "Asian or Asian British",
    "Black or Black British",
    "Mixed",
    "Other",
]
ETHNICITY_POP = [0.80, 0.05, 0.07, 0.03, 0.03, 0.02]
DISABILITY = ["Yes", "No"]
DISABILITY_POP = [0.2, 0.8]


def _postcodes(b: SyntheticBorough, rng) -> pd.DataFrame:
    """Made-up postcodes (area 'FH', not a real one), a handful per LSOA."""
    rows = []
    for i, code in enumerate(b.lsoas["lsoa_code"]):
        for j in range(4):
            rows.append(
                {
                    "pcds": f"FH{1 + i // 12} {1 + (i * 4 + j) % 9}{'ABDEFGHJ'[j]}{'LNPQRSTU'[i % 8]}",
                    "lsoa21cd": code,
                }
            )
    return pd.DataFrame(rows).drop_duplicates("pcds")


def _answer(rng, themes: list[str], q: int) -> str:
    parts = [str(rng.choice(PHRASES[t])) for t in themes]
    if q == 2:
        return "; ".join(parts).capitalize()
    if q == 3:
        return "\n".join(f"{i + 1}. {p.capitalize()}" for i, p in enumerate(parts))
    joiner = rng.choice([", and ", ". Also ", " - ", ". "])
    text = joiner.join(parts)
    return text[0].upper() + text[1:] + "."


def make_consultation(b: SyntheticBorough, seed: int = 2024, n: int = 420):
    """The survey (wide export), the postcode lookup, population profile and the truth labels."""
    rng = np.random.default_rng(seed + 7)
    lookup = _postcodes(b, rng)
    # Fewer answers from the most deprived areas: weight by percentile (0 = most deprived).
    weights = 0.4 + b.lsoas["percentile"].to_numpy()
    lsoa_idx = rng.choice(len(b.lsoas), n, p=weights / weights.sum())
    by_lsoa = lookup.groupby("lsoa21cd")["pcds"].apply(list)
    ages = np.clip(rng.normal(52, 17, n), 16, 92).round().astype(int)
    themes_all = list(PHRASES)
    rows, truth = [], []
    for r in range(n):
        code = b.lsoas["lsoa_code"].iat[lsoa_idx[r]]
        deprived = b.lsoas["percentile"].iat[lsoa_idx[r]] < 0.3
        row = {
            "Respondent ID": 1001 + r,
            "Start time": f"2026-03-{1 + r % 28:02d} 10:{r % 60:02d}",
            "Age": int(ages[r]),
            "Sex": rng.choice(["Female", "Male"], p=[0.58, 0.42]),
            "Ethnic group": rng.choice(ETHNICITY, p=[0.86, 0.05, 0.05, 0.02, 0.015, 0.005]),
            "Disability or long-term condition": rng.choice(DISABILITY, p=[0.15, 0.85]),
            "Postcode": rng.choice(by_lsoa[code]) if rng.random() > 0.1 else "",
            "Your name (optional)": "",
            "Do you live in Fairhaven?": "Yes" if rng.random() > 0.05 else "No",
        }
        p = np.ones(len(themes_all))
        if deprived:
            p[[0, 5, 8]] += 1.5  # income, housing, services weigh more where deprivation is high
        p /= p.sum()
        for q, question in enumerate(QUESTIONS):
            if rng.random() < 0.08:
                row[question] = rng.choice(["n/a", "", "Don't know", "-", "none"])
                continue
            if q == 2:
                picks = rng.choice(len(GROUP_ANSWERS), rng.integers(1, 3), replace=False)
                text = ", ".join(GROUP_ANSWERS[i][0] for i in picks).capitalize()
                labels = sorted({GROUP_ANSWERS[i][1] for i in picks})
            else:
                k = 3 if q == 3 else int(rng.integers(1, 3))
                labels = sorted(set(rng.choice(themes_all, k, replace=False, p=p)))
                text = _answer(rng, labels, q)
            row[question] = text
            truth.append({"respondent": 1001 + r, "question": question, "themes": labels})
        rows.append(row)
    survey = pd.DataFrame(rows)
    # Personal details residents typed into their answers (all invented), and a copied answer.
    q0, q3 = QUESTIONS[0], QUESTIONS[3]
    survey.loc[3, q3] = survey.loc[3, q3] + " Happy to help - call me on 07700 900123."
    survey.loc[8, q0] = (
        "My name is Jane Hartley and " + survey.loc[8, q0][0].lower() + survey.loc[8, q0][1:]
    )
    survey.loc[15, q3] = survey.loc[15, q3] + " Email me at j.bloggs@example.com"
    survey.loc[21, q0] = survey.loc[21, q0] + " I live at 14 Marsh Lane, FH2 3DT."
    survey.loc[30, "Your name (optional)"] = "Sam Okafor"
    survey.loc[40, q0] = survey.loc[41, q0]
    truth_df = pd.DataFrame(truth)
    truth_df = truth_df[
        truth_df.apply(lambda t: survey.loc[t["respondent"] - 1001, t["question"]] != "", axis=1)
    ]
    pop = pd.DataFrame(
        [
            {"attribute": "ethnicity", "group": g, "population": round(100000 * s)}
            for g, s in zip(ETHNICITY, ETHNICITY_POP, strict=True)
        ]
        + [
            {"attribute": "disability", "group": g, "population": round(100000 * s)}
            for g, s in zip(DISABILITY, DISABILITY_POP, strict=True)
        ]
    )
    return survey, lookup, pop, truth_df


CAFE = """# Fairer Fairhaven strategy café, 12 March 2026 (SYNTHETIC)

Attendees: Priya Sharma, Tom Whitfield, Cllr Ahmed, Grace Osei

Notes written up by the community development team. Each table discussed three questions.

| Question | Table 1 | Table 2 | Table 3 |
|---|---|---|---|
| What makes life harder here? | - Buses stop at six<br>- Damp flats and landlords who ignore repairs | - No jobs for school leavers<br>- Zero hours contracts | - Cannot get a GP appointment<br>- Lonely older neighbours |
| Who is missing out? | - Young carers<br>- People who do not use the internet | - Families on universal credit | - Disabled people on the estate<br>- New arrivals who do not speak English |
| What should change first? | - Cheaper, later buses<br>- A warm space in every ward | - Apprenticeships with local firms<br>- Pay the living wage | - A health hub on the estate<br>- Reopen the youth club |
"""

MARMOT_SESSION = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Marmot place session (synthetic)</title></head>
<body>
<h1>Marmot place listening session, Fairhaven (SYNTHETIC)</h1>
<p>Present: Dr Helen Moss, Jamie Clarke (facilitator), eighteen residents</p>
<h2>Question 1: What would give every child the best start?</h2>
<h3>Group A</h3>
<ul><li>Family hubs that open on Saturdays</li><li>Free nursery places without the paperwork</li>
<li>Help with the cost of school uniforms</li></ul>
<h3>Group B</h3>
<ul><li>Parenting support that is not judgemental</li><li>Safe parks with lights</li></ul>
<h2>Question 2: What stops people having control over their lives?</h2>
<h3>Group A</h3>
<ul><li>Debt and benefit sanctions</li><li>Nobody from the council comes to the estate</li>
<li>Ring Jamie on 01632 960 123 to join the residents panel</li></ul>
<h3>Group B</h3>
<ul><li>Insecure work and no childcare</li><li>Not being listened to when we complain about housing</li></ul>
</body></html>
"""


def write_consultation(
    b: SyntheticBorough, folder: str | Path, seed: int = 2024
) -> tuple[dict[str, Path], pd.DataFrame]:
    """Write the synthetic consultation's files into ``folder``.

    Returns
    -------
    (dict, DataFrame)
        Paths by role (survey, cafe, session, postcodes, population), and the themes each
        answer was built from (``respondent, question, themes``), which the demo's analyst uses.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    survey, lookup, pop, truth = make_consultation(b, seed)
    paths = {
        "survey": write_table(survey, folder / "fairer_fairhaven_survey_SYNTHETIC.csv"),
        "cafe": write_text_atomic(folder / "strategy_cafe_notes_SYNTHETIC.md", CAFE),
        "session": write_text_atomic(folder / "marmot_session_SYNTHETIC.html", MARMOT_SESSION),
        "postcodes": write_table(lookup, folder / "postcode_lookup_SYNTHETIC.csv"),
        "population": write_table(pop, folder / "population_profile_SYNTHETIC.csv"),
    }
    return paths, truth


def demo_analyst(review: Path, truth: pd.DataFrame, statements: pd.DataFrame, out: Path) -> Path:
    """Fill a review workbook as the demo's analyst would: the themes each answer was built from.

    Survey statements get their true themes; workshop notes are left blank (skipped).
    """
    from fairer.voices.review import ANALYST_COLUMN

    sheets = pd.read_excel(review, sheet_name=None, dtype=str, keep_default_na=False)
    df = sheets["review"]
    s = statements.set_index("statement_id")
    key = truth.assign(respondent=truth["respondent"].astype(str)).set_index(
        ["respondent", "question"]
    )["themes"]
    filled = []
    for sid in df["statement_id"]:
        value = ""
        if sid in s.index and s.at[sid, "kind"] == "survey":
            rid = str(s.at[sid, "respondent_id"]).split(":", 1)[-1]
            themes = key.get((rid, s.at[sid, "question"]))
            value = "; ".join(themes) if themes is not None else ""
        filled.append(value)
    df[ANALYST_COLUMN] = filled
    sheets["review"] = df
    from fairer.tabular import write_tables

    return write_tables(sheets, out)
