"""Where a chapter's declared inputs lie: path patterns from ``book.yml`` resolved to files.

Kept apart from reading (:mod:`evalbook.book.inputs`) so that finding and hashing inputs
(the chapter cache) needs no contract machinery. Finding is strict: two files for one input
(``register.csv`` and ``register.parquet``) are refused rather than one silently ignored, and
a missing file is reported with what lies there instead (a workbook, a text export) and the
option that points at the right directory.

How outputs name an input (:func:`public_name`): relative to the repository when the file
lies in it, else as ``eigen data/<path below the directory parameter>``; an absolute path of
the machine that ran the chapter never reaches the book.
"""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path

from ..core import paths
from ..core.errors import ContractError, InputError, MissingInputError
from .config import Input

SUFFIXES = (".csv", ".parquet")
OTHER_FORMATS = (".xlsx", ".xls", ".ods", ".tsv", ".txt", ".sav", ".dta")  # exports a chapter cannot read
OWN_DATA = "eigen data"  # how outputs name a directory outside the repository
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def pattern(spec: Input, parameters: dict, part: str) -> str:
    """The input's path pattern with the parameters and the part filled in."""
    try:
        return spec.path.format(part=part, **parameters)
    except KeyError as exc:
        raise InputError(
            f"input {spec.name!r}: its path {spec.path!r} uses {exc}, which is not a parameter of this chapter"
        ) from None


def directory_parameter(spec: Input) -> str | None:
    """The parameter naming the directory an input lies in (``data_dir``, ``published_dir``)."""
    match = _PLACEHOLDER.match(spec.path)
    return match.group(1) if match and match.group(1) != "part" else None


def locate(spec: Input, parameters: dict, part: str, root: Path) -> Path | list[Path] | None:
    """The file(s) of ``spec``: a path, a sorted list for a ``many`` input, or None for a
    missing optional input. A missing required input raises :class:`MissingInputError`; two
    files for one input raise :class:`ContractError`."""
    base = paths.resolve(pattern(spec, parameters, part), root)
    if spec.many:
        found = sorted(Path(p) for p in glob.glob(str(base) + ".csv"))
        if not found and not spec.optional:
            raise MissingInputError(
                f"{paths.display(base, root)}.csv: no file matches; the `{spec.contract}` "
                f"contract expects at least one.{_pointer(spec, base, root)}"
            )
        return found
    candidates = [base] if base.suffix in SUFFIXES else [base.with_name(base.name + s) for s in SUFFIXES]
    try:
        found = [c for c in candidates if os.path.lexists(c)]  # a symbolic link that loops is found, then refused
        if not found and base.parent.exists() and not base.parent.is_dir():
            raise InputError(f"{paths.display(base.parent, root)}: not a directory")
        others = _other_formats(base)
    except PermissionError:
        raise InputError(f"{paths.display(base.parent, root)}: cannot be read (permission denied)") from None
    if len(found) > 1:
        shown = " and ".join(paths.display(f, root) for f in found)
        raise ContractError(f"{shown}: two files for the one input {spec.name!r}; keep one (evalbook reads one).")
    if found:
        return found[0]
    if spec.optional:
        return None
    shown = paths.display(candidates[0], root)
    instead = f" Found {', '.join(p.name for p in others)}: export it as CSV UTF-8 (or Parquet)." if others else ""
    raise MissingInputError(
        f"{shown}: file not found (nor {candidates[-1].name}).{instead}{_pointer(spec, base, root)}"
    )


def _other_formats(base: Path) -> list[Path]:
    """Files beside ``base`` with its name in a format a chapter cannot read."""
    stem = base.stem if base.suffix in SUFFIXES else base.name
    return [base.with_name(stem + s) for s in OTHER_FORMATS if (base.with_name(stem + s)).is_file()]


def unread_beside(path: Path) -> list[str]:
    """Names of files beside an input with its name in another format (``register.xlsx``
    beside ``register.csv``): not read, worth a mention in ``evalbook check``."""
    return [p.name for p in _other_formats(path)]


def _pointer(spec: Input, base: Path, root: Path) -> str:
    """Which option points at the directory an input lies in."""
    parameter = directory_parameter(spec)
    if parameter is None:
        return ""
    below = Path(spec.path.split("}", 1)[1].lstrip("/"))
    option = "--data-dir" if parameter == "data_dir" else f"the parameter {parameter} (-p {parameter})"
    holds = str(below).replace("{part}", "<programme>") + ("" if below.suffix else ".csv")
    return f" Put the file there, or point {option} at the directory that holds {holds}."


def public_name(path: Path, spec: Input, parameters: dict, root: Path) -> str:
    """How outputs name input ``path`` (see the module docstring)."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        pass
    parameter = directory_parameter(spec)
    if parameter:
        try:
            below = Path(path).resolve().relative_to(paths.resolve(parameters[parameter], root).resolve())
            return f"{OWN_DATA}/{below.as_posix()}"
        except (KeyError, ValueError):
            pass
    return f"{OWN_DATA}/{Path(path).name}"


def public_value(value: str, root: Path) -> str:
    """A path parameter's value as outputs show it: relative to the repository, else
    :data:`OWN_DATA`."""
    try:
        return paths.resolve(value, root).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return OWN_DATA
