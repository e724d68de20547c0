"""The person-level contracts of the effect study: the register (programme and matched
control group) and the candidate pool from which the control group is matched."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from ..core.contract import Column, Contract, Rule

CANDIDATE = "candidate"


def _within_follow_up(column: str) -> Callable[[pd.DataFrame], pd.Series]:
    def check(df: pd.DataFrame) -> pd.Series:
        d = df[column]
        return d.isna() | ((d >= df["start_date"]) & (d <= df["end_date"]))

    return check


REGISTER = Contract(
    name="register",
    columns=(
        Column("person_id", "string", "a pseudonymous key, never a BSN", unique=True),
        Column("group", "string", categories=("programme", "control")),
        Column("target_group", "string", "the programme's target group", required=False, nullable=True),
        Column("sex", "string", categories=("male", "female")),
        Column("age", "int", min=15, max=70),
        Column("education", "string", categories=("low", "middle", "high", "unknown")),
        Column("benefit_months", "int", "months on benefit at the start", min=0),
        Column("start_date", "date", "start of follow-up"),
        Column("end_date", "date", "the reference date (peildatum)"),
        Column("outflow_date", "date", "the date benefit ended", nullable=True),
        Column("outflow_reason", "string", categories=("work", "other"), nullable=True),
        Column("returned_date", "date", "back on benefit after outflow", nullable=True),
        Column("parttime_months", "int", "months with part-time income during follow-up", min=0),
        Column("contacts_total", "int", min=0),
        Column("contacts_selected", "int", min=0),
        Column("no_show", "bool"),
        Column("handover", "string", categories=("matching", "mo"), nullable=True),
    ),
    rules=(
        Rule("end_date", "on or after start_date", lambda df: df["end_date"] >= df["start_date"]),
        Rule("outflow_date", "between start_date and end_date", _within_follow_up("outflow_date")),
        Rule(
            "outflow_reason",
            "filled exactly when outflow_date is filled (work or other)",
            lambda df: df["outflow_date"].isna() == df["outflow_reason"].isna(),
        ),
        Rule(
            "returned_date",
            "empty without outflow, else after outflow_date and not after end_date",
            lambda df: (
                df["returned_date"].isna()
                | ((df["returned_date"] > df["outflow_date"]) & (df["returned_date"] <= df["end_date"]))
            ),
        ),
        Rule("contacts_selected", "at most contacts_total", lambda df: df["contacts_selected"] <= df["contacts_total"]),
    ),
    required_values={"group": ("programme", "control")},
    identifiers=("person_id",),
    labels=("target_group",),
    grouping=("target_group",),
)

POOL = Contract(
    name="pool",
    columns=tuple(
        replace(c, categories=("programme", CANDIDATE), meaning="programme or candidate") if c.name == "group" else c
        for c in REGISTER.columns
    ),
    rules=REGISTER.rules,
    required_values={"group": ("programme", CANDIDATE)},
    identifiers=("person_id",),
    labels=("target_group",),
    grouping=("target_group",),
)
