"""Versioned releases of the book: every version reproducible, browsable and listed.

``evalbook release VERSION`` checks that the tree is clean, every chapter is current (with
the parameters and data it was built with) and the tests pass; then it sets the version in
``_config.yml``, ``pyproject.toml`` and ``CITATION.cff``, records the release in
``book/versions.json`` (:mod:`evalbook.book.records`: date, source commit, the fingerprint of
every input file the chapters were built on, what moved in the results) and regenerates the
"Versies" page from that record, builds the book, keeps its HTML under
``_build/versions/VERSION/``, commits "Release VERSION" and tags ``vVERSION``. A second commit
starts the development after it: version ``VERSION+dev`` and the release commit in the record.
The chapters are not rerun: a release publishes the chapters that were built and tested,
on whatever data they were built on (the record says which).

``evalbook build --release VERSION`` rebuilds a recorded version from its commit (found
through the record, so no tag is needed) in a temporary git worktree, with that version's own
code and its own locked environment, so a lost archive is recovered exactly. ``evalbook
build`` does so for every recorded release whose archive is missing.

The version menu in the book's header reads the ``switcher.json`` at the root of the build it
is part of (:func:`evalbook.book.html.write_switcher`, from the record; URLs relative to that
file), so ``_build/`` can be served as it is: ``make serve`` on localhost (``/html/`` the
working build, ``/versions/X.Y.Z/`` the archives) or a Pages site under any base path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from ..core.errors import EvalbookError, ReleaseError
from ..report import format as fmt
from . import cache, config, html, records
from .records import git, parse

VERSION_LINE = re.compile(r"^version\s*[:=].*$", re.MULTILINE)
VERSION_FILES = {  # where the version is written, and how its line reads
    "_config.yml": "version: {version}",
    "pyproject.toml": 'version = "{version}"',
    "CITATION.cff": "version: {version}",
}
ARCHIVE_STAMP = ".evalbook-release"  # in an archive: the commit it was built from
ENVIRONMENTS = Path("_build") / ".environments"  # locked environments of earlier releases, by lock digest
LOCK_FILES = ("requirements.lock",)


def versions(root: Path) -> dict[str, str]:
    """The version each of ``_config.yml``, ``pyproject.toml`` and ``CITATION.cff`` states."""
    found = {}
    for name in VERSION_FILES:
        match = VERSION_LINE.search((root / name).read_text(encoding="utf-8"))
        found[name] = (
            match.group(0).split("=" if name.endswith(".toml") else ":", 1)[1].strip().strip('"') if match else None
        )
    return found


def set_version(root: Path, version: str, released: str | None = None) -> None:
    """Write ``version`` into the first ``version`` line of ``_config.yml``, ``pyproject.toml``
    and ``CITATION.cff`` (and ``released``, a date, as the citation's ``date-released``);
    comments and layout stay, and nothing is written unless every line is found."""
    texts = {}
    for name, line in VERSION_FILES.items():
        path = root / name
        if not path.is_file():
            raise ReleaseError(f"{name} is missing: the release sets the version in it")
        text, count = VERSION_LINE.subn(line.format(version=version), path.read_text(encoding="utf-8"), count=1)
        if name == "CITATION.cff" and released:
            text, dated = re.subn(r"^date-released:.*$", f'date-released: "{released}"', text, count=1, flags=re.M)
            count = min(count, dated)
        if count != 1:
            raise ReleaseError(f"{name} has no top-level `version` line" + (" or `date-released`" if released else ""))
        texts[path] = text
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")


def built_chapters(root: Path) -> dict[str, dict]:
    """The key metadata of every executed chapter, by label; :class:`ReleaseError` when one is
    missing or was built with another template, configuration, code or environment than
    today's. Its parameters and data are what it records (a rerun on data outside the
    repository included): the release publishes the chapter as built and records that data."""
    found = {}
    for job in config.jobs(config.load(root)):
        recorded = cache.recorded(root / "book" / f"{job.label}.ipynb")
        if recorded is None or "parts" not in recorded:
            raise ReleaseError(f"{job.label} is not built: run `evalbook build` first")
        now = cache.code_parts(job.chapter, root)
        changed = [part for part in cache.CODE_PARTS if recorded["parts"].get(part) != now[part]]
        changed += [f"{name}" for name in _changed_inputs(job, root, recorded["parts"].get("inputs", {}))]
        if changed:
            raise ReleaseError(
                f"{job.label} is not current ({', '.join(changed)} changed since it was built): rebuild it with the "
                "parameters and data it is to be released with, commit, and release again"
            )
        found[job.label] = recorded
    return found


def _changed_inputs(job: config.Job, root: Path, built_on: dict) -> list[str]:
    """The input files of a chapter that differ from those it was built on, where they are at
    hand (data outside this machine's view, "eigen data", is taken as recorded)."""
    notebook = json.loads((root / "book" / f"{job.label}.ipynb").read_text(encoding="utf-8"))
    parameters = notebook["metadata"].get("papermill", {}).get("parameters", {}).get("parameters", job.parameters)
    try:
        now = cache.input_digests(job.chapter, parameters, root)
    except EvalbookError:
        return []
    return sorted(name for name in set(now) | set(built_on) if now.get(name) != built_on.get(name))


def data_fingerprints(chapters: dict[str, dict]) -> dict[str, str | None]:
    """The sha256 of every input file the chapters were built on, as ``<part>/<file>``."""
    data = {}
    for label, recorded in chapters.items():
        part = label.split("/")[0]
        for name, digest in recorded["parts"]["inputs"].items():
            data[f"{part}/{name}"] = digest
    return dict(sorted(data.items()))


def result_changes(root: Path, previous: str | None, limit: int = 12) -> list[str]:
    """Numbers in the chapters' aggregate tables that moved since commit ``previous`` (Dutch
    lines, at most ``limit`` per table), plus tables that appeared or disappeared."""
    if previous is None:
        return ["Eerste versie."]
    before = set(git(root, "ls-tree", "-r", "--name-only", previous, "book").split())
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
        old = pd.read_csv(io.StringIO(git(root, "show", f"{previous}:{table}")))
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


def archive(root: Path, version: str, built: Path, commit: str) -> Path:
    """Copy a built book into ``_build/versions/VERSION`` (stamped with the commit it was built
    from) and refresh the version menus."""
    target = root / "_build" / "versions" / version
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(built, target)
    (target / ARCHIVE_STAMP).write_text(commit + "\n", encoding="utf-8")
    html.write_switcher(root)
    return target


def release(root: Path, version: str, test_command: str, log=print) -> str:
    """Make release ``version``; returns the tag. See the module docstring for the steps."""
    parse(version)
    existing = records.load(root)
    if any(r.version == version for r in existing):
        raise ReleaseError(f"version {version} is already released (see {records.RECORDS})")
    if existing and parse(version) <= parse(existing[-1].version):
        raise ReleaseError(f"version {version} is not newer than the latest release {existing[-1].version}")
    if git(root, "status", "--porcelain"):
        raise ReleaseError("the working tree is not clean: commit or remove your changes first")
    chapters = built_chapters(root)
    log(f"Running the tests: {test_command}")
    if subprocess.run(test_command, shell=True, cwd=root).returncode != 0:
        raise ReleaseError("the tests fail: no release")
    today = dt.date.today().isoformat()
    previous = existing[-1] if existing else None
    record = records.Release(
        version=version,
        date=today,
        source_commit=git(root, "rev-parse", "HEAD"),
        data=data_fingerprints(chapters),
        changes=result_changes(root, records.release_commit(root, previous) if previous else None),
    )
    set_version(root, version, released=today)
    records.save(root, [*existing, record])
    records.write_versions_page(root)
    html.build(root, force=True, log=log)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"Release {version}")
    git(root, "tag", "-a", f"v{version}", "-m", f"Book version {version}")
    commit = git(root, "rev-parse", "HEAD")
    archive(root, version, root / "_build" / "html", commit)
    set_version(root, records.development(version))
    records.save(root, [*existing, dataclasses.replace(record, commit=commit)])
    records.write_versions_page(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"Development after {version}")
    log(f"Released {version}: commit {commit[:12]}, tag v{version}, HTML in _build/versions/{version}/")
    return f"v{version}"


def environment(root: Path, tree: Path, log=print) -> Path:
    """The Python of the locked environment of the checkout ``tree``: this one's when the lock
    files agree, else one made from ``tree``'s lock files (kept in ``_build/.environments``)."""
    digest = hashlib.sha256()
    for name in LOCK_FILES:
        digest.update((tree / name).read_bytes() if (tree / name).is_file() else b"")
    current = hashlib.sha256()
    for name in LOCK_FILES:
        current.update((root / name).read_bytes() if (root / name).is_file() else b"")
    if digest.digest() == current.digest():
        return Path(sys.executable)
    env = root / ENVIRONMENTS / digest.hexdigest()[:16]
    python = env / "bin" / "python"
    if python.is_file() and (env / ".complete").is_file():
        return python
    shutil.rmtree(env, ignore_errors=True)
    log(f"Creating the locked environment of that version in {env.relative_to(root)} ...")
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True, capture_output=True)
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    for name in LOCK_FILES:
        lock = str(tree / name)
        command = (
            [uv, "pip", "install", "--quiet", "--python", str(python), "-r", lock]
            if uv
            else [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", lock]
        )
        proc = subprocess.run(command, capture_output=True, text=True)
        if proc.returncode != 0:
            raise ReleaseError(f"could not install the environment of that version ({name}):\n{proc.stderr[-2000:]}")
    (env / ".complete").touch()
    return python


def rebuild(root: Path, version: str, log=print, html_only: bool = False) -> Path:
    """Rebuild recorded release ``version`` from its commit in a temporary worktree, with its
    own code and locked environment, and archive it; returns the worktree's executed
    ``book/`` (copied aside) for comparison. ``html_only``: build the HTML from the chapters
    as released, without rerunning them."""
    commit = records.release_commit(root, records.find(root, version))
    out = Path(tempfile.mkdtemp(prefix=f"evalbook-{version}-"))
    work = out / "worktree"
    git(root, "worktree", "add", "--detach", str(work), commit)
    try:
        python = environment(root, work, log=log)
        env = os.environ | {"PYTHONPATH": str(work / "src")}  # that version's code, not today's
        log(f"Rebuilding {version} from commit {commit[:12]} in a temporary worktree ...")
        command = [str(python), "-m", "evalbook", "build", *(["--html-only"] if html_only else [])]
        proc = subprocess.run(command, cwd=work, env=env, text=True, capture_output=True)
        if proc.returncode != 0:
            raise ReleaseError(f"rebuilding {version} failed:\n{proc.stdout[-2000:]}{proc.stderr[-4000:]}")
        archive(root, version, work / "_build" / "html", commit)
        shutil.copytree(work / "book", out / "book")
    finally:
        git(root, "worktree", "remove", "--force", str(work), check=False)
    log(f"Rebuilt {version}: HTML in _build/versions/{version}/, executed chapters in {out / 'book'}")
    return out / "book"


def missing_archives(root: Path) -> list[str]:
    """Recorded releases whose archive in ``_build/versions`` is missing or from another commit."""
    missing = []
    for record in records.load(root):
        stamp = root / "_build" / "versions" / record.version / ARCHIVE_STAMP
        if not stamp.is_file() or (record.commit and stamp.read_text(encoding="utf-8").strip() != record.commit):
            missing.append(record.version)
    return missing
