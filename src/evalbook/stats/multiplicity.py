"""Multiple testing within a chapter: Holm's step-down adjustment.

Holm, S. (1979), *A simple sequentially rejective multiple test procedure*, Scandinavian Journal
of Statistics 6(2), 65-70: with the m p-values sorted ascending, the i-th (from 0) is adjusted
to ``max over j <= i of min(1, (m - j) * p_(j))``. Computed here rather than with statsmodels'
``multipletests`` (which defaults to Holm-Šidák, and collects garbage on every call: a quarter
of a second each); the tests check it against ``multipletests(method="holm")``.
"""

from __future__ import annotations

import numpy as np


def holm(p_values) -> np.ndarray:
    """Holm-adjusted p-values (step-down Bonferroni), missing values left missing."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    tested = p[ok]
    order = np.argsort(tested, kind="stable")
    m = len(tested)
    steps = np.minimum(1.0, (m - np.arange(m)) * tested[order])
    result = np.empty(m)
    result[order] = np.maximum.accumulate(steps)
    adjusted[ok] = result
    return adjusted
