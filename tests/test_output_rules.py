"""Output rules for curves, magnitudes and models, on data made to break each rule; the
expected rows and values are worked out by hand."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from evalbook.disclosure.curves import release_curve, step_table
from evalbook.disclosure.magnitude import check_magnitude, check_model
from evalbook.disclosure.policy import Rules


def persons(*groups) -> pd.DataFrame:
    """One row per person from ``(group, [(time, event), ...])``."""
    return pd.DataFrame([{"group": g, "time": t, "event": e} for g, rows in groups for t, e in rows])


def test_wgw_programme_with_one_outflow_shows_no_curve():
    # 12 programme persons, 1 outflow (day 40): a step of 1/12 would single that person out
    programme = [(40, True)] + [(365, False)] * 11
    control = [(d, True) for d in range(10, 210, 10)] + [(365, False)] * 180  # 20 outflows among 200
    steps = step_table(persons(("programme", programme), ("control", control)), by="group")
    shown = release_curve(steps, by="group")
    assert "programme" not in set(shown["group"])
    # the control curve: day 0, then steps after 10 and after 20 outflows (days 100 and 200)
    assert list(shown["time"]) == [0, 100, 200]


def no_censoring_curve() -> pd.DataFrame:
    """30 persons, nobody censored before day 10: 4 leave on day 1, 3 on day 2, 5 on day 3,
    2 on day 5, 10 on day 8, 3 on day 9; the other 3 are censored on day 10. Without earlier
    censoring the Kaplan–Meier estimate after day t is (persons left) / 30."""
    rows = [(1, True)] * 4 + [(2, True)] * 3 + [(3, True)] * 5 + [(5, True)] * 2 + [(8, True)] * 10 + \
        [(9, True)] * 3 + [(10, False)] * 3
    steps = step_table(persons(("x", rows)), by="group")
    steps["survival"] = (steps["at_risk"] - steps["events"]) / 30
    return steps


def test_steps_are_merged_until_they_hold_the_minimum():
    steps = no_censoring_curve()
    assert list(steps["at_risk"]) == [30, 30, 26, 23, 18, 16, 6]  # day 0, 1, 2, 3, 5, 8, 9
    shown = release_curve(steps, by="group")
    # days 1-3 merge into one step of 12 (S = 18/30 = 0.6), days 5 and 8 into one of 12
    # (S = 6/30 = 0.2); on day 9 only 6 are at risk: the curve stops
    assert list(shown["time"]) == [0, 3, 8]
    assert list(shown["survival"]) == pytest.approx([1.0, 0.6, 0.2])
    assert list(shown.columns) == ["group", "time", "survival"]  # no counts at risk, no event counts


def test_a_remainder_below_the_minimum_is_not_shown_and_flat_rows_are_kept_when_exact():
    base = pd.DataFrame({"time": [0, 4, 6, 7], "at_risk": [25, 25, 15, 13], "events": [0, 10, 0, 0],
                         "survival": [1.0, 0.6, 0.6, 0.6]})
    assert list(release_curve(base)["time"]) == [0, 4, 6, 7]  # the end of follow-up, nothing pending
    tail = base.assign(events=[0, 10, 2, 0])
    assert list(release_curve(tail)["time"]) == [0, 4]  # 2 events pending: nothing after day 4 is exact


def test_small_groups_and_groups_with_few_events_show_no_curve():
    eight = pd.DataFrame({"time": [0, 1], "at_risk": [8, 8], "events": [0, 8], "survival": [1.0, 0.0]})
    assert release_curve(eight).empty  # fewer than 10 at risk from the start
    nine_events = pd.DataFrame({"time": [0, 1, 2], "at_risk": [50, 50, 45], "events": [0, 5, 4]})
    assert release_curve(nine_events).empty


def test_competing_causes_close_a_step_only_when_every_cause_is_safe():
    steps = pd.DataFrame({"time": [0, 1, 2, 3, 4], "at_risk": [100, 100, 93, 88, 78],
                          "events_work": [0, 6, 5, 0, 3], "events_other": [0, 1, 0, 9, 0],
                          "cif_work": [0, .06, .11, .11, .14], "cif_other": [0, .01, .01, .1, .1]})
    shown = release_curve(steps, events=("events_work", "events_other"))
    # day 1: (6, 1); day 2: (11, 1) - the single 'other' exit still pending; day 3: (11, 10): a step
    assert list(shown["time"]) == [0, 3]
    assert list(shown["cif_other"]) == pytest.approx([0, 0.1])


def test_step_table_counts_causes():
    frame = pd.DataFrame({"time": [1, 1, 2, 3], "event": [True, True, True, False],
                          "cause": ["work", "other", "work", None]})
    steps = step_table(frame, cause="cause")
    assert steps.to_dict("list") == {"time": [0, 1, 2], "at_risk": [4, 4, 2], "events_work": [0, 1, 1],
                                     "events_other": [0, 1, 0]}


def test_the_minimum_is_a_parameter():
    assert list(release_curve(no_censoring_curve(), Rules(min_cell_size=5), by="group")["time"]) == [0, 2, 3, 8]


BALANCED = [12, 9, 15, 11, 10, 14, 8, 13, 9, 11]


@pytest.mark.parametrize("values,rules,expected", [
    (BALANCED, Rules(), (True, "ok")),
    (BALANCED[:9], Rules(), (False, "threshold")),  # 9 persons
    (BALANCED[:9] + [None], Rules(), (False, "threshold")),  # a missing value is no contributor
    ([50, 45] + [1] * 8, Rules(), (False, "dominance")),  # 95 of 103 = 92 % > 90 %
    ([45, 45] + [1.25] * 8, Rules(), (True, "ok")),  # 90 of 100: exactly 90 % is allowed
    ([100, 95] + [1] * 8, Rules(dominance_k=0.99), (False, "p_ratio")),  # rest 8 < 10 % of 100
    ([100, 95] + [2] * 8, Rules(dominance_k=0.99), (True, "ok")),  # rest 16 >= 10
    ([-1] + BALANCED, Rules(), (False, "negative")),
    ([0] * 10, Rules(), (False, "zero")),
    ([0] * 10, Rules(zeros_disclosive=False), (True, "ok")),
])
def test_magnitude_rules(values, rules, expected):
    assert tuple(check_magnitude(values, rules)) == expected


def test_p_ratio_is_implied_by_dominance_with_the_defaults():
    # with n = 2, k = 0.9 a passing cell has rest >= 10 % of the total >= 10 % of the largest
    rng = np.random.default_rng(3)
    for _ in range(200):
        values = rng.pareto(1.0, size=12) * 10
        assert check_magnitude(values).reason != "p_ratio"


@pytest.mark.parametrize("n_obs,ok", [(13, True), (12, False)])
def test_regression_needs_ten_residual_degrees_of_freedom(n_obs, ok):
    rng = np.random.default_rng(0)
    x = sm.add_constant(rng.normal(size=(n_obs, 2)))  # 3 parameters
    fit = sm.OLS(rng.normal(size=n_obs), x).fit()
    assert fit.df_resid == n_obs - 3
    assert tuple(check_model(fit.df_resid)) == ((True, "ok") if ok else (False, "dof"))
