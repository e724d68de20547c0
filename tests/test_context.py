"""The context transcriptions (data/context): valid, quoted from their sources, internally
consistent; and the checks of evalbook.analysis.arnhem, .journey and .labour_market (and the
Sankey layout of evalbook.report.diagrams) on hand-made cases."""

from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, seed_text
from evalbook.analysis import arnhem, journey, labour_market
from evalbook.book import config
from evalbook.core import contract
from evalbook.core.errors import ContractError
from evalbook.report import context as report
from evalbook.report import diagrams
from evalbook.schemas import CONTRACTS
from evalbook.schemas import context as schemas
from evalbook.schemas.published import PUBLISHED

CONTEXT = ROOT / "data" / "context"
# every file of data/context with its contract, as book.yml declares them
FILES = {
    Path(i.path).name: CONTRACTS[i.contract]
    for t in config.load().templates.values()
    for i in t.inputs.values()
    if i.path.startswith("{context_dir}/")
}


def read(stem: str) -> pd.DataFrame:
    return contract.read(CONTEXT / f"{stem}.csv", FILES[stem])


def labour_market_figures() -> pd.DataFrame:
    return contract.read(ROOT / "data" / "published" / "wwatwork" / "labour_market.csv", PUBLISHED)


# -- the files ----------------------------------------------------------------------------


def test_every_file_has_a_contract():
    assert {p.stem for p in CONTEXT.glob("*.csv")} == set(FILES)


@pytest.mark.parametrize("stem", sorted(FILES))
def test_file_meets_contract_and_quotes_its_source(stem):
    frame = read(stem)
    for _, row in frame.iterrows():
        quote = " ".join(row["quote"].split())
        assert quote in seed_text(row["source"]), f"{stem}: quote not found in {row['source']}: {quote!r}"


def test_organisation_parts_add_up_to_totals():
    units = read("arnhem_organisation").set_index("unit_id")
    # by hand: Werk 1 + Werk 2 = 29 + 31 = 60; the seven Inkomen departments + Staf = 193 (printed 194)
    assert units.loc["werk_1", "fte"] + units.loc["werk_2", "fte"] == units.loc["werk", "fte"] == 60
    assert units.loc["werk", "fte"] + units.loc["inkomen", "fte"] == units.loc["cluster", "fte"] == 254
    inkomen = units[units["parent"] == "inkomen"]["fte"].sum()
    assert inkomen == 193 and abs(inkomen - 194) <= 0.5 * 8 + 0.5  # eight rounded parts, one rounded total
    check = arnhem.parts_check(read("arnhem_organisation"))
    assert check["agrees"].all() and set(check["unit_id"]) == {"cluster", "werk", "inkomen"}


def test_startfoto_checks_at_once():
    units, figures = read("arnhem_organisation"), read("arnhem_figures")
    flows, matrix = read("arnhem_flows"), read("arnhem_matrix")
    startfoto = arnhem.analyse(units, figures, flows, matrix)
    # by hand from the organogram: 29 + 31 + 45 + 36 + 24 + 24 + 21 + 21 + 14 + 8 (staf)
    assert startfoto.units_fte == 253
    assert startfoto.conclusion_two_adds_up  # 800 + 600 = 1.400 (conclusion 2)
    assert list(startfoto.marked_for_all["label"]) == ["Vraag met aanbod kunnen matchen"]
    assert list(startfoto.totals.index) == ["Diagnosegesprek"]


def test_nine_departments_as_the_report_says():
    figures = read("arnhem_figures").set_index("figure_id")
    assert len(arnhem.departments(read("arnhem_organisation"))) == figures.loc["n_departments", "value"] == 9


def test_flows_balance_at_every_node():
    flows, figures = read("arnhem_flows"), read("arnhem_figures")
    balance = arnhem.flow_balance(flows, arnhem.node_totals(figures)).set_index("node")
    assert balance["consistent"].all()
    # by hand, the exact count: 275 enter BAP; at least 50 + 0 leave it
    bap = balance.loc["Bemiddelen aan de Poort"]
    assert bap["in_lower"] == bap["in_upper"] == 275
    assert balance.loc["Bemiddelen aan de Poort", "out_lower"] == 50
    # into the diagnosis: 1200 (1150-1250) + 100 (50-150) against the printed 1.300 (1250-1350)
    assert (balance.loc["Diagnosegesprek", "in_lower"], balance.loc["Diagnosegesprek", "in_upper"]) == (1200, 1400)


def test_only_the_intake_to_bap_flow_is_exact():
    """The report gives one exact count on a placed arrow (275 into BAP); the others carry
    "±", "<" or a range, so only interval checks (flow_balance) apply to them."""
    flows = arnhem.placed(read("arnhem_flows"))
    exact = flows[flows["kind"] == "exact"]
    assert list(exact["flow_id"]) == ["intake_bap"] and list(exact["value"]) == [275]


def test_text_and_diagram_agree_and_conclusion_two_adds_up():
    flows, figures = read("arnhem_flows"), read("arnhem_figures")
    assert set(flows["stated_in_text"].dropna()) <= set(figures["figure_id"])
    assert arnhem.text_against_diagram(flows, figures)["agrees"].all()
    f = figures.set_index("figure_id")["value"]
    assert f["within_year_text"] + f["not_within_year_text"] == f["not_bap_count_text"] == 1400


def test_every_diagram_number_is_a_row_and_the_sankey_draws_the_placed_ones():
    flows = read("arnhem_flows")
    assert len(flows) == 14  # 15 numbers in the stroomschema; the 1.300 in its box is in arnhem_figures
    nodes, bands = diagrams.sankey_layout(flows)
    placed = {
        "aanvraag_intake",
        "intake_diagnose",
        "intake_bap",
        "intake_bz",
        "intake_uitval",
        "bap_diagnose",
        "bap_matching",
        "diagnose_binnen_jaar",
        "diagnose_bestand",
    }  # the arrows placed by hand (data README)
    assert set(bands) == placed
    assert all(y >= 0 and y + h <= 1 + 1e-9 for _, y, h in nodes.values())


def test_matrix_rows_are_randvoorwaarden_and_marks_match_the_quotes():
    matrix, rv = read("arnhem_matrix"), read("arnhem_randvoorwaarden")
    assert arnhem.matrix_check(matrix, rv).all()
    assert list(matrix["marks"]) == [2, 1, 2, 2, 1, 4, 1]  # counted by hand in the source table
    assert len(rv) == 9 + 13


def test_conclusions_are_numbered_without_gaps():
    conclusions = read("arnhem_conclusions")
    assert sorted(conclusions.loc[conclusions["kind"] == "conclusie", "number"]) == list(range(1, 17))
    assert sorted(conclusions.loc[conclusions["kind"] == "opgave", "number"]) == [1, 2, 3, 4]


def test_journey_holds_together_and_reaches_the_four_classes():
    steps, links = read("rotterdam_journey_steps"), read("rotterdam_journey_links")
    assert journey.check(steps, links) == []
    classes = set(links.loc[links["from_step"] == "controle", "to_step"])
    assert {"a_matching", "b_werkloont", "c_prematching", "d_activering"} <= classes


def test_journey_disagreements_are_the_known_ones():
    found = journey.disagreements(read("rotterdam_journey_figures"))
    assert set(found["quantity"]) == {"inspanningsperiode_weeks", "werkloont_duration"}


def test_tabel2_shares_and_parts_against_independent_arithmetic():
    market = labour_market.check(labour_market_figures())
    shares = market.shares.set_index("benefit")
    assert shares.loc["ww", "recomputed"] == pytest.approx(100 * 33180 / 685000)
    assert shares.loc["bijstand", "diff_pp"] == pytest.approx(8.5 - 5.2)
    assert shares["agrees"].all()
    assert market.parts["agrees"].all() and len(market.parts) == 4
    parts = market.parts.set_index(["quantity", "region"])
    assert parts.loc[("disability_recipients", "rijnmond"), "parts_sum"] == 17370 + 17610 + 18710
    assert parts.loc[("disability_share_labour_force", "nederland"), "parts_sum"] == pytest.approx(2.8 + 3.3 + 2.8)
    assert parts.loc[("labour_force", "rijnmond"), "parts_sum"] == 629000 + 56000
    assert market.labour_force == 685000


# -- the checks on hand-made cases ----------------------------------------------------------


def test_sum_agrees_uses_the_intervals():
    assert arnhem.sum_agrees([28.5, 30.5], [29.5, 31.5], 59.5, 60.5)
    assert not arnhem.sum_agrees([20, 20], [21, 21], 59.5, 60.5)  # 40-42 cannot make 60
    assert arnhem.sum_agrees([0], [100], 99, 99)
    assert not arnhem.sum_agrees([101], [120], 0, 100)


def _units(child_fte: list[float]) -> pd.DataFrame:
    rows = [
        {
            "unit_id": "all",
            "unit": "Alles",
            "level": "cluster",
            "parent": None,
            "fte": 254.0,
            "lower": 253.5,
            "upper": 254.5,
        }
    ]
    rows += [
        {
            "unit_id": f"u{i}",
            "unit": f"U{i}",
            "level": "afdeling",
            "parent": "all",
            "fte": v,
            "lower": v - 0.5,
            "upper": v + 0.5,
        }
        for i, v in enumerate(child_fte)
    ]
    return pd.DataFrame(rows)


def test_parts_check_fails_when_departments_do_not_add_up():
    assert arnhem.parts_check(_units([200, 53]))["agrees"].item()  # 253 within rounding of 254
    assert not arnhem.parts_check(_units([200, 40]))["agrees"].item()  # 240: 14 fte missing


def _flows(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "flow_id": f"f{i}",
                "from_node": a,
                "to_node": b,
                "value": v,
                "lower": lo,
                "upper": hi,
                "kind": "exact",
                "printed": str(v),
                "basis": "reconstructed",
            }
            for i, (a, b, v, lo, hi) in enumerate(rows)
        ]
    )


def test_flow_balance_fails_when_more_leaves_than_enters():
    ok = arnhem.flow_balance(_flows([("A", "B", 275, 275, 275), ("B", "C", 175, 175, 175), ("B", "D", 100, 100, 100)]))
    assert ok["consistent"].all()
    bad = arnhem.flow_balance(_flows([("A", "B", 275, 275, 275), ("B", "C", 200, 200, 200), ("B", "D", 100, 100, 100)]))
    assert not bad.set_index("node").loc["B", "consistent"]


def test_flow_balance_fails_when_inflow_misses_the_printed_total():
    flows = _flows([("A", "B", 1200, 1150, 1250), ("B", "C", 600, 600, 600)])
    totals = pd.DataFrame({"lower": [1450.0], "upper": [1550.0], "printed": ["1.500"]}, index=["B"])
    assert not arnhem.flow_balance(flows, totals).set_index("node").loc["B", "consistent"]
    totals = pd.DataFrame({"lower": [1150.0], "upper": [1250.0], "printed": ["1.200"]}, index=["B"])
    assert arnhem.flow_balance(flows, totals).set_index("node").loc["B", "consistent"]


def test_node_depths_follow_the_longest_path_and_refuse_cycles():
    assert arnhem.node_depths([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")]) == {"a": 0, "b": 1, "c": 2, "d": 3}
    with pytest.raises(ValueError, match="cycle"):
        arnhem.node_depths([("a", "b"), ("b", "a")])


def test_disagreements_find_only_incompatible_statements():
    figures = pd.DataFrame(
        {
            "quantity": ["x", "x", "y", "y"],
            "unit": ["count"] * 4,
            "subgroup": [None] * 4,
            "lower": [3.0, 4.0, 3.6, 4.0],
            "upper": [3.0, 4.0, 4.4, 4.0],
            "printed": ["3", "4", "circa 4", "4"],
            "section": ["s1", "s2", "s3", "s4"],
        }
    )
    assert list(journey.disagreements(figures)["quantity"]) == ["x"]


def test_journey_check_reports_unknown_and_unlinked_steps_and_cycles():
    steps = pd.DataFrame({"step_id": ["a", "b", "c"]})
    links = pd.DataFrame({"from_step": ["a", "b"], "to_step": ["b", "z"]})
    assert journey.check(steps, links) == [
        journey.Problem(journey.UNKNOWN_STEP, "z"),
        journey.Problem(journey.UNLINKED_STEP, "c"),
    ]
    circle = pd.DataFrame({"from_step": ["a", "b", "c"], "to_step": ["b", "c", "b"]})
    assert [p.kind for p in journey.check(steps, circle)] == [journey.CYCLE]
    assert report.journey_problems(journey.check(steps, links)) == (
        "the client journey does not hold together: link to unknown step 'z'; step 'c' has no link"
    )


def test_marks_in_quote_counts_trailing_marks_only():
    assert schemas.marks_in_quote("Vraag met aanbod kunnen matchen X X X X") == 4
    assert schemas.marks_in_quote("Xenofobie voorkomen X") == 1
    assert schemas.marks_in_quote("Geen kruisjes") == 0


def test_tabel2_checks_fail_on_a_wrong_share_or_a_wrong_part():
    labour = labour_market_figures()
    wrong = labour.copy()
    row = wrong["figure_id"] == "t2_ww_share_rijnmond"
    wrong.loc[row, ["value", "lower", "upper"]] = [5.8, 5.75, 5.85]
    assert not labour_market.check(wrong).shares.set_index("benefit").loc["ww", "agrees"]
    broken = labour.copy()
    row = broken["figure_id"] == "t2_wia_count_rijnmond"
    broken.loc[row, ["value", "lower", "upper"]] = [19710, 19710, 19710]
    parts = labour_market.check(broken).parts.set_index(["quantity", "region"])["agrees"]
    assert not parts[("disability_recipients", "rijnmond")] and parts.drop(("disability_recipients", "rijnmond")).all()


# -- the contracts refuse bad transcriptions ---------------------------------------------------


def _rewrite(tmp_path: Path, stem: str, old: str, new: str) -> Path:
    text = (CONTEXT / f"{stem}.csv").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{stem}.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_flow_contract_refuses_an_approximate_count_marked_exact(tmp_path):
    path = _rewrite(tmp_path, "arnhem_flows", "Samen ±750,about", "Samen ±750,exact")
    with pytest.raises(ContractError, match="column 'kind'"):
        contract.read(path, schemas.FLOWS)


def test_matrix_contract_refuses_marks_that_differ_from_the_quote(tmp_path):
    path = _rewrite(
        tmp_path, "arnhem_matrix", "Vraag met aanbod kunnen matchen,4,", "Vraag met aanbod kunnen matchen,3,"
    )
    with pytest.raises(ContractError, match="column 'marks'"):
        contract.read(path, schemas.MATRIX)


def test_organisation_contract_refuses_an_unknown_parent(tmp_path):
    path = _rewrite(tmp_path, "arnhem_organisation", "afdeling,werk,29", "afdeling,wrok,29")
    with pytest.raises(ContractError, match="column 'parent'"):
        contract.read(path, schemas.ORGANISATION)
