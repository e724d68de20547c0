"""Templates carry no outputs; executed chapters exist for every job, ran cleanly, on the
embedded synthetic data with the default parameters."""

import json

import pytest

from conftest import ROOT
from evalbook import chapters

TEMPLATES = sorted((ROOT / "notebooks").glob("*.ipynb"))
JOBS = chapters.jobs()


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_templates_have_no_outputs_and_a_parameters_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), f"{path.name} has outputs"
    assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in code)


def test_every_template_is_a_registered_chapter():
    assert {p.stem for p in TEMPLATES} == set(chapters.discover())


def test_executed_chapters_are_exactly_the_jobs():
    executed = {p.relative_to(ROOT / "book").with_suffix("").as_posix() for p in (ROOT / "book").glob("*/*.ipynb")}
    assert executed == {j.label for j in JOBS}


@pytest.mark.parametrize("job", JOBS, ids=lambda j: j.label)
def test_executed_chapter_ran_cleanly_with_default_parameters(job):
    path = ROOT / "book" / job.part.name / f"{job.chapter.name}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert outputs, f"{path} has no outputs: run `evalbook build`"
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert nb["metadata"]["papermill"]["parameters"] == job.parameters, (
        f"{path} was not built with the default parameters (embedded synthetic data): rebuild it")
    table = ROOT / "book" / job.part.name / "tables" / f"{job.chapter.name}.csv"
    assert table.is_file()
