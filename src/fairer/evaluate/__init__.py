"""Evidence of what works: validated wellbeing instruments and before/after evaluation."""

from fairer.evaluate.before_after import BeforeAfter, before_after
from fairer.evaluate.instruments import Instrument, available, load_instrument, score

__all__ = ["BeforeAfter", "Instrument", "available", "before_after", "load_instrument", "score"]
