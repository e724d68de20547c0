"""Running the chapters: check inputs, execute chapter templates through Papermill, install them.

Nothing is half-done: every input is validated before any chapter runs; chapters execute in
a staging directory (:mod:`evalbook.book.staging`) and replace ``book/<programme>/`` only when
all of them succeeded; the book is built into a staging directory and replaces ``_build/html``
only when the build is free of warnings. An executed chapter names no directory of the machine
that ran it: a data directory outside the repository is "eigen data" in its parameters too.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import BuildError, InputError
from ..core.paths import ensure_dir
from . import cache, config, staging
from .files import public_value
from .terminal import strip_ansi

# Deciding what is up to date needs only the content keys: pandas, the input contracts, the
# privacy guard and Jupyter are imported where a chapter is checked, run or tidied, so that
# `evalbook build` on an unchanged book answers quickly.

HIDDEN_CELL_TAGS = {"parameters", "injected-parameters"}
TIMINGS = ".chapter-seconds.json"  # under _build/: how long each chapter took when it last ran


@dataclass(frozen=True)
class ChapterResult:
    label: str
    seconds: float
    error: str | None = None


def check_inputs(jobs: list[config.Job], root: Path) -> frozenset[str]:
    """Validate every input the selected chapters read, exactly as the chapters will read them
    (:func:`evalbook.book.inputs.read_jobs`); every problem of every chapter is raised together,
    before anything is written. Returns the values of the inputs' identifier columns, which must
    never appear in the book."""
    from . import inputs

    found, error = inputs.read_jobs(jobs, root)
    if error is not None:
        raise error
    identifiers: set[str] = set()
    for job in jobs:
        identifiers |= inputs.identifiers(job.chapter.template, found[job.label].frames)
    return frozenset(identifiers)


def plan(jobs: list[config.Job], root: Path, force: bool = False) -> list[tuple[config.Job, cache.Key | None, str]]:
    """The jobs that must run, each with its cache key and why it runs; the others are up to
    date (their executed chapter carries the same key and their table exists). A job whose
    inputs cannot be found or read has no key: :func:`check_inputs` reports why."""
    stale = []
    for job in jobs:
        try:
            key = cache.chapter_key(job.chapter, job.parameters, root)
        except InputError:
            stale.append((job, None, "inputs to check"))
            continue
        target = root / "book" / f"{job.label}.ipynb"
        table = root / "book" / job.chapter.part.key / "tables" / f"{job.chapter.template.name}.csv"
        reason = "forced" if force else cache.why_stale(key, cache.recorded(target))
        if reason is None and not (table.is_file() and table.with_suffix("").is_dir()):
            reason = "table missing"  # the chapter's table, or the downloads of its numbered tables
        if reason is not None:
            stale.append((job, key, reason))
    return stale


def run_chapters(
    jobs: list[config.Job],
    root: Path,
    n_jobs: int | None = None,
    log=print,
    force: bool = False,
    verbose: bool = False,
    on_start=None,
) -> int:
    """Execute the selected chapters that are not up to date and move them into ``book/`` when
    all succeeded and passed the privacy guard. Returns the number of chapters run. Ctrl-C
    stops the workers and their kernels and leaves ``book/`` as it was; what a killed build
    left behind is removed first. ``on_start()`` is called when there are chapters to run and
    their inputs passed the checks, while the kernels start (the build starts Jupyter Book
    beside the chapters)."""
    staging.clean_stale(root, log)
    todo = plan(jobs, root, force)
    if verbose:
        keys = {job.label: key for job, key, _ in todo}
        for job in jobs:
            key = keys[job.label] if job.label in keys else cache.chapter_key(job.chapter, job.parameters, root)
            if key is not None:
                digests = key.parts["inputs"].items()
                log(
                    f"  {job.label}: content key {key.digest[:16]}; inputs "
                    + ", ".join(f"{name} {digest[:12] if digest else 'absent'}" for name, digest in digests)
                )
    for job in jobs:
        if all(job is not j for j, _, _ in todo):
            log(f"  {job.label:<28} up to date")
    if not todo:
        return 0
    directory = staging.start(root)
    try:
        workers = max(1, min(n_jobs or os.cpu_count() or 1, len(todo)))
        with staging.workers(workers, _start_worker, (directory,)) as pool:  # each starts its kernel
            identifiers = check_inputs([job for job, _, _ in todo], root)  # meanwhile the workers start their kernels
            if on_start is not None:  # not sooner: three start-ups at once on two cores slow the kernels
                on_start()
            todo = [(job, key or cache.chapter_key(job.chapter, job.parameters, root), why) for job, key, why in todo]
            timings = _timings(root)
            todo = longest_first(todo, timings)
            results = _execute_all(pool, todo, root, directory, log)
        _save_timings(root, timings | {r.label: round(r.seconds, 1) for r in results if r.error is None})
        failed = [r for r in results if r.error]
        if failed:
            raise BuildError(
                "\n\n".join(f"{r.label}: {r.error}" for r in failed) + "\n\nNo chapter in book/ was changed."
            )
        from ..disclosure import identifiers as privacy

        privacy.guard([directory], identifiers)
        with staging.uninterrupted():
            for job, _, _ in todo:
                part, name = job.chapter.part.key, job.chapter.template.name
                _install(directory / part, root / "book" / part, name)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return len(todo)


def _start_worker(directory: Path) -> None:
    """A chapter worker's set-up (:func:`evalbook.book.staging.worker_init`), then its kernel."""
    from .kernel import warm

    staging.worker_init(directory)
    warm(directory)


def _execute_all(pool: ProcessPoolExecutor, todo: list, root: Path, directory: Path, log) -> list[ChapterResult]:
    """Run the chapters of ``todo`` on the workers of ``pool``, working in ``directory``."""
    futures = {
        pool.submit(
            execute,
            root / job.chapter.template.source,
            directory / job.chapter.part.key,
            {"part": job.chapter.part.key, "parameters": job.parameters},
            job.label,
            job.chapter.title,
            key.as_metadata(),
            public=_public_values(job.parameters, root),
        ): reason
        for job, key, reason in todo
    }
    results = []
    for future in as_completed(futures):
        result = future.result()
        results.append(result)
        mark = "ok" if result.error is None else "FAILED"
        log(f"  {result.label:<28} {mark:<6} {result.seconds:5.1f} s  ({futures[future]})")
    return results


def _public_values(parameters: dict, root: Path) -> dict[str, str]:
    """``{value: as outputs show it}`` for each path parameter whose value would show a
    directory outside the repository (an absolute path of this machine)."""
    book = config.load(root)
    values = {}
    for name, value in parameters.items():
        spec = book.parameters.get(name)
        if spec is not None and spec.type == "path" and public_value(value, root) != value:
            values[value] = public_value(value, root)
    return values


def longest_first(todo: list, timings: dict[str, float]) -> list:
    """The jobs of ``todo`` (tuples starting with a job) ordered by the seconds they took when
    they last ran, longest first, those never timed before all: a long chapter that started
    last would keep one worker busy while the others idle."""
    return sorted(todo, key=lambda item: -timings.get(item[0].label, math.inf))


def _timings(root: Path) -> dict[str, float]:
    """Seconds each chapter took when it last ran (empty before the first build)."""
    try:
        return json.loads((root / "_build" / TIMINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_timings(root: Path, timings: dict[str, float]) -> None:
    path = ensure_dir(root / "_build") / TIMINGS
    path.write_text(json.dumps(dict(sorted(timings.items())), indent=1) + "\n", encoding="utf-8")


def execute(
    template: Path,
    workdir: Path,
    parameters: dict,
    label: str,
    title: str,
    key: dict | None = None,
    reuse_kernel: bool = True,
    public: dict[str, str] | None = None,
) -> ChapterResult:
    """Run one chapter template (MyST Markdown) with Papermill into ``workdir`` (its working
    directory too, so the chapter's table lands in ``workdir/tables/``), then tidy it and
    record its cache ``key`` (``public``: see :func:`tidy`). Plain arguments: runs in a worker
    process, on the worker's kernel (``reuse_kernel``) or on a kernel of its own."""
    import jupytext
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .kernel import KERNEL, QuietKernelManager, worker_kernel

    start = time.monotonic()
    output = ensure_dir(workdir) / f"{template.stem}.ipynb"
    try:
        notebook = with_levels(applicable(jupytext.read(template), parameters["parameters"]), parameters["parameters"])
        kernel = {"km": worker_kernel(workdir)} if reuse_kernel else {"kernel_manager_class": QuietKernelManager}
        executed = papermill.execute_notebook(
            notebook,
            str(output),
            parameters=parameters,
            cwd=str(workdir),
            kernel_name=KERNEL,
            progress_bar=False,
            log_output=False,
            report_mode=False,
            request_save_on_cell_execute=False,  # written once, at the end: a save per cell took a seventh of the time
            **kernel,
        )
    except PapermillExecutionError as exc:
        return ChapterResult(
            label, time.monotonic() - start, f"cell {exc.exec_count} raised {exc.ename}: {strip_ansi(exc.evalue)}"
        )
    except Exception as exc:  # kernel died, template missing, ...: report, do not crash the pool
        return ChapterResult(label, time.monotonic() - start, f"{type(exc).__name__}: {exc}")
    complaint = stderr_output(executed)
    if complaint is not None:
        return ChapterResult(label, time.monotonic() - start, complaint)
    tidy(output, title, key, public)
    return ChapterResult(label, time.monotonic() - start)


def stderr_output(nb) -> str | None:
    """Why an executed chapter must not be published, if a cell wrote to stderr: a warning
    (a layout that did not fit, a deprecation) is a defect, and its text would be printed in
    the book with the path of the machine that ran it."""
    for number, cell in enumerate(nb.cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                text = strip_ansi("".join(output.get("text", ""))).strip().splitlines()
                return f"cell {number} wrote to stderr: {text[0] if text else '(blank)'}"
    return None


def applicable(notebook, parameters: dict):
    """The template's cells that apply to this run: a cell with ``if: <parameter>`` in its
    metadata (``+++ {"if": "target_groups"}`` before a Markdown cell, ``:if: target_groups`` in a
    code cell) is kept only when that parameter is set (not empty, not false), so a
    programme without target groups gets no section about them."""

    def keep(cell) -> bool:
        condition = cell.metadata.pop("if", None)
        if condition is None:
            return True
        if condition not in parameters:
            raise BuildError(f"a template cell depends on {condition!r}, which is not a parameter of this chapter")
        return bool(parameters[condition])

    notebook.cells = [cell for cell in notebook.cells if keep(cell)]
    return notebook


def shown_when(notebook):
    """The executed chapter without the cells its data do not apply to: a cell with ``when:
    <name>`` in its metadata (``+++ {"when": "teams"}`` before a Markdown cell, ``:when: teams``
    in a code cell) is kept only when a code cell with the same ``when`` showed something. The
    data decide, not a parameter (:func:`applicable`): the code cell shows its table only when
    the data have what it is about (a survey's teams), and its heading and prose go with it."""
    shown = {
        cell.metadata.get("when")
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.metadata.get("when") and cell.get("outputs")
    }

    def keep(cell) -> bool:
        condition = cell.metadata.pop("when", None)
        return condition is None or condition in shown

    notebook.cells = [cell for cell in notebook.cells if keep(cell)]
    return notebook


def with_levels(notebook, parameters: dict):
    """The template with its figures' text alternatives (``mystnb: image: alt``, which myst-nb
    reads from the cell, not from the output) stating this run's levels: a placeholder such as
    ``{confidence}`` is filled from :func:`evalbook.report.parameters.phrases`, as the captions are."""
    from ..report.parameters import phrases

    terms = phrases(parameters)
    for cell in notebook.cells:
        image = cell.metadata.get("mystnb", {}).get("image", {})
        if "alt" in image:
            try:
                image["alt"] = image["alt"].format_map(terms)
            except (KeyError, ValueError) as exc:
                raise BuildError(f"a figure's alt text names {exc}, which is not one of {', '.join(terms)}") from None
    return notebook


def tidy(path: Path, title: str, key: dict | None = None, public: dict[str, str] | None = None) -> None:
    """Make an executed notebook deterministic and reader-friendly: drop the cells its data do
    not apply to (:func:`shown_when`) and Papermill's timing metadata, number the cells (ids
    are otherwise random on every run), hide the parameter cells (the provenance box lists the
    parameters) and give the page its title from
    ``book.yml`` (one template serves several parts). ``public`` maps parameter values that
    name a directory of this machine to how outputs show it ("eigen data"): the downloadable
    notebook carries no absolute path in its parameters."""
    import nbformat
    from papermill.translators import PythonTranslator

    nb = nbformat.read(path, as_version=4)
    public = public or {}
    parameters = nb.metadata.get("papermill", {}).get("parameters", {})
    nb.metadata["papermill"] = {"parameters": _replaced(parameters, public)}
    nb.metadata.pop("jupytext", None)
    if key is not None:
        nb.metadata[cache.KEY_FIELD] = key
    shown_when(nb)
    executed = 0
    for number, cell in enumerate(nb.cells, start=1):
        cell.id = f"cell-{number}"
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            executed += 1  # as a fresh kernel counts, whichever kernel ran the chapter
            cell.execution_count = executed
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = executed
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        if HIDDEN_CELL_TAGS & set(tags) and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
        if "injected-parameters" in tags:
            for value, shown in public.items():
                literal = PythonTranslator.translate_escaped_str
                cell.source = cell.source.replace(literal(value), literal(shown))
    first = nb.cells[0]
    if first.cell_type == "markdown" and first.source.startswith("# "):
        first.source = f"# {title}" + first.source[first.source.find("\n") :] if "\n" in first.source else f"# {title}"
    nbformat.write(nb, path)


def _replaced(value, public: dict[str, str]):
    """``value`` (parameters, nested) with every string of ``public`` replaced by its public form."""
    if isinstance(value, dict):
        return {k: _replaced(v, public) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, public) for v in value]
    return public.get(value, value) if isinstance(value, str) else value


def _install(src_dir: Path, dest_dir: Path, chapter: str) -> None:
    dest_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src_dir / f"{chapter}.ipynb", dest_dir / f"{chapter}.ipynb")
    table = src_dir / "tables" / f"{chapter}.csv"
    if table.is_file():
        (dest_dir / "tables").mkdir(exist_ok=True)
        shutil.copy2(table, dest_dir / "tables" / f"{chapter}.csv")
    downloads = dest_dir / "tables" / chapter  # the downloads of its numbered tables: replaced as a whole
    shutil.rmtree(downloads, ignore_errors=True)
    if (src_dir / "tables" / chapter).is_dir():
        shutil.copytree(src_dir / "tables" / chapter, downloads)
