"""Arriaga's decomposition, Sullivan's healthy life expectancy and the Fingertips recent trend,
each against an independent reference: a published worked example, hand-computed values,
R's ``prop.trend.test``, statsmodels, the R-checked life expectancy, or simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from fairer import stats
from fairer.stats.arriaga import arriaga
from fairer.stats.sullivan import healthy_life_expectancy, sullivan
from fairer.stats.trend import recent_trend

AGES = [0, 1, *range(5, 95, 5)]


def _population(rates, persons=20_000.0, name="A") -> pd.DataFrame:
    return pd.DataFrame(
        {"pop": name, "age": AGES, "py": persons, "deaths": np.asarray(rates) * persons}
    )


def _rates(level: float = 1.0, slope: float = 0.0) -> np.ndarray:
    base = np.exp(np.linspace(-8.2, -1.5, 20)) * level
    base[0] = 0.004 * level
    return base * np.exp(slope * np.arange(20))


# -- Arriaga ----------------------------------------------------------------------------------


def test_arriaga_equals_replacing_one_band_at_a_time_oldest_first():
    """Andreev, Shkolnikov & Begun (2002): Arriaga's contribution of band x is the change in
    e0 when band x's rates are switched from population 1 to 2 after all older bands were
    (younger bands still population 1's, as l¹ in the direct effect; older ones population
    2's, as T² in the indirect effect). e0 here is the R-checked ``stats.life_expectancy``,
    not the decomposition's code."""
    one, two = _population(_rates(1.0), name="least"), _population(_rates(1.7, 0.01), name="most")
    out = arriaga(pd.concat([one, two]), "deaths", "py", "age", "pop", "least", "most")

    def e0(frame):
        return stats.life_expectancy(frame, "deaths", "py", "age", le_age=0, type="standard")[
            "value"
        ].iloc[0]

    stepped, previous, expected = one.copy(), e0(one), {}
    for j in reversed(range(20)):
        stepped.iloc[j, stepped.columns.get_loc("deaths")] = two["deaths"].iloc[j]
        current = e0(stepped)
        expected[j] = current - previous
        previous = current
    np.testing.assert_allclose(
        out["contribution"], [expected[j] for j in range(20)], rtol=0, atol=1e-9
    )
    assert out["gap"].iloc[0] == pytest.approx(e0(two) - e0(one), abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(
    level=st.floats(0.3, 2.0),
    slope=st.floats(-0.02, 0.02),
    shares=st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3),
)
def test_arriaga_contributions_add_up_to_the_gap_by_age_and_cause(level, slope, shares):
    one, two = _population(_rates()), _population(_rates(level, slope), name="B")
    rows = []
    for frame, mix in ((one, [1.0, 1.0, 1.0]), (two, shares)):
        w = np.asarray(mix) / np.sum(mix)
        for cause, share in zip(["circulatory", "cancer", "other"], w, strict=True):
            rows.append(frame.assign(cause=cause, deaths=frame["deaths"] * share))
    data = pd.concat(rows, ignore_index=True)
    by_cause = arriaga(data, "deaths", "py", "age", "pop", "A", "B", cause="cause")
    by_age = arriaga(pd.concat([one, two]), "deaths", "py", "age", "pop", "A", "B")
    assert by_cause["contribution"].sum() == pytest.approx(by_age["gap"].iloc[0], abs=1e-9)
    bands = by_cause.groupby("age", sort=False)["contribution"].sum()
    np.testing.assert_allclose(bands.to_numpy(), by_age["contribution"], atol=1e-9)


def test_arriaga_gives_a_band_to_the_only_cause_that_differs():
    one = _population(_rates())
    two = one.assign(pop="B")
    two.loc[two["age"] == 60, "deaths"] *= 2
    data = pd.concat(
        [f.assign(cause=c, deaths=f["deaths"] / 2) for f in (one, two) for c in ("x", "y")]
    )
    data.loc[(data["pop"] == "B") & (data["age"] == 60) & (data["cause"] == "y"), "deaths"] = (
        one.loc[one["age"] == 60, "deaths"].iloc[0] / 2
    )
    data.loc[(data["pop"] == "B") & (data["age"] == 60) & (data["cause"] == "x"), "deaths"] = (
        one.loc[one["age"] == 60, "deaths"].iloc[0] * 1.5
    )
    out = arriaga(data, "deaths", "py", "age", "pop", "A", "B", cause="cause")
    at60 = out[out["age"] == 60].set_index("cause")["contribution"]
    assert at60["y"] == 0 and at60["x"] < 0
    assert out.loc[out["age"] != 60, "contribution"].abs().max() == 0


def test_arriaga_by_group_and_unknown_population():
    one, two = _population(_rates()), _population(_rates(1.5), name="B")
    data = pd.concat([one.assign(sex=s) for s in ("f", "m")] + [two.assign(sex=s) for s in "fm"])
    out = arriaga(data, "deaths", "py", "age", "pop", "A", "B", by="sex")
    assert out.groupby("sex")["contribution"].sum().round(9).nunique() == 1
    with pytest.raises(stats.StatsError, match="not in column"):
        arriaga(data, "deaths", "py", "age", "pop", "A", "Z")


# -- Sullivan ---------------------------------------------------------------------------------

# Hauet E. Practical guide on health expectancy calculation: Sullivan method. Euro-REVES,
# 1997, table 1 (France 1991, females): lx, nLx and the disability-free prevalence, and the
# published disability-free years (column 6) and expectancy (column 7) from age 65. The guide
# prints the 85+ prevalence as 0.710, the complement of the share its columns 5-7 use
# (83,967 / 289,068 = 0.2905): the columns are taken as the published result.
HAUET = pd.DataFrame(
    {
        "age": [65, 70, 75, 80, 85],
        "lx": [89367, 84968, 78012, 66625, 48532],
        "Lx": [436589, 408793, 364013, 290533, 289068],
        "free": [0.804, 0.714, 0.630, 0.487, 83967 / 289068],
        "published_years": [1097520, 746643, 454701, 225526, 83967],
        "published_dfle": [12.3, 8.8, 5.8, 3.4, 1.7],
    }
)


def test_sullivan_reproduces_the_euro_reves_worked_example():
    out = sullivan(HAUET, "lx", "Lx", "free", "age")
    np.testing.assert_allclose(out["hle"].round(1), HAUET["published_dfle"], atol=1e-9)
    np.testing.assert_allclose(out["hle"] * HAUET["lx"], HAUET["published_years"], rtol=1e-3)


def test_healthy_life_expectancy_with_everyone_healthy_is_life_expectancy():
    data = _population(_rates()).assign(healthy=1.0)
    hle = healthy_life_expectancy(data, "deaths", "py", "age", "healthy")
    le = stats.life_expectancy(data, "deaths", "py", "age")
    np.testing.assert_allclose(hle["hle"], le["value"], rtol=1e-12)
    np.testing.assert_allclose(hle["lowercl"], le["lowercl"], rtol=1e-10)


def test_healthy_life_expectancy_standard_error_matches_simulation():
    rng = np.random.default_rng(7)
    persons = 6_000.0
    m = _rates(1.3)
    pi = np.linspace(0.95, 0.45, 20)
    data = pd.DataFrame({"age": AGES, "py": persons, "deaths": m * persons, "healthy": pi})
    data["n"] = persons
    analytic = healthy_life_expectancy(data, "deaths", "py", "age", "healthy", sample="n")
    se = (analytic["uppercl"].iloc[0] - analytic["lowercl"].iloc[0]) / (2 * 1.959963984540054)
    sims = 1500
    sim = pd.concat([data] * sims, ignore_index=True)
    sim["sim"] = np.repeat(np.arange(sims), 20)
    sim["deaths"] = rng.poisson(np.tile(m, sims) * persons)
    sim["healthy"] = rng.binomial(int(persons), np.tile(pi, sims)) / persons
    out = healthy_life_expectancy(sim, "deaths", "py", "age", "healthy", by="sim")
    draws = out.loc[out["age"] == 0, "hle"].to_numpy()
    sd = np.std(draws, ddof=1)
    # The SD of 1,500 draws is known to about ±1.8% (1/sqrt(2n)); allow 4 standard errors.
    assert abs(se / sd - 1) < 4 / np.sqrt(2 * len(draws))


def test_sullivan_refuses_a_share_outside_zero_to_one():
    with pytest.raises(stats.StatsError, match="between 0 and 1"):
        sullivan(HAUET.assign(free=1.2), "lx", "Lx", "free", "age")


# -- recent trend -----------------------------------------------------------------------------


def test_chi_square_for_trend_matches_hand_computation_and_r():
    # By hand: N = 500, X = 150, Σxt = 550, Σnt = 1,500, Σnt² = 5,500 →
    # χ² = 500 × 50,000² / (150 × 350 × 500,000) = 47.619047…
    hand = pd.DataFrame({"t": range(5), "x": [10, 20, 30, 40, 50], "n": 100})
    assert recent_trend(hand, "t", x="x", n="n")["chi_square"].iloc[0] == pytest.approx(
        1.25e12 / 2.625e10, rel=1e-12
    )
    # R 4.x: prop.trend.test(c(120,135,150,170,190), rep(1000,5), score=1:5)$statistic
    r = pd.DataFrame({"t": range(5), "x": [120, 135, 150, 170, 190], "n": 1000})
    out = recent_trend(r, "t", x="x", n="n")
    assert out["chi_square"].iloc[0] == pytest.approx(23.6320423486199, rel=1e-12)
    assert out["trend"].iloc[0] == "increasing"


def test_weighted_trend_matches_statsmodels_wls():
    rng = np.random.default_rng(3)
    y = 80 + 0.6 * np.arange(5) + rng.normal(0, 0.2, 5)
    half = np.array([0.5, 0.6, 0.4, 0.7, 0.5])
    data = pd.DataFrame({"p": range(2018, 2023), "v": y, "lo": y - half, "up": y + half})
    out = recent_trend(data, "p", value="v", lowercl="lo", uppercl="up")
    se = 2 * half / 3.92
    fit = sm.WLS(y, sm.add_constant(np.arange(1.0, 6)), weights=1 / se**2).fit(
        cov_type="fixed scale"
    )
    assert out["slope"].iloc[0] == pytest.approx(fit.params[1], rel=1e-10)
    assert out["chi_square"].iloc[0] == pytest.approx((fit.params[1] / fit.bse[1]) ** 2, rel=1e-9)


def test_trend_uses_the_last_five_points_and_needs_five():
    rising = pd.DataFrame({"p": range(8), "x": [500, 100, 200, 300, 400, 500, 600, 700], "n": 1000})
    out = recent_trend(rising, "p", x="x", n="n", polarity="higher is better")
    assert out["points_used"].iloc[0] == 5
    assert out["trend"].iloc[0] == "increasing and getting better"
    short = rising.iloc[:4]
    assert recent_trend(short, "p", x="x", n="n")["trend"].iloc[0] == "cannot be calculated"


def test_trend_carried_by_one_point_is_not_significant():
    # A big chi-square made by one last point: leaving it out reverses the slope.
    spike = pd.DataFrame({"p": range(5), "x": [200, 195, 190, 185, 400], "n": 1000})
    out = recent_trend(spike, "p", x="x", n="n")
    assert out["chi_square"].iloc[0] > 9.5495
    assert out["trend"].iloc[0] == "no significant change"


def test_trend_by_group_keeps_every_group():
    d = pd.DataFrame({"p": range(5), "x": [120, 135, 150, 170, 190], "n": 1000})
    data = pd.concat([d.assign(a="A"), d.assign(a="B", x=150), d.iloc[:2].assign(a="C")])
    out = recent_trend(data, "p", by="a", x="x", n="n").set_index("a")["trend"]
    assert out.to_dict() == {
        "A": "increasing",
        "B": "no significant change",
        "C": "cannot be calculated",
    }


def test_the_array_path_gives_the_frame_paths_decomposition():
    from fairer.stats.arriaga import arriaga_arrays

    one, two = _population(_rates()), _population(_rates(1.4, 0.01), name="B")
    frame = arriaga(pd.concat([one, two]), "deaths", "py", "age", "pop", "A", "B")
    arrays = arriaga_arrays(
        one["deaths"].to_numpy()[None], one["py"].to_numpy()[None],
        two["deaths"].to_numpy()[None], two["py"].to_numpy()[None],
    )  # fmt: skip
    np.testing.assert_allclose(arrays["contribution"][0], frame["contribution"], rtol=1e-12)
    assert arrays["le_comparison"][0] - arrays["le_reference"][0] == pytest.approx(
        frame["gap"].iloc[0], rel=1e-12
    )
