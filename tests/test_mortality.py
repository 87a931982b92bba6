"""Life expectancy where people live: the deaths extract, small areas, deciles, gaps, the gap
explained, healthy life expectancy, similar places, and the demo's report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist

from fairer import stats
from fairer.errors import FairerError
from fairer.mortality.causes import assign_causes, cause_groups
from fairer.mortality.where import (
    area_counts,
    area_life_expectancy,
    long_counts,
    person_years,
    pool,
)
from fairer.profile.neighbours import area_features, nearest_neighbours
from fairer.publish import protect
from fairer.sources.deaths import read_deaths, read_mortality_counts
from fairer.sources.general_health import read_general_health
from tests.conftest import SHARED, copy_demo, shared_path

HEADER = "DOD,AGEC,SEX,LSOA21CD,S_UNDERLYING_COD_ICD10\n"


def _extract(tmp_path, rows: str):
    p = tmp_path / "deaths.csv"
    p.write_text(HEADER + rows, encoding="utf-8")
    return p


# -- the deaths extract: bad input ------------------------------------------------------------


@pytest.mark.parametrize(
    "row, column, message",
    [
        ("2022-01-05,130,1,E01000001,I21", "AGEC", "not an age at death from 0 to 120"),
        ("2022-01-05,-1,1,E01000001,I21", "AGEC", "not an age at death"),
        ("2022-01-05,70,9,E01000001,I21", "SEX", "not male or female"),
        ("yesterday,70,1,E01000001,I21", "DOD", "is not a date of death"),
        ("2022-01-05,70,1,E0100,I21", "LSOA21CD", "is not an LSOA code"),
    ],
)
def test_a_bad_death_is_refused_with_its_row_and_column(tmp_path, row, column, message):
    p = _extract(tmp_path, "2021-03-01,81,2,E01000001,C509\n" + row + "\n")
    with pytest.raises(FairerError, match=message) as err:
        read_deaths(p)
    assert f"row 3, column '{column}'" in str(err.value)


def test_the_cli_refuses_a_bad_extract_in_one_line_and_writes_nothing(demo_run, tmp_path, cli):
    place = copy_demo(demo_run, tmp_path / "demo")
    extract = next((place.parent / "data").glob("deaths_extract_*"))
    text = extract.read_text(encoding="utf-8").splitlines()
    text[5] = text[5].replace(text[5].split(",")[1], "150", 1)
    extract.write_text("\n".join(text) + "\n", encoding="utf-8")
    before = sorted(p.name for p in (place / "output").glob("*"))
    code, out, err = cli("life-expectancy", place)
    assert code == 2
    assert err.strip().count("\n") == 0 and "row 6, column 'AGEC'" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in (place / "output").glob("*")) == before


def test_causes_are_grouped_and_unknown_codes_counted():
    groups, unknown = assign_causes(
        pd.Series(["I219", "C34", "J449", "K703", "X42", "V892", "F03", "", "??", "P072"]),
        pd.Series([80, 70, 75, 50, 30, 20, 90, 60, 60, 0]),
        cause_groups(),
    )
    assert groups.tolist() == [
        "Circulatory",
        "Cancer",
        "Respiratory",
        "Digestive",
        "External causes",
        "External causes",
        "Other",
        "Other",
        "Other",
        "Deaths under 1",
    ]
    assert unknown == 2


def test_pool_counts_what_it_leaves_out():
    deaths = pd.DataFrame(
        {
            "year": [2017, 2019, 2020, 2023, 2024, 2021],
            "age": [70, 71, 72, 73, 74, 75],
            "sex": "female",
            "lsoa_code": ["E01000001"] * 5 + ["E01999999"],
            "cause": ["I21", "I21", "", "C50", "C50", "I21"],
            "deaths": 1,
        }
    )
    p = pool(deaths, {"E01000001"}, cause_groups(), years=5, end_year=2023)
    assert (p.start, p.end, len(p.deaths)) == (2019, 2023, 3)
    reasons = dict(zip(p.exclusions["reason"], p.exclusions["deaths"], strict=True))
    assert reasons == {
        "died before 2019 (outside the pooled period)": 1,
        "died after 2023 (outside the pooled period)": 1,
        "lived in 1 LSOAs outside the place": 1,
        "no usable ICD-10 cause: counted as 'Other'": 1,
    }


# -- small areas ------------------------------------------------------------------------------


def _toy(n_lsoas=6, people=900.0, seed=1):
    rng = np.random.default_rng(seed)
    ages = np.arange(91)
    lsoas = [f"E0100000{i}" for i in range(n_lsoas)]
    pop = pd.DataFrame(
        [
            (c, "mid-2021", s, a, people / 91)
            for c in lsoas
            for s in ("female", "male")
            for a in ages
        ],
        columns=["area_code", "period", "sex", "age", "count"],
    )
    rate = np.exp(-9.5 + 0.09 * ages)
    rows = []
    for c in lsoas:
        for s in ("female", "male"):
            n = rng.poisson(rate * people / 91 * 5)
            for a, k in zip(ages, n, strict=True):
                if k:
                    rows.append((2020, a, s, c, "I21", int(k)))
    deaths = pd.DataFrame(rows, columns=["year", "age", "sex", "lsoa_code", "cause", "deaths"])
    return lsoas, pop, deaths


def test_area_life_expectancy_is_the_life_table_of_the_summed_counts():
    lsoas, pop, deaths = _toy()
    pooled = pool(deaths, set(lsoas), cause_groups(), years=5, end_year=2022)
    py = person_years(pop, pooled.start, pooled.end)
    member = pd.DataFrame(
        {
            "lsoa_code": lsoas,
            "area_type": "ward",
            "area_code": ["W1"] * 3 + ["W2"] * 3,
            "area_name": ["North"] * 3 + ["South"] * 3,
        }  # fmt: skip
    )
    small = pd.DataFrame({"lsoa_code": [lsoas[0]], "area_type": "user area",
                          "area_code": ["tiny"], "area_name": ["One LSOA"]})  # fmt: skip
    counts = area_counts(pooled, py, pd.concat([member, small]), ["Circulatory", "Other"])
    le = area_life_expectancy(counts)
    # Independent: sum the ward's deaths and person-years with pandas and run the R-checked
    # life expectancy on them.
    bands = np.array([0, 1, *range(5, 95, 5)])
    d = deaths[deaths["lsoa_code"].isin(lsoas[:3]) & (deaths["sex"] == "male")]
    d = d.assign(b=bands[np.searchsorted(bands, d["age"], side="right") - 1])
    p = pop[pop["area_code"].isin(lsoas[:3]) & (pop["sex"] == "male")]
    p = p.assign(b=bands[np.searchsorted(bands, p["age"], side="right") - 1])
    direct = (
        pd.DataFrame({"b": bands})
        .merge(d.groupby("b")["deaths"].sum().reset_index(), how="left")
        .fillna(0)
        .merge(p.groupby("b")["count"].sum().mul(5).reset_index())
    )
    expected = stats.life_expectancy(direct, "deaths", "count", "b", le_age=0, type="standard")
    got = le[(le["area_code"] == "W1") & (le["sex"] == "male") & (le["age"] == 0)]
    assert got["value"].iloc[0] == pytest.approx(expected["value"].iloc[0], rel=1e-12)
    # A one-LSOA area has 4,500 person-years of each sex: kept, and said why it has no value;
    # women and men together (9,000) are calculated.
    tiny = le[(le["area_code"] == "tiny") & (le["age"] == 0)].set_index("sex")
    assert len(tiny) == 3 and tiny.loc[["female", "male"], "value"].isna().all()
    assert (tiny.loc[["female", "male"], "note"] == "a total population of 5,000 or less").all()
    assert tiny.loc["persons", "value"] > 0 and tiny.loc["persons", "note"] == ""
    # persons are women and men together
    long = long_counts(counts)
    w1 = long[long["area_code"] == "W1"].groupby("sex")["deaths"].sum()
    assert w1["persons"] == w1["female"] + w1["male"]


def test_person_years_use_the_nearest_estimate_for_each_year():
    pop = pd.DataFrame({"area_code": "E01000001", "period": ["mid-2019", "mid-2022"],
                        "sex": "male", "age": 40, "count": [100.0, 200.0]})  # fmt: skip
    py = person_years(pop, 2019, 2023)
    # 2019, 2020 → mid-2019; 2021 (a tie goes to the later), 2022, 2023 → mid-2022
    assert py["person_years"].iloc[0] == 2 * 100 + 3 * 200


# -- the demo: the job, the framework, the report ---------------------------------------------


@pytest.fixture(scope="module")
def demo_mortality(demo_run):
    from fairer.context import open_place
    from fairer.mortality import mortality_results

    out, _ = demo_run
    with open_place(out / "place", read_only=True) as ctx:
        return mortality_results(ctx)


def test_demo_life_expectancy_covers_every_kind_of_area(demo_mortality):
    le = demo_mortality.life_expectancy
    assert demo_mortality.period == "2019-2023"
    kinds = set(le["area_type"])
    assert {"ward", "msoa", "decile", "quintile", "place", "comparator"} <= kinds
    assert le.loc[le["area_type"] == "decile", "area_code"].nunique() == 10
    at0 = le[(le["area_type"] == "decile") & (le["age"] == 0) & (le["sex"] == "persons")]
    v = at0.set_index(at0["area_code"].astype(int))["value"].sort_index()
    assert v.iloc[-1] > v.iloc[0]  # the least deprived tenth lives longer (synthetic gradient)
    exclusions = demo_mortality.exclusions
    assert exclusions["reason"].str.contains("outside the pooled period").any()
    assert exclusions["reason"].str.contains("no usable ICD-10").any()


def test_demo_decompositions_add_up_to_their_gaps(demo_mortality):
    d = demo_mortality.decomposition
    assert {"most vs least deprived decile", "men vs women"} <= set(d["comparison"])
    assert d["comparison"].str.contains("vs England").any()
    assert d["comparison"].str.contains("2019-2023 vs 2014-2018").any()
    sums = d.groupby(["comparison", "sex"]).agg(total=("contribution", "sum"), gap=("gap", "first"))
    np.testing.assert_allclose(sums["total"], sums["gap"], atol=1e-9)
    wards = demo_mortality.ward_decomposition
    assert wards["area_code"].nunique() == 20
    # men vs women is the place's female minus male life expectancy at birth
    le = demo_mortality.life_expectancy
    place = le[(le["area_type"] == "place") & (le["age"] == 0)].set_index("sex")["value"]
    gap = d.loc[d["comparison"] == "men vs women", "gap"].iloc[0]
    assert gap == pytest.approx(place["female"] - place["male"], abs=1e-9)


def test_demo_gaps_and_healthy_life_expectancy(demo_mortality):
    g = demo_mortality.gaps
    assert set(g["measure"]) >= {
        "most vs least deprived decile",
        "slope index of inequality (local deciles)",
        "most vs least deprived ward",
        "the place vs England (synthetic)",
    }
    dec = g[(g["measure"] == "most vs least deprived decile") & (g["sex"] == "male")].iloc[0]
    assert dec["gap"] == pytest.approx(dec["to_value"] - dec["from_value"])
    assert dec["lowercl"] < dec["gap"] < dec["uppercl"]
    hle = demo_mortality.healthy_life_expectancy
    assert len(hle) and (hle["value"] < hle["le"]).all()
    assert hle["healthy_share_of_life"].between(0, 1).all()


def test_deaths_under_the_threshold_are_not_published(demo_mortality):
    le = demo_mortality.life_expectancy.copy()
    le.attrs = dict(demo_mortality.life_expectancy.attrs)
    le.loc[le.index[0], "deaths"] = 3
    hidden = protect(le, 5)
    assert pd.isna(hidden.loc[le.index[0], "deaths"]) and pd.isna(hidden.loc[le.index[0], "value"])
    shown = protect(demo_mortality, 5).life_expectancy["deaths"]
    assert not ((shown >= 1) & (shown < 5)).any()


def test_the_rug_has_life_expectancy_from_the_deaths_extract(demo_run):
    out, _ = demo_run
    rug = (out / "place" / "output" / "rug_ward.csv").read_text(encoding="utf-8")
    assert "male_life_expectancy" in rug and "female_hle" in rug


def test_the_report_quotes_the_gap_and_explains_it(demo_run):
    out, _ = demo_run
    page = (out / "place" / "output" / "report.html").read_text(encoding="utf-8")
    assert "Life expectancy where people live" in page
    assert "A gap of " in page and "years in male life expectancy at birth between" in page
    assert "Arriaga decomposition" in page
    progress = (out / "place" / "output" / "progress_2026-H1.html").read_text(encoding="utf-8")
    assert "years in male life expectancy at birth between" in progress
    written = {p.name for p in (out / "place" / "output").glob("life_expectancy*.csv")}
    assert {"life_expectancy.csv", "life_expectancy_gaps.csv",
            "life_expectancy_decomposition.csv"} <= written  # fmt: skip


# -- readers of published layouts -------------------------------------------------------------


def test_general_health_by_age_reads_the_custom_dataset_layout(tmp_path):
    p = tmp_path / "gh.csv"
    p.write_text(
        "Lower layer Super Output Areas Code,Lower layer Super Output Areas,"
        "Age (18 categories) Code,Age (18 categories),General health (6 categories) Code,"
        "General health (6 categories),Observation\n"
        "E01000001,A,1,Aged 4 years and under,1,Very good health,80\n"
        "E01000001,A,1,Aged 4 years and under,2,Good health,15\n"
        "E01000001,A,1,Aged 4 years and under,3,Fair health,5\n"
        "E01000001,A,1,Aged 4 years and under,-8,Does not apply,0\n"
        "E01000001,A,18,Aged 85 years and over,4,Bad health,7\n"
        "E01000001,A,18,Aged 85 years and over,2,Good health,3\n",
        encoding="utf-8",
    )
    g = read_general_health(p).set_index("age")
    assert g.loc[0, "good"] == 95 and g.loc[0, "total"] == 100
    assert g.loc[85, "good"] == 3 and g.loc[85, "total"] == 10


def test_indirect_standardisation_scales_the_reference_pattern():
    from fairer.mortality.where import indirect_health_by_age

    ref = pd.DataFrame({"age": [0, 50], "good": [90.0, 60.0], "total": [100.0, 100.0]})
    pop = pd.DataFrame({"area_code": ["A", "A", "B", "B"], "age": [10, 60, 10, 60],
                        "count": [100.0, 100.0, 100.0, 100.0]})  # fmt: skip
    # A: as expected (25% not good); B: twice the expected not-good share (50%)
    obs = pd.DataFrame({"area_code": ["A", "B"], "good": [150.0, 100.0], "total": [200.0, 200.0]})
    out = indirect_health_by_age(obs, ref, pop).set_index(["area_code", "age"])
    share = out["good"] / out["total"]
    assert share.loc[("A", 0)] == pytest.approx(0.9) and share.loc[("A", 50)] == pytest.approx(0.6)
    assert share.loc[("B", 0)] == pytest.approx(0.8) and share.loc[("B", 50)] == pytest.approx(0.2)
    # the standardised counts give back each area's observed all-age count
    assert out.loc["B", "good"].sum() == pytest.approx(100.0)


def test_hle_from_ts037_and_an_authority_age_pattern(demo_run, tmp_path):
    from fairer.context import open_place
    from fairer.mortality import mortality_results

    place = copy_demo(demo_run, tmp_path / "demo")
    data = place.parent / "data"
    src = next(data.glob("census2021_general_health_by_age_*"))
    by_age = pd.read_csv(src)
    code = "Lower layer Super Output Areas Code"
    health = "General health (6 categories)"
    wide = by_age.pivot_table(index=code, columns=health, values="Observation", aggfunc="sum")
    ts037 = pd.DataFrame({"date": 2021, "geography": wide.index, "geography code": wide.index})
    ts037["General health: Total: All usual residents"] = wide.sum(axis=1).to_numpy()
    for h in ("Very good health", "Good health", "Fair health", "Bad health", "Very bad health"):
        ts037[f"General health: {h}"] = wide[h].to_numpy()
    la = by_age.groupby(["Age (18 categories) Code", "Age (18 categories)", health],
                        as_index=False)["Observation"].sum()  # fmt: skip
    la.insert(0, code, "E06990001")
    la.insert(1, "Lower layer Super Output Areas", "Fairhaven")
    src.unlink()
    ts037.to_csv(data / "census2021_ts037_lsoa_synthetic.csv", index=False)
    la.to_csv(data / "census2021_general_health_by_age_la_synthetic.csv", index=False)
    toml = place / "place.toml"
    text = toml.read_text(encoding="utf-8").replace(src.name, "census2021_ts037_lsoa_synthetic.csv")
    text += ('\n[[sources]]\nkind = "general_health"\n'
             f'path = "{(data / "census2021_general_health_by_age_la_synthetic.csv").as_posix()}"\n')  # fmt: skip
    toml.write_text(text, encoding="utf-8")
    with open_place(place) as ctx:
        res = mortality_results(ctx)
    hle = res.healthy_life_expectancy
    assert any("standardised indirectly" in m for m in res.messages)
    dec = hle[(hle["area_type"] == "decile") & (hle["age"] == 0) & (hle["sex"] == "female")]
    v = dec.set_index(dec["area_code"].astype(int))["value"].sort_index()
    assert v.iloc[-1] > v.iloc[0] and (hle["value"] < hle["le"]).all()


def test_comparator_counts_refuse_an_unknown_band(tmp_path):
    p = tmp_path / "eng.csv"
    p.write_text("area_code,sex,age_band,deaths,person_years\nE92000001,male,3-7,1,10\n")
    with pytest.raises(FairerError, match="row 2, column 'age_band'"):
        read_mortality_counts(p)


# -- similar places ---------------------------------------------------------------------------


def test_nearest_neighbours_match_a_brute_force_distance():
    rng = np.random.default_rng(5)
    f = pd.DataFrame(rng.normal(size=(60, 3)) * [1, 10, 100], columns=["a", "b", "c"])
    f.insert(0, "area_code", [f"X{i:02d}" for i in range(60)])
    weights = {"a": 2.0, "b": 1.0, "c": 0.5}
    got = nearest_neighbours(f, weights, k=5)
    z = (f[list(weights)] - f[list(weights)].mean()) / f[list(weights)].std(ddof=0)
    d = cdist(z * np.sqrt(list(weights.values())), z * np.sqrt(list(weights.values())))
    np.fill_diagonal(d, np.inf)
    for i, code in enumerate(f["area_code"]):
        mine = got[got["area_code"] == code]
        assert mine["neighbour_code"].tolist() == f["area_code"].iloc[np.argsort(d[i])[:5]].tolist()
        np.testing.assert_allclose(mine["distance"], np.sort(d[i])[:5], rtol=1e-12)


def test_nearest_neighbours_refuse_a_variable_with_no_spread():
    f = pd.DataFrame({"area_code": ["A", "B"], "a": [1, 1]})
    with pytest.raises(FairerError, match="same for every area"):
        nearest_neighbours(f, ["a"], k=1)


def test_real_authorities_neighbours_by_deprivation_and_population():
    imd = pd.read_parquet(shared_path("imd", "imd2025_lsoa21_scores_ranks_deciles.parquet"))
    look = pd.read_parquet(shared_path("lookups", "lsoa21_ward24_ltla24.parquet"))
    lsoas = imd.merge(look, on="lsoa21_code")
    lad_col = next(c for c in lsoas.columns if c.startswith("ltla") and c.endswith("code"))
    frame = pd.DataFrame(
        # equal weights: each LSOA counts once, so the reference below is a plain mean
        {
            "lsoa_code": lsoas["lsoa21_code"],
            "lad_code": lsoas[lad_col],
            "imd_score": lsoas["IMD_score"],
            "population": 1.0,
        }  # fmt: skip
    )
    feats = area_features(frame, "lad_code")
    got = nearest_neighbours(feats, ["imd_score", "population"], k=5, areas=["E06000004"])
    # Independent: mean LSOA score and LSOA count per authority with pandas, brute force.
    g = frame.groupby("lad_code").agg(s=("imd_score", "mean"), n=("lsoa_code", "size"))
    z = (g - g.mean()) / g.std(ddof=0)
    dist = np.sqrt(((z - z.loc["E06000004"]) ** 2).sum(axis=1)).drop("E06000004")
    assert got["neighbour_code"].tolist() == dist.sort_values().index[:5].tolist()
    assert SHARED.exists()


def test_similar_places_for_the_demo_wards(demo_run):
    from fairer.context import open_place
    from fairer.profile.neighbours import similar_places

    out, _ = demo_run
    with open_place(out / "place", read_only=True) as ctx:
        n = similar_places(ctx, "ward", k=4)
    assert n["area_code"].nunique() == 20 and (n["area_code"] != n["neighbour_code"]).all()
    assert {"imd_score", "share_under_16", "share_65_and_over", "population", "density"} <= set(
        n.attrs["variables"]
    )
    assert (n.groupby("area_code")["distance"].apply(lambda s: s.is_monotonic_increasing)).all()
