"""The running chapter: its parameters, its inputs and its outputs.

A chapter notebook creates one :class:`Chapter` from its Papermill parameters (``part`` and
``parameters``) and calls :meth:`Chapter.run` with the chapter type's run function
(:mod:`evalbook.chapters`), which reads every input through it (contract-checked, listed in the
provenance box); the Chapter then saves the aggregate table and glues the numbers of the prose,
and saves the download of every numbered table as the template shows it, all behind the safety
net of the disclosure rules. The template's last cell calls :meth:`Chapter.close`: the list of
downloads for the data page and, collapsed at the end of the chapter, what the gate held back
and where the chapter comes from (the results come first). It is the only reader of inputs, so
what a chapter shows can always be traced to the files it names.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..chapters.shown import Shown, Source
from ..core import paths
from ..core.errors import ConfigError
from ..disclosure import rules as disclosure
from ..disclosure.policy import Rules
from ..report import disclosure as protection
from ..report import downloads
from ..report.downloads import Download
from . import cache, config, inputs
from .provenance import Provenance


class Chapter:
    """Chapter ``template`` of ``part``, run with ``parameters`` (validated against ``book.yml``;
    missing ones take their configured values). ``table_dir`` is where the aggregate table
    goes (default: ``tables/`` beside the executed notebook)."""

    def __init__(
        self,
        template: str,
        part: str,
        parameters: dict | None = None,
        *,
        table_dir: str = "tables",
        root: Path | None = None,
    ):
        self.root = root or paths.repo_root()
        book = config.load(self.root)
        spec = book.chapter(part, template)
        self.name = template
        self.part = part
        self.title = spec.title
        self.labels = spec.part.labels()
        self.book_labels = {key: p.labels() for key, p in book.parts.items()}  # every part's, by key
        self.parameters = book.resolve(spec, parameters)
        self.rules = Rules.from_parameters(self.parameters)  # the gate's and the safety net's
        self.table_dir = Path(table_dir)
        self._inputs = inputs.read(spec, self.parameters, self.root)
        self._shown: Shown | None = None  # what the run released, once it ran
        self.provenance = Provenance(
            chapter=template,
            programme=part,
            parameters=self.parameters,
            key=cache.chapter_key(spec, self.parameters, self.root).digest,
            files=[(record.name, record.sha256) for record in self._inputs.records],
        )

    @property
    def alpha(self) -> float:
        return self.parameters["alpha"]

    @property
    def min_cell_size(self) -> int:
        return self.parameters["min_cell_size"]

    # -- inputs ---------------------------------------------------------------------------

    def read(self, name: str):
        """The declared input ``name``: a validated frame, None for a missing optional input,
        or ``{file: frame}`` for an input of many files."""
        if name not in self._inputs.frames:
            raise ConfigError(
                f"chapter {self.name!r} reads {name!r}, which book.yml does not declare as its input; "
                f"declared: {', '.join(self._inputs.frames)}"
            )
        return self._inputs.frames[name]

    @property
    def missing(self) -> list[config.Input]:
        """The optional inputs this run does without (each with what the chapter leaves out)."""
        return list(self._inputs.missing)

    def assumptions(self) -> pd.DataFrame:
        """This chapter's rows of the optional ``assumptions`` input (numbers the analysis needs
        but the reports do not publish); empty when the data come without one."""
        frame = self.read("assumptions")
        if frame is None:
            return pd.DataFrame(columns=["programme", "chapter", "parameter", "value", "reason"])
        rows = frame[(frame["programme"] == self.part) & (frame["chapter"] == self.name)]
        return rows.reset_index(drop=True)

    # -- the run ------------------------------------------------------------------------

    def run(self, run: Callable[[Source], Shown]) -> Shown:
        """Run the chapter through ``run`` (its type's run function in :mod:`evalbook.chapters`),
        save its table and glue its values; from then on every numbered table the template shows
        saves its download (:meth:`save_download`). Returns what the template's tables and
        figures show; the template ends with :meth:`close`."""
        shown = run(self)
        self.save_table(shown.table)
        self.glue_all(shown.values)
        shown.exhibits.store = self.save_download
        self._shown = shown
        return shown

    def close(self) -> None:
        """The end of the chapter: glue the list of its tables' downloads for the data page
        (``table_downloads``) and show, collapsed, what the gate held back (a chapter with
        person-level data) and the provenance box."""
        from IPython.display import Markdown, display
        from myst_nb import glue

        shown = self._shown
        glue("table_downloads", Markdown(downloads.listing(shown.exhibits.files, self.part)), display=False)
        if shown.rules is not None:
            display(protection.note(shown.suppressions, shown.rules, shown.suppression_method))
        display(self.box())

    def check(self, shown: Shown) -> None:
        """The safety net over ``shown`` without saving or gluing: every count in its table and
        its glued values passes the chapter's rules (:class:`DisclosureError` otherwise)."""
        disclosure.check_table(shown.table, self.rules)
        for name, text in shown.values.items():
            self._check_count(name, text)

    # -- outputs --------------------------------------------------------------------------

    def box(self):
        """The provenance box, shown collapsed at the end of the chapter."""
        return self.provenance.box()

    def glue(self, name: str, text: str) -> None:
        """Glue a pre-formatted text (never a NumPy scalar) for ``{glue:text}`` in the prose.
        A name that marks a person count (``n_…``, ``k_…``, ``…_count``: see
        :data:`evalbook.disclosure.rules.COUNT_NAME`) must hold a count the chapter's rules let
        through (or a non-numeric text such as "onderdrukt")."""
        from myst_nb import glue

        self._check_count(name, text)
        glue(name, text, display=False)

    def _check_count(self, name: str, text) -> None:
        if not isinstance(text, str):
            raise TypeError(f"glue {name!r}: pass formatted text (str), got {type(text).__name__}")
        if disclosure.is_count_name(name):  # a person count: enforce the chapter's rules
            digits = text.replace(".", "")
            if digits.isdigit():
                disclosure.require_safe(int(digits), self.rules, what=name)

    def glue_all(self, values: dict[str, str]) -> None:
        """Glue every ``name: text`` of ``values``."""
        for name, text in values.items():
            self.glue(name, text)

    def save_table(self, table: pd.DataFrame) -> Path:
        """Write the chapter's aggregate table to ``<table_dir>/<chapter>.csv``, refusing one
        with a count the chapter's rules call primary."""
        disclosure.check_table(table, self.rules)
        self.table_dir.mkdir(parents=True, exist_ok=True)
        path = self.table_dir / f"{self.name}.csv"
        table.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")
        return path

    def save_download(self, label: str, download: Download) -> list[tuple[str, str]]:
        """Write the numbers of the table ``label`` (``Tabel 3``) for software and for Dutch
        Excel into ``<table_dir>/<chapter>/``. In a chapter with person-level data, a column of
        persons (:attr:`~evalbook.report.downloads.Download.counts`) with a count the chapter's
        rules call primary is refused, as :meth:`save_table` refuses one (the other chapters
        count departments, studies and published figures). Returns the two files (what for,
        path relative to the chapter)."""
        if self._shown is not None and self._shown.rules is not None:
            counts = download.frame[list(download.counts)]
            disclosure.check_table(counts.rename(columns=lambda c: f"n_{c}"), self.rules)  # named as counts
        folder = self.table_dir / self.name
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{self.part}-{self.name}-{label.lower().replace(' ', '-')}"
        (folder / f"{stem}.csv").write_text(download.csv(), encoding="utf-8", newline="")
        (folder / f"{stem}-excel.csv").write_bytes(download.excel())
        return [(what, (folder / name).as_posix()) for what, name in downloads.files(stem)]
