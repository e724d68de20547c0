"""What every gate shares: the record of a suppression and the figures derived after it.

Each gate (:mod:`.effect`, :mod:`.survey`, :mod:`.wwatwork`) builds the count system of its
chapter (:class:`~evalbook.disclosure.linked.CountSystem`), protects it
(:func:`~evalbook.disclosure.linked.protect`), applies the magnitude, model and curve rules,
and then derives every figure that rests on several cells from the released cells only.
What it held back it lists as :class:`Suppression` records, one per hidden value, with one of
the reason codes below; :mod:`evalbook.report.disclosure` turns the list into the chapter's
Dutch note (without telling which cell was hidden for which reason: that would give the
small cells away).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..stats.multiplicity import holm
from .linked import PRIMARY, SECONDARY

DERIVED = "derived"  # computed from a hidden cell (a difference, a p-value, a share, a published figure)
MAGNITUDE = "magnitude"  # a mean of too few persons, or dominated by one or two of them
MODEL = "model"  # a regression with too few residual degrees of freedom
CURVE = "curve"  # steps of a survival curve merged or cut off
REASONS = (PRIMARY, SECONDARY, DERIVED, MAGNITUDE, MODEL, CURVE)


@dataclass(frozen=True)
class Suppression:
    """One value the gate held back: in ``table`` (the gate's name for it), the ``row`` (its
    key as text) and ``column``, and the ``reason`` (one of :data:`REASONS`)."""

    table: str
    row: str
    column: str
    reason: str


def released_holm(p_values: pd.Series, shown: pd.Series) -> pd.Series:
    """Holm-adjusted p-values of the tests ``shown``, over the whole family, with every test
    not shown counted with p = 1: a shown adjusted p-value then depends on no hidden p-value
    (which it could otherwise equal, giving it back), and is at least the adjusted p-value of
    the full family (Holm's adjusted p-values do not decrease when a p-value grows), so the
    correction stays valid. Hidden tests are missing."""
    p = p_values.astype(float)
    tested = p.notna()
    adjusted = pd.Series(np.nan, index=p.index)
    if tested.any():
        adjusted[tested] = holm(p[tested].where(shown[tested], 1.0))
    return adjusted.where(shown & tested)


def mask(frame: pd.DataFrame, rows: pd.Series, columns: Iterable[str]) -> None:
    """Set ``columns`` (those ``frame`` has) of the ``rows`` to missing, in place."""
    columns = [c for c in columns if c in frame]
    if columns and rows.any():
        frame.loc[rows, columns] = np.nan
