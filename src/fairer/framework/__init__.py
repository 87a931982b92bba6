"""Outcomes frameworks as configuration: domains → measures → indicators.

See :mod:`fairer.framework.model` (loading and validation), :mod:`fairer.framework.compute`
(indicator values, comparisons, gaps and trends for a place) and the templates shipped in
``fairer/framework/templates`` (Fairer nine domains, Marmot's eight principles, blank).
"""

from fairer.framework.model import (
    Domain,
    Framework,
    Indicator,
    Measure,
    load_framework,
    template_path,
)

__all__ = ["Domain", "Framework", "Indicator", "Measure", "load_framework", "template_path"]
