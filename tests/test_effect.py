"""The effect-study chapter: analysis (raw, no Dutch), gate, Dutch report; target groups,
secondary suppression, published conflicts, and the chapter rerun on data with a target group
missing and on data without a candidate pool."""

import json
import shutil

import pandas as pd
import pytest

from conftest import ROOT
from evalbook.analysis import effect, published
from evalbook.book import config, execute
from evalbook.core import contract
from evalbook.disclosure import effect as gate
from evalbook.disclosure import rules as disclosure
from evalbook.report import effect as report
from evalbook.report import effect_figures
from evalbook.report import effect_tables as tables
from evalbook.schemas.register import REGISTER
from evalbook.stats.proportions import proportions

TARGET_GROUPS = ["stilstaand_water", "nieuwe_instroom", "team6", "oap"]
BOOK = config.load()
ROUTE3 = config.jobs(BOOK, "route3", "effect_study")[0].parameters
LABELS = BOOK.parts["route3"].labels()["target_groups"]


def register(programme: str) -> pd.DataFrame:
    return contract.read(ROOT / "data" / "synthetic" / programme / "register.csv", REGISTER)


def route3_study(data: pd.DataFrame | None = None) -> effect.EffectStudy:
    return effect.analyse(
        register("route3") if data is None else data,
        published.load("route3", "effect_study"),
        outcomes_shown=ROUTE3["outcomes"],
        target_groups=ROUTE3["target_groups"],
        outflow_measure=ROUTE3["outflow_measure"],
        published_total=ROUTE3["published_total"],
    )


@pytest.fixture(scope="module")
def study():
    return route3_study()


@pytest.fixture(scope="module")
def released(study):
    return gate.release(study, 10)


def test_route3_runs_with_four_target_groups_and_the_configured_outcomes(study):
    assert study.target_groups == TARGET_GROUPS and study.missing == []
    assert set(study.table["target_group"]) == {effect.TOTAL, *TARGET_GROUPS}
    assert "handover_matching" not in set(study.table["outcome"])
    assert study.table.groupby("target_group").size().eq(len(ROUTE3["outcomes"])).all()


def test_the_analysis_holds_true_counts_and_codes_not_dutch(study):
    raw = study.table.set_index(["target_group", "outcome"])
    assert raw.loc[("oap", "outflow_work"), "k_programme"] == 1  # the gate hides it, the analysis does not
    assert "label" not in study.table and "suppressed" not in study.table
    assert set(study.table["method"]) == {effect.PROPORTION_METHOD, effect.MEAN_METHOD}
    assert set(study.table["reason"].dropna()) <= {effect.TOO_FEW_EVENTS, effect.COLLINEAR, effect.EMPTY_GROUP}


def test_no_published_figure_differs_on_the_shipped_data(released):
    wgw = gate.release(effect.analyse(register("wgw"), published.load("wgw", "effect_study")), 10)
    for s in (released, wgw):
        assert set(s.comparison["status"]) <= {published.STATUS_AGREES, published.STATUS_SUPPRESSED}
    assert (released.comparison["status"] == published.STATUS_AGREES).sum() >= 20


def rows(counts):
    """A long comparison table: (target group, k programme, n programme) with a safe control side."""
    parts = [
        {"target_group": tg, "outcome": "x", "kind": "proportion"} | proportions(k, n, 50, 100) for tg, k, n in counts
    ]
    return pd.DataFrame(parts)


def test_secondary_suppression_hides_the_smallest_shown_group_too():
    raw = rows([("", 74, 250), ("a", 4, 50), ("b", 30, 100), ("c", 40, 100)])
    out, held = gate.protect_outcomes(raw, 10)
    out = out.set_index("target_group")
    # a alone (4) would follow from the total minus b and c: b (the smaller count) goes too, 34 together
    assert out.loc["a", "suppressed"] and out.loc["b", "suppressed"]
    assert pd.isna(out.loc["b", "value_programme"]) and pd.isna(out.loc["b", "diff"])
    assert out.loc["b", "value_control"] == 50  # the control side of b was safe and stays
    assert not out.loc["c", "suppressed"] and not out.loc["", "suppressed"]
    assert {(s.row, s.rule) for s in held} == {("a/x", "primary"), ("b/x", "secondary")}


def test_secondary_suppression_falls_back_to_the_total():
    raw = rows([("", 7, 100), ("a", 4, 50), ("b", 3, 50)])
    out = disclosure.suppress_across(disclosure.protect(raw, 10), raw, "target_group", effect.TOTAL, 10)
    assert out["suppressed"].all() and out["value_programme"].isna().all()


def test_published_conflicts_of_route3(study, released):
    kinds = [(c.kind, c.group, c.subgroup) for c in study.conflicts]
    assert len(kinds) == 5
    assert (effect.OUTFLOW_BELOW_WORK, "control", "stilstaand_water") in kinds
    text = report.glue_values(released, LABELS)["conflicts"]
    assert (
        "controlegroep Stilstaand water (Matching 9+) is de uitstroom (42%) kleiner dan de uitstroom naar werk (43%)"
        in text
    )
    assert "programmagroep (totaal) zijn de uitstroom naar werk (17%) en om overige redenen (16%) samen meer" in text
    # pooled reading of part-time 22%: at least (40.5 * 180 + 28.5 * 200) / 500 = 25.98%
    bound = next(
        c
        for c in study.conflicts
        if c.kind == effect.TOTAL_OUTSIDE_PARTS and c.quantity == "parttime" and c.group == "programme"
    )
    assert bound.at_least and bound.bound == pytest.approx((40.5 * 180 + 28.5 * 200) / 500)
    assert "ten minste 26,0%" in text
    assert effect.analyse(register("wgw"), published.load("wgw", "effect_study")).conflicts == []


def test_target_group_labels_come_from_the_caller(released):
    shown = tables.target_group_display(released, {"team6": "Zesde team"}).frame
    assert "Zesde team" in set(shown["Doelgroep"]) and "oap" in set(shown["Doelgroep"])
    assert "Totaal" not in set(shown["Doelgroep"])
    fig = effect_figures.target_group_plot(released, LABELS)
    assert [ax.get_title() for ax in fig.axes] == ["Totaal", *(LABELS[t] for t in TARGET_GROUPS)]


def test_a_missing_target_group_is_named_and_the_rest_still_runs():
    data = register("route3")
    s = gate.release(route3_study(data[data["target_group"] != "team6"].reset_index(drop=True)), 10)
    assert s.missing == ["team6"] and "team6" not in set(s.table["target_group"])
    values = report.glue_values(s, LABELS)
    assert values["target_groups_missing"] == "Team 6"
    assert "De data bevatten 3 van de 4 doelgroepen" in values["target_groups_sentence"]
    assert "Ontbreekt in deze data: Team 6" in values["target_groups_sentence"]
    assert "ten minste" not in values["conflicts"]  # the pooled bound needs every group's size


def test_assumptions_are_described_in_dutch(released):
    assumptions = pd.DataFrame(
        {
            "parameter": ["n_control_team6", "contacts_total_programme", "respondents_programme"],
            "value": ["59", "26", "100"],
            "reason": ["r1", "r2", "r3"],
        }
    )
    parsed, _ = gate.protect_assumptions(effect.parse_assumptions(assumptions), 10)
    shown = tables.assumptions_display(type(released)(**(vars(released) | {"assumptions": parsed})), LABELS).frame
    assert shown["Aanname"].tolist() == [
        "Groepsgrootte (controlegroep, Team 6)",
        "Geregistreerde klantcontacten (gemiddeld) (programmagroep, elke doelgroep)",
        "respondents_programme",
    ]


def test_the_download_table_has_dutch_labels_and_no_unsafe_count(released):
    table = report.download_table(released)
    assert list(table.columns[:4]) == ["target_group", "outcome", "label", "kind"]
    assert table.loc[0, "label"] == "Geen uitkering aan het eind van de volgperiode"  # Route 3 reads status
    assert table.loc[0, "method"] == "Miettinen–Nurminen-scoretoets en -interval"
    disclosure.check_table(table, 10)
    wgw = report.download_table(
        gate.release(effect.analyse(register("wgw"), published.load("wgw", "effect_study")), 10)
    ).set_index("outcome")
    assert wgw.loc["no_return_after_work", "reason"] == (
        "te weinig gebeurtenissen (minder dan 10 keer ja of nee in een groep)"
    )
    assert wgw.loc["contacts_total", "method"] == "Welch-t-toets en -interval"


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


def test_the_wgw_chapter_runs_without_a_candidate_pool(tmp_path):
    """Only register.csv in the data directory: the chapter says what it leaves out (book.yml's text)."""
    (tmp_path / "data" / "wgw").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "synthetic" / "wgw" / "register.csv", tmp_path / "data" / "wgw" / "register.csv")
    template = ROOT / "notebooks" / "effect_study.md"
    parameters = {"part": "wgw", "parameters": {"data_dir": str(tmp_path / "data")}}
    result = execute.execute(template, tmp_path / "run", parameters, "wgw", "Effectstudie WGW")
    assert result.error is None, result.error
    glued = glued_texts(tmp_path / "run" / "effect_study.ipynb")
    without = BOOK.templates["effect_study"].inputs["pool"].without
    assert glued["matching_pool"] == (
        f"Bij deze data hoort geen kandidatenbestand (pool.csv): {without}. "
        "De controlegroep is genomen zoals zij in het register staat."
    )
    assert glued["smd_before_max"] == "–" and glued["balance_verdict"] == "goed"
    assert glued["n_programme"] == "300"  # the rest of the chapter is there
    nb = json.loads((tmp_path / "run" / "effect_study.ipynb").read_text(encoding="utf-8"))
    texts = [
        "".join(out["data"]["text/plain"])
        for cell in nb["cells"]
        for out in cell.get("outputs", [])
        if "text/plain" in out.get("data", {})
    ]
    balance = next(t for t in texts if "Kandidaten" in t).splitlines()
    assert all(line.split()[-4:-2] == ["–", "–"] for line in balance[1:])  # no candidates, no SMD before
