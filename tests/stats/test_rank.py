"""Rank intervals against exact answers: the chance of ranking first and the distribution of
ranks follow from normal integrals (scipy), not from fairer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate
from scipy.stats import norm

from fairer.stats import StatsError, rank_intervals


def _table(values, half_widths):
    v = np.asarray(values, float)
    h = np.asarray(half_widths, float)
    return pd.DataFrame({"value": v, "lowercl": v - h, "uppercl": v + h})


def _exact_p_best(mu, sd, i):
    """P(area i has the lowest draw) = ∫ φ_i(x) Π_{j≠i} (1 − Φ_j(x)) dx."""
    others = [j for j in range(len(mu)) if j != i]

    def f(x):
        out = norm.pdf(x, mu[i], sd[i])
        for j in others:
            out *= norm.sf(x, mu[j], sd[j])
        return out

    return integrate.quad(f, -np.inf, np.inf)[0]


def test_chance_of_ranking_first_matches_the_exact_integral():
    values, half = [10.0, 10.5, 11.5, 14.0], [2.0, 1.5, 3.0, 1.0]
    out = rank_intervals(_table(values, half), n_sim=200_000, seed=7)
    sd = np.asarray(half) / norm.ppf(0.975)
    exact = [_exact_p_best(values, sd, i) for i in range(4)]
    mc_error = np.sqrt(np.asarray(exact) * (1 - np.asarray(exact)) / 200_000)
    assert np.all(np.abs(out["p_best"].astype(float).to_numpy() - exact) < 4 * mc_error + 1e-4)


def test_two_areas_the_closed_form():
    """Two areas: P(A below B) = Φ((μB − μA) / √(σA² + σB²))."""
    out = rank_intervals(_table([20.0, 21.0], [1.96, 1.96]), n_sim=200_000)
    expected = norm.cdf(1.0 / np.sqrt(2.0))
    assert abs(float(out["p_best"].iloc[0]) - expected) < 0.005


def _p_rank(values, sd, i, j, k, r):
    """P(area i ranks r-th of three): it needs r − 1 of the other two below it."""

    def f(x):
        below_j, below_k = norm.cdf(x, values[j], sd[j]), norm.cdf(x, values[k], sd[k])
        n_below = {1: (1 - below_j) * (1 - below_k),
                   2: below_j * (1 - below_k) + below_k * (1 - below_j),
                   3: below_j * below_k}[r]  # fmt: skip
        return norm.pdf(x, values[i], sd[i]) * n_below

    return integrate.quad(f, -np.inf, np.inf)[0]


def test_rank_intervals_are_the_quantiles_of_the_exact_rank_distribution():
    """For three areas the whole rank distribution is computed exactly and its 2.5th and 97.5th
    percentiles compared with the simulated interval."""
    values, half = np.array([5.0, 6.0, 9.0]), np.array([1.5, 1.5, 0.5])
    sd = half / norm.ppf(0.975)
    out = rank_intervals(_table(values, half), n_sim=100_000, seed=3)
    for i in range(3):
        j, k = [m for m in range(3) if m != i]
        probs = [_p_rank(values, sd, i, j, k, r) for r in (1, 2, 3)]
        cdf = np.cumsum(probs)
        lo = 1 + int(np.searchsorted(cdf, 0.025 - 1e-9))
        hi = 1 + int(np.searchsorted(cdf, 0.975 - 1e-9))
        assert (int(out["rank_lower"].iloc[i]), int(out["rank_upper"].iloc[i])) == (lo, hi)


def test_higher_is_better_reverses_the_ranks():
    t = _table([1.0, 5.0, 9.0], [0.1, 0.1, 0.1])
    assert rank_intervals(t)["rank"].tolist() == [1, 2, 3]
    assert rank_intervals(t, higher_is_better=True)["rank"].tolist() == [3, 2, 1]


def test_rows_without_limits_are_not_ranked_and_others_still_are():
    t = _table([1.0, 5.0, 9.0], [0.1, 0.1, 0.1])
    t.loc[1, "lowercl"] = np.nan
    out = rank_intervals(t)
    assert pd.isna(out["rank"].iloc[1]) and out["rank"].iloc[2] == 2


def test_bad_input_is_refused():
    with pytest.raises(StatsError, match="do not contain the value"):
        rank_intervals(pd.DataFrame({"value": [5.0], "lowercl": [6.0], "uppercl": [7.0]}))
    with pytest.raises(StatsError, match="level"):
        rank_intervals(_table([1.0, 2.0], [0.1, 0.1]), level=1.5)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=2, max_size=12),
       st.floats(0.01, 20))  # fmt: skip
def test_laws_of_ranks(values, half):
    """The interval holds its point rank's neighbourhood: 1 ≤ lower ≤ median ≤ upper ≤ n, and the
    chances of ranking first sum to one."""
    out = rank_intervals(_table(values, [half] * len(values)), n_sim=2000)
    n = len(values)
    lo, med, hi = (
        out[c].astype(int).to_numpy() for c in ("rank_lower", "rank_median", "rank_upper")
    )
    assert np.all((lo >= 1) & (lo <= med) & (med <= hi) & (hi <= n))
    assert abs(out["p_best"].astype(float).sum() - 1.0) < 1e-9
