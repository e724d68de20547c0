"""A chapter rerun on data outside the repository names no folder of the machine that ran it
(issue 21, paths and free text): not in book/ (the executed chapter, its table, the downloadable
notebook's injected parameters), not in _build/html, not in the PDFs. The data directory is
"eigen data" there.

The rerun starts from a copy of the session's built book (tests/conftest.py), so only the one
chapter, the HTML pages that changed and the PDFs that hold them are made again."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import ROOT, copy_built, evalbook
from test_pdf import PDFTOTEXT

SECRET = "geheime-map-van-de-gemeente"  # a folder name that must not reach any output
TEXT_SUFFIXES = {".ipynb", ".html", ".csv", ".json", ".js", ".txt", ".md", ".xml", ".inv"}


@pytest.fixture(scope="module")
def rerun(built, tmp_path_factory):
    """The built book, copied, with wwatwork/client_survey rerun on a data directory outside it."""
    copy = copy_built(built, tmp_path_factory.mktemp("rerun") / "repo")
    outside = tmp_path_factory.mktemp(SECRET) / "extract"
    (outside / "wwatwork").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "synthetic" / "wwatwork" / "survey_nps.csv", outside / "wwatwork")
    args = ["--programme", "wwatwork", "--chapter", "client_survey", "--data-dir", str(outside)]
    proc = evalbook(copy, "build", *args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "wwatwork/client_survey" in proc.stdout and " ok " in proc.stdout
    return copy, outside


def leaks(text: str, outside) -> bool:
    return str(outside) in text or SECRET in text


def test_no_output_names_the_data_directory(rerun):
    copy, outside = rerun
    found = [
        path.relative_to(copy).as_posix()
        for top in ("book", "_build/html")
        for path in sorted((copy / top).rglob("*"))
        if path.is_file()
        and path.suffix in TEXT_SUFFIXES
        and leaks(path.read_text(encoding="utf-8", errors="replace"), outside)
    ]
    assert found == []


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) not installed")
def test_no_pdf_names_the_data_directory(rerun):
    copy, outside = rerun
    pdfs = sorted((copy / "_build" / "html").rglob("*.pdf"))
    assert pdfs
    texts = {p.name: subprocess.run([PDFTOTEXT, p, "-"], capture_output=True, text=True).stdout for p in pdfs}
    assert [name for name, text in texts.items() if leaks(text, outside)] == []
    assert any("eigen data" in text for text in texts.values())  # the rerun chapter's box is in its PDFs


def test_the_chapter_and_its_notebook_say_eigen_data(rerun):
    copy, _ = rerun
    notebook = json.loads((copy / "book" / "wwatwork" / "client_survey.ipynb").read_text(encoding="utf-8"))
    assert notebook["metadata"]["papermill"]["parameters"]["parameters"]["data_dir"] == "eigen data"
    injected = next(c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert '"data_dir": "eigen data"' in "".join(injected["source"])
    box = json.dumps(notebook["cells"])
    assert "eigen data/wwatwork/survey_nps.csv" in box and "Map met de data: eigen data" in box
    page = (copy / "_build" / "html" / "book" / "wwatwork" / "client_survey.html").read_text(encoding="utf-8")
    assert "<code>eigen data/wwatwork/survey_nps.csv</code>" in page
