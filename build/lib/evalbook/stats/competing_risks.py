"""Cumulative incidence of competing exits (Aalen–Johansen) with pointwise intervals.

With ``n_j`` persons at risk and ``d_j`` exits (``d_kj`` of cause ``k``) at the distinct exit
times ``t_j``, and ``S`` the all-cause Kaplan–Meier estimate,

    ``F_k(t) = Σ_{t_j ≤ t} S(t_{j−1}) · d_kj / n_j``.

Variance: the delta-method ("Greenwood-type") estimator of Dinse & Larson (1986, Biometrika
73:379) as given by Marubini & Valsecchi (1995, *Analysing Survival Data from Clinical Trials
and Observational Studies*) and Pintilie (2006, *Competing Risks: A Practical Perspective*, ch. 4):

    ``Var F_k(t) = Σ_{t_j ≤ t} [F_k(t) − F_k(t_j)]² d_j / (n_j (n_j − d_j))
                 + Σ_{t_j ≤ t} S(t_{j−1})² d_kj (n_j − d_kj) / n_j³
                 − 2 Σ_{t_j ≤ t} [F_k(t) − F_k(t_j)] S(t_{j−1}) d_kj / n_j²``,

the delta method over the cause-specific hazards ``d_kj / n_j`` taken as multinomial at each
time. Without competing causes ``F = 1 − S`` and this is Greenwood's variance. (statsmodels'
``CumIncidenceRight`` uses the same formula.) The first sum's term is 0 once everyone has left
(``n_j = d_j``, where ``F_k`` no longer changes).

Interval: pointwise, on the log(−log) scale, ``F^exp(±z·se / (F·|log F|))``, which keeps both
limits within [0, 1] (the transformation of Choudhury 2002, Stat Med 21:1129).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def aalen_johansen(time, cause, causes=None, alpha: float = 0.05, censored: int = 0) -> pd.DataFrame:
    """Cumulative incidence per cause at every distinct exit time.

    ``time``: follow-up per person; ``cause``: the exit's code per person, ``censored``
    (default 0) for no exit. ``causes``: the codes to report, in that order (default: every
    code seen, sorted). Returns one row per cause and exit time: ``cause, time, at_risk,
    events`` (of that cause), ``events_all`` (of any cause), ``cif``, ``se``, ``low``, ``high``
    (pointwise ``1 − alpha`` interval).
    """
    time = np.asarray(time, dtype=float)
    cause = np.asarray(cause)
    if time.shape != cause.shape or time.ndim != 1:
        raise ValueError("time and cause must be one-dimensional and of equal length")
    if np.isnan(time).any() or (time < 0).any():
        raise ValueError("times must be non-negative numbers")
    exited = cause != censored
    causes = sorted(set(cause[exited].tolist())) if causes is None else list(causes)
    times = np.unique(time[exited])
    at_risk = np.array([(time >= t).sum() for t in times], dtype=float)
    exits = np.array([[(exited & (time == t) & (cause == k)).sum() for k in causes] for t in times], dtype=float)
    exits = exits.reshape(len(times), len(causes))
    exits_all = np.array([(exited & (time == t)).sum() for t in times], dtype=float)
    survival_before = np.r_[1.0, np.cumprod(1 - exits_all / at_risk)[:-1]]
    z = stats.norm.ppf(1 - alpha / 2)
    parts = []
    for i, k in enumerate(causes):
        cif = np.cumsum(survival_before * exits[:, i] / at_risk)
        se = np.sqrt(np.maximum(_variance(cif, survival_before, exits[:, i], exits_all, at_risk), 0.0))
        low, high = _loglog_interval(cif, se, z)
        parts.append(
            pd.DataFrame(
                {
                    "cause": k,
                    "time": times,
                    "at_risk": at_risk.astype(int),
                    "events": exits[:, i].astype(int),
                    "events_all": exits_all.astype(int),
                    "cif": cif,
                    "se": se,
                    "low": low,
                    "high": high,
                }
            )
        )
    columns = ["cause", "time", "at_risk", "events", "events_all", "cif", "se", "low", "high"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _variance(cif, survival_before, exits_k, exits_all, at_risk) -> np.ndarray:
    """The delta-method variance of the module docstring at every exit time, its sums over
    ``t_j ≤ t`` expanded into cumulative sums (``[F(t) − F_j]² = F(t)² − 2F(t)F_j + F_j²``)."""
    n, d, dk, s, f = at_risk, exits_all, exits_k, survival_before, cif
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.where(n > d, d / (n * (n - d)), 0.0)
    cross = s * dk / n**2
    first = f**2 * np.cumsum(greenwood) - 2 * f * np.cumsum(f * greenwood) + np.cumsum(f**2 * greenwood)
    second = np.cumsum(s**2 * dk * (n - dk) / n**3)
    third = -2 * (f * np.cumsum(cross) - np.cumsum(f * cross))
    return first + second + third


def _loglog_interval(cif, se, z) -> tuple[np.ndarray, np.ndarray]:
    """``F^exp(±z·se/(F·|log F|))``; the limits equal ``F`` where it is 0 or 1."""
    inside = (cif > 0) & (cif < 1)
    safe = np.where(inside, cif, 0.5)
    spread = np.exp(z * se / (safe * np.abs(np.log(safe))))
    low = np.where(inside, safe**spread, cif)
    high = np.where(inside, safe ** (1 / spread), cif)
    return low, high
