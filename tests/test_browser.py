"""The built book in a real browser (Debian's chromium, driven by Playwright), as a reader meets
it on a desktop (1400 px) and a phone (390 px), served under a base path as a static site
(a GitHub Pages project site lives under /<repository>/):

- every page: no console error, no failed request, no serious or critical accessibility
  violation (axe-core, vendored in tests/vendor/axe-core), no sideways scrolling of the page,
  no empty table header, every figure loaded and with a text alternative that is not a file
  path, no English interface text, internal links that resolve, the article header in one row
  above the page title;
- chapter pages: the version box and glued numbers that are neither blank nor 'nan'; beside
  every numbered table its numbers as CSV and for Excel (desktop); figures legible and opening
  enlarged, and the version box within the screen (phone);
- search finds a Dutch word on every page whose text has it (the index and the browser stem
  alike), and the version menu links to the same page in every version.

A screenshot of one chapter is kept in _build/test-artifacts/."""

import codecs
import csv
import functools
import io
import os
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlparse
from urllib.request import urlopen

import pytest
import snowballstemmer

from conftest import ROOT
from evalbook.book import config, html, records

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "_build" / "test-artifacts"
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
BASE = "/evalbook/"  # the book is served under a base path, as on a project site
WIDTHS = {"desktop": 1400, "phone": 390}

if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail("chromium is missing: `make test` installs Debian's chromium package", pytrace=False)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make test installs it)")

BOOK = config.load()
TOC = config.toc(BOOK)
CHAPTERS = [f"book/{job.label}" for job in config.jobs(BOOK)]
PAGES = [TOC["root"]] + [entry["file"] for part in TOC["parts"] for entry in part["chapters"]] + ["search"]

# The theme's and extensions' English interface text. Phrases are looked for in the whole page;
# single words only in the interface (outside the article) and in labels and tooltips, since the
# bibliography quotes English titles.
ENGLISH_PHRASES = [
    "Skip to main content",
    "Back to top",
    "Show code cell",
    "Hide code cell",
    "Toggle hidden content",
    "Choose version",
    "Version switcher",
    "Search this book",
    "Toggle primary sidebar",
    "Toggle secondary sidebar",
    "Toggle navigation",
    "Print to PDF",
    "Download this page",
    "Download source file",
    "Download notebook file",
    "Fullscreen mode",
    "Color mode",
    "System Settings",
    "Site navigation",
    "Section Navigation",
    "On this page",
    "previous page",
    "next page",
    "Copy to clipboard",
    "Click to show",
    "Click to hide",
    "Click to expand",
    "Click to collapse",
    "Search Results",
    "Search finished",
    "Please activate JavaScript",
    "Version warning",
    "Switch to stable version",
    "Link to this",
]
ENGLISH_WORDS = [
    "Search",
    "Contents",
    "Light",
    "Dark",
    "Copy",
    "Copied",
    "Main",
    "Page",
    "Home",
    "Breadcrumb",
    "Edit",
    "Announcement",
    "Searching",
    "previous",
    "next",
]

# The interface text of a page: labels and tooltips everywhere, visible text outside the article.
_INTERFACE_TEXT = """() => {
  const attributes = ["aria-label", "title", "placeholder", "alt", "data-tooltip", "data-bs-title"];
  const labels = [...document.querySelectorAll(attributes.map(a => `[${a}]`).join(", "))]
    .flatMap(e => attributes.map(a => e.getAttribute(a))).filter(Boolean);
  const chrome = document.body.cloneNode(true);
  chrome.querySelectorAll("article.bd-article").forEach(a => a.remove());
  return {labels: labels, chrome: chrome.textContent, page: document.body.innerText};
}"""


class BasePathHandler(SimpleHTTPRequestHandler):
    """Serves ``_build/`` under ``BASE`` only, like a static host serving a project site."""

    def translate_path(self, path):
        if not path.startswith(BASE):
            return str(ROOT / "does-not-exist")
        return super().translate_path("/" + path[len(BASE) :])

    def log_message(self, *args):
        pass


def serve(directory):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(BasePathHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{BASE}"


@pytest.fixture(scope="module")
def site(built):
    work, _ = built
    server, url = serve(work / "_build")
    yield url
    server.shutdown()


class Reader:
    """A browser as one reader uses it: a context (cache and storage) per screen size, so pages
    opened on the same screen share what they loaded, as a reader's pages do (a page loads in
    about three quarters of the time from the cache)."""

    def __init__(self, browser):
        self.browser, self.contexts = browser, {}

    def new_page(self, viewport: dict | None = None):
        key = tuple(sorted((viewport or {}).items()))
        if key not in self.contexts:
            self.contexts[key] = self.browser.new_context(**({"viewport": viewport} if viewport else {}))
        return self.contexts[key].new_page()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield Reader(b)
        b.close()


def open_page(browser, url, width, wait_until="networkidle"):
    """A page at ``url`` with every console error, page error and failed request collected
    (``wait_until`` "load" for a test that needs the page and its images, not what its scripts
    fetch later: "networkidle" waits half a second more on every page)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    response = page.goto(url, wait_until=wait_until)
    assert response.ok, f"{url}: HTTP {response.status}"
    return page, errors


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("name", PAGES)
def test_page_for_a_reader(site, browser, built, name, width):
    """The checks of every page (module docstring) and, on a chapter, those of the two-minute
    book that need it open (below: its numbered tables on a desktop, its figures and its
    provenance box on a phone), on one visit: a visit costs more than most checks."""
    page, errors = open_page(browser, urljoin(site, f"html/{name}.html"), width)

    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
        .filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(" ")).join("; ")}`)""")
    assert not violations, f"{name}: accessibility violations: {violations}"

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px at {width}px"

    empty_headers = page.evaluate("[...document.querySelectorAll('th')].filter(th => !th.textContent.trim()).length")
    assert empty_headers == 0, f"{name}: {empty_headers} empty table header cells"

    images = page.evaluate("""[...document.querySelectorAll('article img')].map(i => ({src: i.getAttribute('src'),
        alt: i.getAttribute('alt'), loaded: i.complete && i.naturalWidth > 0}))""")
    assert all(i["loaded"] for i in images), f"{name}: figures that do not load: {images}"
    path_like = [i for i in images if not (i["alt"] or "").strip() or re.search(r"[/\\]|\.(png|svg|jpe?g)$", i["alt"])]
    assert not path_like, f"{name}: figures without a text alternative (or a file path as one): {path_like}"

    text = page.evaluate(_INTERFACE_TEXT)
    phrases = [p for p in ENGLISH_PHRASES if p.lower() in (text["page"] + " ".join(text["labels"])).lower()]
    words = [w for w in ENGLISH_WORDS if re.search(rf"\b{w}\b", text["chrome"] + "\n" + "\n".join(text["labels"]))]
    assert not phrases + words, f"{name}: English interface text: {phrases + words}"

    header = page.evaluate("""() => {
        const bar = document.querySelector('.bd-header-article');
        if (!bar) return null;
        const box = bar.getBoundingClientRect();
        const items = [...bar.querySelectorAll('.btn, summary')].filter(e => e.offsetParent !== null)
            .map(e => e.getBoundingClientRect());
        const title = document.querySelector('article h1');
        return {inside: items.every(r => r.top >= box.top - 1 && r.bottom <= box.bottom + 1),
                below: !title || title.getBoundingClientRect().top >= box.bottom - 1};
    }""")
    assert header is None or header == {"inside": True, "below": True}, f"{name}: article header overlaps: {header}"

    if name in CHAPTERS:
        assert page.locator(".provenance").count() == 1, "version box missing"
        assert "inhoudssleutel" in page.locator(".provenance").text_content()
        assert page.locator(".evalbook-versions").get_attribute("data-version"), "book version missing"
        glued = page.locator(".pasted-text").all_inner_texts()
        blank = [t for t in glued if not t.strip() or t.strip().lower() in {"nan", "none", "<na>"}]
        assert not blank, f"blank or nan glued values: {blank}"

    if width == WIDTHS["desktop"]:
        # the version menu's entries are checked when clicked (a page may not exist in an older release)
        hrefs = page.evaluate(
            "[...document.querySelectorAll('a[href]')].filter(a => !a.closest('.evalbook-versions')).map(a => a.href)"
        )
        internal = {h.split("#")[0] for h in hrefs if urlparse(h).netloc == urlparse(site).netloc}
        for href in sorted(internal):
            with urlopen(href) as resp:  # raises on 404
                assert resp.status == 200, href
    if name == CHAPTERS[0] and width == WIDTHS["desktop"]:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chapter.png"), full_page=True)
    if name in CHAPTERS and width == WIDTHS["desktop"]:
        source = (built[0] / "_build" / "html" / f"{name}.html").read_text(encoding="utf-8")
        numbered = len(re.findall(r'<table class="[^"]*\bevalbook-table\b', source))
        assert check_every_numbered_table_has_its_numbers_beside_it(page, name) == numbered > 0, name
    if name in CHAPTERS and width == WIDTHS["phone"]:
        check_figures_are_legible_on_a_phone_and_open_enlarged(page, name, built[0])
        check_the_provenance_box_fits_a_phone(page, name)
    assert not errors, f"console errors on {name}: {errors}"
    page.close()


def test_wide_tables_scroll_in_their_own_box_with_the_first_column_in_view(site, browser):
    """On a phone, the WGW results table keeps its verdict and Holm columns reachable: its box
    scrolls sideways (the page does not), says so, and the outcome column stays in view."""
    page, _ = open_page(browser, urljoin(site, "html/book/wgw/effect_study.html"), WIDTHS["phone"])
    table = page.locator("table.evalbook-table", has_text="p (Holm)").first
    box = table.locator("xpath=..")
    state = box.evaluate("""b => ({scrolls: b.scrollWidth > b.clientWidth, overflow: getComputedStyle(b).overflowX,
        hint: getComputedStyle(b, '::before').content, label: b.getAttribute('aria-label'), focusable: b.tabIndex})""")
    assert state["scrolls"] and state["overflow"] in {"auto", "scroll"}
    caption = table.locator("caption").inner_text().strip().rstrip(".")
    assert caption.startswith("Tabel ") and state["label"] == f"{caption}; schuif opzij voor de overige kolommen"
    assert "Schuif" in state["hint"] and state["focusable"] == 0
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    first = table.locator("tbody tr").first.locator("td").first.bounding_box()
    verdict = table.locator("thead th", has_text="Oordeel").bounding_box()
    frame = box.bounding_box()
    assert frame["x"] - 1 <= first["x"] <= frame["x"] + 20, "the first column scrolled away"
    assert verdict["x"] + verdict["width"] <= frame["x"] + frame["width"] + 1, "the verdict column is out of reach"
    page.close()


@pytest.fixture(scope="module")
def texts(site, browser) -> dict[str, str]:
    """The article of every page but the search page, as a reader's browser shows its text:
    read once for the search tests below (a pass over every page costs about 20 s)."""
    found = {}
    page = browser.new_page()
    for name in PAGES:
        if name != "search":
            page.goto(urljoin(site, f"html/{name}.html"), wait_until="load")
            found[name] = page.locator("article.bd-article").inner_text()
    page.close()
    return found


@pytest.mark.parametrize("word", ["uitkering", "gemiddelde"])
def test_search_finds_a_dutch_word_on_every_page_that_has_it(site, browser, texts, word):
    expected = {name for name, text in texts.items() if re.search(rf"\b{word}\b", text, re.IGNORECASE)}
    assert expected, f"no page has {word!r}: pick another word"
    page, errors = open_page(browser, urljoin(site, f"html/search.html?q={word}"), WIDTHS["desktop"])
    page.wait_for_function("document.querySelector('#search-results p.search-summary')?.textContent.trim()")
    found = {
        href.split(".html")[0]
        for href in page.evaluate(
            "[...document.querySelectorAll('#search-results ul.search li a')].map(a => a.getAttribute('href'))"
        )
    }
    summary = page.locator("#search-results").inner_text()
    assert expected <= found, f"search for {word!r} misses {sorted(expected - found)}"
    assert not [p for p in ENGLISH_PHRASES if p in summary], summary
    assert not errors, errors
    page.close()


def test_index_and_browser_stem_every_word_of_the_book_alike(site, browser, texts):
    """The search index is stemmed in Python; queries are stemmed by the JavaScript stemmer
    Sphinx ships. They must agree on every word of the book, or a word is not found."""
    words = sorted({w.lower() for text in texts.values() for w in re.findall(r"[^\W\d_]{3,}", text)})
    python = snowballstemmer.stemmer("dutch_porter").stemWords(words)
    page, _ = open_page(browser, urljoin(site, "html/search.html"), WIDTHS["desktop"])
    browser_stems = page.evaluate("words => { const s = new Stemmer(); return words.map(w => s.stemWord(w)); }", words)
    page.close()
    differ = [(w, p, b) for w, p, b in zip(words, python, browser_stems, strict=True) if p != b]
    assert not differ, f"{len(differ)} of {len(words)} words stem differently, e.g. {differ[:10]}"


def test_version_menu_links_to_the_same_page_in_every_version(built, browser, tmp_path):
    """With an archived release next to the working build, both list both, under a base path,
    and each entry leads to the same page in that version."""
    work, _ = built
    build = tmp_path / "_build"
    shutil.copytree(work / "_build" / "html", build / "html", ignore=shutil.ignore_patterns("_downloads"))
    shutil.copytree(build / "html", build / "versions" / "0.0.1")
    (tmp_path / "book").mkdir()
    records.save(tmp_path, [records.Release("0.0.1", "2030-01-01", "abc")])  # the one recorded release
    html.write_switcher(tmp_path)
    server, url = serve(build)
    try:
        for start in ("html/", "versions/0.0.1/"):
            page, errors = open_page(browser, urljoin(url, start + "book/wgw/effect_study.html"), WIDTHS["desktop"])
            page.locator(".evalbook-versions summary").click()
            links = page.locator(".evalbook-versions__menu a")
            names = links.all_inner_texts()
            assert names == ["0.0.1 (nieuwste)", "in ontwikkeling"], names
            current = page.locator(".evalbook-versions__current").inner_text()
            assert current == ("in ontwikkeling" if start == "html/" else "0.0.1 (nieuwste)")
            for i, target in enumerate(("versions/0.0.1/", "html/")):
                assert links.nth(i).get_attribute("href") == urlparse(url).path + target + "book/wgw/effect_study.html"
            other = urljoin(url, "versions/0.0.1/" if start == "html/" else "html/")
            links.nth(0 if start == "html/" else 1).click()
            page.wait_for_url(lambda u, other=other: u.startswith(other))
            assert page.url == other + "book/wgw/effect_study.html"
            assert not errors, errors
            page.close()
    finally:
        server.shutdown()


# -- the two-minute book (issue 24): the answer first, on any screen, with the data behind every table

FOLD = {"width": 1366, "height": 900}  # a laptop: what a reader sees before scrolling
RESULT_CHAPTERS = [
    f"book/{job.label}"
    for job in config.jobs(BOOK)
    if job.chapter.template.name in ("effect_study", "phone_survey", "client_survey", "wwatwork_effect")
]
DUTCH_NUMBER = re.compile(r"[−+-]?\d+(?:\.\d{3})*(?:,\d+)?")
PROGRAMMES = ["Wijkgestuurd Werken", "Leerlandschap Route 3", "WW@Work"]


def words(text: str) -> int:
    return len(re.findall(r"\S+", text))


def test_each_programme_has_its_headline_above_the_fold_and_the_key_findings_are_short(site, browser):
    """On a 1366x900 screen the landing page shows one sentence per programme without scrolling;
    the key findings take at most about 450 words, at most about 100 (here 120) per programme."""
    page = browser.new_page(viewport=FOLD)
    page.goto(urljoin(site, "html/book/intro.html"), wait_until="networkidle")
    section = page.locator("section#belangrijkste-uitkomsten")
    items = section.locator("> ul > li")
    assert items.count() == len(PROGRAMMES)
    for i, programme in enumerate(PROGRAMMES):
        item = items.nth(i)
        text = item.inner_text()
        assert text.startswith(programme), text
        assert words(text) > 15, f"{programme}: no headline sentence: {text!r}"
        box = item.bounding_box()
        assert box["y"] + box["height"] <= FOLD["height"], f"{programme}: headline ends {box['y'] + box['height']}px"
        detail = section.locator("section", has=page.locator("h3", has_text=programme)).inner_text()
        assert words(text) + words(detail) - words(programme) <= 120, (
            f"{programme}: {words(text) + words(detail)} words"
        )
    total = words(section.inner_text())
    assert total <= 450, f"the key findings take {total} words"
    page.close()


@pytest.mark.parametrize("name", RESULT_CHAPTERS)
def test_the_first_results_table_is_within_two_screens(site, browser, name):
    page = browser.new_page(viewport=FOLD)
    page.goto(urljoin(site, f"html/{name}.html"), wait_until="networkidle")
    first = page.locator("article table.evalbook-table").first
    caption = first.locator("caption").text_content()
    top = first.evaluate("t => t.getBoundingClientRect().top + window.scrollY")
    assert caption.startswith("Tabel 1. ") and top <= 2 * FOLD["height"], f"{name}: {caption!r} starts at {top}px"
    provenance = page.locator(".provenance").evaluate("b => b.getBoundingClientRect().top + window.scrollY")
    assert provenance > top and page.locator("details.provenance").get_attribute("open") is None
    page.close()


def check_the_provenance_box_fits_a_phone(page, name):
    """Opened on a 390 px screen, every value of the provenance box wraps under its label
    within the screen: nothing lies beyond its edge or needs scrolling sideways."""
    box = page.locator("details.provenance")
    box.locator("summary").click()
    found = box.evaluate("""b => {
        const right = b.getBoundingClientRect().right;
        const parts = [...b.querySelectorAll('dt, dd, code')].map(e => e.getBoundingClientRect());
        const labels = [...b.querySelectorAll('dt')], values = [...b.querySelectorAll('dd')];
        return {beyond: parts.filter(r => r.right > Math.min(right, window.innerWidth) + 1).length,
                scrolls: b.scrollWidth > b.clientWidth + 1,
                under: values.every((v, i) =>
                    v.getBoundingClientRect().top >= labels[i].getBoundingClientRect().bottom - 1),
                rows: values.length};
    }""")
    assert found["rows"] >= 3 and found == {**found, "beyond": 0, "scrolls": False, "under": True}, f"{name}: {found}"


def _numbers(text: str) -> list[float]:
    return sorted(float(n.replace("−", "-").replace(".", "").replace(",", ".")) for n in DUTCH_NUMBER.findall(text))


def _csv_numbers(rows: list[list[str]], decimal: str) -> list[float]:
    """The numbers of a download's data rows: in a column of numbers each cell as software
    reads it (a limit such as ``<0.001`` by its number), in a column of words (as the table
    prints them) the numbers in the words."""

    def number(cell: str) -> float:
        plain = cell.removeprefix("<")
        return float(plain.replace(",", ".") if decimal == "," else plain)

    found = []
    for column in zip(*rows, strict=True):
        try:
            found += [number(cell) for cell in column if cell]
        except ValueError:
            found += [n for cell in column for n in _numbers(cell)]
    return sorted(found)


def check_every_numbered_table_has_its_numbers_beside_it(page, name) -> int:
    """Beside (right under) every numbered table of a chapter: a CSV and a file for Dutch
    Excel (byte order mark, ';', decimal comma) holding exactly the numbers the table shows,
    under the table's own Dutch column names. Returns how many tables were checked."""
    tables = page.evaluate("""() => [...document.querySelectorAll('article table.evalbook-table')].map(t => {
        const cell = t.closest('.cell_output');
        return {caption: t.caption.textContent,
                header: [...t.querySelectorAll('thead th')].map(h => h.textContent.trim()),
                body: [...t.querySelectorAll('tbody td')].map(c => c.textContent).join('\\n'),
                links: [...cell.querySelectorAll('a.download')]
                    .map(a => ({text: a.textContent.trim(), href: a.href}))};
    })""")
    assert tables, name
    for table in tables:
        where = f"{name}: {table['caption']}"
        assert re.match(r"Tabel \d+\. ", table["caption"]), where
        links = {link["text"]: link["href"] for link in table["links"]}
        assert set(links) == {"CSV", "voor Excel"}, f"{where}: {table['links']}"
        with urlopen(links["CSV"]) as resp:
            software = list(csv.reader(io.StringIO(resp.read().decode("utf-8"))))
        with urlopen(links["voor Excel"]) as resp:
            excel_bytes = resp.read()
        assert excel_bytes.startswith(codecs.BOM_UTF8), where
        excel = list(csv.reader(io.StringIO(excel_bytes.decode("utf-8-sig")), delimiter=";"))
        assert software[0] == excel[0] and len(software) == len(excel), where
        assert all(h.split(" (")[0].split(":")[0] in " ".join(software[0]) for h in table["header"]), where
        shown = _numbers(table["body"])
        assert _csv_numbers(software[1:], ".") == shown, f"{where}: the CSV's numbers are not the table's"
        assert _csv_numbers(excel[1:], ",") == shown, f"{where}: the Excel file's numbers are not the table's"
    return len(tables)


def check_figures_are_legible_on_a_phone_and_open_enlarged(page, name, work: Path):
    """Every figure is an SVG whose smallest text is at least ~9 px on a 390 px screen, and
    tapping it opens it at its natural size."""
    figures = page.evaluate("""[...document.querySelectorAll('article .cell_output img')].map(i => ({
        src: new URL(i.src).pathname, width: i.getBoundingClientRect().width}))""")
    for figure in figures:
        svg = (work / "_build" / figure["src"].removeprefix(BASE)).read_text(encoding="utf-8")
        view = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) [\d.]+"', svg).group(1))
        sizes = [float(s) for s in re.findall(r"font[^;\"]*?([\d.]+)px", svg)]
        assert sizes, f"{name}: {figure['src']} has no text as text"
        smallest = min(sizes) * figure["width"] / view
        assert smallest >= 8.9, f"{name}: {figure['src']}: text of {smallest:.1f} px at {figure['width']} px wide"
    if figures:
        img = page.locator("article .cell_output img").first
        img.click()
        dialog = page.locator("dialog.evalbook-zoom")
        assert dialog.evaluate("d => d.open")
        big = dialog.locator("img").evaluate("i => i.getBoundingClientRect().width")
        assert big >= img.evaluate("i => i.naturalWidth") - 1 > figures[0]["width"] - 1
        page.keyboard.press("Escape")
        assert not dialog.evaluate("d => d.open")


@pytest.mark.parametrize(("word", "page_name"), [("klanttevredenheid", "book/wwatwork/client_survey")])
def test_search_finds_the_words_readers_use(site, browser, word, page_name):
    page, errors = open_page(browser, urljoin(site, f"html/search.html?q={word}"), WIDTHS["desktop"])
    page.wait_for_function("document.querySelector('#search-results p.search-summary')?.textContent.trim()")
    found = page.evaluate(
        "[...document.querySelectorAll('#search-results ul.search li a')].map(a => a.getAttribute('href'))"
    )
    assert any(href.split(".html")[0] == page_name for href in found), found
    assert not errors, errors
    page.close()
