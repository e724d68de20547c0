"""What a derived figure can be: rounding intervals of printed figures and sampling intervals.

Two different questions about a figure derived from published ones (a relative reduction,
a number of persons a year):

* **Rounding.** A printed "6,6%" stands for any value in [6.55, 6.65). :class:`Interval`
  carries such a set of values (with which ends belong to it) through +, −, × and ÷; the
  result holds every value the derived figure can take given the printed precision. It is
  exact (not merely an enclosure) when each printed figure enters the formula once (Moore
  1966, *Interval Analysis*), which is why :func:`relative_reduction` and
  :func:`difference_in_persons` are written with every input once. Two figures are
  consistent when their intervals overlap (:meth:`Interval.overlaps`).
* **Sampling.** A rate measured on a population has a sampling error; the ratio of two
  independent proportions gets Katz's log-scale interval (:func:`risk_ratio`; Katz, Baptista,
  Azen & Pike 1978, Biometrics 34:469) or a seeded parametric bootstrap
  (:func:`risk_ratio_bootstrap`), and a relative reduction is one minus that ratio
  (:meth:`Estimate.reduction`).

Worked case (WW@Work, Bijlage 4): in Den Bosch (2014) the doorstroom fell from 6.6% (UWV
prediction) to 4.7% (realised, 240 persons). Rounding alone allows a relative reduction of
27.5–30.1% (1 − 4.75/6.55 to 1 − 4.65/6.65) and 91–103 persons a year (240 · (6.55/4.75 − 1)
to 240 · (6.65/4.65 − 1)); the report prints 30–40% and 100–140, and both overlap. For the
sampling interval both rates are taken as binomial proportions on the 5,106 WW leavers behind
them (240 / 4.7%): Katz gives a reduction of 16.3–39.4%. The "≈15–42%" of the issue is the
Wald interval of the difference (−1.9 pp ± 0.89) divided by the predicted 6.6%, which treats
the denominator as known although it is one of the two estimates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..core.rounding import printed_interval


@dataclass(frozen=True)
class Interval:
    """A non-empty interval of reals; ``low_closed``/``high_closed`` tell whether the ends
    belong to it (a printed figure gives a half-open ``[low, high)``)."""

    low: float
    high: float
    low_closed: bool = True
    high_closed: bool = True

    def __post_init__(self):
        if not self.low <= self.high or (self.low == self.high and not (self.low_closed and self.high_closed)):
            raise ValueError(f"empty interval: {self}")

    @classmethod
    def point(cls, value: float) -> Interval:
        """The interval holding only ``value`` (an exact figure)."""
        return cls(value, value)

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the interval."""
        above = value > self.low or (value == self.low and self.low_closed)
        below = value < self.high or (value == self.high and self.high_closed)
        return above and below

    def intersection(self, other: Interval | float) -> Interval | None:
        """The values in both intervals, or None when they have none in common."""
        other = _as_interval(other)
        low = max((self.low, not self.low_closed), (other.low, not other.low_closed))
        high = min((self.high, self.high_closed), (other.high, other.high_closed))
        if low[0] < high[0] or (low[0] == high[0] and not low[1] and high[1]):
            return Interval(low[0], high[0], not low[1], high[1])
        return None

    def overlaps(self, other: Interval | float) -> bool:
        """Whether the two intervals share a value: two figures that can both be true."""
        return self.intersection(other) is not None

    def __add__(self, other):
        other = _as_interval(other)
        return Interval(
            self.low + other.low,
            self.high + other.high,
            self.low_closed and other.low_closed,
            self.high_closed and other.high_closed,
        )

    __radd__ = __add__

    def __neg__(self):
        return Interval(-self.high, -self.low, self.high_closed, self.low_closed)

    def __sub__(self, other):
        return self + (-_as_interval(other))

    def __rsub__(self, other):
        return _as_interval(other) + (-self)

    def __mul__(self, other):
        other = _as_interval(other)
        ends = [
            (a * b, _product_closed(a, ac, b, bc))
            for a, ac in ((self.low, self.low_closed), (self.high, self.high_closed))
            for b, bc in ((other.low, other.low_closed), (other.high, other.high_closed))
        ]
        low, high = min(v for v, _ in ends), max(v for v, _ in ends)
        return Interval(low, high, any(c for v, c in ends if v == low), any(c for v, c in ends if v == high))

    __rmul__ = __mul__

    def reciprocal(self) -> Interval:
        """``1 / x`` for every ``x`` in the interval, which must lie wholly on one side of 0."""
        if not (self.low > 0 or self.high < 0):
            raise ZeroDivisionError(f"the divisor {self} contains or touches 0")
        return Interval(1 / self.high, 1 / self.low, self.high_closed, self.low_closed)

    def __truediv__(self, other):
        return self * _as_interval(other).reciprocal()

    def __rtruediv__(self, other):
        return _as_interval(other) * self.reciprocal()


def printed(value: float, decimals: int = 0) -> Interval:
    """The values that print as ``value`` with ``decimals`` decimals (rounded half up)."""
    return Interval(*printed_interval(value, decimals), True, False)


def printed_range(low: float, high: float, decimals: int = 0) -> Interval:
    """The widest claim a printed range "``low`` á ``high``" can stand for: from the rounding
    interval of its lower end to that of its upper end."""
    return Interval(printed(low, decimals).low, printed(high, decimals).high, True, False)


def relative_reduction(before: Interval | float, after: Interval | float) -> Interval:
    """``1 − after / before`` (as a fraction): how much lower ``after`` is, relative to ``before``."""
    return 1 - _as_interval(after) / before


def absolute_difference(before: Interval | float, after: Interval | float) -> Interval:
    """``after − before``, in the unit of the two rates."""
    return _as_interval(after) - before


def difference_in_persons(before: Interval | float, after: Interval | float, count: Interval | float) -> Interval:
    """Persons a year more at rate ``before`` than at rate ``after`` when only ``count``, the
    persons at rate ``after``, is published: the population is ``count / after``, so the
    difference ``(before − after) · count / after`` is ``count · (before / after − 1)`` (each
    input once, so the interval is exact)."""
    return _as_interval(count) * (_as_interval(before) / after - 1)


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its interval (``low``, ``high``) at the requested level."""

    value: float
    low: float
    high: float

    def reduction(self) -> Estimate:
        """For a ratio: the relative reduction ``1 − ratio`` with its interval."""
        return Estimate(1 - self.value, 1 - self.high, 1 - self.low)


def risk_ratio(k1: float, n1: float, k0: float, n0: float, alpha: float = 0.05) -> Estimate:
    """The ratio of two independent proportions ``(k1/n1) / (k0/n0)`` with Katz's interval:
    ``exp(log RR ± z·se)``, ``se² = 1/k1 − 1/n1 + 1/k0 − 1/n0`` (the delta method on the log
    scale). Counts may be non-integer when reconstructed from a printed rate."""
    if min(k1, k0) <= 0 or k1 > n1 or k0 > n0:
        raise ValueError(f"the log method needs 0 < k <= n in both groups: {k1}/{n1}, {k0}/{n0}")
    rr = (k1 / n1) / (k0 / n0)
    se = math.sqrt(1 / k1 - 1 / n1 + 1 / k0 - 1 / n0)
    z = stats.norm.ppf(1 - alpha / 2)
    return Estimate(rr, rr * math.exp(-z * se), rr * math.exp(z * se))


def risk_ratio_bootstrap(
    k1: float, n1: int, k0: float, n0: int, alpha: float = 0.05, draws: int = 20_000, seed: int = 20180101
) -> Estimate:
    """The ratio of two independent proportions with a parametric bootstrap percentile
    interval: ``draws`` pairs of binomial counts on ``n1`` and ``n0`` persons at the observed
    proportions, from a numpy Generator seeded with ``seed`` (draws with a zero denominator
    count are dropped)."""
    rng = np.random.default_rng(seed)
    b1 = rng.binomial(n1, k1 / n1, draws) / n1
    b0 = rng.binomial(n0, k0 / n0, draws) / n0
    ratios = b1[b0 > 0] / b0[b0 > 0]
    low, high = np.quantile(ratios, [alpha / 2, 1 - alpha / 2])
    return Estimate((k1 / n1) / (k0 / n0), float(low), float(high))


def _as_interval(x: Interval | float) -> Interval:
    return x if isinstance(x, Interval) else Interval.point(float(x))


def _product_closed(a: float, a_closed: bool, b: float, b_closed: bool) -> bool:
    """Whether the product of two ends is attained: both ends are, or one is an attained 0."""
    return (a_closed and b_closed) or (a == 0 and a_closed) or (b == 0 and b_closed)
