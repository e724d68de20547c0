"""The client journey from WW to Bijstand: transcribed steps, links and figures → checks →
Dutch values, table and exhibits."""

from __future__ import annotations

from ..analysis import journey, labour_market
from ..core.errors import ContractError
from ..report import columns
from ..report import context as report
from .shown import Shown, Source, numbering, terms


def run(chapter: Source) -> Shown:
    """The chapter; ``released`` is the labour-market check, ``extra`` the steps, links and the
    figures the report gives differently. Steps and links that do not form one journey stop it."""
    steps, links = chapter.read("steps"), chapter.read("links")
    figures, labour = chapter.read("figures"), chapter.read("labour_market")
    problems = journey.check(steps, links)
    if problems:
        raise ContractError(report.journey_problems(problems))
    found = journey.disagreements(figures)
    market = labour_market.check(labour)
    table = report.tabel2_table(market.shares)
    values = terms(chapter) | report.journey_glue_values(steps, links, figures, found, market)
    values |= columns.glue_values(table, chapter.name, values)
    exhibits = numbering(
        chapter,
        "de overgenomen stappen en cijfers (zie *Herkomst van dit hoofdstuk*)",
        [chapter.book_labels["wwatwork"]["source"]],
    )
    return Shown(values, table, exhibits, market, None, {"steps": steps, "links": links, "found": found})
