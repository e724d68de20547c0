"""The effect-study chapter's tables in Dutch (:class:`~evalbook.report.tables.Table`).

Each reads what the gate released (:class:`~evalbook.disclosure.effect.ReleasedEffectStudy`)
and only formats it; labels and formatters are those of :mod:`evalbook.report.effect`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..analysis.effect import GROUPS, TOTAL
from ..analysis.outcomes import BY_NAME
from ..disclosure.effect import ReleasedEffectStudy
from . import format as fmt
from . import verdict
from .effect import (
    BALANCE_LABELS,
    GROUP_LABELS,
    SUPPRESSED,
    difference_text,
    outcome_label,
    reason_text,
    reproduced_significance,
    smd_text,
    target_group_label,
    value_text,
)
from .tables import Table


def _mde(study: ReleasedEffectStudy) -> str:
    return f"MDE ({fmt.percent(100 * study.power, 0)})"


def _with_count(text: str, count) -> str:
    return text if pd.isna(count) else f"{text} ({fmt.number(count)})"


def _row_cells(r, alpha: float) -> dict:
    value = value_text(r["kind"])
    shown = {
        g: _with_count(value(r[f"value_{g}"]), r[f"k_{g}"]) if r["kind"] == "proportion" else value(r[f"value_{g}"])
        for g in GROUPS
    }
    return {
        "n programma": fmt.number(r["n_programme"]),
        "Programmagroep": shown["programme"],
        "n controle": fmt.number(r["n_control"]),
        "Controlegroep": shown["control"],
        "Verschil": difference_text(r["kind"])(r["diff"]),
        "95%-BI": fmt.interval(r["ci_low"], r["ci_high"], 1),
        "p": fmt.p_value(r["p_value"]).removeprefix("p = "),
        "p (Holm)": fmt.p_value(r["p_holm"]).removeprefix("p = "),
        "Oordeel (5%)": verdict.significance(r["p_value"], alpha),
    }


def outcome_display(study: ReleasedEffectStudy) -> Table:
    """The outcome table for everyone: n, count and percentage (or mean) per group,
    difference with 95% CI, p, Holm-adjusted p and the significance label."""
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
    (average marginal effect) with its 95% CI and p, and the minimum detectable effect."""
    rows = []
    for _, r in study.total.iterrows():
        diff = difference_text(r["kind"])
        reason = reason_text(r["reason"], study.min_events)
        rows.append(
            {
                "Uitkomst": outcome_label(r["outcome"], study.outflow_measure),
                "Verschil": diff(r["diff"]),
                "Gecorrigeerd verschil": diff(r["ame"]),
                "95%-BI (gecorrigeerd)": fmt.interval(r["ame_low"], r["ame_high"], 1),
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
    """Published beside reproduced, one row per published figure, with both significance labels."""
    significance = reproduced_significance(study.comparison, study.alpha)
    rows = []
    for i, r in study.comparison.iterrows():
        outcome = BY_NAME.get(r["quantity"])
        decimals = 0 if r["quantity"] == "n" else 1
        reproduced = (
            fmt.percent(r["reproduced"], 1)
            if outcome is not None and outcome.kind == "proportion"
            else fmt.number(r["reproduced"], decimals)
        )
        rows.append(
            {
                "Uitkomst": outcome_label(outcome.name, study.outflow_measure)
                if outcome is not None
                else "Groepsgrootte",
                "Groep": GROUP_LABELS.get(r["group"], r["group"]),
                **(
                    {"Doelgroep": target_group_label(r["subgroup"] if pd.notna(r["subgroup"]) else TOTAL, labels)}
                    if study.target_groups or study.missing
                    else {}
                ),
                "Gepubliceerd": r["printed"],
                "Gereproduceerd": reproduced,
                "Overeenkomst": r["status"],
                "Significantie rapport": verdict.SIGNIFICANCE_LABELS.get(r["significance"], "–"),
                "Significantie reproductie": verdict.SIGNIFICANCE_LABELS.get(significance[i], "–"),
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
                    if r["kind"] == "proportion"
                    else fmt.number(number, 0 if number.is_integer() else 1)
                )
        rows.append(
            {"Aanname": _assumption_text(r, study.outflow_measure, labels), "Waarde": value, "Reden": r["reason"]}
        )
    return Table(pd.DataFrame(rows))


def _assumption_text(r, outflow_measure: str, labels: Mapping[str, str]) -> str:
    """An assumption ``<quantity>_<group>[_<target group>]`` in Dutch, or its name as it is."""
    if pd.isna(r["kind"]):
        return r["parameter"]
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
                "SMD vóór": smd_text(r["smd_before"]),
                "Controlegroep": shown["control"],
                "SMD na": smd_text(r["smd_after"]),
            }
        )
    return Table(pd.DataFrame(rows))
