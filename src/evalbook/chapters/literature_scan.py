"""The literature scan: the coded scan → assessment matrices → Dutch values, table and exhibits."""

from __future__ import annotations

from ..analysis import literature as analysis
from ..report import captions, columns
from ..report import literature as report
from .shown import Shown, Source, numbering, terms


def run(chapter: Source) -> Shown:
    """The chapter; ``released`` is the coded scan, ``extra`` the matrices of every programme
    (in book order) and the Bron lines of this programme's and every programme's coding."""
    labels = chapter.book_labels
    scan = analysis.Scan(chapter.read("principles"), chapter.read("assessment"), chapter.read("success_factors"))
    matrices = analysis.analyse(scan.assessment, order=list(labels))
    table = report.download_table(scan.assessment, chapter.part, labels)
    values = terms(chapter) | report.glue_values(scan, matrices, chapter.part, labels)
    values |= columns.glue_values(table, chapter.name, values)
    sources = [labels[key]["source"] for key in labels if labels[key]["source"]]
    exhibits = numbering(
        chapter, "de gecodeerde literatuurscan (zie *Herkomst van dit hoofdstuk*)", [chapter.labels["source"]]
    )
    extra = {
        "matrices": matrices,
        "sources": sources,
        "coded": "codering van dit boek op basis van " + captions.reference(chapter.labels["source"]),
        "everywhere": "codering van dit boek op basis van " + "; ".join(captions.reference(s) for s in sources),
    }
    return Shown(values, table, exhibits, scan, None, extra)
