"""Confidence limits for counts and proportions: Wilson, Byar's and exact Poisson.

References
----------
Wilson EB. Probable inference, the law of succession, and statistical inference. J Am Stat
Assoc 1927;22:209-12. Newcombe RG. Two-sided confidence intervals for the single proportion.
Stat Med 1998;17:857-72. Breslow NE, Day NE. Statistical methods in cancer research, vol II.
IARC 1987 (Byar's approximation to exact Poisson limits). Public Health England. Technical
guide: confidence intervals (2018).
"""

from __future__ import annotations

import numpy as np
from scipy import stats as sps

from fairer.stats._common import RANGE_RULE, StatsError, z_value


def _level(confidence: float) -> float:
    """One confidence level as a fraction, refused outside [0.9, 1] and [90, 100]."""
    if confidence < 0.9 or 1 < confidence < 90 or confidence > 100:
        raise StatsError(RANGE_RULE)
    return confidence / 100 if confidence >= 90 else confidence


def _counts(x) -> np.ndarray:
    x = np.asarray(x, float)
    if np.any(x < 0):
        raise StatsError("observed events must all be greater than or equal to zero")
    return x


def _wilson_inputs(x, n) -> tuple[np.ndarray, np.ndarray]:
    x, n = _counts(x), np.asarray(n, float)
    if np.any(n < 0):
        raise StatsError("sample sizes must all be greater than zero")
    if np.any(x > n):
        raise StatsError(
            "numerators must be less than or equal to denominator for a Wilson score to be "
            "calculated"
        )
    return x, n


def wilson_lower(x, n, confidence: float = 0.95) -> np.ndarray:
    """Wilson score lower limit of a proportion ``x / n``.

    Parameters
    ----------
    x, n : array-like
        Numerators and denominators.
    confidence : float
        0.95 by default.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> wilson_lower([30], [100]).round(6)
    array([0.218949])
    """
    return wilson_limits(x, n, confidence)[0]


def wilson_upper(x, n, confidence: float = 0.95) -> np.ndarray:
    """Wilson score upper limit of a proportion ``x / n``.

    Parameters
    ----------
    x, n : array-like
        Numerators and denominators.
    confidence : float
        0.95 by default.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> wilson_upper([30], [100]).round(6)
    array([0.395849])
    """
    return wilson_limits(x, n, confidence)[1]


def wilson_limits(x, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Both Wilson score limits of ``x / n`` in one pass (the centre and half-width are shared).

    Parameters
    ----------
    x, n : array-like
        Numerators and denominators.
    confidence : float
        0.95 by default.

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper limits, equal to :func:`wilson_lower` and :func:`wilson_upper`.

    Examples
    --------
    >>> [v.round(6) for v in wilson_limits([30], [100])]
    [array([0.218949]), array([0.395849])]
    """
    x, n = _wilson_inputs(x, n)
    z = z_value(_level(confidence))
    z2 = z * z
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.divide(x, n, out=np.empty(np.broadcast(x, n).shape))  # an array, even 0-d
        np.subtract(1.0, half, out=half)
        half *= x
        half *= 4.0
        half += z2
        np.sqrt(half, out=half)
        half *= z
        centre = 2 * x + z2
        denominator = 2 * (n + z2)
        lower = np.subtract(centre, half)
        lower /= denominator
        centre += half
        centre /= denominator
    return lower, centre


def byars_lower(x, confidence: float = 0.95) -> np.ndarray:
    """Byar's approximation to the exact Poisson lower limit of a count (NaN if negative).

    Parameters
    ----------
    x : array-like
        Counts (events).
    confidence : float
        0.95 by default.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> byars_lower([10, 100]).round(4)
    array([ 4.7874, 81.3621])
    """
    x = _counts(x)
    z = z_value(_level(confidence))
    with np.errstate(invalid="ignore", divide="ignore"):
        t = 1 - 1 / (9 * x) - z / (3 * np.sqrt(x))
        out = np.atleast_1d(x * (t * t * t))  # a product, not ** 3: several times faster
        out[np.atleast_1d(x == 0)] = 0.0
        out[out < 0] = np.nan
    return out.reshape(x.shape)


def byars_upper(x, confidence: float = 0.95) -> np.ndarray:
    """Byar's approximation to the exact Poisson upper limit of a count.

    Parameters
    ----------
    x : array-like
        Counts (events).
    confidence : float
        0.95 by default.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> byars_upper([10, 100]).round(4)
    array([ 18.3915, 121.6279])
    """
    x = _counts(x)
    z = z_value(_level(confidence))
    x1 = x + 1
    t = 1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))
    return x1 * (t * t * t)


def exact_lower(x, confidence: float = 0.95) -> np.ndarray:
    """Exact Poisson lower limit (chi-square)."""
    x = np.asarray(x, float)
    with np.errstate(invalid="ignore"):
        return np.where(x == 0, 0.0, sps.chi2.ppf((1 - confidence) / 2, 2 * x) / 2)


def exact_upper(x, confidence: float = 0.95) -> np.ndarray:
    """Exact Poisson upper limit (chi-square)."""
    x = np.asarray(x, float)
    return sps.chi2.ppf(confidence + (1 - confidence) / 2, 2 * x + 2) / 2


def poisson_limits(x, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Limits of a count as PHE uses them: exact below 10 events, Byar's from 10.

    Returns lower, upper and the method name for each count.
    """
    x = np.asarray(x, float)
    lower, upper = byars_lower(x, confidence), byars_upper(x, confidence)
    exact = x < 10
    if exact.any():  # few distinct small counts: the chi-square quantiles once for each
        counts, where = np.unique(x[exact], return_inverse=True)
        lower[exact] = exact_lower(counts, confidence)[where]
        upper[exact] = exact_upper(counts, confidence)[where]
    names = np.array(["Byars", "Exact", None], dtype=object)
    method = names[np.where(np.isnan(x), 2, exact.astype(np.int8))]
    return lower, upper, method
