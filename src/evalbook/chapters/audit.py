"""The consistency audit: every published figure → the tests it allows → Dutch values, table and exhibits."""

from __future__ import annotations

from ..analysis import audit as analysis
from ..report import audit as report
from ..report import captions, columns
from .shown import Shown, Source, numbering, terms


def run(chapter: Source) -> Shown:
    """The chapter; ``released`` is the audit (published figures only), ``extra["audited"]``
    the Bron line of its tables."""
    p = chapter.parameters
    labels = chapter.book_labels
    result = analysis.run(chapter.read("published"), alpha=p["alpha"], n_range=(p["n_min"], p["n_max"]))
    table = result.table()
    values = terms(chapter) | report.glue_values(result, labels, p["min_cell_size"])
    values |= columns.glue_values(table, chapter.name, values)
    exhibits = numbering(chapter, reports=[labels[key]["source"] for key in labels if labels[key]["source"]])
    audited = "controle van dit boek op de gepubliceerde cijfers uit " + exhibits.source(captions.REPORT)
    return Shown(values, table, exhibits, result, None, {"audited": audited})
