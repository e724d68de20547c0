"""The release records: every released version of the book, recorded in the tree.

``book/versions.json`` (beside the "Versies" page) lists each release: its version, date, the
commit it was released from, the fingerprints (sha256) of every input file its chapters were
built on, and what moved in the results since the version before. The record travels with
the repository, so a clone without tags (a mirror, a fork, a CI checkout) still knows every
release and can rebuild it (:func:`release_commit`); tags are a convenience. The version menu
and the "Versies" page are both generated from it (:func:`versions_page`), so they never
disagree.

The commit of a release is written into its record by the commit that starts development
after it (a commit cannot name itself); until then the release commit is found as the commit
that added the record, or by its tag.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..core.errors import ReleaseError

RECORDS = Path("book") / "versions.json"
VERSIONS_PAGE = Path("book") / "versions.md"
MARKER = "<!-- releases: newest first, generated from book/versions.json by `evalbook release` -->"
SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
DEVELOPMENT = "+dev"  # the version of work after a release: "0.1.0+dev"


@dataclass(frozen=True)
class Release:
    """One released version."""

    version: str
    date: str
    source_commit: str  # the commit whose code and data the release was made from
    commit: str | None = None  # the release commit itself, once a later commit has recorded it
    data: dict[str, str | None] = field(default_factory=dict)  # "<part>/<file>" -> sha256 (None: absent)
    changes: list[str] = field(default_factory=list)  # Dutch lines: what moved in the results


def parse(version: str) -> tuple[int, int, int]:
    """``MAJOR.MINOR.PATCH`` as numbers; :class:`ReleaseError` for anything else."""
    match = SEMVER.match(version)
    if not match:
        raise ReleaseError(f"{version!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0)")
    return tuple(int(x) for x in match.groups())


def load(root: Path) -> list[Release]:
    """Every recorded release, oldest first (none when the book has no record yet)."""
    path = root / RECORDS
    if not path.is_file():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["releases"]
        releases = [Release(**entry) for entry in entries]
    except (ValueError, KeyError, TypeError) as exc:
        raise ReleaseError(f"{RECORDS} is not a valid release record: {exc}") from exc
    for release in releases:
        parse(release.version)
    return sorted(releases, key=lambda r: parse(r.version))


def save(root: Path, releases: list[Release]) -> None:
    ordered = sorted(releases, key=lambda r: parse(r.version))
    text = json.dumps({"releases": [asdict(r) for r in ordered]}, indent=2, ensure_ascii=False) + "\n"
    (root / RECORDS).write_text(text, encoding="utf-8")


def find(root: Path, version: str) -> Release:
    """The record of ``version``; :class:`ReleaseError` naming the recorded ones otherwise."""
    parse(version)
    releases = load(root)
    for release in releases:
        if release.version == version:
            return release
    known = ", ".join(r.version for r in releases) or "none"
    raise ReleaseError(f"no release {version} in {RECORDS} (recorded releases: {known})")


def development(version: str) -> str:
    """The version of the work after release ``version``."""
    return f"{version}{DEVELOPMENT}"


def released_from(version: str) -> str | None:
    """The release a development version builds on (``0.1.0+dev`` -> ``0.1.0``), None for a
    release itself."""
    return version.removesuffix(DEVELOPMENT) if version.endswith(DEVELOPMENT) else None


def label(version: str) -> str:
    """How the book names ``version`` to a reader (Dutch): a release as it is, the work after
    one as in development after it."""
    base = released_from(version)
    return f"in ontwikkeling (na {base})" if base else version


def git(root: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout.strip()


def release_commit(root: Path, release: Release) -> str:
    """The commit holding release ``release`` as it was released: the recorded commit, else
    the commit that added its record, else its tag. :class:`ReleaseError` when the history at
    hand does not hold it (a shallow clone: fetch the history with ``git fetch --unshallow``)."""
    candidates = [release.commit] if release.commit else []
    added = git(
        root,
        "log",
        "--format=%H",
        "--reverse",
        "-S",
        f'"version": "{release.version}"',
        "--",
        str(RECORDS),
        check=False,
    )
    candidates += added.split()[:1]
    candidates.append(f"v{release.version}")
    for candidate in candidates:
        commit = git(root, "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}", check=False)
        if commit:
            return commit
    raise ReleaseError(
        f"the commit of release {release.version} is not in this clone's history "
        f"(recorded: {release.commit or 'not yet'}); a shallow clone needs `git fetch --unshallow`"
    )


def entry(release: Release) -> str:
    """The Versies page's section of one release (Dutch)."""
    rows = [f"| datum | {release.date} |", f"| gemaakt vanaf commit | `{release.source_commit[:12]}` |"]
    if release.commit:
        rows.append(f"| vastgelegd in commit | `{release.commit[:12]}` |")
    for name, digest in sorted(release.data.items()):
        rows.append(f"| data `{name}` (sha256) | {f'`{digest[:16]}`' if digest else 'niet aanwezig'} |")
    body = "\n".join(f"- {line}" for line in release.changes or ["Geen wijzigingen vastgelegd."])
    return (
        f"## Versie {release.version}\n\n| | |\n|---|---|\n"
        + "\n".join(rows)
        + f"\n\nWat veranderde in de resultaten sinds de vorige versie:\n\n{body}\n"
    )


def versions_page(root: Path) -> str:
    """The "Versies" page with one section per recorded release, newest first: its
    hand-written introduction (everything up to the marker line) stays as it is."""
    text = (root / VERSIONS_PAGE).read_text(encoding="utf-8")
    if MARKER not in text:
        raise ReleaseError(f"{VERSIONS_PAGE} lacks the marker line {MARKER!r}")
    head = text.split(MARKER, 1)[0]
    sections = [entry(r) for r in reversed(load(root))]
    return head + MARKER + "\n" + "".join(f"\n{section}" for section in sections)


def write_versions_page(root: Path) -> None:
    (root / VERSIONS_PAGE).write_text(versions_page(root), encoding="utf-8")
