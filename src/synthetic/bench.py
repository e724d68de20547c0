"""The benchmark (``make bench``): how the build and the effect study scale, as ratios.

Everything runs in a throw-away copy of the repository, so ``book/`` and ``_build/`` are
untouched. Printed:

* the book build: forced (every chapter, then the HTML), no-op (nothing changed), one data
  file changed (``wwatwork/survey_nps.csv``: one chapter reruns) and one Markdown page changed
  (no chapter reruns, the HTML is rebuilt) — each as wall time and as a ratio to the forced
  build;
* the WGW effect study on the embedded register and pool, and on 100× and 500× copies of
  them (:func:`synthetic.scale.scale`), with wall time, the ratio to the embedded run and the
  peak memory of the chapter's processes.

Times are wall-clock (``time.perf_counter``) on this machine: compare ratios, not seconds.
Peak memory is the largest resident set of the finished child processes (``getrusage``).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evalbook.core import contract, paths
from evalbook.core.io import write_csv
from evalbook.schemas.register import POOL, REGISTER

from .scale import scale

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


def build_ratios(work: Path) -> list[tuple[str, float]]:
    """Wall times of the four kinds of book build in ``work``."""
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
        ("forced (all chapters + HTML)", forced),
        ("no-op", noop),
        ("one data file changed", one_input),
        ("one Markdown page changed (HTML only)", html_only),
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


def _evalbook_isolated(work: Path, data: Path) -> tuple[float, float]:
    """The effect study on ``data`` in a process of its own, so its peak memory is its own."""
    code = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "p = subprocess.run([sys.executable, '-m', 'evalbook', 'build', '--force', '--no-html', '--programme', "
        f"'wgw', '--chapter', 'effect_study', '--data-dir', {str(data)!r}], capture_output=True, text=True); "
        "s = time.perf_counter() - t; "
        "print(p.returncode, s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "sys.stderr.write(p.stderr[-3000:])"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True, text=True)
    returncode, seconds, kilobytes = proc.stdout.split()
    if returncode != "0":
        raise SystemExit(f"the scaled effect study failed:\n{proc.stderr}")
    return float(seconds), int(kilobytes) / 1024**2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m synthetic.bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skip-build", action="store_true", help="only the scaled effect study")
    parser.add_argument("--skip-scale", action="store_true", help="only the book builds")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="evalbook-bench-") as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(paths.repo_root(), work, ignore=SKIP)
        if not args.skip_build:
            builds = build_ratios(work)
            forced = builds[0][1]
            print("Book build (ratio to the forced build):")
            for name, seconds in builds:
                print(f"  {name:<40} {seconds:7.1f} s   {seconds / forced:6.3f}")
        if not args.skip_scale:
            rows = scaled_effect_study(work)
            base = rows[0][1]
            print("WGW effect study (ratio to the embedded data; peak memory of the chapter's processes):")
            for name, seconds, peak in rows:
                print(f"  {name:<48} {seconds:7.1f} s   {seconds / base:6.2f}   {peak:5.2f} GB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
