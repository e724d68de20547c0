"""The effect study's counts as one linked system: everything a reader of the chapter can
combine (:func:`effect_system`).

Cells (key → true count), per target group (``TOTAL`` for everyone) and arm:

* ``("n", scope, arm)``: the persons, the denominator of every outcome measured on everyone;
  an outcome measured among the "yes" of another (no return after work, among those who
  went to work) has that count as its denominator;
* ``("k", scope, outcome, arm)`` and its complement ``("no", scope, outcome, arm)`` (never
  printed, protected like any count) with ``k + no = n``;
* the totals as sums of the target groups (with an unpublished rest for persons outside
  every target group);
* the set arithmetic of the outcomes a reader knows from their definitions, through
  unpublished cells ``("x", scope, name, arm)``: outflow is outflow to work plus for other
  reasons (event reading) or their non-returning part (status reading); active is work or
  part-time work (work only, part-time only, both); the two hand-overs exclude each other;
* outflow in the reading not chosen (``k_<arm>_alt``): ``("k_alt", scope, "outflow", arm)``,
  the status reading being the event reading minus those who came back;
* Route 3's unweighted means of the target groups' shares: as printed in the comparison
  with the report (one decimal), ``("mean", outcome, arm)``, and as the outcome table gives
  them (``um_<arm>``, exact), ``("um", outcome, arm)`` (derived cells);
* the balance table's shares (printed with one decimal, as good as counts here):
  ``("bal", variable, level, group)`` with their complements and, for education, the levels
  adding up to the group;
* what the curves of time to outflow and the log-rank test rest on (:func:`event_counts`):
  per arm the persons who left within the window (the outflow count of the event reading
  where the table has it, else ``("events", arm)``) with its complement, and per exit route
  its count (the outcome's count where the table has it, else ``("events", arm, cause)``),
  the routes and an unpublished rest adding up to all who left.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

import pandas as pd

from ..analysis.effect import GROUPS, TOTAL, EffectStudy
from ..analysis.outcomes import BY_NAME
from ..core.rounding import printed_interval, round_half_up
from .curves import curve_events
from .linked import CountSystem, Relation

BALANCE_GROUPS = ("programme", "candidates", "control")
MEAN_DECIMALS = 1  # the comparison prints a reproduced share with one decimal


@dataclass
class EffectCells:
    """The count system of an effect study and where each table cell lies in it; ``events``:
    per arm the cells the curves and the log-rank test rest on (:func:`event_counts`)."""

    system: CountSystem
    scopes: list
    where: dict = field(default_factory=dict)  # (scope, outcome | None, arm, "n" | "k") -> key
    events: dict = field(default_factory=dict)  # arm -> (events, no events, *per cause)

    def at(self, scope, outcome, arm: str, what: str) -> Hashable:
        """The key of a table cell: ``what`` ``"n"`` (``outcome`` None: the persons) or ``"k"``."""
        return self.where.get((scope, outcome, arm, what), ("absent", scope, outcome, arm, what))

    def balance(self, variable, level, group: str) -> Hashable:
        """The key of a share of the balance table."""
        return ("bal", variable, level if isinstance(level, str) else None, group)

    def balance_size(self, group: str, n) -> Hashable:
        """The key of the balance table's size ``n`` of ``group``: the arm's persons where they are the same."""
        same = ("n", TOTAL, group)
        return same if self.system.cells.get(same) == n else ("bal_n", group)


class _Builder:
    """Collects cells and relations, checking each relation against the true counts (a
    relation the data do not meet is a misreading of the outcomes, not something to publish)."""

    def __init__(self):
        self.cells: dict = {}
        self.relations: list[Relation] = []
        self.unpublished: set = set()

    def cell(self, key, value, unpublished: bool = False):
        self.cells[key] = float(value)
        if unpublished:
            self.unpublished.add(key)
        return key

    def relate(self, total, parts, weights=None) -> None:
        weights = tuple(weights or [1.0] * len(parts))
        self.relations.append(Relation(total, tuple(parts), weights))

    def rest(self, key, total, parts) -> None:
        """``total = sum(parts)`` plus an unpublished rest ``key`` where the data leave one."""
        left = self.cells[total] - sum(self.cells[p] for p in parts)
        if left < 0:
            return
        if left:
            parts = [*parts, self.cell(key, left, unpublished=True)]
        self.relate(total, parts)

    def split(self, scope, arm, name: str, whole, known) -> Hashable | None:
        """An unpublished cell ``x = whole - sum(known)`` (when not negative) with the relation."""
        value = self.cells[whole] - sum(self.cells[k] for k in known)
        if value < 0:
            return None
        x = self.cell(("x", scope, name, arm), value, unpublished=True)
        self.relate(whole, [*known, x])
        return x


def effect_system(study: EffectStudy) -> EffectCells:
    """The count system of ``study`` (module docstring)."""
    table = study.table
    b = _Builder()
    rows = table.set_index(["target_group", "outcome"])
    scopes = list(dict.fromkeys(table["target_group"]))
    outcomes = list(dict.fromkeys(table["outcome"]))
    where = {}
    for scope in scopes:
        for arm in GROUPS:
            everyone = b.cell(("n", scope, arm), rows.loc[(scope, outcomes[0]), f"n_{arm}"])
            where[(scope, None, arm, "n")] = everyone
            for o in outcomes:
                r = rows.loc[(scope, o)]
                n, among = float(r[f"n_{arm}"]), BY_NAME[o].among
                if among in outcomes:
                    n_key = ("k", scope, among, arm)
                elif n == b.cells[everyone]:
                    n_key = everyone
                else:  # a denominator of its own (missing values): no relation with the others
                    n_key = b.cell(("n", scope, arm, o), n)
                where[(scope, o, arm, "n")] = n_key
                if r["kind"] == "proportion":
                    for suffix in ("", "_alt"):  # the outcome, and outflow in the reading not chosen
                        if pd.isna(r.get(f"k_{arm}{suffix}", pd.NA)):
                            continue
                        k = b.cell(("k" + suffix, scope, o, arm), r[f"k_{arm}{suffix}"])
                        no = b.cell(("no" + suffix, scope, o, arm), n - float(r[f"k_{arm}{suffix}"]), unpublished=True)
                        where[(scope, o, arm, "k" + suffix)] = k
                        b.relate(n_key, [k, no])
            _outcome_arithmetic(b, scope, arm, outcomes, study.outflow_measure)
    parts = [s for s in scopes if s != TOTAL]
    if parts:
        counted = ("n", "k", "no", "k_alt", "no_alt")
        families = {key[:1] + key[2:] for key in b.cells if key[0] in counted and key[1] == TOTAL}
        for family in sorted(families, key=str):
            total = family[:1] + (TOTAL,) + family[1:]
            members = [family[:1] + (s,) + family[1:] for s in parts]
            if all(m in b.cells for m in members):
                b.rest(("rest",) + family, total, members)
    _balance_cells(b, study)
    events = _event_cells(b, study)
    system = CountSystem(b.cells, tuple(b.relations), unpublished=frozenset(b.unpublished))
    return EffectCells(_with_unweighted(_with_means(system, study, parts), study, parts), scopes, where, events)


def event_counts(study: EffectStudy) -> dict[str, dict]:
    """Per arm, the persons who left within the window in all (``None``) and per exit route
    (``work``, ``other``), read back from the curves (:func:`~evalbook.disclosure.curves.curve_events`)."""
    counts = {}
    for arm, rows in curve_events(study.km, study.cif).groupby("group", sort=False):
        causes = [c.removeprefix("events_") for c in rows.columns if c.startswith("events_")]
        counts[arm] = {None: int(rows["all_events"].sum())} | {c: int(rows[f"events_{c}"].sum()) for c in causes}
    return counts


def _event_cells(b: _Builder, study: EffectStudy) -> dict:
    """The cells the curves and the log-rank test rest on (module docstring)."""
    found = {}
    for arm, counts in event_counts(study).items():
        n = ("n", TOTAL, arm)
        if n not in b.cells:
            continue
        reading = ("k", TOTAL, "outflow", arm) if study.outflow_measure == "event" else ("k_alt", TOTAL, "outflow", arm)
        if b.cells.get(reading) == counts[None]:
            everyone, none = reading, ("no" + reading[0].removeprefix("k"), *reading[1:])
        else:
            everyone = b.cell(("events", arm), counts[None])
            none = b.cell(("no_events", arm), b.cells[n] - counts[None], unpublished=True)
            b.relate(n, [everyone, none])
        routes = []
        for cause in [c for c in counts if c is not None]:
            key = ("k", TOTAL, f"outflow_{cause}", arm)
            if b.cells.get(key) != counts[cause]:
                key = b.cell(("events", arm, cause), counts[cause])
            routes.append(key)
        if routes and everyone[0] == "events":
            b.rest(("x", TOTAL, "events_unexplained", arm), everyone, routes)
        found[arm] = (everyone, none, *routes)
    return found


def _outcome_arithmetic(b: _Builder, scope, arm: str, outcomes: list[str], measure: str) -> None:
    """The relations between outcomes a reader knows from their definitions."""

    def k(o):
        return ("k", scope, o, arm)

    readings = {measure: k("outflow"), ("status" if measure == "event" else "event"): ("k_alt", scope, "outflow", arm)}
    event, status = (readings[m] if readings[m] in b.cells else None for m in ("event", "status"))
    if event and {"outflow_work", "outflow_other"} <= set(outcomes):  # left, for work or for another reason
        b.rest(("x", scope, "outflow_unexplained", arm), event, [k("outflow_work"), k("outflow_other")])
    returned = None
    if event and status:  # the status reading: those who left and did not come back
        returned = b.split(scope, arm, "returned", event, [status])
    elif status and {"outflow_work", "outflow_other"} <= set(outcomes):
        back = b.cells[k("outflow_work")] + b.cells[k("outflow_other")] - b.cells[status]
        if back >= 0:
            returned = b.cell(("x", scope, "returned", arm), back, unpublished=True)
            b.relate(k("outflow_work"), [status, returned, k("outflow_other")], [1.0, 1.0, -1.0])
    if returned and "no_return_after_work" in outcomes:  # those who came back after work, or after another exit
        b.split(scope, arm, "other_returned", returned, [("no", scope, "no_return_after_work", arm)])
    if {"outflow_work", "parttime", "active"} <= set(outcomes):
        both = b.cells[k("outflow_work")] + b.cells[k("parttime")] - b.cells[k("active")]
        if 0 <= both <= min(b.cells[k("outflow_work")], b.cells[k("parttime")]):
            x = b.cell(("x", scope, "work_and_parttime", arm), both, unpublished=True)
            work_only = b.split(scope, arm, "work_only", k("outflow_work"), [x])
            parttime_only = b.split(scope, arm, "parttime_only", k("parttime"), [x])
            b.relate(k("active"), [x, work_only, parttime_only])
    if {"handover_matching", "handover_mo"} <= set(outcomes):
        b.split(scope, arm, "no_handover", ("n", scope, arm), [k("handover_matching"), k("handover_mo")])


def _balance_cells(b: _Builder, study: EffectStudy) -> None:
    """The balance table's shares, their complements and the education levels' sum."""
    table = study.balance.table
    for group in BALANCE_GROUPS:
        n_values = table[f"n_{group}"].dropna()
        if n_values.empty:
            continue
        n = float(n_values.iloc[0])
        same = ("n", TOTAL, group)
        n_key = same if b.cells.get(same) == n else b.cell(("bal_n", group), n)
        levels = {}
        for _, r in table[table["binary"] & table[f"mean_{group}"].notna()].iterrows():
            level = r["level"] if isinstance(r["level"], str) else None
            key = b.cell(("bal", r["variable"], level, group), r[f"k_{group}"])
            no = b.cell(("bal_no", r["variable"], level, group), n - float(r[f"k_{group}"]), unpublished=True)
            b.relate(n_key, [key, no])
            levels.setdefault(r["variable"], []).append(key)
        for keys in levels.values():
            if len(keys) > 1 and sum(b.cells[k] for k in keys) == n:
                b.relate(n_key, keys)


def _with_means(system: CountSystem, study: EffectStudy, parts: list) -> CountSystem:
    """The system with Route 3's unweighted means of the target groups' shares, each as the
    reader sees it printed (a derived cell)."""
    if study.total_means is None or not parts:
        return system
    figures = study.figures
    totals = figures[figures["subgroup"].fillna(TOTAL).eq(TOTAL) & figures["group"].isin(GROUPS)]
    kinds = study.table.drop_duplicates("outcome").set_index("outcome")["kind"]
    for q, arm in totals[["quantity", "group"]].drop_duplicates().itertuples(index=False):
        if kinds.get(q) != "proportion" or pd.isna(study.total_means.at[q, arm]):
            continue
        denominators = {g: system.cells[_denominator(system, g, q, arm)] for g in parts}
        if any(n == 0 for n in denominators.values()):
            continue
        terms = {("k", g, q, arm): 100 / (len(parts) * denominators[g]) for g in parts}
        shown = round_half_up(study.total_means.at[q, arm] * 10**MEAN_DECIMALS) / 10**MEAN_DECIMALS
        system = system.combination(("mean", q, arm), terms, printed=printed_interval(shown, MEAN_DECIMALS))
    return system


def _with_unweighted(system: CountSystem, study: EffectStudy, parts: list) -> CountSystem:
    """The system with the unweighted means of the target groups' shares of the outcome table
    (``um_programme``, ``um_control`` of the rows about everyone), taken as exact."""
    if not parts or "um_programme" not in study.table:
        return system
    rows = study.table[(study.table["target_group"] == TOTAL) & (study.table["kind"] == "proportion")]
    for _, r in rows.iterrows():
        for arm in GROUPS:
            denominators = {g: system.cells[_denominator(system, g, r["outcome"], arm)] for g in parts}
            if pd.isna(r[f"um_{arm}"]) or any(n == 0 for n in denominators.values()):
                continue
            terms = {("k", g, r["outcome"], arm): 100 / (len(parts) * denominators[g]) for g in parts}
            system = system.combination(("um", r["outcome"], arm), terms)
    return system


def _denominator(system: CountSystem, scope, outcome: str, arm: str):
    among = BY_NAME[outcome].among
    return ("k", scope, among, arm) if among and ("k", scope, among, arm) in system.cells else ("n", scope, arm)
