"""The contract of ``data/published/``: every figure as a source report prints it, with the
interval its printed form allows and the passage it comes from.

A row of unit ``claim`` is a statement without a number: the report calls a difference
significant (or not) but prints no figure for it. It has no ``value``, ``lower`` or
``upper``, and it must carry the report's ``significance`` label.
"""

from __future__ import annotations

import pandas as pd

from ..core.contract import Column, Contract, Rule
from ..core.vocabulary import ARMS, BOTH_ARMS

CLAIM = "claim"  # the unit of a labelled statement without a number
READINGS = ("event", "status")  # how a report defines outflow: any exit within the period, or off benefit at its end
NUMBERS = ["value", "lower", "upper"]


def _numbers_exactly_unless_claim(df: pd.DataFrame) -> pd.Series:
    """Value and bounds are all empty on a claim and all present on every other row."""
    claim = (df["unit"] == CLAIM).astype(bool)
    empty = df[NUMBERS].isna()
    return (claim & empty.all(axis=1)) | (~claim & ~empty.any(axis=1))


PUBLISHED = Contract(
    name="published",
    columns=(
        Column("figure_id", "string", unique=True),
        Column("quantity", "string"),
        Column("group", "string", categories=(*ARMS, BOTH_ARMS), nullable=True),
        Column("subgroup", "string", nullable=True),
        Column("value", "float", "empty exactly when unit is claim", nullable=True),
        Column(
            "unit",
            "string",
            categories=(
                "percent",
                "mean",
                "count",
                "grade",
                "pp",
                "fte",
                "ratio",
                "per_month",
                "per_week",
                "score",
                "years",
                "months",
                "weeks",
                "days",
                "euro",
                CLAIM,
            ),
        ),
        Column("printed", "string", "the figure (or, for a claim, the words) as printed"),
        Column("lower", "float", "empty exactly when unit is claim", nullable=True),
        Column("upper", "float", "empty exactly when unit is claim", nullable=True),
        Column("significance", "string", categories=("significant", "not_significant"), nullable=True),
        Column(
            "reading",
            "string",
            "how the report defines the quantity, where the book knows two readings (outflow: event or status); "
            "empty: as the chapter reads it",
            required=False,
            nullable=True,
            categories=READINGS,
        ),
        Column("source", "string", "the seed file the figure comes from"),
        Column("section", "string"),
        Column("quote", "string", "the passage of the source that contains the figure"),
        Column("note", "string", nullable=True),
    ),
    rules=(
        Rule(
            "value", "between lower and upper", lambda df: (df["lower"] <= df["value"]) & (df["value"] <= df["upper"])
        ),
        Rule("value", "value, lower and upper empty exactly when unit is claim", _numbers_exactly_unless_claim),
        Rule(
            "significance",
            "present when unit is claim",
            lambda df: ~(df["unit"] == CLAIM).astype(bool) | df["significance"].notna(),
        ),
    ),
)
