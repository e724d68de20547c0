"""The attacker's linear programs, kept warm: one HiGHS model per count system, re-solved.

Secondary suppression asks the attacker of :mod:`.attacker` the same question thousands of
times: the smallest and largest value of one cell, under the same relations, with bounds
that change only where the hiding pattern changes and an objective that changes only in
which cell it names. :class:`WarmAttacker` builds the linear program once (``highspy``, the
HiGHS that ``scipy.optimize.linprog`` runs too) and re-solves it from the previous optimal
basis with the primal simplex method, which after a change of objective costs a few
iterations instead of a fresh solve with presolve and model building.

:meth:`WarmAttacker.integer_extreme` is the integer attacker: the linear optimum when it is
whole in every count (then no whole-number solution does better, and it is one), otherwise a
mixed-integer program, which may be given a limit (see there). :meth:`WarmAttacker.spread`
finds tables far apart in many cells at once: two tables consistent with everything shown
prove that the attacker cannot narrow a cell to less than their difference in it, so one
pair of linear programs can settle many cells (and when they are whole, for the integer
attacker too). A test checks all of it against :mod:`.attacker`.
"""

from __future__ import annotations

import math

import highspy
import numpy as np

from .attacker import Interval, Program, _require_feasible

INTEGRAL = 1e-7  # a count this close to a whole number is whole (HiGHS' feasibility tolerance)
OPTIMAL = highspy.HighsModelStatus.kOptimal
UNBOUNDED = (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)


class WarmAttacker:
    """The linear program of ``program`` (relations as equalities), with bounds set by
    :meth:`bounds` and one cell maximised or minimised per :meth:`extreme`. ``truth``, the
    true value of every cell (a table consistent with whatever is shown), starts a
    mixed-integer program that may be cut short."""

    def __init__(self, program: Program, truth: np.ndarray):
        self.program, self.truth = program, np.asarray(truth, dtype=float)
        n = len(program.keys)
        self.lower, self.upper = np.zeros(n), np.zeros(n)
        self.highs = self._model(integer=False)
        self.highs.setOptionValue("presolve", "off")  # a warm start needs the model as it is
        self.highs.setOptionValue("simplex_strategy", 4)  # primal: the last basis stays feasible
        self._columns = np.arange(n, dtype=np.int32)

    def _model(self, integer: bool) -> highspy.Highs:
        """A HiGHS model of the program with the current bounds (counts whole when ``integer``)."""
        n, matrix = len(self.program.keys), self.program.equalities.tocsc()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, matrix.shape[0]
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_, lp.col_upper_ = _finite(self.lower), _finite(self.upper)
        lp.row_lower_ = lp.row_upper_ = np.zeros(matrix.shape[0])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_ = matrix.indptr, matrix.indices
        lp.a_matrix_.value_ = matrix.data
        if integer:
            kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
            lp.integrality_ = [kinds[int(whole)] for whole in self.program.integer]
        model = highspy.Highs()
        model.setOptionValue("output_flag", False)
        model.passModel(lp)
        return model

    def bounds(self, lower: np.ndarray, upper: np.ndarray) -> None:
        """The bounds of every cell (``inf`` for none)."""
        self.lower, self.upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
        self.highs.changeColsBounds(len(self._columns), self._columns, _finite(self.lower), _finite(self.upper))

    def extreme(self, j: int, maximise: bool) -> tuple[float, np.ndarray | None, np.ndarray | None, bool]:
        """As :func:`evalbook.disclosure.attacker.extreme` (value, sensitivities to the lower
        and upper bounds, ``None`` when unbounded), and whether the optimum found is whole in
        every count."""
        sign = -1.0 if maximise else 1.0
        cost = np.zeros(len(self._columns))
        cost[j] = sign
        if not self._run(cost):
            return -sign * math.inf, None, None, True
        solution, basis = self.highs.getSolution(), self.highs.getBasis()
        values, dual = np.asarray(solution.col_value), np.asarray(solution.col_dual)
        status = np.array([s.value for s in basis.col_status])
        at_lower = status == highspy.HighsBasisStatus.kLower.value
        at_upper = status == highspy.HighsBasisStatus.kUpper.value
        value = sign * self.highs.getInfo().objective_function_value
        return value, sign * np.where(at_lower, dual, 0.0), sign * np.where(at_upper, dual, 0.0), self._whole(values)

    def spread(
        self, cells: list[int], integer: bool, nodes: int | None = None, seconds: float = math.inf
    ) -> list[np.ndarray]:
        """Tables consistent with the bounds and relations: with the largest and with the
        smallest sum of ``cells`` (each when bounded). When ``integer``, whole in every count:
        a linear optimum that is not becomes the best whole-number table the mixed-integer
        program finds within ``nodes`` (and the time left, ``seconds``)."""
        points = []
        for sign in (-1.0, 1.0):
            cost = np.zeros(len(self._columns))
            cost[cells] = sign
            if not self._run(cost):
                continue
            values = np.asarray(self.highs.getSolution().col_value)
            if integer and not self._whole(values):
                values = self._mip(cost, nodes, seconds)
            points.append(values)
        return points

    def integer_extreme(self, j: int, maximise: bool, nodes: int | None = None, seconds: float = math.inf) -> float:
        """The largest or smallest value of cell ``j`` in whole numbers. With a limit of
        ``nodes`` branch-and-bound nodes or ``seconds``, the best whole-number solution found
        when the limit stops the search (which starts from the true counts): no larger than the
        largest value, no smaller than the smallest, so an interval of two such values lies
        inside the attacker's, and is wide enough only when the attacker's is."""
        value, _, _, whole = self.extreme(j, maximise)
        if whole or math.isinf(value) or not self.program.integer.any():
            return value
        cost = np.zeros(len(self._columns))
        cost[j] = -1.0 if maximise else 1.0
        return float(self._mip(cost, nodes, seconds)[j])

    def interval(self, j: int, integer: bool, nodes: int | None = None, seconds: float = math.inf) -> Interval:
        """The attacker's interval for cell ``j``, in whole numbers when ``integer`` (within the
        limits of :meth:`integer_extreme`)."""
        if integer:
            return Interval(
                self.integer_extreme(j, False, nodes, seconds), self.integer_extreme(j, True, nodes, seconds)
            )
        return Interval(self.extreme(j, maximise=False)[0], self.extreme(j, maximise=True)[0])

    def _mip(self, cost: np.ndarray, nodes: int | None, seconds: float) -> np.ndarray:
        """The whole-number table minimising ``cost``, or when ``nodes`` or ``seconds`` stop the
        search first, the best one found, starting from the true counts (at worst those)."""
        model = self._model(integer=True)
        model.changeColsCost(len(cost), self._columns, cost)
        if nodes is not None:
            model.setOptionValue("mip_max_nodes", nodes)
        model.setOptionValue("time_limit", max(seconds, 1.0))
        start = highspy.HighsSolution()
        start.col_value = self.truth
        model.setSolution(start)
        model.run()
        found = model.getInfo().primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible.value
        return np.asarray(model.getSolution().col_value) if found else self.truth

    def _run(self, cost: np.ndarray) -> bool:
        """Solve with objective ``cost``: whether the optimum is finite. Raises
        :class:`~evalbook.core.errors.DisclosureError` when the bounds and relations contradict."""
        self.highs.changeColsCost(len(cost), self._columns, cost)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status in UNBOUNDED:
            if status == highspy.HighsModelStatus.kUnboundedOrInfeasible:  # without an objective: feasible or not
                self.highs.changeColsCost(len(cost), self._columns, np.zeros(len(cost)))
                self.highs.run()
                if self.highs.getModelStatus() != OPTIMAL:
                    _require_feasible(2)
            return False
        if status != OPTIMAL:
            _require_feasible(2 if status == highspy.HighsModelStatus.kInfeasible else status.value)
        return True

    def _whole(self, values: np.ndarray) -> bool:
        counts = values[self.program.integer]
        return bool(np.all(np.abs(counts - np.round(counts)) <= INTEGRAL))


def _finite(bounds: np.ndarray) -> np.ndarray:
    """Bounds as HiGHS takes them (its own infinity)."""
    return np.clip(bounds, -highspy.kHighsInf, highspy.kHighsInf)
