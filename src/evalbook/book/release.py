"""Versioned releases of the book: every version reproducible, browsable and listed.

``evalbook release VERSION`` checks that the tree is clean and the tests pass, sets the
version in ``_config.yml``, reruns every chapter (their provenance box shows the version),
adds an entry to the "Versies" page (date, source commit, data fingerprints, what moved in
the results since the previous version), builds the book, keeps its HTML under
``_build/versions/VERSION/``, commits and tags ``vVERSION``.

``evalbook build --version VERSION`` rebuilds a released version from its tag in a temporary
git worktree (with that version's own ``src/``), so a lost archive is recovered exactly.

The version menu in the book's header reads the ``switcher.json`` at the root of the build it
is part of (:func:`evalbook.book.html.write_switcher`; URLs relative to that file), so
``_build/`` can be served as it is: ``make serve`` on localhost (``/html/`` the working build,
``/versions/X.Y.Z/`` the archives) or a Pages site under any base path.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from ..core.errors import ReleaseError
from ..report import format as fmt
from . import config, execute, html, provenance

SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
VERSION_LINE = re.compile(r"^version:.*$", re.MULTILINE)
VERSIONS_PAGE = Path("book") / "versions.md"
MARKER = "<!-- releases: newest first, written by `evalbook release` -->"


def parse(version: str) -> tuple[int, int, int]:
    match = SEMVER.match(version)
    if not match:
        raise ReleaseError(f"{version!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0)")
    return tuple(int(x) for x in match.groups())


def git(root: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout.strip()


def released_versions(root: Path) -> list[str]:
    """Versions with a ``vX.Y.Z`` tag, oldest first."""
    tags = [t.removeprefix("v") for t in git(root, "tag", "--list", "v*").split()]
    return sorted((t for t in tags if SEMVER.match(t)), key=parse)


def set_version(root: Path, version: str) -> None:
    """Rewrite the ``version:`` line of ``_config.yml`` and the ``version:`` and
    ``date-released:`` (today) lines of ``CITATION.cff`` (comments and layout stay); writes
    nothing unless every line is found."""
    today = dt.date.today().isoformat()
    edits = {
        "_config.yml": [("version", VERSION_LINE, f"version: {version}")],
        "CITATION.cff": [
            ("version", VERSION_LINE, f"version: {version}"),
            ("date-released", re.compile(r"^date-released:.*$", re.MULTILINE), f'date-released: "{today}"'),
        ],
    }
    texts = {}
    for name, lines in edits.items():
        path = root / name
        if not path.is_file():
            raise ReleaseError(f"{name} is missing: the release sets the version in it")
        text = path.read_text(encoding="utf-8")
        for key, pattern, line in lines:
            text, count = pattern.subn(line, text, count=1)
            if count != 1:
                raise ReleaseError(f"{name} has no top-level `{key}:` line")
        texts[path] = text
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")


def data_fingerprints(root: Path) -> dict[str, str]:
    """sha256 fingerprint of each part's embedded data directory (``data/synthetic/<part>``)."""
    result = {}
    for part in config.load(root).parts:
        files = sorted(p for p in (root / "data" / "synthetic" / part).glob("*") if p.is_file())
        if files:
            result[part] = provenance.fingerprint(files)[:16]
    return result


def result_changes(root: Path, previous_tag: str | None, limit: int = 12) -> list[str]:
    """Numbers in the chapters' aggregate tables that moved since ``previous_tag`` (Dutch
    lines, at most ``limit`` per table), plus tables that appeared or disappeared."""
    if previous_tag is None:
        return ["Eerste versie."]
    before = set(git(root, "ls-tree", "-r", "--name-only", previous_tag, "book").split())
    now = {p.relative_to(root).as_posix() for p in (root / "book").glob("*/tables/*.csv")}
    lines = []
    for table in sorted(now | {p for p in before if "/tables/" in p and p.endswith(".csv")}):
        name = table.removeprefix("book/").replace("/tables/", "/").removesuffix(".csv")
        if table not in before:
            lines.append(f"Nieuw hoofdstuk: `{name}`.")
            continue
        if table not in now:
            lines.append(f"Vervallen hoofdstuk: `{name}`.")
            continue
        old = pd.read_csv(io.StringIO(git(root, "show", f"{previous_tag}:{table}")))
        new = pd.read_csv(root / table)
        lines += [f"`{name}`: {change}" for change in _table_changes(old, new)[:limit]]
    return lines or ["Geen verschillen in de resultaattabellen."]


KEY_COLUMNS = ("target_group", "subgroup", "group", "outcome", "quantity", "item", "stage")


def _table_changes(old: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    """Numeric cells that differ (after rounding to one decimal) between two versions of a
    table, rows matched on the table's text columns (e.g. outcome and target group)."""
    if list(old.columns) != list(new.columns):
        return [f"kolommen gewijzigd ({', '.join(map(str, new.columns))})"]
    keys = [c for c in KEY_COLUMNS if c in new.columns] or [
        c for c in new.columns if not pd.api.types.is_numeric_dtype(new[c])
    ]
    if not keys or new.duplicated(keys).any() or old.duplicated(keys).any():
        keys = []  # no usable key: compare row by row
    old, new = (frame.set_index(keys) if keys else frame for frame in (old, new))
    changes = [f"rij {_name(k)} vervallen" for k in old.index.difference(new.index)]
    changes += [f"rij {_name(k)} nieuw" for k in new.index.difference(old.index)]
    for row in old.index.intersection(new.index):
        for column in new.columns:
            a, b = old.at[row, column], new.at[row, column]
            if _rounded(a) != _rounded(b):
                changes.append(f"{_name(row)}, {column}: {_show(a)} → {_show(b)}")
    return changes


def _name(key) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    return " / ".join(str(p) for p in parts if pd.notna(p))


def _rounded(x):
    """What counts as a change: numbers to three decimals (p-values move in the third)."""
    number = pd.to_numeric(pd.Series([x]), errors="coerce").iloc[0]
    return ("nan",) if pd.isna(x) else (round(float(number), 3) if pd.notna(number) else str(x))


def _show(x) -> str:
    number = pd.to_numeric(pd.Series([x]), errors="coerce").iloc[0]
    if pd.isna(number):
        return "–" if pd.isna(x) else str(x)
    number = float(number)
    return fmt.number(number, 0 if number.is_integer() else 1 if abs(number) >= 1 else 3)


def changelog_entry(version: str, date: str, commit: str, fingerprints: dict[str, str], changes: list[str]) -> str:
    rows = "\n".join(f"| data `{part}` (sha256) | `{sha}` |" for part, sha in fingerprints.items())
    body = "\n".join(f"- {line}" for line in changes)
    return (
        f"## Versie {version}\n\n| | |\n|---|---|\n| datum | {date} |\n| gebouwd vanaf commit | `{commit}` |\n"
        f"{rows}\n\nWat veranderde in de resultaten sinds de vorige versie:\n\n{body}\n"
    )


def add_to_versions_page(root: Path, entry: str) -> None:
    path = root / VERSIONS_PAGE
    text = path.read_text(encoding="utf-8")
    if MARKER not in text:
        raise ReleaseError(f"{VERSIONS_PAGE} lacks the marker line {MARKER!r}")
    path.write_text(text.replace(MARKER, f"{MARKER}\n\n{entry}", 1), encoding="utf-8")


def archive(root: Path, version: str, built: Path | None = None) -> Path:
    """Copy a built book (default: ``_build/html``) into ``_build/versions/VERSION`` and
    refresh the switcher."""
    target = root / "_build" / "versions" / version
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(built or root / "_build" / "html", target)
    html.write_switcher(root / "_build")
    return target


def release(root: Path, version: str, test_command: str, log=print) -> str:
    """Make release ``version``; returns the tag. See the module docstring for the steps."""
    parse(version)
    existing = released_versions(root)
    if version in existing:
        raise ReleaseError(f"version {version} is already released (tag v{version})")
    if existing and parse(version) <= parse(existing[-1]):
        raise ReleaseError(f"version {version} is not newer than the latest release {existing[-1]}")
    if git(root, "status", "--porcelain"):
        raise ReleaseError("the working tree is not clean: commit or remove your changes first")
    log(f"Running the tests: {test_command}")
    if subprocess.run(test_command, shell=True, cwd=root).returncode != 0:
        raise ReleaseError("the tests fail: no release")
    source_commit = git(root, "rev-parse", "--short=12", "HEAD")
    set_version(root, version)
    log("Running every chapter with the new version ...")
    jobs = config.jobs(config.load(root))
    execute.run_chapters(jobs, root, log=log)  # the version is part of every chapter's key: all rerun
    identifiers = execute.check_inputs(jobs, root)
    previous = f"v{existing[-1]}" if existing else None
    entry = changelog_entry(
        version, dt.date.today().isoformat(), source_commit, data_fingerprints(root), result_changes(root, previous)
    )
    add_to_versions_page(root, entry)
    html.build_html(root, identifiers, log=log)
    archive(root, version)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"Release {version}")
    git(root, "tag", "-a", f"v{version}", "-m", f"Book version {version}")
    log(f"Released {version}: tag v{version}, HTML in _build/versions/{version}/")
    return f"v{version}"


def rebuild(root: Path, version: str, log=print, html_only: bool = False) -> Path:
    """Rebuild released ``version`` from its tag in a temporary worktree and archive it;
    returns the worktree's executed ``book/`` (copied aside) for comparison. ``html_only``:
    build the HTML from the chapters as released, without rerunning them."""
    parse(version)
    tag = f"v{version}"
    if version not in released_versions(root):
        raise ReleaseError(f"no release {version} (no tag {tag})")
    out = Path(tempfile.mkdtemp(prefix=f"evalbook-{version}-"))
    work = out / "worktree"
    git(root, "worktree", "add", "--detach", str(work), tag)
    try:
        env = os.environ | {"PYTHONPATH": str(work / "src")}  # that version's code, not today's
        log(f"Rebuilding {version} from {tag} in a temporary worktree ...")
        command = [sys.executable, "-m", "evalbook", "build", *(["--html-only"] if html_only else [])]
        proc = subprocess.run(command, cwd=work, env=env, text=True, capture_output=True)
        if proc.returncode != 0:
            raise ReleaseError(f"rebuilding {version} failed:\n{proc.stdout[-2000:]}{proc.stderr[-4000:]}")
        archive(root, version, work / "_build" / "html")
        shutil.copytree(work / "book", out / "book")
    finally:
        git(root, "worktree", "remove", "--force", str(work), check=False)
    log(f"Rebuilt {version}: HTML in _build/versions/{version}/, executed chapters in {out / 'book'}")
    return out / "book"
