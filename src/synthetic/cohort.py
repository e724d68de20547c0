"""The synthetic WW@Work cohort (``data/synthetic/wwatwork/cohort.csv``): one row per
max-WW'er, calibrated to the funnel figures of the casestudy Rotterdam Zuid.

:func:`cohort_targets` solves the counts the cohort meets exactly from the published figures;
:func:`generate` draws the persons with a fixed seed. The constants below are the numbers the
report does not publish (stated with their reasons in ``data/synthetic/assumptions.csv``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evalbook.analysis import published
from evalbook.analysis.wwatwork import WORK_WINDOW
from evalbook.core.rounding import count_for_percent, round_half_up
from evalbook.schemas.cohort import REGIONS

SEED = 20171231  # "Eind 2017": the date of the caseload figures the cohort reproduces
LAST_COHORT = "2017-12-01"  # the caseload and work counts are "eind 2017"
TEAM_START = "2016-11-01"  # "Vanaf medio november 2016 worden 4 consulenten ... gedetacheerd"
NOT_INVITED_SHARE = 0.05  # filtered off the printout (likely no right to Bijstand); size not published
BETA_CONCENTRATION = 4.0  # a + b of the Beta distribution of predicted probabilities; not published
TEAM_ATTRIBUTION_SHARE = 0.5  # "door ons" among work found; the rest "mogelijk door ons"; not published
PREDICTION_YEAR_MONTHS = 12  # UWV's 2017 prediction of 2.240 covers one year of max-WW'ers


@dataclass(frozen=True)
class CohortTargets:
    """Counts the synthetic cohort meets exactly, solved from the published figures."""

    months: int
    n: int
    noord: int
    invited: int
    attended: int
    coached: int
    found_work: int
    work_in_window: int
    work_noord: int
    mean_predicted: float
    coaching_months: int

    @property
    def bijstand_coached(self) -> int:
        return self.coached - self.found_work


def cohort_targets(figures: pd.DataFrame) -> CohortTargets:
    """Solve the cohort's counts from the WW@Work figures (``effect_study.csv``).

    * coached: the caseload whose conversion to work rounds to the printed 37% with the
      printed 470 who found work, nearest to 470 / 37% (the printed "circa 1300" allows it);
    * months: the fewest monthly cohorts of ≈500 (ending in December 2017) whose attendees
      (20% of those invited) can fill that caseload;
    * mean predicted probability: UWV's predicted 2.240 for 2017 over a year of cohorts.
    """
    v = figures.set_index("figure_id")["value"]
    per_month = int(v["leaving_ww_per_month"])
    attend = v["attended_information_meeting"]
    work = int(v["found_work_cumulative"])
    conversion = v["conversion_work"]
    candidates = [n for n in range(work + 1, 10 * work) if round_half_up(100 * work / n) == round_half_up(conversion)]
    coached = min(candidates, key=lambda n: abs(n - 100 * work / conversion))
    if round_half_up(100 * (coached - work) / coached) != round_half_up(v["into_bijstand"]):
        raise ValueError("the published conversion and Bijstand shares do not add up for this caseload")
    months = math.ceil(coached / (per_month * (1 - NOT_INVITED_SHARE) * attend / 100))
    n = months * per_month
    invited = round_half_up(n * (1 - NOT_INVITED_SHARE))
    return CohortTargets(
        months=months,
        n=n,
        noord=round_half_up(n * v["maxww_share_noord"] / 100),
        invited=invited,
        attended=count_for_percent(attend, invited),
        coached=coached,
        found_work=work,
        work_in_window=int(v["found_work_jan_jun_2017"]),
        work_noord=round_half_up(work * v["outflow_share_noord"] / 100),
        mean_predicted=v["doorstroom_predicted_count_rotterdam_2017"] / (PREDICTION_YEAR_MONTHS * per_month),
        coaching_months=int(v["intake_before_ww_end_months"]),
    )


def generate(seed: int = SEED) -> pd.DataFrame:
    """The synthetic WW@Work cohort (``cohort`` contract), meeting :func:`cohort_targets`.

    Persons are spread over the monthly cohorts at random (≈500 a month) and over Noord and
    Zuid as published (50/50). Within each region the same shares are invited, attend, are
    coached and find work (the published outflow split is 50/50, the FTE split is not an
    outcome). UWV's predicted probabilities come from Beta distributions: for the coached
    with mean equal to their Bijstand share, for everyone else with the mean that makes the
    whole cohort's mean the published 2017 prediction. Realised inflow follows the
    prediction (coached: the Bijstand entrants are drawn with weights ``p``; others:
    Bernoulli(``p``)): the synthetic programme has **no effect**. Work months lie in the
    coaching window (the cohort month and up to ``coaching_months`` before, not before the
    team started), with exactly the published number from January to June 2017.
    """
    t = cohort_targets(published.load("wwatwork", "effect_study"))
    rng = np.random.default_rng(seed)
    months = pd.date_range(end=LAST_COHORT, periods=t.months, freq="MS")
    cohort_month = np.repeat(months.to_numpy(), rng.multinomial(t.n, [1 / t.months] * t.months))
    region = rng.permutation(np.array(["noord"] * t.noord + ["zuid"] * (t.n - t.noord), dtype=object))

    invited = np.zeros(t.n, dtype=bool)
    attended = np.zeros(t.n, dtype=bool)
    coached = np.zeros(t.n, dtype=bool)
    bijstand = np.zeros(t.n, dtype=bool)
    predicted = np.zeros(t.n)
    shares = {"noord": t.noord / t.n}
    shares["zuid"] = 1 - shares["noord"]
    m_coached = t.bijstand_coached / t.coached
    m_other = (t.mean_predicted * t.n - t.bijstand_coached) / (t.n - t.coached)
    for r in REGIONS:
        first = r == REGIONS[0]
        people = np.flatnonzero(region == r)
        inv = rng.choice(people, _part(t.invited, shares, r), replace=False)
        att = rng.choice(inv, _part(t.attended, shares, r), replace=False)
        coa = rng.choice(att, _part(t.coached, shares, r), replace=False)
        invited[inv], attended[att], coached[coa] = True, True, True
        predicted[coa] = rng.beta(m_coached * BETA_CONCENTRATION, (1 - m_coached) * BETA_CONCENTRATION, len(coa))
        n_work = t.work_noord if first else t.found_work - t.work_noord
        weights = predicted[coa] / predicted[coa].sum()
        bijstand[rng.choice(coa, len(coa) - n_work, replace=False, p=weights)] = True
    others = np.flatnonzero(~coached)
    predicted[others] = rng.beta(m_other * BETA_CONCENTRATION, (1 - m_other) * BETA_CONCENTRATION, len(others))
    bijstand[others] = rng.random(len(others)) < predicted[others]
    predicted = np.clip(np.round(predicted, 4), 0.0001, 0.9999)

    work = np.flatnonzero(coached & ~bijstand)
    found_work = pd.array([pd.NA] * t.n, dtype="boolean")
    found_work[coached] = ~bijstand[coached]
    attribution = np.full(t.n, None, dtype=object)
    team = rng.choice(work, round_half_up(TEAM_ATTRIBUTION_SHARE * len(work)), replace=False)
    attribution[work] = "possibly_team"
    attribution[team] = "team"
    work_month = np.full(t.n, np.datetime64("NaT"), dtype="datetime64[ns]")
    work_month[work] = _work_months(pd.DatetimeIndex(cohort_month[work]), t, rng)

    frame = pd.DataFrame(
        {
            "cohort_month": pd.DatetimeIndex(cohort_month),
            "region": region,
            "invited": invited,
            "attended": attended,
            "coached": coached,
            "found_work": found_work,
            "work_month": work_month,
            "attribution": attribution,
            "bijstand_inflow": bijstand,
            "predicted_inflow": predicted,
        }
    )
    frame.insert(0, "person_id", [f"WW{i:05d}" for i in rng.permutation(t.n) + 1])
    return frame.sort_values("person_id", ignore_index=True)


def _part(total: int, shares: dict[str, float], region: str) -> int:
    """``total`` split over the regions by ``shares`` (the first region rounded half up, the
    second the rest)."""
    first = round_half_up(total * shares[REGIONS[0]])
    return first if region == REGIONS[0] else total - first


def _work_months(cohort_month: pd.DatetimeIndex, t: CohortTargets, rng: np.random.Generator) -> np.ndarray:
    """A month of finding work per person: the cohort month or up to ``coaching_months``
    before, not before the team started; exactly ``t.work_in_window`` in the published window."""
    start, (w_from, w_to) = pd.Timestamp(TEAM_START), pd.to_datetime(WORK_WINDOW)
    options = [
        [m for m in (c - pd.DateOffset(months=k) for k in range(t.coaching_months + 1)) if m >= start]
        for c in cohort_month
    ]
    inside = [[w_from <= m <= w_to for m in opts] for opts in options]
    must = np.array([all(i) for i in inside])
    flexible = np.flatnonzero(np.array([any(i) and not all(i) for i in inside]))
    need = t.work_in_window - int(must.sum())
    if not 0 <= need <= len(flexible):
        raise ValueError(f"cannot place {t.work_in_window} work months in the window")
    into = must.copy()
    into[rng.choice(flexible, need, replace=False)] = True
    chosen = []
    for opts, ins, want in zip(options, inside, into, strict=True):
        pool = [m for m, i in zip(opts, ins, strict=True) if i == want]
        chosen.append(pool[rng.integers(len(pool))])
    return pd.DatetimeIndex(chosen).to_numpy()
