"""Life expectancy where people live: small areas from a deaths extract, the gap between the
most and least deprived, why it differs (by age and cause), and healthy life expectancy.

:mod:`fairer.mortality.where` holds the operations (frames in, frames out);
:mod:`fairer.mortality.jobs` runs them for a place; :mod:`fairer.mortality.causes` maps ICD-10
underlying causes to the Segment Tool's broad groups.
"""

from fairer.mortality.causes import assign_causes, cause_groups
from fairer.mortality.jobs import MortalityResults, mortality_results

__all__ = ["MortalityResults", "assign_causes", "cause_groups", "mortality_results"]
