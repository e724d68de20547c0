"""The ``evalbook`` command: ``build`` runs the chapters and builds the book; ``release``
makes a versioned release of it; ``audit`` checks the published figures (the audit chapter's findings)."""

from __future__ import annotations

import argparse
import ast
import sys

from . import audit, build, chapters, paths, release
from .contracts import ContractError
from .disclosure import DisclosureError
from .privacy import PrivacyError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evalbook", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="run chapter notebooks with Papermill and build the HTML book")
    b.add_argument("--programme", choices=list(chapters.PARTS), help="only this programme's (part's) chapters")
    b.add_argument("--chapter", help="only this chapter (a template name in notebooks/)")
    b.add_argument("--data-dir", help="directory holding <programme>/<file>.csv (default: data/synthetic)")
    b.add_argument("--jobs", type=int, default=None, help="chapters run in parallel (default: number of cores)")
    b.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help="override a chapter parameter, e.g. -p follow_up_months 6")
    b.add_argument("--no-html", action="store_true", help="run the chapters only, do not build the HTML book")
    b.add_argument("--html-only", action="store_true", help="build the HTML book from the chapters in book/")
    b.add_argument("--version", dest="rebuild_version", metavar="VERSION",
                   help="rebuild released VERSION from its git tag into _build/versions/VERSION")
    b.set_defaults(func=_build)

    r = sub.add_parser("release", help="release a new version of the book (tests, rebuild, archive, tag)")
    r.add_argument("version", help="the new semantic version, e.g. 0.2.0")
    r.add_argument("--test-command", default="make test",
                   help="the tests that must pass first (default: make test, the README's test command)")
    r.set_defaults(func=_release)

    a = sub.add_parser("audit", help="check the published figures: significance labels, sums, GRIM (the audit chapter)")
    a.add_argument("--published-dir", default="data/published",
                   help="directory holding <programme>/<chapter>.csv (default: data/published)")
    a.set_defaults(func=_audit)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ContractError, build.BuildError, DisclosureError, PrivacyError, release.ReleaseError,
            ValueError) as exc:
        print(f"evalbook {args.command}: {exc}", file=sys.stderr)
        return 1


def _build(args) -> int:
    root = paths.repo_root()
    if args.rebuild_version:
        release.rebuild(root, args.rebuild_version)
        return 0
    overrides = {name: _literal(value) for name, value in args.parameter}
    if args.data_dir:
        overrides["data_dir"] = args.data_dir
    if args.html_only:
        identifiers = build.check_inputs(chapters.jobs(overrides=overrides), root)
    else:
        jobs = chapters.jobs(args.programme, args.chapter, overrides)
        print(f"Running {len(jobs)} chapter(s) with Papermill ...", flush=True)
        identifiers = build.run_chapters(jobs, root, n_jobs=args.jobs, log=lambda m: print(m, flush=True))
    if not args.no_html:
        print("Building the book with Jupyter Book (-n -W --keep-going) ...", flush=True)
        build.build_html(root, identifiers)
    return 0


def _release(args) -> int:
    release.release(paths.repo_root(), args.version, args.test_command, log=lambda m: print(m, flush=True))
    return 0


def _audit(args) -> int:
    print(audit.report(audit.run(args.published_dir)))
    return 0


def _literal(text: str):
    """``"6"`` → 6, ``"0.1"`` → 0.1, anything else stays text."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
