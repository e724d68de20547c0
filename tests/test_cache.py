"""The content-addressed chapter cache: a chapter reruns only when what it depends on changed,
and the build says why; the committed chapters are current."""

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, copy_repo, evalbook
from evalbook.book import cache, config, dependencies, execute


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return copy_repo(tmp_path_factory.mktemp("cache") / "repo")


def test_the_committed_chapters_are_current():
    """Every executed chapter carries the key of its template, parameters, inputs, code and
    environment as they are now (else nbval would compare stale outputs)."""
    book = config.load(ROOT)
    stale = {}
    for job in config.jobs(book):
        reason = cache.why_stale(
            cache.chapter_key(job.chapter, job.parameters, ROOT), cache.recorded(ROOT / "book" / f"{job.label}.ipynb")
        )
        if reason:
            stale[job.label] = reason
    assert stale == {}, f"rebuild with `make book` and commit book/: {stale}"


def test_the_key_is_in_the_chapter_and_its_provenance_box():
    notebook = json.loads((ROOT / "book" / "wgw" / "effect_study.ipynb").read_text(encoding="utf-8"))
    key = notebook["metadata"]["evalbook"]["key"]
    assert len(key) == 64 and key[:16] in json.dumps(notebook["cells"])


def test_a_build_reruns_only_what_changed_and_says_why(work):
    proc = evalbook(work, "build", "--no-html")
    assert proc.returncode == 0, proc.stderr
    assert "0 chapter(s) run, 12 up to date" in proc.stdout

    nps = work / "data" / "synthetic" / "wwatwork" / "survey_nps.csv"
    nps.write_text("".join(nps.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    proc = evalbook(work, "build", "--no-html")
    assert proc.returncode == 0, proc.stderr
    assert "1 chapter(s) run, 11 up to date" in proc.stdout
    assert "wwatwork/client_survey" in proc.stdout and "survey_nps.csv changed" in proc.stdout
    timings = json.loads((work / "_build" / execute.TIMINGS).read_text(encoding="utf-8"))
    assert list(timings) == ["wwatwork/client_survey"] and timings["wwatwork/client_survey"] > 0

    page = work / "book" / "methods.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    proc = evalbook(work, "build", "--no-html")
    assert "0 chapter(s) run, 12 up to date" in proc.stdout


def test_chapters_are_scheduled_longest_first_and_new_ones_before_all():
    jobs = config.jobs(config.load(ROOT))[:4]
    timings = {jobs[0].label: 2.0, jobs[1].label: 9.5, jobs[3].label: 4.0}  # jobs[2] never ran
    todo = [(job, None, "forced") for job in jobs]
    assert [job for job, _, _ in execute.longest_first(todo, timings)] == [jobs[2], jobs[1], jobs[3], jobs[0]]


def test_why_stale_names_the_changed_parts():
    parts = {
        "template": "a",
        "parameters": "b",
        "configuration": "c",
        "inputs": {"register.csv": "d"},
        "code": "e",
        "environment": "f",
    }
    old = {"key": "old", "parts": parts}
    assert cache.why_stale(cache.Key("old", parts), old) is None
    new = parts | {"inputs": {"register.csv": "x"}, "code": "y"}
    assert cache.why_stale(cache.Key("new", new), old) == "register.csv changed, package code changed"
    assert cache.why_stale(cache.Key("new", parts), None) == "not built yet"


def _digest(tmp_path, source: str) -> str:
    path = tmp_path / "module.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return dependencies.source_digest(path)


def test_the_code_digest_ignores_docstrings_comments_and_layout(tmp_path):
    base = _digest(
        tmp_path,
        '''
        """Module docstring."""
        def f(a, b):
            """What f does."""
            return a + b
        ''',
    )
    same = _digest(
        tmp_path,
        '''
        """A reworded module docstring,
        over two lines."""

        # a comment
        def f(
            a,
            b,
        ):  # another
            """What f does, said otherwise."""

            return a + b
        ''',
    )
    assert same == base
    assert _digest(tmp_path, "def f(a, b):\n    return a - b\n") != base
    assert _digest(tmp_path, 'def f(a, b):\n    """Doc."""\n    return a + b\nX = "not a docstring"\n') != base
    # a string that is the value of an assignment counts, even at the top of a module
    assert _digest(tmp_path, 'X = "a"\n') != _digest(tmp_path, 'X = "b"\n')


def test_a_chapter_runs_only_the_code_its_template_imports():
    """The effect study's key covers its analysis and report modules, not the literature
    scan's; every chapter's covers the executor."""
    book = config.load(ROOT)
    effect = next(j for j in config.jobs(book) if j.label == "wgw/effect_study")
    literature = next(j for j in config.jobs(book) if j.label == "wgw/literature_scan")
    effect_code = cache.chapter_key(effect.chapter, effect.parameters, ROOT).parts["code"]
    literature_code = cache.chapter_key(literature.chapter, literature.parameters, ROOT).parts["code"]
    assert "evalbook.analysis.effect" in effect_code and "evalbook.stats.survival" in effect_code
    assert "evalbook.report.literature" not in effect_code and "evalbook.analysis.literature" in literature_code
    assert cache.RUNNER in effect_code and cache.RUNNER in literature_code


def test_lazy_and_relative_imports_are_followed(tmp_path):
    package = tmp_path / "evalbook"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "sub" / "__init__.py").write_text("from . import a\n", encoding="utf-8")
    (package / "sub" / "a.py").write_text("def f():\n    from ..b import g\n    return g\n", encoding="utf-8")
    (package / "b.py").write_text("import evalbook.c\n", encoding="utf-8")
    (package / "c.py").write_text("", encoding="utf-8")
    (package / "unused.py").write_text("", encoding="utf-8")
    assert dependencies.closure(tmp_path, ["evalbook.sub"]) == [
        "evalbook",
        "evalbook.b",
        "evalbook.c",
        "evalbook.sub",
        "evalbook.sub.a",
    ]


def test_the_store_of_module_digests_is_a_cache_keyed_by_content(tmp_path):
    """What a later run reads from the store is what reading the module gives; a module whose
    bytes changed is read again, even at the same size and modification time; a damaged store
    or one made by other code is ignored."""
    module, store = tmp_path / "module.py", tmp_path / "_build" / "sources.json"
    module.write_text("import evalbook.a\nX = 1\n", encoding="utf-8")
    first = dependencies.Sources(store)
    found = first.read(module, "evalbook.module")
    first.save()
    assert found.imports == {"evalbook.a"} and store.is_file()
    assert dependencies.Sources(store).read(module, "evalbook.module") == found
    stat = module.stat()
    module.write_text("import evalbook.b\nX = 2\n", encoding="utf-8")  # same size
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = dependencies.Sources(store)
    changed = again.read(module, "evalbook.module")
    assert changed.imports == {"evalbook.b"} and changed.digest != found.digest
    assert changed.digest == dependencies.source_digest(module)
    again.save()  # the store keeps the module as it is now, not every version it was
    assert list(json.loads(store.read_text(encoding="utf-8"))["modules"]) == [
        f"evalbook.module:{hashlib.sha256(module.read_bytes()).hexdigest()}"
    ]
    for damaged in ("{", '{"header": {"format": 0}, "modules": {}}', "[]"):
        store.write_text(damaged, encoding="utf-8")
        assert dependencies.Sources(store).read(module, "evalbook.module") == changed


def test_checking_an_unchanged_book_imports_no_pandas():
    """Deciding that nothing changed (the chapters' keys, the HTML key) and loading the Sphinx
    extension of every HTML build need no pandas, pandera, statsmodels or Jupyter: importing them
    was most of the time of an unchanged build."""
    code = (
        "import sys\n"
        "from evalbook.book import cache, config, execute, html, sphinx_ext\n"
        "from evalbook.core import paths\n"
        "root = paths.repo_root()\n"
        "execute.plan(config.jobs(config.load(root)), root)\n"
        "cache.html_key(root)\n"
        "heavy = {'pandas', 'pandera', 'statsmodels', 'scipy', 'jupyter_client', 'papermill'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def _stale_after(work, module: str, edit) -> set[str]:
    """The chapters whose content key ``edit`` (text -> text) of ``module``'s file changes."""

    def keys():
        return {
            job.label: cache.chapter_key(job.chapter, job.parameters, work) for job in config.jobs(config.load(work))
        }

    path = work / "src" / Path(*module.split(".")).with_suffix(".py")
    original = path.read_text(encoding="utf-8")
    before = keys()
    path.write_text(edit(original), encoding="utf-8")
    try:
        return {label for label, key in keys().items() if cache.why_stale(key, before[label].as_metadata())}
    finally:
        path.write_text(original, encoding="utf-8")


def test_a_docstring_change_reruns_nothing_and_a_study_module_only_its_chapters(work):
    def reword_docstring(text):
        head, quote, rest = text.partition('"""')
        return head + quote + "Reworded. " + rest

    assert _stale_after(work, "evalbook.analysis.literature", reword_docstring) == set()
    assert _stale_after(work, "evalbook.stats.proportions", reword_docstring) == set()
    assert _stale_after(work, "evalbook.analysis.literature", lambda t: t + "\nCHANGED = 1\n") == {
        "wgw/literature_scan",
        "route3/literature_scan",
        "wwatwork/literature_scan",
    }
    # a study's presentation code: only that study's chapters
    assert _stale_after(work, "evalbook.report.survey", lambda t: t + "\nCHANGED = 1\n") == {
        "wgw/phone_survey",
        "route3/phone_survey",
    }
    assert _stale_after(work, "evalbook.report.effect", lambda t: t + "\nCHANGED = 1\n") == {
        "wgw/effect_study",
        "route3/effect_study",
    }


def test_a_chapter_that_writes_to_stderr_is_not_published():
    """A warning in a cell (here matplotlib's, as the funnel gave) fails the chapter: its text
    would be printed in the book with a path of the machine that ran it."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Titel"), nbformat.v4.new_code_cell("fig")]
    assert execute.stderr_output(nb) is None
    warning = "/x/figures.py:84: UserWarning: Tight layout not applied."
    nb.cells[1].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="ok\n"),
        nbformat.v4.new_output("stream", name="stderr", text=warning + "\n"),
    ]
    assert execute.stderr_output(nb) == f"cell 2 wrote to stderr: {warning}"


def test_no_published_chapter_carries_a_warning_or_an_error():
    import nbformat

    for path in sorted((ROOT / "book").rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert execute.stderr_output(nb) is None, path
        assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"], path
