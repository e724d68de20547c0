"""The verdict language of the book: one place that turns a p-value into Dutch words.

Every chapter uses these, so "significant" means the same thing everywhere. A chapter tests
many differences at once, so a verdict is driven by both the p-value and the Holm-adjusted
p-value of its family of tests (:func:`evalbook.stats.multiplicity.holm`):

* significant after Holm (``p_holm < alpha``): "significant hoger, ook na correctie voor
  meervoudig toetsen (Holm)";
* significant only before Holm (``p < alpha <= p_holm``): "significant hoger, maar niet na
  correctie voor meervoudig toetsen (Holm)";
* not significant (``p >= alpha``): "hoger, maar niet significant".

A difference outside the Holm family (``p_holm`` NaN beside a p-value, such as the share of
one answer category) says that it was not corrected. ``p_holm=None`` gives the words without
any statement about the correction, for a caller that has no Holm-adjusted p-values yet.
"""

from __future__ import annotations

import pandas as pd

from . import figures
from .format import MISSING

SIGNIFICANCE_LABELS = {"significant": "significant", "not_significant": "niet significant"}

# Codes of :func:`holm_label`: the significance of a difference together with its Holm status.
AFTER_HOLM, BEFORE_HOLM, UNCORRECTED, NOT_SIGNIFICANT = (
    "significant_after_holm",
    "significant_before_holm",
    "significant_uncorrected",
    "not_significant",
)
HOLM_LABELS = {
    AFTER_HOLM: "significant, ook na Holm",
    BEFORE_HOLM: "significant, niet na Holm",
    UNCORRECTED: "significant, zonder correctie",
    NOT_SIGNIFICANT: "niet significant",
}
HOLM_PHRASES = {
    AFTER_HOLM: ", ook na correctie voor meervoudig toetsen (Holm)",
    BEFORE_HOLM: ", maar niet na correctie voor meervoudig toetsen (Holm)",
    UNCORRECTED: " (zonder correctie voor meervoudig toetsen)",
}
# The colour of a difference in a figure, by :func:`holm_label` code, and the legend's words.
COLOURS = {
    AFTER_HOLM: figures.HIGHLIGHT,
    BEFORE_HOLM: "#ef8a62",
    UNCORRECTED: "#ef8a62",
    NOT_SIGNIFICANT: figures.NEUTRAL,
}
COLOUR_LABELS = {
    AFTER_HOLM: "significant, ook na Holm-correctie",
    BEFORE_HOLM: "alleen significant zonder correctie",
    NOT_SIGNIFICANT: "niet significant",
}


def _missing(x) -> bool:
    return x is None or bool(pd.isna(x))


def label(p, alpha: float):
    """The report's label for ``p`` at level ``alpha``: ``"significant"``, ``"not_significant"``
    or NA when there is no p-value (suppressed, not computable)."""
    if _missing(p):
        return pd.NA
    return "significant" if p < alpha else "not_significant"


def holm_label(p, alpha: float, p_holm):
    """The significance of ``p`` with its Holm status: :data:`AFTER_HOLM`, :data:`BEFORE_HOLM`,
    :data:`UNCORRECTED` (no Holm-adjusted p-value beside a significant p), :data:`NOT_SIGNIFICANT`,
    or NA without a p-value."""
    if _missing(p):
        return pd.NA
    if p >= alpha:
        return NOT_SIGNIFICANT
    if _missing(p_holm):
        return UNCORRECTED
    return AFTER_HOLM if p_holm < alpha else BEFORE_HOLM


def significance(p, alpha: float, p_holm=None) -> str:
    """The short label in Dutch for a table cell: ``significant, ook na Holm``, ``significant,
    niet na Holm``, ``niet significant`` (``significant`` / ``niet significant`` when no
    ``p_holm`` is passed), an en dash without p."""
    if p_holm is None:
        code = label(p, alpha)
        return MISSING if code is pd.NA else SIGNIFICANCE_LABELS[code]
    code = holm_label(p, alpha, p_holm)
    return MISSING if code is pd.NA else HOLM_LABELS[code]


def verdict(diff, p, alpha: float, p_holm=None) -> str:
    """A Dutch phrase for the direction and significance of a difference ``diff`` with ``p``
    and, when given, the Holm-adjusted ``p_holm`` (see the module docstring)."""
    if _missing(p):
        return "niet te toetsen (onderdrukt)"
    if round(abs(diff), 1) == 0:  # shown as 0,0: no direction to speak of
        words = "vrijwel gelijk" if p >= alpha else "significant verschillend"
    else:
        direction = "hoger" if diff > 0 else "lager"
        words = f"significant {direction}" if p < alpha else f"{direction}, maar niet significant"
    if p_holm is None or p >= alpha:
        return words
    return words + HOLM_PHRASES[holm_label(p, alpha, p_holm)]


def colour(p, alpha: float, p_holm) -> str:
    """The colour of a difference in a figure: dark red when significant after Holm, light
    red when only without correction, grey when not significant or not testable."""
    code = holm_label(p, alpha, p_holm)
    return COLOURS[NOT_SIGNIFICANT if code is pd.NA else code]
