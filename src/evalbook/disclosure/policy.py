"""The output-checking thresholds of the disclosure gate, in one place.

The defaults are those of a statistics office's output checking as implemented by ACRO /
SACRO (the default configuration of the ``acro`` package: ``safe_threshold`` 10,
``safe_dof_threshold`` 10, ``safe_nk_n`` 2 and ``safe_nk_k`` 0.9, ``safe_pratio_p`` 0.1,
``survival_safe_threshold`` 10, ``zeros_are_disclosive`` true) and the guidance of
Hundepool et al., *Statistical Disclosure Control* (Wiley, 2012), chapters 4 (magnitude
tables) and 5 (frequency tables). The gate's modules (:mod:`.linked`, :mod:`.attacker`,
:mod:`.magnitude`, :mod:`.curves`) all take a :class:`Rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

DEFAULT_MIN_CELL_SIZE = 10


@dataclass(frozen=True)
class Rules:
    """Thresholds of the gate.

    * ``min_cell_size``: no person count below it is shown or derivable; a suppressed count
      must keep an attacker's interval at least this wide. Also the minimum number of persons
      at risk on a curve and of events in one shown step of a curve.
    * ``zeros_disclosive``: a zero cell (nobody has the attribute) is suppressed like a small
      count.
    * ``dominance_n``, ``dominance_k``: a magnitude (a sum, or a mean) is not shown when its
      ``dominance_n`` largest contributions make up more than ``dominance_k`` of the total.
    * ``p_ratio``: nor when the contributions other than the two largest add up to less than
      ``p_ratio`` times the largest (the p% rule as ACRO states it).
    * ``min_residual_df``: a regression is shown only with at least this many residual degrees
      of freedom.
    * ``integer_attacker``: the attacker knows counts are whole numbers (tighter intervals).
    * ``objective``: what secondary suppression minimises, ``"cells"`` (the number of
      suppressed cells, then their total) or ``"count"`` (the total count suppressed).
    * ``suppression_seconds``: how long the search for secondary suppression of one chapter may
      take; beyond it the chapter stops with a message saying what to do (fewer groups, a
      larger ``min_cell_size``), rather than run for hours. The result never depends on it.
    """

    min_cell_size: int = DEFAULT_MIN_CELL_SIZE
    zeros_disclosive: bool = True
    dominance_n: int = 2
    dominance_k: float = 0.9
    p_ratio: float = 0.1
    min_residual_df: int = 10
    integer_attacker: bool = True
    objective: str = "cells"
    suppression_seconds: float = 600.0

    def __post_init__(self) -> None:
        if self.min_cell_size < 1:
            raise ValueError("min_cell_size must be at least 1")
        if self.objective not in ("cells", "count"):
            raise ValueError(f"objective must be 'cells' or 'count', not {self.objective!r}")
        if self.suppression_seconds <= 0:
            raise ValueError("suppression_seconds must be positive")

    @classmethod
    def from_parameters(cls, parameters: Mapping) -> Rules:
        """The rules a chapter runs with: every threshold named in its ``parameters`` (book.yml
        declares them, with these defaults), the defaults for the others."""
        return cls(**{f.name: parameters[f.name] for f in fields(cls) if f.name in parameters})

    def is_primary(self, count: float) -> bool:
        """Whether a person count may not be shown by itself (below the minimum, or zero)."""
        return count < self.min_cell_size and (count > 0 or self.zeros_disclosive)


DEFAULT_RULES = Rules()
