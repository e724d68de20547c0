"""Downloadable data: every chapter links the CSV of its aggregate table, copied into the
build, and the data page lists all of them with every column explained."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from evalbook.book import config
from evalbook.core.errors import BuildError
from evalbook.report import columns
from evalbook.report.parameters import phrases

BOOK = config.load()
JOBS = config.jobs(BOOK)
DOWNLOAD = re.compile(r'<a class="reference download internal"[^>]*href="([^"]+)"')


def table_of(root: Path, job) -> Path:
    return root / "book" / job.chapter.part.key / "tables" / f"{job.chapter.template.name}.csv"


def downloads(page: Path) -> list[Path]:
    """The files a built page links for download, resolved in the build."""
    text = page.read_text(encoding="utf-8")
    return [(page.parent / html.unescape(href)).resolve() for href in DOWNLOAD.findall(text)]


@pytest.mark.parametrize("job", JOBS, ids=[j.label for j in JOBS])
def test_every_template_links_its_table(job):
    template = (ROOT / job.chapter.template.source).read_text(encoding="utf-8")
    assert f"<tables/{job.chapter.template.name}.csv>`" in template and "{download}" in template


def test_every_chapter_links_its_table_and_the_link_resolves(built):
    work, _ = built
    html_dir = work / "_build" / "html"
    for job in JOBS:
        linked = downloads(html_dir / "book" / f"{job.label}.html")
        table = table_of(work, job)
        found = [p for p in linked if p.name == table.name]
        assert found, f"{job.label} links no {table.name}: {linked}"
        assert all(p.is_file() and html_dir in p.parents for p in found), found
        assert found[0].read_bytes() == table.read_bytes()


def test_the_data_page_lists_every_table_with_every_column(built):
    work, _ = built
    page = work / "_build" / "html" / "book" / "data.html"
    linked = {p.read_bytes() for p in downloads(page) if p.is_file()}
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))
    for job in JOBS:
        table = table_of(work, job)
        assert table.read_bytes() in linked, f"the data page lacks the table of {job.label}"
        for column in pd.read_csv(table, nrows=0).columns:
            assert f"{column}:" in text, f"the data page does not explain {column} of {job.label}"


def test_the_data_page_names_every_chapter_of_the_book():
    page = (ROOT / "book" / "data.md").read_text(encoding="utf-8")
    for job in JOBS:
        assert f"<{job.chapter.part.key}/tables/{job.chapter.template.name}.csv>" in page, job.label
        assert f"{job.label}.ipynb::table_meanings" in page, job.label
    assert any(e == ("page", "book/data") for part in BOOK.parts.values() for e in part.entries)


@pytest.mark.parametrize("job", JOBS, ids=[j.label for j in JOBS])
def test_every_column_of_every_table_is_explained(job):
    frame = pd.read_csv(table_of(ROOT, job), nrows=0)
    meanings = columns.meanings(frame, job.chapter.template.name, phrases(job.parameters))
    assert list(meanings) == list(frame.columns)
    assert all(len(text) > 5 for text in meanings.values())


def test_a_column_without_a_meaning_stops_the_chapter():
    with pytest.raises(BuildError, match="without a meaning"):
        columns.meanings(pd.DataFrame(columns=["outcome", "mystery_column"]), "effect_study", {})
    assert columns.meaning("value_programme_alt", "effect_study", {}).endswith("in de programmagroep")
    assert columns.meaning("ci_low", "effect_study", {"confidence": "99%"}).endswith(
        "99%-betrouwbaarheidsinterval van het verschil"
    )
