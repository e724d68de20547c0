"""The command line as a new user meets it: parameters checked before anything runs, one-line
errors instead of tracebacks, `evalbook check` that reads everything and writes nothing."""

import os
import shutil
import subprocess

import pytest

from conftest import ROOT, copy_repo, evalbook


def run(*args, cwd=ROOT):
    return evalbook(cwd, *args)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "min_cel_size", "50"], "unknown parameter 'min_cel_size'; did you mean 'min_cell_size'?"),
        (["-p", "min_cell_size", "True"], "parameter 'min_cell_size': expected a whole number, got 'True'"),
        (["-p", "min_cell_size", "5.5"], "parameter 'min_cell_size': expected a whole number, got '5.5'"),
        (["-p", "min_cell_size", "0"], "parameter 'min_cell_size': 0 is outside the allowed range 3 to 1000"),
        (["-p", "alpha", "abc"], "parameter 'alpha': expected a number, got 'abc'"),
        (["-p", "alpha", "1.5"], "parameter 'alpha': 1.5 is outside the allowed range"),
        (["-p", "outflow_measure", "ever"], "parameter 'outflow_measure': expected one of event, status, got 'ever'"),
        (["--data-dir", ""], "--data-dir is empty"),
        (["--data-dir", "no/such/dir"], "--data-dir no/such/dir: no such directory"),
        (["--programme", "wgx"], "unknown programme 'wgx'"),
        (["--chapter", "efect_study"], "unknown chapter 'efect_study' (did you mean 'effect_study'?)"),
        (["--chapter", "audit", "-p", "follow_up_months", "6"], "not used by the selected chapter"),
    ],
)
def test_bad_options_are_refused_before_anything_runs(args, message):
    for command in ("check", "build"):
        proc = run(command, *args)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert message in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
        assert "Chapters" not in proc.stdout  # nothing ran


def test_check_validates_every_input_and_writes_nothing():
    before = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    proc = run("check")
    assert proc.returncode == 0, proc.stderr
    assert "wgw/effect_study: ok" in proc.stdout
    assert "register: data/synthetic/wgw/register.csv; 594 rows; group: control 294, programme 300" in proc.stdout
    assert "dates 2017-09-01 to 2018-10-31" in proc.stdout
    after = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    assert before == after


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A copy of the repository whose data directory can be broken at will."""
    return copy_repo(tmp_path_factory.mktemp("cli") / "repo")


def test_check_and_build_give_the_same_message_on_bad_input(data, tmp_path):
    raw = tmp_path / "raw" / "wgw"
    raw.mkdir(parents=True)
    text = (ROOT / "data/synthetic/wgw/register.csv").read_text().replace("2018-10-31", "2096-10-31", 1)
    (raw / "register.csv").write_text(text)
    args = ["--programme", "wgw", "--chapter", "effect_study", "--data-dir", str(tmp_path / "raw")]
    check, build = evalbook(data, "check", *args), evalbook(data, "build", "--no-html", *args)
    assert check.returncode == build.returncode == 1
    assert "expected a date between 2010-01-01 and 2030-12-31 (date_window in book.yml)" in check.stderr
    assert check.stderr.replace("evalbook check", "") == build.stderr.replace("evalbook build", "")


def test_an_effect_study_runs_without_a_candidate_pool(data, tmp_path):
    raw = tmp_path / "raw" / "wgw"
    raw.mkdir(parents=True)
    shutil.copy(ROOT / "data/synthetic/wgw/register.csv", raw / "register.csv")
    args = ["--programme", "wgw", "--chapter", "effect_study", "--data-dir", str(tmp_path / "raw")]
    check = evalbook(data, "check", *args)
    assert check.returncode == 0, check.stderr
    assert "pool: absent (optional); zonder kandidatenbestand" in check.stdout
    build = evalbook(data, "build", "--no-html", *args)
    assert build.returncode == 0, build.stdout + build.stderr


def _without_read_capabilities():
    """Run as root without the capabilities that let root read any file (as a normal user would)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv not available")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", "--"]


@pytest.mark.parametrize("target", ["file", "directory"])
def test_an_unreadable_input_is_one_line_naming_the_path(data, tmp_path, target):
    raw = tmp_path / "raw" / "wgw"
    raw.mkdir(parents=True)
    register = raw / "register.csv"
    shutil.copy(ROOT / "data/synthetic/wgw/register.csv", register)
    locked = register if target == "file" else raw
    locked.chmod(0)
    try:
        import sys

        cmd = [
            *_without_read_capabilities(),
            sys.executable,
            "-m",
            "evalbook",
            "check",
            "--programme",
            "wgw",
            "--chapter",
            "effect_study",
            "--data-dir",
            str(tmp_path / "raw"),
        ]
        proc = subprocess.run(cmd, cwd=data, capture_output=True, text=True)
    finally:
        locked.chmod(0o755)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "cannot be read" in proc.stderr and str(locked.name) in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_broken_assumptions_file_stops_the_build_before_any_chapter_runs(data, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data/synthetic", raw)
    text = (raw / "assumptions.csv").read_text(encoding="utf-8").replace(",number,60,", ",number,zestig,", 1)
    (raw / "assumptions.csv").write_text(text, encoding="utf-8")
    proc = evalbook(data, "build", "--no-html", "--data-dir", str(raw))
    assert proc.returncode == 1
    assert "assumptions.csv does not meet the `assumptions` contract" in proc.stderr
    assert "found 'zestig'" in proc.stderr and "Chapters" in proc.stdout and " ok " not in proc.stdout


def test_an_identifier_in_a_label_column_is_refused_naming_file_column_and_line(data, tmp_path):
    raw = tmp_path / "raw" / "wgw"
    raw.mkdir(parents=True)
    lines = (ROOT / "data/synthetic/wgw/register.csv").read_text(encoding="utf-8").splitlines()
    columns = lines[0].split(",")
    cells = lines[3].split(",")
    cells[columns.index("target_group")] = "111 222 333"  # a BSN (eleven-test) written with spaces
    lines[3] = ",".join(cells)
    (raw / "register.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = evalbook(
        data, "check", "--programme", "wgw", "--chapter", "effect_study", "--data-dir", str(tmp_path / "raw")
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "register.csv" in proc.stderr and "target_group" in proc.stderr and "line 4" in proc.stderr
    assert "111 222 333" not in proc.stderr and "Traceback" not in proc.stderr
