"""Reference data fairer ships: English local authority codes and names, and how to find one.

The list (``fairer/data/local_authorities.csv``) is ONS data under the Open Government Licence
v3.0: every English local authority district in the 2013, 2019, 2021 and 2024 vintages, with
its region.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from importlib import resources

import pandas as pd

from fairer.errors import FairerError
from fairer.sources.geocodes import LAD_CODE


@lru_cache(maxsize=1)
def known_local_authorities() -> pd.DataFrame:
    """English local authority district codes and names (ONS vintages 2013, 2019, 2021, 2024)."""
    with (
        resources.files("fairer.data").joinpath("local_authorities.csv").open(encoding="utf-8") as f
    ):
        return pd.read_csv(f, comment="#", dtype=str).fillna("")


def resolve_la(value: str, extra: pd.DataFrame | None = None) -> str:
    """Turn an LA code or name into a known LA code, or fail listing near matches.

    Parameters
    ----------
    value : str
        ``E06000004`` or ``Stockton-on-Tees`` (case-insensitive).
    extra : DataFrame, optional
        More ``lad_code, lad_name`` pairs (e.g. from the place's own lookup files).

    Returns
    -------
    str
        The authority's GSS code.

    Raises
    ------
    FairerError
        For an unknown code or name, naming the nearest matches.

    Examples
    --------
    >>> resolve_la("stockton-on-tees")
    'E06000004'
    """
    table = known_local_authorities()[["lad_code", "lad_name"]]
    if extra is not None and not extra.empty:
        table = pd.concat([table, extra[["lad_code", "lad_name"]]]).drop_duplicates("lad_code")
    v = value.strip()
    codes = dict(zip(table["lad_code"].str.upper(), table["lad_code"], strict=False))
    if v.upper() in codes:
        return codes[v.upper()]
    names = {n.lower(): c for c, n in zip(table["lad_code"], table["lad_name"], strict=False)}
    if v.lower() in names:
        return names[v.lower()]
    near_codes = _near_codes(v.upper(), list(codes))
    near_names = difflib.get_close_matches(v.lower(), list(names), n=3, cutoff=0.6)
    label = dict(zip(table["lad_code"], table["lad_name"], strict=False))
    suggestions = [f"{codes[c]} {label[codes[c]]}" for c in near_codes] + [
        f"{names[n]} {label[names[n]]}" for n in near_names
    ]
    what = (
        "not a local authority district code"
        if not LAD_CODE.match(v.upper())
        else "an unknown local authority code"
    )
    hint = f"; did you mean {', '.join(dict.fromkeys(suggestions))}?" if suggestions else ""
    raise FairerError(f"'{value}' is {what}{hint}")


def _near_codes(value: str, codes: list[str], n: int = 3) -> list[str]:
    """Codes one or two characters away from ``value`` (a typo in a GSS code), closest first."""
    scored = []
    for c in codes:
        if len(c) == len(value):
            d = sum(a != b for a, b in zip(c, value, strict=True))
            if d <= 2:
                scored.append((d, c))
    return [c for _, c in sorted(scored)[:n]]
