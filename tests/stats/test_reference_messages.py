"""Every error and warning PHEindicatormethods 2.1.0 raises, case by case.

Each message in the reference's R sources is listed here against the reference file that
raises it, with either a call that gives fairer the same trigger (fairer's message must begin
with the reference's words; it may add the column, value or row in brackets) or the reason it
cannot apply to a Python library. A test reads the reference's sources from
``../shared/reference-r`` and fails if a message is not listed, so a new reference version
cannot add a rule unnoticed.
"""

from __future__ import annotations

import re
import tarfile
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fairer import stats
from fairer.stats import StatsError, StatsWarning
from tests.conftest import ROOT

REFERENCE = ROOT.parent / "shared" / "reference-r" / "PHEindicatormethods-2.1.0.tar.gz"

AGES = [0, 1] + list(range(5, 95, 5))

# A small valid table for each method; each trigger breaks one thing.
PROP = pd.DataFrame({"area": ["a", "b"], "x": [5.0, 10.0], "n": [100.0, 200.0]})
DSR = pd.DataFrame(
    {
        "area": np.repeat(["a", "b"], 19),
        "band": np.tile(np.arange(19), 2),
        "x": np.tile(np.arange(19.0) + 3, 2),
        "n": 5000.0,
        "w": np.tile(np.linspace(1000, 5000, 19), 2),
        "freq": 1.0,
    }
)
ISR = pd.DataFrame(
    {
        "area": np.repeat(["a", "b"], 3),
        "x": [3.0, 8.0, 20.0, 4.0, 9.0, 30.0],
        "n": [1000.0, 900.0, 800.0, 1100.0, 950.0, 700.0],
        "rx": [300.0, 900.0, 2500.0] * 2,
        "rn": [100000.0, 90000.0, 80000.0] * 2,
    }
)
LE = pd.DataFrame(
    {
        "age": AGES,
        "pop": 1000.0,
        "deaths": np.round(np.exp(np.linspace(-7.5, -1.2, 20)) * 1000),
    }
)
SII = pd.DataFrame(
    {
        "q": range(1, 11),
        "pop": 10000.0,
        "v": np.linspace(0.02, 0.01, 10),
        "se": 0.001,
        "lcl": np.linspace(0.02, 0.01, 10) * 0.9,
        "ucl": np.linspace(0.02, 0.01, 10) * 1.1,
    }
)
FUNNEL = pd.DataFrame({"num": [20.0, 45.0, 70.0], "den": [100.0, 200.0, 300.0]})
RATES = pd.DataFrame({"num": [20.0, 45.0, 70.0], "rate": [50.0, 80.0, 90.0]})


def _sii(data: pd.DataFrame = SII, **kw):
    args = dict(value="v", se="se", repetitions=1000, seed=1)
    args.update(kw)
    return stats.sii(data, "q", "pop", **{k: v for k, v in args.items() if v is not None})


def _dsr(data: pd.DataFrame = DSR, **kw):
    args = dict(stdpop="w", by="area")
    args.update(kw)
    return stats.dsr(data, "x", "n", **args)


def _nonind(data: pd.DataFrame = DSR, **kw):
    args = dict(independent_events=False, eventfreq="freq", ageband="band")
    args.update(kw)
    return _dsr(data, **args)


def _isr(function=stats.isratio, data: pd.DataFrame = ISR, **kw):
    args = dict(x="x", n="n", x_ref="rx", n_ref="rn", by="area")
    args.update(kw)
    return function(data, **args)


def _le(data: pd.DataFrame = LE, **kw):
    return stats.life_expectancy(data, "deaths", "pop", "age", **kw)


def _limits(data: pd.DataFrame = FUNNEL, **kw):
    args = dict(denominator="den", statistic="proportion", multiplier=100)
    args.update(kw)
    return stats.funnel_limits(data, "num", **args)


def _rate_limits(data: pd.DataFrame = RATES, **kw):
    args = dict(rate="rate", statistic="rate", rate_type="crude", multiplier=1e5, years_of_data=1)
    args.update(kw)
    return stats.funnel_limits(data, "num", **{k: v for k, v in args.items() if v is not None})


def _significance(data: pd.DataFrame = FUNNEL, **kw):
    args = dict(denominator="den", statistic="proportion")
    args.update(kw)
    return stats.funnel_significance(data, "num", **args)


def _rate_significance(data: pd.DataFrame = RATES, **kw):
    args = dict(rate="rate", statistic="rate", rate_type="crude", multiplier=1e5)
    args.update(kw)
    return stats.funnel_significance(data, "num", **args)


def _points(data: pd.DataFrame = RATES, **kw):
    args = dict(rate="rate", rate_type="crude", years_of_data=1, multiplier=1e5)
    args.update(kw)
    return stats.funnel_points(data, "num", **args)


def _zero_events(data: pd.DataFrame, den: list[float]) -> pd.DataFrame:
    return data.assign(num=[0.0, 45.0, 70.0], den=den)


CONFIDENCE = "confidence level must be between 90 and 100 or between 0.9 and 1"
TWO_LEVELS = "two confidence levels can only be produced if they are specified as 0.95 and 0.998"
MAX_TWO = "a maximum of two confidence levels can be provided"
TYPE = "type must be one of value, lower, upper, standard or full"
PYTHON_ARGS = "Python itself refuses a call without its required arguments (TypeError)"


def _common_rules(run: Callable) -> dict[str, Callable]:
    """The confidence and type rules every counting method shares, through one call."""
    return {
        MAX_TWO: lambda: run(confidence=[0.9, 0.95, 0.998]),
        TWO_LEVELS: lambda: run(confidence=[0.95, 0.99]),
        TYPE: lambda: run(type="everything"),
    }


# reference file -> {message: a call with the same trigger, or the reason it cannot apply}
CATALOGUE: dict[str, dict[str, Callable | str]] = {
    "Proportions.R": {
        "function phe_proportion requires at least 3 arguments: data, x, n": PYTHON_ARGS,
        "numerators must be greater than or equal to zero": lambda: stats.proportion(
            PROP.assign(x=[-1.0, 2.0]), "x", "n"
        ),
        "denominators must be greater than zero": lambda: stats.proportion(
            PROP.assign(n=[0.0, 2.0]), "x", "n"
        ),
        "numerators must be less than or equal to denominator for a proportion statistic": (
            lambda: stats.proportion(PROP.assign(x=[500.0, 2.0]), "x", "n")
        ),
        "confidence level, if specified, must be between 90 and 100 or between 0.9 and 1": (
            lambda: stats.proportion(PROP, "x", "n", confidence=85)
        ),
        **_common_rules(lambda **kw: stats.proportion(PROP, "x", "n", **kw)),
    },
    "Rates.R": {
        "function phe_rate requires at least 3 arguments: data, x, n": PYTHON_ARGS,
        "numerators must be greater than or equal to zero": lambda: stats.rate(
            PROP.assign(x=[-1.0, 2.0]), "x", "n"
        ),
        "denominators must be greater than zero": lambda: stats.rate(
            PROP.assign(n=[0.0, 2.0]), "x", "n"
        ),
        CONFIDENCE: lambda: stats.rate(PROP, "x", "n", confidence=101),
        **_common_rules(lambda **kw: stats.rate(PROP, "x", "n", **kw)),
    },
    "Means.R": {
        "function phe_mean requires at least 2 arguments: data, x": PYTHON_ARGS,
        CONFIDENCE: lambda: stats.mean(PROP, "x", confidence=0.5),
        **_common_rules(lambda **kw: stats.mean(PROP, "x", **kw)),
    },
    "DSR.R": {
        "function calculate_dsr requires at least 4 arguments: data, x, n, stdpop": (
            PYTHON_ARGS + "; stdpop defaults to the European Standard Population 2013"
        ),
        "cannot get nonindependent vardsr and use nonindependent vardsr in the same execution": (
            "a rule between two arguments of the reference's internal dsr_inner, which fairer "
            "does not have"
        ),
        "data must be a data frame object": lambda: stats.dsr([1, 2], "x", "n"),
        "x is not a field name from data": lambda: _dsr(DSR.drop(columns="x")),
        "n is not a field name from data": lambda: _dsr(DSR.drop(columns="n")),
        "stdpop is not a field name from data": lambda: _dsr(stdpop="weights"),
        "field x must be numeric": lambda: _dsr(DSR.assign(x="many")),
        "field n must be numeric": lambda: _dsr(DSR.assign(n="many")),
        "field stdpop must be numeric": lambda: _dsr(DSR.assign(w="many")),
        "field n cannot have missing values": lambda: _dsr(DSR.assign(n=np.nan)),
        "field stdpop cannot have missing values": lambda: _dsr(DSR.assign(w=np.nan)),
        "numerators must all be greater than or equal to zero": lambda: _dsr(DSR.assign(x=-1.0)),
        "denominators must all be greater than zero": lambda: _dsr(DSR.assign(n=0.0)),
        "stdpop must all be greater than or equal to zero": lambda: _dsr(DSR.assign(w=-1.0)),
        "confidence must be numeric": lambda: _dsr(confidence="high"),
        CONFIDENCE: lambda: _dsr(confidence=0.5),
        "multiplier must be numeric": lambda: _dsr(multiplier="lots"),
        "multiplier must be greater than 0": lambda: _dsr(multiplier=0),
        "independent_events must be TRUE or FALSE": lambda: _dsr(independent_events="no"),
        "function calculate_dsr requires an eventfreq column to be specified when "
        "independent_events is FALSE": lambda: _nonind(eventfreq=None),
        "eventfreq is not a field name from data": lambda: _nonind(eventfreq="times"),
        "eventfreq field must be numeric": lambda: _nonind(DSR.assign(freq="once")),
        "eventfreq field must not have any missing values": lambda: _nonind(
            DSR.assign(freq=np.where(DSR.index == 3, np.nan, 1.0))
        ),
        "function calculate_dsr requires an ageband column to be specified when "
        "independent_events is FALSE": lambda: _nonind(ageband=None),
        "ageband is not a field name from data": lambda: _nonind(ageband="age"),
        "ageband field must not have any missing values": lambda: _nonind(
            DSR.assign(band=np.where(DSR.index == 3, np.nan, DSR["band"]))
        ),
        "There are rows with the same grouping variables and ageband but with different "
        "populations (n) or standard populations(stdpop)": lambda: _nonind(
            pd.concat([DSR, DSR.head(1).assign(n=1.0, freq=2.0)], ignore_index=True)
        ),
        **_common_rules(_dsr),
    },
    "phe_DSR.R": {
        # phe_dsr is the reference's older DSR, superseded by calculate_dsr; fairer's dsr takes
        # its vector of standard populations too, so those rules are checked here.
        "function phe_dsr requires at least 3 arguments: data, x, n": PYTHON_ARGS,
        "valid values for stdpoptype are vector and field": (
            "fairer reads a column name as a field and a sequence as a vector: no stdpoptype"
        ),
        "data must contain the same number of rows for each group": lambda: _dsr(
            DSR.iloc[1:], stdpop=list(range(19))
        ),
        "stdpop length must equal number of rows in each group within data": lambda: _dsr(
            stdpop=[1.0] * 18
        ),
        "stdpop is not a field name from data": lambda: _dsr(stdpop="weights"),
        "numerators must all be greater than or equal to zero": lambda: _dsr(
            DSR.assign(x=-1.0), stdpop="esp2013"
        ),
        "denominators must all be greater than zero": lambda: _dsr(
            DSR.assign(n=0.0), stdpop="esp2013"
        ),
        CONFIDENCE: lambda: _dsr(stdpop="esp2013", confidence=85),
        **_common_rules(lambda **kw: _dsr(stdpop="esp2013", **kw)),
    },
    "ISRatio.R": {},  # filled below: the same rules as ISRate.R
    "ISRate.R": {},
    "LifeExpectancy.R": {
        "function life_expectancy requires at least 4 arguments: data, deaths, population, "
        "startage": PYTHON_ARGS,
        "first age band in age_contents must be 0": lambda: _le(age_contents=AGES[1:]),
        "age_contents doesn't appear to be in ascending order; the following age bands appear "
        "out of position: 5, 1": lambda: _le(age_contents=[0, 5, 1] + AGES[3:]),
        "all confidence levels must be between 90 and 100 or between 0.9 and 1": lambda: _le(
            confidence=[0.95, 0.8]
        ),
        "the contents in the startage field do not match the contents of the age_contents "
        "vector": lambda: _le(LE[LE["age"] != 40]),
        "some age bands have negative deaths; outputs have been suppressed to NAs": lambda: _le(
            LE.assign(deaths=-1.0)
        ),
        "some age bands have a zero or less population; outputs have been suppressed to NAs": (
            lambda: _le(LE.assign(pop=np.where(LE["age"] == 40, 0.0, 1000.0)))
        ),
        "some age bands have more deaths than population; outputs have been suppressed to NAs": (
            lambda: _le(LE.assign(deaths=np.where(LE["age"] == 40, 2000.0, LE["deaths"])))
        ),
        "some groups contain a different number of age bands than 20; life expectancy cannot "
        "be calculated for these. These groups will contain NAs.": lambda: _le(
            pd.concat([LE.assign(area="a"), LE.assign(area="b").iloc[1:]]), by="area"
        ),
        "some groups have a total population of less than 5,000; outputs have been suppressed "
        "to NAs": lambda: _le(LE.assign(pop=200.0, deaths=np.minimum(LE["deaths"], 200.0))),
        "some life expectancy values have a 95% confidence interval > 20 years; these values "
        "have been suppressed to NAs": lambda: _le(LE.assign(pop=300.0, deaths=1.0)),
        "le_age not in the vector described by age_contents; all life expectancies will be "
        "returned": lambda: _le(le_age=[200]),
    },
    "Quantiles.R": {
        "function phe_quantile requires at least 2 arguments: data and values": PYTHON_ARGS,
        "valid values for inverttype are logical and field": (
            "fairer reads a column name as a field and True/False as a logical: no inverttype"
        ),
        "invert expressed as a logical must equal TRUE or FALSE": lambda: stats.quantile(
            PROP, "x", invert=None
        ),
        "invert is not a field name from data": lambda: stats.quantile(PROP, "x", invert="pol"),
        "values argument must be a numeric field from data": lambda: stats.quantile(PROP, "area"),
        "invert field values must take the same logical value for each data grouping set": (
            lambda: stats.quantile(PROP.assign(g=1, pol=[True, False]), "x", by="g", invert="pol")
        ),
        "One or more groups had too few small areas with values to allow quantiles to be "
        "assigned": lambda: stats.quantile(PROP, "x", nquantiles=5),
    },
    "SII_function.R": {
        "function phe_sii requires the arguments: data, quantile, population": PYTHON_ARGS,
        "function phe_sii requires value field, or x field if indicator is a proportion of "
        "population": lambda: _sii(value=None),
        "function phe_sii requires either lower_cl and upper_cl fields, or se field": (
            lambda: _sii(se=None)
        ),
        "value_type should be 0, 1 or 2": lambda: _sii(value_type=3),
        "multiplier, repetitions and confidence inputs should be numeric": lambda: _sii(
            repetitions="many"
        ),
        "number of repetitions must be 1000 or greater. Default is 100,000": lambda: _sii(
            repetitions=999
        ),
        "value_type should be 1 or 2 when transform is true": lambda: _sii(transform=True),
        "function phe_sii requires se to be missing when transform is true": lambda: _sii(
            transform=True, value_type=1
        ),
        "function phe_sii requires lower_cl and upper_cl fields when transform is true": (
            "unreachable in the reference: without both limits its earlier 'either lower_cl "
            "and upper_cl fields, or se field' or 'se to be missing' rule stops first, as here"
        ),
        "all confidence levels must be between 90 and 100 or between 0.9 and 1": lambda: _sii(
            confidence=[0.95, 0.8]
        ),
        "some input fields in data.frame are non-numeric": lambda: _sii(SII.assign(se="small")),
        "some groups have a zero, negative or missing population": lambda: _sii(
            SII.assign(pop=0.0)
        ),
        "negative or missing standard errors in input dataset": lambda: _sii(SII.assign(se=-1.0)),
        "missing lower or upper confidence limits in input dataset": lambda: _sii(
            SII.assign(lcl=np.nan), se=None, lower_cl="lcl", upper_cl="ucl", value_type=1
        ),
        "value proportions are not all between 0 and 1": lambda: _sii(
            SII.assign(v=SII["v"] * 100), value_type=2
        ),
        "confidence limit proportions are not all between 0 and 1": lambda: _sii(
            SII.assign(ucl=2.0), se=None, lower_cl="lcl", upper_cl="ucl", value_type=2
        ),
        "some groups have a zero or negative count x": lambda: _sii(
            SII.assign(x=0.0), value=None, x="x", value_type=2
        ),
        "Number of quantiles must be between 5 and 100": lambda: _sii(SII.head(4)),
        "WARNING: Small values can make SII unstable when using a large number of quantiles": (
            lambda: _sii(pd.concat([SII, SII.assign(q=SII["q"] + 10)]))
        ),
        "WARNING: some records have been removed due to incomplete or invalid data": lambda: _sii(
            pd.concat([SII.assign(g=1), SII.assign(g=2, v=np.nan)]), by="g"
        ),
    },
    "Funnels.R": {
        "statistic must be provided as proportion, rate or ratio": lambda: _limits(
            statistic="odds"
        ),
        "the following arguments are required for proportions: data, numerator, denominator, "
        "multiplier": lambda: _limits(denominator=None),
        "the following arguments are required for ratios: data, numerator, denominator, "
        "ratio_type, multiplier": lambda: _limits(statistic="ratio", denominator=None),
        "for proportions, numerators and denominators must be provided for all records, even "
        "when their values are zero": lambda: _limits(FUNNEL.assign(den=[np.nan, 200, 300])),
        "the following arguments are required for rates: data, numerator, rate, rate_type, "
        "multiplier, years_of_data": lambda: _rate_limits(years_of_data=None),
        "for rates, numerators must be provided for all records, even when their values are "
        "zero": lambda: _rate_limits(RATES.assign(num=[np.nan, 45, 70])),
        "for rates, rates must be provided for all records, or a denominator must be provided "
        "if the rate is zero": lambda: _rate_limits(RATES.assign(rate=[np.nan, 80, 90])),
        "for rates, where there are 0 events for a record, the denominator field needs to be "
        "provided using the denominator argument": lambda: _rate_limits(
            RATES.assign(num=[0.0, 45, 70])
        ),
        "for rates, where there are 0 events for a record, the denominator must be provided": (
            lambda: _rate_limits(_zero_events(RATES, [0.0, 1, 1]), denominator="den")
        ),
        "the following arguments are required for rates: data, numerator, rate, rate_type, "
        "multiplier": lambda: _rate_significance(rate_type=None),
        "the following arguments are required for ratios and proportions: data, numerator, "
        "denominator": lambda: _significance(denominator=None),
        "numerators must be greater than or equal to zero": lambda: _significance(
            FUNNEL.assign(num=[-1.0, 45, 70])
        ),
        "denominators must be greater than zero": lambda: _significance(
            FUNNEL.assign(den=[0.0, 200, 300])
        ),
        "numerators must be less than or equal to denominator for a proportion statistic": (
            lambda: _significance(FUNNEL.assign(num=[500.0, 45, 70]))
        ),
        "the following arguments are required for rates: data, numerator, rate, rate_type, "
        "years_of_data, multiplier": lambda: _points(rate_type=None),
    },
    "utils.R": {
        "observed events must all be greater than or equal to zero": lambda: stats.byars_lower(
            [-1.0]
        ),
        "sample sizes must all be greater than zero": lambda: stats.wilson_lower([1.0], [-1.0]),
        "numerators must be less than or equal to denominator for a Wilson score to be "
        "calculated": lambda: stats.wilson_upper([5.0], [2.0]),
        CONFIDENCE: lambda: stats.byars_upper([5.0], confidence=0.5),
    },
}

for _file, _function in (("ISRatio.R", stats.isratio), ("ISRate.R", stats.israte)):
    _name = "calculate_ISRatio" if _file == "ISRatio.R" else "calculate_ISRate"
    CATALOGUE[_file] = {
        f"function {_name} requires at least 5 arguments: data, x, n, x_ref and n_ref": (
            PYTHON_ARGS
        ),
        "valid values for refpoptype are vector and field": (
            "fairer reads column names as fields and sequences as vectors: no refpoptype"
        ),
        "data must contain the same number of rows for each group": (
            lambda f=_function: _isr(f, ISR.iloc[1:])
        ),
        "observed_totals is provided but x is not a field name in it": (
            lambda f=_function: _isr(f, observed_totals=pd.DataFrame({"area": ["a"], "y": [1]}))
        ),
        "x is not in data": lambda f=_function: _isr(f, x="deaths"),
        "x_ref length must equal number of rows in each group within data": (
            lambda f=_function: _isr(f, x_ref=[1.0, 2.0], n_ref=[1.0, 2.0, 3.0])
        ),
        "n_ref length must equal number of rows in each group within data": (
            lambda f=_function: _isr(f, x_ref=[1.0, 2.0, 3.0], n_ref=[1.0, 2.0])
        ),
        "x_ref is not a field name from data": lambda f=_function: _isr(f, x_ref="ref_deaths"),
        "n_ref is not a field name from data": lambda f=_function: _isr(f, n_ref="ref_pop"),
        "numerators must all be greater than or equal to zero": (
            lambda f=_function: _isr(f, ISR.assign(x=-1.0))
        ),
        "denominators must all be greater than or equal to zero": (
            lambda f=_function: _isr(f, ISR.assign(n=-1.0))
        ),
        CONFIDENCE: lambda f=_function: _isr(f, confidence=0.5),
        **_common_rules(lambda f=_function, **kw: _isr(f, **kw)),
    }

CASES = [
    pytest.param(file, message, check, id=f"{file}: {message[:60]}")
    for file, rules in CATALOGUE.items()
    for message, check in rules.items()
    if callable(check)
]


@pytest.mark.parametrize(("file", "message", "trigger"), CASES)
def test_reference_rule_has_the_same_trigger_and_words(file, message, trigger):
    expected = message.removeprefix("WARNING: ")
    if message in WARNINGS.get(file, ()):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            trigger()
        said = [str(w.message) for w in caught if issubclass(w.category, StatsWarning)]
        assert any(s.startswith(expected) for s in said), said
    else:
        with pytest.raises(StatsError) as raised, warnings.catch_warnings():
            warnings.simplefilter("ignore", StatsWarning)
            trigger()
        assert str(raised.value).startswith(expected), str(raised.value)


# The reference's warnings (the rest are errors); filled from its sources where present.
WARNINGS: dict[str, set[str]] = {
    "LifeExpectancy.R": {m for m in CATALOGUE["LifeExpectancy.R"] if m.startswith(("some", "le_"))},
    "Quantiles.R": {m for m in CATALOGUE["Quantiles.R"] if m.startswith("One or more")},
    "SII_function.R": {m for m in CATALOGUE["SII_function.R"] if m.startswith("WARNING")},
}

_CALL = re.compile(r'\b(stop|warning)\(\s*(paste0?\()?((?:\s*"(?:[^"\\]|\\.)*"\s*,?)+)', re.S)


def reference_messages(tarball: Path) -> dict[tuple[str, str], str]:
    """``(R file, message) -> 'stop' | 'warning'`` for every literal message in the sources.

    Messages built with ``paste``/``paste0`` are joined from their literal parts (a trailing
    list of values, as in the age-band rule, is not part of the literal).
    """
    found: dict[tuple[str, str], str] = {}
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            if not re.search(r"/R/[^/]+\.R$", member.name):
                continue
            text = tar.extractfile(member).read().decode("utf-8")
            for kind, paste, body in _CALL.findall(text):
                parts = re.findall(r'"((?:[^"\\]|\\.)*)"', body)
                joined = (" " if paste == "paste(" else "").join(parts)
                found[(Path(member.name).name, joined)] = kind
    return found


def test_every_reference_message_is_accounted_for():
    if not REFERENCE.exists():
        pytest.skip(f"needs the reference's sources at {REFERENCE}")
    found = reference_messages(REFERENCE)
    listed = {
        (file, message.removesuffix(" 5, 1"))  # the age-band rule's list is not literal
        for file, rules in CATALOGUE.items()
        for message in rules
    }
    missing = sorted(set(found) - listed)
    assert not missing, f"reference messages with no case here: {missing}"
    extra = sorted(listed - set(found))
    assert not extra, f"cases for messages the reference does not raise: {extra}"
    warned = {key for key, kind in found.items() if kind == "warning"}
    ours = {(file, m) for file, ms in WARNINGS.items() for m in ms}
    assert ours == warned, sorted(ours ^ warned)
