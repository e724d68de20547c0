"""WW@Work: cohort → funnel and predicted against realised inflow → gate; the published
Den Bosch and labour-market figures recomputed beside it → Dutch values, table and exhibits."""

from __future__ import annotations

from ..analysis import labour_market
from ..analysis import wwatwork as analysis
from ..disclosure import wwatwork as gate
from ..disclosure.policy import Rules
from ..report import columns
from ..report import wwatwork as report
from ..report.key_findings import wwatwork as key_findings
from .shown import Shown, Source, numbering, terms


def analyse(chapter: Source) -> analysis.CohortStudy:
    """The cohort study with its true counts, as the chapter computes it (not for display)."""
    return analysis.analyse(chapter.read("cohort"), chapter.read("published"), chapter.parameters["alpha"])


def run(chapter: Source, study: analysis.CohortStudy | None = None) -> Shown:
    """The chapter: analysed (or ``study``, from :func:`analyse`), released, in Dutch. ``extra``
    holds the published figures recomputed (``did``, ``did_side``, ``labour``, ``market``,
    ``labour_side``, ``transitions``, ``assumptions``) and the chapter's tests with their
    Holm-adjusted p-values (``tests``): no person is in them."""
    alpha, min_cell_size = chapter.parameters["alpha"], chapter.parameters["min_cell_size"]
    figures, labour = chapter.read("published"), chapter.read("labour_market")
    rules = Rules.from_parameters(chapter.parameters)
    released = gate.release(study if study is not None else analyse(chapter), rules)
    did = gate.release_published(analysis.doorstroom_did(figures, alpha))
    tests = analysis.test_family(released.ovp, did)  # every test of the chapter, one Holm family
    did_side = gate.release_published(analysis.derived_figures(figures, alpha))
    market = labour_market.check(labour)
    labour_side = analysis.comparison(labour, labour_market.FIGURES, market.reproduced)
    transitions = labour_market.transitions(labour, figures)
    table = report.funnel_table(released.funnel)
    values = terms(chapter) | report.glue_values(
        released,
        did,
        did_side,
        labour_side,
        transitions,
        labour_market.rotterdam_2016(transitions),
        alpha,
        min_cell_size,
        tests,
    )
    values |= key_findings.sentences(released, did, values, alpha, tests, chapter.assumptions())
    values |= columns.glue_values(table, chapter.name, values)
    exhibits = numbering(
        chapter, "cohortbestand van de max-WW'ers (zie *Herkomst van dit hoofdstuk*)", [chapter.labels["source"]]
    )
    extra = {
        "did": did,
        "did_side": did_side,
        "labour": labour,
        "market": market,
        "labour_side": labour_side,
        "transitions": transitions,
        "assumptions": chapter.assumptions(),
        "tests": tests,
    }
    return Shown(values, table, exhibits, released, rules, extra)
