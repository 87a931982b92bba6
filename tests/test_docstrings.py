"""Public functions have numpy docstrings whose Examples run (doctest)."""

from __future__ import annotations

import doctest
import importlib
import inspect

import pytest

#: Modules whose public functions must carry Parameters, Returns and a running Example.
DOCUMENTED = [
    "fairer.context",
    "fairer.pipeline",
    "fairer.publish",
    "fairer.disclosure",
    "fairer.provenance",
    "fairer.reference",
    "fairer.targeting.place",
    "fairer.delivery.progress",
    "fairer.framework.results",
    "fairer.demo.run",
    "fairer.sources.iod_summary",
    "fairer.targeting.spend",
    "fairer.wording",
    "fairer.delivery.summary",
    "fairer.sources.postcodes",
    "fairer.sources.cni",
    "fairer.exports",
    "fairer.feedback",
    "fairer.evaluate.instruments",
    "fairer.evaluate.before_after",
    "fairer.evaluate.area",
    "fairer.evaluate.programme",
    "fairer.evaluate.areas",
    "fairer.evaluate.jobs",
    "fairer.evaluate.files",
    "fairer.evaluate.gradient",
    "fairer.mortality.where",
    "fairer.mortality.jobs",
    "fairer.mortality.causes",
    "fairer.sources.deaths",
    "fairer.sources.general_health",
    "fairer.profile.neighbours",
]
#: Packages whose exported functions (``__all__``) are the public API and must be documented.
PACKAGES = [
    "fairer.stats",
    "fairer.profile",
    "fairer.framework",
    "fairer.targeting",
    "fairer.delivery",
    "fairer.voices",
    "fairer.store",
    "fairer.demo",
    "fairer.evaluate",
    "fairer.mortality",
    "fairer.hub",
]
#: Modules whose examples run (the documented ones, the packages' modules and more).
DOCTESTED = [
    *DOCUMENTED,
    "fairer.errors",
    "fairer.store.queries",
    "fairer.store.base",
    "fairer.tabular",
    "fairer.place",
    "fairer.load",
    "fairer.profile.deprivation",
    "fairer.profile.change",
    "fairer.framework.model",
    "fairer.targeting.need",
    "fairer.targeting.allocate",
    "fairer.targeting.neighbourhoods",
    "fairer.delivery.actions",
    "fairer.delivery.impact",
    "fairer.delivery.learning",
    "fairer.voices.redact",
    "fairer.voices.codebook",
    "fairer.voices.notes",
    "fairer.voices.pdfform",
    "fairer.framework.league",
    "fairer.hub.config",
    "fairer.hub.roles",
    "fairer.sources.iod_summary",
    "fairer.targeting.spend",
    "fairer.wording",
    *(
        f"fairer.stats.{m}"
        for m in [
            "ci",
            "compare",
            "esp2013",
            "dsr",
            "isr",
            "life_expectancy",
            "mean",
            "proportion",
            "quantile",
            "rate",
            "funnel",
            "sii",
            "arriaga",
            "sullivan",
            "trend",
            "rank",
        ]
    ),
]


def _public_functions(module):
    names = getattr(module, "__all__", None) or dir(module)
    for name in names:
        f = getattr(module, name, None)
        if inspect.isfunction(f) and f.__module__ == module.__name__ and not name.startswith("_"):
            yield name, f


@pytest.mark.parametrize("name", DOCUMENTED)
def test_public_functions_have_numpy_docstrings(name):
    module = importlib.import_module(name)
    missing = []
    for fname, f in _public_functions(module):
        sections = _sections_missing(f)
        if sections and fname != "write_pdf":
            missing.append(f"{fname}: {', '.join(sections)}")
    assert not missing, "\n".join(missing)


def _sections_missing(f) -> list[str]:
    doc = inspect.getdoc(f) or ""
    return [s for s in ("Parameters", "Returns", "Examples") if f"{s}\n---" not in doc]


@pytest.mark.parametrize("name", PACKAGES)
def test_the_packages_public_functions_have_numpy_docstrings(name):
    package = importlib.import_module(name)
    missing = [
        f"{n}: {', '.join(m)}"
        for n in package.__all__
        if inspect.isfunction(getattr(package, n)) and (m := _sections_missing(getattr(package, n)))
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("name", DOCTESTED)
def test_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    result = doctest.testmod(
        module,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"
    if name in DOCUMENTED:
        assert result.attempted > 0
