"""Healthy life expectancy by Sullivan's method, with its standard error.

The person-years lived in each age band of a period life table (``Lx``) are split by the share of
the band's population in good health (πₓ): healthy life expectancy at age x is
``Σ_{i≥x} Lᵢ πᵢ / lₓ`` (Sullivan 1971; Jagger et al. 2014). Its variance has two parts: the
sampling variance of the prevalence, ``Σ_{i≥x} Lᵢ² πᵢ(1-πᵢ)/Nᵢ / lₓ²`` where Nᵢ is the number of
people the prevalence was measured on (Jagger et al.), and the mortality variance of the life
table, Chiang's sum with each band's years weighted by its healthy share (Mathers 1991), as ONS
adds for its small-area estimates. With a census prevalence N is the whole band, and the second
part dominates.

References
----------
Sullivan DF. A single index of mortality and morbidity. *HSMHA Health Reports* 1971;86:347-354.
Jagger C, Van Oyen H, Robine JM. *Health expectancy calculation by the Sullivan method: a
practical guide*, 4th ed. Newcastle University Institute for Ageing, 2014 (EHLEIS Technical
Report 2014_4.1). Mathers CD. *Health expectancies in Australia 1981 and 1988*. AIHW, 1991.
Hauet E. *Practical guide on health expectancy calculation: Sullivan method*. Euro-REVES, 1997.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairer.stats._common import (
    StatsError,
    ci_columns,
    normalise_by,
    numeric,
    parse_confidence,
    require_columns,
    z_value,
)
from fairer.stats.life_expectancy import N_BANDS, _from_age_up, _grouped, _notes, _start, _table


def sullivan(
    data: pd.DataFrame,
    lx: str,
    Lx: str,
    healthy: str,
    startage: str,
    by: list[str] | str | None = None,
    sample: str | None = None,
    confidence=0.95,
) -> pd.DataFrame:
    """Healthy life expectancy from a life table's ``lx`` and ``Lx`` and the healthy share.

    Parameters
    ----------
    data : DataFrame
        One row per group and age band, bands in any order.
    lx, Lx : str
        Survivors at the start of the band and person-years lived in it.
    healthy : str
        The share of the band in good health (0 to 1).
    startage : str
        The age band (start age or label); rows are ordered by it within each group.
    by : list of str, optional
        Grouping columns.
    sample : str, optional
        Number of people the healthy share was measured on: gives the prevalence part of the
        standard error (without it, no limits).
    confidence : float

    Returns
    -------
    DataFrame
        ``by…, startage, hle, [lower/upper limits], le, healthy_share_of_life``.

    Raises
    ------
    StatsError
        Missing columns, or a healthy share outside 0 to 1.

    References
    ----------
    Jagger C, Van Oyen H, Robine JM. *Health expectancy calculation by the Sullivan method: a
    practical guide*, 4th ed. 2014.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({'age': [65, 70, 75, 80, 85],
    ...                   'lx': [89367, 84968, 78012, 66625, 48532],
    ...                   'Lx': [436589, 408793, 364013, 290533, 289068],
    ...                   'pi': [0.804, 0.714, 0.630, 0.487, 0.2905]})
    >>> round(float(sullivan(t, 'lx', 'Lx', 'pi', 'age')['hle'].iloc[0]), 1)
    12.3
    """
    levels = parse_confidence(confidence)
    by = normalise_by(by)
    require_columns(data, lx, Lx, healthy, startage, *by, *([sample] if sample else []))
    pi = numeric(data, healthy)
    if ((np.asarray(pi) < 0) | (np.asarray(pi) > 1)).any():
        raise StatsError(f"the healthy share in '{healthy}' must be between 0 and 1")
    df = data.copy()
    df["_start"] = df[startage].map(_start)
    df = df.sort_values([*by, "_start"], kind="stable").reset_index(drop=True)
    keys = df.groupby(by, sort=False).ngroup().to_numpy() if by else np.zeros(len(df), int)
    l_ = np.asarray(numeric(df, lx), dtype=float)
    L_ = np.asarray(numeric(df, Lx), dtype=float)
    p_ = np.asarray(numeric(df, healthy), dtype=float)
    healthy_years = _from_age_up(L_ * p_, keys)
    years = _from_age_up(L_, keys)
    out = df[[*by, startage]].copy()
    out["hle"] = healthy_years / l_
    if sample is not None:
        N = np.asarray(numeric(df, sample), dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            var = _from_age_up(L_**2 * p_ * (1 - p_) / N, keys) / l_**2
        se = np.sqrt(var)
        for lo, up, c in ci_columns(levels):
            out[lo] = out["hle"] - z_value(c) * se
            out[up] = out["hle"] + z_value(c) * se
    out["le"] = years / l_
    out["healthy_share_of_life"] = out["hle"] / out["le"]
    return out


def healthy_life_expectancy(
    data: pd.DataFrame,
    deaths: str,
    population: str,
    startage: str,
    healthy: str,
    by: list[str] | str | None = None,
    sample: str | None = None,
    age_contents=None,
    confidence=0.95,
) -> pd.DataFrame:
    """Healthy life expectancy at every age band from deaths, person-years and healthy shares.

    The life table is :func:`fairer.stats.life_table`'s (Chiang II, 20 bands, 90+, the same
    suppression rules); the healthy years are Sullivan's. The standard error adds the life
    table's mortality variance (Chiang, each band's years weighted by its healthy share) to the
    prevalence's sampling variance (where ``sample`` is given).

    Parameters
    ----------
    data : DataFrame
        One row per group and age band.
    deaths, population, startage : str
        Deaths, person-years and the age band.
    healthy : str
        Share of the band in good health (0 to 1).
    by : list of str, optional
    sample : str, optional
        People the healthy share was measured on (a census: the band's residents).
    age_contents : sequence, optional
    confidence : float

    Returns
    -------
    DataFrame
        ``by…, startage, hle, lowercl/uppercl (95%: lower95_0cl …), le, healthy_share_of_life,
        note`` (why a group is not calculated).

    Raises
    ------
    StatsError
        As :func:`fairer.stats.life_expectancy`, or a healthy share outside 0 to 1.

    References
    ----------
    Jagger C, Van Oyen H, Robine JM. *Health expectancy calculation by the Sullivan method: a
    practical guide*, 4th ed. 2014. Mathers CD. *Health expectancies in Australia 1981 and
    1988*. AIHW, 1991.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> ages = [0, 1] + list(range(5, 95, 5))
    >>> d = pd.DataFrame({'age': ages, 'pops': 10000.0, 'healthy': np.linspace(0.97, 0.4, 20),
    ...                   'deaths': np.round(np.exp(np.linspace(-8, -1.4, 20)) * 10000)})
    >>> out = healthy_life_expectancy(d, 'deaths', 'pops', 'age', 'healthy', sample='pops')
    >>> bool(out['hle'].iloc[0] < out['le'].iloc[0])
    True
    """
    levels = parse_confidence(confidence)
    by = normalise_by(by)
    require_columns(data, healthy, *([sample] if sample else []))
    pi_all = numeric(data, healthy)
    if ((np.asarray(pi_all) < 0) | (np.asarray(pi_all) > 1)).any():
        raise StatsError(f"the healthy share in '{healthy}' must be between 0 and 1")
    grouped = _grouped(data, deaths, population, startage, by, age_contents)
    df, g, suppressed = grouped.df, grouped.g, grouped.suppressed
    out = df[[*by, startage]].copy()
    hle = np.full(len(df), np.nan)
    se = np.full(len(df), np.nan)
    le = np.full(len(df), np.nan)
    ok = ~suppressed[g]
    if ok.any():
        sub = df[ok]
        t = _table(
            sub["_d"].to_numpy(float), sub["_p"].to_numpy(float), sub["_start"].to_numpy(float)
        )
        pi = np.asarray(numeric(sub, healthy), dtype=float).reshape(-1, N_BANDS)
        lx, L, n, a, var_q = t["lx"], t["Lx"], t["n"], t["a"], t["var_q"]
        with np.errstate(invalid="ignore", divide="ignore"):
            H = np.cumsum((L * pi)[:, ::-1], axis=1)[:, ::-1]
            h = H / lx
            h_next = np.concatenate([h[:, 1:], np.zeros((len(h), 1))], axis=1)
            W = var_q * lx**2 * ((1 - a) * n * pi + h_next) ** 2
            W[:, -1] = (lx[:, -1] / 2) ** 2 * var_q[:, -1] * pi[:, -1] ** 2
            var = np.cumsum(W[:, ::-1], axis=1)[:, ::-1] / lx**2
            if sample is not None:
                N = np.asarray(numeric(sub, sample), dtype=float).reshape(-1, N_BANDS)
                prev = L**2 * pi * (1 - pi) / N
                var = var + np.cumsum(prev[:, ::-1], axis=1)[:, ::-1] / lx**2
        hle[ok], se[ok], le[ok] = h.ravel(), np.sqrt(var).ravel(), t["ex"].ravel()
    out["hle"] = hle
    for lo, up, c in ci_columns(levels):
        out[lo] = hle - z_value(c) * se
        out[up] = hle + z_value(c) * se
    out["le"] = le
    with np.errstate(invalid="ignore", divide="ignore"):
        out["healthy_share_of_life"] = hle / le
    out["note"] = _notes(grouped)
    return out.reset_index(drop=True)
