"""Benchmark: scoring and evaluating a large programme, and difference-in-differences nationally.

Run: ``.venv/bin/python benchmarks/evaluate_bench.py`` (``make bench`` runs it too). Seeded and
synthetic, so it needs no shared data: 100,000 respondents x 2 waves of SWEMWBS, scored and
evaluated overall and by 5 groups; and a difference-in-differences over 33,755 LSOAs x 10
periods. References, same run: scipy's paired t-test on the same scores, and a plain statsmodels
OLS of the same specification without fairer's checks and wording.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import record  # noqa: E402

from fairer.evaluate import before_after, difference_in_differences, load_instrument  # noqa: E402


def programme(n: int = 100_000):
    s = load_instrument("swemwbs")
    rng = np.random.default_rng(1)
    base = rng.integers(1, 6, size=(n, 7))
    after = np.clip(base + rng.integers(-1, 2, size=(n, 7)), 1, 5)
    ids = [f"P{i}" for i in range(n)]
    b = pd.DataFrame(base, columns=list(s.items)).assign(id=ids, quintile=rng.integers(1, 6, n))
    a = pd.DataFrame(after, columns=list(s.items)).assign(id=ids)
    return s, b, a


def panel(areas: int = 33_755, periods: int = 10):
    rng = np.random.default_rng(2)
    codes = np.repeat([f"E01{i:06d}" for i in range(areas)], periods)
    t = np.tile(np.arange(periods), areas)
    treated = np.repeat(rng.random(areas) < 0.1, periods)
    value = 20 + 0.3 * t + 1.5 * (treated & (t >= 6)) + rng.normal(0, 2, areas * periods)
    return pd.DataFrame(
        {"area_code": codes, "period": (2015 + t).astype(str), "value": value}
    ), sorted(set(codes[treated]))


def main() -> None:
    s, b, a = programme()
    t0 = time.perf_counter()
    res = before_after(b, a, s, groups=["quintile"])
    t_fairer = time.perf_counter() - t0
    conv = np.array([s.conversion[k] for k in range(7, 36)])
    t0 = time.perf_counter()
    x = conv[b[list(s.items)].sum(axis=1).to_numpy() - 7]
    y = conv[a[list(s.items)].sum(axis=1).to_numpy() - 7]
    ref = stats.ttest_rel(y, x)
    t_ref = time.perf_counter() - t0
    same = bool(np.isclose(res.results["mean_change"].iloc[0], (y - x).mean(), atol=1e-12))

    df, treated = panel()
    t0 = time.perf_counter()
    did, _ = difference_in_differences(df, treated, "2021")
    t_did = time.perf_counter() - t0
    t0 = time.perf_counter()
    d = df.assign(
        tr=df["area_code"].isin(treated).astype(float), af=(df["period"] >= "2021").astype(float)
    )
    d["ta"] = d["tr"] * d["af"]
    fit = sm.OLS(d["value"], sm.add_constant(d[["tr", "af", "ta"]])).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(d["area_code"])[0]}
    )
    t_did_ref = time.perf_counter() - t0
    same_did = bool(np.isclose(did.estimate, fit.params["ta"], atol=1e-9))
    body = f"""## Evaluation: scales, before/after and difference-in-differences

| workload | fairer (s) | reference (s) | ratio | same results | aim |
| --- | ---: | ---: | ---: | :---: | --- |
| SWEMWBS, 100,000 people x 2 waves: score, check, evaluate overall and by 5 groups | {t_fairer:.2f} | {t_ref:.2f} | {t_fairer / t_ref:.0f}x | {"yes" if same else "NO"} | under 5 s |
| Difference-in-differences, 33,755 LSOAs x 10 periods (with the parallel-trends check) | {t_did:.2f} | {t_did_ref:.2f} | {t_did / t_did_ref:.1f}x | {"yes" if same_did else "NO"} | under 5 s |

References, same run: scipy's paired t-test on pre-scored arrays (fairer also checks every
answer, matches people by id, and breaks down by group with attrition), and one plain
statsmodels OLS (fairer also fits the pre-period slopes).
Reproduce: `.venv/bin/python benchmarks/evaluate_bench.py`"""
    print(body)
    record("evaluate", body)
    _ = ref


if __name__ == "__main__":
    main()
