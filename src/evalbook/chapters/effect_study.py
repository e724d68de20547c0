"""The effect study: register → analysis → gate → Dutch values, table and exhibits."""

from __future__ import annotations

from ..analysis import effect as analysis
from ..disclosure import effect as gate
from ..disclosure.policy import Rules
from ..report import columns
from ..report import effect as report
from ..report import effect_checks as checks
from ..report.key_findings import effect_study as key_findings
from .shown import Shown, Source, numbering, terms


def analyse(chapter: Source) -> analysis.EffectStudy:
    """The study with its true counts, as the chapter computes it (not for display)."""
    p = chapter.parameters
    return analysis.analyse(
        chapter.read("register"),
        chapter.read("published"),
        chapter.read("pool"),
        chapter.assumptions(),
        follow_up_months=p["follow_up_months"],
        alpha=p["alpha"],
        outcomes_shown=p["outcomes"],
        target_groups=p["target_groups"],
        outflow_measure=p["outflow_measure"],
        published_total=p["published_total"],
        detect_power=p["power"],
    )


def run(chapter: Source, study: analysis.EffectStudy | None = None) -> Shown:
    """The chapter: analysed (or ``study``, computed by :func:`analyse`), released, in Dutch."""
    rules = Rules.from_parameters(chapter.parameters)
    return present(chapter, gate.release(study if study is not None else analyse(chapter), rules), rules)


def present(chapter: Source, released: gate.ReleasedEffectStudy, rules: Rules) -> Shown:
    """What the chapter shows of ``released`` (the gate's output under ``rules``)."""
    p = chapter.parameters
    labels = chapter.labels["target_groups"]
    table = report.download_table(released)
    values = (
        terms(chapter)
        | report.glue_values(released, labels, {i.name: i.without for i in chapter.missing}, p["balance_threshold"])
        | checks.glue_values(released, labels)
    )
    values |= key_findings.sentences(
        released, values, chapter.labels["programme_group"], p["follow_up_months"], labels
    ) | columns.glue_values(table, chapter.name, values)
    exhibits = numbering(
        chapter,
        f"registratie van de {chapter.labels['programme_group']} en de controlegroep "
        "(zie *Herkomst van dit hoofdstuk*)",
        [chapter.labels["source"]],
    )
    return Shown(values, table, exhibits, released, rules)
