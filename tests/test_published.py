"""Every published figure: valid against its contract, and quoted from its source report."""

from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, effect_study, seed_text
from evalbook.analysis import published
from evalbook.core import contract
from evalbook.core.errors import ContractError
from evalbook.disclosure import effect as gate
from evalbook.schemas.published import PUBLISHED

FILES = sorted((ROOT / "data" / "published").glob("*/*.csv"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_published_file_meets_contract_and_quotes_its_source(path: Path):
    figures = contract.read(path, PUBLISHED)
    for _, row in figures.iterrows():
        quote = " ".join(row["quote"].split())
        assert quote in seed_text(row["source"]), f"{row['figure_id']}: quote not found in {row['source']}"


def test_every_transcribed_chapter_is_there():
    assert [f"{p.parent.name}/{p.stem}" for p in FILES] == [
        "route3/effect_study",
        "route3/phone_survey",
        "route3/process",
        "wgw/effect_study",
        "wgw/phone_survey",
        "wwatwork/client_survey",
        "wwatwork/effect_study",
        "wwatwork/labour_market",
    ]


def test_wgw_group_sizes_are_the_reports():
    figures = contract.read(ROOT / "data" / "published" / "wgw" / "effect_study.csv", PUBLISHED)
    n = figures[figures["quantity"] == "n"].set_index("group")["value"]
    assert n.to_dict() == {"programme": 300, "control": 294}


def test_a_figure_outside_its_bounds_is_refused(tmp_path):
    src = (ROOT / "data" / "published" / "wgw" / "effect_study.csv").read_text(encoding="utf-8")
    broken = src.replace("outflow_programme,outflow,programme,,19,", "outflow_programme,outflow,programme,,25,")
    (tmp_path / "x.csv").write_text(broken, encoding="utf-8")
    with pytest.raises(ContractError, match="column 'value' at line 4 .*between lower and upper"):
        contract.read(tmp_path / "x.csv", PUBLISHED)


# -- like with like: a figure is compared in the reading its report used ----------------------------


def test_a_figure_with_a_reading_is_matched_with_the_reproduction_in_that_reading():
    table = pd.DataFrame(
        {
            "target_group": [""],
            "outcome": ["outflow"],
            "n_programme": [300],
            "n_control": [294],
            "value_programme": [19.0],
            "value_control": [13.0],
            "value_programme_alt": [15.0],
            "value_control_alt": [9.2],
            "p_value": [0.044],
            "p_value_alt": [0.030],
        }
    )
    figures = pd.DataFrame(
        {
            "figure_id": ["event", "status", "claim", "plain"],
            "quantity": ["outflow"] * 4,
            "group": ["programme", "programme", None, "control"],
            "subgroup": [None] * 4,
            "reading": ["event", "status", "status", None],
            "printed": ["19%", "15%", "op de peildatum", "13%"],
            "value": [19.0, 15.0, None, 13.0],
            "lower": [18.5, 14.5, None, 12.5],
            "upper": [19.5, 15.5, None, 13.5],
            "significance": ["significant", None, "significant", None],
            "section": [""] * 4,
            "note": [None] * 4,
        }
    )
    side = published.side_by_side(figures, published.long_values(table, "event"), "event")
    assert list(side["reproduced"][:2]) == [19.0, 15.0]  # each in its own reading
    assert side.loc[3, "reproduced"] == 13.0 and side.loc[3, "reading"] == "event"  # no reading: the chapter's
    p = published.reproduced_p(side, table, "event")
    assert p[0] == 0.044 and p[2] == 0.030  # the claim about the status reading gets that reading's test
    # the other reading held back by the gate: the figure is suppressed, not missing
    held = table.assign(value_programme_alt=float("nan"))
    side = published.side_by_side(figures, published.long_values(held, "event", computed=table), "event")
    assert side.loc[1, "status"] == published.STATUS_SUPPRESSED


def test_wgw_outflow_claim_is_compared_in_the_reports_status_reading():
    """Ch. 9: "op de peildatum geen uitkering meer", while ch. 8 counts outflow within the period."""
    study, rules = effect_study("wgw")
    released = gate.release(study, rules)
    claim = released.comparison.set_index("figure_id").loc["outflow_claim"]
    row = released.total.set_index("outcome").loc["outflow"]
    assert study.outflow_measure == "event" and claim["reading"] == "status"
    assert pd.notna(row["p_value_alt"]) and claim["reproduced_p"] == row["p_value_alt"] != row["p_value"]
    figures = released.comparison.set_index("figure_id")
    assert figures.loc["outflow_programme", "reproduced"] == row["value_programme"]  # ch. 8: the event reading


# -- Route 3's process figures ----------------------------------------------------------------------


def test_route3_process_figures_are_transcribed_with_their_passages():
    figures = contract.read(ROOT / "data" / "published" / "route3" / "process.csv", PUBLISHED)
    quantities = set(figures["quantity"])
    # attendance, caseloads, candidate counts and the income-release rules (ch. 3 to 5)
    assert {"event_attendance", "event_signup"} <= quantities
    assert {"caseload_per_consultant", "income_consultant_caseload"} <= quantities
    assert {"jobhunter_candidates", "new_staff", "income_consultants"} <= quantities
    assert {"earnings_release_share", "earnings_release_period", "earnings_release_max"} <= quantities
    assert {"benefit_closing_period", "benefit_restore_period", "temporary_work_file_closed"} <= quantities
    for _, row in figures.iterrows():  # the printed words are in the quoted passage
        assert " ".join(row["printed"].split()) in " ".join(row["quote"].split()), row["figure_id"]
    release = figures.set_index("figure_id")
    assert (release.loc["earnings_release_share", "value"], release.loc["earnings_release_max", "value"]) == (25, 200)
    assert release.loc["event_attendance_jul2018", "value"] == 68
