"""The content-addressed chapter cache: a chapter reruns only when what it depends on changed.

A chapter's key is a sha256 over the content (never paths or modification times) of:

* its template (``notebooks/<template>.md``);
* its parameters and part, and the part's labels and template entry in ``book.yml``;
* every input file it declares (a missing optional input counts as missing);
* the package code it runs: the ``evalbook`` modules its template imports and the executor,
  transitively (:mod:`evalbook.book.dependencies`), each without docstrings, comments and
  layout, so a reworded docstring or a change to another study's code reruns nothing;
* the environment the chapters run in: the runtime lock (``requirements.lock``; the test
  tools of ``requirements-test.lock`` run no chapter). (The book version is not in a chapter: a release
  publishes the chapters as built, and every page's header names the version.)

The executed chapter records the key and its parts in its metadata (``evalbook``), and the
chapter's provenance box shows the key, so a reader can tell two builds apart by what made
them rather than by a git commit. The build compares the recorded parts with the current
ones and says why a chapter reruns ("register.csv changed"). The same idea, over the book's
pages and configuration, decides whether the HTML needs rebuilding (:func:`html_key`).

Only ``hashlib``, ``json`` and ``ast`` are used here, so checking an unchanged book is fast.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..core import paths
from ..core.io import read_input
from . import config, dependencies
from .files import locate

KEY_FIELD = "evalbook"  # notebook metadata field holding the key and its parts
SOURCE_DIR = Path("src")
RUNNER = "evalbook.book.execute"  # the code that executes every chapter
ENVIRONMENT_FILES = ("requirements.lock",)
SOURCES_STORE = ".code-sources.json"  # under _build/: each module's code digest and imports, by its sha256
HTML_SOURCES = (
    "_config.yml",
    "_toc.yml",
    "book",
    "data/literature/references.bib",
    "src/evalbook/book/sphinx_ext.py",
    "src/evalbook/book/pdf.py",  # the PDFs are made with the HTML book
    "src/evalbook/book/pdf_assembly.py",
    "requirements.lock",
)


def sha256_file(path: Path) -> str:
    """The sha256 of a file's content, read through :func:`evalbook.core.io.read_input` (a
    readable regular file of bounded size, checked before a byte is read)."""
    return read_input(path).sha256


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def tree_digest(root: Path, relative: Path | str, pattern: str = "**/*") -> str:
    """One sha256 over the names (relative) and contents of the files under ``root/relative``."""
    base = root / relative
    files = [base] if base.is_file() else sorted(p for p in base.glob(pattern) if p.is_file())
    entries = [(p.relative_to(root).as_posix(), sha256_file(p)) for p in files]
    return _sha256_text(_canonical(entries))


def code_digests(root: Path, template: Path) -> dict[str, str]:
    """The code a chapter runs: a short digest of each ``evalbook`` module that its template
    (``template``, MyST Markdown) and the executor import, transitively, by module name."""
    src = root / SOURCE_DIR
    sources = _sources(root)
    roots = dependencies.template_imports(template.read_text(encoding="utf-8")) | {RUNNER}
    modules = dependencies.closure(src, roots, sources)
    digests = dependencies.code_digests(src, modules, sources)
    sources.save()
    return {module: digest[:16] for module, digest in digests.items()}


_SOURCES: dict[Path, dependencies.Sources] = {}


def _sources(root: Path) -> dependencies.Sources:
    """The modules of ``root``'s package read so far by this process, and by earlier runs
    (:data:`SOURCES_STORE`): a module is found again only when its bytes changed."""
    if root not in _SOURCES:
        _SOURCES[root] = dependencies.Sources(root / "_build" / SOURCES_STORE)
    return _SOURCES[root]


def environment_digest(root: Path) -> str:
    """The locked environment."""
    parts = {name: sha256_file(root / name) for name in ENVIRONMENT_FILES if (root / name).is_file()}
    return _sha256_text(_canonical(parts))


def input_digests(chapter: config.ChapterSpec, parameters: dict, root: Path) -> dict[str, str | None]:
    """sha256 of each declared input file by file name (None for a missing optional input);
    an input of many files is one digest over their names and contents. Each file is checked
    before it is hashed (:func:`sha256_file`), and messages name it as the build does."""
    digests: dict[str, str | None] = {}
    for spec in chapter.template.inputs.values():
        where = locate(spec, parameters, chapter.part.key, root)
        if where is None:
            digests[spec.name] = None
        elif isinstance(where, list):
            listed = [(p.name, read_input(p, paths.display(p, root)).sha256) for p in where]
            digests[spec.name] = _sha256_text(_canonical(listed))
        else:
            digests[where.name] = read_input(where, paths.display(where, root)).sha256
    return digests


@dataclass(frozen=True)
class Key:
    """A chapter's cache key and the parts it was computed from."""

    digest: str
    parts: dict

    def as_metadata(self) -> dict:
        return {"key": self.digest, "parts": self.parts}


CODE_PARTS = ("template", "configuration", "code", "environment")  # what a chapter runs, whatever its data


def code_parts(chapter: config.ChapterSpec, root: Path) -> dict:
    """The parts of a chapter's key that do not depend on its parameters and data
    (:data:`CODE_PARTS`): its template, configuration, code and environment now."""
    template = chapter.template
    return {
        "template": sha256_file(root / template.source),
        "configuration": _sha256_text(
            _canonical(
                {
                    "labels": chapter.part.labels(),
                    "title": chapter.title,
                    "inputs": {k: vars(v) for k, v in template.inputs.items()},
                    "check": template.check,
                }
            )
        ),
        "code": code_digests(root, root / template.source),
        "environment": environment_digest(root),
    }


def chapter_key(chapter: config.ChapterSpec, parameters: dict, root: Path | None = None) -> Key:
    """The cache key of running ``chapter`` with ``parameters`` now."""
    root = root or paths.repo_root()
    code = code_parts(chapter, root)
    parts = {
        "template": code["template"],
        "parameters": _sha256_text(_canonical({"part": chapter.part.key, "parameters": parameters})),
        "configuration": code["configuration"],
        "inputs": input_digests(chapter, parameters, root),
        "code": code["code"],
        "environment": code["environment"],
    }
    return Key(_sha256_text(_canonical(parts)), parts)


def recorded(notebook: Path) -> dict | None:
    """The key metadata an executed chapter carries, or None (no chapter, or built before keys)."""
    try:
        metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return None
    return metadata.get(KEY_FIELD)


def why_stale(key: Key, previous: dict | None) -> str | None:
    """Why a chapter with ``previous`` key metadata must rerun, in a few words; None when it
    is up to date."""
    if not previous or "parts" not in previous:
        return "not built yet"
    if previous.get("key") == key.digest:
        return None
    old, new = previous["parts"], key.parts
    reasons = []
    changed_inputs = sorted(
        name
        for name in set(new["inputs"]) | set(old.get("inputs", {}))
        if new["inputs"].get(name) != old.get("inputs", {}).get(name)
    )
    reasons += [f"{name} changed" for name in changed_inputs]
    for part, words in (
        ("template", "template changed"),
        ("parameters", "parameters changed"),
        ("configuration", "book.yml changed"),
        ("environment", "locked environment changed"),
    ):
        if old.get(part) != new[part]:
            reasons.append(words)
    if old.get("code") != new["code"]:
        reasons.append(_code_changes(old.get("code"), new["code"]))
    return ", ".join(reasons) or "key changed"


def _code_changes(old, new: dict[str, str]) -> str:
    """The modules whose code changed, in a few words."""
    if not isinstance(old, dict):
        return "package code changed"
    changed = sorted(m for m in set(old) | set(new) if old.get(m) != new.get(m))
    names = [m.removeprefix("evalbook.") for m in changed]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"code changed ({shown})"


def html_key(root: Path) -> str:
    """One digest over everything the HTML book is built from (pages, executed chapters,
    tables, static files, configuration, bibliography, the Sphinx extension, the lock)."""
    return _sha256_text(_canonical([tree_digest(root, source) for source in HTML_SOURCES if (root / source).exists()]))
