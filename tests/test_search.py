"""Secondary suppression at a city's size (:mod:`evalbook.disclosure.search`,
:mod:`evalbook.disclosure.highs`): the warm attacker against the reference attacker, the search
in parts on Route 3's effect study split into many target groups (checked by the independent
attacker, which is shown to find a planted leak), the fall-back from the exact search, the
time budget, the progress line, and the method in the chapter's protection box."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, effect_study
from evalbook.book import config
from evalbook.core import contract
from evalbook.core.errors import DisclosureError
from evalbook.core.io import write_csv
from evalbook.disclosure import search
from evalbook.disclosure.attacker import Program, extreme, intervals, leaks, reader_bounds
from evalbook.disclosure.cells import PRIMARY, SECONDARY, Suppression
from evalbook.disclosure.effect_cells import effect_system
from evalbook.disclosure.highs import WarmAttacker
from evalbook.disclosure.linked import EXACT, MODULAR, CountSystem, percent_bounds, protect
from evalbook.disclosure.policy import Rules
from evalbook.report.disclosure import METHOD_TEXTS, summary
from evalbook.schemas.register import POOL, REGISTER
from evalbook.schemas.survey import NPS_RESPONSES
from synthetic.scale import split_groups, split_teams

GROUPS = 6  # Route 3's four target groups split into six: 71 primary cells, protected in parts


def table_system(table: np.ndarray, percent_of: tuple | None = None) -> CountSystem:
    """A two-way table with its margins; ``percent_of`` (row, column) is shown only as a whole
    percentage of the grand total (fractional bounds: the integer attacker has work to do)."""
    rows, columns = table.shape
    records = [(f"r{i}", f"c{j}", table[i, j]) for i in range(rows) for j in range(columns)]
    records += [("t", f"c{j}", table[:, j].sum()) for j in range(columns)]
    records += [(f"r{i}", "t", table[i].sum()) for i in range(rows)] + [("t", "t", table.sum())]
    frame = pd.DataFrame(records, columns=["r", "c", "count"])
    system = CountSystem.from_margins(frame, ["r", "c"], totals={"r": "t", "c": "t"})
    if percent_of:
        percent = round(100 * system.cells[percent_of] / table.sum())
        system = system.printed_as(percent_of, *percent_bounds(percent, table.sum(), 0))
    return system


def test_the_warm_attacker_agrees_with_the_reference_attacker():
    rng = np.random.default_rng(7)
    mixed_integer = 0
    for case in range(12):
        table = rng.integers(0, 25, size=(3, 4))
        system = table_system(table, percent_of=("r0", "c1") if case % 2 else None)
        program = Program.of(system)
        hidden = [k for k in system.cells if rng.random() < 0.4]
        lower, upper = reader_bounds(system, hidden)
        warm = WarmAttacker(program, np.array([system.cells[k] for k in program.keys]))
        warm.bounds(lower, upper)
        for key in hidden:
            j = program.index[key]
            for maximise in (True, False):
                reference = extreme(program, lower, upper, j, maximise)[0]
                assert warm.extreme(j, maximise)[0] == pytest.approx(reference, abs=1e-6)
                whole = extreme(program, lower, upper, j, maximise, integer=True)[0]
                assert warm.integer_extreme(j, maximise) == pytest.approx(whole, abs=1e-6)
                mixed_integer += not warm.extreme(j, maximise)[3]
    assert mixed_integer  # some optima were fractional: the mixed-integer path was compared too


def test_tables_far_apart_give_intervals_inside_the_attackers():
    system = table_system(np.array([[3, 20, 14, 8], [30, 4, 25, 12], [9, 11, 2, 40]]), percent_of=("r1", "c0"))
    rules = Rules()
    primaries = [k for k, v in system.cells.items() if rules.is_primary(v)]
    problem = search.Problem.of(system, primaries, rules, {})
    problem.budget = search.Budget(60, len(system.cells), len(primaries))
    hide = np.isin(np.arange(len(problem.free)), [problem.program.index[k] for k in (("r0", "c1"), ("r2", "c3"))])
    problem.show(hide)
    cells = [problem.program.index[k] for k in primaries]
    found = problem.intervals(cells, exact=False)
    reference = intervals(system, [*primaries, ("r0", "c1"), ("r2", "c3")], cells=primaries)
    for key, inner in zip(primaries, found, strict=True):
        assert reference[key].low - 1e-6 <= inner.low <= inner.high <= reference[key].high + 1e-6
        assert inner.protects(rules.min_cell_size) == reference[key].protects(rules.min_cell_size)


@pytest.fixture(scope="module")
def split_study(tmp_path_factory):
    """Route 3's effect study on its register and pool split into :data:`GROUPS` target groups:
    the count system and the chapter's rules."""
    pool = contract.read(ROOT / "data" / "synthetic" / "route3" / "pool.csv", POOL)
    register, split = split_groups(pool, GROUPS, seed=GROUPS)
    data = tmp_path_factory.mktemp("split")
    write_csv(register, data / "route3" / "register.csv")
    write_csv(split, data / "route3" / "pool.csv")
    study, rules = effect_study("route3", {"data_dir": str(data), "target_groups": []})
    return effect_system(study).system, rules


@pytest.fixture(scope="module")
def split_protection(split_study):
    system, rules = split_study
    return protect(system, rules)


def test_many_target_groups_are_protected_in_parts_and_the_attacker_finds_nothing(split_study, split_protection):
    system, rules = split_study
    assert split_protection.method == MODULAR
    primaries = split_protection.cells(PRIMARY)
    found = intervals(system, split_protection.suppressed, cells=primaries)  # the reference attacker, whole numbers
    assert all(iv.protects(rules.min_cell_size) for iv in found.values())
    assert all(split_protection.intervals[k].protects(rules.min_cell_size) for k in primaries)
    # in parts, a published combination (an unweighted mean of shares) of a hidden count is hidden too
    for r in system.relations:
        if r.total in system.derived and any(k in split_protection for k in r.parts):
            assert r.total in split_protection


def test_the_attacker_finds_a_leak_planted_in_that_protection(split_study, split_protection):
    system, rules = split_study
    for p in split_protection.cells(PRIMARY):  # show everything else in one relation of a primary cell
        relation = next(
            (r for r in system.relations if p in r.members and not set(r.members) & system.unpublished), None
        )
        if relation is not None:
            break
    planted = [k for k in split_protection.suppressed if k == p or k not in relation.members]
    assert not intervals(system, planted, cells=[p])[p].protects(rules.min_cell_size)


def test_the_search_is_deterministic(split_study, split_protection):
    system, rules = split_study
    again = protect(system, rules)
    assert list(again.suppressed.items()) == list(split_protection.suppressed.items())


def test_an_exact_search_that_takes_too_many_rounds_continues_in_parts(monkeypatch):
    system = table_system(np.array([[3, 20, 14], [30, 4, 25], [9, 11, 40]]))
    assert protect(system).method == EXACT
    monkeypatch.setattr(search, "EXACT_ROUNDS", 1)
    result = protect(system)
    assert result.method == MODULAR
    assert leaks(system.hide(result.suppressed)).empty


@given(
    st.integers(2, 4).flatmap(
        lambda rows: st.lists(st.lists(st.integers(0, 30), min_size=3, max_size=3), min_size=rows, max_size=rows)
    ),
    st.integers(2, 10),
)
@settings(max_examples=20, deadline=None)
def test_protection_in_parts_never_leaves_a_small_count(table, minimum):
    """Whatever method chose the cells, the reference attacker cannot narrow a small count."""
    search.BATCH, batch = 1, search.BATCH  # parts of one primary cell
    try:
        system = table_system(np.array(table))
        rules = Rules(min_cell_size=minimum)
        result = protect(system, rules)
    finally:
        search.BATCH = batch
    small = [k for k, v in system.cells.items() if rules.is_primary(v)]
    assert result.method == (MODULAR if len(small) > 1 else EXACT)
    assert set(small) <= set(result.suppressed)
    assert leaks(system.hide(result.suppressed), rules).empty


def test_a_search_beyond_its_time_budget_stops_with_one_message():
    system = table_system(np.array([[3, 20, 14], [30, 4, 25], [9, 11, 40]]))
    with pytest.raises(DisclosureError) as stopped:
        protect(system, Rules(suppression_seconds=1e-9))
    message = str(stopped.value)
    assert "16 linked counts (3 of them below the minimum cell size)" in message
    assert "did not finish within 1e-09 s" in message
    assert "fewer groups" in message and "-p min_cell_size" in message and "-p suppression_seconds" in message


def test_a_long_search_reports_its_progress_on_standard_error(monkeypatch, capfd):
    monkeypatch.setattr(search, "PROGRESS_AFTER", 0.0)
    protect(table_system(np.array([[3, 20, 14], [30, 4, 25], [9, 11, 40]])))
    out, err = capfd.readouterr()
    assert not out
    assert "  suppression: 16 cells, 3 below the minimum, 0 done, round 1, 0 s" in err.splitlines()


def test_the_budget_is_a_chapter_parameter_of_every_gated_chapter():
    book = config.load()
    assert book.parameters["suppression_seconds"].default == Rules().suppression_seconds
    for template in ("effect_study", "phone_survey", "wwatwork_effect", "client_survey"):
        assert "suppression_seconds" in book.templates[template].parameters
    assert Rules.from_parameters({"suppression_seconds": 30}).suppression_seconds == 30


def test_the_protection_box_says_how_the_cells_were_chosen():
    held = [Suppression("outcomes", "a/b", "k_programme", PRIMARY), Suppression("outcomes", "a/c", "n", SECONDARY)]
    assert METHOD_TEXTS[EXACT] in summary(held, Rules())
    assert METHOD_TEXTS[MODULAR] in summary(held, Rules(), MODULAR)
    assert METHOD_TEXTS[EXACT] not in summary(held[:1], Rules())  # nothing chosen, nothing to say


def test_the_methods_page_states_the_limits_of_the_code():
    text = " ".join((ROOT / "book" / "methods.md").read_text(encoding="utf-8").split())
    assert f"Tot {search.BATCH} te beschermen cellen" in text
    assert f"per deel van {search.BATCH} cellen" in text
    assert f"na {search.EXACT_ROUNDS} rondes" in text
    assert f"standaard {Rules().suppression_seconds:g} seconden" in text


def test_split_groups_keeps_each_new_group_inside_an_old_one(tmp_path):
    pool = contract.read(ROOT / "data" / "synthetic" / "route3" / "pool.csv", POOL)
    register, split = split_groups(pool, 10, seed=1)
    assert split["target_group"].nunique() == 10
    old = pool.set_index("person_id")["target_group"]
    new = split.set_index("person_id")["target_group"]
    assert all(n.rsplit("_", 1)[0] == o for n, o in zip(new, old[new.index], strict=True))
    assert set(register["person_id"]) <= set(split["person_id"])
    write_csv(register, tmp_path / "register.csv")
    assert len(contract.read(tmp_path / "register.csv", REGISTER)) == len(register)  # meets the contract


def test_split_teams_deals_the_responses_out_evenly():
    responses = contract.read(ROOT / "data" / "synthetic" / "wwatwork" / "survey_nps.csv", NPS_RESPONSES)
    sizes = split_teams(responses, 30, seed=3)["team"].value_counts()
    assert len(sizes) == 30 and sizes.max() - sizes.min() <= 1
