"""Time to an event with right censoring: Kaplan–Meier, log-rank and competing causes.

The input is a time-to-event frame, one row per person: ``group``, ``days`` (to the event or
to censoring), ``event`` (bool) and ``cause`` (missing when censored). Groups are taken in
the order in which they first appear.

* Survival per group: the Kaplan–Meier product-limit estimate of statsmodels'
  ``SurvfuncRight`` with Greenwood's standard error and a pointwise interval on the
  log(−log) scale, ``S^exp(±z·se/(S·|log S|))``, which stays within [0, 1].
* Groups compared with the log-rank test (statsmodels ``survdiff``, chi-square with
  groups − 1 degrees of freedom).
* Competing causes: the cumulative incidence of each cause by Aalen–Johansen,
  ``CIF_k(t) = Σ_{t_j ≤ t} S(t_j−) · d_kj / n_j`` with ``S`` the all-cause Kaplan–Meier,
  ``d_kj`` the events of cause ``k`` and ``n_j`` the persons at risk at ``t_j``. Without
  competing causes this is 1 − Kaplan–Meier; 1 − KM per cause would overstate each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

CAUSES = ("work", "other")


@dataclass(frozen=True)
class LogRank:
    """The log-rank test: chi-square ``statistic`` on ``df`` degrees of freedom, ``p_value``."""

    statistic: float
    df: int
    p_value: float


def kaplan_meier(tte: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Kaplan–Meier per group: ``group, days, survival, low, high, at_risk`` at day 0, at every
    day with an event and at the end of follow-up (a right-continuous step function)."""
    z = stats.norm.isf(alpha / 2)
    parts = []
    for group, data in _by_group(tte):
        sf = SurvfuncRight(data["days"].to_numpy(float), data["event"].to_numpy(float))
        s, se = sf.surv_prob, sf.surv_prob_se
        with np.errstate(divide="ignore", invalid="ignore"):
            spread = np.exp(z * se / (s * np.abs(np.log(s))))
            low, high = np.where(s > 0, s**spread, 0.0), np.where(s > 0, s ** (1 / spread), 0.0)
        parts.append(
            _with_ends(
                data,
                pd.DataFrame(
                    {
                        "group": group,
                        "days": sf.surv_times.astype(int),
                        "survival": s,
                        "low": low,
                        "high": high,
                        "at_risk": sf.n_risk.astype(int),
                    }
                ),
                {"group": group, "survival": 1.0, "low": 1.0, "high": 1.0},
            )
        )
    return pd.concat(parts, ignore_index=True)


def log_rank(tte: pd.DataFrame) -> LogRank:
    """The log-rank test of equal event hazards in the groups."""
    statistic, p_value = survdiff(
        tte["days"].to_numpy(float), tte["event"].to_numpy(float), tte["group"].to_numpy(dtype=object)
    )
    return LogRank(float(statistic), int(tte["group"].nunique()) - 1, float(p_value))


def cumulative_incidence(tte: pd.DataFrame, causes=CAUSES) -> pd.DataFrame:
    """Aalen–Johansen cumulative incidence per group and cause: ``group, cause, days, cif,
    at_risk`` at day 0, at every day with an event of any cause and at the end of follow-up."""
    parts = []
    for group, data in _by_group(tte):
        days = np.sort(data.loc[data["event"], "days"].unique())
        at_risk = np.array([(data["days"] >= t).sum() for t in days], dtype=int)
        exits = np.array([(data["event"] & (data["days"] == t)).sum() for t in days])
        before = np.r_[1.0, np.cumprod(1 - exits / at_risk)[:-1]]  # all-cause S(t-)
        for cause in causes:
            cause_exits = np.array([(data["cause"].eq(cause) & (data["days"] == t)).sum() for t in days])
            steps = pd.DataFrame(
                {
                    "group": group,
                    "cause": cause,
                    "days": days.astype(int),
                    "cif": np.cumsum(before * cause_exits / at_risk),
                    "at_risk": at_risk,
                }
            )
            parts.append(_with_ends(data, steps, {"group": group, "cause": cause, "cif": 0.0}))
    return pd.concat(parts, ignore_index=True)


def _with_ends(data: pd.DataFrame, steps: pd.DataFrame, start: dict) -> pd.DataFrame:
    """``steps`` (the values at the event days) with a first row at day 0 holding ``start``
    (the keys and the starting values) and, if follow-up goes on after the last event, a last
    row at its end carrying the last values forward; ``data`` is the group's part of the
    time-to-event frame."""
    first = pd.DataFrame([start | {"days": 0, "at_risk": len(data)}])
    rows = pd.concat([first, steps], ignore_index=True) if len(steps) else first
    end = int(data["days"].max())
    if end > rows["days"].iloc[-1]:
        rows = pd.concat(
            [rows, rows.iloc[[-1]].assign(days=end, at_risk=int((data["days"] >= end).sum()))], ignore_index=True
        )
    return rows[steps.columns]


def _by_group(tte: pd.DataFrame):
    """The groups in the order of their first row."""
    return [(g, tte[tte["group"] == g]) for g in pd.unique(tte["group"])]
