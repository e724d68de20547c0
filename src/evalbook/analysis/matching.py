"""The control group, reproducibly: matching a pool of candidates to the programme group.

The reports describe their control groups as jobseekers who were assigned to Prematching in
the same period, did not take part in the programme, and are *comparable on sex, age,
education and months on benefit*. A researcher with such a population puts it in
``pool.csv`` (contract :data:`POOL`: the ``register`` columns, with ``group`` either
``programme`` or ``candidate``) and runs::

    evalbook match --programme route3 --data-dir data/raw

which writes ``register.csv`` beside it: the programme group and its matched control group.
The embedded synthetic register is made by exactly this step (the ``synthetic`` generator).

Method: **coarsened exact matching with 1:1 optimal pairing inside the cells**.

* A cell is: target group (each target group has its own control group), sex, education,
  an age band (:data:`AGE_BANDS`) and a band of months on benefit (:data:`BENEFIT_BANDS`).
  A control always has the programme person's sex and education and lies in the same age
  and benefit-duration band; the bands act as the caliper.
* Inside a cell, programme persons and candidates are paired 1:1 without replacement so that
  the total distance ``|Δage| / sd(age) + |Δmonths| / sd(months)`` (standard deviations of
  the target group's pool) is smallest (``scipy.optimize.linear_sum_assignment``). When a
  cell holds fewer candidates than programme persons, the persons farthest from any
  candidate stay unmatched; they remain in the programme group and are counted.
* Deterministic: both sides are sorted by ``person_id`` before pairing, so the file's row
  order does not matter and ties go to the lowest ``person_id``s.

Why not a propensity score with a caliper of 0.2 SD of the logit: with four matching
variables, two of them categorical, exact cells make *each* variable comparable by
construction (the reports' wording), need no model whose specification changes the control
group, and give exact balance on sex and education. The price is that a sparse cell leaves
programme persons unmatched; the chapter reports how many. Balance is checked either way
with standardised mean differences (:func:`balance`), before and after matching.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from ..core import contract as contracts, paths
from ..core.errors import ContractError
from ..schemas.register import CANDIDATE, POOL, REGISTER

AGE_BANDS = (15, 25, 35, 45, 55, 71)  # [15, 25), [25, 35), ..., [55, 70]
BENEFIT_BANDS = (0, 6, 12, 24, 60, np.inf)  # months: [0, 6), [6, 12), [12, 24), [24, 60), 60+
NO_TARGET_GROUP = ""

# The matching variables as the balance table shows them: (column, level or None, Dutch label)
BALANCE_ROWS = (
    ("sex", "female", "Vrouw"),
    ("age", None, "Leeftijd (jaren)"),
    ("education", "low", "Opleiding laag"),
    ("education", "middle", "Opleiding middelbaar"),
    ("education", "high", "Opleiding hoog"),
    ("education", "unknown", "Opleiding onbekend"),
    ("benefit_months", None, "Duur in de uitkering (maanden)"),
)


def cells(frame: pd.DataFrame) -> pd.Series:
    """The matching cell of each person: target group, sex, education, age band, benefit band."""
    target = frame["target_group"].astype("object").fillna(NO_TARGET_GROUP) if "target_group" in frame \
        else pd.Series(NO_TARGET_GROUP, index=frame.index, dtype="object")
    age = np.searchsorted(AGE_BANDS, frame["age"].to_numpy(dtype=float), side="right")
    months = np.searchsorted(BENEFIT_BANDS, frame["benefit_months"].to_numpy(dtype=float), side="right")
    return (target.astype(str) + "|" + frame["sex"].astype(str) + "|" + frame["education"].astype(str)
            + "|" + pd.Series(age, index=frame.index).astype(str) + "|" + pd.Series(months, index=frame.index).astype(str))


def match(pool: pd.DataFrame) -> pd.DataFrame:
    """Pairs ``programme_id, control_id`` (sorted by programme_id), one per matched programme person."""
    frame = pool.sort_values("person_id", ignore_index=True)
    frame["cell"] = cells(frame)
    strata = frame["target_group"].astype("object").fillna(NO_TARGET_GROUP) if "target_group" in frame \
        else pd.Series(NO_TARGET_GROUP, index=frame.index)
    scale = {s: (_sd(g["age"]), _sd(g["benefit_months"])) for s, g in frame.groupby(strata, sort=True)}
    pairs = []
    for cell, group in frame.groupby("cell", sort=True):
        treated = group[group["group"] == "programme"]
        candidates = group[group["group"] == CANDIDATE]
        if treated.empty or candidates.empty:
            continue
        sd_age, sd_months = scale[cell.split("|", 1)[0]]
        cost = (np.abs(treated["age"].to_numpy(float)[:, None] - candidates["age"].to_numpy(float)[None, :]) / sd_age
                + np.abs(treated["benefit_months"].to_numpy(float)[:, None]
                         - candidates["benefit_months"].to_numpy(float)[None, :]) / sd_months)
        rows, cols = linear_sum_assignment(cost)
        pairs += [(treated["person_id"].iloc[r], candidates["person_id"].iloc[c]) for r, c in zip(rows, cols)]
    return pd.DataFrame(pairs, columns=["programme_id", "control_id"]).sort_values("programme_id", ignore_index=True)


def _sd(values: pd.Series) -> float:
    sd = float(values.astype(float).std(ddof=1))
    return sd if sd > 0 and np.isfinite(sd) else 1.0


def register_from_pool(pool: pd.DataFrame, pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """The effect-study register: every programme person of the pool and the matched
    candidates as the control group (``register`` columns, sorted by person_id)."""
    pairs = match(pool) if pairs is None else pairs
    programme = pool[pool["group"] == "programme"]
    control = pool[pool["person_id"].isin(set(pairs["control_id"]))].assign(group="control")
    columns = [c for c in REGISTER.names if c in pool.columns]
    return pd.concat([programme, control])[columns].sort_values("person_id", ignore_index=True)


# -- balance ----------------------------------------------------------------------------------

def smd(treated, control) -> float:
    """Standardised mean difference (Austin 2009): the difference in means divided by
    ``sqrt((s1² + s0²) / 2)``; for a 0/1 variable the variances are ``p (1 - p)``.
    0 when both groups are constant and equal; NaN for an empty group."""
    x1 = np.asarray(treated, dtype=float)
    x0 = np.asarray(control, dtype=float)
    if len(x1) == 0 or len(x0) == 0:
        return float("nan")
    binary = np.isin(np.concatenate([x1, x0]), (0.0, 1.0)).all()
    if binary:
        v1, v0 = x1.mean() * (1 - x1.mean()), x0.mean() * (1 - x0.mean())
    else:
        v1 = x1.var(ddof=1) if len(x1) > 1 else 0.0
        v0 = x0.var(ddof=1) if len(x0) > 1 else 0.0
    diff = x1.mean() - x0.mean()
    if v1 + v0 == 0:
        return 0.0 if diff == 0 else float(np.sign(diff) * np.inf)
    return float(diff / np.sqrt((v1 + v0) / 2))


def _variable(frame: pd.DataFrame, column: str, level) -> pd.Series:
    return (frame[column] == level).astype(float) if level is not None else frame[column].astype(float)


def balance(programme: pd.DataFrame, comparison: pd.DataFrame) -> pd.DataFrame:
    """One row per matching variable (a row per category for sex and education): the mean
    (a share for a category) in each group, the count of a category, and the SMD."""
    rows = []
    for column, level, label in BALANCE_ROWS:
        x1, x0 = _variable(programme, column, level), _variable(comparison, column, level)
        rows.append({"variable": column, "level": level, "label": label, "binary": level is not None,
                     "n_programme": len(x1), "mean_programme": x1.mean() if len(x1) else np.nan,
                     "k_programme": int(x1.sum()) if level is not None else pd.NA,
                     "n_comparison": len(x0), "mean_comparison": x0.mean() if len(x0) else np.nan,
                     "k_comparison": int(x0.sum()) if level is not None else pd.NA,
                     "smd": smd(x1, x0)})
    return pd.DataFrame(rows)


def balance_table(register: pd.DataFrame, pool: pd.DataFrame | None = None) -> pd.DataFrame:
    """Balance before matching (programme group against every candidate of the pool, when a
    pool is given) and after (programme group against the register's control group)."""
    programme = register[register["group"] == "programme"]
    after = balance(programme, register[register["group"] == "control"])
    table = after[["variable", "level", "label", "binary", "n_programme", "mean_programme", "k_programme"]].copy()
    if pool is not None:
        before = balance(pool[pool["group"] == "programme"], pool[pool["group"] == CANDIDATE])
        table["n_candidates"] = before["n_comparison"]
        table["mean_candidates"] = before["mean_comparison"]
        table["k_candidates"] = before["k_comparison"]
        table["smd_before"] = before["smd"]
    else:
        table[["n_candidates", "mean_candidates", "k_candidates", "smd_before"]] = np.nan
    table["n_control"] = after["n_comparison"]
    table["mean_control"] = after["mean_comparison"]
    table["k_control"] = after["k_comparison"]
    table["smd_after"] = after["smd"]
    return table


def max_abs_smd_by_target_group(register: pd.DataFrame) -> pd.Series:
    """The largest |SMD| after matching within each target group (index: target group)."""
    target = register["target_group"].astype("object").fillna(NO_TARGET_GROUP)
    result = {}
    for tg, group in register.groupby(target, sort=True):
        b = balance(group[group["group"] == "programme"], group[group["group"] == "control"])
        result[tg] = float(b["smd"].abs().max())
    return pd.Series(result, dtype=float)
