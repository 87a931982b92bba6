"""SII limits by the reference's method: log/logit draws, order statistics, Monte Carlo error.

The reference outputs in ``tests/data/sii_asymmetric_r_*.csv`` were produced by running
PHEindicatormethods 2.1.0 (R) on ``tests/data/sii_asymmetric_input.csv`` with
``tools/sii_reference.py``; they are numbers for checking, not code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from fairer import stats
from fairer.stats.sii import order_positions
from tests.stats.conftest import within_mc_error

DATA = Path(__file__).resolve().parents[1] / "data"
REPETITIONS = 100_000


SEEDS = range(8)


def _runs(d, **opts) -> list[pd.DataFrame]:
    """fairer's SII on the reference input, once per seed (as the reference's reliability
    statistic repeats its simulation): the spread is the Monte Carlo error of REPETITIONS."""
    return [
        stats.sii(d, "decile", "population", by="area", confidence=[0.95, 0.998],
                  repetitions=REPETITIONS, rii=True, intercept=True, type="standard", seed=seed,
                  **opts).sort_values("area").reset_index(drop=True)
        for seed in SEEDS
    ]  # fmt: skip


LIMITS = [
    f"{i}_{s}{lv}cl" for i in ("sii", "rii") for lv in ("95_0", "99_8") for s in ("lower", "upper")
]


@pytest.mark.parametrize(("case", "value_type"), [("rate", 1), ("proportion", 2)])
def test_asymmetric_limits_without_transform_match_the_reference(case, value_type):
    d = pd.read_csv(DATA / "sii_asymmetric_input.csv")
    expected = pd.read_csv(DATA / f"sii_asymmetric_r_{case}.csv").sort_values("area")
    expected = expected.reset_index(drop=True)
    v, lo, up = ("rate", "rate_lower", "rate_upper") if value_type == 1 else (
        "prop", "prop_lower", "prop_upper")  # fmt: skip
    runs = _runs(d, value=v, lower_cl=lo, upper_cl=up, value_type=value_type)
    assert list(runs[0].columns) == list(expected.columns)
    for c in ("sii", "rii", "intercept"):  # the regression: exact
        np.testing.assert_allclose(runs[0][c], expected[c], rtol=1e-9)
    for c in LIMITS:  # Monte Carlo: within five standard errors of the difference
        z = within_mc_error(runs, expected, c)
        assert (z < 5).all(), (c, z)


def test_natural_scale_draws_would_miss_the_reference():
    """The old method (normal draws on the natural scale) is far outside the Monte Carlo error
    of these limits: the test above tells the two apart."""
    d = pd.read_csv(DATA / "sii_asymmetric_input.csv")
    expected = pd.read_csv(DATA / "sii_asymmetric_r_rate.csv").sort_values("area")
    se = (d["rate_upper"] - d["rate_lower"]) / (2 * sps.norm.ppf(0.975))
    old = _runs(d.assign(se=se), value="rate", se="se", value_type=0)
    z = within_mc_error(old, expected.reset_index(drop=True), "sii_upper95_0cl")
    assert (z > 5).any(), z


def test_limits_are_order_statistics_not_interpolated_percentiles():
    """Other values: the slope is normal, so the limit is the slope plus its standard error
    times the order statistic of the same standard normals, at round(n × p)."""
    import statsmodels.api as sm

    d = pd.DataFrame({"q": range(1, 11), "pop": np.linspace(8000, 12000, 10),
                      "v": [74.0, 75.1, 76.0, 76.8, 77.9, 78.5, 79.6, 80.2, 81.0, 82.3],
                      "se": np.linspace(0.3, 0.8, 10)})  # fmt: skip
    n = 1001  # 1001 × 0.025 = 25.025: the 25th smallest, where a percentile would interpolate
    got = stats.sii(d, "q", "pop", value="v", se="se", repetitions=n, seed=9, type="standard")
    a = d["pop"] / d["pop"].sum()
    x = np.cumsum(a) - a / 2
    X = sm.add_constant(x.to_numpy())
    fit = sm.WLS(d["v"].to_numpy(), X, weights=a.to_numpy()).fit()
    bread = np.linalg.inv(X.T @ np.diag(a) @ X)
    cov = bread @ X.T @ np.diag(a**2 * d["se"] ** 2) @ X @ bread  # the draws' covariance
    z = np.sort(np.random.default_rng(9).standard_normal(n))
    (lo, hi) = order_positions([0.95], n)[0.95]
    assert (lo, hi) == (24, 975)  # 0-based: R's round(25.025) = 25, round(975.975) = 976
    slope, sd = fit.params[1], np.sqrt(cov[1, 1])
    assert got["sii"].item() == pytest.approx(slope, rel=1e-12)
    assert got["sii_lower95_0cl"].item() == pytest.approx(slope + sd * z[lo], rel=1e-12)
    assert got["sii_upper95_0cl"].item() == pytest.approx(slope + sd * z[hi], rel=1e-12)
    flipped = stats.sii(d, "q", "pop", value="v", se="se", repetitions=n, seed=9,
                        multiplier=-1, type="standard")  # fmt: skip
    # sorted after multiplying, as the reference does: the (n - k)-th of the slope
    assert flipped["sii_lower95_0cl"].item() == pytest.approx(
        -(slope + sd * z[n - 1 - lo]), rel=1e-12
    )
