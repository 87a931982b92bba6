"""The evaluation job: every evaluation a place lists, run on the place's own data.

A programme evaluation reads its two waves; an area evaluation takes its indicator from the
place's store, resolves the targeted wards or LSOAs, and builds the comparison group it names.
Results are raw: the publish step protects them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from fairer.errors import FairerError
from fairer.evaluate.areas import (
    AreaEvaluation,
    AreaEvaluationSpec,
    area_panel,
    evaluate_areas,
)
from fairer.evaluate.files import read_any_evaluation
from fairer.evaluate.programme import Evaluation, run_evaluation

if TYPE_CHECKING:
    from fairer.context import PlaceContext


def _targeted(spec: AreaEvaluationSpec, lsoa_wards: pd.DataFrame, lsoas: set[str]) -> list[str]:
    """The LSOAs of the wards (names or codes) and LSOAs a specification names."""
    by_code = lsoa_wards.groupby("ward_code")["lsoa_code"].apply(set).to_dict()
    by_name = lsoa_wards.groupby(lsoa_wards["ward_name"].str.lower())["lsoa_code"].apply(set)
    out: set[str] = set()
    for area in spec.areas:
        if area in lsoas:
            out.add(area)
        elif area in by_code:
            out |= by_code[area]
        elif area.lower() in by_name.index:
            out |= by_name[area.lower()]
        else:
            raise FairerError(f"areas: '{area}' is not a ward or LSOA of the place", path=spec.path)
    return sorted(out)


def run_area_evaluation(spec: AreaEvaluationSpec, ctx: PlaceContext) -> AreaEvaluation:
    """Evaluate one area specification on the place's loaded data.

    Parameters
    ----------
    spec : AreaEvaluationSpec
    ctx : PlaceContext

    Returns
    -------
    AreaEvaluation

    Raises
    ------
    FairerError
        An indicator the place has not loaded, areas that are not the place's, or too few
        periods (the evaluation file named).

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> place = example_place()
    >>> from fairer.evaluate.areas import read_area_evaluation
    >>> spec = read_area_evaluation(next((place.parent / "data").glob("evaluation_EV-02*")))
    >>> with open_place(place) as ctx:
    ...     ev = run_area_evaluation(spec, ctx)
    >>> ev.estimate.name, ev.targeted
    ('difference-in-differences', 14)
    """
    from fairer.framework.data import indicator_rows
    from fairer.framework.model import load_framework
    from fairer.store import queries

    place, store = ctx.place, ctx.store
    known = {i.id: i for i in load_framework(place.framework).indicators}
    ind = known.get(spec.indicator)
    better = spec.higher_is_better
    if better is None:
        if ind is None or ind.polarity not in ("higher is better", "lower is better"):
            raise FairerError(
                f"say higher_is_better: true or false for '{spec.indicator}' (the place's "
                "framework gives it no polarity)",
                path=spec.path,
            )
        better = ind.polarity == "higher is better"
    multiplier = (ind.multiplier or 1) if ind is not None else 1
    panel = area_panel(indicator_rows(store), spec.indicator, multiplier)
    if panel.empty:
        raise FairerError(f"indicator '{spec.indicator}' has no rows loaded", path=spec.path)
    own = set(queries.place_lsoas(store, place.la_codes, place.geography_year))
    names = queries.area_names(store)
    wards = queries.lsoa_links(store, place.geography_year)
    wards = wards[(wards["parent_level"] == "ward") & wards["child_code"].isin(own)]
    lsoa_wards = pd.DataFrame(
        {
            "lsoa_code": wards["child_code"],
            "ward_code": wards["parent_code"],
            "ward_name": wards["parent_code"].map(names).fillna(""),
        }
    )
    targeted = _targeted(spec, lsoa_wards, own) if spec.areas else sorted(own)
    if not set(targeted) & set(panel["area_code"]):
        raise FairerError(
            f"indicator '{spec.indicator}' has no rows for the targeted areas", path=spec.path
        )
    comparison, text = [], ""
    if spec.design == "difference-in-differences":
        others = set(panel["area_code"]) - set(targeted)
        if spec.comparison == "similar deprivation":
            deciles = ctx.lead_national().lsoas.set_index("lsoa_code")["imd_decile"]
            wanted = set(deciles.reindex(targeted).dropna().astype(int))
            comparison = sorted(c for c in others if deciles.get(c) in wanted)
            text = (
                f"the {len(comparison)} other LSOAs with data in the same national deprivation "
                f"deciles as the targeted ones ({', '.join(map(str, sorted(wanted)))})"
            )
        else:
            comparison = sorted(others & own)
            text = f"the other {len(comparison)} LSOAs of the place"
    return evaluate_areas(
        spec, panel, targeted, comparison, better, ind.title if ind else spec.indicator,
        (ind.unit or "") if ind else "", text, multiplier,
    )  # fmt: skip


def place_evaluations(ctx: PlaceContext) -> list[Evaluation | AreaEvaluation]:
    """Every evaluation the place lists, run: programmes on their waves, areas on the store.

    Parameters
    ----------
    ctx : PlaceContext

    Returns
    -------
    list of Evaluation and AreaEvaluation
        In the order ``place.toml`` lists them. Raw: protect before publishing.

    Examples
    --------
    >>> from fairer.context import open_place
    >>> from fairer.demo import example_place
    >>> with open_place(example_place()) as ctx:
    ...     [type(e).__name__ for e in place_evaluations(ctx)]
    ['Evaluation', 'AreaEvaluation']
    """
    out: list[Evaluation | AreaEvaluation] = []
    for source in ctx.place.sources_of("evaluation"):
        spec = read_any_evaluation(source.path)
        if isinstance(spec, AreaEvaluationSpec):
            out.append(run_area_evaluation(spec, ctx))
        else:
            out.append(run_evaluation(spec))
    return out


__all__ = ["place_evaluations", "run_area_evaluation"]
