"""The deprivation profile of a place: deciles, shares, wards, headlines and change over editions."""

from fairer.profile.change import DeprivationChange, deprivation_change
from fairer.profile.deprivation import (
    DeprivationData,
    DeprivationProfile,
    deprivation_profile,
    national_data,
)

__all__ = [
    "DeprivationChange",
    "DeprivationData",
    "DeprivationProfile",
    "deprivation_change",
    "deprivation_profile",
    "national_data",
]
