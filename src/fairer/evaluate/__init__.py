"""Evidence of what works: validated wellbeing instruments and before/after evaluation."""

from fairer.evaluate.area import Estimate, difference_in_differences, interrupted_time_series
from fairer.evaluate.before_after import BeforeAfter, before_after
from fairer.evaluate.instruments import Instrument, available, load_instrument, score

__all__ = [
    "BeforeAfter",
    "Estimate",
    "Instrument",
    "available",
    "before_after",
    "difference_in_differences",
    "interrupted_time_series",
    "load_instrument",
    "score",
]
