"""The effect study's gate: small counts and their complements never survive it, derived
figures come from released cells only, the chapter's note says what was held back, and the
book's last line of defence (tables and glued counts) refuses what slipped through. Expected
values are worked out by hand or with statsmodels, never taken from the gate itself."""

import json

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from conftest import ROOT, effect_study
from evalbook.analysis import effect, published
from evalbook.core.errors import DisclosureError
from evalbook.disclosure import effect as gate
from evalbook.disclosure import rules as disclosure
from evalbook.disclosure.cells import Suppression
from evalbook.disclosure.policy import Rules
from evalbook.report import disclosure as note

# -- the last line: what a chapter saves and glues ------------------------------------------------


def test_require_safe():
    assert disclosure.require_safe(12, Rules()) == 12
    with pytest.raises(DisclosureError):
        disclosure.require_safe(9, Rules())
    with pytest.raises(DisclosureError):
        disclosure.require_safe(0, Rules())


def test_check_table_refuses_small_counts_and_passes_suppressed_ones():
    ok = pd.DataFrame({"n_programme": [300, pd.NA], "value_programme": [1.0, 2.0]})
    disclosure.check_table(ok, Rules())
    with pytest.raises(DisclosureError, match="n_programme"):
        disclosure.check_table(pd.DataFrame({"n_programme": [300, 4]}), Rules())


def test_no_built_table_or_glued_count_is_below_the_minimum():
    """Scans every executed chapter in book/: its saved table and its glued counts."""
    checked = 0
    for path in sorted((ROOT / "book").glob("*/*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        rules = Rules.from_parameters(nb["metadata"]["papermill"]["parameters"].get("parameters", {}))
        minimum = rules.min_cell_size
        table = path.parent / "tables" / f"{path.stem}.csv"
        if table.is_file():
            disclosure.check_table(pd.read_csv(table), rules)
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                glue = out.get("metadata", {}).get("scrapbook", {}).get("name")
                if glue and disclosure.is_count_name(glue):
                    plain = next(v for k, v in out["data"].items() if k.endswith("text/plain"))
                    text = plain.strip("'\"").replace(".", "")
                    if text.isdigit():
                        assert int(text) >= minimum, f"{path.name}: glued count {glue} = {text}"
                        checked += 1
    assert checked >= 10  # the group sizes of every comparison chapter at least: the scan did look


# -- the effect study's gate on Route 3 ------------------------------------------------------------

DEFAULTS = Rules()


def run(part: str, rules: Rules = DEFAULTS, parameters: dict | None = None, **changes):
    """The study of ``part`` (with ``changes`` to its result) and what the gate releases of it."""
    study, _ = effect_study(part, parameters)
    study = effect.EffectStudy(**(vars(study) | changes))
    return study, gate.release(study, rules)


@pytest.fixture(scope="module")
def route3():
    return run("route3")


def test_small_counts_and_complements_are_hidden(route3):
    study, released = route3
    shown = released.table.set_index(["target_group", "outcome"])
    raw = study.table.set_index(["target_group", "outcome"])
    assert (
        raw.loc[("team6", "outflow_work"), "k_programme"] == 9 and raw.loc[("oap", "outflow_work"), "k_programme"] == 1
    )
    assert (
        shown.loc[[("team6", "outflow_work"), ("oap", "outflow_work")], ["k_programme", "value_programme"]]
        .isna()
        .all()
        .all()
    )
    for group in ("programme", "control"):
        k, n = shown[f"k_{group}"].astype(float), shown[f"n_{group}"].astype(float)
        assert (k.dropna() >= 10).all() and (n.dropna() >= 10).all() and ((n - k).dropna() >= 10).all()
        hidden = raw[f"k_{group}"].notna() & shown[f"k_{group}"].isna()
        assert (
            (raw.loc[hidden, f"k_{group}"] < 10) | (raw.loc[hidden, f"n_{group}"] - raw.loc[hidden, f"k_{group}"] < 10)
        ).sum() < hidden.sum()  # secondary cells too
    assert {s.reason for s in released.suppressions} >= {"primary", "secondary", "derived", "curve"}


def test_a_comparison_with_a_hidden_arm_shows_no_statistic(route3):
    _, released = route3
    hidden = released.table[released.table[["value_programme", "value_control"]].isna().any(axis=1)]
    assert len(hidden) and hidden[["diff", "ci_low", "ci_high", "p_value", "p_holm"]].isna().all().all()
    assert hidden["suppressed"].all()
    # the minimum detectable effect rests on the group sizes and the control group's share, and is
    # shown with its comparison only (as the chapter says)
    inputs = released.table[["n_programme", "n_control", "value_control"]].notna().all(axis=1)
    proportion = released.table["kind"] == "proportion"
    shown = ~released.table["suppressed"]
    assert released.table.loc[proportion & ~inputs, "mde"].isna().all()
    assert released.table.loc[~shown, "mde"].isna().all()
    assert released.table.loc[proportion & inputs & shown, "mde"].notna().all()
    assert (inputs & ~shown & proportion).any()  # the rule has a row to act on


def test_holm_counts_every_hidden_test_at_one(route3):
    """Independently: statsmodels' Holm over every row's p-value, those hidden set to 1."""
    study, released = route3
    p = study.table["p_value"].where(~released.table["suppressed"], 1.0)
    expected = multipletests(p, method="holm")[1]
    shown = ~released.table["suppressed"]
    assert np.allclose(released.table.loc[shown, "p_holm"], expected[shown.to_numpy()])


def test_an_unweighted_mean_is_released_only_with_its_own_cell(route3):
    study, released = route3
    c = released.comparison
    total = c[(c["quantity"] == "outflow_work") & (c["group"] == "programme") & c["subgroup"].fillna("").eq("")]
    # 94/270, 36/200, 9/60 and 1/60 to work: their plain mean (not 140/590), printed as a share
    assert total["reproduced"].iloc[0] == pytest.approx((94 / 270 + 36 / 200 + 9 / 60 + 1 / 60) / 4 * 100)
    held = [s for s in released.suppressions if s.table == "comparison" and s.column in ("programme", "control")]
    assert held and all(s.reason == "secondary" for s in held)
    for s in held:
        rows = c[(c["quantity"] == s.row.removeprefix("/")) & (c["group"] == s.column) & c["subgroup"].isna()]
        assert rows["reproduced"].isna().all() and (rows["status"] == published.STATUS_SUPPRESSED).all()


def test_a_pooled_bound_needs_every_group_size(route3):
    assert any(c.kind == effect.TOTAL_OUTSIDE_PARTS for c in route3[1].conflicts)
    # with a minimum above Team 6's 59 controls, its size is hidden and so are the bounds that use it
    _, released = run("route3", Rules(min_cell_size=60))
    assert not any(c.kind == effect.TOTAL_OUTSIDE_PARTS and c.group == "control" for c in released.conflicts)
    assert any(s.table == "conflicts" for s in released.suppressions)


def test_assumed_values_follow_their_cells_and_reasons_go_with_any(route3):
    study, released = route3
    raw = study.assumptions.set_index("parameter")
    shown = released.assumptions.set_index("parameter")
    assert pd.isna(shown.at["no_return_after_work_programme_oap", "value"])  # 1 of 1 back: hidden
    assert shown.at["n_control_team6", "value"] == raw.at["n_control_team6", "value"]  # 59: shown
    assert shown["reason"].isna().all()  # a reason may restate a hidden value in words
    safe = effect.parse_assumptions(
        pd.DataFrame(
            {"parameter": ["n_programme", "contacts_total_programme"], "value": ["300", "29"], "reason": ["a", "b"]}
        )
    )
    _, kept = run("wgw", assumptions=safe)  # WGW hides counts too, but none these fix
    assert kept.assumptions["reason"].tolist() == ["a", "b"] and not kept.assumptions["suppressed"].any()


def test_balance_shares_below_the_minimum_are_hidden_with_their_smd():
    study, _ = run("wgw")
    raw = study.balance.table.set_index(["variable", "level"]).loc[("education", "high")]
    minimum = int(min(raw["k_programme"], raw["n_programme"] - raw["k_programme"])) + 1
    _, released = run("wgw", Rules(min_cell_size=minimum))
    row = released.balance.table.set_index(["variable", "level"]).loc[("education", "high")]
    assert row["suppressed_programme"] and pd.isna(row["mean_programme"]) and pd.isna(row["k_programme"])
    assert pd.isna(row["smd_before"]) and pd.isna(row["smd_after"])
    assert released.balance.smd_after_max == pytest.approx(released.balance.table["smd_after"].abs().max())
    # education's levels add up to the group: one hidden level would follow from the others
    levels = released.balance.table[released.balance.table["variable"] == "education"]
    assert levels["suppressed_programme"].sum() >= 2


def test_a_column_without_a_release_rule_is_refused(route3):
    study, _ = route3
    with pytest.raises(DisclosureError, match="no release rule"):
        run("route3", table=study.table.assign(n_unchecked=1))


def test_the_chapters_note_says_what_and_why_without_giving_a_cell_away():
    held = [
        Suppression("outcomes", "team6/outflow_work", "k_programme", "primary"),
        Suppression("outcomes", "team6/outflow_work", "value_programme", "primary"),
        Suppression("outcomes", "oap/parttime", "k_control", "secondary"),
        Suppression("km", "programme", "days", "curve"),
    ]
    text = note.summary(held, Rules(min_cell_size=15))
    assert "onder de 15" in text and "2 rijen van de tabellen met uitkomsten" in text
    assert "secundaire onderdrukking" in text and "stappen" in text
    assert "team6" not in text and "oap" not in text and "primair" not in text  # which cell, and why: not told
    assert "niets" in note.summary([], Rules()) and "nul" not in note.summary([], Rules(zeros_disclosive=False))
