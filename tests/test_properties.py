"""Property-based tests (hypothesis) of the contracts and the statistics helpers."""

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REGISTER_HEADER, REGISTER_ROWS, write_register
from evalbook.core import contract
from evalbook.core.errors import ContractError
from evalbook.disclosure.attacker import intervals
from evalbook.disclosure.linked import CountSystem, protect
from evalbook.disclosure.policy import Rules
from evalbook.report import format as formatting
from evalbook.schemas.register import REGISTER
from evalbook.stats.multiplicity import holm
from evalbook.stats.proportions import proportions

counts = st.integers(min_value=1, max_value=400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@given(counts, counts)
@settings(max_examples=150, deadline=None)
def test_interval_contains_the_estimate_and_agrees_with_the_test(a, b):
    (k1, n1), (k0, n0) = a, b
    r = proportions(k1, n1, k0, n0)
    assert 0 <= r["p_value"] <= 1
    assert r["ci_low"] - 1e-6 <= r["diff"] <= r["ci_high"] + 1e-6
    assert r["ci_low"] >= -100 - 1e-9 and r["ci_high"] <= 100 + 1e-9
    if not (math.isclose(r["p_value"], 0.05, abs_tol=1e-6)):
        assert (r["ci_low"] > 0 or r["ci_high"] < 0) == (r["p_value"] < 0.05)


@given(counts, counts)
@settings(max_examples=100, deadline=None)
def test_swapping_the_groups_mirrors_the_result(a, b):
    (k1, n1), (k0, n0) = a, b
    r, s = proportions(k1, n1, k0, n0), proportions(k0, n0, k1, n1)
    assert s["diff"] == pytest.approx(-r["diff"])
    assert (s["ci_low"], s["ci_high"]) == pytest.approx((-r["ci_high"], -r["ci_low"]), abs=1e-6)
    assert s["p_value"] == pytest.approx(r["p_value"], abs=1e-9)


@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=20))
def test_holm_is_monotone_bounded_and_never_below_raw(p):
    adjusted = holm(p)
    assert all(a >= x - 1e-12 and a <= 1 for a, x in zip(adjusted, p, strict=True))
    order = sorted(range(len(p)), key=lambda i: p[i])
    assert all(adjusted[order[i]] <= adjusted[order[i + 1]] + 1e-12 for i in range(len(p) - 1))


@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(0, 3))
def test_dutch_numbers_read_back(x, decimals):
    text = formatting.number(x, decimals)
    value = float(text.replace(".", "").replace(",", "."))
    assert abs(value - x) <= 0.5 * 10**-decimals + 1e-9 * abs(x)


tables = st.integers(2, 3).flatmap(
    lambda rows: st.integers(2, 3).flatmap(
        lambda columns: st.lists(
            st.lists(st.integers(0, 30), min_size=columns, max_size=columns), min_size=rows, max_size=rows
        )
    )
)


def with_margins(table: list[list[int]]) -> pd.DataFrame:
    """A count table with its row and column totals and the grand total, as a long frame."""
    frame = pd.DataFrame(
        table, index=[f"r{i}" for i in range(len(table))], columns=[f"c{j}" for j in range(len(table[0]))]
    )
    frame.loc["total"] = frame.sum()
    frame["total"] = frame.sum(axis=1)
    return frame.stack().rename_axis(["row", "column"]).rename("count").reset_index()


@given(tables, st.integers(2, 10))
@settings(max_examples=25, deadline=None)
def test_protect_never_leaves_a_small_count(table, minimum):
    """After protection, every count below the minimum (or zero) is hidden, and the attacker, who
    sees only what is shown (the hidden values removed) and knows the margins and that counts are
    whole numbers, cannot narrow any of them to an interval shorter than the minimum."""
    rules = Rules(min_cell_size=minimum)
    system = CountSystem.from_margins(
        with_margins(table), ["row", "column"], totals={"row": "total", "column": "total"}
    )
    small = [key for key, value in system.cells.items() if value < minimum]  # zeros too
    protection = protect(system, rules)
    assert set(small) <= set(protection.suppressed)
    released = system.hide(protection.suppressed)
    found = intervals(released, cells=small)
    assert all(iv.high - iv.low >= minimum - 1e-6 for iv in found.values()), found
    # the attacker is not blind: a small count hidden alone in a row or column of shown counts it
    # gets back exactly, so the margins do force secondary suppression there
    alone = [
        key
        for key in small
        if any(key in r.members and not set(r.members) & (set(small) - {key}) for r in system.relations)
    ]
    if alone:
        exact = intervals(system.hide(small), cells=alone)
        assert all(iv.high == iv.low for iv in exact.values())


COLUMNS = REGISTER_HEADER.split(",")
BAD_VALUES = {
    "age": "abc",
    "sex": "x",
    "group": "both",
    "contacts_total": "-1",
    "no_show": "misschien",
    "start_date": "2017-13-01",
    "parttime_months": "1.5",
    "education": "phd",
}


@given(st.sampled_from(sorted(BAD_VALUES)), st.integers(0, len(REGISTER_ROWS) - 1))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_single_bad_cell_is_reported_with_its_column_and_line(tmp_path, column, row):
    rows = [r.split(",") for r in REGISTER_ROWS]
    rows[row][COLUMNS.index(column)] = BAD_VALUES[column]
    path = write_register(tmp_path / "r.csv", [",".join(r) for r in rows])
    with pytest.raises(ContractError) as info:
        contract.read(path, REGISTER)
    assert f"column '{column}'" in str(info.value) and f"line {row + 2}" in str(info.value)


@given(st.permutations(COLUMNS))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_column_order_does_not_matter(tmp_path, order):
    rows = [dict(zip(COLUMNS, r.split(","), strict=True)) for r in REGISTER_ROWS]
    lines = [",".join(order)] + [",".join(r[c] for c in order) for r in rows]
    (tmp_path / "p.csv").write_text("\n".join(lines) + "\n")
    frame = contract.read(tmp_path / "p.csv", REGISTER)
    standard = contract.read(write_register(tmp_path / "s.csv"), REGISTER)
    pd.testing.assert_frame_equal(frame, standard)
