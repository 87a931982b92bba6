"""Choose where and for whom: need index with sensitivity, priority neighbourhoods, allocation."""

from fairer.targeting.allocate import allocate
from fairer.targeting.need import NeedSpec, need_index, need_sensitivity
from fairer.targeting.neighbourhoods import adjacency, priority_neighbourhoods

__all__ = [
    "NeedSpec",
    "adjacency",
    "allocate",
    "need_index",
    "need_sensitivity",
    "priority_neighbourhoods",
]
