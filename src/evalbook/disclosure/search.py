"""The search for secondary suppression in one connected count system: exact, or in parts.

**Exact** (Fischetti & Salazar, *Solving the cell suppression problem on tabular data with
linear constraints*, Management Science 47, 2001): Benders decomposition with a master
problem over "hide this cell" decisions (a mixed-integer program, HiGHS) and, per primary
cell, the attacker's two linear programs, whose dual values give a cut (a linear bound on the
attacker's interval width) whenever the width is too small. A final check by the integer
attacker adds a cut excluding the pattern when whole numbers narrow an interval further. The
pattern found hides the fewest cells (then the smallest total, or with
``Rules(objective="count")`` the smallest total count) of all patterns that protect.

**In parts** (:data:`MODULAR`), for a system with more primary cells than :data:`BATCH`, or
whose exact search has not ended after :data:`EXACT_ROUNDS` rounds (a deterministic limit: the
result does not depend on the machine's speed): the
same search for the first :data:`BATCH` primary cells (in the system's order), then for the
next ones with the cells hidden so far fixed, and so on: optimal suppression per part, in the
spirit of the way statistics offices protect large tables in parts (Hundepool et al.,
*Statistical Disclosure Control*, Wiley 2012, §4.4, on the modular approach of τ-ARGUS). The
attacker of every part sees the whole system, and hiding a cell only widens what it derives,
so a part protected stays protected when later parts hide more. A published combination of
hidden cells (an unweighted mean of shares) is hidden too: its exact value would make the
integer attacker's programs hard, and with many hidden parts it says little. The integer
attacks are cut short after :data:`NODES` branch-and-bound nodes, counting a cell as
protected only when two whole-number tables prove it. Last, the integer attacker checks every
primary cell under the whole pattern and the exact search repairs any it narrows too far. The
price: possibly more hidden cells than the exact search would hide.

The attacker's programs are re-solved warm (:class:`~evalbook.disclosure.highs.WarmAttacker`),
the master keeps its cuts between rounds, a primary cell protected under one pattern is not
checked again under a pattern that hides at least as much, and the whole search runs within
the time budget of :class:`Budget`: a long one reports its progress on standard error, one
that overruns stops with a :class:`~evalbook.core.errors.DisclosureError` saying what to do.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

import highspy
import numpy as np

from ..core.errors import DisclosureError
from .attacker import Interval, Program, reader_bounds
from .highs import WarmAttacker
from .policy import Rules

EXACT, MODULAR = "exact", "modular"  # how a system was protected (:attr:`Protection.method`)
BATCH = 25  # primary cells searched together; a connected system with no more is solved exactly
EXACT_ROUNDS = 50  # rounds of the exact search before a system is solved in parts instead
NODES = 2000  # branch-and-bound nodes of one integer attack when solving in parts (see WarmAttacker)
MAX_ROUNDS = 500  # rounds of one part, and repairs, before giving up
PROGRESS_AFTER = 10.0  # seconds of search before a progress line, and between two


@dataclass
class Budget:
    """The time one protection may take (``rules.suppression_seconds``), and its progress line.

    ``cells`` and ``primaries`` describe the whole system, for the messages; the search keeps
    ``done`` (primary cells behind it) and ``round`` (of the current part) up to date."""

    seconds: float
    cells: int
    primaries: int
    done: int = 0
    round: int = 0
    start: float = field(default_factory=time.monotonic)
    reported: float = 0.0

    def left(self) -> float:
        return self.seconds - (time.monotonic() - self.start)

    def check(self) -> None:
        """Stop when the budget is spent; report progress now and then."""
        spent = time.monotonic() - self.start
        if spent > self.seconds:
            raise DisclosureError(
                f"secondary suppression of this chapter's {self.cells} linked counts ({self.primaries} of them "
                f"below the minimum cell size) did not finish within {self.seconds:g} s "
                f"({self.done} of the {self.primaries} done). Show fewer groups (fewer target groups, teams "
                "or months), raise the minimum cell size (-p min_cell_size 15: fewer, larger groups are shown), "
                f"or allow more time (-p suppression_seconds {2 * self.seconds:g})"
            )
        if spent - self.reported >= PROGRESS_AFTER:
            self.reported = spent
            progress(
                f"  suppression: {self.cells} cells, {self.primaries} below the minimum, "
                f"{self.done} done, round {self.round}, {spent:.0f} s"
            )


def progress(line: str) -> None:
    """Write ``line`` to the terminal: the process's own standard error, also from a Jupyter
    kernel (whose ``sys.stderr`` would put it in the chapter; its ``fileno`` is the original)."""
    try:
        os.write(sys.stderr.fileno(), (line + "\n").encode())
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's captured stream)
        sys.stderr.write(line + "\n")


@dataclass
class Problem:
    """One connected count system as the search sees it: per cell (in :class:`Program`
    order) its bounds when shown and when hidden, whether it may still be hidden (``free``: a
    shown cell no part has hidden yet) and what hiding it costs; cells that are not free are
    hidden (primary and unpublished cells, and the ``fixed`` ones an earlier part hid)."""

    program: Program
    attacker: WarmAttacker
    free: np.ndarray
    cost: np.ndarray
    lo_shown: np.ndarray
    hi_shown: np.ndarray
    lo_hidden: np.ndarray
    hi_hidden: np.ndarray
    reader: tuple[np.ndarray, np.ndarray]  # the attacker's own bounds with the primary cells hidden
    fixed: np.ndarray  # hidden by an earlier part
    derived: list[tuple[int, np.ndarray]]  # a published combination and the cells it combines
    min_cell_size: int
    integer: bool
    nodes: int | None = None  # branch-and-bound nodes of one integer attack (None: no limit)
    budget: Budget | None = None  # the time the search may take (set by :func:`search`)

    @classmethod
    def of(cls, system, primaries: list[Hashable], rules: Rules, weights: Mapping) -> Problem:
        """The search over ``system`` (one connected part) for ``primaries`` under ``rules``,
        hiding a cell costing its ``weights`` (default 1) times :func:`_cost`."""
        program = Program.of(system)
        keys, m = program.keys, rules.min_cell_size
        values = np.array([system.cells[k] for k in keys])
        shown = system.shown()
        primary = np.isin(np.arange(len(keys)), [program.index[p] for p in primaries])
        free = np.array([k in shown for k in keys]) & ~primary  # the decisions: shown cells that may be hidden
        lo_shown = np.array([shown.get(k, (v, v))[0] for k, v in zip(keys, values, strict=True)])
        hi_shown = np.array([shown.get(k, (v, v))[1] for k, v in zip(keys, values, strict=True)])
        # Bounds of a hidden cell: a count lies in [0, big], a derived figure within its weights * big
        # of its value. A finite big only narrows the attacker, so the search errs on the safe side.
        big = np.full(len(keys), np.abs(values[program.integer]).sum() + m)
        for r in system.relations:
            if r.total in system.derived:
                big[program.index[r.total]] *= max(1.0, sum(abs(w) for w in r.weights))
        cost = _cost(values, program.integer, free, rules.objective) * np.array([weights.get(k, 1.0) for k in keys])
        derived = [
            (program.index[r.total], np.array([program.index[k] for k in r.parts]))
            for r in system.relations
            if r.total in system.derived
        ]
        return cls(
            program=program,
            attacker=WarmAttacker(program, values),
            free=free,
            cost=cost,
            lo_shown=lo_shown,
            hi_shown=hi_shown,
            lo_hidden=np.where(program.integer, 0.0, values - big),
            hi_hidden=values + big,
            reader=reader_bounds(system, primaries),
            fixed=np.zeros(len(keys), dtype=bool),
            derived=derived,
            min_cell_size=m,
            integer=rules.integer_attacker,
        )

    def fix(self, cells: np.ndarray) -> None:
        """Hide ``cells`` (a boolean mask) for good: an earlier part chose them."""
        self.fixed |= cells
        self.free &= ~cells

    def combining(self, hidden: np.ndarray) -> np.ndarray:
        """The free published combinations (derived cells) of which a ``hidden`` cell is a part."""
        out = np.zeros(len(self.free), dtype=bool)
        for total, parts in self.derived:
            out[total] = self.free[total] and bool(hidden[parts].any())
        return out

    def width(self, j: int) -> tuple[float, np.ndarray, np.ndarray]:
        """The attacker's interval width for cell ``j`` under the pattern set last, with its
        sensitivities to the lower and upper bounds (see :func:`evalbook.disclosure.attacker.extreme`)."""
        high, d_low_hi, d_up_hi, _ = self.attacker.extreme(j, maximise=True)
        low, d_low_lo, d_up_lo, _ = self.attacker.extreme(j, maximise=False)
        return high - low, (d_low_hi - d_low_lo), (d_up_hi - d_up_lo)

    def set_pattern(self, hidden: np.ndarray) -> None:
        """The search's bounds with the ``hidden`` cells hidden."""
        self.attacker.bounds(
            np.where(hidden, self.lo_hidden, self.lo_shown), np.where(hidden, self.hi_hidden, self.hi_shown)
        )

    def show(self, hidden: np.ndarray) -> None:
        """The reader's own bounds (counts from zero up, unbounded) with the ``hidden`` free
        cells hidden too."""
        hide = (hidden & self.free) | self.fixed
        lower, upper = self.reader
        self.attacker.bounds(
            np.where(hide, np.where(self.program.integer, 0.0, -np.inf), lower), np.where(hide, np.inf, upper)
        )

    def integer_check(self, cells: list[int], hidden: np.ndarray) -> bool:
        """Whether every one of ``cells`` keeps a wide enough interval when the ``hidden`` free
        cells are hidden too (:meth:`show`)."""
        self.show(hidden)
        return all(iv.protects(self.min_cell_size) for iv in self.intervals(cells, exact=False))

    def intervals(self, cells: list[int], exact: bool) -> list[Interval]:
        """The attacker's interval (integer if the rules say so) for each of ``cells`` under the
        bounds set last; unless ``exact``, for a cell that tables far apart protect the
        interval they span (inside the attacker's, and wide enough)."""
        left, points = (cells, self.attacker.truth[None, :]) if exact else self.certify(cells, self.integer)
        low, high, todo, out = points.min(axis=0), points.max(axis=0), set(left), []
        for j in cells:
            if j in todo:
                self.budget.check()
                out.append(self.attacker.interval(j, self.integer, self.nodes, self.budget.left()))
            else:
                out.append(Interval(low[j], high[j]))
        return out

    def certify(self, cells: list[int], integer: bool) -> tuple[list[int], np.ndarray]:
        """The cells of ``cells`` that tables far apart (:meth:`WarmAttacker.spread`, whole when
        ``integer``) do not prove protected, and those tables (the true one
        first). Stops when a further pair of tables proves fewer than two more cells."""
        points, left = [self.attacker.truth], list(cells)
        while left:
            points += self.attacker.spread(left, integer, self.nodes, self.budget.left())
            table = np.array(points)
            wide = table.max(axis=0) - table.min(axis=0) >= self.min_cell_size - 1e-6
            still = [j for j in left if not wide[j]]
            if len(left) - len(still) < 2:
                return still, table
            left = still
        return left, np.array(points)


def search(problem: Problem, primaries: list[int], budget: Budget) -> tuple[np.ndarray, list[Interval], str]:
    """The cells to hide (a boolean mask) so that every cell of ``primaries`` (indices) is
    protected, the attacker's interval for each of ``primaries`` once they are hidden, and the
    method: exact when there are at most :data:`BATCH` and the exact search ends within
    :data:`EXACT_ROUNDS` rounds, else in parts (module docstring)."""
    problem.budget = budget
    chosen = _benders(problem, primaries, budget, EXACT_ROUNDS) if len(primaries) <= BATCH else None
    method = EXACT if chosen is not None else MODULAR
    if chosen is None:
        problem.nodes = NODES
        chosen = problem.combining(~problem.free)
        problem.fix(chosen)
        problem.set_pattern(~problem.free)
        left, _ = problem.certify(primaries, integer=False)  # protected by the other hidden cells already
        for start in range(0, len(left), BATCH):
            found = _solved(problem, left[start : start + BATCH], budget, whole=False)
            problem.fix(found | problem.combining(found | problem.fixed))
            chosen |= problem.fixed
    problem.fix(chosen)
    budget.done += len(primaries)
    for _ in range(MAX_ROUNDS):  # the integer attacker's check of the whole, and its repair
        problem.show(chosen)
        found = problem.intervals(primaries, exact=method == EXACT)
        failing = [j for j, iv in zip(primaries, found, strict=True) if not iv.protects(problem.min_cell_size)]
        if not failing:
            return chosen, found, method
        problem.fix(_solved(problem, failing, budget, whole=True))
        chosen |= problem.fixed
    raise DisclosureError(f"no secondary suppression found within {MAX_ROUNDS} repairs")


def _solved(problem: Problem, primaries: list[int], budget: Budget, whole: bool) -> np.ndarray:
    """:func:`_benders` within :data:`MAX_ROUNDS` rounds, or an error."""
    found = _benders(problem, primaries, budget, MAX_ROUNDS, whole)
    if found is None:
        raise DisclosureError(f"no secondary suppression found within {MAX_ROUNDS} rounds")
    return found


def _benders(
    problem: Problem, primaries: list[int], budget: Budget, limit: int, whole: bool = True
) -> np.ndarray | None:
    """The cheapest free cells to hide so that ``primaries`` are protected, the fixed cells
    hidden; ``None`` when ``limit`` rounds do not find them. Without ``whole``, protected from
    the linear attacker only (the integer attacker's check follows later)."""
    p, m = problem, problem.min_cell_size
    master = Master(p.cost[p.free])
    for row in _relation_cuts(p, primaries):
        master.cut(row[p.free], 1.0)
    # Hiding a cell only widens its bounds, so a primary protected under one pattern is
    # protected under every pattern that hides at least the same cells: skip its programs then.
    widening = bool(np.all(p.lo_hidden <= p.lo_shown) and np.all(p.hi_hidden >= p.hi_shown))
    protected_under: dict[int, list[np.ndarray]] = {j: [] for j in primaries}
    for rounds in range(1, limit + 1):
        budget.round = rounds
        budget.check()
        x = np.zeros(len(p.free), dtype=bool)
        x[p.free] = master.solve(budget.left())
        hidden = x | ~p.free
        p.set_pattern(hidden)
        added = False
        todo = [j for j in primaries if not (widening and any(np.all(hidden >= b) for b in protected_under[j]))]
        left, _ = p.certify(todo, integer=False)
        for j in todo:
            if j not in left:
                protected_under[j].append(hidden)
                continue
            budget.check()
            width, d_low, d_up = p.width(j)
            if width >= m - 1e-6:
                protected_under[j].append(hidden)
                continue
            # width(x) <= width(x') + g @ (x - x'), from the duals (value functions are concave/convex)
            g = d_up * (p.hi_hidden - p.hi_shown) + d_low * (p.lo_hidden - p.lo_shown)
            g = np.where(p.free & (np.abs(g) > 1e-9), g, 0.0)
            master.cut(g[p.free], m - width + g @ x)
            added = True
        if added:
            continue
        if not whole or p.integer_check(primaries, x):
            return x
        master.cut((p.free & ~x)[p.free].astype(float), 1.0)  # whole numbers narrow it: hide at least one more cell
    return None


def _cost(values: np.ndarray, integer: np.ndarray, free: np.ndarray, objective: str) -> np.ndarray:
    """Cost of hiding each free cell: one per cell plus a tie-break by size (``"cells"``), or the
    count itself plus a tie-break per cell (``"count"``; a derived figure costs one)."""
    size = np.where(integer, np.abs(values), 0.0)
    if objective == "cells":
        cost = 1.0 + size / (size.sum() + 1.0)
    else:
        cost = np.where(integer, size, 1.0) + 1.0 / (len(values) + 1.0)
    return np.where(free, cost, 0.0)


def _relation_cuts(problem: Problem, primaries: list[int]) -> list[np.ndarray]:
    """Starting cuts: a relation whose other cells are all shown exactly gives a primary cell
    back, so at least one of those cells must be hidden."""
    p, rows, wanted = problem, [], set(primaries)
    matrix = p.program.equalities.tocsr()
    exact = p.free & (p.lo_shown == p.hi_shown)
    for r in np.unique(p.program.equalities[:, primaries].nonzero()[0]):  # the relations of these cells, in order
        members = matrix.indices[matrix.indptr[r] : matrix.indptr[r + 1]]
        for j in [j for j in members if j in wanted]:
            others = members[members != j]
            if len(others) and exact[others].all():
                row = np.zeros(len(p.free))
                row[others] = 1.0
                rows.append(row)
    return rows


class Master:
    """The master problem: the cheapest hiding pattern (binary per free cell) meeting every
    cut ``g @ x >= rhs`` so far; one HiGHS model, cuts added as rows."""

    def __init__(self, cost: np.ndarray):
        n = self.size = len(cost)
        self.unmet = False  # a cut no free cell can meet
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.addVars(n, np.zeros(n), np.ones(n))
        self.highs.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
        self.highs.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger))

    def cut(self, g: np.ndarray, rhs: float) -> None:
        nonzero = np.flatnonzero(g).astype(np.int32)
        self.unmet |= not len(nonzero) and rhs > 0
        self.highs.addRow(rhs, highspy.kHighsInf, len(nonzero), nonzero, g[nonzero])

    def solve(self, seconds: float) -> np.ndarray:
        """The pattern (within ``seconds``; hide everything when they run out, the budget stops the search)."""
        if not self.size and not self.unmet:
            return np.zeros(0, dtype=bool)
        self.highs.setOptionValue("time_limit", max(seconds, 1.0))
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kTimeLimit:
            return np.ones(self.size, dtype=bool)
        if self.unmet or status != highspy.HighsModelStatus.kOptimal:
            raise DisclosureError("no secondary suppression can protect the suppressed counts")
        return np.asarray(self.highs.getSolution().col_value) > 0.5
