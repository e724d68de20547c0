"""The contract of ``data/published/``: every figure as a source report prints it, with the
interval its printed form allows and the passage it comes from."""

from __future__ import annotations

from ..core.contract import Column, Contract, Rule

PUBLISHED = Contract(
    name="published",
    columns=(
        Column("figure_id", "string", unique=True),
        Column("quantity", "string"),
        Column("group", "string", categories=("programme", "control", "total"), nullable=True),
        Column("subgroup", "string", nullable=True),
        Column("value", "float"),
        Column("unit", "string", categories=("percent", "mean", "count", "grade", "pp", "fte", "ratio",
                                             "per_month", "per_week", "score", "years", "months")),
        Column("printed", "string", "the figure as printed"),
        Column("lower", "float"),
        Column("upper", "float"),
        Column("significance", "string", categories=("significant", "not_significant"), nullable=True),
        Column("source", "string", "the seed file the figure comes from"),
        Column("section", "string"),
        Column("quote", "string", "the passage of the source that contains the figure"),
        Column("note", "string", nullable=True),
    ),
    rules=(
        Rule("value", "between lower and upper", lambda df: (df["lower"] <= df["value"]) & (df["value"] <= df["upper"])),
    ),
)
