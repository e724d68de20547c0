"""Key findings first: the landing page and each programme's summary page paste complete
sentences from the chapters (glued by evalbook.report.key_findings), so a rerun of a chapter
on other data rewrites them, and their wording follows the data: an outflow difference is
said to survive ("houdt stand") only when it is significant after Holm's correction, a cause
is named only beside its sensitivity figures, and a sentence resting on an assumption of the
embedded data says so."""

from __future__ import annotations

import ast
import html
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from conftest import ROOT, copy_built, evalbook
from evalbook.report import verdict
from evalbook.report.key_findings import wwatwork as wwatwork_findings

ALPHA = 0.05
# page -> the (chapter, glued key) pairs it pastes
PAGES = {
    "book/intro": [
        ("wgw/effect_study", "key_headline"),
        ("route3/effect_study", "key_headline"),
        ("wwatwork/wwatwork_effect", "key_headline"),
        ("wgw/effect_study", "key_brief"),
        ("wgw/phone_survey", "key_brief"),
        ("route3/effect_study", "key_brief"),
        ("route3/phone_survey", "key_brief"),
        ("wwatwork/wwatwork_effect", "key_brief"),
        ("wwatwork/client_survey", "key_brief"),
    ],
    **{
        f"book/{part}/index": [
            (f"{part}/effect_study", k)
            for k in ("key_headline", "key_outflow", "key_outflow_work", "key_holm", "key_reproduction")
        ]
        + [
            (f"{part}/phone_survey", "key_survey"),
            (f"{part}/phone_survey", "key_reproduction"),
            (f"{part}/literature_scan", "central"),
        ]
        for part in ("wgw", "route3")
    },
    "book/wwatwork/index": [
        ("wwatwork/wwatwork_effect", "key_headline"),
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
                data = out["data"]
                markdown = data.get("application/papermill.record/text/markdown")  # a glued Markdown list
                values[name] = markdown or ast.literal_eval(data["application/papermill.record/text/plain"])
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
            assert len(value) > 60, (chapter, key, value)  # a sentence, not a number
            assert " ".join(value.split()) in text, f"{page} lacks {chapter}::{key}"


@pytest.mark.parametrize("part", ["wgw", "route3"])
def test_an_outflow_difference_is_said_to_stand_only_after_holm(part):
    """Against the chapter's downloadable table (the tests' p-values, not the sentences)."""
    table = pd.read_csv(ROOT / "book" / part / "tables" / "effect_study.csv")
    total = table[table["target_group"].isna()].set_index("outcome")
    values = glued(ROOT / "book" / part / "effect_study.ipynb")
    for outcome in ("outflow", "outflow_work"):
        text, row = values[f"key_{outcome}"], total.loc[outcome]
        stands = "houdt stand na correctie voor meervoudig toetsen" in text
        assert stands == (row["p_value"] < ALPHA and row["p_holm"] < ALPHA), text
        assert "aangetoond" not in text and "effect van het programma" not in text
        assert f"{row['n_programme']:.0f} werkzoekenden" in text
    # the headline and the brief say how firm outflow to work and outflow are, in the verdict's words
    for key, outcome in (("key_headline", "outflow_work"), ("key_brief", "outflow")):
        row = total.loc[outcome]
        firm = verdict.firmness(row["p_value"], ALPHA, row["p_holm"]).removeprefix("dat verschil ")
        assert firm in values[key] and "aangetoond" not in values[key], (key, values[key])
    standing = table[table["p_holm"] < ALPHA]
    holm = values["key_holm"]
    assert f"houden er {len(standing)} stand" in holm or (standing.empty and "geen enkel verschil stand" in holm)
    assert f"loopt over {values['holm_family']} toetsen" in holm


def test_a_sentence_resting_on_an_assumption_says_so():
    """Route 3's group sizes and respondents and WW@Work's predicted inflow are assumptions of the
    embedded data: the key findings that rest on them say so where they are read."""
    route3 = glued(ROOT / "book" / "route3" / "effect_study.ipynb")
    for key in ("key_outflow", "key_outflow_work"):
        assert "groepsgroottes" in route3[key] and "aangenomen" in route3[key]
    survey = glued(ROOT / "book" / "route3" / "phone_survey.ipynb")["key_survey"]
    assert "respondenten aan" in survey and "volgt dus uit die aannames" in survey
    funnel = glued(ROOT / "book" / "wwatwork" / "wwatwork_effect.ipynb")["key_funnel"]
    assert "UWV voorspelde" in funnel and "een aanname, geen gepubliceerd cijfer" in funnel
    wgw = glued(ROOT / "book" / "wgw" / "effect_study.ipynb")
    assert "aangenomen" not in wgw["key_outflow_work"]  # published group sizes and shares: no note


def test_the_wwatwork_funnel_notes_an_assumed_prediction_and_the_did_its_holm():
    ovp = pd.DataFrame({"group": ["coached"], "p_value": [0.5], "diff": [-0.2], "predicted": [63.2]})
    released = SimpleNamespace(ovp=ovp.assign(ci_low=-2.6, ci_high=2.2))
    values = {
        "funnel_cohort_count": "7.000",
        "cohort_first": "november 2016",
        "cohort_last": "december 2017",
        "funnel_attended_count": "1.330",
        "funnel_coached_count": "1.270",
        "funnel_found_work_pct": "37,0%",
        "funnel_bijstand_pct": "63,0%",
        "funnel_differ": "0",
        "funnel_missing": "0",
        "funnel_agree": "11",
        "funnel_total": "11",
        "did_agree": "2",
        "did_total": "2",
        "holm_family": "8",
    }
    did = pd.DataFrame(
        {"unit": ["den_bosch", "rotterdam", "did"], "diff": [-1.9, -0.6, -1.3], "ci_low": [-2.5, -1.0, -2.35]}
    ).assign(ci_high=[-1.2, -0.1, -0.25], p_value=[1e-6, 0.02, 0.015])
    tests = pd.DataFrame({"table": ["did"], "key": ["did"], "p_value": [0.015], "p_holm": [0.104]})
    real = wwatwork_findings.sentences(released, did, values, ALPHA, tests, None)
    assumed = wwatwork_findings.sentences(
        released, did, values, ALPHA, tests, pd.DataFrame({"parameter": ["mean_predicted_inflow"]})
    )
    assert "aanname" not in real["key_funnel"] and "aanname" in assumed["key_funnel"]
    assert "houdt geen stand na correctie voor meervoudig toetsen (Holm, p = 0,104)" in real["key_did"]
    assert "aangenomen voorspelling" in assumed["key_headline"] and "aangenomen" not in real["key_headline"]


def test_a_rerun_on_changed_data_rewrites_the_key_findings(built, tmp_path):
    """Drop 30 programme persons from the WGW register, rerun the WGW effect study on that
    extract and rebuild the HTML: the landing page's key finding follows."""
    work = copy_built(built, tmp_path / "repo")
    before = glued(work / "book" / "wgw" / "effect_study.ipynb")["key_outflow"]
    brief_before = glued(work / "book" / "wgw" / "effect_study.ipynb")["key_brief"]
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
    text = page_text(work / "_build" / "html" / "book" / "wgw" / "index.html")
    assert " ".join(after.split()) in text and " ".join(before.split()) not in text
    brief = glued(work / "book" / "wgw" / "effect_study.ipynb")["key_brief"]
    landing = page_text(work / "_build" / "html" / "book" / "intro.html")
    assert (
        brief != brief_before and " ".join(brief.split()) in landing and " ".join(brief_before.split()) not in landing
    )
