"""Consistency of printed figures: which counts and p-values a rounded percentage allows.

The reports print rounded percentages and the words "significant" / "not significant", no
test statistics. In the spirit of statcheck (recompute p from what is printed) and GRIM (is
a rounded percentage possible with this n?), these functions work on the numbers alone:

* :func:`consistent_counts`: every count ``k`` of ``n`` with ``100 k / n`` inside a printed
  figure's bounds (exact rational arithmetic); empty when the percentage is impossible.
* :func:`evaluate`: for every test a 2018 analyst could have used on the printed
  comparison (:data:`TESTS`: the Miettinen–Nurminen score test, Pearson's χ² without and with
  Yates' correction, Fisher's exact test; :func:`evalbook.stats.stratified.analyst_2018_p_values`),
  the smallest and largest p over every pair of consistent counts.
* :func:`verdict`: a printed label is ``inconsistent`` only when no test at any consistent
  pair gives it, ``consistent`` when every test at every pair does, and ``ambiguous``
  otherwise (the reason says whether the rounding, the test or both decide).
* :func:`scan` / :func:`scan_sizes`: the same for equal groups of every size in a range, when
  the sizes are not printed; per size, which tests can give the label. Each test's p-value
  moves one way as the programme count rises and the other as the control count rises, so
  over a rectangle of counts its extremes lie at two corners: a scan needs two tables per
  size, with χ² in closed form and Fisher's test (scipy) cached.
* :func:`cmh_p_range`: the Cochran–Mantel–Haenszel test over strata (target groups) for a
  total's label, over every combination of consistent counts in the strata.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy import special

from .proportions import mn_statistic
from .stratified import analyst_2018_p_values, cmh

SIGNIFICANT, NOT_SIGNIFICANT = "significant", "not_significant"
CONSISTENT, AMBIGUOUS, INCONSISTENT = "consistent", "ambiguous", "inconsistent"
IMPOSSIBLE = "impossible"  # status of a group size at which the percentages cannot occur
TESTS = ("mn_score", "pearson", "yates", "fisher")  # keys of stratified.analyst_2018_p_values


# -- counts -------------------------------------------------------------------------------


def consistent_counts(lower: float, upper: float, n: int) -> range:
    """Every count ``k`` (0..n) with ``lower <= 100 k / n <= upper``; empty when none is."""
    if n < 1:
        return range(0)
    (a, b), (c, d) = _exact(lower), _exact(upper)  # lower = a / b, upper = c / d, exactly
    low = max(0, -(-a * n // (100 * b)))  # ceil(lower n / 100), in whole numbers: the scans call this often
    high = min(n, c * n // (100 * d))  # floor(upper n / 100)
    return range(low, max(low, high + 1))


@functools.cache
def _exact(x: float) -> tuple[int, int]:
    """The decimal a CSV value stands for, as numerator and denominator (``3.95`` as 79/20,
    not its binary neighbour)."""
    return Fraction(repr(float(x))).as_integer_ratio()


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


# -- p-values of one table --------------------------------------------------------------------


def mn_p_value(k1: int, n1: int, k0: int, n0: int) -> float:
    """Two-sided p of the Miettinen–Nurminen score test of equal proportions."""
    return _p(abs(_mn_z(k1, n1, k0, n0)))


def _mn_z(k1: int, n1: int, k0: int, n0: int) -> float:
    z = mn_statistic(k1, n1, k0, n0, 0.0)
    return 0.0 if math.isnan(z) else z  # nan: both groups all 0 or all 1, equal proportions


def chi2_p_values(k1: int, n1: int, k0: int, n0: int) -> tuple[float, float]:
    """Two-sided p of Pearson's χ² test without and with Yates' correction, in closed form:
    ``N (|ad − bc| − c)² / (r1 r2 c1 c2)`` with ``c`` 0 or ``N/2`` (the corrected difference
    clipped at 0), as ``scipy.stats.chi2_contingency`` computes them; NaN when the events or
    the non-events are empty."""
    a, b, c, d = k1, n1 - k1, k0, n0 - k0
    n = n1 + n0
    margins = n1 * n0 * (a + c) * (b + d)
    if margins == 0:
        return math.nan, math.nan
    deviation = abs(a * d - b * c)
    pearson = n * deviation**2 / margins
    yates = n * max(deviation - n / 2, 0) ** 2 / margins
    return _p(math.sqrt(pearson)), _p(math.sqrt(yates))


@functools.lru_cache(maxsize=200_000)
def fisher_p_value(k1: int, n1: int, k0: int, n0: int) -> float:
    """Two-sided p of Fisher's exact test: the hypergeometric probabilities of all tables with
    the same margins that are no more probable than the observed one (with scipy's relative
    tolerance of 1e-7), summed. The same definition as ``scipy.stats.fisher_exact``, computed in
    one vectorised pass over the support from a table of log factorials, since the scans call it
    tens of thousands of times (``tests/test_audit.py`` checks it against scipy)."""
    successes, n = k1 + k0, n1 + n0
    low, high = max(0, successes - n0), min(n1, successes)
    if low == high:
        return 1.0
    x = np.arange(low, high + 1)
    lf = _log_factorials(n)
    log_pmf = (
        lf[n1]
        - lf[x]
        - lf[n1 - x]
        + lf[n0]
        - lf[successes - x]
        - lf[n0 - successes + x]
        - lf[n]
        + lf[successes]
        + lf[n - successes]
    )
    pmf = np.exp(log_pmf - log_pmf.max())
    observed = pmf[k1 - low]
    return float(min(1.0, pmf[pmf <= observed * (1 + 1e-7)].sum() / pmf.sum()))


def _log_factorials(n: int) -> np.ndarray:
    """``log k!`` for k = 0 to at least n, as ``gammaln(k + 1)``; made again, twice as long,
    only when a larger table comes (the same values as gammaln per call, a fraction of the time)."""
    if len(_LOG_FACTORIALS[0]) <= n:
        _LOG_FACTORIALS[0] = special.gammaln(np.arange(max(n + 1, 2 * len(_LOG_FACTORIALS[0]))) + 1)
    return _LOG_FACTORIALS[0]


_LOG_FACTORIALS = [np.zeros(0)]


def _p(z: float) -> float:
    """Two-sided normal p for ``|z|`` (``2 * norm.sf(z)``, without scipy's per-call overhead)."""
    return math.erfc(z / math.sqrt(2))


# -- the verdict on a printed label, group sizes published ----------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """The p-values over every pair of counts consistent with a printed comparison.

    ``pairs``: how many (n1, k1, n0, k0) are consistent; ``p``: per test of :data:`TESTS`
    (and ``cmh`` for a stratified check) the smallest and largest p over those pairs, None
    when the test applies to none (χ² with an empty column).
    """

    pairs: int
    p: dict[str, tuple[float, float] | None]
    alpha: float

    def test_labels(self) -> dict[str, frozenset[str]]:
        """Per test, the labels some consistent pair gets (empty when the test never applies)."""
        return {test: frozenset(_labels(found, self.alpha) if found else ()) for test, found in self.p.items()}

    def labels(self) -> set[str]:
        """The labels some consistent pair gets under some test."""
        return set().union(*self.test_labels().values())


def evaluate(
    bounds1: tuple[float, float], sizes1, bounds0: tuple[float, float], sizes0, alpha: float = 0.05
) -> Evaluation:
    """p-values of every test in :data:`TESTS` over every pair of counts consistent with
    ``bounds1`` (percent, programme) and ``bounds0`` (control), for every pair of group sizes
    in ``sizes1`` x ``sizes0`` (each pair run through
    :func:`evalbook.stats.stratified.analyst_2018_p_values`)."""
    found: dict[str, list[float]] = {test: [] for test in TESTS}
    pairs = 0
    for n1, n0 in itertools.product(sizes1, sizes0):
        for k1, k0 in itertools.product(consistent_counts(*bounds1, n1), consistent_counts(*bounds0, n0)):
            pairs += 1
            for test, p in analyst_2018_p_values(k1, n1, k0, n0).items():
                if not math.isnan(p):
                    found[test].append(p)
    return Evaluation(pairs, {test: (min(ps), max(ps)) if ps else None for test, ps in found.items()}, alpha)


def cmh_p_range(strata, alpha: float = 0.05) -> Evaluation:
    """The CMH test (without continuity correction, :func:`evalbook.stats.stratified.cmh`)
    over strata given as ``(bounds1, n1, bounds0, n0)``: the smallest and largest p over every
    combination of counts consistent with the printed percentages of each stratum."""
    choices = [
        list(itertools.product(consistent_counts(*b1, n1), consistent_counts(*b0, n0))) for b1, n1, b0, n0 in strata
    ]
    ps = []
    for combination in itertools.product(*choices):
        tables = [[[k1, n1 - k1], [k0, n0 - k0]] for (k1, k0), (_, n1, _, n0) in zip(combination, strata, strict=True)]
        p = cmh(tables).p_value
        if not math.isnan(p):
            ps.append(p)
    pairs = math.prod(len(c) for c in choices)
    return Evaluation(pairs, {"cmh": (min(ps), max(ps)) if ps else None}, alpha)


def _labels(p_range: tuple[float, float], alpha: float) -> set[str]:
    """The labels p-values from ``p_range[0]`` to ``p_range[1]`` give (none for nan)."""
    return ({SIGNIFICANT} if p_range[0] < alpha else set()) | ({NOT_SIGNIFICANT} if p_range[1] >= alpha else set())


def verdict(evaluation: Evaluation, label: str) -> tuple[str, str]:
    """The verdict on a printed ``label`` and its reason code: ``all_pairs`` (every test at
    every pair gives it), ``impossible``, ``no_pair`` (no test at any pair), or for an
    ambiguous label ``rounding`` (within one test some pairs give it and others not),
    ``test`` (each test is decided, but they disagree) or ``rounding_and_test``."""
    if evaluation.pairs == 0:
        return INCONSISTENT, "impossible"
    by_test = evaluation.test_labels()
    labels = evaluation.labels()
    if labels == {label}:
        return CONSISTENT, "all_pairs"
    if label not in labels:
        return INCONSISTENT, "no_pair"
    by_rounding = any(len(found) == 2 for found in by_test.values())
    by_tests = len({found for found in by_test.values() if found}) > 1
    if by_rounding and by_tests:
        return AMBIGUOUS, "rounding_and_test"
    return AMBIGUOUS, "rounding" if by_rounding else "test"


# -- group sizes not published: equal groups of every size ----------------------------------------


@dataclass(frozen=True)
class SizeCheck:
    """A printed label at one (equal) group size: the tests that give it for some pair of
    consistent counts (``can``), and whether every test gives it for every pair (``certain``)."""

    can: frozenset[str]
    certain: bool

    @property
    def status(self) -> str:
        """``consistent``, ``ambiguous`` or ``inconsistent`` at this size."""
        return CONSISTENT if self.certain else AMBIGUOUS if self.can else INCONSISTENT


def check_size(
    bounds1: tuple[float, float], bounds0: tuple[float, float], n: int, label: str, alpha: float
) -> SizeCheck | None:
    """The printed ``label`` for two groups of ``n`` (None when the percentages cannot occur).

    Over the rectangle of consistent counts each test's p is smallest at the corner farthest
    from equal proportions and largest at the nearest (1 when the rectangles of the two
    groups overlap: an equal count lies in both). The closed-form tests are evaluated first;
    Fisher's test only as far as it can change the answer."""
    counts1, counts0 = consistent_counts(*bounds1, n), consistent_counts(*bounds0, n)
    if not counts1 or not counts0:
        return None
    low, high = (counts1[0], counts0[-1]), (counts1[-1], counts0[0])  # smallest and largest difference
    if counts1[0] > counts0[-1]:  # programme higher at every pair
        strongest, weakest = [high], low
    elif counts1[-1] < counts0[0]:  # programme lower at every pair
        strongest, weakest = [low], high
    else:  # the two sets of counts overlap: an equal count, p = 1 under every test
        strongest, weakest = [low, high], None

    def p_values(test: str, corners) -> list[float]:
        found = [
            fisher_p_value(k1, n, k0, n) if test == "fisher" else _closed_form(test, k1, n, k0, n) for k1, k0 in corners
        ]
        return [p for p in found if not math.isnan(p)]

    def smallest(test: str) -> float:
        return min(p_values(test, strongest), default=math.nan)

    def largest(test: str) -> float:
        if weakest is None:  # 1 at an equal count, unless the test applies nowhere (χ² on all 0 or all n)
            return 1.0 if p_values(test, strongest) else math.nan
        return min(p_values(test, [weakest]), default=math.nan)

    def gives(p: float) -> bool | None:  # None: the test does not apply
        return None if math.isnan(p) else (p < alpha) == (label == SIGNIFICANT)

    def at_every_pair(test: str) -> bool:
        found = gives(largest(test) if label == SIGNIFICANT else smallest(test))
        return found is not False

    can = frozenset(t for t in TESTS if gives(smallest(t) if label == SIGNIFICANT else largest(t)))
    certain = all(at_every_pair(t) for t in TESTS)  # Fisher last: computed only when the others agree
    return SizeCheck(can, certain)


def _closed_form(test: str, k1: int, n1: int, k0: int, n0: int) -> float:
    if test == "mn_score":
        return mn_p_value(k1, n1, k0, n0)
    pearson, yates = chi2_p_values(k1, n1, k0, n0)
    return pearson if test == "pearson" else yates


def scan(
    bounds1: tuple[float, float], bounds0: tuple[float, float], label: str, alpha: float, n_range: tuple[int, int]
) -> dict[int, SizeCheck | None]:
    """:func:`check_size` for equal groups of every size ``n`` in ``n_range`` (inclusive)."""
    return {n: check_size(bounds1, bounds0, n, label, alpha) for n in range(n_range[0], n_range[1] + 1)}


def statuses(checks: dict[int, SizeCheck | None]) -> dict[int, str]:
    """Per size the status of :class:`SizeCheck`, or :data:`IMPOSSIBLE`."""
    return {n: IMPOSSIBLE if c is None else c.status for n, c in checks.items()}


def scan_sizes(
    bounds1: tuple[float, float], bounds0: tuple[float, float], label: str, alpha: float, n_range: tuple[int, int]
) -> dict[int, str]:
    """For equal groups of every size ``n`` in ``n_range`` (inclusive): the verdict on
    ``label`` at that size, or :data:`IMPOSSIBLE` when the percentages cannot occur."""
    return statuses(scan(bounds1, bounds0, label, alpha, n_range))


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


def sizes_for_test(checks: dict[int, SizeCheck | None], test: str) -> list[tuple[int, int]]:
    """Runs of sizes at which ``test`` can give the printed label (impossible sizes skipped)."""
    return sizes_where(
        {n: IMPOSSIBLE if c is None else (CONSISTENT if test in c.can else INCONSISTENT) for n, c in checks.items()},
        {CONSISTENT},
    )
