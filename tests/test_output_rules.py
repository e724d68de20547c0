"""Output rules for curves, magnitudes and models, on data made to break each rule, by
themselves and as the gates apply them; the expected rows and values are worked out by hand."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from evalbook.analysis import effect, published
from evalbook.book import config
from evalbook.book.chapter import Chapter
from evalbook.disclosure import effect as effect_gate
from evalbook.disclosure.curves import release_curve, release_survival, step_table
from evalbook.disclosure.linked import CountSystem, Relation, protect
from evalbook.disclosure.magnitude import check_magnitude, check_model, protect_means
from evalbook.disclosure.policy import Rules
from evalbook.stats import adjusted, survival


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
    rows = (
        [(1, True)] * 4
        + [(2, True)] * 3
        + [(3, True)] * 5
        + [(5, True)] * 2
        + [(8, True)] * 10
        + [(9, True)] * 3
        + [(10, False)] * 3
    )
    steps = step_table(persons(("x", rows)), by="group")
    steps["survival"] = (steps["at_risk"] - steps["events"]) / 30
    return steps


def test_steps_are_merged_until_they_hold_the_minimum():
    steps = no_censoring_curve()
    assert list(steps["at_risk"]) == [30, 30, 26, 23, 18, 16, 6]  # day 0, 1, 2, 3, 5, 8, 9
    shown = release_curve(steps, by="group")
    # days 1-3 merge into one step of 12 (S = 18/30 = 0.6), days 5 and 8 into one of 12; on
    # day 9 only 6 are at risk: the curve stops. The 3 exits of day 9 would then follow from
    # the table's 27 in all minus the 24 of the steps: the step of day 8 goes into that
    # remainder (15), which is not shown
    assert list(shown["time"]) == [0, 3]
    assert list(shown["survival"]) == pytest.approx([1.0, 0.6])
    assert list(shown.columns) == ["group", "time", "survival"]  # no counts at risk, no event counts


def test_a_remainder_below_the_minimum_is_not_shown_and_flat_rows_are_kept_when_exact():
    base = pd.DataFrame(
        {"time": [0, 4, 6, 7], "at_risk": [25, 25, 15, 13], "events": [0, 10, 0, 0], "survival": [1.0, 0.6, 0.6, 0.6]}
    )
    assert list(release_curve(base)["time"]) == [0, 4, 6, 7]  # the end of follow-up, nothing pending
    tail = base.assign(events=[0, 10, 2, 0])
    # 2 exits after day 4 would follow from the total of 12: one step of 12 at the end instead
    assert list(release_curve(tail)["time"]) == [0, 7]


def test_small_groups_and_groups_with_few_events_show_no_curve():
    eight = pd.DataFrame({"time": [0, 1], "at_risk": [8, 8], "events": [0, 8], "survival": [1.0, 0.0]})
    assert release_curve(eight).empty  # fewer than 10 at risk from the start
    nine_events = pd.DataFrame({"time": [0, 1, 2], "at_risk": [50, 50, 45], "events": [0, 5, 4]})
    assert release_curve(nine_events).empty


def test_competing_causes_close_a_step_only_when_every_cause_is_safe():
    steps = pd.DataFrame(
        {
            "time": [0, 1, 2, 3, 4],
            "at_risk": [100, 100, 93, 88, 78],
            "events_work": [0, 6, 5, 0, 3],
            "events_other": [0, 1, 0, 9, 0],
            "cif_work": [0, 0.06, 0.11, 0.11, 0.14],
            "cif_other": [0, 0.01, 0.01, 0.1, 0.1],
        }
    )
    shown = release_curve(steps, events=("events_work", "events_other"))
    # day 1: (6, 1); day 2: (11, 1) - the single 'other' exit still pending; day 3: (11, 10): a
    # step, but then the 3 exits to work of day 4 would follow from the totals (14, 10): one
    # step of (14, 10) on day 4 instead
    assert list(shown["time"]) == [0, 4]
    assert list(shown["cif_work"]) == pytest.approx([0, 0.14])
    assert list(shown["cif_other"]) == pytest.approx([0, 0.1])


def test_step_table_counts_causes():
    frame = pd.DataFrame(
        {"time": [1, 1, 2, 3], "event": [True, True, True, False], "cause": ["work", "other", "work", None]}
    )
    steps = step_table(frame, cause="cause")
    assert steps.to_dict("list") == {
        "time": [0, 1, 2],
        "at_risk": [4, 4, 2],
        "events_work": [0, 1, 1],
        "events_other": [0, 1, 0],
    }


def test_the_minimum_is_a_parameter():
    # exits 4, 3, 5, 2, 10, 3 on days 1, 2, 3, 5, 8, 9 (6 at risk on day 9: enough for 5): steps
    # of 7 (day 2), 5 (day 3) and 12 (day 8) leave 3; merged, days 5-9 make one step of 15
    assert list(release_curve(no_censoring_curve(), Rules(min_cell_size=5), by="group")["time"]) == [0, 2, 3, 9]


BALANCED = [12, 9, 15, 11, 10, 14, 8, 13, 9, 11]


@pytest.mark.parametrize(
    "values,rules,expected",
    [
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
    ],
)
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


# -- the rules as the gates apply them -------------------------------------------------------------


def km_frames(times_events: dict[str, list[tuple[int, bool, str | None]]]):
    """Kaplan–Meier and cumulative-incidence frames (evalbook.stats.survival) of hand-made persons."""
    tte = pd.DataFrame(
        [{"group": g, "days": t, "event": e, "cause": c} for g, rows in times_events.items() for t, e, c in rows]
    )
    return survival.kaplan_meier(tte), survival.cumulative_incidence(tte)


def test_released_curves_have_only_steps_of_the_minimum():
    """12 programme persons, one leaving on day 40 (the curve would drop to 11/12 = 91,7 % and
    the work panel show 1/12 = 8,3 %): no programme curve. 200 controls, 10 leaving for work
    on days 10-100 and 10 for other reasons on days 110-200: a step on day 100 (10 to work,
    none for other reasons: S = 190/200, 5 % to work) and on day 200 (10 for other reasons:
    S = 180/200); nothing in between."""
    programme = [(40, True, "work")] + [(365, False, None)] * 11
    control = (
        [(10 * d, True, "work") for d in range(1, 11)]
        + [(10 * d, True, "other") for d in range(11, 21)]
        + [(365, False, None)] * 180
    )
    km, cif = km_frames({"programme": programme, "control": control})
    shown_km, shown_cif = release_survival(km, cif)
    assert "programme" not in set(shown_km["group"]) | set(shown_cif["group"])
    assert list(shown_km["days"]) == [0, 100, 200, 365]
    assert list(shown_km["survival"]) == pytest.approx([1.0, 0.95, 0.9, 0.9])
    for cause, values in (("work", [0, 0.05, 0.05, 0.05]), ("other", [0, 0, 0.05, 0.05])):
        rows = shown_cif[shown_cif["cause"] == cause]
        assert list(rows["days"]) == [0, 100, 200, 365] and list(rows["cif"]) == pytest.approx(values)
    assert {"low", "high"} <= set(shown_cif.columns) and "at_risk" not in shown_km


def test_means_dominated_by_one_person_are_hidden_with_a_total_that_would_give_them_back():
    spread = [20, 25, 30, 22, 28, 26, 24, 27, 23, 25]
    dominated = [400, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]  # 401 of 411: one person is the mean
    hidden = protect_means(
        {"a": spread * 3, "b": dominated, "c": spread * 2, "total": spread * 5 + dominated},
        [("total", ["a", "b", "c"])],
    )
    # b by the dominance rule; then the pooled total minus a and c gives b's sum: c (the fewest
    # contributors still shown) goes too, and b with c together pass
    assert hidden == {"b": "dominance", "c": "secondary"}
    assert check_magnitude(dominated + spread * 2).ok


def test_zeros_are_disclosive_only_when_the_rule_says_so():
    zero = CountSystem({("a",): 0.0, ("b",): 40.0, ("t",): 40.0}, (Relation(("t",), (("a",), ("b",)), (1.0, 1.0)),))
    hidden = protect(zero)
    assert hidden.suppressed[("a",)] == "primary" and len(hidden.suppressed) == 2  # b or t must go too
    assert hidden.intervals[("a",)].width >= 10
    assert not protect(zero, Rules(zeros_disclosive=False)).suppressed


def test_the_thresholds_are_chapter_parameters_with_these_defaults():
    declared = config.load().parameters
    for name in ("min_cell_size", "zeros_disclosive", "dominance_n", "dominance_k", "p_ratio", "min_residual_df"):
        assert declared[name].default == getattr(Rules(), name)
    assert Rules.from_parameters({"min_cell_size": 5, "dominance_k": 0.8, "alpha": 0.05}) == Rules(
        min_cell_size=5, dominance_k=0.8
    )


def small_register(n: int) -> pd.DataFrame:
    """``n`` programme and ``n`` control persons of WGW's embedded register."""
    register = Chapter("effect_study", "wgw", {}).read("register")
    return pd.concat([register[register["group"] == g].head(n) for g in ("programme", "control")], ignore_index=True)


@pytest.mark.parametrize("min_df,shown", [(10, True), (30, False)])
def test_an_adjusted_effect_needs_the_residual_degrees_of_freedom(min_df, shown):
    """12 + 12 persons, 8 parameters: 16 residual degrees of freedom."""
    register = small_register(12)
    study = effect.analyse(register, published.load("wgw", "effect_study"), outcomes_shown=["contacts_total"])
    row = study.table.iloc[0]
    assert pd.notna(row["ame"]) and row["n_programme"] + row["n_control"] - 8 == 16
    released = effect_gate.release(study, Rules(min_residual_df=min_df))
    out = released.table.iloc[0]
    assert pd.notna(out["diff"])  # the means themselves pass the magnitude rules
    assert pd.notna(out["ame"]) == shown
    assert (out["reason"] == adjusted.TOO_FEW_ROWS) != shown


@pytest.mark.slow  # runs a chapter's study
def test_the_wgw_curves_track_the_estimate_and_end_where_the_table_says():
    """WGW as embedded (issue 21): before, the programme group's curve stayed at 100% until day
    97 (its first step held 20 exits, 10 per route) and stopped on day 164 with some 250 still
    at risk. Now each step of the Kaplan–Meier curve holds at least 10 exits and fewer than 30
    (a step of about 10, or the last step merged with a rest of fewer than 10), the first
    comes after the first 10 exits, and both curves end on the last day of follow-up at one
    minus the table's outflow share; the caption says so and no longer claims that a curve
    stops where fewer than 10 remain."""
    from conftest import effect_study
    from evalbook.report import effect_figures

    study, rules = effect_study("wgw")
    released = effect_gate.release(study, rules)
    m = rules.min_cell_size
    table = released.total.set_index("outcome").loc["outflow"]
    for group, curve in released.km.groupby("group"):
        raw = study.km[study.km["group"] == group]
        n = raw["at_risk"].iloc[0]
        exits = np.rint(n * (1 - curve["survival"].to_numpy())).astype(int)  # nobody censored before the end
        assert (np.diff(exits) >= m).all() and (np.diff(exits) < 3 * m).all()
        first = raw.loc[np.rint(n * (1 - raw["survival"])) >= m, "days"].iloc[0]
        assert curve["days"].iloc[1] == first
        assert curve["days"].iloc[-1] == raw["days"].max() == released.curve_end
        assert curve["survival"].iloc[-1] == pytest.approx(1 - table[f"value_{group}"] / 100)
    note = effect_figures.curve_note(released)
    assert "stopt" not in note and "eindigen bij de uitstroom in de tabel" in note
