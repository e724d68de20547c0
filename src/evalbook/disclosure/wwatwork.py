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

import pandas as pd

from ..analysis.wwatwork import AREAS, BASE, CohortStudy
from ..schemas.cohort import REGIONS
from .cells import MAGNITUDE, Suppression
from .lineage import PUBLIC, Ledger, Rule, release_comparison, release_frame
from .linked import EXACT, CountSystem, Relation, protect
from .magnitude import SECONDARY, protect_means
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
    ledger = Ledger(frozenset(system.cells), dict(protection.suppressed)) | _prediction_ledger(study, rules)
    funnel, held = _release_funnel(study.funnel, ledger)
    ovp, more = _release_ovp(study, ledger)
    comparison, figures_held = release_comparison(
        study.comparison,
        lambda r: sorted(figure_cells.get((r["quantity"], r["subgroup"]), ()), key=str) or None,
        lambda r: None,
        ledger,
    )
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


def release_published(table: pd.DataFrame) -> pd.DataFrame:
    """A table computed from published figures only (the doorstroom difference in differences
    of Den Bosch and Rotterdam, the report's claims about Den Bosch): every figure in it rests
    on no cell of the cohort (lineage :data:`~evalbook.disclosure.lineage.PUBLIC`), which the
    gate declares here rather than the template assuming it."""
    rules = {c: Rule(lambda r: PUBLIC) for c in table.columns}
    return release_frame(table, rules, Ledger(), "published", [str(i) for i in table.index])[0]


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


def _prediction_ledger(study: CohortStudy, rules: Rules) -> Ledger:
    """The predicted inflow of each group (``("pred", group)``: the persons' predicted
    probabilities) and its variance (``("pred_var", group)``: their ``p(1-p)``) under the
    magnitude rules (:func:`~evalbook.disclosure.magnitude.protect_means`, with the groups'
    sums adding up as their persons do)."""
    if study.predictions is None:
        return Ledger()
    values = {}
    for group, p in study.predictions.items():
        values[("pred", group)], values[("pred_var", group)] = p, p * (1 - p)
    parts = [("coached", "not_coached"), REGIONS]
    relations = [((what, "total"), [(what, g) for g in groups]) for what in ("pred", "pred_var") for groups in parts]
    hidden = protect_means(values, relations, rules)
    return Ledger(frozenset(values), {k: r if r == SECONDARY else MAGNITUDE for k, r in hidden.items()})


def _release_funnel(funnel: pd.DataFrame, ledger: Ledger) -> tuple[pd.DataFrame, list[Suppression]]:
    """The funnel: a count as its cell, a base as its step's count, a percentage with both."""

    def base(r, suffix):
        return [funnel_key(BASE[r["step"]], suffix)] if BASE[r["step"]] else None

    rules = {}
    for suffix in AREAS:
        rules[f"count{suffix}"] = Rule(lambda r, s=suffix: [funnel_key(r["step"], s)], own=True)
        rules[f"n{suffix}"] = Rule(lambda r, s=suffix: base(r, s), own=True)
        rules[f"percent{suffix}"] = Rule(lambda r, s=suffix: base(r, s) and [funnel_key(r["step"], s), *base(r, s)])
    out, held = release_frame(funnel, rules, ledger, "funnel", list(funnel["step"]), ("step",))
    figures = [f"{c}{s}" for c in ("count", "percent") for s in AREAS]
    out["suppressed"] = (out[figures].isna() & funnel[figures].notna()).any(axis=1)
    for column in [c for c in out if c.startswith(("count", "n"))]:
        out[column] = out[column].round().astype("Int64")
    return out, [h for h in held if not h.column.startswith("n")]


def _release_ovp(study: CohortStudy, ledger: Ledger) -> tuple[pd.DataFrame, list[Suppression]]:
    """Realised against predicted inflow: the counts as their cells, the realised share with
    both, the predicted share with the predictions' sum, the difference with all three and
    its interval and p-value also with their variance."""

    def n(r):
        return _ovp_key(study, r["group"], "n")

    def k(r):
        return _ovp_key(study, r["group"], "k")

    rules = {
        "n": Rule(lambda r: [n(r)], own=True),
        "k": Rule(lambda r: [k(r)], own=True),
        "realised": Rule(lambda r: [k(r), n(r)]),
        "predicted": Rule(lambda r: [("pred", r["group"]), n(r)]),
        "diff": Rule(lambda r: [k(r), n(r), ("pred", r["group"])]),
    }
    rules |= dict.fromkeys(
        ("ci_low", "ci_high", "p_value"),
        Rule(lambda r: [k(r), n(r), *(("pred", r["group"]), ("pred_var", r["group"]))]),
    )
    out, held = release_frame(study.ovp, rules, ledger, "ovp", list(study.ovp["group"]), ("group",))
    out["suppressed"] = out[["n", "k"]].isna().any(axis=1)
    out[["n", "k"]] = out[["n", "k"]].round().astype("Int64")
    return out, held
