"""The effect-study chapter's tables in Dutch (:class:`~evalbook.report.tables.Table`).

Each reads what the gate released (:class:`~evalbook.disclosure.effect.ReleasedEffectStudy`)
and only formats it; labels and formatters are those of :mod:`evalbook.report.effect`. A
verdict in a table always says whether it survives Holm's correction.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..analysis.codes import RETURNED
from ..analysis.outcomes import BY_NAME, TOTAL
from ..disclosure.effect import ReleasedEffectStudy
from . import format as fmt
from . import verdict
from .effect import (
    GROUP_LABELS,
    difference_text,
    reason_text,
    reproduced_verdict,
    target_group_label,
    value_text,
)
from .effect_checks import gamma_text
from .effect_matching import BALANCE_LABELS
from .labels import outcome_label
from .parameters import smd
from .tables import Table
from .text import STATUS_LABELS, SUPPRESSED, readable


def _mde(study: ReleasedEffectStudy) -> str:
    return f"MDE ({fmt.level(study.power)})"


def _group_cell(r, group: str) -> str:
    """A group's value with what it rests on: ``19,0% (57 van 300)``, ``29,0 (n = 300)``; a
    hidden count or value shows as an en dash."""
    n, k = r[f"n_{group}"], r[f"k_{group}"]
    shown = value_text(r["kind"])(r[f"value_{group}"])
    if r["kind"] == "proportion" and pd.notna(k):
        return f"{shown} ({fmt.number(k)} van {fmt.number(n)})"
    return f"{shown} (n = {fmt.number(n)})"


def _row_cells(r, alpha: float) -> dict:
    """A comparison's cells: the verdict right after the difference, so that a table too wide
    for the column still shows it before the p-values."""
    diff = difference_text(r["kind"])(r["diff"])
    return {
        "Programmagroep": _group_cell(r, "programme"),
        "Controlegroep": _group_cell(r, "control"),
        f"Verschil ({fmt.confidence(alpha)}-BI)": diff
        if pd.isna(r["ci_low"])
        else f"{diff} ({fmt.interval(r['ci_low'], r['ci_high'], 1)})",
        f"Oordeel ({fmt.level(alpha)})": verdict.significance(r["p_value"], alpha, r["p_holm"]),
        "p": fmt.p_value(r["p_value"]).removeprefix("p = "),
        "p (Holm)": fmt.p_value(r["p_holm"]).removeprefix("p = "),
    }


def outcome_display(study: ReleasedEffectStudy) -> Table:
    """The outcome table for everyone: percentage with count and n (or mean with n) per group,
    difference with its confidence interval, p, Holm-adjusted p and the significance label."""
    return Table(
        pd.DataFrame(
            [
                {"Uitkomst": outcome_label(r["outcome"], study.outflow_measure)} | _row_cells(r, study.alpha)
                for _, r in study.total.iterrows()
            ]
        )
    )


def adjusted_display(study: ReleasedEffectStudy) -> Table:
    """Beside the unadjusted difference: the difference adjusted for the matching variables
    (average marginal effect) with its confidence interval and p, and the minimum detectable effect."""
    rows = []
    for _, r in study.total.iterrows():
        diff = difference_text(r["kind"])
        reason = reason_text(r["reason"], study.min_events)
        rows.append(
            {
                "Uitkomst": outcome_label(r["outcome"], study.outflow_measure),
                "Verschil": diff(r["diff"]),
                "Gecorrigeerd verschil": diff(r["ame"]),
                f"{fmt.confidence(study.alpha)}-BI (gecorrigeerd)": fmt.interval(r["ame_low"], r["ame_high"], 1),
                "p (gecorrigeerd)": fmt.p_value(r["ame_p"]).removeprefix("p = "),
                _mde(study): diff(r["mde"]).removeprefix("+"),
                "Toelichting": SUPPRESSED if r["suppressed"] else (reason if isinstance(reason, str) else ""),
            }
        )
    return Table(pd.DataFrame(rows))


def target_group_display(study: ReleasedEffectStudy, labels: Mapping[str, str]) -> Table | None:
    """The comparison per target group (None when the data have no target groups)."""
    rows = study.table[study.table["target_group"] != TOTAL]
    if rows.empty:
        return None
    return Table(
        pd.DataFrame(
            [
                {
                    "Doelgroep": target_group_label(r["target_group"], labels),
                    "Uitkomst": outcome_label(r["outcome"], study.outflow_measure),
                }
                | _row_cells(r, study.alpha)
                | {_mde(study): difference_text(r["kind"])(r["mde"]).removeprefix("+")}
                for _, r in rows.iterrows()
            ]
        )
    )


def comparison_display(study: ReleasedEffectStudy, labels: Mapping[str, str]) -> Table:
    """Published beside reproduced, one row per published figure, with both significance labels
    (the reproduction's with its Holm status); a claim without a figure shows the report's
    verdict beside the reproduction's."""
    rows = []
    for _, r in study.comparison.iterrows():
        outcome = BY_NAME.get(r["quantity"])
        decimals = 0 if r["quantity"] == "n" else 1
        reproduced = (
            fmt.percent(r["reproduced"], 1)
            if outcome is not None and outcome.kind == "proportion"
            else fmt.number(r["reproduced"], decimals)
        )
        reproduction = reproduced_verdict(study, r)
        report = verdict.SIGNIFICANCE_LABELS.get(r["significance"], "–")
        claim = pd.isna(r["value"])  # unit "claim": the report's verdict without a figure
        beside = SUPPRESSED if pd.isna(r["reproduced_p"]) else reproduction
        rows.append(
            {
                "Uitkomst": outcome_label(outcome.name, study.outflow_measure)
                if outcome is not None
                else "Groepsgrootte",
                "Groep": GROUP_LABELS.get(r["group"], fmt.MISSING),
                **(
                    {"Doelgroep": target_group_label(r["subgroup"] if pd.notna(r["subgroup"]) else TOTAL, labels)}
                    if study.target_groups or study.missing
                    else {}
                ),
                "Gepubliceerd": readable(r["printed"]),
                "Gereproduceerd": reproduced + _mean_note(study, r),
                "Overeenkomst": (
                    f"alleen een oordeel: {report}; reproductie: {beside}" if claim else STATUS_LABELS[r["status"]]
                ),
                "Significantie rapport": report,
                "Significantie reproductie": reproduction + _pooled_note(study, r),
            }
        )
    return Table(pd.DataFrame(rows))


def _unweighted_total(study: ReleasedEffectStudy, row) -> bool:
    """Whether a published row is a total the chapter reads as the unweighted mean of the target groups."""
    return (
        study.published_total == "unweighted_mean"
        and bool(study.target_groups)
        and (row["subgroup"] if isinstance(row["subgroup"], str) else TOTAL) == TOTAL
        and row["quantity"] != "n"
    )


def _mean_note(study: ReleasedEffectStudy, row) -> str:
    """``(ongewogen gemiddelde)`` after a reproduced total that is the unweighted mean of the target groups."""
    return " (ongewogen gemiddelde)" if _unweighted_total(study, row) and pd.notna(row["reproduced"]) else ""


def _pooled_note(study: ReleasedEffectStudy, row) -> str:
    """``(toets op alle werkzoekenden samen)`` after the verdict on such a total: its test is the pooled one."""
    return (
        " (toets op alle werkzoekenden samen)"
        if _unweighted_total(study, row) and pd.notna(row["reproduced_p"])
        else ""
    )


def totals_display(study: ReleasedEffectStudy) -> Table | None:
    """The two totals over target groups for each yes/no outcome: everyone together (pooled)
    and the unweighted mean of the target groups, each with its difference, confidence interval and p
    (None without target groups; dashes where the total is suppressed)."""
    if not study.target_groups:
        return None
    rows = []
    ci = f"{fmt.confidence(study.alpha)}-BI"
    for _, r in study.total[study.total["kind"] == "proportion"].iterrows():
        cells = {"Uitkomst": outcome_label(r["outcome"], study.outflow_measure)}
        for name, (programme, control, diff, low, high, p) in {
            "Gepoold": ("value_programme", "value_control", "diff", "ci_low", "ci_high", "p_value"),
            "Ongewogen": ("um_programme", "um_control", "um_diff", "um_low", "um_high", "um_p"),
        }.items():
            shown = not r["suppressed"]  # a total not shown: neither of its two readings
            cells |= {
                f"{name}: programma": fmt.percent(r[programme], 1) if shown else SUPPRESSED,
                f"{name}: controle": fmt.percent(r[control], 1) if shown else SUPPRESSED,
                f"{name}: verschil ({ci})": f"{fmt.pp(r[diff], 1)} ({fmt.interval(r[low], r[high], 1)})"
                if shown and pd.notna(r[diff])
                else fmt.MISSING,
                f"{name}: p": fmt.p_value(r[p]).removeprefix("p = ") if shown else fmt.MISSING,
            }
        rows.append(cells)
    return Table(pd.DataFrame(rows))


def sensitivity_display(study: ReleasedEffectStudy) -> Table:
    """Per outcome (everyone): the difference and its verdict, the risk ratio with its confidence interval,
    the E-values of the estimate and of the interval's limit nearest to 1, and Rosenbaum's Γ
    (dashes where the comparison is suppressed)."""
    rows = []
    for _, r in study.total.iterrows():
        shown = not r["suppressed"]  # nothing computed from a comparison that is not shown
        ratio = fmt.number(r["rr"], 2) if shown else SUPPRESSED
        if shown and pd.notna(r["rr"]):
            ratio += f" ({fmt.interval(r['rr_low'], r['rr_high'], 2)})"
        rows.append(
            {
                "Uitkomst": outcome_label(r["outcome"], study.outflow_measure),
                "Verschil": difference_text(r["kind"])(r["diff"]),
                f"Oordeel ({fmt.level(study.alpha)})": verdict.significance(r["p_value"], study.alpha, r["p_holm"]),
                f"Risicoverhouding ({fmt.confidence(study.alpha)}-BI)": ratio,
                "E-waarde": gamma_text(r["e_value"]) if shown else fmt.MISSING,
                "E-waarde intervalgrens": gamma_text(r["e_value_limit"]) if shown else fmt.MISSING,
                "Γ": gamma_text(r["gamma"]) if shown else fmt.MISSING,
            }
        )
    return Table(pd.DataFrame(rows))


def assumptions_display(study: ReleasedEffectStudy, labels: Mapping[str, str]) -> Table | None:
    """The assumptions as a table (description, value, reason); None when there are none."""
    if study.assumptions.empty:
        return None
    rows = []
    for _, r in study.assumptions.iterrows():
        if r["suppressed"]:
            value = SUPPRESSED
        else:
            try:
                number = float(r["value"])
            except ValueError:
                value = r["value"]
            else:
                value = (
                    fmt.percent(number, 0)
                    if r["kind"] in ("proportion", RETURNED)
                    else fmt.number(number, 0 if number.is_integer() else 1)
                )
        reason = SUPPRESSED if pd.isna(r["reason"]) else r["reason"]  # withheld with a held-back value
        rows.append({"Aanname": _assumption_text(r, study.outflow_measure, labels), "Waarde": value, "Reden": reason})
    return Table(pd.DataFrame(rows))


def _assumption_text(r, outflow_measure: str, labels: Mapping[str, str]) -> str:
    """An assumption ``<quantity>_<group>[_<target group>]`` in Dutch; another its own label
    (``assumptions.csv``), or its name as it is."""
    if pd.isna(r["kind"]) or r["kind"] == RETURNED:
        return r["label"] if isinstance(r.get("label"), str) and r["label"] else r["parameter"]
    what = "Groepsgrootte" if r["quantity"] == "n" else outcome_label(r["quantity"], outflow_measure)
    where = ", elke doelgroep" if pd.isna(r["target_group"]) else f", {target_group_label(r['target_group'], labels)}"
    return f"{what} ({GROUP_LABELS[r['group']]}{where})"


def balance_display(study: ReleasedEffectStudy) -> Table:
    """Mean (share, for a category) per group and the SMD before and after matching; a share
    resting on fewer than the minimum cell size persons (or their complement) is not shown."""
    rows = []
    for _, r in study.balance.table.iterrows():
        shown = {
            g: SUPPRESSED
            if r[f"suppressed_{g}"]
            else (
                fmt.MISSING
                if pd.isna(r[f"mean_{g}"])
                else fmt.percent(100 * r[f"mean_{g}"], 1)
                if r["binary"]
                else fmt.number(r[f"mean_{g}"], 1)
            )
            for g in ("programme", "candidates", "control")
        }
        rows.append(
            {
                "Kenmerk": BALANCE_LABELS[(r["variable"], r["level"] if isinstance(r["level"], str) else None)],
                "Programmagroep": shown["programme"],
                "Kandidaten": shown["candidates"],
                "SMD vóór": smd(r["smd_before"]),
                "Controlegroep": shown["control"],
                "SMD na": smd(r["smd_after"]),
            }
        )
    return Table(pd.DataFrame(rows))
