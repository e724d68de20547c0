"""E-values against VanderWeele & Ding's (2017) worked example and the formula by hand;
Rosenbaum bounds against exact binomial hand computations and scipy's tests at Γ = 1."""

import math

import numpy as np
import pytest
from scipy import stats

from evalbook.stats.sensitivity import (
    binary_pairs_gamma,
    binary_pairs_p_upper,
    critical_gamma,
    e_value,
    e_values,
    e_values_from_odds_ratio,
    e_values_from_proportions,
    signed_rank_gamma,
    signed_rank_p_upper,
)

# Lead in the blood of children of exposed workers and of matched controls (Morton et al. 1982;
# Rosenbaum 2002, §4.3.3), pair by pair
LEAD_EXPOSED = "38 23 41 18 37 36 23 62 31 34 24 14 21 17 16 20 15 10 45 39 22 35 49 48 44 35 43 39 34 13 73 25 27"
LEAD_CONTROL = "16 18 18 24 19 11 10 15 16 18 18 13 19 10 16 16 24 13 9 14 21 19 7 18 19 12 11 22 25 16 13 11 13"


def test_e_value_of_the_papers_example():
    # VanderWeele & Ding (2017), Ann Intern Med 167:268, the breastfeeding example: RR 3.9
    # (95% CI 1.8 to 8.7); E-value 7.26 for the estimate and 3.0 for the lower limit.
    # By hand: 3.9 + sqrt(3.9 · 2.9) = 3.9 + 3.3630 = 7.2630; 1.8 + sqrt(1.8 · 0.8) = 1.8 + 1.2 = 3.0
    result = e_values(3.9, 1.8, 8.7)
    assert result.e_value == pytest.approx(7.2630, abs=1e-4)
    assert result.e_value_limit == pytest.approx(3.0)


def test_e_value_below_one_uses_the_inverse_and_the_upper_limit():
    # RR 0.5: 1/RR = 2, E = 2 + sqrt(2) = 3.4142; upper limit 0.8: 1.25 + sqrt(1.25 · 0.25) = 1.8090
    result = e_values(0.5, 0.3, 0.8)
    assert result.e_value == pytest.approx(2 + math.sqrt(2))
    assert result.e_value_limit == pytest.approx(1.25 + math.sqrt(0.3125))
    assert e_value(1.0) == 1.0
    assert e_values(1.3, 0.9, 1.9).e_value_limit == 1.0  # the interval contains 1
    with pytest.raises(ValueError):
        e_values(2.0, 2.5, 3.0)


def test_e_values_from_odds_ratio_rare_and_common():
    # rare outcome: the OR is taken as the RR; common: sqrt(OR) (VanderWeele & Ding 2017, Table 2)
    assert e_values_from_odds_ratio(3.9, 1.8, 8.7, common=False).e_value == pytest.approx(7.2630, abs=1e-4)
    common = e_values_from_odds_ratio(4.0, 1.44, 9.0, common=True)
    assert (common.ratio, common.low, common.high) == pytest.approx((2.0, 1.2, 3.0))
    assert common.e_value == pytest.approx(2 + math.sqrt(2))
    assert common.e_value_limit == pytest.approx(1.2 + math.sqrt(1.2 * 0.2))


def test_e_values_from_proportions_by_hand():
    # 30/100 against 15/100: RR 2, Katz se² = 1/30 − 1/100 + 1/15 − 1/100 = 0.08
    result = e_values_from_proportions(30, 100, 15, 100)
    low = 2 * math.exp(-stats.norm.ppf(0.975) * math.sqrt(0.08))
    assert result.ratio == pytest.approx(2.0)
    assert result.low == pytest.approx(low)
    assert result.e_value_limit == pytest.approx(low + math.sqrt(low * (low - 1)))


def test_binary_pairs_bound_by_hand():
    # 10 discordant pairs, in 9 the treated person had the event. Γ = 2: p+ = 2/3,
    # P(X >= 9) = 10 · (2/3)^9 · (1/3) + (2/3)^10 = 4 · (2/3)^9 = 2048 / 19683
    assert binary_pairs_p_upper(9, 10, 2.0) == pytest.approx(2048 / 19683)
    # Γ = 1 is McNemar's exact one-sided test
    assert binary_pairs_p_upper(9, 10, 1.0) == pytest.approx(stats.binomtest(9, 10, 0.5, "greater").pvalue)
    assert binary_pairs_p_upper(9, 10, 1.0) == pytest.approx(11 / 1024)
    assert binary_pairs_p_upper(0, 10, 3.0) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        binary_pairs_p_upper(9, 10, 0.5)


def test_binary_pairs_critical_gamma():
    gamma = binary_pairs_gamma(9, 10, alpha=0.05)
    # at the critical Γ the bound is alpha, written out: 10 p^9 (1 − p) + p^10 with p = Γ/(1+Γ)
    p = gamma / (1 + gamma)
    assert 10 * p**9 * (1 - p) + p**10 == pytest.approx(0.05, abs=1e-8)
    assert 1 < gamma < 2  # 11/1024 < 0.05 < 2048/19683
    # not significant without bias: Γ = 1
    assert binary_pairs_gamma(6, 10) == 1.0
    # Hammond's smoking pairs (Rosenbaum 2002, §4.3.2): 110 of 122 discordant pairs; the bound
    # passes 0.05 between Γ = 5 and 6
    assert binary_pairs_p_upper(110, 122, 5) < 0.05 < binary_pairs_p_upper(110, 122, 6)
    assert 5 < binary_pairs_gamma(110, 122) < 6


def test_signed_rank_bound_at_gamma_one_is_wilcoxon():
    rng = np.random.default_rng(7)
    d = np.round(rng.normal(0.5, 1, 40), 1)  # rounded: ties and zeros
    reference = stats.wilcoxon(d, zero_method="wilcox", correction=False, alternative="greater", method="approx")
    assert signed_rank_p_upper(d, 1.0) == pytest.approx(reference.pvalue)


def test_signed_rank_bound_by_hand():
    # differences 1..5, all positive: T = 15; Γ = 2, p+ = 2/3: E = 10, V = (2/9) · 55
    z = (15 - 10) / math.sqrt(2 / 9 * 55)
    assert signed_rank_p_upper([1, 2, 3, 4, 5, 0], 2.0) == pytest.approx(stats.norm.sf(z))
    # the same with one negative difference: T = 15 − 2 = 13
    assert signed_rank_p_upper([1, -2, 3, 4, 5], 2.0) == pytest.approx(stats.norm.sf((13 - 10) / math.sqrt(2 / 9 * 55)))


def test_signed_rank_critical_gamma_solves_the_bound():
    d = np.array(LEAD_EXPOSED.split(), int) - np.array(LEAD_CONTROL.split(), int)
    gamma = signed_rank_gamma(d)
    assert signed_rank_p_upper(d, gamma) == pytest.approx(0.05, abs=1e-8)
    assert 4 < gamma < 5
    assert critical_gamma(lambda g: 0.2) == 1.0
    assert critical_gamma(lambda g: 0.0) == math.inf
