"""Life expectancy from an abridged life table (Chiang II) with Silcocks' variance.

Twenty age bands (0, 1-4, 5-9 … 85-89, 90+). The fraction of the interval lived by those
who die is 0.1 for infants and 0.5 otherwise; the final interval's expectancy is 1 / m. The
variance is Chiang's weighted sum over intervals of the variance of the probability of dying,
plus Silcocks et al.'s term for the final, open interval.

Results are suppressed to NA, with a warning, for a group with negative deaths, a zero or
negative population, not 20 age bands, more deaths than population in a band, or a total
population of 5,000 or less; and, for one age, where the 95% interval is wider than 20 years.

References
----------
Chiang CL. *Introduction to stochastic processes in biostatistics*. Wiley, 1968: 189-214.
Silcocks PBS, Jenner DA, Reza R. Life expectancy as a summary of mortality in a population:
statistical considerations and suitability for use by health authorities. J Epidemiol Community
Health 2001;55:38-43. Eayres DP, Williams ES. Evaluation of methodologies for small area life
expectancy estimation. J Epidemiol Community Health 2004;58:243-9. Public Health England,
*Life expectancy calculator* (2017).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairer.stats._common import (
    StatsError,
    ci_columns,
    confidence_label,
    group_index,
    normalise_by,
    numeric,
    parse_confidence,
    require_columns,
    warn,
    z_value,
)

DEFAULT_AGES = [0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90]
N_BANDS = 20
METHOD = "Chiang, using Silcocks et al for confidence limits"


def _start(label) -> int:
    m = re.search(r"\d+", str(label))
    if not m:
        raise StatsError(f"age band '{label}' has no starting age")
    return int(m.group())


def life_expectancy(
    data: pd.DataFrame,
    deaths: str,
    population: str,
    startage: str,
    by: list[str] | str | None = None,
    age_contents=None,
    le_age="all",
    type: str = "full",
    confidence=0.95,
) -> pd.DataFrame:
    """Life expectancy at every age band of each group.

    Parameters
    ----------
    deaths, population, startage : str
        Columns of deaths, person-years and the age band (a start age, or a label such as
        ``"5-9"``, ``"90 +"``).
    by : list of str, optional
        Grouping columns (area, sex, period …).
    age_contents : sequence, optional
        The age bands in ascending order (default 0, 1, 5 … 90), used to check each group has
        them all and to order rows.
    le_age : 'all' or sequence
        The age bands to return.
    type : {'full', 'standard'}
        ``full`` adds ``pops_used, dths_used, confidence, statistic, method``.
    confidence : float or [0.95, 0.998]

    Returns
    -------
    DataFrame
        One row per group and age band: ``value`` and limits (two levels give
        ``lower95_0cl, lower99_8cl, upper95_0cl, upper99_8cl``).

    Raises
    ------
    StatsError
        Missing columns, bad confidence, ``age_contents`` not starting at 0 or not ascending,
        or age bands that do not match ``age_contents``.

    Examples
    --------
    >>> import pandas as pd
    >>> import numpy as np
    >>> ages = [0, 1] + list(range(5, 95, 5))
    >>> rates = np.exp(np.linspace(-8, -1.4, len(ages)))
    >>> d = pd.DataFrame({'age': ages, 'pops': 10000, 'deaths': np.round(rates * 10000)})
    >>> round(float(life_expectancy(d, 'deaths', 'pops', 'age', le_age=0, type='standard')['value'].iloc[0]), 1)
    66.4
    """
    levels = parse_confidence(
        confidence,
        range_rule="all confidence levels must be between 90 and 100 or between 0.9 and 1",
        any_levels=True,  # the reference allows any number of levels here
    )
    if type not in ("full", "standard"):
        raise StatsError("type must be one of standard or full")
    grouped = _grouped(data, deaths, population, startage, by, age_contents)
    for flag, msg in grouped.reasons:
        if flag.any():
            warn(msg)
    df, g, suppressed, labels = grouped.df, grouped.g, grouped.suppressed, grouped.labels
    value = np.full(len(df), np.nan)
    se = np.full(len(df), np.nan)
    ok_rows = ~suppressed[g]
    if ok_rows.any():
        sub = df[ok_rows]
        v, s = _life_table(
            sub["_d"].to_numpy(float), sub["_p"].to_numpy(float), sub["_start"].to_numpy(float)
        )
        value[ok_rows], se[ok_rows] = v, s
    # Like PHEindicatormethods, the input counts give way to pops_used and dths_used.
    out = df.drop(columns=["_start", "_d", "_p", "_g", deaths, population])
    out["value"] = value
    wide95 = np.zeros(len(df), dtype=bool)
    with np.errstate(invalid="ignore"):
        half95 = z_value(0.95) * se
        wide95 = 2 * half95 > 20
        cols = ci_columns(levels)
        for lo, up, c in cols:
            out[lo] = value - z_value(c) * se
            out[up] = value + z_value(c) * se
    if wide95.any():
        warn(
            "some life expectancy values have a 95% confidence interval > 20 years; these values have been suppressed to NAs"
        )
        out.loc[wide95, "value"] = np.nan
    if len(cols) > 1:  # the reference puts every lower limit first, then every upper
        limits = [c for pair in cols for c in pair[:2]]
        order = [c for c in out.columns if c not in limits]
        out = out[order + [lo for lo, _, _ in cols] + [up for _, up, _ in cols]]
    if type == "full":
        out["pops_used"] = _from_age_up(df["_p"].to_numpy(), g)
        out["dths_used"] = _from_age_up(df["_d"].to_numpy(), g)
        out["confidence"] = confidence_label(levels)
        names = pd.Categorical(df[startage])  # one label per band, not one string per row
        out["statistic"] = names.rename_categories(
            [f"life expectancy at {c}" for c in names.categories]
        ).astype(object)
        out["method"] = METHOD
    if not (isinstance(le_age, str) and le_age == "all"):
        wanted = {str(a) for a in (le_age if isinstance(le_age, (list, tuple)) else [le_age])}
        if not wanted & labels:
            warn(
                "le_age not in the vector described by age_contents; all life expectancies will be returned"
            )
        else:
            out = out[df[startage].astype(str).isin(wanted).to_numpy()]
    return out.reset_index(drop=True)


#: Why a group's life table is not calculated, in the order the rules are checked.
SUPPRESSION_REASONS = (
    "negative deaths in an age band",
    "an age band with no population",
    "not 20 age bands",
    "more deaths than population in an age band",
    "a total population of 5,000 or less",
)


def life_table(
    data: pd.DataFrame,
    deaths: str,
    population: str,
    startage: str,
    by: list[str] | str | None = None,
    age_contents=None,
) -> pd.DataFrame:
    """The whole abridged life table of each group, by the method of :func:`life_expectancy`.

    Parameters
    ----------
    data : DataFrame
        One row per group and age band.
    deaths, population, startage : str
        Columns of deaths, person-years and the age band (start age or label).
    by : list of str, optional
        Grouping columns.
    age_contents : sequence, optional
        The age bands in ascending order (default 0, 1, 5 … 90).

    Returns
    -------
    DataFrame
        One row per group and band: ``by…, startage, age, n, mx, qx, ax, lx, dx, Lx, Tx, ex``
        (``lx`` from a radix of 100,000; ``n``, the band's width, is NA for the
        open band), ``note`` (why a group is not calculated, else empty; its numbers are then
        NA). The same suppression rules as :func:`life_expectancy`, but no warnings: the
        reasons are in ``note``.

    Raises
    ------
    StatsError
        As :func:`life_expectancy`.

    References
    ----------
    Chiang CL. *Introduction to stochastic processes in biostatistics*. Wiley, 1968.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> ages = [0, 1] + list(range(5, 95, 5))
    >>> d = pd.DataFrame({'age': ages, 'pops': 10000,
    ...                   'deaths': np.round(np.exp(np.linspace(-8, -1.4, 20)) * 10000)})
    >>> t = life_table(d, 'deaths', 'pops', 'age')
    >>> round(float(t['ex'].iloc[0]), 1), float(t['lx'].iloc[0])
    (66.4, 100000.0)
    """
    grouped = _grouped(data, deaths, population, startage, by, age_contents)
    df, g, suppressed = grouped.df, grouped.g, grouped.suppressed
    by = normalise_by(by)
    out = df[[*by, startage]].copy()
    out["age"] = df["_start"].to_numpy()
    names = ["n", "M", "q", "a", "lx", "dx", "Lx", "Tx", "ex"]
    cols = {c: np.full(len(df), np.nan) for c in names}
    ok_rows = ~suppressed[g]
    if ok_rows.any():
        sub = df[ok_rows]
        t = _table(
            sub["_d"].to_numpy(float), sub["_p"].to_numpy(float), sub["_start"].to_numpy(float)
        )
        t["n"][:, -1] = np.nan  # the open band has no width (the variance's 2 / m is internal)
        for c in names:
            cols[c][ok_rows] = t[c].ravel()
    for c in names:
        out[{"M": "mx", "q": "qx", "a": "ax"}.get(c, c)] = cols[c]
    out["note"] = _notes(grouped)
    return out.reset_index(drop=True)


@dataclass
class _Grouped:
    """Rows sorted by group then age, with each group's code and why any is suppressed."""

    df: pd.DataFrame
    keys: pd.DataFrame
    g: np.ndarray
    suppressed: np.ndarray
    reasons: tuple
    labels: set


def _grouped(data, deaths, population, startage, by, age_contents) -> _Grouped:
    require_columns(data, deaths, population, startage)
    by = normalise_by(by)
    require_columns(data, *by)
    ages = list(DEFAULT_AGES if age_contents is None else age_contents)
    starts = [_start(a) for a in ages]
    if starts[0] != 0:
        raise StatsError("first age band in age_contents must be 0")
    if starts != sorted(starts):
        moved = [str(a) for a, s, t in zip(ages, starts, sorted(starts), strict=True) if s != t]
        raise StatsError(
            "age_contents doesn't appear to be in ascending order; the following age bands "
            f"appear out of position: {', '.join(moved)}"
        )
    labels = {str(a) for a in ages}
    band_codes, band_labels = pd.factorize(data[startage])  # each distinct label read once
    if {str(a) for a in band_labels} != labels:
        raise StatsError(
            "the contents in the startage field do not match the contents of the age_contents vector"
        )
    df = data.copy()
    df["_start"] = np.array([_start(a) for a in band_labels], dtype=np.int64)[band_codes]
    d, p = numeric(df, deaths), numeric(df, population)
    df["_d"], df["_p"] = d, p
    codes, keys = group_index(df, by)
    df["_g"] = codes
    df = df.sort_values(["_g", "_start"], kind="stable").reset_index(drop=True)
    g = df["_g"].to_numpy()
    k = len(keys)
    bad_deaths = _any_by(g, df["_d"] < 0, k)
    bad_pops = _any_by(g, df["_p"] <= 0, k)
    sizes = np.bincount(g, minlength=k)
    incomplete = sizes != N_BANDS
    too_many = _any_by(g, df["_d"] > df["_p"], k)
    small = np.bincount(g, weights=df["_p"].to_numpy(), minlength=k) <= 5000
    reasons = (
        (bad_deaths, "some age bands have negative deaths; outputs have been suppressed to NAs"),
        (
            bad_pops,
            "some age bands have a zero or less population; outputs have been suppressed to NAs",
        ),
        (
            incomplete,
            "some groups contain a different number of age bands than 20; life expectancy cannot be calculated for these. These groups will contain NAs.",
        ),
        (
            too_many,
            "some age bands have more deaths than population; outputs have been suppressed to NAs",
        ),
        (
            small,
            "some groups have a total population of less than 5,000; outputs have been suppressed to NAs",
        ),
    )
    suppressed = bad_deaths | bad_pops | incomplete | too_many | small
    return _Grouped(df, keys, g, suppressed, reasons, labels)


def _notes(grouped: _Grouped) -> np.ndarray:
    """Each row's reason its group is not calculated (the first rule it breaks), else ''."""
    note = np.full(len(grouped.keys), "", dtype=object)
    for (flag, _), reason in zip(
        reversed(grouped.reasons), reversed(SUPPRESSION_REASONS), strict=True
    ):
        note[flag] = reason
    return note[grouped.g]


def _from_age_up(values: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Sum of each band and all older bands of its group (rows sorted by group, then age)."""
    backwards = pd.Series(values[::-1]).groupby(g[::-1]).cumsum().to_numpy()
    return backwards[::-1]


def _any_by(g: np.ndarray, flag, k: int) -> np.ndarray:
    return np.bincount(g, weights=np.asarray(flag, dtype=float), minlength=k) > 0


def _table(deaths: np.ndarray, pops: np.ndarray, start: np.ndarray) -> dict[str, np.ndarray]:
    """Vectorised Chiang II life tables for consecutive blocks of 20 age bands (2-D arrays)."""
    D = deaths.reshape(-1, N_BANDS)
    P = pops.reshape(-1, N_BANDS)
    S = start.reshape(-1, N_BANDS)
    with np.errstate(invalid="ignore", divide="ignore"):
        M = D / P
        width = np.diff(S, axis=1)
        n = np.concatenate([width, 2 / M[:, -1:]], axis=1)
        a = np.where(S == 0, 0.1, 0.5)
        q = M * n / (1 + M * n * (1 - a))
        # Everyone dies within the band when deaths exceed population / (n × a), as in the
        # reference; the formula alone would give q above 1 and a negative survival.
        q[~(P / n / a >= D)] = 1.0
        q[:, -1] = 1.0
        p = 1 - q
        lx = 1e5 * np.concatenate([np.ones((len(D), 1)), np.cumprod(p[:, :-1], axis=1)], axis=1)
        l_next = np.concatenate([lx[:, 1:], np.zeros((len(D), 1))], axis=1)
        d = lx - l_next
        L = n * (l_next + a * d)
        L[:, -1] = lx[:, -1] / M[:, -1]
        T = np.cumsum(L[:, ::-1], axis=1)[:, ::-1]
        e = np.where(lx == 0, 0.0, T / lx)
        var_q = np.where(d == 0, 0.0, q**2 * (1 - q) / D)
        var_q[:, -1] = 4 / (D[:, -1] * M[:, -1] ** 2)
    return {
        "D": D,
        "P": P,
        "M": M,
        "n": n,
        "a": a,
        "q": q,
        "lx": lx,
        "dx": d,
        "Lx": L,
        "Tx": T,
        "ex": e,
        "var_q": var_q,
    }


def _life_table(
    deaths: np.ndarray, pops: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Life expectancy and its standard error at every band (flattened)."""
    t = _table(deaths, pops, start)
    lx, n, a, e, var_q = t["lx"], t["n"], t["a"], t["ex"], t["var_q"]
    with np.errstate(invalid="ignore", divide="ignore"):
        e_next = np.concatenate([e[:, 1:], np.zeros((len(e), 1))], axis=1)
        W = var_q * lx**2 * ((1 - a) * n + e_next) ** 2
        W[:, -1] = (lx[:, -1] / 2) ** 2 * var_q[:, -1]
        ST = np.cumsum(W[:, ::-1], axis=1)[:, ::-1]
        se = np.sqrt(ST / lx**2)
    e = np.where(np.isinf(e), np.nan, e)
    return e.ravel(), se.ravel()
