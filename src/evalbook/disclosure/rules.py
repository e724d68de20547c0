"""The last line of the gate: checks on what a chapter saves and glues.

The gates (:mod:`.effect`, :mod:`.survey`, :mod:`.wwatwork`) decide what may be shown, with
linked-table protection (:mod:`.linked`) and the thresholds of :mod:`.policy`. The book then
refuses, as a safety net, to save a table (:func:`check_table`) or glue a number
(:func:`require_safe`, called by :meth:`evalbook.book.chapter.Chapter.glue`) that names a
person count below the minimum cell size: a gate that let one through is a bug.
"""

from __future__ import annotations

import re

import pandas as pd

from ..core.errors import DisclosureError

DEFAULT_MIN_CELL_SIZE = 10
# Columns of a saved table (and names of glued values) that hold person counts.
COUNT_NAME = re.compile(r"^(n|k|count)(_.*)?$|_(n|count)$")


def is_safe_count(count, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> bool:
    """Whether a person count may be shown by itself (zero counts are never safe either: they single out)."""
    return pd.notna(count) and int(count) >= min_cell_size


def require_safe(count, min_cell_size: int = DEFAULT_MIN_CELL_SIZE, what: str = "count") -> int:
    """``count`` as an int, or :class:`DisclosureError` if it may not be shown."""
    if not is_safe_count(count, min_cell_size):
        raise DisclosureError(f"{what} below the minimum cell size {min_cell_size} may not be published")
    return int(count)


def is_count_name(name: str) -> bool:
    """Whether a table column or glued value named ``name`` holds a person count."""
    return bool(COUNT_NAME.search(str(name)))


def check_table(table: pd.DataFrame, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> None:
    """Raise :class:`DisclosureError` when a count column (see :data:`COUNT_NAME`) of a table
    about to be saved holds a value below the minimum; suppressed (missing) cells pass."""
    for column in filter(is_count_name, table.columns):
        values = pd.to_numeric(table[column], errors="coerce").dropna()
        small = values[values < min_cell_size]
        if len(small):
            raise DisclosureError(
                f"column '{column}' holds counts below the minimum cell size {min_cell_size} "
                f"(rows {', '.join(map(str, small.index[:5]))}): the gate (evalbook.disclosure) let them through"
            )
