"""The effect-study chapter logic: target groups, secondary suppression, published conflicts,
and the Route 3 chapter rerun on data with a target group missing."""

import json

import pandas as pd
import pytest
from conftest import ROOT

from evalbook import compare, effect
from evalbook.analysis import published
from evalbook.book import execute
from evalbook.book import config as chapters
from evalbook.core import contract
from evalbook.disclosure import rules as disclosure
from evalbook.schemas.register import REGISTER

TARGET_GROUPS = ["stilstaand_water", "nieuwe_instroom", "team6", "oap"]
ROUTE3 = chapters.jobs(chapters.load(), "route3", "effect_study")[0].parameters


def register(programme: str) -> pd.DataFrame:
    return contract.read(ROOT / "data" / "synthetic" / programme / "register.csv", REGISTER)


def route3_study(data: pd.DataFrame | None = None, min_cell_size: int = 10) -> effect.EffectStudy:
    return effect.analyse(register("route3") if data is None else data, published.load("route3", "effect_study"),
                          min_cell_size=min_cell_size, outcomes_shown=ROUTE3["outcomes"],
                          target_groups=ROUTE3["target_groups"], outflow_measure=ROUTE3["outflow_measure"],
                          published_total=ROUTE3["published_total"])


@pytest.fixture(scope="module")
def study():
    return route3_study()


def test_route3_runs_with_four_target_groups_and_the_configured_outcomes(study):
    assert study.target_groups == TARGET_GROUPS and study.missing == []
    assert set(study.table["target_group"]) == {effect.TOTAL, *TARGET_GROUPS}
    assert "handover_matching" not in set(study.table["outcome"])
    assert study.table.groupby("target_group").size().eq(len(ROUTE3["outcomes"])).all()


def test_no_published_figure_differs_on_the_shipped_data(study):
    wgw = effect.analyse(register("wgw"), published.load("wgw", "effect_study"))
    for s in (study, wgw):
        assert set(s.comparison["status"]) <= {published.STATUS_AGREES, published.STATUS_SUPPRESSED}
    assert (study.comparison["status"] == published.STATUS_AGREES).sum() >= 20


def test_the_total_is_the_unweighted_mean_of_the_target_groups(study):
    # 63/180, 36/200, 9/60 and 1/60 to work: their plain mean, not 109/500
    row = study.comparison[(study.comparison["quantity"] == "outflow_work") & (study.comparison["subgroup"] == "")]
    assert row["reproduced"].iloc[0] == pytest.approx((63 / 180 + 36 / 200 + 9 / 60 + 1 / 60) / 4 * 100)
    total = study.total.set_index("outcome")
    assert (total.loc["outflow_work", "k_programme"], total.loc["outflow_work", "n_programme"]) == (109, 500)


def test_every_shown_count_is_safe_and_small_groups_are_suppressed(study):
    shown = study.table
    for col in ("k_programme", "k_control", "n_programme", "n_control"):
        assert (shown[col].dropna() >= 10).all()
    props = shown[(shown["kind"] == "proportion") & shown["k_programme"].notna()]
    assert ((props["n_programme"] - props["k_programme"]) >= 10).all()
    oap_work = shown[(shown["target_group"] == "oap") & (shown["outcome"] == "outflow_work")].iloc[0]
    assert oap_work["suppressed"] and pd.isna(oap_work["value_programme"]) and pd.isna(oap_work["p_value"])


def rows(counts):
    """A long comparison table: (target group, k programme, n programme) with a safe control side."""
    parts = [{"target_group": tg, "outcome": "x", "label": "X", "kind": "proportion"}
             | compare.proportions(k, n, 50, 100) for tg, k, n in counts]
    return pd.DataFrame(parts)


def test_secondary_suppression_hides_the_smallest_shown_group_too():
    raw = rows([("", 74, 250), ("a", 4, 50), ("b", 30, 100), ("c", 40, 100)])
    out = disclosure.suppress_across(disclosure.protect(raw, 10), raw, "target_group", effect.TOTAL, 10).set_index("target_group")
    # a alone (4) would follow from the total minus b and c: b (the smaller count) goes too, 34 together
    assert out.loc["a", "suppressed"] and out.loc["b", "suppressed"]
    assert pd.isna(out.loc["b", "value_programme"]) and pd.isna(out.loc["b", "diff"])
    assert out.loc["b", "value_control"] == 50  # the control side of b was safe and stays
    assert not out.loc["c", "suppressed"] and not out.loc["", "suppressed"]


def test_secondary_suppression_falls_back_to_the_total():
    raw = rows([("", 7, 100), ("a", 4, 50), ("b", 3, 50)])
    out = disclosure.suppress_across(disclosure.protect(raw, 10), raw, "target_group", effect.TOTAL, 10).set_index("target_group")
    assert out["suppressed"].all() and out["value_programme"].isna().all()


def test_published_conflicts_of_route3(study):
    text = " | ".join(study.conflicts)
    assert len(study.conflicts) == 5
    assert "controlegroep Stilstaand water (Matching 9+) is de uitstroom (42%) kleiner dan de uitstroom naar werk (43%)" in text
    assert "programmagroep (totaal) zijn de uitstroom naar werk (17%) en om overige redenen (16%) samen meer" in text
    # pooled reading of part-time 22%: at least (40.5 * 180 + 28.5 * 200) / 500 = 25.98%
    assert "ten minste 26,0%" in text
    wgw = effect.analyse(register("wgw"), published.load("wgw", "effect_study"))
    assert wgw.conflicts == []


def test_a_missing_target_group_is_named_and_the_rest_still_runs():
    data = register("route3")
    s = route3_study(data[data["target_group"] != "team6"].reset_index(drop=True))
    assert s.missing == ["team6"] and "team6" not in set(s.table["target_group"])
    values = effect.glue_values(s)
    assert values["target_groups_missing"] == "Team 6"
    assert "De data bevatten 3 van de 4 doelgroepen" in values["target_groups_sentence"]
    assert "Ontbreekt in deze data: Team 6" in values["target_groups_sentence"]
    assert "ten minste" not in values["conflicts"]  # the pooled bound needs every group's size


def test_describe_assumption():
    assert effect.describe_assumption("n_control_team6") == ("Groepsgrootte (controlegroep, Team 6)", "count")
    assert effect.describe_assumption("contacts_total_programme")[0] == \
        "Geregistreerde klantcontacten (gemiddeld) (programmagroep, elke doelgroep)"
    assert effect.describe_assumption("respondents_programme") == ("respondents_programme", None)


def glued_texts(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook", {})
            if meta.get("name"):
                found[meta["name"]] = "".join(out["data"][meta["mime_prefix"] + "text/plain"]).strip("'")
    return found


def test_the_route3_chapter_reruns_on_data_without_a_target_group(tmp_path):
    """The chapter itself, on a data directory where Team 6 was removed from register and pool."""
    data = tmp_path / "data" / "route3"
    data.mkdir(parents=True)
    for stem in ("register", "pool"):
        frame = pd.read_csv(ROOT / "data" / "synthetic" / "route3" / f"{stem}.csv", dtype=str, keep_default_na=False)
        frame[frame["target_group"] != "team6"].to_csv(data / f"{stem}.csv", index=False, lineterminator="\n")
    template = ROOT / "notebooks" / "effect_study.md"
    parameters = {"part": "route3", "parameters": ROUTE3 | {"data_dir": str(tmp_path / "data")}}
    result = execute.execute(template, tmp_path / "run", parameters, "route3", "Effectstudie Route 3")
    assert result.error is None, result.error
    glued = glued_texts(tmp_path / "run" / "effect_study.ipynb")
    assert glued["target_groups_missing"] == "Team 6"
    assert "Ontbreekt in deze data: Team 6" in glued["target_groups_sentence"]
    assert "geen aannames" in glued["assumptions_sentence"]  # no assumptions.csv in that data directory
    table = pd.read_csv(tmp_path / "run" / "tables" / "effect_study.csv", keep_default_na=False)
    assert "team6" not in set(table["target_group"])
