"""The contracts of the coded literature scan (``data/literature/``): working principles,
the assessment matrix (programme × factor × evidence source → judgement) and WW@Work's
success factors. Every row rests on a passage that must occur in its source report.

Programmes are part keys of ``book.yml`` and sources are files in ``data/sources/``; neither
is listed here, so a new programme needs only its rows (and its part in ``book.yml``)."""

from __future__ import annotations

import pandas as pd

from ..core.contract import Column, Contract, Rule
from ..core.sources import SOURCES_DIR, quote_found, source_exists

FACTORS = ("positieve_bejegening", "professioneel_handelen", "passende_instrumenten")
EVIDENCE = ("professionals", "survey", "effect_study", "case_study")
JUDGEMENTS = ("positive", "mixed", "no_difference", "not_measured")


def _quotes_in_sources(df: pd.DataFrame) -> pd.Series:
    return pd.Series([quote_found(s, q) for s, q in zip(df["source"], df["quote"], strict=True)], index=df.index)


def _unique(*columns: str):
    return lambda df: ~df.duplicated(list(columns), keep=False)


_QUOTE_RULE = Rule(
    "quote", f"a passage that occurs verbatim in {SOURCES_DIR}/<source> (white space collapsed)", _quotes_in_sources
)
_SOURCE_RULE = Rule("source", f"a file in {SOURCES_DIR}/", lambda df: df["source"].map(source_exists).astype(bool))
_SOURCE = Column("source", "string", "the source report the passage comes from (a file in data/sources/)")
_PROGRAMME = Column("programme", "string", "the part of book.yml the row is about")
_SECTION = Column("section", "string", "chapter or section of the source report")
_QUOTE = Column("quote", "string", "the passage, verbatim")
_NOTE = Column("note", "string", "a Dutch note shown in the chapter", required=False, nullable=True)

PRINCIPLES = Contract(
    name="literature_principles",
    columns=(
        Column("factor", "string", categories=FACTORS),
        Column("principle", "string", "snake_case id of the working principle"),
        Column("label", "string", "the principle in Dutch"),
        _SOURCE,
        _SECTION,
        _QUOTE,
        Column(
            "references",
            "string",
            "citation keys the report names for it, separated by ';'",
            required=False,
            nullable=True,
        ),
        _NOTE,
    ),
    rules=(
        _SOURCE_RULE,
        _QUOTE_RULE,
        Rule("principle", "each factor, principle and source once", _unique("factor", "principle", "source")),
    ),
)

ASSESSMENT = Contract(
    name="literature_assessment",
    columns=(
        _PROGRAMME,
        Column("factor", "string", categories=FACTORS),
        Column("evidence", "string", categories=EVIDENCE),
        Column("judgement", "string", categories=JUDGEMENTS),
        _SOURCE,
        _SECTION,
        _QUOTE,
        _NOTE,
    ),
    rules=(
        _SOURCE_RULE,
        _QUOTE_RULE,
        Rule("evidence", "each programme, factor and evidence source once", _unique("programme", "factor", "evidence")),
    ),
)

SUCCESS_FACTORS = Contract(
    name="literature_success_factors",
    columns=(
        _PROGRAMME,
        Column("success_factor", "string", "snake_case id"),
        Column("label", "string", "the success factor in Dutch"),
        Column("factor", "string", "the general factor it belongs to", categories=FACTORS),
        Column("principle", "string", "the working principle (principles.csv) it belongs to"),
        _SOURCE,
        _SECTION,
        _QUOTE,
        _NOTE,
    ),
    rules=(
        _SOURCE_RULE,
        _QUOTE_RULE,
        Rule("success_factor", "each programme and success factor once", _unique("programme", "success_factor")),
    ),
)
