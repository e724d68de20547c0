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
2. **Means** of registered contacts are magnitudes: shown from at least the minimum number of
   persons and when the two largest contributions make up at most ``dominance_k`` of the sum
   (:func:`~evalbook.disclosure.magnitude.protect_means`, which also keeps the pooled mean and
   the target groups' means from giving a hidden one back).
3. **Derived figures** come from released cells only: a share needs its ``k`` and ``n``; the
   difference, its interval and p, the adjusted effect, the risk ratio, E-values and Γ need
   both arms, the minimum detectable effect the group sizes and the control group's share (and
   is shown only with its comparison), the stratified (CMH) test every target group, the
   unweighted means' difference both unweighted means (cells of the system); the Holm
   correction counts hidden tests with p = 1
   (:func:`~evalbook.disclosure.cells.released_holm`); the adjusted effect (a regression) also
   needs ``min_residual_df`` residual degrees of freedom; the published-versus-reproduced
   comparison is rebuilt from the released table, an unweighted mean only where its cell was
   released, a figure or claim in the other reading of outflow only with that reading's cells
   (``p_value_alt``); a pooled-reading bound only with every group size it rests on.
4. **Curves** (Kaplan–Meier and cumulative incidence) by
   :func:`~evalbook.disclosure.curves.release_survival`; the log-rank test only when each
   group has at least the minimum of persons with and without outflow.
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
    Balance,
    Conflict,
    EffectStudy,
)
from ..core.errors import DisclosureError
from ..stats import adjusted
from ..stats.survival import LogRank
from .cells import CURVE, DERIVED, MAGNITUDE, MODEL, Suppression, mask, released_holm
from .curves import release_survival
from .effect_cells import BALANCE_GROUPS, EffectCells, effect_system
from .linked import EXACT, SECONDARY, Protection, protect
from .magnitude import check_model, protect_means
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
MDE_INPUTS = {"proportion": ("n_programme", "n_control", "value_control"), "mean": ("n_programme", "n_control")}
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
    released curves (no numbers at risk)."""

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
    means = _protect_means(study, rules)
    table, held = _outcome_table(study.table, cells, protection, means, rules)
    comparison, more = _comparison(study, table, cells, protection, means)
    held += more
    conflicts, more = _conflicts(study.conflicts, table)
    held += more
    km, cif = release_survival(study.km, study.cif, rules)
    held += [
        Suppression(name, str(group), "days", CURVE)
        for name, raw, shown in (("km", study.km, km), ("cif", study.cif, cif))
        for group, rows in raw.groupby("group", sort=False)
        if len(rows) > (shown["group"] == group).sum()
    ]
    log_rank, more = _log_rank(study, rules)
    held += more
    balance, more = _balance(study.balance, cells, protection)
    held += more
    assumptions, more = _assumptions(study.assumptions, cells, protection, means)
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
    )


def _protect_means(study: EffectStudy, rules: Rules) -> dict:
    """The mean outcomes to hide, keyed ``(target group, outcome, arm)``, with their reasons."""
    table, persons = study.table, study.persons
    names = list(dict.fromkeys(table.loc[table["kind"] == "mean", "outcome"]))
    scopes = list(dict.fromkeys(table["target_group"]))
    values = {}
    for scope in scopes:
        rows = persons if scope == TOTAL else persons[persons["target_group"] == scope]
        for arm in GROUPS:
            for name in names:
                values[(scope, name, arm)] = rows.loc[rows["group"] == arm, name].dropna().to_numpy(float)
    parts = [s for s in scopes if s != TOTAL]
    relations = (
        [((TOTAL, name, arm), [(s, name, arm) for s in parts]) for name in names for arm in GROUPS] if parts else []
    )
    return protect_means(values, relations, rules)


def _outcome_table(
    raw: pd.DataFrame, cells: EffectCells, protection: Protection, means: dict, rules: Rules
) -> tuple[pd.DataFrame, list[Suppression]]:
    """The outcome table with every hidden cell missing, the figures that rest on one missing
    too, the Holm correction over the released tests and the model rule."""
    out = raw.copy()
    counts = [c for c in (*COUNTS, *OTHER_READING) if c in out and c.startswith(("n_", "k_"))]
    out[counts] = out[counts].astype(float)
    held = []
    names = [f"{t}/{o}" for t, o in zip(raw["target_group"], raw["outcome"], strict=True)]
    for i, r in raw.iterrows():
        for column, reason in _hidden_cells(r, cells, protection, means).items():
            if column in raw and pd.notna(r[column]):
                out.at[i, column] = np.nan
                held.append(Suppression("outcomes", names[i], column, reason))
    shown = out[[f"{c}_{arm}" for c in ("n", "value") for arm in GROUPS]].notna().all(axis=1)
    out["p_holm"] = released_holm(raw["p_value"], shown)
    depends = {c: shown for c in STATISTICS if c in raw and c != "p_holm"}
    depends["mde"] = shown & pd.Series(  # with the comparison it belongs to, as the chapter says
        [out.loc[i, list(MDE_INPUTS[k])].notna().all() for i, k in zip(out.index, out["kind"], strict=True)],
        index=out.index,
    )
    if "ame" in raw:
        fits = pd.Series(
            [
                pd.isna(a) or check_model(n1 + n0 - MODEL_PARAMETERS, rules).ok
                for n1, n0, a in zip(raw["n_programme"], raw["n_control"], raw["ame"], strict=True)
            ],
            index=out.index,
        )
        out.loc[shown & ~fits, "reason"] = adjusted.TOO_FEW_ROWS
        held += [
            Suppression("outcomes", names[i], c, MODEL)
            for i in out.index[shown & ~fits & raw["ame"].notna()]
            for c in ADJUSTED
        ]
        depends |= dict.fromkeys(ADJUSTED, shown & fits)
    if "um_programme" in raw:
        free = {
            arm: pd.Series([("um", o, arm) not in protection for o in raw["outcome"]], index=out.index)
            for arm in GROUPS
        }
        depends |= {f"um_{arm}": free[arm] for arm in GROUPS}
        depends |= {c: free["programme"] & free["control"] for c in UNWEIGHTED_STATISTICS if c in raw}
    if "cmh_p" in raw:
        strata = out[out["target_group"] != TOTAL].groupby("outcome")[
            [f"{c}_{arm}" for c in ("n", "value") for arm in GROUPS]
        ]
        complete = strata.apply(lambda f: f.notna().all().all())
        depends["cmh_p"] = shown & raw["outcome"].map(complete).fillna(False).astype(bool)
    if "p_value_alt" in raw:
        depends["p_value_alt"] = shown & out[[f"value_{arm}_alt" for arm in GROUPS]].notna().all(axis=1)
    for column, keep in depends.items():
        gone = raw[column].notna() & ~keep & out[column].notna()
        held += [Suppression("outcomes", names[i], column, DERIVED) for i in out.index[gone]]
        mask(out, ~keep, (column,))
    out["suppressed"] = ~shown
    out[counts] = out[counts].round().astype("Int64")
    return out, held


def _hidden_cells(r, cells: EffectCells, protection: Protection, means: dict) -> dict[str, str]:
    """The columns of one outcome row to hide and why: a hidden count for its own reason, a
    share whose count or denominator is hidden, a mean by the magnitude rules."""
    why = {}
    for arm in GROUPS:
        n_key = cells.at(r["target_group"], r["outcome"], arm, "n")
        if n_key in protection:
            why[f"n_{arm}"] = protection.suppressed[n_key]
        if r["kind"] == "proportion":
            for suffix in ("", "_alt"):
                k_key = cells.at(r["target_group"], r["outcome"], arm, "k" + suffix)
                if k_key in protection:
                    why[f"k_{arm}{suffix}"] = why[f"value_{arm}{suffix}"] = protection.suppressed[k_key]
                elif n_key in protection:
                    why[f"value_{arm}{suffix}"] = DERIVED
        elif (r["target_group"], r["outcome"], arm) in means:
            reason = means[(r["target_group"], r["outcome"], arm)]
            why[f"value_{arm}"] = reason if reason == SECONDARY else MAGNITUDE
    return why


def _comparison(
    study: EffectStudy, table: pd.DataFrame, cells: EffectCells, protection: Protection, means: dict
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
        for group in GROUPS:
            at = (values["subgroup"] == TOTAL) & (values["group"] == group) & (values["quantity"] != "n")
            for i in values.index[at]:
                q = values.at[i, "quantity"]
                key, value = ("mean", q, group), study.total_means.at[q, group]
                if kinds[q] == "proportion":  # its cell exists where the report publishes the figure
                    free = key in cells.system.cells and key not in protection
                    why = SECONDARY if key in protection else None
                else:  # a mean of means: with every group's mean
                    free = not any((s, q, group) in means for s in study.target_groups)
                    why = None if free else DERIVED
                values.at[i, "value"] = value if free else np.nan
                values.at[i, "suppressed"] = why is not None and pd.notna(value)
                if why is not None and pd.notna(value):
                    held.append(Suppression("comparison", f"{TOTAL}/{q}", group, why))
    comparison = published.side_by_side(study.figures, values, study.outflow_measure)
    comparison["reproduced_p"] = published.reproduced_p(comparison, table, study.outflow_measure)
    return comparison, held


def _conflicts(conflicts: list[Conflict], table: pd.DataFrame) -> tuple[list[Conflict], list[Suppression]]:
    """The conflicts, without a pooled-reading bound that rests on a group size not shown."""
    sizes = table[table["outcome"] == published.OUTCOME_FOR_N].set_index("target_group")
    shown, held = [], []
    for c in conflicts:
        if c.kind == TOTAL_OUTSIDE_PARTS and sizes.loc[list(c.sizes_of), f"n_{c.group}"].isna().any():
            held.append(Suppression("conflicts", c.quantity, c.group, DERIVED))
        else:
            shown.append(c)
    return shown, held


def _log_rank(study: EffectStudy, rules: Rules) -> tuple[LogRank, list[Suppression]]:
    """The log-rank test, or a missing one when a group has fewer than the minimum of persons
    with outflow or without (its statistic rests on those counts)."""
    for group, rows in study.km.groupby("group", sort=False):
        n, left = rows["at_risk"].iloc[0], 1 - rows["survival"].iloc[-1]
        events = round(n * left)
        if rules.is_primary(events) or rules.is_primary(n - events):
            return LogRank(np.nan, study.log_rank.df, np.nan), [Suppression("log_rank", str(group), "p_value", DERIVED)]
    return study.log_rank, []


def _balance(balance: Balance, cells: EffectCells, protection: Protection) -> tuple[ReleasedBalance, list[Suppression]]:
    """The balance table with hidden shares (and the SMDs from them) missing; the largest
    |SMD| over the SMDs shown; a target group's largest |SMD| only with its sizes shown."""
    table = balance.table.copy()
    held = []
    for group in BALANCE_GROUPS:
        k, mean = f"k_{group}", f"mean_{group}"
        hidden = (
            pd.Series(
                [
                    cells.balance(v, lv, group) in protection
                    for v, lv in zip(table["variable"], table["level"], strict=True)
                ],
                index=table.index,
            )
            & table[mean].notna()
        )
        mask(table, hidden, (k, mean))
        table[f"suppressed_{group}"] = hidden
        held += [
            Suppression("balance", f"{v}/{lv}", mean, protection.suppressed[cells.balance(v, lv, group)])
            for v, lv in zip(table.loc[hidden, "variable"], table.loc[hidden, "level"], strict=True)
        ]
    table.loc[table["suppressed_programme"] | table["suppressed_candidates"], "smd_before"] = np.nan
    table.loc[table["suppressed_programme"] | table["suppressed_control"], "smd_after"] = np.nan
    sizes_hidden = [
        t for t in balance.by_target_group.index if any(cells.at(t, None, arm, "n") in protection for arm in GROUPS)
    ]
    by_group = balance.by_target_group.copy()
    by_group[sizes_hidden] = np.nan
    held += [Suppression("balance", str(t), "smd_after_max", DERIVED) for t in sizes_hidden]
    return ReleasedBalance(
        table,
        table["smd_before"].abs().max(),
        table["smd_after"].abs().max(),
        by_group,
        balance.has_pool,
        balance.reproduces_register,
    ), held


def _assumptions(
    assumptions: pd.DataFrame, cells: EffectCells, protection: Protection, means: dict
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
            hidden.append(False)
        elif r["kind"] == "count":
            hidden.append(any(cells.at(s, None, r["group"], "n") in protection for s in scopes))
        elif r["kind"] == "mean":
            hidden.append(any((s, r["quantity"], r["group"]) in means for s in scopes))
        else:  # a share fixes its count; who returned also the count of the other reading
            whats = ("k", "n", "k_alt") if r["kind"] == RETURNED else ("k", "n")
            hidden.append(
                any(cells.at(s, r["quantity"], r["group"], what) in protection for s in scopes for what in whats)
            )
    out["suppressed"] = hidden
    out.loc[out["suppressed"], "value"] = pd.NA
    held = [Suppression("assumptions", p, "value", DERIVED) for p in out.loc[out["suppressed"], "parameter"]]
    if any(hidden):
        held += [Suppression("assumptions", p, "reason", DERIVED) for p in out["parameter"]]
        out["reason"] = pd.NA
    return out, held
