"""Helpers for checking fairer's statistics against PHEindicatormethods' own reference data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import SHARED

PHE = SHARED / "reference" / "phe"
WALDO_TOL = 1.4901161193847656e-08  # sqrt(.Machine$double.eps): testthat's default


def phe_path(name: str):
    path = PHE / name
    if not path.exists():
        pytest.skip(f"needs PHEindicatormethods reference data at {path}")
    return path


def read_phe(name: str) -> pd.DataFrame:
    return pd.read_csv(phe_path(name), keep_default_na=False, na_values=["", "NA"])


def waldo_equal(actual, expected, tol: float = WALDO_TOL) -> bool:
    """testthat 3e's numeric rule: mean absolute difference over differing elements, relative."""
    a, e = np.asarray(actual, float), np.asarray(expected, float)
    if (np.isnan(a) != np.isnan(e)).any():
        return False
    same = np.isnan(a) | (a == e)
    if same.all():
        return True
    d = np.mean(np.abs(a[~same] - e[~same]))
    m = np.mean(np.abs(e[~same]))
    return (d / m if np.isfinite(m) and m > tol else d) < tol


def assert_frame_matches(
    got: pd.DataFrame,
    expected: pd.DataFrame,
    rel: float = 1e-9,
    tol: float = WALDO_TOL,
    sort=None,
    columns: bool = True,
) -> None:
    """Same columns in the same order; strings equal; numbers within ``rel`` per element."""
    if sort:
        got = got.sort_values(sort).reset_index(drop=True)
        expected = expected.sort_values(sort).reset_index(drop=True)
    if columns:
        assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    for c in expected.columns:
        e, a = expected[c], got[c]
        if pd.api.types.is_numeric_dtype(e) and not pd.api.types.is_bool_dtype(e):
            a = pd.to_numeric(a).to_numpy(float)
            e = e.to_numpy(float)
            assert (np.isnan(a) == np.isnan(e)).all(), f"{c}: NA positions differ"
            ok = ~np.isnan(e)
            denom = np.maximum(np.abs(e[ok]), 1e-300)
            assert np.all(np.abs(a[ok] - e[ok]) <= rel * denom + 1e-12), (
                f"{c}: max relative difference {np.max(np.abs(a[ok] - e[ok]) / denom):.3g}"
            )
            assert waldo_equal(a, e, tol), c
        else:
            norm = lambda s: s.astype(object).where(s.notna(), "").astype(str)  # noqa: E731
            assert (norm(a) == norm(e)).all(), f"{c}: {list(a[norm(a) != norm(e)][:3])}"


def within_mc_error(runs: list[pd.DataFrame], expected: pd.DataFrame, column: str) -> np.ndarray:
    """|R - mean of fairer's runs| in units of the Monte Carlo error of that difference.

    ``runs`` are fairer's results with different seeds at the reference's number of
    repetitions, so their spread is the Monte Carlo error of one run; R's single run is compared
    with their mean, whose difference has standard error ``sd × sqrt(1 + 1/len(runs))``.
    """
    values = np.column_stack([r[column].to_numpy() for r in runs])
    sd = values.std(axis=1, ddof=1)
    se_diff = sd * np.sqrt(1 + 1 / values.shape[1])
    return np.abs(expected[column].to_numpy() - values.mean(axis=1)) / se_diff
