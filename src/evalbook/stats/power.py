"""Power and minimum detectable effects (MDE) of a two-group comparison: numbers only.

The MDE is the smallest difference ``d > 0`` (group 1 above group 0) that the two-sided test
at level ``alpha`` rejects with probability ``power``, for the actual group sizes:

* proportions: the normal approximation of the two-proportion z-test, with the pooled
  variance under H0 and the unpooled variance under the alternative (Fleiss):
  ``power(d) = Φ((d - z·σ0)/σ1) + Φ((-d - z·σ0)/σ1)``, ``z = z_{1-α/2}``,
  ``σ0² = p̄(1-p̄)(1/n1 + 1/n0)`` with ``p̄`` the size-weighted mean of ``p1 = p0 + d`` and
  ``p0``, ``σ1² = p1(1-p1)/n1 + p0(1-p0)/n0`` — the formula of statsmodels'
  ``power_proportions_2indep``; solved for ``d`` numerically (fractions);
* means: the same with ``σ0 = σ1 = sd·√(1/n1 + 1/n0)`` and ``sd`` the pooled within-group
  standard deviation (the z-test behind ``NormalIndPower``); in the unit of ``sd``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize, stats

DEFAULT_POWER = 0.8


def _power(d: float, se_null: float, se_alt: float, alpha: float) -> float:
    """Power of a two-sided z-test of difference ``d`` (standard error ``se_null`` under the null,
    ``se_alt`` under the alternative). Without spread under the alternative (both proportions
    0 or 1) the estimate is exactly ``d``: power 1 when it lies beyond the critical value, else 0."""
    z = stats.norm.isf(alpha / 2)
    if se_alt == 0:
        return float(abs(d) > z * se_null)
    return float(stats.norm.sf((z * se_null - d) / se_alt) + stats.norm.cdf((-z * se_null - d) / se_alt))


def proportion_power(d: float, p0: float, n1: float, n0: float, alpha: float = 0.05) -> float:
    """Power of the two-sided two-proportion z-test when ``p1 = p0 + d`` (fractions)."""
    p1 = p0 + d
    pooled = (n1 * p1 + n0 * p0) / (n1 + n0)
    se_null = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    se_alt = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    return _power(d, se_null, se_alt, alpha)


def mde_proportion(p0: float, n1: float, n0: float, alpha: float = 0.05, power: float = DEFAULT_POWER) -> float:
    """The smallest ``p1 - p0 > 0`` (fractions) detected with probability ``power``; NaN when
    even ``p1 = 1`` is not, or an input is missing."""
    if any(pd.isna(v) for v in (p0, n1, n0)) or min(n1, n0) < 1 or not 0 <= p0 < 1:
        return np.nan
    top = 1 - p0
    if proportion_power(top, p0, n1, n0, alpha) < power:
        return np.nan
    return optimize.brentq(lambda d: proportion_power(d, p0, n1, n0, alpha) - power, top * 1e-9, top, xtol=1e-12)


def mde_mean(sd: float, n1: float, n0: float, alpha: float = 0.05, power: float = DEFAULT_POWER) -> float:
    """The smallest difference in means detected with probability ``power`` (unit of ``sd``)."""
    if any(pd.isna(v) for v in (sd, n1, n0)) or min(n1, n0) < 1 or sd <= 0:
        return np.nan
    se = sd * math.sqrt(1 / n1 + 1 / n0)
    upper = (stats.norm.isf(alpha / 2) + stats.norm.ppf(power) + 1) * se
    return optimize.brentq(lambda d: _power(d, se, se, alpha) - power, 0.0, upper, xtol=1e-12)


def pooled_sd(*samples) -> float:
    """The pooled within-group standard deviation ``√(Σ(nᵢ-1)sᵢ² / Σ(nᵢ-1))`` of the samples;
    NaN when a sample has fewer than two values."""
    arrays = [np.asarray(s, dtype=float) for s in samples]
    if min(len(a) for a in arrays) < 2:
        return np.nan
    return math.sqrt(sum((len(a) - 1) * a.var(ddof=1) for a in arrays) / sum(len(a) - 1 for a in arrays))
