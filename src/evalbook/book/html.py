"""Building the HTML book: Jupyter Book (execution off, ``-n -W --keep-going``), with its PDFs
(``pdf``), swapped into ``_build/html`` only when the build is free of warnings and passes the
privacy guard; and the version menu's JSON.

Sphinx builds incrementally in a persistent directory (``_build/.sphinx``): only pages whose
sources changed are read again. Sphinx reports a page's warnings only when it reads the page,
so the persistent state is kept only after a warning-free build; after a failed one it is
removed, and the next build starts afresh and reports every warning again. Sphinx copies the
static files (style sheets, scripts) only when it writes a page, so a change to them alone
would never reach the built book: then every page is read and written again.

``_build/`` is laid out as it is served (``make serve``, or a static site under any base
path): the working build in ``html/``, every archived release in ``versions/X.Y.Z/``. Each of
these builds has a ``switcher.json`` at its root listing all of them with URLs relative to
that file, rewritten whenever the set changes, so an old archive lists the newer versions too."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..core.errors import BuildError
from ..core.paths import ensure_dir
from . import cache, config, records, sphinx_runner
from .terminal import strip_ansi

SPHINX_DIR = ".sphinx"  # under _build/: the persistent, incremental Sphinx build
HTML_STAMP = ".html-key"  # under _build/: the content key of the HTML in _build/html
STATIC_DIR = Path("book") / "_static"  # html_static_path of _config.yml
STATIC_STAMP = ".static.sha256"  # under SPHINX_DIR: the static files the last build copied
_LOCATION = re.compile(r"(?P<file>[^\s:]+\.(?:ipynb|md)):(?P<line>\d+)")


class JupyterBook:
    """Jupyter Book's build of the book at ``root`` (execution off, ``-n -W --keep-going``) in a
    process of its own (:mod:`evalbook.book.sphinx_runner`) that sets Sphinx up as soon as it
    starts and builds when told: :meth:`start` it while the chapters run and it is ready when
    they end. Ended, if it did not build, when the ``with`` block ends."""

    def __init__(self, root: Path):
        self.root = root
        self.process: subprocess.Popen | None = None
        self.static = ""  # the digest of the static files this build copies (STATIC_STAMP)
        self.every_page = False  # they changed since the last build: every page is read and written again

    def start(self) -> None:
        """Start the process (once)."""
        if self.process is not None:
            return
        sphinx_dir = ensure_dir(self.root / "_build") / SPHINX_DIR
        stamp = sphinx_dir / STATIC_STAMP
        self.static = _static_digest(self.root)
        self.every_page = not stamp.is_file() or stamp.read_text(encoding="utf-8") != self.static
        args = [str(self.root), "--path-output", str(sphinx_dir), "-n", "-W", "--keep-going", "--builder", "html"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "evalbook.book.sphinx_runner", *args, *(["--all"] if self.every_page else [])],
            cwd=self.root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def run(self) -> tuple[int, str]:
        """Build (starting the process if need be): its exit status and everything it printed."""
        self.start()
        output, _ = self.process.communicate(sphinx_runner.GO + "\n")
        return self.process.returncode, output

    def __enter__(self) -> JupyterBook:
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def build(root: Path, force: bool = False, verbose: bool = False, log=print, book: JupyterBook | None = None) -> None:
    """Build the HTML book (:func:`build_html`, guarded against the identifiers of the inputs)
    unless nothing it is made from changed since the last good build; with ``book``, a
    :class:`JupyterBook` started earlier."""
    stamp = root / "_build" / HTML_STAMP
    key = cache.html_key(root)
    current = stamp.is_file() and stamp.read_text(encoding="utf-8") == key
    if not force and current and (root / "_build" / "html" / "index.html").is_file():
        log("HTML book up to date: _build/html/index.html")
        return
    from . import inputs

    log("Building the book with Jupyter Book (-n -W --keep-going) ...")
    identifiers = inputs.identifier_values(config.jobs(config.load(root)), root)
    build_html(root, identifiers, log=log, verbose=verbose, book=book)
    stamp.write_text(key, encoding="utf-8")


def build_html(
    root: Path,
    identifiers: frozenset[str] = frozenset(),
    log=print,
    verbose: bool = False,
    book: JupyterBook | None = None,
) -> Path:
    """Build the book with Jupyter Book (``book``, or a :class:`JupyterBook` started now) and its
    PDFs, and swap it into ``_build/html`` only when it is free of warnings and passes the
    privacy guard (no BSN-like number, none of ``identifiers``). Returns the index page."""
    from ..disclosure import identifiers as privacy
    from . import pdf  # pikepdf and the privacy guard (pandas): only when the book is built

    build_dir = ensure_dir(root / "_build")
    sphinx_dir = build_dir / SPHINX_DIR
    with contextlib.ExitStack() as stack:
        if book is None:
            book = stack.enter_context(JupyterBook(root))
        book.start()
        # the printers' browsers open while Jupyter Book runs; one per core when every page is printed
        printing = stack.enter_context(pdf.printers(book.every_page or not (build_dir / pdf.CACHE_DIR).is_dir()))
        status, output = book.run()
        if verbose:
            log(strip_ansi(output))
        problems = _warnings(output, root)
        if status != 0 or problems:
            shutil.rmtree(sphinx_dir, ignore_errors=True)  # the next build reads every page again
            system = system_failure(output)
            if system:
                raise BuildError(f"Jupyter Book could not write the HTML: {system}; _build/html is untouched.")
            detail = "\n".join(problems) or output[-4000:]
            raise BuildError(f"the book build failed (the previous HTML in _build/html is untouched):\n{detail}")
        (sphinx_dir / STATIC_STAMP).write_text(book.static, encoding="utf-8")
        staging = Path(tempfile.mkdtemp(prefix=".html-", dir=build_dir))
        try:
            built = staging / "html"
            shutil.copytree(sphinx_dir / "_build" / "html", built)
            pdf.build_pdfs(root, built, printing, log=log)
            privacy.guard([built], identifiers)
            target = build_dir / "html"
            if target.exists():
                target.rename(staging / "previous")  # removed with the staging directory
            built.rename(target)
            write_switcher(root)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    index = target / "index.html"
    log(f"The book is built: {index}")
    return index


def _static_digest(root: Path) -> str:
    """A digest of the book's static files (names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in (root / STATIC_DIR).rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


SYSTEM_FAILURES = (  # (what a tool's traceback says, what to tell the user)
    ("No space left on device", "the disk holding _build/ is full (free space and build again)"),
    ("Disk quota exceeded", "the disk quota is used up (free space and build again)"),
    ("Read-only file system", "_build/ is on a read-only file system"),
)


def system_failure(output: str) -> str | None:
    """One sentence for a tool that failed because the system refused to write (a full or
    read-only disk), instead of the tool's own traceback; None for any other failure."""
    return next((words for marker, words in SYSTEM_FAILURES if marker in output), None)


def write_switcher(root: Path) -> Path:
    """The version menu's ``switcher.json`` at the root of the working build and of every
    archive in ``_build/versions/``, and the list itself in ``_build/versions/switcher.json``:
    every recorded release (:mod:`evalbook.book.records`; newest first and preferred), then the
    working build, each URL relative to the file; and ``_build/index.html``, which opens the
    newest release (the working build while there is none). Returns the list in
    ``_build/versions/``."""
    build_dir = root / "_build"
    versions_dir = ensure_dir(build_dir / "versions")
    released = [r.version for r in reversed(records.load(root))]
    builds = [
        (
            versions_dir / v,
            {"name": f"{v} (nieuwste)" if i == 0 else v, "version": v, **({"preferred": True} if i == 0 else {})},
        )
        for i, v in enumerate(released)
    ]
    builds.append((build_dir / "html", {"name": "in ontwikkeling", "version": "dev"}))
    for where in [versions_dir] + [path for path, _ in builds if path.is_dir()]:
        entries = [{**entry, "url": _relative_url(path, where)} for path, entry in builds]
        (where / "switcher.json").write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")
    opens = _relative_url(builds[0][0], build_dir)  # the site opens on the newest release
    (build_dir / "index.html").write_text(
        f'<!DOCTYPE html>\n<meta charset="utf-8">\n<meta http-equiv="refresh" content="0; url={opens}">\n'
        f'<title>Re-integratie in Rotterdam</title>\n<a href="{opens}">Naar het boek</a>\n',
        encoding="utf-8",
    )
    return versions_dir / "switcher.json"


def _relative_url(target: Path, start: Path) -> str:
    """The URL of directory ``target`` relative to directory ``start``, ending in "/"."""
    return "./" if target == start else Path(os.path.relpath(target, start)).as_posix() + "/"


def _warnings(output: str, root: Path) -> list[str]:
    """Warning and error lines of a Sphinx run, with notebook locations as "cell N"."""
    found = []
    for line in strip_ansi(output).splitlines():
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
