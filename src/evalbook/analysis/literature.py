"""The literature scan as data: per programme a matrix factor × evidence source → judgement,
and where the evidence sources agree with the professionals' view and where they do not.

The coded scan lives in ``data/literature/`` (contracts in :mod:`evalbook.schemas.literature`):
the general effective factors and their working principles as the reports describe them, the
assessment matrix of each programme, and programme-specific success factors. The chapter's
Dutch text is made from these results by :mod:`evalbook.report.literature`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..core.errors import ContractError
from ..schemas.literature import EVIDENCE, FACTORS

# The measured results the professionals' view is set against (the reports' central finding).
MEASURED = ("survey", "effect_study")
NOT_MEASURED = "not_measured"
# Order of the judgements that say something; "not_measured" has no rank.
RANK = {"no_difference": 0, "mixed": 1, "positive": 2}


@dataclass(frozen=True)
class Scan:
    """The coded scan: working principles, assessment matrix, success factors (validated frames)."""

    principles: pd.DataFrame
    assessment: pd.DataFrame
    success_factors: pd.DataFrame


def matrix(assessment: pd.DataFrame, programme: str) -> pd.DataFrame:
    """The programme's judgement codes: factors as rows, evidence sources as columns (in the
    order of the contract's ``FACTORS`` and ``EVIDENCE``). Every cell must be coded."""
    cells = assessment[assessment["programme"] == programme]
    grid = cells.pivot(index="factor", columns="evidence", values="judgement")
    grid = grid.reindex(index=list(FACTORS), columns=list(EVIDENCE))
    missing = [f"{f} × {e}" for f in grid.index for e in grid.columns if pd.isna(grid.loc[f, e])]
    if missing:
        raise ContractError(f"the assessment of {programme!r} lacks {len(missing)} cell(s): {', '.join(missing)}")
    return grid


@dataclass(frozen=True)
class FactorComparison:
    """How the evidence sources judge one factor, relative to the professionals' view."""

    factor: str
    professionals: str  # judgement code of the professionals' interviews
    judgements: dict  # evidence source -> judgement code, for the other sources
    agree: tuple  # sources judging as the professionals do
    less_positive: tuple  # sources judging less positively than the professionals
    more_positive: tuple  # sources judging more positively than the professionals
    not_measured: tuple  # sources without a judgement

    @property
    def measured(self) -> tuple:
        """The other sources that give a judgement."""
        return tuple(s for s, j in self.judgements.items() if j != NOT_MEASURED)

    @property
    def status(self) -> str:
        """``insufficient`` (fewer than two sources judge), ``agree`` (all judging sources
        agree), ``professionals_more_positive`` (a measured result, survey or effect study, is
        less positive than the professionals) or ``differ``."""
        judging = self.measured + (("professionals",) if self.professionals != NOT_MEASURED else ())
        if len(judging) < 2:
            return "insufficient"
        if self.professionals == NOT_MEASURED:
            return "agree" if len({self.judgements[s] for s in self.measured}) == 1 else "differ"
        if not self.less_positive and not self.more_positive:
            return "agree"
        if any(s in MEASURED for s in self.less_positive):
            return "professionals_more_positive"
        return "differ"


def factor_comparisons(grid: pd.DataFrame) -> list[FactorComparison]:
    """One :class:`FactorComparison` per factor (row) of a matrix from :func:`matrix`."""
    out = []
    for factor, row in grid.iterrows():
        prof = row["professionals"]
        others = {e: row[e] for e in grid.columns if e != "professionals"}
        judged = {e: j for e, j in others.items() if j != NOT_MEASURED}
        has_view = prof != NOT_MEASURED
        out.append(
            FactorComparison(
                factor=factor,
                professionals=prof,
                judgements=others,
                agree=tuple(e for e, j in judged.items() if has_view and j == prof),
                less_positive=tuple(e for e, j in judged.items() if has_view and RANK[j] < RANK[prof]),
                more_positive=tuple(e for e, j in judged.items() if has_view and RANK[j] > RANK[prof]),
                not_measured=tuple(e for e, j in others.items() if j == NOT_MEASURED),
            )
        )
    return out


@dataclass(frozen=True)
class ProgrammeMatrix:
    """One programme's matrix with its factor comparisons."""

    programme: str
    grid: pd.DataFrame
    comparisons: list[FactorComparison]

    @property
    def unused(self) -> tuple[str, ...]:
        """The evidence sources the programme's evaluation did not use for any factor."""
        return tuple(e for e in self.grid.columns if (self.grid[e] == NOT_MEASURED).all())

    @property
    def measured(self) -> bool:
        """Whether a survey or an effect study judges any factor."""
        return any(c.judgements[s] != NOT_MEASURED for c in self.comparisons for s in MEASURED)

    @property
    def diverging(self) -> int:
        """The number of factors on which a measured result is less positive than the professionals."""
        return sum(any(s in c.less_positive for s in MEASURED) for c in self.comparisons)

    @property
    def positive(self) -> tuple[str, ...]:
        """The factors that a measured result judges positive."""
        return tuple(c.factor for c in self.comparisons if any(c.judgements[s] == "positive" for s in MEASURED))


def analyse(assessment: pd.DataFrame, order) -> dict[str, ProgrammeMatrix]:
    """Every programme with coded cells, in the order of ``order`` (the book's parts), as
    :class:`ProgrammeMatrix`."""
    coded = set(assessment["programme"])
    result = {}
    for programme in (p for p in order if p in coded):
        grid = matrix(assessment, programme)
        result[programme] = ProgrammeMatrix(programme, grid, factor_comparisons(grid))
    return result


def scan_source(principles: pd.DataFrame) -> str:
    """The source report that describes the scan in full: the one quoting the most working
    principles (every one, in the coded data), the first in the file on a tie."""
    counts = principles.drop_duplicates(["factor", "principle", "source"])["source"].value_counts(sort=False)
    return counts.idxmax()


def principles_of(principles: pd.DataFrame, source: str) -> pd.DataFrame:
    """The working principles as quoted from ``source`` (a programme's own report) when it
    describes them, else from the report that describes the scan in full."""
    chosen = source if (principles["source"] == source).any() else scan_source(principles)
    return principles[principles["source"] == chosen]


def table(assessment: pd.DataFrame, programme: str) -> pd.DataFrame:
    """The chapter's aggregate table: the programme's coded cells with their location."""
    cells = assessment[assessment["programme"] == programme]
    return cells[["programme", "factor", "evidence", "judgement", "source", "section"]].reset_index(drop=True)
