"""fairer: reproducible place-based inequalities analysis for English councils and partnerships.

The package follows the cycle a strategy runs: ``sources`` (official data readers), ``store``
(an embedded DuckDB database per place), ``place`` (a place's configuration), ``profile``
(the deprivation profile), ``report`` (a self-contained HTML report) and ``demo``
(a synthetic borough that runs everything end to end).
"""

from fairer.errors import FairerError

__version__ = "0.1.0"
__all__ = ["FairerError", "__version__"]
