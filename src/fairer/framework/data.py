"""Gather a place's indicator rows, areas and weights from its store for the framework."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairer.errors import FairerError
from fairer.place import Place
from fairer.profile.deprivation import DeprivationData, place_mask
from fairer.reference import known_local_authorities
from fairer.sources.indicators import combine_active_lives_inactive
from fairer.store import queries

#: IoD measures offered as framework indicators at LSOA level, by indicator id.
IOD_INDICATORS = {
    "income_deprivation": "income",
    "living_environment": "living_environment",
    "barriers": "barriers",
}


def indicator_rows(store, data: DeprivationData | None = None) -> pd.DataFrame:
    """Every loaded indicator row, plus IoD measures of the lead edition as LSOA indicators.

    The IoD income domain score is a rate (share of residents income-deprived), so it becomes a
    count (score × population) over population and aggregates to wards and places properly;
    the other domain scores are scores, averaged with population weights. ``data`` is the
    national data of the lead edition (none: no IoD indicators).
    """
    rows = queries.indicator_values(store)
    # Sport England publishes each activity level in its own file: the three "inactive" levels
    # meet only here, once every file is loaded.
    rows = combine_active_lives_inactive(rows)
    if data is not None:
        edition = data.edition
        lsoas = data.lsoas
        extra = []
        for ind, dom in IOD_INDICATORS.items():
            col = f"{dom}_score"
            if col not in lsoas:
                continue
            part = pd.DataFrame(
                {
                    "indicator_id": ind,
                    "area_code": lsoas["lsoa_code"],
                    "period": f"IoD{edition}",
                    "group": "",
                    "lowercl": np.nan,
                    "uppercl": np.nan,
                }
            )
            if ind == "income_deprivation" and lsoas["income_score"].max() <= 1:
                part["numerator"] = np.round(lsoas["income_score"] * lsoas["population"])
                part["denominator"] = lsoas["population"].round()
                part["value"] = np.nan
            else:
                part["numerator"], part["denominator"], part["value"] = np.nan, np.nan, lsoas[col]
            extra.append(part)
        rows = pd.concat([rows, *extra], ignore_index=True)
    return rows


def place_areas(
    store, place: Place, level: str, peers: list[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The areas a rug shows at ``level`` and the LSOA → area links for aggregating to them.

    ``lsoa`` and ``ward``: the place's own; ``lad``: every authority in the place's region
    (its peers; or ``peers``, e.g. its statistical neighbours), with the place's LSOAs linked
    to its own authority.
    """
    year = place.geography_year
    lsoa_links = queries.lsoa_links(store, year)
    own = lsoa_links[
        (lsoa_links["parent_level"].isin(["lad", "lad_iod2025", "lad_iod2019"]))
        & lsoa_links["parent_code"].isin(place.la_codes)
    ]["child_code"].unique()
    name_of = queries.area_names(store)
    if level == "lsoa":
        areas = pd.DataFrame({"area_code": sorted(own)})
        links = pd.DataFrame(columns=["child_code", "parent_code"])
    elif level == "ward":
        wl = lsoa_links[(lsoa_links["parent_level"] == "ward") & lsoa_links["child_code"].isin(own)]
        areas = pd.DataFrame({"area_code": sorted(wl["parent_code"].unique())})
        links = wl[["child_code", "parent_code"]].drop_duplicates("child_code")
    elif level == "lad":
        las = known_local_authorities()
        region = las.loc[las["lad_code"].isin(place.la_codes), "region"]
        region = region.iloc[0] if len(region) and region.iloc[0] else None
        peers = (
            las[las["lad_code"].isin(peers)]
            if peers is not None
            else las[(las["region"] == region) & las["vintages"].str.contains("2024")]
            if region
            else las[las["lad_code"].isin(place.la_codes)]
        )
        codes = sorted(set(peers["lad_code"]) | set(place.la_codes))
        areas = pd.DataFrame({"area_code": codes})
        name_of = pd.concat([las.set_index("lad_code")["lad_name"], name_of])
        name_of = name_of[~name_of.index.duplicated()]
        links = (
            pd.DataFrame({"child_code": own, "parent_code": place.la_codes[0]})
            if len(place.la_codes) == 1
            else pd.DataFrame(columns=["child_code", "parent_code"])
        )
    else:
        raise FairerError(f"unknown level '{level}': choose lsoa, ward or lad")
    areas["area_name"] = areas["area_code"].map(name_of).fillna(areas["area_code"])
    return areas, links


def lsoa_weights_and_imd(
    place: Place, data: DeprivationData | None
) -> tuple[pd.Series, pd.DataFrame | None]:
    """Population by LSOA (for weighting) and the place's LSOAs with IMD score (for gaps)."""
    if data is None:
        return pd.Series(dtype=float), None
    lsoas = data.lsoas
    mask = place_mask(lsoas, place.la_codes)
    weights = lsoas.set_index("lsoa_code")["population"]
    imd = (
        lsoas.loc[mask, ["lsoa_code", "imd_score", "population"]] if "imd_score" in lsoas else None
    )
    return weights, imd
