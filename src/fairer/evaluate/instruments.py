"""Validated wellbeing instruments as data, and scoring that checks every response.

Each instrument is one TOML file (``fairer/evaluate/instruments/<id>.toml``): its items, the
response range, reverse-scored items, how it is scored (``sum``, ``sum_converted`` through a
published conversion table, or ``items`` each on its own), the missing-item rule, the
meaningful-change threshold with its source, the citation and the licence note. A user adds
their own instrument by writing a file in the same format and passing its path.

Scoring never guesses: a response outside the range, an item missing beyond the rule or an
unknown column is one clear error naming the file, row and column.

References
----------
Stewart-Brown S et al. (2009). Internal construct validity of the Warwick-Edinburgh Mental
Well-being Scale (WEMWBS): a Rasch analysis. *Health and Quality of Life Outcomes* 7:15.
Tennant R et al. (2007). The Warwick-Edinburgh Mental Well-being Scale (WEMWBS): development and
UK validation. *Health and Quality of Life Outcomes* 5:63.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError, raise_first

SCORINGS = ("sum", "sum_converted", "items", "count")
#: The groups a published norm may be given for.
NORM_GROUPS = ("all", "male", "female")


@dataclass(frozen=True)
class Instrument:
    """One validated scale, as its definition file gives it."""

    id: str
    title: str
    items: tuple[str, ...]
    min: int
    max: int
    scoring: str
    reverse: tuple[str, ...] = ()
    max_missing: int = 0
    higher_is_better: bool = True
    meaningful_change: float | None = None
    meaningful_change_source: str = ""
    licence: str = ""
    citation: str = ""
    conversion: dict[int, float] = field(default_factory=dict)
    lower_is_better_items: tuple[str, ...] = ()
    #: For ``count`` scoring: the answers to each item that count 1 (De Jong Gierveld).
    count: dict[str, tuple[int, ...]] = field(default_factory=dict)
    #: Published population means to compare a programme with, by sex (``male``/``female``)
    #: or for everyone (``all``); ``norms_source`` says where they were published.
    norms: dict[str, float] = field(default_factory=dict)
    norms_source: str = ""
    #: Published reliability (Cronbach's alpha or test-retest) for reliable change; without
    #: it, alpha is computed from the baseline answers.
    reliability: float | None = None
    reliability_source: str = ""

    @property
    def score_range(self) -> tuple[float, float]:
        """The lowest and highest possible score."""
        if self.scoring == "items":
            return float(self.min), float(self.max)
        n = len(self.items)
        low, high = n * self.min, n * self.max
        if self.scoring == "sum_converted":
            return self.conversion[low], self.conversion[high]
        if self.scoring == "count":
            return 0.0, float(n)
        return float(low), float(high)


def available() -> list[str]:
    """The instruments fairer ships, by id.

    Parameters
    ----------
    None

    Returns
    -------
    list of str

    Examples
    --------
    >>> available()
    ['djg6', 'ons4', 'place_standard', 'swemwbs', 'ucla3', 'wemwbs']
    """
    folder = resources.files("fairer.evaluate").joinpath("instruments")
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def load_instrument(name: str | Path) -> Instrument:
    """Read an instrument: a shipped id (``swemwbs``) or a definition file of your own.

    Parameters
    ----------
    name : str or path-like

    Returns
    -------
    Instrument

    Raises
    ------
    FairerError
        Unknown id, or a definition that does not hold together (a reverse item that is not an
        item, a conversion table that does not cover every raw score …).

    Examples
    --------
    >>> s = load_instrument("swemwbs")
    >>> len(s.items), s.score_range
    (7, (7.0, 35.0))
    """
    path = Path(name)
    if not path.suffix:
        if str(name) not in available():
            raise FairerError(
                f"unknown instrument '{name}': use one of {', '.join(available())}, or a file"
            )
        text = (
            resources.files("fairer.evaluate").joinpath("instruments", f"{name}.toml").read_text()
        )
        where: Path | None = None
    else:
        if not path.exists():
            raise FairerError("instrument file not found", path=path)
        text, where = path.read_text(encoding="utf-8"), path
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FairerError(f"invalid TOML ({exc})", path=where) from None
    d = data.get("instrument", {})
    try:
        inst = Instrument(
            id=str(d["id"]), title=str(d["title"]), items=tuple(d["items"]), min=int(d["min"]),
            max=int(d["max"]), scoring=str(d["scoring"]), reverse=tuple(d.get("reverse", [])),
            max_missing=int(d.get("max_missing", 0)),
            higher_is_better=bool(d.get("higher_is_better", True)),
            meaningful_change=d.get("meaningful_change"),
            meaningful_change_source=str(d.get("meaningful_change_source", "")),
            licence=str(d.get("licence", "")), citation=str(d.get("citation", "")),
            conversion=dict(zip(data.get("conversion", {}).get("raw", []),
                                data.get("conversion", {}).get("score", []), strict=True)),
            lower_is_better_items=tuple(d.get("lower_is_better_items", [])),
            count={k: tuple(int(x) for x in v) for k, v in data.get("count", {}).items()},
            norms={str(k): float(v) for k, v in data.get("norms", {}).items() if k != "source"},
            norms_source=str(data.get("norms", {}).get("source", "")),
            reliability=None if d.get("reliability") is None else float(d["reliability"]),
            reliability_source=str(d.get("reliability_source", "")),
        )  # fmt: skip
    except KeyError as exc:
        raise FairerError(f"[instrument] needs '{exc.args[0]}'", path=where) from None
    except (TypeError, ValueError) as exc:
        raise FairerError(f"[instrument] is malformed ({exc})", path=where) from None
    _check(inst, where)
    return inst


def _check(inst: Instrument, where: Path | None) -> None:
    if inst.scoring not in SCORINGS:
        raise FairerError(f"scoring '{inst.scoring}': use {', '.join(SCORINGS)}", path=where)
    stray = [r for r in (*inst.reverse, *inst.lower_is_better_items) if r not in inst.items]
    if stray:
        raise FairerError(f"reverse item '{stray[0]}' is not one of the items", path=where)
    if inst.min >= inst.max:
        raise FairerError("min must be below max", path=where)
    if not 0 <= inst.max_missing < len(inst.items):
        raise FairerError("max_missing must be from 0 to one less than the items", path=where)
    if inst.scoring == "sum_converted":
        n = len(inst.items)
        needed = set(range(n * inst.min, n * inst.max + 1))
        if set(inst.conversion) != needed:
            raise FairerError(
                f"the conversion table must give every raw score {min(needed)}-{max(needed)}",
                path=where,
            )
        if inst.max_missing:
            raise FairerError("a converted score needs every item (max_missing = 0)", path=where)
    stray_norms = sorted(set(inst.norms) - set(NORM_GROUPS))
    if stray_norms:
        raise FairerError(
            f"[norms] '{stray_norms[0]}': use {', '.join(NORM_GROUPS)} and source", path=where
        )
    if inst.reliability is not None and not (0 < inst.reliability < 1 and inst.reliability_source):
        raise FairerError(
            "reliability must be between 0 and 1, with its reliability_source", path=where
        )
    if inst.norms and not inst.norms_source:
        raise FairerError("[norms] needs a source: where the means were published", path=where)
    if inst.scoring == "count":
        if set(inst.count) != set(inst.items):
            raise FairerError(
                "[count] must list, for every item, the answers that count", path=where
            )
        if any(not inst.min <= a <= inst.max for v in inst.count.values() for a in v):
            raise FairerError("[count] answers must be within the response range", path=where)


def score(
    responses: pd.DataFrame, instrument: Instrument, path: str | Path | None = None
) -> pd.DataFrame:
    """Score each respondent's answers, checking every one.

    Parameters
    ----------
    responses : DataFrame
        One row per respondent and occasion, a column per item (named as the instrument's items).
    instrument : Instrument
    path : path-like, optional
        The file the responses came from, for messages (its first data row is row 2).

    Returns
    -------
    DataFrame
        ``responses`` with ``raw`` (sum of answered items after reversing), ``score`` (the raw
        sum, the converted metric score, or NaN for item-by-item instruments) and ``missing``
        (items not answered). A row missing more items than the rule allows is refused.

    Raises
    ------
    FairerError
        A missing item column, an answer outside the range or not a whole number, or too many
        items missing (file, row and column named).

    Examples
    --------
    >>> s = load_instrument("swemwbs")
    >>> answers = pd.DataFrame([[3, 3, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5, 5]], columns=list(s.items))
    >>> score(answers, s)[["raw", "score"]].values.tolist()
    [[21.0, 19.25], [35.0, 35.0]]
    """
    missing_cols = [c for c in instrument.items if c not in responses.columns]
    if missing_cols:
        raise FairerError(
            f"no column for {instrument.id} item '{missing_cols[0]}' (expected {', '.join(instrument.items)})",
            path=path,
        )
    first_row = int(responses.attrs.get("header_row", 1)) + 1
    values = {}
    for item in instrument.items:
        raw = responses[item]
        v = pd.to_numeric(raw, errors="coerce")
        written = raw.notna() & raw.astype("string").str.strip().ne("")
        bad = (written & v.isna()) | (
            v.notna() & ((v % 1 != 0) | (v < instrument.min) | (v > instrument.max))
        )
        raise_first(
            bad,
            lambda i, raw=raw: (
                f"'{raw.iloc[i]}' is not an answer from {instrument.min} to {instrument.max}"
            ),
            path=path, first_row=first_row, column=item,
        )  # fmt: skip
        if item in instrument.reverse:
            v = instrument.min + instrument.max - v
        values[item] = v
    items = pd.DataFrame(values, index=responses.index)
    missing = items.isna().sum(axis=1)
    too_many = missing > instrument.max_missing
    raise_first(
        too_many,
        lambda i: (
            f"{int(missing.iloc[i])} of {len(instrument.items)} {instrument.id} items unanswered "
            f"(at most {instrument.max_missing} may be)"
        ),
        path=path, first_row=first_row, column=instrument.items[0],
    )  # fmt: skip
    out = responses.copy()
    if instrument.scoring == "count":
        counted = pd.DataFrame(
            {
                i: items[i].isin(instrument.count[i]).where(items[i].notna())
                for i in instrument.items
            }
        )
        out["raw"] = counted.sum(axis=1).astype(float)
        out["score"] = out["raw"]
    elif instrument.scoring == "items":
        out["raw"] = np.nan
        out["score"] = np.nan
    else:
        # Pro-rating where the rule allows missing items: the mean of the answered items.
        raw = (
            items.mean(axis=1) * len(instrument.items)
            if instrument.max_missing
            else items.sum(axis=1)
        )
        out["raw"] = raw.astype(float)
        out["score"] = (
            raw.round().astype(int).map(instrument.conversion).astype(float)
            if instrument.scoring == "sum_converted"
            else raw.astype(float)
        )
    out["missing"] = missing.astype(int)
    return out


__all__ = ["Instrument", "available", "load_instrument", "score"]
