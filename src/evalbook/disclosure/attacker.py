"""The attacker: what a reader can derive about every count the gate did not show.

A reader of a chapter knows the structure of its figures (which totals are sums of which
parts, which outcome counts equal which others) and every published figure: a count, or an
interval for a count printed only as a rounded percentage, or an interval for a published
combination such as an unweighted mean of shares. For every cell that is not shown the
attacker computes the narrowest interval ``[low, high]`` consistent with all of that by
linear programming (``scipy.optimize.linprog``, HiGHS): minimise and maximise the cell subject
to the relations, the published values and intervals, and counts ≥ 0. With integrality
(``scipy.optimize.milp``) the attacker also knows counts are whole numbers, which is how a
unique integer solution of a system of rounded means gives a count back. A suppressed count
is protected when ``high - low >= min_cell_size`` (Hundepool et al., *Statistical Disclosure
Control*, 2012, ch. 4, on the feasibility intervals an intruder computes; Fischetti &
Salazar, *Solving the cell suppression problem on tabular data with linear constraints*,
Management Science 47, 2001, for the same attacker model).

:func:`intervals` is the attacker; :func:`leaks` audits a released system (cells with a
missing value are the suppressed ones) and lists every unshown count an attacker narrows to
an interval that is too short and reaches below the minimum. :class:`Program` and
:func:`extreme` are shared with :func:`evalbook.disclosure.linked.protect`, which uses the
attacker's dual values as cutting planes.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from ..core.errors import DisclosureError
from .policy import DEFAULT_RULES, Rules


class CountSystem(Protocol):
    """What the attacker reads of a :class:`evalbook.disclosure.linked.CountSystem` (declared
    here so that the attacker, which the linked tables use, does not import them back)."""

    cells: Mapping
    relations: tuple
    derived: frozenset

    def shown(self, suppressed: Iterable[Hashable] = ()) -> dict: ...


TOLERANCE = 1e-6  # numerical slack when comparing an interval's width with the minimum


class Interval(NamedTuple):
    """What an attacker can derive about one cell: its value lies in ``[low, high]``."""

    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low

    def protects(self, min_cell_size: int) -> bool:
        """Whether the interval is wide enough for a suppressed count."""
        return self.width >= min_cell_size - TOLERANCE


@dataclass(frozen=True)
class Program:
    """A count system as a linear program: one variable per cell (in ``keys`` order), the
    relations as equality rows ``total - sum(weight * part) = 0``, and which variables are
    whole numbers (the person counts)."""

    keys: tuple[Hashable, ...]
    index: dict
    equalities: sparse.csr_matrix
    integer: np.ndarray

    @classmethod
    def of(cls, system: CountSystem) -> Program:
        keys = tuple(system.cells)
        index = {key: i for i, key in enumerate(keys)}
        rows, cols, vals = [], [], []
        for r, relation in enumerate(system.relations):
            rows.append(r), cols.append(index[relation.total]), vals.append(1.0)
            for part, weight in zip(relation.parts, relation.weights, strict=True):
                rows.append(r), cols.append(index[part]), vals.append(-float(weight))
        matrix = sparse.coo_matrix((vals, (rows, cols)), shape=(len(system.relations), len(keys))).tocsr()
        integer = np.array([key not in system.derived for key in keys])
        return cls(keys, index, matrix, integer)


def extreme(
    program: Program, lower: np.ndarray, upper: np.ndarray, j: int, maximise: bool, integer: bool = False
) -> tuple[float, np.ndarray | None, np.ndarray | None]:
    """The largest (``maximise``) or smallest value of variable ``j`` within the bounds and the
    relations, with the sensitivities of that value to ``lower`` and ``upper`` (the dual
    values; ``None`` for an integer program or an unbounded one). Raises
    :class:`DisclosureError` when the published figures contradict each other."""
    sign = -1.0 if maximise else 1.0
    c = np.zeros(len(program.keys))
    c[j] = sign
    unbounded = math.inf * -sign
    rows = program.equalities.shape[0]
    if integer and program.integer.any():
        constraints = [LinearConstraint(program.equalities, 0, 0)] if rows else []
        res = milp(c, integrality=program.integer.astype(int), bounds=Bounds(lower, upper), constraints=constraints)
        if res.status == 0:
            return sign * res.fun, None, None
        # HiGHS may not tell unbounded from infeasible here: the relaxation does (an unbounded
        # relaxation with a whole-number solution is unbounded in whole numbers too)
        value = extreme(program, lower, upper, j, maximise)[0]
        if math.isinf(value):
            return value, None, None
        _require_feasible(2 if res.status in (2, 4) else res.status)
    res = linprog(
        c,
        A_eq=program.equalities if rows else None,
        b_eq=np.zeros(rows) if rows else None,
        bounds=np.column_stack([lower, upper]),
        method="highs",
    )
    if res.status == 3:
        return unbounded, None, None
    _require_feasible(res.status)
    # d(value)/d(bound): linprog reports the derivatives of the minimised objective c @ y
    return sign * res.fun, sign * res.lower.marginals, sign * res.upper.marginals


def _require_feasible(status: int) -> None:
    if status == 2:
        raise DisclosureError(
            "the published figures contradict each other (no counts fit them all); "
            "check the relations of the count system"
        )
    if status != 0:
        raise DisclosureError(f"the attacker's linear program did not solve (HiGHS status {status})")


def reader_bounds(system: CountSystem, suppressed: Iterable[Hashable] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Per cell (in :class:`Program` order) the bounds a reader knows: the published value or
    printed interval of a shown cell; ``[0, inf)`` for an unshown count and ``(-inf, inf)`` for
    an unshown derived figure."""
    shown = system.shown(suppressed)
    lower = np.array([shown[k][0] if k in shown else (-math.inf if k in system.derived else 0.0) for k in system.cells])
    upper = np.array([shown[k][1] if k in shown else math.inf for k in system.cells])
    return lower, upper


def intervals(
    system: CountSystem,
    suppressed: Iterable[Hashable] = (),
    cells: Iterable[Hashable] | None = None,
    integer: bool = True,
) -> dict[Hashable, Interval]:
    """The attacker's interval for each of ``cells`` (default: every cell not shown) when the
    cells in ``suppressed`` (and the system's unpublished cells) are hidden and every other
    cell is shown. ``integer``: counts are whole numbers."""
    suppressed = set(suppressed)
    program = Program.of(system)
    lower, upper = reader_bounds(system, suppressed)
    shown = system.shown(suppressed)
    targets = [k for k in system.cells if k not in shown] if cells is None else list(cells)
    out = {}
    for key in targets:
        j = program.index[key]
        low = extreme(program, lower, upper, j, maximise=False, integer=integer)[0]
        high = extreme(program, lower, upper, j, maximise=True, integer=integer)[0]
        out[key] = Interval(low, high)
    return out


def leaks(system: CountSystem, rules: Rules = DEFAULT_RULES) -> pd.DataFrame:
    """Audit of a release: every count a reader does not see (a missing value, or a cell the
    chapter never prints) whose attacker interval is narrower than ``rules.min_cell_size``
    while reaching below it. One row per leak: ``cell``, ``low``, ``high``; empty when the
    release is safe. For a chapter's released long table: ``leaks(CountSystem.from_margins(
    released, keys, totals=..., unpublished=..., printed=...))`` with the chapter's links added."""
    found = intervals(system, integer=rules.integer_attacker)
    rows = [
        {"cell": key, "low": iv.low, "high": iv.high}
        for key, iv in found.items()
        if key not in system.derived and not iv.protects(rules.min_cell_size) and iv.low < rules.min_cell_size
    ]
    return pd.DataFrame(rows, columns=["cell", "low", "high"])
