"""What a chapter notebook holds on to: its parameters, its inputs and its outputs.

A notebook creates one :class:`Chapter` from its Papermill parameters and reads data, glues
numbers and saves its aggregate table through it, so that provenance, disclosure control and
the table location are handled the same way in every chapter.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import contracts, disclosure, paths, published
from .provenance import Provenance


class Chapter:
    """The running chapter ``name`` for ``programme``.

    ``data_dir`` and ``published_dir`` are relative to the repository root or absolute;
    ``table_dir`` is where the aggregate table goes (default: ``tables/`` beside the notebook).
    """

    def __init__(self, name: str, programme: str, *, data_dir: str = "data/synthetic",
                 published_dir: str = "data/published", alpha: float = 0.05,
                 min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE, table_dir: str = "tables", **extra):
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must lie between 0 and 1, got {alpha}")
        if min_cell_size < 1:
            raise ValueError(f"min_cell_size must be at least 1, got {min_cell_size}")
        self.name = name
        self.programme = programme
        self.alpha = float(alpha)
        self.min_cell_size = int(min_cell_size)
        self.data_dir = paths.resolve(data_dir) / programme
        self.published_dir = published_dir
        self.table_dir = Path(table_dir)
        parameters = {"programme": programme, "data_dir": data_dir, "alpha": alpha,
                      "min_cell_size": min_cell_size} | extra
        self.provenance = Provenance(chapter=name, programme=programme, parameters=parameters)

    # -- inputs ---------------------------------------------------------------------------

    def input_path(self, stem: str) -> Path:
        """The data file ``<stem>.csv`` or ``<stem>.parquet`` in this programme's data directory."""
        return find_input(self.data_dir, stem)

    def read(self, stem: str, contract: contracts.Contract) -> pd.DataFrame:
        """Read and validate the data file ``stem`` against ``contract``."""
        return contracts.read(self.provenance.record(self.input_path(stem)), contract)

    def assumptions(self) -> pd.DataFrame:
        """This chapter's assumptions: the rows of its programme and chapter in
        ``assumptions.csv`` at the top of the data directory (numbers the analysis needs but
        the reports do not publish); empty when the data come without one."""
        from . import synthetic  # synthetic data generation is not needed to run a chapter otherwise

        path = self.data_dir.parent / synthetic.ASSUMPTIONS_FILE
        if not path.is_file():
            return pd.DataFrame(columns=[c.name for c in synthetic.ASSUMPTIONS.columns])
        return synthetic.read_assumptions(self.provenance.record(path), self.programme, self.name)

    def published(self, chapter: str | None = None) -> pd.DataFrame:
        """The published figures this chapter compares against."""
        path = published.path_for(self.programme, chapter or self.name, self.published_dir)
        self.provenance.record(path)
        return contracts.read(path, contracts.PUBLISHED)

    # -- outputs --------------------------------------------------------------------------

    def box(self):
        """The provenance box shown at the top of the chapter."""
        return self.provenance.box()

    def glue(self, name: str, text: str) -> None:
        """Glue a pre-formatted text (never a NumPy scalar) for ``{glue:text}`` in the prose.
        A name that marks a person count (``n_…``, ``k_…``, ``…_count``: see
        :data:`evalbook.disclosure.COUNT_NAME`) must hold a count of at least the minimum
        cell size (or a non-numeric text such as "onderdrukt")."""
        from myst_nb import glue

        if not isinstance(text, str):
            raise TypeError(f"glue {name!r}: pass formatted text (str), got {type(text).__name__}")
        if disclosure.is_count_name(name):  # a person count: enforce the minimum cell size
            digits = text.replace(".", "")
            if digits.isdigit():
                disclosure.require_safe(int(digits), self.min_cell_size, what=name)
        glue(name, text, display=False)

    def save_table(self, table: pd.DataFrame) -> Path:
        """Write the chapter's aggregate table to ``<table_dir>/<chapter>.csv``, refusing one
        with a count below the minimum cell size."""
        disclosure.check_table(table, self.min_cell_size)
        self.table_dir.mkdir(parents=True, exist_ok=True)
        path = self.table_dir / f"{self.name}.csv"
        table.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")
        return path


def find_input(data_dir: Path, stem: str) -> Path:
    """``data_dir/<stem>.csv`` or ``.parquet``; a missing file raises a ContractError that says
    where the file was expected."""
    for suffix in (".csv", ".parquet"):
        candidate = data_dir / f"{stem}{suffix}"
        if candidate.is_file():
            return candidate
    raise contracts.ContractError(
        f"{paths.display(data_dir / (stem + '.csv'))}: file not found (nor {stem}.parquet). "
        f"Put the extract there or point --data-dir at the directory that holds <programme>/{stem}.csv."
    )
