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

from fairer.stats._common import z_value


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
    x, n = np.asarray(x, float), np.asarray(n, float)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (2 * x + z**2 - z * np.sqrt(z**2 + 4 * x * (1 - x / n))) / (2 * (n + z**2))


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
    x, n = np.asarray(x, float), np.asarray(n, float)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (2 * x + z**2 + z * np.sqrt(z**2 + 4 * x * (1 - x / n))) / (2 * (n + z**2))


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
    x = np.asarray(x, float)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
    out = np.where(x == 0, 0.0, out)
    return np.where(out < 0, np.nan, out)


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
    x = np.asarray(x, float)
    z = z_value(confidence)
    return (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3


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
    exact = x < 10
    lower = np.where(exact, exact_lower(x, confidence), byars_lower(x, confidence))
    upper = np.where(exact, exact_upper(x, confidence), byars_upper(x, confidence))
    method = np.where(np.isnan(x), None, np.where(exact, "Exact", "Byars")).astype(object)
    return lower, upper, method
