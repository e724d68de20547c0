"""The attacker over every chapter (issue 13): every count a chapter publishes, with what its
definitions tie together, as one count system, and for every count not shown the narrowest
interval a reader can derive (:func:`evalbook.disclosure.attacker.leaks`): protected when at
least the minimum cell size wide.

The reader here is written independently of the gates' own models (:mod:`evalbook.disclosure.effect_cells`,
``survey_system``, ``cohort_system``): it reads the released frames (a chapter's CSV, or the
released result the report formats) and knows only what a reader knows: the shown values (a
missing value is a hidden one), the relations that follow from the definitions in the
chapter's text (totals, arms, complements, answer categories, routing, the set arithmetic
of the outcomes, unweighted means printed with their rounding) and that counts are whole
numbers. It runs on the embedded data and on adversarial registers (a target group of 12, a
group of 1, a zero cell, an outcome everyone has, an NPS team of 3, a WW@Work region of 12,
12 survey respondents, a programme group of 12), built with ``evalbook build`` in a copy of
the repository; planted leaks show it finds what it should.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import shutil

import pandas as pd
import pytest

from conftest import ROOT, copy_repo, evalbook
from evalbook.analysis.outcomes import BY_NAME
from evalbook.book.chapter import Chapter
from evalbook.chapters import client_survey as client_chapter
from evalbook.chapters import effect_study as effect_chapter
from evalbook.chapters import phone_survey as survey_chapter
from evalbook.chapters import wwatwork_effect as wwatwork_chapter
from evalbook.core.rounding import printed_interval, round_half_up
from evalbook.core.vocabulary import ARMS, EVERYONE
from evalbook.disclosure.attacker import intervals, leaks
from evalbook.disclosure.linked import CountSystem, Relation
from evalbook.disclosure.policy import Rules
from evalbook.report import effect as effect_report

TOTAL = EVERYONE  # the rows about everyone


class Reader:
    """Cells (value or NaN when not shown), unknown cells and relations a reader can write down."""

    def __init__(self):
        self.cells: dict = {}
        self.relations: list[Relation] = []
        self.unknown: set = set()
        self.derived: set = set()
        self.printed: dict = {}

    def know(self, key, value) -> None:
        """A shown value (NaN: not shown); a cell learnt twice keeps what is shown."""
        value = float(value) if pd.notna(value) else math.nan
        if math.isnan(self.cells.get(key, math.nan)):
            self.cells[key] = value

    def hidden(self, key) -> None:
        """A cell the chapter never prints (a complement, an overlap)."""
        self.cells.setdefault(key, math.nan)
        self.unknown.add(key)

    def sum(self, total, parts, weights=None) -> None:
        if parts and all(p in self.cells for p in (total, *parts)):
            self.relations.append(Relation(total, tuple(parts), tuple(weights or [1.0] * len(parts))))

    def combination(self, key, terms: dict, value=None, decimals: int | None = None) -> None:
        """A published combination of cells (an unweighted mean) as the reader sees it: rounded
        to ``decimals`` decimals, else to the six significant digits of a chapter's CSV."""
        self.cells[key] = math.nan
        self.derived.add(key)
        if value is not None and pd.notna(value):
            if decimals is None:
                decimals = 5 - math.floor(math.log10(abs(value))) if value else 6
            shown = round_half_up(value * 10**decimals) / 10**decimals
            self.printed[key] = printed_interval(shown, decimals)
        self.sum(key, list(terms), list(terms.values()))

    def system(self) -> CountSystem:
        return CountSystem(
            self.cells, tuple(self.relations), frozenset(self.derived), frozenset(self.unknown), self.printed
        )


def count_from_share(value, n):
    """A count a reader gets back from a shown percentage of a shown base (None if not)."""
    return round(value * n / 100) if pd.notna(value) and pd.notna(n) else math.nan


# -- the effect study -----------------------------------------------------------------------------


def effect_reader(
    table: pd.DataFrame,
    measure: str,
    comparison: pd.DataFrame | None = None,
    unweighted: bool = False,
    balance: pd.DataFrame | None = None,
) -> CountSystem:
    """The effect study's published counts: ``table`` as its CSV (``target_group`` empty for
    everyone), the comparison's reproduced totals (unweighted means printed with one decimal)
    and the balance table's shares."""
    r = Reader()
    t = table.assign(
        target_group=table["target_group"].astype(object).where(table["target_group"].notna(), "").replace("", TOTAL)
    )
    scopes = list(dict.fromkeys(t["target_group"]))
    groups = [s for s in scopes if s != TOTAL]
    outcomes = list(dict.fromkeys(t["outcome"]))
    rows = t.set_index(["target_group", "outcome"])
    alt = {
        s
        for s in scopes
        if "k_programme_alt" in t and rows.loc[(s, "outflow"), ["k_programme_alt", "k_control_alt"]].notna().any()
    }
    for s in scopes:
        for a in ARMS:
            for o in outcomes:
                row = rows.loc[(s, o)]
                among = BY_NAME[o].among
                n = ("k", s, among, a) if among else ("n", s, a)
                r.know(n, row[f"n_{a}"])
                if row["kind"] != "proportion":
                    continue
                for suffix in ("",) + (("_alt",) if o == "outflow" and s in alt else ()):
                    k = ("k" + suffix, s, o, a)
                    r.know(k, row[f"k_{a}{suffix}"])
                    r.know(k, count_from_share(row[f"value_{a}{suffix}"], row[f"n_{a}"]))
                    r.hidden(("no" + suffix, s, o, a))
                    r.sum(n, [k, ("no" + suffix, s, o, a)])
            _outcome_relations(r, s, a, outcomes, measure, s in alt)
    for key in [k for k in r.cells if k[1:2] == (TOTAL,)]:
        r.sum(key, [key[:1] + (g,) + key[2:] for g in groups])
    if groups and unweighted:
        _unweighted(r, t, groups, comparison)
    if balance is not None:
        _balance(r, balance)
    return r.system()


def _outcome_relations(r: Reader, s, a, outcomes, measure: str, alt: bool) -> None:
    def k(o):
        return ("k", s, o, a)

    def x(name):
        r.hidden(("x", s, name, a))
        return ("x", s, name, a)

    event = k("outflow") if measure == "event" else ("k_alt", s, "outflow", a) if alt else None
    status = ("k_alt", s, "outflow", a) if measure == "event" and alt else k("outflow") if measure == "status" else None
    if event and "outflow_work" in outcomes:
        r.sum(event, [k("outflow_work"), k("outflow_other")])
    if status:
        returned = x("returned")
        r.sum(k("outflow_work"), [status, returned, k("outflow_other")], [1.0, 1.0, -1.0])
        if "no_return_after_work" in outcomes:
            r.sum(returned, [("no", s, "no_return_after_work", a), x("other_returned")])
    if {"outflow_work", "parttime", "active"} <= set(outcomes):
        r.sum(k("outflow_work"), [x("both"), x("work_only")])
        r.sum(k("parttime"), [x("both"), x("parttime_only")])
        r.sum(k("active"), [x("both"), x("work_only"), x("parttime_only")])
    if {"handover_matching", "handover_mo"} <= set(outcomes):
        r.sum(("n", s, a), [k("handover_matching"), k("handover_mo"), x("no_handover")])


def _unweighted(r: Reader, t: pd.DataFrame, groups: list, comparison: pd.DataFrame | None) -> None:
    """The unweighted means of the target groups' shares: the table's ``um_`` (exact) and the
    comparison's reproduced totals (one decimal), with the group sizes the reader sees."""

    def terms(o, a):
        among = BY_NAME[o].among
        sizes = {g: r.cells.get(("k", g, among, a) if among else ("n", g, a), math.nan) for g in groups}
        if any(math.isnan(v) or v == 0 for v in sizes.values()):
            return None  # a group size not shown: no linear relation for the reader
        return {("k", g, o, a): 100 / (len(groups) * sizes[g]) for g in groups}

    for _, row in t[(t["target_group"] == TOTAL) & (t["kind"] == "proportion")].iterrows():
        for a in ARMS:
            weights = terms(row["outcome"], a)
            if weights and f"um_{a}" in row:
                r.combination(("um", row["outcome"], a), weights, row[f"um_{a}"])
    if comparison is None:
        return
    totals = comparison[comparison["subgroup"].fillna("").eq("") & comparison["reproduced"].notna()]
    for _, row in totals.iterrows():
        if BY_NAME.get(row["quantity"]) is None or BY_NAME[row["quantity"]].kind != "proportion":
            continue
        weights = terms(row["quantity"], row["group"])
        if weights:
            r.combination(("mean", row["figure_id"]), weights, row["reproduced"], decimals=1)


def _balance(r: Reader, table: pd.DataFrame) -> None:
    for group in ("programme", "candidates", "control"):
        if f"n_{group}" not in table or table[f"n_{group}"].isna().all():
            continue
        n = ("n", TOTAL, group) if group in ARMS else ("bal_n", group)
        r.know(n, table[f"n_{group}"].dropna().iloc[0])
        levels = {}
        for _, row in table[table["binary"]].iterrows():
            key = ("bal", row["variable"], row["level"], group)
            r.know(key, row[f"k_{group}"])
            r.know(key, count_from_share(100 * row[f"mean_{group}"], r.cells[n]))
            r.hidden(("bal_no",) + key[1:])
            r.sum(n, [key, ("bal_no",) + key[1:]])
            levels.setdefault(row["variable"], []).append(key)
        for keys in levels.values():
            if len(keys) > 1:
                r.sum(n, keys)


# -- the telephone survey -------------------------------------------------------------------------


def survey_reader(
    table: pd.DataFrame, codebook: pd.DataFrame, respondents: pd.Series | None = None, distributions: dict | None = None
) -> tuple[CountSystem, list]:
    """The survey's published counts; also the cells counting who did not answer (or said
    weet niet where that is left out), which are protected only when they are not zero."""
    r = Reader()
    book = codebook.set_index("item")
    groups = (*ARMS, "total")
    table = table.assign(
        category=[
            None if primary else q.removeprefix(f"{item}_")
            for q, item, primary in zip(table["quantity"], table["item"], table["primary"], strict=True)
        ]
    )
    for _, row in table.iterrows():
        for g in groups:
            n, k = ("n", row["item"], g), ("k", row["quantity"], g)
            r.know(n, row[f"n_{g}"])
            r.know(k, row[f"k_{g}"])
            r.know(k, count_from_share(row[f"value_{g}"], row[f"n_{g}"]))
            r.hidden(("no", row["quantity"], g))
            r.sum(n, [k, ("no", row["quantity"], g)])
    for item in table.loc[table["primary"], "item"]:
        categories = table[(table["item"] == item) & ~table["primary"]]
        if categories.empty:
            continue
        entry = book.loc[item]
        positive = {
            c if entry["scale"] != "agreement" else c.replace("strongly_", "")
            for c in str(entry["positive"]).split("|")
        }
        for g in groups:
            r.sum(("n", item, g), [("k", q, g) for q in categories["quantity"]])
            chosen = [
                ("k", q, g)
                for q, c in zip(categories["quantity"], categories["category"], strict=True)
                if c in positive
            ]
            r.sum(("k", item, g), chosen)
    for key in [k for k in r.cells if k[-1] == "total"]:
        r.sum(key, [key[:-1] + (a,) for a in ARMS])
    answered = []
    if respondents is not None:
        for a in ARMS:
            r.know(("resp", a), respondents.get(a))
        for item in table.loc[table["primary"], "item"]:
            for a in ARMS:
                asked = _asked(table, book, item, a)
                if asked:
                    r.cells[("excl", item, a)] = math.nan
                    r.derived.add(("excl", item, a))  # not a count the gate protects when zero
                    r.sum(("n", item, a), [*asked, ("excl", item, a)], [1.0] * len(asked) + [-1.0])
                    answered.append(("excl", item, a))
    for frame in (distributions or {}).values():
        for _, row in frame[frame["category"] == "middle"].iterrows():
            key = ("mid", row["item"], row["group"])
            r.know(key, count_from_share(row["value"], r.cells.get(("n", row["item"], row["group"]))))
            r.sum(
                key,
                [
                    ("k", f"{row['item']}_{c}", row["group"])
                    for c in ("neutral", "dont_know")
                    if ("k", f"{row['item']}_{c}", row["group"]) in r.cells
                ],
            )
    return r.system(), answered


def _asked(table, book, item, group) -> list | None:
    condition = book.at[item, "asked_if"] if item in book.index else None
    if not isinstance(condition, str):
        return [("resp", group)]
    source, _, codes = condition.partition("=")
    codes = set(codes.split("|"))
    rows = table[(table["item"] == source) & ~table["primary"] & table["category"].isin(codes)]
    if not rows.empty:
        return [("k", q, group) for q in rows["quantity"]]
    if book.at[source, "scale"] == "yes_no" and codes == {book.at[source, "positive"]}:
        return [("k", source, group)]
    return None


def survey_leaks(system: CountSystem, answered: list, rules: Rules) -> pd.DataFrame:
    """:func:`leaks` plus the non-answers: a positive count of them narrowed below the minimum."""
    found = leaks(system, rules)
    extra = [
        {"cell": key, "low": iv.low, "high": iv.high}
        for key, iv in intervals(system, cells=answered, integer=rules.integer_attacker).items()
        if not iv.protects(rules.min_cell_size) and iv.high > 0 and iv.low < rules.min_cell_size
    ]
    return pd.concat([found, pd.DataFrame(extra, columns=found.columns)], ignore_index=True)


# -- the client survey ----------------------------------------------------------------------------


def nps_reader(table: pd.DataFrame) -> CountSystem:
    """The NPS tables (everyone, teams, months) with their categories and totals."""
    r = Reader()
    categories = ("promoters", "passives", "detractors")
    rows = table.assign(by=table["by"].replace("totaal", "total"))
    for _, row in rows.iterrows():
        key = (row["by"], row["group"])
        r.know((*key, "n"), row["n"])
        for c in categories:
            r.know((*key, c), row[f"k_{c}"])
            r.know((*key, c), count_from_share(row[f"share_{c}"], row["n"]))
        r.sum((*key, "n"), [(*key, c) for c in categories])
    total = rows[rows["by"] == "total"].iloc[0]
    for by in ("team", "period"):
        parts = rows[rows["by"] == by]
        for what in (*categories, "n"):
            r.sum(("total", total["group"], what), [(by, g, what) for g in parts["group"]])
    return r.system()


# -- WW@Work --------------------------------------------------------------------------------------

STEPS = {
    "cohort": None,
    "invited": "cohort",
    "attended": "invited",
    "coached": "attended",
    "found_work": "coached",
    "bijstand": "coached",
}
REGIONS = ("noord", "zuid")


def wwatwork_reader(
    funnel: pd.DataFrame, ovp: pd.DataFrame, comparison: pd.DataFrame | None = None, months: int | None = None
) -> CountSystem:
    """The funnel (Rotterdam and its regions), realised against predicted inflow and the
    reproduced published funnel figures."""
    r = Reader()
    f = funnel.set_index("step")
    areas = ("", *(f"_{g}" for g in REGIONS))
    for step, base in STEPS.items():
        for area in areas:
            r.know((step, area), f.at[step, f"count{area}"])
            if base:
                r.know((base, area), f.at[step, f"n{area}"])
                r.know((step, area), count_from_share(f.at[step, f"percent{area}"], f.at[step, f"n{area}"]))
        r.sum((step, ""), [(step, f"_{g}") for g in REGIONS])
    for step, base in STEPS.items():
        for area in areas if base else ():
            r.hidden(("missed", step, area))
            r.sum((base, area), [(step, area), ("missed", step, area)])
    o = ovp.set_index("group")
    same = {
        ("total", "n"): ("cohort", ""),
        ("coached", "n"): ("coached", ""),
        ("coached", "k"): ("bijstand", ""),
        **{(g, "n"): ("cohort", f"_{g}") for g in REGIONS},
    }
    for group in o.index:
        n, k = same.get((group, "n"), ("ovp", group, "n")), same.get((group, "k"), ("ovp", group, "k"))
        r.know(n, o.at[group, "n"])
        r.know(k, o.at[group, "k"])
        r.know(k, count_from_share(o.at[group, "realised"], o.at[group, "n"]))
        r.hidden(("ovp", group, "not"))
        r.sum(n, [k, ("ovp", group, "not")])
    for parts in (("coached", "not_coached"), REGIONS):
        for what in ("n", "k"):
            r.sum(
                same.get(("total", what), ("ovp", "total", what)),
                [same.get((g, what), ("ovp", g, what)) for g in parts],
            )
    if comparison is not None:
        _funnel_figures(r, comparison, months)
    return r.system()


def _funnel_figures(r: Reader, comparison: pd.DataFrame, months: int | None) -> None:
    shown = comparison.dropna(subset=["reproduced"]).set_index(["quantity", "subgroup"])["reproduced"]
    for (quantity, subgroup), value in shown.items():
        if quantity == "leaving_ww_per_month" and months:
            r.know(("cohort", ""), round(value * months))
        elif quantity in ("coached_cumulative", "found_work_cumulative"):
            r.know(("coached" if quantity.startswith("coached") else "found_work", ""), value)
        elif quantity == "maxww_share":
            r.know(("cohort", f"_{subgroup}"), count_from_share(value, r.cells.get(("cohort", ""))))
        elif quantity == "outflow_share":
            r.know(("found_work", f"_{subgroup}"), count_from_share(value, r.cells.get(("found_work", ""))))
        elif quantity == "found_work":  # the work found in January-June 2017: part of all work found
            r.know(("window",), value)
            r.hidden(("window_rest",))
            r.sum(("found_work", ""), [("window",), ("window_rest",)])


# -- the chapters, run as their notebooks run them ------------------------------------------------


@functools.cache
def effect_run(part: str, data_dir=None):
    """The effect study of ``part`` as its chapter runs it: (raw study, released study, rules)."""
    chapter = Chapter("effect_study", part, {"data_dir": str(data_dir)} if data_dir else {})
    study = effect_chapter.analyse(chapter)
    return study, effect_chapter.run(chapter, study).released, chapter.rules


@functools.cache
def survey_run(part: str, data_dir=None):
    chapter = Chapter("phone_survey", part, {"data_dir": str(data_dir)} if data_dir else {})
    result = survey_chapter.analyse(chapter)
    return result, survey_chapter.run(chapter, result).released, chapter.rules


@functools.cache
def nps_run(data_dir=None):
    chapter = Chapter("client_survey", "wwatwork", {"data_dir": str(data_dir)} if data_dir else {})
    return client_chapter.run(chapter).released, chapter.rules


@functools.cache
def wwatwork_run(data_dir=None):
    chapter = Chapter("wwatwork_effect", "wwatwork", {"data_dir": str(data_dir)} if data_dir else {})
    study = wwatwork_chapter.analyse(chapter)
    return study, wwatwork_chapter.run(chapter, study).released, chapter.rules


def effect_attack(csv: pd.DataFrame, study, released, rules: Rules) -> pd.DataFrame:
    return leaks(
        effect_reader(
            csv,
            study.outflow_measure,
            released.comparison,
            study.published_total == "unweighted_mean",
            released.balance.table,
        ),
        rules,
    )


def shown_counts_are_safe(frame: pd.DataFrame, columns, rules: Rules) -> None:
    """No shown count is below the minimum (nor zero, when zeros are disclosive)."""
    for column in [c for c in columns if c in frame]:
        values = pd.to_numeric(frame[column], errors="coerce").dropna()
        assert not values.map(rules.is_primary).any(), f"{column}: {values[values.map(rules.is_primary)].tolist()}"


def same_counts(csv: pd.DataFrame, released: pd.DataFrame, columns) -> None:
    """The chapter's CSV holds what the gate released (so attacking one attacks the other)."""
    for column in [c for c in columns if c in csv]:
        a = pd.to_numeric(csv[column], errors="coerce").to_numpy()
        b = pd.to_numeric(released[column], errors="coerce").to_numpy(dtype=float)
        assert ((a == b) | (pd.isna(a) & pd.isna(b))).all(), column


COUNT_COLUMNS = [f"{c}_{g}" for c in ("n", "k") for g in (*ARMS, "total")] + ["k_programme_alt", "k_control_alt"]


# -- the embedded data: the book as it is ---------------------------------------------------------


@pytest.mark.parametrize("part", ["wgw", "route3"])
def test_the_effect_study_leaks_no_hidden_count(part):
    study, released, rules = effect_run(part)
    csv = pd.read_csv(ROOT / "book" / part / "tables" / "effect_study.csv")
    same_counts(csv, released.table, COUNT_COLUMNS)
    shown_counts_are_safe(csv, COUNT_COLUMNS, rules)
    assert effect_attack(csv, study, released, rules).empty
    assert csv[["k_programme", "k_control"]].isna().any().any()  # the attack had hidden counts to look for


@pytest.mark.parametrize("part", ["wgw", "route3"])
def test_the_phone_survey_leaks_no_hidden_count(part):
    result, released, rules = survey_run(part)
    csv = pd.read_csv(ROOT / "book" / part / "tables" / "phone_survey.csv")
    same_counts(csv, released.table, COUNT_COLUMNS)
    shown_counts_are_safe(csv, COUNT_COLUMNS, rules)
    system, answered = survey_reader(csv, result.codebook, released.respondents, released.distributions)
    assert survey_leaks(system, answered, rules).empty


def test_the_client_survey_and_the_funnel_leak_no_hidden_count():
    released, rules = nps_run()
    csv = pd.read_csv(ROOT / "book" / "wwatwork" / "tables" / "client_survey.csv")
    shown_counts_are_safe(csv, ["n", "k_promoters", "k_passives", "k_detractors"], rules)
    assert leaks(nps_reader(csv), rules).empty
    study, released, rules = wwatwork_run()
    csv = pd.read_csv(ROOT / "book" / "wwatwork" / "tables" / "wwatwork_effect.csv")
    same_counts(csv, released.funnel, ["count", "count_noord", "count_zuid"])
    assert leaks(wwatwork_reader(csv, released.ovp, released.comparison, released.months), rules).empty


# -- planted leaks: the attacker finds what it should -----------------------------------------------


def test_a_planted_leak_is_found():
    """Show one cell the gate hid to protect Team 6 and OAP (the total minus the groups shown):
    the attacker pins the small cells."""
    study, released, rules = effect_run("route3")
    csv = effect_report.download_table(released)
    raw = study.table.set_index(["target_group", "outcome"])
    at = (csv["target_group"] == "stilstaand_water") & (csv["outcome"] == "parttime")
    assert csv.loc[at, "k_control"].isna().all()  # hidden by the gate (secondary)
    csv.loc[at, "k_control"] = raw.loc[("stilstaand_water", "parttime"), "k_control"]
    found = effect_attack(csv, study, released, rules)
    assert {("k", "team6", "parttime", "control"), ("k", "oap", "parttime", "control")} <= set(found["cell"])


def test_a_gate_that_forgets_the_unweighted_means_is_caught():
    """Route 3's totals as unweighted means of the four target groups, beside the pooled total
    and the groups shown, give hidden counts back; printed where the gate held them back (as
    a gate blind to them would print them), the attacker finds the leak."""
    study, released, rules = effect_run("route3")
    assert any(s.table == "comparison" for s in released.suppressions)  # the real gate hid some means
    table = released.table.copy()
    for column in ("um_programme", "um_control"):
        table[column] = study.table[column]
    comparison = released.comparison.copy()
    total = comparison["subgroup"].isna() & comparison["group"].isin(ARMS)
    total &= comparison["quantity"].isin(study.total_means.index)
    comparison.loc[total, "reproduced"] = [
        study.total_means.at[q, g]
        for q, g in zip(comparison.loc[total, "quantity"], comparison.loc[total, "group"], strict=True)
    ]
    blind = dataclasses.replace(released, table=table, comparison=comparison)
    found = effect_attack(effect_report.download_table(blind), study, blind, rules)
    assert not found.empty and any(cell[1] in ("team6", "oap") for cell in found["cell"])


def test_a_total_shown_beside_a_hidden_arm_is_found():
    """WGW's survey: 1 of 22 controls in treatment (hidden); showing the total over both
    groups would give it back."""
    result, released, rules = survey_run("wgw")
    table = released.table.copy()
    row = table["quantity"] == "psych_treatment"
    assert table.loc[row, "k_control"].isna().all() and table.loc[row, "k_total"].isna().all()
    table.loc[row, "k_total"] = result.table.loc[result.table["quantity"] == "psych_treatment", "k_total"].to_numpy()
    system, answered = survey_reader(table, result.codebook, released.respondents, released.distributions)
    assert ("k", "psych_treatment", "control") in set(survey_leaks(system, answered, rules)["cell"])


# -- hidden outputs are published -------------------------------------------------------------------


def test_no_template_hides_an_output():
    """A collapsed output is complete in the downloadable notebook: no template hides one."""
    for template in (ROOT / "notebooks").glob("*.md"):
        text = template.read_text(encoding="utf-8")
        assert "hide-output" not in text and "hide-cell" not in text, template.name


def test_the_assumptions_show_nothing_of_a_hidden_cell():
    """Route 3's assumptions (small groups' assumed shares; 'precies één persoon'): every value
    that fixes a hidden cell is held back, and the reasons with it."""
    nb = json.loads((ROOT / "book" / "route3" / "effect_study.ipynb").read_text(encoding="utf-8"))
    text = json.dumps([o for c in nb["cells"] for o in c.get("outputs", [])], ensure_ascii=False)
    assert "één persoon" not in text and "de ene persoon" not in text
    study, released, _ = effect_run("route3")
    shown = released.assumptions.set_index("parameter")
    assert pd.isna(shown.at["parttime_programme_oap", "value"]) and pd.isna(
        shown.at["outflow_work_programme_team6", "value"]
    )
    assert (
        shown.at["n_programme_oap", "value"] == study.assumptions.set_index("parameter").at["n_programme_oap", "value"]
    )
    assert shown["reason"].isna().all()


# -- adversarial registers, built as a researcher builds them ----------------------------------------


def adversarial_data(dest):
    """Registers made to break the gate, in ``dest/<part>/`` (the embedded data, cut down):

    * Route 3: Team 6 of 12 in each group, OAP of 1, nobody in Stilstaand water's programme
      group with a no-show (a zero), everyone in Nieuwe instroom's control group with part-time
      work (a complement of zero), and 12 survey respondents in the programme group;
    * WGW: a programme group of 12;
    * WW@Work: a region (Noord) of 12 max-WW'ers and an NPS team (Noord) of 3.
    """
    source = ROOT / "data" / "synthetic"
    for part in ("route3", "wgw", "wwatwork"):
        (dest / part).mkdir(parents=True)
    register = pd.read_csv(source / "route3" / "register.csv", dtype=str, keep_default_na=False)
    sizes = {"team6": 12, "oap": 1}
    register = pd.concat(
        [
            rows.head(sizes.get(tg, len(rows)))
            for (tg, _), rows in register.groupby(["target_group", "group"], sort=False)
        ]
    )
    register.loc[(register["target_group"] == "stilstaand_water") & (register["group"] == "programme"), "no_show"] = (
        "false"
    )
    everyone = (register["target_group"] == "nieuwe_instroom") & (register["group"] == "control")
    register.loc[everyone & (register["parttime_months"] == "0"), "parttime_months"] = "2"
    register.to_csv(dest / "route3" / "register.csv", index=False)
    answers = pd.read_csv(source / "route3" / "survey.csv", dtype=str, keep_default_na=False)
    twelve = answers.loc[answers["group"] == "programme", "respondent"].drop_duplicates().head(12)
    answers[(answers["group"] == "control") | answers["respondent"].isin(twelve)].to_csv(
        dest / "route3" / "survey.csv", index=False
    )
    shutil.copy(source / "route3" / "codebook.csv", dest / "route3" / "codebook.csv")
    register = pd.read_csv(source / "wgw" / "register.csv", dtype=str, keep_default_na=False)
    pd.concat([register[register["group"] == "programme"].head(12), register[register["group"] == "control"]]).to_csv(
        dest / "wgw" / "register.csv", index=False
    )
    cohort = pd.read_csv(source / "wwatwork" / "cohort.csv", dtype=str, keep_default_na=False)
    pd.concat([cohort[cohort["region"] == "noord"].head(12), cohort[cohort["region"] == "zuid"]]).to_csv(
        dest / "wwatwork" / "cohort.csv", index=False
    )
    scores = pd.read_csv(source / "wwatwork" / "survey_nps.csv", dtype=str, keep_default_na=False)
    pd.concat([scores[scores["team"] == "noord"].head(3), scores[scores["team"] == "zuid"]]).to_csv(
        dest / "wwatwork" / "survey_nps.csv", index=False
    )
    return dest


@pytest.fixture(scope="module")
def adversarial(tmp_path_factory):
    """The adversarial data, a copy of the repository in which the chapters on them were
    built (one build per programme or chapter, so that one failing chapter fails only its
    tests) and the builds' outcomes."""
    data = adversarial_data(tmp_path_factory.mktemp("adversarial") / "data")
    work = copy_repo(tmp_path_factory.mktemp("adversarial-build") / "repo")
    builds = {}
    for part, chapter in (
        ("route3", "effect_study"),
        ("route3", "phone_survey"),
        ("wgw", "effect_study"),
        ("wwatwork", None),
    ):
        args = ["build", "--programme", part, "--data-dir", str(data), "--no-html", "--force"]
        builds[(part, chapter)] = evalbook(work, *args, *(["--chapter", chapter] if chapter else []))
    return data, work, builds


def built(adversarial, part: str, chapter: str | None):
    """The data and the repository copy, once the chapter has been built on them."""
    data, work, builds = adversarial
    proc = builds[(part, chapter)]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return data, work


def test_adversarial_target_groups_are_suppressed_and_protected(adversarial):
    data, work = built(adversarial, "route3", "effect_study")
    study, released, rules = effect_run("route3", data)
    csv = pd.read_csv(work / "book" / "route3" / "tables" / "effect_study.csv")
    same_counts(csv, released.table, COUNT_COLUMNS)
    shown_counts_are_safe(csv, COUNT_COLUMNS, rules)
    assert effect_attack(csv, study, released, rules).empty
    rows = released.table.set_index(["target_group", "outcome"])
    sizes = rows.xs("outflow", level="outcome")[["n_programme", "n_control"]]
    assert sizes.loc["oap"].isna().all()  # a group of 1
    assert (sizes.isna().sum() >= 2).all()  # and one size more: else the total minus the others gives it
    assert rows.loc[("team6", "outflow_work"), ["k_programme", "k_control"]].isna().all()  # 12: its counts
    assert pd.isna(rows.loc[("stilstaand_water", "no_show"), "k_programme"])  # the zero
    assert pd.isna(rows.loc[("nieuwe_instroom", "parttime"), "k_control"])  # everyone: a zero complement


def test_a_programme_group_of_twelve_shows_no_step_of_its_curves(adversarial):
    """WGW with 12 programme persons: the curves would drop by 1/12 (91,7%, 8,3%); no step of
    fewer than 10 persons and nothing after fewer than 10 remain at risk is released."""
    data, work = built(adversarial, "wgw", "effect_study")
    study, released, rules = effect_run("wgw", data)
    assert (study.km["group"] == "programme").any()
    assert not (released.km["group"] == "programme").any() and not (released.cif["group"] == "programme").any()
    csv = pd.read_csv(work / "book" / "wgw" / "tables" / "effect_study.csv")
    shown_counts_are_safe(csv, COUNT_COLUMNS, rules)
    assert effect_attack(csv, study, released, rules).empty


def test_twelve_survey_respondents_are_suppressed_and_protected(adversarial):
    data, work = built(adversarial, "route3", "phone_survey")
    result, released, rules = survey_run("route3", data)
    csv = pd.read_csv(work / "book" / "route3" / "tables" / "phone_survey.csv")
    same_counts(csv, released.table, COUNT_COLUMNS)
    shown_counts_are_safe(csv, COUNT_COLUMNS, rules)
    system, answered = survey_reader(csv, result.codebook, released.respondents, released.distributions)
    assert survey_leaks(system, answered, rules).empty
    assert released.table["suppressed"].any()


def test_a_small_team_and_a_small_region_are_suppressed_and_protected(adversarial):
    data, work = built(adversarial, "wwatwork", None)
    nps_released, rules = nps_run(data)
    csv = pd.read_csv(work / "book" / "wwatwork" / "tables" / "client_survey.csv")
    assert leaks(nps_reader(csv), rules).empty
    assert nps_released.by_team.set_index("group").at["noord", "suppressed"]  # a team of 3
    study, released, rules = wwatwork_run(data)
    csv = pd.read_csv(work / "book" / "wwatwork" / "tables" / "wwatwork_effect.csv")
    same_counts(csv, released.funnel, ["count", "count_noord", "count_zuid"])
    assert leaks(wwatwork_reader(csv, released.ovp, released.comparison, released.months), rules).empty
    assert released.funnel["count_noord"].isna().any()  # a region of 12: its small steps hidden
