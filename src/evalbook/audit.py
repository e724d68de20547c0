"""Consistency audit of the published figures: which printed claims hold up?

The reports print rounded percentages and the words "significant" / "niet significant", no
test statistics. In the spirit of statcheck (recompute p from what is reported) and GRIM
(is a rounded percentage possible with this n?), this module checks every published group
comparison in ``data/published/*/*.csv``:

* **Counts.** A count ``k`` of ``n`` is consistent with a published percentage when
  ``100 k / n`` lies within the row's ``[lower, upper]`` (:func:`consistent_counts`, exact
  rational arithmetic). Every pair of consistent counts is a possible reality behind the
  printed pair of percentages.
* **p-values over that set.** The Miettinen–Nurminen score test of :mod:`evalbook.compare`
  (the book's test for proportions) for every pair, and Fisher's exact test (scipy) for the
  pairs with an expected cell count below :data:`MIN_EXPECTED` (Cochran's rule). The score
  statistic at difference 0 increases with the programme count and decreases with the
  control count, so its extremes lie at the corners of the set (checked against brute force
  in the tests), which makes scans over many group sizes cheap.
* **Verdict on the report's label.** ``consistent``: every consistent pair, under every
  test that applies, gives the report's label; ``inconsistent``: none does (or no pair of
  counts is possible at all); ``ambiguous``: it depends on the rounding or on the test.
  Means without standard deviations, or comparisons with one side unpublished, are
  ``untestable``.
* **Unknown group sizes** (no ``n`` rows): the verdict for equal groups of every size in
  ``n_range``: the sizes for which the label can hold and for which it holds for every pair.
* **Internal arithmetic**: parts that must add up to a total (:data:`SUMS`), shares of one
  group that cannot exceed (or must reach) 100% together (:data:`SHARE_SETS`), and whether
  each percentage is possible at all given the published group size (GRIM).

:func:`run` does all of this; the chapter ``notebooks/audit.ipynb`` and the command
``evalbook audit`` both call it and show the same :func:`comparison_display`,
:func:`arithmetic_display` and :func:`glue_values`.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pandas as pd
from scipy import stats

from . import compare
from .analysis import outcomes
from .core import contract as contracts, paths
from .disclosure import rules as disclosure
from .report import format as fmt
from .report.tables import Table
from .schemas.published import PUBLISHED

SIGNIFICANT, NOT_SIGNIFICANT = "significant", "not_significant"
CONSISTENT, AMBIGUOUS, INCONSISTENT, UNTESTABLE = "consistent", "ambiguous", "inconsistent", "untestable"
IMPOSSIBLE = "impossible"  # status of a group size at which the percentages cannot occur
VERDICT_LABELS = {CONSISTENT: "consistent", AMBIGUOUS: "onbeslist", INCONSISTENT: "inconsistent",
                  UNTESTABLE: "niet te toetsen"}
LABELS = {SIGNIFICANT: "significant", NOT_SIGNIFICANT: "niet significant"}
MIN_EXPECTED = 5  # Fisher's exact test for a pair with an expected cell count below this
N_RANGE = (20, 2000)  # equal group sizes scanned when the report does not publish them

# The denominator of a share, where it is not the whole group (quantity ``n``): a proportion
# among another proportion's "yes" persons (evalbook.outcomes), or a published count.
BASES = {o.name: o.among for o in outcomes.OUTCOMES if o.among} | {
    "psych_treatment": "n_other_trajectories",  # WGW ch. 7: 45% vs 5% of the 29 and 22 with other trajectories
}
# Totals that are the sum of their parts (each person in at most one part).
SUMS = {"outflow": ("outflow_work", "outflow_other")}
ARITHMETIC_COLUMNS = ["check", "source", "group", "subgroup", "quantities", "ok", "detail"]


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

SOURCE_NAMES = {"wgw": "WGW", "route3": "Route 3", "wwatwork": "WW@Work", "context": "Context",
                "effect_study": "effectstudie", "phone_survey": "telefonische enquête",
                "client_survey": "klantonderzoek", "labour_market": "arbeidsmarkt"}
# Dutch names of the survey quantities (the effect-study ones come from evalbook.outcomes).
QUANTITY_LABELS = {
    "grade7plus_attention_composite": "Rapportcijfer 7+ voor persoonlijke aandacht",
    "grade7plus_privacy": "Rapportcijfer 7+ voor privacy",
    "grade7plus_overall": "Rapportcijfer 7+ voor de dienstverlening",
    "statement_does_little_disagree": "Oneens met 'doet heel weinig voor mij'",
    "statement_does_little_agree": "Eens met 'doet heel weinig voor mij'",
    "selfconfidence": "Meer zelfvertrouwen",
    "psych_treatment": "Behandeld voor psychische problemen",
    "activities_useful": "Iets gehad aan activiteiten en trajecten",
    "outlook_chance_low": "Kans op werk (heel) klein",
    "outlook_chance_high": "Kans op werk (heel) groot",
    "expect_exit_within_1y": "Verwacht binnen een jaar uit de uitkering",
    "expect_exit_2y": "Verwacht binnen twee jaar uit de uitkering",
    "expect_exit_more_2y": "Verwacht over meer dan twee jaar uit de uitkering",
    "expect_never_work": "Verwacht nooit te werken",
    "expect_dont_know": "Weet niet wanneer uit de uitkering",
}


# -- counts and p-values ------------------------------------------------------------------------

def consistent_counts(lower: float, upper: float, n: int) -> range:
    """Every count ``k`` (0..n) with ``lower <= 100 k / n <= upper``; empty when none is."""
    if n < 1:
        return range(0)
    low = max(0, math.ceil(_exact(lower) * n / 100))
    high = min(n, math.floor(_exact(upper) * n / 100))
    return range(low, max(low, high + 1))


@functools.lru_cache(maxsize=None)
def _exact(x: float) -> Fraction:
    """The decimal a CSV value stands for (``3.95`` as 79/20, not its binary neighbour)."""
    return Fraction(repr(float(x)))


def mn_p_value(k1: int, n1: int, k0: int, n0: int) -> float:
    """Two-sided p of the Miettinen–Nurminen score test of equal proportions, as
    :func:`evalbook.compare.proportions` computes it (without its interval)."""
    return _p(abs(_mn_z(k1, n1, k0, n0)))


def _mn_z(k1: int, n1: int, k0: int, n0: int) -> float:
    z = compare.mn_statistic(k1, n1, k0, n0, 0.0)
    return 0.0 if math.isnan(z) else z  # nan: both groups all 0 or all 1, equal proportions


def fisher_p_value(k1: int, n1: int, k0: int, n0: int) -> float:
    """Two-sided p of Fisher's exact test (scipy)."""
    return float(stats.fisher_exact([[k1, n1 - k1], [k0, n0 - k0]]).pvalue)


def mn_p_range(n1: int, counts1: range, n0: int, counts0: range) -> tuple[float, float]:
    """The smallest and largest score-test p over every pair in ``counts1 x counts0``.

    The statistic increases in the programme count and decreases in the control count, so
    its extremes are at two corners; the largest p is at the pair closest to z = 0, which,
    when the corners straddle 0, is 1 for equal groups (an equal count is in both sets) and
    is found per programme count by bisection otherwise.
    """
    z_low = _mn_z(counts1[0], n1, counts0[-1], n0)
    z_high = _mn_z(counts1[-1], n1, counts0[0], n0)
    p_min = _p(max(abs(z_low), abs(z_high)))
    if z_low > 0 or z_high < 0:
        return p_min, _p(min(abs(z_low), abs(z_high)))
    if n1 == n0:
        return p_min, 1.0
    closest = math.inf
    for k1 in counts1:
        i = bisect.bisect_left(counts0, True, key=lambda k0: _mn_z(k1, n1, k0, n0) <= 0)
        for k0 in counts0[max(0, i - 1):i + 1]:
            closest = min(closest, abs(_mn_z(k1, n1, k0, n0)))
    return p_min, _p(closest)


def _p(z: float) -> float:
    """Two-sided normal p for ``|z|`` (``2 * norm.sf(z)``, without scipy's per-call overhead)."""
    return math.erfc(z / math.sqrt(2))


def small_pairs(n1: int, counts1: range, n0: int, counts0: range) -> list[tuple[int, int]]:
    """The pairs in ``counts1 x counts0`` whose 2x2 table has an expected cell count below
    :data:`MIN_EXPECTED` (where the score test's normal approximation is doubtful)."""
    total, smaller = n1 + n0, min(n1, n0)
    reach = MIN_EXPECTED * total // smaller + 1  # a small table has a margin below this

    def is_small(k1: int, k0: int) -> bool:
        margin = k1 + k0
        return smaller * min(margin, total - margin) < MIN_EXPECTED * total

    found = set()
    for k1 in list(_clip(counts1, 0, reach)) + list(_clip(counts1, n1 - reach, n1 + 1)):
        for k0 in list(_clip(counts0, 0, reach - k1)) + list(_clip(counts0, n0 - reach + (n1 - k1), n0 + 1)):
            if is_small(k1, k0):
                found.add((k1, k0))
    return sorted(found)


def _clip(counts: range, low: int, high: int) -> range:
    return range(max(counts.start, low), min(counts.stop, high))


@dataclass(frozen=True)
class Evaluation:
    """The p-values over every pair of counts consistent with a printed comparison.

    ``pairs``: how many (n1, k1, n0, k0) are consistent; ``p_mn``: smallest and largest
    score-test p; ``p_fisher``: the same for Fisher's test over the pairs with small expected
    counts (None when there are none); ``test_disagrees``: some pair is significant under
    one test and not under the other.
    """

    pairs: int
    p_mn: tuple[float, float]
    p_fisher: tuple[float, float] | None
    test_disagrees: bool
    alpha: float

    def labels(self) -> set[str]:
        """The labels some consistent pair gets under some test."""
        return _labels(self.p_mn, self.alpha) | (_labels(self.p_fisher, self.alpha) if self.p_fisher else set())


def evaluate(bounds1: tuple[float, float], sizes1, bounds0: tuple[float, float], sizes0,
             alpha: float = 0.05, exhaustive: bool = True) -> Evaluation:
    """p-values over every pair of counts consistent with ``bounds1`` (percent, programme)
    and ``bounds0`` (control), for every pair of group sizes in ``sizes1`` x ``sizes0``.

    With ``exhaustive=False`` Fisher's test is only run as far as it can change the set of
    labels (enough for :func:`verdict`; used by the scan over many group sizes)."""
    pairs, mn, small = 0, [], []
    for n1 in sizes1:
        counts1 = consistent_counts(*bounds1, n1)
        for n0 in sizes0:
            counts0 = consistent_counts(*bounds0, n0)
            if not counts1 or not counts0:
                continue
            pairs += len(counts1) * len(counts0)
            mn.append(mn_p_range(n1, counts1, n0, counts0))
            small += [(k1, n1, k0, n0) for k1, k0 in small_pairs(n1, counts1, n0, counts0)]
    p_mn = (min(p for p, _ in mn), max(p for _, p in mn)) if mn else (math.nan, math.nan)
    mn_labels = _labels(p_mn, alpha)
    fisher, disagrees = [], False
    for table in small:
        if not exhaustive and (mn_labels == {SIGNIFICANT, NOT_SIGNIFICANT} or disagrees):
            break
        p = fisher_p_value(*table)
        fisher.append(p)
        disagrees |= (p < alpha) != (mn_p_value(*table) < alpha)
    return Evaluation(pairs=pairs, p_mn=p_mn, p_fisher=(min(fisher), max(fisher)) if fisher else None,
                      test_disagrees=disagrees, alpha=alpha)


def _labels(p_range: tuple[float, float], alpha: float) -> set[str]:
    """The labels p-values from ``p_range[0]`` to ``p_range[1]`` give (none for nan)."""
    return ({SIGNIFICANT} if p_range[0] < alpha else set()) | ({NOT_SIGNIFICANT} if p_range[1] >= alpha else set())


def verdict(evaluation: Evaluation, label: str) -> tuple[str, str]:
    """The verdict on the report's ``label`` and its reason code (see :data:`REASONS`)."""
    if evaluation.pairs == 0:
        return INCONSISTENT, "impossible"
    labels = evaluation.labels()
    if labels == {label}:
        return CONSISTENT, "all_pairs"
    if label not in labels:
        return INCONSISTENT, "no_pair"
    low, high = evaluation.p_mn
    by_rounding = low < evaluation.alpha <= high
    if by_rounding and evaluation.test_disagrees:
        return AMBIGUOUS, "rounding_and_test"
    return AMBIGUOUS, "rounding" if by_rounding else "test"


def scan_sizes(bounds1: tuple[float, float], bounds0: tuple[float, float], label: str, alpha: float = 0.05,
               n_range: tuple[int, int] = N_RANGE) -> dict[int, str]:
    """For equal groups of every size ``n`` in ``n_range`` (inclusive): the verdict on
    ``label`` at that size, or :data:`IMPOSSIBLE` when the percentages cannot occur."""
    statuses = {}
    for n in range(n_range[0], n_range[1] + 1):
        evaluation = evaluate(bounds1, (n,), bounds0, (n,), alpha, exhaustive=False)
        statuses[n] = verdict(evaluation, label)[0] if evaluation.pairs else IMPOSSIBLE
    return statuses


def sizes_where(statuses: dict[int, str], wanted: set[str]) -> list[tuple[int, int]]:
    """Runs ``(first, last)`` of sizes whose status is in ``wanted``; sizes at which the
    percentages are impossible neither break nor extend a run."""
    runs: list[tuple[int, int]] = []
    current = None
    for n, status in sorted(statuses.items()):
        if status == IMPOSSIBLE:
            continue
        if status in wanted:
            current = (current[0], n) if current else (n, n)
        elif current:
            runs.append(current)
            current = None
    return runs + [current] if current else runs


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
    """One published comparison with its verdict.

    ``evaluation`` is set when the group sizes are published, ``statuses`` (size -> status,
    see :func:`scan_sizes`) when they are not; both are None for an untestable comparison.
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


REASONS = {
    "all_pairs": "elk passend paar aantallen geeft dit oordeel",
    "impossible": "percentages onmogelijk bij deze groepsgroottes",
    "no_pair": "geen passend paar aantallen geeft dit oordeel",
    "rounding": "hangt af van de afronding",
    "test": "hangt af van de toets",
    "rounding_and_test": "hangt af van de afronding en de toets",
    "size": "hangt af van de groepsgrootte",
    "every_size": "klopt bij elke mogelijke groepsgrootte",
    "no_size": "klopt bij geen enkele groepsgrootte",
    "no_control": "controlegroep niet gepubliceerd",
    "no_programme": "programmagroep niet gepubliceerd",
    "no_spread": "gemiddelden zonder spreiding",
    "not_percent": "geen percentage",
}


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
    base = BASES.get(quantity, "n")
    common = dict(source=source, quantity=quantity, subgroup=subgroup, section=section, unit=first["unit"],
                  label=first["significance"], programme=sides.get("programme"), control=sides.get("control"),
                  base=base)
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

def arithmetic(figures: pd.DataFrame, source: str) -> pd.DataFrame:
    """Sums, shares that exclude each other, and GRIM possibility, for one file.

    Columns: ``check`` (``sum``, ``shares``, ``grim``), ``source``, ``group``, ``subgroup``,
    ``quantities``, ``ok`` and ``detail`` (Dutch).
    """
    frame = _keyed(figures)
    pct = frame[frame["unit"] == "percent"]
    rows = []
    for (group, subgroup), block in pct.groupby(["group", "subgroup"], sort=False):
        bounds = {q: (r["lower"], r["upper"]) for q, r in block.drop_duplicates("quantity").set_index("quantity").iterrows()}
        for total, parts in SUMS.items():
            if total in bounds and all(p in bounds for p in parts):
                rows.append(_sum_row(source, group, subgroup, total, parts, bounds))
        for share_set in SHARE_SETS:
            if all(q in bounds for q in share_set.quantities):
                rows.append(_shares_row(source, group, subgroup, share_set, bounds))
    for _, r in pct.iterrows():
        sizes = group_sizes(frame, r["quantity"], r["group"], r["subgroup"])
        if sizes is not None:
            rows.append(_grim_row(source, r, sizes))
    return pd.DataFrame(rows, columns=ARITHMETIC_COLUMNS)


def _sum_row(source, group, subgroup, total, parts, bounds) -> dict:
    low = sum(bounds[p][0] for p in parts)
    high = sum(bounds[p][1] for p in parts)
    t_low, t_high = bounds[total]
    ok = low <= t_high and t_low <= high
    bigger = [p for p in parts if bounds[p][0] > t_high]
    detail = f"{_label(total).lower()} {_bounds_text(t_low, t_high)}, som van de delen {_bounds_text(low, high)}"
    if bigger:
        detail += "; " + _join([_label(p).lower() for p in bigger]) + " alleen al groter dan het totaal"
    return {"check": "sum", "source": source, "group": group, "subgroup": subgroup,
            "quantities": " = ".join([total, " + ".join(parts)]), "ok": ok, "detail": detail}


def _shares_row(source, group, subgroup, share_set: ShareSet, bounds) -> dict:
    low = sum(bounds[q][0] for q in share_set.quantities)
    high = sum(bounds[q][1] for q in share_set.quantities)
    ok = low <= 100 and (high >= 100 or not share_set.complete)
    need = "samen precies 100%" if share_set.complete else "samen hoogstens 100%"
    return {"check": "shares", "source": source, "group": group, "subgroup": subgroup,
            "quantities": " + ".join(share_set.quantities), "ok": ok,
            "detail": f"{need}; som {_bounds_text(low, high)}"}


def _grim_row(source, r, sizes) -> dict:
    possible = [n for n in sizes if consistent_counts(r["lower"], r["upper"], n)]
    impossible = [n for n in sizes if n not in possible]
    shown = _bounds_text(r["lower"], r["upper"])
    if not impossible:
        detail = f"{shown} is mogelijk bij n = {_int_runs(sizes)}"
    elif not possible:
        detail = f"{shown} is onmogelijk bij n = {_int_runs(sizes)}"
    else:
        detail = f"{shown} is mogelijk bij n = {_int_runs(possible)}, onmogelijk bij n = {_int_runs(impossible)}"
    return {"check": "grim", "source": source, "group": r["group"], "subgroup": r["subgroup"],
            "quantities": r["quantity"], "ok": bool(possible), "detail": detail}


# -- the whole audit ----------------------------------------------------------------------------

@dataclass
class Audit:
    """Every published comparison checked, the internal arithmetic, and the files read.

    ``one_sided`` lists the checks whose verdict changes when the authors are assumed to
    have tested one-sidedly (the same as two-sided at ``2 alpha``)."""

    checks: list[Check]
    arithmetic: pd.DataFrame
    files: list[Path]
    alpha: float
    n_range: tuple[int, int]
    one_sided: list[Check]

    def table(self) -> pd.DataFrame:
        """One row per comparison, for ``tables/audit.csv`` (no reconstructed counts)."""
        rows = []
        for c in self.checks:
            e = c.evaluation
            rows.append({
                "source": c.source, "quantity": c.quantity, "subgroup": c.subgroup, "section": c.section,
                "unit": c.unit,
                "label": c.label,
                "figure_programme": c.programme.figure_id if c.programme else None,
                "figure_control": c.control.figure_id if c.control else None,
                "printed_programme": c.programme.printed if c.programme else None,
                "printed_control": c.control.printed if c.control else None,
                "lower_programme": c.programme.lower if c.programme else None,
                "upper_programme": c.programme.upper if c.programme else None,
                "lower_control": c.control.lower if c.control else None,
                "upper_control": c.control.upper if c.control else None,
                "base": c.base,
                "n_programme": _runs_csv(_runs(c.programme.sizes)) if c.programme and c.programme.sizes else "",
                "n_control": _runs_csv(_runs(c.control.sizes)) if c.control and c.control.sizes else "",
                "pairs": e.pairs if e else None,
                "p_mn_min": e.p_mn[0] if e else None, "p_mn_max": e.p_mn[1] if e else None,
                "p_fisher_min": e.p_fisher[0] if e and e.p_fisher else None,
                "p_fisher_max": e.p_fisher[1] if e and e.p_fisher else None,
                "label_possible_n": _runs_csv(sizes_where(c.statuses, {CONSISTENT, AMBIGUOUS})) if c.statuses else "",
                "label_certain_n": _runs_csv(sizes_where(c.statuses, {CONSISTENT})) if c.statuses else "",
                "verdict": c.verdict, "reason": c.reason,
            })
        return pd.DataFrame(rows)


def run(published: dict[str, pd.DataFrame], alpha: float = 0.05, n_range: tuple[int, int] = N_RANGE) -> Audit:
    """Audit every file of published figures (``{"<dir>/<programme>/<chapter>.csv": frame}``)."""
    if not 0 < alpha < 0.5:
        raise ValueError(f"alpha must lie between 0 and 0.5, got {alpha}")
    if not 1 <= n_range[0] <= n_range[1]:
        raise ValueError(f"n_range must be two sizes, smallest first, got {n_range}")
    files = sorted(published)
    checks, checks_one_sided, sums = [], [], []
    for path in files:
        figures = published[path]
        source = "/".join(Path(path).with_suffix("").parts[-2:])
        checks += comparisons(figures, source, alpha, n_range)
        checks_one_sided += comparisons(figures, source, 2 * alpha, n_range)
        sums.append(arithmetic(figures, source))
    changed = [c for c, o in zip(checks, checks_one_sided) if c.verdict != o.verdict]
    table = pd.concat(sums, ignore_index=True) if sums else pd.DataFrame(columns=ARITHMETIC_COLUMNS)
    return Audit(checks, table, files, float(alpha), tuple(n_range), changed)


# -- presentation (Dutch) -----------------------------------------------------------------------

def comparison_display(audit: Audit, min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE) -> Table:
    """Every published comparison with its verdict."""
    rows = []
    for c in audit.checks:
        e = c.evaluation
        rows.append({
            "Bron": _source(c.source),
            "Uitkomst": _outcome(c),
            "Programmagroep": _bounds_text(c.programme.lower, c.programme.upper, c.unit) if c.programme else "–",
            "Controlegroep": _bounds_text(c.control.lower, c.control.upper, c.unit) if c.control else "–",
            "n": _sizes_pair(c, min_cell_size),
            "p (score)": _p_range_text(e.p_mn) if e and e.pairs else "–",
            "p (Fisher)": _p_range_text(e.p_fisher) if e and e.p_fisher else "–",
            "Rapport": LABELS[c.label],
            "Oordeel": VERDICT_LABELS[c.verdict],
            "Toelichting": REASONS[c.reason],
        })
    return Table(pd.DataFrame(rows))


def size_display(audit: Audit) -> Table:
    """For each comparison without published group sizes: the (equal) group sizes at which
    the report's label can hold, holds for every pair of counts, and does not hold."""
    rows = [{
        "Bron": _source(c.source),
        "Uitkomst": _outcome(c),
        "Rapport": LABELS[c.label],
        "Kan kloppen bij n": _span_text(sizes_where(c.statuses, {CONSISTENT, AMBIGUOUS})),
        "Klopt zeker bij n": _span_text(sizes_where(c.statuses, {CONSISTENT})),
        "Klopt niet bij n": _span_text(sizes_where(c.statuses, {INCONSISTENT})),
    } for c in audit.checks if c.statuses is not None]
    return Table(pd.DataFrame(rows, columns=["Bron", "Uitkomst", "Rapport", "Kan kloppen bij n",
                                             "Klopt zeker bij n", "Klopt niet bij n"]))


def arithmetic_display(audit: Audit) -> Table:
    """The internal arithmetic checks."""
    kinds = {"sum": "optelling", "shares": "samen ≤ 100%", "grim": "mogelijk bij n (GRIM)"}
    rows = [{
        "Soort": kinds[r["check"]],
        "Bron": _source(r["source"]),
        "Groep": _group(r["group"]) + (f" ({_subgroup(r['subgroup'])})" if r["subgroup"] else ""),
        "Cijfers": " ".join(_label(token) for token in r["quantities"].split(" ")),
        "Klopt": "ja" if r["ok"] else "nee",
        "Toelichting": r["detail"],
    } for _, r in audit.arithmetic.iterrows()]
    return Table(pd.DataFrame(rows, columns=["Soort", "Bron", "Groep", "Cijfers", "Klopt", "Toelichting"]))


def glue_values(audit: Audit, min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE) -> dict[str, str]:
    """Every number and finding the chapter's prose states, as Dutch text."""
    counts = pd.Series([c.verdict for c in audit.checks]).value_counts()
    untestable = [c for c in audit.checks if c.verdict == UNTESTABLE]
    arith = audit.arithmetic
    values = {
        "files": str(len(audit.files)),
        "comparisons": str(len(audit.checks)),
        "consistent_total": str(int(counts.get(CONSISTENT, 0))),
        "ambiguous_total": str(int(counts.get(AMBIGUOUS, 0))),
        "inconsistent_total": str(int(counts.get(INCONSISTENT, 0))),
        "untestable_total": str(int(counts.get(UNTESTABLE, 0))),
        "known_total": str(sum(c.evaluation is not None for c in audit.checks)),
        "unknown_total": str(sum(c.statuses is not None for c in audit.checks)),
        "inconsistent_findings": _sentences(_finding(c, audit, min_cell_size) for c in audit.checks
                                            if c.verdict == INCONSISTENT),
        "ambiguous_findings": _sentences(_finding(c, audit, min_cell_size) for c in audit.checks
                                         if c.verdict == AMBIGUOUS and c.evaluation is not None),
        "consistent_list": _names([c for c in audit.checks if c.verdict == CONSISTENT and c.evaluation]),
        "size_findings": _sentences(_size_finding(c) for c in audit.checks if _size_bound(c)),
        "size_free_list": _names([c for c in audit.checks if c.statuses and c.verdict != INCONSISTENT
                                  and not _size_bound(c)]),
        "untestable_summary": _untestable_summary(untestable),
        "sum_findings": _arith_findings(arith[arith["check"] == "sum"]),
        "shares_findings": _arith_findings(arith[arith["check"] == "shares"]),
        "grim_checked": str(int((arith["check"] == "grim").sum())),
        "grim_findings": _arith_findings(arith[arith["check"] == "grim"]),
        "one_sided_alpha": fmt.percent(200 * audit.alpha, 0),
        "one_sided_findings": _names(audit.one_sided),
        "alpha": fmt.percent(100 * audit.alpha, 0),
        "n_min": fmt.number(audit.n_range[0]),
        "n_max": fmt.number(audit.n_range[1]),
        "min_expected": str(MIN_EXPECTED),
    }
    return values


def report(audit: Audit, min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE) -> str:
    """The audit as plain text for the terminal: the chapter's tables and findings."""
    v = glue_values(audit, min_cell_size)
    lines = [
        f"Consistentiecontrole van de gepubliceerde cijfers ({v['files']} bestanden, {v['comparisons']} vergelijkingen "
        f"met een oordeel; toetsniveau {v['alpha']} tweezijdig)",
        f"consistent: {v['consistent_total']}, onbeslist: {v['ambiguous_total']}, inconsistent: {v['inconsistent_total']}, "
        f"niet te toetsen: {v['untestable_total']}",
        *[text for table in (comparison_display(audit, min_cell_size), size_display(audit), arithmetic_display(audit))
          if not table.frame.empty for text in ("", repr(table))],
        "", f"Inconsistent: {v['inconsistent_findings']}",
        f"Onbeslist bij de gepubliceerde groepsgroottes: {v['ambiguous_findings']}",
        f"Consistent bij de gepubliceerde groepsgroottes: {v['consistent_list']}.",
        f"Groepsgrootte niet gepubliceerd, het oordeel legt haar vast: {v['size_findings']}",
        f"Groepsgrootte niet gepubliceerd, het oordeel kan bij elke groepsgrootte kloppen: {v['size_free_list']}.",
        f"Niet te toetsen: {v['untestable_summary']}",
        f"Optellingen: {v['sum_findings']}",
        f"Samen ≤ 100%: {v['shares_findings']}",
        f"Mogelijk bij n (GRIM): {v['grim_findings']}",
        f"Eenzijdig getoetst (als tweezijdig op {v['one_sided_alpha']}) verandert het oordeel bij: {v['one_sided_findings']}",
    ]
    return "\n".join(lines)


def _sentences(sentences) -> str:
    return " ".join(sentences) or "geen."


def _head(c: Check) -> str:
    return (f"{_name(c)}: {_bounds_text(c.programme.lower, c.programme.upper)} tegen "
            f"{_bounds_text(c.control.lower, c.control.upper)}, volgens het rapport {LABELS[c.label]}")


def _finding(c: Check, audit: Audit, min_cell_size: int) -> str:
    head = _head(c)
    if c.statuses is not None:
        return f"{head}; {_scan_text(c, audit)}."
    e = c.evaluation
    sizes = f"n = {_sizes_pair(c, min_cell_size)}"
    if c.reason == "impossible":
        return f"{head}; met {sizes} zijn deze percentages niet mogelijk."
    tests = _p_phrase("scoretoets:", e.p_mn)
    if e.p_fisher:
        tests += ", " + _p_phrase("Fisher:", e.p_fisher)
    if c.verdict == INCONSISTENT:
        return f"{head}, maar geen enkel paar aantallen dat met {sizes} bij de percentages past, geeft dat oordeel ({tests})."
    if c.verdict == CONSISTENT:
        return f"{head}, en elk paar aantallen dat met {sizes} bij de percentages past, geeft dat oordeel ({tests})."
    return f"{head}; bij {sizes} {REASONS[c.reason].replace('hangt af', 'hangt het oordeel af')} ({tests})."


def _scan_text(c: Check, audit: Audit) -> str:
    return ("de groepsgrootte is niet gepubliceerd; bij gelijke groepen van "
            f"{fmt.number(audit.n_range[0])} tot {fmt.number(audit.n_range[1])} personen {_scan_summary(c)}")


def _size_bound(c: Check) -> bool:
    """Whether the label holds only for some of the possible (equal) group sizes: at least
    a minimum size for "significant", at most a maximum for "not significant"."""
    if c.statuses is None:
        return False
    sizes = [n for n, status in c.statuses.items() if status != IMPOSSIBLE]
    possible = [n for n, status in c.statuses.items() if status in (CONSISTENT, AMBIGUOUS)]
    if not possible:
        return False
    return min(possible) > min(sizes) if c.label == SIGNIFICANT else max(possible) < max(sizes)


def _size_finding(c: Check) -> str:
    possible = [n for n, status in c.statuses.items() if status in (CONSISTENT, AMBIGUOUS)]
    certain = [n for n, status in c.statuses.items() if status == CONSISTENT]
    if c.label == SIGNIFICANT:
        bound, every = "minstens", (fmt.number(min(certain)) if certain else None)
        limit = fmt.number(min(possible))
    else:
        bound, every = "hoogstens", (fmt.number(max(certain)) if certain else None)
        limit = fmt.number(max(possible))
    if every == limit:
        tail = ", en dan geeft elk paar aantallen dat oordeel"
    elif every:
        tail = f"; dat elk paar aantallen dat oordeel geeft, vraagt {bound} {every}"
    else:
        tail = "; bij geen enkele groepsgrootte geeft elk paar aantallen dat oordeel"
    return f"{_head(c)}. Dat kan alleen bij {bound} {limit} personen per groep{tail}."


def _scan_summary(c: Check) -> str:
    """Where the label holds for some pair, for every pair, and for none: ``kan kloppen bij
    n = 507–2.000 per groep (met onderbrekingen); zeker bij ...; niet bij ...``."""
    possible = sizes_where(c.statuses, {CONSISTENT, AMBIGUOUS})
    certain = sizes_where(c.statuses, {CONSISTENT})
    failing = sizes_where(c.statuses, {INCONSISTENT})
    if not possible:
        parts = ["klopt het oordeel bij geen enkele groepsgrootte"]
    elif certain == possible:
        parts = [f"klopt het oordeel bij {_hull_text(certain)}"]
    else:
        parts = [f"kan het oordeel kloppen bij {_hull_text(possible)}",
                 f"zeker (voor elk paar aantallen) bij {_hull_text(certain)}"]
    if failing and possible:
        parts.append(f"niet bij {_hull_text(failing)}")
    return "; ".join(parts)


def _untestable_summary(checks: list[Check]) -> str:
    if not checks:
        return "geen."
    by_reason: dict[str, list[Check]] = {}
    for c in checks:
        by_reason.setdefault(c.reason, []).append(c)
    return " ".join(f"{REASONS[r].capitalize()} ({_names(group)})." for r, group in by_reason.items())


def _arith_findings(rows: pd.DataFrame) -> str:
    if rows.empty:
        return "geen controles mogelijk met de gepubliceerde cijfers."
    failing = rows[~rows["ok"].astype(bool)]
    total = f"{len(rows)} gecontroleerd"
    if failing.empty:
        return f"{total}, alle kloppen."
    items = [f"{_source(r['source'])}, {_group(r['group'])}" + (f" ({_subgroup(r['subgroup'])})" if r["subgroup"] else "")
             + f": {r['detail']}" for _, r in failing.iterrows()]
    return f"{total}, {len(failing)} kloppen niet: " + "; ".join(items) + "."


# -- small formatters -------------------------------------------------------------------------

def _names(checks: list[Check]) -> str:
    """``WGW effectstudie: uitstroom naar werk en no-show; Route 3 ...: ...``, or ``geen``."""
    by_source: dict[str, list[str]] = {}
    for c in checks:
        outcome = _outcome(c)
        by_source.setdefault(_source(c.source), []).append(outcome[0].lower() + outcome[1:])
    return "; ".join(f"{source}: {_join(items)}" for source, items in by_source.items()) or "geen"


def _name(c: Check) -> str:
    outcome = _outcome(c)
    return f"{_source(c.source)}, {outcome[0].lower()}{outcome[1:]}"


def _outcome(c: Check) -> str:
    """``Uitstroom naar werk (Stilstaand water)``; a repeated comparison names its chapter."""
    notes = [_subgroup(c.subgroup)] if c.subgroup else []
    chapter = re.match(r"ch\. ([0-9.]+)", c.section)
    notes += [f"hoofdstuk {chapter[1]}" if chapter else c.section] if c.section else []
    return _label(c.quantity) + "".join(f" ({note})" for note in notes)


def _source(source: str) -> str:
    programme, _, chapter = source.partition("/")
    return f"{SOURCE_NAMES.get(programme, programme)} {SOURCE_NAMES.get(chapter, chapter)}".strip()


def _label(quantity: str) -> str:
    if quantity in outcomes.BY_NAME:
        return outcomes.BY_NAME[quantity].label
    return QUANTITY_LABELS.get(quantity, quantity)


def _subgroup(subgroup: str) -> str:
    return subgroup.replace("_", " ").capitalize() if len(subgroup) > 3 else subgroup.upper()


def _group(group: str) -> str:
    return {"programme": "programmagroep", "control": "controlegroep", "total": "totaal"}.get(group, group or "–")


def _decimals(*xs: float) -> int:
    """The decimals needed to show every bound as stored (``18.5`` → 1, ``3.95`` → 2)."""
    return max(next((d for d in range(3) if round(float(x), d) == float(x)), 2) for x in xs)


def _bounds_text(lower: float, upper: float, unit: str = "percent") -> str:
    d = _decimals(lower, upper)
    suffix = "%" if unit == "percent" else ""
    if lower == upper:
        return fmt.number(lower, d) + suffix
    return f"{fmt.number(lower, d)}–{fmt.number(upper, d)}{suffix}"


def _p_range_text(p_range: tuple[float, float]) -> str:
    """``0,025 tot 0,073``; ``< 0,001 tot 0,002``; one value when both ends look the same."""
    low, high = (fmt.p_value(p).removeprefix("p = ").removeprefix("p ") for p in p_range)
    return low if low == high else f"{low} tot {high}"


def _p_phrase(test: str, p_range: tuple[float, float]) -> str:
    text = _p_range_text(p_range)
    return f"{test} p {'' if text.startswith('<') else '= '}{text}"


def _runs_csv(runs: list[tuple[int, int]]) -> str:
    return " ".join(f"{a}-{b}" for a, b in runs)


def _int_runs(values) -> str:
    """``[20, 21, 22, 25]`` → ``20–22, 25`` (Dutch digit grouping)."""
    return ", ".join(fmt.number(a) if a == b else f"{fmt.number(a)}–{fmt.number(b)}" for a, b in _runs(values))


def _runs(values) -> list[tuple[int, int]]:
    """Consecutive integers grouped into ``(first, last)`` runs."""
    runs: list[tuple[int, int]] = []
    for v in sorted(values):
        if runs and runs[-1][1] == v - 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


def _hull_text(runs: list[tuple[int, int]]) -> str:
    """``n = 507–2.000 per groep (met onderbrekingen)``, or ``geen n``."""
    return f"n = {_span_text(runs)} per groep" if runs else "geen n"


def _span_text(runs: list[tuple[int, int]]) -> str:
    """Sizes from the first to the last run, noting gaps: ``507–2.000 (met onderbrekingen)``, or ``–``."""
    if not runs:
        return fmt.MISSING
    first, last = runs[0][0], runs[-1][1]
    span = fmt.number(first) if first == last else f"{fmt.number(first)}–{fmt.number(last)}"
    return span + (" (met onderbrekingen)" if len(runs) > 1 else "")


def _sizes_pair(c: Check, min_cell_size: int) -> str:
    sizes = [s.sizes if s else None for s in (c.programme, c.control)]
    if any(s is None for s in sizes):
        return "onbekend"
    return " en ".join(_sizes_text(s, min_cell_size) for s in sizes)


def _sizes_text(sizes: tuple[int, ...], min_cell_size: int) -> str:
    """Group sizes as runs; sizes below the minimum cell size are shown as one "< minimum"."""
    safe = [n for n in sizes if disclosure.is_safe_count(n, min_cell_size)]
    small = [f"< {min_cell_size}"] if len(safe) < len(sizes) else []
    return ", ".join(small + ([_int_runs(safe)] if safe else []))


def _join(items: list[str]) -> str:
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]
