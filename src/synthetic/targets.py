"""The counts a synthetic register must meet, solved from the published figures.

Per group (and target group) every quantity is taken from the published figure, else from
an assumption in ``data/synthetic/assumptions.csv`` (the numbers the report does not
publish), else from the rule that a control group resembles its programme group (the
reports: "nagenoeg vergelijkbaar"); :func:`solve` turns those values into counts whose
percentages round, half up, to the printed ones (:class:`GroupTargets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evalbook.core import contract, paths
from evalbook.core.rounding import count_for_percent, round_half_up
from evalbook.schemas.assumptions import ASSUMPTIONS, ASSUMPTIONS_FILE
from evalbook.schemas.published import PUBLISHED

PROPORTIONS = (
    "outflow",
    "outflow_work",
    "outflow_other",
    "no_return_after_work",
    "parttime",
    "active",
    "no_show",
    "handover_matching",
    "handover_mo",
)
MEANS = ("contacts_total", "contacts_selected")
# Of those who left for other reasons, the percentage back on benefit by the end of the follow-up
# (an assumption where outflow is read as an event; with a status reading it follows from the figures).
RETURNED_AFTER_OTHER = "returned_after_other"
# The shape of the negative binomial counts of contacts (selected, and the others): no spread is published.
CONTACT_SHAPES = ("contacts_selected_shape", "contacts_other_shape")


def read_assumptions(
    path: str | Path | None = None, programme: str | None = None, chapter: str | None = None
) -> pd.DataFrame:
    """The assumptions (numbers the analysis needs but the reports do not publish), validated,
    optionally only those of one programme and chapter. Default path: the synthetic data's."""
    path = Path(path) if path is not None else paths.repo_root() / "data" / "synthetic" / ASSUMPTIONS_FILE
    frame = contract.read(path, ASSUMPTIONS)
    if programme is not None:
        frame = frame[frame["programme"] == programme]
    if chapter is not None:
        frame = frame[frame["chapter"] == chapter]
    return frame.reset_index(drop=True)


def published_figures(programme: str, chapter: str) -> pd.DataFrame:
    """The published figures the synthetic data of ``programme``'s ``chapter`` are calibrated to."""
    return contract.read(paths.repo_root() / "data" / "published" / programme / f"{chapter}.csv", PUBLISHED)


def parameter_name(quantity: str, group: str, target_group: str | None = None) -> str:
    """The ``parameter`` of an effect-study assumption: ``n_control_team6``, ``no_show_programme``."""
    return f"{quantity}_{group}" + (f"_{target_group}" if target_group else "")


@dataclass(frozen=True)
class GroupTargets:
    """Counts (persons) and means one group of a synthetic register must have."""

    group: str
    n: int
    outflow_work: int
    outflow_other: int
    returned_after_work: int
    parttime: int
    parttime_and_work: int
    no_show: int
    handover_matching: int
    handover_mo: int
    contacts_total_mean: float
    contacts_selected_mean: float
    target_group: str | None = None
    returned_after_other: int = 0  # back on benefit at the end after leaving for another reason


def resolve_values(
    figures: pd.DataFrame,
    group: str,
    target_group: str | None = None,
    assumed: dict[str, float] | None = None,
    like: dict[str, float] | None = None,
    fixed: dict[str, float] | None = None,
) -> dict[str, tuple[float, bool]]:
    """Every value a group needs, as ``quantity -> (value, exact)``, taken in this order:

    1. the published figure of this group and target group (``exact``: its count must round to it);
    2. an assumption ``<quantity>_<group>_<target group>``, then ``<quantity>_<group>`` (exact);
    3. ``fixed``: a value the generator sets by design (exact);
    4. ``like``: the value of the programme group of the same target group, for a control group
       the report gives no figure for (not exact: the nearest count).
    """
    rows = figures[(figures["group"] == group) & (figures["subgroup"].fillna("") == (target_group or ""))]
    printed = rows.set_index("quantity")["value"].to_dict()
    assumed, like, fixed = assumed or {}, like or {}, fixed or {}
    values = {}
    for quantity in ("n", *PROPORTIONS, *MEANS, RETURNED_AFTER_OTHER):
        for source, key, exact in (
            (printed, quantity, True),
            (assumed, parameter_name(quantity, group, target_group), True),
            (assumed, parameter_name(quantity, group), True),
            (fixed, quantity, True),
            (like, quantity, False),
        ):
            if key in source:
                values[quantity] = (float(source[key]), exact)
                break
    return values


def solve(
    values: dict[str, tuple[float, bool]],
    group: str,
    target_group: str | None = None,
    n: int | None = None,
    outflow_measure: str = "event",
) -> GroupTargets:
    """The counts of one group from its values (:func:`resolve_values`).

    ``outflow_measure`` (see :mod:`evalbook.outcomes`): with ``"event"`` outflow for other
    reasons is outflow minus outflow to work, of whom the assumed percentage
    (:data:`RETURNED_AFTER_OTHER`, none without it) is back on benefit at the end; with
    ``"status"`` outflow is who is off benefit at the end, so that many of the other-reason
    leavers return to benefit.
    """
    where = f"{group}" + (f" / {target_group}" if target_group else "")
    missing = [q for q in ("n", *PROPORTIONS, *MEANS) if q not in values and not (q == "n" and n)]
    if outflow_measure == "event" and "outflow_other" in missing:
        missing.remove("outflow_other")
    if missing:
        raise ValueError(f"{where}: no published figure or assumption for {', '.join(missing)}")
    n = int(n if n is not None else values["n"][0])

    def count(quantity: str, base: int) -> int:
        value, exact = values[quantity]
        if base == 0:
            return 0
        return count_for_percent(value, base) if exact else round_half_up(value * base / 100)

    def bounded(quantity: str, base: int, low: int, high: int) -> int:
        k = count(quantity, base)
        if not values[quantity][1]:  # a borrowed value: the nearest feasible count
            k = min(max(k, low), high)
        if not low <= k <= high:
            raise ValueError(f"{where}: {quantity} {k} of {base} is outside the feasible {low}..{high}")
        return k

    work = count("outflow_work", n)
    no_return = count("no_return_after_work", work)
    if outflow_measure == "event":
        other = bounded("outflow", n, work, n) - work
        returned_other = count(RETURNED_AFTER_OTHER, other) if RETURNED_AFTER_OTHER in values else 0
    else:
        other = bounded("outflow_other", n, 0, n - work)
        returned_other = no_return + other - bounded("outflow", n, no_return, no_return + other)
    parttime = count("parttime", n)
    active = bounded("active", n, max(work, parttime), min(n, work + parttime))
    return GroupTargets(
        group=group,
        n=n,
        outflow_work=work,
        outflow_other=other,
        returned_after_work=work - no_return,
        parttime=parttime,
        parttime_and_work=work + parttime - active,
        no_show=count("no_show", n),
        handover_matching=count("handover_matching", n),
        handover_mo=count("handover_mo", n),
        contacts_total_mean=values["contacts_total"][0],
        contacts_selected_mean=values["contacts_selected"][0],
        target_group=target_group,
        returned_after_other=returned_other,
    )


def targets_from_published(
    figures: pd.DataFrame,
    group: str,
    target_group: str | None = None,
    assumed: dict[str, float] | None = None,
    like: dict[str, float] | None = None,
    fixed: dict[str, float] | None = None,
    outflow_measure: str = "event",
) -> GroupTargets:
    """Solve the counts of one group (of one target group) from its published figures,
    completed by assumptions and the resemblance rule (:func:`resolve_values`)."""
    values = resolve_values(figures, group, target_group, assumed, like, fixed)
    return solve(values, group, target_group, outflow_measure=outflow_measure)
