"""PDFs of the built book: one per part (programme) and one of the whole book.

Made from the same built HTML pages as the website, so a PDF never differs from the book:
the article of every page is put in a print document with the theme's style sheets and the
print rules of ``book/_static/evalbook.css``, each page starting on a new sheet. Debian's
Chromium, driven by Playwright (no browser download), prints it on A4. A table wider than a
portrait page goes on a landscape page of its own (CSS named page ``evalbook-landscape``) and
is scaled down if even that is too narrow, so every column stays on paper.

Every page is printed once. The pages are grouped in segments: the landing page, each part's
pages and the bibliography. A segment is printed when its pages (or the book's style sheets,
or this code) changed since it was last printed, into ``_build/.pdf/segments/``; the PDFs are
then put together from their segments by :mod:`evalbook.book.pdf_assembly`: a part's PDF is
its segment and the bibliography, the whole book is every segment. Only the front matter of
each PDF is printed for it: a cover with title, version, date and author (``_config.yml`` and
the release record ``book/versions.json``) and a table of contents with page numbers, read from
the printed segments.

Links between pages become links inside the PDF where the target is in it, and plain text
where it is not (a file path on the machine that built the PDF means nothing to a reader).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import json
import multiprocessing.util
import os
import re
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import yaml

from ..core.errors import BuildError
from ..report import text
from . import config, pdf_assembly, records, staging
from .pdf_assembly import Bookmark

BOOK = "book"  # the key of the PDF of the whole book
BOOK_TITLE = "Het hele boek"
OUT_DIR = Path("_downloads") / "pdf"
CACHE_DIR = ".pdf"  # under _build/: the printed segments and PDFs and what each was made from
BIBLIOGRAPHY = "book/bibliography"
ROOT_SEGMENT, BIBLIOGRAPHY_SEGMENT = "root", "bibliography"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MM = 96 / 25.4  # CSS pixels per millimetre
MARGIN_MM = 12  # side margins, as the @page rules of evalbook.css
PORTRAIT_MM, LANDSCAPE_MM = 210 - 2 * MARGIN_MM, 297 - 2 * MARGIN_MM  # usable width
CODE = [Path(__file__), Path(pdf_assembly.__file__)]  # a change to them prints everything again

# The articles of built pages, ready to be put in another document: resources and links as
# absolute URLs, every id prefixed with the page's so that pages do not clash, links to other
# pages marked with the id they point to, hidden cell outputs shown (without their toggle), buttons
# removed. Each page is given as [its HTML, its address, the prefix of its ids] and parsed, not
# visited: nothing of it is loaded or laid out (a visit per page cost 0.15 s), and its relative
# links resolve against its own address, as on the page.
_EXTRACT = """(pages) => pages.map(([text, address, prefix]) => {
  const doc = new DOMParser().parseFromString(text, "text/html");
  doc.head.prepend(Object.assign(doc.createElement("base"), {href: address}));
  const article = doc.querySelector("article.bd-article").cloneNode(true);
  article.querySelectorAll("button, script, .headerlink, .toggle-details__summary").forEach(e => e.remove());
  article.querySelectorAll("details").forEach(d => {
    const shown = doc.createElement("div");
    shown.className = d.className;
    const title = d.querySelector(":scope > summary.admonition-title");  // a collapsed box's title stays
    if (title) {
      const p = Object.assign(doc.createElement("p"), {className: "admonition-title"});
      shown.append(Object.assign(p, {textContent: title.textContent}));
    }
    shown.append(...[...d.childNodes].filter(n => n.nodeName !== "SUMMARY"));
    d.replaceWith(shown);
  });
  article.querySelectorAll("[src]").forEach(e => e.setAttribute("src", e.src));
  article.querySelectorAll("[id]").forEach(e => { e.id = prefix + e.id; });
  const root = new URL(doc.documentElement.dataset.content_root, address).href;
  article.querySelectorAll("a[href]").forEach(a => {
    const url = new URL(a.href);
    if (!url.href.startsWith(root) || !url.pathname.endsWith(".html")) return;
    const page = url.href.slice(root.length).split("#")[0].replace(/\\.html$/, "");
    a.setAttribute("href", "#" + page.replaceAll("/", "-") + "--" + (decodeURIComponent(url.hash.slice(1)) || "top"));
  });
  return article.innerHTML;
})"""

# In a segment's print document: a link to an element printed elsewhere points at the marker
# URL (the assembly makes it a link inside the PDF, or plain text); every element with an id
# becomes a named destination (Chromium makes one for each link target, hence the hidden
# links); tables wider than a portrait page go on landscape pages, scaled to fit (widths in CSS
# px). Returns the headings of every page: [id, level, text as a reader sees it].
_LAYOUT = """([portrait, landscape, marker]) => {
  document.querySelectorAll('a[href^="#"]').forEach(a => {
    const id = decodeURIComponent(a.getAttribute("href").slice(1));
    if (!document.getElementById(id)) a.setAttribute("href", marker + encodeURIComponent(id));
  });
  const pages = [...document.querySelectorAll("article.evalbook-print-page")].map(article => ({
    name: article.dataset.page,
    headings: [...article.querySelectorAll("h1, h2, h3")].map((h, i) => {
      if (!h.id) h.id = article.id + "-heading-" + i;
      return [h.id, Number(h.tagName[1]), h.innerText.replace(/\\s+/g, " ").trim()];
    }),
  }));
  const targets = document.createElement("nav");
  targets.hidden = true;
  document.querySelectorAll("[id]").forEach(e => {
    const link = document.createElement("a");
    link.href = "#" + encodeURIComponent(e.id);
    targets.append(link);
  });
  document.body.append(targets);
  document.querySelectorAll("article table").forEach(table => {
    const width = table.scrollWidth;
    if (width <= portrait + 1) return;
    const block = table.closest(".cell") || table.closest(".pst-scrollable-table-container") || table;
    block.classList.add("evalbook-landscape");
    if (width > landscape) table.style.zoom = (landscape / width).toFixed(3);
  });
  return pages;
}"""


@dataclass(frozen=True)
class Cover:
    """What the cover of every PDF says: the book's title, author, version and release date."""

    title: str
    author: str
    version: str
    date: str  # Dutch: "23 november 2026"


def chromium() -> str | None:
    """Debian's Chromium, which prints the PDFs; None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def documents(book: config.Book) -> list[tuple[str, str]]:
    """``(key, title)`` of every PDF: the parts in book order, then the whole book."""
    return [(key, part.title) for key, part in book.parts.items()] + [(BOOK, BOOK_TITLE)]


def relative_path(key: str) -> str:
    """Where the PDF ``key`` lies, relative to the root of the HTML build."""
    return (OUT_DIR / f"{key}.pdf").as_posix()


def parts_of_pages(book: config.Book) -> dict[str, str]:
    """The part each page of the book belongs to: page name (``book/wgw/effect_study``) -> part key."""
    return {page: key for key, pages in _pages(book).items() if key != BOOK for page in pages}


def _pages(book: config.Book) -> dict[str, list[str]]:
    """The pages of every PDF, in book order: part key (or ``BOOK``) -> page names."""
    toc = config.toc(book)
    pages = {
        key: [entry["file"] for entry in part["chapters"]] for key, part in zip(book.parts, toc["parts"], strict=True)
    }
    pages[BOOK] = [toc["root"]] + [page for key in book.parts for page in pages[key]]
    return pages


def _segments(book: config.Book) -> dict[str, list[str]]:
    """The pieces printed once each: segment key -> page names (none empty), in book order."""
    toc = config.toc(book)
    segments = {ROOT_SEGMENT: [toc["root"]]}
    for key, pages in _pages(book).items():
        if key != BOOK:
            segments[f"part-{key}"] = [page for page in pages if page != BIBLIOGRAPHY]
    segments[BIBLIOGRAPHY_SEGMENT] = [BIBLIOGRAPHY]
    return {key: pages for key, pages in segments.items() if pages}


def _plan(key: str, segments: dict[str, list[str]]) -> list[str]:
    """The segments of the PDF ``key``, in order: a part and the bibliography, or all of them."""
    wanted = list(segments) if key == BOOK else [f"part-{key}", BIBLIOGRAPHY_SEGMENT]
    return [segment for segment in wanted if segment in segments]


def cover(root: Path) -> Cover:
    """The cover's fields: title, author and version from ``_config.yml`` (the version as the
    book names it: ``0.2.0``, or ``in ontwikkeling (na 0.1.0)``), the date from the release
    record (``book/versions.json``): the release's date, or for work after a release that it
    is not released and when the release it builds on was."""
    meta = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    missing = [name for name in ("title", "author", "version") if not str(meta.get(name) or "").strip()]
    if missing:
        raise BuildError(f"_config.yml: {', '.join(missing)} missing (the cover of the PDFs shows them)")
    version = str(meta["version"])
    dates = {release.version: release.date for release in records.load(root)}
    base = records.released_from(version)
    if version in dates:
        date = _dutch_date(dates[version])
    elif base in dates:
        date = f"niet uitgebracht; versie {base} is van {_dutch_date(dates[base])}"
    else:
        date = "niet uitgebracht"
    return Cover(str(meta["title"]), str(meta["author"]), records.label(version), date)


def _dutch_date(iso: str) -> str:
    """``2026-11-23`` -> ``23 november 2026``."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        raise BuildError(f"{records.RECORDS.as_posix()}: release date {iso!r} is not a date (YYYY-MM-DD)") from None
    return f"{day.day} {text.MONTHS[day.month - 1]} {day.year}"


def build_pdfs(root: Path, html_dir: Path, printing, log=print) -> list[Path]:
    """Print the PDFs of the book built in ``html_dir`` into ``html_dir/_downloads/pdf/`` on the
    ``printing`` processes (:func:`printers`); returns their paths. Without Chromium (no
    printers) there are none, and the book links none.

    A segment whose pages (their HTML, the book's style sheets and this code) did not change
    since it was last printed is not printed again, and a PDF none of whose segments nor cover
    changed is copied from ``_build/.pdf/``."""
    if printing is None:
        log("Chromium is not installed: the book is built without PDFs (`make test` installs it).")
        return []
    book = config.load(root)
    meta = cover(root)
    segments = _segments(book)
    cache = root / "_build" / CACHE_DIR
    (cache / "segments").mkdir(parents=True, exist_ok=True)
    code = hashlib.sha256(b"".join(path.read_bytes() for path in CODE)).hexdigest()
    digests = {key: _digest(html_dir, names, code) for key, names in segments.items()}
    stale = [key for key in segments if _recorded(cache / "segments" / key) != digests[key]]
    todo = {}
    for key, title in documents(book):
        parts = _plan(key, segments)
        digest = hashlib.sha256(json.dumps([meta.__dict__, title, [digests[p] for p in parts]]).encode()).hexdigest()
        if _recorded(cache / key) != digest:
            todo[key] = (title, parts, digest)
    if todo:
        _print(printing, html_dir, book, meta, segments, {key: digests[key] for key in stale}, todo, cache)
    out_dir = html_dir / OUT_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for key, _ in documents(book):
        shutil.copy2(cache / f"{key}.pdf", out_dir / f"{key}.pdf")
        written.append(out_dir / f"{key}.pdf")
    log(
        f"PDFs: {len(todo)} made ({len(stale)} of {len(segments)} segments printed), "
        f"{len(written) - len(todo)} unchanged (in {OUT_DIR.as_posix()}/ of the HTML build)"
    )
    return written


# A static file's version in a page's link (``mystnb.css?v=8cd3d715``): Sphinx adds it only
# once the file exists, so a page written by a build from scratch differs from the same page
# written again later by this alone. The files themselves are in the digest.
_STATIC_VERSION = re.compile(rb"\?v=[0-9a-f]+")


def _digest(html_dir: Path, names: list[str], code: str) -> str:
    """What a segment is printed from: its pages (without the versions of static files in
    their links), the book's style sheets and this code."""
    digest = hashlib.sha256(code.encode())
    for name in names:
        digest.update(f"{name}.html".encode())
        digest.update(_STATIC_VERSION.sub(b"", (html_dir / f"{name}.html").read_bytes()))
    for path in sorted((html_dir / "_static").rglob("*.css")):
        digest.update(path.relative_to(html_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _recorded(stem: Path) -> str | None:
    """The digest a cached PDF (``stem.pdf``) was made from, or None when there is none."""
    stamp = stem.with_suffix(".sha256")
    return stamp.read_text(encoding="utf-8") if stem.with_suffix(".pdf").is_file() and stamp.is_file() else None


@contextlib.contextmanager
def printers(everything: bool):
    """Printer processes, each with a browser of its own opened at once: started before
    Jupyter Book builds the HTML, so that printing begins as soon as it is built; None without
    Chromium. One per core when ``everything`` is to be printed, else one: Chromium itself uses
    more than one core, and a second printer costs more than it saves on a small job (measured
    on 2 cores: a part's page changed, 1 segment and 2 PDFs, took 1.4 s longer with two; all 7
    segments and 6 PDFs about 1 s less). They end with the build and ignore Ctrl-C, which the
    build handles (:func:`staging.helper_init`), and so do the browsers they start."""
    if chromium() is None:
        yield None
        return
    with staging.workers((os.cpu_count() or 1) if everything else 1, _printer_worker) as pool:
        yield pool


def _print(
    printing,
    html_dir: Path,
    book: config.Book,
    meta: Cover,
    segments: dict[str, list[str]],
    stale: dict[str, str],
    todo: dict,
    cache: Path,
) -> None:
    """Print the ``stale`` segments (key -> digest), then make the PDFs in ``todo`` (key ->
    title, segment keys, digest) into ``cache``, shared out over the ``printing`` processes. The
    whole book's front matter is printed first and its PDF assembled here, the longest assembly,
    while the printers make the parts' PDFs."""
    styles = style_sheets(html_dir / f"{segments[ROOT_SEGMENT][0]}.html")
    printed = [
        printing.submit(
            _on_printer, styles, _print_segment, (html_dir, segments[key], cache / "segments" / key, digest)
        )
        for key, digest in stale.items()
    ]
    for done in printed:  # the front matter gives the page numbers of the printed segments
        done.result()

    def made_from(key: str) -> tuple:
        title, pieces, _ = todo[key]
        return book, meta, key, title, [cache / "segments" / piece for piece in pieces], cache

    whole = printing.submit(_on_printer, styles, _print_front, made_from(BOOK)) if BOOK in todo else None
    others = [
        printing.submit(_on_printer, styles, _make_pdf, (*made_from(key), todo[key][2])) for key in todo if key != BOOK
    ]
    if whole is not None:
        _assemble(whole.result(), cache / BOOK, todo[BOOK][2])
    for done in others:
        done.result()


class _StyleSheets(HTMLParser):
    """The addresses of the style sheets a page links (``<link rel="stylesheet">``), in order."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "stylesheet" and found.get("href"):
            self.hrefs.append(found["href"])


def style_sheets(page: Path) -> list[str]:
    """The style sheets the built ``page`` links, as absolute URLs, as its browser resolves them
    (read from its HTML: opening it in the printer cost 0.2 s)."""
    parser = _StyleSheets()
    parser.feed(page.read_text(encoding="utf-8"))
    return [urljoin(page.as_uri(), href) for href in parser.hrefs]


# The printer of a printer process: Playwright, the browser and its page, opened when the process
# starts (or, if that failed, at its first task, which reports why).
_PRINTER: list = []


def _printer_worker() -> None:
    """A printer process: ends with the build, opens its browser at once and closes it when it
    ends."""
    staging.helper_init()
    multiprocessing.util.Finalize(None, _close_printer, exitpriority=10)
    with contextlib.suppress(Exception):
        _page()


def _page():
    """This process's printing page, its browser (:func:`chromium`) launched first if need be.
    A printer is kept only once it is complete."""
    if not _PRINTER:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(executable_path=chromium(), args=ARGS)
            # No page scripts: the articles are read and printed as the HTML has them (the
            # search index and the theme's scripts would only cost time).
            page = browser.new_page(
                viewport={"width": round(PORTRAIT_MM * MM), "height": 1000}, java_script_enabled=False
            )
            page.emulate_media(media="print")
        except BaseException:
            playwright.stop()
            raise
        _PRINTER.extend([playwright, browser, page])
    return _PRINTER[2]


def _on_printer(styles: list[str], task, args: tuple):
    """``task(page, styles, *args)`` on this process's printer (``styles``: the book's style
    sheets, :func:`style_sheets`)."""
    from playwright.sync_api import Error

    try:
        return task(_page(), styles, *args)
    except Error as exc:
        raise BuildError(f"printing the PDFs with {chromium()} failed: {exc}") from None


def _close_printer() -> None:
    """Close this process's browser and Playwright, if it opened them."""
    if _PRINTER:
        playwright, browser, _ = _PRINTER
        _PRINTER.clear()
        browser.close()
        playwright.stop()


def _print_segment(page, styles: list[str], html_dir: Path, names: list[str], stem: Path, digest: str) -> None:
    """Print the pages ``names`` into ``stem.pdf``, their headings into ``stem.json`` and what
    they were printed from (``digest``) into ``stem.sha256``."""
    pages = []
    for name in names:
        path = html_dir / f"{name}.html"
        pages.append([path.read_text(encoding="utf-8"), path.as_uri(), _anchor(name, "")])
    articles = dict(zip(names, page.evaluate(_EXTRACT, pages), strict=True))
    headings = _print_document(page, _document(stem.name, _articles(articles), styles), stem.with_suffix(".pdf"))
    stem.with_suffix(".json").write_text(json.dumps(headings, ensure_ascii=False), encoding="utf-8")
    stem.with_suffix(".sha256").write_text(digest, encoding="utf-8")


def _make_pdf(
    page,
    styles: list[str],
    book: config.Book,
    meta: Cover,
    key: str,
    title: str,
    parts: list[Path],
    cache: Path,
    digest: str,
) -> None:
    """The PDF ``key`` in ``cache``: its front matter printed, then assembled with the printed
    segments ``parts`` (their stems)."""
    _assemble(_print_front(page, styles, book, meta, key, title, parts, cache), cache / key, digest)


def _assemble(document: pdf_assembly.Document, stem: Path, digest: str) -> None:
    """Assemble ``document`` into ``stem.pdf``, with what it was made from (``digest``) beside it."""
    pdf_assembly.assemble(document, stem.with_suffix(".pdf"))
    document.front.unlink()
    stem.with_suffix(".sha256").write_text(digest, encoding="utf-8")


def _print_front(
    page, styles: list[str], book: config.Book, meta: Cover, key: str, title: str, parts: list[Path], cache: Path
) -> pdf_assembly.Document:
    """Print the front matter of the PDF ``key`` (cover and contents, with the page numbers of
    the printed segments ``parts``, their stems) into ``cache``; returns what the PDF is
    assembled from."""
    heads = {
        printed["name"]: printed["headings"]
        for part in parts
        for printed in json.loads(part.with_suffix(".json").read_text(encoding="utf-8"))
    }
    pdfs = [part.with_suffix(".pdf") for part in parts]
    groups = _groups(book, key)
    heading = meta.title if key == BOOK else title
    rows = _contents(groups, heads, pdf_assembly.body_pages(pdfs), depth=1 if key == BOOK else 2)
    front = cache / f"{key}.front.pdf"
    _print_document(page, _document(heading, _front(meta, heading, rows), styles), front)
    bookmarks, headers = _outline(groups, heads, heading)
    return pdf_assembly.Document(
        title=heading if key == BOOK else f"{title} \u2013 {meta.title}",
        author=meta.author,
        subject=f"Versie {meta.version}, {meta.date}",
        language="nl",
        front=front,
        segments=pdfs,
        bookmarks=[Bookmark("Inhoud", _anchor("contents", "top")), *bookmarks],
        headers=headers,
    )


def _print_document(page, source: str, path: Path) -> list:
    """Print the print document ``source`` (HTML) to ``path`` (A4 or the CSS page size, tagged),
    after :data:`_LAYOUT`; returns the headings of its pages."""
    html_file = path.with_suffix(".html")
    html_file.write_text(source, encoding="utf-8")
    try:
        page.goto(html_file.as_uri(), wait_until="load")
        headings = page.evaluate(_LAYOUT, [PORTRAIT_MM * MM, LANDSCAPE_MM * MM, pdf_assembly.MARKER])
        page.pdf(path=str(path), format="A4", prefer_css_page_size=True, print_background=True, tagged=True)
    finally:
        html_file.unlink()
    return headings


def _anchor(name: str, fragment: str) -> str:
    """The id, in a print document, of ``fragment`` on page ``name`` (as the extraction sets it)."""
    return f"{name.replace('/', '-')}--{fragment}"


def _articles(articles: dict[str, str]) -> str:
    """The extracted articles of pages, each on a new sheet."""
    return "\n".join(
        f'<article class="bd-article evalbook-print-page" id="{_anchor(name, "top")}" data-page="{html.escape(name)}">'
        f"{content}</article>"
        for name, content in articles.items()
    )


def _document(title: str, body: str, styles: list[str]) -> str:
    """A print document with the book's style sheets."""
    links = "\n".join(f'<link rel="stylesheet" href="{html.escape(href)}">' for href in styles)
    return (
        f'<!DOCTYPE html>\n<html lang="nl" data-theme="light" data-mode="light">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>\n{links}\n</head>\n"
        f'<body class="evalbook-print">\n{body}\n</body>\n</html>\n'
    )


def _groups(book: config.Book, key: str) -> list[tuple[str | None, list[str]]]:
    """The pages of the PDF ``key`` grouped as its contents lists them: (part title or None,
    page names). The whole book: the landing page, then each part; a part: its pages and the
    bibliography."""
    pages = _pages(book)
    if key == BOOK:
        return [(None, pages[BOOK][:1])] + [(part.title, pages[k]) for k, part in book.parts.items()]
    return [(None, pages[key] + ([BIBLIOGRAPHY] if BIBLIOGRAPHY not in pages[key] else []))]


def _sections(headings: list[list]) -> list[Bookmark]:
    """A page's headings ([id, level, text], in order) as a tree: h2 under the h1 before them,
    h3 under the h2 before them."""
    roots: list[Bookmark] = []
    open_at: dict[int, Bookmark] = {}
    for ident, level, title in headings:
        mark = Bookmark(title, ident)
        parent = next((open_at[lvl] for lvl in range(level - 1, 0, -1) if lvl in open_at), None)
        (parent.children if parent else roots).append(mark)
        open_at = {lvl: m for lvl, m in open_at.items() if lvl < level} | {level: mark}
    return roots


def _page_marks(name: str, headings: list[list]) -> Bookmark:
    """The bookmark of a page: its title (first heading) at its top, its sections below."""
    tree = _sections(headings)
    if not tree:
        return Bookmark(name, _anchor(name, "top"))
    return Bookmark(tree[0].title, _anchor(name, "top"), tree[0].children + tree[1:])


def _outline(groups, heads: dict[str, list], title: str) -> tuple[list[Bookmark], list[tuple[str, str]]]:
    """The bookmarks of a PDF and its running headers (where each starts, its text)."""
    bookmarks, headers = [], []
    for part, names in groups:
        marks = [_page_marks(name, heads[name]) for name in names]
        headers += [
            (mark.target, f"{part or title} \u2013 {mark.title}" if part or title != mark.title else title)
            for mark in marks
        ]
        bookmarks += [Bookmark(part, marks[0].target, marks)] if part else marks
    return bookmarks, headers


def _contents(groups, heads: dict[str, list], numbers: dict[str, int], depth: int) -> list[tuple[int, str, str, int]]:
    """The rows of a printed table of contents: (level, text, id, page number); level 0 is a
    part, 1 a page, 2 a section of a page (shown when ``depth`` is 2)."""
    rows = []
    for part, names in groups:
        if part:
            rows.append((0, part, _anchor(names[0], "top"), numbers[_anchor(names[0], "top")]))
        for name in names:
            mark = _page_marks(name, heads[name])
            rows.append((1, mark.title, mark.target, numbers[mark.target]))
            if depth > 1:
                rows += [(2, child.title, child.target, numbers[child.target]) for child in mark.children]
    return rows


def _front(meta: Cover, heading: str, rows: list[tuple[int, str, str, int]]) -> str:
    """The cover and the table of contents of a PDF (rows: level, text, id, page number)."""
    book_line = "" if heading == meta.title else f'<p class="evalbook-cover__book">{html.escape(meta.title)}</p>'
    fields = [("Versie", meta.version), ("Datum", meta.date), ("Auteur", meta.author)]
    cover_html = (
        f'<section class="evalbook-cover">{book_line}<h1>{html.escape(heading)}</h1><dl class="evalbook-cover__meta">'
        + "".join(f"<dt>{label}</dt><dd>{html.escape(value)}</dd>" for label, value in fields)
        + "</dl></section>"
    )
    entries = "\n".join(
        f'<li class="evalbook-contents__level-{level}"><a href="#{html.escape(ident)}">'
        f'<span class="evalbook-contents__text">{html.escape(title)}</span>'
        f'<span class="evalbook-contents__leader"></span><span class="evalbook-contents__page">{number}</span></a></li>'
        for level, title, ident, number in rows
    )
    return (
        f'{cover_html}\n<nav class="evalbook-contents" id="{_anchor("contents", "top")}">'
        f"<h2>Inhoud</h2><ol>{entries}</ol></nav>"
    )
