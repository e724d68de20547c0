"""Key findings first: the landing page and each programme's summary page paste complete
sentences from the chapters (glued by evalbook.report.key_findings), so a rerun of a chapter
on other data rewrites them, and their wording follows the data: an outflow difference is
called an effect of the programme only when it is significant after Holm's correction."""

from __future__ import annotations

import ast
import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, evalbook
from evalbook.report import key_findings

ALPHA = 0.05
# page -> the (chapter, glued key) pairs it pastes
PAGES = {
    "book/intro": [
        (f"{part}/{chapter}", key)
        for part in ("wgw", "route3")
        for chapter, key in (
            ("effect_study", "key_outflow"),
            ("effect_study", "key_outflow_work"),
            ("effect_study", "key_holm"),
            ("phone_survey", "key_survey"),
            ("effect_study", "key_reproduction"),
        )
    ]
    + [
        ("wwatwork/wwatwork_effect", "key_funnel"),
        ("wwatwork/wwatwork_effect", "key_did"),
        ("wwatwork/client_survey", "key_survey"),
        ("wwatwork/wwatwork_effect", "key_reproduction"),
    ],
    **{
        f"book/{part}/index": [
            (f"{part}/effect_study", k) for k in ("key_outflow", "key_outflow_work", "key_holm", "key_reproduction")
        ]
        + [
            (f"{part}/phone_survey", "key_survey"),
            (f"{part}/phone_survey", "key_reproduction"),
            (f"{part}/literature_scan", "central"),
        ]
        for part in ("wgw", "route3")
    },
    "book/wwatwork/index": [
        ("wwatwork/wwatwork_effect", "key_funnel"),
        ("wwatwork/wwatwork_effect", "key_did"),
        ("wwatwork/client_survey", "key_survey"),
        ("wwatwork/wwatwork_effect", "key_reproduction"),
        ("wwatwork/literature_scan", "central"),
    ],
}


def glued(notebook: Path) -> dict[str, str]:
    """The glued values of an executed chapter."""
    values = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                values[name] = ast.literal_eval(out["data"]["application/papermill.record/text/plain"])
    return values


def page_text(path: Path) -> str:
    """A built page's article as plain text."""
    page = path.read_text(encoding="utf-8")
    article = re.search(r"<article.*?</article>", page, re.S).group(0)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", article)).split())


def test_the_landing_page_and_the_programme_pages_show_the_chapters_key_findings(built):
    work, _ = built
    for page, pasted in PAGES.items():
        text = page_text(work / "_build" / "html" / f"{page}.html")
        for chapter, key in pasted:
            value = glued(work / "book" / f"{chapter}.ipynb")[key]
            assert len(value) > 80, (chapter, key, value)  # a sentence, not a number
            assert " ".join(value.split()) in text, f"{page} lacks {chapter}::{key}"


@pytest.mark.parametrize("part", ["wgw", "route3"])
def test_an_outflow_difference_is_called_an_effect_only_after_holm(part):
    """Against the chapter's downloadable table (the tests' p-values, not the sentences)."""
    table = pd.read_csv(ROOT / "book" / part / "tables" / "effect_study.csv")
    total = table[table["target_group"].isna()].set_index("outcome")
    values = glued(ROOT / "book" / part / "effect_study.ipynb")
    for outcome in ("outflow", "outflow_work"):
        text, row = values[f"key_{outcome}"], total.loc[outcome]
        claimed = "daarmee is een effect van het programma aangetoond" in text
        assert claimed == (row["p_value"] < ALPHA and row["p_holm"] < ALPHA), text
        assert ("niet aangetoond" in text) == (not claimed), text
        assert f"{row['n_programme']:.0f} werkzoekenden" in text
    effects = table[table["p_holm"] < ALPHA]
    assert f"(Holm) {len(effects)} significant" in values["key_holm"] or (
        effects.empty and "geen enkel" in values["key_holm"]
    )


def test_the_wording_of_a_difference_follows_its_p_values():
    demonstrated = "daarmee is een effect van het programma aangetoond"
    assert demonstrated in key_findings.judgement(0.001, ALPHA, 0.01)
    before = key_findings.judgement(0.02, ALPHA, 0.2)
    assert "Zonder correctie is dat verschil significant" in before and "niet aangetoond" in before
    assert demonstrated not in before
    assert "niet significant (p = 0,400)" in key_findings.judgement(0.4, ALPHA, 1.0)
    assert "niet gecorrigeerd" in key_findings.judgement(0.02, ALPHA, float("nan"))


def test_a_rerun_on_changed_data_rewrites_the_key_findings(built, tmp_path):
    """Drop 30 programme persons from the WGW register, rerun the WGW effect study on that
    extract and rebuild the HTML: the landing page's key finding follows."""
    work = tmp_path / "repo"
    shutil.copytree(built[0], work, symlinks=True, ignore=shutil.ignore_patterns(".venv", ".git", ".environments"))
    before = glued(work / "book" / "wgw" / "effect_study.ipynb")["key_outflow"]
    extract = tmp_path / "extract"
    shutil.copytree(ROOT / "data" / "synthetic" / "wgw", extract / "wgw")
    register = pd.read_csv(extract / "wgw" / "register.csv", dtype=str, keep_default_na=False)
    gone = set(register.loc[register["group"] == "programme", "person_id"][:30])
    for name in ("register", "pool"):  # the persons leave the extract, the candidate file included
        frame = pd.read_csv(extract / "wgw" / f"{name}.csv", dtype=str, keep_default_na=False)
        frame[~frame["person_id"].isin(gone)].to_csv(extract / "wgw" / f"{name}.csv", index=False)
    proc = evalbook(
        work, "build", "--programme", "wgw", "--chapter", "effect_study", "--data-dir", str(extract), "--no-html"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = evalbook(work, "build", "--html-only")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    after = glued(work / "book" / "wgw" / "effect_study.ipynb")["key_outflow"]
    assert after != before and "van de 270 werkzoekenden in de WGW-groep" in after
    text = page_text(work / "_build" / "html" / "book" / "intro.html")
    assert " ".join(after.split()) in text and " ".join(before.split()) not in text
    assert " ".join(after.split()) in page_text(work / "_build" / "html" / "book" / "wgw" / "index.html")
