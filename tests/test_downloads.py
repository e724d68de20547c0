"""Downloadable data: every chapter links the CSV of its aggregate table, copied into the
build, and the data page lists all of them with every column explained; every numbered table
has the download of its own numbers (for software and for Dutch Excel), split by role, behind
the same safety net, and listed on the data page. The browser test checks that each holds
exactly the numbers of the table beside it."""

from __future__ import annotations

import html
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from conftest import ROOT, chapter
from evalbook.book import config
from evalbook.core.errors import BuildError, DisclosureError
from evalbook.report import columns, downloads
from evalbook.report.parameters import phrases
from evalbook.report.tables import Table

BOOK = config.load()
JOBS = config.jobs(BOOK)
DOWNLOAD = re.compile(r'<a class="reference download internal"[^>]*href="([^"]+)"')


def table_of(root: Path, job) -> Path:
    return root / "book" / job.chapter.part.key / "tables" / f"{job.chapter.template.name}.csv"


def downloads_of(page: Path) -> list[Path]:
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
        linked = downloads_of(html_dir / "book" / f"{job.label}.html")
        table = table_of(work, job)
        found = [p for p in linked if p.name == table.name]
        assert found, f"{job.label} links no {table.name}: {linked}"
        assert all(p.is_file() and html_dir in p.parents for p in found), found
        assert found[0].read_bytes() == table.read_bytes()


def test_the_data_page_lists_every_table_with_every_column(built):
    work, _ = built
    page = work / "_build" / "html" / "book" / "data.html"
    linked = {p.read_bytes() for p in downloads_of(page) if p.is_file()}
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


# -- the download beside every numbered table (issue 24) -------------------------------------------


def test_a_cell_with_several_numbers_is_split_by_role_and_words_stay_words():
    table = Table(
        pd.DataFrame(
            {
                "Uitkomst": ["Uitstroom", "Contacten (gemiddeld)", "Deeltijd (minstens 1 maand)"],
                "Programmagroep": ["27,6% (163 van 590)", "29,0 (n = 1.300)", "– (n = 33)"],
                "Verschil (95%-BI)": ["+3,9 pp (−0,8 tot 8,6)", "5,0 (2,7 tot 7,3)", "–"],
                "p": ["p < 0,001", "0,044", "–"],
                "Gepubliceerd": ["19%", "niet gedrukt (19 − 11)", "onderdrukt"],
            }
        )
    )
    found = downloads.download(table)
    frame = found.frame
    assert list(frame.columns) == [
        "Uitkomst",
        "Programmagroep",
        "Programmagroep: eenheid",
        "Programmagroep: aantal",
        "Programmagroep: n",
        "Verschil",
        "Verschil: eenheid",
        "Verschil: ondergrens 95%-BI",
        "Verschil: bovengrens 95%-BI",
        "p",
        "Gepubliceerd",
    ]
    assert frame.iloc[0].tolist()[1:10] == ["27.6", "%", "163", "590", "3.9", "procentpunt", "-0.8", "8.6", "<0.001"]
    assert frame.iloc[1, 4] == "1300" and frame.iloc[2].tolist()[1:5] == ["", "", "", "33"]
    assert frame["Gepubliceerd"].tolist() == ["19%", "niet gedrukt (19 − 11)", "onderdrukt"]  # words stay words
    assert found.counts == ("Programmagroep: aantal", "Programmagroep: n")
    excel = found.excel().decode("utf-8")
    assert (
        excel.startswith("\ufeffUitkomst;")
        and "\r\nUitstroom;27,6;%;163;590;3,9;procentpunt;-0,8;8,6;<0,001;19%" in excel
    )
    assert found.csv().splitlines()[1] == "Uitstroom,27.6,%,163,590,3.9,procentpunt,-0.8,8.6,<0.001,19%"


def test_a_download_with_a_small_count_of_persons_is_refused(tmp_path):
    """The safety net of the chapter CSV holds for the downloads: a planted count of 3 persons
    stops the chapter; the same numbers in a chapter without persons (departments) pass."""
    running = chapter("wgw", "effect_study")
    running.table_dir = tmp_path
    planted = downloads.download(Table(pd.DataFrame({"Uitkomst": ["Uitstroom"], "Groep": ["1,0% (3 van 300)"]})))
    running._shown = SimpleNamespace(rules=running.rules)
    with pytest.raises(DisclosureError, match="Groep: aantal"):
        running.save_download("Tabel 1", planted)
    assert not (tmp_path / "effect_study").exists() or not list((tmp_path / "effect_study").iterdir())
    running._shown = SimpleNamespace(rules=None)
    written = running.save_download("Tabel 1", planted)
    assert [what for what, _ in written] == ["CSV", "voor Excel"] and all(Path(p).is_file() for _, p in written)


def test_the_data_page_links_every_table_download(built):
    work, _ = built
    linked = {p.name for p in downloads_of(work / "_build" / "html" / "book" / "data.html")}
    for job in JOBS:
        saved = {
            p.name for p in (work / "book" / job.chapter.part.key / "tables" / job.chapter.template.name).iterdir()
        }
        assert saved and saved <= linked, f"the data page lacks {sorted(saved - linked)} of {job.label}"
