"""Validate first (issue 23): every input is opened through one checked function before
anything reads or hashes it; the inputs of a chapter are checked together, across files, against
book.yml and against what its statistics need; outputs name inputs without absolute paths.

These tests call the functions directly (fast); tests/test_cli.py runs the same classes through
the command line, and tests/test_rerun_paths.py through a full build."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pandas as pd
import psutil
import pytest

from conftest import ROOT
from evalbook.book import cache, config, execute, files, inputs, staging
from evalbook.book.html import system_failure
from evalbook.book.provenance import combined
from evalbook.core import contract, io
from evalbook.core.errors import (
    ContractError,
    InputError,
    InputsError,
    MissingInputError,
    OutputError,
    ParameterError,
    PreconditionError,
    PrivacyError,
)
from test_cli import _without_read_capabilities as without_root_powers

SYNTHETIC = ROOT / "data" / "synthetic"


def job(part: str, template: str, data_dir: Path | None = None, **overrides) -> config.Job:
    book = config.load(ROOT)
    values = {"data_dir": str(data_dir)} if data_dir else {}
    return config.jobs(book, part, template, values | overrides)[0]


def read(job_: config.Job) -> inputs.Inputs:
    return inputs.read(job_.chapter, job_.parameters, ROOT)


def copied(tmp_path: Path, part: str, name: str, change=None) -> Path:
    """A data directory with ``part``'s embedded ``name``.csv, changed by ``change(frame)``."""
    frame = pd.read_csv(SYNTHETIC / part / f"{name}.csv", dtype=str, keep_default_na=False)
    (tmp_path / part).mkdir(parents=True, exist_ok=True)
    (change or (lambda f: f))(frame).to_csv(tmp_path / part / f"{name}.csv", index=False)
    return tmp_path


# -- one checked way in -----------------------------------------------------------------------------


def special(tmp_path: Path, kind: str) -> Path:
    """An input path that is not a readable regular file."""
    path = tmp_path / "register.csv"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "loop":
        path.symlink_to(path.name)
    elif kind == "dangling":
        path.symlink_to("elsewhere.csv")
    elif kind == "through a file":
        (tmp_path / "file").write_text("x")
        path = tmp_path / "file" / "register.csv"
    return path


@pytest.mark.parametrize(
    ("kind", "named"),
    [
        ("directory", "a directory, not a file"),
        ("fifo", "a named pipe (FIFO), not a file"),
        ("loop", "a symbolic link that loops"),
        ("dangling", "a symbolic link to elsewhere.csv, which does not exist"),
        ("through a file", "a folder on its path is a file"),
    ],
)
def test_what_is_not_a_regular_file_is_refused_before_a_byte_is_read(tmp_path, kind, named):
    path = special(tmp_path, kind)
    outcome = []
    reader = threading.Thread(target=lambda: outcome.append(_raised(lambda: io.read_input(path))), daemon=True)
    reader.start()
    reader.join(10)  # a FIFO opened for reading would block forever
    assert outcome, f"read_input hung on a {kind}"
    assert isinstance(outcome[0], InputError) and named in str(outcome[0]) and "\n" not in str(outcome[0])


def _raised(call):
    try:
        call()
    except Exception as exc:  # noqa: BLE001 (the test inspects what was raised)
        return exc
    return None


@pytest.mark.parametrize("kind", ["directory", "fifo", "loop"])
def test_the_cache_key_checks_before_it_hashes(tmp_path, kind):
    """The content key hashed inputs before anything checked them (a FIFO hung the build)."""
    (tmp_path / "wgw").mkdir()
    special(tmp_path / "wgw", kind)
    effect = job("wgw", "effect_study", tmp_path)
    with pytest.raises(InputError, match="register.csv: a "):
        cache.input_digests(effect.chapter, effect.parameters, ROOT)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 1000)
    with pytest.raises(InputError, match="big.csv: 0.0 GB, more than"):
        io.read_input(path, limit=999)
    assert io.read_input(path, limit=1000).data == b"x" * 1000


def test_the_bytes_checked_are_the_bytes_hashed(tmp_path):
    path = copied(tmp_path, "wgw", "register") / "wgw" / "register.csv"
    loaded = inputs.contract.load(path, inputs.CONTRACTS["register"])
    assert loaded.file.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() == cache.sha256_file(path)


def test_an_unreadable_file_is_one_sentence_for_a_user_without_root_powers(tmp_path):
    path = copied(tmp_path, "wgw", "register") / "wgw" / "register.csv"
    path.chmod(0)
    code = "from evalbook.core.io import read_input; read_input(__import__('sys').argv[1])"
    proc = subprocess.run(
        [*without_root_powers(), sys.executable, "-c", code, str(path)], capture_output=True, text=True
    )
    assert "register.csv: cannot be read (permission denied)." in proc.stderr


# -- finding the files --------------------------------------------------------------------------------


def test_two_files_for_one_input_are_refused(tmp_path):
    copied(tmp_path, "wgw", "register")
    pd.read_csv(tmp_path / "wgw" / "register.csv", dtype=str).to_parquet(tmp_path / "wgw" / "register.parquet")
    with pytest.raises(ContractError) as info:
        read(job("wgw", "effect_study", tmp_path))
    assert "register.csv and" in str(info.value) and "register.parquet: two files for the one input 'register'" in str(
        info.value
    )


def test_a_workbook_instead_of_the_csv_is_named(tmp_path):
    (tmp_path / "wgw").mkdir()
    (tmp_path / "wgw" / "register.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(MissingInputError) as info:
        read(job("wgw", "effect_study", tmp_path))
    assert "Found register.xlsx: export it as CSV UTF-8 (or Parquet)" in str(info.value)


def test_a_workbook_beside_the_csv_is_mentioned_as_information(tmp_path):
    copied(tmp_path, "wgw", "register")
    (tmp_path / "wgw" / "register.xlsx").write_bytes(b"PK\x03\x04")
    record = next(r for r in read(job("wgw", "effect_study", tmp_path)).records if r.path.name == "register.csv")
    assert "beside it, not read: register.xlsx" in record.notes


def test_a_wrong_published_dir_is_pointed_at_published_dir_not_data_dir(tmp_path):
    with pytest.raises(MissingInputError) as info:
        read(job("wgw", "effect_study", published_dir=str(tmp_path)))
    assert "the parameter published_dir (-p published_dir)" in str(info.value) and "--data-dir" not in str(info.value)


# -- across files and book.yml ------------------------------------------------------------------------


def test_assumptions_for_a_programme_that_does_not_exist_are_refused(tmp_path):
    data = copied(tmp_path, "wgw", "register")
    frame = pd.read_csv(SYNTHETIC / "assumptions.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "programme"] = "wgx"
    frame.loc[1, "chapter"] = "effect_studie"
    frame.to_csv(data / "assumptions.csv", index=False)
    with pytest.raises(ContractError) as info:
        read(job("wgw", "effect_study", data))
    message = str(info.value)
    assert "column 'programme' at line 2 (found 'wgx'); expected one of wgw, route3" in message
    assert "(did you mean 'wgw'?)" in message and "column 'chapter' at line 3 (found 'effect_studie')" in message


def test_assumptions_for_a_programme_this_book_does_not_have_are_noted_not_refused(tmp_path):
    data = copied(tmp_path, "wgw", "register")
    frame = pd.read_csv(SYNTHETIC / "assumptions.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "programme"] = "arnhem"  # a part a fork left out: nothing like a part of this book
    frame.to_csv(data / "assumptions.csv", index=False)
    record = next(r for r in read(job("wgw", "effect_study", data)).records if r.path.name == "assumptions.csv")
    assert record.notes == ("rows for chapters this book does not have, not read: arnhem/effect_study",)


def test_a_file_several_chapters_read_is_checked_once_and_its_problem_named_for_each(tmp_path, monkeypatch):
    book = config.load(ROOT)
    loads = []
    load = contract.load
    monkeypatch.setattr(
        contract, "load", lambda path, *args, **kwargs: loads.append(path) or load(path, *args, **kwargs)
    )
    found, error = inputs.read_jobs(config.jobs(book), ROOT)
    assert error is None
    read_by = {p: [label for label, i in found.items() if p in i.paths()] for p in loads}
    assert len(read_by[SYNTHETIC / "assumptions.csv"]) > 1  # the case: chapters that read one file alike
    assert sorted(map(str, loads)) == sorted(set(map(str, loads)))  # each file through its contract once

    data = copied(tmp_path, "wgw", "register")
    copied(data, "wgw", "pool")
    frame = pd.read_csv(SYNTHETIC / "assumptions.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "value"] = "veel"
    frame.to_csv(data / "assumptions.csv", index=False)
    jobs = config.jobs(book, "wgw", None, {"data_dir": str(data)})
    _, error = inputs.read_jobs(jobs, ROOT)
    named = [str(p) for p in error.problems if "assumptions.csv" in str(p) and "'veel'" in str(p)]
    assert len(named) == len([j for j in jobs if "assumptions" in j.chapter.template.inputs]) > 1


def test_a_bsn_in_an_assumptions_reason_names_file_column_and_line(tmp_path):
    data = copied(tmp_path, "wgw", "register")
    frame = pd.read_csv(SYNTHETIC / "assumptions.csv", dtype=str, keep_default_na=False)
    frame.loc[4, "reason"] = "zie dossier 111.222.333"
    frame.to_csv(data / "assumptions.csv", index=False)
    with pytest.raises(PrivacyError) as info:
        read(job("wgw", "effect_study", data))
    assert (
        "assumptions.csv, column 'reason', line 6: a 9-digit number passing the BSN eleven-test (11*********)"
        in str(info.value)
    )


def test_every_problem_of_every_file_together(tmp_path):
    def broken(column, value):
        def change(frame):
            frame.loc[0, column] = value
            return frame

        return change

    copied(tmp_path, "wgw", "survey", broken("group", "Programme"))
    copied(tmp_path, "wgw", "codebook", broken("scale", "graad"))
    with pytest.raises(InputsError) as info:
        read(job("wgw", "phone_survey", tmp_path))
    message = str(info.value)
    assert "survey.csv does not meet the `survey` contract" in message and "did you mean 'programme'" in message
    assert "codebook.csv does not meet the `codebook` contract" in message and "found 'graad'" in message
    assert message.count("Fix the file and run again") == 1


def test_a_folder_with_some_inputs_says_which_chapters_it_serves(tmp_path):
    copied(tmp_path, "wgw", "register")
    jobs = [job("wgw", t, tmp_path) for t in ("effect_study", "phone_survey")]
    found, error = inputs.read_jobs(jobs, ROOT)
    assert list(found) == ["wgw/effect_study"] and error is not None
    assert "No inputs found for wgw/phone_survey. These data serve wgw/effect_study" in str(error)
    assert "with --programme wgw --chapter effect_study" in str(error)


# -- preconditions before statistics ------------------------------------------------------------------


def few(n: int):
    def change(register):
        return pd.concat([register[register["group"] == g].head(n) for g in ("programme", "control")])

    return change


def no_outflow(register):
    register[["outflow_date", "outflow_reason", "returned_date"]] = ""
    return register


@pytest.mark.parametrize(
    ("change", "parameters", "said"),
    [
        (few(1), {}, "the control group has 1 person; the effect study needs at least 10 per group (min_cell_size)"),
        (few(4), {"min_cell_size": 5}, "the programme group has 4 persons; the effect study needs at least 5"),
        (no_outflow, {}, "nobody in either group leaves benefit within the follow-up of 12 months"),
    ],
)
def test_too_few_persons_or_no_events_are_refused_before_the_chapter_runs(tmp_path, change, parameters, said):
    with pytest.raises(PreconditionError) as info:
        read(job("wgw", "effect_study", copied(tmp_path, "wgw", "register", change), **parameters))
    assert str(info.value).startswith("wgw/effect_study cannot run on these data:") and said in str(info.value)


@pytest.mark.parametrize(
    ("each", "error", "said"),
    [
        (2, PreconditionError, "the programme group has 2 respondents; the telephone survey needs at least 10"),
        (1, ContractError, "codebook.csv does not meet the `codebook` contract"),  # the routing check crashed here
    ],
)
def test_a_survey_with_a_handful_of_respondents_is_refused(tmp_path, each, error, said):
    def keep(survey):
        chosen = survey.drop_duplicates("respondent").groupby("group").head(each)["respondent"]
        return survey[survey["respondent"].isin(chosen)]

    data = copied(tmp_path, "wgw", "survey", keep)
    shutil.copy(SYNTHETIC / "wgw" / "codebook.csv", data / "wgw" / "codebook.csv")
    with pytest.raises(error) as info:
        read(job("wgw", "phone_survey", data))
    assert said in str(info.value)


@pytest.mark.parametrize(
    ("part", "template", "overrides", "said"),
    [
        ("route3", "effect_study", {"target_groups": ["team7"]}, "target_groups 'team7' is neither in the register's"),
        ("route3", "effect_study", {"target_groups": ["Oap"]}, "(did you mean 'oap'?)"),
        ("wgw", "phone_survey", {"outlook_item": "outlok_chance_low"}, "is not an indicator of this part's codebook"),
    ],
)
def test_parameter_values_absent_from_the_data_are_refused(part, template, overrides, said):
    with pytest.raises(ParameterError, match=f"^{part}/{template}: ") as info:
        read(job(part, template, **overrides))
    assert said in str(info.value)


def test_a_configured_target_group_the_data_lack_is_not_refused(tmp_path):
    """The chapter names a target group of book.yml that the data lack ("Ontbreekt in deze data")."""
    data = copied(tmp_path, "route3", "register", lambda r: r[r["target_group"] != "team6"])
    register = read(job("route3", "effect_study", data)).frames["register"]  # no error
    assert (
        "team6" not in set(register["target_group"])
        and "team6" in job("route3", "effect_study").parameters["target_groups"]
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "give at least 1 value(s), got none: choose from outflow"),
        ("outflow,outflow", "'outflow' given more than once"),
        ("outflw", "unknown value(s) 'outflw' (did you mean 'outflow' for 'outflw'?)"),
    ],
)
def test_list_parameters_refuse_empty_repeated_and_unknown_values(text, said):
    with pytest.raises(ParameterError) as info:
        config.parse_overrides(config.load(ROOT), [("outcomes", text)])
    assert said in str(info.value)


# -- outputs name inputs without absolute paths -------------------------------------------------------


def test_the_box_lists_each_file_with_the_sha256_that_sha256sum_gives(tmp_path):
    from evalbook.book.chapter import Chapter

    data = copied(tmp_path, "wwatwork", "survey_nps")
    chapter = Chapter("client_survey", "wwatwork", {"data_dir": str(data)})
    text = repr(chapter.box())
    nps = data / "wwatwork" / "survey_nps.csv"
    published = ROOT / "data" / "published" / "wwatwork" / "client_survey.csv"
    digests = subprocess.run(["sha256sum", nps, published], capture_output=True, text=True).stdout.split()[::2]
    assert f"eigen data/wwatwork/survey_nps.csv {digests[0]}" in text
    assert f"data/published/wwatwork/client_survey.csv {digests[1]}" in text
    assert f"samen vingerafdruk {combined(digests)[:16]}" in text
    assert "Map met de data: eigen data" in text and str(tmp_path) not in text


def test_the_downloadable_notebook_carries_no_absolute_path(tmp_path):
    notebook = nbformat.v4.new_notebook()
    injected = nbformat.v4.new_code_cell(f'part = "wgw"\nparameters = {{"data_dir": "{tmp_path}", "alpha": 0.05}}')
    injected.metadata["tags"] = ["injected-parameters"]
    notebook.cells = [nbformat.v4.new_markdown_cell("# Titel"), injected]
    notebook.metadata["papermill"] = {"parameters": {"parameters": {"data_dir": str(tmp_path)}}}
    path = tmp_path / "chapter.ipynb"
    nbformat.write(notebook, path)
    public = execute._public_values({"data_dir": str(tmp_path), "alpha": 0.05}, ROOT)
    execute.tidy(path, "Effectstudie", public=public)
    text = path.read_text(encoding="utf-8")
    assert str(tmp_path) not in text.replace(str(path), "") and text.count('"eigen data"') >= 1
    assert files.public_value("data/synthetic", ROOT) == "data/synthetic"


# -- interruptions ----------------------------------------------------------------------------------


def test_a_dead_builds_staging_directory_and_processes_are_removed(tmp_path):
    directory = tmp_path / "_build" / ".staging-dead"
    directory.mkdir(parents=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    (directory / staging.OWNER).write_text(f'{{"pid": {dead.pid}, "start": null}}')
    orphan = subprocess.Popen(["sleep", "300"], start_new_session=True)
    try:
        staging.track(directory, orphan.pid)
        alive = tmp_path / "_build" / ".staging-alive"  # a build that still runs: left alone
        alive.mkdir()
        (alive / staging.OWNER).write_text(f'{{"pid": {os.getpid()}, "start": "{staging._start_time(os.getpid())}"}}')
        said = []
        assert staging.clean_stale(tmp_path, said.append) == 1
        assert not directory.exists() and alive.exists()
        assert orphan.wait(timeout=10) == -signal.SIGKILL
        assert said == ["  removed 1 staging directory left by an interrupted build"]
    finally:
        if orphan.poll() is None:
            orphan.kill()


def test_a_reused_process_id_is_not_killed(tmp_path):
    directory = tmp_path / "_build" / ".staging-old"
    (directory / staging.PROCESSES).mkdir(parents=True)
    (directory / staging.OWNER).write_text('{"pid": 999999999, "start": "1"}')
    bystander = subprocess.Popen(["sleep", "300"])
    try:
        record = f'{{"pid": {bystander.pid}, "start": "0", "sockets": ""}}'  # same pid, other start time
        (directory / staging.PROCESSES / str(bystander.pid)).write_text(record)
        staging.clean_stale(tmp_path, lambda _: None)
        time.sleep(0.5)
        assert bystander.poll() is None and psutil.pid_exists(bystander.pid)
    finally:
        bystander.kill()


def test_a_full_disk_in_jupyter_books_traceback_becomes_one_sentence():
    traceback = 'Traceback (most recent call last):\n  File "x.py"\nOSError: [Errno 28] No space left on device'
    assert system_failure(traceback) == "the disk holding _build/ is full (free space and build again)"
    assert system_failure("WARNING: undefined label") is None


def test_writing_into_a_read_only_place_is_one_sentence(tmp_path):
    target = tmp_path / "locked"
    target.mkdir()
    target.chmod(0o555)
    code = (
        "import pandas as pd, sys; from evalbook.core.io import write_csv\n"
        "try: write_csv(pd.DataFrame({'a': [1]}), sys.argv[1] + '/register.csv', 'data/raw/wgw/register.csv')\n"
        "except Exception as e: print(type(e).__name__, e)"
    )
    proc = subprocess.run(
        [*without_root_powers(), sys.executable, "-c", code, str(target)], capture_output=True, text=True
    )
    assert proc.stdout.strip() == "OutputError cannot write data/raw/wgw/register.csv: permission denied."
    assert list(target.iterdir()) == []  # no partial file left
    assert OutputError.__mro__[1].__name__ == "EvalbookError"


def test_the_hygiene_check_reads_tables_through_the_checked_way_in(tmp_path):
    from evalbook.book import hygiene

    (tmp_path / "export.parquet").write_text("person_id,score\nP1,3\n")  # a CSV under a Parquet name
    (tmp_path / "table.csv").write_bytes(b"group,n\n" + b"x,1\n" * 100_000)  # only its header is read
    problems = hygiene.person_level(tmp_path, ["export.parquet", "table.csv"])
    assert problems == ["export.parquet: person-level column person_id outside data/synthetic/; commit aggregates only"]
