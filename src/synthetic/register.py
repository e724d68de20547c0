"""Synthetic person-level data, calibrated to the published figures.

The reports' microdata are not public. The book therefore ships synthetic data whose
aggregates reproduce every published percentage when rounded as the reports round (half
up, to whole percents) and every published mean to its printed precision.

Per programme there are two files, made the way a researcher would make them:

* ``pool.csv`` (contract :data:`evalbook.schemas.register.POOL`): the programme persons and a much
  larger population of candidates (jobseekers in Prematching in the same period, not in the
  programme), with the matching variables and the register's outcome columns;
* ``register.csv``: the output of :func:`evalbook.matching.register_from_pool` on that pool,
  i.e. the programme group and its matched control group.

How the numbers are met: the counts of each group (per target group) are solved from the
published figures and the assumptions (:mod:`synthetic.targets`). Covariates are drawn
first; the candidates are matched; then outcomes are dealt out so that the programme group
and the *matched* control group meet their counts exactly.
``python -m synthetic`` rewrites the committed files; a test checks that the
committed files equal a fresh generation.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from evalbook.analysis import matching
from evalbook.core.rounding import round_half_up
from evalbook.schemas.register import REGISTER

from .targets import (
    CONTACT_SHAPES,
    GroupTargets,
    published_figures,
    read_assumptions,
    resolve_values,
    solve,
    targets_from_published,
)

SEED = 20181031  # the month the evaluations closed
START_MONTHS = ("2017-09-01", "2017-10-01")  # intake cohorts of the WGW effect study
REFERENCE_DATE = "2018-10-31"  # peildatum
FOLLOW_UP_MONTHS = 12
CANDIDATES_PER_PERSON = 6  # the pool of candidates per programme person, per target group
# When in the window a person leaves: Beta(a, b) of the window (from day 14 to 46 days before its
# end), earlier exits more likely (as in benefit-duration data); no timing is published.
EXIT_TIMING = (1.2, 1.6)
# Bands within the matching's (matching.AGE_BANDS, BENEFIT_BANDS) in which the candidates must
# be at least as many as the programme persons (:func:`_make_matchable`); the open band of 60+
# months on benefit is split up to 20 years.
FINE_AGE_BANDS = (15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 71)
FINE_BENEFIT_BANDS = (0, 3, 6, 9, 12, 18, 24, 36, 48, 60, 90, 120, 180, 240, np.inf)

# -- persons ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How the matching variables of a population are distributed (synthetic, by design)."""

    female: float
    age_mean: float
    education: tuple[float, float, float, float]  # low, middle, high, unknown
    months_min: int  # months on benefit: months_min + Gamma(1.6, months_scale)
    months_scale: float
    start_months: tuple[str, ...]
    age_sd: float = 11.0


EDUCATION = ("low", "middle", "high", "unknown")


def covariates(n: int, profile: Profile, rng: np.random.Generator) -> pd.DataFrame:
    """Sex, age, education, months on benefit and start date of ``n`` persons."""
    return pd.DataFrame(
        {
            "sex": rng.choice(["female", "male"], size=n, p=[profile.female, 1 - profile.female]),
            "age": np.clip(rng.normal(profile.age_mean, profile.age_sd, size=n).round().astype(int), 18, 66),
            "education": rng.choice(EDUCATION, size=n, p=profile.education),
            "benefit_months": np.clip(
                profile.months_min + rng.gamma(1.6, profile.months_scale, size=n).round().astype(int), 0, 360
            ),
            "start_date": pd.to_datetime(rng.choice(profile.start_months, size=n)),
        }
    )


def _ranked(score: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Indices in a random order in which a higher score tends to come first (weighted
    sampling without replacement, by the Gumbel-top-k trick)."""
    return np.argsort(-(score + rng.gumbel(size=len(score))), kind="stable")


def _spaced_beta(k: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` draws of the Beta distribution :data:`EXIT_TIMING`, one from each ``1/k`` of its
    probability, in random order: the exits of a group follow its shape closely, so that a
    comparison of when the groups leave (the log-rank test) says what the counts and the shape
    say, not how the draws happened to fall (with independent draws, WGW's p-value moved
    between 0.036 and 0.056 over eight seeds; spaced, it stays at 0.044)."""
    return stats.beta.ppf((rng.permutation(k) + rng.random(k)) / max(k, 1), *EXIT_TIMING)


def _spread(people: np.ndarray, k: int, level: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``k`` of ``people`` (indices) at random, each ``level`` (education) getting its share of
    the ``k`` in proportion to its size among ``people`` (largest remainder, ties at random).

    The events are independent of the covariates either way; spreading them keeps a small
    level from being left without an event by chance (a level without one separates the
    outcome, and the adjusted effect, which adjusts for education, cannot be estimated).
    """
    levels, at = np.unique(level[people], return_inverse=True)
    sizes = np.bincount(at, minlength=len(levels))
    quota = k * sizes / max(len(people), 1)
    counts = np.floor(quota).astype(int)
    rest = np.lexsort((rng.random(len(levels)), counts - quota))[: k - int(counts.sum())]
    counts[rest] += 1
    chosen = [rng.choice(people[at == i], size=c, replace=False) for i, c in enumerate(counts)]
    return np.sort(np.concatenate([np.asarray(people[:0]), *chosen]))


def outcomes(
    t: GroupTargets, persons: pd.DataFrame, rng: np.random.Generator, shapes: tuple[float, float]
) -> pd.DataFrame:
    """``persons`` (covariates) with outcome columns meeting ``t`` exactly. Younger persons,
    shorter on benefit and with more education find work somewhat more often; exits for other
    reasons, handovers and no-shows do not depend on the covariates and are spread over the
    education levels (:func:`_spread`). Exits fall in the window as :func:`_spaced_beta` says.
    ``shapes``: the negative binomial shapes of the selected and the other contacts
    (:data:`CONTACT_SHAPES`)."""
    n = t.n
    if len(persons) != n:
        raise ValueError(f"{t.group}: {len(persons)} persons for a target of {n}")
    start = pd.DatetimeIndex(persons["start_date"])
    end = (start + pd.DateOffset(months=FOLLOW_UP_MONTHS)).where(
        start + pd.DateOffset(months=FOLLOW_UP_MONTHS) < pd.Timestamp(REFERENCE_DATE), pd.Timestamp(REFERENCE_DATE)
    )
    window_days = (end - start).days.to_numpy()
    prospects = (
        -0.03 * (persons["age"].to_numpy(float) - 40)
        - 0.01 * persons["benefit_months"].to_numpy(float)
        + 0.4 * persons["education"].isin(["middle", "high"]).to_numpy()
    )
    education = persons["education"].to_numpy()
    order = _ranked(prospects, rng)
    work = order[: t.outflow_work]
    other = _spread(order[t.outflow_work :], t.outflow_other, education, rng)
    stay = np.setdiff1d(order[t.outflow_work :], other)

    outflow_day = np.full(n, -1)
    outflow_reason = np.full(n, None, dtype=object)
    for idx, reason in ((work, "work"), (other, "other")):
        outflow_day[idx] = (14 + _spaced_beta(len(idx), rng) * (window_days[idx] - 60)).astype(int)
        outflow_reason[idx] = reason
    returned = np.concatenate(
        [
            rng.choice(work, size=t.returned_after_work, replace=False),
            rng.choice(other, size=t.returned_after_other, replace=False),
        ]
    )
    returned_day = np.full(n, -1)
    returned_day[returned] = (
        outflow_day[returned]
        + 1
        + (rng.random(len(returned)) * (window_days[returned] - outflow_day[returned] - 2)).astype(int)
    )

    not_work = np.concatenate([other, stay])
    parttime = np.concatenate(
        [
            rng.choice(work, size=t.parttime_and_work, replace=False),
            not_work[_ranked(prospects[not_work], rng)[: t.parttime - t.parttime_and_work]],
        ]
    )
    parttime_months = np.zeros(n, dtype=int)
    parttime_months[parttime] = rng.integers(1, 7, size=len(parttime))

    handover = np.full(n, None, dtype=object)
    to_matching = _spread(stay, t.handover_matching, education, rng)
    handover[to_matching] = "matching"
    handover[_spread(np.setdiff1d(stay, to_matching), t.handover_mo, education, rng)] = "mo"
    no_show = np.zeros(n, dtype=bool)
    no_show[_spread(np.arange(n), t.no_show, education, rng)] = True

    a, b = shapes
    selected = _with_mean(
        rng.negative_binomial(a, a / (a + t.contacts_selected_mean), size=n), t.contacts_selected_mean, rng
    )
    other_contacts = t.contacts_total_mean - t.contacts_selected_mean
    total = selected + _with_mean(rng.negative_binomial(b, b / (b + other_contacts), size=n), other_contacts, rng)

    def date(days):
        return pd.Series(
            [s + pd.Timedelta(days=int(d)) if d >= 0 else pd.NaT for s, d in zip(start, days, strict=True)],
            dtype="datetime64[ns]",
        )

    return pd.DataFrame(
        {
            "group": t.group,
            "target_group": t.target_group,
            "sex": persons["sex"].to_numpy(),
            "age": persons["age"].to_numpy(),
            "education": persons["education"].to_numpy(),
            "benefit_months": persons["benefit_months"].to_numpy(),
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
        }
    )


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


# -- a study: programme group, candidate pool, matched control group -------------------------------


@dataclass(frozen=True)
class Stratum:
    """One target group of a study (or the whole study when it has none)."""

    target_group: str | None
    programme: GroupTargets
    control: dict[str, tuple[float, bool]]  # the control group's values; its n is the matched count
    n_control: int
    profile: Profile  # the programme persons
    candidates: Profile  # the pool's candidates


def pool(
    strata: list[Stratum], prefix: str, outflow_measure: str, shapes: tuple[float, float], seed: int = SEED
) -> pd.DataFrame:
    """The candidate pool of a study (contract :data:`evalbook.schemas.register.POOL`).

    Per stratum: programme persons and ``CANDIDATES_PER_PERSON`` times as many candidates
    are drawn. ``programme.n - n_control`` programme persons, each alone in its matching
    cell, get no candidate in that cell (they stay unmatched, as in the reports' "300 and
    294"); every other cell is topped up with look-alike candidates until each programme
    person has one nearby (:func:`_make_matchable`), so that the matched groups are alike
    (``tests/test_matching.py``: every |SMD| below 0.1, per target group too). Matching then
    selects the control group, and outcomes are dealt out so that the programme group and the
    matched control group meet their targets exactly (``shapes``: see :func:`outcomes`).
    """
    rng = np.random.default_rng(seed)
    persons = []
    for s in strata:
        treated = covariates(s.programme.n, s.profile, rng).assign(group="programme", target_group=s.target_group)
        others = covariates(CANDIDATES_PER_PERSON * s.programme.n, s.candidates, rng).assign(
            group=matching.CANDIDATE, target_group=s.target_group
        )
        persons.append(_make_matchable(treated, others, s.programme.n - s.n_control, rng))
    frame = pd.concat(persons, ignore_index=True)
    frame["person_id"] = [f"{prefix}{i:05d}" for i in rng.permutation(len(frame)) + 1]
    pairs = matching.match(frame)
    matched = set(pairs["control_id"])
    parts = []
    for s in strata:
        in_stratum = frame["target_group"].astype("object").fillna("") == (s.target_group or "")
        treated = frame[in_stratum & (frame["group"] == "programme")]
        controls = frame[in_stratum & frame["person_id"].isin(matched)]
        others = frame[in_stratum & (frame["group"] == matching.CANDIDATE) & ~frame["person_id"].isin(matched)]
        if len(controls) != s.n_control:
            raise ValueError(f"{s.target_group}: matching found {len(controls)} controls, expected {s.n_control}")
        for part, targets in (
            (treated, s.programme),
            (controls, solve(s.control, matching.CANDIDATE, s.target_group, len(controls), outflow_measure)),
            (
                others,
                solve(
                    {q: (v, False) for q, (v, _) in s.control.items()},
                    matching.CANDIDATE,
                    s.target_group,
                    len(others),
                    outflow_measure,
                ),
            ),
        ):
            parts.append(outcomes(targets, part, rng, shapes).assign(person_id=part["person_id"].to_numpy()))
    columns = ["person_id", *[c for c in REGISTER.names if c != "person_id"]]
    return pd.concat(parts, ignore_index=True)[columns].sort_values("person_id", ignore_index=True)


def _make_matchable(
    treated: pd.DataFrame, others: pd.DataFrame, unmatched: int, rng: np.random.Generator
) -> pd.DataFrame:
    """``treated`` and ``others`` (one stratum) such that exactly ``unmatched`` programme
    persons have no candidate in their matching cell and every other cell has enough.

    Enough is counted in finer bands (:data:`FINE_AGE_BANDS`, :data:`FINE_BENEFIT_BANDS`)
    inside each matching cell: where the candidates are fewer than the programme persons,
    look-alikes are added. Counted per matching cell only, a cell can hold enough candidates
    that all lie far from its programme persons (in the open band of 60+ months on benefit,
    60 against 250 months), and the pairs, though in one cell, would not be alike.
    """
    cell_t, cell_o = matching.cells(treated), matching.cells(others)
    sizes = cell_t.value_counts()
    singles = sorted(sizes[sizes == 1].index)
    if len(singles) < unmatched:
        raise ValueError(f"only {len(singles)} programme persons alone in their cell; {unmatched} must stay unmatched")
    empty = _left_unmatched(treated, cell_t, singles, unmatched, rng)
    others = others[~cell_o.isin(empty)]
    treated_kept = treated[~cell_t.isin(empty)]
    fine_t = _fine_cells(treated_kept)
    have = _fine_cells(others).value_counts()
    extra = []
    for cell, members in treated_kept.groupby(fine_t, sort=True):
        deficit = len(members) - int(have.get(cell, 0))
        if deficit > 0:  # look-alikes: same sex, education and fine bands, age and months nudged within them
            copies = members.sample(n=deficit, random_state=rng).assign(group=matching.CANDIDATE)
            copies["age"] = _within(copies["age"], FINE_AGE_BANDS, rng)
            copies["benefit_months"] = _within(copies["benefit_months"], FINE_BENEFIT_BANDS, rng)
            extra.append(copies)
    return pd.concat([treated, others, *extra], ignore_index=True)


def _left_unmatched(
    treated: pd.DataFrame, cell: pd.Series, singles: list[str], k: int, rng: np.random.Generator
) -> set[str]:
    """``k`` of the ``singles`` (cells holding one programme person) to leave without a
    candidate: one at a time, the one whose person's absence changes the programme group least
    (the largest |SMD| between the whole group and those kept), ties at random.

    The reports call their matched groups alike ("nagenoeg vergelijkbaar"); a single in a rare
    category left unmatched by chance (one of OAP's 60, with higher education) would already
    unbalance a small target group, whatever the matching does.
    """
    chosen: list[str] = []
    for _ in range(k):

        def change(single: str) -> float:
            kept = treated[~cell.isin([*chosen, single])]
            return float(matching.balance(treated, kept)["smd"].abs().max())

        chosen.append(min((c for c in rng.permutation(singles) if c not in chosen), key=change))
    return set(chosen)


def _fine_cells(frame: pd.DataFrame) -> pd.Series:
    """The matching cell of each person refined by the fine bands (a part of one matching cell)."""
    age = np.searchsorted(FINE_AGE_BANDS, frame["age"].to_numpy(dtype=float), side="right")
    months = np.searchsorted(FINE_BENEFIT_BANDS, frame["benefit_months"].to_numpy(dtype=float), side="right")
    return matching.cells(frame) + "|" + pd.Series(age * 100 + months, index=frame.index).astype(str)


def _within(values: pd.Series, bands, rng: np.random.Generator) -> np.ndarray:
    """``values`` moved by -2..2, kept inside their band."""
    v = values.to_numpy(dtype=int)
    edges = np.asarray(bands, dtype=float)
    band = np.searchsorted(edges, v, side="right")
    low, high = edges[band - 1], np.minimum(edges[band] - 1, 360)
    return np.clip(v + rng.integers(-2, 3, size=len(v)), low, high).astype(int)


# -- the programmes -------------------------------------------------------------------------------

WGW_PROGRAMME = Profile(
    female=0.55,
    age_mean=42,
    education=(0.55, 0.25, 0.08, 0.12),
    months_min=0,
    months_scale=30,
    start_months=START_MONTHS,
)
WGW_CANDIDATES = Profile(
    female=0.47,
    age_mean=38,
    education=(0.47, 0.30, 0.11, 0.12),
    months_min=0,
    months_scale=22,
    start_months=START_MONTHS,
    age_sd=12,
)

# Route 3's target groups (ch. 3.1): when they entered, and who they are. Stilstaand water had
# been 9+ months in Matching in March 2017; Nieuwe instroom entered Prematching through the
# Werkintake between April and October 2017; Team 6 and OAP joined from November 2017.
ROUTE3_TARGET_GROUPS = {
    "stilstaand_water": (
        Profile(0.50, 43, (0.60, 0.24, 0.05, 0.11), 9, 25, ("2017-04-01",)),
        Profile(0.44, 40, (0.52, 0.28, 0.08, 0.12), 9, 18, ("2017-04-01",), age_sd=12),
    ),
    "nieuwe_instroom": (
        Profile(
            0.55,
            36,
            (0.50, 0.30, 0.09, 0.11),
            0,
            2.5,
            ("2017-04-01", "2017-05-01", "2017-06-01", "2017-07-01", "2017-08-01", "2017-09-01", "2017-10-01"),
        ),
        Profile(
            0.47,
            33,
            (0.42, 0.34, 0.13, 0.11),
            0,
            2.0,
            ("2017-04-01", "2017-05-01", "2017-06-01", "2017-07-01", "2017-08-01", "2017-09-01", "2017-10-01"),
            age_sd=12,
        ),
    ),
    "team6": (
        Profile(0.45, 46, (0.65, 0.20, 0.04, 0.11), 12, 35, ("2017-11-01", "2017-12-01", "2018-01-01", "2018-02-01")),
        Profile(
            0.40,
            42,
            (0.58, 0.24, 0.06, 0.12),
            12,
            28,
            ("2017-11-01", "2017-12-01", "2018-01-01", "2018-02-01"),
            age_sd=12,
        ),
    ),
    "oap": (
        Profile(0.58, 48, (0.68, 0.16, 0.03, 0.13), 24, 40, ("2017-11-01", "2017-12-01", "2018-01-01", "2018-02-01")),
        Profile(
            0.50,
            45,
            (0.60, 0.22, 0.05, 0.13),
            24,
            30,
            ("2017-11-01", "2017-12-01", "2018-01-01", "2018-02-01"),
            age_sd=12,
        ),
    ),
}
# Not reported for Route 3 (the experiment chose not to hand over; the chapter leaves these out).
ROUTE3_FIXED = {"handover_matching": 0.0, "handover_mo": 0.0}


def _assumed(programme: str) -> dict[str, float]:
    frame = read_assumptions(programme=programme, chapter="effect_study")
    frame = frame[frame["kind"] == "number"]
    return {p: float(v) for p, v in zip(frame["parameter"], frame["value"], strict=True)}


def _shapes(assumed: dict[str, float]) -> tuple[float, float]:
    """The contacts' negative binomial shapes (:data:`CONTACT_SHAPES`) from the assumptions."""
    return tuple(assumed[name] for name in CONTACT_SHAPES)


@functools.cache
def wgw_pool() -> pd.DataFrame:
    """The WGW candidate pool (seed 000, ch. 8: 300 in WGW, 294 matched controls)."""
    figures = published_figures("wgw", "effect_study")
    assumed = _assumed("wgw")
    programme = targets_from_published(figures, "programme", assumed=assumed)
    control = resolve_values(figures, "control", assumed=assumed)
    stratum = Stratum(None, programme, control, int(control["n"][0]), WGW_PROGRAMME, WGW_CANDIDATES)
    return pool([stratum], prefix="W", outflow_measure="event", shapes=_shapes(assumed))


def wgw_register() -> pd.DataFrame:
    """The WGW effect-study register: WGW group and matched control group (seed 000, ch. 8)."""
    return matching.register_from_pool(wgw_pool())


@functools.cache
def route3_pool() -> pd.DataFrame:
    """The Route 3 candidate pool: four target groups, each with its own candidates (seed 002,
    ch. 7). Group sizes and the figures the report does not give are assumptions."""
    figures = published_figures("route3", "effect_study")
    assumed = _assumed("route3")
    strata = []
    for target_group, (profile, candidates) in ROUTE3_TARGET_GROUPS.items():
        values = resolve_values(figures, "programme", target_group, assumed, fixed=ROUTE3_FIXED)
        programme = solve(values, "programme", target_group, outflow_measure="status")
        like = {q: v for q, (v, _) in values.items() if q != "n"}
        control = resolve_values(figures, "control", target_group, assumed, like=like, fixed=ROUTE3_FIXED)
        strata.append(Stratum(target_group, programme, control, int(control["n"][0]), profile, candidates))
    return pool(strata, prefix="R", outflow_measure="status", shapes=_shapes(assumed))


def route3_register() -> pd.DataFrame:
    """The Route 3 effect-study register: the matching step applied to the pool."""
    return matching.register_from_pool(route3_pool())
