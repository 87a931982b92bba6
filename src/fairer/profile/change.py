"""Change in deprivation between IoD2019 (LSOA 2011) and IoD2025 (LSOA 2021).

IoD ranks are relative: an LSOA that moves into the most deprived decile may not have become
more deprived itself; others may have improved more. Headline shares are compared each on its
own geography. LSOA-level movement uses the ONS bridge and only for LSOAs that were unchanged
or split (one 2011 parent); merged and redrawn LSOAs are counted separately.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from fairer.profile.deprivation import DeprivationProfile

RELATIVE_NOTE = (
    "Deprivation ranks are relative within each edition: an area moving into a more deprived "
    "decile may reflect other areas improving faster, not this area getting worse."
)


@dataclass
class DeprivationChange:
    """Headline shares in two editions and LSOA movements between them."""

    summary: pd.DataFrame
    lsoas: pd.DataFrame
    movement: dict
    note: str = RELATIVE_NOTE


def deprivation_change(
    before: DeprivationProfile, after: DeprivationProfile, bridge: pd.DataFrame
) -> DeprivationChange:
    """Compare a place's profile in an earlier edition (LSOA 2011) with a later one (LSOA 2021).

    Parameters
    ----------
    before, after : DeprivationProfile
        Profiles of the same place for IoD2019 and IoD2025.
    bridge : DataFrame
        ``lsoa11_code, lsoa21_code, change`` (ONS LSOA 2011→2021 lookup).

    Returns
    -------
    DeprivationChange
        ``summary`` (headline measures side by side), ``lsoas`` (each comparable LSOA's
        deciles in both editions) and ``movement`` (counts into, out of and staying in the
        most deprived 10%).

    Examples
    --------
    Changes need both editions and the ONS bridge; see ``fairer profile`` on a place that has them.
    """
    keys = [
        ("n_lsoas", "LSOAs"),
        ("n_lsoas_most_deprived_10", "LSOAs in England's most deprived 10%"),
        ("n_lsoas_most_deprived_20", "LSOAs in England's most deprived 20%"),
        ("share_population_most_deprived_10", "Share of residents in the most deprived 10%"),
        ("share_population_most_deprived_20", "Share of residents in the most deprived 20%"),
        ("la_rank", "Rank of average score among local authorities (1 = most deprived)"),
    ]
    summary = pd.DataFrame(
        [
            {
                "measure": label,
                f"iod{before.edition}": before.headlines.get(k),
                f"iod{after.edition}": after.headlines.get(k),
            }
            for k, label in keys
        ]
    )
    new = after.lsoas[["lsoa_code", "imd_decile"]].rename(
        columns={"lsoa_code": "lsoa21_code", "imd_decile": f"imd_decile_{after.edition}"}
    )
    old = before.lsoas[["lsoa_code", "imd_decile"]].rename(
        columns={"lsoa_code": "lsoa11_code", "imd_decile": f"imd_decile_{before.edition}"}
    )
    pairs = bridge[bridge["lsoa21_code"].isin(new["lsoa21_code"])]
    n_parents = pairs.groupby("lsoa21_code")["lsoa11_code"].transform("size")
    single = pairs[(n_parents == 1) & pairs["change"].isin(["U", "S"])]
    lsoas = new.merge(
        single[["lsoa21_code", "lsoa11_code", "change"]], on="lsoa21_code", how="left"
    )
    lsoas = lsoas.merge(old, on="lsoa11_code", how="left")
    b, a = f"imd_decile_{before.edition}", f"imd_decile_{after.edition}"
    comparable = lsoas[b].notna()
    into = comparable & (lsoas[b] > 1) & (lsoas[a] == 1)
    out = comparable & (lsoas[b] == 1) & (lsoas[a] > 1)
    stayed = comparable & (lsoas[b] == 1) & (lsoas[a] == 1)
    lsoas["movement"] = "not comparable (merged or redrawn)"
    lsoas.loc[comparable, "movement"] = "same decile"
    lsoas.loc[comparable & (lsoas[a] < lsoas[b]), "movement"] = "more deprived decile"
    lsoas.loc[comparable & (lsoas[a] > lsoas[b]), "movement"] = "less deprived decile"
    movement = {
        "comparable": int(comparable.sum()),
        "not_comparable": int((~comparable).sum()),
        "into_most_deprived_10": int(into.sum()),
        "out_of_most_deprived_10": int(out.sum()),
        "stayed_in_most_deprived_10": int(stayed.sum()),
        "more_deprived_decile": int((lsoas["movement"] == "more deprived decile").sum()),
        "less_deprived_decile": int((lsoas["movement"] == "less deprived decile").sum()),
    }
    return DeprivationChange(summary=summary, lsoas=lsoas, movement=movement)
