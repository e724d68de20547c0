"""The telephone survey: answers and codebook → analysis → gate → Dutch values, table and exhibits."""

from __future__ import annotations

from ..analysis import survey as analysis
from ..core.errors import ConfigError
from ..disclosure import survey as gate
from ..disclosure.policy import Rules
from ..report import columns
from ..report import survey as report
from ..report.key_findings import phone_survey as key_findings
from ..schemas.survey import Survey
from .shown import Shown, Source, numbering, terms


def analyse(chapter: Source) -> analysis.SurveyResult:
    """The survey with its true counts, as the chapter computes it (not for display)."""
    return analysis.analyse(
        Survey(chapter.read("survey"), chapter.read("codebook")),
        chapter.read("published"),
        alpha=chapter.parameters["alpha"],
        assumed=analysis.assumed_respondents(chapter.assumptions()),
    )


def run(chapter: Source, result: analysis.SurveyResult | None = None) -> Shown:
    """The chapter: analysed (or ``result``, from :func:`analyse`), released, in Dutch."""
    rules = Rules.from_parameters(chapter.parameters)
    released = gate.release(result if result is not None else analyse(chapter), rules)
    outlook = chapter.parameters["outlook_item"]
    if outlook not in set(released.indicators["quantity"]):
        raise ConfigError(
            f"{chapter.part}/phone_survey: outlook_item {outlook!r} is not an indicator of this part's codebook; "
            f"choose from {', '.join(released.indicators['quantity'])}"
        )
    programme_label = chapter.labels["programme_group"]
    table = report.download_table(released)
    values = terms(chapter) | report.glue_values(released, aliases={"outlook": outlook})
    values |= (
        key_findings.sentences(released, values, programme_label)
        | columns.glue_values(table, chapter.name, values)
        | {"programme_label": programme_label}
    )
    exhibits = numbering(
        chapter,
        f"telefonische enquête onder de {programme_label} en de controlegroep (zie *Herkomst van dit hoofdstuk*)",
        [chapter.labels["source"]],
    )
    return Shown(values, table, exhibits, released, rules)
