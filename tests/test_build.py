"""The pipeline end to end, on a copy of the repository: warning-free, deterministic,
following the data, and leaving the book untouched when something is wrong."""

import configparser
import json
import re
import shutil
import time
from pathlib import Path

import pandas as pd
import yaml

from conftest import ROOT, copy_built, copy_repo, evalbook
from evalbook.book import html, records
from evalbook.book.kernel import KERNEL, PromptClient, QuietKernelManager


def sanitizers():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "tests" / "nbval_sanitize.cfg")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def outputs(path: Path) -> list:
    """Cell sources (the prose too) and the text outputs nbval compares, sanitised as nbval
    sanitises them."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for cell in nb["cells"]:
        found.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            data = out.get("data", {"text/plain": out.get("text", "")})
            for mime in ("text/plain", "text/html"):
                text = "".join(data.get(mime, ""))
                for regex, replacement in sanitizers():
                    text = regex.sub(replacement, text)
                found.append(text)
    return found


def test_build_is_warning_free_and_prints_the_index(built):
    work, proc = built
    assert "The book is built:" in proc.stdout
    assert (work / "_build" / "html" / "index.html").is_file()
    assert "WARNING:" not in proc.stdout + proc.stderr  # Sphinx's warnings (not the kernel's log)


def test_rebuilt_chapters_equal_the_committed_ones(built):
    """Determinism, and no stale chapter: a rebuild reproduces book/ exactly (up to the commit)."""
    work, _ = built
    for committed in sorted((ROOT / "book").glob("*/*.ipynb")):
        rebuilt = work / committed.relative_to(ROOT)
        assert outputs(rebuilt) == outputs(committed), f"{committed.relative_to(ROOT)} is stale: run `make book`"
        table = Path("tables") / f"{committed.stem}.csv"
        assert (rebuilt.parent / table).read_text() == (committed.parent / table).read_text()
        downloads = {p.name: p.read_bytes() for p in (committed.parent / table.with_suffix("")).iterdir()}
        assert downloads and downloads == {
            p.name: p.read_bytes() for p in (rebuilt.parent / table.with_suffix("")).iterdir()
        }, f"{committed.relative_to(ROOT)}: the downloads of its tables are stale"


def test_html_shows_the_reproduced_figures_and_the_version_box(built):
    work, _ = built
    page = (work / "_build" / "html" / "book" / "wgw" / "effect_study.html").read_text(encoding="utf-8")
    version = yaml.safe_load((work / "_config.yml").read_text(encoding="utf-8"))["version"]
    assert "Herkomst van dit hoofdstuk" in page and "inhoudssleutel <code>" in page
    assert page.index('<details class="admonition note provenance">') > page.index("Tabel 1.")  # results first
    assert f'data-version="{records.label(version)}"' in page  # the header names the book version
    assert re.search(r"<span class=\"pasted-text\">[^<]* was 19% in de programmagroep en 13% in de controlegroep", page)


def test_rerun_on_other_data_rewrites_tables_and_prose(tmp_path):
    work = copy_repo(tmp_path / "repo")
    data = tmp_path / "extract"
    shutil.copytree(ROOT / "data" / "synthetic" / "wgw", data / "wgw")
    register = pd.read_csv(data / "wgw" / "register.csv", dtype=str, keep_default_na=False)
    programme = register.index[register["group"] == "programme"]
    register.drop(programme[:50]).to_csv(data / "wgw" / "register.csv", index=False)

    proc = evalbook(
        work, "build", "--programme", "wgw", "--chapter", "effect_study", "--data-dir", str(data), "--no-html"
    )
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(work / "book" / "wgw" / "tables" / "effect_study.csv")
    assert table.loc[table["outcome"] == "outflow", "n_programme"].item() == 250
    nb = json.loads((work / "book" / "wgw" / "effect_study.ipynb").read_text(encoding="utf-8"))
    text = json.dumps(nb)
    assert "'250'" in text  # the glued group size in the prose
    assert str(data) not in text and "eigen data/wgw/register.csv" in text  # named without the machine's folders


def test_contract_error_stops_before_any_chapter_is_written(tmp_path):
    work = copy_repo(tmp_path / "repo")
    data = tmp_path / "broken"
    shutil.copytree(ROOT / "data" / "synthetic" / "wgw", data / "wgw")
    csv = data / "wgw" / "register.csv"
    csv.write_text(csv.read_text().replace(",programme,", ",programma,", 1))
    before = (work / "book" / "wgw" / "effect_study.ipynb").read_bytes()

    proc = evalbook(work, "build", "--programme", "wgw", "--data-dir", str(data))
    assert proc.returncode == 1
    assert "does not meet the `register` contract" in proc.stderr
    assert "column 'group'" in proc.stderr and "expected one of: programme, control" in proc.stderr
    assert (work / "book" / "wgw" / "effect_study.ipynb").read_bytes() == before


def test_a_warning_fails_the_build_and_keeps_the_previous_html(built, tmp_path):
    work = copy_built(built, tmp_path / "repo")
    index_before = (work / "_build" / "html" / "index.html").read_bytes()
    intro = work / "book" / "intro.md"
    intro.write_text(intro.read_text(encoding="utf-8") + "\nZie {doc}`bestaat-niet`.\n", encoding="utf-8")
    proc = evalbook(work, "build", "--html-only")
    assert proc.returncode == 1
    assert "book/intro.md" in proc.stderr and "WARNING" in proc.stderr
    assert (work / "_build" / "html" / "index.html").read_bytes() == index_before


def test_privacy_guard_stops_a_chapter_that_shows_an_identifier(tmp_path):
    """A person_id that occurs in the chapter's output (here: a word of an outcome label)
    must stop the build before anything is installed."""
    work = copy_repo(tmp_path / "repo")
    data = tmp_path / "leaky"
    shutil.copytree(ROOT / "data" / "synthetic" / "wgw", data / "wgw")
    register = pd.read_csv(data / "wgw" / "register.csv", dtype=str, keep_default_na=False)
    register.loc[0, "person_id"] = "Overdracht"
    register.to_csv(data / "wgw" / "register.csv", index=False)
    before = (work / "book" / "wgw" / "effect_study.ipynb").read_bytes()

    proc = evalbook(
        work, "build", "--programme", "wgw", "--chapter", "effect_study", "--data-dir", str(data), "--no-html"
    )
    assert proc.returncode == 1
    assert "person-level identifiers in the output" in proc.stderr and "Ov********" in proc.stderr
    assert (work / "book" / "wgw" / "effect_study.ipynb").read_bytes() == before


def test_two_builds_give_identical_chapters_including_figures(tmp_path):
    work = copy_repo(tmp_path / "repo")
    runs = []
    for _ in range(2):
        proc = evalbook(work, "build", "--programme", "wgw", "--chapter", "effect_study", "--no-html")
        assert proc.returncode == 0, proc.stderr
        nb = json.loads((work / "book" / "wgw" / "effect_study.ipynb").read_text(encoding="utf-8"))
        runs.append([c.get("outputs") for c in nb["cells"]])
    assert runs[0] == runs[1]


def test_switcher_json_at_every_build_root_with_urls_relative_to_it(tmp_path):
    """The version menu works under any base path: each build (the working one in html/, each
    archive in versions/X.Y.Z/) has a switcher.json at its root listing every recorded release,
    newest first and preferred (whether or not its archive is here yet), then the working build,
    with URLs relative to that file; the site's index opens the newest release."""
    from evalbook.book.html import write_switcher

    (tmp_path / "book").mkdir()
    records.save(tmp_path, [records.Release(v, "2030-01-01", "abc") for v in ("0.10.0", "0.2.0", "0.3.0")])
    build = tmp_path / "_build"
    for version in ("0.2.0", "0.10.0"):  # 0.3.0 is recorded but not archived here
        (build / "versions" / version).mkdir(parents=True)
    (build / "versions" / "notes").mkdir()  # not a release: ignored
    (build / "html").mkdir()
    listed = json.loads(write_switcher(tmp_path).read_text())
    assert [(e["version"], e["url"]) for e in listed] == [
        ("0.10.0", "0.10.0/"),
        ("0.3.0", "0.3.0/"),
        ("0.2.0", "0.2.0/"),
        ("dev", "../html/"),
    ]
    assert listed[0]["preferred"] is True and listed[0]["name"] == "0.10.0 (nieuwste)"
    assert "preferred" not in listed[1] and listed[3]["name"] == "in ontwikkeling"
    expected = {
        "html": ["../versions/0.10.0/", "../versions/0.3.0/", "../versions/0.2.0/", "./"],
        "versions/0.2.0": ["../0.10.0/", "../0.3.0/", "./", "../../html/"],
    }
    for root, urls in expected.items():
        entries = json.loads((build / root / "switcher.json").read_text())
        assert [e["url"] for e in entries] == urls, root
        assert not any(e["url"].startswith("/") for e in entries)
    assert 'url=versions/0.10.0/"' in (build / "index.html").read_text()


def test_a_chapter_kernels_client_is_ready_as_soon_as_iopub_answers():
    """jupyter_client's own client waits 0.2 s for IOPub every time it is made ready (twice per
    chapter); ours asks again after 10 ms, and is ready only once IOPub answers."""
    km = QuietKernelManager(kernel_name=KERNEL)
    km.start_kernel()
    try:
        seconds = []
        for _ in range(5):
            client = km.client()
            client.start_channels()
            start = time.perf_counter()
            client.wait_for_ready(timeout=60)
            seconds.append(time.perf_counter() - start)
            shown = []
            client.execute_interactive("print('hier')", timeout=60, output_hook=shown.append)
            client.stop_channels()
            assert "hier\n" in [m["content"].get("text") for m in shown]  # the output came on IOPub: it was ready
        assert min(seconds) < 0.1  # jupyter_client's own client is never ready in less than 0.2 s
        assert isinstance(client, PromptClient)
    finally:
        km.shutdown_kernel(now=True)


def test_jupyter_book_sets_itself_up_and_builds_only_when_told(tmp_path):
    """The build starts Jupyter Book while the chapters run (html.JupyterBook): it sets Sphinx
    up (extensions, configuration) at once and builds only when told to. Told nothing (no
    chapter changed the HTML, or one failed), it ends without writing a page."""
    work = copy_repo(tmp_path / "repo")  # no build state: Sphinx sets up from scratch
    with html.JupyterBook(work) as book:
        book.start()  # the process the build starts
        output, _ = book.process.communicate("", timeout=120)  # the end of input, at once
    assert book.process.returncode == 0, output
    assert "Running Sphinx" in output and "sphinx-multitoc-numbering" in output  # set up: extensions loaded
    assert "building [html]" not in output and not list((work / "_build").rglob("*.html"))
