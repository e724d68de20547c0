"""Rounding intervals and sampling intervals of derived figures, against hand computations
and the WW@Work Den Bosch comparison (Bijlage 4 of the WW@Work report, in
data/published/wwatwork/effect_study.csv)."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evalbook.stats.intervals import (
    Estimate,
    Interval,
    absolute_difference,
    difference_in_persons,
    printed,
    printed_range,
    relative_reduction,
    risk_ratio,
    risk_ratio_bootstrap,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def den_bosch():
    """The published Den Bosch figures by name: predicted and realised rate, realised count,
    and the report's two derived claims."""
    figures = pd.read_csv(ROOT / "data/published/wwatwork/effect_study.csv")
    return figures[figures["subgroup"] == "den_bosch"].set_index("quantity")


def test_printed_is_the_half_open_rounding_interval():
    six = printed(6.6, 1)
    assert (six.low, six.high) == pytest.approx((6.55, 6.65))
    assert six.contains(6.55) and six.contains(6.6499) and not six.contains(6.65)
    assert printed_range(30, 40) == Interval(29.5, 40.5, True, False)


def test_arithmetic_by_hand():
    a, b = Interval(1, 2), Interval(3, 4, True, False)
    assert a + b == Interval(4, 6, True, False)
    assert a - b == Interval(-3, -1, False, True)  # 1 - 4 not attained (4 excluded), 2 - 3 attained
    assert a * b == Interval(3, 8, True, False)
    assert Interval(-1, 2) * Interval(3, 4) == Interval(-4, 8)
    assert a / b == Interval(1 / 4, 2 / 3, False, True)  # 1/4 needs the excluded 4
    assert 1 - a == Interval(-1, 0) and 2 * a == Interval(2, 4)
    # an attained 0 keeps the product's 0 attained even against an open end
    assert Interval(0, 1) * Interval(2, 3, False, False) == Interval(0, 3, True, False)
    with pytest.raises(ZeroDivisionError):
        a / Interval(-1, 1)
    with pytest.raises(ZeroDivisionError):
        a / Interval(0, 1, False, True)
    with pytest.raises(ValueError):
        Interval(2, 1)


def test_overlap_respects_open_ends():
    assert Interval(0, 1, True, False).overlaps(Interval(0.5, 2))
    assert not Interval(0, 1, True, False).overlaps(Interval(1, 2))  # 1 is not in the first
    assert Interval(0, 1).overlaps(Interval(1, 2)) and Interval(0, 1).intersection(Interval(1, 2)) == Interval.point(1)
    assert not Interval(0, 1).overlaps(Interval(1, 2, False, True))


def test_den_bosch_relative_reduction_by_rounding(den_bosch):
    predicted = printed(den_bosch.loc["doorstroom_predicted", "value"], 1)
    realised = printed(den_bosch.loc["doorstroom_realised", "value"], 1)
    reduction = 100 * relative_reduction(predicted, realised)
    # the extremes by hand: smallest realised over largest predicted and vice versa
    assert reduction.low == pytest.approx(100 * (1 - 4.75 / 6.55))
    assert reduction.high == pytest.approx(100 * (1 - 4.65 / 6.65))
    assert (round(reduction.low, 1), round(reduction.high, 1)) == (27.5, 30.1)
    assert not reduction.low_closed and not reduction.high_closed  # 4.75 and 6.65 do not print as 4.7, 6.6
    assert not reduction.contains(100 * (6.6 - 4.7) / 6.6 + 1.5)
    # the report prints 30% á 40%: consistent with the rounding of its own rates, only just
    claim = den_bosch.loc["inflow_rate_reduction"]
    assert reduction.overlaps(Interval(claim["lower"], claim["upper"]))
    assert not reduction.overlaps(Interval(30.1, 40))
    diff = absolute_difference(predicted, realised)
    assert (diff.low, diff.high) == pytest.approx((-2.0, -1.8))


def test_den_bosch_persons_a_year_by_rounding(den_bosch):
    predicted = printed(den_bosch.loc["doorstroom_predicted", "value"], 1)
    realised = printed(den_bosch.loc["doorstroom_realised", "value"], 1)
    count = den_bosch.loc["doorstroom_count", "value"]  # 240, exact
    persons = difference_in_persons(predicted, realised, count)
    # (6.55 − 4.75)% of 240 / 4.75% leavers and (6.65 − 4.65)% of 240 / 4.65%
    assert persons.low == pytest.approx(1.80 / 4.75 * 240)
    assert persons.high == pytest.approx(2.00 / 4.65 * 240)
    assert (round(persons.low), round(persons.high)) == (91, 103)
    claim = den_bosch.loc["bijstand_reduction_per_year"]
    assert persons.overlaps(Interval(claim["lower"], claim["upper"]))  # printed 100 á 140
    # a naive product with a fixed population of 5,106 leavers would claim less spread
    fixed = absolute_difference(realised, predicted) / 100 * 5106
    assert persons.low < fixed.low and fixed.high < persons.high


def test_katz_risk_ratio_by_hand():
    # Den Bosch: 240 realised of n = 240 / 4.7% = 5,106 leavers; predicted 6.6% of the same n
    n = round(240 / 0.047)
    assert n == 5106
    k0 = 0.066 * n
    rr = risk_ratio(240, n, k0, n)
    se = math.sqrt(1 / 240 - 1 / 5106 + 1 / k0 - 1 / 5106)  # = 0.08211
    assert se == pytest.approx(0.08211, abs=1e-5)
    ratio = (240 / 5106) / 0.066
    assert rr.value == pytest.approx(ratio)
    assert (rr.low, rr.high) == pytest.approx((ratio * math.exp(-1.959964 * se), ratio * math.exp(1.959964 * se)))
    reduction = rr.reduction()
    assert (round(100 * reduction.low, 1), round(100 * reduction.high, 1)) == (16.3, 39.4)
    assert reduction.value == pytest.approx(1 - ratio)
    # the "≈15–42%" of the issue: the Wald interval of the difference over the predicted rate
    wald = 1.959964 * math.sqrt((0.066 * 0.934 + 0.047 * 0.953) / n)
    assert (round(100 * (0.019 - wald) / 0.066), round(100 * (0.019 + wald) / 0.066)) == (15, 42)


def test_katz_against_textbook_example():
    # Altman (1991), also Altman & Bland: hay fever with eczema 141/561, without 928/14,453:
    # RR = 3.91; log-scale se by hand
    rr = risk_ratio(141, 561, 928, 14453)
    se = math.sqrt(1 / 141 - 1 / 561 + 1 / 928 - 1 / 14453)
    assert rr.value == pytest.approx(3.91, abs=0.005)
    assert math.log(rr.high / rr.value) == pytest.approx(stats.norm.ppf(0.975) * se)
    with pytest.raises(ValueError):
        risk_ratio(0, 10, 3, 10)


def test_bootstrap_is_seeded_and_agrees_with_katz():
    n = 5106
    first = risk_ratio_bootstrap(240, n, 0.066 * n, n)
    assert first == risk_ratio_bootstrap(240, n, 0.066 * n, n)
    assert first != risk_ratio_bootstrap(240, n, 0.066 * n, n, seed=1)
    katz = risk_ratio(240, n, 0.066 * n, n)
    assert first.value == katz.value
    assert first.low == pytest.approx(katz.low, abs=0.01) and first.high == pytest.approx(katz.high, abs=0.01)
    # the percentile interval by hand from the same draws
    rng = np.random.default_rng(20180101)
    b1, b0 = rng.binomial(n, 240 / n, 20_000) / n, rng.binomial(n, 0.066, 20_000) / n
    assert first.low == pytest.approx(np.quantile(b1 / b0, 0.025))


def test_estimate_reduction_swaps_bounds():
    r = Estimate(0.8, 0.6, 0.9).reduction()
    assert (r.value, r.low, r.high) == pytest.approx((0.2, 0.1, 0.4))
