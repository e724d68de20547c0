"""The PDFs the build prints (evalbook.book.pdf): one per part and one of the whole book, linked
from the book, with complete tables. The text is read back with pdftotext (Debian's
poppler-utils), so what is checked is what a reader can find in the file."""

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from evalbook.book import config, pdf
from test_browser import CHROMIUM

PDFTOTEXT = shutil.which("pdftotext")
if (CHROMIUM is None or PDFTOTEXT is None) and os.environ.get("CI"):
    pytest.fail("chromium or pdftotext is missing: `make test` installs chromium and poppler-utils", pytrace=False)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or PDFTOTEXT is None, reason="chromium or pdftotext (poppler-utils) not installed"
)


class Tables(HTMLParser):
    """The cell texts of every table in an HTML page: a list of tables, each a list of rows."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def pdf_text(path) -> str:
    """The text of a PDF in content order (``-raw``): a cell's lines stay together."""
    return subprocess.run([PDFTOTEXT, "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_pdf_per_part_and_of_the_book_linked_from_every_page(built):
    work, _ = built
    html_dir = work / "_build" / "html"
    keys = [key for key, _ in pdf.documents(config.load(work))]
    assert keys == [*config.load(work).parts, pdf.BOOK]
    for key in keys:
        path = html_dir / pdf.relative_path(key)
        assert path.read_bytes().startswith(b"%PDF"), key
    intro = (html_dir / "book" / "intro.html").read_text(encoding="utf-8")
    assert all(f'href="../{pdf.relative_path(key)}"' in intro for key in keys)
    chapter = (html_dir / "book" / "wgw" / "effect_study.html").read_text(encoding="utf-8")
    assert "window.print()" not in chapter
    assert chapter.count(f'href="../../{pdf.relative_path("wgw")}"') >= 2  # the header menu and the sidebar


def test_the_wgw_pdf_holds_the_complete_results_table(built):
    """Every cell of the WGW results table, the "p (Holm)" and "Oordeel" columns included, is
    in the PDF: the browser's own print cut such wide tables off."""
    work, _ = built
    parser = Tables()
    parser.feed((work / "_build" / "html" / "book" / "wgw" / "effect_study.html").read_text(encoding="utf-8"))
    results = next(t for t in parser.tables if t and "p (Holm)" in t[0])
    header = results[0]
    assert any(h.startswith("Oordeel") for h in header)
    text = squash(pdf_text(work / "_build" / "html" / pdf.relative_path("wgw")))
    missing = [cell for row in results for cell in row if squash(cell) not in text]
    assert not missing, f"cells of the WGW results table missing from wgw.pdf: {missing}"
    book = squash(pdf_text(work / "_build" / "html" / pdf.relative_path(pdf.BOOK)))
    assert all(squash(h) in book for h in header)


def test_each_part_pdf_has_its_chapters_and_the_bibliography(built):
    work, _ = built
    book = config.load(work)
    for key, part in book.parts.items():
        text = pdf_text(work / "_build" / "html" / pdf.relative_path(key))
        assert part.title in text, key
        titles = [c.title for c in book.chapters() if c.part.key == key]
        assert all(squash(t) in squash(text) for t in titles), (key, titles)
        assert "Literatuur" in text, key
