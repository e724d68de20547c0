"""Where a chapter's results come from: content key, data fingerprint, parameters.

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


def fingerprint(files: list[Path]) -> str:
    """One sha256 over the contents of ``files`` (order-independent, names excluded, so the
    same data gives the same fingerprint wherever it lies)."""
    digest = hashlib.sha256()
    for file_hash in sorted(sha256_file(f) for f in files):
        digest.update(file_hash.encode())
    return digest.hexdigest()


@dataclass
class Provenance:
    """What a chapter read and with which parameters."""

    chapter: str
    programme: str
    parameters: dict
    key: str
    inputs: list[Path] = field(default_factory=list)

    def summary(self) -> list[tuple[str, list]]:
        """The box's rows: what made the chapter, the data it read, then every parameter under
        its Dutch label (``book.yml``) with its value for a reader."""
        root = paths.repo_root()
        book = config.load(root)
        target_groups = book.parts[self.programme].target_groups if self.programme in book.parts else {}
        files = [paths.display(p, root) for p in self.inputs]
        rows = [
            ("Gemaakt met", provenance.made_with(self.key[:16])),
            ("Gelezen data", provenance.data_read(fingerprint(self.inputs)[:16] if self.inputs else None, files)),
        ]
        for name, value in self.parameters.items():
            spec = book.parameters[name]
            rows.append(
                (spec.label or name, provenance.parameter_value(name, spec.type, value, self.parameters, target_groups))
            )
        return rows

    def box(self):
        """The box at the end of a chapter, as an IPython display object (HTML + plain text)."""
        return provenance.Box(self.summary())
