"""Opening an input and writing a table: the one way in and the one way out of a data file.

:func:`read_input` is the only function that opens an input file (the contract, the content
key of the chapter cache, the chapter, ``match`` and ``release`` all go through it). It checks
that the path is a readable regular file of bounded size before reading a byte, so that a
directory, a named pipe (which would block forever), a symbolic link that loops or an
unreadable file gives one sentence instead of a traceback or a hang. Everything downstream —
parsing and hashing alike — uses the bytes it returns, so what is checked, parsed and
fingerprinted is the same content.

:func:`write_csv` writes in the contracts' CSV form and turns a failed write (no permission,
read-only or full disk) into one sentence.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, MissingInputError, OutputError

MAX_INPUT_BYTES = 2 * 1024**3  # an extract beyond this is not what a chapter reads; split or select first
if TYPE_CHECKING:
    import pandas as pd

_KINDS = (
    (stat.S_ISDIR, "a directory, not a file"),
    (stat.S_ISFIFO, "a named pipe (FIFO), not a file: evalbook reads regular files only"),
    (stat.S_ISSOCK, "a socket, not a file"),
    (stat.S_ISCHR, "a device, not a file"),
    (stat.S_ISBLK, "a device, not a file"),
)
_WRITE_ERRORS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
}


@dataclass(frozen=True)
class InputFile:
    """The checked content of an input file."""

    path: Path
    shown: str  # how messages name it
    data: bytes

    @functools.cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def read_input(
    path: str | Path, shown: str | None = None, limit: int | None = None, head: int | None = None
) -> InputFile:
    """The content of ``path`` after checking, before anything reads it, that it is a regular
    file (following symbolic links), readable, of at most ``limit`` bytes (default
    :data:`MAX_INPUT_BYTES`); with ``head``, only its first ``head`` bytes (a header line),
    whatever its size. Raises :class:`InputError` (:class:`MissingInputError` when it does not
    exist) with one sentence naming ``shown`` (default: the path)."""
    path = Path(path)
    shown = shown or str(path)
    limit = MAX_INPUT_BYTES if limit is None else limit
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _unreadable(path, shown, exc) from None
    _refuse_kind(info.st_mode, shown)
    if head is not None:
        limit = head
    elif info.st_size > limit:
        raise InputError(_too_large(shown, info.st_size, limit))
    try:  # O_NONBLOCK: should a pipe replace the file after the check, opening it does not block
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _unreadable(path, shown, exc) from None
    with os.fdopen(fd, "rb") as fh:
        _refuse_kind(os.fstat(fd).st_mode, shown)
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise _unreadable(path, shown, exc) from None
    if len(data) > limit:
        if head is not None:
            return InputFile(path, shown, data[:head])
        raise InputError(_too_large(shown, len(data), limit))
    return InputFile(path, shown, data)


def _refuse_kind(mode: int, shown: str) -> None:
    for test, words in _KINDS:
        if test(mode):
            raise InputError(f"{shown}: {words}.")


def _unreadable(path: Path, shown: str, exc: OSError) -> InputError:
    if exc.errno == errno.ENOENT:
        if path.is_symlink():
            return InputError(f"{shown}: a symbolic link to {os.readlink(path)}, which does not exist.")
        return MissingInputError(f"{shown}: file not found.")
    if exc.errno == errno.ELOOP:
        return InputError(f"{shown}: a symbolic link that loops (it leads back to itself); point it at the file.")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return InputError(f"{shown}: cannot be read (permission denied).")
    if exc.errno == errno.ENOTDIR:
        return InputError(f"{shown}: a folder on its path is a file.")
    return InputError(f"{shown}: cannot be read ({exc.strerror or exc}).")


def _too_large(shown: str, size: int, limit: int) -> str:
    return (
        f"{shown}: {size / 2**30:.1f} GB, more than the {limit / 2**30:.0f} GB an input may be; "
        "select the rows and columns the chapter needs, or save it as Parquet."
    )


def write_csv(frame: pd.DataFrame, path: str | Path, shown: str | None = None) -> None:
    """Write in the contract's CSV form: UTF-8, ``,``, ISO dates, ``true``/``false``, empty
    cells for missing values. A failed write raises :class:`OutputError` naming ``shown``
    (default: the path); no partial file is left behind."""
    import pandas as pd  # here, not above: the chapter cache reads inputs without pandas

    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: "true", False: "false"})
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        out.to_csv(partial, index=False, lineterminator="\n")
        partial.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise write_error(shown or str(path), exc) from None


def write_error(shown: str, exc: OSError) -> OutputError:
    """One sentence for a write that failed: the file and why (permissions, a read-only or
    full disk, else the system's words)."""
    reason = _WRITE_ERRORS.get(exc.errno or -1, exc.strerror or str(exc))
    return OutputError(f"cannot write {shown}: {reason}.")
