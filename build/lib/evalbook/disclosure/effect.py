"""The gate of the effect study: what of an :class:`~evalbook.analysis.effect.EffectStudy` may be shown.

:func:`release` applies the rules of :mod:`.rules` with the chapter's minimum cell size and
returns a :class:`ReleasedEffectStudy`, the only thing the report sees, with the list of
what it held back (:class:`Suppression`):

* the outcome table: primary suppression per row, then secondary suppression across the
  target groups (:func:`protect_outcomes`, the adapter: a table in, the masked table and
  its suppressions out);
* values derived from several cells come from released cells only, or are held back with
  them: the minimum detectable effect needs the group sizes (and for a share the control
  group's share); the comparison with the published figures is rebuilt from the released
  table; an unweighted-mean total over target groups is shown only where the total's own
  figure is (the target groups hidden behind it are then jointly safe: secondary
  suppression saw to it; but with unequal group sizes the mean and the pooled total
  together can still separate two hidden groups, which only linked-table protection of
  both totals closes); the bound a published total would need in the pooled reading is
  shown only when every group size behind it is;
* the curves stop where fewer than the minimum remain at risk;
* the balance table hides a share whose count or complement is below the minimum, and the
  SMDs computed from it; the largest |SMD| is taken over the SMDs shown;
* an assumed group size below the minimum is not shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..analysis import published
from ..analysis.effect import GROUPS, TOTAL, TOTAL_OUTSIDE_PARTS, Balance, Conflict, EffectStudy
from ..stats.survival import LogRank
from . import rules

MDE_INPUTS = {"proportion": ("n_programme", "n_control", "value_control"), "mean": ("n_programme", "n_control")}
BALANCE_GROUPS = ("programme", "candidates", "control")


@dataclass(frozen=True)
class Suppression:
    """One row of a table that lost cells at the gate: ``table``, the ``row`` (its key),
    the ``columns`` held back and the ``rule`` (``primary``, ``secondary`` or ``derived``)."""

    table: str
    row: str
    columns: tuple[str, ...]
    rule: str


@dataclass
class ReleasedBalance:
    """The balance of the matching variables as it may be shown (see :class:`~evalbook.analysis.effect.Balance`);
    ``table`` has a ``suppressed_<group>`` column per group."""

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
    released p-value of the comparison it labels (``reproduced_p``)."""

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

    @property
    def total(self) -> pd.DataFrame:
        """The rows about everyone."""
        return self.table[self.table["target_group"] == TOTAL].reset_index(drop=True)


def release(study: EffectStudy, min_cell_size: int = rules.DEFAULT_MIN_CELL_SIZE) -> ReleasedEffectStudy:
    """What of ``study`` may be shown with ``min_cell_size`` (see the module docstring)."""
    table, held = protect_outcomes(study.table.drop(columns="mde"), min_cell_size)
    table["mde"], more = _mde(study.table, table)
    held += more
    comparison, more = _comparison(study, table)
    held += more
    conflicts, more = _conflicts(study.conflicts, table)
    held += more
    km, cif, more = protect_curves(study.km, study.cif, min_cell_size)
    held += more
    balance, more = protect_balance(study.balance, min_cell_size)
    held += more
    assumptions, more = protect_assumptions(study.assumptions, min_cell_size)
    held += more
    return ReleasedEffectStudy(
        table=table,
        comparison=comparison,
        conflicts=conflicts,
        km=km,
        cif=cif,
        log_rank=study.log_rank,
        balance=balance,
        assumptions=assumptions,
        alpha=study.alpha,
        power=study.power,
        min_cell_size=min_cell_size,
        min_events=study.min_events,
        outflow_measure=study.outflow_measure,
        published_total=study.published_total,
        target_groups=study.target_groups,
        missing=study.missing,
        suppressions=held,
    )


def protect_outcomes(
    table: pd.DataFrame, min_cell_size: int = rules.DEFAULT_MIN_CELL_SIZE, part: str = "target_group", total=TOTAL
) -> tuple[pd.DataFrame, list[Suppression]]:
    """The outcome table (one row per ``part`` and outcome, the rows about everyone having
    ``part == total``) with every disclosive cell missing and a ``suppressed`` column:
    :func:`.rules.protect` per row, then :func:`.rules.suppress_across` the parts. Also the
    suppressions, row by row (``<part>/<outcome>``)."""
    primary = rules.protect(table, min_cell_size)
    masked = rules.suppress_across(primary, table, part, total, min_cell_size)
    held = []
    for i in table.index:
        first = [c for c in table.columns if pd.notna(table.at[i, c]) and pd.isna(primary.at[i, c])]
        second = [c for c in table.columns if pd.notna(primary.at[i, c]) and pd.isna(masked.at[i, c])]
        key = f"{table.at[i, part]}/{table.at[i, 'outcome']}"
        held += [
            Suppression("outcomes", key, tuple(cs), rule)
            for cs, rule in ((first, "primary"), (second, "secondary"))
            if cs
        ]
    return masked, held


def _mde(raw: pd.DataFrame, table: pd.DataFrame) -> tuple[pd.Series, list[Suppression]]:
    """The MDE where every cell it is computed from is shown."""
    hidden = pd.Series(
        [table.loc[i, list(MDE_INPUTS[table.at[i, "kind"]])].isna().any() for i in table.index], index=table.index
    )
    mde = raw["mde"].where(~hidden)
    held = [
        Suppression("outcomes", f"{raw.at[i, 'target_group']}/{raw.at[i, 'outcome']}", ("mde",), "derived")
        for i in table.index[hidden & raw["mde"].notna()]
    ]
    return mde, held


def _comparison(study: EffectStudy, table: pd.DataFrame) -> tuple[pd.DataFrame, list[Suppression]]:
    """The published figures beside their reproduction from the released table."""
    parts = []
    for scope in (TOTAL, *study.target_groups):
        part = published.long_values(table[table["target_group"] == scope])
        part["subgroup"] = scope
        parts.append(part)
    values = pd.concat(parts, ignore_index=True)
    held = []
    if study.total_means is not None:
        shown = table[table["target_group"] == TOTAL].set_index("outcome")
        for group in GROUPS:
            at = (values["subgroup"] == TOTAL) & (values["group"] == group) & (values["quantity"] != "n")
            free = values["quantity"].map(shown[f"value_{group}"]).notna()
            values.loc[at, "value"] = values.loc[at, "quantity"].map(study.total_means[group]).where(free[at])
            values.loc[at, "suppressed"] = ~free[at]
            held += [
                Suppression("comparison", f"{TOTAL}/{q}/{group}", ("value",), "derived")
                for q in values.loc[at & ~free, "quantity"]
            ]
    comparison = published.side_by_side(study.figures, values)
    p_values = table.set_index(["outcome", "target_group"])["p_value"]
    comparison["reproduced_p"] = [
        p_values.get((q, sub), pd.NA) if pd.notna(sig) else pd.NA
        for q, sub, sig in zip(
            comparison["quantity"], comparison["subgroup"].fillna(TOTAL), comparison["significance"], strict=True
        )
    ]
    return comparison, held


def _conflicts(conflicts: list[Conflict], table: pd.DataFrame) -> tuple[list[Conflict], list[Suppression]]:
    """The conflicts, without a pooled-reading bound that rests on a group size not shown."""
    sizes = table[table["outcome"] == published.OUTCOME_FOR_N].set_index("target_group")
    shown, held = [], []
    for c in conflicts:
        if c.kind == TOTAL_OUTSIDE_PARTS and sizes.loc[list(c.sizes_of), f"n_{c.group}"].isna().any():
            held.append(Suppression("conflicts", f"{c.quantity}/{c.group}", ("bound",), "derived"))
        else:
            shown.append(c)
    return shown, held


def protect_curves(km: pd.DataFrame, cif: pd.DataFrame, min_cell_size: int):
    """The curves up to where fewer than ``min_cell_size`` persons remain at risk (their steps
    would single out persons)."""
    held = [
        Suppression(name, str(group), ("days",), "primary")
        for name, curve in (("km", km), ("cif", cif))
        for group, rows in curve.groupby("group", sort=False)
        if (rows["at_risk"] < min_cell_size).any()
    ]
    return km[km["at_risk"] >= min_cell_size], cif[cif["at_risk"] >= min_cell_size], held


def protect_balance(balance: Balance, min_cell_size: int) -> tuple[ReleasedBalance, list[Suppression]]:
    """The balance table with unsafe shares (and the SMDs from them) missing."""
    table = balance.table.copy()
    held = []
    for group in BALANCE_GROUPS:
        n, k, mean = f"n_{group}", f"k_{group}", f"mean_{group}"
        unsafe = (
            table["binary"]
            & table[mean].notna()
            & ~pd.Series(
                [rules.is_safe_proportion(k_, n_, min_cell_size) for k_, n_ in zip(table[k], table[n], strict=True)],
                index=table.index,
            )
        )
        table.loc[unsafe, [k, mean]] = pd.NA
        table[f"suppressed_{group}"] = unsafe
        held += [
            Suppression("balance", f"{v}/{lv}", (k, mean), "primary")
            for v, lv in zip(table.loc[unsafe, "variable"], table.loc[unsafe, "level"], strict=True)
        ]
    table.loc[table["suppressed_programme"] | table["suppressed_candidates"], "smd_before"] = float("nan")
    table.loc[table["suppressed_programme"] | table["suppressed_control"], "smd_after"] = float("nan")
    return ReleasedBalance(
        table,
        table["smd_before"].abs().max(),
        table["smd_after"].abs().max(),
        balance.by_target_group,
        balance.has_pool,
        balance.reproduces_register,
    ), held


def protect_assumptions(assumptions: pd.DataFrame, min_cell_size: int) -> tuple[pd.DataFrame, list[Suppression]]:
    """The assumptions, an assumed group size below the minimum held back."""
    out = assumptions.copy()
    size = pd.to_numeric(out["value"].where(out["kind"] == "count"), errors="coerce")
    small = size.notna() & ~size.map(lambda v: rules.is_safe_count(v, min_cell_size))
    out.loc[small, "value"] = pd.NA
    out["suppressed"] = small
    return out, [Suppression("assumptions", p, ("value",), "primary") for p in out.loc[small, "parameter"]]
