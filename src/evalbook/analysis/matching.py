"""The control group, reproducibly: matching a pool of candidates to the programme group.

The reports describe their control groups as jobseekers who were assigned to Prematching in
the same period, did not take part in the programme, and are *comparable on sex, age,
education and months on benefit*. A researcher with such a population puts it in
``pool.csv`` (contract :data:`POOL`: the ``register`` columns, with ``group`` either
``programme`` or ``candidate``) and runs::

    evalbook match --programme route3 --data-dir data/raw

which writes ``register.csv`` beside it: the programme group and its matched control group.
The embedded synthetic register is made by exactly this step (the ``synthetic`` generator).

Method: **coarsened exact matching with 1:1 pairing inside the cells**.

* A cell is: target group (each target group has its own control group), sex, education,
  an age band (:data:`AGE_BANDS`) and a band of months on benefit (:data:`BENEFIT_BANDS`).
  A control always has the programme person's sex and education and lies in the same age
  and benefit-duration band; the bands act as the caliper.
* Inside a cell, programme persons and candidates are paired 1:1 without replacement on the
  distance ``|Δage| / sd(age) + |Δmonths| / sd(months)`` (standard deviations of the target
  group's pool). When a cell holds fewer candidates than programme persons, the persons
  farthest from any candidate stay unmatched; they remain in the programme group and are
  counted.
* A cell with at most :data:`OPTIMAL_UP_TO` persons on either side is paired optimally: the
  total distance is smallest (``scipy.optimize.linear_sum_assignment``). Its time grows with
  the cube of the cell and its cost matrix with the product of the two sides, so a larger
  cell (only in large registers) is paired greedily, cheapest pair first: persons with the
  same age and months form a point, the distances between the distinct points are sorted
  (ties: lower age, then fewer months, on the programme side and then the candidate side),
  and each point pair takes as many persons as both points still have. The number of
  distinct points in a cell is bounded by its bands, not by the number of persons, so this
  is linear in the persons of the cell. In such a cell most persons share their point with
  a candidate (distance 0, the first pairs taken), so the total distance stays close to the
  optimum (WGW's pool copied 15 times: 3.6% above it over the cells paired greedily). At 200
  the optimal pairing takes about a millisecond per cell and its cost matrix stays small;
  the embedded data have at most 16 programme persons and 82 candidates in a cell, so they
  are paired optimally.
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

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from ..schemas.register import CANDIDATE, REGISTER

AGE_BANDS = (15, 25, 35, 45, 55, 71)  # [15, 25), [25, 35), ..., [55, 70]
BENEFIT_BANDS = (0, 6, 12, 24, 60, np.inf)  # months: [0, 6), [6, 12), [12, 24), [24, 60), 60+
NO_TARGET_GROUP = ""
OPTIMAL_UP_TO = 200  # a cell with more persons on either side is paired greedily (module docstring)

MATCHED_ON = ("group", "sex", "age", "education", "benefit_months")  # the columns balance needs
# The rows of the balance table: (matching variable, its level for a share, or None for a mean)
BALANCE_ROWS = (
    ("sex", "female"),
    ("age", None),
    ("education", "low"),
    ("education", "middle"),
    ("education", "high"),
    ("education", "unknown"),
    ("benefit_months", None),
)


def cells(frame: pd.DataFrame) -> pd.Series:
    """The matching cell of each person: target group, sex, education, age band, benefit band."""
    target = _strata(frame)
    age = np.searchsorted(AGE_BANDS, frame["age"].to_numpy(dtype=float), side="right")
    months = np.searchsorted(BENEFIT_BANDS, frame["benefit_months"].to_numpy(dtype=float), side="right")
    return (
        target.astype(str)
        + "|"
        + frame["sex"].astype(str)
        + "|"
        + frame["education"].astype(str)
        + "|"
        + pd.Series(age, index=frame.index).astype(str)
        + "|"
        + pd.Series(months, index=frame.index).astype(str)
    )


def match(pool: pd.DataFrame) -> pd.DataFrame:
    """Pairs ``programme_id, control_id`` (sorted by programme_id), one per matched programme person."""
    frame = pool.sort_values("person_id", ignore_index=True, kind="stable")
    strata = _strata(frame)
    scale = {s: (_sd(g["age"]), _sd(g["benefit_months"])) for s, g in frame.groupby(strata, sort=True)}
    keys = [
        strata,
        frame["sex"].astype("object"),
        frame["education"].astype("object"),
        np.searchsorted(AGE_BANDS, frame["age"].to_numpy(dtype=float), side="right"),
        np.searchsorted(BENEFIT_BANDS, frame["benefit_months"].to_numpy(dtype=float), side="right"),
    ]
    codes = np.zeros(len(frame), dtype=np.int64)
    for key in keys:  # one integer per cell
        values, levels = pd.factorize(np.asarray(key), sort=True)
        codes = codes * len(levels) + values
    order = np.argsort(codes, kind="stable")  # by cell, person_id order within a cell
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    treated_all = (frame["group"] == "programme").to_numpy()
    candidate_all = (frame["group"] == CANDIDATE).to_numpy()
    age, months = frame["age"].to_numpy(float), frame["benefit_months"].to_numpy(float)
    stratum_of = strata.to_numpy()
    found_t, found_c = [], []
    for rows in np.split(order, bounds):
        treated, candidates = rows[treated_all[rows]], rows[candidate_all[rows]]
        if len(treated) == 0 or len(candidates) == 0:
            continue
        sd_age, sd_months = scale[stratum_of[rows[0]]]
        pair = _optimal if max(len(treated), len(candidates)) <= OPTIMAL_UP_TO else _greedy
        r, c = pair(age[treated], months[treated], age[candidates], months[candidates], sd_age, sd_months)
        found_t.append(treated[r])
        found_c.append(candidates[c])
    ids = frame["person_id"].to_numpy(dtype=object)
    t = np.concatenate(found_t) if found_t else np.array([], dtype=int)
    c = np.concatenate(found_c) if found_c else np.array([], dtype=int)
    pairs = pd.DataFrame({"programme_id": ids[t], "control_id": ids[c]})
    return pairs.sort_values("programme_id", ignore_index=True)


def _strata(frame: pd.DataFrame) -> pd.Series:
    """The target group of each person, ``NO_TARGET_GROUP`` where there is none."""
    if "target_group" not in frame:
        return pd.Series(NO_TARGET_GROUP, index=frame.index, dtype="object")
    return frame["target_group"].astype("object").fillna(NO_TARGET_GROUP)


def _optimal(age1, months1, age0, months0, sd_age: float, sd_months: float):
    """The pairing with the smallest total distance (rows into the first, columns into the second side)."""
    cost = np.abs(age1[:, None] - age0[None, :]) / sd_age + np.abs(months1[:, None] - months0[None, :]) / sd_months
    return linear_sum_assignment(cost)


def _greedy(age1, months1, age0, months0, sd_age: float, sd_months: float):
    """Cheapest pair first over the distinct (age, months) points of both sides (see the
    module docstring); persons at a point are taken in their given order."""
    points1, at1 = np.unique(np.c_[age1, months1], axis=0, return_inverse=True)
    points0, at0 = np.unique(np.c_[age0, months0], axis=0, return_inverse=True)
    at1, at0 = at1.ravel(), at0.ravel()
    members1 = np.split(np.argsort(at1, kind="stable"), np.cumsum(np.bincount(at1, minlength=len(points1)))[:-1])
    members0 = np.split(np.argsort(at0, kind="stable"), np.cumsum(np.bincount(at0, minlength=len(points0)))[:-1])
    left1 = np.array([len(m) for m in members1])
    left0 = np.array([len(m) for m in members0])
    cost = (
        np.abs(points1[:, 0][:, None] - points0[:, 0][None, :]) / sd_age
        + np.abs(points1[:, 1][:, None] - points0[:, 1][None, :]) / sd_months
    )
    rows, cols = [], []
    wanted, offered = int(left1.sum()), int(left0.sum())
    for flat in np.argsort(cost, axis=None, kind="stable"):
        if wanted == 0 or offered == 0:
            break
        i, j = divmod(int(flat), len(points0))
        n = min(left1[i], left0[j])
        if n:
            first1, first0 = len(members1[i]) - left1[i], len(members0[j]) - left0[j]
            rows.append(members1[i][first1 : first1 + n])
            cols.append(members0[j][first0 : first0 + n])
            left1[i] -= n
            left0[j] -= n
            wanted -= n
            offered -= n
    return np.concatenate(rows), np.concatenate(cols)


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


def reproduces(register: pd.DataFrame, pool: pd.DataFrame) -> bool:
    """Whether the register is exactly what matching ``pool`` gives: the same programme group,
    and as control group exactly the candidates :func:`match` selects for it."""

    def ids(frame: pd.DataFrame, group: str) -> np.ndarray:
        return np.sort(frame.loc[frame["group"] == group, "person_id"].to_numpy(dtype=object))

    matched = np.sort(match(pool)["control_id"].to_numpy(dtype=object))
    return bool(
        np.array_equal(ids(register, "programme"), ids(pool, "programme"))
        and np.array_equal(matched, ids(register, "control"))
    )


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
    for column, level in BALANCE_ROWS:
        x1, x0 = _variable(programme, column, level), _variable(comparison, column, level)
        rows.append(
            {
                "variable": column,
                "level": level,
                "binary": level is not None,
                "n_programme": len(x1),
                "mean_programme": x1.mean() if len(x1) else np.nan,
                "k_programme": int(x1.sum()) if level is not None else pd.NA,
                "n_comparison": len(x0),
                "mean_comparison": x0.mean() if len(x0) else np.nan,
                "k_comparison": int(x0.sum()) if level is not None else pd.NA,
                "smd": smd(x1, x0),
            }
        )
    return pd.DataFrame(rows)


def balance_table(register: pd.DataFrame, pool: pd.DataFrame | None = None) -> pd.DataFrame:
    """Balance before matching (programme group against every candidate of the pool, when a
    pool is given) and after (programme group against the register's control group)."""
    register = register[list(MATCHED_ON)]  # only the columns needed: a large pool is not copied whole
    programme = register[register["group"] == "programme"]
    after = balance(programme, register[register["group"] == "control"])
    table = after[["variable", "level", "binary", "n_programme", "mean_programme", "k_programme"]].copy()
    if pool is not None:
        pool = pool[list(MATCHED_ON)]
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
    target = _strata(register)
    result = {}
    for tg, group in register[list(MATCHED_ON)].groupby(target, sort=True):
        b = balance(group[group["group"] == "programme"], group[group["group"] == "control"])
        result[tg] = float(b["smd"].abs().max())
    return pd.Series(result, dtype=float)
