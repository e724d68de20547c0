"""The Arnhem startfoto (AEF, 2018) checked against itself: organisation parts against totals,
the client flows of the stroomschema (balance per box, text against diagram) and the matrix of
randvoorwaarden against Bijlage A.

The inputs are the transcriptions in ``data/context/`` (contracts in
:mod:`evalbook.schemas.context`). Approximate figures carry an interval (``lower``–``upper``:
the rounding of a printed number, "±", "<", a printed range); the checks work on these
intervals: a sum of parts agrees with a total when the interval of the sum overlaps the
interval of the total. For exact counts this is the plain equality (or, for flows, out ≤ in).

The interval helpers (:func:`overlaps`, :func:`sum_agrees`) and :func:`node_depths` are also
used by the client-journey and labour-market checks. Everything here returns data (frames,
booleans); the Dutch tables and figures are in :mod:`evalbook.report.context`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..schemas.context import CHALLENGES

# -- interval arithmetic ------------------------------------------------------------------


def overlaps(a_lower: float, a_upper: float, b_lower: float, b_upper: float) -> bool:
    """Whether the intervals ``[a_lower, a_upper]`` and ``[b_lower, b_upper]`` share a value."""
    return bool(a_lower <= b_upper and b_lower <= a_upper)


def sum_agrees(parts_lower, parts_upper, total_lower: float, total_upper: float) -> bool:
    """Whether parts whose true values lie in ``[lower, upper]`` can add up to a total in
    ``[total_lower, total_upper]``: the interval of the sum overlaps that of the total."""
    return overlaps(float(sum(parts_lower)), float(sum(parts_upper)), total_lower, total_upper)


# -- diagrams -----------------------------------------------------------------------------


class CycleError(ValueError):
    """A diagram whose arrows run in a circle; ``node`` lies on the circle."""

    def __init__(self, node: str):
        super().__init__(f"the diagram has a cycle through {node!r}")
        self.node = node


def node_depths(edges) -> dict[str, int]:
    """Column of every node in a left-to-right diagram: the length of the longest path that
    reaches it from a node without inflow. Raises :class:`CycleError` on a cycle."""
    edges = list(edges)
    nodes = list(dict.fromkeys(n for e in edges for n in e))
    incoming = {n: [a for a, b in edges if b == n] for n in nodes}
    depth: dict[str, int] = {}
    visiting: set[str] = set()

    def visit(node: str) -> int:
        if node in depth:
            return depth[node]
        if node in visiting:
            raise CycleError(node)
        visiting.add(node)
        depth[node] = max((visit(a) + 1 for a in incoming[node]), default=0)
        visiting.discard(node)
        return depth[node]

    for node in nodes:
        visit(node)
    return depth


# -- organisation -------------------------------------------------------------------------


def parts_check(units: pd.DataFrame) -> pd.DataFrame:
    """Every unit with parts beside the sum of its parts' fte (rounding intervals included)."""
    rows = []
    for _, parent in units.iterrows():
        children = units[units["parent"] == parent["unit_id"]]
        if children.empty:
            continue
        rows.append(
            {
                "unit_id": parent["unit_id"],
                "unit": parent["unit"],
                "fte": float(parent["fte"]),
                "parts": len(children),
                "parts_fte": float(children["fte"].sum()),
                "agrees": sum_agrees(children["lower"], children["upper"], parent["lower"], parent["upper"]),
            }
        )
    return pd.DataFrame(rows)


def departments(units: pd.DataFrame) -> pd.DataFrame:
    """The units at department level."""
    return units[units["level"] == "afdeling"]


# -- client flows -------------------------------------------------------------------------


def placed(flows: pd.DataFrame) -> pd.DataFrame:
    """The flows the diagram's numbers could be placed on (an arrow from one box to another)."""
    return flows[flows["basis"] != "unplaced"]


def unplaced(flows: pd.DataFrame) -> pd.DataFrame:
    """The numbers of the diagram that cannot be placed on an arrow."""
    return flows[flows["basis"] == "unplaced"]


def node_totals(figures: pd.DataFrame) -> pd.DataFrame:
    """Totals printed inside a box of the diagram (``quantity = node_total``, node in ``subgroup``)."""
    return figures[figures["quantity"] == "node_total"].set_index("subgroup")


def flow_balance(flows: pd.DataFrame, totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per node of the diagram: what flows in and out (as intervals) and whether the outflow
    can fit within the inflow (``out_lower ≤ in_upper``; for exact counts: out ≤ in) and
    within a total printed in the box. A node without inflow (the start) is not checked."""
    flows = placed(flows)
    totals = totals if totals is not None else pd.DataFrame(columns=["lower", "upper", "printed"])
    rows = []
    for node in dict.fromkeys([*flows["from_node"], *flows["to_node"]]):
        into, out = flows[flows["to_node"] == node], flows[flows["from_node"] == node]
        row = {
            "node": node,
            "in_lower": into["lower"].sum(),
            "in_upper": into["upper"].sum(),
            "out_lower": out["lower"].sum(),
            "out_upper": out["upper"].sum(),
            "total": None,
            "in_flows": len(into),
            "out_flows": len(out),
        }
        consistent = True
        if len(into) and len(out):
            consistent = row["out_lower"] <= row["in_upper"]
        if node in totals.index:
            t = totals.loc[node]
            row["total"] = t["printed"]
            if len(into):
                consistent &= overlaps(row["in_lower"], row["in_upper"], t["lower"], t["upper"])
            if len(out):
                consistent &= row["out_lower"] <= t["upper"]
        row["consistent"] = bool(consistent)
        rows.append(row)
    return pd.DataFrame(rows)


def text_against_diagram(flows: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Flows the report's text states in other words, with both intervals and whether they overlap."""
    stated = flows[flows["stated_in_text"].notna()]
    text = figures.set_index("figure_id")
    rows = []
    for _, f in stated.iterrows():
        t = text.loc[f["stated_in_text"]]
        rows.append(
            {
                "flow_id": f["flow_id"],
                "from_node": f["from_node"],
                "to_node": f["to_node"],
                "diagram": f["printed"],
                "text": t["printed"],
                "section": t["section"],
                "agrees": overlaps(f["lower"], f["upper"], t["lower"], t["upper"]),
            }
        )
    return pd.DataFrame(rows)


def text_parts(figures: pd.DataFrame, parts: tuple[str, ...], total: str) -> bool:
    """Whether figures ``parts`` (figure_ids) can add up to figure ``total``."""
    f = figures.set_index("figure_id")
    return sum_agrees(
        f.loc[list(parts), "lower"], f.loc[list(parts), "upper"], f.loc[total, "lower"], f.loc[total, "upper"]
    )


# -- randvoorwaarden ----------------------------------------------------------------------


def matrix_check(matrix: pd.DataFrame, randvoorwaarden: pd.DataFrame) -> pd.Series:
    """Per matrix row: whether its rv_id is a randvoorwaarde of Bijlage A with the same text."""
    text = randvoorwaarden.set_index("rv_id")["text"].map(_plain_text)
    return pd.Series(
        [
            r in text.index and text[r] == _plain_text(label)
            for r, label in zip(matrix["rv_id"], matrix["label"], strict=True)
        ],
        index=matrix.index,
    )


def _plain_text(text: str) -> str:
    return " ".join(str(text).strip("() ").split()).lower()


# -- the chapter's checks at once ---------------------------------------------------------

CONCLUSION_TWO = (("within_year_text", "not_within_year_text"), "not_bap_count_text")  # parts, total


@dataclass(frozen=True)
class Startfoto:
    """The startfoto's checks: organisation parts (:func:`parts_check`), the totals printed in
    the diagram's boxes, the balance per box, text against diagram, whether conclusion 2's
    parts add up, and the randvoorwaarden marked for every opgave."""

    parts: pd.DataFrame
    units_fte: float  # the departments and the staff together
    totals: pd.DataFrame
    balance: pd.DataFrame
    comparison: pd.DataFrame
    conclusion_two_adds_up: bool
    marked_for_all: pd.DataFrame


def analyse(units: pd.DataFrame, figures: pd.DataFrame, flows: pd.DataFrame, matrix: pd.DataFrame) -> Startfoto:
    """Every check of the Arnhem chapter."""
    totals = node_totals(figures)
    return Startfoto(
        parts=parts_check(units),
        units_fte=float(units[units["level"].isin(("afdeling", "staf"))]["fte"].sum()),
        totals=totals,
        balance=flow_balance(flows, totals),
        comparison=text_against_diagram(flows, figures),
        conclusion_two_adds_up=text_parts(figures, *CONCLUSION_TWO),
        marked_for_all=matrix[matrix["marks"] == len(CHALLENGES)],
    )
