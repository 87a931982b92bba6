"""The European Standard Population 2013 in 19 five-year age bands (0-4 … 85-89, 90+).

Source: Eurostat (2013). *Revision of the European Standard Population: report of Eurostat's
task force.* Luxembourg: Publications Office of the European Union. Sums to 100,000.
"""

from __future__ import annotations

import pandas as pd

ESP2013_BANDS = [f"{a}-{a + 4}" for a in range(0, 90, 5)] + ["90+"]
ESP2013 = [
    5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
    7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
]  # fmt: skip


def esp2013() -> pd.DataFrame:
    """The ESP2013 as a table: ``age_band, start_age, esp2013``.

    Parameters
    ----------
    None

    Returns
    -------
    DataFrame
        ``age_band, start_age, esp2013``: the 19 bands of the European Standard Population 2013.

    Examples
    --------
    >>> e = esp2013()
    >>> len(e), int(e['esp2013'].sum())
    (19, 100000)
    """
    return pd.DataFrame(
        {"age_band": ESP2013_BANDS, "start_age": list(range(0, 95, 5)), "esp2013": ESP2013}
    )
