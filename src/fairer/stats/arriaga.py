"""Arriaga's decomposition of a gap in life expectancy into age bands and causes of death.

The difference in life expectancy at birth between a reference population (1) and a comparison
population (2) is split into the contribution of each age band's mortality difference
(Arriaga 1984, in the notation of Preston, Heuveline and Guillot 2001, section 4.6):

.. math::

    {}_n\\Delta_x = \\frac{l^1_x}{l^1_0}\\left(\\frac{{}_nL^2_x}{l^2_x}
        - \\frac{{}_nL^1_x}{l^1_x}\\right)
        + \\frac{T^2_{x+n}}{l^1_0}\\left(\\frac{l^1_x}{l^2_x} - \\frac{l^1_{x+n}}{l^2_{x+n}}\\right)

and, for the open band, :math:`\\frac{l^1_x}{l^1_0}(T^2_x / l^2_x - T^1_x / l^1_x)`. The band
contributions add up exactly to :math:`e^2_0 - e^1_0`. Each band's contribution is shared among
causes in proportion to the cause's difference in death rates (Arriaga 1989; Preston et al.
2001, section 4.7): :math:`{}_n\\Delta^i_x = {}_n\\Delta_x\\,({}_nm^{i,2}_x - {}_nm^{i,1}_x) /
({}_nm^2_x - {}_nm^1_x)`, so the causes of a band add up to the band. The life tables are
those of :func:`fairer.stats.life_table` (Chiang II, 20 bands, 90+), the method OHID's
Segment Tool pairs with this decomposition.

References
----------
Arriaga EE. Measuring and explaining the change in life expectancies. *Demography*
1984;21(1):83-96. Arriaga EE. Changing trends in mortality decline during the last decades. In:
Ruzicka L, Wunsch G, Kane P (eds). *Differential mortality*. Clarendon Press, 1989: 105-129.
Preston SH, Heuveline P, Guillot M. *Demography: measuring and modeling population processes*.
Blackwell, 2001: 84-86. Andreev EM, Shkolnikov VM, Begun AZ. Algorithm for decomposition of
differences between aggregate demographic measures. *Demographic Research* 2002;7:499-522
(Arriaga's result equals replacing one band's rates at a time, youngest first). Public Health
England. *Segment Tool: technical document* (2017).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairer.stats._common import StatsError, normalise_by, require_columns
from fairer.stats.life_expectancy import N_BANDS, life_table


def arriaga(
    data: pd.DataFrame,
    deaths: str,
    population: str,
    startage: str,
    population_col: str,
    reference,
    comparison,
    by: list[str] | str | None = None,
    cause: str | None = None,
    age_contents=None,
) -> pd.DataFrame:
    """Contributions of each age band (and cause) to the gap in life expectancy at birth.

    Parameters
    ----------
    data : DataFrame
        Deaths and person-years by population, age band (and cause): one row per population ×
        group × band (× cause). With ``cause``, each band's population is repeated on every
        cause row and must be the same on all of them.
    deaths, population, startage : str
        Columns of deaths, person-years and the age band.
    population_col : str
        The column naming which population a row belongs to.
    reference, comparison
        The values of ``population_col`` for population 1 (the gap is measured from it) and
        population 2. The gap is ``e0(comparison) - e0(reference)``.
    by : list of str, optional
        One decomposition per group (e.g. sex, or ward when every ward is compared with
        England).
    cause : str, optional
        A column of cause groups: the band contributions are shared among them.
    age_contents : sequence, optional
        The 20 age bands (default 0, 1, 5 … 90).

    Returns
    -------
    DataFrame
        One row per group × band (× cause): ``by…, startage, [cause], contribution`` (years),
        and on every row of a group ``le_reference, le_comparison, gap``. A group whose life
        table cannot be calculated (see :func:`fairer.stats.life_table`) has NA contributions
        and its reason in ``note``.

    Raises
    ------
    StatsError
        Missing columns, a population value that is absent, or cause rows whose population
        differs within a band.

    References
    ----------
    Arriaga EE. Measuring and explaining the change in life expectancies. *Demography*
    1984;21:83-96. Preston SH, Heuveline P, Guillot M. *Demography*. Blackwell, 2001: 84-86.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> ages = [0, 1] + list(range(5, 95, 5))
    >>> m = np.exp(np.linspace(-8, -1.4, 20))
    >>> d = pd.concat([pd.DataFrame({'pop': p, 'age': ages, 'py': 10000.0,
    ...                              'deaths': np.round(m * f * 10000)})
    ...                for p, f in (('least deprived', 1.0), ('most deprived', 1.6))])
    >>> out = arriaga(d, 'deaths', 'py', 'age', 'pop', 'least deprived', 'most deprived')
    >>> bool(np.isclose(out['contribution'].sum(), out['gap'].iloc[0]))
    True
    """
    by = normalise_by(by)
    require_columns(data, deaths, population, startage, population_col, *by)
    if cause is not None:
        require_columns(data, cause)
    for label, value in (("reference", reference), ("comparison", comparison)):
        if not (data[population_col] == value).any():
            raise StatsError(f"{label} population '{value}' is not in column '{population_col}'")
    data = data[data[population_col].isin([reference, comparison])]
    keys = [population_col, *by, startage]
    if cause is not None:
        pops = data.groupby(keys, sort=False, dropna=False)[population]
        if (pops.nunique(dropna=False) > 1).any():
            raise StatsError(
                f"the population differs between cause rows of the same age band; "
                f"give each band's person-years once per cause row ('{population}')"
            )
        totals = data.groupby(keys, sort=False, dropna=False).agg(
            **{deaths: (deaths, "sum"), population: (population, "first")}
        )
        totals = totals.reset_index()
    else:
        totals = data
    tables = life_table(totals, deaths, population, startage, [population_col, *by], age_contents)
    ref = tables[tables[population_col] == reference].drop(columns=population_col)
    comp = tables[tables[population_col] == comparison].drop(columns=population_col)
    # Align the two populations group by group (each has 20 sorted bands per group).
    ref_keys = ref[by].drop_duplicates() if by else pd.DataFrame(index=[0])
    merged_keys = (
        ref_keys.merge(comp[by].drop_duplicates(), on=by) if by else pd.DataFrame(index=[0])
    )
    if by:
        ref = merged_keys.merge(ref, on=by, how="left")
        comp = merged_keys.merge(comp, on=by, how="left")
    k = len(merged_keys)
    shape = (k, N_BANDS)
    l1, l2 = (t["lx"].to_numpy().reshape(shape) for t in (ref, comp))
    L1, L2 = (t["Lx"].to_numpy().reshape(shape) for t in (ref, comp))
    T1, T2 = (t["Tx"].to_numpy().reshape(shape) for t in (ref, comp))
    contribution = _band_contributions(l1, l2, L1, L2, T1, T2)
    e1, e2 = T1[:, 0] / l1[:, 0], T2[:, 0] / l2[:, 0]
    note = np.where(ref["note"].to_numpy() != "", ref["note"].to_numpy(), comp["note"].to_numpy())
    base = ref[[*by, startage]].reset_index(drop=True)
    base["contribution"] = contribution.ravel()
    if cause is not None:
        base = _by_cause(base, data, by, startage, cause, deaths, population, population_col,
                         reference, comparison)  # fmt: skip
    per_group = pd.DataFrame(
        {"le_reference": e1, "le_comparison": e2, "gap": e2 - e1, "note": note.reshape(shape)[:, 0]}
    )
    if by:
        per_group = pd.concat([merged_keys.reset_index(drop=True), per_group], axis=1)
        base = base.merge(per_group, on=by, how="left")
    else:
        for c in per_group:
            base[c] = per_group[c].iloc[0]
    return base.reset_index(drop=True)


def _cause_share(dm: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Each cause's share of its band's change in death rate. A band whose total rate is the
    same in both populations contributes nothing (its Arriaga term is exactly zero), so no
    cause gets a share of it."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total != 0, dm / np.where(total != 0, total, 1.0), 0.0)


def _band_contributions(l1, l2, L1, L2, T1, T2) -> np.ndarray:
    """Arriaga's band contributions for (groups × 20) life-table arrays."""
    l0 = l1[:, :1]
    zeros = np.zeros((len(l1), 1))

    def per_survivor(a, b):  # a / b, and no years where nobody survives (b = 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(b > 0, a / np.where(b > 0, b, 1.0), 0.0)

    l1_next = np.concatenate([l1[:, 1:], zeros], axis=1)
    l2_next = np.concatenate([l2[:, 1:], zeros], axis=1)
    T2_next = np.concatenate([T2[:, 1:], zeros], axis=1)
    direct = l1 / l0 * (per_survivor(L2, l2) - per_survivor(L1, l1))
    indirect = T2_next / l0 * (per_survivor(l1, l2) - per_survivor(l1_next, l2_next))
    out = direct + indirect
    out[:, -1] = (
        l1[:, -1]
        / l0[:, 0]
        * (per_survivor(T2[:, -1], l2[:, -1]) - per_survivor(T1[:, -1], l1[:, -1]))
    )
    return out


def _by_cause(base, data, by, startage, cause, deaths, population, population_col, reference,
              comparison) -> pd.DataFrame:  # fmt: skip
    """Share each band's contribution among causes by their difference in death rates."""
    keys = [*by, startage]
    frame = data[[population_col, *keys, cause]].copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["_m"] = data[deaths].to_numpy(float) / data[population].to_numpy(float)
    wide = frame.pivot_table(
        index=[*keys, cause], columns=population_col, values="_m", aggfunc="sum", fill_value=0.0
    ).reset_index()
    wide.columns.name = None
    m1 = wide[reference].to_numpy(float) if reference in wide else np.zeros(len(wide))
    m2 = wide[comparison].to_numpy(float) if comparison in wide else np.zeros(len(wide))
    wide["_dm"] = m2 - m1
    total_dm = wide.groupby(keys, sort=False)["_dm"].transform("sum").to_numpy()
    out = wide[[*keys, cause]].merge(base, on=keys, how="left")
    out["contribution"] = out["contribution"].to_numpy() * _cause_share(
        wide["_dm"].to_numpy(), total_dm
    )
    order = base[keys].reset_index().rename(columns={"index": "_order"})
    out = out.merge(order, on=keys, how="left").sort_values(["_order", cause], kind="stable")
    return out.drop(columns="_order")


__all__ = ["arriaga"]


def arriaga_arrays(
    deaths1: np.ndarray,
    pops1: np.ndarray,
    deaths2: np.ndarray,
    pops2: np.ndarray,
    cause_deaths1: np.ndarray | None = None,
    cause_deaths2: np.ndarray | None = None,
    age_starts=None,
) -> dict[str, np.ndarray]:
    """Arriaga's decomposition for many pairs at once, from arrays (the fast path of
    :func:`arriaga`, for every ward against England).

    Parameters
    ----------
    deaths1, pops1, deaths2, pops2 : ndarray, shape (groups, 20)
        Deaths and person-years of the reference (1) and comparison (2) populations.
    cause_deaths1, cause_deaths2 : ndarray, shape (groups, 20, causes), optional
        Deaths by cause (adding up to ``deaths1``/``deaths2``).
    age_starts : sequence, optional
        The 20 band starts (default 0, 1, 5 … 90).

    Returns
    -------
    dict
        ``contribution`` (groups × 20), ``by_cause`` (groups × 20 × causes, if causes given),
        ``le_reference``, ``le_comparison`` (groups); NA where a life table breaks the rules of
        :func:`fairer.stats.life_table`.

    Examples
    --------
    >>> import numpy as np
    >>> m = np.exp(np.linspace(-8, -1.4, 20))[None, :]
    >>> out = arriaga_arrays(m * 1e4, np.full((1, 20), 1e4), 1.5 * m * 1e4, np.full((1, 20), 1e4))
    >>> bool(np.isclose(out['contribution'].sum(), out['le_comparison'][0] - out['le_reference'][0]))
    True
    """
    from fairer.stats.life_expectancy import DEFAULT_AGES, _table

    starts = np.asarray(age_starts if age_starts is not None else DEFAULT_AGES, dtype=float)
    D1, P1, D2, P2 = (np.asarray(a, dtype=float) for a in (deaths1, pops1, deaths2, pops2))
    S = np.broadcast_to(starts, D1.shape)
    t1, t2 = _table(D1.ravel(), P1.ravel(), S.ravel()), _table(D2.ravel(), P2.ravel(), S.ravel())
    contribution = _band_contributions(t1["lx"], t2["lx"], t1["Lx"], t2["Lx"], t1["Tx"], t2["Tx"])

    def usable(D, P):
        return (P > 0).all(1) & (D >= 0).all(1) & (D <= P).all(1) & (P.sum(1) > 5000)

    ok = usable(D1, P1) & usable(D2, P2)
    contribution[~ok] = np.nan
    out = {
        "contribution": contribution,
        "le_reference": np.where(ok, t1["Tx"][:, 0] / t1["lx"][:, 0], np.nan),
        "le_comparison": np.where(ok, t2["Tx"][:, 0] / t2["lx"][:, 0], np.nan),
    }
    if cause_deaths1 is not None and cause_deaths2 is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            dm = cause_deaths2 / P2[..., None] - cause_deaths1 / P1[..., None]
        out["by_cause"] = contribution[..., None] * _cause_share(dm, dm.sum(2, keepdims=True))
    return out
