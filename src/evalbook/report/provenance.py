"""The provenance box at the end of every chapter, in Dutch: what made the chapter.

:mod:`evalbook.book.provenance` gathers the facts (book version, content key, the files read
and their fingerprint, the parameters with their Dutch labels from ``book.yml``); this module
writes them for a reader: one row per fact, every parameter under its Dutch name with its
value in Dutch notation (outcomes and target groups by name, choices in words, files and
keys as code). The plain-text twin is what nbval compares and a terminal shows. No row holds
an absolute path: files and directories outside the repository are named "eigen data".
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from . import format as fmt
from .labels import QUANTITY_LABELS, outcome_label
from .text import join, lower_first

TITLE = "Herkomst van dit hoofdstuk"
CHOICE_LABELS = {  # the values of choice parameters, in words
    ("outflow_measure", "event"): "elke uitstroom binnen de volgperiode",
    ("outflow_measure", "status"): "geen uitkering meer aan het eind van de volgperiode",
    ("published_total", "pooled"): "alle werkzoekenden samen",
    ("published_total", "unweighted_mean"): "ongewogen gemiddelde van de doelgroepen",
}
Segment = tuple[str, bool]  # a piece of a row's value and whether it is code (a file, a key)


def parameter_value(
    name: str, kind: str, value, parameters: Mapping, target_groups: Mapping[str, str]
) -> list[Segment]:
    """The value of parameter ``name`` (of type ``kind``) for a reader: numbers in Dutch
    notation, yes or no, outcomes and target groups by their Dutch names (``parameters``: the
    chapter's, for the reading of outflow; ``target_groups``: the part's labels), a path as code."""
    if kind == "path":
        return [(str(value), True)]
    if kind == "bool":
        return [("ja" if value else "nee", False)]
    if kind == "int":
        return [(fmt.number(value), False)]
    if kind == "float":
        return [(f"{value:g}".replace(".", ","), False)]
    if kind == "list":
        if name == "outcomes":
            names = [lower_first(outcome_label(o, parameters.get("outflow_measure", "event"))) for o in value]
        else:
            names = [target_groups.get(v, v) for v in value]
        return [(join(names, "geen", "; "), False)]
    if (name, value) in CHOICE_LABELS:
        return [(CHOICE_LABELS[name, value], False)]
    if value in QUANTITY_LABELS:  # a survey item
        return [(f"{QUANTITY_LABELS[value].lower()} (", False), (str(value), True), (")", False)]
    return [(str(value), True)]


def made_with(key: str) -> list[Segment]:
    """The chapter's content key. The book version is in every page's header: a release
    publishes its chapters as they were built, so the version is not part of them."""
    return [("inhoudssleutel ", False), (key, True)]


def data_read(combined: str | None, files: Sequence[tuple[str, str]]) -> list[Segment]:
    """The files the chapter read, each (as the outputs name it: relative to the repository or
    as "eigen data") with the sha256 of its content, which ``sha256sum`` reproduces, and the
    fingerprint of them all together."""
    if not files:
        return [("geen bestanden", False)]
    segments: list[Segment] = [
        (f"{fmt.number(len(files))} {'bestand' if len(files) == 1 else 'bestanden'}, samen vingerafdruk ", False),
        (combined or "", True),
        ("; per bestand de sha256 (na te rekenen met sha256sum): ", False),
    ]
    for i, (file, sha256) in enumerate(files):
        segments += [("; " if i else "", False), (file, True), (" ", False), (sha256, True)]
    return segments


class Box:
    """The box: rows of (Dutch label, value segments); HTML for the book, text for nbval."""

    def __init__(self, rows: Sequence[tuple[str, Sequence[Segment]]]):
        self.rows = list(rows)

    def __repr__(self) -> str:
        return "\n".join([TITLE, *(f"{label}: {''.join(t for t, _ in value)}" for label, value in self.rows)])

    def _repr_html_(self) -> str:
        """A collapsed box (``<details>``) at the end of the chapter: the results come first.
        Each fact is a label with its value below or beside it (a description list), so that
        on a phone a long value wraps under its label instead of running off the screen."""

        def cell(value: Sequence[Segment]) -> str:
            return "".join(f"<code>{html.escape(t)}</code>" if code else html.escape(t) for t, code in value if t)

        # line breaks between the items: the search index strips tags and would join "600" and "Volgperiode"
        rows = "\n".join(f"<dt>{html.escape(label)}</dt>\n<dd>{cell(value)}</dd>" for label, value in self.rows)
        return (
            f'<details class="admonition note provenance"><summary class="admonition-title">'
            f'<span class="evalbook-toggle" aria-hidden="true"></span>{TITLE}</summary>\n'
            f'<dl class="provenance-list">\n{rows}\n</dl></details>'
        )
