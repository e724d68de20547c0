"""The contract of ``assumptions.csv``: numbers an analysis needs that the reports do not
publish, each with its reason (stated once, read by the chapters that use them)."""

from __future__ import annotations

import pandas as pd

from ..core.contract import Column, Contract, Rule

ASSUMPTIONS_FILE = "assumptions.csv"
KINDS = ("number", "text")


def _numbers_are_numbers(df: pd.DataFrame) -> pd.Series:
    return (df["kind"] != "number") | pd.to_numeric(df["value"], errors="coerce").notna()


ASSUMPTIONS = Contract(
    name="assumptions",
    columns=(
        Column("programme", "string", "the part of book.yml the assumption serves, e.g. route3"),
        Column("chapter", "string", "the chapter that needs the number, e.g. effect_study"),
        Column("parameter", "string", "snake_case; for the effect study <quantity>_<group>[_<target group>]"),
        Column("label", "string", "what the parameter is, in Dutch (shown to readers)", required=False),
        Column("kind", "string", "number, or text for a rule in words", categories=KINDS),
        Column("value", "string", "a number with a decimal point (kind number) or a rule in words (kind text)"),
        Column("reason", "string", "why this value"),
    ),
    rules=(
        Rule(
            "parameter",
            "unique within programme and chapter",
            lambda df: ~df.duplicated(["programme", "chapter", "parameter"], keep=False),
        ),
        Rule("value", "a number (with a decimal point) where kind is number", _numbers_are_numbers),
    ),
    labels=("label", "value", "reason"),  # printed in the chapters that use them
)
