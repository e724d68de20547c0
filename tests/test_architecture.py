"""The shape of the package (ARCHITECTURE.md): no import cycles, small modules that say what
they hold, nothing left at the top of the package, and a new programme from configuration
and data alone."""

import ast
import shutil

import grimp
import pytest
import yaml

from conftest import ROOT, copy_repo, evalbook

PACKAGE = ROOT / "src" / "evalbook"
MODULES = sorted(p for p in (ROOT / "src").rglob("*.py"))
MAX_LINES = 600


def test_no_import_cycles():
    """No module imports, directly or through others, a module that imports it back
    (imports inside functions included)."""
    graph = grimp.build_graph("evalbook", "synthetic")
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                cycles.append(" -> ".join((module, *chain)))
    assert cycles == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT / "src").as_posix())
def test_modules_are_small_and_say_what_they_hold(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES
    if path.name not in ("__main__.py",):
        assert ast.get_docstring(ast.parse(text)), f"{path.name} has no module docstring"


def test_the_package_top_holds_only_its_layers():
    top = sorted(p.name for p in PACKAGE.iterdir() if p.suffix == ".py")
    assert top == ["__init__.py", "__main__.py"]
    layers = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert layers == ["analysis", "book", "chapters", "core", "disclosure", "report", "schemas", "stats"]


@pytest.mark.slow  # builds a chapter
def test_a_new_programme_is_configuration_and_data(tmp_path):
    """A made-up fourth programme, served by the existing effect-study and survey templates:
    a block in book.yml plus its data, nothing else."""
    work = copy_repo(tmp_path / "repo")
    config = yaml.safe_load((work / "book.yml").read_text(encoding="utf-8"))
    config["parts"].insert(
        3,
        {
            "key": "jobhub",
            "title": "Jobhub Noord",
            "short": "Jobhub",
            "programme_group": "Jobhub-groep",
            "source": {"file": "000_aaf9a774a8635906.txt", "cite": "obi2018wgw", "label": "WGW-rapport"},
            "chapters": [
                {"template": "effect_study", "parameters": {"outflow_measure": "event"}},
                {"template": "phone_survey", "parameters": {"outlook_item": "outlook_chance_low"}},
            ],
        },
    )
    (work / "book.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    shutil.copytree(work / "data" / "synthetic" / "wgw", work / "data" / "synthetic" / "jobhub")
    for name in ("effect_study", "phone_survey"):
        (work / "data" / "published" / "jobhub").mkdir(exist_ok=True)
        shutil.copy(work / "data" / "published" / "wgw" / f"{name}.csv", work / "data" / "published" / "jobhub")
    assert evalbook(work, "toc").returncode == 0
    toc = yaml.safe_load((work / "_toc.yml").read_text(encoding="utf-8"))
    assert {
        "caption": "Jobhub Noord",
        "chapters": [{"file": "book/jobhub/effect_study"}, {"file": "book/jobhub/phone_survey"}],
    } in toc["parts"]
    proc = evalbook(work, "build", "--programme", "jobhub", "--no-html")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("effect_study", "phone_survey"):
        notebook = (work / "book" / "jobhub" / f"{name}.ipynb").read_text(encoding="utf-8")
        assert "Jobhub" in notebook  # the part's labels reach the chapter
        assert (work / "book" / "jobhub" / "tables" / f"{name}.csv").is_file()
