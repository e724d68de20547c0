"""Lineage (issue 21): every released figure declares the cells it rests on, the gate releases
it only when all of them are released or protected, and a figure without a declaration is
not released. The matched-pair systems behind Γ and the spread behind an interval of a mean
are checked by hand; the inputs the analysis exposes for them against independent values."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from conftest import effect_study
from evalbook.analysis import effect, published
from evalbook.analysis.effect_checks import pair_cells
from evalbook.disclosure import effect as gate
from evalbook.disclosure import effect_lineage
from evalbook.disclosure.cells import DERIVED, MAGNITUDE
from evalbook.disclosure.lineage import PUBLIC, Ledger, Rule, release_frame
from evalbook.disclosure.linked import PRIMARY, SECONDARY, protect
from evalbook.disclosure.policy import DEFAULT_RULES, Rules
from evalbook.stats import adjusted
from test_output_rules import small_register

# -- the rule ---------------------------------------------------------------------------------------

LEDGER = Ledger(frozenset({"k", "n", "no", "ss"}), {"ss": MAGNITUDE})
RAW = pd.DataFrame({"label": ["a"], "count": [12], "share": [40.0], "spread": [1.5], "new": [7.0], "free": [3.0]})


def test_a_figure_is_released_only_with_every_cell_released_and_known():
    rules = {
        "count": Rule(lambda r: ["k"], own=True),
        "share": Rule(lambda r: ["k", "n"]),
        "spread": Rule(lambda r: ["k", "n", "ss"]),  # a hidden cell: held back as derived
        "free": Rule(lambda r: ["k", "elsewhere"]),  # a cell the gate never protected: held back
    }
    out, held = release_frame(RAW, rules, LEDGER, "t", ["a"], labels=("label",))
    assert out.loc[0, ["count", "share"]].tolist() == [12, 40.0]
    assert out[["spread", "free"]].isna().all().all()
    assert {(h.column, h.reason) for h in held} >= {("spread", DERIVED), ("free", DERIVED)}


def test_a_figure_without_a_declared_lineage_is_not_released():
    """Fail closed: a column without a rule, and a row for which the rule declares nothing."""
    out, held = release_frame(RAW, {"count": Rule(lambda r: None, own=True)}, LEDGER, "t", ["a"], labels=("label",))
    assert out.drop(columns="label").isna().all().all()
    assert {h.column for h in held} == {"count", "share", "spread", "new", "free"}
    assert release_frame(RAW[["new"]], {"new": Rule(lambda r: PUBLIC)}, LEDGER, "t", ["a"])[0].loc[0, "new"] == 7.0


def test_a_figure_that_is_its_own_cell_goes_for_that_cells_reason():
    ledger = Ledger(frozenset({"k", "n"}), {"k": PRIMARY, "n": SECONDARY})
    _, held = release_frame(
        RAW[["count", "share"]],
        {"count": Rule(lambda r: ["k"], own=True), "share": Rule(lambda r: ["n", "k"], own=True)},
        ledger,
        "t",
        ["a"],
    )
    assert {(h.column, h.reason) for h in held} == {("count", PRIMARY), ("share", SECONDARY)}


def test_the_effect_gate_fails_closed_on_a_statistic_without_lineage(monkeypatch):
    """The outcome table's MDE with its declaration removed: not one MDE is released."""
    study, rules = effect_study("wgw")
    original = effect_lineage.outcome_rules

    def without_mde(cells, study):
        return {name: rule for name, rule in original(cells, study).items() if name != "mde"}

    monkeypatch.setattr(effect_lineage, "outcome_rules", without_mde)
    released = gate.release(study, rules)
    assert study.table["mde"].notna().any() and released.table["mde"].isna().all()
    assert any(s.column == "mde" and s.reason == DERIVED for s in released.suppressions)


# -- the matched pairs behind Γ --------------------------------------------------------------------------


def test_pair_cells_count_the_matched_pair_table():
    """Four pairs and one unmatched programme person, by hand."""
    frame = pd.DataFrame(
        {
            "group": ["programme"] * 5 + ["control"] * 4,
            "y": [1, 1, 0, 0, 1, 1, 0, 1, 0],
            "m": [5.0, 3, 2, 2, 9, 4, 3, 3, 2],
        },
        index=[f"P{i}" for i in range(5)] + [f"C{i}" for i in range(4)],
    )
    pairs = pd.DataFrame({"programme_id": ["P0", "P1", "P2", "P3"], "control_id": ["C0", "C1", "C2", "C3"]})
    assert pair_cells(frame, pairs, "y", "proportion") == {
        "both": 1,  # P0-C0
        "programme_only": 1,  # P1-C1
        "control_only": 1,  # P2-C2
        "neither": 1,  # P3-C3
        "unmatched_yes": 1,  # P4
        "unmatched_no": 0,
    }
    assert pair_cells(frame, pairs, "m", "mean") == {"positive": 1, "negative": 1, "zero": 2}  # 1, 0, -1, 0


def table(*counts: int) -> dict:
    """A matched-pair table: both, only the programme person, only the control person, neither,
    unmatched with and without the outcome."""
    return dict(
        zip(("both", "programme_only", "control_only", "neither", "unmatched_yes", "unmatched_no"), counts, strict=True)
    )


def pair_system(counts, shared, rules=DEFAULT_RULES):
    system, primary = effect_lineage._pair_system("y", "proportion", counts, shared, rules)
    return (
        system,
        primary,
        protect(system, rules, primary=primary, weights=dict.fromkeys([k for k in system.cells if k[0] == "arm"], 1e3)),
    )


SHARED = {("programme", "n"): 300, ("programme", "k"): 57, ("control", "n"): 294, ("control", "k"): 38}


def test_gamma_goes_when_a_handful_has_no_pair():
    """As in WGW, 6 without a pair, here 1 of them with the outcome: Γ's two cells (44 and 26)
    with the arms' counts (57 and 38) give that 1 back, so they are hidden whatever else."""
    counts = table(12, 44, 26, 212, 1, 5)
    system, primary, protection = pair_system(counts, SHARED)
    assert set(primary) == {("pair", "y", "programme_only"), ("pair", "y", "control_only")}
    assert ("pair", "y", "unmatched_yes") not in system.cells  # never protectable: 6 in all
    assert {k for k, r in protection.suppressed.items() if r == PRIMARY} >= set(primary)


def test_gamma_is_released_when_the_pair_table_is_safe_and_goes_with_a_small_cell_of_it():
    """Nobody unmatched: both 12, only the programme person 45, only the control person 26,
    neither 211 (each at least 10): nothing hidden. With 5 pairs in which both had it, that 5
    follows from either of Γ's cells (57 − 52, or 38 − 33): both go, and it lies in 0..38."""
    shared = SHARED | {("programme", "n"): 294}
    safe = table(12, 45, 26, 211, 0, 0)
    assert not pair_system(safe, shared)[2].suppressed
    small = table(5, 52, 33, 204, 0, 0)
    protection = pair_system(small, shared)[2]
    assert protection.suppressed == {
        ("pair", "y", "both"): PRIMARY,
        ("pair", "y", "programme_only"): SECONDARY,
        ("pair", "y", "control_only"): SECONDARY,
    }
    assert tuple(protection.intervals[("pair", "y", "both")]) == pytest.approx((0, 38))


def test_a_dozen_without_a_pair_keep_gamma_only_when_what_they_had_is_safe():
    """12 without a pair, 2 of them with the outcome: with Γ's cells that 2 is 57 − 12 − 43.
    Hiding the cheaper cell (26 pairs in which only the control person had it) leaves it
    anywhere in 0..12. With 12 and 10 of 22 unmatched nothing is small: Γ stays."""
    counts = table(12, 43, 26, 213, 2, 10)
    system, primary, protection = pair_system(counts, SHARED | {("programme", "n"): 306})
    assert not primary and ("pair", "y", "unmatched_yes") in system.unpublished
    assert protection.suppressed == {
        ("pair", "y", "unmatched_yes"): PRIMARY,
        ("pair", "y", "control_only"): SECONDARY,
    }
    assert tuple(protection.intervals[("pair", "y", "unmatched_yes")]) == pytest.approx((0, 12))
    safe = table(12, 33, 26, 223, 12, 10)
    assert not pair_system(safe, SHARED | {("programme", "n"): 316})[2].suppressed


def test_the_embedded_wgw_shows_no_gamma_of_a_yes_no_outcome():
    """Six programme persons have no pair: with every yes/no outcome's Γ they would be given back."""
    study, rules = effect_study("wgw")
    released = gate.release(study, rules)
    raw = study.table[(study.table["target_group"] == effect.TOTAL) & (study.table["kind"] == "proportion")]
    assert raw["gamma"].notna().any()
    assert released.total.loc[released.total["kind"] == "proportion", "gamma"].isna().all()


# -- the spread -----------------------------------------------------------------------------------------


def test_hc3_contributions_add_up_to_statsmodels_hc3_variance():
    rng = np.random.default_rng(1)
    x = sm.add_constant(np.column_stack([rng.integers(0, 2, 40), rng.normal(size=40)]))
    y = x @ [1.0, 2.0, 0.5] + rng.normal(size=40)
    fit = sm.OLS(y, x).fit(cov_type="HC3")
    assert adjusted.hc3_contributions(y, x, 1).sum() == pytest.approx(fit.bse[1] ** 2)


def test_a_mean_whose_spread_one_person_dominates_shows_no_interval():
    """12 + 12 persons of WGW; the programme group's contacts 10 for 11 persons and 40 for one:
    the sum passes (50 of 150 for the two largest), the squared deviations do not (mean 12,5:
    762,5 of 825, the one 27,5 above it and one 2,5 below). Mean and difference are shown; the
    interval, p-values and MDE rest on the spread and are not, nor the adjusted effect's interval."""
    register = small_register(12)
    programme = register["group"] == "programme"
    register.loc[programme, "contacts_total"] = [10] * 11 + [40]
    register.loc[~programme, "contacts_total"] = [8, 9, 10, 11, 12, 9, 10, 11, 10, 9, 11, 10]
    study = effect.analyse(register, published.load("wgw", "effect_study"), outcomes_shown=["contacts_total"])
    released = gate.release(study, Rules())
    row = released.table.iloc[0]
    assert row["value_programme"] == pytest.approx(12.5) and pd.notna(row["diff"]) and pd.notna(row["ame"])
    assert row[["ci_low", "ci_high", "p_value", "p_holm", "mde", "ame_low", "ame_high", "ame_p"]].isna().all()
    assert study.table.iloc[0][["ci_low", "mde", "ame_low"]].notna().all()  # they were computed


def test_figures_from_published_figures_only_pass_with_their_declared_lineage():
    """The difference in differences of Den Bosch and Rotterdam rests on no cell of the cohort."""
    from evalbook.analysis import wwatwork
    from evalbook.book.chapter import Chapter
    from evalbook.disclosure import wwatwork as wwatwork_gate

    figures = Chapter("wwatwork_effect", "wwatwork", {}).read("published")
    for table in (wwatwork.doorstroom_did(figures), wwatwork.derived_figures(figures)):
        pd.testing.assert_frame_equal(wwatwork_gate.release_published(table), table)
