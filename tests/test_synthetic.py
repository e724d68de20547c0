"""The synthetic registers: generated from the published figures, reproducing them."""

import math

import pandas as pd
import pytest

from evalbook import contracts, published, synthetic


def test_committed_data_equal_a_fresh_generation(root, tmp_path):
    for relative, generate in synthetic.GENERATORS.items():
        synthetic.write_csv(generate(), tmp_path / "fresh.csv")
        committed = (root / "data" / "synthetic" / relative).read_text(encoding="utf-8")
        assert (tmp_path / "fresh.csv").read_text(encoding="utf-8") == committed, (
            f"data/synthetic/{relative} is stale: run `python -m evalbook.synthetic`")


def half_up(x):
    return math.floor(x + 0.5)


def test_wgw_register_reproduces_every_published_percentage(root):
    """Computed here with plain pandas from the raw columns, independently of evalbook.outcomes."""
    raw = pd.read_csv(root / "data" / "synthetic" / "wgw" / "register.csv", parse_dates=["outflow_date", "returned_date"])
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
    assert synthetic.count_for_percent(13, 294) == 38  # 12.93% -> 13%
    assert synthetic.count_for_percent(90, 21) == 19  # 90.48% -> 90%
    with pytest.raises(ValueError):
        synthetic.count_for_percent(50, 3)  # 1/3 = 33%, 2/3 = 67%


def test_the_register_meets_its_contract(root):
    df = contracts.read(root / "data" / "synthetic" / "wgw" / "register.csv", contracts.REGISTER)
    assert set(df["group"]) == {"programme", "control"}
