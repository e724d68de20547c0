"""The client survey: the NPS and its adjusted-Wald interval by hand, the NPS tables, the
gate's row suppression, the contract, the Dutch row names and the synthetic scores."""

import math

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from evalbook.analysis import nps as analysis
from evalbook.core import contract
from evalbook.core.errors import ContractError
from evalbook.core.io import write_csv
from evalbook.disclosure import survey as gate
from evalbook.disclosure.attacker import intervals, leaks
from evalbook.disclosure.linked import PRIMARY, SECONDARY, CountSystem, Relation
from evalbook.disclosure.policy import Rules
from evalbook.report import nps as report
from evalbook.schemas.survey import NPS_RESPONSES
from evalbook.stats.nps import nps, nps_interval
from synthetic import survey as synthetic
from synthetic.register import read_assumptions


def test_nps_and_adjusted_wald_interval_by_hand():
    promoters, passives, detractors = 50, 30, 20
    assert nps(promoters, passives, detractors) == pytest.approx(30.0)
    # adjusted Wald as a weighted sample: the data plus 3/4 promoter, 3/2 passive, 3/4 detractor
    scores = np.array([1.0, 0.0, -1.0])
    weights = np.array([promoters + 0.75, passives + 1.5, detractors + 0.75])
    n = weights.sum()
    mean = (weights * scores).sum() / n
    var = (weights * (scores - mean) ** 2).sum() / n
    half = 1.959963984540054 * math.sqrt(var / n)
    low, high = nps_interval(promoters, passives, detractors)
    assert (low, high) == pytest.approx((100 * (mean - half), 100 * (mean + half)))
    assert (low, high) == pytest.approx((14.05, 44.20), abs=0.01)  # worked by hand: n' = 103


def test_nps_interval_is_clipped_to_the_scale():
    low, high = nps_interval(3, 0, 0)
    # by hand (adjusted Wald): weights 3.75 / 1.5 / 0.75 promoters, passives, detractors, n = 6;
    # NPS 0.5, variance 0.5, half-width 1.96 * sqrt(0.5 / 6) = 0.5658 -> [-6.58, 106.58], clipped at 100
    assert high == 100.0
    assert low == pytest.approx(100 * (0.5 - 1.959964 * (0.5 / 6) ** 0.5), abs=0.01)


def test_nps_of_no_respondents_is_missing():
    assert math.isnan(nps(0, 0, 0))


def responses() -> pd.DataFrame:
    scores = [10, 9, 8, 7, 6, 0] + [10, 9, 9, 8, 7, 3]
    return pd.DataFrame(
        {
            "respondent": [f"R{i}" for i in range(12)],
            "period": ["2017-07"] * 6 + ["2017-08"] * 6,
            "team": ["noord"] * 6 + ["zuid"] * 6,
            "score": scores,
        }
    )


def test_nps_table_splits_categories_by_hand():
    result = analysis.analyse(responses())
    overall = result.overall.iloc[0]
    assert (overall["k_promoters"], overall["k_passives"], overall["k_detractors"]) == (5, 4, 3)
    assert overall["nps"] == pytest.approx(100 * (5 - 3) / 12)
    by_team = result.by_team.set_index("group")
    assert by_team.loc["noord", "nps"] == pytest.approx(0)  # 2 promoters, 2 passives, 2 detractors
    assert by_team.loc["zuid", "share_promoters"] == pytest.approx(100 * 3 / 6)
    assert result.teams == ("noord", "zuid") and result.periods == ("2017-07", "2017-08")


def nps_reader(released: gate.ReleasedNps) -> CountSystem:
    """What a reader of the released NPS tables can write down: per row its three categories
    adding up to ``n``, the teams and the months each adding up to everyone; a hidden count is
    missing."""
    rows = [r for frame in (released.overall, released.by_team, released.by_period) for _, r in frame.iterrows()]
    columns = {"n": "n", **{c: f"k_{c}" for c in analysis.CATEGORIES}}
    cells = {(r["by"], r["group"], what): r[column] for r in rows for what, column in columns.items()}
    cells = {key: float(v) if pd.notna(v) else math.nan for key, v in cells.items()}
    relations = [
        Relation(
            (r["by"], r["group"], "n"),
            tuple((r["by"], r["group"], c) for c in analysis.CATEGORIES),
            (1.0,) * len(analysis.CATEGORIES),
        )
        for r in rows
    ]
    total = released.overall.iloc[0]
    for frame in (released.by_team, released.by_period):
        for what in columns:
            parts = tuple((r["by"], r["group"], what) for _, r in frame.iterrows())
            relations.append(Relation((total["by"], total["group"], what), parts, (1.0,) * len(parts)))
    return CountSystem(cells, tuple(relations))


def test_the_gate_suppresses_a_row_with_a_small_category():
    rules = Rules(min_cell_size=2)
    released = gate.release_nps(analysis.analyse(responses()), rules)
    by_team = released.by_team.set_index("group")
    assert not by_team.loc["noord", "suppressed"] and by_team.loc["noord", "n"] == 6
    assert by_team.loc["zuid", "suppressed"]  # 1 detractor
    assert by_team.loc["zuid", ["k_detractors", "share_detractors", "nps", "nps_low", "nps_high"]].isna().all()
    # By hand, the fewest cells (then the smallest) that protect the 1 detractor of team Zuid and of
    # August (the same persons): a second cell of each row (else n less the others gives it back),
    # the smallest being the passives (2); everyone's detractors (else everyone less Noord, or less
    # July, gives it back; hiding Noord's and July's detractors instead, each with a second cell of
    # its row, costs four cells), and a second cell of everyone's row, the passives (4). Six cells;
    # Zuid's 1 then lies anywhere in 0..3.
    assert {(s.table, s.row, s.column, s.reason) for s in released.suppressions} == {
        ("nps", "team/zuid", "k_detractors", PRIMARY),
        ("nps", "period/2017-08", "k_detractors", PRIMARY),
        ("nps", "team/zuid", "k_passives", SECONDARY),
        ("nps", "period/2017-08", "k_passives", SECONDARY),
        ("nps", "total/total", "k_detractors", SECONDARY),
        ("nps", "total/total", "k_passives", SECONDARY),
    }
    assert released.overall["suppressed"].all() and pd.isna(released.overall.loc[0, "nps"])
    assert released.overall.loc[0, "n"] == 12 and released.overall.loc[0, "k_promoters"] == 5
    # the attacker, on what a reader sees, narrows no hidden count below the minimum ...
    reader = nps_reader(released)
    assert leaks(reader, rules).empty
    zuid = ("team", "zuid", "detractors")
    assert intervals(reader, cells=[zuid])[zuid] == (0, 3)
    # ... and does find the leak the secondary suppression closes: everyone's 3 detractors less Noord's 2
    planted = CountSystem({**reader.cells, ("total", "total", "detractors"): 3.0}, reader.relations)
    assert zuid in set(leaks(planted, rules)["cell"])
    # noord by hand: 2.75 / 9 promoters and detractors, half-width 1.96 sqrt(5.5 / 81) = 0.5107
    summary = report.glue_values(released)["team_summary"]
    assert summary == "team Noord: 0,0 (95%-BI −51,1 tot 51,1) en team Zuid: onderdrukt"


def test_nps_contract_refuses_a_score_of_11(tmp_path):
    path = tmp_path / "survey_nps.csv"
    path.write_text("respondent,period,team,score\nX1,2017-03,noord,11\nX2,2017-3,zuid,5\n", encoding="utf-8")
    with pytest.raises(ContractError) as info:
        contract.read(path, NPS_RESPONSES)
    assert "column 'score' at line 2 (found 11); expected a whole number between 0 and 10" in str(info.value)
    assert "column 'period' at line 3 (found '2017-3'); expected a month (jjjj-mm)" in str(info.value)


def test_row_names_and_signed_scores_in_dutch():
    assert [report.group_label(g) for g in (analysis.TOTAL, "2017-03", "zuid")] == ["totaal", "maart 2017", "team Zuid"]
    assert [report.signed(x) for x in (21.66, -6.8, 0.04, np.nan)] == ["+21,7", "−6,8", "0,0", "–"]


def test_committed_scores_equal_a_fresh_generation(tmp_path):
    write_csv(
        synthetic.wwatwork_nps(read_assumptions(programme="wwatwork", chapter="client_survey")),
        tmp_path / "survey_nps.csv",
    )
    committed = (ROOT / "data" / "synthetic" / "wwatwork" / "survey_nps.csv").read_text(encoding="utf-8")
    assert (tmp_path / "survey_nps.csv").read_text(encoding="utf-8") == committed
