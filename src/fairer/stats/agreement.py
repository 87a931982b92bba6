"""Agreement between coders: Cohen's kappa and Krippendorff's alpha, with confidence intervals.

Cohen's kappa compares two coders' categories for the same units, corrected for the agreement
their category frequencies would give by chance; its standard error is the large-sample one of
Fleiss, Cohen & Everitt (1969), as statsmodels computes it. Krippendorff's alpha takes any number
of coders and missing codes (a unit one coder did not code), at any level of measurement; its
confidence interval is a bootstrap over units.

References
----------
Cohen J (1960). A coefficient of agreement for nominal scales. *Educational and Psychological
Measurement* 20: 37–46. Fleiss JL, Cohen J, Everitt BS (1969). Large sample standard errors of
kappa and weighted kappa. *Psychological Bulletin* 72: 323–327. Krippendorff K (2011).
*Computing Krippendorff's alpha-reliability*. Annenberg School for Communication. Hayes AF,
Krippendorff K (2007). Answering the call for a standard reliability measure for coding data.
*Communication Methods and Measures* 1: 77–89.
"""

from __future__ import annotations

import warnings

import numpy as np

from fairer.stats._common import StatsError, parse_confidence

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))


def _one_confidence(confidence) -> float:
    levels = parse_confidence(confidence)
    if len(levels) != 1:
        raise StatsError("agreement takes one confidence level, e.g. 0.95")
    return float(levels[0])


def cohens_kappa(a, b, confidence: float = 0.95) -> dict:
    """Cohen's kappa between two coders of the same units, with its confidence interval.

    Parameters
    ----------
    a, b : array-like
        Each coder's category for every unit, in the same order (any hashable categories).
    confidence : float
        Level of the interval (0.95 by default).

    Returns
    -------
    dict
        ``kappa, lowercl, uppercl`` (the normal interval, cut at -1 and 1), ``se``, ``observed``
        (share of units agreed), ``expected`` (by
        chance) and ``n``. ``kappa`` is NaN when chance agreement is total (both coders used one
        and the same category throughout): there is nothing to correct.

    Raises
    ------
    StatsError
        If the two codings differ in length or are empty.

    References
    ----------
    Cohen (1960); Fleiss, Cohen & Everitt (1969), through ``statsmodels.stats.inter_rater``.

    Examples
    --------
    Cohen's worked 2 × 2 example: 20 units both say yes, 15 both no, 5 and 10 split.

    >>> a = ["yes"] * 25 + ["no"] * 25
    >>> b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    >>> round(cohens_kappa(a, b)["kappa"], 3)
    0.4
    """
    from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa

    a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    if len(a) != len(b) or len(a) == 0:
        raise StatsError("cohens_kappa needs two codings of the same, non-empty list of units")
    conf = _one_confidence(confidence)
    cats = {c: i for i, c in enumerate(sorted(set(a) | set(b), key=str))}
    table = np.zeros((len(cats), len(cats)))
    np.add.at(table, ([cats[v] for v in a], [cats[v] for v in b]), 1)
    n = len(a)
    observed = float(np.trace(table) / n)
    expected = float((table.sum(axis=1) @ table.sum(axis=0)) / n**2)
    out = {"observed": observed, "expected": expected, "n": n}
    if expected >= 1 - 1e-12:
        return out | {"kappa": np.nan, "lowercl": np.nan, "uppercl": np.nan, "se": np.nan}
    with warnings.catch_warnings():  # statsmodels' null-hypothesis SE can divide by zero: unused
        warnings.simplefilter("ignore", RuntimeWarning)
        res = sm_kappa(table, return_results=True)
    # The variance is a sum of squares less a square: where it is zero (no unit agreed on, say)
    # rounding can leave it at -1e-17, whose square root statsmodels returns as NaN.
    kappa, se = float(res.kappa), float(np.sqrt(max(float(res.var_kappa), 0.0)))
    z = _z(conf)
    # Kappa lies in [-1, 1]: a normal interval that runs past either end is cut there.
    lower, upper = max(kappa - z * se, -1.0), min(kappa + z * se, 1.0)
    return out | {"kappa": kappa, "se": se, "lowercl": lower, "uppercl": upper}


def krippendorff_alpha(
    data,
    level: str = "nominal",
    confidence: float = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> dict:
    """Krippendorff's alpha for several coders, with a bootstrap confidence interval.

    Parameters
    ----------
    data : array-like
        Coders × units of numeric codes; NaN where a coder did not code a unit.
    level : {'nominal', 'ordinal', 'interval', 'ratio'}
        Level of measurement of the codes.
    confidence : float
        Level of the interval.
    resamples : int
        Bootstrap resamples of the units (0: no interval).
    seed : int
        Seed of the resampling, so the interval is reproducible.

    Returns
    -------
    dict
        ``alpha, lowercl, uppercl, units`` (units coded by at least two coders) and ``coders``.

    Raises
    ------
    StatsError
        If fewer than two coders, no unit coded twice, or an unknown level.

    References
    ----------
    Krippendorff (2011), computed with the ``krippendorff`` package; the interval resamples
    units (percentile bootstrap), as in Hayes & Krippendorff (2007).

    Examples
    --------
    Krippendorff's (2011) worked example: four coders, twelve units, some missing.

    >>> import numpy as np
    >>> nan = np.nan
    >>> data = [
    ...     [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...     [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...     [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...     [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ... ]
    >>> round(krippendorff_alpha(data, resamples=0)["alpha"], 3)
    0.743
    """
    import krippendorff

    if level not in LEVELS:
        raise StatsError(f"level must be one of {', '.join(LEVELS)}, not '{level}'")
    x = np.asarray(data, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2:
        raise StatsError("krippendorff_alpha needs a coders × units array with two or more coders")
    pairable = (~np.isnan(x)).sum(axis=0) >= 2
    if not pairable.any():
        raise StatsError("no unit was coded by two or more coders")
    x = x[:, pairable]
    conf = _one_confidence(confidence)

    def alpha_of(m: np.ndarray) -> float:
        if len(np.unique(m[~np.isnan(m)])) < 2:
            return np.nan  # one value throughout: no disagreement to measure against
        return float(krippendorff.alpha(reliability_data=m, level_of_measurement=level))

    value = alpha_of(x)
    lower = upper = np.nan
    if resamples > 0 and not np.isnan(value):
        rng = np.random.default_rng(seed)
        draws = np.array(
            [alpha_of(x[:, rng.integers(0, x.shape[1], x.shape[1])]) for _ in range(resamples)]
        )
        draws = draws[~np.isnan(draws)]
        if len(draws):
            lower, upper = np.quantile(draws, [(1 - conf) / 2, (1 + conf) / 2])
    return {
        "alpha": value,
        "lowercl": float(lower),
        "uppercl": float(upper),
        "units": int(x.shape[1]),
        "coders": int(x.shape[0]),
    }
