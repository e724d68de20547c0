"""The attacker inverts every printed statistic (issue 21), not only the count tables.

For every statistic with a closed form in counts that a chapter prints (a difference, a
p-value, a risk ratio and its interval, E-values, Rosenbaum's Γ, an NPS and its interval, a
Wilson interval, a share), the attacker searches the whole counts that give the printed value
at its printed precision (:mod:`evalbook.disclosure.inversion`): six significant digits as in
the chapter's CSV and, for Γ, the two decimals of the prose (a coarser print allows every
solution the CSV's does, and more). The bounds on the counts it finds go into the reader's
count system of :mod:`test_chapter_disclosure` (written independently of the gates), Γ's
with the matched-pair table a reader knows from the chapter (every control person has one
programme partner, the rest of the programme group none). A leak is a count the statistics
narrow to an interval shorter than the minimum that reaches below it. From intervals and
MDEs of means, and from an adjusted effect's interval, the attacker derives the spread and
estimates the largest contribution: a leak when it comes within the p% rule's ratio.

Planted leaks (a gate that trusts Γ, one without the spread rules) are found; the real gate
leaks nothing on the embedded book and on registers made to break it (a dominant person, a
dozen unmatched participants, rare outcomes in matched pairs). The chapters are run through
the analysis and the gate only (no build): :func:`run` is the one place that runs them.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import math

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from evalbook.analysis import effect as effect_analysis
from evalbook.analysis import matching
from evalbook.analysis.outcomes import BY_NAME
from evalbook.book.chapter import Chapter
from evalbook.disclosure import inversion
from evalbook.disclosure.attacker import intervals
from evalbook.disclosure.effect import MODEL_PARAMETERS
from evalbook.disclosure.linked import CountSystem
from evalbook.report import effect as effect_report
from evalbook.report import nps as nps_report
from evalbook.report import survey as survey_report
from evalbook.report import wwatwork as wwatwork_report
from test_chapter_disclosure import (
    TOTAL,
    adversarial_data,
    effect_reader,
    effect_run,
    nps_reader,
    nps_run,
    survey_reader,
    survey_run,
    wwatwork_reader,
    wwatwork_run,
)

ARMS = ("programme", "control")
PAIRS = ("both", "programme_only", "control_only", "neither", "unmatched_yes", "unmatched_no")


def run(template: str, part: str = "wgw", data_dir=None):
    """The chapter up to its gate: (raw result, released result, rules). The one place the
    chapters' pipeline is called."""
    runs = {"effect_study": effect_run, "phone_survey": survey_run}
    if template in runs:
        return runs[template](part, data_dir)
    if template == "client_survey":
        released, rules = nps_run(data_dir)
        return None, released, rules
    return wwatwork_run(data_dir)


def as_printed(table: pd.DataFrame) -> pd.DataFrame:
    """A table as a reader gets it from the chapter's CSV (``Chapter.save_table``'s format)."""
    return pd.read_csv(io.StringIO(table.to_csv(index=False, float_format="%.6g")))


# -- the search, over hidden inputs -----------------------------------------------------------------


def invert(forms: dict, shown: dict, inputs: dict, limits: dict, decimals=None) -> dict:
    """Bounds on the hidden inputs of every shown statistic: ``forms`` statistic → (function,
    argument names); ``shown`` statistic → printed value (NaN: not shown); ``inputs`` argument
    → (cell, value or NaN); ``limits`` argument → the largest value a reader allows it. A
    search over more than three million combinations (three or more hidden counts of a few
    hundred) is left to the count tables' attacker."""
    found = {}
    for name, (function, arguments) in forms.items():
        value = shown.get(name, math.nan)
        hidden = [a for a in arguments if math.isnan(inputs[a][1])]
        if pd.isna(value) or not hidden:
            continue
        grid = {a: [inputs[a][1]] if a not in hidden else np.arange(int(limits[a]) + 1) for a in arguments}
        if math.prod(len(g) for g in grid.values()) > 3_000_000:
            continue
        for a, (low, high) in inversion.hull(
            inversion.search(function, inversion.printed(value, decimals=decimals), grid)
        ).items():
            if a in hidden:
                cell = inputs[a][0]
                old = found.get(cell, (-math.inf, math.inf))
                found[cell] = (max(old[0], low), min(old[1], high))
    return found


def narrowed(without: CountSystem, bounds: dict, rules) -> pd.DataFrame:
    """The counts the ``bounds`` (cell → printed interval) narrow, beside everything else the
    reader knows (``without``), to less than the minimum and below it."""
    system = without
    for cell, (low, high) in bounds.items():
        system = system.printed_as(cell, max(low, 0.0), high)
    touched = {c for part in system.components() if set(part) & set(bounds) for c in part}
    cells = [c for c in touched if c not in system.derived and c not in without.shown()]
    before = intervals(without, cells=cells, integer=rules.integer_attacker)
    after = intervals(system, cells=cells, integer=rules.integer_attacker)
    rows = [
        {"cell": c, "low": after[c].low, "high": after[c].high}
        for c in cells
        if not after[c].protects(rules.min_cell_size)
        and after[c].width < before[c].width - 1e-9
        and after[c].low < rules.min_cell_size
    ]
    return pd.DataFrame(rows, columns=["cell", "low", "high"])


# -- the effect study ---------------------------------------------------------------------------------

TWO_BY_TWO = ("diff", "p_value", "rr", "rr_low", "rr_high", "e_value", "e_value_limit")


def effect_statistics(csv: pd.DataFrame, gamma_decimals=None) -> tuple[dict, dict]:
    """What the effect study's printed statistics give of its counts: bounds per reader cell,
    and per outcome with a Γ the matched-pair tables it allows (:func:`inversion.pair_tables`)."""
    t = csv.assign(target_group=csv["target_group"].astype(object).where(csv["target_group"].notna(), TOTAL))
    largest = {a: t[f"n_{a}"].max() for a in ARMS}
    forms = {name: (inversion.CLOSED_FORMS[name], ("k1", "n1", "k0", "n0")) for name in TWO_BY_TWO}
    bounds, tables = {}, {}
    for _, r in t[t["kind"] == "proportion"].iterrows():
        s, o = r["target_group"], r["outcome"]
        among = BY_NAME[o].among
        inputs, limits = {}, {}
        for a, suffix in zip(ARMS, ("1", "0"), strict=True):
            n = r[f"n_{a}"]
            k = r[f"k_{a}"]
            if pd.isna(k) and pd.notna(n) and pd.notna(r[f"value_{a}"]):
                k = round(r[f"value_{a}"] * n / 100)
            inputs[f"n{suffix}"] = (("k", s, among, a) if among else ("n", s, a), float(n))
            inputs[f"k{suffix}"] = (("k", s, o, a), float(k))
            limits[f"n{suffix}"] = largest[a]
            limits[f"k{suffix}"] = n if pd.notna(n) else largest[a]
        for cell, found in invert(forms, r.to_dict(), inputs, limits).items():
            old = bounds.get(cell, (-math.inf, math.inf))
            bounds[cell] = (max(old[0], found[0]), min(old[1], found[1]))
        if s == TOTAL and pd.notna(r.get("gamma")) and all(pd.notna(inputs[x][1]) for x in inputs):
            solutions = inversion.gamma_pairs(
                inversion.printed(r["gamma"], decimals=gamma_decimals), int(inputs["n0"][1])
            )
            signs = [np.sign(r["diff"])] if pd.notna(r["diff"]) else [1.0, -1.0]
            found = [
                inversion.pair_tables(*solutions, sign, *(inputs[x][1] for x in ("k1", "n1", "k0", "n0")))
                for sign in signs
            ]
            tables[o] = {name: np.concatenate([f[name] for f in found]) for name in PAIRS}
    return bounds, tables


def with_pairs(system: CountSystem, tables: dict) -> tuple[CountSystem, dict]:
    """The reader's system with each outcome's matched-pair table (the design: every control
    person has one programme partner, the other programme persons none) and the bounds Γ gives."""
    bounds = {}
    n1, n0 = ("n", TOTAL, "programme"), ("n", TOTAL, "control")
    for o, table in tables.items():
        key = {name: ("pair", o, name) for name in PAIRS}
        k1, k0 = ("k", TOTAL, o, "programme"), ("k", TOTAL, o, "control")
        system = CountSystem.merge(system, CountSystem(dict.fromkeys(key.values(), math.nan)))
        system = system.link(n0, [key[c] for c in PAIRS[:4]]).link(k0, [key["both"], key["control_only"]])
        system = system.link(k1, [key["both"], key["programme_only"], key["unmatched_yes"]])
        system = system.link(n1, [key[c] for c in PAIRS])
        bounds |= {key[name]: (float(v.min()), float(v.max())) for name, v in table.items() if len(v)}
    return system, bounds


def found_cells(found: pd.DataFrame) -> dict:
    """The attacker's finds as cell → (low, high)."""
    return {r.cell: (r.low, r.high) for r in found.itertuples()}


def effect_leaks(study, released, rules, gamma_decimals=None) -> pd.DataFrame:
    """Every count the effect study's printed statistics narrow (beside its tables)."""
    csv = as_printed(effect_report.download_table(released))
    reader = effect_reader(
        csv,
        study.outflow_measure,
        released.comparison,
        study.published_total == "unweighted_mean",
        released.balance.table,
    )
    bounds, tables = effect_statistics(csv, gamma_decimals)
    reader, pair_bounds = with_pairs(reader, tables)
    return narrowed(reader, bounds | pair_bounds, rules)


def spread_leaks(study, released, rules) -> list[tuple]:
    """The figures of a mean from which the attacker's estimate of a largest contribution to a
    sum of squares comes within the p% rule's ratio: per arm from a Welch interval, pooled
    from the MDE, from the adjusted effect's interval; checked against the true contributions."""
    csv = as_printed(effect_report.download_table(released))
    persons, alpha = study.persons, study.alpha
    found = []
    for _, r in csv[csv["kind"] == "mean"].iterrows():
        scope = TOTAL if pd.isna(r["target_group"]) else r["target_group"]
        rows = persons if scope == TOTAL else persons[persons["target_group"] == scope]
        squares = {}
        for a in ARMS:
            x = rows.loc[rows["group"] == a, r["outcome"]].dropna().to_numpy(float)
            squares[a] = (x - x.mean()) ** 2
        n1, n0 = (len(squares[a]) for a in ARMS)
        if r[["ci_low", "ci_high", "p_value"]].notna().all():
            _, ss = inversion.welch_spread(r["diff"], r["ci_low"], r["ci_high"], r["p_value"], n1, n0, alpha)
            found += [
                (scope, r["outcome"], "welch", a)
                for a, s in zip(ARMS, ss, strict=True)
                if inversion.recovered(s, squares[a], rules.p_ratio)
            ]
        if pd.notna(r["mde"]):
            pooled = inversion.mde_spread(r["mde"], n1, n0, alpha, study.power)
            if inversion.recovered(pooled, np.concatenate(list(squares.values())), rules.p_ratio):
                found.append((scope, r["outcome"], "mde", None))
        if scope == TOTAL and pd.notna(r.get("ame_low")):
            residual_df = n1 + n0 - MODEL_PARAMETERS
            se2 = inversion.regression_spread(r["ame_low"], r["ame_high"], residual_df, alpha)
            contributions = effect_analysis.adjusted_spread(persons, BY_NAME[r["outcome"]])
            if inversion.recovered(se2, contributions, rules.p_ratio):
                found.append((scope, r["outcome"], "adjusted", None))
    return found


# -- the surveys and WW@Work -----------------------------------------------------------------------------


def survey_statistics(csv: pd.DataFrame) -> dict:
    """What the telephone survey's printed Wilson intervals, differences and p-values give
    of its counts (reader cells of :func:`test_chapter_disclosure.survey_reader`)."""
    largest = {g: csv[f"n_{g}"].max() for g in (*ARMS, "total")}
    bounds = {}
    for _, r in csv.iterrows():
        inputs, limits, forms = {}, {}, {}
        for g in (*ARMS, "total"):
            n, k = r[f"n_{g}"], r[f"k_{g}"]
            if pd.isna(k) and pd.notna(n) and pd.notna(r[f"value_{g}"]):
                k = round(r[f"value_{g}"] * n / 100)
            inputs[f"n_{g}"], inputs[f"k_{g}"] = (("n", r["item"], g), float(n)), (("k", r["quantity"], g), float(k))
            limits[f"n_{g}"], limits[f"k_{g}"] = largest[g], n if pd.notna(n) else largest[g]
            for side in ("low", "high"):
                forms[f"wilson_{side}_{g}"] = (
                    lambda k_, n_, side=side: inversion.CLOSED_FORMS[f"wilson_{side}"](k_, n_),
                    (f"k_{g}", f"n_{g}"),
                )
        renamed = {"k1": "k_programme", "n1": "n_programme", "k0": "k_control", "n0": "n_control"}
        for name in ("diff", "p_value"):
            forms[name] = (
                lambda k_programme, n_programme, k_control, n_control, f=inversion.CLOSED_FORMS[name]: f(
                    k_programme, n_programme, k_control, n_control
                ),
                tuple(renamed.values()),
            )
        for cell, found in invert(forms, r.to_dict(), inputs, limits).items():
            old = bounds.get(cell, (-math.inf, math.inf))
            bounds[cell] = (max(old[0], found[0]), min(old[1], found[1]))
    return bounds


def nps_statistics(csv: pd.DataFrame) -> dict:
    """What each row's printed NPS and its interval give of its promoters and detractors."""
    bounds = {}
    largest = csv["n"].max()
    for _, r in csv.iterrows():
        key = ("total" if r["by"] == "totaal" else r["by"], r["group"])
        n = float(r["n"]) if pd.notna(r["n"]) else math.nan
        inputs = {
            "promoters": ((*key, "promoters"), float(r["k_promoters"]) if pd.notna(r["k_promoters"]) else math.nan),
            "detractors": ((*key, "detractors"), float(r["k_detractors"]) if pd.notna(r["k_detractors"]) else math.nan),
            "n": ((*key, "n"), n),
        }
        limit = n if pd.notna(n) else largest
        forms = {
            name: (
                lambda promoters, detractors, n, f=inversion.CLOSED_FORMS[name]: np.where(
                    promoters + detractors <= n, f(promoters, n - promoters - detractors, detractors), np.nan
                ),
                ("promoters", "detractors", "n"),
            )
            for name in ("nps", "nps_low", "nps_high")
        }
        found = invert(forms, r.to_dict(), inputs, {"promoters": limit, "detractors": limit, "n": largest})
        bounds |= found
    return bounds


def ovp_statistics(ovp: pd.DataFrame, reader: CountSystem) -> dict:
    """What the realised-against-predicted table's difference gives of a hidden inflow count:
    ``diff = 100 k / n - predicted``."""
    bounds = {}
    same = {("total", "n"): ("cohort", ""), ("coached", "n"): ("coached", ""), ("coached", "k"): ("bijstand", "")}
    for _, r in ovp.iterrows():
        if pd.isna(r["diff"]) or pd.isna(r["predicted"]) or pd.notna(r["k"]) or pd.isna(r["n"]):
            continue
        key = same.get((r["group"], "k"), ("ovp", r["group"], "k"))
        n, predicted = float(r["n"]), float(r["predicted"])
        hits = inversion.search(
            lambda k, n=n, predicted=predicted: 100 * k / n - predicted,
            inversion.printed(r["diff"]),
            {"k": np.arange(int(n) + 1)},
        )
        if key in reader.cells and len(hits["k"]):
            bounds[key] = (float(hits["k"].min()), float(hits["k"].max()))
    return bounds


# -- adversarial registers ------------------------------------------------------------------------------


def effect_data(dest, part: str, change) -> str:
    """A data directory with ``part``'s embedded register and pool changed by ``change(register,
    pool, pairs)`` (string frames; ``pairs`` matched on the pool it returns) and the register's
    control group matched again from the changed pool, as ``evalbook match`` would."""
    source = ROOT / "data" / "synthetic" / part
    register = pd.read_csv(source / "register.csv", dtype=str, keep_default_na=False)
    pool = pd.read_csv(source / "pool.csv", dtype=str, keep_default_na=False)
    (dest / part).mkdir(parents=True, exist_ok=True)

    def matched(pool):
        pool.to_csv(dest / part / "pool.csv", index=False)
        register.to_csv(dest / part / "register.csv", index=False)
        pairs = matching.match(Chapter("effect_study", part, {"data_dir": str(dest)}).read("pool"))
        return pairs

    pool = change(pool, matched)
    pairs = matched(pool)
    controls = pool.set_index("person_id").loc[pairs["control_id"]].reset_index().assign(group="control")
    pd.concat([pool[pool["group"] == "programme"], controls], ignore_index=True).to_csv(
        dest / part / "register.csv", index=False
    )
    pool.to_csv(dest / part / "pool.csv", index=False)
    return str(dest)


def without_candidates(pool: pd.DataFrame, unmatched: int, part: str) -> pd.DataFrame:
    """The pool without the candidates of the smallest matching cells of the programme group,
    until at least ``unmatched`` more programme persons have nobody to be matched with."""
    parsed = Chapter("effect_study", part, {}).read("pool")
    cell = matching.cells(parsed).to_numpy()
    programme = (parsed["group"] == "programme").to_numpy()
    sizes = pd.Series(cell[programme]).value_counts().sort_values(kind="stable")
    chosen = sizes.index[: int(np.searchsorted(sizes.cumsum().to_numpy(), unmatched) + 1)]
    return pool[~(~programme & np.isin(cell, chosen))]


def rare_pairs(
    pool: pd.DataFrame, pairs: pd.DataFrame, column: str, value: str, empty: str, both: int, only: int
) -> pd.DataFrame:
    """``column`` set to ``value`` for both persons of ``both`` pairs and for the programme
    person alone of ``only`` more, ``empty`` for everyone else: an outcome whose discordant
    pairs are rare."""
    pool = pool.assign(**{column: pool[column].where(pool[column] != value, empty)})
    ids = pool.set_index("person_id")[column]
    free = pairs[
        (ids.loc[pairs["programme_id"]].to_numpy() == empty) & (ids.loc[pairs["control_id"]].to_numpy() == empty)
    ]
    chosen = list(free["programme_id"][: both + only]) + list(free["control_id"][:both])
    pool.loc[pool["person_id"].isin(chosen), column] = value
    return pool


def dominant(pool: pd.DataFrame, contacts: int, target_group: str = "") -> pd.DataFrame:
    """One programme person (in ``target_group``) with ``contacts`` registered client contacts."""
    at = pool.index[(pool["group"] == "programme") & (pool["target_group"] == target_group)][0]
    return pool.assign(contacts_total=pool["contacts_total"].where(pool.index != at, str(contacts)))


@functools.cache
def wgw_adversarial(root: str):
    """WGW with a programme person of 100,000 contacts (a mean the dominance rule hides), more
    than a dozen programme persons without a pair, and a hand-over to MO that 40 pairs share
    and the programme person alone has in 12 (none the control person alone)."""

    def change(pool, pairs_of):
        pool = dominant(without_candidates(pool, 8, "wgw"), 100_000)
        return rare_pairs(pool, pairs_of(pool), "handover", "mo", "", both=40, only=12)

    data = effect_data(ROOT.__class__(root) / "wgw-data", "wgw", change)
    return run("effect_study", "wgw", data)


@functools.cache
def route3_adversarial(root: str):
    """Route 3 with a programme person of 3,000 contacts in Team 6 (the mean passes the
    dominance rule, the sum of squares does not) and a no-show that 30 pairs share and the
    programme person alone has in 15 (none the control person alone)."""

    def change(pool, pairs_of):
        pool = dominant(pool, 3_000, "team6")
        return rare_pairs(pool, pairs_of(pool), "no_show", "true", "false", both=30, only=15)

    data = effect_data(ROOT.__class__(root) / "route3-data", "route3", change)
    return run("effect_study", "route3", data)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return str(tmp_path_factory.mktemp("statistic-attacker"))


def restored(released, study, columns, rows=None):
    """A planted leak: the released study with ``columns`` of the outcome table (in ``rows``)
    put back as the raw study has them, as a gate without their lineage would print them."""
    table = released.table.copy()
    at = table.index if rows is None else table.index[rows(table)]
    table.loc[at, list(columns)] = study.table.loc[at, list(columns)]
    return dataclasses.replace(released, table=table)


# -- the embedded book ---------------------------------------------------------------------------------


@pytest.mark.parametrize("part", ["wgw", "route3"])
def test_the_effect_studys_statistics_give_nothing_back(part):
    study, released, rules = run("effect_study", part)
    assert effect_leaks(study, released, rules).empty
    assert not spread_leaks(study, released, rules)
    assert (
        released.table["mde"].notna().any() and released.table["p_value"].notna().any()
    )  # there was something to invert


@pytest.mark.parametrize("part", ["wgw", "route3"])
def test_the_phone_surveys_statistics_give_nothing_back(part):
    result, released, rules = run("phone_survey", part)
    csv = as_printed(survey_report.download_table(released))
    system, _ = survey_reader(csv, result.codebook, released.respondents, released.distributions)
    assert narrowed(system, survey_statistics(csv), rules).empty


def test_the_client_surveys_and_the_funnels_statistics_give_nothing_back():
    _, released, rules = run("client_survey", "wwatwork")
    csv = as_printed(nps_report.download_table(released))
    assert narrowed(nps_reader(csv), nps_statistics(csv), rules).empty
    _, released, rules = run("wwatwork_effect", "wwatwork")
    reader = wwatwork_reader(
        as_printed(wwatwork_report.funnel_table(released.funnel)), released.ovp, released.comparison, released.months
    )
    assert narrowed(reader, ovp_statistics(released.ovp, reader), rules).empty


# -- planted leaks: the attacker finds them --------------------------------------------------------------


def true_pair_table(study, outcome: str) -> dict[str, int]:
    """The matched-pair table of ``outcome`` counted by hand from the pairs and the persons:
    the truth the attacker's finds are checked against."""
    has = study.persons[outcome].astype(bool)
    programme, control = has[study.pairs["programme_id"]].to_numpy(), has[study.pairs["control_id"]].to_numpy()
    unmatched = study.persons.index[study.persons["group"].eq("programme")].difference(study.pairs["programme_id"])
    return {
        "both": int((programme & control).sum()),
        "programme_only": int((programme & ~control).sum()),
        "control_only": int((~programme & control).sum()),
        "unmatched_yes": int(has[unmatched].sum()),
        "unmatched_no": int((~has[unmatched]).sum()),
    }


def test_gamma_gives_the_matched_pair_table_back():
    """WGW as embedded, with Γ printed as before lineage. At the CSV's six digits each Γ above 1
    has one (T, D); with the counts shown that is the whole pair table: every cell of it below
    the minimum cell size comes back exactly, how many of the unmatched programme persons had the
    outcome included. The prose's two decimals still narrow small cells below the minimum."""
    study, released, rules = run("effect_study", "wgw")
    planted = restored(released, study, ["gamma"])
    found = found_cells(effect_leaks(study, planted, rules))
    small = {
        ("pair", outcome, cell): count
        for outcome in ("handover_matching", "handover_mo")
        for cell, count in true_pair_table(study, outcome).items()
        if count < rules.min_cell_size
    }
    assert small  # there is something small to give back
    assert {cell: found.get(cell) for cell in small} == {cell: (count, count) for cell, count in small.items()}
    prose = found_cells(effect_leaks(study, planted, rules, gamma_decimals=2))
    assert prose
    for (_, outcome, cell), (low, high) in prose.items():
        assert low <= true_pair_table(study, outcome)[cell] <= high


def test_a_difference_printed_beside_a_hidden_count_gives_it_back():
    """WGW's part-time work: the control group's count (47) is hidden, to protect the 9 control
    persons who worked but never part-time (47 is part-time, 21 to work, 56 active). Its
    difference, p-value and risk ratio printed anyway (a gate without their lineage) each fit
    one count at six digits: 47, and with it the 9."""
    study, released, rules = run("effect_study", "wgw")

    def parttime(t):
        return t["target_group"].eq(effect_analysis.TOTAL) & t["outcome"].eq("parttime")

    assert released.table.loc[parttime(released.table), "k_control"].isna().all()
    for columns in (["diff"], ["p_value"], ["rr"]):
        planted = restored(released, study, columns, parttime)
        bounds, _ = effect_statistics(as_printed(effect_report.download_table(planted)))
        assert bounds[("k", TOTAL, "parttime", "control")] == (47, 47), columns
        assert found_cells(effect_leaks(study, planted, rules)) == {("x", TOTAL, "work_only", "control"): (9, 9)}


def test_a_survey_difference_beside_a_hidden_count_gives_it_back():
    """WGW's survey: 1 of 22 controls in treatment (hidden); its difference and p-value printed
    anyway give the 1 back."""
    result, released, rules = run("phone_survey", "wgw")
    table = released.table.copy()
    row = table["quantity"] == "psych_treatment"
    assert table.loc[row, "k_control"].isna().all()
    table.loc[row, ["diff", "p_value"]] = result.table.loc[row.to_numpy(), ["diff", "p_value"]].to_numpy()
    csv = as_printed(survey_report.download_table(dataclasses.replace(released, table=table)))
    system, _ = survey_reader(csv, result.codebook, released.respondents, released.distributions)
    found = found_cells(narrowed(system, survey_statistics(csv), rules))
    assert found[("k", "psych_treatment", "control")] == (1, 1)


def test_the_spread_gives_a_dominant_person_back(scratch):
    """WGW with one programme person of 100,000 contacts: the mean is hidden (dominance), and an
    MDE printed beside it (rest on the group sizes only, as before) gives the pooled sum of
    squares, nearly all that one person's. Route 3 with one of 3,000 contacts in Team 6: the
    mean passes, and its Welch interval gives the programme arm's sum of squares: the person's
    value follows to within 1%."""
    study, released, rules = wgw_adversarial(scratch)
    total = released.table["target_group"].eq(effect_analysis.TOTAL) & released.table["outcome"].eq("contacts_total")
    assert released.table.loc[total, ["value_programme", "mde"]].isna().all().all()
    planted = restored(released, study, ["mde"], lambda t: t["outcome"].eq("contacts_total"))
    assert (TOTAL, "contacts_total", "mde", None) in spread_leaks(study, planted, rules)
    study, released, rules = route3_adversarial(scratch)
    team6 = released.table["target_group"].eq("team6") & released.table["outcome"].eq("contacts_total")
    assert (
        released.table.loc[team6, "value_programme"].notna().all() and released.table.loc[team6, "ci_low"].isna().all()
    )
    columns = ["diff", "ci_low", "ci_high", "p_value"]
    planted = restored(
        released, study, columns, lambda t: t["target_group"].eq("team6") & t["outcome"].eq("contacts_total")
    )
    assert ("team6", "contacts_total", "welch", "programme") in spread_leaks(study, planted, rules)
    row = study.table[team6].iloc[0]
    _, (ss, _) = inversion.welch_spread(
        row["diff"], row["ci_low"], row["ci_high"], row["p_value"], row["n_programme"], row["n_control"]
    )
    estimate = row["value_programme"] + math.sqrt(ss * (row["n_programme"] - 1) / row["n_programme"])
    assert estimate == pytest.approx(3000, rel=0.01)


def test_gamma_of_rare_discordant_pairs_and_a_dozen_unmatched_is_found(scratch):
    """The adversarial WGW: 12 pairs in which only the programme person was handed over to MO,
    none in which only the control person was (a zero), and more than a dozen unmatched."""
    study, released, rules = wgw_adversarial(scratch)
    assert study.balance.reproduces_register and len(study.pairs) < (study.persons["group"] == "programme").sum() - 10
    planted = restored(released, study, ["gamma"])
    assert found_cells(effect_leaks(study, planted, rules))[("pair", "handover_mo", "control_only")] == (0, 0)


# -- the real gate on adversarial registers: nothing found ----------------------------------------------


def test_the_gate_leaks_nothing_on_adversarial_effect_studies(scratch):
    for study, released, rules in (wgw_adversarial(scratch), route3_adversarial(scratch)):
        assert released.table["gamma"].notna().sum() <= 2  # only means' Γ can remain
        assert effect_leaks(study, released, rules).empty
        assert effect_leaks(study, released, rules, gamma_decimals=2).empty
        assert not spread_leaks(study, released, rules)


def test_the_gate_leaks_nothing_on_adversarial_surveys(tmp_path):
    data = adversarial_data(tmp_path / "data")
    result, released, rules = run("phone_survey", "route3", data)
    csv = as_printed(survey_report.download_table(released))
    system, _ = survey_reader(csv, result.codebook, released.respondents, released.distributions)
    assert released.table["suppressed"].any() and narrowed(system, survey_statistics(csv), rules).empty
    _, released, rules = run("client_survey", "wwatwork", data)
    csv = as_printed(nps_report.download_table(released))
    assert released.by_team["suppressed"].any() and narrowed(nps_reader(csv), nps_statistics(csv), rules).empty
    _, released, rules = run("wwatwork_effect", "wwatwork", data)
    reader = wwatwork_reader(
        as_printed(wwatwork_report.funnel_table(released.funnel)), released.ovp, released.comparison, released.months
    )
    assert narrowed(reader, ovp_statistics(released.ovp, reader), rules).empty
