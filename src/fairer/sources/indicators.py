"""Indicator data in: one tidy layout, and the published layouts fairer turns into it.

The tidy layout has one row per indicator × area × period (× group):

    indicator_id, area_code, period, group, numerator, denominator, value, lowercl, uppercl

``group`` (sex, age band, ethnicity …), counts, value and limits are each optional, but a row
needs counts or a value. Readers for published layouts return the same columns:
:func:`read_ons_subnational` (ONS Subnational indicators explorer sheets),
:func:`read_fingertips_export` (Fingertips CSV downloads), :func:`read_active_lives` (Sport
England exports, LA names matched to codes), :func:`read_health_index` (ONS Health Index) and
:func:`read_iod_indicators` (the IoD's underlying indicators by LSOA).

Row-level problems (an unknown area code, lower limit above upper, a percentage outside 0-100,
a duplicated area × period, periods written in mixed formats) do not stop the load: the bad rows
are set aside and each problem is reported as a message naming the file, row and column, so
everything valid still reaches the rug with the gaps marked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError
from fairer.sources.geocodes import ENGLAND
from fairer.tabular import read_header, read_table

TIDY = [
    "indicator_id",
    "area_code",
    "period",
    "group",
    "numerator",
    "denominator",
    "value",
    "lowercl",
    "uppercl",
]
_ALIASES = {
    "indicator_id": ("indicator", "indicator_id", "indicator id"),
    "area_code": ("area_code", "area code", "areacode", "code", "geography_code"),
    "period": ("period", "time period", "time_period", "year", "date"),
    "group": ("group", "grouping", "breakdown"),
    "numerator": ("numerator", "count", "events", "x"),
    "denominator": ("denominator", "population", "n"),
    "value": ("value",),
    "lowercl": ("lower_cl", "lowercl", "lower ci", "lower_ci", "lower95_0cl", "lower_95_ci"),
    "uppercl": ("upper_cl", "uppercl", "upper ci", "upper_ci", "upper95_0cl", "upper_95_ci"),
    "unit": ("unit",),
}
_GSS = re.compile(r"^[EWSNK]\d{8}$")

#: ONS subnational explorer sheets and the indicator ids fairer's templates use for them.
ONS_SUBNATIONAL_IDS = {
    "male_hle": "male_hle",
    "female_hle": "female_hle",
    "smokers": "smokers",
    "overweight_adults": "overweight_adults",
    "overweight_children": "overweight_children",
    "anxiety": "anxiety",
    "happiness": "happiness",
    "life_satisfaction": "life_satisfaction",
    "worthwhile": "wellbeing_worthwhile",
    "employment_rate": "employment_rate",
    "weekly_pay": "weekly_pay",
    "gcse": "gcse",
    "early_yrs_lit": "early_years_literacy",
    "early_yrs_maths": "early_years_maths",
    "early_yrs_comms": "early_years_communication",
    "broadband_availability": "broadband",
    "4g": "mobile_4g",
    "gva_per_hour": "gva_per_hour",
    "new_houses": "new_houses",
}
INDICATOR_ATTRIBUTION = {
    "ons_subnational": (
        "Open Government Licence v3.0",
        "Source: Office for National Statistics, Subnational indicators explorer, licensed under the Open Government Licence v.3.0",
    ),
    "health_index": (
        "Open Government Licence v3.0",
        "Source: Office for National Statistics, Health Index for England, licensed under the Open Government Licence v.3.0",
    ),
    "fingertips": (
        "Open Government Licence v3.0",
        "Contains public sector information licensed under the Open Government Licence v3.0 (Office for Health Improvement and Disparities, Fingertips).",
    ),
    "active_lives": ("see Sport England's terms", "Sport England, Active Lives Adult Survey."),
}
FINGERTIPS_IDS = {93982: "five_a_day", 93077: "five_a_day_2019"}
ACTIVE_LIVES_INACTIVE = ("inactive_nothing", "inactive_light_only", "inactive_1_29_mins")


@dataclass
class IndicatorData:
    """Tidy indicator rows and the problems found reading them."""

    rows: pd.DataFrame
    messages: list[str] = field(default_factory=list)


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", str(s).strip().lower().replace("_", " "))


def tidy_columns(columns) -> dict[str, str]:
    """Map a file's headers onto the tidy names (``lower ci`` → ``lowercl`` …)."""
    lookup = {_norm(c): c for c in columns}
    out = {}
    for canon, names in _ALIASES.items():
        for n in names:
            if _norm(n) in lookup:
                out[canon] = lookup[_norm(n)]
                break
    return out


def is_tidy_header(row) -> bool:
    cols = tidy_columns(row)
    return {"indicator_id", "area_code", "period"} <= set(cols) and bool(
        {"value", "numerator"} & set(cols)
    )


def normalise_period(p) -> str:
    """Write periods one way: ``2021/22`` for financial years, ``2017-19`` for ranges, else as given."""
    s = str(p).strip()
    m = re.fullmatch(r"(\d{4})\s*[-/]\s*(\d{2}|\d{4})", s)
    if m:
        start, end = int(m.group(1)), m.group(2)
        end_full = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if end_full == start + 1:
            return f"{start}/{str(end_full)[-2:]}"
        return f"{start}-{str(end_full)[-2:]}"
    if re.fullmatch(r"\d{4}(\.0)?", s):
        return s[:4]
    return s


def _period_kind(p: str) -> str:
    if re.fullmatch(r"\d{4}", p):
        return "year"
    if re.fullmatch(r"\d{4}/\d{2}", p):
        return "financial year"
    if re.fullmatch(r"\d{4}-\d{2}", p):
        return "range"
    return "other"


def _unknown_codes(codes: pd.Series, shown: int = 3) -> str:
    """Many unknown codes in one phrase, saying where they are from when the prefix tells."""
    distinct = list(dict.fromkeys(codes))
    quoted = ", ".join(f"'{c}'" for c in distinct[:shown])
    more = f" and {len(distinct) - shown} more" if len(distinct) > shown else ""
    outside = all(c[:1] in "SNW" for c in distinct)
    counties = all(c.startswith("E10") for c in distinct)
    why = (
        " (Scotland, Wales and Northern Ireland: outside England)" if outside
        else " (county councils)" if counties else ""
    )  # fmt: skip
    return f"unknown area codes {quoted}{more}{why}"


def _rows_named(at: list[int], shown: int = 5) -> str:
    """``row 4``, ``rows 4, 9``, or ``rows 4, 9, 12, 15, 20 and 7 more (12 rows)``."""
    if len(at) == 1:
        return f"row {at[0]}"
    head = ", ".join(str(r) for r in at[:shown])
    more = f" and {len(at) - shown} more ({len(at)} rows)" if len(at) > shown else ""
    return f"rows {head}{more}"


def validate_rows(
    rows: pd.DataFrame,
    path: Path,
    first_row: int = 2,
    known_codes: set[str] | None = None,
    percent: set[str] | None = None,
) -> IndicatorData:
    """Set aside invalid rows, returning the valid ones and one message per problem kind.

    Parameters
    ----------
    rows : DataFrame
        Tidy columns; the index is the row's position in the file.
    first_row : int
        The file row of the first data row (for messages).
    known_codes : set of str, optional
        Area codes that exist; others are set aside.
    percent : set of str, optional
        Indicators whose values are percentages (0-100).
    """
    messages = []
    bad = pd.Series(False, index=rows.index)
    # Readers that reshape a wide file give each row its file line; otherwise the position says.
    lines = rows.attrs.get("lines")
    found: dict[tuple[str, str], list[int]] = {}

    def flag(mask: pd.Series, what, column: str) -> None:
        """Note the rows set aside: one line per problem, naming its rows (``what`` may be a
        function of the row's position, e.g. to quote the bad value)."""
        nonlocal bad
        mask = mask.fillna(False) & ~bad
        column = rows.attrs.get("headers", {}).get(column, column)  # the file's own header
        for i in np.flatnonzero(mask.to_numpy()):
            text = what(int(i)) if callable(what) else what
            line = int(lines[int(i)]) if lines is not None else first_row + int(i)
            found.setdefault((column, text), []).append(line)
        bad = bad | mask

    code_ok = rows["area_code"].astype(str).str.match(_GSS)
    if known_codes is not None:
        code_ok &= rows["area_code"].isin(known_codes | {ENGLAND})
    unknown = ~code_ok & ~bad
    codes = rows.loc[unknown.fillna(False), "area_code"].fillna("").astype(str)
    if codes.nunique() == 1:
        flag(~code_ok, f"unknown area code '{codes.iloc[0]}'", "area_code")
    elif len(codes):
        flag(~code_ok, _unknown_codes(codes), "area_code")
    for c, text in rows.attrs.get("raw", {}).items():
        written = text.reindex(rows.index)
        flag(
            written.notna() & (written != "") & rows[c].isna(),
            lambda i, w=written: f"'{w.iloc[i]}' is not a number",
            c,
        )
        flag(
            pd.Series(np.isinf(rows[c].to_numpy(dtype=float)), index=rows.index),
            lambda i, w=written: f"'{w.iloc[i]}' is not a finite number",
            c,
        )
    nothing = rows["value"].isna() & rows["numerator"].isna()
    flag(nothing, "no value and no numerator", "value")
    flag(rows["numerator"] < 0, "negative count", "numerator")
    flag(rows["denominator"] <= 0, "denominator must be greater than zero", "denominator")
    flag(
        rows["lowercl"] > rows["uppercl"],
        "lower confidence limit above the upper one",
        "lowercl",
    )
    if percent:
        pct = rows["indicator_id"].isin(percent)
        flag(
            pct & ((rows["value"] < 0) | (rows["value"] > 100)),
            "a percentage outside 0-100",
            "value",
        )
    dup = rows.duplicated(["indicator_id", "area_code", "period", "group"], keep="first")
    flag(dup, "duplicate indicator × area × period row (the first is kept)", "period")
    for (column, text), at in found.items():
        messages.append(
            f"{path.name}: {_rows_named(sorted(set(at)))}, column '{column}': {text} (set aside)"
        )
    for ind, part in rows[~bad].groupby("indicator_id"):
        kinds = {_period_kind(p) for p in part["period"]}
        if len(kinds) > 1:
            messages.append(
                f"{path.name}: indicator '{ind}' has periods in mixed formats ({', '.join(sorted(kinds))}); check they mean what you think"
            )
    valid = rows[~bad].reset_index(drop=True)
    valid.attrs.pop("lines", None)  # the lines were for these notes only
    return IndicatorData(valid, messages)


def _as_tidy(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    cols = tidy_columns(df.columns)
    out = pd.DataFrame(index=df.index)
    for c in TIDY:
        out[c] = df[cols[c]] if c in cols else np.nan
    out["indicator_id"] = out["indicator_id"].astype(str).str.strip()
    out["area_code"] = out["area_code"].astype(str).str.strip()
    out["period"] = out["period"].map(normalise_period)
    out["group"] = out["group"].astype("string").fillna("").astype(str).str.strip()
    raw = {}
    for c in ("numerator", "denominator", "value", "lowercl", "uppercl"):
        text = out[c].astype("string").str.strip()
        conv = pd.to_numeric(text.str.replace(",", "").str.rstrip("%"), errors="coerce")
        out[c] = conv.astype(float).where(out[c].notna())
        raw[c] = text
    out.attrs["headers"] = dict(cols)
    out.attrs["raw"] = raw  # the file's own text, so a non-number is reported as written
    return out


def read_indicator_file(
    path: str | Path, known_codes: set[str] | None = None, percent: set[str] | None = None
) -> IndicatorData:
    """Read any indicator file fairer recognises into tidy rows (see the module docstring).

    Raises
    ------
    FairerError
        If the file is empty, unreadable or not an indicator layout fairer knows.
    """
    path = Path(path)
    kind = indicator_layout(path)
    if kind is None:
        raise FairerError(
            "not an indicator file: expected columns indicator, area_code, period and value or "
            "numerator, or an ONS subnational, Fingertips, Active Lives or Health Index export",
            path=path,
        )
    reader = {
        "tidy": _read_tidy,
        "ons_subnational": read_ons_subnational,
        "fingertips": read_fingertips_export,
        "active_lives": read_active_lives,
        "iod_indicators": read_iod_indicators,
        "health_index": read_health_index,
    }[kind]
    data = reader(path)
    checked = validate_rows(
        data.rows, path, data.rows.attrs.get("first_row", 2), known_codes, percent
    )
    checked.messages = data.messages + checked.messages
    return checked


def _read_tidy(path: Path) -> IndicatorData:
    df = read_table(path, is_header=is_tidy_header, thousands=None)
    rows = _as_tidy(df, path)
    rows.attrs["first_row"] = int(df.attrs.get("header_row", 1)) + 1
    return IndicatorData(rows)


def indicator_layout(path: str | Path) -> str | None:
    """Which indicator layout a file has, from its first rows (None if none)."""
    path = Path(path)
    try:
        head = read_header(path, max_rows=8)
    except (FairerError, OSError, ValueError):
        return None
    if not head:
        return None
    first = [c.strip().lower() for c in head[0]]
    if first and first[0].startswith("indicator:"):
        return "ons_subnational"
    if (
        first
        and first[0] == "trends"
        and any(r and r[0].strip().lower().startswith("local authority") for r in head)
    ):
        return "active_lives"
    if "indicator id" in first and "area code" in first and "value" in first:
        return "fingertips"
    if (
        {"ltla21_code", "indicator", "value"} <= set(first)
        or {"ltla21_code", "year"} <= set(first)
        and "indicator" in first
    ):
        return "health_index"
    if any(is_tidy_header(r) for r in head):
        return "tidy"
    if _iod_indicator_columns(head[0]):
        return "iod_indicators"
    return None


def _iod_indicator_columns(columns) -> list[str]:
    """The indicator columns of an IoD underlying-indicators table (LSOA code + many indicators)."""
    from fairer.sources.geocodes import geo_columns

    geo = geo_columns(columns)
    if not any(g.level == "lsoa" and g.part == "code" for g in geo.values()):
        return []
    ind = [
        c
        for c in columns
        if re.search(r"indicator|numerator|_rate|score", str(c).lower()) and c not in geo
    ]
    return ind if len(ind) >= 5 else []


def read_iod_indicators(path: str | Path) -> IndicatorData:
    """IoD underlying indicators (one row per LSOA, one column per indicator) as tidy rows.

    Ids drop the ``_indicator`` ending (``housing_affordability_indicator`` → ``housing_affordability``);
    the period is the edition, from the LSOA geography (2011 → IoD2019, 2021 → IoD2025).
    """
    from fairer.sources.geocodes import geo_columns

    path = Path(path)
    df = read_table(path, thousands=",")
    geo = geo_columns(df.columns)
    code_col = next(c for c, g in geo.items() if g.level == "lsoa" and g.part == "code")
    period = "IoD2025" if geo[code_col].year == 2021 else "IoD2019"
    cols = _iod_indicator_columns(list(df.columns))
    long = df[[code_col, *cols]].melt(id_vars=code_col, var_name="column", value_name="value")
    rows = pd.DataFrame(
        {
            "indicator_id": long["column"]
            .str.lower()
            .str.replace(r"_indicator$", "", regex=True)
            .str.replace(r"_indicator_", "_", regex=True),
            "area_code": long[code_col].astype(str),
            "period": period,
            "group": "",
            "numerator": np.nan,
            "denominator": np.nan,
            "value": pd.to_numeric(long["value"], errors="coerce"),
            "lowercl": np.nan,
            "uppercl": np.nan,
        }
    ).dropna(subset=["value"])
    return IndicatorData(rows.reset_index(drop=True))


def read_ons_subnational(path: str | Path) -> IndicatorData:
    """An ONS Subnational indicators explorer sheet (title rows, then ``Area Code, Area, value[, CIs]``)."""
    path = Path(path)
    head = read_header(path, max_rows=10)
    period = next((r[1].strip() for r in head if r and r[0].strip().lower().startswith("date")), "")
    df = read_table(
        path, is_header=lambda r: bool(r) and r[0].strip().lower() == "area code", thousands=","
    )
    code_col, value_col = df.columns[0], df.columns[2]
    lower = _limit_column(df.columns, "lower", "lci")
    upper = _limit_column(df.columns, "upper", "uci")
    stem = path.stem.lower()
    rows = pd.DataFrame(
        {
            "indicator_id": ONS_SUBNATIONAL_IDS.get(stem, stem),
            "area_code": df[code_col].astype(str).str.strip(),
            "period": normalise_period(period),
            "group": "",
            "numerator": np.nan,
            "denominator": np.nan,
            "value": pd.to_numeric(df[value_col], errors="coerce"),
            "lowercl": pd.to_numeric(df[lower], errors="coerce") if lower else np.nan,
            "uppercl": pd.to_numeric(df[upper], errors="coerce") if upper else np.nan,
        }
    )
    rows = rows[rows["area_code"].str.match(_GSS) | rows["value"].notna()]
    rows = rows[rows["area_code"] != "nan"]
    rows.attrs["first_row"] = int(df.attrs.get("header_row", 1)) + 1
    return IndicatorData(rows.reset_index(drop=True))


def _limit_column(columns, word: str, short: str) -> str | None:
    """The 95% limit column among ONS's spellings (``LCI``, ``HLE Lower CI``, ``Lower CI 95.0 limit``)."""
    found = [c for c in columns if word in c.lower() or c.strip().lower() == short]
    for c in found:
        if "99.8" not in c:
            return c
    return None


def read_fingertips_export(path: str | Path) -> IndicatorData:
    """A Fingertips data download (27 columns: Indicator ID … Value, Lower CI 95.0 limit …)."""
    path = Path(path)
    df = read_table(path, thousands=None)
    ids = pd.to_numeric(df["Indicator ID"], errors="coerce")
    # Sex, age or category form a group only where the download holds more than one of them.
    varying = [
        c
        for c in ("Sex", "Age", "Category")
        if c in df and df[c].astype("string").fillna("").nunique() > 1
    ]
    groups = (
        df[varying].fillna("").astype(str).agg("; ".join, axis=1)
        if varying
        else pd.Series("", index=df.index)
    )
    rows = pd.DataFrame(
        {
            "indicator_id": [
                FINGERTIPS_IDS.get(int(i), f"fingertips_{int(i)}") if pd.notna(i) else ""
                for i in ids
            ],
            "area_code": df["Area Code"].astype(str).str.strip(),
            "period": df["Time period"].map(normalise_period),
            "group": groups,
            "numerator": pd.to_numeric(df.get("Count"), errors="coerce"),
            "denominator": pd.to_numeric(df.get("Denominator"), errors="coerce"),
            "value": pd.to_numeric(df["Value"], errors="coerce"),
            "lowercl": pd.to_numeric(df.get("Lower CI 95.0 limit"), errors="coerce"),
            "uppercl": pd.to_numeric(df.get("Upper CI 95.0 limit"), errors="coerce"),
        }
    )
    # Fingertips' own denominators for survey indicators are sample sizes, not populations; keep
    # them only alongside a count.
    rows.loc[rows["numerator"].isna(), "denominator"] = np.nan
    return IndicatorData(rows)


def read_active_lives(path: str | Path, la_names: pd.DataFrame | None = None) -> IndicatorData:
    """A Sport England Active Lives export: LA names (``"Adur LA"``) matched to codes.

    Names that match no local authority are reported, never silently dropped; counties
    (``"… CC"``) are matched too where their code is known.
    """
    from fairer.reference import known_local_authorities

    path = Path(path)
    df = read_table(
        path,
        is_header=lambda r: len(r) > 2 and r[0].strip() == "" and bool(r[1].strip()),
        thousands=None,
    )
    name_col = df.columns[0]
    table = la_names if la_names is not None else known_local_authorities()
    lookup = {_simplify(n): c for c, n in zip(table["lad_code"], table["lad_name"], strict=False)}
    names = df[name_col].astype(str).str.strip()
    clean = names.str.replace(r"\s+(LA|CC)$", "", regex=True)
    codes = clean.map(lambda n: lookup.get(_simplify(n)))
    unmatched = sorted(set(names[codes.isna()]))
    messages = (
        [
            f"{path.name}: {len(unmatched)} area names matched no local authority code and were set aside "
            f"(e.g. {', '.join(unmatched[:5])})"
        ]
        if unmatched
        else []
    )
    category = re.sub(r"^active_lives_7cat_", "", path.stem)
    first_row = int(df.attrs.get("header_row", 1)) + 1
    kept = df[codes.notna()].assign(
        area_code=codes[codes.notna()],
        _line=first_row + np.flatnonzero(codes.notna().to_numpy()),
        _county=names[codes.notna()].str.endswith(" CC"),
    )
    shared = kept[kept["area_code"].duplicated(keep=False)]
    for code, part in shared.groupby("area_code"):
        # a county council that became a unitary authority (North Yorkshire, Somerset in 2023)
        messages.append(
            f"{path.name}: {' and '.join(part[name_col].astype(str))} are one authority now "
            f"({code}): the LA row is used, the county row for periods the LA row lacks"
        )
    long = kept.melt(
        id_vars=[name_col, "area_code", "_line", "_county"], var_name="period", value_name="raw"
    )
    long["value"] = pd.to_numeric(long["raw"].astype(str).str.rstrip("%"), errors="coerce")
    long = long.dropna(subset=["value"]).sort_values(
        ["area_code", "period", "_county"], kind="stable"
    )
    long = long.drop_duplicates(["area_code", "period"]).sort_index()  # back in file order
    rows = pd.DataFrame(
        {
            "indicator_id": f"active_lives_{category}",
            "area_code": long["area_code"],
            "period": long["period"].str.strip(),
            "group": "",
            "numerator": np.nan,
            "denominator": np.nan,
            "value": long["value"],
            "lowercl": np.nan,
            "uppercl": np.nan,
        }
    ).reset_index(drop=True)
    rows.attrs["lines"] = tuple(int(v) for v in long["_line"])  # a tuple: attrs must compare
    return IndicatorData(rows, messages)


def _simplify(name: str) -> str:
    s = str(name).lower().replace("&", "and").replace(",", "").replace(".", "")
    s = re.sub(r"\b(city of|county of|royal borough of|borough of)\b", "", s)
    return re.sub(r"[^a-z]", "", s)


def read_health_index(path: str | Path) -> IndicatorData:
    """ONS Health Index underlying indicators (long: ``ltla21_code, year, indicator, value``)."""
    df = read_table(path, thousands=None)
    rows = pd.DataFrame(
        {
            "indicator_id": "health_index_"
            + df["indicator"]
            .astype(str)
            .str.lower()
            .str.replace(r"[^a-z0-9]+", "_", regex=True)
            .str.strip("_"),
            "area_code": df["ltla21_code"].astype(str),
            "period": df["year"].astype(str).map(normalise_period),
            "group": "",
            "numerator": np.nan,
            "denominator": np.nan,
            "value": pd.to_numeric(df["value"], errors="coerce"),
            "lowercl": np.nan,
            "uppercl": np.nan,
        }
    )
    return IndicatorData(rows)


def combine_active_lives_inactive(rows: pd.DataFrame) -> pd.DataFrame:
    """Add ``adults_inactive`` (under 30 minutes a week) as the sum of the three inactive categories."""
    parts = rows[rows["indicator_id"].isin([f"active_lives_{c}" for c in ACTIVE_LIVES_INACTIVE])]
    counts = parts.groupby(["area_code", "period"])["indicator_id"].nunique()
    total = parts.groupby(["area_code", "period"], as_index=False)["value"].sum()
    total = total[total.set_index(["area_code", "period"]).index.isin(counts[counts == 3].index)]
    if total.empty:
        return rows
    extra = total.assign(
        indicator_id="adults_inactive",
        group="",
        numerator=np.nan,
        denominator=np.nan,
        lowercl=np.nan,
        uppercl=np.nan,
    )[TIDY]
    return pd.concat([rows, extra], ignore_index=True)
