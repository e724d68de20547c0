"""Surveys: the survey and codebook contracts, shares with Wilson intervals, composites, Holm,
the NPS with its interval, and the synthetic surveys against the published figures."""

import math

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from statsmodels.stats.proportion import proportion_confint

from evalbook import compare, survey
from evalbook.analysis import published
from evalbook.core import contract
from evalbook.core.errors import ContractError

CODEBOOK = """item,topic,label,scale,options,positive,dont_know,composites,asked_if
g1,Begeleiding,Tijd,grade,,7,exclude,both,
g2,Begeleiding,Privacy,grade,,7,exclude,both,
both,Begeleiding,Beide 7 of hoger,composite,,all,,,
s,Begeleiding,Uitspraak,agreement,,disagree,include,,
y,Activiteiten,Traject,yes_no,,yes,exclude,,
r,Activiteiten,Behandeling,yes_no,,yes,exclude,,y=yes
c,Perspectief,Kans,choice,low=klein|high=groot,low,include,,
"""

# Four respondents, answers known by hand:
#   A programme: g1 8, g2 7 (both positive), s disagree, y yes -> r yes, c low
#   B programme: g1 9, g2 5 (not both), s dont_know (counted, not positive), y no, c dont_know
#   C control:   g1 6, g2 dont_know (out of g2 and of the composite), s strongly_agree, y yes -> r no, c high
#   D control:   g1 7, g2 10 (both), s strongly_disagree, y dont_know (excluded), c low
ANSWERS = {
    ("A", "programme"): {"g1": "8", "g2": "7", "s": "disagree", "y": "yes", "r": "yes", "c": "low"},
    ("B", "programme"): {"g1": "9", "g2": "5", "s": "dont_know", "y": "no", "c": "dont_know"},
    ("C", "control"): {"g1": "6", "g2": "dont_know", "s": "strongly_agree", "y": "yes", "r": "no", "c": "high"},
    ("D", "control"): {"g1": "7", "g2": "10", "s": "strongly_disagree", "y": "dont_know", "c": "low"},
}


def survey_lines(answers=ANSWERS) -> list[str]:
    return ["respondent,group,item,value"] + [f"{r},{g},{item},{v}" for (r, g), given in answers.items()
                                               for item, v in given.items()]


def write(tmp_path, lines=None, codebook=CODEBOOK):
    (tmp_path / "survey.csv").write_text("\n".join(lines or survey_lines()) + "\n", encoding="utf-8")
    (tmp_path / "codebook.csv").write_text(codebook, encoding="utf-8")
    return tmp_path / "survey.csv", tmp_path / "codebook.csv"


def load(tmp_path, lines=None, codebook=CODEBOOK) -> survey.Survey:
    return survey.load(*write(tmp_path, lines, codebook))


def error_for(tmp_path, lines=None, codebook=CODEBOOK) -> str:
    with pytest.raises(ContractError) as info:
        load(tmp_path, lines, codebook)
    return str(info.value)


# -- Wilson interval ---------------------------------------------------------------------------

@pytest.mark.parametrize("k,n", [(0, 10), (10, 10), (3, 17), (105, 118), (1, 22), (94, 150)])
@pytest.mark.parametrize("alpha", [0.05, 0.10])
def test_wilson_matches_statsmodels_and_the_textbook_formula(k, n, alpha):
    low, high = survey.wilson(k, n, alpha)
    sm_low, sm_high = proportion_confint(k, n, alpha=alpha, method="wilson")
    assert (low, high) == pytest.approx((sm_low, sm_high), abs=1e-12)
    # Wilson (1927): (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    z = {0.05: 1.959963984540054, 0.10: 1.6448536269514722}[alpha]
    p = k / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert low == pytest.approx((centre - half) / (1 + z * z / n), abs=1e-12)
    assert high == pytest.approx((centre + half) / (1 + z * z / n), abs=1e-12)


def test_wilson_of_an_empty_group_is_missing():
    assert all(math.isnan(x) for x in survey.wilson(0, 0))


# -- shares, composites, routing, "weet niet" ----------------------------------------------------------

def test_shares_composites_routing_and_dont_know_by_hand(tmp_path):
    counts = survey.counts(load(tmp_path)).set_index(["quantity", "group"])
    kn = lambda q, g: tuple(counts.loc[(q, g), ["k", "n"]])  # noqa: E731
    assert kn("g1", "programme") == (2, 2) and kn("g1", "control") == (1, 2)  # 6 < 7
    assert kn("g2", "control") == (1, 1)  # dont_know excluded from the base
    assert kn("both", "programme") == (1, 2)  # B: 9 and 5
    assert kn("both", "control") == (1, 1)  # C has no counted g2: not in the composite's base
    assert kn("s", "programme") == (1, 2)  # dont_know included, not positive
    assert kn("s", "control") == (1, 2) and kn("s_agree", "control") == (1, 2)
    assert kn("s_dont_know", "programme") == (1, 2)
    assert kn("y", "control") == (1, 1)  # D's dont_know excluded
    assert kn("r", "programme") == (1, 1) and kn("r", "control") == (0, 1)  # routed: only y = yes
    assert kn("c", "programme") == (1, 2) and kn("c_dont_know", "programme") == (1, 2)  # dont_know included
    assert kn("c_high", "total") == (1, 4)


def test_analysis_table_holds_wilson_intervals_and_differences(tmp_path):
    result = survey.analyse(load(tmp_path), _no_figures(), min_cell_size=1)
    table = result.table.set_index("quantity")
    row = table.loc["g1"]
    assert row["value_control"] == 50
    assert pd.isna(row["value_programme"]) and pd.isna(row["diff"])  # 2 of 2: the complement is 0
    assert table.loc["c", "diff"] == pytest.approx(50 - 50) and table.loc["c", "value_total"] == 50
    low, high = proportion_confint(1, 2, method="wilson")
    assert (row["wilson_low_control"], row["wilson_high_control"]) == pytest.approx((100 * low, 100 * high))
    assert result.indicators["quantity"].tolist() == ["g1", "g2", "both", "s", "y", "r", "c"]


def _no_figures() -> pd.DataFrame:
    return pd.DataFrame(columns=["figure_id", "quantity", "group", "subgroup", "printed", "value", "lower", "upper",
                                 "significance", "section", "note"])


def test_small_cells_are_suppressed(tmp_path):
    result = survey.analyse(load(tmp_path), _no_figures(), min_cell_size=10)
    assert result.table["suppressed"].all()
    assert result.table[["k_programme", "value_programme", "wilson_low_programme", "p_value"]].isna().all().all()


# -- Holm ------------------------------------------------------------------------------------------------

def wgw_result() -> survey.SurveyResult:
    data = survey.load(ROOT / "data/synthetic/wgw/survey.csv", ROOT / "data/synthetic/wgw/codebook.csv")
    return survey.analyse(data, published.load("wgw", "phone_survey"))


def test_holm_adjustment_over_the_indicators_by_hand():
    """Over every indicator tested, including one whose result is suppressed afterwards."""
    data = survey.load(ROOT / "data/synthetic/wgw/survey.csv", ROOT / "data/synthetic/wgw/codebook.csv")
    result = survey.analyse(data, published.load("wgw", "phone_survey"))
    counts = survey.counts(data).set_index(["quantity", "group"])
    p = np.array([compare.proportions(*(int(counts.loc[(q, g), c]) for g in ("programme", "control") for c in ("k", "n")))
                  ["p_value"] for q in result.indicators["quantity"]])
    m = len(p)
    expected = np.empty(m)
    running = 0.0
    for rank, i in enumerate(np.argsort(p)):  # step-down: running max of (m - rank) p, capped at 1
        running = max(running, min(1.0, (m - rank) * p[i]))
        expected[i] = running
    shown = result.indicators["p_holm"].notna().to_numpy()
    assert (~shown).sum() == 1  # psych_treatment: the control group is suppressed
    assert result.indicators["p_holm"].to_numpy()[shown] == pytest.approx(expected[shown])
    assert result.table.loc[~result.table["primary"], "p_holm"].isna().all()


# -- contract errors -------------------------------------------------------------------------------------

def test_valid_files_load(tmp_path):
    data = load(tmp_path)
    assert data.respondents().to_dict() == {"control": 2, "programme": 2}


def test_unknown_item(tmp_path):
    lines = survey_lines() + ["A,programme,g3,8"]
    msg = error_for(tmp_path, lines)
    assert "survey.csv does not meet the `survey` contract" in msg
    assert f"column 'item' at line {len(lines)} (found 'g3'); expected an item listed in codebook.csv" in msg


def test_grade_outside_1_to_10(tmp_path):
    lines = [line.replace("A,programme,g1,8", "A,programme,g1,11") for line in survey_lines()]
    msg = error_for(tmp_path, lines)
    assert "column 'value' at line 2 (found '11'); expected for a grade item a whole number 1–10 or dont_know" in msg


def test_respondent_in_both_groups(tmp_path):
    lines = [line.replace("B,programme,y,no", "B,control,y,no") for line in survey_lines()]
    msg = error_for(tmp_path, lines)
    assert "column 'group'" in msg and "the same group on every row of a respondent" in msg
    assert "'control'" in msg


def test_codebook_item_without_responses(tmp_path):
    codebook = CODEBOOK + "extra,Perspectief,Nooit gevraagd,yes_no,,yes,exclude,,\n"
    msg = error_for(tmp_path, codebook=codebook)
    assert "codebook.csv does not meet the `codebook` contract" in msg
    assert "column 'item' at line 9 (found 'extra'); expected an item with at least one answer in survey.csv" in msg


def test_answer_the_routing_excludes(tmp_path):
    lines = survey_lines() + ["B,programme,r,yes"]  # B answered y = no
    msg = error_for(tmp_path, lines)
    assert f"column 'item' at line {len(lines)} (found 'r'); expected answered only by respondents" in msg


def test_repeated_answer(tmp_path):
    msg = error_for(tmp_path, survey_lines() + ["A,programme,g1,9"])
    assert "column 'item' at lines 2, 24 (found 'g1', 'g1'); expected one answer per respondent per item" in msg


def test_answer_outside_a_choice_items_options(tmp_path):
    msg = error_for(tmp_path, survey_lines() + ["E,control,c,medium"])
    assert "(found 'medium'); expected for a choice item one of its option codes in the codebook, or dont_know" in msg


def test_codebook_breaches(tmp_path):
    codebook = (CODEBOOK.replace("s,Begeleiding,Uitspraak,agreement,,disagree", "s,Begeleiding,Uitspraak,agreement,,oneens")
                .replace("y=yes", "nothing=yes").replace(",both,\n", ",bothh,\n", 1))
    msg = error_for(tmp_path, codebook=codebook)
    assert "`codebook` contract" in msg
    assert "column 'positive' at line 5 (found 'oneens')" in msg
    assert "column 'asked_if' at line 7 (found 'nothing=yes')" in msg
    assert "column 'composites' at line 2 (found 'bothh')" in msg
    assert "a composite with at least two items" in msg


def test_nps_contract_refuses_a_score_of_11(tmp_path):
    path = tmp_path / "survey_nps.csv"
    path.write_text("respondent,period,team,score\nX1,2017-03,noord,11\nX2,2017-3,zuid,5\n", encoding="utf-8")
    with pytest.raises(ContractError) as info:
        contract.read(path, survey.NPS_RESPONSES)
    assert "column 'score' at line 2 (found 11); expected a whole number between 0 and 10" in str(info.value)
    assert "column 'period' at line 3 (found '2017-3'); expected a month jjjj-mm" in str(info.value)


# -- NPS ---------------------------------------------------------------------------------------------------

def test_nps_and_adjusted_wald_interval_by_hand():
    promoters, passives, detractors = 50, 30, 20
    assert survey.nps(promoters, passives, detractors) == pytest.approx(30.0)
    # adjusted Wald as a weighted sample: the data plus 3/4 promoter, 3/2 passive, 3/4 detractor
    scores = np.array([1.0, 0.0, -1.0])
    weights = np.array([promoters + 0.75, passives + 1.5, detractors + 0.75])
    n = weights.sum()
    mean = (weights * scores).sum() / n
    var = (weights * (scores - mean) ** 2).sum() / n
    half = 1.959963984540054 * math.sqrt(var / n)
    low, high = survey.nps_interval(promoters, passives, detractors)
    assert (low, high) == pytest.approx((100 * (mean - half), 100 * (mean + half)))
    assert (low, high) == pytest.approx((14.05, 44.20), abs=0.01)  # worked by hand: n' = 103


def test_nps_interval_is_clipped_to_the_scale():
    low, high = survey.nps_interval(3, 0, 0)
    # by hand (adjusted Wald): weights 3.75 / 1.5 / 0.75 promoters, passives, detractors, n = 6;
    # NPS 0.5, variance 0.5, half-width 1.96 * sqrt(0.5 / 6) = 0.5658 -> [-6.58, 106.58], clipped at 100
    assert high == 100.0
    assert low == pytest.approx(100 * (0.5 - 1.959964 * (0.5 / 6) ** 0.5), abs=0.01)


def test_nps_table_splits_categories_and_suppresses_small_cells():
    scores = [10, 9, 8, 7, 6, 0] + [10, 9, 9, 8, 7, 3]
    frame = pd.DataFrame({"respondent": [f"R{i}" for i in range(12)], "period": "2017-08",
                          "team": ["noord"] * 6 + ["zuid"] * 6, "score": scores})
    overall = survey.nps_table(frame, min_cell_size=1).iloc[0]
    assert (overall["k_promoters"], overall["k_passives"], overall["k_detractors"]) == (5, 4, 3)
    assert overall["nps"] == pytest.approx(100 * (5 - 3) / 12)
    by_team = survey.nps_table(frame, "team", min_cell_size=2).set_index("group")
    assert not by_team.loc["noord", "suppressed"] and by_team.loc["noord", "nps"] == pytest.approx(0)
    assert by_team.loc["zuid", "suppressed"] and pd.isna(by_team.loc["zuid", "nps"])  # 1 detractor


# -- synthetic surveys against the published figures ----------------------------------------------------

def raw(programme: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "synthetic" / programme / "survey.csv", dtype=str)


def share(frame: pd.DataFrame, item: str, group: str, positive, dont_know_counts=True) -> float:
    v = frame[(frame["item"] == item) & (frame["group"] == group)]["value"]
    if not dont_know_counts:
        v = v[v != "dont_know"]
    return 100 * v.map(positive).mean()


def within(figures, figure_id, value):
    row = figures.loc[figure_id]
    return row["lower"] <= value <= row["upper"]


def test_wgw_survey_reproduces_the_published_figures():
    """Recomputed with plain pandas from the raw answers, independently of evalbook.survey."""
    df = raw("wgw")
    figures = published.load("wgw", "phone_survey").set_index("figure_id")
    seven = lambda v: v != "dont_know" and int(v) >= 7  # noqa: E731
    for g in ("programme", "control"):
        assert df[df["group"] == g]["respondent"].nunique() == 150
        wide = df[df["group"] == g].pivot(index="respondent", columns="item", values="value")
        attention = wide[["grade7plus_time", "grade7plus_say_work", "grade7plus_privacy"]].map(seven).all(axis=1)
        assert within(figures, f"grade7plus_attention_composite_{g}", 100 * attention.mean())
        assert within(figures, f"grade7plus_privacy_{g}", share(df, "grade7plus_privacy", g, seven, False))
        assert within(figures, f"statement_does_little_disagree_{g}",
                      share(df, "statement_does_little", g, lambda v: v.endswith("disagree")))
        assert within(figures, f"selfconfidence_{g}",
                      share(df, "selfconfidence", g, lambda v: v in ("agree", "strongly_agree")))
        assert (wide["other_trajectories"] == "yes").sum() == figures.loc[f"n_other_trajectories_{g}", "value"]
        treated = share(df, "psych_treatment", g, lambda v: v == "yes")
        assert within(figures, f"psych_treatment_{g}", treated)
        for option, fid in (("exit_within_1y", "expect_exit_within_1y"), ("never_work", "expect_never_work"),
                            ("dont_know", "expect_dont_know")):
            assert within(figures, f"{fid}_{g}", share(df, "expect", g, lambda v, o=option: v == o))
    volunteer = df[df["item"] == "activity_volunteer_work"]["value"].eq("yes").mean()
    assert within(figures, "activity_volunteer_work_total", 100 * volunteer)


def test_route3_survey_reproduces_the_published_figures():
    df = raw("route3")
    figures = published.load("route3", "phone_survey").set_index("figure_id")
    for g, n in (("programme", 118), ("control", 121)):
        wide = df[df["group"] == g].pivot(index="respondent", columns="item", values="value")
        assert len(wide) == n
        assert within(figures, f"grade7plus_overall_{g}",
                      share(df, "grade7plus_overall", g, lambda v: v != "dont_know" and int(v) >= 7, False))
        agree = wide[["knows_wants", "knows_strengths", "future_confidence"]].isin(["agree", "strongly_agree"])
        assert within(figures, f"selfconfidence_{g}", 100 * agree.all(axis=1).mean())
        assert within(figures, f"outlook_chance_high_{g}",
                      share(df, "outlook_chance_high", g, lambda v: v in ("large", "very_large")))
        assert within(figures, f"activities_useful_{g}", share(df, "activities_useful", g, lambda v: v == "yes"))


@pytest.mark.parametrize("programme", ["wgw", "route3"])
def test_every_published_figure_agrees_or_is_suppressed_with_the_reports_significance(programme):
    data = survey.load(ROOT / f"data/synthetic/{programme}/survey.csv", ROOT / f"data/synthetic/{programme}/codebook.csv")
    result = survey.analyse(data, published.load(programme, "phone_survey"))
    statuses = set(result.comparison["status"])
    assert statuses <= {published.STATUS_AGREES, published.STATUS_SUPPRESSED}
    testable = result.comparison.dropna(subset=["significance", "reproduced_significance"])
    assert len(testable) > 0
    assert (testable["significance"] == testable["reproduced_significance"]).all()
    assert result.respondents.to_dict() == survey.assumed_respondents(programme)


def test_wgw_psychological_treatment_in_the_control_group_is_suppressed():
    """1 of the 22 with other trajectories: the report printed it (5%), the book may not."""
    row = wgw_result().comparison.set_index("figure_id").loc["psych_treatment_control"]
    assert row["status"] == published.STATUS_SUPPRESSED


def test_agreement_distribution_is_withheld_when_a_segment_is_small():
    result = wgw_result()
    shares = survey.distributions(result, "agreement")
    assert set(shares["category"]) == {"disagree", "middle", "agree"}
    small = survey.SurveyResult(**{**result.__dict__, "min_cell_size": 16})  # the middle segment holds 15
    hidden = survey.distributions(small, "agreement")
    by_item = hidden[hidden["group"] == "programme"].groupby("item")["value"]
    assert by_item.apply(lambda v: v.isna().all())["statement_does_little"]
    assert by_item.apply(lambda v: v.notna().all())["selfconfidence"]
