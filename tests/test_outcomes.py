"""Outcome derivation on a register whose outcomes are known by hand (see conftest)."""

import pandas as pd
import pytest

from evalbook.analysis import outcomes
from evalbook.core import contract
from evalbook.report.labels import outcome_label
from evalbook.schemas.register import REGISTER


@pytest.fixture
def derived(register_file):
    return outcomes.derive(contract.read(register_file, REGISTER), follow_up_months=12)


def test_outflow_within_the_window_only(derived):
    # P2's outflow (2018-10-01) falls after the 12-month window that ends 2018-09-01
    assert derived["outflow"].tolist() == [True, False, True, False]
    assert derived["outflow_work"].tolist() == [True, False, True, False]
    assert derived["outflow_other"].tolist() == [False, False, False, False]


def test_no_return_is_defined_among_work_outflow_only(derived):
    # P1 went back on benefit, P3 did not; P2 and P4 are not in the denominator
    no_return = derived["no_return_after_work"]
    assert no_return.astype(object).where(no_return.notna(), None).tolist() == [False, None, True, None]


def test_active_is_work_or_parttime(derived):
    assert derived["parttime"].tolist() == [True, False, False, False]
    assert derived["active"].tolist() == [True, False, True, False]


def test_services(derived):
    assert derived["handover_matching"].tolist() == [False, False, True, False]
    assert derived["handover_mo"].tolist() == [False, True, False, False]
    assert derived["no_show"].tolist() == [False, False, False, True]
    assert derived["contacts_total"].tolist() == [10, 20, 7, 3]


def test_a_longer_window_counts_later_events(register_file):
    df = contract.read(register_file, REGISTER)
    assert outcomes.derive(df, follow_up_months=14)["outflow_other"].tolist() == [False, True, False, False]
    # a shorter window (4 months, to 2018-01-01) drops P1's January outflow
    assert outcomes.derive(df, follow_up_months=4)["outflow"].tolist() == [False, False, False, False]


def test_window_is_capped_at_the_reference_date(register_file):
    df = contract.read(register_file, REGISTER)
    assert (outcomes.window_end(df, 60) == pd.Timestamp("2018-10-31")).all()


def test_window_must_be_positive(register_file):
    df = contract.read(register_file, REGISTER)
    with pytest.raises(ValueError, match="follow_up_months"):
        outcomes.derive(df, 0)


def test_outflow_as_a_status_at_the_end_of_the_window(register_file):
    df = contract.read(register_file, REGISTER)
    derived = outcomes.derive(df, follow_up_months=12, outflow_measure="status")
    # P1 left for work but was back on benefit in May 2018: not off benefit at the end
    assert derived["outflow"].tolist() == [False, False, True, False]
    assert derived["outflow_work"].tolist() == [True, False, True, False]  # events are unchanged
    # with a 6-month window (to 2018-03-01, inclusive) P1's return falls outside it: off benefit then
    assert outcomes.derive(df, 6, "status")["outflow"].tolist() == [True, False, True, False]


def test_outcome_selection_and_the_outflow_label():
    chosen = outcomes.selection(["parttime", "outflow"], "status")
    assert [o.name for o in chosen] == ["outflow", "parttime"]  # in the book's order
    assert outcome_label("outflow", "status") == "Geen uitkering aan het eind van de volgperiode"
    assert outcome_label("outflow") == "Uitstroom uit de uitkering"
    assert all(outcome_label(o.name) for o in outcomes.OUTCOMES)  # every outcome has its Dutch label
    with pytest.raises(ValueError, match="unknown outcome"):
        outcomes.selection(["handover"])
    with pytest.raises(ValueError, match="outflow_measure"):
        outcomes.selection(None, "stock")
    with pytest.raises(ValueError, match="outflow_measure"):
        outcomes.derive(pd.DataFrame(), 12, "stock")


def test_the_other_reading_of_outflow():
    assert outcomes.other_measure("event") == "status" and outcomes.other_measure("status") == "event"
    with pytest.raises(ValueError, match="outflow_measure"):
        outcomes.other_measure("stock")
