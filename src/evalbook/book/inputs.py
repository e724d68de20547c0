"""The one input path: where a chapter's declared inputs lie, and reading them through their contracts.

Both the build (which checks every input before any chapter runs) and the running chapter
(:class:`evalbook.book.chapter.Chapter`) call :func:`read`, so what is checked is exactly
what is read. An input is declared in ``book.yml`` with a path pattern
(``{data_dir}/{part}/register``; without an extension it is found as ``.csv`` or
``.parquet``), a contract and whether it may be missing.

Every problem is collected before anything is reported: each file against its contract, then
(when every file is valid) the label columns against the identifiers, ``assumptions.csv``
against the parts of ``book.yml``, the template's cross-file check and the chapter's domain
preconditions (:mod:`evalbook.book.preconditions`). One :class:`InputsError` lists them all.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..core import contract, paths
from ..core.errors import ConfigError, EvalbookError, InputsError
from ..core.io import read_input
from ..core.personal import closest
from ..core.raw import read_raw
from ..disclosure import identifiers as privacy
from ..schemas import CHECKS, CONTRACTS
from . import config, preconditions
from .config import ChapterSpec, Input, Template
from .files import locate, public_name, unread_beside


@dataclass(frozen=True)
class Record:
    """A file a chapter read: how outputs name it, the sha256 of the bytes that were parsed,
    and notes for ``evalbook check`` (unknown columns, a Dutch export, unread files beside it)."""

    path: Path
    name: str
    sha256: str
    notes: tuple[str, ...] = ()


@dataclass
class Inputs:
    """What a chapter read: frames by input name (None for a missing optional input; a dict
    of frames by file for a ``many`` input) and the files behind them."""

    frames: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)  # name -> Path, or list of Paths for a many input
    missing: list[Input] = field(default_factory=list)  # optional inputs that are absent
    records: list[Record] = field(default_factory=list)  # every file read, in declaration order

    def paths(self) -> list[Path]:
        """Every file read, in declaration order."""
        return [r.path for r in self.records]


def read(chapter: ChapterSpec, parameters: dict, root: Path | None = None, memo: dict | None = None) -> Inputs:
    """Every input of ``chapter``, read and validated against its contract (dates within the
    part's date window, target groups spelt as ``book.yml`` spells them), then the checks
    across files and the chapter's preconditions. Raises the one problem found, or one
    :class:`InputsError` listing them all (see the module docstring). ``memo``: the files
    already read in this check, by how they were read (:func:`read_jobs` shares it over the
    chapters, which read some files, such as ``assumptions.csv``, alike)."""
    root = root or paths.repo_root()
    template, window = chapter.template, chapter.part.date_window
    known = {"target_group": list(chapter.part.target_groups)}
    result, problems = Inputs(), []
    memo = {} if memo is None else memo
    for spec in template.inputs.values():
        try:
            where = locate(spec, parameters, chapter.part.key, root)
        except EvalbookError as exc:
            problems.append(exc)
            continue
        if where is None:
            result.frames[spec.name] = None
            result.missing.append(spec)
            continue
        result.files[spec.name] = where
        frames = {}
        for path in where if isinstance(where, list) else [where]:
            try:
                found = _load(path, spec, window, known, memo)
            except EvalbookError as exc:
                problems.append(exc)
                continue
            frames[paths.display(path, root)] = found.frame
            notes = [*found.notes, *(f"beside it, not read: {n}" for n in unread_beside(path))]
            result.records.append(
                Record(path, public_name(path, spec, parameters, root), found.file.sha256, tuple(notes))
            )
        result.frames[spec.name] = frames if isinstance(where, list) else next(iter(frames.values()), None)
    if not problems:
        for step in (_scan_labels, _assumptions_scope, _cross_check):
            try:
                step(chapter, result, root)
            except EvalbookError as exc:
                problems.append(exc)
    if not problems:
        problems += preconditions.check(chapter, parameters, result.frames)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InputsError(problems)
    return result


def read_jobs(jobs, root: Path) -> tuple[dict[str, Inputs], InputsError | None]:
    """Every input of every job (``config.Job``): what each job read, by label, and one
    :class:`InputsError` over the jobs that failed (None when all passed). When some jobs find
    none of their files in the data while others find theirs, the error says which chapters
    these data serve and how to select them."""
    found: dict[str, Inputs] = {}
    failed: dict[str, InputsError] = {}
    memo: dict = {}
    for job in jobs:
        try:
            found[job.label] = read(job.chapter, job.parameters, root, memo)
        except InputsError as exc:
            failed[job.label] = exc
        except EvalbookError as exc:
            failed[job.label] = InputsError([exc])
    if not failed:
        return found, None
    problems = [p for exc in failed.values() for p in exc.problems]
    return found, InputsError(problems, _selection_note(jobs, found, failed))


def _selection_note(jobs, found: dict, failed: dict) -> str:
    """Which chapters the data serve, when others lack all their files."""
    absent = [label for label, exc in failed.items() if exc.missing_only]
    own = [j for j in jobs if j.label in found and "data_dir" in j.chapter.template.parameters]
    if not absent or not own:
        return ""
    select = " or ".join(
        dict.fromkeys(f"--programme {j.chapter.part.key} --chapter {j.chapter.template.name}" for j in own)
    )
    return (
        f"No inputs found for {', '.join(absent)}. These data serve {', '.join(j.label for j in own)}: "
        f"check or build only {'that chapter' if len(own) == 1 else 'those chapters'} with {select}."
    )


def _load(path: Path, spec: Input, window, known: dict, memo: dict) -> contract.Loaded:
    """``path`` through the contract of ``spec`` (:func:`evalbook.core.contract.load`), or what
    reading it the same way gave before (in ``memo``: the frame, or the problem, again). The
    way is the contract, the date window and the configured labels of its grouping columns."""
    schema = _contract(spec)
    labels = tuple((name, tuple(values)) for name, values in known.items() if name in schema.grouping)
    key = (path, spec.contract, window, labels)
    if key not in memo:
        try:
            memo[key] = contract.load(path, schema, date_window=window, known_labels=known)
        except EvalbookError as exc:
            memo[key] = exc
    if isinstance(memo[key], EvalbookError):
        raise memo[key]
    return memo[key]


def _contract(spec: Input):
    if spec.contract not in CONTRACTS:
        raise ConfigError(
            f"book.yml: input {spec.name!r} names an unknown contract {spec.contract!r}; known: {', '.join(CONTRACTS)}"
        )
    return CONTRACTS[spec.contract]


def _cross_check(chapter: ChapterSpec, found: Inputs, root: Path) -> None:
    """The template's check across its files (``check:`` in book.yml), e.g. answers against the codebook."""
    name = chapter.template.check
    if name:
        if name not in CHECKS:
            raise ConfigError(f"book.yml: template {chapter.template.name!r} names an unknown check {name!r}")
        CHECKS[name](found.frames, found.files)


def _scan_labels(chapter: ChapterSpec, found: Inputs, root: Path) -> None:
    """Refuse an input whose label columns (values the book prints: team names, target groups,
    regions, reasons) hold a value of an identifier column of this chapter's inputs or a BSN-like
    number (:func:`evalbook.disclosure.identifiers.scan_inputs`, naming file, column and line)."""
    template = chapter.template
    ids = identifiers(template, found.frames)
    for name, frame in found.frames.items():
        labels = _contract(template.inputs[name]).labels
        if frame is None or not labels:
            continue
        files = frame.items() if isinstance(frame, dict) else [(paths.display(found.files[name], root), frame)]
        for shown, part in files:
            privacy.scan_inputs(part, labels, ids, shown)


def _assumptions_scope(chapter: ChapterSpec, found: Inputs, root: Path) -> None:
    """Rows of ``assumptions.csv`` are for a part of ``book.yml`` and a chapter it has. A row
    whose programme or chapter is spelt nearly like one of the book's (a typo, which would leave
    that chapter without its assumption) is refused; rows for a programme or chapter this book
    does not have (left out of a fork) are noted, not read."""
    for name, spec in chapter.template.inputs.items():
        frame = found.frames.get(name)
        if spec.contract != "assumptions" or not isinstance(frame, pd.DataFrame):
            continue
        chapters = {key: sorted({n for n, _ in part.chapter_values}) for key, part in config.load(root).parts.items()}
        problems, others = [], []
        pairs = frame[["programme", "chapter"]].drop_duplicates().itertuples(index=False)
        for programme, chapter_name in sorted(pairs):
            if chapter_name in chapters.get(programme, ()):
                continue
            column, value, choices = (
                ("chapter", chapter_name, chapters[programme])
                if programme in chapters
                else ("programme", programme, list(chapters))
            )
            meant = closest(value, choices) or next(iter(difflib.get_close_matches(value, choices, n=1)), None)
            if meant is None:
                others.append(f"{programme}/{chapter_name}")
                continue
            rows = (frame["programme"] == programme) & (frame["chapter"] == chapter_name)
            expected = f"one of {', '.join(choices)} (did you mean '{meant}'?)"
            problems.append(_rows(frame, rows, column, expected))
        if problems:
            raise contract.breach(paths.display(found.files[name], root), CONTRACTS[spec.contract], problems)
        if others:
            note = f"rows for chapters this book does not have, not read: {', '.join(others)}"
            found.records = [
                replace(r, notes=(*r.notes, note)) if r.path == found.files[name] else r for r in found.records
            ]


def _rows(frame: pd.DataFrame, mask, column: str, expected: str) -> tuple:
    rows = list(frame.index[mask])
    return column, expected, rows, list(frame.loc[rows, column])


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
    HTML. Each file is opened through the checked path and its cells read as text; the full
    contract is not applied again (the chapter cache keys on each file's content, and the
    chapters that read it validated it)."""
    found: set[str] = set()
    for job in jobs:
        for spec in job.chapter.template.inputs.values():
            schema = _contract(spec)
            where = locate(spec, job.parameters, job.chapter.part.key, root) if schema.identifiers else None
            for path in where if isinstance(where, list) else [where] if where else []:
                frame = read_raw(read_input(path, paths.display(path, root)), schema).frame
                for column in [c for c in schema.identifiers if c in frame]:
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
