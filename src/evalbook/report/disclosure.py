"""The chapter's note on what the disclosure gate held back, in Dutch, once per chapter.

Every gate lists what it hid as :class:`~evalbook.disclosure.cells.Suppression` records
(table, row, column, reason). :func:`summary` turns them into one paragraph: the rules, in
how many rows of which table something is missing, and which kinds of reason occurred. It
never says which cell was hidden for which reason: telling the small cells (primary) from
the ones hidden to protect them (secondary) would give the small ones away.
:func:`note` shows the paragraph as a collapsed box before the provenance box, at the end of
the chapter.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from ..disclosure.cells import CURVE, DERIVED, MAGNITUDE, MODEL, PRIMARY, SECONDARY, Suppression
from ..disclosure.linked import EXACT, MODULAR
from ..disclosure.policy import Rules
from . import format as fmt
from .text import join

TITLE = "Bescherming van personen"
TABLE_NAMES = {  # the gates' table names, as a reader knows them
    "outcomes": "de tabellen met uitkomsten",
    "comparison": "de vergelijking met het rapport",
    "conflicts": "de tegenstrijdige cijfers",
    "log_rank": "de log-ranktoets",
    "balance": "de balans van de matching",
    "assumptions": "de aannames",
    "indicators": "de tabel met indicatoren",
    "distributions": "de antwoordverdelingen",
    "by_team": "de tabel per team",
    "respondents": "de aantallen respondenten",
    "nps": "de NPS-tabellen",
    "funnel": "de trechter",
    "figures": "de gepubliceerde trechtercijfers",
    "ovp": "de tabel gerealiseerd tegenover voorspeld",
}
CURVE_TABLES = ("km", "cif")
REASON_TEXTS = {
    SECONDARY: "Om te voorkomen dat zo'n cel toch terug te rekenen is uit totalen, de andere groep, het "
    "totaal min de getoonde groepen, een ongewogen gemiddelde of de percentages, zijn zo nodig ook "
    "andere cellen weggelaten (secundaire onderdrukking); geen weggelaten aantal is uit alles wat dit "
    "hoofdstuk toont nauwkeuriger te bepalen dan tot op {m} personen.",
    DERIVED: "Wat uit een weggelaten cel volgt (een percentage, een verschil met interval en p-waarde, het "
    "minimaal detecteerbare effect, een gereproduceerd cijfer van het rapport) is met die cel "
    "weggelaten; de correctie voor meervoudig toetsen telt een weggelaten toets mee met p = 1. Elke statistiek "
    "staat er alleen als de cellen waarop zij berust getoond of beschermd zijn, ook cellen die geen tabel "
    "toont (zoals de gematchte paren onder Γ).",
    MAGNITUDE: "Een gemiddelde staat er alleen als het op ten minste {m} personen berust en de {n} grootste "
    "bijdragen samen niet meer dan {k} van het totaal uitmaken; een interval, toets of minimaal detecteerbaar "
    "effect van een gemiddelde, dat ook de spreiding prijsgeeft, alleen als dat ook geldt voor de gekwadrateerde "
    "afwijkingen van het gemiddelde.",
    MODEL: "Een regressie staat er alleen met ten minste {df} vrijheidsgraden over.",
    CURVE: "Elke stap van een curve telt ten minste {m} uitstromers: kleinere stappen zijn samengenomen, ook "
    "met de uitstromers na de laatste stap; een curve stopt waar minder dan {m} personen over zijn.",
}
METHOD_TEXTS = {  # how the further cells were chosen (Protection.method), said with the secondary suppression
    EXACT: "Die andere cellen zijn zo gekozen dat er zo weinig mogelijk ontbreken (een exacte optimalisatie).",
    MODULAR: "Voor zoveel cellen is de kleinste keuze niet binnen redelijke tijd exact te berekenen: de andere "
    "cellen zijn per deel van de tabellen gekozen, elk deel zo zuinig mogelijk, en daarna is het geheel "
    "opnieuw gecontroleerd. Er kunnen daardoor meer cellen ontbreken dan strikt nodig.",
}


def summary(suppressions: Iterable[Suppression], rules: Rules, method: str = EXACT) -> str:
    """One Dutch paragraph on the rules and what they held back in this chapter; ``method``:
    how the gate chose its secondary suppression (:attr:`~evalbook.disclosure.linked.Protection.method`)."""
    suppressions = list(suppressions)
    m = rules.min_cell_size
    zeros = "; ook een nul telt als klein aantal" if rules.zeros_disclosive else ""
    text = [
        f"Dit hoofdstuk toont geen aantal personen onder de {m} en geen aantal waarvan het complement "
        f"(wie het kenmerk niet heeft) onder de {m} ligt{zeros}."
    ]
    rows: dict[str, set] = {}
    for s in suppressions:
        if s.table in TABLE_NAMES:
            rows.setdefault(s.table, set()).add(s.row)
    if rows:
        counted = [f"{_rows(len(found))} van {TABLE_NAMES[table]}" for table, found in rows.items()]
        text.append(f"Daardoor is iets weggelaten in {join(counted)}.")
    elif not suppressions:
        text.append("In dit hoofdstuk hoefde daarvoor niets te worden weggelaten.")
    reasons = {s.reason for s in suppressions} | (
        {CURVE} if any(s.table in CURVE_TABLES for s in suppressions) else set()
    )
    values = {"m": m, "n": rules.dominance_n, "k": fmt.percent(100 * rules.dominance_k, 0), "df": rules.min_residual_df}
    for reason in (r for r in (SECONDARY, DERIVED, MAGNITUDE, MODEL, CURVE) if r in reasons):
        text.append(REASON_TEXTS[reason].format(**values))
        if reason == SECONDARY:
            text.append(METHOD_TEXTS[method])
    if reasons & {PRIMARY, SECONDARY}:
        text.append("Welke cel om welke reden ontbreekt, vermelden we niet: ook dat zou iets verraden.")
    return " ".join(text)


def _rows(count: int) -> str:
    return f"{fmt.number(count)} {'rij' if count == 1 else 'rijen'}"


class Note:
    """The summary as a box in the book (HTML) with a plain-text twin (nbval compares both)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return f"{TITLE}: {self.text}"

    def _repr_html_(self) -> str:
        return (
            f'<details class="admonition note disclosure"><summary class="admonition-title">'
            f'<span class="evalbook-toggle" aria-hidden="true"></span>{TITLE}</summary>\n'
            f"<p>{html.escape(self.text)}</p></details>"
        )


def note(suppressions: Iterable[Suppression], rules: Rules, method: str = EXACT) -> Note:
    """The chapter's box on what was held back (:func:`summary`)."""
    return Note(summary(suppressions, rules, method))
