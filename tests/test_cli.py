"""The command line as a new user meets it: parameters checked before anything runs, one-line
errors instead of tracebacks, `evalbook check` that reads everything and writes nothing."""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
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


# -- round three (issue 23): one message, no traceback, no hang, book/ and _build/html untouched ----


def snapshot(work: Path) -> dict[str, str]:
    """sha256 of every file under book/ and _build/html/."""
    found = {}
    for top in ("book", "_build/html"):
        for path in sorted((work / top).rglob("*")):
            if path.is_file():
                found[path.relative_to(work).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def work(data):
    """The copy of the repository, with an HTML book in _build/html (a stand-in: a refusal
    must not touch it)."""
    html = data / "_build" / "html"
    html.mkdir(parents=True, exist_ok=True)
    (html / "index.html").write_text("<html>the book as built before</html>", encoding="utf-8")
    return data


def embedded(tmp_path: Path, part: str, *names: str) -> Path:
    (tmp_path / part).mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(ROOT / "data" / "synthetic" / part / name, tmp_path / part / name)
    return tmp_path


def changed(part: str, name: str, change, **to_csv):
    """A case: ``part``'s embedded ``name`` in a data directory, changed by ``change(frame)``."""

    def make(tmp_path: Path) -> None:
        path = embedded(tmp_path, part, name) / part / name
        change(pd.read_csv(path, dtype=str, keep_default_na=False)).to_csv(path, index=False, **to_csv)

    return make


def cell(row: int, column: str, value: str):
    def change(frame):
        frame.loc[row, column] = value
        return frame

    return change


def special(kind: str):
    def make(tmp_path: Path) -> None:
        (tmp_path / "wgw").mkdir()
        path = tmp_path / "wgw" / "register.csv"
        os.mkfifo(path) if kind == "fifo" else path.symlink_to(path.name)

    return make


def utf16(tmp_path: Path) -> None:
    path = embedded(tmp_path, "wgw", "register.csv") / "wgw" / "register.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))


EFFECT = ["--programme", "wgw", "--chapter", "effect_study"]
# (name, the data directory, the options (with --data-dir), what the one message says)
REFUSALS = [
    ("fifo", special("fifo"), EFFECT, "a named pipe (FIFO)"),
    ("symlink loop", special("loop"), EFFECT, "a symbolic link that loops"),
    ("utf-16", utf16, EFFECT, "UTF-16 text"),
    ("thousands", changed("wgw", "register.csv", cell(5, "benefit_months", "1.000"), sep=";"), EFFECT, "'1.000'"),
    (
        "e-mail as team",
        changed("wwatwork", "survey_nps.csv", cell(3, "team", "a.bakker@rotterdam.nl")),
        ["--programme", "wwatwork", "--chapter", "client_survey"],
        "found an e-mail address",
    ),
    (
        "one per arm",
        changed("wgw", "register.csv", lambda frame: frame.groupby("group").head(1)),
        EFFECT,
        "wgw/effect_study cannot run on these data:\n  - the programme group has 1 person",
    ),
    (
        "register only",
        lambda tmp_path: embedded(tmp_path, "wgw", "register.csv"),
        ["--programme", "wgw"],
        "only that chapter with --programme wgw --chapter effect_study",
    ),
]


@pytest.mark.parametrize(("name", "make", "options", "said"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_refused_build_prints_one_message_and_changes_nothing(work, tmp_path, name, make, options, said):
    make(tmp_path)
    before = snapshot(work)
    command = [sys.executable, "-m", "evalbook", "build", *options, "--data-dir", str(tmp_path)]
    proc = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr.count("evalbook build:") == 1 and said in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and " ok " not in proc.stdout
    assert snapshot(work) == before
    assert not list((work / "_build").glob(".staging-*"))


def test_an_empty_list_parameter_is_refused_before_anything_runs(work):
    proc = run("build", *EFFECT, "-p", "outcomes", "", cwd=work)
    assert proc.returncode == 1 and "parameter 'outcomes': give at least 1 value(s), got none" in proc.stderr


def test_contradictory_flags_are_refused():
    proc = run("build", "--no-html", "--html-only")
    assert proc.returncode == 2 and "argument --html-only: not allowed with argument --no-html" in proc.stderr


def test_check_into_a_closed_pipe_ends_quietly():
    """`evalbook check | head -1`: the reader goes away while check still writes."""
    command = f"{sys.executable} -m evalbook check | head -1; exit ${{PIPESTATUS[0]}}"
    proc = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.stderr == "" and proc.stdout == "wgw/effect_study: ok\n", proc.stderr
    assert proc.returncode in (0, 141)  # 141: check was still writing when head left


def test_match_into_a_folder_that_cannot_be_written(tmp_path):
    data = embedded(tmp_path, "wgw", "pool.csv")
    (data / "wgw").chmod(0o555)
    command = [*_without_read_capabilities(), sys.executable, "-m", "evalbook", "match", "--programme", "wgw"]
    proc = subprocess.run([*command, "--data-dir", str(data)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and proc.stderr.strip().endswith("wgw/register.csv: permission denied."), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not (data / "wgw" / "register.csv").exists()


@pytest.mark.parametrize(
    "what", [["--no-html", "--programme", "wgw", "--chapter", "literature_scan", "--force"], ["--html-only"]]
)
def test_a_read_only_build_directory_is_one_message(work, what):
    before = snapshot(work)
    (work / "_build").chmod(0o555)
    try:
        command = [*_without_read_capabilities(), sys.executable, "-m", "evalbook", "build", *what]
        proc = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=300)
    finally:
        (work / "_build").chmod(0o755)
    assert proc.returncode == 1 and proc.stderr.strip() == (
        "evalbook build: cannot write _build/: permission denied. Nothing was built; book/ unchanged."
    )
    assert snapshot(work) == before


def _processes_in(work: Path) -> list[int]:
    """Processes working in the copy (the build, its workers, their kernels)."""
    found = []
    for process in psutil.process_iter(["pid", "cwd"]):
        cwd = process.info.get("cwd") or ""
        if cwd.startswith(str(work)) and process.info["pid"] != os.getpid():
            found.append(process.info["pid"])
    return found


def _build_until_a_kernel_runs(work: Path) -> subprocess.Popen:
    """A build of one chapter, in a session of its own (like a terminal's), once its worker
    has started a kernel."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "evalbook", "build", "--no-html", "--force", "--programme", "wgw"]
        + ["--chapter", "literature_scan"],
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while len(list((work / "_build").glob(".staging-*/processes/*"))) < 2:
        assert time.monotonic() < deadline and proc.poll() is None, "no kernel started"
        time.sleep(0.2)
    return proc


# A module run with `python -m` (as `evalbook` is) that is interrupted while code runs through
# PyRun_String, as some compiled modules do when imported, and reports the interruption itself.
_CTRL_C_IN_PYRUN = """
import ctypes, sys
from evalbook.book import staging
run = ctypes.pythonapi.PyRun_String
run.restype, run.argtypes = ctypes.py_object, [ctypes.c_char_p, ctypes.c_int, ctypes.py_object, ctypes.py_object]
code = b"import os, signal\\nos.kill(os.getpid(), signal.SIGINT)\\n"
try:
    with {context}:
        run(code, 257, {{}}, {{}})  # 257: Py_file_input
except KeyboardInterrupt:
    raise SystemExit(130)
"""


@pytest.mark.parametrize(("context", "status"), [("staging.ctrl_c_as_interrupted()", 130), ("open(__file__)", -2)])
def test_ctrl_c_during_an_import_exits_with_the_status_the_command_returns(tmp_path, context, status):
    """A caught plain KeyboardInterrupt from such code still ends the process with SIGINT (-2);
    the command's own interruption does not (130)."""
    (tmp_path / "interrupted.py").write_text(_CTRL_C_IN_PYRUN.format(context=context), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "interrupted"], cwd=tmp_path, capture_output=True, timeout=60, preexec_fn=_as_a_terminal
    )
    assert proc.returncode == status, proc.stderr


def _as_a_terminal() -> None:
    """Ctrl-C and Ctrl-\\ with their default actions, as a command started from a terminal has
    them. A test process may be ignoring them for a moment, and a child started then inherits
    that: under load, a pytest-xdist worker's child was seen to start with SIGINT and SIGQUIT
    ignored (which code of the worker ignored them was not found), and the interruption never
    came."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def test_ctrl_c_prints_one_line_and_leaves_nothing_behind(work):
    before = snapshot(work)
    proc = _build_until_a_kernel_runs(work)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does: the whole foreground group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err == "evalbook build: interrupted; book/ unchanged\n", err
    assert snapshot(work) == before and not list((work / "_build").glob(".staging-*"))
    time.sleep(2)
    assert _processes_in(work) == []


def test_a_killed_build_leaves_no_process_and_its_staging_is_removed_next_time(work):
    proc = _build_until_a_kernel_runs(work)
    proc.kill()  # SIGKILL: no cleanup in the build itself
    proc.communicate(timeout=60)
    deadline = time.monotonic() + 30
    while _processes_in(work) and time.monotonic() < deadline:  # workers follow, with their kernels
        time.sleep(0.5)
    assert _processes_in(work) == []
    assert len(list((work / "_build").glob(".staging-*"))) == 1
    after = evalbook(work, "build", "--no-html", "--programme", "wgw", "--chapter", "literature_scan")
    assert "removed 1 staging directory left by an interrupted build" in after.stdout, after.stdout + after.stderr
    assert not list((work / "_build").glob(".staging-*"))


def test_a_full_disk_during_the_html_build_is_one_message(work):
    """_build/ on a 2 MB file system of its own (a mount namespace; needs the rights to make one)."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare not available")
    script = (
        'mount -t tmpfs -o size=2m tmpfs "$1/_build" || exit 99\n'
        'mkdir -p "$1/_build/html" && echo before > "$1/_build/html/index.html"\n'
        f'cd "$1" && {sys.executable} -m evalbook build --html-only; status=$?\n'
        'cat "$1/_build/html/index.html"; exit $status\n'
    )
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(work)], capture_output=True, text=True, timeout=600
    )
    if proc.returncode == 99 or "unshare failed" in proc.stderr:
        pytest.skip("cannot mount a small file system here")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr.strip() == (
        "evalbook build: Jupyter Book could not write the HTML: the disk holding _build/ is full "
        "(free space and build again); _build/html is untouched."
    )
    assert proc.stdout.rstrip().endswith("before")  # the previous HTML, byte for byte
