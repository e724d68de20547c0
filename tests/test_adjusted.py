"""Adjusted effects (stats.adjusted on design matrices, the effect study's adjusted table)
against independent computations: a formula-built statsmodels fit with the AME by hand, a
numerical-gradient delta method, statsmodels' own marginal effects, and the closed forms of
the models without covariates; collapsing alike persons into weighted rows changes nothing."""

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from evalbook.analysis import effect, outcomes
from evalbook.core import contract
from evalbook.schemas.register import REGISTER
from evalbook.stats import adjusted

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wgw():
    register = contract.read(ROOT / "data/synthetic/wgw/register.csv", REGISTER)
    return effect.with_covariates(register, 12)


def _row(frame, name, **kwargs):
    return effect.adjusted_effect(frame, outcomes.BY_NAME[name], **kwargs)


def _formula_fit(frame, name):
    data = frame.assign(
        y=frame[name].astype(float),
        treated=(frame["group"] == "programme").astype(float),
        age=frame["age"].astype(float),
        benefit_months=frame["benefit_months"].astype(float),
    )
    data = pd.DataFrame(
        {
            c: data[c].to_numpy(dtype=object if c in ("sex", "education") else float)
            for c in ("y", "treated", "sex", "age", "education", "benefit_months")
        }
    )
    # a different parametrisation (education reference 'high', sex reference 'female'):
    # predictions and hence the AME must not depend on it
    formula = "y ~ treated + C(sex, Treatment('male')) + age + C(education, Treatment('high')) + benefit_months"
    return data, smf.logit(formula, data).fit(disp=0)


@pytest.mark.parametrize("name", ["outflow", "outflow_work", "handover_matching", "no_show"])
def test_ame_equals_mean_difference_of_predictions_from_an_independent_fit(wgw, name):
    data, fit = _formula_fit(wgw, name)
    by_hand = np.mean(fit.predict(data.assign(treated=1.0)) - fit.predict(data.assign(treated=0.0)))
    assert _row(wgw, name)["ame"] == pytest.approx(100 * by_hand, rel=1e-6)


@pytest.mark.parametrize("name", ["outflow", "handover_mo"])
def test_delta_method_se_against_a_numerical_gradient(wgw, name):
    data, fit = _formula_fit(wgw, name)
    exog = fit.model.exog
    treated = fit.model.exog_names.index("treated")
    x1, x0 = exog.copy(), exog.copy()
    x1[:, treated], x0[:, treated] = 1.0, 0.0

    def ame(beta):
        return np.mean(1 / (1 + np.exp(-x1 @ beta)) - 1 / (1 + np.exp(-x0 @ beta)))

    beta, h = fit.params.to_numpy(), 1e-6
    grad = np.array([(ame(beta + h * e) - ame(beta - h * e)) / (2 * h) for e in np.eye(len(beta))])
    se = math.sqrt(grad @ fit.cov_params().to_numpy() @ grad)
    z = stats.norm.isf(0.025)
    row = _row(wgw, name)
    assert (row["ame_high"] - row["ame_low"]) / 2 == pytest.approx(100 * z * se, rel=1e-5)
    assert row["ame_p"] == pytest.approx(2 * stats.norm.sf(ame(beta) / se), rel=1e-5)
    # statsmodels' discrete-change marginal effect (its own numerical delta method) agrees too
    margeff = fit.get_margeff(at="overall", dummy=True)
    assert 100 * margeff.margeff[treated - 1] == pytest.approx(row["ame"], rel=1e-6)
    assert margeff.margeff_se[treated - 1] == pytest.approx(se, rel=1e-4)


@pytest.mark.parametrize("name", ["outflow", "outflow_other", "handover_mo"])
def test_without_covariates_the_ame_is_the_raw_difference_with_the_wald_se(wgw, name):
    y = wgw[name].astype(bool)
    k1, n1 = int(y[wgw["group"] == "programme"].sum()), int((wgw["group"] == "programme").sum())
    k0, n0 = int(y[wgw["group"] == "control"].sum()), int((wgw["group"] == "control").sum())
    p1, p0 = k1 / n1, k0 / n0
    se = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    row = _row(wgw, name, covariates=(), alpha=0.10)
    z = stats.norm.isf(0.05)
    assert row["ame"] == pytest.approx(100 * (p1 - p0), abs=1e-9)
    assert row["ame_low"] == pytest.approx(100 * (p1 - p0 - z * se), rel=1e-6)
    assert row["ame_high"] == pytest.approx(100 * (p1 - p0 + z * se), rel=1e-6)


def test_mean_outcome_without_covariates_is_the_difference_of_means_with_hc3_se(wgw):
    # with only a group indicator, HC3 gives var = s1²/(n1-1) + s0²/(n0-1) (s² with n-1)
    x1 = wgw.loc[wgw["group"] == "programme", "contacts_total"].to_numpy()
    x0 = wgw.loc[wgw["group"] == "control", "contacts_total"].to_numpy()
    se = math.sqrt(x1.var(ddof=1) / (len(x1) - 1) + x0.var(ddof=1) / (len(x0) - 1))
    t = stats.t.isf(0.025, len(x1) + len(x0) - 2)
    row = _row(wgw, "contacts_total", covariates=())
    assert row["ame"] == pytest.approx(x1.mean() - x0.mean())
    assert row["ame_high"] - row["ame"] == pytest.approx(t * se, rel=1e-9)


def test_mean_outcome_is_the_ols_coefficient(wgw):
    data, _ = _formula_fit(wgw, "outflow")
    data["y"] = wgw["contacts_selected"].to_numpy(dtype=float)
    fit = smf.ols("y ~ treated + C(sex) + age + C(education) + benefit_months", data).fit(cov_type="HC3")
    row = _row(wgw, "contacts_selected")
    assert row["ame"] == pytest.approx(fit.params["treated"], rel=1e-9)
    assert row["ame_p"] == pytest.approx(2 * stats.t.sf(abs(fit.tvalues["treated"]), fit.df_resid), rel=1e-6)


def test_denominator_and_too_few_events(wgw):
    # no return after work: 31 of 33 and 19 of 21, only 2 'no' per group
    row = _row(wgw, "no_return_after_work")
    assert math.isnan(row["ame"]) and row["reason"] == effect.TOO_FEW_EVENTS
    # with the threshold lowered, the covariates separate these 4 'no's ...
    row = _row(wgw, "no_return_after_work", min_events=1)
    assert math.isnan(row["ame"]) and row["reason"] == adjusted.SEPARATED
    # ... and without covariates the AME is the difference among work outflow only
    row = _row(wgw, "no_return_after_work", min_events=1, covariates=())
    assert row["ame"] == pytest.approx(100 * (31 / 33 - 19 / 21))


def test_perfect_separation_gives_nan_with_a_reason_and_no_warning():
    rng = np.random.default_rng(3)
    n = 200
    frame = pd.DataFrame(
        {
            "group": np.where(np.arange(n) < 100, "programme", "control"),
            "sex": rng.choice(["male", "female"], n),
            "age": rng.integers(20, 60, n),
            "education": rng.choice(["low", "middle", "high", "unknown"], n),
            "benefit_months": rng.integers(0, 100, n),
        }
    )
    frame["outflow"] = pd.array(frame["age"] >= 40, dtype="boolean")  # age separates completely
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        row = effect.adjusted_effect(frame, outcomes.BY_NAME["outflow"], min_events=1)
    assert math.isnan(row["ame"]) and row["reason"] == adjusted.SEPARATED


def test_wgw_table_is_warning_free_and_complete(wgw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = effect.adjusted_table(wgw)
    assert list(table.columns) == ["outcome", "ame", "ame_low", "ame_high", "ame_p", "method", "reason"]
    assert list(table["outcome"]) == [o.name for o in outcomes.OUTCOMES]
    ok = table["reason"].isna()
    assert ok.sum() == len(table) - 1
    assert (table.loc[ok, "ame_low"] < table.loc[ok, "ame"]).all()
    assert (table.loc[ok, "ame"] < table.loc[ok, "ame_high"]).all()


def test_design_drops_indicators_without_variation():
    frame = pd.DataFrame(
        {
            "group": ["programme", "control", "control"],
            "sex": ["male"] * 3,
            "age": [20, 30, 40],
            "education": ["low", "middle", "low"],
            "benefit_months": [1, 2, 3],
        }
    )
    assert list(effect.design(frame).columns) == ["const", "treated", "age", "education_middle", "benefit_months"]


def test_collinear_covariates_and_an_empty_group_give_their_reason():
    frame = pd.DataFrame(
        {
            "group": ["programme", "control"] * 10,
            "sex": ["male"] * 20,
            "age": list(range(20, 40)),
            "education": ["low"] * 20,
            "benefit_months": [2 * a for a in range(20, 40)],  # twice the age: collinear
            "outflow": pd.array([True, False, False, True] * 5, dtype="boolean"),
        }
    )
    assert effect.adjusted_effect(frame, outcomes.BY_NAME["outflow"], min_events=1)["reason"] == effect.COLLINEAR
    programme_only = frame.assign(group="programme")
    assert effect.adjusted_effect(programme_only, outcomes.BY_NAME["outflow"])["reason"] == effect.EMPTY_GROUP


def test_newton_fit_equals_statsmodels_logit_and_weights_equal_repeated_rows():
    rng = np.random.default_rng(5)
    n = 400
    x = np.c_[np.ones(n), rng.integers(0, 2, n), rng.integers(0, 2, n), rng.integers(20, 30, n)].astype(float)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-2 + 0.5 * x[:, 1] + 0.3 * x[:, 2] + 0.05 * x[:, 3])))).astype(float)
    reference = sm.Logit(y, x).fit(disp=0)
    beta, cov, converged = adjusted.logit_fit(y, x, np.ones(n))
    assert converged
    assert beta == pytest.approx(reference.params, rel=1e-8)
    assert cov == pytest.approx(reference.cov_params(), rel=1e-6)
    # the same data as distinct rows with counts
    rows, counts = np.unique(np.c_[x, y], axis=0, return_counts=True)
    assert len(rows) < n / 2
    whole = adjusted.logit_ame(y, x, 1)
    collapsed = adjusted.logit_ame(rows[:, -1], rows[:, :-1], 1, weights=counts)
    for key in ("ame", "ame_low", "ame_high", "ame_p"):
        assert collapsed[key] == pytest.approx(whole[key], rel=1e-9)
