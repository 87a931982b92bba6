"""Action plans, RAG, changes between reports, impact assessments and the learning log."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from fairer.delivery import ActionPlan, rag_status, read_action_plan, write_action_plan
from fairer.delivery.actions import changes_between, milestone_rag, slipped_milestones
from fairer.delivery.dates import parse_date, period_end
from fairer.delivery.impact import read_assessment, register, write_assessment
from fairer.delivery.learning import read_learning_log, write_learning_log
from fairer.demo.delivery import demo_action_plan, demo_assessments, demo_learning_log

ON = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/04/2026", date(2026, 4, 3)),
        ("3/4/26", date(2026, 4, 3)),
        ("2026-04-03", date(2026, 4, 3)),
        ("March 2026", date(2026, 3, 31)),
        ("Feb-24", date(2024, 2, 29)),
        ("", None),
    ],
)
def test_dates_are_read_uk_first(text, expected):
    assert parse_date(text) == expected


def test_bad_dates_and_periods():
    with pytest.raises(ValueError, match="is not a date"):
        parse_date("soon")
    assert period_end("2026-H1") == date(2026, 6, 30) and period_end("2026-Q3") == date(2026, 9, 30)
    assert period_end("2026") == date(2026, 12, 31)


def test_milestone_rag_hand_worked():
    ms = pd.DataFrame(
        {
            "action_id": "A",
            "milestone_id": list("123456"),
            "milestone": list("abcdef"),
            "due": [
                date(2026, 6, 1),
                date(2026, 6, 1),
                date(2026, 7, 15),
                date(2026, 9, 1),
                date(2026, 9, 1),
                None,
            ],
            "done": [None, date(2026, 5, 30), None, None, None, None],
            "status": ["", "", "", "", "at risk", "stopped"],
        }
    )
    # 1 due before the date, not done: late. 2 done in time: done. 3 due in 15 days: at risk.
    # 4 due in two months: on track. 5 flagged at risk. 6 stopped.
    assert milestone_rag(ms, ON).tolist() == [
        "late",
        "done",
        "at risk",
        "on track",
        "at risk",
        "stopped",
    ]
    # A milestone done after the report date was still outstanding on it.
    later = ms.iloc[[0]].assign(done=[date(2026, 7, 2)])
    assert milestone_rag(later, ON).tolist() == ["late"]


def test_action_and_area_rag_take_the_worst():
    plan = ActionPlan(
        pd.DataFrame(
            {
                "action_id": ["A", "B", "C"],
                "area_of_focus": ["x", "x", "y"],
                "action": "t",
                "owner": "o",
                "organisation": "",
                "measures": "",
                "priority_areas": "",
                "status": ["", "", ""],
                "notes": "",
            }
        ),
        pd.DataFrame(
            {
                "action_id": ["A", "A", "B", "B", "C"],
                "milestone_id": ["A1", "A2", "B1", "B2", "C1"],
                "milestone": "m",
                "due": [
                    date(2026, 1, 1),
                    date(2026, 12, 1),
                    date(2026, 1, 1),
                    date(2026, 2, 1),
                    date(2026, 12, 1),
                ],
                "done": [date(2025, 12, 1), None, date(2026, 1, 2), date(2026, 1, 30), None],
                "status": "",
            }
        ),
    )
    actions, areas, _ = rag_status(plan, ON)
    assert actions.set_index("action_id")["rag"].to_dict() == {
        "A": "on track",
        "B": "done",
        "C": "on track",
    }
    x = areas.set_index("area_of_focus").loc["x"]
    assert x["done"] == 1 and x["on track"] == 1


def test_changes_between_reports_hand_worked():
    before = pd.DataFrame({"action_id": ["A", "B", "C"], "rag": ["on track", "late", "done"]})
    after = pd.DataFrame({"action_id": ["A", "B", "D"], "rag": ["late", "done", "on track"]})
    got = changes_between(before, after).set_index("action_id")["change"].to_dict()
    assert got == {"A": "worse", "B": "improved", "C": "removed", "D": "new"}
    ms_before = pd.DataFrame(
        {"milestone_id": ["m1", "m2"], "due": [date(2026, 3, 31), date(2026, 6, 30)]}
    )
    ms_after = pd.DataFrame(
        {
            "milestone_id": ["m1", "m2"],
            "milestone": ["x", "y"],
            "due": [date(2026, 5, 31), date(2026, 6, 30)],
        }
    )
    s = slipped_milestones(ms_before, ms_after)
    assert s["milestone_id"].tolist() == ["m1"] and s["days"].tolist() == [61]


def test_action_plan_problems_are_listed_and_the_rest_loads(tmp_path):
    p = tmp_path / "plan.csv"
    p.write_text(
        "action_id,area_of_focus,action,owner,measures,status,milestone_id,milestone,due,done\n"
        "A1,Best start,Hubs,Head of Early Help,children_low_income,in progress,A1.1,Sites,31/03/2026,\n"
        "A2,Best start,Meals,,nonsense_measure,done,A2.1,Live,next week,\n"
        "A3,Work,Wage,Lead,,sleeping,A3.1,Anchors,2026-09-30,\n"
        "A1,Best start,Hubs again,Someone,,in progress,,,,\n"
    )
    plan = read_action_plan(p, known_measures={"children_low_income"})
    text = "\n".join(plan.messages)
    assert "actions row 3, column 'owner': action A2 has no owner" in text
    assert "column 'measures': action A2 links to unknown measure 'nonsense_measure'" in text
    assert "column 'status': 'sleeping' is not one of" in text
    assert "duplicate id 'A1'" in text
    assert "column 'due': 'next week' is not a date" in text
    assert plan.actions["action_id"].tolist() == ["A1", "A2", "A3"]
    assert plan.milestones.set_index("milestone_id").loc["A1.1", "due"] == date(2026, 3, 31)


@pytest.mark.parametrize("suffix", [".xlsx", ".yaml"])
def test_action_plan_round_trips(tmp_path, suffix):
    plan = demo_action_plan()
    back = read_action_plan(write_action_plan(plan, tmp_path / f"plan{suffix}"))
    assert back.messages == []
    pd.testing.assert_frame_equal(back.actions, plan.actions.astype(str), check_dtype=False)
    ms = back.milestones.reset_index(drop=True)
    want = plan.milestones.assign(status=plan.milestones["status"].str.lower())
    assert (
        ms["due"].tolist() == want["due"].tolist() and ms["done"].tolist() == want["done"].tolist()
    )
    assert ms[["action_id", "milestone_id", "milestone", "status"]].equals(
        want[["action_id", "milestone_id", "milestone", "status"]].astype(str)
    )


@pytest.mark.parametrize("suffix", [".xlsx", ".yaml"])
def test_assessments_round_trip_and_register(tmp_path, suffix):
    for a in demo_assessments():
        back = read_assessment(write_assessment(a, tmp_path / f"{a.id}{suffix}"))
        assert (back.id, back.title, back.owner, back.assessed, back.review_date) == (
            a.id,
            a.title,
            a.owner,
            a.assessed,
            a.review_date,
        )
        assert back.answers == a.answers
        pd.testing.assert_frame_equal(back.impacts, a.impacts)
    reg = register(demo_assessments(), ON).set_index("id")
    assert reg.loc["IIA-01", "review"] == "due" and reg.loc["IIA-01", "negative_impacts"] == 1
    assert reg.loc["IIA-01", "unmitigated"] == 0 and reg.loc["IIA-02", "review"] == "scheduled"


def test_assessment_problems(tmp_path):
    p = tmp_path / "a.yaml"
    p.write_text(
        "id: X\ntitle: T\nimpacts:\n  - {group: Age, rating: bad}\n  - {group: Race, rating: negative}\n"
    )
    a = read_assessment(p)
    text = "\n".join(a.messages)
    assert (
        "'bad' is not one of" in text
        and "negative with no mitigation" in text
        and "no review date" in text
    )
    assert len(a.unmitigated()) == 1


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".yaml"])
def test_learning_log_round_trips(tmp_path, suffix):
    log = demo_learning_log()
    back, messages = read_learning_log(write_learning_log(log, tmp_path / f"log{suffix}"))
    assert messages == []
    assert back["date"].tolist() == log["date"].tolist()
    for c in ("entry_id", "tried", "did_not_work", "why", "tags"):
        assert back[c].tolist() == log[c].astype(str).tolist()
