"""Where a chapter's declared inputs lie: path patterns from ``book.yml`` resolved to files.

Kept apart from reading (:mod:`evalbook.book.inputs`) so that finding and hashing inputs
(the chapter cache) needs no contract machinery.
"""

from __future__ import annotations

import glob
from pathlib import Path

from ..core import paths
from ..core.errors import ContractError, InputError
from .config import Input

SUFFIXES = (".csv", ".parquet")


def pattern(spec: Input, parameters: dict, part: str) -> str:
    """The input's path pattern with the parameters and the part filled in."""
    try:
        return spec.path.format(part=part, **parameters)
    except KeyError as exc:
        raise InputError(
            f"input {spec.name!r}: its path {spec.path!r} uses {exc}, which is not a parameter of this chapter"
        ) from None


def locate(spec: Input, parameters: dict, part: str, root: Path) -> Path | list[Path] | None:
    """The file(s) of ``spec``: a path, a sorted list for a ``many`` input, or None for a
    missing optional input. A missing required input raises :class:`ContractError`."""
    base = paths.resolve(pattern(spec, parameters, part), root)
    if spec.many:
        found = sorted(Path(p) for p in glob.glob(str(base) + ".csv"))
        if not found and not spec.optional:
            raise ContractError(
                f"{paths.display(base, root)}.csv: no file matches; the `{spec.contract}` "
                "contract expects at least one."
            )
        return found
    candidates = [base] if base.suffix in SUFFIXES else [base.with_name(base.name + s) for s in SUFFIXES]
    try:
        for candidate in candidates:
            if candidate.exists():
                return candidate
        if not base.parent.is_dir() and base.parent.exists():
            raise InputError(f"{paths.display(base.parent, root)}: not a directory")
    except PermissionError:
        raise InputError(f"{paths.display(base.parent, root)}: cannot be read (permission denied)") from None
    if spec.optional:
        return None
    shown = paths.display(candidates[0], root)
    raise ContractError(
        f"{shown}: file not found (nor {candidates[-1].name}). Put the extract there or point "
        f"--data-dir at the directory that holds <programme>/{Path(shown).name}."
    )
