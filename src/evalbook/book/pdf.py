"""PDFs of the built book: one per part (programme) and one of the whole book.

Made from the same built HTML pages as the website, so a PDF never differs from the book:
the article of every page of a part is put in one print document (a cover, then each page
starting on a new sheet, the bibliography at the end of a part), with the theme's style
sheets and the print rules of ``book/_static/evalbook.css``. Debian's Chromium, driven by
Playwright (no browser download), prints it on A4. A table wider than a portrait page goes
on a landscape page of its own (CSS named page ``evalbook-landscape``) and is scaled down
if even that is too narrow, so every column stays on paper: the browser's own "print"
(``window.print()``) cut such tables off.

Links between pages become links inside the PDF where the target is in it, and plain text
where it is not (a file path on the machine that built the PDF means nothing to a reader).
"""

from __future__ import annotations

import hashlib
import html
import shutil
from pathlib import Path

import yaml

from ..core.errors import BuildError
from . import config

BOOK = "book"  # the key of the PDF of the whole book
BOOK_TITLE = "Het hele boek"
OUT_DIR = Path("_downloads") / "pdf"
CACHE_DIR = ".pdf"  # under _build/: the printed PDFs and what each was printed from
BIBLIOGRAPHY = "book/bibliography"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MM = 96 / 25.4  # CSS pixels per millimetre
MARGIN_MM = 12  # as the @page rules of evalbook.css
PORTRAIT_MM, LANDSCAPE_MM = 210 - 2 * MARGIN_MM, 297 - 2 * MARGIN_MM  # usable width

# The article of a built page, ready to be put in another document: resources and links as
# absolute URLs, every id prefixed with the page's so that pages do not clash, links to other
# pages marked with the id they point to, hidden cell outputs shown (without their toggle), buttons
# removed.
_EXTRACT = """(prefix) => {
  const article = document.querySelector("article.bd-article").cloneNode(true);
  article.querySelectorAll("button, script, .headerlink, .toggle-details__summary").forEach(e => e.remove());
  article.querySelectorAll("details").forEach(d => {
    const shown = document.createElement("div");
    shown.className = d.className;
    shown.append(...[...d.childNodes].filter(n => n.nodeName !== "SUMMARY"));
    d.replaceWith(shown);
  });
  article.querySelectorAll("[src]").forEach(e => e.setAttribute("src", e.src));
  article.querySelectorAll("[id]").forEach(e => { e.id = prefix + e.id; });
  const root = new URL(document.documentElement.dataset.content_root, location.href).href;
  article.querySelectorAll("a[href]").forEach(a => {
    const url = new URL(a.href);
    if (!url.href.startsWith(root) || !url.pathname.endsWith(".html")) return;
    const page = url.href.slice(root.length).split("#")[0].replace(/\\.html$/, "");
    a.setAttribute("href", "#" + page.replaceAll("/", "-") + "--" + (decodeURIComponent(url.hash.slice(1)) || "top"));
  });
  return article.innerHTML;
}"""

# In the composed document: internal links to what is not in it lose their href; tables wider
# than a portrait page are put on landscape pages and scaled to fit (widths in CSS px).
_LAYOUT = """([portrait, landscape]) => {
  document.querySelectorAll('a[href^="#"]').forEach(a => {
    if (!document.getElementById(a.getAttribute("href").slice(1))) a.removeAttribute("href");
  });
  let wide = 0;
  document.querySelectorAll("article table").forEach(table => {
    const width = table.scrollWidth;
    if (width <= portrait + 1) return;
    const block = table.closest(".cell") || table.closest(".pst-scrollable-table-container") || table;
    block.classList.add("evalbook-landscape");
    if (width > landscape) table.style.zoom = (landscape / width).toFixed(3);
    wide += 1;
  });
  return wide;
}"""


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


def build_pdfs(root: Path, html_dir: Path, log=print) -> list[Path]:
    """Print the PDFs of the book built in ``html_dir`` into ``html_dir/_downloads/pdf/``;
    returns their paths. Without Chromium there are none (and the book links none).

    A PDF whose pages (their HTML and the book's static files) did not change since it was
    last printed is copied from ``_build/.pdf/`` instead of printed again."""
    executable = chromium()
    if executable is None:
        log("Chromium is not installed: the book is built without PDFs (`make test` installs it).")
        return []
    book = config.load(root)
    pages = _pages(book)
    out_dir = html_dir / OUT_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = root / "_build" / CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    todo = {}
    for key, title in documents(book):
        names = pages[key] + ([BIBLIOGRAPHY] if BIBLIOGRAPHY not in pages[key] else [])
        digest = _digest(html_dir, names)
        stamp = cache / f"{key}.sha256"
        if (cache / f"{key}.pdf").is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == digest:
            continue
        todo[key] = (title, names, digest)
    if todo:
        _print(root, html_dir, book, pages, todo, cache, executable)
    written = []
    for key, _ in documents(book):
        shutil.copy2(cache / f"{key}.pdf", out_dir / f"{key}.pdf")
        written.append(out_dir / f"{key}.pdf")
    log(f"PDFs: {len(todo)} printed, {len(written) - len(todo)} unchanged (in {OUT_DIR.as_posix()}/ of the HTML build)")
    return written


def _digest(html_dir: Path, names: list[str]) -> str:
    """What a PDF is printed from: its pages and the book's static files."""
    digest = hashlib.sha256()
    files = [html_dir / f"{name}.html" for name in names] + sorted((html_dir / "_static").rglob("*.css"))
    for path in files:
        digest.update(path.relative_to(html_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _print(
    root: Path, html_dir: Path, book: config.Book, pages: dict, todo: dict, cache: Path, executable: str
) -> None:
    """Print the documents in ``todo`` (key -> title, page names, digest) into ``cache``."""
    from playwright.sync_api import Error, sync_playwright

    meta = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    out_dir = html_dir / OUT_DIR
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
            page = browser.new_page(viewport={"width": round(PORTRAIT_MM * MM), "height": 1000})
            page.emulate_media(media="print")
            articles, styles = {}, []
            for name in dict.fromkeys(n for _, names, _ in todo.values() for n in names):
                page.goto((html_dir / f"{name}.html").as_uri(), wait_until="load")
                articles[name] = page.evaluate(_EXTRACT, _anchor(name, ""))
                styles = styles or page.evaluate(
                    "[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)"
                )
            for key, (title, names, digest) in todo.items():
                heading = meta["title"] if key == BOOK else title
                source = out_dir / f".{key}.html"
                source.write_text(_document(meta, heading, names, articles, styles), encoding="utf-8")
                try:
                    page.goto(source.as_uri(), wait_until="load")
                    page.evaluate(_LAYOUT, [PORTRAIT_MM * MM, LANDSCAPE_MM * MM])
                    page.pdf(
                        path=str(cache / f"{key}.pdf"),
                        format="A4",
                        prefer_css_page_size=True,
                        print_background=True,
                        outline=True,
                        tagged=True,
                    )
                finally:
                    source.unlink()
                (cache / f"{key}.sha256").write_text(digest, encoding="utf-8")
            browser.close()
    except Error as exc:
        raise BuildError(f"printing the PDFs with {executable} failed: {exc}") from None


def _anchor(name: str, fragment: str) -> str:
    """The id, in a print document, of ``fragment`` on page ``name`` (as the extraction sets it)."""
    return f"{name.replace('/', '-')}--{fragment}"


def _document(meta: dict, heading: str, names: list[str], articles: dict[str, str], styles: list[str]) -> str:
    """The print document of the pages ``names`` (their extracted articles), with a cover."""
    links = "\n".join(f'<link rel="stylesheet" href="{html.escape(href)}">' for href in styles)
    book_line = "" if heading == meta["title"] else f'<p class="evalbook-cover__book">{html.escape(meta["title"])}</p>'
    cover = (
        f'<section class="evalbook-cover">{book_line}<h1>{html.escape(heading)}</h1>'
        f"<p>Versie {html.escape(str(meta['version']))}</p></section>"
    )
    body = "\n".join(
        f'<article class="bd-article evalbook-print-page" id="{_anchor(name, "top")}">{articles[name]}</article>'
        for name in names
    )
    return (
        f'<!DOCTYPE html>\n<html lang="nl" data-theme="light" data-mode="light">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(heading)}</title>\n{links}\n</head>\n"
        '<body class="evalbook-print">'
        f"{cover}\n{body}\n</body>\n</html>\n"
    )
