"""A build's staging directory and the processes that work in it: owned, stopped, cleaned.

Chapters execute in ``_build/.staging-*`` (one per build) by worker processes, each with a
Jupyter kernel. The directory records its owner (the build's process) and every worker and
kernel started for it, so that

* Ctrl-C stops the build with one line: the workers (which ignore SIGINT, so they print no
  tracebacks) are terminated, each killing its kernel first, and ``book/`` is not touched;
* a worker whose build died (even by SIGKILL) is told so by the kernel (``PR_SET_PDEATHSIG``
  on Linux) and exits with its kernel instead of lingering;
* the next build removes a staging directory whose owner is gone, and kills the workers and
  kernels recorded in it that still run (each matched by process id and start time, so a
  reused process id is never hit).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..core.io import write_error
from ..core.paths import display, ensure_dir

PREFIX = ".staging-"
OWNER = "owner.json"
PROCESSES = "processes"  # one file per worker or kernel: pid, start time, sockets to remove
GRACE_SECONDS = 60  # a staging directory without an owner file younger than this may be starting
_PR_SET_PDEATHSIG = 1
_TRACKED: list[dict] = []  # in a worker: the kernels it started


def start(root: Path) -> Path:
    """A new staging directory under ``_build/``, owned by this process."""
    build = root / "_build"
    try:
        directory = Path(tempfile.mkdtemp(prefix=PREFIX, dir=ensure_dir(build)))
        (directory / OWNER).write_text(json.dumps(_identity(os.getpid())), encoding="utf-8")
    except OSError as exc:
        raise write_error(display(build, root) + "/", exc) from None
    return directory


def clean_stale(root: Path, log=print) -> int:
    """Remove the staging directories of builds that no longer run, killing the workers and
    kernels recorded in them that still do. Returns how many were removed."""
    removed = 0
    for directory in sorted((root / "_build").glob(PREFIX + "*")) if (root / "_build").is_dir() else []:
        owner = _read(directory / OWNER)
        if owner is None:
            if time.time() - directory.stat().st_mtime < GRACE_SECONDS:
                continue
        elif _alive(owner):
            continue
        for record in (_read(p) for p in sorted((directory / PROCESSES).glob("*"))):
            if record and _alive(record):
                with contextlib.suppress(OSError):
                    os.kill(record["pid"], signal.SIGKILL)
            _remove_sockets(record or {})
        shutil.rmtree(directory, ignore_errors=True)
        removed += 1
    if removed:
        log(f"  removed {removed} staging director{'y' if removed == 1 else 'ies'} left by an interrupted build")
    return removed


def worker_init(directory: Path) -> None:
    """Set up a worker process (``ProcessPoolExecutor`` initializer): ignore Ctrl-C (the build
    handles it), exit with its kernels on SIGTERM, get SIGTERM when the build dies, and
    record itself in ``directory``."""
    signal.signal(signal.SIGTERM, _terminate)
    helper_init()
    track(directory, os.getpid())


def helper_init() -> None:
    """Set up a helper process of the build (a chapter worker, a PDF printer): ignore Ctrl-C
    (the build handles it) and get SIGTERM when the build dies, even killed, so that none
    outlives it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the build died before the line above
        os._exit(128 + signal.SIGTERM)


def track(directory: Path, pid: int, sockets: str = "") -> None:
    """Record process ``pid`` (a worker, or a kernel with its IPC ``sockets`` prefix) in
    ``directory``; a kernel is also killed when this worker is terminated."""
    record = {**_identity(pid), "sockets": sockets}
    if sockets:
        _TRACKED.append(record)
    with contextlib.suppress(OSError):
        ensure_dir(directory / PROCESSES)
        (directory / PROCESSES / str(pid)).write_text(json.dumps(record), encoding="utf-8")


@contextlib.contextmanager
def workers(n: int, initializer, initargs: tuple = ()):
    """``n`` helper processes (a ``ProcessPoolExecutor`` whose ``initializer`` calls
    :func:`helper_init`), started at once, with Ctrl-C held so that none is forked unlisted. On
    any error or interruption they are stopped (and with them their kernels or browsers) before
    it is passed on."""
    pool = ProcessPoolExecutor(max_workers=n, initializer=initializer, initargs=initargs)
    try:
        with uninterrupted():
            pool.submit(_started)  # the pool forks all its workers at its first task
        yield pool
    except BaseException:
        processes = list(getattr(pool, "_processes", {}).values())  # the executor keeps them privately
        pool.shutdown(wait=False, cancel_futures=True)
        stop(processes)
        raise
    pool.shutdown(wait=True)


def _started() -> None:
    """Nothing: submitted so that a pool starts its workers."""


def stop(processes) -> None:
    """Terminate worker ``processes`` (they kill their kernels) and wait for them briefly."""
    for process in processes:
        with contextlib.suppress(OSError, AttributeError):
            process.terminate()
    deadline = time.monotonic() + 10
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(max(0.0, deadline - time.monotonic()))


class Interrupted(KeyboardInterrupt):
    """Ctrl-C in a command (:func:`ctrl_c_as_interrupted`)."""


@contextlib.contextmanager
def ctrl_c_as_interrupted():
    """Ctrl-C raises :class:`Interrupted` in the block instead of a plain ``KeyboardInterrupt``.

    CPython marks a plain ``KeyboardInterrupt`` that leaves code run through ``PyRun_String``
    as never handled (some compiled modules run such code when imported), and then kills the
    process with SIGINT at exit, after it was caught and reported: Ctrl-C during an import
    ended the build with -2 instead of 130. It checks the exact type, so a subclass is not
    marked."""

    def interrupt(signum, frame):  # noqa: ARG001 (signal handler signature)
        raise Interrupted

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def uninterrupted():
    """Hold Ctrl-C until the block is done (installing chapters: all or none; starting workers:
    each one listed), then raise it."""
    caught = []
    previous = signal.signal(signal.SIGINT, lambda *_: caught.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise Interrupted


def _terminate(signum, frame) -> None:  # noqa: ARG001 (signal handler signature)
    """A worker's SIGTERM: kill its kernels, remove their sockets, exit at once."""
    for record in _TRACKED:
        with contextlib.suppress(OSError):
            os.kill(record["pid"], signal.SIGKILL)
        _remove_sockets(record)
    os._exit(128 + signal.SIGTERM)


def _remove_sockets(record: dict) -> None:
    prefix = record.get("sockets")
    if prefix:
        for path in Path(prefix).parent.glob(Path(prefix).name + "-*"):
            with contextlib.suppress(OSError):
                path.unlink()


def _identity(pid: int) -> dict:
    return {"pid": pid, "start": _start_time(pid)}


def _start_time(pid: int) -> str | None:
    """When process ``pid`` started (Linux: field 22 of /proc/<pid>/stat), else None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(record: dict) -> bool:
    """Whether the recorded process still runs (the same process: same start time)."""
    try:
        os.kill(record["pid"], 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return record.get("start") is None or _start_time(record["pid"]) == record["start"]


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
