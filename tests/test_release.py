"""Versioned releases, in a throw-away git repository holding the effect-study chapter(s):
two releases are recorded, archived, listed in the switcher and the changelog with what
changed and the data they were built on; the work after them says so; and a recorded release
is rebuilt exactly from its commit in a clone without tags."""

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import copy_repo, evalbook
from evalbook.book import config as chapters
from evalbook.book import records, release
from test_build import outputs

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
GIT_ENV = os.environ | {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def git(repo, *args):
    return subprocess.run([*GIT, *args], cwd=repo, capture_output=True, text=True, check=True).stdout


KEEP = {"wgw": ["effect_study"], "verantwoording": ["audit"]}  # parts and chapters of the reduced book


def pastes(page) -> bool:
    """Whether a Markdown page pastes glued values from another page."""
    return "::" in page.read_text(encoding="utf-8")


REF = re.compile(r"\{ref\}`(?:(?P<text>[^`<]*?)\s*<(?P<target>[^>`]+)>|(?P<label>[^`]+))`")


def unlink_missing_labels(pages: list) -> None:
    """Cross-references of ``pages`` to labels none of them defines become plain text."""
    defined = {m for page in pages for m in re.findall(r"^\((\S+)\)=$", page.read_text(encoding="utf-8"), re.M)}

    def plain(m: re.Match) -> str:
        target = m["target"] or m["label"]
        return m.group(0) if target in defined else (m["text"] or target)

    for page in pages:
        page.write_text(REF.sub(plain, page.read_text(encoding="utf-8")), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """The repository reduced (in book.yml) to the WGW effect study and the audit (the methods
    page links the audit), their chapters and the hand-written pages, committed in a fresh git
    repository."""
    work = copy_repo(tmp_path_factory.mktemp("release") / "repo")
    book = yaml.safe_load((work / "book.yml").read_text(encoding="utf-8"))
    book["parts"] = [
        part | {"chapters": [c for c in part["chapters"] if c.get("template") in KEEP[part["key"]] or "page" in c]}
        for part in book["parts"]
        if part["key"] in KEEP
    ]
    # the landing and data pages are kept (chapters link them) but no longer paste from removed
    # chapters; other pages that paste results (a part's key findings) go with their chapters
    (work / "book" / "intro.md").write_text("# Evaluaties\n\nEen verkleind boek voor de test van releases.\n")
    (work / "book" / "data.md").write_text("# Downloadbare gegevens\n\nDe tabellen staan bij elk hoofdstuk.\n")
    for part in book["parts"]:
        part["chapters"] = [c for c in part["chapters"] if "page" not in c or not pastes(work / f"{c['page']}.md")]
    (work / "book.yml").write_text(yaml.safe_dump(book, sort_keys=False, allow_unicode=True), encoding="utf-8")
    kept = [work / f"{c['page']}.md" for part in book["parts"] for c in part["chapters"] if "page" in c]
    unlink_missing_labels([work / "book" / "intro.md", work / "book" / "data.md", *kept])
    labels = [job.label for job in chapters.jobs(chapters.load(work))]
    for notebook in (work / "book").glob("*/*.ipynb"):
        if f"{notebook.parent.name}/{notebook.stem}" not in labels:
            notebook.unlink()
    assert evalbook(work, "toc").returncode == 0
    records.save(work, [])  # a history of its own: no earlier releases
    records.write_versions_page(work)
    built = evalbook(work, "build", "--no-html")  # the chapters follow the reduced book.yml
    assert built.returncode == 0, built.stdout + built.stderr
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "start")
    return work


def release_cmd(repo, version, test_command="true"):
    return evalbook(repo, "release", version, "--test-command", test_command, env=GIT_ENV)


@pytest.fixture(scope="module")
def two_releases(repo):
    first = release_cmd(repo, "0.2.0")
    assert first.returncode == 0, first.stdout + first.stderr
    # a new extract: 30 fewer persons in the WGW programme group. Put into the repository's data,
    # it makes the chapter stale: a release refuses it until the chapter is rebuilt on it
    csv = repo / "data" / "synthetic" / "wgw" / "register.csv"
    register = pd.read_csv(csv, dtype=str, keep_default_na=False)
    smaller = register.drop(register.index[register["group"] == "programme"][:30])
    smaller.to_csv(csv, index=False)
    git(repo, "commit", "-q", "-am", "new extract")
    stale = release_cmd(repo, "0.3.0")
    assert stale.returncode == 1 and "wgw/effect_study is not current (register.csv changed" in stale.stderr
    git(repo, "revert", "--no-edit", "HEAD")
    # kept outside the repository, as real data is: the chapter is rerun on it and released as built
    extract = repo.parent / "extract"
    shutil.copytree(repo / "data" / "synthetic" / "wgw", extract / "wgw")
    smaller.to_csv(extract / "wgw" / "register.csv", index=False)
    rerun = evalbook(
        repo, "build", "--no-html", "--programme", "wgw", "--chapter", "effect_study", "--data-dir", str(extract)
    )
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    git(repo, "commit", "-q", "-am", "chapter on the new extract")
    built_on = (repo / "book" / "wgw" / "effect_study.ipynb").read_bytes()
    second = release_cmd(repo, "0.3.0")
    assert second.returncode == 0, second.stdout + second.stderr
    # the release published the chapter as built on the extract: not rerun on the embedded data
    assert git(repo, "show", "v0.3.0:book/wgw/effect_study.ipynb") == built_on.decode()
    return repo


def test_releases_are_recorded_tagged_archived_and_followed_by_development(two_releases):
    repo = two_releases
    assert git(repo, "tag", "--list").split() == ["v0.2.0", "v0.3.0"]
    assert set(release.versions(repo).values()) == {"0.3.0+dev"}  # the three files agree
    log = git(repo, "log", "--format=%s", "-5").splitlines()
    assert log[:2] == ["Development after 0.3.0", "Release 0.3.0"]
    recorded = records.load(repo)
    assert [r.version for r in recorded] == ["0.2.0", "0.3.0"]
    for record in recorded:
        assert record.commit == git(repo, "rev-list", "-n", "1", f"v{record.version}").strip()
        page = (repo / "_build" / "versions" / record.version / "book" / "wgw" / "effect_study.html").read_text()
        assert f'data-version="{record.version}"' in page  # the archived book names its version
        assert (repo / "_build" / "versions" / record.version / release.ARCHIVE_STAMP).read_text().strip() == (
            record.commit
        )
    # the data each release was built on: 0.3.0 on the extract outside the repository
    first, second = (r.data for r in recorded)
    assert (
        second["wgw/register.csv"]
        == hashlib.sha256((repo.parent / "extract" / "wgw" / "register.csv").read_bytes()).hexdigest()
    )
    assert (
        first["wgw/register.csv"]
        == hashlib.sha256((repo / "data" / "synthetic" / "wgw" / "register.csv").read_bytes()).hexdigest()
    )
    assert first["wgw/pool.csv"] == second["wgw/pool.csv"]
    assert git(repo, "status", "--porcelain") == ""


def test_the_work_after_a_release_says_it_is_development(two_releases):
    repo = two_releases
    proc = evalbook(repo, "build", "--html-only")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (repo / "_build" / "html" / "book" / "wgw" / "effect_study.html").read_text()
    assert 'data-version="in ontwikkeling (na 0.3.0)"' in page


def test_changelog_lists_both_versions_with_what_changed(two_releases):
    text = (two_releases / "book" / "versions.md").read_text()
    assert text == records.versions_page(two_releases)  # generated from the record
    assert text.index("## Versie 0.3.0") < text.index("## Versie 0.2.0")
    assert "Eerste versie." in text
    assert "`wgw/effect_study`: outflow, n_programme: 300 → 270" in text
    page = (two_releases / "_build" / "versions" / "0.3.0" / "book" / "versions.html").read_text()
    assert "Versie 0.2.0" in page and "Versie 0.3.0" in page


def test_switcher_lists_the_versions_newest_preferred(two_releases):
    entries = json.loads((two_releases / "_build" / "versions" / "switcher.json").read_text())
    assert [e["version"] for e in entries] == ["0.3.0", "0.2.0", "dev"]
    assert entries[0].get("preferred") is True and "preferred" not in entries[1]


def test_both_versions_are_browsable_through_the_switcher(two_releases):
    pytest.importorskip("playwright")
    from test_browser import ARGS, CHROMIUM

    if CHROMIUM is None:
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(two_releases / "_build"))
    handler.log_message = lambda *a: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(f"{base}/versions/0.3.0/book/wgw/effect_study.html", wait_until="networkidle")
            page.locator(".evalbook-versions summary").click()
            items = page.locator(".evalbook-versions__menu a")
            items.first.wait_for(state="attached")
            names = items.all_inner_texts()
            assert any("0.3.0" in n for n in names) and any("0.2.0" in n for n in names)
            older = next(i for i in range(items.count()) if "0.2.0" in names[i])
            page.goto(base + items.nth(older).get_attribute("href"), wait_until="load")
            assert page.url.endswith("/versions/0.2.0/index.html") or "/versions/0.2.0/" in page.url
            browser.close()
    finally:
        server.shutdown()


def test_no_test_pins_the_book_version(root):
    """After a release the version changes; a test that names today's version would then fail."""
    version = (root / "_config.yml").read_text(encoding="utf-8").split("\nversion:", 1)[1].split()[0]
    pinned = [
        p.name
        for p in (root / "tests").glob("*.py")
        if f'"{version}"' in p.read_text(encoding="utf-8")
        or f"'{version}'" in p.read_text(encoding="utf-8")
        or f" {version} " in p.read_text(encoding="utf-8")
    ]
    assert pinned == [], f"tests that name the book version {version}: {pinned}"


def test_a_release_is_refused_when_dirty_failing_or_not_newer(two_releases):
    repo = two_releases
    assert "not newer" in release_cmd(repo, "0.0.1").stderr
    assert "already released" in release_cmd(repo, "0.3.0").stderr
    assert "not newer" in release_cmd(repo, "0.3.0+dev").stderr or "not a semantic version" in (
        release_cmd(repo, "0.3.0+dev").stderr
    )
    assert "tests fail" in release_cmd(repo, "0.4.0", test_command="false").stderr
    (repo / "book" / "intro.md").write_text("changed\n")
    try:
        assert "not clean" in release_cmd(repo, "0.4.0").stderr
    finally:
        git(repo, "checkout", "--", "book/intro.md")
    assert git(repo, "tag", "--list").split() == ["v0.2.0", "v0.3.0"]


def test_a_recorded_release_is_rebuilt_exactly_in_a_clone_without_tags(two_releases, tmp_path):
    """A mirror of the main branch carries no tags: the record alone finds the release's commit,
    and the rebuild reruns its chapters with its own code and data."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-tags", "--single-branch", str(two_releases), str(clone)], check=True)
    assert git(clone, "tag", "--list") == ""
    proc = evalbook(clone, "build", "--version", "0.2.0")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    archive = clone / "_build" / "versions"
    assert (archive / "0.2.0" / "index.html").is_file()
    assert [e["version"] for e in json.loads((archive / "switcher.json").read_text())] == ["0.3.0", "0.2.0", "dev"]
    book = Path(proc.stdout.split("executed chapters in ")[1].strip())
    rebuilt = sorted(book.glob("*/*.ipynb"))
    assert len(rebuilt) == 2
    commit = records.find(clone, "0.2.0").commit
    for notebook in rebuilt:
        relative = f"book/{notebook.parent.name}/{notebook.name}"
        at_release = tmp_path / notebook.name
        at_release.write_text(git(clone, "show", f"{commit}:{relative}"))
        assert outputs(notebook) == outputs(at_release), relative
    table = pd.read_csv(book / "wgw" / "tables" / "effect_study.csv")
    assert table.loc[table["outcome"] == "outflow", "n_programme"].item() == 300  # not today's 270
