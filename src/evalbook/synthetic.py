"""Synthetic person-level data, calibrated to the published figures.

The reports' microdata are not public. The book therefore ships synthetic registers whose
aggregates reproduce every published percentage when rounded as the reports round (half
up, to whole percents) and every published mean to its printed precision. Counts are
solved from the published figures (:func:`targets_from_published`); persons are then drawn
with a fixed seed (:func:`register`). ``python -m evalbook.synthetic`` rewrites the
committed files; a test checks that the committed files equal a fresh generation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import paths, published

SEED = 20181031  # the month the evaluations closed
START_MONTHS = ("2017-09-01", "2017-10-01")  # intake cohorts of the effect studies
REFERENCE_DATE = "2018-10-31"  # peildatum
FOLLOW_UP_MONTHS = 12


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


def round_half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


def count_for_percent(percent: float, n: int) -> int:
    """The count ``k`` nearest to ``percent`` of ``n`` whose rounded percentage is ``percent``."""
    candidates = [k for k in range(n + 1) if round_half_up(100 * k / n) == round_half_up(percent)]
    if not candidates:
        raise ValueError(f"no count out of {n} rounds to {percent}%")
    return min(candidates, key=lambda k: abs(k - percent * n / 100))


def targets_from_published(figures: pd.DataFrame, group: str, target_group: str | None = None) -> GroupTargets:
    """Solve the counts of one group from its published figures (an effect-study file)."""
    rows = figures[(figures["group"] == group)]
    if target_group is not None:
        rows = rows[rows["subgroup"] == target_group]
    value = rows.set_index("quantity")["value"].to_dict()
    n = int(value["n"])
    outflow = count_for_percent(value["outflow"], n)
    work = count_for_percent(value["outflow_work"], n)
    no_return = count_for_percent(value["no_return_after_work"], work)
    parttime = count_for_percent(value["parttime"], n)
    active = count_for_percent(value["active"], n)
    overlap = work + parttime - active
    if not max(0, work + parttime - n) <= overlap <= min(work, parttime):
        raise ValueError(f"{group}: active {active} cannot be the union of work {work} and part-time {parttime}")
    return GroupTargets(
        group=group, n=n, outflow_work=work, outflow_other=outflow - work, returned_after_work=work - no_return,
        parttime=parttime, parttime_and_work=overlap,
        no_show=count_for_percent(value["no_show"], n),
        handover_matching=count_for_percent(value["handover_matching"], n),
        handover_mo=count_for_percent(value["handover_mo"], n),
        contacts_total_mean=float(value["contacts_total"]), contacts_selected_mean=float(value["contacts_selected"]),
        target_group=target_group,
    )


def register(targets: list[GroupTargets], prefix: str, seed: int = SEED) -> pd.DataFrame:
    """A register (one row per person, ``register`` contract) meeting ``targets`` exactly."""
    rng = np.random.default_rng(seed)
    frames = [_group(t, rng) for t in targets]
    frame = pd.concat(frames, ignore_index=True)
    frame.insert(0, "person_id", [f"{prefix}{i:05d}" for i in rng.permutation(len(frame)) + 1])
    return frame.sort_values("person_id", ignore_index=True)


def _group(t: GroupTargets, rng: np.random.Generator) -> pd.DataFrame:
    n = t.n
    start = pd.to_datetime(rng.choice(START_MONTHS, size=n))
    window_days = ((start + pd.DateOffset(months=FOLLOW_UP_MONTHS)) - start).days.to_numpy()
    order = rng.permutation(n)
    work = order[: t.outflow_work]
    other = order[t.outflow_work: t.outflow_work + t.outflow_other]
    stay = order[t.outflow_work + t.outflow_other:]

    outflow_day = np.full(n, -1)
    outflow_reason = np.full(n, None, dtype=object)
    # exits spread over the year, earlier exits more likely (as in benefit-duration data)
    for idx, reason in ((work, "work"), (other, "other")):
        outflow_day[idx] = (14 + rng.beta(1.2, 1.6, size=len(idx)) * (window_days[idx] - 60)).astype(int)
        outflow_reason[idx] = reason
    returned = rng.choice(work, size=t.returned_after_work, replace=False)
    returned_day = np.full(n, -1)
    returned_day[returned] = outflow_day[returned] + 1 + (
        rng.random(len(returned)) * (window_days[returned] - outflow_day[returned] - 2)).astype(int)

    parttime = np.concatenate([rng.choice(work, size=t.parttime_and_work, replace=False),
                               rng.choice(np.concatenate([other, stay]), size=t.parttime - t.parttime_and_work,
                                          replace=False)])
    parttime_months = np.zeros(n, dtype=int)
    parttime_months[parttime] = rng.integers(1, 7, size=len(parttime))

    handover = np.full(n, None, dtype=object)
    handed = rng.choice(stay, size=t.handover_matching + t.handover_mo, replace=False)
    handover[handed[: t.handover_matching]] = "matching"
    handover[handed[t.handover_matching:]] = "mo"
    no_show = np.zeros(n, dtype=bool)
    no_show[rng.choice(n, size=t.no_show, replace=False)] = True

    selected = _with_mean(rng.negative_binomial(2, 2 / (2 + t.contacts_selected_mean), size=n),
                          t.contacts_selected_mean, rng)
    other_contacts = t.contacts_total_mean - t.contacts_selected_mean
    total = selected + _with_mean(rng.negative_binomial(3, 3 / (3 + other_contacts), size=n), other_contacts, rng)

    def date(days):
        return pd.Series([s + pd.Timedelta(days=int(d)) if d >= 0 else pd.NaT for s, d in zip(start, days)],
                         dtype="datetime64[ns]")

    return pd.DataFrame({
        "group": t.group,
        "target_group": t.target_group,
        "sex": rng.choice(["female", "male"], size=n, p=[0.55, 0.45]),
        "age": np.clip(rng.normal(42, 11, size=n).round().astype(int), 18, 66),
        "education": rng.choice(["low", "middle", "high", "unknown"], size=n, p=[0.55, 0.25, 0.08, 0.12]),
        "benefit_months": np.clip(rng.gamma(1.6, 30, size=n).round().astype(int), 0, 360),
        "start_date": start,
        "end_date": pd.Timestamp(REFERENCE_DATE),
        "outflow_date": date(outflow_day),
        "outflow_reason": outflow_reason,
        "returned_date": date(returned_day),
        "parttime_months": parttime_months,
        "contacts_total": total,
        "contacts_selected": selected,
        "no_show": no_show,
        "handover": handover,
    })


def _with_mean(values: np.ndarray, mean: float, rng: np.random.Generator) -> np.ndarray:
    """``values`` nudged by ±1 on random persons so that their mean is ``mean`` (to the
    nearest whole total), keeping every value ≥ 0."""
    values = values.astype(int).copy()
    gap = round_half_up(mean * len(values)) - int(values.sum())
    while gap != 0:
        step = 1 if gap > 0 else -1
        pool = np.arange(len(values)) if step > 0 else np.flatnonzero(values > 0)
        chosen = rng.choice(pool, size=min(abs(gap), len(pool)), replace=False)
        values[chosen] += step
        gap -= step * len(chosen)
    return values


def write_csv(frame: pd.DataFrame, path) -> None:
    """Write in the contract's CSV form: ISO dates, empty cells for missing values."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: "true", False: "false"})
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n")


def wgw_register() -> pd.DataFrame:
    """The WGW effect-study register: WGW group and matched control group (seed 000, ch. 8)."""
    figures = published.load("wgw", "effect_study")
    return register([targets_from_published(figures, g) for g in ("programme", "control")], prefix="W")


GENERATORS = {
    "wgw/register.csv": wgw_register,
}


def main() -> None:
    out = paths.repo_root() / "data" / "synthetic"
    for relative, generate in GENERATORS.items():
        write_csv(generate(), out / relative)
        print(f"wrote data/synthetic/{relative}")


if __name__ == "__main__":
    main()
