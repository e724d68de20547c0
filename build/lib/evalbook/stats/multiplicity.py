"""Multiple testing within a chapter: Holm's step-down adjustment (chosen explicitly:
statsmodels' ``multipletests`` defaults to Holm–Šidák)."""

from __future__ import annotations

import numpy as np
from statsmodels.stats.multitest import multipletests


def holm(p_values) -> np.ndarray:
    """Holm-adjusted p-values (step-down Bonferroni), missing values left missing."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        adjusted[ok] = multipletests(p[ok], method="holm")[1]
    return adjusted
