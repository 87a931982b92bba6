"""Numbers and counts in words for reports: percentages that never round to a false 0% or
100%, and plurals that agree with their counts."""

from __future__ import annotations

import math


def percent(share: float, digits: int = 1) -> str:
    """A share (0-1) as a percentage, with enough digits never to say 0% or 100% falsely.

    A share above 0 is never shown as "0%", and one below 1 never as "100%". Where
    ``digits`` would round them there, up to three more digits are used, and beyond that the
    text says "under 0.001%" or "over 99.999%".

    Parameters
    ----------
    share : float
        A proportion from 0 to 1 (NaN gives "–").
    digits : int
        Decimal places wanted.

    Returns
    -------
    str

    Examples
    --------
    >>> percent(0.999), percent(0.0004, 0), percent(1.0), percent(0.25, 0)
    ('99.9%', '0.04%', '100.0%', '25%')
    """
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    value = float(share) * 100
    for places in range(digits, digits + 4):
        text = f"{value:.{places}f}"
        shown = float(text)
        if (shown == 0 and value > 0) or (shown == 100 and value < 100):
            continue
        return f"{text}%"
    return "under 0.001%" if value < 50 else "over 99.999%"


#: Geography levels in words (plural), as a reader says them.
LEVEL_WORDS = {"lsoa": "LSOAs", "msoa": "MSOAs", "ward": "wards", "lad": "local authorities",
               "utla": "upper-tier authorities", "icb": "ICBs",
               "neighbours": "statistical neighbours"}  # fmt: skip


def areas_word(level: str) -> str:
    """A geography level in words: ``lsoa`` → "LSOAs", ``lad`` → "local authorities".

    Parameters
    ----------
    level : str

    Returns
    -------
    str

    Examples
    --------
    >>> areas_word("lad"), areas_word("ward")
    ('local authorities', 'wards')
    """
    return LEVEL_WORDS.get(level, f"{level}s")


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and the word in the number it needs: "1 file", "3 files", "2 people".

    Parameters
    ----------
    n : int
    word : str
        The singular.
    many : str, optional
        The plural, where it is not ``word + "s"``.

    Returns
    -------
    str

    Examples
    --------
    >>> plural(1, "file"), plural(3, "file"), plural(2, "person", "people")
    ('1 file', '3 files', '2 people')
    """
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
