"""Before and after a programme: paired change on a validated scale, with who dropped out.

Most programme evaluations in this field report a before/after mean on a few dozen people with
no interval and no word on drop-out. This one gives, overall and by group: how many started and
how many completed follow-up (attrition beside every result, because drop-out is where these
evaluations mislead), the mean change with its 95% confidence interval (paired t), the
standardised effect size d_z (mean change over the standard deviation of changes) with an
approximate 95% interval, and the shares whose change reaches the instrument's meaningful
threshold, up and down. "No evidence of change" is said as readily as "improved".

References
----------
Lakens D (2013). Calculating and reporting effect sizes to facilitate cumulative science.
*Frontiers in Psychology* 4:863 (d_z for paired designs).
Barnett AG, van der Pols JC, Dobson AJ (2005). Regression to the mean: what it is and how to
deal with it. *International Journal of Epidemiology* 34(1):215-220.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from fairer.errors import FairerError, raise_first
from fairer.evaluate.instruments import Instrument, score

#: Disclosure control of the results: each set of counts and what is derived from them. People
#: who started and completed carry every statistic; the counts improving and worsening carry
#: only their own shares (a small count hides its share, not the mean). Groups' rows add up to
#: the "all" row, so secondary suppression runs along each group.
PROTECT = [
    (["started", "completed"],
     ["completion", "mean_baseline", "mean_followup", "mean_change", "lowercl", "uppercl",
      "effect_size", "effect_lowercl", "effect_uppercl", "p_value", "verdict", "improved",
      "deteriorated", "share_improved", "share_deteriorated", "norm", "baseline_vs_norm",
      "followup_vs_norm", "norm_lowercl", "norm_uppercl", "reliably_improved",
      "reliably_deteriorated", "share_reliably_improved", "share_reliably_deteriorated"]),
    (["improved"], ["share_improved"]),
    (["deteriorated"], ["share_deteriorated"]),
    (["reliably_improved"], ["share_reliably_improved"]),
    (["reliably_deteriorated"], ["share_reliably_deteriorated"]),
]  # fmt: skip


@dataclass
class BeforeAfter:
    """Paired change overall and by group, with attrition, and the notes that go with it."""

    instrument: Instrument
    results: pd.DataFrame
    #: Warnings a reader must weigh (drop-out, regression to the mean).
    notes: list[str] = field(default_factory=list)
    #: What a column means (the norm compared with), shown with the results.
    explanations: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """One line per row: who, completion, change with its interval, and the verdict (a
        suppressed count shows as *)."""

        def n(v) -> str:
            return "*" if v != v else f"{int(v):,}"

        lines = []
        for r in self.results.itertuples():
            who = "everyone" if r.group == "all" else f"{r.group} {r.level}"
            change = (
                "–" if r.mean_change != r.mean_change
                else f"{r.mean_change:+.2f} (95% CI {r.lowercl:+.2f} to {r.uppercl:+.2f})"
            )  # fmt: skip
            verdict = r.verdict or "suppressed (small numbers)"
            lines.append(
                f"{who}: {n(r.completed)} of {n(r.started)} completed; change {change}; {verdict}"
            )
        return lines


#: How a sex column's answers map to the published norms' groups.
SEXES = {"male": "male", "m": "male", "man": "male", "men": "male",
         "female": "female", "f": "female", "woman": "female", "women": "female"}  # fmt: skip


def _person_norms(base: pd.DataFrame, inst: Instrument) -> pd.Series:
    """Each person's published population mean: for their sex where the norms are by sex."""
    column = next((c for c in base.columns if str(c).strip().lower() in ("sex", "gender")), None)
    sexes = (
        base[column].astype("string").str.strip().str.lower().map(SEXES)
        if column is not None
        else pd.Series(pd.NA, index=base.index, dtype="string")
    )
    norms = sexes.map(inst.norms).astype(float)
    if "all" in inst.norms:
        norms = norms.fillna(inst.norms["all"])
    return norms


def _against_norms(part: pd.DataFrame) -> dict:
    """Baseline and follow-up against the people's own norms, with a one-sample t interval."""
    have = part.dropna(subset=["norm"])
    out = {"norm": np.nan, "baseline_vs_norm": np.nan, "followup_vs_norm": np.nan,
           "norm_lowercl": np.nan, "norm_uppercl": np.nan}  # fmt: skip
    if len(have) < 2:
        return out
    gap = (have["score_after"] - have["norm"]).to_numpy(float)
    t = stats.t.ppf(0.975, len(gap) - 1)
    se = gap.std(ddof=1) / np.sqrt(len(gap))
    out.update(norm=float(have["norm"].mean()),
               baseline_vs_norm=float((have["score"] - have["norm"]).mean()),
               followup_vs_norm=float(gap.mean()), norm_lowercl=float(gap.mean() - t * se),
               norm_uppercl=float(gap.mean() + t * se))  # fmt: skip
    return out


def cronbach_alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha of item answers (complete rows only).

    Parameters
    ----------
    items : DataFrame
        One column per item, one row per person (already reverse-scored where needed).

    Returns
    -------
    float
        ``k / (k - 1) * (1 - sum of item variances / variance of the total)``; NaN with fewer
        than two items or two complete rows, or no variance.

    References
    ----------
    Cronbach LJ (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika* 16:297-334.

    Examples
    --------
    >>> round(cronbach_alpha(pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 2, 3, 5]})), 4)
    0.972
    """
    x = items.apply(pd.to_numeric, errors="coerce").dropna().to_numpy(float)
    k = x.shape[1] if x.ndim == 2 else 0
    if k < 2 or len(x) < 2:
        return float("nan")
    total = x.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total))


def reliable_change(baseline_sd: float, reliability: float) -> float:
    """The smallest change that is reliable at the 95% level (Jacobson and Truax).

    Parameters
    ----------
    baseline_sd : float
        Standard deviation of the baseline scores.
    reliability : float
        The scale's reliability (Cronbach's alpha or test-retest).

    Returns
    -------
    float
        ``1.96 × √2 × SD × √(1 − reliability)``: a change at least this large is unlikely
        (p < 0.05) to be measurement error alone.

    References
    ----------
    Jacobson NS, Truax P (1991). Clinical significance: a statistical approach to defining
    meaningful change in psychotherapy research. *J Consult Clin Psychol* 59(1):12-19.

    Examples
    --------
    >>> round(reliable_change(8.0, 0.91), 3)
    6.652
    """
    return float(stats.norm.ppf(0.975) * np.sqrt(2) * baseline_sd * np.sqrt(1 - reliability))


def _paired(changes: np.ndarray, base: np.ndarray, follow: np.ndarray, inst: Instrument) -> dict:
    n = len(changes)
    out = {"completed": n, "mean_baseline": np.nan, "mean_followup": np.nan, "mean_change": np.nan,
           "lowercl": np.nan, "uppercl": np.nan, "effect_size": np.nan, "effect_lowercl": np.nan,
           "effect_uppercl": np.nan, "p_value": np.nan, "improved": 0, "deteriorated": 0,
           "share_improved": np.nan, "share_deteriorated": np.nan, "verdict": "too few to say"}  # fmt: skip
    if n == 0:
        return out
    sign = 1 if inst.higher_is_better else -1
    threshold = inst.meaningful_change or 0
    improved = (
        int((sign * changes >= threshold).sum()) if threshold else int((sign * changes > 0).sum())
    )
    worse = (
        int((-sign * changes >= threshold).sum()) if threshold else int((sign * changes < 0).sum())
    )
    out.update(mean_baseline=float(base.mean()), mean_followup=float(follow.mean()),
               mean_change=float(changes.mean()), improved=improved, deteriorated=worse,
               share_improved=improved / n, share_deteriorated=worse / n)  # fmt: skip
    if n < 2:
        return out
    sd = changes.std(ddof=1)
    se = sd / np.sqrt(n)
    t = stats.t.ppf(0.975, n - 1)
    out["lowercl"], out["uppercl"] = out["mean_change"] - t * se, out["mean_change"] + t * se
    if sd > 0:
        d = out["mean_change"] / sd
        d_se = np.sqrt(1 / n + d**2 / (2 * n))
        z = stats.norm.ppf(0.975)
        out.update(effect_size=d, effect_lowercl=d - z * d_se, effect_uppercl=d + z * d_se,
                   p_value=float(2 * stats.t.sf(abs(out["mean_change"] / se), n - 1)))  # fmt: skip
        up, down = out["lowercl"] > 0, out["uppercl"] < 0  # the interval clear of no change
        better, poorer = (up, down) if sign > 0 else (down, up)
        out["verdict"] = "improved" if better else "worsened" if poorer else "no evidence of change"
    return out


def before_after(
    baseline: pd.DataFrame,
    followup: pd.DataFrame,
    instrument: Instrument,
    id_column: str = "id",
    groups: list[str] | None = None,
    entry_cutoff: float | None = None,
    paths: tuple | None = None,
    item: str | None = None,
) -> BeforeAfter:
    """Paired before/after change on an instrument, overall and by each group column.

    Parameters
    ----------
    baseline, followup : DataFrame
        One row per person: ``id_column``, the instrument's items, optional ``date`` and group
        columns (taken from the baseline).
    instrument : Instrument
    id_column : str
    groups : list of str, optional
        Baseline columns to break results down by (``imd_quintile``, ``age_band``, ``sex`` …).
    entry_cutoff : float, optional
        When entry to the programme depended on a low (or high) baseline score, the cut-off:
        results then carry a regression-to-the-mean warning.
    paths : (path, path), optional
        The two files, for messages.
    item : str, optional
        For instruments reported item by item (ONS4, the Place Standard): the item to evaluate.

    Returns
    -------
    BeforeAfter
        ``results``: one row per group value (``group``, ``level``; overall first) with
        ``started``, ``completed``, ``completion`` and the paired statistics.

    Raises
    ------
    FairerError
        A person twice in one wave, a follow-up for someone with no baseline, a follow-up dated
        before its baseline, or an answer the instrument refuses (file, row, column named).

    Examples
    --------
    >>> from fairer.evaluate.instruments import load_instrument
    >>> s = load_instrument("swemwbs")
    >>> base = pd.DataFrame([[i, *[3] * 7] for i in range(6)], columns=["id", *s.items])
    >>> after = base.head(4).assign(optimistic=4, useful=4)
    >>> r = before_after(base, after, s).results.iloc[0]
    >>> int(r["started"]), int(r["completed"]), round(float(r["mean_change"]), 2)
    (6, 4, 1.48)
    """
    bpath, fpath = paths or (None, None)
    for df, path in ((baseline, bpath), (followup, fpath)):
        if id_column not in df:
            raise FairerError(f"no '{id_column}' column to match people by", path=path)
        ids = df[id_column].astype("string").str.strip()
        first = int(df.attrs.get("header_row", 1)) + 1
        raise_first(ids.duplicated(), lambda i, ids=ids: f"'{ids.iloc[i]}' appears twice in this wave",
                    path=path, first_row=first, column=id_column)  # fmt: skip
    base = score(baseline, instrument, bpath).assign(
        _id=lambda d: d[id_column].astype("string").str.strip()
    )
    after = score(followup, instrument, fpath).assign(
        _id=lambda d: d[id_column].astype("string").str.strip()
    )
    unknown = ~after["_id"].isin(base["_id"])
    raise_first(unknown, lambda i: f"'{after['_id'].iloc[i]}' has a follow-up but no baseline",
                path=fpath, first_row=int(followup.attrs.get("header_row", 1)) + 1,
                column=id_column)  # fmt: skip
    if instrument.scoring == "items" or item is not None:
        if item not in instrument.items:
            raise FairerError(
                f"{instrument.id} is reported item by item: choose one of {', '.join(instrument.items)}"
            )
        base["score"] = pd.to_numeric(base[item], errors="coerce")
        after["score"] = pd.to_numeric(after[item], errors="coerce")
        if item in instrument.lower_is_better_items:
            instrument = dataclasses.replace(
                instrument, higher_is_better=not instrument.higher_is_better
            )
        base, after = base.dropna(subset=["score"]), after.dropna(subset=["score"])
    base["norm"] = _person_norms(base, instrument) if instrument.norms and item is None else np.nan
    pairs = base.merge(after[["_id", "score", *(["date"] if "date" in after else [])]],
                       on="_id", suffixes=("", "_after"))  # fmt: skip
    if "date" in base and "date_after" in pairs:
        early = pd.to_datetime(pairs["date_after"], errors="coerce") < pd.to_datetime(
            pairs["date"], errors="coerce"
        )
        if early.any():
            who = pairs.loc[early, "_id"].iloc[0]
            row = int(np.flatnonzero(after["_id"].to_numpy() == who)[0])
            raise FairerError(
                f"the follow-up for '{who}' is dated before its baseline", path=fpath,
                row=row + int(followup.attrs.get("header_row", 1)) + 1, column="date",
            )  # fmt: skip
    reliable, about = _reliable_threshold(base, instrument, item)
    rows = []
    for group, level, started, part in _breakdowns(base, pairs, groups or []):
        stats_row = _paired(
            (part["score_after"] - part["score"]).to_numpy(float),
            part["score"].to_numpy(float), part["score_after"].to_numpy(float), instrument,
        )  # fmt: skip
        rows.append({"group": group, "level": level, "started": started,
                     "completion": stats_row["completed"] / started if started else np.nan,
                     **stats_row, **_against_norms(part),
                     **_reliably(part, reliable, instrument.higher_is_better)})  # fmt: skip
    results = pd.DataFrame(rows)
    results.attrs["protect"], results.attrs["lines"] = PROTECT, [["group"]]
    notes = []
    completion = results["completion"].iloc[0]
    if completion < 0.7:
        notes.append(f"Only {completion:.0%} completed follow-up: results describe those who stayed, "
                     "who may differ from those who left.")  # fmt: skip
    explanations = [about] if about else []
    if instrument.norms and item is None:
        unmatched = int(pairs["norm"].isna().sum())
        explanations.append(
            "Against the norm: each person's follow-up score minus the published population "
            f"mean for their sex ({instrument.norms_source})."
            + (f" {unmatched} people whose sex is not recorded are left out of that comparison."
               if unmatched else "")
        )  # fmt: skip
    if entry_cutoff is not None:
        notes.append(f"Entry depended on a baseline score of {entry_cutoff:g} or worse: part of any "
                     "improvement is regression to the mean, not the programme.")  # fmt: skip
    return BeforeAfter(instrument, results, notes, explanations)


def _reliable_threshold(base: pd.DataFrame, inst: Instrument, item: str | None):
    """The reliable-change threshold and a sentence saying where its reliability came from."""
    sd = float(base["score"].std(ddof=1)) if len(base) > 1 else float("nan")
    if inst.reliability is not None and item is None:
        r, where = (
            inst.reliability,
            f"published reliability {inst.reliability:g} ({inst.reliability_source})",
        )
    elif item is None and inst.scoring != "items":
        answers = base[list(inst.items)].apply(pd.to_numeric, errors="coerce")
        if inst.scoring == "count":
            answers = pd.DataFrame({c: answers[c].isin(inst.count[c]).astype(float)
                                    .where(answers[c].notna()) for c in inst.items})  # fmt: skip
        else:
            for c in inst.reverse:
                answers[c] = inst.min + inst.max - answers[c]
        r = cronbach_alpha(answers)
        where = f"Cronbach's alpha {r:.2f} from these baseline answers (no published figure)"
    else:
        return float("nan"), ""
    if not (np.isfinite(sd) and np.isfinite(r) and 0 <= r < 1):
        return float("nan"), ""
    threshold = reliable_change(sd, r)
    return threshold, (
        f"Reliable change: {threshold:.2f} points or more (Jacobson and Truax: baseline SD "
        f"{sd:.2f}, {where}); smaller changes may be measurement error."
    )


def _reliably(part: pd.DataFrame, threshold: float, higher_is_better: bool) -> dict:
    n = len(part)
    if not np.isfinite(threshold) or n == 0:
        return {"reliably_improved": np.nan, "reliably_deteriorated": np.nan,
                "share_reliably_improved": np.nan, "share_reliably_deteriorated": np.nan}  # fmt: skip
    change = (part["score_after"] - part["score"]).to_numpy(float) * (1 if higher_is_better else -1)
    better, worse = int((change >= threshold).sum()), int((-change >= threshold).sum())
    return {"reliably_improved": better, "reliably_deteriorated": worse,
            "share_reliably_improved": better / n, "share_reliably_deteriorated": worse / n}  # fmt: skip


def _breakdowns(base: pd.DataFrame, pairs: pd.DataFrame, groups: list[str]):
    yield "all", "all", len(base), pairs
    for g in groups:
        if g not in base:
            raise FairerError(f"no '{g}' column in the baseline to break results down by")
        started_in = base[g].astype("string").fillna("not known")
        completed_in = pairs[g].astype("string").fillna("not known")
        for level in sorted(started_in.unique()):  # groups nobody completed are shown too
            yield g, str(level), int((started_in == level).sum()), pairs[completed_in == level]


__all__ = ["BeforeAfter", "before_after", "cronbach_alpha", "reliable_change"]
