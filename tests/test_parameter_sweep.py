"""Every chapter, rerun with non-default values of each of its parameters, says what it computed.

The sweep calls each chapter's run function (the one the template calls) with two sets of
non-default values, checks it through the safety net (the chapter's own rules), that every
glue key the template's prose names is glued, and that no text states a default it did not
use: no "95%" at alpha 0.01, no "80% kans" at power 0.9, no "|SMD| onder 0,10" at another
threshold. The templates and the report modules are checked as text for levels typed by hand
(a planted "95%" is found). One chapter is executed for real, through Papermill, at non-default
values, and every output it writes (prose values, tables, captions, figures' alt texts) is read.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
from pathlib import Path

import jupytext
import pytest

from conftest import ROOT
from evalbook.book import config, execute
from evalbook.book.chapter import Chapter
from evalbook.chapters.shown import Shown
from evalbook.core.errors import ConfigError, DisclosureError
from evalbook.disclosure import rules as safety_net
from evalbook.disclosure.policy import Rules
from evalbook.report import columns
from test_verdicts import glued_values

BOOK = config.load(ROOT)
EFFECT_SUBSET = ["outflow", "outflow_work", "active", "no_show", "contacts_total"]  # without parttime
# Two sets of non-default values per template: together they change every parameter a
# chapter takes (paths excepted). `target_groups` is reversed where the part has any.
VARIANTS = {
    "effect_study": [
        {
            "alpha": 0.01,
            "power": 0.9,
            "balance_threshold": 0.05,
            "follow_up_months": 6,
            "min_cell_size": 20,
            "zeros_disclosive": False,
            "outcomes": EFFECT_SUBSET,
            "dominance_n": 3,
            "dominance_k": 0.8,
        },
        {
            "alpha": 0.1,
            "p_ratio": 0.2,
            "min_residual_df": 20,
            "outcomes": ["outflow_work", "parttime", "contacts_selected", "handover_matching"],
            "outflow_measure": "status",
            "published_total": "unweighted_mean",
            "target_groups": "reversed",
        },
    ],
    "phone_survey": [
        {"alpha": 0.01, "min_cell_size": 20, "zeros_disclosive": False},
        {"alpha": 0.1, "outlook_item": "selfconfidence"},  # an item both codebooks have
    ],
    "wwatwork_effect": [{"alpha": 0.01, "min_cell_size": 20, "zeros_disclosive": False}, {"alpha": 0.1}],
    "client_survey": [{"alpha": 0.01, "min_cell_size": 20, "zeros_disclosive": False}, {"alpha": 0.1}],
    "literature_scan": [{"alpha": 0.01, "min_cell_size": 20}, {"alpha": 0.1}],
    "arnhem_startfoto": [{"alpha": 0.01, "min_cell_size": 20}, {"alpha": 0.1}],
    "client_journey": [{"alpha": 0.01, "min_cell_size": 20}, {"alpha": 0.1}],
    "audit": [{"alpha": 0.01, "min_cell_size": 20, "n_min": 30, "n_max": 400}, {"alpha": 0.1, "n_max": 400}],
}
RUNS = [
    (spec.part.key, spec.template.name, i)
    for spec in BOOK.chapters()
    for i in range(len(VARIANTS[spec.template.name]))
    if spec.template.name != "literature_scan" or spec.part.key == "wgw"  # one part is enough: no persons
]
GLUE = re.compile(r"\{glue(?::text)?\}`([^`:]+)`")

# What a default says; the stale phrasings of a default that must not appear at another value.
STALE = {
    "alpha": {0.05: [r"(?<![\d,])95 ?%-", r"\bbij 5%", r"\(5%\)", r"niveau 5%", r"dan 5%"]},
    "power": {0.8: [r"(?<![\d,])80 ?% kans", r"MDE \(80%\)"]},
    "balance_threshold": {0.1: [r"onder 0,10?\b"]},
    "min_cell_size": {10: [r"onder (de )?10\b", r"minder dan 10\b"]},
    "follow_up_months": {12: [r"\b12 maanden", r"volgperiode van 12\b"]},
}
# Levels a template or a report module may not type: each must come from the parameters.
TYPED = [r"(?<![\d,])95 ?%", r"(?<![\d,])80 ?%", r"Oordeel bij \d", r"\(5%\)", r"\|SMD\| onder \d"]


def run_function(template: str):
    """The run function of a chapter type (the one its template calls)."""
    return importlib.import_module(f"evalbook.chapters.{template}").run


def overrides(part: str, template: str, index: int) -> dict:
    values = dict(VARIANTS[template][index])
    if values.get("target_groups") == "reversed":
        values["target_groups"] = list(reversed(BOOK.chapter(part, template).values.get("target_groups", [])))
    return values


def stale_patterns(parameters: dict) -> list[str]:
    """The phrasings of every default that ``parameters`` (a chapter's resolved values) do not use."""
    return [
        pattern
        for name, defaults in STALE.items()
        if name in parameters
        for default, patterns in defaults.items()
        if parameters[name] != default
        for pattern in patterns
    ]


def stale(texts, parameters: dict) -> list[str]:
    """The texts that state a default the chapter did not use."""
    patterns = stale_patterns(parameters)
    return [t for t in texts if any(re.search(p, t) for p in patterns)]


def typed_levels(text: str) -> list[str]:
    """Levels typed by hand into a template or a module's string literals."""
    return [m.group() for p in TYPED for m in re.finditer(p, text)]


def prose_keys(template: str, parameters: dict) -> set[str]:
    """The glue keys of the template's Markdown that applies to this run."""
    notebook = execute.applicable(jupytext.read(ROOT / "notebooks" / f"{template}.md"), parameters)
    return {key for cell in notebook.cells if cell.cell_type == "markdown" for key in GLUE.findall(cell.source)}


@functools.cache
def swept(part: str, template: str, index: int, tmp: Path) -> tuple[Chapter, Shown]:
    chapter = Chapter(template, part, overrides(part, template, index), table_dir=str(tmp))
    return chapter, run_function(template)(chapter)


@pytest.mark.parametrize("part,template,index", RUNS)
def test_the_chapter_runs_at_non_default_values_and_states_them(part, template, index, tmp_path_factory):
    chapter, shown = swept(part, template, index, tmp_path_factory.getbasetemp())
    p = chapter.parameters
    chapter.check(shown)  # the safety net under the chapter's own rules
    missing = prose_keys(template, p) - set(shown.values)
    assert not missing, f"glue keys the prose names but the run does not glue: {sorted(missing)}"
    texts = [
        *shown.values.values(),
        *columns.meanings(shown.table, template, shown.exhibits.terms).values(),
        *map(str, shown.table.columns),
    ]
    assert not stale(texts, p), stale(texts, p)[:3]
    if "alpha" in p:
        assert shown.exhibits.terms["confidence"] == {0.01: "99%", 0.1: "90%"}[p["alpha"]]
    if template == "effect_study":
        assert set(shown.released.table["outcome"]) == set(p["outcomes"])
        assert shown.released.target_groups[: len(p["target_groups"])] == p["target_groups"]
        assert f"{p['follow_up_months']} maanden" in shown.values["key_outflow_work"]
        if p["alpha"] == 0.01:
            stated = " ".join(shown.values.values())
            assert "99%-betrouwbaarheidsinterval" in stated and "90% kans" in stated


def test_the_defaults_phrasings_are_found():
    """The stale-phrase check can fail: at alpha 0.01 the default's words are caught."""
    assert stale(["het 95%-betrouwbaarheidsinterval", "Oordeel bij 5%, met of zonder"], {"alpha": 0.01}) == [
        "het 95%-betrouwbaarheidsinterval",
        "Oordeel bij 5%, met of zonder",
    ]
    assert stale(["MDE (80%)", "een |SMD| onder 0,10 geldt"], {"power": 0.9, "balance_threshold": 0.05})
    assert not stale(["het 95%-betrouwbaarheidsinterval"], {"alpha": 0.05})


@pytest.mark.parametrize("template", sorted(BOOK.templates))
def test_no_template_types_a_level(template):
    text = (ROOT / "notebooks" / f"{template}.md").read_text(encoding="utf-8")
    assert not typed_levels(text)


def test_a_planted_level_in_a_template_is_found():
    text = (ROOT / "notebooks" / "effect_study.md").read_text(encoding="utf-8")
    planted = text.replace(
        "{confidence}-betrouwbaarheidsinterval (BI). Oordeel", "95%-betrouwbaarheidsinterval (BI). Oordeel"
    )
    assert planted != text and typed_levels(planted) == ["95%"]


REPORT = ROOT / "src" / "evalbook" / "report"


@pytest.mark.parametrize("module", sorted(REPORT.rglob("*.py")), ids=lambda p: p.relative_to(REPORT).as_posix())
def test_no_report_module_types_a_level(module):
    """String literals only: a docstring may give an example (``0.05`` → ``"95%"``)."""
    import ast

    tree = ast.parse(module.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    literals = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]
    assert not [t for t in literals if typed_levels(t)]


def test_an_outlook_item_the_codebook_lacks_is_refused_by_name():
    with pytest.raises(ConfigError, match="outlook_item 'outlook_chance_high' is not an indicator"):
        run_function("phone_survey")(Chapter("phone_survey", "wgw", {"outlook_item": "outlook_chance_high"}))


def test_the_safety_net_reads_the_gates_rules():
    """A zero is primary only where the rules say so: -p zeros_disclosive false lets it through
    both the gate and the net; a count under the minimum never passes."""
    import pandas as pd

    table = pd.DataFrame({"n_programme": [300, 0]})
    safety_net.check_table(table, Rules(zeros_disclosive=False))
    with pytest.raises(DisclosureError, match=r"minimum cell size 10 \(or zero\)"):
        safety_net.check_table(table, Rules())
    with pytest.raises(DisclosureError):
        safety_net.check_table(pd.DataFrame({"k_control": [3]}), Rules(zeros_disclosive=False))
    assert safety_net.require_safe(0, Rules(zeros_disclosive=False)) == 0
    chapter = Chapter("phone_survey", "wgw", {"zeros_disclosive": False})
    assert chapter.rules == Rules.from_parameters(chapter.parameters) and not chapter.rules.zeros_disclosive
    chapter._check_count("n_zero", "0")  # glued through the chapter: the net asks the chapter's rules


NON_DEFAULT = {
    "alpha": 0.01,
    "power": 0.9,
    "balance_threshold": 0.05,
    "follow_up_months": 6,
    "min_cell_size": 20,
    "zeros_disclosive": False,
    "outcomes": EFFECT_SUBSET,
}


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """WGW's effect study executed by Papermill at non-default values (the real chapter run)."""
    job = config.jobs(BOOK, "wgw", "effect_study", NON_DEFAULT)[0]
    work = tmp_path_factory.mktemp("sweep")
    result = execute.execute(
        ROOT / job.chapter.template.source,
        work,
        {"part": "wgw", "parameters": job.parameters},
        job.label,
        job.chapter.title,
        reuse_kernel=False,
    )
    assert result.error is None, result.error
    return work / "effect_study.ipynb", job.parameters


def notebook_texts(path: Path) -> list[str]:
    """Every text a reader can reach in an executed chapter: prose, outputs and figures' alt texts."""
    texts = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        texts += ["".join(cell["source"])] if cell["cell_type"] == "markdown" else []
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
        texts += [alt] if alt else []
        for output in cell.get("outputs", []):
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") or "record" in mime:
                    texts.append("".join(value) if isinstance(value, list) else str(value))
    return texts


def test_the_executed_chapter_states_the_values_it_used(executed):
    path, parameters = executed
    texts = notebook_texts(path)
    assert not stale(texts, parameters), stale(texts, parameters)[:3]
    joined = "\n".join(texts)
    for words in ("99%-betrouwbaarheidsinterval", "Oordeel bij 1%", "Oordeel (1%)", "90% kans", "MDE (90%)"):
        assert words in joined, words
    glued = glued_values(path)
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert set(GLUE.findall(markdown)) <= set(glued)
    assert "parttime_programme" not in glued and glued["balance_threshold"] == "0,05"
