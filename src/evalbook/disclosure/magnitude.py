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

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from .policy import DEFAULT_RULES, Rules

SECONDARY = "secondary"  # hidden so that the hidden cells of a relation are safe together

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
    if top[: rules.dominance_n].sum() > rules.dominance_k * total:
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


def protect_means(
    values: Mapping[Hashable, Iterable[float]],
    relations: Iterable[tuple[Hashable, Sequence]] = (),
    rules: Rules = DEFAULT_RULES,
) -> dict[Hashable, str]:
    """The means (or sums) of a table to hide, each with its reason code: those failing
    :func:`check_magnitude` (primary), then further ones (``"secondary"``) wherever a shown
    total and the shown parts of a relation ``(total, parts)`` (a pooled mean beside the means
    of its target groups: the total's sum is the sum of the parts' sums) give away the sum of
    the hidden parts: the hidden parts taken together must pass :func:`check_magnitude`, else
    the part with the fewest contributors still shown is hidden too, and the total when none
    is left; a hidden total needs a hidden part. ``values``: the contributions of each cell."""
    contributions = {key: np.asarray(list(v), dtype=float) for key, v in values.items()}
    hidden = {}
    for key, v in contributions.items():
        check = check_magnitude(v, rules)
        if not check.ok:
            hidden[key] = check.reason
    relations = [(total, list(parts)) for total, parts in relations]
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            gone = [p for p in parts if p in hidden]
            shown = sorted((p for p in parts if p not in hidden), key=lambda p: (len(contributions[p]), str(p)))
            if total in hidden and not gone and shown:
                hidden[shown[0]], changed = SECONDARY, True
            elif (
                gone
                and total not in hidden
                and not check_magnitude(np.concatenate([contributions[p] for p in gone]), rules).ok
            ):
                hidden[shown[0] if shown else total], changed = SECONDARY, True
    return hidden
