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
]
#: Modules whose examples run (the documented ones and more).
DOCTESTED = [
    *DOCUMENTED,
    "fairer.store.queries",
    "fairer.tabular",
    "fairer.profile.deprivation",
    "fairer.voices.codebook",
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
        doc = inspect.getdoc(f) or ""
        sections = [s for s in ("Parameters", "Returns", "Examples") if f"{s}\n---" not in doc]
        if sections and fname != "write_pdf":
            missing.append(f"{fname}: {', '.join(sections)}")
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
