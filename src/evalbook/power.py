"""Minimum detectable effects (MDE): the smallest programme effect the study could find.

The MDE is the smallest difference ``d > 0`` (programme above control) that the two-sided
test at level ``alpha`` rejects with probability ``power``, for the actual group sizes:

* proportions: the normal approximation of the two-proportion z-test, with the pooled
  variance under H0 and the unpooled variance under the alternative (Fleiss):
  ``power(d) = Φ((d - z·σ0)/σ1) + Φ((-d - z·σ0)/σ1)``, ``z = z_{1-α/2}``,
  ``σ0² = p̄(1-p̄)(1/n1 + 1/n0)`` with ``p̄`` the size-weighted mean of ``p1 = p0 + d`` and
  ``p0``, ``σ1² = p1(1-p1)/n1 + p0(1-p0)/n0`` — the formula of statsmodels'
  ``power_proportions_2indep``; solved for ``d`` numerically; reported in percentage points;
* means: the same with ``σ0 = σ1 = sd·√(1/n1 + 1/n0)`` and ``sd`` the pooled within-group
  standard deviation (the z-test behind ``NormalIndPower``); in the outcome's unit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .report import format as fmt
from .compare import GROUPS

DEFAULT_POWER = 0.8


def _power(d: float, se_null: float, se_alt: float, alpha: float) -> float:
    z = stats.norm.isf(alpha / 2)
    return float(stats.norm.sf((z * se_null - d) / se_alt) + stats.norm.cdf((-z * se_null - d) / se_alt))


def proportion_power(d: float, p0: float, n1: float, n0: float, alpha: float = 0.05) -> float:
    """Power of the two-sided two-proportion z-test when ``p1 = p0 + d`` (fractions)."""
    p1 = p0 + d
    pooled = (n1 * p1 + n0 * p0) / (n1 + n0)
    se_null = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    se_alt = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    return _power(d, se_null, se_alt, alpha)


def mde_proportion(p0: float, n1: float, n0: float, alpha: float = 0.05, power: float = DEFAULT_POWER) -> float:
    """The smallest ``p1 - p0 > 0`` (fractions) detected with probability ``power``; NaN when
    even ``p1 = 1`` is not, or an input is missing."""
    if any(pd.isna(v) for v in (p0, n1, n0)) or min(n1, n0) < 1 or not 0 <= p0 < 1:
        return np.nan
    top = 1 - p0
    if proportion_power(top, p0, n1, n0, alpha) < power:
        return np.nan
    return optimize.brentq(lambda d: proportion_power(d, p0, n1, n0, alpha) - power, top * 1e-9, top, xtol=1e-12)


def mde_mean(sd: float, n1: float, n0: float, alpha: float = 0.05, power: float = DEFAULT_POWER) -> float:
    """The smallest difference in means detected with probability ``power`` (unit of ``sd``)."""
    if any(pd.isna(v) for v in (sd, n1, n0)) or min(n1, n0) < 1 or sd <= 0:
        return np.nan
    se = sd * math.sqrt(1 / n1 + 1 / n0)
    upper = (stats.norm.isf(alpha / 2) + stats.norm.ppf(power) + 1) * se
    return optimize.brentq(lambda d: _power(d, se, se, alpha) - power, 0.0, upper, xtol=1e-12)


def pooled_sd(frame: pd.DataFrame, columns) -> dict[str, float]:
    """The pooled within-group standard deviation of each column of a per-person frame
    (``√(((n1-1)s1² + (n0-1)s0²) / (n1 + n0 - 2))``), for :func:`mde_table`."""
    out = {}
    for column in columns:
        values = [frame.loc[frame["group"] == g, column].dropna().astype(float) for g in GROUPS]
        df = sum(len(v) - 1 for v in values)
        out[column] = math.sqrt(sum((len(v) - 1) * v.var(ddof=1) for v in values) / df) if df > 0 else np.nan
    return out


def mde_table(table: pd.DataFrame, alpha: float = 0.05, power: float = DEFAULT_POWER,
              sd: Mapping[str, float] | None = None) -> pd.DataFrame:
    """One row per outcome of :func:`evalbook.compare.outcome_table`: ``outcome, mde``.

    ``mde`` is in percentage points for proportions (from ``value_control`` and the group
    sizes) and in the outcome's unit for means (needs ``sd[outcome]``, e.g. from
    :func:`pooled_sd`; NaN without it). Rows suppressed by disclosure control give NaN.
    """
    sd = sd or {}
    rows = []
    for _, r in table.iterrows():
        n1, n0 = r["n_programme"], r["n_control"]
        if r["kind"] == "proportion":
            p0 = r["value_control"] / 100 if pd.notna(r["value_control"]) else np.nan
            mde = 100 * mde_proportion(p0, n1, n0, alpha, power)
        else:
            mde = mde_mean(sd.get(r["outcome"], np.nan), n1, n0, alpha, power)
        rows.append({"outcome": r["outcome"], "mde": float(mde)})
    return pd.DataFrame(rows, columns=["outcome", "mde"])


def detectable_sentence(row: Mapping, mde: float, power: float = DEFAULT_POWER) -> str:
    """The Dutch sentence on what the study could detect for one outcome.

    ``row`` is a row of :func:`evalbook.compare.outcome_table` (``label``, ``kind``, ``diff``,
    ``n_programme``, ``n_control``, ``value_control``), ``mde`` the value of :func:`mde_table`
    for it. The found difference is compared in absolute value.
    """
    label = row["label"][0].lower() + row["label"][1:]
    unit = " procentpunt" if row["kind"] == "proportion" else ""
    chance = fmt.percent(100 * power, 0)
    if pd.isna(mde):
        known = all(pd.notna(row[c]) for c in ("n_programme", "n_control", "value_control"))
        if row["kind"] == "proportion" and known:  # even p1 = 100% is not detected
            return (f"Met deze groepsgroottes kon de studie in {label} zelfs het grootst mogelijke verschil "
                    f"niet met {chance} kans opsporen.")
        why = " (onderdrukt)" if row.get("suppressed", False) else ""
        return f"Voor {label} is niet aan te geven welke verschillen de studie kon opsporen{why}."
    text = (f"Met deze groepsgroottes kon de studie alleen verschillen van ongeveer {fmt.number(mde, 1)}{unit} "
            f"of meer in {label} met {chance} kans opsporen")
    diff = row["diff"]
    if pd.isna(diff):
        return text + "."
    if fmt.number(abs(diff), 1) == fmt.number(mde, 1):
        where = "ligt daar ongeveer op"
    else:
        where = "ligt daaronder" if abs(diff) < mde else "ligt daarboven"
    return f"{text}; het gevonden verschil van {fmt.pp(diff, 1).removesuffix(' pp')}{unit} {where}."
