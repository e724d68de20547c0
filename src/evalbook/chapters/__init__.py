"""One run function per chapter type: the one way a chapter is computed.

Each module reads its chapter's inputs through the running chapter
(:class:`~evalbook.chapters.shown.Source`), analyses them, passes the result through the
disclosure gate and returns what the template glues and shows
(:class:`~evalbook.chapters.shown.Shown`). The template's setup cell calls it (through
:meth:`evalbook.book.chapter.Chapter.run`), and so do the tests: no test re-implements a
chapter. A chapter with person-level data also has ``analyse`` (its result with true counts,
for the attacker tests); ``run`` takes that result so that it is not computed twice.
"""

from __future__ import annotations

from . import (
    arnhem_startfoto,
    audit,
    client_journey,
    client_survey,
    effect_study,
    literature_scan,
    phone_survey,
    wwatwork_effect,
)
from .shown import Shown, Source

RUNS = {
    "effect_study": effect_study.run,
    "phone_survey": phone_survey.run,
    "literature_scan": literature_scan.run,
    "wwatwork_effect": wwatwork_effect.run,
    "client_survey": client_survey.run,
    "arnhem_startfoto": arnhem_startfoto.run,
    "client_journey": client_journey.run,
    "audit": audit.run,
}


def run(chapter: Source) -> Shown:
    """What ``chapter`` (its template's run function) shows."""
    return RUNS[chapter.name](chapter)


__all__ = ["RUNS", "Shown", "Source", "run"]
