"""The ``evalbook`` command.

* ``build`` runs the chapters (Papermill) and builds the book (Jupyter Book);
* ``check`` validates every input a build would read and says what it found, writing nothing;
* ``match`` writes a register (programme + matched control group) from a candidate pool;
* ``release`` makes a versioned release; ``archive`` rebuilds the recorded releases into
  ``_build/versions/`` (``make book`` runs it after ``build``); ``audit`` checks the published
  figures;
* ``toc`` writes ``_toc.yml`` from ``book.yml``.

Every error meant for the user is printed as one message (never a traceback) with exit code 1;
a wrong command line exits with 2.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

from ..core import paths
from ..core.errors import ConfigError, EvalbookError, OutputError
from ..core.io import write_error
from . import config, staging

# Commands import the heavy parts of the package (pandas, pandera, Papermill, Sphinx) when they
# run, so that `evalbook build` on an unchanged book answers in a fraction of a second.

INTERRUPTED = "interrupted; book/ unchanged"
WRITE_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}
TOC_HEADER = (
    "# Generated from book.yml by `evalbook toc`: edit book.yml, not this file.\n"
    "# Table of contents (Jupyter Book 1); chapters under book/<part>/ are executed by `evalbook build`.\n"
)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        with staging.ctrl_c_as_interrupted():
            status = args.func(args)
        sys.stdout.flush()  # here, so that a reader that went away is handled below
        return status
    except EvalbookError as exc:
        print(f"evalbook {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"evalbook {args.command}: {INTERRUPTED}", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output went away (`evalbook check | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
    except OSError as exc:
        if exc.errno not in WRITE_ERRNOS:
            raise
        where = paths.display(Path(exc.filename)) if exc.filename else "a file"
        print(f"evalbook {args.command}: {write_error(where, exc)}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evalbook", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"evalbook {_package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="run chapter notebooks with Papermill and build the HTML book")
    _selection(b)
    b.add_argument("--jobs", type=int, default=None, help="chapters run in parallel (default: number of cores)")
    b.add_argument("--force", action="store_true", help="rerun every selected chapter and rebuild the HTML")
    b.add_argument(
        "--verbose",
        action="store_true",
        help="also show each chapter's content key and what changed, and Jupyter Book's own output",
    )
    what = b.add_mutually_exclusive_group()
    what.add_argument("--no-html", action="store_true", help="run the chapters only, do not build the HTML book")
    what.add_argument("--html-only", action="store_true", help="build the HTML book from the chapters in book/")
    b.add_argument(
        "--release",
        "--version",
        dest="rebuild_version",
        metavar="VERSION",
        help="rebuild recorded release VERSION into _build/versions/VERSION (as `evalbook archive VERSION`)",
    )
    b.set_defaults(func=_build)

    v = sub.add_parser(
        "archive", help="rebuild recorded releases (book/versions.json) into _build/versions/, each from its commit"
    )
    v.add_argument("versions", nargs="*", metavar="VERSION", help="default: every release whose archive is missing")
    v.add_argument("--force", action="store_true", help="rebuild even when the archive is there")
    v.add_argument("--rerun", action="store_true", help="rerun the release's chapters too, not only its HTML")
    v.set_defaults(func=_archive)

    c = sub.add_parser("check", help="validate every input a build would read; runs and writes nothing")
    _selection(c)
    c.set_defaults(func=_check)

    m = sub.add_parser("match", help="write <data-dir>/<programme>/register.csv from pool.csv by matching")
    m.add_argument("--programme", required=True, help="the programme directory, e.g. route3")
    m.add_argument("--data-dir", default="data/raw", help="directory holding <programme>/pool.csv (default: data/raw)")
    m.set_defaults(func=_match)

    r = sub.add_parser("release", help="release a new version of the book (tests, rebuild, archive, tag)")
    r.add_argument("version", help="the new semantic version, e.g. 0.2.0")
    r.add_argument(
        "--test-command",
        default="make test",
        help="the tests that must pass first (default: make test, the README's test command)",
    )
    r.set_defaults(func=_release)

    a = sub.add_parser("audit", help="check the published figures: significance labels, sums, GRIM (the audit chapter)")
    a.add_argument(
        "--published-dir",
        default="data/published",
        help="directory holding <programme>/<chapter>.csv (default: data/published)",
    )
    a.set_defaults(func=_audit)

    t = sub.add_parser("toc", help="write _toc.yml from book.yml (--check: only report whether it is current)")
    t.add_argument("--check", action="store_true", help="exit 1 when _toc.yml differs from what book.yml gives")
    t.set_defaults(func=_toc)
    return parser


def _selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("--programme", help="only this programme's (part's) chapters")
    p.add_argument("--chapter", help="only this chapter (a template in book.yml)")
    p.add_argument("--data-dir", help="directory holding <programme>/<file>.csv (default: data/synthetic)")
    p.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="override a chapter parameter, e.g. -p follow_up_months 6",
    )


def _jobs(args) -> list[config.Job]:
    book = config.load()
    pairs = list(args.parameter)
    if args.data_dir is not None:
        if not args.data_dir.strip():
            raise ConfigError("--data-dir is empty: give the directory that holds <programme>/<file>.csv")
        pairs.append(("data_dir", args.data_dir))
    overrides = config.parse_overrides(book, pairs)
    if args.data_dir is not None:
        directory = paths.resolve(args.data_dir)
        if not directory.is_dir():
            raise ConfigError(f"--data-dir {args.data_dir}: no such directory")
    return config.jobs(book, args.programme, args.chapter, overrides)


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("evalbook")
    except PackageNotFoundError:
        return "(not installed)"


def _build(args) -> int:
    root = paths.repo_root()
    if args.rebuild_version:
        from . import release

        release.rebuild(root, args.rebuild_version, html_only=args.html_only, log=_say)
        return 0
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError(f"--jobs {args.jobs}: give a number of parallel chapters of at least 1")
    start = time.monotonic()
    jobs = [] if args.html_only else _jobs(args)
    _writable(root / "_build")
    from . import html

    # Jupyter Book sets itself up while the chapters run (when there are any and the HTML is wanted)
    with html.JupyterBook(root) as book:
        if not args.html_only:
            from . import execute

            print(f"Chapters ({len(jobs)} selected):", flush=True)
            ran = execute.run_chapters(
                jobs,
                root,
                n_jobs=args.jobs,
                log=_say,
                force=args.force,
                verbose=args.verbose,
                on_start=None if args.no_html else book.start,
            )
            print(f"{ran} chapter(s) run, {len(jobs) - ran} up to date.", flush=True)
        if not args.no_html:
            html.build(root, force=args.force or args.html_only, verbose=args.verbose, log=_say, book=book)
    print(f"Done in {time.monotonic() - start:.1f} s.", flush=True)
    return 0


def _say(message: str) -> None:
    """A line of a command's progress, shown at once."""
    print(message, flush=True)


def _writable(directory: Path) -> None:
    """Refuse, before anything runs, a build directory this user cannot write into."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as exc:
        raise OutputError(
            f"{write_error(paths.display(directory) + '/', exc)} Nothing was built; book/ unchanged."
        ) from None


def _archive(args) -> int:
    from . import records, release

    root = paths.repo_root()
    wanted = args.versions or (
        [r.version for r in records.load(root)] if args.force else release.missing_archives(root)
    )
    for version in wanted:
        release.rebuild(root, version, html_only=not args.rerun, log=_say)
    if not wanted:
        print("Archived releases up to date: _build/versions/")
    return 0


def _check(args) -> int:
    from . import inputs

    root = paths.repo_root()
    jobs = _jobs(args)
    found, error = inputs.read_jobs(jobs, root)
    for job in jobs:
        if job.label not in found:
            continue
        read = found[job.label]
        print(f"{job.label}: ok")
        for name, frame in read.frames.items():
            if frame is not None:
                print(f"  {name}: {inputs.describe(frame, read.files[name], root)}")
        for record in read.records:
            for note in record.notes:
                print(f"  {paths.display(record.path, root)}: {note}")
        for spec in read.missing:
            print(f"  {spec.name}: absent (optional){'; ' + spec.without if spec.without else ''}")
    if error is not None:
        raise error
    return 0


def _match(args) -> int:
    from ..analysis import matching
    from ..core import contract
    from ..core.io import write_csv
    from ..schemas.register import POOL

    part = config.load().parts.get(args.programme)  # a directory of another programme has no window of its own
    directory = paths.resolve(args.data_dir) / args.programme
    pool = contract.read(directory / "pool.csv", POOL, date_window=part.date_window if part else None)
    register = matching.register_from_pool(pool)
    target = directory / "register.csv"
    write_csv(register, target, paths.display(target))
    n_programme = int((register["group"] == "programme").sum())
    n_control = int((register["group"] == "control").sum())
    print(f"wrote {paths.display(target)}: {n_programme} programme, {n_control} matched controls")
    return 0


def _release(args) -> int:
    from . import release

    release.release(paths.repo_root(), args.version, args.test_command, log=_say)
    return 0


def _audit(args) -> int:
    from ..analysis import audit
    from ..report import audit as audit_report
    from . import inputs

    root = paths.repo_root()
    book = config.load(root)
    overrides = config.parse_overrides(book, [("published_dir", args.published_dir)])
    job = config.jobs(book, "verantwoording", "audit", overrides)[0]
    found = inputs.read(job.chapter, job.parameters, root)
    result = audit.run(
        found.frames["published"],
        alpha=job.parameters["alpha"],
        n_range=(job.parameters["n_min"], job.parameters["n_max"]),
    )
    print(
        audit_report.text(
            result, {key: part.labels() for key, part in book.parts.items()}, job.parameters["min_cell_size"]
        )
    )
    return 0


def _toc(args) -> int:
    root = paths.repo_root()
    text = TOC_HEADER + yaml.safe_dump(config.toc(config.load(root)), sort_keys=False, allow_unicode=True)
    target = root / "_toc.yml"
    if args.check:
        if target.read_text(encoding="utf-8") != text:
            raise ConfigError("_toc.yml does not follow from book.yml: run `evalbook toc`")
        return 0
    target.write_text(text, encoding="utf-8")
    print("wrote _toc.yml")
    return 0
