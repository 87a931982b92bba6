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
    if isinstance(confidence, str):
        confidence = [float(c) for c in confidence.split(",")]
    levels = [float(c) for c in (confidence if np.iterable(confidence) else [confidence])]
    out = []
    for c in levels:
        if c < 0.5 or 0.9999 < c < 50 or c > 99.99:
            raise StatsError(
                "confidence level for SII must be between 50 and 99.99, or between 0.5 and 0.9999"
            )
        out.append(c / 100 if c >= 50 else c)
    return out


def _ci_name(c: float) -> str:
    pct = round(c * 100, 1)
    whole, tenth = f"{pct:.1f}".split(".")
    return f"{whole}_{tenth}"


def _backtransform(v: np.ndarray, value_type: int, transform: bool) -> np.ndarray:
    if not transform:
        return v
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
        One or more levels between 0.5 and 0.9999 (or 50 and 99.99).
    multiplier : float
        Scales the SII; a negative multiplier also inverts the RII (to flip polarity).
    repetitions : int
        Monte Carlo repetitions (100,000 by default).
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
    if transform and value_type == 0:
        raise StatsError("value_type must be 1 or 2 when transform is true")
    if repetitions <= 0:
        raise StatsError("number of repetitions must be greater than 0. Default is 100,000")
    if type not in ("full", "standard"):
        raise StatsError("type must be one of standard or full")
    levels = _parse_sii_confidence(confidence)
    by = normalise_by(by)
    require_columns(data, quantile, population, x, value, lower_cl, upper_cl, se, *by)
    pop = numeric(data, population)
    val = numeric(data, value) if value is not None else numeric(data, x) / pop
    lcl = numeric(data, lower_cl) if lower_cl is not None else None
    ucl = numeric(data, upper_cl) if upper_cl is not None else None
    sev = numeric(data, se) if se is not None else None
    if np.any(~(pop > 0)):
        raise StatsError("some groups have a zero, negative or missing population")
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
        if not transform:
            return v
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(v) if value_type == 1 else np.log(v / (1 - v))

    # The standard error comes from the 95% limits (on the transformed scale if transforming).
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
    res = _estimate(Y, SE, A, B, levels, repetitions, value_type, transform, rng)
    out = keys.iloc[g_ids].reset_index(drop=True) if by else pd.DataFrame(index=range(len(res)))
    out["sii"] = multiplier * res["sii"].to_numpy() if len(res) else []
    # PHEindicatormethods 2.1.0 names transformed limits without the "cl" ending
    # (sii_lower95_0); the same names are kept so results can be swapped.
    end = "" if transform else "cl"
    ci = [(_ci_name(c)) for c in levels]
    for name in ci:
        lo, up = res[f"sii_lower{name}cl"].to_numpy(), res[f"sii_upper{name}cl"].to_numpy()
        if multiplier < 0:
            lo, up = up, lo
        out[f"sii_lower{name}{end}"], out[f"sii_upper{name}{end}"] = (
            multiplier * lo,
            multiplier * up,
        )
    if rii:
        inv = multiplier < 0
        out["rii"] = 1 / res["rii"].to_numpy() if inv else res["rii"].to_numpy()
        for name in ci:
            lo, up = res[f"rii_lower{name}cl"].to_numpy(), res[f"rii_upper{name}cl"].to_numpy()
            out[f"rii_lower{name}{end}"], out[f"rii_upper{name}{end}"] = (
                (1 / up, 1 / lo) if inv else (lo, up)
            )
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


def _estimate(Y, SE, A, B, levels, repetitions, value_type, transform, rng) -> pd.DataFrame:
    """Point estimates and simulated limits for every group at once.

    Redrawing each quantile's value from N(y, se²) and refitting gives intercept and slope that
    are linear in the draws, so their simulated values follow exactly the bivariate normal with
    mean (b₀, b₁) and covariance Wᵀ diag(se²) W. Drawing that pair directly is the same
    simulation with two random numbers per repetition instead of one per quantile.
    """
    u, w = _coefficient_weights(A, B)
    c0, c1 = (u * Y).sum(-1), (w * Y).sum(-1)
    s00 = (u * u * SE * SE).sum(-1)
    s01 = (u * w * SE * SE).sum(-1)
    s11 = (w * w * SE * SE).sum(-1)
    l00 = np.sqrt(s00)
    with np.errstate(invalid="ignore", divide="ignore"):
        l10 = np.where(l00 > 0, s01 / l00, 0.0)
    l11 = np.sqrt(np.maximum(s11 - l10**2, 0.0))
    sii0, rii0, y0 = _indices(c0, c1, value_type, transform)
    out = {"sii": sii0, "rii": rii0, "intercept": y0}
    probs = sorted({p for c in levels for p in ((1 - c) / 2, 1 - (1 - c) / 2)})
    n_groups = len(c0)
    sq = {p: np.empty(n_groups) for p in probs}
    rq = {p: np.empty(n_groups) for p in probs}
    per_chunk = max(1, _CHUNK_CELLS // (2 * repetitions))
    for start in range(0, n_groups, per_chunk):
        sl = slice(start, min(n_groups, start + per_chunk))
        z = rng.standard_normal((2, repetitions, sl.stop - sl.start))
        d0 = c0[sl] + l00[sl] * z[0]
        d1 = c1[sl] + l10[sl] * z[0] + l11[sl] * z[1]
        sims, simr, _ = _indices(d0, d1, value_type, transform)
        qs, qr = np.quantile(sims, probs, axis=0), np.quantile(simr, probs, axis=0)
        for i, p in enumerate(probs):
            sq[p][sl], rq[p][sl] = qs[i], qr[i]
    for c in levels:
        lo, hi = (1 - c) / 2, 1 - (1 - c) / 2
        out[f"sii_lower{_ci_name(c)}cl"], out[f"sii_upper{_ci_name(c)}cl"] = sq[lo], sq[hi]
        out[f"rii_lower{_ci_name(c)}cl"], out[f"rii_upper{_ci_name(c)}cl"] = rq[lo], rq[hi]
    return pd.DataFrame(out)
