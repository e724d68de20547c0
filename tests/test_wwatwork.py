"""WW@Work: the cohort contract, the funnel and its gate, the doorstroom comparisons, the
labour-market checks and the synthetic cohort, each against values computed by hand or with
plain pandas."""

import json
import math

import pandas as pd
import pytest
from scipy import stats

from conftest import ROOT
from evalbook.analysis import labour_market, published
from evalbook.analysis import wwatwork as analysis
from evalbook.core import contract
from evalbook.core.errors import ContractError
from evalbook.core.io import write_csv
from evalbook.disclosure import wwatwork as gate
from evalbook.disclosure.attacker import leaks
from evalbook.disclosure.linked import PRIMARY, SECONDARY, CountSystem, Relation
from evalbook.disclosure.policy import Rules
from evalbook.schemas.cohort import COHORT
from synthetic import cohort as generator
from synthetic import generate
from synthetic import register as synthetic

HEADER = (
    "person_id,cohort_month,region,invited,attended,coached,found_work,work_month,attribution,"
    "bijstand_inflow,predicted_inflow"
)
# Eight persons; the funnel below is counted from this list by hand.
ROWS = [
    "P01,2017-01-01,noord,true,true,true,true,2016-12-01,team,false,0.2",
    "P02,2017-01-01,noord,true,true,true,false,,,true,0.6",
    "P03,2017-01-01,zuid,true,true,true,true,2017-01-01,possibly_team,false,0.3",
    "P04,2017-02-01,zuid,true,true,false,,,,true,0.5",
    "P05,2017-02-01,zuid,true,false,false,,,,true,0.7",
    "P06,2017-02-01,noord,true,false,false,,,,false,0.1",
    "P07,2017-03-01,noord,false,false,false,,,,false,0.05",
    "P08,2017-03-01,zuid,true,true,true,false,,,true,0.8",
]


def write(tmp_path, rows=ROWS, header=HEADER):
    path = tmp_path / "cohort.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def read(tmp_path, rows=ROWS, header=HEADER):
    return contract.read(write(tmp_path, rows, header), COHORT)


def replace(row_index: int, field: str, value: str) -> list[str]:
    rows = list(ROWS)
    cells = rows[row_index].split(",")
    cells[HEADER.split(",").index(field)] = value
    rows[row_index] = ",".join(cells)
    return rows


# -- contract -------------------------------------------------------------------------------------


def test_a_valid_cohort_is_read_with_types(tmp_path):
    df = read(tmp_path)
    assert len(df) == 8
    assert df["coached"].sum() == 4
    assert df["found_work"].isna().sum() == 4
    assert df.loc[0, "cohort_month"] == pd.Timestamp("2017-01-01")


def test_unknown_region_is_refused(tmp_path):
    with pytest.raises(
        ContractError,
        match=r"cohort.csv does not meet the `cohort` contract:\n  - column 'region' at line 5 "
        r"\(found 'west'\); expected one of: noord, zuid",
    ):
        read(tmp_path, replace(3, "region", "west"))


def test_coached_without_attendance_is_refused(tmp_path):
    with pytest.raises(ContractError, match=r"column 'coached' at line 7 .*false unless attended"):
        read(tmp_path, [*ROWS[:5], "P06,2017-02-01,noord,true,false,true,false,,,false,0.1", *ROWS[6:]])


def test_attended_without_invitation_is_refused(tmp_path):
    with pytest.raises(ContractError, match=r"column 'attended' at line 8 .*false unless invited"):
        read(tmp_path, replace(6, "attended", "true"))


def test_probability_above_one_is_refused(tmp_path):
    with pytest.raises(
        ContractError, match=r"column 'predicted_inflow' at line 2 \(found 1.2\); expected a number between 0 and 1"
    ):
        read(tmp_path, replace(0, "predicted_inflow", "1.2"))


def test_attribution_only_for_coached_persons_who_found_work(tmp_path):
    with pytest.raises(ContractError, match=r"column 'attribution' at line 3 .*coached and found_work"):
        read(tmp_path, replace(1, "attribution", "team"))
    with pytest.raises(ContractError, match=r"column 'attribution' at line 2 "):
        read(tmp_path, replace(0, "attribution", ""))


def test_coached_person_needs_a_work_outcome(tmp_path):
    with pytest.raises(ContractError, match=r"column 'found_work' at line 9 .*every coached person"):
        read(tmp_path, replace(7, "found_work", ""))


def test_work_month_after_the_end_of_ww_or_mid_month_is_refused(tmp_path):
    with pytest.raises(ContractError, match=r"column 'work_month' at line 2 .*not after cohort_month"):
        read(tmp_path, replace(0, "work_month", "2017-03-01"))
    with pytest.raises(ContractError, match=r"column 'cohort_month' at line 2 .*first day of a month"):
        read(tmp_path, replace(0, "cohort_month", "2017-01-15"))


@pytest.fixture(scope="module")
def figures():
    return published.load("wwatwork", "effect_study")


def test_work_month_is_optional(tmp_path, figures):
    header = HEADER.replace(",work_month", "")
    rows = [",".join(c for i, c in enumerate(r.split(",")) if i != 7) for r in ROWS]
    df = read(tmp_path, rows, header)
    values = analysis.funnel_figures(df).set_index("quantity")
    assert pd.isna(values.loc["found_work", "value"])
    side = gate.release(analysis.analyse(df, figures), Rules(min_cell_size=1)).comparison.set_index("figure_id")
    assert side.loc["found_work_jan_jun_2017", "status"] == published.STATUS_MISSING  # not computable, not hidden


# -- funnel ---------------------------------------------------------------------------------------


def test_funnel_counts_match_a_hand_count(tmp_path):
    table = analysis.funnel(read(tmp_path)).set_index("step")
    # by hand from ROWS: (total, noord, zuid) per step
    expected = {
        "cohort": (8, 4, 4),
        "invited": (7, 3, 4),
        "attended": (5, 2, 3),
        "coached": (4, 2, 2),
        "found_work": (2, 1, 1),
        "bijstand": (2, 1, 1),
    }
    for step, (total, noord, zuid) in expected.items():
        assert (table.loc[step, "count"], table.loc[step, "count_noord"], table.loc[step, "count_zuid"]) == (
            total,
            noord,
            zuid,
        ), step
    assert table.loc["attended", "percent"] == pytest.approx(100 * 5 / 7)
    assert table.loc["coached", "n"] == 5 and table.loc["coached", "percent"] == pytest.approx(80)
    assert table.loc["found_work", "percent"] == pytest.approx(50)
    assert table.loc["attended", "percent_noord"] == pytest.approx(100 * 2 / 3)


FUNNEL_BASE = {
    "invited": "cohort",
    "attended": "invited",
    "coached": "attended",
    "found_work": "coached",
    "bijstand": "coached",
}  # the chapter's funnel: each step counted among the persons of its base


def cohort_reader(funnel: pd.DataFrame, ovp: pd.DataFrame, comparison: pd.DataFrame) -> CountSystem:
    """The counts a reader of the chapter can write down (a missing value is a hidden one), with
    what the chapter's definitions tie together: per step and area its count (also shown as the
    ``n`` of the next step) and the persons of its base who did not reach it, the regions adding
    up to Rotterdam; the inflow table's ``n`` and ``k`` per group with ``n - k``, the coached and
    the not coached, and the regions, adding up to everyone; everyone, the coached, the coached
    into Bijstand and each region's persons are the funnel's; and the work found in the first
    half of 2017 as part of all work found."""
    cells, relations, unknown = {}, [], set()

    def know(key, value):
        if pd.notna(value) or key not in cells:
            cells[key] = float(value) if pd.notna(value) else math.nan

    def hidden(key):
        cells[key] = math.nan
        unknown.add(key)

    areas = ("", "_noord", "_zuid")
    for _, row in funnel.iterrows():
        for area in areas:
            know(("funnel", row["step"], area), row[f"count{area}"])
            if row["step"] in FUNNEL_BASE:
                know(("funnel", FUNNEL_BASE[row["step"]], area), row[f"n{area}"])
    for step, base in FUNNEL_BASE.items():
        for area in areas:
            hidden(("missed", step, area))
            relations.append(
                Relation(("funnel", base, area), (("funnel", step, area), ("missed", step, area)), (1.0, 1.0))
            )
    for step in funnel["step"]:
        relations.append(
            Relation(("funnel", step, ""), (("funnel", step, "_noord"), ("funnel", step, "_zuid")), (1.0, 1.0))
        )
    same = {
        ("total", "n"): ("cohort", ""),
        ("coached", "n"): ("coached", ""),
        ("coached", "k"): ("bijstand", ""),
        ("noord", "n"): ("cohort", "_noord"),
        ("zuid", "n"): ("cohort", "_zuid"),
    }
    for group, row in ovp.set_index("group").iterrows():
        for column in ("n", "k"):
            know(("ovp", group, column), row[column])
            if (group, column) in same:
                relations.append(Relation(("funnel", *same[(group, column)]), (("ovp", group, column),), (1.0,)))
        hidden(("ovp", group, "not"))
        relations.append(Relation(("ovp", group, "n"), (("ovp", group, "k"), ("ovp", group, "not")), (1.0, 1.0)))
    for column in ("n", "k"):
        for parts in (("coached", "not_coached"), ("noord", "zuid")):
            relations.append(Relation(("ovp", "total", column), tuple(("ovp", g, column) for g in parts), (1.0, 1.0)))
    half = comparison.set_index("figure_id").loc["found_work_jan_jun_2017", "reproduced"]
    know(("figure", "found_work_jan_jun_2017"), half)
    hidden(("figure", "found_work_later"))
    relations.append(
        Relation(
            ("funnel", "found_work", ""),
            (("figure", "found_work_jan_jun_2017"), ("figure", "found_work_later")),
            (1.0, 1.0),
        )
    )
    return CountSystem(cells, tuple(relations), unpublished=frozenset(unknown))


def audit(study, released, rules: Rules):
    """The attacker's leaks on what the chapter releases (the reader's sums and equalities first
    checked on the true counts: a relation they do not meet raises)."""
    cohort_reader(study.funnel, study.ovp, study.comparison)  # raises if a relation does not hold
    return leaks(cohort_reader(released.funnel, released.ovp, released.comparison), rules)


def test_funnel_gate_on_a_hand_count(tmp_path, figures):
    """With a minimum of 5, by hand: every region count is below 5 (hidden); of the totals, the
    coached and later steps are below 5; invited (7) beside the cohort's 8 gives the 1 not
    invited away (hidden); attended (5) beside the cohort's 8 would still put the invited
    between 5 and 8, the not invited within 0..3 (hidden: the cohort would do too, but costs
    more, 8 against 5). Only the cohort (8) remains."""
    rules = Rules(min_cell_size=5)
    study = analysis.analyse(read(tmp_path), figures)
    released = gate.release(study, rules)
    table = released.funnel.set_index("step")
    shown = {step: (None if pd.isna(c) else int(c)) for step, c in table["count"].items()}
    assert shown == {
        "cohort": 8,
        "invited": None,
        "attended": None,
        "coached": None,
        "found_work": None,
        "bijstand": None,
    }
    assert table[["count_noord", "count_zuid"]].isna().all().all()
    assert table["percent"].isna().all()  # no step is shown together with its base
    assert table["suppressed"].all()
    reasons = {(s.row, s.column): s.reason for s in released.suppressions if s.table == "funnel"}
    # the 1 not invited is the primary cell (never printed); the 7 invited go to protect it
    assert reasons[("invited", "count")] == reasons[("attended", "count")] == SECONDARY
    assert reasons[("coached", "count")] == reasons[("invited", "count_noord")] == PRIMARY
    assert audit(study, released, rules).empty


def small_region_cohort(tmp_path):
    """Noord has 12 persons, Zuid 100; per region (persons, invited, attended, coached, found
    work, coached into Bijstand, not coached into Bijstand)."""
    spec = {"noord": (12, 11, 11, 10, 4, 6, 1), "zuid": (100, 90, 60, 40, 15, 25, 20)}
    rows, i = [], 0
    for region, (n, invited, attended, coached, work, _, other_bijstand) in spec.items():
        for j in range(n):
            i += 1
            is_coached = j < coached
            found = is_coached and j < work
            rows.append(
                {
                    "person_id": f"P{i:03d}",
                    "cohort_month": pd.Timestamp("2017-01-01"),
                    "region": region,
                    "invited": j < invited,
                    "attended": j < attended,
                    "coached": is_coached,
                    "found_work": found if is_coached else pd.NA,
                    "work_month": pd.Timestamp("2017-01-01") if found else pd.NaT,
                    "attribution": "team" if found else None,
                    "bijstand_inflow": (is_coached and not found) or (coached <= j < coached + other_bijstand),
                    "predicted_inflow": 0.3,
                }
            )
    assert sum(r["coached"] and r["bijstand_inflow"] for r in rows) == 6 + 25
    write_csv(pd.DataFrame(rows), tmp_path / "cohort.csv")
    return contract.read(tmp_path / "cohort.csv", COHORT)


def test_a_small_region_is_not_given_back_by_subtraction(tmp_path, figures):
    df = small_region_cohort(tmp_path)
    raw = analysis.funnel(df).set_index("step")
    # the leak this closes: Zuid and Rotterdam reach the minimum, so a rule per cell alone would
    # show them, and Rotterdam minus Zuid gives Noord's 4 who found work back
    assert raw.loc["found_work", "count"] - raw.loc["found_work", "count_zuid"] == 4
    assert min(raw.loc["found_work", ["count", "count_zuid"]]) >= 10
    rules = Rules(min_cell_size=10)
    study = analysis.analyse(df, figures)
    released = gate.release(study, rules)
    table = released.funnel.set_index("step")
    for step, row in table.iterrows():
        cells = [row["count"], row["count_noord"], row["count_zuid"]]
        assert sum(pd.isna(c) for c in cells) != 1, step  # one hidden cell is the total minus the others
        if pd.notna(row["count"]) and pd.notna(row["count_noord"]):
            assert row["count"] - row["count_noord"] == row["count_zuid"]
        for suffix in ("", "_noord", "_zuid"):  # a count beside its base: the difference is safe
            if pd.notna(row[f"count{suffix}"]) and pd.notna(row[f"n{suffix}"]):
                assert row[f"n{suffix}"] - row[f"count{suffix}"] >= 10, (step, suffix)
    for step in ("found_work", "bijstand", "coached", "invited"):  # Noord below the minimum or its complement
        assert pd.isna(table.loc[step, "count_noord"]) and pd.isna(table.loc[step, "count_zuid"]), step
    for step in ("bijstand", "coached", "invited"):
        assert table.loc[step, "count"] == raw.loc[step, "count"], step  # the total stays
    # all 19 who found work did so in January 2017: the work found in the first half of 2017 (a
    # published figure, 19) beside all work found (19) says nobody found work later, a zero; one of the
    # two goes (either protects it: the later ones lie in 0..31 or 0..19), not both
    half = released.comparison.set_index("figure_id").loc["found_work_jan_jun_2017", "reproduced"]
    assert (
        raw.loc["found_work", "count"]
        == study.comparison.set_index("figure_id").loc["found_work_jan_jun_2017", "reproduced"]
        == 19
    )
    assert pd.isna(table.loc["found_work", "count"]) != pd.isna(half)
    # attended in Noord (11) beside Noord's 12 would put Noord's invited at 11 or 12, the 1 not invited
    # within 0..1; and all 11 invited attended (a zero who did not)
    assert pd.isna(table.loc["attended", "count_noord"])
    reasons = {(s.row, s.column): s.reason for s in released.suppressions if s.table == "funnel"}
    assert reasons[("found_work", "count_noord")] == PRIMARY
    assert reasons[("found_work", "count_zuid")] == SECONDARY
    assert reasons[("invited", "count_noord")] == SECONDARY  # the 12 - 11 = 1 not invited is the primary cell
    side = released.comparison.set_index("figure_id")
    assert side.loc["outflow_share_noord", "status"] == published.STATUS_SUPPRESSED  # rests on hidden cells
    assert pd.isna(side.loc["outflow_share_zuid", "reproduced"])
    conversion = side.loc["conversion_work", "reproduced"]  # 19 of 50: shown when both are
    assert pd.isna(conversion) if pd.isna(table.loc["found_work", "count"]) else conversion == pytest.approx(38)
    ovp = released.ovp.set_index("group")
    assert pd.isna(ovp.loc["noord", "k"]) and ovp.loc["noord", "n"] == 12  # 7 into Bijstand
    assert pd.isna(ovp.loc["zuid", "k"]) and pd.isna(ovp.loc["zuid", "realised"])  # 52 - 45 would give 7 back
    assert ovp.loc["total", "k"] == 31 + 21 and ovp.loc["coached", "k"] == 31
    # the attacker finds nothing on what is released, and finds the leak closed here when it is opened:
    # Zuid's 15 who found work shown beside Rotterdam's 19 gives Noord's 4 back
    assert audit(study, released, rules).empty
    opened = released.funnel.set_index("step")
    opened.loc["found_work", ["count", "count_zuid"]] = [19, 15]
    found = leaks(cohort_reader(opened.reset_index(), released.ovp, released.comparison), rules)
    assert ("funnel", "found_work", "_noord") in set(found["cell"])


def test_funnel_figures_match_a_hand_count(tmp_path):
    values = analysis.funnel_figures(read(tmp_path)).set_index(["quantity", "subgroup"])["value"]
    assert values[("leaving_ww_per_month", "rotterdam")] == pytest.approx(8 / 3)
    assert values[("attended_information_meeting", "")] == pytest.approx(100 * 5 / 7)
    assert values[("coached_cumulative", "")] == 4
    assert values[("found_work", "")] == 1  # P03 in January 2017; P01 in December 2016
    assert values[("conversion_work", "")] == pytest.approx(50)
    assert values[("outflow_share", "noord")] == pytest.approx(50)
    assert values[("maxww_share", "zuid")] == pytest.approx(50)


# -- realised against predicted -------------------------------------------------------------------


def test_observed_vs_predicted_matches_a_hand_computation(tmp_path):
    table = analysis.observed_vs_predicted(read(tmp_path), alpha=0.05).set_index("group")
    row = table.loc["coached"]
    p = [0.2, 0.6, 0.3, 0.8]  # P01, P02, P03, P08; P02 and P08 entered the Bijstand
    expected, var = sum(p), sum(x * (1 - x) for x in p)
    z = stats.norm.ppf(0.975)
    assert row["realised"] == pytest.approx(50)
    assert row["predicted"] == pytest.approx(100 * 1.9 / 4)
    assert row["diff"] == pytest.approx(2.5)
    assert row["ci_low"] == pytest.approx(2.5 - 100 * z * math.sqrt(var) / 4)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf((2 - expected) / math.sqrt(var)))
    assert table.loc["total", "n"] == 8 and table.loc["total", "k"] == 4


# -- Den Bosch and Rotterdam ----------------------------------------------------------------------


def test_populations_are_count_over_rate(figures):
    assert analysis.populations(figures) == {"den_bosch": 5106, "rotterdam": 23438}  # 240/0.047, 2250/0.096


def test_did_matches_a_hand_computation(figures):
    did = analysis.doorstroom_did(figures, alpha=0.05).set_index("unit")
    n_db, n_r = 5106, 23438
    var = 0.066 * 0.934 / n_db + 0.047 * 0.953 / n_db + 0.102 * 0.898 / n_r + 0.096 * 0.904 / n_r
    estimate = (4.7 - 6.6) - (9.6 - 10.2)
    half = 1.959963985 * 100 * math.sqrt(var)
    assert did.loc["did", "diff"] == pytest.approx(-1.3)
    assert did.loc["did", "ci_low"] == pytest.approx(estimate - half)
    assert did.loc["did", "ci_high"] == pytest.approx(estimate + half)
    assert did.loc["did", "p_value"] == pytest.approx(2 * stats.norm.sf(1.3 / (100 * math.sqrt(var))))
    known = 1.959963985 * 100 * math.sqrt(0.047 * 0.953 / n_db + 0.096 * 0.904 / n_r)
    assert did.loc["did", "ci_high_known"] == pytest.approx(estimate + known)
    half_db = 1.959963985 * 100 * math.sqrt((0.066 * 0.934 + 0.047 * 0.953) / n_db)
    assert did.loc["den_bosch", "ci_low"] == pytest.approx(-1.9 - half_db)


def test_den_bosch_claims_by_rounding_and_sampling_intervals(figures):
    derived = analysis.derived_figures(figures, alpha=0.05).set_index("figure_id")
    reduction = derived.loc["inflow_rate_reduction_den_bosch"]
    persons = derived.loc["bijstand_reduction_per_year_den_bosch"]
    # the point values fall just outside the printed ranges: 28.8% < 30%, 97 < 100 ...
    assert reduction["reproduced"] == pytest.approx(100 * 1.9 / 6.6)
    assert persons["reproduced"] == pytest.approx(0.019 * 5106)
    # ... but rounding alone allows 27.5-30.1% and 91-103 (1 - 4.75/6.55 .. 1 - 4.65/6.65; 240 (6.55/4.75 - 1) ..
    # 240 (6.65/4.65 - 1)), which meet the printed ranges read as rounded numbers, [29.5, 40.5) and [99.5, 140.5)
    assert (reduction["low"], reduction["high"]) == pytest.approx((100 * (1 - 4.75 / 6.55), 100 * (1 - 4.65 / 6.65)))
    assert (round(reduction["low"], 1), round(reduction["high"], 1)) == (27.5, 30.1)
    assert (round(persons["low"]), round(persons["high"])) == (91, 103)
    assert (reduction["claim_low"], reduction["claim_high"]) == (29.5, 40.5)
    assert (persons["claim_low"], persons["claim_high"]) == (99.5, 140.5)
    assert set(derived["status"]) == {published.STATUS_AGREES}
    # Katz: log RR ± 1.96 se, se² = 1/240 − 1/5106 + 1/(0.066·5106) − 1/5106 (by hand), reduction = 1 − RR
    rr = (240 / 5106) / 0.066
    se = math.sqrt(1 / 240 - 1 / 5106 + 1 / (0.066 * 5106) - 1 / 5106)
    assert reduction["sampling_low"] == pytest.approx(100 * (1 - rr * math.exp(1.959964 * se)), rel=1e-5)
    assert reduction["sampling_high"] == pytest.approx(100 * (1 - rr * math.exp(-1.959964 * se)), rel=1e-5)
    assert (round(reduction["sampling_low"], 1), round(reduction["sampling_high"], 1)) == (16.3, 39.4)


def test_a_claim_outside_the_rounding_differs(figures):
    moved = figures.copy()
    row = moved["figure_id"] == "inflow_rate_reduction_den_bosch"
    moved.loc[row, ["value", "lower", "upper"]] = [40.0, 35.0, 45.0]  # "35% á 45%": no overlap with 27.5-30.1%
    derived = analysis.derived_figures(moved).set_index("figure_id")
    assert derived.loc["inflow_rate_reduction_den_bosch", "status"] == published.STATUS_DIFFERS


# -- labour market --------------------------------------------------------------------------------


def test_labour_market_shares_and_totals_match_a_hand_computation():
    labour = published.load("wwatwork", "labour_market")
    rep = labour_market.check(labour).reproduced.set_index(["quantity", "subgroup"])["value"]
    assert rep[("ww_share_labour_force", "rijnmond")] == pytest.approx(100 * 33180 / 685000)
    assert rep[("wia_share_labour_force", "rijnmond")] == pytest.approx(100 * 18710 / 685000)
    assert rep[("disability_recipients", "rijnmond")] == 17370 + 17610 + 18710
    assert rep[("disability_share_labour_force", "nederland")] == pytest.approx(2.8 + 3.3 + 2.8)
    assert rep[("unemployment_rate", "rijnmond")] == pytest.approx(100 * 56000 / 685000)
    assert rep[("gross_participation_rate", "rijnmond")] == pytest.approx(100 * 695000 / 1019000)
    side = analysis.comparison(labour, labour_market.FIGURES, labour_market.check(labour).reproduced)
    assert (side["status"] == published.STATUS_AGREES).all()
    # the status rests on rounding intervals: 8.2% unemployment is [8.15, 8.25); 56,000 of 685,000 printed in
    # thousands allows 55,500/685,500 .. 56,500/684,500
    rate = side.set_index("figure_id").loc["unemployment_rate_rijnmond"]
    assert (rate["low"], rate["high"]) == pytest.approx((100 * 55500 / 685500, 100 * 56500 / 684500))


def test_a_mistyped_share_in_table_2_is_caught():
    labour = published.load("wwatwork", "labour_market")
    broken = labour.copy()
    typo = broken["figure_id"] == "t2_ww_count_rijnmond"
    broken.loc[typo, ["value", "lower", "upper"]] = 38180  # a typo in the count (exact: no rounding)
    side = analysis.comparison(broken, labour_market.FIGURES, labour_market.check(broken).reproduced)
    assert side.set_index("figure_id").loc["t2_ww_share_rijnmond", "status"] == published.STATUS_DIFFERS


def test_transitions_imply_the_ww_leavers():
    t = labour_market.transitions(
        published.load("wwatwork", "labour_market"), published.load("wwatwork", "effect_study")
    )
    rates = t.set_index("rate_id")
    assert rates.loc["doorstroom_rate_rotterdam_2016", "leavers"] == pytest.approx(1860 / 0.088)
    assert pd.isna(rates.loc["doorstroom_rate_westvoorne", "leavers"])
    rotterdam = labour_market.rotterdam_2016(t)
    assert rotterdam["share_of_rijnmond"] == pytest.approx(100 * 1860 / 2820)
    assert rotterdam["leavers_per_month"] == pytest.approx(1860 / 0.088 / 12)


# -- synthetic cohort -----------------------------------------------------------------------------


def half_up(x):
    return math.floor(x + 0.5)


def test_targets_are_solved_from_the_published_figures(figures):
    t = generator.cohort_targets(figures)
    assert t.coached == 1270  # nearest to 470 / 0.37 among caseloads where 470 rounds to 37%
    assert t.months == 14  # ceil(1270 / (500 * 0.95 * 0.20)) = ceil(13.4)
    assert (t.n, t.invited, t.attended) == (7000, 6650, 1330)
    assert t.mean_predicted == pytest.approx(2240 / 6000)


def test_synthetic_cohort_reproduces_the_published_funnel(figures):
    """Computed with plain pandas from the committed file, independently of evalbook.analysis.wwatwork."""
    raw = pd.read_csv(
        ROOT / "data" / "synthetic" / "wwatwork" / "cohort.csv", parse_dates=["cohort_month", "work_month"]
    )
    pub = figures.set_index("figure_id")
    coached = raw[raw["coached"]]
    work = coached[coached["found_work"] == True]  # noqa: E712 (nullable column read as object)
    in_bounds = {
        "leaving_ww_per_month": len(raw) / raw["cohort_month"].nunique(),
        "attended_information_meeting": 100 * raw["attended"].sum() / raw["invited"].sum(),
        "coached_cumulative": len(coached),
        "found_work_cumulative": len(work),
        "found_work_jan_jun_2017": work["work_month"].between("2017-01-01", "2017-06-30").sum(),
        "maxww_share_noord": 100 * (raw["region"] == "noord").mean(),
        "outflow_share_zuid": 100 * (work["region"] == "zuid").mean(),
    }
    for figure_id, value in in_bounds.items():
        assert pub.loc[figure_id, "lower"] <= value <= pub.loc[figure_id, "upper"], figure_id
    assert half_up(100 * len(work) / len(coached)) == pub.loc["conversion_work", "value"]
    assert half_up(100 * coached["bijstand_inflow"].mean()) == pub.loc["into_bijstand", "value"]
    attended = half_up(100 * raw["attended"].sum() / raw["invited"].sum())
    assert attended == pub.loc["attended_information_meeting", "value"]


def test_synthetic_cohort_meets_its_contract_and_has_no_built_in_effect():
    df = contract.read(ROOT / "data" / "synthetic" / "wwatwork" / "cohort.csv", COHORT)
    assert set(df["region"]) == {"noord", "zuid"}
    for group in (df["coached"], ~df["coached"]):
        p = df.loc[group, "predicted_inflow"].astype(float)
        z = (df.loc[group, "bijstand_inflow"].sum() - p.sum()) / math.sqrt((p * (1 - p)).sum())
        assert abs(z) < 3


def test_the_generator_is_registered_and_seeded():
    assert "wwatwork/cohort.csv" in generate.GENERATORS
    assert generator.generate(seed=1).equals(generator.generate(seed=1))
    assert not generator.generate(seed=1).equals(generator.generate())


def test_committed_cohort_equals_a_fresh_generation(tmp_path):
    write_csv(generator.generate(), tmp_path / "cohort.csv")
    committed = (ROOT / "data" / "synthetic" / "wwatwork" / "cohort.csv").read_text(encoding="utf-8")
    assert (tmp_path / "cohort.csv").read_text(encoding="utf-8") == committed, (
        "data/synthetic/wwatwork/cohort.csv is stale: run `python -m synthetic`"
    )


def test_assumptions_file_states_the_generator_constants(figures):
    rows = synthetic.read_assumptions(programme="wwatwork", chapter="wwatwork_effect").set_index("parameter")["value"]
    t = generator.cohort_targets(figures)
    assert int(rows["cohort_months"]) == t.months
    assert float(rows["not_invited_share"]) == generator.NOT_INVITED_SHARE
    assert int(rows["coached_total"]) == t.coached
    assert float(rows["coaching_uptake"]) == pytest.approx(t.coached / t.attended, abs=5e-4)
    assert float(rows["mean_predicted_inflow"]) == pytest.approx(t.mean_predicted, abs=5e-4)
    assert float(rows["predicted_inflow_concentration"]) == generator.BETA_CONCENTRATION
    assert float(rows["attribution_team_share"]) == generator.TEAM_ATTRIBUTION_SHARE
    pops = analysis.populations(figures)
    assert int(rows["population_den_bosch_2014"]) == pops["den_bosch"]
    assert int(rows["population_rotterdam_2014"]) == pops["rotterdam"]


# -- Holm over the chapter's tests -----------------------------------------------------------------


def holm_by_hand(p: list[float]) -> list[float]:
    """Holm's step-down adjustment written out: sort, multiply by (m - rank), running maximum, cap at 1."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adjusted, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted


def test_every_test_of_the_chapter_is_in_one_holm_family(figures):
    """The five cohort groups and the three Den Bosch rows: eight tests, corrected together; the
    difference in differences (p = 0,015 alone) does not survive."""
    cohort = contract.read(ROOT / "data" / "synthetic" / "wwatwork" / "cohort.csv", COHORT)
    released = gate.release(analysis.analyse(cohort, figures))
    did = analysis.doorstroom_did(figures)
    tests = analysis.test_family(released.ovp, did)
    assert len(tests) == 8 and list(tests["table"]).count("did") == 3
    expected = holm_by_hand(list(tests["p_value"]))
    assert list(tests["p_holm"]) == pytest.approx(expected)
    d = tests.set_index(["table", "key"]).loc[("did", "did")]
    assert d["p_value"] < 0.05 <= d["p_holm"]


def test_a_test_the_gate_held_back_counts_with_p_one():
    ovp = pd.DataFrame({"group": ["a", "b"], "p_value": [0.01, math.nan]})
    did = pd.DataFrame({"unit": ["c"], "p_value": [0.02]})
    tests = analysis.test_family(ovp, did)
    assert list(tests["p_holm"][[0, 2]]) == pytest.approx(holm_by_hand([0.01, 1.0, 0.02])[0:3:2])
    assert math.isnan(tests["p_holm"][1])


def test_the_did_is_never_called_significant_without_its_holm_status():
    glued = {}
    notebook = ROOT / "book" / "wwatwork" / "wwatwork_effect.ipynb"
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                glued[name] = out["data"]["application/papermill.record/text/plain"].strip("'\"")
    for key in ("did_did_verdict", "key_did"):
        text = glued[key]
        assert "significant" in text and ("Holm" in text or "correctie" in text), (key, text)
    assert "8" in glued["holm_family_sentence"] and "Holm" in glued["holm_family_sentence"]
