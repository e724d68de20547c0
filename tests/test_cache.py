"""The content-addressed chapter cache: a chapter reruns only when what it depends on changed,
and the build says why; the committed chapters are current."""

import json

import pytest

from conftest import ROOT, copy_repo, evalbook
from evalbook.book import cache, config, execute


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return copy_repo(tmp_path_factory.mktemp("cache") / "repo")


def test_the_committed_chapters_are_current():
    """Every executed chapter carries the key of its template, parameters, inputs, code and
    environment as they are now (else nbval would compare stale outputs)."""
    book = config.load(ROOT)
    stale = {}
    for job in config.jobs(book):
        reason = cache.why_stale(
            cache.chapter_key(job.chapter, job.parameters, ROOT), cache.recorded(ROOT / "book" / f"{job.label}.ipynb")
        )
        if reason:
            stale[job.label] = reason
    assert stale == {}, f"rebuild with `make book` and commit book/: {stale}"


def test_the_key_is_in_the_chapter_and_its_provenance_box():
    notebook = json.loads((ROOT / "book" / "wgw" / "effect_study.ipynb").read_text(encoding="utf-8"))
    key = notebook["metadata"]["evalbook"]["key"]
    assert len(key) == 64 and key[:16] in json.dumps(notebook["cells"])


def test_a_build_reruns_only_what_changed_and_says_why(work):
    proc = evalbook(work, "build", "--no-html")
    assert proc.returncode == 0, proc.stderr
    assert "0 chapter(s) run, 12 up to date" in proc.stdout

    nps = work / "data" / "synthetic" / "wwatwork" / "survey_nps.csv"
    nps.write_text("".join(nps.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    proc = evalbook(work, "build", "--no-html")
    assert proc.returncode == 0, proc.stderr
    assert "1 chapter(s) run, 11 up to date" in proc.stdout
    assert "wwatwork/client_survey" in proc.stdout and "survey_nps.csv changed" in proc.stdout
    timings = json.loads((work / "_build" / execute.TIMINGS).read_text(encoding="utf-8"))
    assert list(timings) == ["wwatwork/client_survey"] and timings["wwatwork/client_survey"] > 0

    page = work / "book" / "methods.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    proc = evalbook(work, "build", "--no-html")
    assert "0 chapter(s) run, 12 up to date" in proc.stdout


def test_chapters_are_scheduled_longest_first_and_new_ones_before_all():
    jobs = config.jobs(config.load(ROOT))[:4]
    timings = {jobs[0].label: 2.0, jobs[1].label: 9.5, jobs[3].label: 4.0}  # jobs[2] never ran
    todo = [(job, None, "forced") for job in jobs]
    assert [job for job, _, _ in execute.longest_first(todo, timings)] == [jobs[2], jobs[1], jobs[3], jobs[0]]


def test_why_stale_names_the_changed_parts():
    parts = {
        "template": "a",
        "parameters": "b",
        "configuration": "c",
        "inputs": {"register.csv": "d"},
        "code": "e",
        "environment": "f",
    }
    old = {"key": "old", "parts": parts}
    assert cache.why_stale(cache.Key("old", parts), old) is None
    new = parts | {"inputs": {"register.csv": "x"}, "code": "y"}
    assert cache.why_stale(cache.Key("new", new), old) == "register.csv changed, package code changed"
    assert cache.why_stale(cache.Key("new", parts), None) == "not built yet"
