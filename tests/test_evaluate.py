"""Wellbeing instruments and before/after evaluation, checked against published tables and scipy."""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from fairer.errors import FairerError
from fairer.evaluate import before_after, load_instrument, score
from fairer.publish import protect

#: SWEMWBS raw score → metric score, typed from the conversion table published with the scale
#: (Stewart-Brown et al. 2009, Health Qual Life Outcomes 7:15; Warwick Medical School).
PUBLISHED_SWEMWBS = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32,
    15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98,
    23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03,
    31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00,
}  # fmt: skip


def _answers(inst, rows):
    return pd.DataFrame(rows, columns=list(inst.items))


def test_swemwbs_scores_are_the_published_conversion():
    s = load_instrument("swemwbs")
    rows = []
    for raw in range(7, 36):  # one respondent per raw total, items spread as evenly as possible
        base, extra = divmod(raw, 7)
        rows.append([base + (1 if k < extra else 0) for k in range(7)])
    scored = score(_answers(s, rows), s)
    assert scored["raw"].tolist() == list(range(7, 36))
    assert scored["score"].tolist() == [PUBLISHED_SWEMWBS[r] for r in range(7, 36)]


def test_wemwbs_is_the_sum_of_its_14_items():
    w = load_instrument("wemwbs")
    assert len(w.items) == 14 and w.score_range == (14.0, 70.0)
    assert score(_answers(w, [[1] * 14, [5] * 14, [3] * 7 + [4] * 7]), w)["score"].tolist() == [
        14.0, 70.0, 49.0
    ]  # fmt: skip


def test_answers_are_checked_with_row_and_column(tmp_path):
    s = load_instrument("swemwbs")
    bad = _answers(s, [[3] * 7, [3, 3, 6, 3, 3, 3, 3]])
    with pytest.raises(
        FairerError, match=r"a\.csv, row 3, column 'relaxed': '6' is not an answer from 1 to 5"
    ):
        score(bad, s, tmp_path / "a.csv")
    missing = _answers(s, [[3, None, 3, 3, 3, 3, 3]])
    with pytest.raises(FairerError, match="1 of 7 swemwbs items unanswered"):
        score(missing, s)
    with pytest.raises(FairerError, match="no column for swemwbs item 'mind'"):
        score(missing.drop(columns="mind"), s)
    own = tmp_path / "mine.toml"
    own.write_text('[instrument]\nid = "x"\ntitle = "X"\nitems = ["a", "b"]\nmin = 1\nmax = 4\n'
                   'scoring = "sum"\nreverse = ["c"]\n')  # fmt: skip
    with pytest.raises(FairerError, match="mine.toml: reverse item 'c' is not one of the items"):
        load_instrument(own)


def test_a_users_own_instrument_with_reverse_items(tmp_path):
    own = tmp_path / "mine.toml"
    own.write_text('[instrument]\nid = "x"\ntitle = "X"\nitems = ["a", "b", "c"]\nmin = 1\n'
                   'max = 4\nscoring = "sum"\nreverse = ["b"]\nmax_missing = 1\n')  # fmt: skip
    inst = load_instrument(own)
    got = score(pd.DataFrame({"a": [4, 4], "b": [1, None], "c": [2, 2]}), inst)["score"].tolist()
    assert got == [4 + 4 + 2, (4 + 2) / 2 * 3]  # reversed 1 → 4; one missing item pro-rated


def _waves(rng, n, shift, sd=3.0):
    s = load_instrument("wemwbs")
    base = rng.integers(1, 5, size=(n, 14))
    after = np.clip(base + rng.choice([-1, 0, 1, 1], size=(n, 14)) * (shift > 0), 1, 5)
    b = pd.DataFrame(base, columns=list(s.items)).assign(id=[f"P{i}" for i in range(n)])
    a = pd.DataFrame(after, columns=list(s.items)).assign(id=[f"P{i}" for i in range(n)])
    return s, b, a


def test_paired_change_matches_scipy():
    rng = np.random.default_rng(7)
    s, base, after = _waves(rng, 80, 1)
    after = after.sample(frac=0.75, random_state=1)  # a quarter dropped out
    res = before_after(base, after, s).results.iloc[0]
    b = score(base, s).set_index("id").loc[after["id"], "score"].to_numpy()
    a = score(after, s)["score"].to_numpy()
    t = stats.ttest_rel(a, b)
    ci = t.confidence_interval(0.95)
    assert res["started"] == 80 and res["completed"] == 60 and res["completion"] == 0.75
    assert res["mean_change"] == pytest.approx((a - b).mean(), abs=1e-12)
    assert (res["lowercl"], res["uppercl"]) == pytest.approx((ci.low, ci.high), abs=1e-9)
    assert res["p_value"] == pytest.approx(t.pvalue, rel=1e-9)
    assert res["effect_size"] == pytest.approx((a - b).mean() / (a - b).std(ddof=1), rel=1e-12)
    assert res["lowercl"] <= res["mean_change"] <= res["uppercl"]
    assert res["verdict"] in ("improved", "no evidence of change")


def test_comparison_with_the_published_norms_matches_a_one_sample_t_test():
    rng = np.random.default_rng(11)
    s, base, after = _waves(rng, 90, 1)
    sexes = rng.choice(["Female", "male", "M", "not known"], size=90)
    base = base.assign(sex=sexes)
    res = before_after(base, after, s, groups=["sex"])
    # the published Health Survey for England 2016 means, typed from the report
    assert s.norms == {"male": 50.1, "female": 49.6}
    follow = score(after, s).set_index("id")["score"]
    for level, sex_norm in (("Female", 49.6), ("male", 50.1)):
        row = res.results.query("group == 'sex' and level == @level").iloc[0]
        ids = base.loc[base["sex"] == level, "id"]
        t = stats.ttest_1samp(follow.loc[ids].to_numpy(), sex_norm)
        ci = t.confidence_interval(0.95)
        assert row["followup_vs_norm"] == pytest.approx(
            follow.loc[ids].mean() - sex_norm, abs=1e-12
        )
        assert (row["norm_lowercl"], row["norm_uppercl"]) == pytest.approx(
            (ci.low - sex_norm, ci.high - sex_norm), abs=1e-9
        )
    # "not known" has no norm: it is left out of the comparison, and the note says how many
    assert np.isnan(res.results.query("level == 'not known'")["norm"].iloc[0])
    assert f"{int((sexes == 'not known').sum())} people whose sex is not recorded" in " ".join(
        res.explanations
    )
    everyone = res.results.iloc[0]
    known = base.loc[base["sex"] != "not known"]
    expected = known["sex"].str.lower().map({"female": 49.6, "male": 50.1, "m": 50.1})
    assert everyone["norm"] == pytest.approx(expected.mean(), abs=1e-12)


def test_norms_in_a_users_own_instrument_are_checked(tmp_path):
    text = (importlib.resources.files("fairer.evaluate") / "instruments" / "ucla3.toml").read_text()
    bad = tmp_path / "mine.toml"
    bad.write_text(text + "\n[norms]\nadults = 4.0\nsource = 'a survey'\n")
    with pytest.raises(FairerError, match=r"mine.toml: \[norms\] 'adults'"):
        load_instrument(bad)
    bad.write_text(text + "\n[norms]\nall = 4.0\n")
    with pytest.raises(FairerError, match="needs a source"):
        load_instrument(bad)


@settings(max_examples=40, deadline=None)
@given(st.integers(5, 60), st.integers(0, 2**31 - 1))
def test_swapping_the_waves_negates_the_change(n, seed):
    rng = np.random.default_rng(seed)
    s, base, after = _waves(rng, n, 1)
    forward = before_after(base, after, s).results.iloc[0]
    backward = before_after(after, base, s).results.iloc[0]
    assert backward["mean_change"] == pytest.approx(-forward["mean_change"], abs=1e-12)
    if np.isfinite(forward["lowercl"]):
        assert backward["lowercl"] == pytest.approx(-forward["uppercl"], abs=1e-9)
    # one more point on one item for everyone (where it can go up) shifts the mean change by
    # exactly the share who could take it
    room = after["optimistic"] < 5
    lifted = after.assign(optimistic=after["optimistic"] + room.astype(int))
    shifted = before_after(base, lifted, s).results.iloc[0]
    assert shifted["mean_change"] - forward["mean_change"] == pytest.approx(room.mean(), abs=1e-12)


def test_attrition_by_group_and_disclosure():
    rng = np.random.default_rng(3)
    s, base, after = _waves(rng, 40, 1)
    base["imd_quintile"] = ["1"] * 20 + ["5"] * 17 + ["3"] * 3
    after = after[~base["id"].isin(base["id"][base["imd_quintile"] == "3"])]  # none of q3 stayed
    after = after[~after["id"].isin(base["id"][:8])]  # 8 of q1 left
    res = before_after(base, after, s, groups=["imd_quintile"]).results.set_index("level")
    assert res.loc["1", ["started", "completed"]].tolist() == [20, 12]
    assert res.loc["3", ["started", "completed"]].tolist() == [3, 0]  # shown, not dropped
    published = protect(before_after(base, after, s, groups=["imd_quintile"])).results
    q3 = published.set_index("level").loc["3"]
    assert np.isnan(q3["started"]) and np.isnan(q3["mean_change"])  # 3 people: suppressed


def test_bad_waves_are_refused(tmp_path):
    s = load_instrument("swemwbs")
    base = pd.DataFrame([["A", *[3] * 7], ["B", *[3] * 7]], columns=["id", *s.items])
    twice = pd.concat([base, base.head(1)], ignore_index=True)
    with pytest.raises(FairerError, match=r"b\.csv, row 4, column 'id': 'A' appears twice"):
        before_after(twice, base, s, paths=(tmp_path / "b.csv", tmp_path / "f.csv"))
    stranger = base.assign(id=["A", "Z"])
    with pytest.raises(
        FairerError, match=r"f\.csv, row 3, column 'id': 'Z' has a follow-up but no baseline"
    ):
        before_after(base, stranger, s, paths=(tmp_path / "b.csv", tmp_path / "f.csv"))
    dated = base.assign(date=["2026-01-10", "2026-01-10"])
    early = base.assign(date=["2025-12-01", "2026-03-01"])
    with pytest.raises(
        FairerError,
        match=r"f.csv, row 2, column 'date': the follow-up for 'A' is dated before its baseline",
    ):
        before_after(dated, early, s, paths=(tmp_path / "b.csv", tmp_path / "f.csv"))


def _panel(rng, areas=12, periods=6, start=3, effect=2.0):
    rows = []
    for a in range(areas):
        treated = a < areas // 3
        level = rng.normal(20, 3)
        for t in range(periods):
            after = t >= start
            value = level + 0.5 * t + (effect if treated and after else 0) + rng.normal(0, 0.7)
            rows.append({"area_code": f"A{a:02d}", "period": str(2015 + t), "value": value})
    return pd.DataFrame(rows), [f"A{a:02d}" for a in range(areas // 3)]


def test_difference_in_differences_against_its_closed_form_and_sandwich():
    from fairer.evaluate.area import difference_in_differences

    rng = np.random.default_rng(11)
    panel, treated = _panel(rng)
    did, check = difference_in_differences(panel, treated, "2018")
    t = panel["area_code"].isin(treated)
    after = panel["period"] >= "2018"
    means = panel.groupby([t, after])["value"].mean()
    closed = (means[True, True] - means[True, False]) - (means[False, True] - means[False, False])
    assert did.estimate == pytest.approx(closed, abs=1e-9)
    # the cluster-robust (by area) interval, computed here from the normal equations
    X = np.column_stack([np.ones(len(panel)), t, after, t & after]).astype(float)
    y = panel["value"].to_numpy()
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    u = y - X @ beta
    bread = np.linalg.inv(X.T @ X)
    meat = sum(np.outer(X[g].T @ u[g], X[g].T @ u[g]) for g in
               [np.flatnonzero(panel["area_code"] == a) for a in panel["area_code"].unique()])  # fmt: skip
    n, k, groups = len(y), X.shape[1], panel["area_code"].nunique()
    cov = bread @ meat @ bread * groups / (groups - 1) * (n - 1) / (n - k)
    se = np.sqrt(cov[3, 3])
    z = stats.norm.ppf(0.975)
    assert (did.lowercl, did.uppercl) == pytest.approx(
        (beta[3] - z * se, beta[3] + z * se), abs=1e-9
    )
    assert did.verdict == "improved" and did.lowercl > 0  # the planted effect of 2 is found
    assert check is not None and check.verdict == "consistent with parallel trends"


def test_no_effect_is_said_plainly():
    from fairer.evaluate.area import difference_in_differences

    rng = np.random.default_rng(5)
    panel, treated = _panel(rng, effect=0.0)
    did, _ = difference_in_differences(panel, treated, "2018")
    assert did.lowercl <= 0 <= did.uppercl and did.verdict == "no evidence of change"
    with pytest.raises(FairerError, match="needs periods before and from 2030"):
        difference_in_differences(panel, treated, "2030")


def test_interrupted_time_series_coefficients_match_least_squares():
    from fairer.evaluate.area import interrupted_time_series

    rng = np.random.default_rng(2)
    t = np.arange(12.0)
    after = (t >= 6).astype(float)
    y = 30 + 0.4 * t - 3 * after - 0.5 * (t - 6) * after + rng.normal(0, 0.3, 12)
    series = pd.DataFrame({"period": [str(2013 + i) for i in range(12)], "value": y})
    step, slope = interrupted_time_series(series, "2019", higher_is_better=False)
    X = np.column_stack([np.ones(12), t, after, (t - 6) * after])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    assert (step.estimate, slope.estimate) == pytest.approx((beta[2], beta[3]), abs=1e-9)
    assert step.lowercl <= step.estimate <= step.uppercl
    assert step.verdict == "improved"  # lower is better here, and the level fell


def test_de_jong_gierveld_counts_as_published():
    """Emotional items count "yes" and "more or less"; social items "no" and "more or less"
    (De Jong Gierveld & Van Tilburg 2006)."""
    d = load_instrument("djg6")
    answers = _answers(d, [
        [1, 1, 1, 3, 3, 3],  # emotionally and socially lonely: 6
        [3, 3, 3, 1, 1, 1],  # neither: 0
        [2, 3, 3, 1, 1, 2],  # one emotional, one social: 2
    ])  # fmt: skip
    assert score(answers, d)["score"].tolist() == [6.0, 0.0, 2.0]


@pytest.mark.parametrize("name", ["djg6", "ons4", "place_standard", "swemwbs", "ucla3", "wemwbs"])
def test_every_shipped_instrument_loads_with_its_citation(name):
    inst = load_instrument(name)
    assert inst.citation and inst.licence and inst.meaningful_change_source
    low, high = inst.score_range
    assert low < high


def test_an_item_by_item_instrument_is_evaluated_one_item_at_a_time():
    o = load_instrument("ons4")
    base = pd.DataFrame({"id": list("ABCDEF"), "life_satisfaction": [5, 6, 5, 4, 6, 5],
                         "worthwhile": 6, "happiness": 6, "anxiety": [6, 7, 6, 5, 6, 7]})  # fmt: skip
    after = base.assign(anxiety=base["anxiety"] - 3)
    with pytest.raises(FairerError, match="reported item by item: choose one of"):
        before_after(base, after, o)
    res = before_after(base, after, o, item="anxiety").results.iloc[0]
    assert res["mean_change"] == -3 and res["share_improved"] == 1.0  # less anxiety is better


def test_the_cli_writes_a_protected_table_and_refuses_bad_files(cli, tmp_path):
    s = load_instrument("swemwbs")
    rng = np.random.default_rng(4)
    base = pd.DataFrame(rng.integers(1, 5, (30, 7)), columns=list(s.items))
    base.insert(0, "id", [f"P{i}" for i in range(30)])
    base["sex"] = ["F"] * 27 + ["M"] * 3
    after = base.iloc[:26].drop(columns="sex")
    after[list(s.items)] = np.clip(after[list(s.items)] + 1, 1, 5)
    base.to_csv(tmp_path / "before.csv", index=False)
    after.to_csv(tmp_path / "after.csv", index=False)
    code, out, err = cli("evaluate", "before-after", tmp_path / "before.csv", tmp_path / "after.csv",
                         "--instrument", "swemwbs", "--group", "sex", "--out", tmp_path)  # fmt: skip
    assert code == 0, err
    assert out.startswith("everyone: 26 of 30 completed; change +") and "improved" in out
    table = pd.read_csv(tmp_path / "before_after_swemwbs.csv")
    men = table[table["level"] == "M"].iloc[0]
    assert np.isnan(men["started"]) and np.isnan(men["mean_change"])  # 3 men: suppressed
    after.loc[3, "relaxed"] = 9
    after.to_csv(tmp_path / "after.csv", index=False)
    code, _, err = cli("evaluate", "before-after", tmp_path / "before.csv", tmp_path / "after.csv",
                       "--instrument", "swemwbs", "--out", tmp_path / "second")  # fmt: skip
    assert (
        code == 2 and "after.csv, row 5, column 'relaxed': '9' is not an answer from 1 to 5" in err
    )
    assert not (tmp_path / "second").exists() or not any((tmp_path / "second").iterdir())


@pytest.fixture(scope="module")
def progress_page(demo_run):
    """The demo's progress report, written once for this module's tests: (place, page)."""
    from fairer.pipeline import progress_report
    from tests.conftest import copy_demo

    place = copy_demo(demo_run, demo_run[0].parent / "evidence")
    return place, progress_report(place, "2026-H1").html.read_text()


def test_the_progress_report_says_what_the_evidence_says(progress_page):
    """The demo's synthetic programme: women improved, men did not, and both are reported as
    plainly; drop-out is highest in the most deprived quintile and shown beside the results."""
    place, page = progress_page
    evidence = page[page.index('id="evidence"') : page.index('id="learning"')]
    assert "What the evidence says" in evidence and "Evaluates action A6" in evidence
    assert "Framework measure: wellbeing" in evidence
    rows = dict(re.findall(r"<tr><td>(sex: \w+|Everyone)</td>(.*?)</tr>", evidence))
    assert "improved" in rows["sex: Female"] and "no evidence of change" in rows["sex: Male"]
    base = pd.read_csv(next((place.parent / "data").glob("swemwbs_baseline_*.csv")))
    after = pd.read_csv(next((place.parent / "data").glob("swemwbs_followup_*.csv")))
    stayed = base["id"].isin(after["id"]).groupby(base["imd_quintile"]).mean()
    assert stayed.idxmin() == 1  # the most deprived dropped out most
    assert f"<td>{len(base):,}</td><td>{len(after):,}</td>" in rows["Everyone"].replace(
        ' class="num"', ""
    )


def test_evaluation_files_are_checked(tmp_path):
    from fairer.evaluate.programme import read_evaluation
    from fairer.sources.detect import detect

    f = tmp_path / "evaluation.yaml"
    f.write_text("instrument: swemwbs\nbaseline: b.csv\nfollowup: a.csv\n")
    assert detect(f).kind == "evaluation"
    with pytest.raises(FairerError, match=r"evaluation\.yaml: baseline file 'b\.csv' not found"):
        read_evaluation(f)
    (tmp_path / "b.csv").write_text("id\n")
    (tmp_path / "a.csv").write_text("id\n")
    f.write_text("instrument: swemwbs\nbaseline: b.csv\nfollowup: a.csv\nwave: 2\n")
    with pytest.raises(FairerError, match="unknown key 'wave'"):
        read_evaluation(f)


def test_the_walking_programme_is_evaluated_against_the_rest_of_the_place(progress_page):
    """The demo's area evaluation, recomputed here from the indicator file with statsmodels."""
    import statsmodels.formula.api as smf

    place, page = progress_page
    evidence = page[page.index('id="evidence"') : page.index('id="learning"')]
    data = place.parent / "data"
    rows = pd.read_csv(next(data.glob("indicators_*.csv")))
    lookup = pd.read_csv(next(data.glob("LSOA21_WD24_*.csv")))
    walked = set(lookup.loc[lookup["WD24NM"].isin(["Marsh End", "Quayside"]), "LSOA21CD"])
    panel = rows[(rows["indicator"] == "adults_inactive") & rows["area_code"].str.startswith("E01")]
    panel = panel.assign(
        value=100 * panel["numerator"] / panel["denominator"],
        treated=panel["area_code"].isin(walked).astype(int),
        after=(panel["period"] >= "2023/24").astype(int),
    )
    fit = smf.ols("value ~ treated * after", panel).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(panel["area_code"])[0]}
    )
    low, high = fit.conf_int().loc["treated:after"]
    said = (
        f"{fit.params['treated:after']:+.2f} (95% CI {low:+.2f} to {high:+.2f}) percentage points"
    )
    assert said in evidence and "The targeted areas improved more than the comparison" in evidence
    assert (
        f"in the {len(walked)} targeted LSOAs against the other {panel['area_code'].nunique() - len(walked)}"
        in evidence
    )
    assert "consistent with parallel trends" in evidence and "<svg" in evidence
    # the learning log's entry cites both evaluations, each linked to its verdict
    learning = page[page.index('id="learning"') :]
    assert "<a href='#ev-EV-02'>EV-02</a>: improved" in learning
    assert "id='ev-EV-02'" in evidence and "Cited in the learning log: L5" in evidence
    # and the gradient across periods is there for every indicator with two periods or more
    assert "Is the gradient flattening?" in evidence and "2018/19–2025/26 (8)" in evidence


def _area_spec(tmp_path, **keys) -> Path:
    import yaml

    spec = {"id": "EV-9", "design": "difference-in-differences", "indicator": "adults_inactive",
            "start": "2023/24", "areas": ["Marsh End"], **keys}  # fmt: skip
    path = tmp_path / "ev.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def test_area_evaluation_files_are_checked(tmp_path, demo_run):
    from fairer.context import open_place
    from fairer.evaluate.areas import read_area_evaluation
    from fairer.evaluate.jobs import run_area_evaluation

    with pytest.raises(FairerError, match="ev.yaml: design 'rct': use"):
        read_area_evaluation(_area_spec(tmp_path, design="rct"))
    with pytest.raises(FairerError, match="ev.yaml: comparison 'anywhere': use"):
        read_area_evaluation(_area_spec(tmp_path, comparison="anywhere"))
    with pytest.raises(FairerError, match="needs the targeted areas"):
        read_area_evaluation(_area_spec(tmp_path, areas=[]))
    with pytest.raises(FairerError, match="unknown key 'treated'"):
        read_area_evaluation(_area_spec(tmp_path, treated=["x"]))
    with open_place(demo_run[0] / "place", read_only=True) as ctx:
        for keys, message in (
            ({"areas": ["Atlantis"]}, "areas: 'Atlantis' is not a ward or LSOA of the place"),
            ({"indicator": "made_up"}, "say higher_is_better"),
            ({"indicator": "smokers", "higher_is_better": False}, "'smokers' has no rows loaded"),
            ({"start": "2030/31"}, "needs periods before and from 2030/31"),
        ):
            with pytest.raises(FairerError, match=re.escape(message)) as caught:
                run_area_evaluation(read_area_evaluation(_area_spec(tmp_path, **keys)), ctx)
            assert caught.value.path == tmp_path / "ev.yaml"


def test_similar_deprivation_and_a_time_series_on_the_place(tmp_path, demo_run):
    from fairer.context import open_place
    from fairer.evaluate.areas import read_area_evaluation
    from fairer.evaluate.jobs import run_area_evaluation

    data = demo_run[0] / "data"
    iod = pd.read_csv(next(data.glob("File_7_*.csv")))
    decile = iod.set_index("LSOA code (2021)").iloc[:, 5]  # the IMD decile column
    lookup = pd.read_csv(next(data.glob("LSOA21_WD24_*.csv")))
    marsh = set(lookup.loc[lookup["WD24NM"] == "Marsh End", "LSOA21CD"])
    similar = {c for c in decile.index if c not in marsh and decile[c] in set(decile[list(marsh)])}
    with open_place(demo_run[0] / "place", read_only=True) as ctx:
        did = run_area_evaluation(
            read_area_evaluation(_area_spec(tmp_path, comparison="similar deprivation")), ctx
        )
        its = run_area_evaluation(
            read_area_evaluation(
                _area_spec(tmp_path, design="interrupted-time-series", areas=[])
            ), ctx
        )  # fmt: skip
    assert did.compared == len(similar) and did.targeted == len(marsh)
    assert "same national deprivation deciles" in did.comparison_text
    # the time series of the whole place: its summed counts, fitted here with statsmodels
    import statsmodels.api as sm

    rows = pd.read_csv(next(data.glob("indicators_*.csv")))
    own = rows[(rows["indicator"] == "adults_inactive") & rows["area_code"].str.startswith("E0199")]
    by = own.groupby("period")[["numerator", "denominator"]].sum().sort_index()
    y = 100 * by["numerator"] / by["denominator"]
    t = np.arange(len(y), dtype=float)
    after = (by.index >= "2023/24").astype(float)
    X = sm.add_constant(np.column_stack([t, after, (t - t[after == 1].min()) * after]))
    fit = sm.OLS(y.to_numpy(), X).fit(cov_type="HAC", cov_kwds={"maxlags": 1})
    assert its.estimate.estimate == pytest.approx(fit.params[2], abs=1e-9)
    assert its.second.estimate == pytest.approx(fit.params[3], abs=1e-9)
    assert (its.estimate.lowercl, its.estimate.uppercl) == pytest.approx(
        tuple(fit.conf_int()[2]), abs=1e-9
    )


def test_a_learning_log_citing_an_unknown_evaluation_is_reported(tmp_path, demo_run):
    from datetime import date

    from fairer.context import open_place
    from fairer.delivery.learning import read_learning_log, write_learning_log
    from fairer.delivery.progress import delivery_results
    from tests.conftest import copy_demo

    place = copy_demo(demo_run, tmp_path / "cites")
    log_file = next((place.parent / "data").glob("learning_log_*.xlsx"))
    log, _ = read_learning_log(log_file)
    log.loc[0, "evaluations"] = "EV-99"
    write_learning_log(log, log_file)
    with open_place(place) as ctx:
        d = delivery_results(ctx, date(2026, 6, 30))
    assert any(
        "row 2, column 'evaluations': 'EV-99' is not an evaluation the place lists "
        "(it lists: EV-01, EV-02)" in m
        for m in d.messages
    )


def test_evaluate_place_writes_every_evaluation_and_refuses_a_bad_file(cli, tmp_path, demo_run):
    import yaml

    from tests.conftest import copy_demo

    place = copy_demo(demo_run, tmp_path / "good")
    code, out, err = cli("evaluate", "place", place)
    assert code == 0, err
    assert "EV-02 (difference-in-differences, adults_inactive)" in out and "improved" in out
    written = place / "output" / "evaluations"
    estimates = pd.read_csv(written / "EV-02_estimates.csv")
    assert estimates["name"].tolist() == [
        "difference-in-differences",
        "pre-period difference in slopes",
    ]
    assert (written / "gradients.csv").exists() and (written / "evaluations.xlsx").exists()
    bad = copy_demo(demo_run, tmp_path / "bad")
    spec_file = next((bad.parent / "data").glob("evaluation_EV-02*.yaml"))
    spec = yaml.safe_load(spec_file.read_text())
    spec_file.write_text(yaml.safe_dump({**spec, "areas": ["Atlantis"]}))
    code, out, err = cli("evaluate", "place", bad)
    assert code == 2 and "Traceback" not in err
    assert f"{spec_file.name}: areas: 'Atlantis' is not a ward or LSOA of the place" in err
    assert not (bad / "output" / "evaluations").exists()


def test_cronbach_alpha_is_the_two_way_anova_consistency():
    """Alpha equals (MS persons - MS residual) / MS persons of a person x item ANOVA."""
    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    from fairer.evaluate.before_after import cronbach_alpha

    rng = np.random.default_rng(5)
    level = rng.normal(3, 0.7, (60, 1))
    items = pd.DataFrame(np.clip(np.round(level + rng.normal(0, 0.6, (60, 7))), 1, 5),
                         columns=[f"i{k}" for k in range(7)])  # fmt: skip
    long = items.reset_index().melt(id_vars="index", var_name="item", value_name="answer")
    table = anova_lm(smf.ols("answer ~ C(index) + C(item)", long).fit())
    ms_person = table.loc["C(index)", "mean_sq"]
    ms_error = table.loc["Residual", "mean_sq"]
    assert cronbach_alpha(items) == pytest.approx((ms_person - ms_error) / ms_person, abs=1e-10)


def test_reliable_change_uses_the_published_reliability_or_the_baselines_alpha():
    from fairer.evaluate.before_after import cronbach_alpha

    rng = np.random.default_rng(8)
    s, base, after = _waves(rng, 120, 1)
    res = before_after(base, after, s)
    row = res.results.iloc[0]
    scores = score(base, s)["score"]
    threshold = 1.96 * np.sqrt(2) * scores.std(ddof=1) * np.sqrt(1 - 0.91)  # Tennant 2007 alpha
    change = score(after, s)["score"].to_numpy() - scores.to_numpy()
    assert row["reliably_improved"] == int((change >= threshold - 1e-9).sum())
    assert row["share_reliably_improved"] == pytest.approx((change >= threshold - 1e-9).mean())
    assert "published reliability 0.91" in res.explanations[0]
    # UCLA-3 has no published figure here: alpha comes from the baseline answers
    u = load_instrument("ucla3")
    level = rng.integers(1, 4, (80, 1))
    answers = np.clip(level + rng.integers(-1, 2, (80, 3)), 1, 3)
    b = pd.DataFrame(answers, columns=list(u.items)).assign(id=range(80))
    r = before_after(b, b.assign(**{u.items[0]: 1}), u)
    alpha = cronbach_alpha(b[list(u.items)])
    assert f"Cronbach's alpha {alpha:.2f} from these baseline answers" in r.explanations[0]
