"""Outcomes of the effect studies, derived from the ``register`` columns.

The follow-up window is a parameter: an event counts when it falls within
``follow_up_months`` after ``start_date`` and not after the reference date ``end_date``.

"Outflow from benefit" is measured in one of two ways (:data:`OUTFLOW_MEASURES`), a
per-programme choice because the reports differ:

* ``"event"``: benefit ended at some point in the window (outflow = outflow to work +
  outflow for other reasons, by definition);
* ``"status"``: off benefit at the end of the window (an outflow in the window without a
  return to benefit in the window). The Route 3 figures only hold in this reading: there the
  control group's outflow (42%) is below its outflow to work (43%).

The WGW report defines outflow as a status ("op de peildatum geen uitkering meer", ch. 9),
yet its printed figures do not decide between the readings (it prints no share for other
reasons, so nothing shows whether the parts add up to the whole). The effect study therefore
computes the other reading's outflow too (:func:`other_measure`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.vocabulary import ARMS, EVERYONE
from ..schemas.published import READINGS

GROUPS = ARMS
TOTAL = EVERYONE  # the target_group of the rows about everyone


@dataclass(frozen=True)
class Outcome:
    """An outcome of the effect study (the report gives it its Dutch label).

    ``kind`` is ``"proportion"`` (a yes/no per person) or ``"mean"`` (a count per person);
    ``among`` names the proportion whose "yes" persons form the denominator (else: everyone).
    """

    name: str
    kind: str
    among: str | None = None


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("outflow", "proportion"),
    Outcome("outflow_work", "proportion"),
    Outcome("outflow_other", "proportion"),
    Outcome("no_return_after_work", "proportion", among="outflow_work"),
    Outcome("parttime", "proportion"),
    Outcome("active", "proportion"),
    Outcome("no_show", "proportion"),
    Outcome("handover_matching", "proportion"),
    Outcome("handover_mo", "proportion"),
    Outcome("contacts_total", "mean"),
    Outcome("contacts_selected", "mean"),
)

BY_NAME = {o.name: o for o in OUTCOMES}

OUTFLOW_MEASURES = READINGS  # the readings a published figure of outflow may declare


def selection(names=None, outflow_measure: str = "event") -> tuple[Outcome, ...]:
    """The outcomes ``names`` (default: all), in :data:`OUTCOMES` order; checks the names and
    the outflow measure."""
    _check_measure(outflow_measure)
    wanted = list(BY_NAME) if names is None else list(names)
    unknown = [n for n in wanted if n not in BY_NAME]
    if unknown:
        raise ValueError(f"unknown outcome(s) {unknown}; known: {', '.join(BY_NAME)}")
    return tuple(o for o in OUTCOMES if o.name in wanted)


def other_measure(outflow_measure: str) -> str:
    """The reading of outflow that ``outflow_measure`` is not."""
    _check_measure(outflow_measure)
    return next(m for m in OUTFLOW_MEASURES if m != outflow_measure)


def _check_measure(outflow_measure: str) -> None:
    if outflow_measure not in OUTFLOW_MEASURES:
        raise ValueError(f"outflow_measure must be one of {', '.join(OUTFLOW_MEASURES)}, got {outflow_measure!r}")


def window_end(register: pd.DataFrame, follow_up_months: int) -> pd.Series:
    """The last day that counts for each person: start + window, capped at the reference date."""
    if follow_up_months < 1:
        raise ValueError(f"follow_up_months must be at least 1, got {follow_up_months}")
    horizon = register["start_date"] + pd.DateOffset(months=int(follow_up_months))
    return horizon.where(horizon < register["end_date"], register["end_date"])


def time_to_event(register: pd.DataFrame, follow_up_months: int = 12) -> pd.DataFrame:
    """One row per person, the programme group first: ``group``, ``days`` (to outflow or to
    the end of the follow-up window), ``event`` (bool) and ``cause`` (``work``/``other``,
    missing when censored)."""
    end = window_end(register, follow_up_months)
    event = register["outflow_date"].notna() & (register["outflow_date"] <= end)
    stop = register["outflow_date"].where(event, end)
    tte = pd.DataFrame(
        {
            "group": register["group"],
            "days": (stop - register["start_date"]).dt.days.astype(int),
            "event": event.astype(bool),
            "cause": register["outflow_reason"].where(event),
        }
    )
    rank = tte["group"].map({g: i for i, g in enumerate(GROUPS)}).fillna(len(GROUPS)).to_numpy()
    return tte.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)


def derive(register: pd.DataFrame, follow_up_months: int = 12, outflow_measure: str = "event") -> pd.DataFrame:
    """One row per person: ``group``, ``target_group`` and every outcome of :data:`OUTCOMES`.

    Proportions are booleans; an outcome with ``among`` is missing (NA) for persons outside
    its denominator. Means are floats. ``outflow_measure``: see :data:`OUTFLOW_MEASURES`.
    """
    _check_measure(outflow_measure)
    end = window_end(register, follow_up_months)
    outflow = register["outflow_date"].notna() & (register["outflow_date"] <= end)
    work = outflow & (register["outflow_reason"] == "work")
    returned = register["returned_date"].notna() & (register["returned_date"] <= end)
    parttime = register["parttime_months"] >= 1
    target = register["target_group"] if "target_group" in register else pd.Series(pd.NA, index=register.index)
    frame = pd.DataFrame(
        {
            "group": register["group"],
            "target_group": target,
            "outflow": outflow & ~returned if outflow_measure == "status" else outflow,
            "outflow_work": work,
            "outflow_other": outflow & (register["outflow_reason"] == "other"),
            "no_return_after_work": (~returned).where(work, pd.NA).astype("boolean"),
            "parttime": parttime,
            "active": work | parttime,
            "no_show": register["no_show"].astype(bool),
            "handover_matching": register["handover"] == "matching",
            "handover_mo": register["handover"] == "mo",
            "contacts_total": register["contacts_total"].astype(float),
            "contacts_selected": register["contacts_selected"].astype(float),
        }
    )
    bools = [o.name for o in OUTCOMES if o.kind == "proportion"]
    frame[bools] = frame[bools].astype("boolean")
    return frame
