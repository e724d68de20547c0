"""Numbered tables and figures, as a statistics office publishes them.

A chapter creates one :class:`Numbering` and passes every table and figure it shows through
it. Above each comes its number and title (``Tabel 3. ...``, ``Figuur 2. ...``), below it a
note that says what the numbers are (unit, interval, what a dash means) and a ``Bron:`` line:
the data the chapter ran on and, where figures of a report are shown, that report by name
with its citation (``{cite:p}`` from ``book.yml``'s ``source``, never a file name). Title and
note are Markdown outputs, rendered as MyST (templates set ``render_markdown_format: myst``),
each with a plain-text twin for nbval and the terminal. A figure's text alternative is set on
its cell (``mystnb: image: alt``), which is where myst-nb reads it.

Titles and notes state the chapter's levels through placeholders (``"{confidence}-interval"``,
``"Oordeel bij {alpha}"``), filled from ``terms`` (:func:`evalbook.report.parameters.phrases`):
no caption types a level that a rerun may change. A placeholder without a term stops the chapter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from IPython.display import display

from ..core.errors import BuildError
from .downloads import Download, download
from .tables import Table

TABLE, FIGURE = "Tabel", "Figuur"
ROLE = re.compile(r"\s*\{cite:\w+\}`[^`]*`")  # a citation, left out of the plain-text twin
DATA, REPORT, BOTH = "data", "report", "both"  # what a Bron line names
# Saves a numbered table's download (its label, its numbers) and returns the files it wrote,
# each as (what it is for, path relative to the chapter): see evalbook.book.chapter.Chapter.
Store = Callable[[str, Download], Sequence[tuple[str, str]]]


def reference(source: Mapping[str, str]) -> str:
    """A source report by its name with its citation: ``WGW-rapport {cite:p}`obi2018wgw```
    (``source``: ``label`` and ``cite``, as a part's ``source`` in book.yml)."""
    return f"{source['label']} {{cite:p}}`{source['cite']}`" if source.get("cite") else source["label"]


@dataclass(frozen=True)
class Exhibit:
    """A table or figure with its number and title above it and its note and source below."""

    label: str  # "Tabel 3"
    title: str
    body: object  # a Table or a matplotlib Figure
    note: str
    source: str  # MyST Markdown
    source_text: str  # the same in plain text
    files: tuple[tuple[str, str], ...] = ()  # the table's downloads: (what for, path)

    def heading(self) -> dict[str, str]:
        return {"text/markdown": f"**{self.label}.** {self.title}", "text/plain": f"{self.label}. {self.title}"}

    def footer(self) -> dict[str, str]:
        note = f"{self.note} " if self.note else ""
        markdown, text = f"{note}*Bron:* {self.source}", f"{note}Bron: {self.source_text}"
        if self.files:
            markdown += "\n\n*Cijfers van deze tabel:* " + ", ".join(
                f"{{download}}`{what} <{path}>`" for what, path in self.files
            )
            text += "\nCijfers van deze tabel: " + ", ".join(f"{what} ({path})" for what, path in self.files)
        return {"text/markdown": markdown, "text/plain": text}

    def _ipython_display_(self) -> None:
        display(self.heading(), raw=True)
        display(self.body)
        display(self.footer(), raw=True)


class Numbering:
    """The tables and figures of one chapter, numbered in the order they are shown.

    ``data``: the data the chapter ran on, in words (the ``Bron`` of a table computed from
    it); ``reports``: the source reports whose published figures the chapter shows (each
    ``label`` and ``cite``); ``terms``: the wording of the chapter's parameters, filled into
    titles and notes."""

    def __init__(
        self, data: str = "", reports: Sequence[Mapping[str, str]] = (), terms: Mapping[str, str] | None = None
    ):
        self.data = data
        self.reports = list(reports)
        self.terms = dict(terms or {})
        self.count = {TABLE: 0, FIGURE: 0}
        self.store: Store | None = None  # set by the running chapter: then every table gets its download
        self.files: list[tuple[str, tuple[tuple[str, str], ...]]] = []  # (title, files) of each table saved

    def table(self, table: Table | None, title: str, note: str = "", source: str = DATA) -> Exhibit | None:
        """``table`` numbered, with ``title``, ``note`` (unit and reading) and a Bron line
        (:data:`DATA`, :data:`REPORT`, :data:`BOTH` or a text of its own); None stays None
        (nothing to show, no number used)."""
        if table is None:
            return None
        exhibit = self._exhibit(TABLE, table, title, note, source)
        table.caption = f"{exhibit.label}. {exhibit.title}"  # names the table for assistive technology
        if self.store is not None:
            files = tuple(self.store(exhibit.label, download(table)))
            exhibit = replace(exhibit, files=files)
            self.files.append((table.caption, files))
        return exhibit

    def figure(self, figure, title: str, note: str = "", source: str = DATA) -> Exhibit | None:
        """``figure`` (a matplotlib Figure) numbered, like :meth:`table`."""
        return None if figure is None else self._exhibit(FIGURE, figure, title, note, source)

    def fill(self, text: str) -> str:
        """``text`` with its placeholders (``{confidence}``) replaced by the chapter's terms."""
        try:
            return text.format_map(self.terms)
        except (KeyError, ValueError, IndexError) as exc:
            raise BuildError(
                f"caption {text[:60]!r}…: placeholder {exc} has no value; known: {', '.join(self.terms) or 'none'}"
            ) from None

    def _exhibit(self, kind: str, body, title: str, note: str, source: str) -> Exhibit:
        title, note = self.fill(title), self.fill(note)
        self.count[kind] += 1
        markup = self.source(source)
        return Exhibit(f"{kind} {self.count[kind]}", title, body, note, markup, ROLE.sub("", markup))

    def source(self, which: str) -> str:
        """The Bron line's text (MyST): the data, the reports, both, or ``which`` itself."""
        reports = "; ".join(reference(r) for r in self.reports)
        if which == DATA:
            return f"{self.data}."
        if which == REPORT:
            return f"{reports}."
        if which == BOTH:
            return f"{self.data}; gepubliceerde cijfers: {reports}."
        return which if which.endswith(".") else f"{which}."
