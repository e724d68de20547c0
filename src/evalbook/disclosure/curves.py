"""Release rule for Kaplan–Meier and cumulative-incidence curves.

Every step of a survival curve is an event count: a curve that drops from 12 persons at
risk by one twelfth tells that one person left on that day. The rule (the survival rule of
ACRO / SACRO, ``survival_safe_threshold`` 10, strengthened as in Hundepool et al.,
*Statistical Disclosure Control*, 2012, ch. 5, on coarsening a table before publishing it):

* a curve stops at the first time at which fewer than ``min_cell_size`` persons are at risk;
* consecutive event times are merged until the events pending reach ``min_cell_size``: the
  curve shows one step there, at the last of the merged times, with the curve's exact value
  at that time; the curve is flat in between (a plateau of fewer than the minimum of exits);
* the events after the last shown step count too: the chapter's table gives every group's
  total of exits (in all and per route), so what a curve leaves out after its last step is
  that total minus the step. That remainder must be none or at least the minimum as well:
  where it is not, the last step is merged into it (and the one before, if need be); when
  the curve runs to the end of follow-up, the merged remainder is its last step, so the curve
  ends where the table says (:func:`coarsen`);
* a group without a step shows no curve.

Competing exits (cumulative incidence per cause beside the all-cause curve): at a time where
every cause's curve is shown, 1 − S = Σ CIF, so the causes are coarsened together, on the
times of the all-cause curve: a cause's curves show a step only where every cause's pending
exits (and those of no listed cause) are none or at least the minimum. The all-cause curve
keeps its own, finer steps (each of at least the minimum of exits in all), so that it tracks
the estimate; splitting one of its steps by cause would need the cause curves at both ends,
which are shown only where every cause's part is safe.

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


def coarsen(counts: np.ndarray, eligible: int, minimum: int) -> list[int]:
    """The rows (indices into ``counts``: one row per time in order, one column per kind of
    event) at which a curve may show a step, by the rule of the module: only among the first
    ``eligible`` rows (those with at least the minimum at risk); per column, each step and
    what follows the last step hold no events or at least ``minimum``. Empty: no step."""

    def safe(pending) -> bool:
        return bool(np.all((pending == 0) | (pending >= minimum)))

    steps, pending = [], np.zeros(counts.shape[1])
    for i in range(eligible):
        pending = pending + counts[i]
        if pending.any() and safe(pending):
            steps.append(i)
            pending = np.zeros(counts.shape[1])
    after = counts[eligible:].sum(axis=0)  # the exits after the curve stops
    while True:
        tail = counts[(steps[-1] + 1 if steps else 0) : eligible].sum(axis=0)
        if tail.any() and safe(tail) and safe(after):  # a last step where the curve stops
            return [*steps, eligible - 1]
        if safe(tail + after):
            return steps
        if not steps:
            return []
        steps.pop()  # merge the last step into what follows it


def _with_flat(chosen: list[int], happened: np.ndarray, eligible: int) -> list[int]:
    """``chosen`` steps with the rows at which nothing happens since the last step (or since
    the start): the curve's value there is exact and shows nothing new."""
    shown = set(chosen)
    for start in [-1, *chosen]:
        i = start + 1
        while i < eligible and not happened[i]:
            shown.add(i)
            i += 1
    return sorted(shown)


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
    ``survival``, ``low``, ``high``, ``cif_work``). Returned: the rows of the steps
    (:func:`coarsen`), with the rows before the first event and right after a step when
    nothing happens until the next shown step (the curve's value there is exact), without
    the ``at_risk`` and event columns; a group without a step has no rows.
    """
    keep = []
    groups = steps.groupby(by, sort=False) if by else [(None, steps)]
    for _, data in groups:
        data = data.sort_values(time, kind="stable")
        keep += _shown_rows(data, list(events), rules.min_cell_size)
    return steps.loc[keep].drop(columns=["at_risk", *events]).reset_index(drop=True)


def _shown_rows(data: pd.DataFrame, events: list[str], minimum: int) -> list:
    """The index labels of one group's shown rows: its steps and the exact flat rows."""
    counts = data[events].to_numpy(float)
    low = np.flatnonzero(data["at_risk"].to_numpy() < minimum)
    eligible = int(low[0]) if len(low) else len(data)
    chosen = coarsen(counts, eligible, minimum)
    if not chosen:
        return []
    return [data.index[i] for i in _with_flat(chosen, counts.any(axis=1), eligible)]


def curve_events(
    km: pd.DataFrame, cif: pd.DataFrame | None = None, *, time: str = "days", by: str = "group", cause: str = "cause"
) -> pd.DataFrame:
    """The event counts behind the curves of :mod:`evalbook.stats.survival`, read back from
    them: per group and row of ``km``, ``at_risk``, ``all_events`` (``at_risk * (1 - S(t) /
    S(t-))``) and per cause of ``cif`` ``events_<cause>`` (``at_risk * ΔCIF_k(t) / S(t-)``),
    beside the curves' values (``km:<column>``, ``cif:<cause>:<column>``)."""
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
        wide["all_events"] = np.rint(curve["at_risk"].to_numpy(float) * share).astype(int)
        wide[[f"km:{c}" for c in km_values]] = curve[km_values].to_numpy()
        for k in causes:
            rows = cif[(cif[by] == group) & (cif[cause] == k)].set_index(time).reindex(curve[time])
            step = rows["cif"].diff().fillna(rows["cif"]).to_numpy(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                count = np.where(before > 0, step * curve["at_risk"].to_numpy(float) / before, 0.0)
            wide[f"events_{k}"] = np.rint(np.nan_to_num(count)).astype(int)
            wide[[f"cif:{k}:{c}" for c in cif_values]] = rows[cif_values].to_numpy()
        parts.append(wide)
    return pd.concat(parts, ignore_index=True)


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
    they may be shown (module docstring): the all-cause curve in steps of at least the minimum
    of exits, the cause curves together on a subset of its times.

    ``km``: ``by, time, survival, low, high, at_risk`` (a row at time 0, one per event time, one
    at the end of follow-up); ``cif``: ``by, cause, time, cif, at_risk`` and any further value
    columns (``low``, ``high``) at the same times. Returned: both frames with only the rows
    that may be shown and without ``at_risk``.
    """
    steps = curve_events(km, cif, time=time, by=by, cause=cause)
    causes = [c.removeprefix("events_") for c in steps.columns if c.startswith("events_")]
    km_values = [c for c in km.columns if c not in (by, time, "at_risk")]
    shown_km, shown_cif = [], []
    for _, data in steps.groupby(by, sort=False):
        data = data.sort_values(time, kind="stable")
        rows = _shown_rows(data, ["all_events"], rules.min_cell_size)
        shown_km += rows
        if causes and rows:
            shown_cif += _cause_rows(data, rows, causes, rules.min_cell_size)
    released_km = steps.loc[shown_km, [by, time]].assign(**{c: steps.loc[shown_km, f"km:{c}"] for c in km_values})
    released_km = released_km.reset_index(drop=True)
    if cif is None:
        return released_km, None
    cif_values = [c for c in cif.columns if c not in (by, cause, time, "at_risk")]
    shown = steps.loc[shown_cif]
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


def _cause_rows(data: pd.DataFrame, km_rows: list, causes: list[str], minimum: int) -> list:
    """The rows of one group at which the cause curves are shown: among the all-cause curve's
    rows, where every cause (and the exits of no listed cause) is safe by :func:`coarsen`."""
    columns = [f"events_{c}" for c in causes]
    counts = data[columns].to_numpy(float)
    counts = np.column_stack([counts, data["all_events"].to_numpy(float) - counts.sum(axis=1)])  # no listed cause
    position = {label: i for i, label in enumerate(data.index)}
    bounds = [0, *(position[label] + 1 for label in km_rows)]
    grouped = np.array([counts[a:b].sum(axis=0) for a, b in zip(bounds[:-1], bounds[1:], strict=True)])
    grouped = np.vstack([grouped, counts[bounds[-1] :].sum(axis=0, keepdims=True)])  # after the curve stops
    chosen = coarsen(grouped, len(km_rows), minimum)
    if not chosen:
        return []
    return [km_rows[i] for i in _with_flat(chosen, grouped.any(axis=1), len(km_rows))]
