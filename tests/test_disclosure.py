"""Disclosure control: small counts and their complements never survive protect(), and the
effect study's gate releases derived values only from released cells."""

import pandas as pd
import pytest

from conftest import ROOT
from evalbook.analysis import effect, matching, published
from evalbook.book import config
from evalbook.core import contract
from evalbook.core.errors import DisclosureError
from evalbook.disclosure import effect as gate
from evalbook.disclosure import rules as disclosure
from evalbook.schemas.register import POOL, REGISTER
from evalbook.stats.proportions import proportions


def table(k1, n1, k0, n0):
    return pd.DataFrame([{"outcome": "x", "kind": "proportion"} | proportions(k1, n1, k0, n0)])


def test_safe_rows_are_untouched():
    out = disclosure.protect(table(57, 300, 38, 294), 10)
    assert not out["suppressed"].any()
    assert out.loc[0, "k_programme"] == 57


def test_small_count_suppresses_the_row_statistics():
    out = disclosure.protect(table(4, 300, 38, 294), 10)
    assert out.loc[0, "suppressed"]
    assert pd.isna(out.loc[0, "k_programme"]) and pd.isna(out.loc[0, "value_programme"])
    for col in ("diff", "ci_low", "ci_high", "p_value"):
        assert pd.isna(out.loc[0, col])
    assert out.loc[0, "k_control"] == 38  # the other group's count may stay


def test_small_complement_is_suppressed_too():
    out = disclosure.protect(table(31, 33, 19, 21), 10)  # 2 returned in each group
    assert pd.isna(out.loc[0, "value_programme"]) and pd.isna(out.loc[0, "value_control"])


def test_small_group_hides_its_n():
    out = disclosure.protect(table(3, 8, 38, 294), 10)
    assert pd.isna(out.loc[0, "n_programme"]) and out.loc[0, "n_control"] == 294


def test_threshold_is_a_parameter():
    assert not disclosure.protect(table(6, 300, 38, 294), 5)["suppressed"].any()
    assert disclosure.protect(table(6, 300, 38, 294), 10)["suppressed"].all()


def test_require_safe():
    assert disclosure.require_safe(12, 10) == 12
    with pytest.raises(DisclosureError):
        disclosure.require_safe(9, 10)
    with pytest.raises(DisclosureError):
        disclosure.require_safe(0, 10)


def test_check_table_refuses_small_counts_and_passes_suppressed_ones():
    ok = pd.DataFrame({"n_programme": [300, pd.NA], "value_programme": [1.0, 2.0]})
    disclosure.check_table(ok, 10)
    with pytest.raises(DisclosureError, match="n_programme"):
        disclosure.check_table(pd.DataFrame({"n_programme": [300, 4]}), 10)


def test_no_built_table_or_glued_count_is_below_the_minimum():
    """Scans every executed chapter in book/: its saved table and its glued counts."""
    import json

    chapters = sorted((ROOT / "book").glob("*/*.ipynb"))
    checked = 0
    for path in chapters:
        nb = json.loads(path.read_text(encoding="utf-8"))
        minimum = nb["metadata"]["papermill"]["parameters"].get("min_cell_size", disclosure.DEFAULT_MIN_CELL_SIZE)
        table = path.parent / "tables" / f"{path.stem}.csv"
        if table.is_file():
            disclosure.check_table(pd.read_csv(table), minimum)
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


# -- the effect study's gate ----------------------------------------------------------------------

ROUTE3 = config.jobs(config.load(), "route3", "effect_study")[0].parameters


def read(programme: str, stem: str, schema=REGISTER) -> pd.DataFrame:
    return contract.read(ROOT / "data" / "synthetic" / programme / f"{stem}.csv", schema)


@pytest.fixture(scope="module")
def route3():
    return effect.analyse(
        read("route3", "register"),
        published.load("route3", "effect_study"),
        read("route3", "pool", POOL),
        outcomes_shown=ROUTE3["outcomes"],
        target_groups=ROUTE3["target_groups"],
        outflow_measure=ROUTE3["outflow_measure"],
        published_total=ROUTE3["published_total"],
    )


def test_the_gate_masks_primary_and_secondary_cells_and_lists_them(route3):
    released = gate.release(route3, 10)
    shown = released.table.set_index(["target_group", "outcome"])
    raw = route3.table.set_index(["target_group", "outcome"])
    # Team 6: 9 of 60 to work (primary); OAP: 1 of 60 (primary)
    assert raw.loc[("team6", "outflow_work"), "k_programme"] == 9
    assert pd.isna(shown.loc[("team6", "outflow_work"), "k_programme"])
    assert pd.isna(shown.loc[("oap", "outflow_work"), "value_programme"])
    rules_of = {(s.row, s.rule) for s in released.suppressions if s.table == "outcomes"}
    assert ("team6/outflow_work", "primary") in rules_of and ("oap/outflow_work", "primary") in rules_of
    # every count shown is safe, and so is its complement
    for group in ("programme", "control"):
        k, n = shown[f"k_{group}"], shown[f"n_{group}"]
        assert (k.dropna() >= 10).all() and (n.dropna() >= 10).all()
        assert ((n - k).dropna() >= 10).all()
    assert released.table["k_programme"].notna().sum() < route3.table["k_programme"].notna().sum()


def test_the_mde_is_shown_only_with_the_cells_it_is_computed_from(route3):
    released = gate.release(route3, 10).table.set_index(["target_group", "outcome"])
    # Nieuwe instroom, part-time: the control share is hidden, so is the MDE (it would give it back)
    row = released.loc[("nieuwe_instroom", "parttime")]
    assert pd.isna(row["value_control"]) and pd.isna(row["mde"])
    assert route3.table.set_index(["target_group", "outcome"]).loc[("nieuwe_instroom", "parttime"), "mde"] > 0
    # Team 6, other reasons: both shares shown, the MDE too
    assert released.loc[("team6", "outflow_other"), "mde"] > 0


def test_an_unweighted_mean_total_follows_the_total_figure(route3):
    released = gate.release(route3, 10)
    total = released.comparison[
        (released.comparison["quantity"] == "outflow_work") & (released.comparison["subgroup"] == "")
    ].iloc[0]
    # 63/180, 36/200, 9/60 and 1/60 to work: their plain mean, not 109/500
    assert total["reproduced"] == pytest.approx((63 / 180 + 36 / 200 + 9 / 60 + 1 / 60) / 4 * 100)
    # with the pooled total's figure of the programme group hidden, the mean is held back too
    hidden = route3.table.copy()
    at = (hidden["target_group"] == "") & (hidden["outcome"] == "outflow_work")
    hidden.loc[at, "k_programme"] = 5
    study = effect.EffectStudy(**(vars(route3) | {"table": hidden}))
    released = gate.release(study, 10)
    total = released.comparison[
        (released.comparison["quantity"] == "outflow_work") & (released.comparison["subgroup"] == "")
    ].iloc[0]
    assert pd.isna(total["reproduced"]) and total["status"] == published.STATUS_SUPPRESSED
    assert any(s.table == "comparison" and s.row == "/outflow_work/programme" for s in released.suppressions)


def test_a_pooled_bound_needs_every_group_size(route3):
    assert any(c.kind == effect.TOTAL_OUTSIDE_PARTS for c in gate.release(route3, 10).conflicts)
    # with a minimum above Team 6's 59 controls, its size is hidden and so are the bounds that use it
    released = gate.release(route3, 60)
    assert not any(c.kind == effect.TOTAL_OUTSIDE_PARTS and c.group == "control" for c in released.conflicts)
    assert any(s.table == "conflicts" for s in released.suppressions)


def test_balance_shares_below_the_minimum_are_hidden_with_their_smd():
    register, pool = read("wgw", "register"), read("wgw", "pool", POOL)
    study = effect.balance(register, pool)
    # education high: a share of the programme group resting on few persons
    raw = study.table.set_index(["variable", "level"]).loc[("education", "high")]
    minimum = int(min(raw["k_programme"], raw["n_programme"] - raw["k_programme"])) + 1
    released, held = gate.protect_balance(study, minimum)
    row = released.table.set_index(["variable", "level"]).loc[("education", "high")]
    assert row["suppressed_programme"] and pd.isna(row["mean_programme"]) and pd.isna(row["k_programme"])
    assert pd.isna(row["smd_before"]) and pd.isna(row["smd_after"])
    assert released.smd_after_max == pytest.approx(released.table["smd_after"].abs().max())
    assert ("balance", "education/high") in {(s.table, s.row) for s in held}
    assert study.reproduces_register and matching.reproduces(register, pool)


def test_an_assumed_group_size_below_the_minimum_is_held_back():
    assumptions = pd.DataFrame(
        {
            "parameter": ["n_programme_oap", "outflow_work_programme", "note"],
            "value": ["8", "5", "text"],
            "reason": ["a", "b", "c"],
        }
    )
    parsed = effect.parse_assumptions(assumptions)
    assert parsed["kind"].tolist()[:2] == ["count", "proportion"] and pd.isna(parsed["kind"].iloc[2])
    assert parsed["target_group"].tolist()[0] == "oap" and pd.isna(parsed["target_group"].iloc[1])
    released, held = gate.protect_assumptions(parsed, 10)
    assert released["suppressed"].tolist() == [True, False, False]
    assert pd.isna(released["value"].iloc[0]) and released["value"].iloc[1] == "5"
    assert [s.row for s in held] == ["n_programme_oap"]
