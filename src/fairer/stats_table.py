"""Run a statistic on a table file and write the result: what ``fairer stats`` calls.

The file I/O and option parsing live here, outside :mod:`fairer.stats`, so the statistics
themselves stay frames in, frames out, importing nothing of fairer but its errors.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from fairer.errors import FairerError
from fairer.stats import (
    StatsError,
    StatsWarning,
    dsr,
    funnel_limits,
    funnel_points,
    funnel_significance,
    israte,
    isratio,
    life_expectancy,
    mean,
    proportion,
    quantile,
    rate,
    sii,
)
from fairer.tabular import read_table, write_table

METHODS = (
    "proportion", "rate", "mean", "dsr", "isratio", "israte", "life-expectancy", "sii",
    "quantile", "funnel-limits", "funnel-significance", "funnel-points",
)  # fmt: skip


def _need(opts: dict, method: str, *names: str) -> None:
    for n in names:
        if opts.get(n) in (None, ""):
            raise FairerError(f"{method} needs --{n.replace('_', '-')}")  # an option, not the data


def _vector_or_column(v: str | None):
    """``'1,2,3'`` becomes a list of numbers; anything else stays a column name."""
    if v is None:
        return None
    parts = [p.strip() for p in str(v).split(",")]
    try:
        return [float(p) if p.upper() != "NA" else float("nan") for p in parts]
    except ValueError:
        return v


def _bool(v) -> bool | str:
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in ("true", "t", "1", "yes"):
        return True
    if s in ("false", "f", "0", "no"):
        return False
    return str(v)  # a column name (quantile's invert)


def compute(method: str, data: pd.DataFrame, **opts) -> pd.DataFrame:
    """Run ``method`` on ``data`` with CLI-style options (strings allowed), return the result.

    Options are the keyword names of the statistic functions (``x, n, by, confidence …``), as
    ``fairer stats`` passes them.
    """
    if method not in METHODS:
        raise StatsError(f"unknown method '{method}': choose one of {', '.join(METHODS)}")
    o = {k: v for k, v in opts.items() if v is not None}
    common = {k: o[k] for k in ("by", "type") if k in o}
    conf = {"confidence": o["confidence"]} if "confidence" in o else {}
    mult = {"multiplier": float(o["multiplier"])} if "multiplier" in o else {}
    if method in ("proportion", "rate"):
        _need(o, method, "x", "n")
        fn = proportion if method == "proportion" else rate
        return fn(data, o["x"], o["n"], **common, **conf, **mult)
    if method == "mean":
        _need(o, method, "x")
        return mean(data, o["x"], **common, **conf)
    if method == "dsr":
        _need(o, method, "x", "n")
        return dsr(
            data,
            o["x"],
            o["n"],
            stdpop=o.get("stdpop", "esp2013"),
            **common,
            **conf,
            **mult,
            independent_events=bool(_bool(o.get("independent_events", True))),
            eventfreq=o.get("eventfreq"),
            ageband=o.get("ageband"),
        )
    if method in ("isratio", "israte"):
        _need(o, method, "x", "n", "x_ref", "n_ref")
        ref = {"x_ref": _vector_or_column(o["x_ref"]), "n_ref": _vector_or_column(o["n_ref"])}
        if method == "isratio":
            extra = {"refvalue": float(o["refvalue"])} if "refvalue" in o else {}
            return isratio(data, o["x"], o["n"], **ref, **common, **conf, **extra)
        return israte(data, o["x"], o["n"], **ref, **common, **conf, **mult)
    if method == "life-expectancy":
        _need(o, method, "deaths", "population", "startage")
        ages = o.get("age_contents")
        le_age = o.get("le_age", "all")
        return life_expectancy(
            data,
            o["deaths"],
            o["population"],
            o["startage"],
            **common,
            **conf,
            age_contents=[a.strip() for a in ages.split(",")] if isinstance(ages, str) else ages,
            le_age=le_age if le_age == "all" else [a.strip() for a in str(le_age).split(",")],
        )
    if method == "sii":
        _need(o, method, "quantile", "population")
        return sii(
            data,
            o["quantile"],
            o["population"],
            by=o.get("by"),
            x=o.get("x"),
            value=o.get("value"),
            value_type=int(o.get("value_type", 0)),
            transform=bool(_bool(o.get("transform", False))),
            lower_cl=o.get("lower_cl"),
            upper_cl=o.get("upper_cl"),
            se=o.get("se"),
            confidence=o.get("confidence", 0.95),
            multiplier=float(o.get("multiplier", 1)),
            repetitions=int(o.get("repetitions", 100_000)),
            rii=bool(_bool(o.get("rii", False))),
            intercept=bool(_bool(o.get("intercept", False))),
            type=o.get("type", "full"),
            seed=int(o["seed"]) if "seed" in o else None,
        )
    if method == "quantile":
        _need(o, method, "values")
        return quantile(
            data,
            o["values"],
            by=o.get("by"),
            nquantiles=int(o.get("nquantiles", 10)),
            invert=_bool(o.get("invert", True)),
            type=o.get("type", "full"),
        )
    funnel = {
        "statistic": o.get("statistic", "proportion"),
        "rate": o.get("rate"),
        "rate_type": o.get("rate_type"),
        "multiplier": float(o["multiplier"]) if "multiplier" in o else None,
    }
    if method == "funnel-limits":
        _need(o, method, "x")
        return funnel_limits(
            data,
            o["x"],
            o.get("n"),
            ratio_type=o.get("ratio_type"),
            years_of_data=float(o["years_of_data"]) if "years_of_data" in o else None,
            type=o.get("type", "full"),
            **{
                **funnel,
                "multiplier": funnel["multiplier"] if funnel["multiplier"] is not None else 100,
            },
        )
    if method == "funnel-significance":
        _need(o, method, "x")
        return funnel_significance(data, o["x"], o.get("n"), **funnel)
    _need(o, method, "x", "rate", "rate_type", "years_of_data", "multiplier")
    return funnel_points(
        data,
        o["x"],
        o["rate"],
        o["rate_type"],
        float(o["years_of_data"]),
        float(o["multiplier"]),
        o.get("n"),
    )


def run_stats(
    method: str, input_path: str | Path, output_path: str | Path, **opts
) -> tuple[Path, list[str]]:
    """Read ``input_path``, compute ``method``, write ``output_path`` (CSV/Parquet/XLSX, atomically).

    Returns
    -------
    (Path, list of str)
        The output path and the warnings raised (results suppressed to NA and why).
    """
    data = read_table(input_path, thousands=None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", StatsWarning)
        try:
            result = compute(method, data, **opts)
        except StatsError as exc:
            if exc.path is not None:
                raise
            # The statistic names the rule; the user also needs the file it was broken in.
            raise FairerError(
                exc.message, path=input_path, row=exc.row, column=exc.column
            ) from None
    messages = list(
        dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, StatsWarning))
    )
    return write_table(result, output_path), messages
