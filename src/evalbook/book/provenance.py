"""Where a chapter's results come from: content key, data fingerprints, parameters.

Every chapter shows these in a box at its end, collapsed (showyourwork's rule: every output names
what made it), written for a reader by :mod:`evalbook.report.provenance`. The content key
(:mod:`evalbook.book.cache`) changes exactly when the chapter's template, parameters, input
data, package code or environment change, so a rerun of an unchanged chapter gives an
identical box (nbval compares it like any other output).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..core import paths
from ..report import provenance
from . import config
from .cache import sha256_file
from .files import public_value


def fingerprint(files: list[Path]) -> str:
    """One sha256 over the contents of ``files`` (order-independent, names excluded, so the
    same data gives the same fingerprint wherever it lies)."""
    return combined(sha256_file(f) for f in files)


def combined(hashes) -> str:
    """The sha256 over the sorted hexadecimal sha256 digests of the files, concatenated: what
    ``sha256sum FILES | cut -c1-64 | sort | tr -d '\\n' | sha256sum`` gives."""
    return hashlib.sha256("".join(sorted(hashes)).encode()).hexdigest()


@dataclass
class Provenance:
    """What a chapter read and with which parameters. ``files``: (name as outputs show it,
    sha256 of the bytes that were parsed) of every file read."""

    chapter: str
    programme: str
    parameters: dict
    key: str
    files: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> list[tuple[str, list]]:
        """The box's rows: what made the chapter, the data it read, then every parameter under
        its Dutch label (``book.yml``) with its value for a reader (a directory outside the
        repository as "eigen data")."""
        root = paths.repo_root()
        book = config.load(root)
        target_groups = book.parts[self.programme].target_groups if self.programme in book.parts else {}
        together = combined(sha for _, sha in self.files)[:16] if self.files else None
        rows = [
            ("Gemaakt met", provenance.made_with(self.key[:16])),
            ("Gelezen data", provenance.data_read(together, self.files)),
        ]
        for name, value in self.parameters.items():
            spec = book.parameters[name]
            shown = public_value(value, root) if spec.type == "path" else value
            rows.append(
                (spec.label or name, provenance.parameter_value(name, spec.type, shown, self.parameters, target_groups))
            )
        return rows

    def box(self):
        """The box at the end of a chapter, as an IPython display object (HTML + plain text)."""
        return provenance.Box(self.summary())
