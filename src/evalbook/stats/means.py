"""The difference of two means: Welch's t-test and its interval (unequal variances)."""

from __future__ import annotations

import numpy as np
from scipy import stats


def means(x1, x0, alpha: float = 0.05) -> dict:
    """Difference of two means (Welch) with its interval and p-value."""
    x1 = np.asarray(x1, dtype=float)
    x0 = np.asarray(x0, dtype=float)
    row = {"n_programme": len(x1), "n_control": len(x0), "value_programme": _mean(x1), "value_control": _mean(x0)}
    row["diff"] = row["value_programme"] - row["value_control"]
    if min(len(x1), len(x0)) < 2:
        return row | {"ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}
    res = stats.ttest_ind(x1, x0, equal_var=False)
    ci = res.confidence_interval(confidence_level=1 - alpha)
    return row | {"ci_low": float(ci.low), "ci_high": float(ci.high), "p_value": float(res.pvalue)}


def _mean(x: np.ndarray) -> float:
    return float(x.mean()) if len(x) else np.nan
