"""The progress report's summary page: it summarises what the report's body shows."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairer.delivery.summary import headline_gaps


def _card(rows):
    return pd.DataFrame(
        rows, columns=["indicator", "period", "unit", "value", "sii", "sii_lowercl", "sii_uppercl",
                       "absolute_gap"],
    )  # fmt: skip


def test_headline_gaps_are_real_and_relative():
    card = _card([
        ["life expectancy", "2023", "years", 80.0, 8.0, 6.0, 10.0, -7.0],  # 10% of the value
        ["smoking", "2023", "%", 12.0, -6.0, -8.0, -4.0, 5.0],  # 50% of the value
        ["noise", "2023", "%", 10.0, 9.0, -1.0, 19.0, 8.0],  # CI spans 0: not a headline
    ])  # fmt: skip
    gaps = headline_gaps(card)
    assert [g.indicator for g in gaps] == ["smoking", "life expectancy"]
    assert gaps[0].higher_in_most_deprived and not gaps[1].higher_in_most_deprived
    assert gaps[0].units == "percentage points" and gaps[1].units == "years"


@given(st.lists(st.tuples(st.floats(1, 100), st.floats(-50, 50), st.floats(0, 20)), max_size=8))
def test_no_headline_gap_has_an_interval_through_zero(rows):
    card = _card(
        [[f"i{k}", "2024", "%", v, s, s - w, s + w, s] for k, (v, s, w) in enumerate(rows)]
    )
    for g in headline_gaps(card, n=10):
        same_side = (g.lowercl > 0 and g.uppercl > 0) or (g.lowercl < 0 and g.uppercl < 0)
        assert same_side and g.sii >= 0


@pytest.fixture(scope="module")
def demo_report(demo_run, tmp_path_factory):
    from fairer.pipeline import progress_report
    from tests.conftest import copy_demo

    place = copy_demo(demo_run, tmp_path_factory.mktemp("summary") / "demo")
    return place, progress_report(place, "2026-H1")


def test_the_summary_summarises_the_report(demo_report):
    place, result = demo_report
    page = result.html.read_text()
    summary = page[page.index('id="summary"') : page.index("</ul>", page.index('id="summary"'))]
    # the action plan, read here on its own: every action counted, the late ones named
    plan = next((place.parent / "data").glob("action_plan_*.xlsx"))
    actions = pd.read_excel(plan, sheet_name="actions")
    assert f"Action plan: {len(actions)} actions," in summary
    late = re.search(r"(\d+) late", summary)
    assert late and int(late.group(1)) >= 1 and "Late: " in summary
    # indicator verdicts add up to the scorecard's rows
    counts = re.search(r"Of (\d+) indicators: ([^(]+)\(against ([^)]+)\)", summary)
    assert counts, summary
    told = sum(int(n) for n in re.findall(r"(\d+) [a-z ]+", counts.group(2)))
    assert told == int(counts.group(1))
    assert "England" in counts.group(3)
    assert "slope index of inequality; 95% CI" in summary
    assert "What did not work:" in summary and "Allocation of £600,000" in summary


def test_the_summary_allocation_adds_up(demo_run):
    from fairer.context import open_place
    from fairer.delivery.progress import delivery_results
    from fairer.delivery.summary import progress_summary
    from fairer.pipeline import _report_inputs
    from tests.conftest import copy_demo

    place = copy_demo(demo_run, demo_run[0].parent / "summary-alloc")
    with open_place(place) as ctx:
        inputs = _report_inputs(ctx)
        delivery = delivery_results(ctx, date(2026, 6, 30))
    s = progress_summary(date(2026, 6, 30), inputs, delivery)
    spent = (s.allocation["per_head"] * s.allocation["population"]).sum()
    assert spent == pytest.approx(s.budget, abs=0.01)
    assert s.rag is not None and sum(s.rag.values()) == len(delivery.plan.actions)
