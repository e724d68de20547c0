"""Sensitivity to hidden bias: how strong an unmeasured confounder must be to explain an effect away.

* **E-value** (VanderWeele & Ding 2017, Ann Intern Med 167:268–274): the minimum strength of
  association, on the risk-ratio scale, that an unmeasured confounder would need with both
  treatment and outcome to move the observed risk ratio to 1: ``E = RR + sqrt(RR·(RR − 1))``
  for ``RR ≥ 1`` (``1/RR`` below 1). For the interval the limit closest to 1 is used, and the
  E-value is 1 when the interval contains 1. An odds ratio is first turned into an approximate
  risk ratio: itself for a rare outcome, ``sqrt(OR)`` for a common one (above 15% at the end
  of follow-up), as the paper proposes.
* **Rosenbaum bounds** for 1:1 matched pairs (Rosenbaum 2002, *Observational Studies*, 2nd
  ed., ch. 4): within a pair the odds that one or the other person was treated differ by at
  most a factor Γ. With a binary outcome (McNemar's setting) only the ``D`` discordant pairs
  count; under no effect the number ``T`` of them in which the treated person had the event is
  at worst Binomial(D, Γ/(1+Γ)), so the one-sided p-value is at most
  ``P(Binomial(D, Γ/(1+Γ)) ≥ T)``. For a paired continuous outcome Wilcoxon's signed rank
  statistic gets the large-sample bound of §4.3.3 (zero differences dropped, as
  ``scipy.stats.wilcoxon`` does; R's rbounds ``psens`` ranks them too). :func:`critical_gamma`
  finds the Γ at which the bound reaches ``alpha``: the bias at which the effect stops being
  significant.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from .intervals import risk_ratio


def e_value(ratio: float) -> float:
    """The E-value of a risk ratio (the point estimate or a confidence limit)."""
    if ratio <= 0:
        raise ValueError(f"a risk ratio must be positive, got {ratio}")
    rr = 1 / ratio if ratio < 1 else ratio
    return rr + math.sqrt(rr * (rr - 1))


@dataclass(frozen=True)
class EValues:
    """A risk ratio (or its approximation) with its interval and the two E-values: of the
    estimate and of the confidence limit closest to 1 (1 when the interval contains 1)."""

    ratio: float
    low: float
    high: float
    e_value: float
    e_value_limit: float


def e_values(ratio: float, low: float, high: float) -> EValues:
    """The E-values of a risk ratio with confidence interval ``[low, high]``."""
    if not low <= ratio <= high:
        raise ValueError(f"the estimate {ratio} lies outside its interval [{low}, {high}]")
    limit = 1.0 if low <= 1 <= high else e_value(low if ratio > 1 else high)
    return EValues(ratio, low, high, e_value(ratio), limit)


def e_values_from_proportions(k1: float, n1: float, k0: float, n0: float, alpha: float = 0.05) -> EValues:
    """The E-values of the risk ratio ``(k1/n1) / (k0/n0)`` of treated (1) against control (0)
    with Katz's log-scale interval (:func:`evalbook.stats.intervals.risk_ratio`)."""
    rr = risk_ratio(k1, n1, k0, n0, alpha)
    return e_values(rr.value, rr.low, rr.high)


def e_values_from_odds_ratio(odds_ratio: float, low: float, high: float, common: bool) -> EValues:
    """The E-values of an odds ratio: taken as a risk ratio for a rare outcome, as its square
    root when the outcome is common (``common``: above 15% at the end of follow-up)."""
    transform = math.sqrt if common else float
    return e_values(transform(odds_ratio), transform(low), transform(high))


def binary_pairs_p_upper(treated_events: int, discordant: int, gamma: float) -> float:
    """Upper bound of the one-sided p-value of McNemar's test at bias ``gamma``: the chance of
    at least ``treated_events`` successes in ``discordant`` trials of probability Γ/(1+Γ)."""
    _check_gamma(gamma)
    if not 0 <= treated_events <= discordant:
        raise ValueError(f"need 0 <= treated_events <= discordant, got {treated_events}, {discordant}")
    return float(stats.binom.sf(treated_events - 1, discordant, gamma / (1 + gamma)))


def signed_rank_p_upper(differences, gamma: float) -> float:
    """Upper bound of the one-sided p-value of Wilcoxon's signed rank test at bias ``gamma``
    (large-sample normal approximation; treated minus control differences, zeros dropped,
    tied absolute differences get average ranks)."""
    _check_gamma(gamma)
    d = np.asarray(differences, dtype=float)
    d = d[d != 0]
    if len(d) == 0:
        return 1.0
    ranks = stats.rankdata(np.abs(d))
    statistic = ranks[d > 0].sum()
    p_plus = gamma / (1 + gamma)
    mean = p_plus * ranks.sum()
    sd = math.sqrt(p_plus * (1 - p_plus) * (ranks**2).sum())
    return float(stats.norm.sf((statistic - mean) / sd))


def critical_gamma(p_upper: Callable[[float], float], alpha: float = 0.05) -> float:
    """The Γ at which the upper bound ``p_upper(Γ)`` reaches ``alpha``: for any larger bias the
    effect is no longer significant. 1 when it is not significant without bias either."""
    if p_upper(1.0) >= alpha:
        return 1.0
    high = 2.0
    while p_upper(high) < alpha:
        high *= 2
        if high > 1e6:
            return math.inf
    return float(optimize.brentq(lambda g: p_upper(g) - alpha, high / 2 if high > 2 else 1.0, high, xtol=1e-10))


def binary_pairs_gamma(treated_events: int, discordant: int, alpha: float = 0.05) -> float:
    """:func:`critical_gamma` of McNemar's test for matched pairs with a binary outcome."""
    return critical_gamma(lambda g: binary_pairs_p_upper(treated_events, discordant, g), alpha)


def signed_rank_gamma(differences, alpha: float = 0.05) -> float:
    """:func:`critical_gamma` of Wilcoxon's signed rank test for paired differences."""
    return critical_gamma(lambda g: signed_rank_p_upper(differences, g), alpha)


def _check_gamma(gamma: float) -> None:
    if not gamma >= 1:
        raise ValueError(f"the sensitivity parameter gamma must be at least 1, got {gamma}")
