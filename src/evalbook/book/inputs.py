"""The one input path: where a chapter's declared inputs lie, and reading them through their contracts.

Both the build (which checks every input before any chapter runs) and the running chapter
(:class:`evalbook.book.chapter.Chapter`) call :func:`read`, so what is checked is exactly
what is read. An input is declared in ``book.yml`` with a path pattern
(``{data_dir}/{part}/register``; without an extension it is found as ``.csv`` or
``.parquet``), a contract and whether it may be missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core import contract, paths
from ..core.errors import ConfigError
from ..disclosure import identifiers as privacy
from ..schemas import CHECKS, CONTRACTS
from .config import ChapterSpec, Input, Template
from .files import locate


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


def read(chapter: ChapterSpec, parameters: dict, root: Path | None = None) -> Inputs:
    """Every input of ``chapter``, read and validated against its contract (dates within the
    part's date window), then the template's cross-file check. The first breach raises a
    :class:`ContractError` (or :class:`InputError`) naming the file."""
    root = root or paths.repo_root()
    template, window = chapter.template, chapter.part.date_window
    result = Inputs()
    for spec in template.inputs.values():
        where = locate(spec, parameters, chapter.part.key, root)
        if where is None:
            result.frames[spec.name] = None
            result.missing.append(spec)
            continue
        result.files[spec.name] = where
        schema = _contract(spec)
        if isinstance(where, list):
            result.frames[spec.name] = {
                paths.display(p, root): contract.read(p, schema, date_window=window) for p in where
            }
        else:
            result.frames[spec.name] = contract.read(where, schema, date_window=window)
    _scan_labels(template, result, root)
    if template.check:
        if template.check not in CHECKS:
            raise ConfigError(f"book.yml: template {template.name!r} names an unknown check {template.check!r}")
        CHECKS[template.check](result.frames, result.files)
    return result


def _contract(spec: Input):
    if spec.contract not in CONTRACTS:
        raise ConfigError(
            f"book.yml: input {spec.name!r} names an unknown contract {spec.contract!r}; known: {', '.join(CONTRACTS)}"
        )
    return CONTRACTS[spec.contract]


def _scan_labels(template: Template, found: Inputs, root: Path) -> None:
    """Refuse an input whose label columns (values the book prints: team names, target groups,
    regions) hold a value of an identifier column of this chapter's inputs or a BSN-like
    number (:func:`evalbook.disclosure.identifiers.scan_inputs`, naming file, column and line)."""
    ids = identifiers(template, found.frames)
    for name, frame in found.frames.items():
        labels = _contract(template.inputs[name]).labels
        if frame is None or not labels:
            continue
        files = frame.items() if isinstance(frame, dict) else [(paths.display(found.files[name], root), frame)]
        for shown, part in files:
            privacy.scan_inputs(part, labels, ids, shown)


def identifiers(template: Template, frames: dict) -> set[str]:
    """The values of the inputs' identifier columns (``person_id``, ``respondent``): they must
    never appear in the book."""
    found: set[str] = set()
    for name, frame in frames.items():
        if not isinstance(frame, pd.DataFrame):
            continue
        for column in _contract(template.inputs[name]).identifiers:
            found.update(frame[column].dropna().astype(str))
    return found


def identifier_values(jobs, root: Path) -> frozenset[str]:
    """The identifier values of every input the ``jobs`` (``config.Job``) read, for guarding the
    HTML. Only the identifier columns are read, without validation: each file was validated
    when the chapters that read it last ran (the chapter cache keys on its content)."""
    found: set[str] = set()
    for job in jobs:
        for spec in job.chapter.template.inputs.values():
            columns = list(_contract(spec).identifiers)
            where = locate(spec, job.parameters, job.chapter.part.key, root) if columns else None
            for path in where if isinstance(where, list) else [where] if where else []:
                if path.suffix.lower() == ".parquet":
                    frame = pd.read_parquet(path, columns=columns)
                else:
                    with path.open(encoding="utf-8-sig") as fh:
                        header = fh.readline()
                    sep = ";" if header.count(";") > header.count(",") else ","  # as contract.read detects it
                    frame = pd.read_csv(path, sep=sep, usecols=columns, dtype=str, encoding="utf-8-sig")
                for column in columns:
                    found.update(frame[column].dropna().astype(str))
    return frozenset(found)


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
