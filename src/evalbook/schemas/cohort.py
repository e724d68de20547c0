"""The contract of the WW@Work cohort (``cohort.csv``): one row per person whose WW ends."""

from __future__ import annotations

import pandas as pd

from ..core.contract import Column, Contract, Rule

REGIONS = ("noord", "zuid")
# the team's question for every client who found work: "door ons of mogelijk door ons?"
ATTRIBUTIONS = ("team", "possibly_team")


def _work_month_ok(df: pd.DataFrame) -> pd.Series:
    if "work_month" not in df:  # the column is optional
        return pd.Series(True, index=df.index)
    month = df["work_month"]
    return month.isna() | (df["found_work"].fillna(False) & (month.dt.day == 1) & (month <= df["cohort_month"]))


COHORT = Contract(
    name="cohort",
    columns=(
        Column("person_id", "string", "a pseudonymous key, never a BSN", unique=True),
        Column("cohort_month", "date", "the month the WW entitlement ends (first day of the month)"),
        Column("region", "string", categories=REGIONS),
        Column("invited", "bool", "invited to an information meeting"),
        Column("attended", "bool", "attended the information meeting"),
        Column("coached", "bool", "taken into the WW@Work caseload (individual coaching)"),
        Column("found_work", "bool", "found paid work before the WW ended; empty when unknown", nullable=True),
        Column(
            "work_month", "date", "the month the work was found (first day of the month)", required=False, nullable=True
        ),
        Column(
            "attribution",
            "string",
            "the team's classification of work found by a coached person",
            categories=ATTRIBUTIONS,
            nullable=True,
        ),
        Column("bijstand_inflow", "bool", "inflow into Bijstand within three months after the WW ended"),
        Column("predicted_inflow", "float", "UWV's predicted probability of that inflow", min=0, max=1),
    ),
    rules=(
        Rule("cohort_month", "the first day of a month", lambda df: df["cohort_month"].dt.day == 1),
        Rule("attended", "false unless invited", lambda df: ~df["attended"] | df["invited"]),
        Rule("coached", "false unless attended", lambda df: ~df["coached"] | df["attended"]),
        Rule(
            "found_work",
            "filled (true/false) for every coached person",
            lambda df: ~df["coached"] | df["found_work"].notna(),
        ),
        Rule(
            "attribution",
            "filled exactly when coached and found_work is true",
            lambda df: df["attribution"].notna() == (df["coached"] & df["found_work"].fillna(False)),
        ),
        Rule(
            "work_month",
            "empty unless found_work is true; the first day of a month, not after cohort_month",
            _work_month_ok,
        ),
    ),
    required_values={"region": REGIONS},
    identifiers=("person_id",),
    labels=("region",),
)
