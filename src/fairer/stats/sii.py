"""Slope and relative index of inequality (``phe_sii``).

Quantiles (e.g. deprivation deciles, ordered from most to least deprived) are placed at the
midpoint of their share of the cumulative population (their relative rank, 0 to 1). The
indicator is regressed on relative rank by least squares with each quantile weighted by its
population share (fitted as ``√a·y = b₀·√a + b₁·(x·√a)`` with no further intercept). The SII is
the fitted difference between the top (x = 1) and bottom (x = 0) of the social scale; the RII
is their ratio. With ``transform``, the regression is fitted to log rates or logit proportions
and the SII is the difference of the back-transformed fitted values.

Confidence limits come from Monte Carlo simulation: each quantile's value is redrawn from a
normal distribution with its standard error (on the transformed scale if transformed), the
model refitted, and the limits read from the percentiles of the simulated indices. The
simulation is vectorised over repetitions and groups, in chunks to bound memory, and seeded.

References
----------
Low A, Low A. Measuring the gap: quantifying and comparing local health inequalities. J Public
Health 2004;26:388-95. Public Health England, *Technical guide: calculating the slope index of
inequality* (2017).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from fairer.stats._common import (
    StatsError,
    group_index,
    normalise_by,
    numeric,
    require_columns,
    warn,
)

_CHUNK_CELLS = 8_000_000  # random numbers drawn at once (bounds memory to ~200 MB per chunk)


def _parse_sii_confidence(confidence) -> list[float]:
    """Levels as fractions; the reference's rule: all between 0.9 and 1, or 90 and 100."""
    if isinstance(confidence, str):
        confidence = [float(c) for c in confidence.split(",")]
    levels = [float(c) for c in (confidence if np.iterable(confidence) else [confidence])]
    if (
        any(c < 0.9 for c in levels)
        or (any(c > 1 for c in levels) and any(c < 90 for c in levels))
        or any(c > 100 for c in levels)
    ):
        raise StatsError("all confidence levels must be between 90 and 100 or between 0.9 and 1")
    return [c / 100 if c > 1 else c for c in levels]


def _ci_name(c: float) -> str:
    pct = round(c * 100, 1)
    whole, tenth = f"{pct:.1f}".split(".")
    return f"{whole}_{tenth}"


def _backtransform(v: np.ndarray, value_type: int, transform: bool) -> np.ndarray:
    if not transform:
        return v
    with np.errstate(over="ignore"):  # a proportion of 0 or 1 is ±inf on the logit scale
        return np.exp(v) if value_type == 1 else 1 / (1 + np.exp(-v))


def _indices(c0, c1, value_type, transform):
    y0 = _backtransform(c0, value_type, transform)
    y1 = _backtransform(c0 + c1, value_type, transform)
    return y1 - y0, y1 / y0, y0


def sii(
    data: pd.DataFrame,
    quantile: str,
    population: str,
    by: list[str] | str | None = None,
    x: str | None = None,
    value: str | None = None,
    value_type: int = 0,
    transform: bool = False,
    lower_cl: str | None = None,
    upper_cl: str | None = None,
    se: str | None = None,
    confidence=0.95,
    multiplier: float = 1,
    repetitions: int = 100_000,
    rii: bool = False,
    intercept: bool = False,
    reliability_stat: bool = False,
    type: str = "full",
    seed: int | None = None,
) -> pd.DataFrame:
    """SII (and optionally RII and intercept) for each group, with simulated confidence limits.

    Parameters
    ----------
    quantile, population : str
        Quantile label (ordered from most to least deprived) and its population.
    by : list of str, optional
        Grouping columns: one SII per group.
    x, value : str
        Numerator (proportions only; value = x / population) or the indicator value.
    value_type : {0, 1, 2}
        0 other (e.g. life expectancy), 1 rate, 2 proportion.
    transform : bool
        Fit log rates (type 1) or logit proportions (type 2).
    lower_cl, upper_cl, se : str
        95% limits of each value, or its standard error.
    confidence : float or sequence
        One or more levels, all between 0.9 and 1 or all between 90 and 100.
    multiplier : float
        Scales the SII; a negative multiplier also inverts the RII (to flip polarity).
    repetitions : int
        Monte Carlo repetitions: 1,000 or more (100,000 by default).
    rii, intercept : bool
        Also return the RII and the fitted value at the bottom of the scale.
    type : {'full', 'standard'}
        ``full`` adds ``indicator_type, multiplier, transform, CI_confidence, CI_method``.
    seed : int, optional
        Seed for reproducible limits.

    Returns
    -------
    DataFrame
        One row per group: ``sii, sii_lower95_0cl, sii_upper95_0cl`` (and ``rii…``, ``intercept``).

    Raises
    ------
    StatsError
        Missing arguments or columns, non-numeric fields, zero or missing populations, negative
        or missing standard errors or limits, proportions outside 0-1, fewer than 5 or more than
        100 quantiles, bad confidence or repetitions.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({'decile': range(1, 11), 'pop': 10000, 'le': [74.0, 75.1, 76.0, 76.8, 77.9, 78.5, 79.6, 80.2, 81.0, 82.3], 'se': 0.4})
    >>> s = sii(d, 'decile', 'pop', value='le', se='se', repetitions=1000, seed=1, type='standard')
    >>> round(float(s['sii'].iloc[0]), 3)
    8.848
    """
    if value is None and x is None:
        raise StatsError(
            "function phe_sii requires value field, or x field if indicator is a proportion of population"
        )
    if se is None and (lower_cl is None or upper_cl is None):
        raise StatsError(
            "function phe_sii requires either lower_cl and upper_cl fields, or se field"
        )
    if value_type not in (0, 1, 2):
        raise StatsError("value_type should be 0, 1 or 2")
    if not all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        for v in (multiplier, repetitions)
    ):
        raise StatsError("multiplier, repetitions and confidence inputs should be numeric")
    if repetitions < 1000:
        raise StatsError("number of repetitions must be 1000 or greater. Default is 100,000")
    repetitions = int(repetitions)
    if transform and value_type == 0:
        raise StatsError("value_type should be 1 or 2 when transform is true")
    if transform and se is not None:
        raise StatsError("function phe_sii requires se to be missing when transform is true")
    # (the reference's "requires lower_cl and upper_cl fields when transform is true" cannot be
    # reached: the two checks above come first, as there)
    if type not in ("full", "standard"):
        raise StatsError("type must be one of standard or full")
    levels = _parse_sii_confidence(confidence)
    by = normalise_by(by)
    require_columns(data, quantile, population, x, value, lower_cl, upper_cl, se, *by)

    def field(col):
        return numeric(data, col, rule="some input fields in data.frame are non-numeric")

    pop = field(population)
    val = field(value) if value is not None else field(x) / pop
    lcl = field(lower_cl) if lower_cl is not None else None
    ucl = field(upper_cl) if upper_cl is not None else None
    sev = field(se) if se is not None else None
    if np.any(~(pop > 0)):
        raise StatsError("some groups have a zero, negative or missing population")
    if value is None and np.any(numeric(data, x) <= 0):
        raise StatsError("some groups have a zero or negative count x")
    if sev is not None and np.any(~(sev >= 0)):
        raise StatsError("negative or missing standard errors in input dataset")
    if sev is None and (np.isnan(lcl).any() or np.isnan(ucl).any()):
        raise StatsError("missing lower or upper confidence limits in input dataset")
    if value_type == 2:
        if np.any((val < 0) | (val > 1)):
            raise StatsError("value proportions are not all between 0 and 1")
        if lcl is not None and np.any((lcl < 0) | (lcl > 1) | (ucl < 0) | (ucl > 1)):
            raise StatsError("confidence limit proportions are not all between 0 and 1")
    n_quantiles = data[quantile].nunique()
    if n_quantiles < 5 or n_quantiles > 100:
        raise StatsError("Number of quantiles must be between 5 and 100")
    if n_quantiles > 10:
        warn("Small values can make SII unstable when using a large number of quantiles")

    def tf(v):
        # Rates and proportions are simulated on the log or logit scale whether or not the
        # regression is transformed, as the reference does; other values as they are.
        if value_type == 0:
            return v
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(v) if value_type == 1 else np.log(v / (1 - v))

    # The standard error comes from the 95% limits on that scale; a given standard error is
    # taken to be on it already (the reference reads it so).
    se_t = sev if sev is not None else (tf(ucl) - tf(lcl)) / sps.norm.ppf(0.975) / 2
    val_t = tf(val)
    codes, keys = group_index(data, by)
    frame = pd.DataFrame(
        {"g": codes, "q": data[quantile].to_numpy(), "pop": pop, "v": val_t, "se": se_t}
    )
    complete = frame.dropna(subset=["v", "se"]).groupby("g")["q"].nunique() == n_quantiles
    valid_groups = complete[complete].index.to_numpy()
    if len(valid_groups) < len(keys) or frame[["v", "se"]].isna().any().any():
        warn("some records have been removed due to incomplete or invalid data")
    frame = frame[frame["g"].isin(valid_groups)].sort_values(["g", "q"], kind="stable")
    q = n_quantiles
    g_ids = frame["g"].to_numpy().reshape(-1, q)[:, 0]
    P = frame["pop"].to_numpy().reshape(-1, q)
    Y = frame["v"].to_numpy().reshape(-1, q)
    SE = frame["se"].to_numpy().reshape(-1, q)
    A = P / P.sum(axis=1, keepdims=True)
    B = np.cumsum(A, axis=1) - A / 2
    rng = np.random.default_rng(seed)
    res = _estimate(Y, SE, A, B, levels, repetitions, value_type, transform, rng, multiplier, rii)
    out = keys.iloc[g_ids].reset_index(drop=True) if by else pd.DataFrame(index=range(len(res)))
    # PHEindicatormethods 2.1.0 names transformed limits without the "cl" ending
    # (sii_lower95_0); the same names are kept so results can be swapped.
    end = "" if transform else "cl"
    ci = [(_ci_name(c)) for c in levels]
    out["sii"] = res["sii"].to_numpy() if len(res) else []
    for name in ci:
        out[f"sii_lower{name}{end}"] = res[f"sii_lower{name}"].to_numpy()
        out[f"sii_upper{name}{end}"] = res[f"sii_upper{name}"].to_numpy()
    if rii:
        out["rii"] = res["rii"].to_numpy()
        for name in ci:
            out[f"rii_lower{name}{end}"] = res[f"rii_lower{name}"].to_numpy()
            out[f"rii_upper{name}{end}"] = res[f"rii_upper{name}"].to_numpy()
    if intercept:
        out["intercept"] = res["intercept"].to_numpy()
    order = ["sii"] + (["rii"] if rii else [])
    order += [f"sii_{b}{n}{end}" for n in ci for b in ("lower", "upper")]
    order += [f"rii_{b}{n}{end}" for n in ci for b in ("lower", "upper")] if rii else []
    order += ["intercept"] if intercept else []
    out = out[[*by, *order]]
    if type == "full":
        out["indicator_type"] = {0: "normal", 1: "rate", 2: "proportion"}[value_type]
        out["multiplier"] = multiplier
        out["transform"] = transform
        out["CI_confidence"] = ", ".join(f"{round(c * 100, 2):g}%" for c in levels)
        out["CI_method"] = f"simulation {repetitions} reps"
    return out


def _coefficient_weights(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights u, w with intercept = Σ u·y and slope = Σ w·y for the weighted fit (per group)."""
    sa, sab, sabb = (
        a.sum(-1, keepdims=True),
        (a * b).sum(-1, keepdims=True),
        (a * b * b).sum(-1, keepdims=True),
    )
    det = sa * sabb - sab * sab
    u = a * (sabb - sab * b) / det
    w = a * (sa * b - sab) / det
    return u, w


def order_positions(levels: list[float], repetitions: int) -> dict[float, tuple[int, int]]:
    """Where each level's limits are read among the sorted simulated values (0-based).

    The reference sorts the draws and takes the order statistic at ``round(repetitions × p)``
    (1-based; ``p`` = (1 - level) / 2 and its complement, rounded half to even as R's ``round``
    does), without interpolating. Positions are kept within the draws.

    Parameters
    ----------
    levels : list of float
        Confidence levels between 0.5 and 0.9999.
    repetitions : int

    Returns
    -------
    dict
        ``{level: (lower, upper)}`` 0-based positions.

    Examples
    --------
    >>> order_positions([0.95, 0.998], 1000)
    {0.95: (24, 974), 0.998: (0, 998)}
    """
    out = {}
    for c in levels:
        upper = c + (1 - c) / 2
        lo, hi = round(repetitions * (1 - upper)), round(repetitions * upper)
        out[c] = (min(max(lo, 1), repetitions) - 1, min(max(hi, 1), repetitions) - 1)
    return out


def _order_statistics(draws: np.ndarray, positions: list[int]) -> np.ndarray:
    """The ``positions``-th smallest of ``draws`` along its last (contiguous) axis, by
    partitioning (no full sort); positions come first in the result."""
    ks = sorted(set(positions))
    part = np.partition(draws, ks, axis=-1)
    return np.moveaxis(part[..., positions], -1, 0)


def _estimate(
    Y, SE, A, B, levels, repetitions, value_type, transform, rng, multiplier=1.0, rii=False
) -> pd.DataFrame:
    """Point estimates and simulated limits for every group at once, as the reference has them.

    The reference redraws each quantile's value from N(y, se²) (rates and proportions on the
    log or logit scale), refits the weighted regression to each draw and reads the limits from
    the sorted results. Where the fitted coefficients are linear in the draws, their simulated
    values follow exactly a normal distribution known from the standard errors, so fewer random
    numbers give the same simulation:

    - other values (``value_type`` 0): the slope is N(b₁, Σw²se²), one standard normal per
      repetition, its order statistics shared by every group; the RII needs intercept and slope
      together (a pair of standard normals per repetition, shared by every group, and one
      partition per group);
    - ``transform``: the log/logit slope likewise; the reference builds each limit of the SII and
      RII from that slope's limits around the fitted midpoint, so that is all it needs;
    - rates and proportions without ``transform``: each draw is back-transformed before the
      (natural-scale) fit, so the coefficients are not linear in the draws: every quantile is
      drawn (one set of standard normals shared by every group), in chunks of groups to bound
      memory.

    Each group's limits are exact in distribution; sharing the standard normals across groups
    shares their Monte Carlo error, which costs nothing in accuracy and saves drawing them.
    """
    u, w = _coefficient_weights(A, B)
    positions = order_positions(levels, repetitions)
    n_groups = len(Y)
    flip = multiplier < 0
    out: dict[str, np.ndarray] = {}
    if transform:
        c0_t, c1_t = (u * Y).sum(-1), (w * Y).sum(-1)
        sd1 = np.sqrt((w * w * SE * SE).sum(-1))
        y0, y1 = (
            _backtransform(c0_t, value_type, True),
            _backtransform(c0_t + c1_t, value_type, True),
        )
        out["sii"] = (y1 - y0) * multiplier
        out["rii"] = y0 / y1 if flip else y1 / y0
        out["intercept"] = y0 * abs(multiplier)
        z = _order_statistics(
            rng.standard_normal(repetitions), [k for c in levels for k in positions[c]]
        )
        half = c0_t + c1_t / 2  # the fitted midpoint (x = 1/2) on the log/logit scale
        for i, c in enumerate(levels):
            name = _ci_name(c)
            limits = []
            for zk in (z[2 * i], z[2 * i + 1]):
                slope = c1_t + sd1 * zk
                top = _backtransform(half + slope / 2, value_type, True)
                bottom = _backtransform(half - slope / 2, value_type, True)
                limits.append(((top - bottom) * multiplier, bottom / top if flip else top / bottom))
            (s_lo, r_lo), (s_hi, r_hi) = limits
            out[f"sii_lower{name}"], out[f"sii_upper{name}"] = (
                (s_hi, s_lo) if flip else (s_lo, s_hi)
            )
            out[f"rii_lower{name}"], out[f"rii_upper{name}"] = (
                (r_hi, r_lo) if flip else (r_lo, r_hi)
            )
        return pd.DataFrame(out)
    natural = _backtransform(Y, value_type, value_type != 0)  # the values the fit is made on
    c0, c1 = (u * natural).sum(-1), (w * natural).sum(-1)
    out["sii"] = c1 * multiplier
    out["rii"] = c0 / (c0 + c1) if flip else (c0 + c1) / c0
    out["intercept"] = c0
    wanted = [k for c in levels for k in positions[c]]
    if value_type == 0:
        # the slope alone is normal: its limits from one shared set of order statistics
        sd1 = np.sqrt((w * w * SE * SE).sum(-1))
        n = repetitions
        # m × slope sorted: for m < 0 the k-th smallest is m × the (n + 1 - k)-th of the slope
        ks = [(n - 1 - k) if flip else k for k in wanted]
        z = _order_statistics(rng.standard_normal(repetitions), ks)
        sims = multiplier * (c1[None, :] + sd1[None, :] * z[:, None])
        for i, c in enumerate(levels):
            name = _ci_name(c)
            out[f"sii_lower{name}"], out[f"sii_upper{name}"] = sims[2 * i], sims[2 * i + 1]
        if not rii:
            return pd.DataFrame(out)
        # the RII needs intercept and slope together: a pair of standard normals per
        # repetition (shared by every group), one partition per group
        s00 = (u * u * SE * SE).sum(-1)
        s01 = (u * w * SE * SE).sum(-1)
        s11 = (w * w * SE * SE).sum(-1)
        l00 = np.sqrt(s00)
        with np.errstate(invalid="ignore", divide="ignore"):
            l10 = np.where(l00 > 0, s01 / l00, 0.0)
        l11 = np.sqrt(np.maximum(s11 - l10**2, 0.0))
        z0, z1 = rng.standard_normal((2, 1, repetitions))
        rq = np.empty((len(wanted), n_groups))
        per_chunk = max(1, _CHUNK_CELLS // repetitions)
        for start in range(0, n_groups, per_chunk):
            sl = slice(start, min(n_groups, start + per_chunk))
            d0 = c0[sl, None] + l00[sl, None] * z0
            d1 = c1[sl, None] + l10[sl, None] * z0 + l11[sl, None] * z1
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = (d0 + d1) / d0
            rq[:, sl] = _order_statistics(1 / ratio if flip else ratio, wanted)
        for i, c in enumerate(levels):
            name = _ci_name(c)
            out[f"rii_lower{name}"], out[f"rii_upper{name}"] = rq[2 * i], rq[2 * i + 1]
        return pd.DataFrame(out)
    # rates and proportions as limits: every quantile drawn on the log/logit scale (one set of
    # standard normals shared by every group), back-transformed, then fitted
    sq = np.empty((len(wanted), n_groups))
    rq = np.empty((len(wanted), n_groups))
    q = Y.shape[1]
    z = rng.standard_normal((1, q, repetitions))
    per_chunk = max(1, _CHUNK_CELLS // (q * repetitions))
    for start in range(0, n_groups, per_chunk):
        sl = slice(start, min(n_groups, start + per_chunk))
        draws = _backtransform(Y[sl, :, None] + SE[sl, :, None] * z, value_type, True)
        # intercept and slope of every draw at once: (2 × q) weights times (q × repetitions)
        fitted = np.matmul(np.stack([u[sl], w[sl]], axis=1), draws)
        sq[:, sl], rq[:, sl] = _limits(fitted[:, 0], fitted[:, 1], multiplier, wanted)
    for i, c in enumerate(levels):
        name = _ci_name(c)
        out[f"sii_lower{name}"], out[f"sii_upper{name}"] = sq[2 * i], sq[2 * i + 1]
        out[f"rii_lower{name}"], out[f"rii_upper{name}"] = rq[2 * i], rq[2 * i + 1]
    return pd.DataFrame(out)


def _limits(d0, d1, multiplier, wanted):
    """Order statistics of the simulated SII (× multiplier) and RII (inverted when negative)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rii = (d0 + d1) / d0
    if multiplier < 0:
        rii = 1 / rii
    return _order_statistics(multiplier * d1, wanted), _order_statistics(rii, wanted)
