"""Repository hygiene: what must never be committed, checked before a commit and by the tests.

Each check takes the repository root and a list of paths (relative to the root, as git and
pre-commit give them) and returns one line per problem, naming the file and the reason:

* ``raw-data``: nothing under ``data/raw/`` (real extracts) except its README;
* ``person-level``: no table with a person-level column (the identifier columns of the data
  contracts, ``person_id`` and ``respondent``, and ``bsn``) outside ``data/synthetic/``;
* ``large-file``: no file over 5 MB;
* ``templates``: chapter templates in ``notebooks/`` are MyST Markdown notebooks (text, so
  without outputs), never ``.ipynb``.

The pre-commit hooks (``.pre-commit-config.yaml``) run ``python -m evalbook.book.hygiene
CHECK FILE...``; ``tests/test_repository.py`` runs every check over ``git ls-files``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import sys
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from ..core import paths as repo_paths
from ..core.errors import InputError
from ..core.io import read_input
from ..schemas import CONTRACTS

RAW = PurePosixPath("data/raw")
RAW_ALLOWED = {RAW / "README.md"}
SYNTHETIC = PurePosixPath("data/synthetic")
TEMPLATES = PurePosixPath("notebooks")
# the identifier columns the data contracts declare, plus the Dutch citizen service number
PERSON_COLUMNS = frozenset({name for contract in CONTRACTS.values() for name in contract.identifiers} | {"bsn"})
TABLE_SUFFIXES = {".csv", ".tsv", ".parquet"}
MAX_BYTES = 5 * 1024 * 1024
HEADER_BYTES = 1 << 16  # enough for any header line


def raw_data(root: Path, files: Iterable[str | Path]) -> list[str]:
    """Files under ``data/raw/`` (where real extracts go; git ignores them) other than its README."""
    return [
        f"{path}: under {RAW}/, where real extracts go; they are never committed"
        for path in _relative(root, files)
        if RAW in path.parents and path not in RAW_ALLOWED
    ]


def person_level(root: Path, files: Iterable[str | Path]) -> list[str]:
    """Tables (CSV, TSV, Parquet) outside ``data/synthetic/`` with a person-level column."""
    problems = []
    for path in _relative(root, files):
        if path.suffix.lower() not in TABLE_SUFFIXES or SYNTHETIC in path.parents or not (root / path).is_file():
            continue
        try:
            columns = _columns(root / path)
        except InputError as exc:
            problems.append(f"{path}: {exc}")
            continue
        found = sorted({c.strip().lower() for c in columns} & PERSON_COLUMNS)
        if found:
            problems.append(
                f"{path}: person-level column {', '.join(found)} outside {SYNTHETIC}/; commit aggregates only"
            )
    return problems


def large_files(root: Path, files: Iterable[str | Path]) -> list[str]:
    """Files over 5 MB (``MAX_BYTES``)."""
    problems = []
    for path in _relative(root, files):
        size = (root / path).stat().st_size if (root / path).is_file() else 0
        if size > MAX_BYTES:
            problems.append(
                f"{path}: {size / 2**20:.1f} MB, over the {MAX_BYTES // 2**20} MB limit for a committed file"
            )
    return problems


def templates(root: Path, files: Iterable[str | Path]) -> list[str]:
    """Under ``notebooks/``: no ``.ipynb`` at all, and every ``.md`` a MyST Markdown notebook."""
    problems = []
    for path in _relative(root, files):
        if TEMPLATES not in path.parents:
            continue
        if path.suffix == ".ipynb":
            problems.append(
                f"{path}: chapter templates are MyST Markdown without outputs ({path.with_suffix('.md')}), never .ipynb"
            )
        elif path.suffix == ".md" and (root / path).is_file() and not _is_myst_notebook(root / path):
            problems.append(f"{path}: not a MyST Markdown notebook (front matter lacks jupytext format_name: myst)")
    return problems


CHECKS: dict[str, Callable[[Path, Iterable[str | Path]], list[str]]] = {
    "raw-data": raw_data,
    "person-level": person_level,
    "large-file": large_files,
    "templates": templates,
}


def main(argv: list[str] | None = None) -> int:
    """``python -m evalbook.book.hygiene CHECK FILE...``: print each problem; exit 1 if any."""
    parser = argparse.ArgumentParser(
        prog="python -m evalbook.book.hygiene",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("check", choices=sorted(CHECKS))
    parser.add_argument("files", nargs="*", help="paths relative to the repository root")
    args = parser.parse_args(argv)
    problems = CHECKS[args.check](repo_paths.repo_root(), args.files)
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


def _relative(root: Path, files: Iterable[str | Path]) -> list[PurePosixPath]:
    """Each path relative to ``root`` (posix), whether given relative or absolute."""
    return [
        PurePosixPath(repo_paths.display(Path(f), root.resolve()) if Path(f).is_absolute() else Path(f).as_posix())
        for f in files
    ]


def _columns(path: Path) -> list[str]:
    """Column names of a table: the Parquet schema, or the header line of a CSV/TSV (``,``,
    ``;`` or tab separated, as the contracts accept), read through the checked way in
    (:func:`evalbook.core.io.read_input`)."""
    if path.suffix.lower() == ".parquet":
        with contextlib.suppress(pa.ArrowException):  # else not Parquet at all: read it as text
            return pq.read_schema(pa.BufferReader(read_input(path).data)).names
    header = read_input(path, head=HEADER_BYTES).data.decode("utf-8-sig", errors="replace").split("\n", 1)[0]
    separator = max(",;\t", key=header.count)
    return next(csv.reader([header], delimiter=separator), [])


def _is_myst_notebook(path: Path) -> bool:
    """Whether the file opens with jupytext front matter naming the MyST format."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return False
    front, _, _ = text[4:].partition("\n---")
    try:
        meta = yaml.safe_load(front)
    except yaml.YAMLError:
        return False
    jupytext = meta.get("jupytext") if isinstance(meta, dict) else None
    representation = jupytext.get("text_representation") if isinstance(jupytext, dict) else None
    return isinstance(representation, dict) and representation.get("format_name") == "myst"


if __name__ == "__main__":
    sys.exit(main())
