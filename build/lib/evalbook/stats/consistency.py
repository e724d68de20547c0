"""Consistency of printed figures: which counts and p-values a rounded percentage allows.

The reports print rounded percentages and the words "significant" / "not significant", no
test statistics. In the spirit of statcheck (recompute p from what is printed) and GRIM (is
a rounded percentage possible with this n?), these functions work on the numbers alone:

* :func:`consistent_counts`: every count ``k`` of ``n`` with ``100 k / n`` inside a printed
  figure's bounds (exact rational arithmetic); empty when the percentage is impossible.
* :func:`evaluate`: the smallest and largest p over every pair of consistent counts, for the
  Miettinen–Nurminen score test (:func:`evalbook.stats.proportions.mn_statistic`, the book's
  test for proportions) and, for the pairs with an expected cell count below
  :data:`MIN_EXPECTED` (Cochran's rule), Fisher's exact test (scipy). The score statistic at
  difference 0 increases with the programme count and decreases with the control count, so
  its extremes lie at the corners of the set, which makes scans over many sizes cheap.
* :func:`verdict`: whether every pair (``consistent``), some (``ambiguous``) or none
  (``inconsistent``) gives a printed label; :func:`scan_sizes` repeats that for equal groups
  of every size in a range, when the sizes are not printed.
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass
from fractions import Fraction

from scipy import stats

from .proportions import mn_statistic

SIGNIFICANT, NOT_SIGNIFICANT = "significant", "not_significant"
CONSISTENT, AMBIGUOUS, INCONSISTENT = "consistent", "ambiguous", "inconsistent"
IMPOSSIBLE = "impossible"  # status of a group size at which the percentages cannot occur
MIN_EXPECTED = 5  # Fisher's exact test for a pair with an expected cell count below this


# -- counts -------------------------------------------------------------------------------

def consistent_counts(lower: float, upper: float, n: int) -> range:
    """Every count ``k`` (0..n) with ``lower <= 100 k / n <= upper``; empty when none is."""
    if n < 1:
        return range(0)
    low = max(0, math.ceil(_exact(lower) * n / 100))
    high = min(n, math.floor(_exact(upper) * n / 100))
    return range(low, max(low, high + 1))


@functools.cache
def _exact(x: float) -> Fraction:
    """The decimal a CSV value stands for (``3.95`` as 79/20, not its binary neighbour)."""
    return Fraction(repr(float(x)))


def possible_sizes(lower: float, upper: float, sizes) -> tuple[int, ...]:
    """The sizes among ``sizes`` at which a percentage within ``[lower, upper]`` can occur (GRIM)."""
    return tuple(n for n in sizes if consistent_counts(lower, upper, n))


def runs(values) -> list[tuple[int, int]]:
    """Consecutive integers grouped into ``(first, last)`` runs: ``[20, 21, 22, 25]`` →
    ``[(20, 22), (25, 25)]``."""
    found: list[tuple[int, int]] = []
    for v in sorted(values):
        if found and found[-1][1] == v - 1:
            found[-1] = (found[-1][0], v)
        else:
            found.append((v, v))
    return found


# -- p-values over a set of count pairs -----------------------------------------------------

def mn_p_value(k1: int, n1: int, k0: int, n0: int) -> float:
    """Two-sided p of the Miettinen–Nurminen score test of equal proportions."""
    return _p(abs(_mn_z(k1, n1, k0, n0)))


def _mn_z(k1: int, n1: int, k0: int, n0: int) -> float:
    z = mn_statistic(k1, n1, k0, n0, 0.0)
    return 0.0 if math.isnan(z) else z  # nan: both groups all 0 or all 1, equal proportions


def fisher_p_value(k1: int, n1: int, k0: int, n0: int) -> float:
    """Two-sided p of Fisher's exact test (scipy)."""
    return float(stats.fisher_exact([[k1, n1 - k1], [k0, n0 - k0]]).pvalue)


def _p(z: float) -> float:
    """Two-sided normal p for ``|z|`` (``2 * norm.sf(z)``, without scipy's per-call overhead)."""
    return math.erfc(z / math.sqrt(2))


def mn_p_range(n1: int, counts1: range, n0: int, counts0: range) -> tuple[float, float]:
    """The smallest and largest score-test p over every pair in ``counts1 x counts0``.

    The statistic increases in the programme count and decreases in the control count, so
    its extremes are at two corners; the largest p is at the pair closest to z = 0, which,
    when the corners straddle 0, is 1 for equal groups (an equal count is in both sets) and
    is found per programme count by bisection otherwise.
    """
    z_low = _mn_z(counts1[0], n1, counts0[-1], n0)
    z_high = _mn_z(counts1[-1], n1, counts0[0], n0)
    p_min = _p(max(abs(z_low), abs(z_high)))
    if z_low > 0 or z_high < 0:
        return p_min, _p(min(abs(z_low), abs(z_high)))
    if n1 == n0:
        return p_min, 1.0
    closest = math.inf
    for k1 in counts1:
        i = bisect.bisect_left(counts0, True, key=lambda k0: _mn_z(k1, n1, k0, n0) <= 0)
        for k0 in counts0[max(0, i - 1):i + 1]:
            closest = min(closest, abs(_mn_z(k1, n1, k0, n0)))
    return p_min, _p(closest)


def small_pairs(n1: int, counts1: range, n0: int, counts0: range) -> list[tuple[int, int]]:
    """The pairs in ``counts1 x counts0`` whose 2x2 table has an expected cell count below
    :data:`MIN_EXPECTED` (where the score test's normal approximation is doubtful)."""
    total, smaller = n1 + n0, min(n1, n0)
    reach = MIN_EXPECTED * total // smaller + 1  # a small table has a margin below this

    def is_small(k1: int, k0: int) -> bool:
        margin = k1 + k0
        return smaller * min(margin, total - margin) < MIN_EXPECTED * total

    found = set()
    for k1 in list(_clip(counts1, 0, reach)) + list(_clip(counts1, n1 - reach, n1 + 1)):
        for k0 in list(_clip(counts0, 0, reach - k1)) + list(_clip(counts0, n0 - reach + (n1 - k1), n0 + 1)):
            if is_small(k1, k0):
                found.add((k1, k0))
    return sorted(found)


def _clip(counts: range, low: int, high: int) -> range:
    return range(max(counts.start, low), min(counts.stop, high))


# -- the verdict on a printed label -----------------------------------------------------------

@dataclass(frozen=True)
class Evaluation:
    """The p-values over every pair of counts consistent with a printed comparison.

    ``pairs``: how many (n1, k1, n0, k0) are consistent; ``p_mn``: smallest and largest
    score-test p; ``p_fisher``: the same for Fisher's test over the pairs with small expected
    counts (None when there are none); ``test_disagrees``: some pair is significant under
    one test and not under the other.
    """

    pairs: int
    p_mn: tuple[float, float]
    p_fisher: tuple[float, float] | None
    test_disagrees: bool
    alpha: float

    def labels(self) -> set[str]:
        """The labels some consistent pair gets under some test."""
        return _labels(self.p_mn, self.alpha) | (_labels(self.p_fisher, self.alpha) if self.p_fisher else set())


def evaluate(bounds1: tuple[float, float], sizes1, bounds0: tuple[float, float], sizes0,
             alpha: float = 0.05, exhaustive: bool = True) -> Evaluation:
    """p-values over every pair of counts consistent with ``bounds1`` (percent, programme)
    and ``bounds0`` (control), for every pair of group sizes in ``sizes1`` x ``sizes0``.

    With ``exhaustive=False`` Fisher's test is only run as far as it can change the set of
    labels (enough for :func:`verdict`; used by the scan over many group sizes)."""
    pairs, mn, small = 0, [], []
    for n1 in sizes1:
        counts1 = consistent_counts(*bounds1, n1)
        for n0 in sizes0:
            counts0 = consistent_counts(*bounds0, n0)
            if not counts1 or not counts0:
                continue
            pairs += len(counts1) * len(counts0)
            mn.append(mn_p_range(n1, counts1, n0, counts0))
            small += [(k1, n1, k0, n0) for k1, k0 in small_pairs(n1, counts1, n0, counts0)]
    p_mn = (min(p for p, _ in mn), max(p for _, p in mn)) if mn else (math.nan, math.nan)
    mn_labels = _labels(p_mn, alpha)
    fisher, disagrees = [], False
    for table in small:
        if not exhaustive and (mn_labels == {SIGNIFICANT, NOT_SIGNIFICANT} or disagrees):
            break
        p = fisher_p_value(*table)
        fisher.append(p)
        disagrees |= (p < alpha) != (mn_p_value(*table) < alpha)
    return Evaluation(pairs=pairs, p_mn=p_mn, p_fisher=(min(fisher), max(fisher)) if fisher else None,
                      test_disagrees=disagrees, alpha=alpha)


def _labels(p_range: tuple[float, float], alpha: float) -> set[str]:
    """The labels p-values from ``p_range[0]`` to ``p_range[1]`` give (none for nan)."""
    return ({SIGNIFICANT} if p_range[0] < alpha else set()) | ({NOT_SIGNIFICANT} if p_range[1] >= alpha else set())


def verdict(evaluation: Evaluation, label: str) -> tuple[str, str]:
    """The verdict on a printed ``label`` and its reason code: ``all_pairs``, ``impossible``,
    ``no_pair``, ``rounding``, ``test`` or ``rounding_and_test``."""
    if evaluation.pairs == 0:
        return INCONSISTENT, "impossible"
    labels = evaluation.labels()
    if labels == {label}:
        return CONSISTENT, "all_pairs"
    if label not in labels:
        return INCONSISTENT, "no_pair"
    low, high = evaluation.p_mn
    by_rounding = low < evaluation.alpha <= high
    if by_rounding and evaluation.test_disagrees:
        return AMBIGUOUS, "rounding_and_test"
    return AMBIGUOUS, "rounding" if by_rounding else "test"


def scan_sizes(bounds1: tuple[float, float], bounds0: tuple[float, float], label: str, alpha: float,
               n_range: tuple[int, int]) -> dict[int, str]:
    """For equal groups of every size ``n`` in ``n_range`` (inclusive): the verdict on
    ``label`` at that size, or :data:`IMPOSSIBLE` when the percentages cannot occur."""
    statuses = {}
    for n in range(n_range[0], n_range[1] + 1):
        evaluation = evaluate(bounds1, (n,), bounds0, (n,), alpha, exhaustive=False)
        statuses[n] = verdict(evaluation, label)[0] if evaluation.pairs else IMPOSSIBLE
    return statuses


def sizes_where(statuses: dict[int, str], wanted: set[str]) -> list[tuple[int, int]]:
    """Runs ``(first, last)`` of sizes whose status is in ``wanted``; sizes at which the
    percentages are impossible neither break nor extend a run."""
    found: list[tuple[int, int]] = []
    current = None
    for n, status in sorted(statuses.items()):
        if status == IMPOSSIBLE:
            continue
        if status in wanted:
            current = (current[0], n) if current else (n, n)
        elif current:
            found.append(current)
            current = None
    return found + [current] if current else found
