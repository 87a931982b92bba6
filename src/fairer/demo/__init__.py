"""``fairer demo``: a synthetic borough, made from a seed, run through the whole pipeline."""

from fairer.demo.run import copy_demo, example_place, run_demo
from fairer.demo.synthetic import SyntheticBorough, make_borough, write_borough

__all__ = [
    "SyntheticBorough",
    "copy_demo",
    "example_place",
    "make_borough",
    "run_demo",
    "write_borough",
]
