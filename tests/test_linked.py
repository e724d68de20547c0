"""The count system (margins, links, combinations, printed percentages) and secondary
suppression over it, checked against hand calculation and an exhaustive search."""

import itertools

import pandas as pd
import pytest

from evalbook.disclosure.attacker import intervals, leaks
from evalbook.disclosure.linked import CountSystem, Relation, comparison_cells, percent_bounds, protect
from evalbook.disclosure.policy import Rules


def two_way(rows: dict) -> CountSystem:
    """A two-way table with its margins: ``rows`` maps a row to its interior counts; totals are added."""
    records = [(r, f"c{j}", v) for r, values in rows.items() for j, v in enumerate(values)]
    frame = pd.DataFrame(records, columns=["r", "c", "count"])
    margins = pd.concat(
        [
            frame.groupby("c", as_index=False)["count"].sum().assign(r="t"),
            frame.groupby("r", as_index=False)["count"].sum().assign(c="t"),
            pd.DataFrame({"r": ["t"], "c": ["t"], "count": [frame["count"].sum()]}),
        ]
    )
    return CountSystem.from_margins(pd.concat([frame, margins]), ["r", "c"], totals={"r": "t", "c": "t"})


def test_margins_become_relations():
    system = two_way({"r0": [3, 20], "r1": [30, 40]})
    relations = {(r.total, frozenset(r.parts)) for r in system.relations}
    assert (("r0", "t"), frozenset({("r0", "c0"), ("r0", "c1")})) in relations
    assert (("t", "c0"), frozenset({("r0", "c0"), ("r1", "c0")})) in relations
    assert (("t", "t"), frozenset({("t", "c0"), ("t", "c1")})) in relations
    assert len(relations) == 6  # two row sums, two column sums, the grand total both ways


def test_relations_must_hold_for_the_counts():
    with pytest.raises(ValueError, match="do not meet"):
        CountSystem({("a",): 5, ("b",): 7, ("t",): 13}, (Relation(("t",), (("a",), ("b",)), (1.0, 1.0)),))
    with pytest.raises(ValueError, match="not in the system"):
        CountSystem({("a",): 5}).equal(("a",), ("b",))


def test_a_total_with_only_some_parts_is_refused():
    frame = pd.DataFrame({"g": ["a", "b", "t", "a", "t"], "o": ["x", "x", "x", "y", "y"], "count": [1, 2, 3, 4, 4]})
    with pytest.raises(ValueError, match="misses parts"):
        CountSystem.from_margins(frame, ["g", "o"], totals={"g": "t"})


def test_missing_key_values_are_refused():
    frame = pd.DataFrame({"g": ["a", None], "count": [1, 1]})
    with pytest.raises(ValueError, match="may not be missing"):
        CountSystem.from_margins(frame, ["g"])


def test_comparison_cells_adds_complements_and_skips_means():
    table = pd.DataFrame(
        [
            {
                "outcome": "work",
                "kind": "proportion",
                "n_programme": 50,
                "k_programme": 12,
                "n_control": 40,
                "k_control": 9,
            },
            {
                "outcome": "contacts",
                "kind": "mean",
                "n_programme": 50,
                "k_programme": None,
                "n_control": 40,
                "k_control": None,
            },
        ]
    )
    cells = comparison_cells(table, ["outcome"])
    counts = {tuple(r[:3]): r[3] for r in cells.itertuples(index=False)}
    assert counts == {
        ("work", "programme", "yes"): 12,
        ("work", "programme", "no"): 38,
        ("work", "programme", "n"): 50,
        ("work", "control", "yes"): 9,
        ("work", "control", "no"): 31,
        ("work", "control", "n"): 40,
        ("contacts", "programme", "n"): 50,
        ("contacts", "control", "n"): 40,
    }


def test_percent_bounds():
    assert percent_bounds(12.5, 200, 1) == pytest.approx((24.9, 25.1))  # 200 * 12.45 / 100, 200 * 12.55 / 100
    assert percent_bounds(0, 30, 0) == (0, pytest.approx(0.15))


def test_classic_two_way_table_needs_a_rectangle():
    # one small interior cell of a 2x2 table with all margins shown: its row, its column and
    # the opposite cell must go too (Hundepool et al. 2012, ch. 4); then 3 is in [0, 23]
    result = protect(two_way({"r0": [3, 20], "r1": [30, 40]}))
    assert set(result.cells("secondary")) == {("r0", "c1"), ("r1", "c0"), ("r1", "c1")}
    assert result.intervals[("r0", "c0")] == pytest.approx((0, 23))


def test_rounded_percentages_can_protect_by_themselves():
    # 445 shown; the groups shown only as whole percentages of it: 40 % -> [175.8, 180.2],
    # 45 % -> [198.0, 202.5], 13 % -> [55.6, 60.1]; team6 = 445 - the rest is in [2.2, 15.6]
    # (in whole numbers [3, 14]), wide enough without any further suppression
    frame = pd.DataFrame({"g": ["sw", "ni", "oap", "team6", "t"], "count": [180, 200, 60, 5, 445]})
    system = CountSystem.from_margins(frame, ["g"], totals={"g": "t"})
    for group, percent in (("sw", 40), ("ni", 45), ("oap", 13)):
        system = system.printed_as((group,), *percent_bounds(percent, 445, 0))
    assert intervals(system, [("team6",)], integer=False)[("team6",)] == pytest.approx((2.225, 15.575))
    assert intervals(system, [("team6",)])[("team6",)] == (3, 14)
    assert protect(system).cells("secondary") == []
    # printed with one decimal the rounding is too fine: the smallest group must go
    for group, count in (("sw", 180), ("ni", 200), ("oap", 60)):
        system = system.printed_as((group,), *percent_bounds(round(100 * count / 445, 1), 445, 1))
    assert protect(system).cells("secondary") == [("oap",)]


def shared_cell() -> CountSystem:
    """p = 5 in two sums that share x = 100: T1 = p + x + a (a = 20), T2 = p + x + b (b = 30).
    Hiding x protects p ([0, 105]); so does hiding a and b (p in [0, 25])."""
    cells = {("p",): 5, ("x",): 100, ("a",): 20, ("b",): 30, ("T1",): 125, ("T2",): 135}
    return CountSystem(cells).link(("T1",), [("p",), ("x",), ("a",)]).link(("T2",), [("p",), ("x",), ("b",)])


def test_objective_cells_or_count():
    assert protect(shared_cell()).cells("secondary") == [("x",)]
    assert set(protect(shared_cell(), Rules(objective="count")).cells("secondary")) == {("a",), ("b",)}


def test_links_between_outcomes_are_followed():
    # "no return after work" has as denominator the count of "outflow to work": hiding only
    # the first outcome's small complement leaves it derivable through the second
    frame = pd.DataFrame(
        [
            ("work", "yes", 12),
            ("work", "no", 88),
            ("work", "n", 100),
            ("no_return", "yes", 10),
            ("no_return", "no", 2),
            ("no_return", "n", 12),
        ],
        columns=["outcome", "status", "count"],
    )
    system = CountSystem.from_margins(
        frame, ["outcome", "status"], totals={"status": "n"}, unpublished={"status": ["no"]}
    )
    linked = system.equal(("work", "yes"), ("no_return", "n"))
    result = protect(linked)
    assert result.cells("primary") == [("no_return", "no")]
    assert result.cells("secondary") == [("no_return", "yes")]  # then no = 12 - yes is in [0, 12]
    assert leaks(linked.hide(result.suppressed)).empty
    # without the link the attacker is weaker, and hiding "no_return n" alone would look safe
    assert leaks(system.hide([("no_return", "n")])).empty
    assert not leaks(linked.hide([("no_return", "n")])).empty  # 12 comes back from "work yes"


def test_extra_primary_cells_and_zeros_rule():
    system = CountSystem.from_margins(
        pd.DataFrame({"g": ["a", "b", "c", "t"], "count": [0, 40, 50, 90]}), ["g"], totals={"g": "t"}
    )
    assert protect(system, Rules(zeros_disclosive=False)).suppressed == {}
    result = protect(system, Rules(zeros_disclosive=False), primary=[("b",)])  # e.g. a dominated magnitude
    assert result.suppressed == {("b",): "primary", ("a",): "secondary"}  # b in [0, 40]


def test_protect_is_deterministic():
    system = two_way({"r0": [3, 20, 14], "r1": [30, 2, 25], "r2": [11, 12, 13]})
    first = protect(system)
    assert all(protect(system).suppressed == first.suppressed for _ in range(3))


def test_protect_needs_true_values():
    with pytest.raises(ValueError, match="true value"):
        protect(two_way({"r0": [3, 20], "r1": [30, 40]}).hide([("r0", "c0")]))


def test_secondary_suppression_is_minimal_by_exhaustive_search():
    system = two_way({"r0": [3, 20, 14], "r1": [30, 2, 25]})
    rules = Rules(integer_attacker=False)
    result = protect(system, rules)
    primary = result.cells("primary")
    free = [k for k in system.cells if k not in primary]
    smallest = next(
        size
        for size in range(len(free) + 1)
        for extra in itertools.combinations(free, size)
        if all(iv.protects(10) for iv in intervals(system, [*primary, *extra], cells=primary, integer=False).values())
    )
    # 3 and 2 sit on a diagonal: hiding the rectangle's other two corners is the least (3 in [1, 23])
    assert len(result.cells("secondary")) == smallest == 2


def effect_table() -> pd.DataFrame:
    """A small effect-study comparison by target group, with a total row: team6's programme
    group has 5 persons, 1 of whom found work; the oap group's control group has 11 no-shows."""
    counts = {  # target group: (n programme, k work programme, k no-show programme, n control, k work, k no-show)
        "sw": (180, 63, 14, 176, 76, 18),
        "ni": (200, 36, 22, 197, 35, 30),
        "team6": (5, 1, 0, 59, 12, 10),
        "oap": (60, 12, 10, 58, 11, 11),
    }
    counts["total"] = tuple(sum(v[i] for v in counts.values()) for i in range(6))
    rows = []
    for group, (n1, w1, s1, n0, w0, s0) in counts.items():
        rows += [
            {
                "outcome": "work",
                "target_group": group,
                "kind": "proportion",
                "n_programme": n1,
                "k_programme": w1,
                "n_control": n0,
                "k_control": w0,
            },
            {
                "outcome": "no_show",
                "target_group": group,
                "kind": "proportion",
                "n_programme": n1,
                "k_programme": s1,
                "n_control": n0,
                "k_control": s0,
            },
            {"outcome": "contacts", "target_group": group, "kind": "mean", "n_programme": n1, "n_control": n0},
        ]
    return pd.DataFrame(rows)


def effect_system(table: pd.DataFrame) -> CountSystem:
    """The usage documented for the adapters: cells from the comparison table, margins over
    target groups and statuses, one n per target group and arm across outcomes."""
    cells = comparison_cells(table, ["outcome", "target_group"], groups=("programme", "control"))
    system = CountSystem.from_margins(
        cells,
        ["outcome", "target_group", "group", "status"],
        totals={"target_group": "total", "status": "n"},
        unpublished={"status": ["no"]},
    )
    for group in table["target_group"].unique():
        for arm in ("programme", "control"):
            system = system.equal(
                ("work", group, arm, "n"), ("no_show", group, arm, "n"), ("contacts", group, arm, "n")
            )
    return system


def test_effect_study_table_is_protected_end_to_end():
    system = effect_system(effect_table())
    result = protect(system)
    assert ("work", "team6", "programme", "n") in result.cells("primary")  # 5 persons
    assert ("no_show", "team6", "programme", "yes") in result.cells("primary")  # a zero
    assert ("no_show", "oap", "control", "no") not in result  # 47 is no small complement
    # a naive gate that hides only the small cells leaks them through the totals
    assert not leaks(system.hide(result.cells("primary"))).empty
    assert leaks(system.hide(result.suppressed)).empty
    assert all(iv.width >= 10 for iv in result.intervals.values())


def test_a_released_long_table_is_audited_with_its_printed_percentages():
    # as released: oap shown only as 13.5 % of 445 (one decimal: 4.45 * [13.45, 13.55] = [59.85, 60.30] persons), team6
    # hidden; team6 = 445 - 180 - 200 - oap is in [4.70, 5.15]: the whole number 5
    released = pd.DataFrame({"g": ["sw", "ni", "oap", "team6", "t"], "count": [180, 200, None, None, 445]})
    released[["low", "high"]] = None
    released.loc[2, ["low", "high"]] = percent_bounds(13.5, 445, 1)
    system = CountSystem.from_margins(released, ["g"], totals={"g": "t"}, printed=("low", "high"))
    assert system.printed == {("oap",): pytest.approx((59.8525, 60.2975))}
    flagged = leaks(system).set_index("cell")
    assert list(flagged.index) == [("team6",)]
    assert tuple(flagged.loc[[("team6",)]].iloc[0]) == (5, 5)
    assert leaks(system, Rules(integer_attacker=False)).iloc[0][["low", "high"]].tolist() == pytest.approx(
        [4.7025, 5.1475]
    )


def test_weights_steer_which_cell_protects():
    # a group of 4 beside a group of 30 and their total 34: one more cell must go. Cheapest is
    # the smaller of 30 and 34 (the group); weighting the group makes the total the cheaper one
    frame = pd.DataFrame({"g": ["a", "b", "t"], "count": [4, 30, 34]})
    system = CountSystem.from_margins(frame, ["g"], totals={"g": "t"})
    assert protect(system).cells("secondary") == [("b",)]
    assert protect(system, weights={("b",): 2.0}).cells("secondary") == [("t",)]
    assert protect(system, weights={("b",): 2.0}).intervals[("a",)].width >= 10
