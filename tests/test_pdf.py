"""The PDFs the build prints (evalbook.book.pdf): one per part and one of the whole book, linked
from the book, with complete tables, a cover, a printed table of contents, page numbers and a
running header, captions on the page of what they name, and one bookmark per heading. The text
is read back with pdftotext (Debian's poppler-utils), so what is checked is what a reader can
find in the file; the bookmarks, links and tags with pikepdf."""

import datetime as dt
import functools
import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
import yaml
from pikepdf import Array, Dictionary, Name, Pdf

from conftest import copy_built
from evalbook.book import config, pdf, pdf_assembly
from evalbook.report import text as dutch
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


NUMBER = re.compile(r"^(?P<header>.*?)\s{2,}(?P<number>\d+|[ivxlc]+)\s*$")
ENTRY = re.compile(r"^\s*(?P<title>\S.*?)\s{2,}(?P<number>\d+)\s*$")
CAPTION = re.compile(r"<p><strong>((?:Tabel|Figuur) \d+\.)</strong>(.*?)</p>")


class Headings(HTMLParser):
    """The h1-h3 texts of a built page's article, as a reader sees them (no "#" link)."""

    def __init__(self):
        super().__init__()
        self.headings, self._text, self._in_article, self._skip = [], None, False, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article" and "bd-article" in (attrs.get("class") or ""):
            self._in_article = True
        elif self._in_article and tag in ("h1", "h2", "h3"):
            self._text = []
        elif self._text is not None and tag == "a" and "headerlink" in (attrs.get("class") or ""):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self._in_article = False
        elif tag in ("h1", "h2", "h3") and self._text is not None:
            self.headings.append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == "a" and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._text is not None and not self._skip:
            self._text.append(data)


@functools.cache
def pdf_pages(path) -> list[str]:
    """The text of every page of a PDF, laid out as printed (``-layout``); read once per path."""
    out = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def page_numbers(pages: list[str]) -> list[tuple[str, str] | None]:
    """(running header, page number) printed at the top of each page, None where there is none."""
    found = []
    for page in pages:
        first = next((line for line in page.splitlines() if line.strip()), "")
        match = NUMBER.match(first)
        found.append((match["header"].strip(), match["number"]) if match else None)
    return found


def printed_contents(pages: list[str]) -> list[tuple[str, int]]:
    """The entries (title, page number) of the printed table of contents: the pages headed
    "Inhoud"; a title that wraps is joined with its next line."""
    entries, pending = [], ""
    for page, number in zip(pages, page_numbers(pages), strict=True):
        if not number or number[0] != "Inhoud":
            continue
        for line in page.splitlines()[1:]:
            match = ENTRY.match(line)
            if match:
                entries.append((f"{pending} {match['title']}".strip(), int(match["number"])))
                pending = ""
            elif line.strip() and line.strip() != "Inhoud":
                pending = f"{pending} {line.strip()}".strip()
    return entries


def body(pages: list[str], numbers) -> dict[int, str]:
    """Printed page number -> text of that page below its header line, for the numbered body."""
    return {
        int(n[1]): page.strip().split("\n", 1)[-1]
        for page, n in zip(pages, numbers, strict=True)
        if n and n[1].isdigit()
    }


def document_pages(work, key) -> list[str]:
    """The built HTML pages of the PDF ``key``, in order (the bibliography last in a part's)."""
    pages = pdf._pages(config.load(work))[key]
    return pages + ([pdf.BIBLIOGRAPHY] if pdf.BIBLIOGRAPHY not in pages else [])


def outline_titles(path) -> list[tuple[int, str, int]]:
    """The bookmarks of a PDF, depth first: (depth, title, page index)."""
    with Pdf.open(path) as reader, reader.open_outline() as outline:
        index = {page.obj.objgen: i for i, page in enumerate(reader.pages)}

        def walk(items, depth):
            for item in items:
                yield depth, item.title, index[item.destination[0].objgen]
                yield from walk(item.children, depth + 1)

        return list(walk(outline.root, 0))


def test_every_page_but_the_cover_has_a_running_header_and_its_page_number(built):
    """The cover has none; the table of contents roman numbers; the body 1, 2, 3 ... with the
    part and chapter in the header; and the viewer's page labels say the same."""
    work, _ = built
    book = config.load(work)
    for key, title in pdf.documents(book):
        path = work / "_build" / "html" / pdf.relative_path(key)
        numbers = page_numbers(pdf_pages(path))
        assert numbers[0] is None, key
        front = [n for n in numbers[1:] if n and n[0] == "Inhoud"]
        assert [n[1] for n in front] == ["ii", "iii", "iv", "v"][: len(front)], key
        rest = numbers[1 + len(front) :]
        assert None not in rest, (key, rest.index(None) if None in rest else None)
        assert [int(n[1]) for n in rest] == list(range(1, len(rest) + 1)), key
        if key != pdf.BOOK:
            assert all(header.startswith(f"{title} \u2013 ") for header, _ in rest), key
        with Pdf.open(path) as reader:
            labels = [page.label for page in reader.pages]
        assert labels[1:] == [n[1] for n in numbers[1:]], key


def test_the_printed_contents_give_the_page_of_every_chapter_and_section(built):
    """Each entry of the table of contents is on the page it names, and every chapter is listed."""
    work, _ = built
    book = config.load(work)
    for key, _ in pdf.documents(book):
        pages = pdf_pages(work / "_build" / "html" / pdf.relative_path(key))
        numbers = page_numbers(pages)
        numbered = body(pages, numbers)
        headers = {int(n): header for header, n in filter(None, numbers) if n.isdigit()}
        entries = printed_contents(pages)
        assert entries, key
        parts = {part.title for part in book.parts.values()} if key == pdf.BOOK else set()
        wrong = [
            (title, n)
            for title, n in entries
            if squash(title) not in squash(numbered.get(n, ""))
            and not (title in parts and headers.get(n, "").startswith(f"{title} \u2013"))  # a part: its first page
        ]
        assert not wrong, f"{key}: contents entries not on the page they give: {wrong}"
        assert [n for _, n in entries] == sorted(n for _, n in entries), key
        titles = [c.title for c in book.chapters() if key in (pdf.BOOK, c.part.key)]
        assert {squash(t) for t in titles} <= {squash(t) for t, _ in entries}, key
    part = printed_contents(pdf_pages(work / "_build" / "html" / pdf.relative_path("wgw")))
    chapter = [t for t, _ in part].index("Effectstudie WGW")
    assert (
        part[chapter + 1][0] == "Resultaten" and part[chapter + 2][0] == "Onderzoeksgroepen"
    )  # sections too, results first


def test_no_page_ends_on_the_title_of_a_table_or_figure(built):
    """The title above a numbered table or figure is on the same page as (the start of) it."""
    work, _ = built
    html_dir = work / "_build" / "html"
    for key, _ in pdf.documents(config.load(work)):
        captions = {
            squash(html.unescape(re.sub(r"<[^>]+>", "", f"{label}{title}")))
            for name in document_pages(work, key)
            for label, title in CAPTION.findall((html_dir / f"{name}.html").read_text(encoding="utf-8"))
        }
        assert captions or key == "context", key
        pages = pdf_pages(html_dir / pdf.relative_path(key))
        orphaned = [
            (index + 1, caption)
            for index, page in enumerate(pages)
            for caption in captions
            if squash(page).endswith(caption)
        ]
        assert not orphaned, f"{key}: pages (counted from 1) ending on a table or figure title: {orphaned}"


def test_the_cover_gives_title_version_date_and_author(built):
    """From _config.yml and the release record (book/versions.json), not typed in the code: a
    development version says which release it follows and when that was released."""
    work, _ = built
    meta = yaml.safe_load((work / "_config.yml").read_text(encoding="utf-8"))
    releases = json.loads((work / "book" / "versions.json").read_text(encoding="utf-8"))["releases"]
    version = str(meta["version"])
    base = version.removesuffix("+dev")
    released = next(r["date"] for r in releases if r["version"] == base)
    day = dt.date.fromisoformat(released)
    date = f"{day.day} {dutch.MONTHS[day.month - 1]} {day.year}"
    assert version.endswith("+dev")  # the working tree after release 0.1.0
    expected = [
        meta["title"],
        f"Versie in ontwikkeling (na {base})",
        f"Datum niet uitgebracht; versie {base} is van {date}",
    ]
    for key, title in pdf.documents(config.load(work)):
        path = work / "_build" / "html" / pdf.relative_path(key)
        cover = squash(pdf_pages(path)[0])
        for field in [*expected, f"Auteur{meta['author']}"]:
            assert squash(field) in cover, (key, field)
        if key != pdf.BOOK:
            assert squash(title) in cover, key
        with Pdf.open(path) as reader:
            assert str(reader.docinfo.Author) == meta["author"] and meta["title"] in str(reader.docinfo.Title), key


def test_a_released_version_has_its_release_date_on_the_cover(tmp_path):
    """The cover's fields of a release come from its record."""
    (tmp_path / "book").mkdir()
    (tmp_path / "_config.yml").write_text('title: "Boek"\nauthor: "Auteur"\nversion: 0.2.0\n', encoding="utf-8")
    record = {"version": "0.2.0", "date": "2027-03-01", "source_commit": "abc"}
    (tmp_path / "book" / "versions.json").write_text(json.dumps({"releases": [record]}), encoding="utf-8")
    assert pdf.cover(tmp_path) == pdf.Cover("Boek", "Auteur", "0.2.0", "1 maart 2027")
    (tmp_path / "_config.yml").write_text('title: "Boek"\nauthor: "Auteur"\nversion: 0.3.0\n', encoding="utf-8")
    assert pdf.cover(tmp_path).date == "niet uitgebracht"


def test_one_bookmark_per_heading_with_its_text(built):
    """The bookmarks are the headings (h1-h3) of the pages, in order, each once and with its
    words apart, under its part in the whole book; each opens the page the heading is on."""
    work, _ = built
    book = config.load(work)
    html_dir = work / "_build" / "html"

    def headings(name):
        parser = Headings()
        parser.feed((html_dir / f"{name}.html").read_text(encoding="utf-8"))
        return parser.headings

    for key, _ in pdf.documents(book):
        if key == pdf.BOOK:
            pages = pdf._pages(book)
            expected = headings(pages[pdf.BOOK][0]) + [
                h for k, part in book.parts.items() for h in [part.title, *(h for n in pages[k] for h in headings(n))]
            ]
        else:
            expected = [h for name in document_pages(work, key) for h in headings(name)]
        path = html_dir / pdf.relative_path(key)
        marks = outline_titles(path)
        assert [title for _, title, _ in marks] == ["Inhoud", *expected], key
        pages = pdf_pages(path)
        misplaced = [(title, index) for _, title, index in marks if squash(title) not in squash(pages[index])]
        assert not misplaced, f"{key}: bookmarks opening a page without their heading: {misplaced}"


def structure_parents(document) -> tuple[int, list[str]]:
    """The structure elements below ``document`` (a merged PDF's Document element): how many,
    and those whose parent (``/P``) is not the element they are listed under."""
    count, orphans, stack = 0, [], [document]
    while stack:
        parent = stack.pop()
        kids = parent.get("/K", Array())
        for kid in kids if isinstance(kids, Array) else [kids]:
            if isinstance(kid, Dictionary) and "/S" in kid and kid.get("/Type", Name.StructElem) == Name.StructElem:
                count += 1
                if kid.P.objgen != parent.objgen:
                    orphans.append(f"{kid.S} under {parent.S}")
                stack.append(kid)
    return count, orphans


def test_links_inside_a_pdf_lead_to_their_target_and_the_pdf_is_tagged(built):
    """A citation in a chapter opens the bibliography printed in the same PDF (another segment);
    no link is left pointing at the printing's marker; the tags cover every page."""
    work, _ = built
    path = work / "_build" / "html" / pdf.relative_path("wgw")
    pages = pdf_pages(path)
    targets = []
    with Pdf.open(path) as reader:
        index = {page.obj.objgen: i for i, page in enumerate(reader.pages)}
        for page in reader.pages:
            for annot in page.obj.get("/Annots", Array()):
                uri = annot.get("/A", {}).get("/URI", "")
                assert not str(uri).startswith(pdf_assembly.MARKER)
                if "/Dest" in annot:
                    assert isinstance(annot.Dest, Array), "a link to a named destination the PDF may not hold"
                    targets.append(index[annot.Dest[0].objgen])
        tree = reader.Root.StructTreeRoot
        keys = set(tree.ParentTree.Nums[::2])
        assert all(page.obj.StructParents in keys for page in reader.pages if "/StructParents" in page.obj)
        elements, orphans = structure_parents(tree.K)
        assert elements > 1000 and not orphans, f"{len(orphans)} of {elements} tags name another parent: {orphans[:5]}"
        assert str(reader.Root.Lang) == "nl"
    assert any(pages[i].lstrip().startswith("Wijkgestuurd Werken \u2013 Literatuur") for i in targets)


def test_a_changed_page_prints_only_its_own_segment(built, tmp_path):
    """Unchanged pages are not printed again: a change to one chapter prints its part's segment
    and remakes that part's PDF and the whole book's, nothing else; a page written again with
    only a static file's version added to a link (as Sphinx does after a build from scratch)
    is unchanged."""
    copy = copy_built(built, tmp_path / "repo")
    html_dir = copy / "_build" / "html"
    log = []
    with pdf.printers(everything=False) as printing:
        pdf.build_pdfs(copy, html_dir, printing, log=log.append)
    assert "PDFs: 0 made (0 of 7 segments printed), 6 unchanged" in log[-1]
    page = html_dir / "book" / "context" / "client_journey.html"
    revised = re.sub(
        r'(<h1>[^<]*)(<a class="headerlink")', r"\1 (herzien)\2", page.read_text(encoding="utf-8"), count=1
    )
    page.write_text(revised, encoding="utf-8")
    for other in (html_dir / "book" / "wgw" / "index.html", html_dir / "book" / "intro.html"):
        # as Sphinx writes a page again once a static file exists: its link gains a version
        versioned = re.sub(r'(_static/[^"?]+\.css)"', r'\1?v=8cd3d715"', other.read_text(encoding="utf-8"))
        assert versioned != other.read_text(encoding="utf-8")
        other.write_text(versioned, encoding="utf-8")
    with pdf.printers(everything=False) as printing:
        pdf.build_pdfs(copy, html_dir, printing, log=log.append)
    assert "PDFs: 2 made (1 of 7 segments printed), 4 unchanged" in log[-1]
    for key in ("context", pdf.BOOK):
        assert "(herzien)" in "".join(pdf_pages(html_dir / pdf.relative_path(key))), key


def test_the_style_sheets_are_those_the_browser_finds_on_the_landing_page(built, tmp_path):
    """The print documents link the style sheets read from the landing page's HTML: the same
    addresses, in the same order, as Chromium resolves them when it opens the page (here under
    a folder whose name must be escaped in a URL)."""
    from playwright.sync_api import sync_playwright

    html_dir = shutil.copytree(built[0] / "_build" / "html", tmp_path / "a folder #1" / "html")
    landing = html_dir / f"{config.toc(config.load(built[0]))['root']}.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=pdf.ARGS)
        page = browser.new_page(java_script_enabled=False)
        page.goto(landing.as_uri(), wait_until="load")
        found = page.evaluate("[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)")
        browser.close()
    assert len(found) >= 5 and all(href.startswith(html_dir.as_uri()) for href in found), found
    assert pdf.style_sheets(landing) == found
