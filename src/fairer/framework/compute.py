"""Indicator values, comparisons, gaps and trends for a place, from whatever data are loaded.

For each framework indicator:

1. **Values per area.** Rows published at the level asked for are used as they are. Otherwise
   small-area counts (numerator and denominator) are summed up to the level (LSOA → ward →
   place) and the statistic recomputed with :mod:`fairer.stats` — rates are never averaged.
   Scores without counts are population-weighted means of their small areas.
2. **Comparison** with a benchmark (England where the data hold it, else the place) at 95% and
   99.8% with :func:`fairer.stats.compare`; **quintiles** within the areas shown where no
   confidence interval is available (quintile 1 = worst, or lowest where there is no polarity).
3. **Disclosure**: counts from 1 to threshold − 1 suppress the value and its limits; the cell is
   kept and marked ``suppressed``.
4. **Trend** as Fingertips marks it (:func:`fairer.stats.recent_trend`): the last five periods,
   a chi-square test for trend in proportions (counts) or a weighted regression on the 95%
   limits (other values), at 99.8% with the one-point check; "increasing/decreasing and getting
   better/worse" by polarity, "no significant change", or "cannot be calculated" (fewer than
   five points). Beside it, ``slope_trend``: the weighted least-squares slope over every period
   with a 95% z-test. **Red-red**: significantly worse than the benchmark and getting worse (as
   Fingertips flags it).
5. **Gaps** inside the place, where LSOA counts exist: values by local IMD decile (the place's
   LSOAs in ten deciles by IMD score), SII and RII with simulated limits — fitted on the logit
   (proportions) or log (rates) scale so the fitted curve stays within range and the RII is a
   true ratio — most vs least deprived local quintile (absolute and relative), and the place
   against England.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairer import stats
from fairer.disclosure import DEFAULT_THRESHOLD, small_counts
from fairer.framework.model import Framework, Indicator
from fairer.sources.geocodes import ENGLAND
from fairer.stats.trend import CANNOT
from fairer.stats.trend import POINTS as TREND_POINTS

LEVELS = ("lsoa", "ward", "lad")


@dataclass
class Results:
    """What :func:`compute_indicators` returns.

    ``cells``: one row per area × indicator × period (``value, lowercl, uppercl`` …);
    ``gaps``: SII/RII and quintile gaps per indicator and period; ``deciles``: values by local
    deprivation decile. Counts are raw here: :func:`fairer.publish.protect` suppresses them,
    the areas of one indicator and period being one line (they add up to the place).
    """

    cells: pd.DataFrame
    gaps: pd.DataFrame
    deciles: pd.DataFrame
    messages: list[str] = field(default_factory=list)

    PUBLISHED = {
        "cells": [["indicator_id", "period"]],
        "deciles": [["indicator_id", "period"]],
    }

    RUG_COLUMNS = [
        "area_code",
        "area_name",
        "indicator_id",
        "period",
        "value",
        "lowercl",
        "uppercl",
        "benchmark",
        "comparison",
        "quintile",
    ]

    def rug_table(self) -> pd.DataFrame:
        """One row per cell, with the columns the rug CSV/XLSX promises first."""
        extra = [c for c in self.cells.columns if c not in self.RUG_COLUMNS]
        return self.cells[self.RUG_COLUMNS + extra]


def _values_from_counts(x, n, ind: Indicator) -> pd.DataFrame:
    df = pd.DataFrame({"x": np.asarray(x, float), "n": np.asarray(n, float)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if ind.statistic == "rate":
            out = stats.rate(
                df, "x", "n", confidence=[0.95, 0.998], multiplier=ind.multiplier or 100000
            )
        else:
            ok = df["x"] <= df["n"]
            df.loc[~ok, "x"] = np.nan
            out = stats.proportion(
                df, "x", "n", confidence=[0.95, 0.998], multiplier=ind.multiplier or 1
            )
    return out[["value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]].rename(
        columns={"lower95_0cl": "lowercl", "upper95_0cl": "uppercl"}
    )


def _member(series: pd.Series, values) -> np.ndarray:
    """``series.isin(values)`` through a hash index (much faster than Arrow strings' isin)."""
    index = pd.Index(pd.unique(np.asarray(values, dtype=object)))
    return index.get_indexer(series.to_numpy(dtype=object)) >= 0


def _countable(ind: Indicator) -> bool:
    return ind.statistic in ("proportion", "rate", "dsr")


def _area_rows(
    rows: pd.DataFrame, ind: Indicator, areas: pd.DataFrame, links: pd.DataFrame, weights: pd.Series
) -> pd.DataFrame:
    """Values for the requested areas from direct rows or from aggregated small-area rows."""
    is_area = _member(rows["area_code"], areas["area_code"])
    direct = rows[is_area]
    out = []
    if not direct.empty:
        d = direct.copy()
        need = d["value"].isna() & d["numerator"].notna() & d["denominator"].notna()
        if need.any() and _countable(ind):
            calc = _values_from_counts(d.loc[need, "numerator"], d.loc[need, "denominator"], ind)
            calc.index = d.index[need]
            d.loc[need, ["value", "lowercl", "uppercl"]] = calc[
                ["value", "lowercl", "uppercl"]
            ].to_numpy()
        if _countable(ind) and d["numerator"].notna().any():
            calc = _values_from_counts(d["numerator"], d["denominator"], ind)
            d["lower99_8cl"], d["upper99_8cl"] = (
                calc["lower99_8cl"].to_numpy(),
                calc["upper99_8cl"].to_numpy(),
            )
        out.append(d)
    small = rows[
        rows["area_code"].isin(links["child_code"]) & ~rows["area_code"].isin(areas["area_code"])
    ]
    missing_areas = set(areas["area_code"]) - set(direct["area_code"])
    if not small.empty and missing_areas:
        s = small.merge(links, left_on="area_code", right_on="child_code")
        s = s[_member(s["parent_code"], list(missing_areas))]
        if not s.empty:
            if _countable(ind) and s["numerator"].notna().all():
                agg = s.groupby(["parent_code", "period"], as_index=False)[
                    ["numerator", "denominator"]
                ].sum()
                calc = _values_from_counts(agg["numerator"], agg["denominator"], ind)
                agg = pd.concat([agg, calc], axis=1)
            else:
                s = s.assign(w=s["area_code"].map(weights).fillna(1.0))
                s["wv"] = s["value"] * s["w"]
                agg = s.groupby(["parent_code", "period"], as_index=False)[["wv", "w"]].sum()
                agg["value"] = agg["wv"] / agg["w"]
                agg = agg.drop(columns=["wv", "w"]).assign(numerator=np.nan, denominator=np.nan)
            out.append(agg.rename(columns={"parent_code": "area_code"}))
    if not out:
        return pd.DataFrame()
    res = pd.concat(out, ignore_index=True)
    for c in ("lowercl", "uppercl", "lower99_8cl", "upper99_8cl", "numerator", "denominator"):
        if c not in res:
            res[c] = np.nan
    return res[
        [
            "area_code",
            "period",
            "numerator",
            "denominator",
            "value",
            "lowercl",
            "uppercl",
            "lower99_8cl",
            "upper99_8cl",
        ]
    ]


def _trends(vals: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """Direction of travel and latest change for every area at once (vectorised).

    Within each area the periods are taken in order (x = 0, 1, 2 …); the slope of value on x is
    fitted by weighted least squares with weights 1/SE² (SE from the 95% limits) and tested with
    a 95% z-test, from grouped sums.
    """
    v = vals.sort_values(["area_code", "period"])
    g = v.groupby("area_code", sort=False)
    x = g.cumcount().to_numpy(float)
    n_periods = g["period"].transform("size").to_numpy()
    se = ((v["uppercl"] - v["lowercl"]) / (2 * 1.959963984540054)).to_numpy()
    y = v["value"].to_numpy(float)
    ok = ~np.isnan(y) & (se > 0)
    w = np.where(ok, 1 / np.where(ok, se, 1) ** 2, 0.0)
    y0 = np.where(ok, y, 0.0)
    sums = (
        pd.DataFrame(
            {
                "a": v["area_code"].to_numpy(),
                "w": w,
                "wx": w * x,
                "wxx": w * x * x,
                "wy": w * y0,
                "wxy": w * x * y0,
                "k": ok.astype(int),
            }
        )
        .groupby("a", sort=False)
        .sum()
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        sxx = sums["wxx"] - sums["wx"] ** 2 / sums["w"]
        slope = (sums["wxy"] - sums["wx"] * sums["wy"] / sums["w"]) / sxx
        z = slope * np.sqrt(sxx)
    periods = pd.Series(n_periods, index=v["area_code"].to_numpy()).groupby(level=0).first()
    up = slope > 0
    if ind.polarity == "higher is better":
        words = np.where(up, "getting better", "getting worse")
    elif ind.polarity == "lower is better":
        words = np.where(up, "getting worse", "getting better")
    else:
        words = np.where(up, "increasing", "decreasing")
    trend = np.where(np.abs(z) < 1.959963984540054, "no significant change", words)
    trend = np.where(sums["k"] < 2, "no confidence intervals", trend)
    trend = np.where(periods.reindex(sums.index).to_numpy() < 2, "not enough periods", trend)
    change = g["value"].diff()
    last_change = change.groupby(v["area_code"].to_numpy(), sort=False).last()
    marker = _fingertips_trend(v, ind).reindex(sums.index)
    return pd.DataFrame(
        {
            "trend": marker.to_numpy(),
            "slope_trend": trend,
            "change": last_change.reindex(sums.index).to_numpy(),
        },
        index=sums.index,
    )


def _fingertips_trend(v: pd.DataFrame, ind: Indicator) -> pd.Series:
    """The Fingertips recent-trend marker of every area (last five points, 99.8%)."""
    if v.groupby("area_code", sort=False)["period"].nunique().max() < TREND_POINTS:
        # fewer periods than the test needs anywhere: every marker is "cannot be calculated"
        return pd.Series(CANNOT, index=v["area_code"].unique())
    pol = ind.polarity if ind.polarity in ("higher is better", "lower is better") else None
    counted = ind.statistic == "proportion" and v["numerator"].notna().any()
    kw = (
        {"x": "numerator", "n": "denominator"}
        if counted
        else {"value": "value", "lowercl": "lowercl", "uppercl": "uppercl"}
    )
    out = stats.recent_trend(v, "period", by="area_code", polarity=pol, **kw)
    return out.set_index("area_code")["trend"]


def compute_indicators(
    framework: Framework,
    rows: pd.DataFrame,
    areas: pd.DataFrame,
    links: pd.DataFrame | None = None,
    weights: pd.Series | None = None,
    benchmark: str = "england",
    place_codes: list[str] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    imd: pd.DataFrame | None = None,
    sii_repetitions: int = 10_000,
) -> Results:
    """Compute every framework indicator for ``areas``.

    Parameters
    ----------
    framework : Framework
    rows : DataFrame
        Tidy indicator rows (``indicator_id, area_code, period, group, numerator, denominator,
        value, lowercl, uppercl``) at any level, including England (``E92000001``).
    areas : DataFrame
        ``area_code, area_name`` of the areas to show (the rug's rows).
    links : DataFrame, optional
        ``child_code, parent_code``: small areas (LSOAs) → the shown areas, for aggregation.
    weights : Series, optional
        Population by small area, for weighting scores.
    benchmark : {'england', 'place'} or Comparator
        England (its published rows, ``E92000001``; if absent, the counts of every area in the
        data pooled, named so), the place itself (aggregated from its small areas or its own
        rows), or a :class:`Comparator` region or group (its published row, else its members'
        counts pooled, never a median). Where neither can be had, there is no comparator and cells are "not compared";
        a median of areas is never used, as no publisher's comparator is one.
    place_codes : list of str
        The place's LA codes (for the place benchmark and place-level values).
    threshold : int
        Disclosure threshold: counts from 1 to threshold − 1 are suppressed.
    imd : DataFrame, optional
        ``lsoa_code, imd_score, population`` of the place's LSOAs, for gaps by local decile.
    """
    links = links if links is not None else pd.DataFrame(columns=["child_code", "parent_code"])
    weights = weights if weights is not None else pd.Series(dtype=float)
    rows = rows[rows["group"].fillna("") == ""] if "group" in rows else rows
    messages = framework.check_data(set(rows["indicator_id"]))
    cells, gaps, deciles = [], [], []
    names = areas.set_index("area_code")["area_name"]
    by_indicator = dict(tuple(rows.groupby("indicator_id", sort=False)))
    for ind in framework.indicators:
        r = by_indicator.get(ind.data_id, rows.iloc[0:0])
        if r.empty:
            continue
        vals = _area_rows(r, ind, areas, links, weights)
        if vals.empty:
            messages.append(f"indicator '{ind.id}' has data, but none for these areas")
            continue
        bench = _benchmarks(r, ind, vals, benchmark, place_codes, links, weights, areas)
        vals = vals.merge(bench, on="period", how="left")
        # Small cells are blanked before comparisons and quintiles so they never shape them;
        # the publish step re-applies the same rule with secondary suppression.
        small = small_counts(vals["numerator"], threshold)
        vals["suppressed"] = small
        vals.loc[small, ["value", "lowercl", "uppercl", "lower99_8cl", "upper99_8cl"]] = np.nan
        pol = ind.polarity if ind.polarity != "no judgement" else None
        vals["comparison"] = stats.compare(
            vals["value"], vals["lowercl"], vals["uppercl"], vals["benchmark"], pol
        )
        vals["comparison99_8"] = stats.compare(
            vals["value"], vals["lower99_8cl"], vals["upper99_8cl"], vals["benchmark"], pol
        )
        vals["quintile"] = np.nan
        for _period, part in vals.groupby("period"):
            ok = part["value"].notna()
            if ok.sum() >= 5:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    q = stats.quantile(
                        part[ok],
                        "value",
                        nquantiles=5,
                        invert=ind.polarity == "lower is better",
                        type="standard",
                    )
                vals.loc[q.index, "quintile"] = q["quantile"]
        trends = _trends(vals, ind)
        vals["trend"] = vals["area_code"].map(trends["trend"])
        vals["slope_trend"] = vals["area_code"].map(trends["slope_trend"])
        vals["change"] = vals["area_code"].map(trends["change"])
        latest = vals.groupby("area_code")["period"].transform("max") == vals["period"]
        vals["latest"] = latest
        vals["red_red"] = (
            latest
            & (vals["comparison"] == "worse")
            & vals["trend"].astype(str).str.endswith("getting worse")
        )
        vals = vals.assign(
            indicator_id=ind.id,
            indicator_title=ind.title,
            domain=ind.domain,
            measure=ind.measure,
            polarity=ind.polarity,
            unit=ind.unit,
            area_name=vals["area_code"].map(names),
        )
        cells.append(vals)
        if imd is not None and _countable(ind):
            g, d = _gaps(r, ind, imd, bench)
            gaps += g
            deciles += d
    cell_df = (
        pd.concat(cells, ignore_index=True) if cells else pd.DataFrame(columns=Results.RUG_COLUMNS)
    )
    return Results(
        cell_df,
        pd.DataFrame(gaps),
        pd.concat(deciles, ignore_index=True) if deciles else pd.DataFrame(),
        messages,
    )


@dataclass(frozen=True)
class Comparator:
    """What cells are compared with: England, the place, its region, or a group of authorities.

    ``codes`` are the member authorities (pooled when the data give counts); ``code`` is the
    comparator's own area code where publishers give it a row (a region's ``E12…``).
    """

    kind: str = "england"
    name: str = "England"
    codes: tuple[str, ...] = ()
    code: str | None = None
    #: LSOA → authority, national, so small-area counts can be pooled for the members.
    lsoa_lads: pd.Series | None = field(default=None, compare=False, repr=False)


def _benchmarks(r, ind, vals, benchmark, place_codes, links, weights, areas) -> pd.DataFrame:
    if isinstance(benchmark, Comparator) and benchmark.kind in ("region", "group"):
        return _group_benchmark(r, ind, vals, benchmark)
    if isinstance(benchmark, Comparator):
        benchmark = benchmark.kind
    if benchmark == "england":
        eng = r[r["area_code"] == ENGLAND]
        if not eng.empty:
            e = eng.copy()
            need = e["value"].isna() & e["numerator"].notna()
            if need.any() and _countable(ind):
                e.loc[need, "value"] = _values_from_counts(
                    e.loc[need, "numerator"], e.loc[need, "denominator"], ind
                )["value"].to_numpy()
            return (
                e.groupby("period", as_index=False)["value"]
                .first()
                .rename(columns={"value": "benchmark"})
                .assign(benchmark_name="England")
            )
        peers = r[r["area_code"] != ENGLAND]
        if (
            _countable(ind)
            and peers["numerator"].notna().all()
            and peers["denominator"].notna().all()
        ):
            # No England row: pool the counts of every area in the data (England itself when the
            # data are national, as IoD files are).
            pooled = peers.groupby("period", as_index=False)[["numerator", "denominator"]].sum()
            pooled["benchmark"] = _values_from_counts(
                pooled["numerator"], pooled["denominator"], ind
            )["value"].to_numpy()
            return pooled[["period", "benchmark"]].assign(
                benchmark_name="all areas in the data, pooled"
            )
        # Neither a published England figure nor counts to pool: a median of areas is no
        # comparator anyone publishes, so there is none (the cells say "not compared").
        return _no_benchmark(vals)
    place_areas = pd.DataFrame({"area_code": place_codes or [], "area_name": place_codes or []})
    place_links = (
        links.assign(parent_code=(place_codes or [""])[0])
        if len(place_codes or []) == 1
        else links.iloc[0:0]
    )
    pv = _area_rows(r, ind, place_areas, place_links, weights)
    if pv.empty:
        return _no_benchmark(vals)
    return (
        pv.groupby("period", as_index=False)["value"]
        .first()
        .rename(columns={"value": "benchmark"})
        .assign(benchmark_name="the place")
    )


def _group_benchmark(r, ind, vals, comparator: Comparator) -> pd.DataFrame:
    """A region or group of authorities: its published row, else its members' counts pooled.

    Pooling needs every member's numerator and denominator for the period (a group missing a
    member is not that group); values without counts cannot be pooled honestly, so then there
    is no comparator, and the cells say "not compared".
    """
    if comparator.code is not None:
        own = r[r["area_code"] == comparator.code]
        if not own.empty and own["value"].notna().any():
            return (
                own.groupby("period", as_index=False)["value"].first()
                .rename(columns={"value": "benchmark"})
                .assign(benchmark_name=comparator.name)
            )  # fmt: skip
    members = r[r["area_code"].isin(comparator.codes)].assign(lad=lambda d: d["area_code"])
    if members.empty and comparator.lsoa_lads is not None:  # small-area rows: by authority
        lad = r["area_code"].map(comparator.lsoa_lads)
        members = r[lad.isin(comparator.codes)].assign(lad=lad[lad.isin(comparator.codes)])
    if not _countable(ind) or members.empty:
        return _no_benchmark(vals)
    rows = []
    for period, part in members.groupby("period"):
        whole = set(part["lad"]) >= set(comparator.codes)
        counted = part["numerator"].notna().all() and part["denominator"].notna().all()
        if whole and counted:
            rows.append({"period": period, "numerator": part["numerator"].sum(),
                         "denominator": part["denominator"].sum()})  # fmt: skip
    if not rows:
        return _no_benchmark(vals)
    pooled = pd.DataFrame(rows)
    pooled["benchmark"] = _values_from_counts(pooled["numerator"], pooled["denominator"], ind)[
        "value"
    ].to_numpy()
    return pooled[["period", "benchmark"]].assign(benchmark_name=comparator.name)


def _no_benchmark(vals: pd.DataFrame) -> pd.DataFrame:
    """No comparator for these periods: every cell is left "not compared"."""
    periods = pd.Series(sorted(vals["period"].unique()), name="period")
    return pd.DataFrame({"period": periods, "benchmark": np.nan, "benchmark_name": None})


def _gaps(r, ind, imd, bench) -> tuple[list[dict], list[pd.DataFrame]]:
    """Values by local IMD decile, SII/RII and quintile gaps, per period (from LSOA counts)."""
    lsoa = r[
        r["area_code"].isin(imd["lsoa_code"]) & r["numerator"].notna() & r["denominator"].notna()
    ]
    if lsoa.empty:
        return [], []
    deciles = local_deciles(imd)
    gaps, tables = [], []
    for period, part in lsoa.groupby("period"):
        p = part.merge(deciles, left_on="area_code", right_on="lsoa_code")
        by_dec = p.groupby("decile", as_index=False)[["numerator", "denominator"]].sum()
        if len(by_dec) < 10:
            continue
        vals = pd.concat(
            [by_dec, _values_from_counts(by_dec["numerator"], by_dec["denominator"], ind)], axis=1
        )
        vals = vals.assign(indicator_id=ind.id, period=period)
        tables.append(vals)
        quint = (
            p.assign(quintile=(p["decile"] + 1) // 2)
            .groupby("quintile")[["numerator", "denominator"]]
            .sum()
        )
        qv = _values_from_counts(quint["numerator"], quint["denominator"], ind)["value"].to_numpy()
        place = _values_from_counts([p["numerator"].sum()], [p["denominator"].sum()], ind).iloc[0]
        eng = bench.loc[bench["period"] == period, "benchmark"]
        eng_value = float(eng.iloc[0]) if len(eng) else np.nan
        sii_in = vals.assign(pop=by_dec["denominator"])
        scale = ind.multiplier or 1
        vt = 2 if ind.statistic == "proportion" else 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = stats.sii(
                sii_in.assign(
                    value=sii_in["value"] / scale if vt == 2 else sii_in["value"],
                    lowercl=sii_in["lowercl"] / scale if vt == 2 else sii_in["lowercl"],
                    uppercl=sii_in["uppercl"] / scale if vt == 2 else sii_in["uppercl"],
                ),
                "decile",
                "pop",
                value="value",
                lower_cl="lowercl",
                upper_cl="uppercl",
                value_type=vt,
                transform=True,
                rii=True,
                intercept=True,
                repetitions=10_000,
                seed=1,
                type="standard",
            )
        f = scale if vt == 2 else 1
        row = s.iloc[0] if len(s) else None
        gaps.append(
            {
                "indicator_id": ind.id,
                "period": period,
                "place_value": place["value"],
                "place_lowercl": place["lowercl"],
                "place_uppercl": place["uppercl"],
                "england": eng_value,
                "place_vs_england": stats.compare(
                    [place["value"]],
                    [place["lowercl"]],
                    [place["uppercl"]],
                    eng_value,
                    ind.polarity if ind.polarity != "no judgement" else None,
                )[0],
                "most_deprived_quintile": qv[0],
                "least_deprived_quintile": qv[-1],
                "absolute_gap": qv[0] - qv[-1],
                "relative_gap": qv[0] / qv[-1] if qv[-1] else np.nan,
                "sii": row["sii"] * f if row is not None else np.nan,
                "sii_lowercl": row["sii_lower95_0"] * f if row is not None else np.nan,
                "sii_uppercl": row["sii_upper95_0"] * f if row is not None else np.nan,
                "rii": row["rii"] if row is not None else np.nan,
                "rii_lowercl": row["rii_lower95_0"] if row is not None else np.nan,
                "rii_uppercl": row["rii_upper95_0"] if row is not None else np.nan,
                "intercept": row["intercept"] * f if row is not None else np.nan,
                "fit": "logit" if vt == 2 else "log",
            }
        )
    return gaps, tables


def local_deciles(imd: pd.DataFrame) -> pd.DataFrame:
    """The place's LSOAs in ten local deciles of IMD score (1 = most deprived), by rank."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = stats.quantile(
            imd[["lsoa_code", "imd_score"]].dropna(),
            "imd_score",
            nquantiles=10,
            invert=True,
            type="standard",
        )
    return q.rename(columns={"quantile": "decile"})[["lsoa_code", "decile"]]
