"""Minimum detectable effects (stats.power, the effect study's MDE table and its sentences)
against the textbook sample-size formula and statsmodels' power."""

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import power_proportions_2indep

from evalbook.analysis import effect, outcomes
from evalbook.core import contract
from evalbook.report.effect import detectable_sentence
from evalbook.schemas.register import REGISTER
from evalbook.stats import power

ROOT = Path(__file__).resolve().parents[1]
Z_A, Z_B = stats.norm.isf(0.025), stats.norm.ppf(0.8)


@pytest.mark.parametrize("p0,n", [(0.07, 300), (0.13, 150), (0.5, 80), (0.02, 1000)])
def test_mde_inverts_the_textbook_sample_size_formula(p0, n):
    # Fleiss: n per group = [z_a √(2 p̄ q̄) + z_b √(p1 q1 + p0 q0)]² / d², p̄ = (p1 + p0) / 2
    d = power.mde_proportion(p0, n, n)
    p1, pbar = p0 + d, p0 + d / 2
    n_back = (Z_A * math.sqrt(2 * pbar * (1 - pbar)) + Z_B * math.sqrt(p1 * (1 - p1) + p0 * (1 - p0))) ** 2 / d**2
    assert n_back == pytest.approx(n, rel=1e-4)  # the formula leaves out the far tail (< 1e-5)


@pytest.mark.parametrize(
    "p0,n1,n0,alpha,target",
    [(0.129, 300, 294, 0.05, 0.8), (0.07, 300, 294, 0.05, 0.8), (0.3, 120, 480, 0.01, 0.9), (0.6, 50, 40, 0.05, 0.8)],
)
def test_statsmodels_power_at_the_mde_is_the_target(p0, n1, n0, alpha, target):
    d = power.mde_proportion(p0, n1, n0, alpha, target)
    achieved = power_proportions_2indep(d, p0, n1, ratio=n0 / n1, alpha=alpha, return_results=False)
    assert achieved == pytest.approx(target, abs=1e-9)
    smaller = power_proportions_2indep(0.99 * d, p0, n1, ratio=n0 / n1, alpha=alpha, return_results=False)
    assert smaller < target  # the smallest such difference


def test_no_detectable_difference_when_even_100_percent_is_not_enough():
    p0 = 19 / 21  # WGW: no return after work among 21 controls and 33 programme persons
    assert power_proportions_2indep(1 - p0, p0, 33, ratio=21 / 33, return_results=False) < 0.8
    assert math.isnan(power.mde_proportion(p0, 33, 21))


@pytest.mark.parametrize("sd,n1,n0", [(15.5, 300, 294), (3.2, 300, 294), (1.0, 20, 60)])
def test_mean_mde_against_normal_ind_power_and_the_closed_form(sd, n1, n0):
    d = power.mde_mean(sd, n1, n0)
    assert NormalIndPower().power(d / sd, nobs1=n1, alpha=0.05, ratio=n0 / n1) == pytest.approx(0.8, abs=1e-9)
    assert d == pytest.approx((Z_A + Z_B) * sd * math.sqrt(1 / n1 + 1 / n0), rel=1e-5)


def test_pooled_sd_by_hand():
    frame = pd.DataFrame({"group": ["programme"] * 3 + ["control"] * 4, "x": [1.0, 2, 3, 2, 4, 6, 8]})
    # programme: mean 2, SS 2; control: mean 5, SS 20; pooled variance 22 / 5
    assert effect.pooled_sd(frame, ["x"])["x"] == pytest.approx(math.sqrt(22 / 5))
    assert math.isnan(power.pooled_sd([1.0], [2.0, 3.0]))  # a single value has no spread


def test_mde_table_units_and_missing_values():
    table = pd.DataFrame(
        {
            "outcome": ["outflow_work", "handover_mo", "contacts_total", "contacts_selected"],
            "kind": ["proportion", "proportion", "mean", "mean"],
            "value_control": [7.0, pd.NA, 24.0, 3.0],
            "n_programme": pd.array([300, 300, 300, 300], dtype="Int64"),
            "n_control": pd.array([294, 294, 294, 294], dtype="Int64"),
        }
    )
    mde = effect.mde_table(table, sd={"contacts_total": 15.5}).set_index("outcome")["mde"]
    # statsmodels' own power at the detectable difference is 80% (difference in pp, control 7%)
    assert power_proportions_2indep(mde["outflow_work"] / 100, 0.07, 300, ratio=294 / 300).power == pytest.approx(
        0.8, abs=1e-3
    )
    assert math.isnan(mde["handover_mo"])  # suppressed control value
    # means: (z_0.975 + z_0.80) * sd * sqrt(1/n1 + 1/n0), and NormalIndPower agrees
    assert mde["contacts_total"] == pytest.approx((1.959964 + 0.841621) * 15.5 * math.sqrt(1 / 300 + 1 / 294), rel=1e-5)
    assert NormalIndPower().power(mde["contacts_total"] / 15.5, 300, 0.05, ratio=294 / 300) == pytest.approx(
        0.8, abs=1e-4
    )
    assert math.isnan(mde["contacts_selected"])  # no SD given


def _row(kind="proportion", diff=3.857, value_control=7.1, mde=7.094):
    return pd.Series(
        {
            "kind": kind,
            "diff": diff,
            "n_programme": 300,
            "n_control": 294,
            "value_control": value_control,
            "mde": mde,
            "suppressed": False,
        }
    )


def test_sentences():
    work = "Uitstroom naar werk"
    assert detectable_sentence(work, _row(), 0.8) == (
        "Met deze groepsgroottes kon de studie alleen verschillen van ongeveer 7,1 procentpunt of meer in "
        "uitstroom naar werk met 80% kans opsporen; het gevonden verschil van +3,9 procentpunt ligt daaronder."
    )
    assert detectable_sentence(work, _row(diff=-8.86), 0.9).endswith(
        "met 90% kans opsporen; het gevonden verschil van −8,9 procentpunt ligt daarboven."
    )
    assert detectable_sentence(work, _row(diff=5.918, mde=5.864), 0.8).endswith(
        "+5,9 procentpunt ligt daar ongeveer op."
    )
    assert detectable_sentence(
        "Geregistreerde klantcontacten (gemiddeld)", _row(kind="mean", diff=5.0, mde=3.52), 0.8
    ).endswith(
        "ongeveer 3,5 of meer in geregistreerde klantcontacten (gemiddeld) met "
        "80% kans opsporen; het gevonden verschil van +5,0 ligt daarboven."
    )
    assert "zelfs het grootst mogelijke verschil niet" in detectable_sentence(work, _row(mde=np.nan), 0.8)
    assert detectable_sentence(work, _row(value_control=np.nan, diff=np.nan, mde=np.nan), 0.8) == (
        "Voor uitstroom naar werk is niet aan te geven welke verschillen de studie kon opsporen."
    )
    suppressed = _row(value_control=np.nan, diff=np.nan, mde=np.nan)
    suppressed["suppressed"] = True
    assert detectable_sentence(work, suppressed, 0.8).endswith("kon opsporen (onderdrukt).")


def test_wgw_is_warning_free():
    register = contract.read(ROOT / "data/synthetic/wgw/register.csv", REGISTER)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = outcomes.derive(register, 12)
        table = effect.outcome_table(frame)
        mde = effect.mde_table(table, sd=effect.pooled_sd(frame, ["contacts_total", "contacts_selected"]))
    assert mde["mde"].notna().sum() == len(table) - 1  # all but no return after work
    assert mde.set_index("outcome")["mde"].isna()["no_return_after_work"]


def test_power_without_spread_under_the_alternative_is_a_step():
    """p0 = 0 and p1 = 1: every programme person has the outcome and no control person does;
    the estimate is exactly 1, so the test rejects for sure when 1 exceeds the critical value
    (hand: pooled 1/2 with 20 and 20, se_null = sqrt(1/4 * 2/20) = 0.158, 1.96 * 0.158 = 0.31)."""
    assert power.proportion_power(1.0, 0.0, 20, 20) == 1.0
    assert power.proportion_power(1.0, 0.0, 1, 1) == 0.0  # se_null = 0.707: 1.96 * 0.707 > 1
