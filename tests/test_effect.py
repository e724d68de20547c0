"""The effect-study chapter: analysis (raw, no Dutch), gate, Dutch report; target groups,
published conflicts, verdicts that say whether they survive Holm, the tests behind a differing
verdict, the two totals, the other reading of outflow, hidden-bias sensitivity (E-values,
Rosenbaum's Γ) checked by hand against the table's counts and the matched pairs, claims
without a figure, and the chapter rerun on data with a target group missing and on data
without a candidate pool."""

import functools
import json
import math
import re
import shutil

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable

from conftest import ROOT, chapter, effect_study
from evalbook.analysis import effect, matching, published
from evalbook.book import config, execute
from evalbook.chapters import effect_study as effect_chapter
from evalbook.core import contract
from evalbook.disclosure import effect as gate
from evalbook.disclosure import rules as disclosure
from evalbook.disclosure.policy import Rules
from evalbook.report import effect as report
from evalbook.report import effect_figures
from evalbook.report import effect_tables as tables
from evalbook.schemas.register import POOL, REGISTER
from test_verdicts import glued_values, holm_problems

TARGET_GROUPS = ["stilstaand_water", "nieuwe_instroom", "team6", "oap"]
BOOK = config.load()
ROUTE3 = config.jobs(BOOK, "route3", "effect_study")[0].parameters
LABELS = BOOK.parts["route3"].labels()["target_groups"]


def register(programme: str) -> pd.DataFrame:
    return contract.read(ROOT / "data" / "synthetic" / programme / "register.csv", REGISTER)


def pool(programme: str) -> pd.DataFrame:
    return contract.read(ROOT / "data" / "synthetic" / programme / "pool.csv", POOL)


@functools.cache
def running(part: str):
    """The running effect-study chapter of ``part`` (its own inputs)."""
    return chapter(part, "effect_study")


def analysed(part: str, data: pd.DataFrame | None = None, with_inputs: bool = True) -> effect.EffectStudy:
    """The effect study of ``part`` as its chapter computes it; ``data``: another register;
    without ``with_inputs``: without the candidate pool and the assumptions."""
    frames = {} if data is None else {"register": data}
    if not with_inputs:
        frames |= {"pool": None, "assumptions": None}
    return effect_chapter.analyse(chapter(part, "effect_study", **frames) if frames else running(part))


def route3_study(data: pd.DataFrame | None = None, with_inputs: bool = False) -> effect.EffectStudy:
    return analysed("route3", data, with_inputs)


def release(study: effect.EffectStudy, part: str = "route3") -> gate.ReleasedEffectStudy:
    """The gate as the chapter runs it (the chapter's rules)."""
    return effect_chapter.run(running(part), study).released


@pytest.fixture(scope="module")
def study():
    return route3_study(with_inputs=True)


@pytest.fixture(scope="module")
def released(study):
    return release(study)


def glue(s: gate.ReleasedEffectStudy, part: str = "route3") -> dict[str, str]:
    """Every glued value of the chapter, from the chapter's own run function."""
    return effect_chapter.present(running(part), s, running(part).rules).values


def everything_shown(released: gate.ReleasedEffectStudy, study: effect.EffectStudy) -> gate.ReleasedEffectStudy:
    """``released`` as if the gate had held nothing back: for the wording of values it may hide."""
    return type(released)(**(vars(released) | {"table": study.table.assign(suppressed=False), "suppressions": []}))


@pytest.fixture(scope="module")
def wgw_study():
    return analysed("wgw")


@pytest.fixture(scope="module")
def wgw(wgw_study):
    return release(wgw_study, "wgw")


def test_route3_runs_with_four_target_groups_and_the_configured_outcomes(study):
    assert study.target_groups == TARGET_GROUPS and study.missing == []
    assert set(study.table["target_group"]) == {effect.TOTAL, *TARGET_GROUPS}
    assert "handover_matching" not in set(study.table["outcome"])
    assert study.table.groupby("target_group").size().eq(len(ROUTE3["outcomes"])).all()


def test_the_analysis_holds_true_counts_and_codes_not_dutch(study):
    raw = study.table.set_index(["target_group", "outcome"])
    assert raw.loc[("oap", "outflow_work"), "k_programme"] == 1  # the gate hides it, the analysis does not
    assert "label" not in study.table and "suppressed" not in study.table
    assert set(study.table["method"]) == {effect.PROPORTION_METHOD, effect.MEAN_METHOD}
    assert set(study.table["reason"].dropna()) <= {effect.TOO_FEW_EVENTS, effect.COLLINEAR, effect.EMPTY_GROUP}


def test_no_published_figure_differs_on_the_shipped_data(released, wgw):
    for s in (released, wgw):
        figures = s.comparison[s.comparison["value"].notna()]  # claims have no figure to reproduce
        assert set(figures["status"]) <= {published.STATUS_AGREES, published.STATUS_SUPPRESSED}
    assert (released.comparison["status"] == published.STATUS_AGREES).sum() >= 15


def test_published_conflicts_of_route3(study, released):
    kinds = [(c.kind, c.group, c.subgroup) for c in study.conflicts]
    assert len(kinds) == 5
    assert (effect.OUTFLOW_BELOW_WORK, "control", "stilstaand_water") in kinds
    text = glue(released)["conflicts"]
    assert (
        "controlegroep Stilstaand water (Matching 9+) is de uitstroom (42%) kleiner dan de uitstroom naar werk (43%)"
        in text
    )
    assert "programmagroep (totaal) zijn de uitstroom naar werk (17%) en om overige redenen (16%) samen meer" in text
    # pooled reading of part-time 22%: at least (40.5 * 270 + 28.5 * 200) / 590 = 28.19% (the assumed sizes)
    bound = next(
        c
        for c in study.conflicts
        if c.kind == effect.TOTAL_OUTSIDE_PARTS and c.quantity == "parttime" and c.group == "programme"
    )
    assert bound.at_least and bound.bound == pytest.approx((40.5 * 270 + 28.5 * 200) / 590)
    assert "ten minste 28,2%" in text
    assert analysed("wgw", with_inputs=False).conflicts == []


def test_target_group_labels_come_from_the_caller(released):
    shown = tables.target_group_display(released, {"team6": "Zesde team"}).frame
    assert "Zesde team" in set(shown["Doelgroep"]) and "oap" in set(shown["Doelgroep"])
    assert "Totaal" not in set(shown["Doelgroep"])
    fig = effect_figures.target_group_plot(released, LABELS)
    assert [ax.get_title() for ax in fig.axes] == ["Totaal", *(LABELS[t] for t in TARGET_GROUPS)]


def test_a_missing_target_group_is_named_and_the_rest_still_runs():
    data = register("route3")
    data = data[data["target_group"] != "team6"].reset_index(drop=True)
    s = release(route3_study(data))
    assert s.missing == ["team6"] and "team6" not in set(s.table["target_group"])
    values = glue(s)
    assert values["target_groups_missing"] == "Team 6"
    assert "De data bevatten 3 van de 4 doelgroepen" in values["target_groups_sentence"]
    assert "Ontbreekt in deze data: Team 6" in values["target_groups_sentence"]
    assert "ten minste" not in values["conflicts"]  # the pooled bound needs every group's size


def test_assumptions_are_described_in_dutch(released):
    assumptions = pd.DataFrame(
        {
            "parameter": ["n_control_team6", "contacts_total_programme", "respondents_programme"],
            "value": ["59", "26", "100"],
            "reason": ["r1", "r2", "r3"],
        }
    )
    parsed = effect.parse_assumptions(assumptions).assign(suppressed=[True, False, False])
    shown = tables.assumptions_display(type(released)(**(vars(released) | {"assumptions": parsed})), LABELS).frame
    assert shown["Aanname"].tolist() == [
        "Groepsgrootte (controlegroep, Team 6)",
        "Geregistreerde klantcontacten (gemiddeld) (programmagroep, elke doelgroep)",
        "respondents_programme",
    ]


def test_the_download_table_has_dutch_labels_and_no_unsafe_count(released, wgw):
    table = report.download_table(released)
    assert list(table.columns[:4]) == ["target_group", "outcome", "label", "kind"]
    assert table.loc[0, "label"] == "Geen uitkering aan het eind van de volgperiode"  # Route 3 reads status
    assert table.loc[0, "method"] == "Miettinen–Nurminen-scoretoets en -interval"
    disclosure.check_table(table, Rules())
    wgw = report.download_table(wgw).set_index("outcome")
    assert wgw.loc["no_return_after_work", "reason"] == (
        "te weinig gebeurtenissen (minder dan 10 keer ja of nee in een groep)"
    )
    assert wgw.loc["contacts_total", "method"] == "Welch-t-toets en -interval"


def glued_texts(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook", {})
            if meta.get("name"):
                found[meta["name"]] = "".join(out["data"][meta["mime_prefix"] + "text/plain"]).strip("'")
    return found


def test_the_route3_chapter_reruns_on_data_without_a_target_group(tmp_path):
    """The chapter itself, on a data directory where Team 6 was removed from register and pool."""
    data = tmp_path / "data" / "route3"
    data.mkdir(parents=True)
    for stem in ("register", "pool"):
        frame = pd.read_csv(ROOT / "data" / "synthetic" / "route3" / f"{stem}.csv", dtype=str, keep_default_na=False)
        frame[frame["target_group"] != "team6"].to_csv(data / f"{stem}.csv", index=False, lineterminator="\n")
    template = ROOT / "notebooks" / "effect_study.md"
    parameters = {"part": "route3", "parameters": ROUTE3 | {"data_dir": str(tmp_path / "data")}}
    result = execute.execute(template, tmp_path / "run", parameters, "route3", "Effectstudie Route 3")
    assert result.error is None, result.error
    glued = glued_texts(tmp_path / "run" / "effect_study.ipynb")
    assert glued["target_groups_missing"] == "Team 6"
    assert "Ontbreekt in deze data: Team 6" in glued["target_groups_sentence"]
    assert "geen aannames" in glued["assumptions_sentence"]  # no assumptions.csv in that data directory
    table = pd.read_csv(tmp_path / "run" / "tables" / "effect_study.csv", keep_default_na=False)
    assert "team6" not in set(table["target_group"])


def test_the_wgw_chapter_runs_without_a_candidate_pool(tmp_path):
    """Only register.csv in the data directory: the chapter says what it leaves out (book.yml's text)."""
    (tmp_path / "data" / "wgw").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "synthetic" / "wgw" / "register.csv", tmp_path / "data" / "wgw" / "register.csv")
    template = ROOT / "notebooks" / "effect_study.md"
    wgw = BOOK.resolve(BOOK.chapter("wgw", "effect_study"), {"data_dir": str(tmp_path / "data")})
    parameters = {"part": "wgw", "parameters": wgw}
    result = execute.execute(template, tmp_path / "run", parameters, "wgw", "Effectstudie WGW")
    assert result.error is None, result.error
    glued = glued_texts(tmp_path / "run" / "effect_study.ipynb")
    without = BOOK.templates["effect_study"].inputs["pool"].without
    assert glued["matching_pool"] == (
        f"Bij deze data hoort geen kandidatenbestand (pool.csv): {without}. "
        "De controlegroep is genomen zoals zij in het register staat."
    )
    assert glued["smd_before_max"] == "–" and glued["balance_verdict"] == "goed"
    assert glued["n_programme"] == "300"  # the rest of the chapter is there
    nb = json.loads((tmp_path / "run" / "effect_study.ipynb").read_text(encoding="utf-8"))
    texts = [
        "".join(out["data"]["text/plain"])
        for cell in nb["cells"]
        for out in cell.get("outputs", [])
        if "text/plain" in out.get("data", {})
    ]
    balance = next(t for t in texts if "Kandidaten" in t).splitlines()
    assert all(line.split()[-4:-2] == ["–", "–"] for line in balance[1:])  # no candidates, no SMD before


# -- verdicts say whether they survive Holm -------------------------------------------------------

SIGNIFICANT = re.compile(r"(?<!niet )(?<!niet-)\bsignificant\b")
REPORT_WORDS = re.compile(
    r"(rapport(?: het verschil)?|een oordeel): (?:niet )?significant|rapport het verschil significant"
)


def bare_verdicts(text: str) -> list[str]:
    """The clauses of ``text`` (between sentence ends and semicolons) that call something
    significant without a word on Holm's correction and without a negation; the report's own
    labels ("rapport: significant", "noemt het rapport het verschil significant") are its
    words, not a verdict of this book."""
    clauses = re.split(r"(?<=[.;])\s", REPORT_WORDS.sub("", text))
    return [c for c in clauses if SIGNIFICANT.search(c) and not re.search(r"Holm|correctie|\bgeen\b", c)]


def test_the_checker_finds_a_bare_verdict():
    assert bare_verdicts("De uitstroom is daarmee significant hoger. Verder niets.") == [
        "De uitstroom is daarmee significant hoger."
    ]
    assert bare_verdicts("significant hoger, maar niet na correctie voor meervoudig toetsen (Holm).") == []
    assert bare_verdicts("hoger, maar niet significant; significant, ook na Holm") == []
    assert bare_verdicts("Bij x noemt het rapport het verschil significant. Met geen van deze toetsen is het") == []


@pytest.mark.parametrize("programme", ["wgw", "route3"])
def test_no_glued_verdict_or_table_cell_is_significant_without_holm(programme, released, wgw):
    """The glued prose and every table the chapter shows (the report's own labels in the
    comparison table aside: they are the report's words, not a verdict of this book)."""
    s = wgw if programme == "wgw" else released
    texts = list(glue(s, programme).values())
    shown = [
        tables.outcome_display(s),
        tables.target_group_display(s, LABELS),
        tables.sensitivity_display(s),
        tables.totals_display(s),
        tables.comparison_display(s, LABELS),
    ]
    for table in filter(None, shown):
        frame = table.frame.drop(columns=["Significantie rapport"], errors="ignore")
        texts += [str(v) for v in frame.to_numpy().ravel()]
    assert [t for text in texts for t in bare_verdicts(text)] == []


@pytest.mark.parametrize("part", ["wgw", "route3"])
def test_the_executed_chapters_state_holm_with_every_significant_verdict(part):
    """The check of tests/test_verdicts.py over the committed chapter and its downloadable table
    (its first row per outcome is the total, the rows the glued verdicts are about)."""
    glued = glued_values(ROOT / "book" / part / "effect_study.ipynb")
    table = pd.read_csv(ROOT / "book" / part / "tables" / "effect_study.csv")
    assert sum(name.endswith("_verdict") for name in glued) >= 8
    assert holm_problems(glued, table, "outcome", 0.05) == []
    assert [t for text in glued.values() for t in bare_verdicts(text)] == []


def test_wgw_outflow_is_significant_only_before_holm(wgw):
    values = glue(wgw, "wgw")
    total = wgw.total.set_index("outcome")
    assert total.loc["outflow", "p_value"] < 0.05 <= total.loc["outflow", "p_holm"]
    assert values["outflow_verdict"] == "significant hoger, maar niet na correctie voor meervoudig toetsen (Holm)"
    assert values["lost_after_holm_list"] == "uitstroom uit de uitkering"
    assert values["significance_holm_lost_list"] == "uitstroom uit de uitkering"
    assert values["logrank_verdict"] == "verschilt significant (zonder correctie voor meervoudig toetsen)"
    shown = tables.outcome_display(wgw).frame.set_index("Uitkomst")
    assert shown.loc["Uitstroom uit de uitkering", "Oordeel (5%)"] == "significant, niet na Holm"


def test_route3_team6_contacts_are_significant_only_before_holm(released):
    shown = tables.target_group_display(released, LABELS).frame
    team6 = shown[(shown["Doelgroep"] == "Team 6") & shown["Uitkomst"].str.startswith("Geregistreerde")].iloc[0]
    assert team6["Oordeel (5%)"] == "significant, niet na Holm"
    assert "geregistreerde klantcontacten (gemiddeld) (Team 6)" in glue(released)["lost_after_holm_list"]


# -- which tests the printed verdict depends on ------------------------------------------------------


def stratum_tables(data: pd.DataFrame, outcome: str) -> list[np.ndarray]:
    derived = effect.with_covariates(data, 12, outflow_measure=ROUTE3["outflow_measure"])
    found = []
    for t in TARGET_GROUPS:
        part = derived[derived["target_group"] == t]
        rows = [part.loc[part["group"] == g, outcome].astype(bool) for g in ("programme", "control")]
        found.append(np.array([[r.sum(), (~r).sum()] for r in rows]))
    return found


def test_route3_parttime_verdict_depends_on_the_test(study, released):
    """The CMH test stratified by target group against statsmodels' StratifiedTable, and the
    unweighted mean difference by hand from the target groups' counts."""
    strata = stratum_tables(register("route3"), "parttime")
    expected_cmh = StratifiedTable(strata).test_null_odds(correction=False).pvalue
    total = study.table[study.table["target_group"] == effect.TOTAL].set_index("outcome").loc["parttime"]
    assert total["cmh_p"] == pytest.approx(expected_cmh, rel=1e-9)
    shares = [(t[0, 0] / t[0].sum(), t[1, 0] / t[1].sum(), t[0].sum(), t[1].sum()) for t in strata]
    diff = np.mean([p1 for p1, _, _, _ in shares]) - np.mean([p0 for _, p0, _, _ in shares])
    se = math.sqrt(sum(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0 for p1, p0, n1, n0 in shares)) / len(shares)
    assert total["um_diff"] == pytest.approx(100 * diff)
    assert total["um_p"] == pytest.approx(2 * stats.norm.sf(abs(diff) / se))
    # the report's "significant": the pooled, stratified and adjusted tests give it, the unweighted mean's not
    assert max(total["p_value"], total["cmh_p"], total["ame_p"]) < 0.05 < total["um_p"]
    text = glue(everything_shown(released, study))["significance_methods"]
    assert "deeltijdwerk" not in text  # the reproduction agrees with the report (with the raw test)
    assert "komt zij tot hetzelfde oordeel" in text


def test_two_totals_each_with_interval_and_test(study, released):
    shown = tables.totals_display(everything_shown(released, study)).frame.set_index("Uitkomst")
    work = shown.loc["Uitstroom naar werk"]
    assert work["Ongewogen: programma"] == "17,4%"  # the report's "totaal gemiddeld" 17 procent
    assert work["Gepoold: programma"] == "23,7%"
    assert work["Ongewogen: verschil (95%-BI)"].startswith("−2,0 pp (") and work["Ongewogen: p"] == "0,368"
    gated = tables.totals_display(released).frame.set_index("Uitkomst")
    hidden = (
        released.total.set_index("outcome")["um_p"].isna()
        & study.table.set_index(["target_group", "outcome"]).loc[effect.TOTAL, "um_p"].notna()
    )
    assert (gated["Ongewogen: p"] == "–").sum() == hidden.sum()
    values = glue(released)
    assert ("Waar een streepje staat" in values["totals_sentence"]) == bool(hidden.any())
    assert "wat het programma gemiddeld per deelnemer opleverde" in values["totals_sentence"]
    assert "wat het programma gemiddeld per doelgroep opleverde" in values["totals_sentence"]


def test_the_unweighted_reading_is_conditional_on_the_assumed_sizes(released):
    values = glue(released)
    assert "Die groepsgroottes zijn echter aangenomen, niet gepubliceerd" in values["published_total_reading"]
    assert "volgt dus alleen uit de aanname" in values["published_total_reading"]
    assert "die tweede lezing kan niet gelden (zie hieronder). De toetsen" not in values["published_total_reading"]
    assert "de aangenomen groepsgroottes van deze data ten minste 28,2%" in values["conflicts"]


# -- the other reading of outflow ---------------------------------------------------------------------


def test_wgw_shows_outflow_in_both_readings(wgw_study, wgw):
    """The source's reading (no benefit at the end of the follow-up) by hand from the register,
    against the printed 19% and 13%."""
    data = register("wgw")
    end = (data["start_date"] + pd.DateOffset(months=12)).where(
        data["start_date"] + pd.DateOffset(months=12) < data["end_date"], data["end_date"]
    )
    off = (data["outflow_date"] <= end) & ~(data["returned_date"] <= end)
    by_hand = off.groupby(data["group"]).mean() * 100
    total = wgw_study.table.set_index(["target_group", "outcome"]).loc[(effect.TOTAL, "outflow")]
    assert total["value_programme_alt"] == pytest.approx(by_hand["programme"])  # 45 / 300
    assert total["value_control_alt"] == pytest.approx(by_hand["control"])
    text = glue(everything_shown(wgw, wgw_study), "wgw")["other_reading"]
    assert "is de uitstroom in deze data 15,0% in de programmagroep en 9,2% in de controlegroep" in text
    assert "gedrukt staat 19% (programmagroep) en 13% (controlegroep)" in text
    assert "met deze data passen de gedrukte cijfers alleen bij de lezing van dit hoofdstuk" in text
    assert "pleit dus niet voor haar" in text  # the parts adding up is the reading's own definition
    # as released: 12 and 11 persons returned, so the gate shows the other reading, and the report's
    # ch. 9 claim (a status at the reference date) is tested in it
    assert wgw.total.set_index("outcome").loc["outflow", ["value_programme_alt", "value_control_alt"]].notna().all()
    assert "'op de peildatum geen uitkering meer') significant" in glue(wgw, "wgw")["other_reading"]
    # with a larger minimum those returners are too few: the gate hides the other reading, its test and the
    # assumption that fixes it, and the chapter says why
    as_chapter, _ = effect_study("wgw")  # with the assumptions of the embedded data
    strict = gate.release(as_chapter, Rules(min_cell_size=15))
    assert strict.total.set_index("outcome").loc["outflow", ["value_programme_alt", "p_value_alt"]].isna().all()
    text = glue(strict, "wgw")["other_reading"]
    assert "is de uitstroom onderdrukt" in text and "Of de gedrukte 19% (programmagroep) en 13%" in text
    assert "15,0%" not in text and "Die toets is hier weggelaten" in text
    returned = strict.assumptions.set_index("parameter").loc["returned_after_other_programme"]
    assert returned["suppressed"] and pd.isna(returned["value"])


# -- sensitivity to hidden bias ---------------------------------------------------------------------


def test_e_values_equal_a_hand_computation_from_the_table_counts(wgw):
    row = wgw.total.set_index("outcome").loc["handover_matching"]
    k1, n1, k0, n0 = (float(row[c]) for c in ("k_programme", "n_programme", "k_control", "n_control"))
    rr = (k1 / n1) / (k0 / n0)
    low = rr * math.exp(-stats.norm.isf(0.025) * math.sqrt(1 / k1 - 1 / n1 + 1 / k0 - 1 / n0))
    assert row["e_value"] == pytest.approx(rr + math.sqrt(rr * (rr - 1)))
    assert row["e_value_limit"] == pytest.approx(low + math.sqrt(low * (low - 1)))
    shown = tables.sensitivity_display(wgw).frame.set_index("Uitkomst").loc["Overdracht naar Matching"]
    assert shown["E-waarde"] == f"{rr + math.sqrt(rr * (rr - 1)):.2f}".replace(".", ",")
    no_show = wgw.total.set_index("outcome").loc["no_show"]  # lower in the programme group: 1 / RR
    inverse = no_show["value_control"] / no_show["value_programme"]
    assert no_show["e_value"] == pytest.approx(inverse + math.sqrt(inverse * (inverse - 1)))
    assert pd.isna(wgw.total.set_index("outcome").loc["contacts_total", "e_value"])  # a mean: no risk ratio


def test_gamma_from_the_matched_pairs_by_hand(wgw_study):
    """McNemar's discordant pairs counted from the pool's pairs and the register, and at the
    reported Γ the worst-case one-sided p-value equals alpha / 2."""
    data = register("wgw").set_index("person_id")
    derived = effect.with_covariates(data.reset_index(), 12).set_index(data.index)
    pairs = matching.match(pool("wgw"))
    y1 = derived.loc[pairs["programme_id"], "handover_matching"].to_numpy(bool)
    y0 = derived.loc[pairs["control_id"], "handover_matching"].to_numpy(bool)
    treated_only, discordant = int((y1 & ~y0).sum()), int((y1 != y0).sum())
    gamma = wgw_study.table.set_index(["target_group", "outcome"]).loc[(effect.TOTAL, "handover_matching"), "gamma"]
    assert gamma > 1
    assert stats.binom.sf(treated_only - 1, discordant, gamma / (1 + gamma)) == pytest.approx(0.025, rel=1e-6)
    not_significant = wgw_study.table.set_index(["target_group", "outcome"]).loc[(effect.TOTAL, "parttime"), "gamma"]
    assert not_significant == 1.0


def test_without_a_pool_gamma_is_left_out_and_said_why():
    s = analysed("wgw", with_inputs=False)
    assert s.table["gamma"].isna().all() and s.table["e_value"].notna().any()
    shown = release(s, "wgw")
    assert "Zonder kandidatenbestand zijn die niet te herleiden, dus Γ ontbreekt" in glue(shown, "wgw")["gamma_note"]


# -- claims without a figure -----------------------------------------------------------------------------


def test_claims_stand_beside_the_reproductions_verdict(released):
    shown = tables.comparison_display(released, LABELS).frame
    contacts = shown[shown["Gepubliceerd"] == "alle geregistreerde contacten"].iloc[0]
    assert contacts["Overeenkomst"] == "alleen een oordeel: significant; reproductie: significant, ook na Holm"
    team6 = shown[(shown["Doelgroep"] == "Team 6") & (shown["Uitkomst"] == "Uitstroom naar werk")].iloc[-1]
    assert team6["Overeenkomst"] == "alleen een oordeel: niet significant; reproductie: onderdrukt"
    values = glue(released)
    claims = released.comparison["value"].isna().sum()
    assert values["claims_total"] == str(claims) and claims > 0
    assert values["published_total"] == str(len(released.comparison) - claims)


def test_the_template_names_the_match_command_and_where_pairing_is_optimal():
    """The command and the claim of optimal pairing as analysis.matching has them."""
    text = (ROOT / "notebooks" / "effect_study.md").read_text(encoding="utf-8")
    assert "`evalbook match`" in text and "python -m evalbook.matching" not in text
    assert "Binnen een cel met ten hoogste {glue:text}`optimal_up_to` personen" in text


def test_the_optimal_pairing_threshold_in_the_prose_is_the_matchings(wgw):
    assert glue(wgw, "wgw")["optimal_up_to"] == "200" and matching.OPTIMAL_UP_TO == 200
