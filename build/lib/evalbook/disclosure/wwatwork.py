"""The gate for the WW@Work cohort: which of the chapter's counts, percentages and
statistics may be shown (:func:`release`).

Result tables in (:class:`evalbook.analysis.wwatwork.CohortStudy`, true counts), masked
tables and the list of suppressions out (:class:`Released`). The rules of
:mod:`evalbook.disclosure.rules`, applied to every person count of the chapter at once:

* primary: a count below the minimum cell size (zero included) is hidden;
* complement: a count ``k`` shown beside its base ``n`` gives ``n - k`` away, so ``k`` is
  hidden when ``n - k`` is below the minimum (the funnel's step of its previous step; the
  Bijstand entrants of a group of its size);
* secondary: wherever a total is the sum of parts (Rotterdam = Noord + Zuid per funnel
  step; everyone = coached + not coached = Noord + Zuid in the inflow table), no hidden
  cell may be recovered by subtraction: a relation never has exactly one hidden cell, and
  the hidden parts of a shown total add up to a safe count. The two tables share counts
  (the cohort, the coached, the coached Bijstand entrants, each region), so a cell hidden in
  one is hidden in the other.

A percentage is shown only with both its count and its base; a published funnel figure only
when every funnel cell it would give back is shown; a statistic of the inflow table only
when its group's ``n`` and ``k`` are.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..analysis.published import STATUS_SUPPRESSED
from ..analysis.wwatwork import AREAS, BASE, CohortStudy
from ..schemas.cohort import REGIONS
from .rules import DEFAULT_MIN_CELL_SIZE, is_safe_count, is_safe_proportion

PRIMARY = "primary"  # below the minimum cell size
COMPLEMENT = "complement"  # its base minus it is below the minimum
SECONDARY = "secondary"  # would be recovered from a total and the other parts
LINKED = "linked"  # rests on a hidden cell (a published figure, an inflow statistic)
OVP_STATISTICS = ("realised", "predicted", "diff", "ci_low", "ci_high", "p_value")


@dataclass(frozen=True)
class Suppression:
    """One hidden value: in ``table`` (funnel, figures, ovp), its ``row`` and ``column``, and why."""

    table: str
    row: str
    column: str
    reason: str


@dataclass(frozen=True)
class Released:
    """The cohort's results as they may be shown: hidden cells are missing, rows with a hidden
    cell are marked ``suppressed``; the comparison with the published figures says
    ``onderdrukt`` where the reproduction is hidden."""

    funnel: pd.DataFrame
    comparison: pd.DataFrame
    ovp: pd.DataFrame
    first_month: pd.Timestamp
    last_month: pd.Timestamp
    months: int
    suppressions: list[Suppression]


def release(study: CohortStudy, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> Released:
    """Pass the cohort's results through the gate (see the module docstring)."""
    values, relations, complements = _cells(study)
    hidden = protect(values, relations, complements, min_cell_size)
    suppressions = [Suppression("funnel", step, f"count{suffix}", reason)
                    for (table, step, suffix), reason in hidden.items() if table == "funnel"]
    suppressions += [Suppression("ovp", group, column, reason)
                     for (table, group, column), reason in hidden.items() if table == "ovp"]
    funnel = _mask_funnel(study.funnel, hidden)
    comparison, figures_hidden = _mask_comparison(study, funnel, min_cell_size)
    suppressions += figures_hidden
    return Released(funnel=funnel, comparison=comparison, ovp=_mask_ovp(study.ovp, hidden),
                    first_month=study.first_month, last_month=study.last_month, months=study.months,
                    suppressions=suppressions)


def protect(values: dict, relations: list, complements: list, min_cell_size: int) -> dict:
    """The cells to hide, each with its reason.

    ``values``: cell → true count; ``relations``: ``(total, parts)`` with total = sum of parts
    (a single part: the two cells hold the same count); ``complements``: ``(part, whole)``
    pairs whose difference is revealed when both are shown. Cells are hidden until no rule
    is broken; a secondary cell is the smallest part still shown (the total when none is)."""
    hidden = {cell: PRIMARY for cell, v in values.items() if not is_safe_count(v, min_cell_size)}
    changed = True
    while changed:
        changed = False
        for part, whole in complements:
            if part not in hidden and whole not in hidden \
                    and not is_safe_count(values[whole] - values[part], min_cell_size):
                hidden[part], changed = COMPLEMENT, True
        for total, parts in relations:
            gone = [c for c in (total, *parts) if c in hidden]
            hidden_sum = sum(values[p] for p in parts if p in hidden)
            if len(gone) == 1 or (gone and total not in hidden and not is_safe_count(hidden_sum, min_cell_size)):
                shown = sorted((p for p in parts if p not in hidden), key=lambda p: values[p])
                hidden[shown[0] if shown else total], changed = SECONDARY, True
    return hidden


def _cells(study: CohortStudy) -> tuple[dict, list, list]:
    """The person counts of the funnel and the inflow table, how they add up and which pairs
    reveal a difference."""
    f = study.funnel.set_index("step")
    o = study.ovp.set_index("group")
    values = {("funnel", step, suffix): int(f.loc[step, f"count{suffix}"]) for step in f.index for suffix in AREAS}
    values |= {("ovp", group, column): int(o.loc[group, column]) for group in o.index for column in ("n", "k")}
    total, regions = "", REGIONS  # the column suffixes of all of Rotterdam and of a region: "" and "_<region>"
    relations = [(("funnel", step, total), tuple(("funnel", step, f"_{r}") for r in regions)) for step in f.index]
    for column in ("n", "k"):
        relations += [(("ovp", "total", column), (("ovp", "coached", column), ("ovp", "not_coached", column))),
                      (("ovp", "total", column), tuple(("ovp", r, column) for r in regions))]
    relations += [(("ovp", "total", "n"), (("funnel", "cohort", total),)),
                  (("ovp", "coached", "n"), (("funnel", "coached", total),)),
                  (("ovp", "coached", "k"), (("funnel", "bijstand", total),)),
                  *((("ovp", r, "n"), (("funnel", "cohort", f"_{r}"),)) for r in regions)]
    complements = [(("funnel", step, s), ("funnel", BASE[step], s)) for step in f.index if BASE[step] for s in AREAS]
    complements += [(("ovp", group, "k"), ("ovp", group, "n")) for group in o.index]
    return values, relations, complements


def _mask_funnel(funnel: pd.DataFrame, hidden: dict) -> pd.DataFrame:
    out = funnel.copy()
    suppressed = pd.Series(False, index=out.index)
    for i, step in out["step"].items():
        base = BASE[step]
        for suffix in AREAS:
            count_hidden = ("funnel", step, suffix) in hidden
            base_hidden = base is not None and ("funnel", base, suffix) in hidden
            if count_hidden:
                out.loc[i, f"count{suffix}"] = pd.NA
            if base_hidden:
                out.loc[i, f"n{suffix}"] = pd.NA
            if count_hidden or base_hidden:
                out.loc[i, f"percent{suffix}"] = float("nan")
            suppressed[i] |= count_hidden or base_hidden
    out["suppressed"] = suppressed
    return out


def _mask_comparison(study: CohortStudy, funnel: pd.DataFrame, min_cell_size: int):
    """The comparison with the reproduction hidden where a funnel figure rests on a count
    below the minimum or would give back a hidden funnel cell."""
    cells = funnel.set_index("step")
    out = study.comparison.copy()
    suppressions = []
    for _, fig in study.figures.iterrows():
        if pd.isna(fig["k"]):  # not computable from these data: nothing to hide
            continue
        safe = is_safe_count(fig["k"], min_cell_size) if pd.isna(fig["n"]) \
            else is_safe_proportion(fig["k"], fig["n"], min_cell_size)
        linked = any(pd.isna(cells.loc[step, column]) for step, column in fig["cells"])
        if safe and not linked:
            continue
        rows = (out["quantity"] == fig["quantity"]) & (out["subgroup"] == fig["subgroup"])
        out.loc[rows, "reproduced"] = float("nan")
        out.loc[rows, "status"] = STATUS_SUPPRESSED
        suppressions += [Suppression("figures", figure_id, "reproduced", PRIMARY if not safe else LINKED)
                         for figure_id in out.loc[rows, "figure_id"]]
    return out, suppressions


def _mask_ovp(ovp: pd.DataFrame, hidden: dict) -> pd.DataFrame:
    out = ovp.copy()
    suppressed = pd.Series(False, index=out.index)
    for i, group in out["group"].items():
        n_hidden, k_hidden = ("ovp", group, "n") in hidden, ("ovp", group, "k") in hidden
        if n_hidden:
            out.loc[i, "n"] = pd.NA
        if k_hidden:
            out.loc[i, "k"] = pd.NA
        if n_hidden or k_hidden:
            out.loc[i, list(OVP_STATISTICS)] = float("nan")
            suppressed[i] = True
    out["suppressed"] = suppressed
    return out
