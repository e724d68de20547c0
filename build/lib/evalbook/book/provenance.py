"""Where a chapter's results come from: book version, content key, data fingerprint, parameters.

Every chapter shows these in a box at its top (showyourwork's rule: every output names what
made it). The content key (:mod:`evalbook.book.cache`) changes exactly when the chapter's
template, parameters, input data, package code or environment change, so a rerun of an
unchanged chapter gives an identical box (nbval compares it like any other output).
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from pathlib import Path

from ..core import paths
from .cache import book_version, sha256_file


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

    def summary(self) -> dict:
        root = paths.repo_root()
        return {
            "boekversie": book_version(root),
            "inhoudssleutel": self.key[:16],
            "data (sha256)": fingerprint(self.inputs)[:16] if self.inputs else "geen",
            "bestanden": ", ".join(paths.display(p, root) for p in self.inputs) or "geen",
            "parameters": ", ".join(f"{k} = {v!r}" for k, v in self.parameters.items()),
        }

    def box(self):
        """The box at the top of a chapter, as an IPython display object (HTML + plain text)."""
        return ProvenanceBox(self.summary())


class ProvenanceBox:
    """Rendered as a small admonition in the book; plain text for nbval and terminals."""

    def __init__(self, summary: dict):
        self.summary = summary

    def __repr__(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self.summary.items())

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th>{html.escape(k)}</th><td><code>{html.escape(str(v))}</code></td></tr>"
                       for k, v in self.summary.items())
        return ('<div class="admonition note provenance"><p class="admonition-title">Herkomst van dit hoofdstuk</p>'
                f'<table class="provenance-table">{rows}</table></div>')
