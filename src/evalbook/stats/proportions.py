"""Proportions: one proportion's interval (Wilson) and the difference of two proportions.

The difference uses the Miettinen–Nurminen score test and score interval, both from the same
statistic (:func:`mn_statistic`), so the interval excludes 0 exactly when p < alpha.
Implemented here rather than taken from statsmodels 0.15, whose score statistic for a non-zero
difference disagrees with the constrained likelihood (and whose interval inversion fails for
some counts); ``tests/test_compare.py`` checks this one against a direct maximisation.

The variance of the statistic comes in two forms. Miettinen and Nurminen (1985) multiply the
restricted variance by N/(N − 1) (N: both groups together); Farrington and Manning (1990)
and the worked example of Fagerland, Lydersen and Laake (2015, 7/34 against 1/34: interval
0,028 to 0,34), which statsmodels tests against, leave that factor out. The book uses the
factor (``correction=True``, the default): it is the test the name refers to, and the more
cautious one (at the group sizes of this book the factor widens an interval by a few hundredths
of a percentage point). ``tests/test_compare.py`` pins both forms to the worked example.

References: Miettinen & Nurminen (1985), Comparative analysis of two rates, Stat Med 4;
Farrington & Manning (1990), Stat Med 9; Fagerland, Lydersen & Laake (2015), Recommended
confidence intervals for two independent binomial proportions, Stat Methods Med Res 24;
Wilson (1927), JASA 22. Differences are programme minus control, in percentage points.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats


def proportions(k1: int, n1: int, k0: int, n0: int, alpha: float = 0.05, correction: bool = True) -> dict:
    """Difference of two proportions in percentage points with its interval and p-value
    (``correction``: the N/(N − 1) factor of the variance, see the module docstring)."""
    row = {
        "k_programme": k1,
        "n_programme": n1,
        "k_control": k0,
        "n_control": n0,
        "value_programme": _pct(k1, n1),
        "value_control": _pct(k0, n0),
    }
    row["diff"] = row["value_programme"] - row["value_control"]
    if min(n1, n0) == 0:
        return row | {"ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}
    low, high = mn_interval(k1, n1, k0, n0, alpha, correction)
    z = mn_statistic(k1, n1, k0, n0, 0.0, correction)
    p = 1.0 if np.isnan(z) else float(2 * stats.norm.sf(abs(z)))  # nan: both groups all 0 or all 1
    return row | {"ci_low": 100 * low, "ci_high": 100 * high, "p_value": p}


def mn_restricted(k1: int, n1: int, k0: int, n0: int, delta: float) -> tuple[float, float]:
    """Maximum-likelihood proportions (p1, p0) under p1 - p0 = delta (closed form of
    Farrington & Manning 1990 / Miettinen & Nurminen 1985)."""
    p1h, p0h, theta = k1 / n1, k0 / n0, n0 / n1
    a = 1 + theta
    b = -(1 + theta + p1h + theta * p0h + delta * (theta + 2))
    c = delta**2 + delta * (2 * p1h + theta + 1) + p1h + theta * p0h
    d = -p1h * delta * (1 + delta)
    v = b**3 / (27 * a**3) - b * c / (6 * a**2) + d / (2 * a)
    u = math.copysign(math.sqrt(max(b**2 / (9 * a**2) - c / (3 * a), 0.0)), v)
    w = (math.pi + math.acos(max(-1.0, min(1.0, v / u**3)))) / 3 if u != 0 else math.pi / 2
    p1 = min(1.0, max(0.0, 2 * u * math.cos(w) - b / (3 * a)))
    return p1, min(1.0, max(0.0, p1 - delta))


def mn_statistic(k1: int, n1: int, k0: int, n0: int, delta: float, correction: bool = True) -> float:
    """The Miettinen–Nurminen score statistic for H0: p1 - p0 = delta; decreasing in delta.
    ``correction``: the variance with the N/(N-1) factor of Miettinen and Nurminen (else as
    Farrington and Manning, and Fagerland et al.'s worked example). NaN when the variance is zero."""
    p1, p0 = mn_restricted(k1, n1, k0, n0, delta)
    n = n1 + n0
    var = (p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0) * (n / (n - 1) if correction else 1.0)
    if var <= 0:
        return float("nan")
    return (k1 / n1 - k0 / n0 - delta) / math.sqrt(var)


def mn_interval(
    k1: int, n1: int, k0: int, n0: int, alpha: float = 0.05, correction: bool = True
) -> tuple[float, float]:
    """The Miettinen–Nurminen interval: every delta the score test (:func:`mn_statistic`, with
    or without the ``correction``) does not reject."""
    crit = stats.norm.ppf(1 - alpha / 2)
    d = k1 / n1 - k0 / n0
    eps = 1e-9  # step off the estimate and the edges, where the statistic can be 0/0

    def bound(target: float, lo: float, hi: float, edge: float) -> float:
        f = lambda x: mn_statistic(k1, n1, k0, n0, x, correction) - target  # noqa: E731
        f_lo, f_hi = f(lo), f(hi)
        if np.isnan(f_lo) or np.isnan(f_hi) or f_lo * f_hi > 0:
            return edge  # the test does not reject anywhere up to the edge of [-1, 1]
        return optimize.brentq(f, lo, hi, xtol=1e-12)

    low = d if d <= -1 + 2 * eps else bound(crit, -1 + eps, d - eps, -1.0)
    high = d if d >= 1 - 2 * eps else bound(-crit, d + eps, 1 - eps, 1.0)
    return low, high


def wilson(k: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """The Wilson score interval for ``k`` of ``n`` (as proportions; NaN when ``n`` is 0)."""
    if n == 0:
        return float("nan"), float("nan")
    z = stats.norm.ppf(1 - alpha / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def _pct(k: int, n: int) -> float:
    return 100.0 * k / n if n else np.nan
