"""The attacker finds planted leaks, and protect() closes each of them with the suppression a
hand calculation says is the least needed.

Every interval below is worked out by hand in the comments; the tests compare the LP/MILP
attacker against those numbers, never against its own output.
"""

import pandas as pd
import pytest

from evalbook.core.errors import DisclosureError
from evalbook.core.rounding import printed_interval
from evalbook.disclosure.attacker import intervals, leaks
from evalbook.disclosure.linked import CountSystem, protect
from evalbook.disclosure.policy import Rules


def one_way(counts: dict, total_level="total", column="g") -> CountSystem:
    """A one-dimensional table: parts plus their total."""
    frame = pd.DataFrame({column: list(counts), "count": list(counts.values())})
    return CountSystem.from_margins(frame, [column], totals={column: total_level})


def arm_vs_total() -> CountSystem:
    """(a) 13 of the programme shown, the total 14 shown: the control group's 1 follows."""
    return one_way({"programme": 13, "control": 1, "total": 14})


def groups_vs_total() -> CountSystem:
    """(b) Route 3: Team 6 has 5 programme persons; 445 in total, 180/200/60 in the others."""
    return one_way({"stilstaand_water": 180, "nieuwe_instroom": 200, "oap": 60, "team6": 5, "total": 445})


N_MEAN = {"g1": 100, "g2": 120, "g3": 150, "g4": 40}
K_MEAN = {"g1": 30, "g2": 50, "g3": 60, "g4": 3}


def mean_of_shares() -> CountSystem:
    """(c) four group counts, their pooled total and the unweighted mean of the four shares
    (30 %, 41.67 %, 40 %, 7.5 %: mean 29.79, printed 29.8)."""
    system = one_way({**K_MEAN, "total": sum(K_MEAN.values())})
    return system.combination(
        ("mean",), {(g,): 100 / (4 * N_MEAN[g]) for g in N_MEAN}, printed=printed_interval(29.8, 1)
    )


def arms_with_status(yes: dict, n: dict) -> CountSystem:
    """An outcome by arm (programme, control, total) and status (yes, no, n); ``no`` is never printed."""
    rows = [
        (arm, status, value)
        for arm in yes
        for status, value in (("yes", yes[arm]), ("no", n[arm] - yes[arm]), ("n", n[arm]))
    ]
    frame = pd.DataFrame(rows, columns=["arm", "status", "count"])
    return CountSystem.from_margins(
        frame, ["arm", "status"], totals={"arm": "total", "status": "n"}, unpublished={"status": ["no"]}
    )


def zero_cell() -> CountSystem:
    """(d) nobody in the programme had a no-show (0 of 50); 25 of 60 in the control group."""
    return arms_with_status(
        {"programme": 0, "control": 25, "total": 25}, {"programme": 50, "control": 60, "total": 110}
    )


def everyone() -> CountSystem:
    """(e) every programme person (40 of 40) has the outcome: the complement 0 is the leak."""
    return arms_with_status(
        {"programme": 40, "control": 30, "total": 70}, {"programme": 40, "control": 50, "total": 90}
    )


# case: system, cells a naive gate hides, the primary cell, its interval then (by hand),
# the secondary cells protect() must choose (alternatives of equal cost as a set of options)
CASES = {
    # control = 14 - 13
    "arm_vs_total": (arm_vs_total, [("control",)], ("control",), (1, 1), [{("programme",)}]),
    # team6 = 445 - 180 - 200 - 60; hiding the smallest other group (60) gives [0, 65]
    "groups_vs_total": (groups_vs_total, [("team6",)], ("team6",), (5, 5), [{("oap",)}]),
    # g4 = 143 - 30 - 50 - 60
    "mean_of_shares": (mean_of_shares, [("g4",)], ("g4",), (3, 3), [{("g1",), ("mean",)}]),
    # programme yes = 25 - 25; hiding the control's or the total's 25 gives [0, 25]
    "zero_cell": (
        zero_cell,
        [("programme", "yes")],
        ("programme", "yes"),
        (0, 0),
        [{("control", "yes")}, {("total", "yes")}],
    ),
    # programme no = 40 - 40 although nothing is hidden: the complement is never printed
    "everyone": (everyone, [], ("programme", "no"), (0, 0), [{("programme", "yes"), ("control", "yes")}]),
}


@pytest.mark.parametrize("case", CASES)
def test_attacker_finds_the_planted_leak(case):
    build, naive, cell, expected, _ = CASES[case]
    found = intervals(build(), naive, cells=[cell])[cell]
    assert found == pytest.approx(expected)
    assert not found.protects(10)


@pytest.mark.parametrize("case", CASES)
def test_leak_audit_flags_the_naive_release(case):
    build, naive, cell, expected, _ = CASES[case]
    flagged = leaks(build().hide(naive))
    assert cell in set(flagged["cell"])
    row = flagged.set_index("cell").loc[[cell]].iloc[0]
    assert (row["low"], row["high"]) == pytest.approx(expected)


@pytest.mark.parametrize("case", CASES)
def test_protect_closes_the_leak_with_the_least_suppression(case):
    build, _, cell, _, options = CASES[case]
    system = build()
    result = protect(system)
    assert result.suppressed[cell] == "primary"
    assert set(result.cells("secondary")) in options
    assert result.intervals[cell].width >= 10
    assert leaks(system.hide(result.suppressed)).empty


def test_protected_intervals_match_hand_calculation():
    assert protect(arm_vs_total()).intervals[("control",)] == pytest.approx((0, 14))  # 14 - programme, programme >= 0
    assert protect(groups_vs_total()).intervals[("team6",)] == pytest.approx((0, 65))  # 445 - 380 = oap + team6
    assert protect(mean_of_shares()).intervals[("g4",)] == pytest.approx((0, 33))  # 143 - 110 = g1 + g4
    assert protect(everyone()).intervals[("programme", "no")] == pytest.approx((0, 20))  # yes in [20, 40]


def test_mean_of_shares_alone_gives_the_count_back_in_whole_numbers():
    # total hidden too: the shares add up to 4 * [29.75, 29.85] = [119.0, 119.4] %, so g4's share
    # is that minus 30 + 41.667 + 40 = [7.333, 7.733] % of 40: g4 in [2.933, 3.093], only 3 is whole
    lp = intervals(mean_of_shares(), [("g4",), ("total",)], cells=[("g4",)], integer=False)[("g4",)]
    assert lp == pytest.approx((2.9333, 3.0933), abs=1e-3)
    assert intervals(mean_of_shares(), [("g4",), ("total",)], cells=[("g4",)])[("g4",)] == (3, 3)
    # two groups hidden beside the total shown: 42 + (1/0.4 - 1/1.5) * g4 in [47.333, 47.733]
    lp = intervals(mean_of_shares(), [("g4",), ("g3",)], cells=[("g4",)], integer=False)[("g4",)]
    assert lp == pytest.approx((2.9091, 3.1273), abs=1e-3)


def integrality_case() -> CountSystem:
    """a = 5 (small), b = 50, total 55, and a published q = 1.5 a + 0.5 b printed as [27.9, 38.0].
    With a and b hidden, q = 27.5 + a, so a is in [0.4, 10.5] (width 10.1) but, in whole
    numbers, in [1, 10] (width 9)."""
    system = one_way({"a": 5, "b": 50, "total": 55})
    return system.combination(("q",), {("a",): 1.5, ("b",): 0.5}, printed=(27.9, 38.0))


def test_whole_numbers_narrow_the_interval():
    system = integrality_case()
    assert intervals(system, [("a",), ("b",)], cells=[("a",)], integer=False)[("a",)] == pytest.approx((0.4, 10.5))
    assert intervals(system, [("a",), ("b",)], cells=[("a",)])[("a",)] == (1, 10)


def test_protect_uses_the_integer_attacker_as_a_final_check():
    system = integrality_case()
    assert protect(system, Rules(integer_attacker=False)).cells("secondary") == [("b",)]
    assert set(protect(system).cells("secondary")) == {("b",), ("q",)}


def test_unbounded_cells_have_an_infinite_interval():
    system = one_way({"x": 5, "y": 50, "total": 55})
    assert intervals(system, [("x",), ("total",)], cells=[("x",)])[("x",)] == (0, float("inf"))


def test_contradictory_publication_is_refused():
    system = one_way({"x": 5, "y": 50, "total": 55}).printed_as(("y",), 60, 61)  # y > total
    with pytest.raises(DisclosureError, match="contradict"):
        intervals(system, [("x",)])


def test_safe_release_has_no_leaks_and_large_derivable_cells_are_no_leak():
    system = groups_vs_total()
    assert leaks(system.hide([("team6",), ("oap",)])).empty
    assert leaks(system.hide([("stilstaand_water",)])).empty  # 180 follows exactly, but it is no small count
