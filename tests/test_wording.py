"""Percentages and plurals in report text."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairer.wording import percent, plural


@given(st.floats(0, 1, allow_nan=False), st.integers(0, 2))
def test_a_percentage_never_says_0_or_100_falsely_and_is_close(share, digits):
    text = percent(share, digits)
    if text.startswith(("under", "over")):
        assert 0 < share < 1e-5 or 1 - 1e-5 < share < 1
        return
    shown = float(text.rstrip("%"))
    assert not (shown == 0 and share > 0) and not (shown == 100 and share < 1)
    places = len(text.rstrip("%").partition(".")[2])
    assert places >= digits and math.isclose(shown, share * 100, abs_tol=0.5 * 10**-places)


@pytest.mark.parametrize(
    ("share", "digits", "text"),
    [
        (0.999, 0, "99.9%"),
        (0.9999, 1, "99.99%"),
        (0.001, 0, "0.1%"),
        (0.5, 0, "50%"),
        (1, 0, "100%"),
    ],
)
def test_examples(share, digits, text):
    assert percent(share, digits) == text


def test_plurals():
    assert [plural(n, "file") for n in (0, 1, 2)] == ["0 files", "1 file", "2 files"]
    assert plural(1_000, "response") == "1,000 responses"
