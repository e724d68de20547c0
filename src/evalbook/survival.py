"""Time to outflow from the benefit: Kaplan–Meier, log-rank and competing exits.

Time runs in days from ``start_date``; a person leaves at ``outflow_date`` (cause: the
``outflow_reason``, work or other) if that falls within the follow-up window
(:func:`evalbook.outcomes.window_end`), and is censored at the window's end otherwise.

* Survival ("still on benefit") per group: the Kaplan–Meier product-limit estimate of
  statsmodels' ``SurvfuncRight`` with Greenwood's standard error and a pointwise interval on
  the log(−log) scale, ``S^exp(±z·se/(S·|log S|))``, which stays within [0, 1].
* Groups compared with the log-rank test (statsmodels ``survdiff``, chi-square with
  groups − 1 degrees of freedom).
* Competing exits: the cumulative incidence of each cause by Aalen–Johansen,
  ``CIF_k(t) = Σ_{t_j ≤ t} S(t_j−) · d_kj / n_j`` with ``S`` the all-cause Kaplan–Meier,
  ``d_kj`` the exits of cause ``k`` and ``n_j`` the persons at risk at ``t_j``. Without
  competing causes this is 1 − Kaplan–Meier; 1 − KM per cause would overstate each.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from .analysis.outcomes import BY_NAME, window_end
from .compare import GROUPS
from .disclosure import rules as disclosure
from .report import format as fmt

CAUSES = ("work", "other")  # titled by the outcomes outflow_work and outflow_other
DAYS_LABEL = "Dagen sinds de start"


@dataclass(frozen=True)
class LogRank:
    """The log-rank test: chi-square ``statistic`` on ``df`` degrees of freedom, ``p_value``."""

    statistic: float
    df: int
    p_value: float


def time_to_event(register: pd.DataFrame, follow_up_months: int = 12) -> pd.DataFrame:
    """One row per person: ``group``, ``days`` (to outflow or censoring), ``event`` (bool) and
    ``cause`` (``work``/``other``, missing when censored)."""
    end = window_end(register, follow_up_months)
    event = register["outflow_date"].notna() & (register["outflow_date"] <= end)
    stop = register["outflow_date"].where(event, end)
    return pd.DataFrame({
        "group": register["group"],
        "days": (stop - register["start_date"]).dt.days.astype(int),
        "event": event.astype(bool),
        "cause": register["outflow_reason"].where(event),
    })


def kaplan_meier(tte: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Kaplan–Meier per group: ``group, days, survival, low, high, at_risk`` at day 0, at every
    day with an outflow and at the end of follow-up (a right-continuous step function)."""
    z = stats.norm.isf(alpha / 2)
    parts = []
    for group, data in _by_group(tte):
        sf = SurvfuncRight(data["days"].to_numpy(float), data["event"].to_numpy(float))
        s, se = sf.surv_prob, sf.surv_prob_se
        with np.errstate(divide="ignore", invalid="ignore"):
            spread = np.exp(z * se / (s * np.abs(np.log(s))))
            low, high = np.where(s > 0, s ** spread, 0.0), np.where(s > 0, s ** (1 / spread), 0.0)
        parts.append(_with_ends(data, pd.DataFrame({"group": group, "days": sf.surv_times.astype(int),
                                                    "survival": s, "low": low, "high": high,
                                                    "at_risk": sf.n_risk.astype(int)}),
                                {"group": group, "survival": 1.0, "low": 1.0, "high": 1.0}))
    return pd.concat(parts, ignore_index=True)


def log_rank(tte: pd.DataFrame) -> LogRank:
    """The log-rank test of equal outflow hazards in the groups."""
    statistic, p_value = survdiff(tte["days"].to_numpy(float), tte["event"].to_numpy(float),
                                  tte["group"].to_numpy(dtype=object))
    return LogRank(float(statistic), int(tte["group"].nunique()) - 1, float(p_value))


def cumulative_incidence(tte: pd.DataFrame, causes=CAUSES) -> pd.DataFrame:
    """Aalen–Johansen cumulative incidence per group and cause: ``group, cause, days, cif,
    at_risk`` at day 0, at every day with an outflow of any cause and at the end of follow-up."""
    parts = []
    for group, data in _by_group(tte):
        days = np.sort(data.loc[data["event"], "days"].unique())
        at_risk = np.array([(data["days"] >= t).sum() for t in days], dtype=int)
        exits = np.array([(data["event"] & (data["days"] == t)).sum() for t in days])
        before = np.r_[1.0, np.cumprod(1 - exits / at_risk)[:-1]]  # all-cause S(t-)
        for cause in causes:
            cause_exits = np.array([(data["cause"].eq(cause) & (data["days"] == t)).sum() for t in days])
            steps = pd.DataFrame({"group": group, "cause": cause, "days": days.astype(int),
                                  "cif": np.cumsum(before * cause_exits / at_risk), "at_risk": at_risk})
            parts.append(_with_ends(data, steps, {"group": group, "cause": cause, "cif": 0.0}))
    return pd.concat(parts, ignore_index=True)


def km_figure(km: pd.DataFrame, test: LogRank | None = None,
              min_at_risk: int = disclosure.DEFAULT_MIN_CELL_SIZE):
    """Kaplan–Meier curves with their intervals, one per group; the curve stops where fewer
    than ``min_at_risk`` persons remain (its steps would single out persons)."""
    sns.set_theme(style="whitegrid", context="notebook")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for group, data in km[km["at_risk"] >= min_at_risk].groupby("group", sort=False):
        line, = ax.step(data["days"], data["survival"], where="post", label=fmt.GROUP_LABELS.get(group, group))
        ax.fill_between(data["days"], data["low"], data["high"], step="post", alpha=0.2, color=line.get_color())
    ax.set_xlabel(DAYS_LABEL)
    ax.set_ylabel("Nog in de uitkering")
    ax.yaxis.set_major_formatter(lambda y, _: fmt.percent(100 * y, 0))
    ax.legend(title=None, loc="lower left")
    if test is not None:
        ax.set_title(f"Log-ranktoets: χ² = {fmt.number(test.statistic, 2)}, {fmt.p_value(test.p_value)}",
                     fontsize="small", loc="left")
    fig.tight_layout()
    plt.close(fig)  # shown once, by the notebook's display of the returned figure
    return fig


def cif_figure(cif: pd.DataFrame, min_at_risk: int = disclosure.DEFAULT_MIN_CELL_SIZE):
    """Cumulative incidence of outflow per cause (one panel each), a line per group, cut
    where fewer than ``min_at_risk`` persons remain."""
    sns.set_theme(style="whitegrid", context="notebook")
    causes = list(dict.fromkeys(cif["cause"]))
    fig, axes = plt.subplots(1, len(causes), figsize=(4.5 * len(causes), 4), sharey=True, squeeze=False)
    for ax, cause in zip(axes[0], causes):
        shown = cif[(cif["cause"] == cause) & (cif["at_risk"] >= min_at_risk)]
        for group, data in shown.groupby("group", sort=False):
            ax.step(data["days"], data["cif"], where="post", label=fmt.GROUP_LABELS.get(group, group))
        ax.set_title(BY_NAME[f"outflow_{cause}"].label, fontsize="medium")
        ax.set_xlabel(DAYS_LABEL)
        ax.yaxis.set_major_formatter(lambda y, _: fmt.percent(100 * y, 0))
    axes[0][0].set_ylabel("Cumulatieve incidentie")
    axes[0][0].legend(title=None, loc="upper left")
    fig.tight_layout()
    plt.close(fig)  # shown once, by the notebook's display of the returned figure
    return fig


def _with_ends(data: pd.DataFrame, steps: pd.DataFrame, start: dict) -> pd.DataFrame:
    """``steps`` (the values at the event days) with a first row at day 0 holding ``start``
    (the keys and the starting values)
    and, if follow-up goes on after the last event, a last row at its end carrying the last
    values forward; ``data`` is the group's part of :func:`time_to_event`."""
    first = pd.DataFrame([start | {"days": 0, "at_risk": len(data)}])
    rows = pd.concat([first, steps], ignore_index=True) if len(steps) else first
    end = int(data["days"].max())
    if end > rows["days"].iloc[-1]:
        rows = pd.concat([rows, rows.iloc[[-1]].assign(days=end, at_risk=int((data["days"] >= end).sum()))],
                         ignore_index=True)
    return rows[steps.columns]


def _by_group(tte: pd.DataFrame):
    """The groups in the book's order (programme, control), then any others."""
    order = [g for g in GROUPS if g in set(tte["group"])] + sorted(set(tte["group"]) - set(GROUPS))
    return [(g, tte[tte["group"] == g]) for g in order]
