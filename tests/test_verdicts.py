"""The verdict language (report.verdict): wording by p and the Holm-adjusted p, and a check
over the executed chapters that no glued verdict calls a result significant without saying
whether it survives Holm's correction, consistently with the chapter's table."""

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from evalbook.report import figures, verdict

ALPHA = 0.05
RECORD = "application/papermill.record/text/plain"


# -- the wording ------------------------------------------------------------------------------------


def test_three_cases_of_holm():
    assert verdict.verdict(5.0, 0.001, ALPHA, p_holm=0.01) == (
        "significant hoger, ook na correctie voor meervoudig toetsen (Holm)"
    )
    assert verdict.verdict(5.0, 0.01, ALPHA, p_holm=0.2) == (
        "significant hoger, maar niet na correctie voor meervoudig toetsen (Holm)"
    )
    assert verdict.verdict(5.0, 0.2, ALPHA, p_holm=1.0) == "hoger, maar niet significant"
    assert verdict.verdict(-5.0, 0.01, ALPHA, p_holm=0.2) == (
        "significant lager, maar niet na correctie voor meervoudig toetsen (Holm)"
    )


def test_the_boundaries_are_strict():
    # p = alpha is not significant; p_holm = alpha does not survive
    assert verdict.verdict(3.0, ALPHA, ALPHA, p_holm=ALPHA) == "hoger, maar niet significant"
    assert "maar niet na correctie" in verdict.verdict(3.0, 0.049, ALPHA, p_holm=ALPHA)


def test_the_words_for_no_p_and_no_difference_stay():
    assert verdict.verdict(5.0, math.nan, ALPHA, p_holm=math.nan) == "niet te toetsen (onderdrukt)"
    assert verdict.verdict(0.04, 0.6, ALPHA, p_holm=1.0) == "vrijwel gelijk"
    assert verdict.verdict(0.0, 0.01, ALPHA, p_holm=0.03) == (
        "significant verschillend, ook na correctie voor meervoudig toetsen (Holm)"
    )


def test_a_difference_outside_the_holm_family_says_so():
    assert verdict.verdict(5.0, 0.01, ALPHA, p_holm=math.nan) == (
        "significant hoger (zonder correctie voor meervoudig toetsen)"
    )
    assert verdict.significance(0.01, ALPHA, math.nan) == "significant, zonder correctie"


def test_callers_without_holm_keep_the_old_words():
    assert verdict.verdict(5.0, 0.01, ALPHA) == "significant hoger"
    assert verdict.verdict(-5.0, 0.3, ALPHA) == "lager, maar niet significant"
    assert verdict.significance(0.01, ALPHA) == "significant"
    assert verdict.significance(None, ALPHA) == "–"


def test_short_labels_and_colours():
    assert verdict.significance(0.001, ALPHA, 0.01) == "significant, ook na Holm"
    assert verdict.significance(0.01, ALPHA, 0.2) == "significant, niet na Holm"
    assert verdict.significance(0.3, ALPHA, 0.9) == "niet significant"
    assert verdict.colour(0.001, ALPHA, 0.01) == figures.HIGHLIGHT
    assert verdict.colour(0.3, ALPHA, 0.9) == figures.NEUTRAL
    only_before = verdict.colour(0.01, ALPHA, 0.2)
    assert only_before not in (figures.HIGHLIGHT, figures.NEUTRAL)
    assert verdict.colour(math.nan, ALPHA, math.nan) == figures.NEUTRAL


# -- the executed chapters ----------------------------------------------------------------------------


def glued_values(notebook: Path) -> dict[str, str]:
    """Every ``{glue:text}`` value an executed chapter recorded, by name."""
    values = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            if RECORD in output.get("data", {}):
                name = output["metadata"]["scrapbook"]["name"]
                values[name] = output["data"][RECORD].strip("'\"")
    return values


def holm_problems(
    glued: dict[str, str], table: pd.DataFrame, key: str, alpha: float, suffix: str = "_verdict"
) -> list[str]:
    """The glued verdicts (``<row key><suffix>``) that call a result significant without the
    Holm status the table's ``p_value`` and ``p_holm`` give: after Holm it must say "ook na
    correctie", only before Holm "maar niet na correctie", outside the Holm family (no
    ``p_holm``) "zonder correctie"; a non-significant p must not be called significant.
    Reusable for every chapter whose table has a key column, ``p_value`` and ``p_holm``."""
    problems = []
    rows = table.drop_duplicates(key).set_index(key)
    for name, text in glued.items():
        row_key = name.removesuffix(suffix)
        if not name.endswith(suffix) or row_key not in rows.index:
            continue
        p, p_holm = rows.at[row_key, "p_value"], rows.at[row_key, "p_holm"]
        claims = "significant" in text and "niet significant" not in text
        if pd.isna(p) or p >= alpha:
            if claims:
                problems.append(f"{name}: {text!r} but p = {p}")
            continue
        expected = (
            "zonder correctie"
            if pd.isna(p_holm)
            else "ook na correctie"
            if p_holm < alpha
            else "maar niet na correctie"
        )
        if not claims or expected not in text:
            problems.append(f"{name}: {text!r} but p = {p}, p_holm = {p_holm} (expected {expected!r})")
    return problems


def test_the_check_finds_a_verdict_without_holm():
    table = pd.DataFrame({"quantity": ["a", "b", "c"], "p_value": [0.01, 0.01, 0.3], "p_holm": [0.02, 0.2, 0.9]})
    glued = {
        "a_verdict": "significant hoger",
        "b_verdict": "significant hoger, ook na correctie voor meervoudig toetsen (Holm)",
        "c_verdict": "hoger, maar niet significant",
        "c_label": "significant",
    }
    assert [p.split(":")[0] for p in holm_problems(glued, table, "quantity", ALPHA)] == ["a_verdict", "b_verdict"]


@pytest.mark.parametrize("part", ["wgw", "route3"])
def test_survey_chapters_state_holm_with_every_significant_verdict(part):
    glued = glued_values(ROOT / "book" / part / "phone_survey.ipynb")
    table = pd.read_csv(ROOT / "book" / part / "tables" / "phone_survey.csv")
    alpha = float(glued["alpha"].rstrip("%").replace(",", ".")) / 100
    verdicts = [name for name in glued if name.removesuffix("_verdict") in set(table["quantity"])]
    assert len(verdicts) >= len(table) // 2  # the check reads the chapter's verdicts, not nothing
    assert holm_problems(glued, table, "quantity", alpha) == []
    # every glued sentence part that calls something significant names the correction
    for name, text in glued.items():
        if text.startswith("significant"):
            assert "correctie" in text or "Holm" in text, (name, text)
