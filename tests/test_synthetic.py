"""The synthetic registers: generated from the published figures, reproducing them."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import effect_study
from evalbook.analysis import audit, matching, published
from evalbook.analysis import survey as survey_analysis
from evalbook.analysis.survey import assumed
from evalbook.book.chapter import Chapter
from evalbook.core import contract, paths, rounding
from evalbook.core.errors import ContractError
from evalbook.core.io import write_csv
from evalbook.disclosure import effect as effect_gate
from evalbook.disclosure import survey as survey_gate
from evalbook.disclosure.policy import Rules
from evalbook.schemas.published import PUBLISHED
from evalbook.schemas.register import POOL, REGISTER
from evalbook.schemas.survey import CODEBOOK, Survey
from evalbook.stats.consistency import INCONSISTENT
from synthetic import generate
from synthetic import register as generator
from synthetic import survey as survey_generator
from synthetic import targets as synthetic


def test_committed_data_equal_a_fresh_generation(root, tmp_path):
    for relative, make in generate.GENERATORS.items():
        write_csv(make(), tmp_path / "fresh.csv")
        committed = (root / "data" / "synthetic" / relative).read_text(encoding="utf-8")
        assert (tmp_path / "fresh.csv").read_text(encoding="utf-8") == committed, (
            f"data/synthetic/{relative} is stale: run `python -m synthetic`"
        )


def half_up(x):
    return math.floor(x + 0.5)


def test_wgw_register_reproduces_every_published_percentage(root):
    """Computed here with plain pandas from the raw columns, independently of evalbook.outcomes."""
    raw = pd.read_csv(
        root / "data" / "synthetic" / "wgw" / "register.csv", parse_dates=["outflow_date", "returned_date"]
    )
    figures = published.load("wgw", "effect_study").set_index("figure_id")
    for group in ("programme", "control"):
        g = raw[raw["group"] == group]
        work = g["outflow_reason"] == "work"
        shares = {
            "outflow": g["outflow_date"].notna().mean(),
            "outflow_work": work.mean(),
            "no_return_after_work": g.loc[work, "returned_date"].isna().mean(),
            "parttime": (g["parttime_months"] > 0).mean(),
            "active": (work | (g["parttime_months"] > 0)).mean(),
            "no_show": g["no_show"].mean(),
            "handover_matching": (g["handover"] == "matching").mean(),
            "handover_mo": (g["handover"] == "mo").mean(),
        }
        assert len(g) == figures.loc[f"n_{group}", "value"]
        for quantity, share in shares.items():
            assert half_up(100 * share) == figures.loc[f"{quantity}_{group}", "value"], (quantity, group)
        for quantity in ("contacts_total", "contacts_selected"):
            assert round(g[quantity].mean(), 1) == pytest.approx(figures.loc[f"{quantity}_{group}", "value"])


def test_count_for_percent_rounds_half_up():
    assert rounding.count_for_percent(13, 294) == 38  # 12.93% -> 13%
    assert rounding.count_for_percent(90, 21) == 19  # 90.48% -> 90%
    with pytest.raises(ValueError):
        rounding.count_for_percent(50, 3)  # 1/3 = 33%, 2/3 = 67%


def test_the_register_meets_its_contract(root):
    df = contract.read(root / "data" / "synthetic" / "wgw" / "register.csv", REGISTER)
    assert df["group"].value_counts().to_dict() == {"programme": 300, "control": 294}  # the report's groups


# -- Route 3: four target groups, status outflow, totals as unweighted means ------------------------

TARGET_GROUPS = ("stilstaand_water", "nieuwe_instroom", "team6", "oap")


def route3_shares(g: pd.DataFrame) -> dict:
    """Shares in percent from the raw columns, independently of evalbook.outcomes: outflow is
    'off benefit at the end of the 12-month window' (returned within it counts as not off)."""
    end = (g["start_date"] + pd.DateOffset(months=12)).where(
        g["start_date"] + pd.DateOffset(months=12) < g["end_date"], g["end_date"]
    )
    left = g["outflow_date"].notna() & (g["outflow_date"] <= end)
    back = g["returned_date"].notna() & (g["returned_date"] <= end)
    work = left & (g["outflow_reason"] == "work")
    parttime = g["parttime_months"] > 0
    return {
        "outflow": 100 * (left & ~back).mean(),
        "outflow_work": 100 * work.mean(),
        "outflow_other": 100 * (left & (g["outflow_reason"] == "other")).mean(),
        "no_return_after_work": 100 * (~back[work]).mean() if work.any() else math.nan,
        "parttime": 100 * parttime.mean(),
        "active": 100 * (work | parttime).mean(),
        "no_show": 100 * (g["no_show"] == "true").mean(),
    }


def test_route3_register_reproduces_every_published_figure(root):
    raw = pd.read_csv(
        root / "data" / "synthetic" / "route3" / "register.csv",
        dtype={"no_show": str},
        parse_dates=["start_date", "end_date", "outflow_date", "returned_date"],
    )
    shares = {
        (group, tg): route3_shares(raw[(raw["group"] == group) & (raw["target_group"] == tg)])
        for group in ("programme", "control")
        for tg in TARGET_GROUPS
    }
    figures = published.load("route3", "effect_study")
    figures = figures[figures["unit"] != "claim"]  # a claim is a significance label only: no number to reproduce
    checked = 0
    for _, f in figures[figures["quantity"].isin(route3_shares(raw).keys())].iterrows():
        if pd.isna(f["subgroup"]):  # "totaal gemiddeld": the unweighted mean of the four target groups
            value = sum(shares[(f["group"], tg)][f["quantity"]] for tg in TARGET_GROUPS) / len(TARGET_GROUPS)
        else:
            value = shares[(f["group"], f["subgroup"])][f["quantity"]]
        assert f["lower"] <= value < f["upper"], (f["figure_id"], value)
        checked += 1
    assert checked == 26


def test_route3_group_sizes_are_the_assumed_ones(root):
    raw = pd.read_csv(root / "data" / "synthetic" / "route3" / "register.csv")
    sizes = raw.groupby(["group", "target_group"]).size()
    assumed = synthetic.read_assumptions(programme="route3", chapter="effect_study").set_index("parameter")["value"]
    for (group, tg), n in sizes.items():
        assert n == float(assumed[f"n_{group}_{tg}"])
    # ten consultants with 50 to 60 persons each in September 2018 (3.1); the experiment aimed at 500
    assert 500 <= sizes["programme"].sum() <= 600


def test_solve_refuses_impossible_published_combinations():
    # outflow measured as an event must be at least outflow to work: 42% vs 43% of 100 cannot be
    values = {
        q: (v, True)
        for q, v in {
            "n": 100,
            "outflow": 42,
            "outflow_work": 43,
            "outflow_other": 10,
            "no_return_after_work": 79,
            "parttime": 37,
            "active": 61,
            "no_show": 10,
            "handover_matching": 0,
            "handover_mo": 0,
            "contacts_total": 20,
            "contacts_selected": 3,
        }.items()
    }
    with pytest.raises(ValueError, match="outflow 42 of 100 is outside the feasible 43..100"):
        synthetic.solve(values, "control", outflow_measure="event")
    # as a status at the end it holds: 34 of the 43 stay off benefit after work, 8 of the 10 others
    t = synthetic.solve(values, "control", outflow_measure="status")
    assert (t.outflow_work, t.returned_after_work, t.outflow_other, t.returned_after_other) == (43, 9, 10, 2)


def test_a_missing_value_is_named():
    with pytest.raises(
        ValueError, match="programme / team6: no published figure or assumption for outflow, outflow_work, "
    ):
        synthetic.solve({"n": (60, True)}, "programme", "team6", outflow_measure="status")


# -- how persons and candidates are made -----------------------------------------------------------


def test_spread_deals_each_education_level_its_share():
    level = np.array(["low"] * 55 + ["middle"] * 25 + ["high"] * 10 + ["unknown"] * 10)
    for seed in range(20):
        chosen = generator._spread(np.arange(100), 12, level, np.random.default_rng(seed))
        assert len(set(chosen)) == 12
        # shares 6.6, 3.0, 1.2, 1.2: whole parts 6, 3, 1, 1, the one left to the largest remainder
        assert pd.Series(level[chosen]).value_counts().to_dict() == {"low": 7, "middle": 3, "high": 1, "unknown": 1}
    some = np.arange(50, 100)  # shares among these 50 only: 5 low, 25 middle, 10 high, 10 unknown
    chosen = generator._spread(some, 10, level, np.random.default_rng(0))
    assert set(chosen) <= set(some)
    assert pd.Series(level[chosen]).value_counts().to_dict() == {"middle": 5, "high": 2, "unknown": 2, "low": 1}


def test_exit_days_take_one_draw_from_each_slice_of_the_timing_distribution():
    k = 40
    draws = generator._spaced_beta(k, np.random.default_rng(3))
    slices = np.floor(stats.beta.cdf(draws, *generator.EXIT_TIMING) * k + 1e-9)
    assert sorted(slices) == list(range(k))
    assert not np.all(np.diff(draws) > 0)  # in random order


def persons(rows, group):
    """Persons (age, months) of one matching cell's sex and education, as the generator makes them."""
    frame = pd.DataFrame(rows, columns=["education", "age", "benefit_months"])
    return frame.assign(sex="female", group=group, target_group=None)


def test_look_alikes_are_added_near_the_programme_persons_in_the_open_band():
    # one matching cell (45-54 years, 60+ months on benefit): enough candidates, but all far
    # below the programme persons; the other candidates set the scale of the distance
    treated = persons([("low", 50, 200), ("low", 51, 210), ("low", 52, 250)], "programme")
    cell = persons([("low", 50, 61)] * 5, matching.CANDIDATE)
    rest = persons([("middle", 20 + i % 45, 3 * i) for i in range(60)], matching.CANDIDATE)
    made = generator._make_matchable(treated, pd.concat([cell, rest]), 0, np.random.default_rng(1))
    made["person_id"] = [f"P{i:03d}" for i in range(len(made))]
    ends = made.set_index("person_id")
    pairs = matching.match(made)
    treated, control = ends.loc[pairs["programme_id"]], ends.loc[pairs["control_id"]]
    assert len(pairs) == 3
    assert (abs(treated["benefit_months"].to_numpy() - control["benefit_months"].to_numpy()) <= 2).all()
    assert (abs(treated["age"].to_numpy() - control["age"].to_numpy()) <= 2).all()


def test_the_unmatched_are_those_whose_absence_changes_the_programme_group_least():
    # 18 alike persons in one cell; alone in their cell: one with higher education (a rare
    # category) and one a few months longer on benefit
    treated = persons([("low", 30 + i % 5, i % 6) for i in range(18)] + [("high", 30, 3), ("low", 33, 7)], "programme")
    others = persons([("low", 30 + i % 5, i % 6) for i in range(40)] + [("high", 30, 3), ("low", 33, 7)], "candidate")
    for seed in range(5):
        made = generator._make_matchable(treated, others, 1, np.random.default_rng(seed))
        candidates = made[made["group"] == matching.CANDIDATE]
        assert (candidates["education"] == "high").sum() == 1  # kept: 1 of 20 with higher education
        assert (candidates["benefit_months"] == 7).sum() == 0  # left alone: the one of 7 months


@pytest.mark.parametrize("programme", ("wgw", "route3"))
def test_pool_and_register_meet_their_contracts(root, programme):
    pool = contract.read(root / "data" / "synthetic" / programme / "pool.csv", POOL)
    assert (pool["group"] == "candidate").sum() > 5 * (pool["group"] == "programme").sum()
    contract.read(root / "data" / "synthetic" / programme / "register.csv", REGISTER)


def test_assumptions_meet_their_contract_and_reject_duplicates(root, tmp_path):
    assert len(synthetic.read_assumptions(programme="route3", chapter="effect_study")) > 8
    text = (root / "data" / "synthetic" / "assumptions.csv").read_text(encoding="utf-8")
    first = text.splitlines()[1]
    (tmp_path / "a.csv").write_text(text + first + "\n", encoding="utf-8")
    with pytest.raises(ContractError, match="parameter.*unique within programme and chapter"):
        synthetic.read_assumptions(tmp_path / "a.csv")


# -- the embedded data reproduce every label the published figures permit ------------------------


def released_comparisons() -> dict[str, pd.DataFrame]:
    """The published-versus-reproduced comparison of the effect studies and surveys, as their
    chapters release it, by ``<programme>/<chapter>``."""
    found = {}
    for part in ("wgw", "route3"):
        study, rules = effect_study(part)
        found[f"{part}/effect_study"] = effect_gate.release(study, rules).comparison
        chapter = Chapter("phone_survey", part, {})
        result = survey_analysis.analyse(
            Survey(chapter.read("survey"), chapter.read("codebook")),
            chapter.read("published"),
            alpha=chapter.alpha,
            assumed=survey_analysis.assumed_respondents(chapter.assumptions()),
        )
        found[f"{part}/phone_survey"] = survey_gate.release(
            result, Rules.from_parameters(chapter.parameters)
        ).comparison
    return found


def disagreements(comparison: pd.DataFrame, alpha: float = 0.05) -> set[tuple[str, str]]:
    """The comparisons (quantity, target group) where the report's label and the reproduction's differ."""
    rows = comparison[comparison["significance"].notna() & comparison["reproduced_p"].notna()]
    subgroup = rows["subgroup"].where(rows["subgroup"].notna(), "").astype(str)
    reproduced = np.where(rows["reproduced_p"].astype(float) < alpha, "significant", "not_significant")
    return {
        (q, s)
        for q, s, mine, theirs in zip(rows["quantity"], subgroup, reproduced, rows["significance"], strict=True)
        if mine != theirs
    }


def introduced(found: dict[str, set], impossible: set[tuple[str, str, str]]) -> list:
    """The disagreements the published figures do not force: those not judged inconsistent by
    the consistency audit (no test at any counts the printed figures allow gives the label)."""
    return sorted((source, *key) for source, keys in found.items() for key in keys if (source, *key) not in impossible)


@pytest.fixture(scope="module")
def audit_of_the_published_figures():
    files = sorted((paths.repo_root() / "data" / "published").glob("*/*.csv"))
    return audit.run({str(f): contract.read(f, PUBLISHED) for f in files})


def test_the_embedded_book_disagrees_with_no_label_the_published_figures_permit(audit_of_the_published_figures):
    impossible = {
        (c.source, c.quantity, c.subgroup) for c in audit_of_the_published_figures.checks if c.verdict == INCONSISTENT
    }
    found = {source: disagreements(comparison) for source, comparison in released_comparisons().items()}
    assert introduced(found, impossible) == []
    # the one disagreement left is forced by the published figures: 8 against 6 per cent of 300 and 294
    assert [(s, *k) for s, keys in found.items() for k in keys] == [("wgw/effect_study", "outflow_other", "")]


def test_a_disagreement_the_figures_permit_is_found():
    comparison = pd.DataFrame(
        {
            "quantity": ["grade7plus_appointments", "grade7plus_advice"],
            "subgroup": [None, None],
            "significance": ["significant", "significant"],
            "reproduced_p": [0.08, 0.001],  # 84 against 76 per cent of 118 and 121: not significant
        }
    )
    found = {"route3/phone_survey": disagreements(comparison)}
    assert introduced(found, set()) == [("route3/phone_survey", "grade7plus_appointments", "")]
    assert introduced(found, {("route3/phone_survey", "grade7plus_appointments", "")}) == []


# -- every number the survey generator uses is published or declared ------------------------------


@pytest.mark.parametrize("programme", ("wgw", "route3"))
def test_every_unpublished_survey_number_is_a_declared_assumption(programme):
    """Drop any one declared share: the generator refuses to guess it."""
    rows = synthetic.read_assumptions(programme=programme, chapter="phone_survey")
    book = contract.read(paths.repo_root() / "data" / "synthetic" / programme / "codebook.csv", CODEBOOK).set_index(
        "item"
    )
    figures = published.load(programme, "phone_survey")
    # derived from other declared or published numbers (respondents, the published 29 and 22)
    fixed = {"wgw": {"other_trajectories": {}}, "route3": {"activities_participated": {}}}[programme]
    values = assumed(rows)
    complete = survey_generator.survey_targets(book, figures, values, fixed)
    shares = [p for p in values if p != "dont_know_default" and not p.startswith("respondents")]
    assert len(shares) > 20
    for parameter in shares:
        if parameter.endswith(("_dont_know_programme", "_dont_know_control")):
            continue  # a missing share of "weet niet" falls back to the declared default
        without = {k: v for k, v in values.items() if k != parameter}
        try:
            targets = survey_generator.survey_targets(book, figures, without, fixed)
        except ValueError as error:
            assert parameter in str(error)
            continue
        # a figure the report gives in words: without the value chosen within them, the published one
        changed = [(i, g) for i in complete for g in complete[i] if complete[i][g] != targets[i][g]]
        assert changed and all(survey_generator.PUB in str(targets[i][g]) for i, g in changed), parameter


def test_an_assumed_share_outside_the_published_words_is_refused():
    rows = synthetic.read_assumptions(programme="wgw", chapter="phone_survey")
    book = contract.read(paths.repo_root() / "data" / "synthetic" / "wgw" / "codebook.csv", CODEBOOK).set_index("item")
    values = assumed(rows) | {"activities_useful_programme": 40.0}  # "een ruime meerderheid": at least 55
    with pytest.raises(ValueError, match="activities_useful_programme.*outside the published"):
        survey_generator.survey_targets(book, published.load("wgw", "phone_survey"), values, {})
