"""The one input path: where a chapter's declared inputs lie, and reading them through their contracts.

Both the build (which checks every input before any chapter runs) and the running chapter
(:class:`evalbook.book.chapter.Chapter`) call :func:`read`, so what is checked is exactly
what is read. An input is declared in ``book.yml`` with a path pattern
(``{data_dir}/{part}/register``; without an extension it is found as ``.csv`` or
``.parquet``), a contract and whether it may be missing.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core import contract, paths
from ..core.errors import ContractError, InputError
from ..schemas import CHECKS, CONTRACTS
from .config import Input, Template

SUFFIXES = (".csv", ".parquet")


@dataclass
class Inputs:
    """What a chapter read: frames by input name (None for a missing optional input; a dict
    of frames by file for a ``many`` input) and the files behind them."""

    frames: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)  # name -> Path, or list of Paths for a many input
    missing: list[Input] = field(default_factory=list)  # optional inputs that are absent

    def paths(self) -> list[Path]:
        """Every file read, in declaration order."""
        found = []
        for value in self.files.values():
            found += value if isinstance(value, list) else [value]
        return found


def pattern(spec: Input, parameters: dict, part: str) -> str:
    """The input's path pattern with the parameters and the part filled in."""
    try:
        return spec.path.format(part=part, **parameters)
    except KeyError as exc:
        raise InputError(f"input {spec.name!r}: its path {spec.path!r} uses {exc}, which is not a parameter "
                         "of this chapter") from None


def locate(spec: Input, parameters: dict, part: str, root: Path) -> Path | list[Path] | None:
    """The file(s) of ``spec``: a path, a sorted list for a ``many`` input, or None for a
    missing optional input. A missing required input raises :class:`ContractError`."""
    base = paths.resolve(pattern(spec, parameters, part), root)
    if spec.many:
        found = sorted(Path(p) for p in glob.glob(str(base) + ".csv"))
        if not found and not spec.optional:
            raise ContractError(f"{paths.display(base, root)}.csv: no file matches; the `{spec.contract}` "
                                "contract expects at least one.")
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
    raise ContractError(f"{shown}: file not found (nor {candidates[-1].name}). Put the extract there or point "
                        f"--data-dir at the directory that holds <programme>/{Path(shown).name}.")


def read(template: Template, parameters: dict, part: str, root: Path | None = None) -> Inputs:
    """Every input of ``template`` for ``part``, read and validated against its contract, then
    the template's cross-file check. The first breach raises a :class:`ContractError` (or
    :class:`InputError`) naming the file."""
    root = root or paths.repo_root()
    result = Inputs()
    for spec in template.inputs.values():
        where = locate(spec, parameters, part, root)
        if where is None:
            result.frames[spec.name] = None
            result.missing.append(spec)
            continue
        result.files[spec.name] = where
        schema = CONTRACTS[spec.contract]
        if isinstance(where, list):
            result.frames[spec.name] = {paths.display(p, root): contract.read(p, schema) for p in where}
        else:
            result.frames[spec.name] = contract.read(where, schema)
    if template.check:
        CHECKS[template.check](result.frames, result.files)
    return result


def identifiers(template: Template, frames: dict) -> set[str]:
    """The values of the inputs' identifier columns (``person_id``, ``respondent``): they must
    never appear in the book."""
    found: set[str] = set()
    for name, frame in frames.items():
        if not isinstance(frame, pd.DataFrame):
            continue
        for column in CONTRACTS[template.inputs[name].contract].identifiers:
            found.update(frame[column].dropna().astype(str))
    return found


def describe(frame, where, root: Path) -> str:
    """One line on what an input holds: file, rows, groups, date range (for ``evalbook check``)."""
    if isinstance(frame, dict):
        return f"{len(frame)} files, {sum(len(f) for f in frame.values())} rows"
    parts = [paths.display(where, root), f"{len(frame)} rows"]
    for column in ("group", "target_group", "region", "team"):
        if column in frame:
            counts = frame[column].fillna("(leeg)").value_counts().sort_index()
            parts.append(f"{column}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    if dates:
        low = min(frame[c].min() for c in dates)
        high = max(frame[c].max() for c in dates)
        parts.append(f"dates {low.date()} to {high.date()}")
    return "; ".join(parts)
