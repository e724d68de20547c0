"""The benchmark (``make bench``): how the build, the set-up and the effect study scale, as ratios.

Everything runs in a throw-away copy or clone of the repository, so ``book/`` and ``_build/``
are untouched. Printed:

* the book build: forced (every chapter, longest first, then the HTML and PDFs from scratch;
  and the first forced build of the copy, which runs the chapters in book order), no-op
  (nothing changed), one data file changed (``wwatwork/survey_nps.csv``: one chapter reruns)
  and one Markdown page changed (no chapter reruns, the HTML is rebuilt), and Jupyter Book
  executing the same notebooks itself — each as wall time and as a ratio to the forced build;
* the set-up (skipped with ``--quick``): ``make book`` in a fresh clone with empty package
  caches, the fast tier (``make check``) and ``make test`` with its set-up in a fresh clone —
  each as a ratio to the same forced build;
* the WGW effect study on the embedded register and pool, and on 100× and 500× copies of
  them (:func:`synthetic.scale.scale`), with wall time, the ratio to the embedded run and the
  peak memory of the chapter's processes;
* the disclosure gate with many groups: Route 3's effect study with its target groups split
  into 10, 20 and 40 (:func:`synthetic.scale.split_groups`), the client survey by 30 teams
  (:func:`synthetic.scale.split_teams`) and WGW's telephone survey by 30 teams (its
  respondents dealt out, :func:`synthetic.scale.split_survey_teams`), each as ratios to its
  embedded chapter in the same round, over two rounds, and the reference attacker over the
  40 target groups.

Times are wall-clock (``time.perf_counter``) on this machine: compare ratios, not seconds.
Peak memory is the largest resident set of the finished child processes (``getrusage``).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from evalbook.book.chapter import Chapter
from evalbook.book.html import HTML_STAMP, SPHINX_DIR
from evalbook.book.pdf import CACHE_DIR as PDF_CACHE
from evalbook.chapters import effect_study
from evalbook.core import contract, paths
from evalbook.core.io import write_csv
from evalbook.disclosure import attacker, linked
from evalbook.disclosure import effect as effect_gate
from evalbook.disclosure.policy import Rules
from evalbook.schemas.register import POOL, REGISTER
from evalbook.schemas.survey import NPS_RESPONSES, SURVEY

from .scale import scale, split_groups, split_survey_teams, split_teams

SKIP = shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", "__pycache__", ".hypothesis")
FACTORS = (100, 500)


def _evalbook(work: Path, *args: str) -> tuple[float, float]:
    """Run ``evalbook`` in ``work``; returns wall seconds and the peak RSS (GB) of its process tree."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "evalbook", *args], cwd=work, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"evalbook {' '.join(args)} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return seconds, _peak_gb()


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2  # kB on Linux


def _timed(command: list[str], cwd: Path, env: dict | None = None) -> float:
    """Wall seconds of ``command``; stops the benchmark when it fails."""
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return time.perf_counter() - start


def jupyter_book_execution(work: Path) -> float:
    """Wall time of Jupyter Book executing the executed chapters itself (execution forced)."""
    copy = work.parent / "jupyter-book"
    shutil.copytree(work, copy, ignore=SKIP)
    config = copy / "_config.yml"
    text = config.read_text(encoding="utf-8").replace('execute_notebooks: "off"', "execute_notebooks: force")
    config.write_text(text, encoding="utf-8")
    jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
    return _timed([jupyter_book, "build", str(copy), "--path-output", str(copy / "_jb"), "--builder", "html"], copy)


def setup_ratios(tmp: Path) -> list[tuple[str, float]]:
    """Wall times of the README's commands in fresh clones of the committed repository: ``make
    book`` with empty package caches, then the fast tier, then ``make test`` with its set-up."""
    caches = {"UV_CACHE_DIR": str(tmp / "uv-cache"), "PIP_CACHE_DIR": str(tmp / "pip-cache")}
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")} | caches
    rows = []
    for name, targets in (("book", ["book"]), ("test", ["test"])):
        clone = tmp / f"clone-{name}"
        subprocess.run(["git", "clone", "-q", "--no-tags", str(paths.repo_root()), str(clone)], check=True)
        rows.append(
            (
                f"fresh clone: make {name}" + (" (empty package caches)" if name == "book" else ""),
                _timed(["make", *targets], clone, env),
            )
        )
        if name == "book":
            _timed(["make", "test-env"], clone, env)
            rows.append(("fast tier (make check)", _timed(["make", "check"], clone, env)))
    return rows


def build_ratios(work: Path) -> list[tuple[str, float]]:
    """Wall times of the kinds of book build in ``work``. The forced build that the others are
    compared with is a rebuild: every chapter runs again, longest first by the seconds of the
    build before (the first one in a fresh copy runs them in book order, and is shown too), and
    the HTML and PDFs are made from scratch, as Jupyter Book makes them."""
    first, _ = _evalbook(work, "build", "--force")
    for made in (work / "_build" / name for name in (HTML_STAMP, SPHINX_DIR, PDF_CACHE, "html")):
        if made.is_dir():
            shutil.rmtree(made)
        else:
            made.unlink(missing_ok=True)
    forced, _ = _evalbook(work, "build", "--force")
    noop, _ = _evalbook(work, "build")
    nps = work / "data" / "synthetic" / "wwatwork" / "survey_nps.csv"
    lines = nps.read_text(encoding="utf-8").splitlines(keepends=True)
    nps.write_text("".join(lines[:-1]), encoding="utf-8")  # one respondent fewer
    one_input, _ = _evalbook(work, "build")
    page = work / "book" / "methods.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    html_only, _ = _evalbook(work, "build")
    return [
        ("forced (all chapters + HTML + PDFs)", forced),
        ("  the first forced build (chapters in book order)", first),
        ("no-op", noop),
        ("one data file changed", one_input),
        ("one Markdown page changed (HTML only)", html_only),
        ("Jupyter Book executing the same notebooks", jupyter_book_execution(work)),
    ]


def scaled_effect_study(work: Path, factors=FACTORS) -> list[tuple[str, float, float]]:
    """Wall time and peak memory of the WGW effect-study chapter on ``factors`` × the data."""
    register = contract.read(work / "data" / "synthetic" / "wgw" / "register.csv", REGISTER)
    pool = contract.read(work / "data" / "synthetic" / "wgw" / "pool.csv", POOL)
    rows = []
    for factor in (1, *factors):
        data = work / "scaled" / str(factor)
        big_register, big_pool = scale(register, pool, factor, seed=factor)
        write_csv(big_register, data / "wgw" / "register.csv")
        write_csv(big_pool, data / "wgw" / "pool.csv")
        seconds, peak = _evalbook_isolated(work, data)
        rows.append((f"{factor}× ({len(big_register):,} persons, {len(big_pool):,} in the pool)", seconds, peak))
    return rows


def _evalbook_isolated(
    work: Path, data: Path, programme: str = "wgw", chapter: str = "effect_study", *options: str
) -> tuple[float, float]:
    """One chapter on ``data`` in a process of its own, so its peak memory is its own."""
    command = ["build", "--force", "--no-html", "--programme", programme, "--chapter", chapter]
    command += ["--data-dir", str(data), *options]
    code = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        f"p = subprocess.run([sys.executable, '-m', 'evalbook', *{command!r}], capture_output=True, text=True); "
        "s = time.perf_counter() - t; "
        "print(p.returncode, s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "sys.stderr.write(p.stderr[-3000:])"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True, text=True)
    returncode, seconds, kilobytes = proc.stdout.split()
    if returncode != "0":
        raise SystemExit(f"{programme}/{chapter} on {data} failed:\n{proc.stderr}")
    return float(seconds), int(kilobytes) / 1024**2


# -- The disclosure gate at a city's size: many target groups, many teams ------------------------

SPLITS = (10, 20, 40)  # Route 3's four target groups split into this many (synthetic.scale.split_groups)
TEAMS = 30  # the surveys' respondents dealt out over this many teams (synthetic.scale.split_teams, split_survey_teams)


def gate_at_scale(work: Path, repeat: int = 2, attack: bool = True) -> list[tuple[str, list[float], float]]:
    """Route 3's effect study with its target groups split into :data:`SPLITS`, the client
    survey (NPS) and WGW's telephone survey by :data:`TEAMS` teams, each chapter timed against
    its embedded run in the same round (``repeat`` rounds): per case its label, the ratios and
    the peak memory. With ``attack``, the reference attacker also checks every primary cell of the largest split."""
    data = work / "data" / "synthetic"
    pool = contract.read(data / "route3" / "pool.csv", POOL)
    cases = {"route3": [("Route 3 effect study, embedded (4 target groups)", data)]}
    for groups in SPLITS:
        register, split = split_groups(pool, groups, seed=groups)
        folder = work / "split" / str(groups)
        write_csv(register, folder / "route3" / "register.csv")
        write_csv(split, folder / "route3" / "pool.csv")
        sizes = register["target_group"].value_counts()
        cases["route3"].append((f"  {groups} target groups of {sizes.min()}-{sizes.max()} persons", folder))
    responses = contract.read(data / "wwatwork" / "survey_nps.csv", NPS_RESPONSES)
    write_csv(split_teams(responses, TEAMS, seed=TEAMS), work / "teams" / "wwatwork" / "survey_nps.csv")
    cases["wwatwork"] = [
        ("client survey (NPS), embedded (2 regions)", data),
        (f"  client survey by {TEAMS} teams", work / "teams"),
    ]
    survey = contract.read(data / "wgw" / "survey.csv", SURVEY)
    write_csv(split_survey_teams(survey, TEAMS, seed=TEAMS), work / "teams" / "wgw" / "survey.csv")
    shutil.copy(data / "wgw" / "codebook.csv", work / "teams" / "wgw" / "codebook.csv")
    shutil.copy(data / "assumptions.csv", work / "teams" / "assumptions.csv")  # the same assumed respondents
    cases["wgw"] = [
        ("WGW telephone survey, embedded (no teams)", data),
        (f"  telephone survey by {TEAMS} teams", work / "teams"),  # labels are keys: one per case
    ]
    chapters = {
        "route3": ("effect_study", "-p", "target_groups", ""),
        "wwatwork": ("client_survey",),
        "wgw": ("phone_survey",),
    }
    rows = {label: ([], 0.0) for group in cases.values() for label, _ in group}
    for _ in range(repeat):
        for programme, group in cases.items():
            base = None
            for label, folder in group:
                seconds, peak = _evalbook_isolated(work, folder, programme, *chapters[programme])
                base = base or seconds
                ratios, highest = rows[label]
                rows[label] = ([*ratios, seconds / base], max(highest, peak))
    if attack:
        leaks = _attack(work / "split" / str(SPLITS[-1]))
        print(f"Reference attacker on the {SPLITS[-1]} target groups: {leaks} primary cells narrowed below the minimum")
    return [(label, ratios, peak) for label, (ratios, peak) in rows.items()]


def _attack(folder: Path) -> int:
    """How many primary cells of Route 3's effect study on ``folder`` the reference attacker
    (:func:`evalbook.disclosure.attacker.intervals`, whole numbers) narrows below the minimum."""
    chapter = Chapter("effect_study", "route3", {"data_dir": str(folder), "target_groups": []})
    study, p = effect_study.analyse(chapter), chapter.parameters
    rules, found = Rules.from_parameters(p), []

    def recorded(system, *args, **kwargs):
        found.append((system, linked.protect(system, *args, **kwargs)))
        return found[-1][1]

    with mock.patch.object(effect_gate, "protect", recorded):
        effect_gate.release(study, rules)  # the protection the chapter's gate computes
    system, protection = found[0]
    primaries = protection.cells(linked.PRIMARY)
    checked = attacker.intervals(system, protection.suppressed, cells=primaries, integer=rules.integer_attacker)
    return sum(not interval.protects(rules.min_cell_size) for interval in checked.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m synthetic.bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skip-build", action="store_true", help="only the scaled effect study")
    parser.add_argument("--skip-scale", action="store_true", help="no WGW effect study on copied data")
    parser.add_argument("--quick", action="store_true", help="without the set-up in fresh clones (minutes)")
    parser.add_argument("--skip-gate", action="store_true", help="no chapters with many target groups or teams")
    parser.add_argument("--skip-attack", action="store_true", help="no reference attacker on the largest split (slow)")
    parser.add_argument("--repeat", type=int, default=2, help="rounds of the many-groups chapters (default 2)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="evalbook-bench-") as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(paths.repo_root(), work, ignore=SKIP)
        if not args.skip_build:
            builds = build_ratios(work)
            if not args.quick:
                builds += setup_ratios(Path(tmp))
            forced = builds[0][1]
            print("Book build and set-up (ratio to the forced build):")
            for name, seconds in builds:
                print(f"  {name:<48} {seconds:7.1f} s   {seconds / forced:6.3f}")
        if not args.skip_scale:
            rows = scaled_effect_study(work)
            base = rows[0][1]
            print("WGW effect study (ratio to the embedded data; peak memory of the chapter's processes):")
            for name, seconds, peak in rows:
                print(f"  {name:<48} {seconds:7.1f} s   {seconds / base:6.2f}   {peak:5.2f} GB")
        if not args.skip_gate:
            rows = gate_at_scale(work, args.repeat, attack=not args.skip_attack)
            print("Many groups (ratio to the embedded chapter in the same round, per round; peak memory):")
            for name, ratios, peak in rows:
                print(f"  {name:<52} {'  '.join(f'{r:5.2f}' for r in ratios)}   {peak:5.2f} GB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
