"""The built book in a real browser (Debian's chromium, driven by Playwright): every chapter
page renders without console errors, its figures load, the version box is there, glued
numbers are neither blank nor 'nan', and internal links resolve. A screenshot of one chapter
is kept in _build/test-artifacts/."""

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urljoin, urlparse
from urllib.request import urlopen

import pytest
from conftest import ROOT

from evalbook.book import config as chapters

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "_build" / "test-artifacts"

if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail("chromium is missing: `make test` installs Debian's chromium package", pytrace=False)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make test installs it)")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built):
    work, _ = built
    # served like `make serve`: _build/ at the root, so /versions/switcher.json resolves
    handler = functools.partial(QuietHandler, directory=str(work / "_build"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


PAGES = [f"html/book/{job.label}.html" for job in chapters.jobs(chapters.load())]


@pytest.mark.parametrize("page_path", PAGES)
def test_chapter_page_in_a_real_browser(site, browser, page_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    url = urljoin(site, page_path)
    response = page.goto(url, wait_until="load")
    assert response.ok, f"{page_path}: HTTP {response.status}"

    assert page.locator(".provenance").count() == 1, "version box missing"
    assert "boekversie" in page.locator(".provenance").inner_text()
    glued = page.locator(".pasted-text").all_inner_texts()
    blank = [t for t in glued if not t.strip() or t.strip().lower() in {"nan", "none", "<na>"}]
    assert not blank, f"blank or nan glued values: {blank}"
    broken_images = page.evaluate(
        "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
    assert not broken_images, broken_images
    hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    internal = {h.split("#")[0] for h in hrefs if urlparse(h).netloc == urlparse(site).netloc}
    for href in sorted(internal):
        with urlopen(href) as resp:  # raises on 404
            assert resp.status == 200 and resp.read() is not None, href
    assert not errors, f"console errors on {page_path}: {errors}"

    if page_path == PAGES[0]:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chapter.png"), full_page=True)
    page.close()
