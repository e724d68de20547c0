"""Consistency audit of the published figures: which printed claims hold up?

Every published group comparison in ``data/published/<programme>/<chapter>.csv`` that carries
the report's label (significant or not) is checked with :mod:`evalbook.stats.consistency`:

* **The tests a 2018 analyst could have used**: the score test, Pearson's χ² with and without
  Yates' correction and Fisher's exact test (:data:`evalbook.stats.consistency.TESTS`), each
  over every pair of counts consistent with the printed percentages. A label is
  ``inconsistent`` only when no test at any pair gives it, ``consistent`` when every test at
  every pair does, ``ambiguous`` otherwise. A total printed beside target groups also gets the
  Cochran–Mantel–Haenszel test over the target groups with both percentages printed
  (:func:`stratified`), when their group sizes are published or assumed (``assumed_sizes``).
  A logistic regression with the matching variables needs the persons' data: it is not
  computable from published figures.
* **Group sizes published**: the p-values over every pair of counts consistent with the
  printed percentages and sizes, and the verdict on the label. The denominator of a share of a
  subgroup (:data:`BASES`) is every count consistent with that subgroup's own percentage.
* **Group sizes not published**: the verdict for equal groups of every size in ``n_range``,
  with the sizes at which each test can give the label.
* Means without spread, comparisons with one side unpublished and claims without a number
  (unit ``claim``) are ``untestable``.
* **Internal arithmetic**: parts that must add up to a total (:data:`SUMS`), shares of one
  group that exclude each other (:data:`SHARE_SETS`), and whether each percentage with a known
  denominator is possible at all (GRIM).

:func:`run` does all of this and returns an :class:`Audit` (codes and numbers only); the
chapter ``notebooks/audit.md`` and the command ``evalbook audit`` present it with
:mod:`evalbook.report.audit`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from ..core.errors import ParameterError
from ..schemas.published import CLAIM
from ..stats.consistency import (
    AMBIGUOUS,
    CONSISTENT,
    IMPOSSIBLE,
    INCONSISTENT,
    TESTS,
    Evaluation,
    SizeCheck,
    cmh_p_range,
    consistent_counts,
    evaluate,
    possible_sizes,
    runs,
    scan,
    sizes_for_test,
    sizes_where,
    statuses,
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
    ShareSet(
        ("expect_exit_within_1y", "expect_exit_2y", "expect_exit_more_2y", "expect_never_work", "expect_dont_know"),
        complete=True,
    ),
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
    see :func:`evalbook.stats.consistency.scan_sizes`) and ``checks`` (size -> the tests
    that can give the label, :class:`evalbook.stats.consistency.SizeCheck`) when they are not;
    both are None for an untestable comparison. ``stratified``: the CMH test over the
    target groups (:class:`Stratified`) for a total, where it could be computed. Reason codes:
    those of :func:`evalbook.stats.consistency.verdict`, ``every_size``, ``size``, ``no_size``
    (scanned sizes), ``stratified`` (only the CMH test can give the label), ``no_control``,
    ``no_programme``, ``no_spread``, ``not_percent``, ``no_numbers`` (untestable).
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
    checks: dict[int, SizeCheck | None] | None = None
    stratified: Stratified | None = None

    @functools.cached_property
    def statuses(self) -> dict[int, str] | None:
        """Size -> status, for a comparison without published group sizes."""
        return None if self.checks is None else statuses(self.checks)


@dataclass(frozen=True)
class Stratified:
    """The CMH test over the target groups (``strata``) that print both percentages of a
    total's comparison, with their group sizes (``sizes``: per stratum programme and control)
    taken from the report (``source`` ``published``) or assumed (``assumed``);
    ``evaluation`` is None when the sizes are neither."""

    strata: tuple[str, ...]
    sizes: tuple[tuple[int, int], ...] | None
    source: str | None
    evaluation: Evaluation | None


def comparisons(
    figures: pd.DataFrame,
    source: str,
    alpha: float = 0.05,
    n_range: tuple[int, int] = N_RANGE,
    assumed_sizes: dict | None = None,
) -> list[Check]:
    """Every labelled comparison in one file of published figures, checked, and every claim
    without a number. ``assumed_sizes``: ``{(group, subgroup): n}`` for this file (see
    :func:`assumed_group_sizes`), used where the report gives no sizes of target groups."""
    frame = _keyed(figures)
    labelled = frame[frame["significance"].notna() & frame["group"].isin(["programme", "control"])]
    checks = []
    for (quantity, subgroup), rows in labelled.groupby(["quantity", "subgroup"], sort=False):
        split = rows["group"].duplicated().any()  # the report gives this comparison more than once
        for section, pair in rows.groupby("section", sort=False) if split else [("", rows)]:
            check = _check(frame, source, quantity, subgroup, section, pair, alpha, n_range)
            if not subgroup and check.unit == "percent":
                check = _with_strata(check, stratified(frame, quantity, alpha, assumed_sizes or {}))
            checks.append(check)
    for _, r in frame[frame["unit"] == CLAIM].iterrows():
        checks.append(
            Check(
                source=source,
                quantity=r["quantity"],
                subgroup=r["subgroup"],
                section="",
                unit=CLAIM,
                label=r["significance"],
                programme=None,
                control=None,
                base=BASES.get(r["quantity"], "n"),
                verdict=UNTESTABLE,
                reason="no_numbers",
            )
        )
    return checks


def stratified(frame: pd.DataFrame, quantity: str, alpha: float, assumed_sizes: dict) -> Stratified | None:
    """The CMH test over the target groups that print both percentages of ``quantity`` (None
    when fewer than two do), with their published sizes, or else the assumed ones."""
    rows = frame[
        (frame["quantity"] == quantity)
        & (frame["subgroup"] != "")
        & (frame["unit"] == "percent")
        & frame["group"].isin(["programme", "control"])
    ]
    printed = rows.groupby("subgroup", sort=False)["group"].nunique()
    strata = tuple(printed.index[printed == 2])
    if len(strata) < 2:
        return None
    bounds = {(r["subgroup"], r["group"]): (float(r["lower"]), float(r["upper"])) for _, r in rows.iterrows()}
    for where, sizes in (
        ("published", _published_sizes(frame, quantity, strata)),
        ("assumed", _assumed_sizes(assumed_sizes, strata)),
    ):
        if sizes is not None:
            layers = [
                (bounds[s, "programme"], n1, bounds[s, "control"], n0)
                for s, (n1, n0) in zip(strata, sizes, strict=True)
            ]
            return Stratified(strata, sizes, where, cmh_p_range(layers, alpha))
    return Stratified(strata, None, None, None)


def _published_sizes(frame, quantity, strata) -> tuple[tuple[int, int], ...] | None:
    found = [tuple(group_sizes(frame, quantity, g, s) or ()) for s in strata for g in ("programme", "control")]
    if not all(len(sizes) == 1 for sizes in found):  # not published, or only as a range
        return None
    return tuple((found[2 * i][0], found[2 * i + 1][0]) for i in range(len(strata)))


def _assumed_sizes(assumed: dict, strata) -> tuple[tuple[int, int], ...] | None:
    if not all((g, s) in assumed for s in strata for g in ("programme", "control")):
        return None
    return tuple((assumed["programme", s], assumed["control", s]) for s in strata)


def _with_strata(check: Check, strata: Stratified | None) -> Check:
    """The check with its CMH result; a label that no other test can give but the CMH test
    can is ambiguous (reason ``stratified``)."""
    if strata is None:
        return check
    found = strata.evaluation
    if check.verdict == INCONSISTENT and found is not None and check.label in found.labels():
        return replace(check, stratified=strata, verdict=AMBIGUOUS, reason="stratified")
    return replace(check, stratified=strata)


def assumed_group_sizes(assumptions: pd.DataFrame) -> dict[str, dict[tuple[str, str], int]]:
    """Group sizes per target group from assumption rows (``data/synthetic/assumptions.csv``:
    ``n_<group>_<target group>``), as ``{"<programme>/<chapter>": {(group, subgroup): n}}``."""
    found: dict[str, dict[tuple[str, str], int]] = {}
    for _, r in assumptions.iterrows():
        for group in ("programme", "control"):
            prefix = f"n_{group}_"
            if str(r["parameter"]).startswith(prefix):
                key = f"{r['programme']}/{r['chapter']}"
                found.setdefault(key, {})[group, r["parameter"][len(prefix) :]] = int(float(r["value"]))
    return found


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
            sides[group] = Side(
                r["figure_id"],
                r["printed"],
                float(r["lower"]),
                float(r["upper"]),
                group_sizes(frame, quantity, group, subgroup),
            )
    first = pair.iloc[0]
    common = {
        "source": source,
        "quantity": quantity,
        "subgroup": subgroup,
        "section": section,
        "unit": first["unit"],
        "label": first["significance"],
        "programme": sides.get("programme"),
        "control": sides.get("control"),
        "base": BASES.get(quantity, "n"),
    }
    if len(sides) < 2:
        return Check(**common, verdict=UNTESTABLE, reason="no_control" if "programme" in sides else "no_programme")
    if first["unit"] != "percent":
        return Check(
            **common,
            verdict=UNTESTABLE,
            reason="no_spread" if first["unit"] in ("mean", "grade", "score") else "not_percent",
        )
    p, c = sides["programme"], sides["control"]
    if p.sizes is not None and c.sizes is not None:
        evaluation = evaluate((p.lower, p.upper), p.sizes, (c.lower, c.upper), c.sizes, alpha)
        code, reason = verdict(evaluation, common["label"])
        return Check(**common, verdict=code, reason=reason, evaluation=evaluation)
    checks = scan((p.lower, p.upper), (c.lower, c.upper), common["label"], alpha, n_range)
    possible = {s for s in statuses(checks).values() if s != IMPOSSIBLE}
    if possible == {CONSISTENT}:
        code, reason = CONSISTENT, "every_size"
    elif possible & {CONSISTENT, AMBIGUOUS}:
        code, reason = AMBIGUOUS, "size"
    else:
        code, reason = INCONSISTENT, "no_size"
    return Check(**common, verdict=code, reason=reason, checks=checks)


def group_sizes(
    frame: pd.DataFrame, quantity: str, group: str, subgroup: str, _seen: frozenset = frozenset()
) -> tuple[int, ...] | None:
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
                found.append(
                    ArithmeticCheck(
                        "sum",
                        **where,
                        quantities=(total, *parts),
                        ok=low <= t_high and t_low <= high,
                        bounds=(low, high),
                        total=(t_low, t_high),
                        exceeding=tuple(p for p in parts if bounds[p][0] > t_high),
                    )
                )
        for share_set in SHARE_SETS:
            if all(q in bounds for q in share_set.quantities):
                low, high = (sum(bounds[q][i] for q in share_set.quantities) for i in (0, 1))
                found.append(
                    ArithmeticCheck(
                        "shares",
                        **where,
                        quantities=share_set.quantities,
                        ok=low <= 100 and (high >= 100 or not share_set.complete),
                        bounds=(low, high),
                        complete=share_set.complete,
                    )
                )
    for _, r in pct.iterrows():
        sizes = group_sizes(frame, r["quantity"], r["group"], r["subgroup"])
        if sizes is not None:
            possible = possible_sizes(r["lower"], r["upper"], sizes)
            found.append(
                ArithmeticCheck(
                    "grim",
                    source=source,
                    group=r["group"],
                    subgroup=r["subgroup"],
                    quantities=(r["quantity"],),
                    ok=bool(possible),
                    bounds=(r["lower"], r["upper"]),
                    sizes=sizes,
                    possible=possible,
                )
            )
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
            rows.append(
                {
                    "source": c.source,
                    "quantity": c.quantity,
                    "subgroup": c.subgroup,
                    "section": c.section,
                    "unit": c.unit,
                    "label": c.label,
                    "figure_programme": p.figure_id if p else None,
                    "figure_control": k.figure_id if k else None,
                    "printed_programme": p.printed if p else None,
                    "printed_control": k.printed if k else None,
                    "lower_programme": p.lower if p else None,
                    "upper_programme": p.upper if p else None,
                    "lower_control": k.lower if k else None,
                    "upper_control": k.upper if k else None,
                    "base": c.base,
                    "n_programme": _runs_csv(runs(p.sizes)) if p and p.sizes else "",
                    "n_control": _runs_csv(runs(k.sizes)) if k and k.sizes else "",
                    "pairs": e.pairs if e else None,
                    **{
                        f"p_{t}_{end}": e.p[t][i] if e and e.p[t] else None
                        for t in TESTS
                        for i, end in enumerate(("min", "max"))
                    },
                    "label_possible_n": _runs_csv(sizes_where(c.statuses, {CONSISTENT, AMBIGUOUS})) if c.checks else "",
                    "label_certain_n": _runs_csv(sizes_where(c.statuses, {CONSISTENT})) if c.checks else "",
                    **{
                        f"label_possible_n_{t}": _runs_csv(sizes_for_test(c.checks, t)) if c.checks else ""
                        for t in TESTS
                    },
                    **_strata_columns(c.stratified),
                    "verdict": c.verdict,
                    "reason": c.reason,
                }
            )
        return pd.DataFrame(rows)


def _strata_columns(found: Stratified | None) -> dict:
    """The CMH columns of the saved table: strata, where their sizes come from, p range."""
    e = found.evaluation if found else None
    p = e.p["cmh"] if e else None
    return {
        "cmh_strata": " ".join(found.strata) if found else "",
        "cmh_sizes": (found.source or "") if found else "",
        "p_cmh_min": p[0] if p else None,
        "p_cmh_max": p[1] if p else None,
    }


def _runs_csv(found: list[tuple[int, int]]) -> str:
    return " ".join(f"{a}-{b}" for a, b in found)


def run(
    published: dict[str, pd.DataFrame],
    alpha: float = 0.05,
    n_range: tuple[int, int] = N_RANGE,
    assumed_sizes: dict[str, dict[tuple[str, str], int]] | None = None,
) -> Audit:
    """Audit every file of validated published figures, ``{"<dir>/<programme>/<chapter>.csv": frame}``;
    ``assumed_sizes`` (:func:`assumed_group_sizes`) supply the target groups' sizes a report
    does not publish, for the CMH test."""
    if not 0 < alpha < 0.5:
        raise ParameterError(f"alpha must lie between 0 and 0.5, got {alpha}")
    if not 1 <= n_range[0] <= n_range[1]:
        raise ParameterError(f"n_range must be two sizes, smallest first, got {n_range}")
    files = sorted(published)
    checks, checks_one_sided, sums = [], [], []
    for path in files:
        figures = published[path]
        source = "/".join(Path(path).with_suffix("").parts[-2:])
        assumed = (assumed_sizes or {}).get(source)
        checks += comparisons(figures, source, alpha, n_range, assumed)
        checks_one_sided += comparisons(figures, source, 2 * alpha, n_range, assumed)
        sums += arithmetic(figures, source)
    changed = [c for c, o in zip(checks, checks_one_sided, strict=True) if c.verdict != o.verdict]
    return Audit(checks, sums, [str(f) for f in files], float(alpha), tuple(n_range), changed)
