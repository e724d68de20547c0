"""The last line of the gate: checks on what a chapter saves and glues.

The gates (:mod:`.effect`, :mod:`.survey`, :mod:`.wwatwork`) decide what may be shown, with
linked-table protection (:mod:`.linked`) and the thresholds of :mod:`.policy`. The book then
refuses, as a safety net, to save a table (:func:`check_table`) or glue a number
(:func:`require_safe`, called by :meth:`evalbook.book.chapter.Chapter.glue`) that names a
person count the same :class:`~.policy.Rules` call primary (below the minimum cell size, or
zero where zeros are disclosive): a gate that let one through is a bug. The net and the gate
read one set of rules, so ``-p zeros_disclosive false`` lets a zero through both.
"""

from __future__ import annotations

import re

import pandas as pd

from ..core.errors import DisclosureError
from .policy import DEFAULT_MIN_CELL_SIZE, DEFAULT_RULES, Rules

__all__ = ["COUNT_NAME", "DEFAULT_MIN_CELL_SIZE", "check_table", "is_count_name", "is_safe_count", "require_safe"]

# Columns of a saved table (and names of glued values) that hold person counts.
COUNT_NAME = re.compile(r"^(n|k|count)(_.*)?$|_(n|count)$")


def is_safe_count(count, rules: Rules = DEFAULT_RULES) -> bool:
    """Whether a person count may be shown by itself under ``rules`` (a missing count is not)."""
    return bool(pd.notna(count)) and not rules.is_primary(int(count))


def _unsafe(rules: Rules) -> str:
    zeros = " (or zero)" if rules.zeros_disclosive else ""
    return f"below the minimum cell size {rules.min_cell_size}{zeros}"


def require_safe(count, rules: Rules = DEFAULT_RULES, what: str = "count") -> int:
    """``count`` as an int, or :class:`DisclosureError` if ``rules`` do not let it be shown."""
    if not is_safe_count(count, rules):
        raise DisclosureError(f"{what} {_unsafe(rules)} may not be published")
    return int(count)


def is_count_name(name: str) -> bool:
    """Whether a table column or glued value named ``name`` holds a person count."""
    return bool(COUNT_NAME.search(str(name)))


def check_table(table: pd.DataFrame, rules: Rules = DEFAULT_RULES) -> None:
    """Raise :class:`DisclosureError` when a count column (see :data:`COUNT_NAME`) of a table
    about to be saved holds a value ``rules`` call primary; suppressed (missing) cells pass."""
    for column in filter(is_count_name, table.columns):
        values = pd.to_numeric(table[column], errors="coerce").dropna()
        small = values[[rules.is_primary(v) for v in values]]
        if len(small):
            raise DisclosureError(
                f"column '{column}' holds counts {_unsafe(rules)} "
                f"(rows {', '.join(map(str, small.index[:5]))}): the gate (evalbook.disclosure) let them through"
            )
