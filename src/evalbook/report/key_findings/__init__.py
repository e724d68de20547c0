"""The key findings ("Belangrijkste uitkomsten") of the chapters, as complete Dutch sentences.

One module per chapter type (``effect_study``, ``phone_survey``, ``client_survey``,
``wwatwork``), each with a ``sentences`` function; this package holds what they share. A
chapter imports only its own module, so rewording one study's findings reruns only that
study's chapters.

Each chapter glues them (``key_…``); the landing page and the programmes' summary pages
paste them from there (``{glue:text}`wgw/effect_study.ipynb::key_outflow:s```), so a rerun
of a chapter on other data rewrites them. ``key_headline`` is the finding of a programme in
one line. The wording follows the data and the verdict vocabulary
(:mod:`evalbook.report.verdict`): a difference *houdt stand* when it is significant after
Holm's correction over the chapter's tests, and whether the programme caused it is said only
with the sensitivity figures beside it (E-value of the interval limit, Rosenbaum's Γ); a
comparison the gate held back is said to be not shown; a sentence that rests on a number the
report does not publish (an assumption of the embedded data) says so. Like the rest of
:mod:`evalbook.report` this reads released results (and the chapter's own glued values, so the
two never disagree) and computes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import format as fmt
from ..text import join

NOT_SHOWN = "niet te tonen: een van de aantallen is te klein om de personen erachter te beschermen"


def counted(n: int, one: str, many: str) -> str:
    """``1 vergelijking``, ``3 vergelijkingen``."""
    return f"{fmt.number(n)} {one if n == 1 else many}"


def verb(n: int, one: str, many: str, none: str) -> str:
    """A count with its verb: ``geen enkel cijfer wijkt af``, ``1 wijkt af``, ``3 wijken af``."""
    return none if n == 0 else f"{fmt.number(n)} {one if n == 1 else many}"


def listed(names: list[str], limit: int = 3) -> str:
    """At most ``limit`` names, then how many more: ``a; b; c en nog 8 andere`` (all of them
    when only one more would follow)."""
    if len(names) <= limit + 1:
        return join(names, "geen", "; ")
    return "; ".join(names[:limit]) + f" en nog {fmt.number(len(names) - limit)} andere"


def pp_text(x) -> str:
    """A difference in words: ``+6,1 procentpunt``."""
    return fmt.pp(x, 1).replace(" pp", " procentpunt")


def reproduction_sentence(values: Mapping[str, str], what: str) -> str:
    """How many published figures of ``what`` reproduce, differ or are held back, and the
    verdicts on significance that differ or do not survive Holm (from the chapter's glued values)."""
    number = {k: int(values.get(f"published_{k}", "0")) for k in ("total", "agree", "differ", "suppressed", "missing")}
    rest = [verb(number["differ"], "wijkt af", "wijken af", "geen enkel cijfer wijkt af")]
    if number["suppressed"]:
        rest.append(verb(number["suppressed"], "is onderdrukt", "zijn onderdrukt", "") + " om personen te beschermen")
    if number["missing"]:
        rest.append(verb(number["missing"], "is", "zijn", "") + " met deze data niet te reproduceren")
    if number["agree"] == number["total"]:
        text = (
            f"Alle {fmt.number(number['total'])} gepubliceerde cijfers van {what} reproduceert dit boek binnen "
            "de afronding van het rapport."
        )
    else:
        text = (
            f"Van de {fmt.number(number['total'])} gepubliceerde cijfers van {what} reproduceert dit boek er "
            f"{fmt.number(number['agree'])} binnen de afronding van het rapport; {join(rest)}."
        )
    mismatch, lost = int(values["significance_mismatch"]), int(values.get("significance_holm_lost", "0"))
    if mismatch:
        text += (
            f" Bij {counted(mismatch, 'vergelijking', 'vergelijkingen')} komt de reproductie tot een ander "
            f"oordeel over significantie dan het rapport: {values['significance_mismatch_list']}."
        )
    else:
        text += (
            " Waar de reproductie een oordeel van het rapport over significantie kan toetsen, komt zij tot hetzelfde."
        )
    if lost:
        text += (
            f" Van de verschillen die het rapport significant noemt, {'houdt' if lost == 1 else 'houden'} er "
            f"{fmt.number(lost)} geen stand na correctie voor meervoudig toetsen: "
            f"{values['significance_holm_lost_list']}."
        )
    return text
