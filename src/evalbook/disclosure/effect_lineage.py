"""The effect study's lineage: the cells every column of its outcome table rests on, and the
cells beside the count system (:mod:`.effect_cells`) that the gate protects for them.

* **Magnitudes** (:func:`magnitude_ledger`): per target group (and everyone), outcome and arm
  of a mean, the sum ``("sum", scope, outcome, arm)`` (the mean) and the sum of squared
  deviations from the mean ``("ss", scope, outcome, arm)`` (what an SD, a Welch interval, its
  t-test and the MDE of a mean carry), each a cell of the magnitude rules with the persons'
  values or squared deviations as contributions, everyone's cell the sum of the target
  groups'; per mean outcome of everyone, the persons' shares of the squared standard error of
  the adjusted effect ``("resid", outcome)`` (:func:`evalbook.analysis.effect.adjusted_spread`);
  and the balance table's means of age and months on benefit with their spread
  (``("bal_sum" | "bal_ss", variable, group)``).
* **Models** ``("model", outcome)``: the adjusting regression, hidden when it has fewer than
  ``min_residual_df`` residual degrees of freedom.
* **Matched pairs** (:func:`pair_ledger`): Rosenbaum's Γ of a yes/no outcome is a function of
  the pairs in which only the programme person or only the control person had it; with the
  arms' counts shown, those two give back the pairs in which both or neither had it and how
  many of the unmatched programme persons had it. Per outcome they form a small count system
  with the arms' cells (shown, exact), protected by itself: the arms' cells are shown exactly,
  so nothing of it reaches the chapter's other cells. Where fewer than the minimum of
  programme persons have no pair, what they had can never be protected once the pairs are
  shown: Γ goes. Γ of a mean rests on the pairs with a positive, negative and zero difference.
* **Balance per target group** (:func:`balance_group_ledger`): a target group's largest
  |SMD| after matching is a function of its shares of each category per arm
  (``("bal_tg", target group, variable, level, arm)``, shown by it; with the table's share of
  everyone their sum) and of its means and spreads of age and months on benefit
  (``("bal_tg_sum" | "bal_tg_ss", target group, variable, arm)``, magnitude cells).
* **Everything else** is a cell of :func:`~evalbook.disclosure.effect_cells.effect_system`.

:func:`outcome_rules` declares, per column of the outcome table, which of these cells its
figure in a row rests on (:class:`~evalbook.disclosure.lineage.Rule`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.effect import GROUPS, TOTAL, EffectStudy, adjusted_spread
from ..analysis.effect_checks import PAIR_CELLS, pair_cells
from ..analysis.outcomes import BY_NAME
from .cells import MAGNITUDE, MODEL
from .effect_cells import EffectCells
from .lineage import Ledger, Rule
from .linked import CountSystem, Relation, protect
from .magnitude import SECONDARY, check_model, protect_means
from .policy import Rules

MATCHED = {  # the cells of the pairs themselves; the unmatched follow from them and the arms
    "proportion": ("both", "programme_only", "control_only", "neither"),
    "mean": PAIR_CELLS["mean"],
}
SHARED_WEIGHT = 1000.0  # hiding an arm's count to keep Γ costs more than hiding Γ: never chosen
CONTINUOUS = ("age", "benefit_months")  # the balance table's means (the others are shares)


def magnitude_ledger(study: EffectStudy, rules: Rules) -> Ledger:
    """The magnitude cells of the module docstring, protected by
    :func:`~evalbook.disclosure.magnitude.protect_means` (hidden ones with reason ``magnitude``
    or ``secondary``)."""
    persons, table = study.persons, study.table
    names = list(dict.fromkeys(table.loc[table["kind"] == "mean", "outcome"]))
    scopes = list(dict.fromkeys(table["target_group"]))
    values = {}
    for scope in scopes:
        rows = persons if scope == TOTAL else persons[persons["target_group"] == scope]
        for arm in GROUPS:
            for name in names:
                x = rows.loc[rows["group"] == arm, name].dropna().to_numpy(float)
                values[("sum", scope, name, arm)] = x
                values[("ss", scope, name, arm)] = (x - x.mean()) ** 2 if len(x) else x
    parts = [s for s in scopes if s != TOTAL]
    relations = [
        ((what, TOTAL, name, arm), [(what, s, name, arm) for s in parts])
        for what in ("sum", "ss")
        for name in names
        for arm in GROUPS
        if parts
    ]
    fitted = table[(table["target_group"] == TOTAL) & (table["kind"] == "mean")]
    for name in fitted.loc[fitted.get("ame", pd.Series(np.nan, index=fitted.index)).notna(), "outcome"]:
        values[("resid", name)] = adjusted_spread(persons, BY_NAME[name])
    values |= _balance_values(study)
    hidden = protect_means(values, relations, rules)
    return Ledger(frozenset(values), {k: r if r == SECONDARY else MAGNITUDE for k, r in hidden.items()})


def _balance_values(study: EffectStudy) -> dict:
    """The contributions to the balance table's means of age and months on benefit (and to
    their spread), per group (programme, candidates from the pool, control) and per target
    group and arm."""
    frames = {(arm,): study.persons[study.persons["group"] == arm] for arm in GROUPS}
    if study.pool is not None:
        frames[("candidates",)] = study.pool[study.pool["group"] != GROUPS[0]]
    for group in _balance_groups(study):
        for arm in GROUPS:
            frames[(group, arm)] = study.persons[
                (study.persons["target_group"] == group) & (study.persons["group"] == arm)
            ]
    values = {}
    for where, frame in frames.items():
        prefix = "bal" if len(where) == 1 else "bal_tg"
        for variable in CONTINUOUS:
            x = frame[variable].dropna().to_numpy(float)
            values[(f"{prefix}_sum", *where[:-1], variable, where[-1])] = x
            values[(f"{prefix}_ss", *where[:-1], variable, where[-1])] = (x - x.mean()) ** 2 if len(x) else x
    return values


def _balance_groups(study: EffectStudy) -> list:
    """The target groups with a largest |SMD| of their own."""
    return [g for g in study.balance.by_target_group.index if g in study.target_groups]


def balance_group_ledger(study: EffectStudy, cells: EffectCells, hidden: set, rules: Rules) -> Ledger:
    """The target groups' shares of the balance table's categories (module docstring): per
    category and arm a small count system of the target groups' counts (shown), their
    complements and the persons outside every target group (unpublished), with everyone's
    count and the groups' sizes (shown, exact; hiding them costs more than any figure here)."""
    groups = _balance_groups(study)
    persons = study.persons
    ledger = Ledger()
    rows = study.balance.table[study.balance.table["binary"]]
    for variable, level in zip(rows["variable"], rows["level"], strict=True):
        for arm in GROUPS:
            total, sizes = cells.balance(variable, level, arm), {g: ("n", g, arm) for g in groups}
            if not groups or any(c in hidden or c not in cells.system.cells for c in (total, *sizes.values())):
                continue
            values = {c: cells.system.cells[c] for c in (total, *sizes.values())}
            relations, unpublished = [], set()
            for g in groups:
                k = ("bal_tg", g, variable, level, arm)
                values[k] = float(
                    ((persons["target_group"] == g) & (persons["group"] == arm) & (persons[variable] == level)).sum()
                )
                no = ("bal_tg_no", g, variable, level, arm)
                values[no] = values[sizes[g]] - values[k]
                unpublished.add(no)
                relations.append(Relation(sizes[g], (k, no), (1.0, 1.0)))
            parts = [("bal_tg", g, variable, level, arm) for g in groups]
            rest = values[total] - sum(values[k] for k in parts)
            if rest:
                values[("bal_tg_rest", variable, level, arm)] = rest
                unpublished.add(("bal_tg_rest", variable, level, arm))
                parts.append(("bal_tg_rest", variable, level, arm))
            relations.append(Relation(total, tuple(parts), (1.0,) * len(parts)))
            system = CountSystem(values, tuple(relations), unpublished=frozenset(unpublished))
            weights = dict.fromkeys((total, *sizes.values()), SHARED_WEIGHT)
            protection = protect(system, rules, weights=weights)
            shown = [k for k in values if k[0] == "bal_tg"]
            gone = dict.fromkeys(shown, SECONDARY) if set(protection.suppressed) & {total, *sizes.values()} else {}
            ledger |= Ledger.of(shown, gone | {k: r for k, r in protection.suppressed.items() if k in shown})
    return ledger


def balance_group_cells(study: EffectStudy, group) -> list:
    """What a target group's largest |SMD| after matching rests on."""
    rows = study.balance.table
    cells = [("n", group, arm) for arm in GROUPS]
    for variable, level, binary in zip(rows["variable"], rows["level"], rows["binary"], strict=True):
        for arm in GROUPS:
            if binary:
                cells.append(("bal_tg", group, variable, level, arm))
            else:
                cells += [("bal_tg_sum", group, variable, arm), ("bal_tg_ss", group, variable, arm)]
    return cells


def model_ledger(study: EffectStudy, parameters: int, rules: Rules) -> Ledger:
    """``("model", outcome)`` for every adjusted effect of everyone, hidden when its regression
    has fewer than ``rules.min_residual_df`` residual degrees of freedom (``parameters``
    estimated)."""
    if "ame" not in study.table:
        return Ledger()
    rows = study.table[(study.table["target_group"] == TOTAL) & study.table["ame"].notna()]
    known = {("model", o) for o in rows["outcome"]}
    hidden = {
        ("model", r["outcome"]): MODEL
        for _, r in rows.iterrows()
        if not check_model(r["n_programme"] + r["n_control"] - parameters, rules).ok
    }
    return Ledger(frozenset(known), hidden)


def pair_ledger(study: EffectStudy, cells: EffectCells, hidden: set, rules: Rules) -> Ledger:
    """The matched-pair cells of every outcome with a Γ (module docstring), each outcome's
    protected by itself; an outcome whose arms' cells are ``hidden`` gets no pair cells (its
    Γ is then not released)."""
    if study.pairs is None or "gamma" not in study.table:
        return Ledger()
    ledger = Ledger()
    rows = study.table[(study.table["target_group"] == TOTAL) & study.table["gamma"].notna()]
    for _, r in rows.iterrows():
        o, kind = r["outcome"], r["kind"]
        shared = {(arm, what): cells.at(TOTAL, o, arm, what) for arm in GROUPS for what in ("n", "k")}
        if kind == "mean":
            shared = {key: cell for key, cell in shared.items() if key[1] == "n"}
        if any(cell in hidden or cell not in cells.system.cells for cell in shared.values()):
            continue
        counts = pair_cells(study.persons, study.pairs, o, kind)
        system, primary = _pair_system(o, kind, counts, {k: cells.system.cells[c] for k, c in shared.items()}, rules)
        if system is None:
            continue
        weights = dict.fromkeys([k for k in system.cells if k[0] == "arm"], SHARED_WEIGHT)
        protection = protect(system, rules, primary=primary, weights=weights)
        pair_keys = [k for k in system.cells if k[0] == "pair"]
        held = {k: r for k, r in protection.suppressed.items() if k in pair_keys}
        if set(protection.suppressed) - set(pair_keys):  # an arm's cell would have to go: Γ goes instead
            held = {k: held.get(k, SECONDARY) for k in pair_keys}
        ledger |= Ledger.of(pair_keys, held)
    return ledger


def _pair_system(o: str, kind: str, counts: dict, shared: dict, rules: Rules) -> tuple[CountSystem | None, list]:
    """One outcome's matched-pair table as a count system with the arms' cells (``("arm",
    arm, "n" | "k")``, exact) and the pair cells ``("pair", outcome, cell)`` of
    :data:`~evalbook.analysis.effect_checks.PAIR_CELLS`; those Γ shows are published, the
    others not. Also the cells to hide whatever the search finds (the pairs' cells where
    fewer than the minimum of programme persons have no pair). None when the pairs do not
    cover the control group (then Γ is not released)."""
    arm = {key: ("arm", *key) for key in shared}
    values = {arm[key]: float(v) for key, v in shared.items()}
    pair = {name: ("pair", o, name) for name in PAIR_CELLS[kind]}
    matched = [pair[c] for c in MATCHED[kind]]
    if sum(counts[c] for c in MATCHED[kind]) != values[arm[("control", "n")]]:
        return None, []
    relations = [Relation(arm[("control", "n")], tuple(matched), (1.0,) * len(matched))]
    unpublished, primary, used = set(), [], list(matched)
    if kind == "proportion":
        relations.append(Relation(arm[("control", "k")], (pair["both"], pair["control_only"]), (1.0, 1.0)))
        unpublished |= {pair["both"], pair["neither"]}
        unmatched = counts["unmatched_yes"] + counts["unmatched_no"]
        if unmatched == 0 or unmatched >= rules.min_cell_size:
            extra = [pair["unmatched_yes"], pair["unmatched_no"]] if unmatched else []
            relations.append(
                Relation(arm[("programme", "n")], (*matched, *extra), (1.0,) * (len(matched) + len(extra)))
            )
            yes = [pair["both"], pair["programme_only"], *extra[:1]]
            relations.append(Relation(arm[("programme", "k")], tuple(yes), (1.0,) * len(yes)))
            unpublished |= set(extra)
            used += extra
        else:  # a handful without a pair: what they had follows from Γ and the arms' counts
            primary = [pair["programme_only"], pair["control_only"]]
    values |= {key: float(counts[key[2]]) for key in used}
    return CountSystem(values, tuple(relations), unpublished=frozenset(unpublished)), primary


# -- the outcome table's columns ----------------------------------------------------------------


def outcome_rules(cells: EffectCells, study: EffectStudy) -> dict[str, Rule]:
    """Per column of the outcome table, the cells its figure in a row rests on (module docstring)."""

    def n(r, arm):
        return cells.at(r["target_group"], r["outcome"], arm, "n")

    def k(r, arm, suffix=""):
        return cells.at(r["target_group"], r["outcome"], arm, "k" + suffix)

    def magnitude(what, r, arm):
        return (what, r["target_group"], r["outcome"], arm)

    def value(r, arm):
        first = k(r, arm) if r["kind"] == "proportion" else magnitude("sum", r, arm)
        return [first, n(r, arm)]

    def level(r):  # the two arms' values: a difference
        return [*value(r, "programme"), *value(r, "control")]

    def spread(r):  # and their spread: an interval, a test
        return level(r) + ([] if r["kind"] == "proportion" else [magnitude("ss", r, arm) for arm in GROUPS])

    def mde(r):  # shown only with the comparison it belongs to, so it rests on that too
        if r["kind"] == "proportion":
            return [n(r, "programme"), k(r, "control"), n(r, "control"), *level(r)]
        return [n(r, "programme"), n(r, "control"), *(magnitude("ss", r, arm) for arm in GROUPS), *level(r)]

    def other_reading(r):  # the test of outflow in the other reading, shown with the comparison
        return [c for arm in GROUPS for c in (k(r, arm, "_alt"), n(r, arm))] + level(r)

    def adjusted(r, interval):
        extra = [("resid", r["outcome"])] if interval and r["kind"] == "mean" else []
        return [("model", r["outcome"]), *(spread(r) if interval else level(r)), *extra]

    def proportion_only(r):
        return level(r) if r["kind"] == "proportion" else None

    def gamma(r):
        if r["target_group"] != TOTAL:
            return None
        shared = [n(r, arm) for arm in GROUPS] + ([k(r, arm) for arm in GROUPS] if r["kind"] == "proportion" else [])
        return [("pair", r["outcome"], c) for c in MATCHED[r["kind"]]] + shared

    def strata(r):  # every target group's counts of the outcome
        return [cells.at(g, r["outcome"], arm, w) for g in study.target_groups for arm in GROUPS for w in ("k", "n")]

    def unweighted(r, arm):
        return [("um", r["outcome"], arm)]

    rules = {f"n_{arm}": Rule(lambda r, arm=arm: [n(r, arm)], own=True) for arm in GROUPS}
    for arm in GROUPS:
        rules[f"k_{arm}"] = Rule(lambda r, arm=arm: [k(r, arm)], own=True)
        rules[f"value_{arm}"] = Rule(lambda r, arm=arm: value(r, arm), own=True)
        rules[f"k_{arm}_alt"] = Rule(lambda r, arm=arm: [k(r, arm, "_alt")], own=True)
        rules[f"value_{arm}_alt"] = Rule(lambda r, arm=arm: [k(r, arm, "_alt"), n(r, arm)], own=True)
        rules[f"um_{arm}"] = Rule(lambda r, arm=arm: unweighted(r, arm), own=True)
    rules["diff"] = Rule(level)
    rules |= dict.fromkeys(("ci_low", "ci_high", "p_value", "p_holm"), Rule(spread))
    rules["mde"] = Rule(mde)
    rules["p_value_alt"] = Rule(other_reading)
    rules["ame"] = Rule(lambda r: adjusted(r, False), own=True)
    rules |= dict.fromkeys(("ame_low", "ame_high", "ame_p"), Rule(lambda r: adjusted(r, True), own=True))
    rules |= dict.fromkeys(("rr", "rr_low", "rr_high", "e_value", "e_value_limit"), Rule(proportion_only))
    rules["gamma"] = Rule(gamma)
    rules["cmh_p"] = Rule(strata)
    rules["um_diff"] = Rule(lambda r: unweighted(r, "programme") + unweighted(r, "control"))
    rules |= dict.fromkeys(
        ("um_low", "um_high", "um_p"),
        Rule(lambda r: unweighted(r, "programme") + unweighted(r, "control") + strata(r)),
    )
    return rules


def log_rank_cells(cells: EffectCells) -> list:
    """What the log-rank test rests on: per arm the persons who left within the window and
    those who did not."""
    return [key for arm in GROUPS for key in cells.events.get(arm, (("absent", arm),))[:2]]


def curve_cells(cells: EffectCells, arm: str) -> list:
    """What an arm's curves rest on: those who left, in all and per exit route."""
    return list(cells.events.get(arm, (("absent", arm),)))
