"""The contract of ``assumptions.csv``: numbers an analysis needs that the reports do not
publish, each with its reason (stated once, read by the chapters that use them)."""

from __future__ import annotations

from ..core.contract import Column, Contract, Rule

ASSUMPTIONS_FILE = "assumptions.csv"

ASSUMPTIONS = Contract(
    name="assumptions",
    columns=(
        Column("programme", "string", categories=("wgw", "route3", "wwatwork", "context")),
        Column("chapter", "string", "the chapter that needs the number, e.g. effect_study"),
        Column("parameter", "string", "snake_case; for the effect study <quantity>_<group>[_<target group>]"),
        Column("value", "string", "a number (a rule in words where a number does not fit)"),
        Column("reason", "string", "why this value"),
    ),
    rules=(Rule("parameter", "unique within programme and chapter",
                lambda df: ~df.duplicated(["programme", "chapter", "parameter"], keep=False)),),
)
