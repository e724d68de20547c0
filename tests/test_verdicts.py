"""The verdict language (report.verdict): wording by p and the Holm-adjusted p, and a check
over the executed chapters that no glued verdict calls a result significant without saying
whether it survives Holm's correction, consistently with the chapter's table."""

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from evalbook.report import verdict

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
    after, only_before, not_significant = (
        verdict.colour(p, ALPHA, h) for p, h in ((0.001, 0.01), (0.01, 0.2), (0.3, 0.9))
    )
    assert len({after, only_before, not_significant}) == 3
    assert verdict.colour(math.nan, ALPHA, math.nan) == not_significant
    assert verdict.firmness(0.001, ALPHA, 0.01) == "dat verschil houdt stand na correctie voor meervoudig toetsen"
    assert verdict.firmness(0.01, ALPHA, 0.2) == "alleen zonder correctie voor meervoudig toetsen significant"
    assert verdict.firmness(0.3, ALPHA, 0.9) == "niet significant"
    assert verdict.firmness(math.nan, ALPHA, math.nan) == "niet te toetsen"


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


# -- association, not causation -------------------------------------------------------------------

BOOK = sorted((ROOT / "book").glob("*/*.ipynb"))


def test_the_judgement_of_a_difference_never_claims_a_cause():
    texts = [
        verdict.judgement(0.001, ALPHA, 0.01),
        verdict.judgement(0.02, ALPHA, 0.2),
        verdict.judgement(0.02, ALPHA, math.nan),
        verdict.judgement(0.4, ALPHA, 1.0, "met deze groepsgroottes waren alleen grote verschillen op te sporen"),
    ]
    assert texts[0] == "Dat verschil houdt stand na correctie voor meervoudig toetsen (Holm, p = 0,010)."
    assert "houdt geen stand" in texts[1] and "(p = 0,020)" in texts[1] and "(Holm, p = 0,200)" in texts[1]
    assert "zonder correctie" in texts[2]
    assert texts[3].startswith("Dat verschil is niet significant (p = 0,400); met deze")
    assert all(not verdict.CAUSAL.search(t) for t in texts)


def test_a_cause_is_named_only_beside_its_sensitivity():
    one = verdict.cause_sentence("het programma", [("overdracht", verdict.sensitivity_text(1.88, 1.23))])
    assert "veroorzaakte" in one and "E-waarde van de intervalgrens 1,88 en Γ = 1,23" in one
    assert verdict.causal_without_sensitivity(one) == []
    mixed = verdict.cause_sentence(
        "het programma", [("a", verdict.sensitivity_text(math.nan, 1.5)), ("b", verdict.sensitivity_text())]
    )
    assert "Γ = 1,50 voor a" in mixed and "Voor b is die gevoeligheid niet berekend." in mixed
    assert verdict.causal_without_sensitivity(mixed) == []
    none = verdict.cause_sentence("het programma", [("b", "")])
    assert not verdict.CAUSAL.search(none)  # without figures no cause is named at all


def test_the_check_finds_a_causal_word_without_figures():
    planted = (
        "Dat verschil is significant. Alleen daar toont de studie een effect aan. Daarmee is een effect van het "
        "programma aangetoond. Dat bewijst niets. Of WGW het veroorzaakte, hangt af van Γ = 1,23."
    )
    found = verdict.causal_without_sensitivity(planted)
    assert found == [
        "Alleen daar toont de studie een effect aan.",
        "Daarmee is een effect van het programma aangetoond.",
        "Dat bewijst niets.",
    ]


def test_no_glued_sentence_of_the_book_claims_a_cause_without_its_sensitivity():
    """Every value every executed chapter glues (and the landing page and programme pages paste)."""
    assert len(BOOK) >= 10
    problems = [
        f"{notebook.relative_to(ROOT)}::{name}: {sentence}"
        for notebook in BOOK
        for name, text in glued_values(notebook).items()
        for sentence in verdict.causal_without_sensitivity(text)
    ]
    assert problems == []


def test_key_findings_with_a_cause_carry_their_figures():
    """The check above must have something to check: where a difference survives Holm, the key
    findings of the effect studies name the cause question with its E-value limit or Γ."""
    for part in ("wgw", "route3"):
        holm = glued_values(ROOT / "book" / part / "effect_study.ipynb")["key_holm"]
        causal = [s for s in verdict.sentences(holm) if verdict.CAUSAL.search(s)]
        assert causal and all(verdict.SENSITIVITY.search(s) for s in causal), holm


# -- the family a correction runs over ----------------------------------------------------------------


def count_tests(notebook: Path) -> int:
    """How many tests an executed chapter does, counted from what it shows, independently of the
    family the chapter states: the rows of its downloadable table with a p-value or held back
    (effect studies, surveys: indicators only), or its glued p-values (WW@Work)."""
    table_path = notebook.parent / "tables" / f"{notebook.stem}.csv"
    table = pd.read_csv(table_path) if table_path.exists() else pd.DataFrame()
    if notebook.stem in ("effect_study", "phone_survey"):
        rows = table[table["primary"]] if "primary" in table else table
        return int(rows["p_value"].notna().sum() + (rows["p_value"].isna() & rows["suppressed"]).sum())
    return sum(1 for name in glued_values(notebook) if name.startswith(("ovp_", "did_")) and name.endswith("_p"))


DECLARES_NO_CORRECTION = {"audit"}  # checks the reports' own (uncorrected) labels; says so in its text


@pytest.mark.parametrize("notebook", BOOK, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_chapter_that_tests_more_than_once_names_its_correction_and_family(notebook):
    glued = glued_values(notebook)
    if notebook.stem in DECLARES_NO_CORRECTION:
        text = json.dumps(json.loads(notebook.read_text(encoding="utf-8"))["cells"], ensure_ascii=False)
        assert "corrigeert de controle niet voor het aantal vergelijkingen" in text
        return
    shows_p = [name for name, text in glued.items() if text.startswith(("p = ", "p < "))]
    if not shows_p and notebook.stem not in ("effect_study", "phone_survey"):
        return  # no test in this chapter
    family = count_tests(notebook)
    assert family > 1, notebook
    assert glued["holm_family"] == str(family)
    sentence = glued["holm_family_sentence"]
    assert "Holm" in sentence and f"alle {family} toetsen" in sentence, sentence
    template = (ROOT / "notebooks" / f"{notebook.stem}.md").read_text(encoding="utf-8")
    assert "{glue:text}`holm_family_sentence`" in template  # the chapter prints it
