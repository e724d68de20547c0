"""The contracts of the coded literature scan (``data/literature/``): working principles,
the assessment matrix (programme × factor × evidence source → judgement) and WW@Work's
success factors. Every row rests on a passage that must occur in its source report."""

from __future__ import annotations

import pandas as pd

from ..core.contract import Column, Contract, Rule
from ..core.sources import SOURCES_DIR, quote_found

FACTORS = ("positieve_bejegening", "professioneel_handelen", "passende_instrumenten")
EVIDENCE = ("professionals", "survey", "effect_study", "case_study")
JUDGEMENTS = ("positive", "mixed", "no_difference", "not_measured")
PROGRAMMES = ("wgw", "route3", "wwatwork")
SOURCE_FILES = ("000_aaf9a774a8635906.txt", "002_3bc639e8ce575c13.txt", "003_562b6b645ae3643e.txt")


def _quotes_in_sources(df: pd.DataFrame) -> pd.Series:
    return pd.Series([quote_found(s, q) for s, q in zip(df["source"], df["quote"])], index=df.index)


def _unique(*columns: str):
    return lambda df: ~df.duplicated(list(columns), keep=False)


_QUOTE_RULE = Rule("quote", f"a passage that occurs verbatim in {SOURCES_DIR}/<source> (white space collapsed)",
                   _quotes_in_sources)
_SOURCE = Column("source", "string", "the source report the passage comes from", categories=SOURCE_FILES)
_SECTION = Column("section", "string", "chapter or section of the source report")
_QUOTE = Column("quote", "string", "the passage, verbatim")
_NOTE = Column("note", "string", "a Dutch note shown in the chapter", required=False, nullable=True)

PRINCIPLES = Contract(
    name="literature_principles",
    columns=(
        Column("factor", "string", categories=FACTORS),
        Column("principle", "string", "snake_case id of the working principle"),
        Column("label", "string", "the principle in Dutch"),
        _SOURCE, _SECTION, _QUOTE,
        Column("references", "string", "citation keys the report names for it, separated by ';'",
               required=False, nullable=True),
        _NOTE,
    ),
    rules=(_QUOTE_RULE,
           Rule("principle", "each factor, principle and source once", _unique("factor", "principle", "source"))),
)

ASSESSMENT = Contract(
    name="literature_assessment",
    columns=(
        Column("programme", "string", categories=PROGRAMMES),
        Column("factor", "string", categories=FACTORS),
        Column("evidence", "string", categories=EVIDENCE),
        Column("judgement", "string", categories=JUDGEMENTS),
        _SOURCE, _SECTION, _QUOTE, _NOTE,
    ),
    rules=(_QUOTE_RULE,
           Rule("evidence", "each programme, factor and evidence source once", _unique("programme", "factor", "evidence"))),
)

SUCCESS_FACTORS = Contract(
    name="literature_success_factors",
    columns=(
        Column("programme", "string", categories=PROGRAMMES),
        Column("success_factor", "string", "snake_case id"),
        Column("label", "string", "the success factor in Dutch"),
        Column("factor", "string", "the general factor it belongs to", categories=FACTORS),
        Column("principle", "string", "the working principle (principles.csv) it belongs to"),
        _SOURCE, _SECTION, _QUOTE, _NOTE,
    ),
    rules=(_QUOTE_RULE,
           Rule("success_factor", "each programme and success factor once", _unique("programme", "success_factor"))),
)
