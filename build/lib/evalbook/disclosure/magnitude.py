"""Output rules for magnitudes (sums, means) and models.

A mean of registered contacts is a magnitude: each person contributes a value, and a cell
can disclose a person's value even when it counts enough persons, when one or two persons
dominate its total (they, or anyone knowing the total and the rest, learn the other's
value). The rules are those a statistics office applies when checking outputs, with the
defaults of ACRO / SACRO (``safe_threshold``, ``safe_nk_n`` / ``safe_nk_k``,
``safe_pratio_p``, ``safe_dof_threshold``, ``zeros_are_disclosive``) and their rationale in
Hundepool et al., *Statistical Disclosure Control* (Wiley, 2012), ch. 4 (the (n, k)
dominance rule and the p% rule):

* ``threshold``: fewer than ``min_cell_size`` contributors;
* ``negative``: a negative contribution (the dominance rules assume none);
* ``zero``: every contribution is zero (each person's value is known), when zeros are disclosive;
* ``dominance``: the ``dominance_n`` largest contributions exceed ``dominance_k`` of the total;
* ``p_ratio``: the contributions other than the two largest add up to less than ``p_ratio``
  times the largest (the second largest contributor would estimate the largest too well);
* ``dof``: a model with fewer than ``min_residual_df`` residual degrees of freedom (it comes
  close to reproducing its observations).

Each check returns ``(ok, reason)`` with the reason codes above, ``"ok"`` when it passes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from .policy import DEFAULT_RULES, Rules

OK, THRESHOLD, NEGATIVE, ZERO = "ok", "threshold", "negative", "zero"
DOMINANCE, P_RATIO, DOF = "dominance", "p_ratio", "dof"


class RuleCheck(NamedTuple):
    """Whether an output may be released, and the reason code when it may not."""

    ok: bool
    reason: str


def check_magnitude(values: Iterable[float], rules: Rules = DEFAULT_RULES) -> RuleCheck:
    """Whether a sum or mean of the persons' ``values`` (missing values ignored) may be shown."""
    v = np.asarray(list(values), dtype=float)
    v = v[~np.isnan(v)]
    if len(v) < rules.min_cell_size:
        return RuleCheck(False, THRESHOLD)
    if (v < 0).any():
        return RuleCheck(False, NEGATIVE)
    total = v.sum()
    if total == 0:
        return RuleCheck(not rules.zeros_disclosive, ZERO if rules.zeros_disclosive else OK)
    top = np.sort(v)[::-1]
    if top[:rules.dominance_n].sum() > rules.dominance_k * total:
        return RuleCheck(False, DOMINANCE)
    if total - top[0] - top[1] < rules.p_ratio * top[0]:
        return RuleCheck(False, P_RATIO)
    return RuleCheck(True, OK)


def check_model(residual_df: float, rules: Rules = DEFAULT_RULES) -> RuleCheck:
    """Whether a fitted model with ``residual_df`` residual degrees of freedom (observations
    minus estimated parameters; statsmodels' ``df_resid``) may be shown."""
    if residual_df < rules.min_residual_df:
        return RuleCheck(False, DOF)
    return RuleCheck(True, OK)
