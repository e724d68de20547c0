"""The attacker inverts printed statistics: which counts, and which spread, a printed value allows.

:mod:`.attacker` works on counts and the linear relations among them. A chapter also prints
statistics that are non-linear functions of counts (a difference in percentage points, a
p-value, a risk ratio and its interval, an E-value, Rosenbaum's Γ, an NPS and its interval, a
Wilson interval, the MDE of a share), each with a known precision: six significant digits in a
chapter's CSV (``float_format="%.6g"``), one or two decimals in the prose. A reader who knows
the method searches every combination of whole counts for those that print as the value
does (:func:`search`; the closed forms are in :data:`CLOSED_FORMS`, vectorised over numpy
grids). The box around the solutions bounds each count (:func:`hull`), and those bounds go
into the linear attacker as printed intervals.

Rosenbaum's Γ of a yes/no outcome is a function of the matched pairs alone: the pairs in
which only one had the outcome (``D``) and those among them in which it was the person on
the side of the difference (``T``); :func:`gamma_pairs` finds every ``(T, D)`` that gives the
printed Γ.

A spread is no count: from a Welch interval and its p-value the reader derives the standard
error of the difference and so an upper bound on each arm's sum of squared deviations
(:func:`welch_spread`); from the MDE of a mean the pooled sum of squares (:func:`mde_spread`);
from the interval of a regression coefficient its squared standard error. Each estimates
the largest contribution to that sum when one person dominates it: :func:`recovered` tells
whether the estimate comes within ``p_ratio`` of the true largest contribution, the p% rule's
yardstick (Hundepool et al., *Statistical Disclosure Control*, 2012, §4.2). With the
dominance rule's defaults an estimate that never falls below the sum it bounds cannot come
that close when the rule passes: the largest contribution is then at most 90% of the sum.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
from scipy import optimize, stats

from ..core.rounding import printed_interval
from ..stats.power import mde_mean

CSV_DIGITS = 6  # significant digits of a number in a chapter's CSV
SLACK = 1e-9  # relative tolerance when comparing a recomputed value with a printed interval


def printed(value: float, digits: int | None = CSV_DIGITS, decimals: int | None = None) -> tuple[float, float]:
    """The interval of true values that print as ``value`` does, with ``decimals`` decimals or
    else ``digits`` significant digits (as ``%.{digits}g`` prints it)."""
    if decimals is None:
        if value == 0 or not math.isfinite(value):
            return (value, value)
        decimals = digits - 1 - math.floor(math.log10(abs(value)))
    shown = round(value, decimals)
    low, high = printed_interval(shown, decimals)
    return low - SLACK * abs(shown), high + SLACK * abs(shown)


def search(
    statistic: Callable[..., np.ndarray], bounds: tuple[float, float], grid: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Every combination of the ``grid``'s values (one array per argument of ``statistic``)
    whose statistic lies within ``bounds``: per argument, its value in each solution."""
    names = list(grid)
    mesh = np.meshgrid(*(np.asarray(grid[n], dtype=float) for n in names), indexing="ij")
    with np.errstate(all="ignore"):
        values = np.broadcast_to(statistic(**dict(zip(names, mesh, strict=True))), mesh[0].shape)
    hit = (values >= bounds[0]) & (values <= bounds[1])
    return {n: m[hit] for n, m in zip(names, mesh, strict=True)}


def hull(solutions: Mapping[str, np.ndarray]) -> dict[str, tuple[float, float]]:
    """Per argument, the smallest and largest value among the solutions (none: empty)."""
    return {n: (float(v.min()), float(v.max())) for n, v in solutions.items() if len(v)}


# -- closed forms in counts, vectorised ---------------------------------------------------------


def _z(alpha: float) -> float:
    return float(stats.norm.isf(alpha / 2))


def share(k, n):
    """A percentage ``100 k / n``."""
    return 100 * k / n


def difference(k1, n1, k0, n0):
    """A difference of two percentages, in points."""
    return 100 * (k1 / n1 - k0 / n0)


def mn_p(k1, n1, k0, n0):
    """The two-sided p-value of the Miettinen–Nurminen score test of no difference
    (:func:`evalbook.stats.proportions.proportions`): at ``delta = 0`` the restricted
    estimate of both proportions is the pooled one; 1 where the variance is zero."""
    n = n1 + n0
    pooled = (k1 + k0) / n
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n0) * n / (n - 1)
    z = np.where(var > 0, (k1 / n1 - k0 / n0) / np.sqrt(np.where(var > 0, var, 1.0)), 0.0)
    return np.where(var > 0, 2 * stats.norm.sf(np.abs(z)), 1.0)


def risk_ratio(k1, n1, k0, n0):
    """``(k1/n1) / (k0/n0)``."""
    return (k1 / n1) / (k0 / n0)


def katz(k1, n1, k0, n0, alpha: float = 0.05, side: int = -1):
    """Katz's limit of the risk ratio (:func:`evalbook.stats.intervals.risk_ratio`): lower
    (``side=-1``) or upper (``side=1``)."""
    se = np.sqrt(1 / k1 - 1 / n1 + 1 / k0 - 1 / n0)
    return risk_ratio(k1, n1, k0, n0) * np.exp(side * _z(alpha) * se)


def e_value(ratio):
    """The E-value of a risk ratio (:func:`evalbook.stats.sensitivity.e_value`)."""
    rr = np.where(ratio < 1, 1 / ratio, ratio)
    return rr + np.sqrt(rr * (rr - 1))


def e_value_limit(k1, n1, k0, n0, alpha: float = 0.05):
    """The E-value of the limit closest to 1 (1 when the interval contains 1)."""
    low, high = katz(k1, n1, k0, n0, alpha, -1), katz(k1, n1, k0, n0, alpha, 1)
    limit = np.where(risk_ratio(k1, n1, k0, n0) > 1, low, high)
    return np.where((low <= 1) & (high >= 1), 1.0, e_value(limit))


def wilson(k, n, alpha: float = 0.05, side: int = -1):
    """A limit of the Wilson interval, in percent (:func:`evalbook.stats.proportions.wilson`)."""
    z = _z(alpha)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * np.clip(centre + side * half, 0, 1)


def nps(promoters, passives, detractors):
    """The Net Promoter Score (:func:`evalbook.stats.nps.nps`)."""
    return 100 * (promoters - detractors) / (promoters + passives + detractors)


def nps_limit(promoters, passives, detractors, alpha: float = 0.05, side: int = -1):
    """A limit of the adjusted-Wald interval of the NPS (:func:`evalbook.stats.nps.nps_interval`)."""
    n = promoters + passives + detractors + 3
    p, d = (promoters + 0.75) / n, (detractors + 0.75) / n
    half = _z(alpha) * np.sqrt((p + d - (p - d) ** 2) / n)
    return np.clip(100 * (p - d + side * half), -100, 100)


CLOSED_FORMS: dict[str, Callable] = {
    "share": share,
    "diff": difference,
    "p_value": mn_p,
    "rr": risk_ratio,
    "rr_low": lambda k1, n1, k0, n0: katz(k1, n1, k0, n0, side=-1),
    "rr_high": lambda k1, n1, k0, n0: katz(k1, n1, k0, n0, side=1),
    "e_value": lambda k1, n1, k0, n0: e_value(risk_ratio(k1, n1, k0, n0)),
    "e_value_limit": e_value_limit,
    "wilson_low": lambda k, n: wilson(k, n, side=-1),
    "wilson_high": lambda k, n: wilson(k, n, side=1),
    "nps": nps,
    "nps_low": lambda promoters, passives, detractors: nps_limit(promoters, passives, detractors, side=-1),
    "nps_high": lambda promoters, passives, detractors: nps_limit(promoters, passives, detractors, side=1),
}
"""The statistics a chapter prints, as vectorised functions of counts (at alpha 0.05; the
chapters' default: a chapter with another alpha passes its own through :func:`functools.partial`)."""


# -- Rosenbaum's Γ and the matched pairs ----------------------------------------------------------


def gamma_pairs(bounds: tuple[float, float], pairs: int, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Every ``(T, D)`` with ``0 <= T <= D <= pairs`` whose Γ (:func:`evalbook.stats.sensitivity.binary_pairs_gamma`
    at ``alpha / 2``, as the effect study computes it) lies within ``bounds``: the Γ at which
    ``P(Binomial(D, Γ/(1+Γ)) >= T)`` reaches ``alpha / 2``, which is 1 where it does so already
    without bias. The bound grows with Γ, so Γ lies in ``[low, high]`` exactly when the bound
    at ``low`` is at most ``alpha / 2`` and at ``high`` at least."""
    level = alpha / 2
    d, t = np.meshgrid(np.arange(pairs + 1), np.arange(pairs + 1), indexing="ij")
    valid = t <= d

    def bound(gamma: float) -> np.ndarray:
        return stats.binom.sf(t - 1, d, gamma / (1 + gamma))

    at_one = bound(1.0)
    inside = (bound(max(bounds[0], 1.0)) <= level * (1 + SLACK)) & (bound(bounds[1]) >= level * (1 - SLACK))
    hit = valid & np.where(at_one >= level, bounds[0] <= 1.0 <= bounds[1], inside & (at_one < level))
    return t[hit], d[hit]


# -- the spread -------------------------------------------------------------------------------------


def welch_spread(diff: float, low: float, high: float, p: float, n1: int, n0: int, alpha: float = 0.05) -> tuple:
    """What a Welch interval and its p-value give of each arm's sum of squared deviations: the
    standard error ``se`` of the difference (from the interval's half-width, with the degrees
    of freedom that make the t-statistic of the p-value and of the interval agree) and, as
    ``se² · n (n − 1)``, an upper bound on each arm's sum of squares (``(programme, control)``)."""
    half = (high - low) / 2
    if half <= 0:
        return math.nan, (math.nan, math.nan)
    ratio = abs(diff) / half

    def gap(log_df: float) -> float:
        df = math.exp(log_df)
        return stats.t.isf(p / 2, df) / stats.t.isf(alpha / 2, df) - ratio

    try:
        df = math.exp(optimize.brentq(gap, 0.0, math.log(1e7)))
    except ValueError:  # p and interval agree at no finite df (rounding): take the normal limit
        df = math.inf
    se = half / (stats.t.isf(alpha / 2, df) if math.isfinite(df) else stats.norm.isf(alpha / 2))
    return se, (se**2 * n1 * (n1 - 1), se**2 * n0 * (n0 - 1))


def mde_spread(mde: float, n1: int, n0: int, alpha: float = 0.05, power: float = 0.8) -> float:
    """The pooled sum of squared deviations the MDE of a mean gives: the MDE is proportional
    to the pooled SD (:func:`evalbook.stats.power.mde_mean`), so ``SD = MDE / MDE(SD = 1)``."""
    sd = mde / mde_mean(1.0, n1, n0, alpha, power)
    return sd**2 * (n1 + n0 - 2)


def regression_spread(low: float, high: float, residual_df: float, alpha: float = 0.05) -> float:
    """The squared standard error of a coefficient from its t interval: the sum of its
    observations' contributions (:func:`evalbook.stats.adjusted.hc3_contributions`)."""
    return ((high - low) / 2 / stats.t.isf(alpha / 2, residual_df)) ** 2


def recovered(estimate: float, contributions, p_ratio: float) -> bool:
    """Whether ``estimate`` (of the largest contribution to a sum of squares, or to any sum)
    comes within ``p_ratio`` of the true largest of ``contributions``: the p% rule's test."""
    values = np.asarray(contributions, dtype=float)
    largest = float(values.max()) if len(values) else 0.0
    return bool(largest > 0 and math.isfinite(estimate) and abs(estimate - largest) <= p_ratio * largest)


def pair_tables(t: np.ndarray, d: np.ndarray, sign: float, k1: float, n1: float, k0: float, n0: float) -> dict:
    """The matched-pair tables that ``(T, D)`` solutions of Γ (:func:`gamma_pairs`) allow beside
    the arms' shown counts, when every control person has one programme partner (``n0``
    pairs) and the other ``n1 - n0`` programme persons have none: per solution the pairs in
    which both, only the programme person, only the control person or neither had the
    outcome, and the unmatched with and without it; solutions with a negative cell dropped.
    ``sign``: the direction of the difference (programme minus control; ``T`` counts the
    pairs in which the person on that side had the outcome)."""
    programme_only, control_only = (t, d - t) if sign > 0 else (d - t, t)
    both = k0 - control_only
    table = {
        "both": both,
        "programme_only": programme_only,
        "control_only": control_only,
        "neither": n0 - both - programme_only - control_only,
        "unmatched_yes": k1 - both - programme_only,
    }
    table["unmatched_no"] = n1 - n0 - table["unmatched_yes"]
    keep = np.all([v >= 0 for v in table.values()], axis=0)
    return {name: np.asarray(v)[keep] for name, v in table.items()}
