"""Consistency audit of the published figures: which printed claims hold up?

Every published group comparison in ``data/published/<programme>/<chapter>.csv`` that carries
the report's label (significant or not) is checked with :mod:`evalbook.stats.consistency`:

* **Group sizes published**: the p-values over every pair of counts consistent with the
  printed percentages and sizes, and the verdict on the label (``consistent``,
  ``ambiguous``, ``inconsistent``). The denominator of a share of a subgroup
  (:data:`BASES`) is every count consistent with that subgroup's own percentage.
* **Group sizes not published**: the verdict for equal groups of every size in ``n_range``.
* Means without spread, or comparisons with one side unpublished, are ``untestable``.
* **Internal arithmetic**: parts that must add up to a total (:data:`SUMS`), shares of one
  group that exclude each other (:data:`SHARE_SETS`), and whether each percentage with a known
  denominator is possible at all (GRIM).

:func:`run` does all of this and returns an :class:`Audit` (codes and numbers only); the
chapter ``notebooks/audit.md`` and the command ``evalbook audit`` present it with
:mod:`evalbook.report.audit`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core.errors import ParameterError
from ..stats.consistency import (
    AMBIGUOUS,
    CONSISTENT,
    IMPOSSIBLE,
    INCONSISTENT,
    Evaluation,
    consistent_counts,
    evaluate,
    possible_sizes,
    runs,
    scan_sizes,
    sizes_where,
    verdict,
)
from . import outcomes

UNTESTABLE = "untestable"
N_RANGE = (20, 2000)  # equal group sizes scanned when the report does not publish them

# The denominator of a share, where it is not the whole group (quantity ``n``): a proportion
# among another proportion's "yes" persons (evalbook.analysis.outcomes), or a published count.
BASES = {o.name: o.among for o in outcomes.OUTCOMES if o.among} | {
    "psych_treatment": "n_other_trajectories",  # WGW ch. 7: 45% vs 5% of the 29 and 22 with other trajectories
}
# Totals that are the sum of their parts (each person in at most one part).
SUMS = {"outflow": ("outflow_work", "outflow_other")}


@dataclass(frozen=True)
class ShareSet:
    """Shares of one group that exclude each other: together at most 100%, or exactly 100%
    when ``complete`` (the categories cover everyone)."""

    quantities: tuple[str, ...]
    complete: bool


SHARE_SETS = (
    ShareSet(("statement_does_little_disagree", "statement_does_little_agree"), complete=False),
    ShareSet(("expect_exit_within_1y", "expect_exit_2y", "expect_exit_more_2y", "expect_never_work",
              "expect_dont_know"), complete=True),
)


# -- the published comparisons ------------------------------------------------------------------

@dataclass(frozen=True)
class Side:
    """One group's published figure of a comparison."""

    figure_id: str
    printed: str
    lower: float
    upper: float
    sizes: tuple[int, ...] | None  # the possible group sizes (denominators); None: not published


@dataclass(frozen=True)
class Check:
    """One published comparison with its verdict and reason code.

    ``evaluation`` is set when the group sizes are published, ``statuses`` (size -> status,
    see :func:`evalbook.stats.consistency.scan_sizes`) when they are not; both are None for an
    untestable comparison. Reason codes: those of :func:`evalbook.stats.consistency.verdict`,
    and ``every_size``, ``size``, ``no_size`` (scanned sizes), ``no_control``,
    ``no_programme``, ``no_spread``, ``not_percent`` (untestable).
    """

    source: str  # "<programme>/<chapter>"
    quantity: str
    subgroup: str
    section: str  # set only when the report gives the comparison in more than one section
    unit: str
    label: str
    programme: Side | None
    control: Side | None
    base: str
    verdict: str
    reason: str
    evaluation: Evaluation | None = None
    statuses: dict | None = None


def comparisons(figures: pd.DataFrame, source: str, alpha: float = 0.05,
                n_range: tuple[int, int] = N_RANGE) -> list[Check]:
    """Every labelled comparison in one file of published figures, checked."""
    frame = _keyed(figures)
    labelled = frame[frame["significance"].notna() & frame["group"].isin(["programme", "control"])]
    checks = []
    for (quantity, subgroup), rows in labelled.groupby(["quantity", "subgroup"], sort=False):
        split = rows["group"].duplicated().any()  # the report gives this comparison more than once
        for section, pair in rows.groupby("section", sort=False) if split else [("", rows)]:
            checks.append(_check(frame, source, quantity, subgroup, section, pair, alpha, n_range))
    return checks


def _keyed(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures with empty ``subgroup`` and ``group`` as "" (usable as group keys)."""
    frame = figures.copy()
    frame["subgroup"] = frame["subgroup"].astype("object").where(frame["subgroup"].notna(), "")
    frame["group"] = frame["group"].astype("object").where(frame["group"].notna(), "")
    return frame


def _check(frame, source, quantity, subgroup, section, pair: pd.DataFrame, alpha, n_range) -> Check:
    sides = {}
    for group in ("programme", "control"):
        rows = pair[pair["group"] == group]
        if len(rows):
            r = rows.iloc[0]
            sides[group] = Side(r["figure_id"], r["printed"], float(r["lower"]), float(r["upper"]),
                                group_sizes(frame, quantity, group, subgroup))
    first = pair.iloc[0]
    common = {"source": source, "quantity": quantity, "subgroup": subgroup, "section": section,
              "unit": first["unit"], "label": first["significance"], "programme": sides.get("programme"),
              "control": sides.get("control"), "base": BASES.get(quantity, "n")}
    if len(sides) < 2:
        return Check(**common, verdict=UNTESTABLE, reason="no_control" if "programme" in sides else "no_programme")
    if first["unit"] != "percent":
        return Check(**common, verdict=UNTESTABLE,
                     reason="no_spread" if first["unit"] in ("mean", "grade", "score") else "not_percent")
    p, c = sides["programme"], sides["control"]
    if p.sizes is not None and c.sizes is not None:
        evaluation = evaluate((p.lower, p.upper), p.sizes, (c.lower, c.upper), c.sizes, alpha)
        code, reason = verdict(evaluation, common["label"])
        return Check(**common, verdict=code, reason=reason, evaluation=evaluation)
    statuses = scan_sizes((p.lower, p.upper), (c.lower, c.upper), common["label"], alpha, n_range)
    possible = {s for s in statuses.values() if s != IMPOSSIBLE}
    if possible == {CONSISTENT}:
        code, reason = CONSISTENT, "every_size"
    elif possible & {CONSISTENT, AMBIGUOUS}:
        code, reason = AMBIGUOUS, "size"
    else:
        code, reason = INCONSISTENT, "no_size"
    return Check(**common, verdict=code, reason=reason, statuses=statuses)


def group_sizes(frame: pd.DataFrame, quantity: str, group: str, subgroup: str,
                _seen: frozenset = frozenset()) -> tuple[int, ...] | None:
    """The possible sizes of the denominator of ``quantity`` in one group: the published
    ``n`` (or the count named in :data:`BASES`), or every count consistent with the base
    percentage when the base is itself a share. None when it is not published."""
    base = BASES.get(quantity, "n")
    rows = frame[(frame["quantity"] == base) & (frame["group"] == group) & (frame["subgroup"] == subgroup)]
    if rows.empty or base in _seen:
        return None
    row = rows.iloc[0]
    if row["unit"] == "count":
        return tuple(range(math.ceil(row["lower"]), math.floor(row["upper"]) + 1)) or None
    if row["unit"] != "percent":
        return None
    outer = group_sizes(frame, base, group, subgroup, _seen | {quantity})
    if outer is None:
        return None
    return tuple(sorted({k for n in outer for k in consistent_counts(row["lower"], row["upper"], n)})) or None


# -- internal arithmetic ------------------------------------------------------------------------

@dataclass(frozen=True)
class ArithmeticCheck:
    """One check of the internal arithmetic of a file, for one group (and subgroup).

    ``kind`` ``sum``: ``quantities`` is the total then its parts, ``bounds`` the parts' sum,
    ``total`` the total's bounds, ``exceeding`` the parts that alone exceed the total.
    ``shares``: ``quantities`` the shares, ``bounds`` their sum, ``complete`` whether they must
    reach 100%. ``grim``: ``quantities`` the one percentage, ``bounds`` its printed bounds,
    ``sizes`` its possible denominators and ``possible`` those at which it can occur.
    """

    kind: str
    source: str
    group: str
    subgroup: str
    quantities: tuple[str, ...]
    ok: bool
    bounds: tuple[float, float]
    total: tuple[float, float] | None = None
    exceeding: tuple[str, ...] = ()
    complete: bool = False
    sizes: tuple[int, ...] = ()
    possible: tuple[int, ...] = ()

    @property
    def impossible(self) -> tuple[int, ...]:
        """The denominators at which the percentage cannot occur (``grim``)."""
        return tuple(n for n in self.sizes if n not in self.possible)


def arithmetic(figures: pd.DataFrame, source: str) -> list[ArithmeticCheck]:
    """Sums, shares that exclude each other, and GRIM possibility, for one file."""
    frame = _keyed(figures)
    pct = frame[frame["unit"] == "percent"]
    found = []
    for (group, subgroup), block in pct.groupby(["group", "subgroup"], sort=False):
        first = block.drop_duplicates("quantity").set_index("quantity")
        bounds = {q: (r["lower"], r["upper"]) for q, r in first.iterrows()}
        where = {"source": source, "group": group, "subgroup": subgroup}
        for total, parts in SUMS.items():
            if total in bounds and all(p in bounds for p in parts):
                low, high = (sum(bounds[p][i] for p in parts) for i in (0, 1))
                t_low, t_high = bounds[total]
                found.append(ArithmeticCheck(
                    "sum", **where, quantities=(total, *parts), ok=low <= t_high and t_low <= high,
                    bounds=(low, high), total=(t_low, t_high),
                    exceeding=tuple(p for p in parts if bounds[p][0] > t_high)))
        for share_set in SHARE_SETS:
            if all(q in bounds for q in share_set.quantities):
                low, high = (sum(bounds[q][i] for q in share_set.quantities) for i in (0, 1))
                found.append(ArithmeticCheck(
                    "shares", **where, quantities=share_set.quantities,
                    ok=low <= 100 and (high >= 100 or not share_set.complete), bounds=(low, high),
                    complete=share_set.complete))
    for _, r in pct.iterrows():
        sizes = group_sizes(frame, r["quantity"], r["group"], r["subgroup"])
        if sizes is not None:
            possible = possible_sizes(r["lower"], r["upper"], sizes)
            found.append(ArithmeticCheck(
                "grim", source=source, group=r["group"], subgroup=r["subgroup"], quantities=(r["quantity"],),
                ok=bool(possible), bounds=(r["lower"], r["upper"]), sizes=sizes, possible=possible))
    return found


# -- the whole audit ----------------------------------------------------------------------------

@dataclass
class Audit:
    """Every published comparison checked, the internal arithmetic, and the files read.

    ``one_sided`` lists the checks whose verdict changes when the authors are assumed to
    have tested one-sidedly (the same as two-sided at ``2 alpha``)."""

    checks: list[Check]
    arithmetic: list[ArithmeticCheck]
    files: list[str]
    alpha: float
    n_range: tuple[int, int]
    one_sided: list[Check]

    def table(self) -> pd.DataFrame:
        """One row per comparison, for ``tables/audit.csv`` (no reconstructed counts)."""
        rows = []
        for c in self.checks:
            e, p, k = c.evaluation, c.programme, c.control
            rows.append({
                "source": c.source, "quantity": c.quantity, "subgroup": c.subgroup, "section": c.section,
                "unit": c.unit, "label": c.label,
                "figure_programme": p.figure_id if p else None, "figure_control": k.figure_id if k else None,
                "printed_programme": p.printed if p else None, "printed_control": k.printed if k else None,
                "lower_programme": p.lower if p else None, "upper_programme": p.upper if p else None,
                "lower_control": k.lower if k else None, "upper_control": k.upper if k else None,
                "base": c.base,
                "n_programme": _runs_csv(runs(p.sizes)) if p and p.sizes else "",
                "n_control": _runs_csv(runs(k.sizes)) if k and k.sizes else "",
                "pairs": e.pairs if e else None,
                "p_mn_min": e.p_mn[0] if e else None, "p_mn_max": e.p_mn[1] if e else None,
                "p_fisher_min": e.p_fisher[0] if e and e.p_fisher else None,
                "p_fisher_max": e.p_fisher[1] if e and e.p_fisher else None,
                "label_possible_n": _runs_csv(sizes_where(c.statuses, {CONSISTENT, AMBIGUOUS})) if c.statuses else "",
                "label_certain_n": _runs_csv(sizes_where(c.statuses, {CONSISTENT})) if c.statuses else "",
                "verdict": c.verdict, "reason": c.reason,
            })
        return pd.DataFrame(rows)


def _runs_csv(found: list[tuple[int, int]]) -> str:
    return " ".join(f"{a}-{b}" for a, b in found)


def run(published: dict[str, pd.DataFrame], alpha: float = 0.05, n_range: tuple[int, int] = N_RANGE) -> Audit:
    """Audit every file of validated published figures, ``{"<dir>/<programme>/<chapter>.csv": frame}``."""
    if not 0 < alpha < 0.5:
        raise ParameterError(f"alpha must lie between 0 and 0.5, got {alpha}")
    if not 1 <= n_range[0] <= n_range[1]:
        raise ParameterError(f"n_range must be two sizes, smallest first, got {n_range}")
    files = sorted(published)
    checks, checks_one_sided, sums = [], [], []
    for path in files:
        figures = published[path]
        source = "/".join(Path(path).with_suffix("").parts[-2:])
        checks += comparisons(figures, source, alpha, n_range)
        checks_one_sided += comparisons(figures, source, 2 * alpha, n_range)
        sums += arithmetic(figures, source)
    changed = [c for c, o in zip(checks, checks_one_sided, strict=True) if c.verdict != o.verdict]
    return Audit(checks, sums, [str(f) for f in files], float(alpha), tuple(n_range), changed)
