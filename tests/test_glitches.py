"""Generated text that reads as a glitch, searched for in what a reader of every executed
chapter reads: the Markdown cells with their glued values pasted in, every glued value, the
titles and notes of the tables and figures, and the cells of the tables (the list of the
downloadable table's columns aside, in a table and glued for the data page: it explains the
CSV's codes).

Each pattern is a glitch that once stood in the book: a sentence about target groups in a
chapter without them, a reading that contradicts the sentence before it, a report named twice
where a second one was meant, an indicator measured as itself, the source's line-break
hyphenation inside a quote, English or Python in Dutch text."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from conftest import ROOT
from evalbook.report import text

CHAPTERS = sorted((ROOT / "book").glob("*/*.ipynb"))
GLUE = re.compile(r"\{glue:text\}`([^`]+)`")
COLUMNS_TABLE = "Kolommen van de downloadbare tabel"

# (what went wrong, pattern) over the rendered text of a chapter.
GLITCHES = [
    ("a sentence on target groups without target groups", r"Per doelgroep[^.]*: geen doelgroepen"),
    (
        "a promised table and figure per target group that do not follow",
        r"onderscheidt geen doelgroepen\.[^\n]*(?:De tabel en de figuur hieronder geven per doelgroep)",
    ),
    ("contradicted readings", r"spreken elkaar niet tegen\.\s*Waar gepubliceerde cijfers elkaar zo tegenspreken"),
    (
        "the same report named as the fallback",
        r"uit het ([\w -]+?) of, waar dat rapport ze niet beschrijft, uit het \1\b",
    ),
    ("an indicator measured as itself", r"[Zz]elfvertrouwen is gemeten als zelfvertrouwen"),
    ("the log-rank test called not significant when withheld", r"verschilt niet significant[^.]*χ² = –"),
    ("a value pasted as a dash into a sentence", r"is dat – \(–\)|tegen –\."),
    ("a missing value shown as code", r"<NA>|\bnan\b|\bNone\b|\bNaT\b"),
    ("the transcription's own marker", r"\(not printed\)"),
    ("a Python repr", r"\['\w+'|\w+ = '[^']*'|\bTrue\b|\bFalse\b"),
    (
        "a parameter name instead of its label",
        r"\b(?:follow_up_months|region_rates|programme_effect|outflow_measure)\b",
    ),
    ("a decimal point", r"(?<![\d.])0\.\d+"),
    ("a chapter abbreviated in English", r"\bch\. ?\d"),
]
# English words that have no business in the Dutch text (whole words; "the" is left out: the
# sources themselves write "on the job").
ENGLISH = [
    "and",
    "not",
    "printed",
    "equal",
    "none",
    "evidence",
    "outflow",
    "programme",
    "control",
    "group",
    "shown",
    "hidden",
    "suppressed",
    "missing",
    "yes",
    "chapter",
    "figure",
    "table",
    "source",
    "between",
    "significant after",
    "only",
    "with",
    "without",
]


def rendered(path: Path) -> str:
    """What a reader of the chapter reads, as text (see the module docstring)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    glued, outputs = {}, []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        skip = False
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            data = out.get("data", {})
            if name:
                if name not in ("table_meanings", "table_downloads"):  # the CSV's codes; the list of files
                    glued[name] = ast.literal_eval(data["application/papermill.record/text/plain"])
                continue
            shown = "".join(data.get("text/markdown", "")) or "".join(data.get("text/plain", ""))
            skip = skip or COLUMNS_TABLE in shown
            if "image/png" in data or "image/svg+xml" in data:  # the reader sees the figure, not its twin
                continue
            if shown and not (skip and "text/markdown" not in data) and "Herkomst van dit hoofdstuk" not in shown:
                outputs.append(shown)
    prose = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    pasted = [GLUE.sub(lambda m: glued.get(m.group(1), m.group(0)), p) for p in prose]
    return "\n\n".join([*pasted, *glued.values(), *outputs])


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): rendered(p) for p in CHAPTERS}


def test_every_chapter_is_read():
    assert len(CHAPTERS) == 12


@pytest.mark.parametrize(("what", "pattern"), GLITCHES, ids=[g[0] for g in GLITCHES])
def test_no_chapter_reads_as_a_glitch(texts, what, pattern):
    found = {name: m.group(0) for name, t in texts.items() if (m := re.search(pattern, t))}
    assert not found, f"{what}: {found}"


def test_no_english_words(texts):
    words = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in ENGLISH) + r")\b")
    found = {name: sorted(set(words.findall(t))) for name, t in texts.items() if words.search(t)}
    assert not found, f"English in the Dutch text: {found}"


def test_no_line_break_hyphenation_in_quotes(texts):
    """A quote shown to readers has the source's line-break hyphens removed (``pro- cent``)."""
    found = {
        name: sorted({m.group(0) for m in re.finditer(r"[a-zà-ÿ]+- (?!(?:en|én|of|tot)\b)[a-zà-ÿ]+", t)})
        for name, t in texts.items()
    }
    assert not {k: v for k, v in found.items() if v}, found


def test_the_scanner_finds_each_glitch():
    """Each pattern matches the glitch it was written for (else the tests above prove nothing)."""
    examples = {
        "a sentence on target groups without target groups": "Per doelgroep is de grootste |SMD| na matching: geen "
        "doelgroepen.",
        "contradicted readings": "spreken elkaar niet tegen. Waar gepubliceerde cijfers elkaar zo tegenspreken",
        "the same report named as the fallback": "uit het WGW-rapport of, waar dat rapport ze niet beschrijft, uit het "
        "WGW-rapport, dat",
        "an indicator measured as itself": "Zelfvertrouwen is gemeten als zelfvertrouwen: met alle drie",
        "the transcription's own marker": "(not printed)",
        "a Python repr": "outcomes = ['outflow', 'outflow_work']",
        "a decimal point": "alpha 0.05",
        "a missing value shown as code": "Reden <NA>",
    }
    patterns = dict(GLITCHES)
    for what, example in examples.items():
        assert re.search(patterns[what], example), what
    assert text.readable("79 pro- cent, een meerder- heid") == "79 procent, een meerderheid"
