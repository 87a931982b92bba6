"""A council's deaths extract: one row per death, as the ONS Public Health Mortality file or
NHS England's Primary Care Mortality Database extract reaches public health teams.

Columns are recognised by their header, case and spacing ignored:

==============  ==========================================================================
date of death   ``date of death``, ``dod``, ``death date``, ``date_of_death``
age             ``age``, ``age at death``, ``agec``, ``dec_agec``, ``ageinyrs``
sex             ``sex``, ``dec_sex``, ``gender`` (1/2, M/F, male/female)
where           an LSOA code column (``lsoa``, ``lsoa21cd``, ``lsoar``, ``dec_lsoa`` …) or a
                postcode of residence (``postcode``, ``pcdr``, ``dec_postcode``)
cause           ``underlying cause``, ``s_underlying_cod_icd10``, ``ucod``, ``icd10u``,
                ``cause of death`` (ICD-10, e.g. ``I219`` or ``I21.9``)
==============  ==========================================================================

A file of counts (a ``deaths`` column, ages as single years or band starts) is read the same
way, each row standing for that many deaths.

Bad rows are refused with their file row and column: an age below 0 or above 120, a sex that is
not male or female, a date that is not a date, a missing area. Nothing else is decided here:
which deaths fall in the pooled period, the place, or a cause group is the job's, which counts
and reports what it leaves out.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.errors import FairerError, raise_first
from fairer.tabular import header_matches, read_table

LICENCE = "as the file's owner states (record-level deaths: keep within the council)"
ATTRIBUTION = "Deaths extract"

_DATE = {"dateofdeath", "dod", "deathdate", "date", "dodeath", "dateofdeathdod"}
_AGE = {"age", "ageatdeath", "agec", "decagec", "ageinyrs", "ageyears", "ageatdeathyears"}
_SEX = {"sex", "decsex", "gender"}
_LSOA = re.compile(r"^(?:dec)?lsoa(?:r|cd|code|11|21|11cd|21cd|code2021|code2011)?$")
_POSTCODE = {"postcode", "pcdr", "decpostcode", "postcodeofresidence", "pcd"}
_CAUSE = {
    "underlyingcause",
    "sunderlyingcodicd10",
    "underlyingcodicd10",
    "ucod",
    "icd10u",
    "causeofdeath",
    "underlyingcauseofdeath",
    "icd10",
    "cause",
}
_COUNT = {"deaths", "count", "n"}
_MALE = {"1", "m", "male", "men", "males"}
_FEMALE = {"2", "f", "female", "women", "females"}


def _key(header) -> str:
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


def _columns(header: list) -> dict[str, str]:
    found: dict[str, str] = {}
    for h in header:
        k = _key(h)
        for role, names in (
            ("date", _DATE),
            ("age", _AGE),
            ("sex", _SEX),
            ("postcode", _POSTCODE),
            ("cause", _CAUSE),
            ("count", _COUNT),
        ):
            if k in names and role not in found:
                found[role] = h
        if _LSOA.match(k) and "lsoa" not in found:
            found["lsoa"] = h
    return found


def _distinct(values: pd.Series, tidy, missing: str | None = None) -> pd.Series:
    """``tidy`` applied to each distinct value once (an extract repeats a few thousand codes
    millions of times), kept as a categorical; missing stays missing (or becomes ``missing``)."""
    codes, uniques = pd.factorize(values)
    tidied = tidy(pd.Series(np.asarray(uniques).astype(str), dtype="string")).astype(object)
    if missing is not None:
        tidied = pd.concat([tidied, pd.Series([missing], dtype=object)], ignore_index=True)
        codes = np.where(codes < 0, len(tidied) - 1, codes)
    again, categories = pd.factorize(tidied.to_numpy())
    final = np.where(codes >= 0, again[np.maximum(codes, 0)], -1) if len(again) else codes
    return pd.Series(pd.Categorical.from_codes(final, categories), index=values.index)


def _dates(values: pd.Series) -> pd.Series:
    """ISO dates read fast; anything else (``01/03/2022``, a spreadsheet's date) day first."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    dates = pd.to_datetime(values, errors="coerce", format="ISO8601")
    other = dates.isna() & values.notna()
    if other.any():
        dates[other] = pd.to_datetime(
            values[other].astype(str), errors="coerce", dayfirst=True, format="mixed"
        )
    return dates


def is_deaths_extract(path: str | Path) -> bool:
    """Whether ``path``'s header is a deaths extract (age, sex, a date and a place).

    Parameters
    ----------
    path : path-like

    Returns
    -------
    bool

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = p.write_text("DOD,AGEC,SEX,PCDR\\n2022-01-01,80,1,TS1 1AA\\n")
    >>> is_deaths_extract(p)
    True
    """
    return header_matches(path, lambda r: _complete(_columns(r)))


def _complete(cols: dict) -> bool:
    return {"age", "sex", "date"} <= set(cols) and bool({"lsoa", "postcode"} & set(cols))


def read_deaths(path: str | Path) -> pd.DataFrame:
    """Read a deaths extract into one tidy row per death (or per count).

    Parameters
    ----------
    path : path-like
        CSV, XLSX or Parquet with the columns above.

    Returns
    -------
    DataFrame
        ``date`` (datetime), ``year``, ``age`` (whole years), ``sex`` (``female``/``male``),
        ``lsoa_code`` or ``postcode``, ``cause`` (ICD-10, upper case, no dot; empty if not
        given), ``deaths`` (1 per record), ``row`` (the file row, for messages).

    Raises
    ------
    FairerError
        A missing column, or the first bad age, sex, date or area, with its row and column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "deaths.csv"
    >>> _ = p.write_text("DOD,AGEC,SEX,LSOA21CD,S_UNDERLYING_COD_ICD10\\n"
    ...                  "2022-03-01,81,1,E01012345,I21.9\\n2023-07-09,4,2,E01012346,C509\\n")
    >>> read_deaths(p)[["year", "age", "sex", "cause"]].values.tolist()
    [[2022, 81, 'male', 'I219'], [2023, 4, 'female', 'C509']]
    """
    path = Path(path)
    df = read_table(path, is_header=lambda r: _complete(_columns(r)))
    cols = _columns(list(df.columns))
    if not _complete(cols):
        missing = [r for r in ("date", "age", "sex") if r not in cols]
        if not {"lsoa", "postcode"} & set(cols):
            missing.append("LSOA code or postcode")
        raise FairerError(
            f"not a deaths extract: no column for {', '.join(missing)} (see `fairer detect`)",
            path=path,
        )
    first = int(df.attrs.get("header_row", 1)) + 1
    out = pd.DataFrame(index=df.index)
    out["row"] = np.arange(first, first + len(df))
    dates = _dates(df[cols["date"]])
    raise_first(
        dates.isna().to_numpy(),
        lambda i: f"'{df[cols['date']].iloc[i]}' is not a date of death",
        path=path,
        first_row=first,
        column=cols["date"],
    )
    out["date"] = dates
    out["year"] = dates.dt.year.astype(int)
    age = pd.to_numeric(df[cols["age"]], errors="coerce")
    raise_first(
        (age.isna() | (age < 0) | (age > 120)).to_numpy(),
        lambda i: f"age {df[cols['age']].iloc[i]!r} is not an age at death from 0 to 120",
        path=path,
        first_row=first,
        column=cols["age"],
    )
    out["age"] = np.floor(age).astype(int)
    sex = _distinct(df[cols["sex"]], lambda u: u.str.strip().str.lower())
    male, female = sex.isin(_MALE), sex.isin(_FEMALE)
    raise_first(
        (~(male | female)).to_numpy(),
        lambda i: f"sex {df[cols['sex']].iloc[i]!r} is not male or female (1/2, M/F)",
        path=path,
        first_row=first,
        column=cols["sex"],
    )
    out["sex"] = np.where(male.to_numpy(), "male", "female")
    where = cols.get("lsoa") or cols["postcode"]
    place = _distinct(df[where], lambda u: u.str.strip().str.upper())
    raise_first(
        (place.isna() | (place == "")).to_numpy(),
        "the area of residence is missing",
        path=path,
        first_row=first,
        column=where,
    )
    if "lsoa" in cols:
        codes, uniques = pd.factorize(place)
        fits = pd.Series(np.asarray(uniques).astype(str)).str.fullmatch(r"[EW]01\d{6}").to_numpy()
        bad = pd.Series(~fits[codes], index=place.index)
        raise_first(
            bad.to_numpy(),
            lambda i: f"'{place.iloc[i]}' is not an LSOA code",
            path=path,
            first_row=first,
            column=where,
        )
        out["lsoa_code"] = place.to_numpy()  # object strings: what every later step joins on
    else:
        out["postcode"] = place.str.replace(r"\s+", "", regex=True).to_numpy()
    if "cause" in cols:
        cause = _distinct(
            df[cols["cause"]],
            lambda u: u.str.upper().str.replace(r"[\s.\-]", "", regex=True),
            missing="",
        )
        out["cause"] = cause.to_numpy()
    else:
        out["cause"] = ""
    if "count" in cols:
        n = pd.to_numeric(df[cols["count"]], errors="coerce")
        raise_first(
            (n.isna() | (n < 0) | (n != np.floor(n))).to_numpy(),
            lambda i: f"{df[cols['count']].iloc[i]!r} is not a number of deaths",
            path=path,
            first_row=first,
            column=cols["count"],
        )
        out["deaths"] = n.astype(int).to_numpy()
    else:
        out["deaths"] = 1
    out.attrs["columns"] = cols
    return out.reset_index(drop=True)


_COUNTS_HEADER = {"areacode", "sex", "ageband", "deaths", "personyears"}


def _counts_header(row) -> bool:
    return {_key(h) for h in row} >= _COUNTS_HEADER


def is_mortality_counts(path: str | Path) -> bool:
    """Whether ``path`` is a comparator's deaths and person-years by sex and age band.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    bool

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "e.csv"
    >>> _ = p.write_text("area_code,sex,age_band,deaths,person_years\\n")
    >>> is_mortality_counts(p)
    True
    """
    return header_matches(path, _counts_header)


def read_mortality_counts(path: str | Path) -> pd.DataFrame:
    """A comparator's (e.g. England's) pooled deaths and person-years by sex and age band.

    The layout: ``area_code, area_name`` (optional), ``sex`` (female/male), ``age_band`` (the
    20 life-table bands, ``0``, ``1-4``, ``5-9`` … ``90+``), optionally ``cause`` (the cause
    groups), ``deaths`` and ``person_years`` (person-years repeated on each cause row). ONS
    publishes the parts: deaths registered by age, sex and cause, and mid-year estimates.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    DataFrame
        ``area_code, area_name, sex, startage, cause, deaths, person_years``.

    Raises
    ------
    FairerError
        A missing column, an unknown age band or sex, or a count that is not a number.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "england.csv"
    >>> _ = p.write_text("area_code,sex,age_band,deaths,person_years\\nE92000001,male,90+,9,20\\n")
    >>> read_mortality_counts(p)[["startage", "deaths"]].to_dict("records")
    [{'startage': 90, 'deaths': 9.0}]
    """
    path = Path(path)
    df = read_table(path, is_header=_counts_header)
    cols = {_key(c): c for c in df.columns}
    if not set(cols) >= _COUNTS_HEADER:
        raise FairerError("needs columns area_code, sex, age_band, deaths, person_years", path=path)
    first = int(df.attrs.get("header_row", 1)) + 1
    out = pd.DataFrame({"area_code": df[cols["areacode"]].astype(str).str.strip()})
    out["area_name"] = df[cols["areaname"]].astype(str) if "areaname" in cols else out["area_code"]
    sex = df[cols["sex"]].astype(str).str.strip().str.lower()
    male, female = sex.isin(_MALE), sex.isin(_FEMALE)
    raise_first((~(male | female)).to_numpy(), lambda i: f"sex {sex.iloc[i]!r} is not male or female",
                path=path, first_row=first, column=cols["sex"])  # fmt: skip
    out["sex"] = np.where(male, "male", "female")
    starts = df[cols["ageband"]].astype(str).str.extract(r"(\d+)")[0]
    known = {"0", "1", *[str(a) for a in range(5, 95, 5)]}
    raise_first((~starts.isin(known)).to_numpy(),
                lambda i: f"age band {df[cols['ageband']].iloc[i]!r} is not a life-table band "
                "(0, 1-4, 5-9 … 90+)", path=path, first_row=first, column=cols["ageband"])  # fmt: skip
    out["startage"] = starts.astype(int)
    out["cause"] = df[cols["cause"]].astype(str) if "cause" in cols else ""
    for name, col in (("deaths", "deaths"), ("person_years", "personyears")):
        v = pd.to_numeric(df[cols[col]], errors="coerce")
        raise_first((v.isna() | (v < 0)).to_numpy(), lambda i, c=col: f"{df[cols[c]].iloc[i]!r} "
                    "is not a count", path=path, first_row=first, column=cols[col])  # fmt: skip
        out[name] = v.astype(float)
    return out
