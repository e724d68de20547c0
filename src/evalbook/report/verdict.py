"""The verdict language of the book: one place that turns a p-value into Dutch words.

Every chapter uses these, so "significant" means the same thing everywhere. (Issue: the
verdicts will also follow the Holm-adjusted p-value; see :func:`verdict`.)
"""

from __future__ import annotations

import pandas as pd

from .format import MISSING

SIGNIFICANCE_LABELS = {"significant": "significant", "not_significant": "niet significant"}


def label(p, alpha: float):
    """The report's label for ``p`` at level ``alpha``: ``"significant"``, ``"not_significant"``
    or NA when there is no p-value (suppressed, not computable)."""
    if p is None or pd.isna(p):
        return pd.NA
    return "significant" if p < alpha else "not_significant"


def significance(p, alpha: float) -> str:
    """The label in Dutch (``significant`` / ``niet significant``), an en dash without p."""
    code = label(p, alpha)
    return MISSING if code is pd.NA else SIGNIFICANCE_LABELS[code]


def verdict(diff, p, alpha: float) -> str:
    """A Dutch phrase for the direction and significance of a difference ``diff`` with ``p``."""
    if p is None or pd.isna(p):
        return "niet te toetsen (onderdrukt)"
    if round(abs(diff), 1) == 0:  # shown as 0,0: no direction to speak of
        return "vrijwel gelijk" if p >= alpha else "significant verschillend"
    direction = "hoger" if diff > 0 else "lager"
    return f"significant {direction}" if p < alpha else f"{direction}, maar niet significant"
