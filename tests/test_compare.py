"""The comparison statistics (stats.proportions, stats.means, stats.multiplicity) and the effect
study's outcome table, against independent computations (scipy, hand formulas)."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from evalbook.analysis import effect
from evalbook.analysis.outcomes import OUTCOMES
from evalbook.stats.means import means
from evalbook.stats.multiplicity import holm
from evalbook.stats.proportions import mn_statistic, proportions


def mn_z(k1, n1, k0, n0, delta):
    """Miettinen–Nurminen score statistic for H0: p1 - p0 = delta, by direct maximisation of
    the constrained likelihood (not the closed form statsmodels uses)."""

    def negloglik(p0):
        p1 = p0 + delta
        return -(k1 * math.log(p1) + (n1 - k1) * math.log(1 - p1) + k0 * math.log(p0) + (n0 - k0) * math.log(1 - p0))

    lo, hi = max(0.0, -delta) + 1e-12, min(1.0, 1.0 - delta) - 1e-12
    p0 = optimize.minimize_scalar(negloglik, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12}).x
    p1 = p0 + delta
    n = n1 + n0
    var = (p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0) * n / (n - 1)
    return (k1 / n1 - k0 / n0 - delta) / math.sqrt(var)


@pytest.mark.parametrize("k1,n1,k0,n0", [(57, 300, 38, 294), (33, 300, 21, 294), (56, 70, 48, 80), (12, 300, 15, 294)])
def test_proportion_interval_inverts_the_score_test(k1, n1, k0, n0):
    result = proportions(k1, n1, k0, n0, alpha=0.05)
    d = k1 / n1 - k0 / n0
    crit = stats.norm.ppf(0.975)
    low = optimize.brentq(lambda x: mn_z(k1, n1, k0, n0, x) - crit, -0.999, d)
    high = optimize.brentq(lambda x: mn_z(k1, n1, k0, n0, x) + crit, d, 0.999)
    assert result["ci_low"] == pytest.approx(100 * low, abs=1e-3)
    assert result["ci_high"] == pytest.approx(100 * high, abs=1e-3)
    assert result["diff"] == pytest.approx(100 * d)


@pytest.mark.parametrize("k1,n1,k0,n0", [(57, 300, 38, 294), (24, 300, 17, 294), (48, 300, 21, 294)])
def test_proportion_p_value_is_pearson_chi2_with_the_mn_variance_factor(k1, n1, k0, n0):
    chi2 = stats.chi2_contingency([[k1, n1 - k1], [k0, n0 - k0]], correction=False)[0]
    n = n1 + n0
    expected = stats.chi2.sf(chi2 * (n - 1) / n, df=1)
    assert proportions(k1, n1, k0, n0)["p_value"] == pytest.approx(expected, rel=1e-6)


# Fagerland, Lydersen & Laake (2015), Stat Methods Med Res 24, the worked example of their section 4
# (7 of 34 against 1 of 34): the Miettinen-Nurminen asymptotic score interval printed as 0.028 to
# 0.34, the example statsmodels tests its score interval against. It is computed without the
# N/(N-1) factor; with the factor the lower limit is 0.027.
FAGERLAND = (7, 34, 1, 34)


def test_without_the_factor_the_interval_is_fagerlands_worked_example():
    r = proportions(*FAGERLAND, correction=False)
    assert (round(r["ci_low"] / 100, 3), round(r["ci_high"] / 100, 2)) == (0.028, 0.34)


def test_with_the_factor_the_interval_is_wider_than_the_worked_example():
    plain, book = proportions(*FAGERLAND, correction=False), proportions(*FAGERLAND)
    assert round(book["ci_low"] / 100, 3) == 0.027  # not Fagerland's 0.028: the book uses the factor
    assert book["ci_low"] < plain["ci_low"] and book["ci_high"] > plain["ci_high"]
    # the two statistics differ by exactly the factor, at every null value
    n = FAGERLAND[1] + FAGERLAND[3]
    for delta in (-0.1, 0.0, 0.05, 0.2):
        assert mn_statistic(*FAGERLAND, delta) == pytest.approx(
            mn_statistic(*FAGERLAND, delta, correction=False) * math.sqrt((n - 1) / n)
        )
    # and the book's bound is where the independent statistic (with the factor) hits the critical value
    assert mn_z(*FAGERLAND, book["ci_low"] / 100) == pytest.approx(stats.norm.ppf(0.975), abs=1e-4)


def test_wgw_outflow_is_significant_and_work_is_not():
    # the report's two headline labels, on the counts that reproduce 19% vs 13% and 11% vs 7%
    assert proportions(57, 300, 38, 294)["p_value"] < 0.05
    assert proportions(33, 300, 21, 294)["p_value"] > 0.05


def test_interval_and_test_agree():
    for k1 in range(10, 60, 7):
        r = proportions(k1, 300, 38, 294)
        assert (r["ci_low"] > 0 or r["ci_high"] < 0) == (r["p_value"] < 0.05)


def test_welch_by_hand():
    rng = np.random.default_rng(1)
    x1, x0 = rng.poisson(29, 300), rng.poisson(24, 294)
    r = means(x1, x0)
    v1, v0 = x1.var(ddof=1) / len(x1), x0.var(ddof=1) / len(x0)
    se = math.sqrt(v1 + v0)
    df = (v1 + v0) ** 2 / (v1**2 / (len(x1) - 1) + v0**2 / (len(x0) - 1))
    diff = x1.mean() - x0.mean()
    assert r["diff"] == pytest.approx(diff)
    assert r["p_value"] == pytest.approx(2 * stats.t.sf(abs(diff / se), df), rel=1e-9)
    half = stats.t.ppf(0.975, df) * se
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((diff - half, diff + half))


def test_holm_by_hand():
    p = [0.01, 0.04, 0.03, 0.005, float("nan")]
    # sorted: 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, 0.04*1=0.04 -> running max 0.06
    assert holm(p)[:4] == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert math.isnan(holm(p)[4])


def test_holm_agrees_with_statsmodels_on_ties_ones_and_zeros():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(7)
    cases = [rng.uniform(size=n) for n in (1, 2, 7, 30)] + [
        np.array([0.02, 0.02, 0.02, 0.5]),  # ties
        np.array([0.0, 1.0, 0.3, 1e-12]),
        np.round(rng.uniform(size=12), 2),
    ]
    for p in cases:
        assert holm(p) == pytest.approx(multipletests(p, method="holm")[1], abs=1e-15)
    assert holm([]).size == 0


def test_empty_group_gives_missing_statistics_not_an_error():
    r = proportions(0, 0, 5, 50)
    assert math.isnan(r["p_value"]) and math.isnan(r["ci_low"])


def test_zero_counts_give_the_known_mn_interval():
    # 0/30 vs 0/30: the score interval is symmetric and finite (not the whole [-100, 100])
    r = proportions(0, 30, 0, 30)
    assert r["p_value"] == 1.0
    assert r["ci_low"] == pytest.approx(-r["ci_high"])
    assert 5 < r["ci_high"] < 20
    # the bound is where the independent statistic hits the critical value
    assert mn_z(0, 30, 0, 30, r["ci_high"] / 100 - 1e-9) == pytest.approx(-stats.norm.ppf(0.975), abs=1e-3)


def test_all_versus_none():
    r = proportions(0, 30, 30, 30)
    assert r["ci_low"] == -100.0
    assert mn_z(0, 30, 30, 30, r["ci_high"] / 100) == pytest.approx(-stats.norm.ppf(0.975), abs=1e-3)
    assert r["p_value"] < 1e-10


def test_outcome_table_counts_and_methods_by_hand():
    frame = pd.DataFrame(
        {
            "group": ["programme"] * 4 + ["control"] * 3,
            "outflow": pd.array([True, True, False, False, True, False, False], dtype="boolean"),
            "no_return_after_work": pd.array([True, None, None, None, False, None, None], dtype="boolean"),
            "contacts_total": [1.0, 2, 3, 4, 5, 6, 7],
        }
    )
    chosen = tuple(o for o in OUTCOMES if o.name in frame)
    table = effect.outcome_table(frame, chosen).set_index("outcome")
    assert list(table.index) == ["outflow", "no_return_after_work", "contacts_total"]
    out = table.loc["outflow"]
    assert (out["k_programme"], out["n_programme"], out["k_control"], out["n_control"]) == (2, 4, 1, 3)
    assert out["value_programme"] == pytest.approx(50.0) and out["diff"] == pytest.approx(50 - 100 / 3)
    assert out["method"] == effect.PROPORTION_METHOD
    # the denominator of no return after work is work outflow only: 1 of 1 against 0 of 1
    back = table.loc["no_return_after_work"]
    assert (back["k_programme"], back["n_programme"], back["k_control"], back["n_control"]) == (1, 1, 0, 1)
    contacts = table.loc["contacts_total"]
    assert pd.isna(contacts["k_programme"]) and contacts["method"] == effect.MEAN_METHOD
    assert contacts["diff"] == pytest.approx(2.5 - 6.0)
    assert contacts["p_value"] == pytest.approx(stats.ttest_ind([1, 2, 3, 4], [5, 6, 7], equal_var=False).pvalue)
