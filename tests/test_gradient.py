"""Is the gradient flattening? SII across periods, checked against the closed forms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from fairer.evaluate.gradient import gradient_trends

Z = stats.norm.ppf(0.975)


def _gaps(sii, half, rii=None, rii_factor=1.2) -> pd.DataFrame:
    sii = np.asarray(sii, float)
    half = np.broadcast_to(np.asarray(half, float), sii.shape)
    out = pd.DataFrame(
        {
            "indicator_id": "x",
            "period": [f"{2015 + i}/{16 + i}" for i in range(len(sii))],
            "sii": sii,
            "sii_lowercl": sii - half,
            "sii_uppercl": sii + half,
        }
    )
    if rii is not None:
        out["rii"], out["rii_lowercl"], out["rii_uppercl"] = (
            rii, np.asarray(rii) / rii_factor, np.asarray(rii) * rii_factor,
        )  # fmt: skip
    return out


def test_trend_is_the_inverse_variance_weighted_slope():
    sii = [12.0, 11.5, 10.1, 9.8, 8.0]
    half = np.array([1.0, 2.0, 1.5, 0.8, 1.2])
    r = gradient_trends(_gaps(sii, half)).iloc[0]
    # the closed form: weighted least squares with weights 1 / se², variance 1 / Sxx
    se = half / Z
    w = 1 / se**2
    t = np.arange(5.0)
    tbar = (w * t).sum() / w.sum()
    ybar = (w * np.array(sii)).sum() / w.sum()
    sxx = (w * (t - tbar) ** 2).sum()
    slope = (w * (t - tbar) * (np.array(sii) - ybar)).sum() / sxx
    assert r["sii_trend"] == pytest.approx(slope, abs=1e-10)
    assert r["sii_trend_lowercl"] == pytest.approx(slope - Z / np.sqrt(sxx), abs=1e-10)
    assert r["sii_trend_uppercl"] == pytest.approx(slope + Z / np.sqrt(sxx), abs=1e-10)
    # the change from the first period to the latest: the two standard errors combined
    change_se = np.hypot(se[0], se[-1])
    assert r["sii_change"] == pytest.approx(-4.0)
    assert r["sii_change_lowercl"] == pytest.approx(-4.0 - Z * change_se, abs=1e-10)
    assert r["verdict"] == "narrowing" and r["periods"] == 5


def test_a_negative_gradient_moving_towards_zero_is_narrowing_too():
    assert gradient_trends(_gaps([-12, -10, -8], 0.5)).iloc[0]["verdict"] == "narrowing"
    assert gradient_trends(_gaps([-8, -10, -12], 0.5)).iloc[0]["verdict"] == "widening"
    assert gradient_trends(_gaps([8, 8.2, 7.9], 2)).iloc[0]["verdict"] == "no evidence of change"
    assert gradient_trends(_gaps([0.5, -0.2, 0.4], 2)).iloc[0]["verdict"] == "no clear gradient"
    # two periods: the change decides
    two = gradient_trends(_gaps([10, 6], 1)).iloc[0]
    assert np.isnan(two["sii_trend"]) and two["verdict"] == "narrowing"
    # one period: nothing to say
    assert gradient_trends(_gaps([10], 1)).empty


def test_the_relative_index_moves_towards_one():
    r = gradient_trends(_gaps([10, 9, 8], 0.5, rii=[0.5, 0.6, 0.7], rii_factor=1.05)).iloc[0]
    assert r["rii_ratio"] == pytest.approx(0.7 / 0.5)
    assert r["relative_verdict"] == "narrowing"  # an RII below 1 rising towards 1
    se = np.log(1.05) / Z
    half = Z * np.hypot(se, se)
    assert r["rii_ratio_lowercl"] == pytest.approx(np.exp(np.log(1.4) - half), rel=1e-12)
    widening = gradient_trends(_gaps([10, 9, 8], 0.5, rii=[1.5, 1.8, 2.1], rii_factor=1.05))
    assert widening.iloc[0]["relative_verdict"] == "widening"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-50, 50), min_size=2, max_size=10),
    st.floats(0.1, 5),
    st.floats(-20, 20),
)
def test_laws_of_the_gradient_trend(sii, half, shift):
    gaps = _gaps(sii, half)
    r = gradient_trends(gaps).iloc[0]
    # every interval holds its estimate
    assert r["sii_change_lowercl"] <= r["sii_change"] <= r["sii_change_uppercl"]
    if len(sii) >= 3:
        assert r["sii_trend_lowercl"] <= r["sii_trend"] + 1e-9
        assert r["sii_trend"] <= r["sii_trend_uppercl"] + 1e-9
    # a mirror image (the same gaps with the other sign) gets the same verdict
    mirror = gradient_trends(gaps.assign(sii=-gaps["sii"], sii_lowercl=-gaps["sii_uppercl"],
                                         sii_uppercl=-gaps["sii_lowercl"])).iloc[0]  # fmt: skip
    if not np.isclose(np.mean(sii), 0):
        assert mirror["verdict"] == r["verdict"]
    # adding a constant to every period changes neither the change nor the trend
    moved = gradient_trends(
        gaps.assign(sii=gaps["sii"] + shift, sii_lowercl=gaps["sii_lowercl"] + shift,
                    sii_uppercl=gaps["sii_uppercl"] + shift)
    ).iloc[0]  # fmt: skip
    assert moved["sii_change"] == pytest.approx(r["sii_change"], abs=1e-9)
    if len(sii) >= 3:
        assert moved["sii_trend"] == pytest.approx(r["sii_trend"], abs=1e-7)
