"""The contracts of the transcribed context figures (``data/context/``): the Arnhem startfoto
(organisation, client flows, conclusions, randvoorwaarden and their matrix) and the Rotterdam
client journey (steps and links). Every row carries the passage it transcribes."""

from __future__ import annotations

import re

import pandas as pd

from ..core.contract import Column, Contract, Rule

_SOURCED = (
    Column("source", "string", "the seed file the row comes from"),
    Column("section", "string"),
    Column("quote", "string", "the passage of the source the row transcribes"),
    Column("note", "string", nullable=True),
)


def _bounded(df: pd.DataFrame, value: str = "value") -> pd.Series:
    return (df["lower"] <= df[value]) & (df[value] <= df["upper"])


ORGANISATION = Contract(
    name="arnhem_organisation",
    columns=(
        Column("unit_id", "string", unique=True),
        Column("unit", "string", "the unit's name as printed"),
        Column("level", "string", categories=("cluster", "onderdeel", "afdeling", "staf")),
        Column("parent", "string", "the unit_id this unit belongs to", nullable=True),
        Column("fte", "float", min=0),
        Column("printed", "string"),
        Column("lower", "float", min=0),
        Column("upper", "float", min=0),
        *_SOURCED,
    ),
    rules=(
        Rule("fte", "between lower and upper", lambda df: _bounded(df, "fte")),
        Rule(
            "parent",
            "an existing unit_id, empty only for the cluster",
            lambda df: df["parent"].isin(set(df["unit_id"])) | (df["parent"].isna() & (df["level"] == "cluster")),
        ),
    ),
)

FLOW_KINDS = ("exact", "rounded", "about", "below", "range")
APPROXIMATE_KINDS = ("about", "below", "range")


def _kind_matches_printed(df: pd.DataFrame) -> pd.Series:
    printed = df["printed"].astype(str)
    implied = pd.Series("plain", index=df.index)
    implied = implied.mask(printed.str.contains(r"\d\s*[-–]\s*\d", regex=True), "range")
    implied = implied.mask(printed.str.contains("<", regex=False), "below")
    implied = implied.mask(printed.str.contains("±", regex=False), "about")
    return (implied == df["kind"]) | ((implied == "plain") & df["kind"].isin(("exact", "rounded")))


FLOWS = Contract(
    name="arnhem_flows",
    columns=(
        Column("flow_id", "string", unique=True),
        Column("from_node", "string", nullable=True),
        Column("to_node", "string", nullable=True),
        Column("value", "float", min=0),
        Column("printed", "string"),
        Column("kind", "string", categories=FLOW_KINDS),
        Column("lower", "float", min=0),
        Column("upper", "float", min=0),
        Column("basis", "string", categories=("text", "reconstructed", "unplaced")),
        Column(
            "stated_in_text", "string", "a figure_id of arnhem_figures stating the same flow in words", nullable=True
        ),
        *_SOURCED,
    ),
    rules=(
        Rule("value", "between lower and upper", _bounded),
        Rule(
            "kind", "'about' exactly when printed has '±', 'below' with '<', 'range' with 'a-b'", _kind_matches_printed
        ),
        Rule(
            "basis",
            "'unplaced' exactly when from_node and to_node are empty",
            lambda df: (df["basis"] == "unplaced") == (df["from_node"].isna() & df["to_node"].isna()),
        ),
        Rule(
            "to_node",
            "filled together with from_node, and different from it",
            lambda df: df["from_node"].isna() == df["to_node"].isna(),
        ),
        Rule(
            "to_node",
            "different from from_node",
            lambda df: df["from_node"].isna() | (df["from_node"] != df["to_node"]),
        ),
    ),
)

CONCLUSIONS = Contract(
    name="arnhem_conclusions",
    columns=(
        Column("conclusion_id", "string", unique=True),
        Column("kind", "string", categories=("conclusie", "opgave")),
        Column("number", "int", min=1),
        Column("theme", "string", nullable=True),
        Column("label", "string", nullable=True),
        *_SOURCED,
    ),
    rules=(Rule("label", "filled exactly for an opgave", lambda df: df["label"].notna() == (df["kind"] == "opgave")),),
)

RANDVOORWAARDEN = Contract(
    name="arnhem_randvoorwaarden",
    columns=(
        Column("rv_id", "string", unique=True),
        Column("part", "string", categories=("proces", "oplossingen")),
        Column("number", "int", min=1),
        Column("text", "string"),
        Column("bracketed", "bool"),
        *_SOURCED,
    ),
)

MATRIX_MARK = "X"
CHALLENGES = ("opgave_1", "opgave_2", "opgave_3", "opgave_4")


def marks_in_quote(quote: str) -> int:
    """The number of matrix marks (``X``) that end a transcribed matrix row."""
    match = re.search(rf"(\s+{MATRIX_MARK})+\s*$", str(quote))
    return 0 if match is None else match.group(0).split().count(MATRIX_MARK)


MATRIX = Contract(
    name="arnhem_matrix",
    columns=(
        Column("rv_id", "string", "a randvoorwaarde of Bijlage A", unique=True),
        Column("label", "string"),
        Column("marks", "int", min=1, max=len(CHALLENGES)),
        *(
            Column(c, "bool", "marked for this opgave; empty when the text does not say", nullable=True)
            for c in CHALLENGES
        ),
        *_SOURCED,
    ),
    rules=(
        Rule(
            "marks",
            "the number of X marks at the end of quote",
            lambda df: df["quote"].map(marks_in_quote) == df["marks"],
        ),
        Rule(
            "marks",
            "at least the number of opgaven marked true, and all four filled when marks is 4",
            lambda df: (
                (df[list(CHALLENGES)].fillna(False).astype(bool).sum(axis=1) <= df["marks"])
                & ((df["marks"] < len(CHALLENGES)) | df[list(CHALLENGES)].notna().all(axis=1))
            ),
        ),
    ),
)

JOURNEY_STEPS = Contract(
    name="rotterdam_journey_steps",
    columns=(
        Column("step_id", "string", unique=True),
        Column("organisation", "string", categories=("UWV", "WW@Work", "W&I", "MO", "uitkomst")),
        Column("label", "string"),
        Column("timing", "string", nullable=True),
        *_SOURCED,
    ),
)

JOURNEY_LINKS = Contract(
    name="rotterdam_journey_links",
    columns=(
        Column("from_step", "string"),
        Column("to_step", "string"),
        Column("condition", "string", nullable=True),
        *_SOURCED,
    ),
    rules=(Rule("to_step", "different from from_step", lambda df: df["from_step"] != df["to_step"]),),
)
