"""Where a chapter's results come from: book version, git commit, data fingerprint, parameters.

Every chapter shows these in a box at its top (showyourwork's rule: every output names what
made it). The commit is the only part that changes without a change in results; the nbval
sanitizer in ``tests/nbval_sanitize.cfg`` masks it, and nothing else.
"""

from __future__ import annotations

import hashlib
import html
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..core import paths


def book_version(root: Path | None = None) -> str:
    """The book's semantic version, from ``_config.yml`` (key ``version``)."""
    config = yaml.safe_load((root or paths.repo_root()).joinpath("_config.yml").read_text(encoding="utf-8"))
    return str(config["version"])


def git_commit(root: Path | None = None) -> str:
    """The short commit hash of the checkout, ``+dirty`` when tracked files are modified;
    ``onbekend`` outside git."""
    root = root or paths.repo_root()
    try:
        commit = _git(root, "rev-parse", "--short=12", "HEAD")
        dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "onbekend"
    return commit + ("+dirty" if dirty else "")


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


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
    inputs: list[Path] = field(default_factory=list)

    def record(self, path: Path) -> Path:
        """Note that ``path`` was read; returns it."""
        if path not in self.inputs:
            self.inputs.append(path)
        return path

    def summary(self) -> dict:
        root = paths.repo_root()
        return {
            "boekversie": book_version(root),
            "commit": git_commit(root),
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
