"""Directly standardised rates with Dobson confidence limits (``calculate_dsr``).

The DSR is the weighted mean of age-specific rates, weighted by a standard population. Its
limits follow Dobson et al.: the Byar's limits of the total count are scaled onto the DSR by
the ratio of the DSR's standard error to the count's. When individuals can contribute more
than one event (admissions, say), the variance is built from event frequencies per person, as
the Fingertips technical guidance sets out, which widens the limits.

References
----------
Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for weighted sums of Poisson
parameters. Stat Med 1991;10:457-62. Breslow NE, Day NE (1987). Office for Health Improvement
and Disparities, *Public health technical guidance: directly standardised rates*, including
non-independent events.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairer.stats._common import (
    StatsError,
    check_bool,
    check_multiplier,
    check_type,
    ci_columns,
    format_multiplier,
    group_index,
    normalise_by,
    numeric,
    parse_confidence,
    require_columns,
    require_fields,
    shape_output,
)
from fairer.stats.ci import byars_lower, byars_upper
from fairer.stats.esp2013 import ESP2013

NONIND_METHOD = "Dobson, with confidence adjusted for non-independent events"


def _first(flags) -> int:
    """The spreadsheet row (header is row 1) of the first flagged row."""
    return int(np.flatnonzero(np.asarray(flags))[0]) + 2


def _stdpop(data: pd.DataFrame, stdpop, codes: np.ndarray, n_groups: int) -> np.ndarray:
    if isinstance(stdpop, str) and stdpop in data.columns:  # a column wins over the built-in
        return numeric(data, stdpop, arg="stdpop")
    if isinstance(stdpop, str):  # dsr() has checked it is "esp2013"
        stdpop = ESP2013
    vec = np.asarray(stdpop, dtype=float)
    sizes = np.bincount(codes, minlength=n_groups)
    if len(set(sizes.tolist())) > 1:  # as phe_dsr checks a vector of standard populations
        raise StatsError("data must contain the same number of rows for each group")
    if np.any(sizes != len(vec)):
        raise StatsError("stdpop length must equal number of rows in each group within data")
    position = pd.Series(codes).groupby(codes).cumcount().to_numpy()
    return vec[position]


def dsr(
    data: pd.DataFrame,
    x: str,
    n: str,
    stdpop="esp2013",
    by: list[str] | str | None = None,
    type: str = "full",
    confidence=0.95,
    multiplier: float = 100000,
    independent_events: bool = True,
    eventfreq: str | None = None,
    ageband: str | None = None,
) -> pd.DataFrame:
    """Directly standardised rate of ``x`` per ``n`` for each group, with Dobson limits.

    Parameters
    ----------
    data : DataFrame
        One row per standardisation category (age band) within each group; with
        ``independent_events=False``, one row per age band and event frequency.
    x, n : str
        Events (or, for non-independent events, persons with ``eventfreq`` events) and population.
    stdpop : str or sequence
        A column of standard populations, ``"esp2013"`` (the built-in European Standard
        Population 2013: each group's 19 rows in age order 0-4 … 90+), or a vector.
    by : list of str, optional
        Grouping columns. Groups may have different numbers of age bands.
    type, confidence, multiplier
        As elsewhere; multiplier defaults to 100,000.
    independent_events : bool
        False to adjust the limits for people with more than one event.
    eventfreq, ageband : str
        Needed when ``independent_events`` is False: the event-frequency and age-band columns.

    Returns
    -------
    DataFrame
        ``total_count, total_pop, value``, limits, ``confidence, statistic, method``. Groups
        with fewer than 10 events get NA (statistic ``dsr NA for total count < 10``).

    Raises
    ------
    StatsError
        Negative counts, zero or negative populations, negative standard populations, a
        standard population vector of the wrong length, bad non-independent inputs.

    Examples
    --------
    >>> import pandas as pd
    >>> import numpy as np
    >>> d = pd.DataFrame({'x': np.arange(19) * 3 + 1, 'n': [5000] * 19})
    >>> dsr(d, 'x', 'n', type='standard').round(3)[['value', 'lowercl', 'uppercl']].iloc[0].tolist()
    [495.5, 450.148, 543.861]
    """
    # The reference's checks, in its order and words (calculate_dsr).
    builtin = isinstance(stdpop, str) and stdpop.lower() == "esp2013" and stdpop not in data
    stdpop_field = stdpop if isinstance(stdpop, str) and not builtin else None
    require_fields(data, x=x, n=n, stdpop=stdpop_field)
    by = normalise_by(by)
    require_columns(data, *by)
    xs, ns = numeric(data, x, arg="x"), numeric(data, n, arg="n")
    if np.isnan(ns).any():
        raise StatsError(f"field n cannot have missing values (row {_first(np.isnan(ns))})")
    if stdpop_field is not None and data[stdpop_field].isna().any():
        raise StatsError(
            f"field stdpop cannot have missing values (row {_first(data[stdpop_field].isna())})"
        )
    if np.any(xs < 0):
        raise StatsError("numerators must all be greater than or equal to zero")
    if np.any(~(ns > 0)):
        raise StatsError("denominators must all be greater than zero")
    codes, keys = group_index(data, by)
    k = len(keys)
    w = _stdpop(data, stdpop, codes, k)
    if np.any(w < 0):
        raise StatsError("stdpop must all be greater than or equal to zero")
    check_type(type)
    levels = parse_confidence(confidence)
    multiplier = check_multiplier(multiplier)
    independent_events = check_bool(independent_events, "independent_events must be TRUE or FALSE")
    if not independent_events:
        if eventfreq is None:
            raise StatsError(
                "function calculate_dsr requires an eventfreq column to be specified when "
                "independent_events is FALSE"
            )
        require_fields(data, eventfreq=eventfreq)
        numeric(data, eventfreq, rule="eventfreq field must be numeric")
        if data[eventfreq].isna().any():
            raise StatsError("eventfreq field must not have any missing values")
        if ageband is None:
            raise StatsError(
                "function calculate_dsr requires an ageband column to be specified when "
                "independent_events is FALSE"
            )
        require_fields(data, ageband=ageband)
        if data[ageband].isna().any():
            raise StatsError("ageband field must not have any missing values")
    xs0 = np.nan_to_num(xs)
    if independent_events:
        events = xs0
        var_terms = xs0 * (w / ns) ** 2
    else:
        freq = numeric(data, eventfreq)
        band = pd.MultiIndex.from_arrays([codes, data[ageband].to_numpy()])
        check = pd.DataFrame({"n": ns, "w": w}, index=band).groupby(level=[0, 1]).nunique()
        if (check > 1).any().any():
            raise StatsError(
                "There are rows with the same grouping variables and ageband but with different "
                "populations (n) or standard populations(stdpop)"
            )
        events = xs0 * freq
        var_terms = xs0 * freq**2 * (w / ns) ** 2
    total_count = np.bincount(codes, weights=events, minlength=k)
    if independent_events:
        total_pop = np.bincount(codes, weights=ns, minlength=k)
        sum_w = np.bincount(codes, weights=w, minlength=k)
    else:  # population and standard weight count once per age band, not per frequency row
        first = ~pd.Index(band).duplicated()
        total_pop = np.bincount(codes[first], weights=ns[first], minlength=k)
        sum_w = np.bincount(codes[first], weights=w[first], minlength=k)
    wt_rate = np.bincount(codes, weights=events * w / ns, minlength=k)
    var = np.bincount(codes, weights=var_terms, minlength=k) / sum_w**2
    value = wt_rate / sum_w * multiplier
    out = keys.copy() if by else pd.DataFrame(index=range(1))
    out["total_count"], out["total_pop"], out["value"] = total_count, total_pop, value
    small = total_count < 10
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.sqrt(var / total_count)
        for lo, up, c in ci_columns(levels):
            out[lo] = value + scale * (byars_lower(total_count, c) - total_count) * multiplier
            out[up] = value + scale * (byars_upper(total_count, c) - total_count) * multiplier
    for col in ["value"] + [c for pair in ci_columns(levels) for c in pair[:2]]:
        out.loc[small, col] = np.nan
    statistic = np.where(
        small, "dsr NA for total count < 10", f"dsr per {format_multiplier(multiplier)}"
    )
    meta = {"statistic": statistic, "method": "Dobson" if independent_events else NONIND_METHOD}
    return shape_output(out, type, levels, data_cols=["total_count", "total_pop"], meta=meta)
