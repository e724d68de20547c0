"""Templates are MyST Markdown without outputs; executed chapters exist for every chapter of
book.yml, ran cleanly, on the embedded synthetic data with the configured parameters; the
table of contents follows from book.yml."""

import json

import jupytext
import pytest
import yaml

from conftest import ROOT
from evalbook.book import cli, config

BOOK = config.load()
TEMPLATES = sorted((ROOT / "notebooks").glob("*.md"))
JOBS = config.jobs(BOOK)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_templates_are_text_without_outputs_and_with_a_parameters_cell(path):
    nb = jupytext.read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") for c in code), f"{path.name} has outputs"
    assert any("parameters" in c.metadata.get("tags", []) for c in code)
    assert not list((ROOT / "notebooks").glob("*.ipynb")), "templates are MyST Markdown (.md), not .ipynb"


def test_every_template_is_configured():
    assert {p.stem for p in TEMPLATES} == set(BOOK.templates)


def test_toc_follows_from_book_yml():
    assert cli.main(["toc", "--check"]) == 0
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    assert toc == config.toc(BOOK)


def test_executed_chapters_are_exactly_the_jobs():
    executed = {p.relative_to(ROOT / "book").with_suffix("").as_posix() for p in (ROOT / "book").glob("*/*.ipynb")}
    assert executed == {j.label for j in JOBS}


@pytest.mark.parametrize("job", JOBS, ids=lambda j: j.label)
def test_executed_chapter_ran_cleanly_with_configured_parameters(job):
    path = ROOT / "book" / f"{job.label}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert outputs, f"{path} has no outputs: run `evalbook build`"
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert nb["metadata"]["papermill"]["parameters"] == {"part": job.chapter.part.key, "parameters": job.parameters}, (
        f"{path} was not built with the configured parameters (embedded synthetic data): rebuild it"
    )
    table = ROOT / "book" / job.chapter.part.key / "tables" / f"{job.chapter.template.name}.csv"
    assert table.is_file()
