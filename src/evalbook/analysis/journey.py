"""The Rotterdam client journey from WW to Bijstand (casestudy Rotterdam Zuid, Bijlage 1):
whether the transcribed steps and links form one diagram, and which quantities the report
states more than once with values that cannot both be true.

Results are data (:class:`Problem` records, a frame of disagreements); the Dutch text and the
flow chart are in :mod:`evalbook.report.context` and :mod:`evalbook.report.diagrams`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .arnhem import CycleError, node_depths

UNKNOWN_STEP = "unknown_step"  # a link names a step that is not in the steps file
UNLINKED_STEP = "unlinked_step"  # a step no link reaches or leaves
CYCLE = "cycle"  # the links run in a circle through the step


@dataclass(frozen=True)
class Problem:
    """One way the journey's transcription does not hold together."""

    kind: str  # UNKNOWN_STEP, UNLINKED_STEP or CYCLE
    step: str


def check(steps: pd.DataFrame, links: pd.DataFrame) -> list[Problem]:
    """Problems with the journey's transcription: links to unknown steps, steps without links, a cycle."""
    known = set(steps["step_id"])
    named = dict.fromkeys([*links["from_step"], *links["to_step"]])
    problems = [Problem(UNKNOWN_STEP, s) for s in named if s not in known]
    problems += [Problem(UNLINKED_STEP, s) for s in steps["step_id"] if s not in named]
    try:
        node_depths(zip(links["from_step"], links["to_step"], strict=True))
    except CycleError as cycle:
        problems.append(Problem(CYCLE, cycle.node))
    return problems


def disagreements(figures: pd.DataFrame) -> pd.DataFrame:
    """Quantities the report states more than once whose intervals have no value in common:
    one row per quantity with the statements as printed and where they stand."""
    rows = []
    keyed = figures.assign(subgroup=figures["subgroup"].fillna(""))
    for (quantity, unit, _), group in keyed.groupby(["quantity", "unit", "subgroup"], sort=False):
        if len(group) > 1 and group["lower"].max() > group["upper"].min():
            rows.append(
                {
                    "quantity": quantity,
                    "unit": unit,
                    "statements": len(group),
                    "printed": list(group["printed"]),
                    "sections": list(group["section"]),
                }
            )
    return pd.DataFrame(rows, columns=["quantity", "unit", "statements", "printed", "sections"])
