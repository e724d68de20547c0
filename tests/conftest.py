"""Shared fixtures and helpers: the repository root, a copy of it, a running chapter (with a
test's own input frames), the effect study as its chapter computes it, and small hand-made
registers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from filelock import FileLock

from evalbook.book.chapter import Chapter
from evalbook.chapters import effect_study as effect_chapter

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", "__pycache__", ".hypothesis")


def copy_repo(dest: Path) -> Path:
    """The repository without environment, build products and git: where a build may write."""
    shutil.copytree(ROOT, dest, ignore=SKIP)
    return dest


def chapter(part: str, template: str, parameters: dict | None = None, **frames) -> Chapter:
    """The running chapter ``template`` of ``part``, its inputs read as the build reads them,
    with the input frames named in ``frames`` replaced by a test's own (None: a missing
    optional input). Pass it to the chapter's run function (:mod:`evalbook.chapters`)."""
    running = Chapter(template, part, parameters or {}, table_dir=str(ROOT / "_build" / "test-tables"))
    running._inputs.frames.update(frames)
    return running


def effect_study(part: str, parameters: dict | None = None, **frames):
    """The effect study of ``part`` as its chapter computes it, before the gate: the study and
    the chapter's disclosure rules."""
    running = chapter(part, "effect_study", parameters, **frames)
    return effect_chapter.analyse(running), running.rules


def evalbook(workdir: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "evalbook", *args], cwd=workdir, capture_output=True, text=True, timeout=900, env=env
    )


def throwaway_clone(dest: Path) -> Path:
    """A clone of this repository as it travels (``--no-tags --single-branch``: its history,
    no tags), with the working tree's uncommitted changes on top (none on CI)."""
    subprocess.run(["git", "clone", "--quiet", "--no-tags", "--single-branch", str(ROOT), str(dest)], check=True)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--modified", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source, target = ROOT / name, dest / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        else:
            target.unlink(missing_ok=True)
    return dest


def publish_build_steps() -> list[str]:
    """The commands of the publish workflow's build job (not the upload)."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    return [step["run"] for step in workflow["jobs"]["build"]["steps"] if "run" in step]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The book as the publish workflow builds it: its build steps (``make book``: a fresh
    environment, the chapters, the HTML, the PDFs and every recorded release) in a throw-away
    clone without tags. The build, browser, PDF and download tests share it: built once per
    test run, by the first of ``make test``'s workers that needs it (the others wait), and
    never changed in place (a test that changes the book copies it)."""
    # the same for every worker of one run (under pytest-xdist each worker has a directory of
    # its own in the run's); never one of an earlier run
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    work, output = shared / "built-book" / "repo", shared / "built-book" / "output.txt"
    with FileLock(str(shared / "built-book.lock")):
        if not output.is_file():
            _build_as_published(work, output)
    text = output.read_text(encoding="utf-8")
    assert text.startswith("ok\n"), text
    return work, subprocess.CompletedProcess([], 0, text.removeprefix("ok\n"), "")


# What a test that changes the built book never rebuilds from: the clone's environments (a
# chapter runs in this run's own), its git history and the archived releases.
BUILT_SKIP = shutil.ignore_patterns(".venv", ".environments", ".git", "versions")


def copy_built(built, dest: Path) -> Path:
    """A copy of the shared built book (the ``built`` fixture) at ``dest``, for a test that
    changes it: its sources, chapters and build state, without BUILT_SKIP (the clone's
    environment alone is over a gigabyte)."""
    shutil.copytree(built[0], dest, symlinks=True, ignore=BUILT_SKIP)
    return dest


def _build_as_published(work: Path, output: Path) -> None:
    """Run the publish workflow's build steps in a fresh clone at ``work``; ``output`` gets
    "ok" or "failed" and what the steps printed (also kept where CI uploads it on failure)."""
    throwaway_clone(work)
    log = ROOT / "_build" / "test-artifacts" / "build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    printed = []
    for command in publish_build_steps():
        proc = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", command], cwd=work, capture_output=True, text=True, timeout=1800
        )
        printed.append(proc.stdout + proc.stderr)
        log.write_text("".join(printed), encoding="utf-8")
        if proc.returncode != 0:
            output.write_text(f"failed\n{command}:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}", encoding="utf-8")
            return
    output.write_text("ok\n" + "".join(printed), encoding="utf-8")


@pytest.fixture
def root() -> Path:
    return ROOT


REGISTER_HEADER = (
    "person_id,group,target_group,sex,age,education,benefit_months,start_date,end_date,"
    "outflow_date,outflow_reason,returned_date,parttime_months,contacts_total,"
    "contacts_selected,no_show,handover"
)

# Four persons whose outcomes are known by hand (follow-up 12 months from 2017-09-01):
#  P1 programme: to work on 2018-01-15, back on benefit 2018-05-01, 2 part-time months
#  P2 programme: other outflow on 2018-10-01 -> outside a 12-month window (ends 2018-09-01)
#  P3 control:  to work 2018-03-01, no return, handed over to Matching
#  P4 control:  nothing happens, no-show
REGISTER_ROWS = [
    "P1,programme,,female,30,low,12,2017-09-01,2018-10-31,2018-01-15,work,2018-05-01,2,10,3,false,",
    "P2,programme,,male,45,middle,40,2017-09-01,2018-10-31,2018-10-01,other,,0,20,5,false,mo",
    "P3,control,,female,50,high,5,2017-09-01,2018-10-31,2018-03-01,work,,0,7,2,false,matching",
    "P4,control,,male,23,unknown,80,2017-09-01,2018-10-31,,,,0,3,0,true,",
]


def write_register(path: Path, rows=None, header: str = REGISTER_HEADER, sep: str = ",") -> Path:
    lines = [header, *(REGISTER_ROWS if rows is None else rows)]
    path.write_text("\n".join(line.replace(",", sep) for line in lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def register_file(tmp_path) -> Path:
    return write_register(tmp_path / "register.csv")


def seed_text(name: str) -> str:
    """A source report with runs of white space collapsed (quotes are checked against it)."""
    return " ".join((ROOT / "data" / "sources" / name).read_text(encoding="utf-8").split())


@pytest.fixture
def frame_of():
    return lambda rows: pd.DataFrame(rows)


# The fast tier (`make check`, and first in `make test`): unit, contract, statistics and
# disclosure-engine tests that need no build, no browser and no chapter run; well under a
# minute. Everything else — modules not listed here, tests marked `slow` in them, and nbval's
# items (the executed chapters) — is the slow tier, which `make test` runs after it.
FAST_MODULES = {
    "test_adjusted",
    "test_architecture",
    "test_attacker",
    "test_compare",
    "test_competing_risks",
    "test_context",
    "test_contracts",
    "test_figures",
    "test_formatting",
    "test_glitches",
    "test_intervals",
    "test_linked",
    "test_literature",
    "test_matching",
    "test_notebooks",
    "test_nps",
    "test_outcomes",
    "test_output_rules",
    "test_power",
    "test_privacy",
    "test_properties",
    "test_published",
    "test_sensitivity",
    "test_stratified",
    "test_survival",
    "test_synthetic",
    "test_verdicts",
    "test_wwatwork",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = getattr(item, "module", None)
        if module is None or module.__name__ not in FAST_MODULES:
            item.add_marker(pytest.mark.slow)
