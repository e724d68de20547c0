"""Programme group against control group: differences with intervals and tests.

Methods, chosen so that test and interval agree (the interval excludes 0 exactly when
p < alpha):

* proportions: Miettinen–Nurminen score test and score interval for the difference
  (statsmodels ``method="score", correction=True`` for both);
* means: Welch's t-test and its interval (unequal variances).

Differences are programme minus control; proportions are reported in percent and
differences in percentage points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from .outcomes import OUTCOMES, Outcome

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
    with np.errstate(divide="ignore", invalid="ignore"):
        test = test_proportions_2indep(k1, n1, k0, n0, value=0, method="score", compare="diff", correction=True)
        low, high = confint_proportions_2indep(k1, n1, k0, n0, method="score", compare="diff",
                                               alpha=alpha, correction=True)
    return row | {"ci_low": 100 * float(low), "ci_high": 100 * float(high), "p_value": float(test.pvalue)}


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
