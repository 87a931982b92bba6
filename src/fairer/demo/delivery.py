"""The synthetic borough's action plan, impact assessments and learning log (all invented)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from fairer.delivery.actions import ACTION_COLUMNS, ActionPlan, write_action_plan
from fairer.delivery.impact import Assessment, write_assessment
from fairer.delivery.learning import COLUMNS as LEARNING_COLUMNS
from fairer.delivery.learning import write_learning_log

AREAS = [
    "Best start in life",
    "Good work and fair pay",
    "Healthy places",
    "Community power",
    "Fair access to services",
]


def demo_action_plan() -> ActionPlan:
    rows = [
        (
            "A1",
            AREAS[0],
            "Family hubs in the three priority neighbourhoods",
            "Head of Early Help",
            "Council",
            "children_low_income",
            "priority 1, priority 2",
            "in progress",
        ),
        (
            "A2",
            AREAS[0],
            "Free school meals auto-enrolment",
            "Revenues and Benefits",
            "Council",
            "children_low_income",
            "",
            "done",
        ),
        (
            "A3",
            AREAS[1],
            "Real Living Wage accreditation for anchor institutions",
            "Economic Growth Lead",
            "Anchor network",
            "income_deprivation",
            "",
            "in progress",
        ),
        (
            "A4",
            AREAS[2],
            "Active travel routes in Marsh End and Quayside",
            "Transport Planning",
            "Council",
            "adults_inactive",
            "priority 1",
            "at risk",
        ),
        (
            "A5",
            AREAS[3],
            "Community grants panel led by residents",
            "Communities Team",
            "VCSE partnership",
            "",
            "priority 3",
            "in progress",
        ),
        (
            "A6",
            AREAS[4],
            "GP outreach clinics in community centres",
            "Place-based Partnership",
            "NHS",
            "adults_inactive",
            "priority 2",
            "not started",
        ),
        (
            "A7",
            AREAS[2],
            "Community walking programme in Marsh End and Quayside (phase 1)",
            "Active Fairhaven Partnership",
            "VCSE partnership",
            "adults_inactive",
            "priority 1",
            "done",
        ),
    ]
    actions = pd.DataFrame(
        rows,
        columns=[c for c in ACTION_COLUMNS if c != "notes"],
    ).assign(notes="")
    ms = [
        ("A1", "A1.1", "Sites agreed with residents", date(2025, 9, 30), date(2025, 9, 12), "done"),
        ("A1", "A1.2", "First hub open", date(2026, 3, 31), None, "in progress"),
        ("A1", "A1.3", "All three hubs open", date(2026, 11, 30), None, ""),
        (
            "A2",
            "A2.1",
            "Data-sharing agreement signed",
            date(2025, 6, 30),
            date(2025, 6, 20),
            "done",
        ),
        ("A2", "A2.2", "Auto-enrolment live", date(2025, 10, 31), date(2025, 11, 14), "done"),
        ("A3", "A3.1", "Five anchors accredited", date(2026, 3, 31), date(2026, 3, 2), "done"),
        ("A3", "A3.2", "Ten anchors accredited", date(2026, 9, 30), None, ""),
        ("A4", "A4.1", "Route consultation", date(2026, 1, 31), None, "in progress"),
        ("A4", "A4.2", "Construction starts", date(2026, 7, 31), None, ""),
        ("A5", "A5.1", "Panel recruited", date(2026, 2, 28), date(2026, 2, 26), "done"),
        ("A5", "A5.2", "First grants awarded", date(2026, 7, 15), None, ""),
        ("A6", "A6.1", "Clinic model agreed", date(2026, 6, 30), None, ""),
        ("A7", "A7.1", "Walk leaders trained", date(2023, 3, 31), date(2023, 3, 20), "done"),
        ("A7", "A7.2", "Weekly walks in both wards", date(2023, 6, 30), date(2023, 5, 1), "done"),
    ]
    milestones = pd.DataFrame(
        ms, columns=["action_id", "milestone_id", "milestone", "due", "done", "status"]
    )
    return ActionPlan(actions, milestones)


def demo_assessments() -> list[Assessment]:
    impacts_a = pd.DataFrame(
        [
            ("Age", "positive", "medium", "Hubs serve families with children under five.", ""),
            (
                "Disability",
                "unknown",
                "",
                "No data on disabled parents' use of current services.",
                "Ask parent-carer forum before design.",
            ),
            (
                "Socio-economic disadvantage",
                "positive",
                "large",
                "Sited in the three most deprived neighbourhoods.",
                "",
            ),
            (
                "Race",
                "negative",
                "small",
                "Current early-help take-up is lower among families from minority ethnic groups.",
                "Recruit bilingual family workers; co-design outreach with community groups (action A1).",
            ),
        ],
        columns=["group", "rating", "size", "evidence", "mitigation"],
    )
    impacts_b = pd.DataFrame(
        [
            (
                "Socio-economic disadvantage",
                "positive",
                "medium",
                "Raises pay for lowest-paid staff.",
                "",
            ),
            ("Sex", "positive", "small", "Most low-paid anchor staff are women.", ""),
            ("Age", "neutral", "", "No differential effect expected.", ""),
        ],
        columns=["group", "rating", "size", "evidence", "mitigation"],
    )
    return [
        Assessment(
            "IIA-01",
            "Family hubs in priority neighbourhoods",
            "Head of Early Help",
            date(2025, 7, 1),
            {
                "what": "Open three family hubs.",
                "who": "Families with young children in priority areas.",
            },
            impacts_a,
            date(2026, 7, 31),
        ),
        Assessment(
            "IIA-02",
            "Real Living Wage for anchor institutions",
            "Economic Growth Lead",
            date(2025, 9, 1),
            {"what": "Accredit anchor employers.", "who": "Low-paid staff of anchor institutions."},
            impacts_b,
            date(2026, 12, 31),
        ),
    ]


def demo_learning_log() -> pd.DataFrame:
    rows = [
        (
            "L1",
            date(2025, 10, 1),
            "Drop-in consultation events for hub sites",
            "Few residents came to the town-hall events",
            "",
            "Town-hall venue and daytime slots",
            "People told us the venue felt official; evenings suit working parents.",
            "Attendance logs: 11 people over 3 events",
            "A1",
            "",
            "priority 1",
            "engagement",
        ),
        (
            "L2",
            date(2025, 11, 20),
            "Door-knocking with trusted community members",
            "Over 300 conversations in a fortnight",
            "Trusted messengers and short conversations",
            "",
            "",
            "Visit records",
            "A1",
            "",
            "priority 1, priority 2",
            "engagement",
        ),
        (
            "L3",
            date(2026, 2, 15),
            "Route consultation online only",
            "Responses skewed to cyclists from outside the area",
            "",
            "Online-only survey",
            "Digital exclusion in Marsh End; no paper option.",
            "Survey demographics",
            "A4",
            "adults_inactive",
            "priority 1",
            "consultation",
        ),
        (
            "L4",
            date(2026, 3, 10),
            "Anchor institution peer visits",
            "Five anchors accredited ahead of schedule",
            "Peer visits between HR leads",
            "One anchor's contractors were out of scope",
            "Contracts let before the commitment",
            "Accreditation letters",
            "A3",
            "income_deprivation",
            "",
            "procurement",
        ),
        (
            "L5",
            date(2026, 5, 20),
            "Weekly led walks in Marsh End and Quayside; social prescribing at GP surgeries",
            "Inactivity fell further in the two wards than in the rest of the borough; "
            "women's wellbeing improved, men's did not",
            "Walks led by local people; a wellbeing link worker for women's groups",
            "Social prescribing did not reach or help men; the most deprived dropped out most",
            "Men were referred later and to group sessions they did not want",
            "Area and programme evaluations",
            "A7, A6",
            "adults_inactive",
            "priority 1",
            "evaluation",
        ),
    ]
    cited = {"L5": "EV-01, EV-02"}  # the entry that rests on the two evaluations
    log = pd.DataFrame(rows, columns=[c for c in LEARNING_COLUMNS if c != "evaluations"])
    return log.assign(evaluations=log["entry_id"].map(cited).fillna(""))


def write_delivery(folder: str | Path) -> list[Path]:
    """Write the demo's plan, assessments and learning log (XLSX and YAML, as councils keep them)."""
    folder = Path(folder)
    paths = [write_action_plan(demo_action_plan(), folder / "action_plan_synthetic_Fairhaven.xlsx")]
    for a in demo_assessments():
        paths.append(
            write_assessment(a, folder / f"impact_assessment_{a.id}_synthetic_Fairhaven.yaml")
        )
    paths.append(
        write_learning_log(demo_learning_log(), folder / "learning_log_synthetic_Fairhaven.xlsx")
    )
    return paths
