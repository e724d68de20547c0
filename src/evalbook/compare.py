"""Programme group against control group: differences with intervals and tests.

Methods, chosen so that test and interval agree (the interval excludes 0 exactly when
p < alpha):

* proportions: Miettinen–Nurminen score test and score interval for the difference, both
  from the same statistic (:func:`mn_statistic`). Implemented here rather than taken from
  statsmodels 0.15, whose score statistic for a non-zero difference disagrees with the
  constrained likelihood (and whose interval inversion fails for some counts);
  ``tests/test_compare.py`` checks this one against a direct maximisation;
* means: Welch's t-test and its interval (unequal variances).

Differences are programme minus control; proportions are reported in percent and
differences in percentage points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import math

from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests

from .analysis.outcomes import OUTCOMES, Outcome

PROPORTION_METHOD = "Miettinen–Nurminen-scoretoets en -interval"
MEAN_METHOD = "Welch-t-toets en -interval"
GROUPS = ("programme", "control")


def proportions(k1: int, n1: int, k0: int, n0: int, alpha: float = 0.05) -> dict:
    """Difference of two proportions in percentage points with its interval and p-value."""
    row = {"k_programme": k1, "n_programme": n1, "k_control": k0, "n_control": n0,
           "value_programme": _pct(k1, n1), "value_control": _pct(k0, n0)}
    row["diff"] = row["value_programme"] - row["value_control"]
    if min(n1, n0) == 0:
        return row | {"ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}
    low, high = mn_interval(k1, n1, k0, n0, alpha)
    z = mn_statistic(k1, n1, k0, n0, 0.0)
    p = 1.0 if np.isnan(z) else float(2 * stats.norm.sf(abs(z)))  # nan: both groups all 0 or all 1
    return row | {"ci_low": 100 * low, "ci_high": 100 * high, "p_value": p}


def mn_restricted(k1: int, n1: int, k0: int, n0: int, delta: float) -> tuple[float, float]:
    """Maximum-likelihood proportions (p1, p0) under p1 - p0 = delta (closed form of
    Farrington & Manning 1990 / Miettinen & Nurminen 1985)."""
    p1h, p0h, theta = k1 / n1, k0 / n0, n0 / n1
    a = 1 + theta
    b = -(1 + theta + p1h + theta * p0h + delta * (theta + 2))
    c = delta ** 2 + delta * (2 * p1h + theta + 1) + p1h + theta * p0h
    d = -p1h * delta * (1 + delta)
    v = b ** 3 / (27 * a ** 3) - b * c / (6 * a ** 2) + d / (2 * a)
    u = math.copysign(math.sqrt(max(b ** 2 / (9 * a ** 2) - c / (3 * a), 0.0)), v)
    w = (math.pi + math.acos(max(-1.0, min(1.0, v / u ** 3)))) / 3 if u != 0 else math.pi / 2
    p1 = min(1.0, max(0.0, 2 * u * math.cos(w) - b / (3 * a)))
    return p1, min(1.0, max(0.0, p1 - delta))


def mn_statistic(k1: int, n1: int, k0: int, n0: int, delta: float) -> float:
    """The Miettinen–Nurminen score statistic for H0: p1 - p0 = delta (variance with the
    N/(N-1) correction); decreasing in delta. NaN when the variance is zero."""
    p1, p0 = mn_restricted(k1, n1, k0, n0, delta)
    n = n1 + n0
    var = (p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0) * n / (n - 1)
    if var <= 0:
        return float("nan")
    return (k1 / n1 - k0 / n0 - delta) / math.sqrt(var)


def mn_interval(k1: int, n1: int, k0: int, n0: int, alpha: float = 0.05) -> tuple[float, float]:
    """The Miettinen–Nurminen interval: every delta the score test does not reject."""
    crit = stats.norm.ppf(1 - alpha / 2)
    d = k1 / n1 - k0 / n0
    eps = 1e-9  # step off the estimate and the edges, where the statistic can be 0/0

    def bound(target: float, lo: float, hi: float, edge: float) -> float:
        f = lambda x: mn_statistic(k1, n1, k0, n0, x) - target  # noqa: E731
        f_lo, f_hi = f(lo), f(hi)
        if np.isnan(f_lo) or np.isnan(f_hi) or f_lo * f_hi > 0:
            return edge  # the test does not reject anywhere up to the edge of [-1, 1]
        return optimize.brentq(f, lo, hi, xtol=1e-12)

    low = d if d <= -1 + 2 * eps else bound(crit, -1 + eps, d - eps, -1.0)
    high = d if d >= 1 - 2 * eps else bound(-crit, d + eps, 1 - eps, 1.0)
    return low, high


def means(x1, x0, alpha: float = 0.05) -> dict:
    """Difference of two means (Welch) with its interval and p-value."""
    x1 = np.asarray(x1, dtype=float)
    x0 = np.asarray(x0, dtype=float)
    row = {"n_programme": len(x1), "n_control": len(x0),
           "value_programme": _mean(x1), "value_control": _mean(x0)}
    row["diff"] = row["value_programme"] - row["value_control"]
    if min(len(x1), len(x0)) < 2:
        return row | {"ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}
    res = stats.ttest_ind(x1, x0, equal_var=False)
    ci = res.confidence_interval(confidence_level=1 - alpha)
    return row | {"ci_low": float(ci.low), "ci_high": float(ci.high), "p_value": float(res.pvalue)}


def outcome_table(frame: pd.DataFrame, outcomes: tuple[Outcome, ...] = OUTCOMES, alpha: float = 0.05) -> pd.DataFrame:
    """One row per outcome: n, counts, percentages or means per group, difference, CI, p.

    ``frame`` is the per-person output of :func:`evalbook.outcomes.derive`.
    """
    rows = []
    for o in outcomes:
        if o.name not in frame:
            continue
        values = {g: frame.loc[frame["group"] == g, o.name].dropna() for g in GROUPS}
        if o.kind == "proportion":
            stats_row = proportions(int(values["programme"].sum()), len(values["programme"]),
                                    int(values["control"].sum()), len(values["control"]), alpha)
            method = PROPORTION_METHOD
        else:
            stats_row = means(values["programme"], values["control"], alpha)
            method = MEAN_METHOD
        rows.append({"outcome": o.name, "label": o.label, "kind": o.kind} | stats_row | {"method": method})
    table = pd.DataFrame(rows)
    columns = ["outcome", "label", "kind", "n_programme", "k_programme", "value_programme",
               "n_control", "k_control", "value_control", "diff", "ci_low", "ci_high", "p_value", "method"]
    table = table.reindex(columns=columns)
    table[["k_programme", "k_control"]] = table[["k_programme", "k_control"]].astype("Int64")
    return table


def holm(p_values) -> np.ndarray:
    """Holm-adjusted p-values (step-down Bonferroni), missing values left missing."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        adjusted[ok] = multipletests(p[ok], method="holm")[1]
    return adjusted


def _pct(k: int, n: int) -> float:
    return 100.0 * k / n if n else np.nan


def _mean(x: np.ndarray) -> float:
    return float(x.mean()) if len(x) else np.nan
