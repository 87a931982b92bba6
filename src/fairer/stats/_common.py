"""Validation and output shaping shared by every statistic.

Rules and output column names follow PHEindicatormethods 2.1.0, so results can be swapped
between the two: ``value, lowercl, uppercl`` for one confidence level, ``lower95_0cl,
upper95_0cl, lower99_8cl, upper99_8cl`` for two, and ``confidence, statistic, method``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from fairer.errors import FairerError


class StatsError(FairerError):
    """Invalid input to a statistic: the message names the rule that was broken."""


class StatsWarning(UserWarning):
    """A result was suppressed to NA, as PHEindicatormethods does with a warning."""


def warn(message: str) -> None:
    warnings.warn(message, StatsWarning, stacklevel=3)


TYPES = ("full", "standard", "value", "lower", "upper")


RANGE_RULE = "confidence level must be between 90 and 100 or between 0.9 and 1"


def parse_confidence(
    confidence, allow_none: bool = False, range_rule: str = RANGE_RULE, any_levels: bool = False
) -> list[float]:
    """Confidence level(s) as fractions: one level in [0.9, 1] or [90, 100], or 0.95 and 0.998.

    Accepts a number, a sequence, or a comma-separated string (``"0.95,0.998"``).
    ``range_rule`` is the message for a level out of range (the reference words it differently
    for proportions, life expectancy and the SII); ``any_levels`` allows any number of levels,
    each in range, as life expectancy does.

    Raises
    ------
    StatsError
        Text that is not a number, more than two levels, two levels other than 0.95 and 0.998,
        or a level out of range.
    """
    if confidence is None or (isinstance(confidence, float) and math.isnan(confidence)):
        if allow_none:
            return []
        raise StatsError("confidence level must be given")
    if isinstance(confidence, str):
        if confidence.strip().upper() in ("NA", "NONE", ""):
            return parse_confidence(None, allow_none, range_rule, any_levels)
        try:
            confidence = [float(c) for c in confidence.split(",")]
        except ValueError:
            raise StatsError(f"confidence must be numeric ('{confidence}')") from None
    try:
        levels = [
            float(c) for c in (confidence if isinstance(confidence, Iterable) else [confidence])
        ]
    except (TypeError, ValueError):
        raise StatsError(f"confidence must be numeric ('{confidence}')") from None
    out_of_range = any(c < 0.9 or 1 < c < 90 or c > 100 for c in levels)
    if out_of_range and (any_levels or len(levels) == 1):
        raise StatsError(range_rule)
    if any_levels:
        return [c / 100 if c >= 90 else c for c in levels]
    if len(levels) > 2:
        raise StatsError("a maximum of two confidence levels can be provided")
    if len(levels) == 2:
        if levels not in ([0.95, 0.998], [95.0, 99.8]):
            raise StatsError(
                "two confidence levels can only be produced if they are specified as 0.95 and 0.998"
            )
        return [0.95, 0.998]
    (c,) = levels
    return [c / 100 if c >= 90 else c]


def check_multiplier(multiplier) -> float:
    """A multiplier must be a number above zero (the reference's rule for DSRs, kept for all)."""
    if isinstance(multiplier, bool) or not isinstance(multiplier, (int, float, np.number)):
        raise StatsError(f"multiplier must be numeric ('{multiplier}')")
    if not multiplier > 0:
        raise StatsError("multiplier must be greater than 0")
    return float(multiplier)


def check_bool(value, rule: str) -> bool:
    """A true/false option must be a boolean, not merely truthy."""
    if not isinstance(value, (bool, np.bool_)):
        raise StatsError(f"{rule} ('{value}')")
    return bool(value)


def z_value(confidence: float) -> float:
    """Two-sided normal quantile for a confidence level."""
    return float(sps.norm.ppf(confidence + (1 - confidence) / 2))


def suffix(confidence: float) -> str:
    """``95_0`` for 0.95 and ``99_8`` for 0.998, as in ``lower95_0cl``."""
    pct = round(confidence * 100, 1)
    whole, tenth = f"{pct:.1f}".split(".")
    return f"{whole}_{tenth}"


def confidence_label(levels: Sequence[float]) -> str:
    """``"95%"`` or ``"95%, 99.8%"``."""
    return ", ".join(f"{_num(c * 100)}%" for c in levels)


def _num(v: float) -> str:
    v = round(v, 10)
    return str(int(v)) if float(v).is_integer() else repr(v)


def format_multiplier(m: float) -> str:
    """A multiplier as R's ``format(m, scientific = FALSE)`` writes it."""
    return _num(float(m))


def ci_columns(levels: Sequence[float]) -> list[tuple[str, str, float]]:
    """``(lower name, upper name, level)`` for each level."""
    if len(levels) == 1:
        return [("lowercl", "uppercl", levels[0])]
    return [(f"lower{suffix(c)}cl", f"upper{suffix(c)}cl", c) for c in levels]


def check_type(type: str) -> None:
    if type not in TYPES:
        raise StatsError("type must be one of value, lower, upper, standard or full")


def require_columns(data: pd.DataFrame, *cols) -> None:
    """Every named column must exist; numeric ones are checked by :func:`numeric`."""
    if not isinstance(data, pd.DataFrame):
        raise StatsError("data must be a data frame object")
    for c in cols:
        if c is not None and c not in data.columns:
            raise StatsError(f"{c} is not a field name from data")


def require_fields(data: pd.DataFrame, **fields: str | None) -> None:
    """Each argument's column must exist, in the reference's words (``x is not a field name
    from data``), followed by the column that was asked for."""
    if not isinstance(data, pd.DataFrame):
        raise StatsError("data must be a data frame object")
    for arg, col in fields.items():
        if col is not None and col not in data.columns:
            raise StatsError(f"{arg} is not a field name from data ('{col}')")


def numeric(
    data: pd.DataFrame, col: str, arg: str | None = None, rule: str | None = None
) -> np.ndarray:
    """A column as float, refusing text that is not a number.

    The message is the reference's ``field x must be numeric`` with ``arg`` the argument's
    name (default: the column's), or ``rule`` where the reference words it otherwise; the
    column, the first bad value and its row follow in brackets.
    """
    s = data[col]
    if pd.api.types.is_bool_dtype(s):
        return s.to_numpy(dtype=float)
    name = arg or col
    where = f"column '{col}', " if arg and arg != col else ""
    if not pd.api.types.is_numeric_dtype(s):
        conv = pd.to_numeric(s, errors="coerce")
        bad = conv.isna() & s.notna()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            message = rule or f"field {name} must be numeric"
            raise StatsError(f"{message} ({where}'{s[bad].iloc[0]}' at row {i + 2})")
        s = conv
    values = s.to_numpy(dtype=float)
    infinite = np.isinf(values)
    if infinite.any():
        i = int(np.flatnonzero(infinite)[0])
        raise StatsError(
            f"field {name} must be a finite number ({where}'{data[col].iloc[i]}' at row {i + 2})"
        )
    return values


def normalise_by(by) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [b.strip() for b in by.split(",") if b.strip()]
    return list(by)


def group_index(data: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer group id per row and the group keys, groups sorted by their keys.

    Missing keys form a group of their own, sorted last; categories sort by value. Each column
    is factorised in its own type and the codes combined, which is many times faster than
    factorising rows of mixed objects.
    """
    if not by:
        return np.zeros(len(data), dtype=np.int64), pd.DataFrame(index=[0])
    codes = np.zeros(len(data), dtype=np.int64)
    levels = []
    for col in by:
        column = data[col]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        col_codes, uniques = pd.factorize(column, sort=True, use_na_sentinel=False)
        codes = codes * len(uniques) + col_codes
        levels.append(uniques)
    if len(by) > 1:  # combined codes sort as the keys do; keep only the combinations present
        codes, present = pd.factorize(codes, sort=True)
        decoded, keys = np.asarray(present), {}
        for col, uniques in zip(reversed(by), reversed(levels), strict=True):
            keys[col] = uniques.take(decoded % len(uniques))
            decoded = decoded // len(uniques)
        return codes.astype(np.int64), pd.DataFrame({c: keys[c] for c in by})
    return codes, pd.DataFrame({by[0]: levels[0]})


def group_sum(
    values: np.ndarray, codes: np.ndarray, n_groups: int, skipna: bool = True
) -> np.ndarray:
    """Sum within groups; with ``skipna=False`` a group containing NaN sums to NaN."""
    if skipna:
        return np.bincount(codes, weights=np.nan_to_num(values), minlength=n_groups)
    out = np.bincount(codes, weights=np.nan_to_num(values), minlength=n_groups)
    has_nan = np.bincount(codes, weights=np.isnan(values).astype(float), minlength=n_groups) > 0
    out[has_nan] = np.nan
    return out


def counts_table(
    data: pd.DataFrame, x: str, n: str, by: list[str], xs: np.ndarray, ns: np.ndarray
) -> pd.DataFrame:
    """Numerators and denominators summed within groups, or the rows themselves without ``by``.

    ``xs`` and ``ns`` are the columns already read by :func:`numeric`. A group with a missing
    count sums to NA, so its statistic is NA (as in R).
    """
    if not by:
        out = data.copy()
        for col, values in ((x, xs), (n, ns)):
            if out[col].dtype != np.float64:  # a float column is already what numeric() read
                out[col] = values
        return out
    codes, keys = group_index(data, by)
    out = keys.copy()
    out[x] = group_sum(xs, codes, len(keys), skipna=False)
    out[n] = group_sum(ns, codes, len(keys), skipna=False)
    return out


def shape_output(
    out: pd.DataFrame,
    type: str,
    levels: Sequence[float],
    data_cols: Sequence[str] = (),
    meta: dict | None = None,
) -> pd.DataFrame:
    """Add metadata columns and drop columns by ``type``, as PHEindicatormethods does.

    ``data_cols`` are the extra data columns (``total_count``…) that only ``standard``/``full`` keep.
    """
    lowers = [lo for lo, _, _ in ci_columns(levels)] if levels else []
    uppers = [up for _, up, _ in ci_columns(levels)] if levels else []
    if meta and type == "full":  # other types drop them: never build them
        if levels:
            out["confidence"] = confidence_label(levels)
        for k, v in meta.items():
            out[k] = v
    meta_cols = [c for c in ("confidence", "statistic", "method") if c in out]
    drop: list[str] = []
    if type == "value":
        drop = [*data_cols, *lowers, *uppers, *meta_cols]
    elif type == "lower":
        drop = [*data_cols, "value", *uppers, *meta_cols]
    elif type == "upper":
        drop = [*data_cols, "value", *lowers, *meta_cols]
    elif type == "standard":
        drop = meta_cols
    return out.drop(columns=[c for c in drop if c in out])
