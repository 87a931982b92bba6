"""Evaluation files of either kind: a programme's (two waves on a scale) or an area's."""

from __future__ import annotations

from pathlib import Path

from fairer.evaluate.areas import AreaEvaluationSpec, is_area_evaluation, read_area_evaluation
from fairer.evaluate.programme import EvaluationSpec, is_evaluation, read_evaluation


def is_evaluation_file(data) -> bool:
    """Whether parsed YAML is an evaluation of either kind (programme or area).

    Parameters
    ----------
    data : object
        Parsed YAML.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_evaluation_file({"design": "difference-in-differences", "indicator": "x", "start": "1"})
    True
    """
    return is_evaluation(data) or is_area_evaluation(data)


def read_any_evaluation(path: str | Path) -> EvaluationSpec | AreaEvaluationSpec:
    """Read an evaluation file of either kind.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    EvaluationSpec or AreaEvaluationSpec

    Raises
    ------
    FairerError
        A file that is neither, or one that does not hold together.

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> files = sorted((example_place().parent / "data").glob("evaluation_*.yaml"))
    >>> [type(read_any_evaluation(f)).__name__ for f in files]
    ['EvaluationSpec', 'AreaEvaluationSpec']
    """
    from fairer.tabular import read_yaml

    data = read_yaml(Path(path))
    if is_area_evaluation(data):
        return read_area_evaluation(path)
    return read_evaluation(path)


__all__ = ["is_evaluation_file", "read_any_evaluation"]
