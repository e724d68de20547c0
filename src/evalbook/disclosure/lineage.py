"""Lineage: the cells every released figure is a function of, and the one rule that releases it.

A chapter prints more than counts: shares, differences with their intervals and p-values,
Holm-adjusted p-values, minimum detectable effects, risk ratios and E-values, Rosenbaum's Γ,
adjusted effects, NPS, comparisons with the report. Each is a function of cells, and some of
those cells no table shows: Γ of a yes/no outcome is a function of the matched pairs in which
only one of the two had the outcome; a Welch interval, a t-test, the MDE of a mean and a
regression's standard errors are functions of sums of squared deviations. A figure printed
with six significant digits can be inverted to those cells.

So every gate declares, per column of each table it releases, a :class:`Rule`: the cells the
figure in a row is a function of (keys of the chapter's count system, of its magnitude cells
such as ``("sum", ...)`` and ``("ss", ...)``, of its matched-pair systems or of its models).
The gate protects all those cells (:func:`~evalbook.disclosure.linked.protect` for counts,
:func:`~evalbook.disclosure.magnitude.protect_means` for sums and sums of squares, the model
rule for regressions) and records the outcome in a :class:`Ledger`. :func:`release_frame`
then releases a figure only when every cell of its lineage is known to the ledger and none
is hidden. A column without a rule, a row for which the rule declares nothing (``None``), or
a cell the gate never protected: the figure is not released (fail closed). A rule that
declares no cells (:data:`PUBLIC`) is for figures computed from published figures only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..analysis.published import STATUS_SUPPRESSED
from .cells import DERIVED, Suppression

Key = Hashable
Cells = Sequence[Key] | None  # None: nothing declared, the figure is not released
PUBLIC: tuple = ()  # the lineage of a figure computed from published figures only


@dataclass(frozen=True)
class Rule:
    """How one column of a released table is released: ``cells(row)`` gives the cells the
    figure in ``row`` is a function of (``None``: not declared for this row). ``own``: the
    figure *is* its first cell (a count, or a mean as its sum), so when that cell is hidden
    the figure goes for the cell's own reason; otherwise a hidden cell hides it as derived."""

    cells: Callable[[Mapping], Cells]
    own: bool = False


@dataclass(frozen=True)
class Ledger:
    """What a gate decided about every cell it protected: ``known`` (every cell protected:
    shown, unpublished or hidden) and ``hidden`` (cell → reason)."""

    known: frozenset = frozenset()
    hidden: Mapping[Key, str] = field(default_factory=dict)

    def __or__(self, other: Ledger) -> Ledger:
        return Ledger(self.known | other.known, {**self.hidden, **other.hidden})

    @classmethod
    def of(cls, cells: Iterable[Key], hidden: Mapping[Key, str]) -> Ledger:
        """A ledger of ``cells`` with the hidden ones among them (``hidden`` may hold more)."""
        cells = frozenset(cells)
        return cls(cells, {k: r for k, r in hidden.items() if k in cells})

    def withheld(self, cells: Cells, own: bool = False) -> str | None:
        """Why a figure resting on ``cells`` may not be released, or None when it may: not
        declared, or a cell unknown to the gate (:data:`~evalbook.disclosure.cells.DERIVED`),
        or a hidden cell (its own reason for the figure's ``own`` first cell, else derived)."""
        if cells is None:
            return DERIVED
        cells = list(cells)
        if any(c not in self.known for c in cells):
            return DERIVED
        if own and cells and cells[0] in self.hidden:
            return self.hidden[cells[0]]
        return DERIVED if any(c in self.hidden for c in cells) else None


def release_frame(
    raw: pd.DataFrame,
    rules: Mapping[str, Rule],
    ledger: Ledger,
    table: str,
    names: Sequence[str],
    labels: Iterable[str] = (),
) -> tuple[pd.DataFrame, list[Suppression]]:
    """``raw`` with every figure its lineage does not release set to missing, and a
    :class:`Suppression` for each value held back (``table``; ``names``: each row's name).
    ``labels`` are columns that hold no figure (keys, labels, method codes); any other column
    without a rule is held back whole."""
    out = raw.astype({c: float for c in raw.columns if pd.api.types.is_integer_dtype(raw[c].dtype)})
    labels = set(labels)
    held = []
    records = raw.to_dict("records")
    for column in raw.columns:
        if column in labels:
            continue
        rule = rules.get(column)
        for i, (index, record) in enumerate(zip(raw.index, records, strict=True)):
            if _missing(record[column]):
                continue
            reason = DERIVED if rule is None else ledger.withheld(rule.cells(record), rule.own)
            if reason is not None:
                out.at[index, column] = np.nan
                held.append(Suppression(table, names[i], column, reason))
    return out, held


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def release_comparison(
    comparison: pd.DataFrame, value: Callable[[Mapping], Cells], test: Callable[[Mapping], Cells], ledger: Ledger
) -> tuple[pd.DataFrame, list[Suppression]]:
    """A comparison of published figures with their reproduction
    (:func:`evalbook.analysis.published.side_by_side`) as it may be shown: the reproduced
    value and its status (agrees, differs) rest on ``value(row)``, the p-value of the
    comparison the report labels (``reproduced_p``, where present) on ``test(row)``; a value
    not released is missing and its status ``suppressed``."""
    rules = {"reproduced": Rule(value), "reproduced_p": Rule(test)}
    labels = [c for c in comparison.columns if c not in rules]
    out, held = release_frame(comparison, rules, ledger, "comparison", list(comparison["figure_id"]), labels)
    gone = out["reproduced"].isna() & comparison["reproduced"].notna()
    out.loc[gone, "status"] = STATUS_SUPPRESSED
    return out, held
