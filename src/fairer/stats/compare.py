"""Compare a value and its confidence interval with a benchmark, as Fingertips does.

A value is significantly higher than the benchmark when its lower limit is above it, lower
when its upper limit is below it, and similar otherwise. With a polarity the words become
better / worse; without one they stay higher / lower. Done at 95% and 99.8%.

References
----------
Office for Health Improvement and Disparities, *Fingertips: comparing with a benchmark*
(public health technical guidance, 2023).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairer.stats._common import StatsError

POLARITIES = {
    "higher is better": "higher",
    "high is good": "higher",
    "higher": "higher",
    "lower is better": "lower",
    "low is good": "lower",
    "lower": "lower",
    "no judgement": None,
    "none": None,
    "": None,
}


def _polarity(polarity) -> str | None:
    if polarity is None or (isinstance(polarity, float) and np.isnan(polarity)):
        return None
    key = str(polarity).strip().lower()
    if key not in POLARITIES:
        raise StatsError(
            f"polarity '{polarity}' must be 'higher is better', 'lower is better' or 'no judgement'"
        )
    return POLARITIES[key]


def compare(value, lower, upper, benchmark, polarity=None) -> np.ndarray:
    """Classify each value against its benchmark: better/similar/worse or higher/similar/lower.

    Parameters
    ----------
    value, lower, upper : array-like
        The value and its confidence limits (one level).
    benchmark : float or array-like
        The comparator (England, the region, the place).
    polarity : str, optional
        'higher is better', 'lower is better' or None ('no judgement').

    Returns
    -------
    numpy.ndarray of str
        'better', 'similar', 'worse' (with polarity) or 'higher', 'similar', 'lower';
        'not compared' where a limit or the benchmark is missing.

    Examples
    --------
    >>> compare([12.0, 9.0], [11.0, 7.5], [13.0, 10.5], 10.0, polarity='lower is better').tolist()
    ['worse', 'similar']
    """
    value, lower, upper = (np.asarray(a, dtype=float) for a in (value, lower, upper))
    bench = np.broadcast_to(np.asarray(benchmark, dtype=float), lower.shape)
    pol = _polarity(polarity)
    higher = lower > bench
    lower_ = upper < bench
    words = {"higher": "higher", "lower": "lower"}
    if pol == "higher":
        words = {"higher": "better", "lower": "worse"}
    elif pol == "lower":
        words = {"higher": "worse", "lower": "better"}
    out = np.where(higher, words["higher"], np.where(lower_, words["lower"], "similar")).astype(
        object
    )
    missing = np.isnan(lower) | np.isnan(upper) | np.isnan(bench)
    out[missing] = "not compared"
    return out


def compare_table(
    data: pd.DataFrame,
    benchmark,
    polarity=None,
    value: str = "value",
    levels: tuple[str, ...] = ("95_0", "99_8"),
) -> pd.DataFrame:
    """Add ``compare95_0`` and ``compare99_8`` to a table with PHE-style limit columns.

    ``benchmark`` is a number or the name of a column. A table with only ``lowercl, uppercl``
    gets a single ``compare`` column.

    Parameters
    ----------
    data : DataFrame
        With ``value`` and the limits of each level (``lower95_0cl, upper95_0cl`` …).
    benchmark : float or array-like
    polarity : {'higher is better', 'lower is better'}, optional
    value : str
    levels : tuple of str
        The confidence levels to compare at.

    Returns
    -------
    DataFrame
        One ``comparison<level>`` column per level.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({'value': [12.0], 'lower95_0cl': [11.0], 'upper95_0cl': [13.0], 'lower99_8cl': [9.5], 'upper99_8cl': [14.5]})
    >>> compare_table(t, 10.0).filter(like='comparison').iloc[0].tolist()
    []
    """
    out = data.copy()
    bench = out[benchmark] if isinstance(benchmark, str) else benchmark
    if "lowercl" in out and "uppercl" in out:
        out["compare"] = compare(out[value], out["lowercl"], out["uppercl"], bench, polarity)
        return out
    found = False
    for lvl in levels:
        lo, up = f"lower{lvl}cl", f"upper{lvl}cl"
        if lo in out and up in out:
            out[f"compare{lvl}"] = compare(out[value], out[lo], out[up], bench, polarity)
            found = True
    if not found:
        raise StatsError(
            "no confidence limit columns (lowercl/uppercl or lower95_0cl/upper95_0cl) to compare"
        )
    return out
