"""Agreement statistics against published worked examples and independent implementations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from fairer.stats._common import StatsError
from fairer.stats.agreement import cohens_kappa, krippendorff_alpha

NAN = np.nan
#: Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: four
#: observers, twelve units, values 1-5, missing data.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def test_kappa_matches_cohens_worked_example():
    # 50 units: both yes 20, both no 15, A yes / B no 5, A no / B yes 10: po 0.70, pe 0.50.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    k = cohens_kappa(a, b)
    assert k["observed"] == pytest.approx(0.70)
    assert k["expected"] == pytest.approx(0.50)
    assert k["kappa"] == pytest.approx(0.40)
    assert k["lowercl"] < 0.40 < k["uppercl"]


def _fleiss_cohen_everitt_se(a, b) -> float:
    """Large-sample SE of kappa, Fleiss, Cohen & Everitt (1969), equation 13, written out."""
    cats = sorted(set(a) | set(b))
    n = len(a)
    p = (
        np.array([[np.sum((np.array(a) == i) & (np.array(b) == j)) for j in cats] for i in cats])
        / n
    )
    row, col = p.sum(axis=1), p.sum(axis=0)
    po, pe = np.trace(p), row @ col
    k = len(cats)
    first = sum(
        p[i, i] * (1 - (row[i] + col[i]) * (1 - (po - pe) / (1 - pe))) ** 2 for i in range(k)
    )
    second = ((1 - (po - pe) / (1 - pe)) ** 2) * sum(
        p[i, j] * (col[i] + row[j]) ** 2 for i in range(k) for j in range(k) if i != j
    )
    kappa = (po - pe) / (1 - pe)
    third = (kappa - pe * (1 - kappa)) ** 2
    return float(np.sqrt(max((first + second - third) / (n * (1 - pe) ** 2), 0.0)))


@settings(max_examples=60)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=5, max_size=80).filter(
        lambda pairs: len({x for pr in pairs for x in pr}) > 1
    )
)
# No unit agreed on: the variance is zero and rounds to -1.6e-17 in statsmodels.
@example(pairs=[(1, 0), (1, 0), (1, 2), (3, 1), (3, 1), (3, 1)])
def test_kappa_agrees_with_scikit_learn_and_the_published_standard_error(pairs):
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    k = cohens_kappa(a, b)
    assert k["kappa"] == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)
    if len(set(a)) == 1 or len(set(b)) == 1:
        return  # one coder used one category: kappa is 0 and its standard error undefined
    se = _fleiss_cohen_everitt_se(a, b)
    assert k["se"] == pytest.approx(se, rel=1e-6, abs=1e-12)
    half = 1.959964 * se
    assert k["uppercl"] == pytest.approx(min(k["kappa"] + half, 1.0), rel=1e-5, abs=1e-12)
    assert k["lowercl"] == pytest.approx(max(k["kappa"] - half, -1.0), rel=1e-5, abs=1e-12)
    assert -1.0 <= k["lowercl"] <= k["kappa"] <= k["uppercl"] <= 1.0


def test_kappa_of_one_category_throughout_is_not_a_number_and_bad_input_is_refused():
    assert np.isnan(cohens_kappa([1, 1, 1], [1, 1, 1])["kappa"])
    with pytest.raises(StatsError, match="same"):
        cohens_kappa([1, 2], [1])
    with pytest.raises(StatsError, match="one confidence"):
        cohens_kappa([1, 2], [1, 2], confidence=[0.95, 0.998])


def test_alpha_matches_krippendorffs_worked_example():
    # Published values: nominal 0.743, interval 0.849 (Krippendorff 2011, section C).
    assert krippendorff_alpha(KRIPPENDORFF_2011, resamples=0)["alpha"] == pytest.approx(
        0.743, abs=5e-4
    )
    interval = krippendorff_alpha(KRIPPENDORFF_2011, level="interval", resamples=0)
    assert interval["alpha"] == pytest.approx(0.849, abs=5e-4)
    assert interval["units"] == 11  # unit 12 has one value: not pairable, left out
    assert interval["coders"] == 4


def test_alpha_for_two_coders_without_missing_data_is_close_to_kappa():
    # With two coders and no missing data, nominal alpha differs from Scott's pi by a factor
    # (1 - 1/2n): with many units it approaches pi and so, with equal margins, kappa.
    rng = np.random.default_rng(3)
    a = rng.integers(0, 3, 4000)
    b = np.where(rng.random(4000) < 0.7, a, rng.integers(0, 3, 4000))
    alpha = krippendorff_alpha([a, b], resamples=200)
    kappa = cohens_kappa(a, b)["kappa"]
    assert alpha["alpha"] == pytest.approx(kappa, abs=0.01)
    assert alpha["lowercl"] < alpha["alpha"] < alpha["uppercl"]
    assert alpha["uppercl"] - alpha["lowercl"] < 0.06


def test_alpha_interval_is_reproducible_and_perfect_agreement_is_one():
    first = krippendorff_alpha(KRIPPENDORFF_2011, resamples=300, seed=4)
    assert first == krippendorff_alpha(KRIPPENDORFF_2011, resamples=300, seed=4)
    assert first["lowercl"] <= first["alpha"] <= first["uppercl"]
    same = [[1, 2, 3, 1], [1, 2, 3, 1]]
    assert krippendorff_alpha(same, resamples=0)["alpha"] == pytest.approx(1.0)


def test_alpha_refuses_what_it_cannot_measure():
    with pytest.raises(StatsError, match="two or more coders"):
        krippendorff_alpha([[1, 2, 3]])
    with pytest.raises(StatsError, match="coded by two"):
        krippendorff_alpha([[1, NAN], [NAN, 2]])
    with pytest.raises(StatsError, match="level"):
        krippendorff_alpha(KRIPPENDORFF_2011, level="circular")
