"""The Arnhem startfoto: transcribed organisation, figures and flows → checks → Dutch values,
table and exhibits."""

from __future__ import annotations

from ..analysis import arnhem as analysis
from ..report import columns
from ..report import context as report
from .shown import Shown, Source, numbering, terms

SOURCE = {"label": "startfoto Werk en Inkomen Arnhem", "cite": "aef2018arnhem"}


def run(chapter: Source) -> Shown:
    """The chapter; ``released`` is the startfoto's analysis, ``extra`` the transcribed inputs it shows."""
    units, figures, flows = chapter.read("organisation"), chapter.read("figures"), chapter.read("flows")
    matrix = chapter.read("matrix")
    startfoto = analysis.analyse(units, figures, flows, matrix)
    table = startfoto.balance
    values = terms(chapter) | report.arnhem_glue_values(units, figures, flows, matrix, startfoto)
    values |= columns.glue_values(table, chapter.name, values)
    exhibits = numbering(
        chapter, "de overgenomen cijfers van de startfoto (zie *Herkomst van dit hoofdstuk*)", [SOURCE]
    )
    extra = {
        "units": units,
        "figures": figures,
        "flows": flows,
        "matrix": matrix,
        "conclusions": chapter.read("conclusions"),
        "randvoorwaarden": chapter.read("randvoorwaarden"),
    }
    return Shown(values, table, exhibits, startfoto, None, extra)
