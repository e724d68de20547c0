"""CMH against Mantel's (1963) penicillin example worked by hand and statsmodels'
StratifiedTable; the unweighted mean of group shares by hand; the 2018 tests against scipy."""

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable

from evalbook.stats import stratified  # not its test-named function: pytest would collect it
from evalbook.stats.proportions import proportions
from evalbook.stats.stratified import cmh, unweighted_mean, unweighted_mean_difference

# Mantel (1963): rabbits cured after penicillin at five dose levels, injected at once (row 1)
# or after 1.5 h (row 2); columns cured, died. Also the example of R's mantelhaen.test.
RABBITS = [[[0, 6], [0, 5]], [[3, 3], [0, 6]], [[6, 0], [2, 4]], [[5, 1], [6, 0]], [[2, 0], [5, 0]]]


def test_cmh_penicillin_by_hand():
    # Σ a = 16, Σ E(a) = 0 + 1.5 + 4 + 5.5 + 2 = 13; Σ Var(a) = 0 + 972/1584 + 1152/1584 + 396/1584 + 0
    # = 2520/1584 = 1.590909. Corrected (|3| − 0.5)² / 1.590909 = 3.9286, p = 0.04747 (as R prints);
    # uncorrected 9 / 1.590909 = 5.6571. MH odds ratio: (18/12 + 24/12) / (6/12) = 7.
    corrected = cmh(RABBITS, correction=True)
    assert corrected.statistic == pytest.approx(6.25 / (2520 / 1584))
    assert round(corrected.statistic, 4) == 3.9286 and round(corrected.p_value, 5) == 0.04747
    plain = cmh(RABBITS)
    assert plain.statistic == pytest.approx(9 / (2520 / 1584))
    assert plain.p_value == pytest.approx(stats.chi2.sf(9 / (2520 / 1584), 1))
    assert plain.odds_ratio == pytest.approx(7.0)


@pytest.mark.parametrize("correction", [False, True])
def test_cmh_against_statsmodels(correction):
    rng = np.random.default_rng(3)
    tables = rng.integers(1, 40, size=(6, 2, 2))
    ours = cmh(tables, correction=correction)
    reference = StratifiedTable(np.moveaxis(tables, 0, -1).astype(float))
    test = reference.test_null_odds(correction=correction)
    assert ours.statistic == pytest.approx(test.statistic)
    assert ours.p_value == pytest.approx(test.pvalue)
    assert ours.odds_ratio == pytest.approx(reference.oddsratio_pooled)


def test_cmh_drops_strata_without_information():
    with_empty = RABBITS + [[[1, 0], [0, 0]]]
    assert cmh(with_empty).statistic == pytest.approx(cmh(RABBITS).statistic)


def test_unweighted_mean_by_hand():
    # programme: 10/50 = 0.2 and 30/60 = 0.5 -> mean 0.35, var (0.0032 + 0.0041667) / 4
    mean = unweighted_mean([10, 30], [50, 60])
    se = math.sqrt((0.2 * 0.8 / 50 + 0.5 * 0.5 / 60) / 4)
    assert mean.value == pytest.approx(35.0)
    assert mean.se == pytest.approx(100 * se)
    assert (mean.low, mean.high) == pytest.approx((100 * (0.35 - 1.959964 * se), 100 * (0.35 + 1.959964 * se)))
    # the weighted share 40/110 = 36.4% differs: each group counts once here
    assert mean.value != pytest.approx(100 * 40 / 110)
    with pytest.raises(ValueError):
        unweighted_mean([1, 0], [5, 0])


def test_unweighted_mean_difference_by_hand():
    # control: 5/40 = 0.125, 20/50 = 0.4 -> 0.2625, var (0.002734375 + 0.0048) / 4
    row = unweighted_mean_difference([10, 30], [50, 60], [5, 20], [40, 50])
    se = math.sqrt(0.00184167 + 0.00188359)
    assert row["diff"] == pytest.approx(8.75)
    assert (row["value_programme"], row["value_control"]) == pytest.approx((35.0, 26.25))
    assert row["ci_low"] == pytest.approx(100 * (0.0875 - 1.959964 * se), abs=1e-3)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(0.0875 / se), abs=1e-5)
    assert round(row["p_value"], 3) == 0.152
    assert (row["n_programme"], row["k_control"]) == (110, 25)


def test_2018_tests_against_scipy():
    k1, n1, k0, n0 = 45, 120, 30, 115
    table = [[k1, n1 - k1], [k0, n0 - k0]]
    result = stratified.analyst_2018_p_values(k1, n1, k0, n0)
    assert set(result) == {"mn_score", "pearson", "yates", "fisher"}
    assert result["pearson"] == pytest.approx(stats.chi2_contingency(table, correction=False).pvalue)
    assert result["yates"] == pytest.approx(stats.chi2_contingency(table, correction=True).pvalue)
    assert result["fisher"] == pytest.approx(stats.fisher_exact(table).pvalue)
    assert result["mn_score"] == pytest.approx(proportions(k1, n1, k0, n0)["p_value"])
    # Pearson's χ² by hand: N (ad − bc)² / (row and column totals)
    chi2 = 235 * (45 * 85 - 75 * 30) ** 2 / (120 * 115 * 75 * 160)
    assert result["pearson"] == pytest.approx(stats.chi2.sf(chi2, 1))
    assert result["yates"] > result["pearson"]


def test_2018_tests_with_strata():
    strata = [(20, 60, 10, 55), (25, 60, 20, 60)]
    result = stratified.analyst_2018_p_values(45, 120, 30, 115, strata=strata)
    tables = [[[20, 40], [10, 45]], [[25, 35], [20, 40]]]
    assert result["cmh"] == pytest.approx(
        StratifiedTable(np.moveaxis(np.array(tables), 0, -1).astype(float)).test_null_odds(correction=False).pvalue
    )
    assert result["cmh_corrected"] > result["cmh"]
    with pytest.raises(ValueError):
        stratified.analyst_2018_p_values(45, 120, 31, 115, strata=strata)


def test_2018_tests_with_an_empty_column():
    result = stratified.analyst_2018_p_values(0, 20, 0, 25)
    assert math.isnan(result["pearson"]) and math.isnan(result["yates"])
    assert result["fisher"] == 1.0
