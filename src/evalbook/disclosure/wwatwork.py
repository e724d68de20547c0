"""The gate for the WW@Work cohort: which of the chapter's counts, percentages and statistics
may be shown (:func:`release`).

Result tables in (:class:`evalbook.analysis.wwatwork.CohortStudy`, true counts), masked
tables and the list of suppressions out (:class:`Released`). Every person count of the
chapter is a cell of one count system (:func:`cohort_system`):

* the funnel per step and area (all of Rotterdam, each region), each region adding up to
  Rotterdam, and per step the persons of its base step who did not reach it (never shown,
  protected like any count: a step of 12 beside a base of 13 gives 1 away);
* the inflow table (realised against predicted) per group: its persons ``n`` and Bijstand
  entrants ``k`` (with ``n - k``), the coached and the not coached adding up to everyone, and
  so do the regions; the cells it shares with the funnel (everyone, the coached, the coached
  entrants, each region) are one cell;
* the published funnel figures that rest on a count of their own (the work found in the
  first half of 2017, part of all work found).

:func:`~evalbook.disclosure.linked.protect` hides every count or complement below the minimum
(zeros too, by default) and the cheapest further cells so that none can be derived to within
the minimum. A percentage is shown only with its count and base, a published figure only
with every cell it rests on, a statistic of the inflow table only with its group's ``n``
and ``k``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..analysis.published import STATUS_SUPPRESSED
from ..analysis.wwatwork import AREAS, BASE, CohortStudy
from ..schemas.cohort import REGIONS
from .cells import DERIVED, Suppression, mask
from .linked import EXACT, CountSystem, Protection, Relation, protect
from .policy import DEFAULT_RULES, Rules

OVP_STATISTICS = ("realised", "predicted", "diff", "ci_low", "ci_high", "p_value")


@dataclass(frozen=True)
class Released:
    """The cohort's results as they may be shown: hidden cells are missing, rows with a hidden
    cell are marked ``suppressed``; the comparison with the published figures says
    ``suppressed`` (:data:`evalbook.analysis.published.STATUS_SUPPRESSED`) where the
    reproduction is hidden."""

    funnel: pd.DataFrame
    comparison: pd.DataFrame
    ovp: pd.DataFrame
    first_month: pd.Timestamp
    last_month: pd.Timestamp
    months: int
    suppressions: list[Suppression]
    suppression_method: str = EXACT  # how the counts were protected (:attr:`Protection.method`)


def release(study: CohortStudy, rules: Rules = DEFAULT_RULES) -> Released:
    """Pass the cohort's results through the gate (see the module docstring)."""
    system, figure_cells = cohort_system(study)
    protection = protect(system, rules)
    funnel, held = _mask_funnel(study.funnel, protection)
    ovp, more = _mask_ovp(study, protection)
    comparison, figures_held = _mask_comparison(study, figure_cells, protection)
    return Released(
        funnel=funnel,
        comparison=comparison,
        ovp=ovp,
        first_month=study.first_month,
        last_month=study.last_month,
        months=study.months,
        suppressions=held + more + figures_held,
        suppression_method=protection.method,
    )


def funnel_key(step: str, suffix: str) -> tuple:
    """The cell of a funnel count: ``suffix`` ``""`` for Rotterdam, ``"_<region>"``."""
    return ("funnel", step, suffix)


def _ovp_key(study: CohortStudy, group: str, column: str) -> tuple:
    """The cell of an inflow-table count, the funnel's where both count the same persons."""
    shared = {
        ("total", "n"): ("cohort", ""),
        ("coached", "n"): ("coached", ""),
        ("coached", "k"): ("bijstand", ""),
        **{(r, "n"): ("cohort", f"_{r}") for r in REGIONS},
    }
    if (group, column) in shared:
        step, suffix = shared[(group, column)]
        value = study.ovp.set_index("group").at[group, column]
        if study.funnel.set_index("step").at[step, f"count{suffix}"] == value:
            return funnel_key(step, suffix)
    return ("ovp", group, column)


def cohort_system(study: CohortStudy) -> tuple[CountSystem, dict]:
    """The count system of the chapter (module docstring) and, per published figure
    (``quantity, subgroup``), the cells it rests on."""
    cells, relations, unpublished = {}, [], set()
    f = study.funnel.set_index("step")
    for step in f.index:
        for suffix in AREAS:
            cells[funnel_key(step, suffix)] = float(f.at[step, f"count{suffix}"])
        relations.append(
            Relation(funnel_key(step, ""), tuple(funnel_key(step, f"_{r}") for r in REGIONS), (1.0,) * len(REGIONS))
        )
        for suffix in AREAS if BASE[step] else ():
            missed = ("missed", step, suffix)
            cells[missed] = cells[funnel_key(BASE[step], suffix)] - cells[funnel_key(step, suffix)]
            unpublished.add(missed)
            relations.append(Relation(funnel_key(BASE[step], suffix), (funnel_key(step, suffix), missed), (1.0, 1.0)))
    o = study.ovp.set_index("group")
    for group in o.index:
        n, k = _ovp_key(study, group, "n"), _ovp_key(study, group, "k")
        cells[n], cells[k] = float(o.at[group, "n"]), float(o.at[group, "k"])
        cells[("ovp", group, "not")] = cells[n] - cells[k]
        unpublished.add(("ovp", group, "not"))
        relations.append(Relation(n, (k, ("ovp", group, "not")), (1.0, 1.0)))
    for column in ("n", "k"):
        for parts in (("coached", "not_coached"), REGIONS):
            relations.append(
                Relation(
                    _ovp_key(study, "total", column),
                    tuple(_ovp_key(study, g, column) for g in parts),
                    (1.0,) * len(parts),
                )
            )
    figure_cells = {}
    for _, fig in study.figures.iterrows():
        keys = set()
        for step, column in fig["cells"]:
            suffix = column.removeprefix("count").removeprefix("percent")
            keys.add(funnel_key(step, suffix))
            if column.startswith("percent") and BASE[step]:
                keys.add(funnel_key(BASE[step], suffix))
        if not fig["cells"] and pd.notna(fig["k"]):  # a count of its own: part of the work found
            own = ("figure", fig["quantity"], fig["subgroup"])
            cells[own] = float(fig["k"])
            rest = ("figure_rest", fig["quantity"], fig["subgroup"])
            cells[rest] = cells[funnel_key("found_work", "")] - cells[own]
            unpublished.add(rest)
            relations.append(Relation(funnel_key("found_work", ""), (own, rest), (1.0, 1.0)))
            keys.add(own)
        figure_cells[(fig["quantity"], fig["subgroup"])] = keys
    return CountSystem(cells, tuple(relations), unpublished=frozenset(unpublished)), figure_cells


def _mask_funnel(funnel: pd.DataFrame, protection: Protection) -> tuple[pd.DataFrame, list[Suppression]]:
    out = funnel.copy()
    held = []
    suppressed = pd.Series(False, index=out.index)
    for i, step in out["step"].items():
        for suffix in AREAS:
            count = funnel_key(step, suffix)
            base = funnel_key(BASE[step], suffix) if BASE[step] else None
            if count in protection:
                out.loc[i, f"count{suffix}"] = pd.NA
                held.append(Suppression("funnel", step, f"count{suffix}", protection.suppressed[count]))
            if base in protection:
                out.loc[i, f"n{suffix}"] = pd.NA
            if count in protection or base in protection:
                out.loc[i, f"percent{suffix}"] = np.nan
                held.append(Suppression("funnel", step, f"percent{suffix}", DERIVED))
                suppressed[i] = True
    out["suppressed"] = suppressed
    return out, held


def _mask_comparison(study: CohortStudy, figure_cells: dict, protection: Protection):
    """The comparison with the reproduction hidden where a published figure rests on a hidden cell."""
    out = study.comparison.copy()
    held = []
    for (quantity, subgroup), keys in figure_cells.items():
        hidden = [k for k in keys if k in protection]
        if not hidden:
            continue
        rows = (out["quantity"] == quantity) & (out["subgroup"] == subgroup)
        out.loc[rows, "reproduced"] = np.nan
        out.loc[rows, "status"] = STATUS_SUPPRESSED
        reason = protection.suppressed[hidden[0]] if hidden[0][0] == "figure" else DERIVED
        held += [Suppression("figures", figure_id, "reproduced", reason) for figure_id in out.loc[rows, "figure_id"]]
    return out, held


def _mask_ovp(study: CohortStudy, protection: Protection) -> tuple[pd.DataFrame, list[Suppression]]:
    """The inflow table with hidden counts, and every statistic of their group, missing."""
    out = study.ovp.copy()
    held = []
    suppressed = pd.Series(False, index=out.index)
    for i, group in out["group"].items():
        for column in ("n", "k"):
            key = _ovp_key(study, group, column)
            if key in protection:
                out.loc[i, column] = pd.NA
                held.append(Suppression("ovp", group, column, protection.suppressed[key]))
                suppressed[i] = True
    mask(out, suppressed, OVP_STATISTICS)
    held += [Suppression("ovp", group, "realised", DERIVED) for group in out.loc[suppressed, "group"]]
    out["suppressed"] = suppressed
    return out, held
