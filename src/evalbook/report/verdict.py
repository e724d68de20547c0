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

**Association, not causation.** A comparison with a matched control group shows a difference
between the groups; whether the programme caused it depends on what the matching could not
see. The book's sentences therefore say that a difference *houdt stand na correctie* (survives
the correction for multiple testing), never that an effect *is aangetoond*. The words that
name a cause (:data:`CAUSAL`: aantonen, bewijzen, veroorzaken, "effect van het programma")
appear only in a sentence that also states how strong an unmeasured confounder would have to
be (:func:`cause_sentence`: the E-value of the interval limit and Rosenbaum's Γ); a test over
every glued sentence of the built book holds the chapters to that. :func:`judgement` says what
one difference means, :func:`family_sentence` which tests a correction ran over.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import format as fmt
from .format import MISSING
from .text import join

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
# The colour and the marker of a difference in a figure, by :func:`holm_label` code, and the
# legend's words: the verdict shows by shape as well as by colour (a filled diamond, a square,
# an open circle), and the colours (Okabe and Ito's blue and orange, a light grey) stay apart
# for readers with any of the three colour-vision deficiencies (tests/test_figures.py).
COLOURS = {
    AFTER_HOLM: "#0072b2",
    BEFORE_HOLM: "#e69f00",
    UNCORRECTED: "#e69f00",
    NOT_SIGNIFICANT: "#a6a6a6",
}
MARKERS = {AFTER_HOLM: "D", BEFORE_HOLM: "s", UNCORRECTED: "s", NOT_SIGNIFICANT: "o"}
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
    """The colour of a difference in a figure: blue when significant after Holm, orange when
    only without correction, grey when not significant or not testable."""
    return COLOURS[_figure_code(p, alpha, p_holm)]


def marker(p, alpha: float, p_holm) -> str:
    """The marker of a difference in a figure (:data:`MARKERS`), beside its :func:`colour`."""
    return MARKERS[_figure_code(p, alpha, p_holm)]


def _figure_code(p, alpha: float, p_holm) -> str:
    code = holm_label(p, alpha, p_holm)
    return NOT_SIGNIFICANT if code is pd.NA else code


# -- association and causation ------------------------------------------------------------------

# Words that name a cause: only in a sentence with its sensitivity figures (:func:`cause_sentence`).
CAUSAL = re.compile(
    r"aangetoond|aan te tonen|aantonen|\btoon\w*\b[^.;:]*?\baan\b|bewij[sz]|bewezen|veroorza|"
    r"effect van (?:het programma|WGW|Route 3|WW@Work|de aanpak)",
    re.IGNORECASE,
)
# The sensitivity figures that license a causal word in the same sentence.
SENSITIVITY = re.compile(r"E-waarde[^.;]*?(?:\d+,\d\d|zeer groot)|Γ = (?:\d+,\d\d|zeer groot)")
STANDS = "houdt stand na correctie voor meervoudig toetsen"  # the words for a difference that survives Holm
# How firm one difference is, in a few words (a headline, a summary): by :func:`holm_label` code.
FIRMNESS = {
    AFTER_HOLM: f"dat verschil {STANDS}",
    BEFORE_HOLM: "alleen zonder correctie voor meervoudig toetsen significant",
    UNCORRECTED: "significant, zonder correctie voor meervoudig toetsen",
    NOT_SIGNIFICANT: "niet significant",
}


def firmness(p, alpha: float, p_holm) -> str:
    """How firm a difference is, in a few words (:data:`FIRMNESS`); "niet te toetsen" without p."""
    code = holm_label(p, alpha, p_holm)
    return "niet te toetsen" if code is pd.NA else FIRMNESS[code]


def sentences(text: str) -> list[str]:
    """The sentences of a Dutch text (split after ``.``, ``!`` or ``?`` before a capital)."""
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-ÞΓ])", text.strip()) if s]


def causal_without_sensitivity(text: str) -> list[str]:
    """The sentences of ``text`` that use a causal word (:data:`CAUSAL`) without stating the
    sensitivity figures (:data:`SENSITIVITY`) beside it: what the book must never print."""
    return [s for s in sentences(text) if CAUSAL.search(s) and not SENSITIVITY.search(s)]


def judgement(p, alpha: float, p_holm, detectable: str = "") -> str:
    """What one difference means, by its p-value and Holm-adjusted p-value, in words that
    claim a difference between the groups and never a cause: it *houdt stand* after the
    correction, is significant only without it, or is not significant (``detectable``: what
    the study could detect, said beside a difference that is not significant)."""
    code = holm_label(p, alpha, p_holm)
    if code is pd.NA:
        return "Dat verschil is niet te toetsen."
    if code == AFTER_HOLM:
        return f"Dat verschil {STANDS} (Holm, {fmt.p_value(p_holm)})."
    if code == BEFORE_HOLM:
        return (
            f"Zonder correctie is dat verschil significant ({fmt.p_value(p)}), maar het houdt geen stand na "
            f"correctie voor meervoudig toetsen (Holm, {fmt.p_value(p_holm)})."
        )
    if code == UNCORRECTED:
        return f"Dat verschil is significant ({fmt.p_value(p)}), zonder correctie voor meervoudig toetsen."
    detect = f"; {detectable}" if detectable else ""
    return f"Dat verschil is niet significant ({fmt.p_value(p)}){detect}."


def sensitivity_text(e_value_limit=np.nan, gamma=np.nan) -> str:
    """The sensitivity figures of one difference: ``E-waarde van de intervalgrens 1,88; Γ =
    1,23`` (those that exist; empty when neither does). A bias no finite strength explains
    away reads "zeer groot"."""
    parts = []
    if not _missing(e_value_limit):
        parts.append(f"E-waarde van de intervalgrens {_strength(e_value_limit)}")
    if not _missing(gamma):
        parts.append(f"Γ = {_strength(gamma)}")
    return " en ".join(parts)


def _strength(x) -> str:
    return "zeer groot" if np.isinf(x) else fmt.number(x, 2)


def cause_sentence(subject: str, items: Sequence[tuple[str, str]], matched: bool = True) -> str:
    """Whether ``subject`` (``het programma``) caused the differences ``items`` (name, its
    :func:`sensitivity_text`), with the figures in the same sentence; a difference without
    figures is named as such, and without any figures the sentence claims no cause at all."""
    known = [(name, text) for name, text in items if text]
    unknown = [name for name, text in items if not text]
    design = "de matching" if matched else "de vergelijking"
    if not known:
        return (
            f"Hoe sterk een niet geregistreerd verschil tussen de groepen zou moeten zijn om "
            f"{'dat verschil' if len(items) == 1 else 'die verschillen'} te verklaren, is hier niet berekend; "
            f"het blijft een verschil tussen groepen die {design} vergelijkbaar maakte op de geregistreerde kenmerken."
        )
    one = len(items) == 1
    figures_ = f" ({known[0][1]})" if one else ": " + "; ".join(f"{text} voor {name}" for name, text in known)
    sentence = (
        f"Of {subject} {'dat verschil' if one else 'die verschillen'} veroorzaakte, hangt af van wat {design} niet "
        f"zag: een niet geregistreerd kenmerk maakt {'het' if one else 'ze'} al niet significant als het deelname "
        "en uitkomst elk zo veel keer waarschijnlijker maakt als de E-waarde van de intervalgrens, of de kans op "
        f"deelname binnen een gematcht paar zo veel keer groter als Γ{figures_}."
    )
    if unknown:
        sentence += f" Voor {join(unknown)} is die gevoeligheid niet berekend."
    return sentence


# -- the family of a correction -------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    """The tests one correction for multiple testing runs over: ``shown`` with their p-value
    in the chapter, ``held`` withheld by the disclosure gate (counted with p = 1, so that an
    adjusted p-value gives none of them back)."""

    shown: int
    held: int = 0

    @property
    def size(self) -> int:
        return self.shown + self.held


def family(p_values: Iterable, held: Iterable = ()) -> Family:
    """The family of a correction from the p-values a chapter shows (missing ones are not
    tests) and the tests the gate held back."""
    return Family(sum(not _missing(p) for p in p_values), len(list(held)))


def family_sentence(found: Family, method: str = "Holm") -> str:
    """Which tests the correction ran over, in one sentence: the family size it used, and how
    many of those the chapter shows."""
    text = (
        f"De correctie voor meervoudig toetsen volgt de methode van {method}, over alle "
        f"{fmt.number(found.size)} toetsen van dit hoofdstuk"
    )
    if found.held:
        text += (
            f": {fmt.number(found.shown)} staan erin, {fmt.number(found.held)} "
            f"{'is' if found.held == 1 else 'zijn'} weggelaten om personen te beschermen en "
            f"{'telt' if found.held == 1 else 'tellen'} in de correctie mee met p = 1"
        )
    return text + "."
