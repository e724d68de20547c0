"""The client survey (NPS): answers → analysis → gate → Dutch values, table and exhibits."""

from __future__ import annotations

from ..analysis import nps as analysis
from ..disclosure import survey as gate
from ..disclosure.policy import Rules
from ..report import columns
from ..report import nps as report
from ..report.key_findings import client_survey as key_findings
from .shown import Shown, Source, numbering, terms


def analyse(chapter: Source) -> analysis.NpsResult:
    """The NPS with its true counts, as the chapter computes it (not for display)."""
    return analysis.analyse(chapter.read("survey_nps"), alpha=chapter.parameters["alpha"])


def run(chapter: Source, result: analysis.NpsResult | None = None) -> Shown:
    """The chapter: analysed (or ``result``, from :func:`analyse`), released, in Dutch."""
    rules = Rules.from_parameters(chapter.parameters)
    released = gate.release_nps(result if result is not None else analyse(chapter), rules)
    table = report.download_table(released)
    values = terms(chapter) | report.glue_values(released)
    values |= key_findings.sentences(released) | columns.glue_values(table, chapter.name, values)
    exhibits = numbering(
        chapter,
        "antwoorden op de NPS-vraag (synthetisch; zie *Herkomst van dit hoofdstuk*)",
        [chapter.labels["source"]],
    )
    return Shown(values, table, exhibits, released, rules, {"published": chapter.read("published")})
