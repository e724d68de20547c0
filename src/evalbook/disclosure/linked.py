"""Linked tables: a chapter's counts as one system, and secondary suppression over it.

A chapter shows many counts that hang together: a total beside its parts (target groups,
teams, regions, months), a programme and a control group beside both together, ``k`` of
``n`` beside ``n`` (so ``n - k`` is known too), one outcome's denominator equal to another
outcome's count, and figures printed only as rounded percentages or as an unweighted mean
of shares. Hiding a small count in one place is useless when it follows from the others.

:class:`CountSystem` holds the cells (key → true count; complements are cells, so "count or
complement below the minimum" is primary suppression of a cell), the linear relations
among them (``total = sum(weight * part)``, built from margins or added as links) and how a
shown cell reaches the reader (exactly, or as the interval a rounded percentage allows).
A published combination such as an unweighted mean of shares is a *derived* cell: related
to the counts, printed with a tolerance, suppressible, never primary.

:func:`protect` is cell suppression as in Hundepool et al., *Statistical Disclosure
Control* (Wiley, 2012), ch. 4 and 5: primary suppression of every count below the minimum (and of
zeros when they are disclosive), then a set of further (secondary) cells such that, for every
primary cell, the interval an attacker derives from everything still shown
(:mod:`evalbook.disclosure.attacker`) is at least ``min_cell_size`` wide. :mod:`.search`
finds it: the cheapest such set (a mixed-integer program, solved exactly by Benders
decomposition) for a connected system with up to :data:`~evalbook.disclosure.search.BATCH`
primary cells, and in parts of that many beyond, or when the exact search takes too many
rounds (each part optimal given the earlier ones).
Whichever found it, the integer attacker checks the result before it is returned, and
:attr:`Protection.method` records which one it was.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from ..core.rounding import printed_interval
from .attacker import Interval
from .policy import DEFAULT_RULES, Rules
from .search import EXACT, MODULAR, Budget, Problem, search

Key = Hashable
PRIMARY, SECONDARY = "primary", "secondary"
STATUSES = ("yes", "no", "n")  # a proportion's cells in :func:`comparison_cells`: k, n - k, n


@dataclass(frozen=True)
class Relation:
    """``total = sum(weight * part)``: a margin, a link between outcomes, or the definition
    of a published combination."""

    total: Key
    parts: tuple[Key, ...]
    weights: tuple[float, ...]

    @property
    def members(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


def percent_bounds(percent: float, n: float, decimals: int = 1) -> tuple[float, float]:
    """The counts ``k`` of ``n`` a reader infers from ``percent`` printed with ``decimals``
    decimals: ``[n (p - h) / 100, n (p + h) / 100]`` with ``h`` half the last decimal."""
    low, high = printed_interval(percent, decimals)
    return max(0.0, n * low / 100), min(float(n), n * high / 100)


@dataclass(frozen=True)
class CountSystem:
    """The counts of a chapter and what links them.

    ``cells``: key → true value (a missing value marks a cell as not shown, for auditing a
    release with :func:`evalbook.disclosure.attacker.leaks`); ``relations``; ``derived``:
    cells that are not person counts (combinations such as means of shares); ``unpublished``:
    cells the chapter never prints (such as ``n - k``), protected but never shown;
    ``printed``: shown cells a reader sees only as an interval (a rounded percentage).
    """

    cells: Mapping[Key, float]
    relations: tuple[Relation, ...] = ()
    derived: frozenset = frozenset()
    unpublished: frozenset = frozenset()
    printed: Mapping[Key, tuple[float, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = (
            {k for r in self.relations for k in r.members}
            | set(self.derived)
            | set(self.unpublished)
            | set(self.printed)
        )
        unknown -= set(self.cells)
        if unknown:
            raise ValueError(f"relations or marks name cells not in the system: {sorted(map(str, unknown))[:5]}")
        for r in self.relations:
            values = [self.cells[k] for k in r.members]
            if any(pd.isna(v) for v in values):
                continue
            total = sum(w * v for w, v in zip(r.weights, values[1:], strict=True))
            if abs(values[0] - total) > 1e-6 * max(1.0, abs(values[0])):
                raise ValueError(
                    f"the counts do not meet the relation {r.total} = sum of {list(r.parts)} "
                    f"({values[0]} against {total})"
                )

    @classmethod
    def from_margins(
        cls,
        frame: pd.DataFrame,
        keys: Sequence[str],
        count: str = "count",
        *,
        totals: Mapping[str, Hashable] | None = None,
        unpublished: Mapping[str, Iterable] | None = None,
        printed: tuple[str, str] | None = None,
    ) -> CountSystem:
        """A system from a long frame with the ``keys`` columns and a ``count`` column.

        ``totals`` maps a key column to its total level (``{"target_group": "total",
        "arm": "total", "status": "n"}``): every cell at that level is the sum of the cells
        at the column's other levels, the rest of the key equal. A total without any of its
        parts (a mean outcome has no yes/no) is no relation; a total with only some of them
        is an error. ``unpublished`` maps a key column to levels never printed
        (``{"status": ["no"]}``). ``printed`` names two columns holding the interval a reader
        infers for a cell shown only as a rounded percentage (see :func:`percent_bounds`).
        """
        keys = list(keys)
        if frame[keys].isna().any().any():
            raise ValueError("key columns may not be missing: give the total its own level")
        cells: dict = {}
        for *key, value in frame[[*keys, count]].itertuples(index=False, name=None):
            if tuple(key) in cells:
                raise ValueError(f"cell {tuple(key)} occurs twice")
            cells[tuple(key)] = float(value) if pd.notna(value) else math.nan
        relations = []
        for column, level in (totals or {}).items():
            i = keys.index(column)
            levels = [v for v in pd.unique(frame[column]) if v != level]
            for key in [k for k in cells if k[i] == level]:
                parts = [key[:i] + (v,) + key[i + 1 :] for v in levels]
                present = [p for p in parts if p in cells]
                if present and len(present) < len(parts):
                    raise ValueError(f"total {key} misses parts {[p for p in parts if p not in cells]}")
                if present:
                    relations.append(Relation(key, tuple(present), (1.0,) * len(present)))
        hidden = frozenset(
            k for k in cells for column, levels in (unpublished or {}).items() if k[keys.index(column)] in set(levels)
        )
        shown_as = {}
        if printed:
            bounds = frame[[*keys, *printed]].dropna(subset=list(printed))
            shown_as = {
                tuple(key): (float(lo), float(hi)) for *key, lo, hi in bounds.itertuples(index=False, name=None)
            }
        return cls(cells, tuple(relations), unpublished=hidden, printed=shown_as)

    def link(self, total: Key, parts: Sequence[Key], weights: Sequence[float] | None = None) -> CountSystem:
        """The system with the relation ``total = sum(weight * part)`` added (weights 1 by default),
        e.g. ``outflow = outflow_work + outflow_other``."""
        weights = tuple(float(w) for w in (weights if weights is not None else [1.0] * len(parts)))
        if len(weights) != len(parts):
            raise ValueError("one weight per part")
        return replace(self, relations=(*self.relations, Relation(total, tuple(parts), weights)))

    def equal(self, first: Key, *others: Key) -> CountSystem:
        """The system with every one of ``others`` equal to ``first`` (the same persons counted
        in two places, e.g. the denominator of "no return after work" and the count of
        "outflow to work", or one target group's ``n`` in every outcome's row)."""
        return replace(self, relations=(*self.relations, *(Relation(o, (first,), (1.0,)) for o in others)))

    def combination(
        self, key: Key, terms: Mapping[Key, float], printed: tuple[float, float] | None = None
    ) -> CountSystem:
        """The system with a published combination ``key = sum(weight * cell)`` of its cells
        (a derived cell), shown exactly or, with ``printed``, as an interval. An unweighted
        mean of four group shares printed as 29.8 with one decimal is
        ``combination(key, {k_g: 100 / (4 * n_g)}, printed=printed_interval(29.8, 1))``; a
        group's ``n`` is taken as known to the reader (safe: the attacker knows more)."""
        values = [self.cells[k] for k in terms]
        known = not any(pd.isna(v) for v in values)
        value = sum(w * v for w, v in zip(terms.values(), values, strict=True)) if known else math.nan
        system = replace(
            self,
            cells={**self.cells, key: value},
            derived=self.derived | {key},
            printed={**self.printed, **({key: tuple(printed)} if printed else {})},
        )
        return system.link(key, list(terms), list(terms.values()))

    def printed_as(self, key: Key, low: float, high: float) -> CountSystem:
        """The system with cell ``key`` shown only as the interval ``[low, high]``."""
        return replace(self, printed={**self.printed, key: (float(low), float(high))})

    @classmethod
    def merge(cls, *systems: CountSystem) -> CountSystem:
        """One system from several (disjoint cells), e.g. two tables of one chapter, to be linked."""
        cells: dict = {}
        for s in systems:
            if set(cells) & set(s.cells):
                raise ValueError(f"systems share cells {sorted(map(str, set(cells) & set(s.cells)))[:5]}")
            cells.update(s.cells)
        return cls(
            cells,
            tuple(r for s in systems for r in s.relations),
            frozenset().union(*(s.derived for s in systems)),
            frozenset().union(*(s.unpublished for s in systems)),
            {k: v for s in systems for k, v in s.printed.items()},
        )

    def shown(self, suppressed: Iterable[Key] = ()) -> dict[Key, tuple[float, float]]:
        """What a reader sees when ``suppressed`` cells are hidden: for every shown cell the
        interval it lies in (its value twice when printed exactly)."""
        suppressed = set(suppressed)
        out = {}
        for key, value in self.cells.items():
            if key in self.unpublished or key in suppressed:
                continue
            if key in self.printed:
                out[key] = self.printed[key]
            elif pd.notna(value):
                out[key] = (value, value)
        return out

    def hide(self, keys: Iterable[Key]) -> CountSystem:
        """The system as released with ``keys`` suppressed: their values missing (and not
        printed), for auditing with :func:`evalbook.disclosure.attacker.leaks`."""
        keys = set(keys)
        return replace(
            self,
            cells={k: math.nan if k in keys else v for k, v in self.cells.items()},
            printed={k: v for k, v in self.printed.items() if k not in keys},
        )

    def restrict(self, keys: Iterable[Key]) -> CountSystem:
        """The part of the system on ``keys`` (a union of connected parts)."""
        keys = set(keys)
        return CountSystem(
            {k: v for k, v in self.cells.items() if k in keys},
            tuple(r for r in self.relations if r.total in keys),
            self.derived & keys,
            self.unpublished & keys,
            {k: v for k, v in self.printed.items() if k in keys},
        )

    def components(self) -> list[list[Key]]:
        """The connected parts of the system (cells joined by relations), in cell order."""
        parent = {k: k for k in self.cells}

        def root(k):
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for r in self.relations:
            for k in r.parts:
                parent[root(k)] = root(r.total)
        groups: dict = {}
        for k in self.cells:
            groups.setdefault(root(k), []).append(k)
        return list(groups.values())


def comparison_cells(
    table: pd.DataFrame,
    by: Sequence[str],
    groups: Sequence[str] = ("programme", "control", "total"),
) -> pd.DataFrame:
    """A comparison table (one row per outcome, columns ``n_<group>``, ``k_<group>``) as the
    long frame of :meth:`CountSystem.from_margins`: columns ``by``, ``group``, ``status``,
    ``count`` with, per row and group, ``n`` and for a proportion (``kind`` is
    ``"proportion"``, or no ``kind`` column) also ``yes`` (``k``) and ``no`` (``n - k``).
    Groups without an ``n_`` column are left out; missing values stay missing."""
    rows = []
    for record in table.to_dict("records"):
        head = {c: record[c] for c in by}
        proportion = record.get("kind", "proportion") == "proportion"
        for group in groups:
            if f"n_{group}" not in record:
                continue
            n = record[f"n_{group}"]
            if proportion and f"k_{group}" in record:
                k = record[f"k_{group}"]
                rows += [
                    head | {"group": group, "status": "yes", "count": k},
                    head | {"group": group, "status": "no", "count": n - k},
                ]
            rows.append(head | {"group": group, "status": "n", "count": n})
    frame = pd.DataFrame(rows, columns=[*by, "group", "status", "count"])
    frame["count"] = pd.to_numeric(frame["count"], errors="coerce").astype(float)
    return frame


@dataclass(frozen=True)
class Protection:
    """The outcome of :func:`protect`: every suppressed cell with its reason (``"primary"``
    or ``"secondary"``; unpublished cells appear only when primary), the attacker's interval
    for every primary cell once the suppressed cells are hidden, and the ``method`` that chose
    the secondary cells: ``"exact"`` (fewest cells) or ``"modular"`` (in parts, for a large system)."""

    suppressed: Mapping[Key, str]
    intervals: Mapping[Key, Interval]
    method: str = EXACT

    def __contains__(self, key: Key) -> bool:
        return key in self.suppressed

    def cells(self, reason: str | None = None) -> list[Key]:
        """The suppressed cells, or those suppressed for ``reason``."""
        return [k for k, r in self.suppressed.items() if reason is None or r == reason]

    def frame(self, names: Sequence[str]) -> pd.DataFrame:
        """The suppressed cells as a frame: the key split into the columns ``names``, and ``reason``."""
        return pd.DataFrame([(*k, r) for k, r in self.suppressed.items()], columns=[*names, "reason"])


def protect(
    system: CountSystem,
    rules: Rules = DEFAULT_RULES,
    *,
    primary: Iterable[Key] = (),
    weights: Mapping[Key, float] | None = None,
) -> Protection:
    """Primary suppression of every count below the minimum (and of zero counts when
    ``rules.zeros_disclosive``), plus the cells of ``primary`` (suppressed for another reason,
    e.g. a magnitude rule), then secondary suppression that leaves every primary cell an
    attacker interval of at least ``rules.min_cell_size`` (module docstring). ``weights``
    multiply the cost of hiding a cell (default 1): a chapter's headline figures weigh more, so
    that the search hides a detail rather than a headline where both protect equally. Raises
    :class:`DisclosureError` if no suppression pattern can protect them, or when the search
    takes longer than ``rules.suppression_seconds``."""
    if any(pd.isna(v) for v in system.cells.values()):
        raise ValueError("protect needs the true value of every cell")
    primaries = [k for k, v in system.cells.items() if k not in system.derived and rules.is_primary(v)]
    primaries += [k for k in primary if k not in primaries]
    suppressed = dict.fromkeys(primaries, PRIMARY)
    budget = Budget(rules.suppression_seconds, len(system.cells), len(primaries))
    method, found = EXACT, {}
    for component in system.components():
        members = set(component)
        inside = [p for p in primaries if p in members]
        if not inside:
            continue
        part = system.restrict(component)
        problem = Problem.of(part, inside, rules, weights or {})
        chosen, checked, how = search(problem, [problem.program.index[p] for p in inside], budget)
        suppressed |= dict.fromkeys((k for k, c in zip(problem.program.keys, chosen, strict=True) if c), SECONDARY)
        found |= dict(zip(inside, checked, strict=True))
        method = MODULAR if how == MODULAR else method
    return Protection(suppressed, {p: found[p] for p in primaries}, method)
