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
import re
from collections.abc import Iterable
from functools import cache
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


def closure(src: Path, roots: Iterable[str]) -> list[str]:
    """Every ``evalbook`` module that importing ``roots`` runs, sorted."""
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
        stat = path.stat()
        for name in _imports_of(path, stat.st_mtime_ns, stat.st_size, module):
            todo.extend(_with_parents(name))
    return sorted(seen)


@cache
def _imports_of(path: Path, mtime_ns: int, size: int, module: str) -> frozenset[str]:
    return frozenset(imported_modules(_parse(path), module, path.name == "__init__.py"))


def template_imports(template_text: str) -> set[str]:
    """The ``evalbook`` modules the code cells of a MyST Markdown template import."""
    cells = (MAGIC.sub("", CELL_OPTIONS.sub("", cell)) for cell in CODE_CELL.findall(template_text))
    code = "\n".join(cells)
    return imported_modules(ast.parse(code), "", False)


@cache
def _parse_cached(path: Path, mtime_ns: int, size: int) -> ast.AST:
    return ast.parse(path.read_bytes(), filename=str(path))


def _parse(path: Path) -> ast.AST:
    stat = path.stat()
    return _parse_cached(path, stat.st_mtime_ns, stat.st_size)


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
    stat = path.stat()
    return _source_digest(path, stat.st_mtime_ns, stat.st_size)


@cache
def _source_digest(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(canonical(_parse(path)).encode("utf-8")).hexdigest()


def code_digests(src: Path, modules: Iterable[str]) -> dict[str, str]:
    """The code digest of each module, by module name."""
    return {module: source_digest(module_path(src, module)) for module in modules}
