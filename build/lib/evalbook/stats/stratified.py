"""Comparisons over strata (target groups) and the tests a 2018 analyst could have used.

* :func:`cmh` — the Cochran–Mantel–Haenszel test of no association in K 2×2 tables (Mantel &
  Haenszel 1959, JNCI 22:719; Agresti 2013, *Categorical Data Analysis*, ch. 6), with or
  without the continuity correction, and the Mantel–Haenszel common odds ratio.
* :func:`unweighted_mean` / :func:`unweighted_mean_difference` — the plain mean of the group
  shares, as in Route 3's "totaal gemiddeld" (each target group counts once, whatever its
  size): estimate ``Σ p_g / G`` with variance ``Σ p_g(1 − p_g)/n_g / G²`` (independent
  binomial groups), a Wald interval and z-test for programme minus control.
* :func:`analyst_2018_p_values` — the p-values of the tests available to the
  evaluators in 2018 for one comparison of two proportions, side by side: the
  Miettinen–Nurminen score test (:func:`evalbook.stats.proportions.proportions`, the book's
  own), Pearson's χ² without and with Yates' correction (``scipy.stats.chi2_contingency``),
  Fisher's exact test (``scipy.stats.fisher_exact``) and, given the strata, the CMH test.
  All of these were in SPSS, Stata and R at the time; none is reimplemented here.

Shares are in percent and differences in percentage points, as in :mod:`.proportions`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .proportions import proportions


@dataclass(frozen=True)
class CMH:
    """The CMH chi-square ``statistic`` (1 df), its ``p_value`` and the Mantel–Haenszel
    common ``odds_ratio`` (``inf``/``nan`` when no stratum has discordant products)."""

    statistic: float
    p_value: float
    odds_ratio: float
    correction: bool


def cmh(tables, correction: bool = False) -> CMH:
    """The Cochran–Mantel–Haenszel test over ``tables`` (K × 2 × 2: rows treated/control,
    columns event/no event). Strata of fewer than 2 persons carry no information and are
    left out."""
    t = np.asarray(tables, dtype=float).reshape(-1, 2, 2)
    t = t[t.sum(axis=(1, 2)) >= 2]
    a, b, c, d = t[:, 0, 0], t[:, 0, 1], t[:, 1, 0], t[:, 1, 1]
    n = a + b + c + d
    expected = (a + b) * (a + c) / n
    variance = ((a + b) * (c + d) * (a + c) * (b + d) / (n**2 * (n - 1))).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        odds_ratio = float((a * d / n).sum() / (b * c / n).sum())
    if variance == 0:
        return CMH(float("nan"), float("nan"), odds_ratio, correction)
    deviation = abs((a - expected).sum())
    if correction:
        deviation = max(deviation - 0.5, 0.0)
    statistic = deviation**2 / variance
    return CMH(float(statistic), float(stats.chi2.sf(statistic, 1)), odds_ratio, correction)


@dataclass(frozen=True)
class UnweightedMean:
    """The unweighted mean of group shares in percent, its standard error and Wald interval."""

    value: float
    se: float
    low: float
    high: float


def unweighted_mean(k, n, alpha: float = 0.05) -> UnweightedMean:
    """The plain mean of the shares ``k_g / n_g`` over the groups, every group counting once."""
    value, variance = _unweighted(k, n)
    se = math.sqrt(variance)
    z = stats.norm.ppf(1 - alpha / 2)
    return UnweightedMean(100 * value, 100 * se, 100 * (value - z * se), 100 * (value + z * se))


def unweighted_mean_difference(k1, n1, k0, n0, alpha: float = 0.05) -> dict:
    """Programme minus control of two unweighted means of group shares (per group counts
    ``k1``/``n1`` and ``k0``/``n0``), with a Wald interval and z-test; keys as
    :func:`evalbook.stats.proportions.proportions` (totals summed over the groups)."""
    v1, var1 = _unweighted(k1, n1)
    v0, var0 = _unweighted(k0, n0)
    se = math.sqrt(var1 + var0)
    z = stats.norm.ppf(1 - alpha / 2)
    diff = v1 - v0
    p = float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else float("nan")
    return {
        "k_programme": int(np.sum(k1)),
        "n_programme": int(np.sum(n1)),
        "k_control": int(np.sum(k0)),
        "n_control": int(np.sum(n0)),
        "value_programme": 100 * v1,
        "value_control": 100 * v0,
        "diff": 100 * diff,
        "ci_low": 100 * (diff - z * se),
        "ci_high": 100 * (diff + z * se),
        "p_value": p,
    }


def analyst_2018_p_values(k1: int, n1: int, k0: int, n0: int, strata=None) -> dict[str, float]:
    """p-values of one programme–control comparison of proportions by every test at hand in
    2018: ``mn_score``, ``pearson``, ``yates``, ``fisher`` and, when ``strata`` (a sequence
    of ``(k1, n1, k0, n0)`` per stratum adding up to the totals) is given, ``cmh`` and
    ``cmh_corrected``. χ² tests are NaN when an event or non-event column is empty."""
    table = np.array([[k1, n1 - k1], [k0, n0 - k0]])
    result = {"mn_score": proportions(k1, n1, k0, n0)["p_value"]}
    if (table.sum(axis=0) > 0).all():
        result["pearson"] = float(stats.chi2_contingency(table, correction=False).pvalue)
        result["yates"] = float(stats.chi2_contingency(table, correction=True).pvalue)
    else:
        result["pearson"] = result["yates"] = float("nan")
    result["fisher"] = float(stats.fisher_exact(table).pvalue)
    if strata is not None:
        strata = np.asarray(strata, dtype=int).reshape(-1, 4)
        if tuple(strata.sum(axis=0)) != (k1, n1, k0, n0):
            raise ValueError(f"the strata add up to {tuple(strata.sum(axis=0))}, not to {(k1, n1, k0, n0)}")
        tables = [[[s1, m1 - s1], [s0, m0 - s0]] for s1, m1, s0, m0 in strata]
        result["cmh"] = cmh(tables).p_value
        result["cmh_corrected"] = cmh(tables, correction=True).p_value
    return result


def _unweighted(k, n) -> tuple[float, float]:
    """Mean of the shares and its variance (as proportions)."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    if len(n) == 0 or (n <= 0).any():
        raise ValueError(f"every group needs persons: n = {n.tolist()}")
    p = k / n
    return float(p.mean()), float((p * (1 - p) / n).sum() / len(p) ** 2)
