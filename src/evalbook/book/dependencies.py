"""Which package code a chapter runs, and a digest of it that ignores what cannot change a result.

A chapter's template imports a few modules of ``evalbook``; those import others. The chapter's
content key covers exactly that closure (:func:`closure`), found by reading the imports of
the source files (``import``/``from`` statements anywhere in a module, lazy ones included,
and the packages on the way to each module, whose ``__init__`` runs on import). Nothing is
imported to find them, so checking an unchanged book stays fast.

:func:`source_digest` hashes a module's syntax tree without docstrings (comments and layout
are not in it): reformatting a file or rewording a docstring reruns no chapter, while any
change to code (a name, a literal, an operator) does.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "evalbook"
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
CELL_OPTIONS = re.compile(r"\A(?:---\n.*?\n---\n|(?::[\w-]+:[^\n]*\n)+)", re.DOTALL)  # MyST cell options
MAGIC = re.compile(r"^\s*[%!].*$", re.MULTILINE)  # IPython magics are not Python


def module_path(src: Path, module: str) -> Path | None:
    """The file of ``module`` (``evalbook.report.effect``) under ``src``, or None."""
    base = src.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Names of the ``evalbook`` modules ``tree`` (the source of ``module``) imports: the
    module named and, for ``from X import y``, ``X.y`` too (``y`` may be a submodule)."""
    names: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return {n for n in names if n == PACKAGE or n.startswith(PACKAGE + ".")}


def _with_parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def closure(src: Path, roots: Iterable[str], sources: Sources | None = None) -> list[str]:
    """Every ``evalbook`` module that importing ``roots`` runs, sorted."""
    sources = sources or Sources()
    seen: set[str] = set()
    todo = [parent for root in roots for parent in _with_parents(root)]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        path = module_path(src, module)
        if path is None:
            continue  # ``from package import function``: not a module
        seen.add(module)
        for name in sources.read(path, module).imports:
            todo.extend(_with_parents(name))
    return sorted(seen)


def template_imports(template_text: str) -> set[str]:
    """The ``evalbook`` modules the code cells of a MyST Markdown template import."""
    cells = (MAGIC.sub("", CELL_OPTIONS.sub("", cell)) for cell in CODE_CELL.findall(template_text))
    code = "\n".join(cells)
    return imported_modules(ast.parse(code), "", False)


def _without_docstring(body: list) -> list:
    first = body[0] if body else None
    is_doc = (
        isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    )
    return body[1:] if is_doc else body


def canonical(node) -> str:
    """A text of the syntax tree ``node`` that is the same for the same code however it is laid
    out or commented: node types and fields, without docstrings, source positions, and empty
    or absent fields (so it reads alike on Python versions that add new optional fields)."""
    if isinstance(node, list):
        return "[" + ",".join(canonical(item) for item in node) + "]"
    if not isinstance(node, ast.AST):
        return f"{type(node).__name__}:{node!r}"
    fields = []
    for name, value in ast.iter_fields(node):
        if name == "body" and isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            value = _without_docstring(value)
        if value is None or value == []:
            continue
        fields.append(f"{name}={canonical(value)}")
    return f"{type(node).__name__}({','.join(fields)})"


def source_digest(path: Path) -> str:
    """sha256 of the code of one Python file, without comments, layout and docstrings."""
    return Sources().read(path, path.stem).digest


def code_digests(src: Path, modules: Iterable[str], sources: Sources | None = None) -> dict[str, str]:
    """The code digest of each module, by module name."""
    sources = sources or Sources()
    return {module: sources.read(module_path(src, module), module).digest for module in modules}


@dataclass(frozen=True)
class Source:
    """What a content key needs of one module: its code digest and the modules it imports."""

    digest: str
    imports: frozenset[str]


FORMAT = 1  # of the store; with the Python version and this file's bytes, it names what a store holds


class Sources:
    """Modules read once each, remembered by the sha256 of their bytes (and their name, which
    relative imports depend on). With a ``store`` file, what was found is kept between runs,
    so an unchanged module is hashed, not parsed: parsing the package is most of the time an
    unchanged book takes to check. The store is a cache: when it is missing, unreadable, made
    by another Python or by other code than this module's, or cannot be written, everything
    is found again and the keys are the same."""

    def __init__(self, store: Path | None = None):
        self.store = store
        self.header = {
            "format": FORMAT,
            "python": "{}.{}".format(*sys.version_info[:2]),
            "code": hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
        }
        self.known: dict[str, Source] = self._load() if store else {}
        self.read_now: dict[str, str] = {}  # module -> its entry as this process read it
        self.added = False

    def read(self, path: Path, module: str) -> Source:
        """``module``'s digest and imports, from the bytes of ``path`` as they are now."""
        data = path.read_bytes()
        entry = f"{module}:{hashlib.sha256(data).hexdigest()}"
        self.read_now[module] = entry
        if entry not in self.known:
            tree = ast.parse(data, filename=str(path))
            self.known[entry] = Source(
                hashlib.sha256(canonical(tree).encode("utf-8")).hexdigest(),
                frozenset(imported_modules(tree, module, path.name == "__init__.py")),
            )
            self.added = True
        return self.known[entry]

    def _load(self) -> dict[str, Source]:
        try:
            saved = json.loads(self.store.read_text(encoding="utf-8"))
            if saved.get("header") != self.header:
                return {}
            return {entry: Source(digest, frozenset(imports)) for entry, (digest, imports) in saved["modules"].items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return {}

    def save(self) -> None:
        """Write the store when something was found that it did not hold (atomically; a store
        that cannot be written is left as it is). A module read now is kept only as it is now, so
        the store holds about one entry per module however often they are edited."""
        if self.store is None or not self.added:
            return
        current = set(self.read_now.values())
        modules = {
            entry: [source.digest, sorted(source.imports)]
            for entry, source in sorted(self.known.items())
            if entry in current or entry.partition(":")[0] not in self.read_now
        }
        temporary = self.store.with_name(f"{self.store.name}.{os.getpid()}.tmp")
        try:
            self.store.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps({"header": self.header, "modules": modules}), encoding="utf-8")
            os.replace(temporary, self.store)
            self.added = False
        except OSError:
            temporary.unlink(missing_ok=True)
