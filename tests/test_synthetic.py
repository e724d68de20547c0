"""The synthetic registers: generated from the published figures, reproducing them."""

import math

import pandas as pd
import pytest

from evalbook.analysis import published
from evalbook.core import contract, rounding
from evalbook.core.errors import ContractError
from evalbook.core.io import write_csv
from evalbook.schemas.register import POOL, REGISTER
from synthetic import generate
from synthetic import register as synthetic


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
