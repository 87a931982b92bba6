"""Public-health statistics with PHEindicatormethods' methods and output names, vectorised.

One method per module; every function takes a pandas DataFrame and grouping columns ``by``:

========================  ==================================================  =====================
function                  method                                              PHEindicatormethods
========================  ==================================================  =====================
:func:`proportion`        Wilson score limits                                 ``phe_proportion``
:func:`rate`              exact Poisson (< 10 events) or Byar's limits        ``phe_rate``
:func:`mean`              Student's t limits                                  ``phe_mean``
:func:`dsr`               Dobson limits; non-independent events; ESP2013      ``calculate_dsr``
:func:`isratio`           indirectly standardised ratio                       ``calculate_ISRatio``
:func:`israte`            indirectly standardised rate                        ``calculate_ISRate``
:func:`life_expectancy`   Chiang II life table, Silcocks variance             ``phe_life_expectancy``
:func:`sii`               slope/relative index of inequality, Monte Carlo     ``phe_sii``
:func:`quantile`          quantile assignment with ties and inversion         ``phe_quantile``
:func:`funnel_limits`     funnel plot control limits                          ``calculate_funnel_limits``
:func:`funnel_significance` significance of funnel points                     ``assign_funnel_significance``
:func:`funnel_points`     rate points for funnel charts                       ``calculate_funnel_points``
:func:`life_table`        the whole Chiang II life table                      (life table of the above)
:func:`arriaga`           gap in life expectancy by age band and cause        (OHID Segment Tool)
:func:`healthy_life_expectancy` Sullivan's method with its standard error     (ONS HLE)
:func:`recent_trend`      chi-square test for trend, last five points, 99.8%  (Fingertips trend markers)
:func:`compare`           value vs benchmark at 95% / 99.8%                   (Fingertips)
:func:`rank_intervals`    league-table rank intervals by simulation           (Goldstein & Spiegelhalter)
========================  ==================================================  =====================

Invalid input raises :class:`StatsError` naming the rule; results suppressed to NA raise a
:class:`StatsWarning`, as the R package warns.
"""

from fairer.stats._common import StatsError, StatsWarning
from fairer.stats.arriaga import arriaga, arriaga_arrays
from fairer.stats.ci import byars_lower, byars_upper, wilson_lower, wilson_upper
from fairer.stats.compare import compare, compare_table
from fairer.stats.dsr import dsr
from fairer.stats.esp2013 import ESP2013, esp2013
from fairer.stats.funnel import funnel_limits, funnel_points, funnel_significance
from fairer.stats.isr import israte, isratio
from fairer.stats.life_expectancy import life_expectancy, life_table
from fairer.stats.mean import mean
from fairer.stats.proportion import proportion
from fairer.stats.quantile import quantile
from fairer.stats.rank import rank_intervals
from fairer.stats.rate import rate
from fairer.stats.sii import sii
from fairer.stats.sullivan import healthy_life_expectancy, sullivan
from fairer.stats.trend import recent_trend

__all__ = [
    "ESP2013",
    "arriaga",
    "arriaga_arrays",
    "healthy_life_expectancy",
    "life_table",
    "rank_intervals",
    "recent_trend",
    "sullivan",
    "StatsError",
    "StatsWarning",
    "byars_lower",
    "byars_upper",
    "compare",
    "compare_table",
    "dsr",
    "esp2013",
    "funnel_limits",
    "funnel_points",
    "funnel_significance",
    "israte",
    "isratio",
    "life_expectancy",
    "mean",
    "proportion",
    "quantile",
    "rate",
    "sii",
    "wilson_lower",
    "wilson_upper",
]
