"""Release rule for Kaplan–Meier and cumulative-incidence curves.

Every step of a survival curve is an event count: a curve that drops from 12 persons at
risk by one twelfth tells that one person left on that day. The rule (the survival rule of
ACRO / SACRO, ``survival_safe_threshold`` 10, strengthened as in Hundepool et al.,
*Statistical Disclosure Control*, 2012, ch. 5, on coarsening a table before publishing it):

* a curve stops at the first time at which fewer than ``min_cell_size`` persons are at risk;
* consecutive event times are merged until the events pending reach ``min_cell_size``: the
  curve shows one step there, at the last of the merged times, with the curve's exact value
  at that time; the curve is flat in between;
* events left over at the end, fewer than the minimum, are not shown (the curve ends at its
  last shown step, or at a later row with no event pending, such as the end of follow-up);
* a group with fewer than ``min_cell_size`` events before its curve stops shows no curve.

Competing exits (cumulative incidence per cause beside the all-cause curve) are coarsened
together: a step closes only when every cause's pending events are none or at least the
minimum, so all curves are shown at the same times and 1 − S = Σ CIF cannot be used to
split a step of one curve with another. A flat stretch of one cause's curve tells that no
one left for that cause in that stretch, which is no count of persons.

The numbers at risk and the event counts are used for the rule and not returned: from the
numbers at risk at two shown times a reader would derive the persons censored in between.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .policy import DEFAULT_RULES, Rules


def step_table(
    frame: pd.DataFrame, time: str = "time", event: str = "event", by: str | None = None, cause: str | None = None
) -> pd.DataFrame:
    """Counts for the rule from one row per person (``time`` to event or censoring, ``event``
    a boolean): per group (``by``) a first row at time 0 and one row per distinct event
    time, with ``at_risk`` (persons whose time is at least it) and ``events``; with ``cause``,
    ``events_<cause>`` per cause instead of ``events``."""
    parts = []
    groups = frame.groupby(by, sort=False) if by else [(None, frame)]
    for name, data in groups:
        times = data[time].to_numpy()
        observed = data[event].astype(bool).to_numpy()
        event_times = np.unique(times[observed])
        rows = pd.DataFrame({time: np.r_[0, event_times]})
        rows["at_risk"] = [(times >= t).sum() for t in rows[time]]
        if cause:
            for c in pd.unique(data.loc[observed, cause]):
                hits = times[observed & (data[cause] == c).to_numpy()]
                rows[f"events_{c}"] = [0] + [(hits == t).sum() for t in event_times]
        else:
            rows["events"] = [0] + [(times[observed] == t).sum() for t in event_times]
        if by:
            rows.insert(0, by, name)
        parts.append(rows)
    steps = pd.concat(parts, ignore_index=True)
    counts = [c for c in steps.columns if c == "events" or c.startswith("events_")]
    steps[counts] = steps[counts].fillna(0).astype(int)  # a cause a group never had
    return steps


def release_curve(
    steps: pd.DataFrame,
    rules: Rules = DEFAULT_RULES,
    *,
    time: str = "time",
    events: Sequence[str] = ("events",),
    by: str | None = None,
) -> pd.DataFrame:
    """The rows of ``steps`` a reader may see, per group (``by``), by the rule of the module.

    ``steps`` has, per group in time order, a row per time at which a curve may change (and
    optionally a first row at time 0 and a last at the end of follow-up): ``time``,
    ``at_risk`` (persons at risk just before it), the event counts ``events`` at it (one
    column, or one per cause) and the curves' values after it (any further columns, e.g.
    ``survival``, ``low``, ``high``, ``cif_work``). Returned: the kept rows without the
    ``at_risk`` and event columns; a group without a shown step has no rows.
    """
    m = rules.min_cell_size
    keep = []
    groups = steps.groupby(by, sort=False) if by else [(None, steps)]
    for _, data in groups:
        data = data.sort_values(time, kind="stable")
        pending = np.zeros(len(events))
        rows, stepped = [], False
        for index, counts, at_risk in zip(data.index, data[list(events)].to_numpy(float), data["at_risk"], strict=True):
            if at_risk < m:
                break
            pending += counts
            if pending.sum() == 0:
                rows.append(index)  # nothing pending: the curve's value here is exact and shows nothing new
            elif all(p == 0 or p >= m for p in pending):
                rows.append(index)
                pending[:] = 0
                stepped = True
        if stepped:
            keep += rows
    return steps.loc[keep].drop(columns=["at_risk", *events]).reset_index(drop=True)


def release_survival(
    km: pd.DataFrame,
    cif: pd.DataFrame | None,
    rules: Rules = DEFAULT_RULES,
    *,
    time: str = "days",
    by: str = "group",
    cause: str = "cause",
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The Kaplan–Meier and cumulative-incidence curves of :mod:`evalbook.stats.survival` as
    they may be shown: per group one step table (:func:`release_curve`) holding the all-cause
    curve and every cause's curve, so that all are coarsened together.

    ``km``: ``by, time, survival, low, high, at_risk`` (a row at time 0, one per event time, one
    at the end of follow-up); ``cif``: ``by, cause, time, cif, at_risk`` and any further value
    columns (``low``, ``high``) at the same times. The event counts the rule needs are read
    back from the curves: ``at_risk * (1 - S(t) / S(t-))`` events at ``t`` in all, and
    ``at_risk * ΔCIF_k(t) / S(t-)`` of cause ``k``. Returned: both frames with only the rows
    that may be shown and without ``at_risk``.
    """
    causes = [] if cif is None else list(dict.fromkeys(cif[cause]))
    km_values = [c for c in km.columns if c not in (by, time, "at_risk")]
    cif_values = [] if cif is None else [c for c in cif.columns if c not in (by, cause, time, "at_risk")]
    parts = []
    for group, curve in km.groupby(by, sort=False):
        curve = curve.sort_values(time, kind="stable").reset_index(drop=True)
        before = curve["survival"].shift(fill_value=1.0).to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(before > 0, 1 - curve["survival"].to_numpy(float) / before, 0.0)
        wide = curve[[by, time, "at_risk"]].copy()
        wide["events"] = np.rint(curve["at_risk"].to_numpy(float) * share).astype(int)
        wide[[f"km:{c}" for c in km_values]] = curve[km_values].to_numpy()
        for k in causes:
            rows = cif[(cif[by] == group) & (cif[cause] == k)].set_index(time).reindex(curve[time])
            step = rows["cif"].diff().fillna(rows["cif"]).to_numpy(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                count = np.where(before > 0, step * curve["at_risk"].to_numpy(float) / before, 0.0)
            wide[f"events_{k}"] = np.rint(np.nan_to_num(count)).astype(int)
            wide[[f"cif:{k}:{c}" for c in cif_values]] = rows[cif_values].to_numpy()
        by_cause = [f"events_{k}" for k in causes]
        wide["events"] = (wide["events"] - wide[by_cause].sum(axis=1)).clip(lower=0)  # events of no listed cause
        parts.append(wide)
    steps = pd.concat(parts, ignore_index=True)
    shown = release_curve(steps, rules, time=time, events=("events", *(f"events_{k}" for k in causes)), by=by)
    released_km = shown[[by, time]].assign(**{c: shown[f"km:{c}"] for c in km_values})
    if cif is None:
        return released_km, None
    released_cif = pd.concat(
        [pd.DataFrame(columns=[by, cause, time, *cif_values])]
        + [
            rows[[by, time]].assign(**{cause: k}, **{c: rows[f"cif:{k}:{c}"] for c in cif_values})
            for _, rows in shown.groupby(by, sort=False)
            for k in causes
        ],
        ignore_index=True,
    ).reindex(columns=[by, cause, time, *cif_values])
    released_cif = released_cif.astype({time: cif[time].dtype, **{c: cif[c].dtype for c in cif_values}})
    return released_km, released_cif
