"""Checks beside the effect study's main comparison: the tests a stratified analysis gives
(Cochran–Mantel–Haenszel over the target groups and the unweighted mean of their shares), the
sensitivity of each effect to hidden bias (E-values; Rosenbaum's Γ from the matched pairs) and
outflow in the reading the chapter did not choose. Raw results, no Dutch."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..stats import sensitivity
from ..stats.proportions import proportions
from ..stats.stratified import cmh, unweighted_mean_difference
from .outcomes import GROUPS, TOTAL, derive, other_measure


def _counts(frame: pd.DataFrame, name: str) -> tuple[int, int, int, int]:
    """``k1, n1, k0, n0`` of a yes/no outcome: persons with "yes" and persons, programme then control."""
    values = [frame.loc[frame["group"] == g, name].dropna() for g in GROUPS]
    return int(values[0].sum()), len(values[0]), int(values[1].sum()), len(values[1])


def stratified_table(frame: pd.DataFrame, outcomes, target_groups, alpha: float = 0.05) -> pd.DataFrame:
    """For everyone in a study with target groups, one row per yes/no outcome: ``cmh_p``, the
    Cochran–Mantel–Haenszel test stratified by target group, and the difference of the
    unweighted means of the target groups' shares (each target group counting once, Route 3's
    "totaal gemiddeld"), ``um_programme, um_control``, with the Wald interval and z-test of
    their difference, ``um_diff, um_low, um_high, um_p`` (all missing when a target group has
    an empty group). ``frame``: :func:`evalbook.analysis.outcomes.derive`'s output."""
    rows = []
    for o in outcomes:
        if o.kind != "proportion" or o.name not in frame:
            continue
        c = np.array([_counts(frame[frame["target_group"] == t], o.name) for t in target_groups])
        row = {"outcome": o.name, "cmh_p": cmh([[[k1, n1 - k1], [k0, n0 - k0]] for k1, n1, k0, n0 in c]).p_value}
        if (c[:, [1, 3]] > 0).all():
            um = unweighted_mean_difference(c[:, 0], c[:, 1], c[:, 2], c[:, 3], alpha)
            row |= {"um_programme": um["value_programme"], "um_control": um["value_control"], "um_diff": um["diff"]}
            row |= {"um_low": um["ci_low"], "um_high": um["ci_high"], "um_p": um["p_value"]}
        rows.append(row)
    columns = ["outcome", "cmh_p", "um_programme", "um_control", "um_diff", "um_low", "um_high", "um_p"]
    return pd.DataFrame(rows, columns=columns)


def sensitivity_table(
    frame: pd.DataFrame, outcomes, pairs: pd.DataFrame | None = None, alpha: float = 0.05
) -> pd.DataFrame:
    """How strong hidden bias must be to explain each difference of everyone away
    (:mod:`evalbook.stats.sensitivity`). A yes/no outcome gets the risk ratio with Katz's
    interval and its E-values (``rr, rr_low, rr_high, e_value, e_value_limit``; missing when a
    group has no "yes"). Given the matched ``pairs`` (``programme_id, control_id``, indexing
    ``frame``), every outcome gets Rosenbaum's ``gamma``: McNemar's bound for a yes/no outcome,
    Wilcoxon's signed rank bound for a mean, one-sided at ``alpha / 2`` in the direction of the
    difference (the two-sided test at ``alpha``). An outcome among a subgroup (``among``) gets
    neither: who is compared there depends on an outcome of the programme, and pairs break."""
    rows = []
    for o in outcomes:
        if o.name not in frame or o.among is not None:
            continue
        row = {"outcome": o.name}
        k1, n1, k0, n0 = _counts(frame, o.name) if o.kind == "proportion" else (0, 0, 0, 0)
        if min(k1, k0) > 0:
            e = sensitivity.e_values_from_proportions(k1, n1, k0, n0, alpha)
            row |= {"rr": e.ratio, "rr_low": e.low, "rr_high": e.high, "e_value": e.e_value}
            row["e_value_limit"] = e.e_value_limit
        if pairs is not None:
            sign = direction(frame, o.name)
            d = sign * paired_differences(frame, pairs, o.name)
            if sign == 0:
                row["gamma"] = 1.0
            elif o.kind == "proportion":
                row["gamma"] = sensitivity.binary_pairs_gamma(int((d > 0).sum()), int((d != 0).sum()), alpha / 2)
            else:
                row["gamma"] = sensitivity.signed_rank_gamma(d, alpha / 2)
        rows.append(row)
    columns = ["outcome", "rr", "rr_low", "rr_high", "e_value", "e_value_limit", "gamma"]
    return pd.DataFrame(rows, columns=columns)


def direction(frame: pd.DataFrame, name: str) -> float:
    """The sign of the difference in mean of ``name``, programme minus control (everyone)."""
    values = frame[name].astype(float)
    return float(np.sign(values[frame["group"] == GROUPS[0]].mean() - values[frame["group"] == GROUPS[1]].mean()))


def paired_differences(frame: pd.DataFrame, pairs: pd.DataFrame, name: str) -> np.ndarray:
    """Per matched pair, the programme person's value of ``name`` minus the control person's
    (``frame`` indexed by person id, ``pairs``: ``programme_id, control_id``)."""
    values = frame[name].astype(float)
    return values.loc[pairs["programme_id"]].to_numpy() - values.loc[pairs["control_id"]].to_numpy()


PAIR_CELLS = {  # the cells of the matched-pair table that :func:`pair_cells` counts, by kind of outcome
    "proportion": ("both", "programme_only", "control_only", "neither", "unmatched_yes", "unmatched_no"),
    "mean": ("positive", "negative", "zero"),
}


def pair_cells(frame: pd.DataFrame, pairs: pd.DataFrame, name: str, kind: str) -> dict[str, int]:
    """The matched-pair table of one outcome, the cells Γ is a function of (:data:`PAIR_CELLS`):
    for a yes/no outcome the pairs in which both, only the programme person, only the control
    person or neither had it, and the programme persons without a pair with and without it;
    for a mean the pairs whose difference (programme minus control) is positive, negative or
    zero. ``frame`` indexed by person id."""
    d = paired_differences(frame, pairs, name)
    if kind == "mean":
        return {"positive": int((d > 0).sum()), "negative": int((d < 0).sum()), "zero": int((d == 0).sum())}
    values = frame[name].astype(float)
    x, y = values.loc[pairs["programme_id"]].to_numpy(), values.loc[pairs["control_id"]].to_numpy()
    unmatched = values[(frame["group"] == GROUPS[0]) & ~frame.index.isin(pairs["programme_id"])]
    return {
        "both": int(((x == 1) & (y == 1)).sum()),
        "programme_only": int(((x == 1) & (y == 0)).sum()),
        "control_only": int(((x == 0) & (y == 1)).sum()),
        "neither": int(((x == 0) & (y == 0)).sum()),
        "unmatched_yes": int((unmatched == 1).sum()),
        "unmatched_no": int((unmatched == 0).sum()),
    }


def other_reading(
    register: pd.DataFrame, scopes, follow_up_months: int = 12, outflow_measure: str = "event"
) -> pd.DataFrame:
    """Outflow in the reading not chosen (:func:`evalbook.analysis.outcomes.other_measure`) for
    each of ``scopes`` (target groups, ``TOTAL`` for everyone): ``target_group, outcome``
    (``outflow``), ``k_programme_alt, value_programme_alt, k_control_alt, value_control_alt``
    and ``p_value_alt``, the Miettinen–Nurminen test of the difference in that reading (a
    published claim that uses it is compared with this test)."""
    persons = derive(register, follow_up_months, other_measure(outflow_measure))
    rows = []
    for scope in scopes:
        frame = persons if scope == TOTAL else persons[persons["target_group"] == scope]
        k1, n1, k0, n0 = _counts(frame, "outflow")
        rows.append(
            {
                "target_group": scope,
                "outcome": "outflow",
                "k_programme_alt": k1,
                "k_control_alt": k0,
                "value_programme_alt": 100 * k1 / n1 if n1 else np.nan,
                "value_control_alt": 100 * k0 / n0 if n0 else np.nan,
                "p_value_alt": proportions(k1, n1, k0, n0)["p_value"],
            }
        )
    columns = [
        "target_group",
        "outcome",
        "k_programme_alt",
        "value_programme_alt",
        "k_control_alt",
        "value_control_alt",
        "p_value_alt",
    ]
    table = pd.DataFrame(rows, columns=columns)
    table[["k_programme_alt", "k_control_alt"]] = table[["k_programme_alt", "k_control_alt"]].astype("Int64")
    return table


# -- minimum detectable effects -----------------------------------------------------------------
