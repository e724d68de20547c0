"""The pipeline: check inputs, run chapter templates through Papermill, build the HTML book.

Nothing is half-done: every input is validated before any chapter runs; chapters execute in
a staging directory and replace ``book/<programme>/`` only when all of them succeeded; the
book is built into a staging directory and replaces ``_build/html`` only when the build is
free of warnings.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..core.errors import BuildError
from ..disclosure import identifiers as privacy
from . import config, inputs

KERNEL = "python3"
_SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
HIDDEN_CELL_TAGS = {"parameters", "injected-parameters"}


@dataclass(frozen=True)
class ChapterResult:
    label: str
    seconds: float
    error: str | None = None


def check_inputs(jobs: list[config.Job], root: Path) -> frozenset[str]:
    """Validate every input the selected chapters read, exactly as the chapters will read them
    (:func:`evalbook.book.inputs.read`); the first breach raises before anything is written.
    Returns the values of the inputs' identifier columns, which must never appear in the book."""
    identifiers: set[str] = set()
    for job in jobs:
        found = inputs.read(job.chapter.template, job.parameters, job.chapter.part.key, root)
        identifiers |= inputs.identifiers(job.chapter.template, found.frames)
    return frozenset(identifiers)


def run_chapters(jobs: list[config.Job], root: Path, n_jobs: int | None = None, log=print) -> frozenset[str]:
    """Execute the selected chapters and move them into ``book/`` when all succeeded and
    passed the privacy guard. Returns the input identifiers (for guarding the HTML)."""
    identifiers = check_inputs(jobs, root)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=_ensure(root / "_build")))
    try:
        n_jobs = max(1, min(n_jobs or os.cpu_count() or 1, len(jobs)))
        results = []
        with ProcessPoolExecutor(max_workers=n_jobs) as pool:
            futures = [pool.submit(execute, root / job.chapter.template.source, staging / job.chapter.part.key,
                                   {"part": job.chapter.part.key, "parameters": job.parameters}, job.label,
                                   job.chapter.title)
                       for job in jobs]
            for done, future in enumerate(as_completed(futures), start=1):
                result = future.result()
                results.append(result)
                mark = "ok" if result.error is None else "FAILED"
                log(f"[{done}/{len(jobs)}] {result.label:<28} {mark} ({result.seconds:.1f} s)")
        failed = [r for r in results if r.error]
        if failed:
            raise BuildError("\n\n".join(f"{r.label}: {r.error}" for r in failed)
                             + "\n\nNo chapter in book/ was changed.")
        privacy.guard([staging], identifiers)
        for job in jobs:
            _install(staging / job.chapter.part.key, root / "book" / job.chapter.part.key, job.chapter.template.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return identifiers


def execute(template: Path, workdir: Path, parameters: dict, label: str, title: str) -> ChapterResult:
    """Run one chapter template (MyST Markdown) with Papermill into ``workdir`` (its working
    directory too, so the chapter's table lands in ``workdir/tables/``). Plain arguments:
    runs in a worker process."""
    import jupytext
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.monotonic()
    output = _ensure(workdir) / f"{template.stem}.ipynb"
    try:
        notebook = jupytext.read(template)
        papermill.execute_notebook(
            notebook, str(output), parameters=parameters, cwd=str(workdir), kernel_name=KERNEL,
            progress_bar=False, log_output=False, report_mode=False,
        )
    except PapermillExecutionError as exc:
        return ChapterResult(label, time.monotonic() - start,
                             f"cell {exc.exec_count} raised {exc.ename}: {_strip_ansi(exc.evalue)}")
    except Exception as exc:  # kernel died, template missing, ...: report, do not crash the pool
        return ChapterResult(label, time.monotonic() - start, f"{type(exc).__name__}: {exc}")
    tidy(output, title)
    return ChapterResult(label, time.monotonic() - start)


def tidy(path: Path, title: str) -> None:
    """Make an executed notebook deterministic and reader-friendly: drop Papermill's timing
    metadata, number the cells (ids are otherwise random on every run), hide the parameter
    cells (the provenance box lists the parameters) and give the page its title from
    ``book.yml`` (one template serves several parts)."""
    nb = nbformat.read(path, as_version=4)
    papermill_meta = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {"parameters": papermill_meta.get("parameters", {})}
    nb.metadata.pop("jupytext", None)
    for number, cell in enumerate(nb.cells, start=1):
        cell.id = f"cell-{number}"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        if HIDDEN_CELL_TAGS & set(tags) and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
    first = nb.cells[0]
    if first.cell_type == "markdown" and first.source.startswith("# "):
        first.source = f"# {title}" + first.source[first.source.find("\n"):] if "\n" in first.source else f"# {title}"
    nbformat.write(nb, path)


def _install(src_dir: Path, dest_dir: Path, chapter: str) -> None:
    dest_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src_dir / f"{chapter}.ipynb", dest_dir / f"{chapter}.ipynb")
    table = src_dir / "tables" / f"{chapter}.csv"
    if table.is_file():
        (dest_dir / "tables").mkdir(exist_ok=True)
        shutil.copy2(table, dest_dir / "tables" / f"{chapter}.csv")


def build_html(root: Path, identifiers: frozenset[str] = frozenset(), log=print) -> Path:
    """Build the book with Jupyter Book (execution off, ``-n -W --keep-going``) and swap it
    into ``_build/html`` only when it is free of warnings and passes the privacy guard
    (no BSN-like number, none of ``identifiers``). Returns the index page."""
    build_dir = _ensure(root / "_build")
    staging = Path(tempfile.mkdtemp(prefix=".html-", dir=build_dir))
    try:
        cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(root), "--path-output", str(staging),
               "-n", "-W", "--keep-going", "--builder", "html"]
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
        problems = _warnings(proc.stdout + proc.stderr, root)
        if proc.returncode != 0 or problems:
            detail = "\n".join(problems) or (proc.stdout + proc.stderr)[-4000:]
            raise BuildError(f"the book build failed (the previous HTML in _build/html is untouched):\n{detail}")
        privacy.guard([staging / "_build" / "html"], identifiers)
        target = build_dir / "html"
        old = staging / "previous"
        if target.exists():
            target.rename(old)  # removed with the staging directory
        (staging / "_build" / "html").rename(target)
        write_switcher(build_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    index = target / "index.html"
    log(f"The book is built: {index}")
    return index


def write_switcher(build_dir: Path) -> Path:
    """``_build/versions/switcher.json`` for the theme's version switcher: every archived
    version (newest preferred) and the working build."""
    versions_dir = build_dir / "versions"
    versions_dir.mkdir(parents=True, exist_ok=True)
    archived = sorted((p.name for p in versions_dir.iterdir() if p.is_dir() and _SEMVER.match(p.name)),
                      key=lambda v: tuple(map(int, v.split("."))),
                      reverse=True)
    entries = [{"name": f"{v} (nieuwste)" if i == 0 else v, "version": v, "url": f"/versions/{v}/",
                **({"preferred": True} if i == 0 else {})} for i, v in enumerate(archived)]
    entries.append({"name": "in ontwikkeling", "version": "dev", "url": "/html/"})
    path = versions_dir / "switcher.json"
    path.write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")
    return path


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_LOCATION = re.compile(r"(?P<file>[^\s:]+\.(?:ipynb|md)):(?P<line>\d+)")


def _strip_ansi(text: str) -> str:
    return _ANSI.sub("", text or "")


def _warnings(output: str, root: Path) -> list[str]:
    """Warning and error lines of a Sphinx run, with notebook locations as "cell N"."""
    found = []
    for line in _strip_ansi(output).splitlines():
        if "WARNING" not in line and "ERROR" not in line:
            continue
        line = line.replace(str(root) + os.sep, "")
        found.append(_LOCATION.sub(_cell_location, line))
    return found


def _cell_location(match: re.Match) -> str:
    file, line = match["file"], int(match["line"])
    if file.endswith(".ipynb") and line >= 10000:  # myst-nb: (cell number, from 1) * 10000 + line
        return f"{file}, cell {line // 10000} (counted from 1), line {line % 10000}"
    return match.group(0)


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
