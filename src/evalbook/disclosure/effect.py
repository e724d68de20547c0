"""The gate of the effect study: what of an :class:`~evalbook.analysis.effect.EffectStudy` may be shown.

:func:`release` returns a :class:`ReleasedEffectStudy`, the only thing the report sees, and
the list of what it held back (:class:`~evalbook.disclosure.cells.Suppression`). In order:

1. **Counts, linked.** Every person count the chapter shows or lets a reader derive is a
   cell of one count system (:func:`effect_system`, in :mod:`.effect_cells`): per target
   group (and in total), outcome and arm the denominator ``n``, the count ``k`` and its
   complement ``n - k``; the totals as sums of the target groups; the balance table's shares;
   the unweighted means over target groups that the comparison with the report prints (Route
   3's "totaal gemiddeld", with the rounding the reader sees); and the set arithmetic of the
   outcomes. :func:`~evalbook.disclosure.linked.protect` hides every count or complement below
   the minimum cell size (zeros too, by default) and the cheapest further cells so that no
   hidden count can be narrowed to an interval shorter than the minimum from all of it.
2. **Beside the counts** (:mod:`.effect_lineage`): the means of registered contacts and the
   sums of squared deviations that their intervals, t-tests and MDEs carry are magnitudes
   (shown from at least the minimum number of persons, when the two largest contributions
   make up at most ``dominance_k`` of the sum and the rest at least ``p_ratio`` of the
   largest; the pooled cells and the target groups' kept from giving a hidden one back); an
   adjusted effect needs ``min_residual_df`` residual degrees of freedom and its interval the
   magnitude rules on the persons' shares of its variance; Γ rests on the matched-pair table
   (a small count system of its own); a target group's largest |SMD| on its balance counts.
3. **Lineage**: every column of the outcome table declares the cells its figure in a row rests
   on (:func:`~evalbook.disclosure.effect_lineage.outcome_rules`) and is released only when
   all of them are released or protected (:func:`~evalbook.disclosure.lineage.release_frame`):
   a share needs its ``k`` and ``n``, a difference with its interval and p both arms (and
   their spread, for a mean), the MDE the group sizes and the control group's count (or both
   spreads), the stratified (CMH) test and the interval of the unweighted means every target
   group; the Holm correction counts hidden tests with p = 1
   (:func:`~evalbook.disclosure.cells.released_holm`); the published-versus-reproduced
   comparison is rebuilt from the released table, an unweighted mean only where its cell was
   released, a figure or claim in the other reading of outflow only with that reading's cells
   (``p_value_alt``); a pooled-reading bound only with every group size it rests on.
4. **Curves** (Kaplan–Meier and cumulative incidence) by
   :func:`~evalbook.disclosure.curves.release_survival`, an arm's only with its exits (in all
   and per route) released; the log-rank test only with both arms' exits and non-exits.
5. **Assumptions** (a hidden output is published too): an assumed value only where the cell
   it fixes is shown; the reasons, free text that may restate any assumed value in words,
   only when no assumed value is held back.
6. **Columns**: a column of the outcome table the gate has no rule for is refused (:data:`KNOWN`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..analysis import published
from ..analysis.effect import (
    COVARIATES,
    EDUCATION_LEVELS,
    GROUPS,
    RETURNED,
    TOTAL,
    TOTAL_OUTSIDE_PARTS,
    Conflict,
    EffectStudy,
)
from ..core.errors import DisclosureError
from ..stats import adjusted
from ..stats.survival import LogRank
from . import effect_lineage as lineage
from .cells import CURVE, DERIVED, MODEL, Suppression, released_holm
from .curves import release_survival
from .effect_cells import BALANCE_GROUPS, EffectCells, effect_system
from .lineage import PUBLIC, Ledger, Rule, release_comparison, release_frame
from .linked import EXACT, protect
from .policy import DEFAULT_RULES, Rules

# The outcome table's columns by how they are released (a column the gate does not know is refused):
LABELS = ("target_group", "outcome", "kind", "method", "reason")
COUNTS = tuple(f"{c}_{arm}" for c in ("n", "k", "value") for arm in GROUPS)
STATISTICS = (
    "diff",
    "ci_low",
    "ci_high",
    "p_value",
    "p_holm",
    "mde",  # need both arms' cells
    "ame",
    "ame_low",
    "ame_high",
    "ame_p",
    "rr",
    "rr_low",
    "rr_high",
    "e_value",
    "e_value_limit",
    "gamma",
)
ADJUSTED = ("ame", "ame_low", "ame_high", "ame_p")  # also need min_residual_df
UNWEIGHTED = tuple(f"um_{arm}" for arm in GROUPS)  # cells of the count system (combinations)
UNWEIGHTED_STATISTICS = ("um_diff", "um_low", "um_high", "um_p")  # need both unweighted means
STRATIFIED = ("cmh_p",)  # needs every target group's cells of the outcome
OTHER_READING = tuple(f"{c}_{arm}_alt" for c in ("k", "value") for arm in GROUPS)  # cells of the count system
OTHER_READING_STATISTICS = ("p_value_alt",)  # needs both arms' cells in the other reading
KNOWN = (
    *LABELS,
    *COUNTS,
    *STATISTICS,
    *UNWEIGHTED,
    *UNWEIGHTED_STATISTICS,
    *STRATIFIED,
    *OTHER_READING,
    *OTHER_READING_STATISTICS,
)
TOTAL_WEIGHT = 2.0  # hiding a figure about everyone costs two of a target group's: rather a detail than a headline
# parameters of the adjusting regression: constant, treatment, one per covariate, education as indicators
MODEL_PARAMETERS = 2 + len(COVARIATES) - 1 + len(EDUCATION_LEVELS) - 1


@dataclass
class ReleasedBalance:
    """The balance of the matching variables as it may be shown (see :class:`~evalbook.analysis.effect.Balance`);
    ``table`` has a ``suppressed_<group>`` column per group; ``by_target_group`` is missing
    for a target group whose size is not shown."""

    table: pd.DataFrame
    smd_before_max: float
    smd_after_max: float
    by_target_group: pd.Series
    has_pool: bool
    reproduces_register: bool | None


@dataclass
class ReleasedEffectStudy:
    """An effect study after the gate. ``table``: the outcome table with suppressed cells
    missing and a ``suppressed`` column; ``comparison``: every published figure beside its
    released reproduction (:func:`evalbook.analysis.published.side_by_side`) with the
    released p-value of the comparison it labels (``reproduced_p``); ``km``, ``cif``: the
    released curves (no numbers at risk); ``curve_end``: the last day of follow-up (where a
    curve that does not stop early ends)."""

    table: pd.DataFrame
    comparison: pd.DataFrame
    conflicts: list[Conflict]
    km: pd.DataFrame
    cif: pd.DataFrame
    log_rank: LogRank
    balance: ReleasedBalance
    assumptions: pd.DataFrame
    alpha: float
    power: float
    min_cell_size: int
    min_events: int
    outflow_measure: str
    published_total: str
    target_groups: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    suppression_method: str = EXACT  # how the counts were protected (:attr:`Protection.method`)
    curve_end: int | None = None

    @property
    def total(self) -> pd.DataFrame:
        """The rows about everyone."""
        return self.table[self.table["target_group"] == TOTAL].reset_index(drop=True)


def release(study: EffectStudy, rules: Rules = DEFAULT_RULES) -> ReleasedEffectStudy:
    """What of ``study`` may be shown under ``rules`` (see the module docstring); the magnitude
    rules read the per-person outcomes the study was computed from (``study.persons``)."""
    unknown = [c for c in study.table.columns if c not in KNOWN]
    if unknown:
        raise DisclosureError(
            f"the effect study's gate has no release rule for the column(s) {unknown}: "
            "add one to evalbook.disclosure.effect before the chapter shows them"
        )
    cells = effect_system(study)
    headline = {key: TOTAL_WEIGHT for key in cells.system.cells if key[0] in ("n", "k", "k_alt") and key[1] == TOTAL}
    protection = protect(cells.system, rules, weights=headline)
    ledger = (
        Ledger(frozenset(cells.system.cells), dict(protection.suppressed))
        | lineage.magnitude_ledger(study, rules)
        | lineage.model_ledger(study, MODEL_PARAMETERS, rules)
        | lineage.pair_ledger(study, cells, set(protection.suppressed), rules)
        | lineage.balance_group_ledger(study, cells, set(protection.suppressed), rules)
    )
    table, held = _outcome_table(study, cells, ledger)
    comparison, more = _comparison(study, table, cells, ledger)
    held += more
    conflicts, more = _conflicts(study.conflicts, cells, ledger)
    held += more
    km, cif, more = _curves(study, cells, ledger, rules)
    held += more
    log_rank, more = _log_rank(study, cells, ledger)
    held += more
    balance, more = _balance(study, cells, ledger)
    held += more
    assumptions, more = _assumptions(study.assumptions, cells, ledger)
    held += more
    return ReleasedEffectStudy(
        table=table,
        comparison=comparison,
        conflicts=conflicts,
        km=km,
        cif=cif,
        log_rank=log_rank,
        balance=balance,
        assumptions=assumptions,
        alpha=study.alpha,
        power=study.power,
        min_cell_size=rules.min_cell_size,
        min_events=study.min_events,
        outflow_measure=study.outflow_measure,
        published_total=study.published_total,
        target_groups=study.target_groups,
        missing=study.missing,
        suppressions=held,
        suppression_method=protection.method,
        curve_end=int(study.km["days"].max()) if len(study.km) else None,
    )


def _outcome_table(study: EffectStudy, cells: EffectCells, ledger: Ledger) -> tuple[pd.DataFrame, list[Suppression]]:
    """The outcome table with every figure whose lineage is not released missing
    (:func:`~evalbook.disclosure.effect_lineage.outcome_rules`), the Holm correction over the
    released tests and the reason of an adjusted effect the model rule holds back."""
    raw = study.table
    names = [f"{t}/{o}" for t, o in zip(raw["target_group"], raw["outcome"], strict=True)]
    out, held = release_frame(raw, lineage.outcome_rules(cells, study), ledger, "outcomes", names, LABELS)
    out["p_holm"] = released_holm(raw["p_value"], out["p_value"].notna())
    if "ame" in raw:
        model = pd.Series([ledger.hidden.get(("model", o)) == MODEL for o in raw["outcome"]], index=raw.index)
        out.loc[model & raw["ame"].notna(), "reason"] = adjusted.TOO_FEW_ROWS
    shown = out[[f"{c}_{arm}" for c in ("n", "value") for arm in GROUPS]].notna().all(axis=1)
    out["suppressed"] = ~shown
    counts = [c for c in (*COUNTS, *OTHER_READING) if c in out and c.startswith(("n_", "k_"))]
    out[counts] = out[counts].round().astype("Int64")
    return out, held


def _comparison(
    study: EffectStudy, table: pd.DataFrame, cells: EffectCells, ledger: Ledger
) -> tuple[pd.DataFrame, list[Suppression]]:
    """The published figures beside their reproduction from the released table; an
    unweighted mean over the target groups where its own cell was released (a mean of means
    where every group's mean was)."""
    parts = []
    for scope in (TOTAL, *study.target_groups):
        part = published.long_values(
            table[table["target_group"] == scope],
            study.outflow_measure,
            study.table[study.table["target_group"] == scope],
        )
        part["subgroup"] = scope
        parts.append(part)
    values = pd.concat(parts, ignore_index=True)
    held = []
    if study.total_means is not None:
        kinds = study.table.drop_duplicates("outcome").set_index("outcome")["kind"]
        figures = study.figures[study.figures["subgroup"].fillna(TOTAL).eq(TOTAL)]
        printed = set(zip(figures["quantity"], figures["group"], strict=True))
        for group in GROUPS:
            at = (values["subgroup"] == TOTAL) & (values["group"] == group) & (values["quantity"] != "n")
            for i in values.index[at]:
                q = values.at[i, "quantity"]
                value = study.total_means.at[q, group]
                if kinds[q] == "proportion":  # its cell exists where the report publishes the figure
                    rests_on = [("mean", q, group)]
                else:  # a mean of means: every group's mean
                    rests_on = [("sum", s, q, group) for s in study.target_groups]
                why = ledger.withheld(rests_on, own=True)
                values.at[i, "value"] = value if why is None else np.nan
                values.at[i, "suppressed"] = why is not None and pd.notna(value)
                if why is not None and pd.notna(value) and (q, group) in printed:
                    held.append(Suppression("comparison", f"{TOTAL}/{q}", group, why))
    comparison = published.side_by_side(study.figures, values, study.outflow_measure)
    comparison["reproduced_p"] = published.reproduced_p(comparison, study.table, study.outflow_measure)
    rules = lineage.outcome_rules(cells, study)
    kinds = study.table.drop_duplicates("outcome").set_index("outcome")["kind"]

    def row(r):
        scope = r["subgroup"] if isinstance(r["subgroup"], str) and r["subgroup"] else TOTAL
        return {"target_group": scope, "outcome": r["quantity"], "kind": kinds.get(r["quantity"])}

    def other(r):  # about outflow in the reading the chapter did not choose
        return isinstance(r.get("reading"), str) and r["reading"] != study.outflow_measure

    def value(r):
        if r["quantity"] == "n":
            return [cells.at(row(r)["target_group"], None, r["group"], "n")]
        if r["group"] not in GROUPS or r["quantity"] not in kinds:
            return None
        if study.total_means is not None and row(r)["target_group"] == TOTAL:
            return (
                [("mean", r["quantity"], r["group"])]
                if kinds[r["quantity"]] == "proportion"
                else [("sum", s, r["quantity"], r["group"]) for s in study.target_groups]
            )
        return rules[f"value_{r['group']}" + ("_alt" if other(r) else "")].cells(row(r))

    def test(r):
        return rules["p_value_alt" if other(r) else "p_value"].cells(row(r)) if r["quantity"] in kinds else None

    comparison, more = release_comparison(comparison, value, test, ledger)
    return comparison, held + more


def _conflicts(
    conflicts: list[Conflict], cells: EffectCells, ledger: Ledger
) -> tuple[list[Conflict], list[Suppression]]:
    """The conflicts, without a pooled-reading bound that rests on a group size not shown."""
    shown, held = [], []
    for c in conflicts:
        rests_on = [cells.at(g, None, c.group, "n") for g in c.sizes_of]
        if c.kind == TOTAL_OUTSIDE_PARTS and ledger.withheld(rests_on) is not None:
            held.append(Suppression("conflicts", c.quantity, c.group, DERIVED))
        else:
            shown.append(c)
    return shown, held


def _curves(
    study: EffectStudy, cells: EffectCells, ledger: Ledger, rules: Rules
) -> tuple[pd.DataFrame, pd.DataFrame, list[Suppression]]:
    """The curves by :func:`~evalbook.disclosure.curves.release_survival`, without an arm
    whose exits (in all or per route) are not released: a curve that runs to the end of
    follow-up shows them."""
    km, cif = release_survival(study.km, study.cif, rules)
    gone = [arm for arm in GROUPS if ledger.withheld(lineage.curve_cells(cells, arm)) is not None]
    km, cif = km[~km["group"].isin(gone)], cif[~cif["group"].isin(gone)]
    held = [
        Suppression(name, str(group), "days", CURVE)
        for name, raw, shown in (("km", study.km, km), ("cif", study.cif, cif))
        for group, rows in raw.groupby("group", sort=False)
        if len(rows) > (shown["group"] == group).sum()
    ]
    return km.reset_index(drop=True), cif.reset_index(drop=True), held


def _log_rank(study: EffectStudy, cells: EffectCells, ledger: Ledger) -> tuple[LogRank, list[Suppression]]:
    """The log-rank test, or a missing one when the exits of an arm it rests on are not released."""
    if ledger.withheld(lineage.log_rank_cells(cells)) is None:
        return study.log_rank, []
    return LogRank(np.nan, study.log_rank.df, np.nan), [Suppression("log_rank", "", "p_value", DERIVED)]


def _balance(study: EffectStudy, cells: EffectCells, ledger: Ledger) -> tuple[ReleasedBalance, list[Suppression]]:
    """The balance table with hidden shares and means (and the SMDs from them) missing; the
    largest |SMD| over the SMDs shown; a target group's largest |SMD| only where everything it
    rests on is released (:func:`~evalbook.disclosure.effect_lineage.balance_group_cells`)."""
    balance = study.balance
    table = balance.table.copy()

    def cell(r, group):
        if r["binary"]:
            return [cells.balance(r["variable"], r["level"], group)]
        return [("bal_sum", r["variable"], group)]

    def smd(r, groups):
        spread = [] if r["binary"] else [("bal_ss", r["variable"], g) for g in groups]
        return [c for g in groups for c in cell(r, g)] + spread

    rules = {}
    for group in BALANCE_GROUPS:
        rules[f"k_{group}"] = rules[f"mean_{group}"] = Rule(lambda r, g=group: cell(r, g), own=True)
        rules[f"n_{group}"] = Rule(lambda r, g=group: [cells.balance_size(g, r[f"n_{g}"])], own=True)
    rules["smd_before"] = Rule(lambda r: smd(r, ("programme", "candidates")))
    rules["smd_after"] = Rule(lambda r: smd(r, ("programme", "control")))
    names = [f"{v}/{lv}" if isinstance(lv, str) else v for v, lv in zip(table["variable"], table["level"], strict=True)]
    out, held = release_frame(table, rules, ledger, "balance", names, ("variable", "level", "binary"))
    for group in BALANCE_GROUPS:
        out[f"suppressed_{group}"] = out[f"mean_{group}"].isna() & table[f"mean_{group}"].notna()
        out[[f"k_{group}", f"n_{group}"]] = out[[f"k_{group}", f"n_{group}"]].round().astype("Int64")
    held = [h for h in held if not h.column.startswith("k_")]
    everyone = [c for _, r in table.iterrows() for c in smd(r, ("programme", "control"))]
    rests_on = {
        t: lineage.balance_group_cells(study, t) if t in study.target_groups else everyone
        for t in balance.by_target_group.index
    }
    gone = [t for t, rests in rests_on.items() if ledger.withheld(rests)]
    by_group = balance.by_target_group.copy()
    by_group[gone] = np.nan
    held += [Suppression("balance", str(t), "smd_after_max", DERIVED) for t in gone]
    return ReleasedBalance(
        out,
        out["smd_before"].abs().max(),
        out["smd_after"].abs().max(),
        by_group,
        balance.has_pool,
        balance.reproduces_register,
    ), held


def _assumptions(
    assumptions: pd.DataFrame, cells: EffectCells, ledger: Ledger
) -> tuple[pd.DataFrame, list[Suppression]]:
    """The assumptions as they may be shown: an assumed value only where the cell it fixes (in
    the target group it names, or in any) is shown; who returned after leaving for another
    reason also fixes outflow in the other reading. A reason is free text that may restate
    other assumptions in words ("precies één persoon"), so the reasons are shown only when no
    assumed value is held back."""
    out = assumptions.copy()
    hidden = []
    for _, r in out.iterrows():
        scopes = [r["target_group"]] if isinstance(r["target_group"], str) else cells.scopes
        if pd.isna(r["kind"]):
            rests_on = PUBLIC
        elif r["kind"] == "count":
            rests_on = [cells.at(s, None, r["group"], "n") for s in scopes]
        elif r["kind"] == "mean":
            rests_on = [("sum", s, r["quantity"], r["group"]) for s in scopes]
        else:
            # a share fixes its count; who returned also the count of the other reading
            whats = ("k", "n", "k_alt") if r["kind"] == RETURNED else ("k", "n")
            rests_on = [cells.at(s, r["quantity"], r["group"], what) for s in scopes for what in whats]
        hidden.append(ledger.withheld(rests_on) is not None)
    out["suppressed"] = hidden
    out.loc[out["suppressed"], "value"] = pd.NA
    held = [Suppression("assumptions", p, "value", DERIVED) for p in out.loc[out["suppressed"], "parameter"]]
    if any(hidden):
        held += [Suppression("assumptions", p, "reason", DERIVED) for p in out["parameter"]]
        out["reason"] = pd.NA
    return out, held
