"""Deprivation profiles of three real authorities, checked against the official files directly.

Every expected value here is computed in the test with pandas from the published files (or read
from MHCLG's own local-authority summaries, File 10), never from fairer's code.
"""

from __future__ import annotations

import pandas as pd
import pytest

from fairer.pipeline import profile_place
from fairer.place import init_place
from tests.conftest import SHARED, shared_path

LAS = {"E06000004": "Stockton-on-Tees", "E06000049": "Cheshire East", "E06000016": "Leicester"}
FILES = [
    ("imd", "iod2019_file2_domains_ranks_deciles_lsoa11.csv.gz"),
    ("imd", "iod2019_file6_population_denominators_lsoa11.csv.gz"),
    ("imd", "imd2019_lsoa11_combined.parquet"),
    ("imd", "imd2025_lsoa21_scores_ranks_deciles.parquet"),
    ("lookups", "lsoa21_ward24_ltla24.parquet"),
    ("lookups", "lsoa11_ward17.parquet"),
    ("lookups", "lsoa11_lsoa21_ltla22.parquet"),
    ("population", "population20_lsoa11.parquet"),
    ("boundaries", "lsoa21_4la.geojson"),
    # MHCLG's local authority summaries (File 10) for both editions: the official LA ranks.
    ("imd", "imd2019_ltla19_summary_scores.parquet"),
    ("imd", "imd2025_ltla24_summary.parquet"),
]


@pytest.fixture(scope="module")
def profiles(tmp_path_factory):
    if not SHARED.exists():
        pytest.skip(f"needs the shared reference data at {SHARED}")
    data = [SHARED.joinpath(*f) for f in FILES]
    out = {}
    for code in LAS:
        folder = tmp_path_factory.mktemp(code)
        init_place(folder, [code], data=data)
        out[code] = profile_place(folder, formats=("csv",))
        out[code].folder = folder
    return out


@pytest.fixture(scope="module")
def official():
    f2 = pd.read_csv(shared_path(*FILES[0]), encoding="utf-8-sig")
    f6 = pd.read_csv(shared_path(*FILES[1]), encoding="utf-8-sig", thousands=",")
    f2019 = f2.merge(f6.iloc[:, [0, 4]], on="LSOA code (2011)")
    f2019.columns = [*f2019.columns[:-1], "pop"]
    lk = pd.read_parquet(shared_path(*FILES[4]))
    f2025 = pd.read_parquet(shared_path(*FILES[3])).merge(lk, on="lsoa21_code")
    summary19 = pd.read_parquet(
        shared_path("imd", "imd2019_ltla19_summary_scores.parquet")
    ).set_index("ltla19_code")
    summary25 = pd.read_parquet(shared_path("imd", "imd2025_ltla24_summary.parquet")).set_index(
        "ltla24_code"
    )
    return f2019, f2025, summary19, summary25


DECILE19 = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"


@pytest.mark.parametrize("code", list(LAS))
def test_iod2019_headlines_match_the_official_file(profiles, official, code):
    f2019, _, summary19, _ = official
    la = f2019[f2019["Local Authority District code (2019)"] == code]
    h = profiles[code].profiles[2019].headlines
    assert h["n_lsoas"] == len(la)
    assert h["n_lsoas_most_deprived_10"] == (la[DECILE19] == 1).sum()
    assert h["n_lsoas_most_deprived_20"] == (la[DECILE19] <= 2).sum()
    share10 = la.loc[la[DECILE19] == 1, "pop"].sum() / la["pop"].sum()
    assert h["share_population_most_deprived_10"] == pytest.approx(share10, rel=1e-12)
    # MHCLG's File 10: average score (population-weighted) and proportion of LSOAs in the top 10%.
    assert h["la_average_score"] == pytest.approx(summary19.loc[code, "Score"], abs=6e-4)
    ls = profiles[code].profiles[2019].la_summary.set_index("lad_code")
    assert ls.loc[code, "proportion_lsoas_most_deprived_10"] == pytest.approx(
        summary19.loc[code, "Proportion"], abs=6e-5
    )
    official_rank = summary19["Score"].rank(ascending=False, method="min")[code]
    assert h["la_rank"] == official_rank and h["la_of"] == len(summary19)


@pytest.mark.parametrize("code", list(LAS))
def test_iod2025_headlines_match_the_official_file(profiles, official, code):
    _, f2025, _, summary25 = official
    la = f2025[f2025["ltla24_code"] == code]
    p = profiles[code].profiles[2025]
    h = p.headlines
    assert h["n_lsoas"] == len(la)
    assert h["n_lsoas_most_deprived_10"] == (la["IMD_decile"] == 1).sum()
    assert p.la_summary.set_index("lad_code").loc[
        code, "proportion_lsoas_most_deprived_10"
    ] == pytest.approx(
        summary25.loc[code, "imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally"],
        abs=6e-4,
    )
    # Weights here are 2020 populations carried through the bridge, not MHCLG's mid-2022 ones,
    # so the average score is close to, not equal to, the published one.
    assert h["la_average_score"] == pytest.approx(summary25.loc[code, "imd_average_score"], abs=0.6)
    assert "carried to 2021 LSOAs" in p.population_note
    # Deciles: every LSOA counted once per domain; the shares add up to one.
    imd = p.deciles[p.deciles["domain"] == "imd"]
    assert imd["n_lsoas"].sum() == len(la) and imd["share_population"].sum() == pytest.approx(1.0)
    counts = la["IMD_decile"].value_counts().reindex(range(1, 11), fill_value=0)
    assert imd.set_index("decile")["n_lsoas"].tolist() == counts.tolist()


@pytest.mark.parametrize("code", list(LAS))
def test_wards_add_up(profiles, official, code):
    _, f2025, _, _ = official
    p = profiles[code].profiles[2025]
    la = f2025[f2025["ltla24_code"] == code]
    assert len(p.wards) == la["ward24_code"].nunique()
    assert p.wards["n_lsoas"].sum() == len(la)
    assert p.wards["population"].sum() == pytest.approx(p.headlines["population"])
    assert p.wards["imd_score"].is_monotonic_decreasing
    # Ward score by hand: population-weighted mean of its LSOAs' scores.
    top = p.wards.iloc[0]
    members = p.lsoas[p.lsoas["ward_code"] == top["ward_code"]]
    by_hand = (members["imd_score"] * members["population"]).sum() / members["population"].sum()
    assert top["imd_score"] == pytest.approx(by_hand)
    assert p.wards["national_decile"].between(1, 10).all()


def test_change_between_editions(profiles):
    r = profiles["E06000004"]
    c = r.change
    assert c is not None
    s = c.summary.set_index("measure")
    assert s.loc["LSOAs", "iod2019"] == 120 and s.loc["LSOAs", "iod2025"] == 124
    m = c.movement
    assert m["comparable"] + m["not_comparable"] == 124
    assert "relative" in c.note
    both = c.lsoas.dropna(subset=["imd_decile_2019"])
    assert (both["imd_decile_2025"] < both["imd_decile_2019"]).sum() == m["more_deprived_decile"]


def test_outputs_are_written(profiles):
    r = profiles["E06000049"]
    assert r.report is not None and r.report.exists()
    wards = pd.read_csv(r.place.output_dir / "iod2025_wards.csv")
    assert len(wards) == 52
    html = r.report.read_text()
    assert "Cheshire East" in html and "<svg" in html and "SYNTHETIC" not in html


@pytest.mark.parametrize("code", list(LAS))
def test_the_borough_rank_is_mhclgs(profiles, official, code):
    """With File 10 in the data folder, the reported rank is MHCLG's published rank of average
    score (Stockton 69th of 296 in IoD2025, where an estimate from LSOA scores said 67th)."""
    _, _, _, summary25 = official
    h = profiles[code].profiles[2025].headlines
    assert h["la_rank"] == summary25.loc[code, "imd_rank_of_average_score"]
    assert h["la_of"] == len(summary25) == 296
    assert h["la_average_score"] == summary25.loc[code, "imd_average_score"]
    assert "MHCLG" in h["la_rank_source"]
    sentences = " ".join(profiles[code].profiles[2025].headline_sentences())
    assert f"is {h['la_rank']} of 296" in sentences and "File 10" in sentences


@pytest.mark.parametrize("edition", [2019, 2025])
def test_every_authoritys_reported_rank_is_the_published_one(profiles, official, edition):
    """For every local authority of both editions, the rank fairer reports (profiling that
    authority from the national data) equals File 10's rank of average score."""
    from fairer.context import open_place
    from fairer.profile.deprivation import deprivation_profile

    _, _, summary19, summary25 = official
    if edition == 2025:
        published = summary25["imd_rank_of_average_score"]
    else:  # this copy of File 10 gives the scores; MHCLG's rank is the rank of those scores
        published = summary19["Score"].rank(ascending=False, method="min")
    with open_place(profiles["E06000004"].folder) as ctx:
        data = ctx.national(edition)
        reported = {
            code: deprivation_profile(data, [code], code).headlines["la_rank"]
            for code in published.index
        }
    assert len(reported) == len(published) in (296, 317)
    wrong = {c: (r, published[c]) for c, r in reported.items() if r != published[c]}
    assert not wrong, wrong


def test_file_10_is_recognised_by_its_header():
    from fairer.sources.detect import detect

    for name, edition in (
        ("imd2019_ltla19_summary_scores.parquet", 2019),
        ("imd2025_ltla24_summary.parquet", 2025),
    ):
        found = detect(shared_path("imd", name))
        assert found is not None and found.kind == "iod_summary" and found.edition == edition
        assert "File 10" in found.detail


@pytest.mark.parametrize("code", LAS)
def test_the_region_comparator_is_the_regions_pooled_counts(profiles, code):
    """Compared with its region, each borough's income deprivation is tested against the
    region's own LSOAs pooled; the region and its members come from ONS's lookups, read here."""
    import numpy as np

    from fairer.context import open_place
    from fairer.framework.results import place_results

    regions = pd.read_parquet(shared_path("lookups", "ltla24_region24.parquet"))
    region = regions.set_index("ltla24_code").loc[code]
    members = set(regions.loc[regions["region24_code"] == region["region24_code"], "ltla24_code"])
    with open_place(profiles[code].folder) as ctx:
        card = place_results(ctx, "ward", "region").scorecard().set_index("indicator_id")
        lsoas = ctx.national(ctx.lead_edition).lsoas
    row = card.loc["income_deprivation"]
    assert row["benchmark_name"] == region["region24_name"]
    mine = lsoas[lsoas["lad_code"].isin(members)]
    want = (np.round(mine["income_score"] * mine["population"]).sum()
            / mine["population"].round().sum() * 100)  # fmt: skip
    assert row["benchmark"] == pytest.approx(want, rel=1e-12)
    inside = row["lowercl"] <= row["benchmark"] <= row["uppercl"]
    above = row["lowercl"] > row["benchmark"]
    assert row["comparison"] == ("similar" if inside else "worse" if above else "better")


@pytest.mark.parametrize("code", ["E06000004"])
def test_the_neighbours_comparator_pools_the_statistical_neighbours(profiles, code):
    """Stockton against its 15 statistical neighbours among all English authorities: the
    neighbours are recomputed here by brute force from the national file's LSOAs (deprivation
    and population, the variables this store holds for every authority), and the comparator is
    their LSOAs pooled."""
    import numpy as np

    from fairer.context import open_place
    from fairer.framework.results import place_results
    from fairer.profile.neighbours import similar_places

    with open_place(profiles[code].folder) as ctx:
        found = similar_places(ctx, "lad", 15)
        card = place_results(ctx, "ward", "neighbours").scorecard().set_index("indicator_id")
        lsoas = ctx.national(ctx.lead_edition).lsoas
    used = list(found.attrs["variables"])
    assert code not in set(found["neighbour_code"]) and len(found) == 15
    d = lsoas.dropna(subset=["imd_score", "population"])
    g = d.assign(w=d["imd_score"] * d["population"]).groupby("lad_code")
    feats = pd.DataFrame({"imd_score": g["w"].sum() / g["population"].sum(),
                          "population": g["population"].sum()})  # fmt: skip
    assert set(used) <= set(feats.columns)
    z = (feats[used] - feats[used].mean()) / feats[used].std(ddof=0)
    dist = np.sqrt(((z - z.loc[code]) ** 2).sum(axis=1)).drop(code).sort_values()
    assert found["neighbour_code"].tolist() == dist.index[:15].tolist()
    row = card.loc["income_deprivation"]
    assert row["benchmark_name"] == "15 statistical neighbours"
    mine = lsoas[lsoas["lad_code"].isin(set(found["neighbour_code"]))]
    want = (np.round(mine["income_score"] * mine["population"]).sum()
            / mine["population"].round().sum() * 100)  # fmt: skip
    assert row["benchmark"] == pytest.approx(want, rel=1e-12)
