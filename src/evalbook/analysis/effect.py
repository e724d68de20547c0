"""The effect study: programme group against control group on register outcomes.

One analysis serves every programme; they differ in configuration (the chapter's run
parameters): which outcomes, which target groups, how "outflow" is measured and how the
report's totals are read. :func:`analyse` turns a register (with the candidate pool, the
published figures and the assumptions beside it) into an :class:`EffectStudy` of raw
results: true counts, nothing suppressed, no Dutch. Nothing of it is shown before the gate
(:mod:`evalbook.disclosure.effect`) has released it.

Comparisons (:func:`outcome_table`), chosen so that test and interval agree (the interval
excludes 0 exactly when p < alpha): proportions by the Miettinen–Nurminen score test and
interval (:func:`evalbook.stats.proportions.proportions`), means by Welch's t-test and its
interval. Differences are programme minus control, in percentage points for proportions.
Beside them: Holm-adjusted p-values over every row, the effect adjusted for the matching
variables (:func:`adjusted_table`) and the minimum detectable effect (:func:`mde_table`); and
the checks of :mod:`evalbook.analysis.effect_checks`: for everyone, with target groups, the
Cochran–Mantel–Haenszel test and the unweighted mean of the target groups; the sensitivity to
hidden bias (E-values, and Rosenbaum's Γ from the matched pairs); and outflow in the reading
not chosen where the report prints outflow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..schemas.register import REGISTER
from ..stats import adjusted, power, survival
from ..stats.means import means
from ..stats.multiplicity import holm
from ..stats.proportions import proportions
from . import effect_checks as checks
from . import matching, published
from .codes import (  # the codes of this study's results (presentation reads them there)
    COLLINEAR,
    DEFAULT_MIN_EVENTS,
    EMPTY_GROUP,
    MEAN_METHOD,
    OUTFLOW_BELOW_WORK,
    PARTS_ABOVE_OUTFLOW,
    PROPORTION_METHOD,
    PUBLISHED_TOTALS,
    RETURNED,
    TOO_FEW_EVENTS,
    TOTAL_OUTSIDE_PARTS,
)
from .outcomes import BY_NAME, GROUPS, OUTCOMES, TOTAL, Outcome, derive, selection, time_to_event

COVARIATES = ("sex", "age", "education", "benefit_months")
EDUCATION_LEVELS = next(c.categories for c in REGISTER.columns if c.name == "education")  # first: reference


@dataclass
class Conflict:
    """Published figures of the effect study that cannot all hold at once.

    ``OUTFLOW_BELOW_WORK`` / ``PARTS_ABOVE_OUTFLOW``: for ``group`` in ``subgroup`` (``TOTAL``:
    everyone), ``figures`` holds the published values of ``outflow``, ``outflow_work`` (and
    ``outflow_other``). ``TOTAL_OUTSIDE_PARTS``: the published total of ``quantity`` for
    ``group`` (``figures[TOTAL]``) against its target groups' values (the other keys, in
    order); read as everyone together it would have to be at least (``at_least``) or at most
    ``bound`` percent, given the group sizes of ``sizes_of`` (target groups).
    """

    kind: str
    group: str
    subgroup: str
    quantity: str
    figures: dict[str, float]
    bound: float | None = None
    at_least: bool | None = None
    sizes_of: tuple[str, ...] = ()


@dataclass
class Balance:
    """Balance of the matching variables: ``table`` (:func:`evalbook.analysis.matching.balance_table`),
    the largest |SMD| after matching per target group, and whether the register's control
    group is what matching the pool gives (None without a pool)."""

    table: pd.DataFrame
    by_target_group: pd.Series
    has_pool: bool
    reproduces_register: bool | None


@dataclass
class EffectStudy:
    """Raw results of one effect study (true counts: for the gate only).

    ``table``: one row per target group (``TOTAL`` for everyone) and outcome
    (:func:`outcome_table`) with ``p_holm`` over all rows, the adjusted effect (``ame``…,
    total rows only), the minimum detectable effect ``mde``, the stratified tests
    (``cmh_p``, ``um_``…) and the sensitivity to hidden bias (``rr``…, ``e_value``…, ``gamma``)
    of the total rows, and the other reading of outflow (``k_programme_alt``…), all from
    :mod:`evalbook.analysis.effect_checks`; ``gamma`` needs
    the matched pairs: a pool whose matching gives the register's control group
    (``balance``); ``figures``: the published
    figures of the chosen outcomes; ``total_means``: when the report's totals are unweighted
    means of the target groups, those means (index outcome, a column per group), else None;
    ``km``, ``cif`` (with intervals), ``log_rank``: time to outflow (everyone); ``assumptions``: the
    assumptions with their parsed ``quantity, group, target_group, kind``; ``persons``: the
    per-person outcomes everything was computed from (:func:`with_covariates`, indexed by
    person id), which the gate's magnitude rules read; ``pairs``: the matched pairs Γ was
    computed from (``programme_id, control_id``, indexing ``persons``; None without them) and
    ``pool``: the candidate pool (None without one), both for the gate's lineage of Γ and of
    the balance table.
    """

    table: pd.DataFrame
    figures: pd.DataFrame
    conflicts: list[Conflict]
    km: pd.DataFrame
    cif: pd.DataFrame
    log_rank: survival.LogRank
    balance: Balance
    assumptions: pd.DataFrame
    alpha: float
    power: float
    min_events: int
    outflow_measure: str
    published_total: str
    persons: pd.DataFrame
    target_groups: list[str] = field(default_factory=list)  # present, in the configured order
    missing: list[str] = field(default_factory=list)  # configured but absent from the data
    total_means: pd.DataFrame | None = None
    pairs: pd.DataFrame | None = None
    pool: pd.DataFrame | None = None


def analyse(
    register: pd.DataFrame,
    figures: pd.DataFrame,
    pool: pd.DataFrame | None = None,
    assumptions: pd.DataFrame | None = None,
    *,
    follow_up_months: int = 12,
    alpha: float = 0.05,
    outcomes_shown=None,
    target_groups=(),
    outflow_measure: str = "event",
    published_total: str = "pooled",
    detect_power: float = power.DEFAULT_POWER,
    min_events: int = DEFAULT_MIN_EVENTS,
) -> EffectStudy:
    """Derive the outcomes, compare the groups (in total and per target group), adjust for the
    matching variables, check the control group against the pool, and set the published
    figures beside it all."""
    if published_total not in PUBLISHED_TOTALS:
        raise ValueError(f"published_total must be one of {', '.join(PUBLISHED_TOTALS)}, got {published_total!r}")
    chosen = selection(outcomes_shown, outflow_measure)
    persons = with_covariates(register, follow_up_months, outflow_measure=outflow_measure).set_index(
        register["person_id"]
    )
    found = [t for t in persons["target_group"].dropna().unique() if t != TOTAL]
    present = [t for t in target_groups if t in found] + sorted(t for t in found if t not in target_groups)
    missing = [t for t in target_groups if t not in found]

    parts = []
    for scope in (TOTAL, *present):
        frame = persons if scope == TOTAL else persons[persons["target_group"] == scope]
        part = outcome_table(frame, chosen, alpha)
        if scope == TOTAL:
            part = part.merge(
                adjusted_table(frame, chosen, alpha, min_events=min_events).drop(columns="method"),
                on="outcome",
                how="left",
            )
        part.insert(0, "target_group", scope)
        part["mde"] = mde_table(
            part, alpha, detect_power, pooled_sd(frame, [o.name for o in chosen if o.kind == "mean"])
        )["mde"]
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    table.insert(table.columns.get_loc("mde"), "p_holm", holm(table["p_value"]))
    matched = balance(register, pool)
    pairs = matching.match(pool) if matched.reproduces_register else None
    extra = [checks.sensitivity_table(persons, chosen, pairs, alpha)]
    if present:
        extra.append(checks.stratified_table(persons, chosen, present, alpha))
    for part in extra:
        table = table.merge(part.assign(target_group=TOTAL), on=["target_group", "outcome"], how="left")
    unweighted = published_total == "unweighted_mean" and bool(present)
    printed = figures[(figures["quantity"] == "outflow") & (figures["unit"] == "percent")]
    scopes = [s for s in printed["subgroup"].fillna(TOTAL).unique() if s in present or (s == TOTAL and not unweighted)]
    table = table.merge(
        checks.other_reading(register, scopes, follow_up_months, outflow_measure),
        on=["target_group", "outcome"],
        how="left",
    )

    sizes = table[table["outcome"] == published.OUTCOME_FOR_N].set_index("target_group")[["n_programme", "n_control"]]
    tte = time_to_event(register, follow_up_months)
    return EffectStudy(
        table=table,
        figures=figures[figures["quantity"].isin([o.name for o in chosen] + ["n"])],
        conflicts=published_conflicts(figures, sizes if not missing else sizes.loc[[TOTAL]]),
        km=survival.kaplan_meier(tte, alpha),
        cif=survival.cumulative_incidence(tte, alpha=alpha),
        log_rank=survival.log_rank(tte),
        balance=matched,
        assumptions=parse_assumptions(assumptions),
        alpha=alpha,
        power=detect_power,
        min_events=min_events,
        outflow_measure=outflow_measure,
        published_total=published_total,
        persons=persons,
        target_groups=present,
        missing=missing,
        total_means=_total_means(table) if unweighted else None,
        pairs=pairs,
        pool=pool,
    )


def outcome_table(frame: pd.DataFrame, outcomes: tuple[Outcome, ...] = OUTCOMES, alpha: float = 0.05) -> pd.DataFrame:
    """One row per outcome: n, counts, percentages or means per group, difference, CI, p and
    the ``method`` code. ``frame`` is the per-person output of
    :func:`evalbook.analysis.outcomes.derive`."""
    rows = []
    for o in outcomes:
        if o.name not in frame:
            continue
        values = {g: frame.loc[frame["group"] == g, o.name].dropna() for g in GROUPS}
        if o.kind == "proportion":
            stats_row = proportions(
                int(values["programme"].sum()),
                len(values["programme"]),
                int(values["control"].sum()),
                len(values["control"]),
                alpha,
            )
            method = PROPORTION_METHOD
        else:
            stats_row = means(values["programme"], values["control"], alpha)
            method = MEAN_METHOD
        rows.append({"outcome": o.name, "kind": o.kind} | stats_row | {"method": method})
    columns = [
        "outcome",
        "kind",
        "n_programme",
        "k_programme",
        "value_programme",
        "n_control",
        "k_control",
        "value_control",
        "diff",
        "ci_low",
        "ci_high",
        "p_value",
        "method",
    ]
    table = pd.DataFrame(rows).reindex(columns=columns)
    table[["k_programme", "k_control"]] = table[["k_programme", "k_control"]].astype("Int64")
    return table


def _total_means(table: pd.DataFrame) -> pd.DataFrame:
    """Route 3's "totaal gemiddeld": per outcome and group, the unweighted mean of the target
    groups' values (unrounded; missing when one of them is)."""
    groups = table[table["target_group"] != TOTAL]
    return pd.DataFrame(
        {g: groups.groupby("outcome", sort=False)[f"value_{g}"].agg(lambda v: v.mean(skipna=False)) for g in GROUPS}
    )


# -- other tests of the same comparison, hidden bias, the other reading of outflow --------------------


def pooled_sd(frame: pd.DataFrame, columns) -> dict[str, float]:
    """The pooled within-group standard deviation of each column of a per-person frame."""
    return {c: power.pooled_sd(*(frame.loc[frame["group"] == g, c].dropna() for g in GROUPS)) for c in columns}


def mde_table(
    table: pd.DataFrame,
    alpha: float = 0.05,
    detect_power: float = power.DEFAULT_POWER,
    sd: dict[str, float] | None = None,
) -> pd.DataFrame:
    """One row per row of an :func:`outcome_table`: ``outcome, mde``, in percentage points for
    proportions (from ``value_control`` and the group sizes) and in the outcome's unit for
    means (needs ``sd[outcome]``, e.g. from :func:`pooled_sd`; NaN without it)."""
    sd = sd or {}
    rows = []
    for _, r in table.iterrows():
        n1, n0 = r["n_programme"], r["n_control"]
        if r["kind"] == "proportion":
            p0 = r["value_control"] / 100 if pd.notna(r["value_control"]) else np.nan
            mde = 100 * power.mde_proportion(p0, n1, n0, alpha, detect_power)
        else:
            mde = power.mde_mean(sd.get(r["outcome"], np.nan), n1, n0, alpha, detect_power)
        rows.append({"outcome": r["outcome"], "mde": float(mde)})
    return pd.DataFrame(rows, columns=["outcome", "mde"])


# -- adjusted effects ------------------------------------------------------------------------------


def with_covariates(register: pd.DataFrame, follow_up_months: int = 12, **options) -> pd.DataFrame:
    """The per-person outcomes of :func:`evalbook.analysis.outcomes.derive` (``options``
    passed on to it) with the matching variables of the register."""
    return derive(register, follow_up_months, **options).join(register[list(COVARIATES)])


def design(frame: pd.DataFrame, covariates=COVARIATES) -> pd.DataFrame:
    """The design matrix: constant, ``treated`` (1 = programme) and the covariates, with
    ``sex`` as ``female`` and ``education`` as indicators against ``low``; columns without
    variation (beyond the constant and ``treated``) are dropped."""
    x = pd.DataFrame({"const": 1.0, "treated": (frame["group"] == GROUPS[0]).astype(float)}, index=frame.index)
    for name in covariates:
        if name == "sex":
            x["female"] = (frame["sex"] == "female").astype(float)
        elif name == "education":
            for level in EDUCATION_LEVELS[1:]:
                x[f"education_{level}"] = (frame["education"] == level).astype(float)
        else:
            x[name] = frame[name].to_numpy(dtype=float)
    extra = [c for c in x.columns[2:] if x[c].nunique() < 2]
    return x.drop(columns=extra)


def adjusted_effect(
    frame: pd.DataFrame,
    outcome: Outcome,
    alpha: float = 0.05,
    covariates=COVARIATES,
    min_events: int = DEFAULT_MIN_EVENTS,
) -> dict:
    """The effect of one outcome adjusted for ``covariates``, on the persons in its
    denominator: the average marginal effect of a logistic regression for a yes/no outcome,
    the OLS coefficient (HC3) for a mean (:mod:`evalbook.stats.adjusted`). A dict of ``ame,
    ame_low, ame_high, ame_p, method, reason``; a yes/no outcome with fewer than
    ``min_events`` persons with "yes" or with "no" in a group is not estimated."""
    data = frame[frame[outcome.name].notna()]
    groups = [data.loc[data["group"] == g, outcome.name] for g in GROUPS]
    if min(len(g) for g in groups) == 0:
        return adjusted.failed(EMPTY_GROUP)
    x = design(data, covariates)
    treated = x.columns.get_loc("treated")
    if outcome.kind == "proportion":  # persons alike in covariates and outcome: one row, weighted
        counts = x.assign(y=data[outcome.name].to_numpy(dtype=float)).groupby(list(x.columns) + ["y"]).size()
        rows = counts.index.to_frame(index=False).to_numpy(dtype=float)
        distinct = rows[:, :-1]
    else:
        distinct = x.drop_duplicates().to_numpy()
    if np.linalg.matrix_rank(distinct) < x.shape[1]:  # the distinct rows have the rank of all rows
        return adjusted.failed(COLLINEAR)
    if outcome.kind != "proportion":
        return adjusted.ols_effect(data[outcome.name], x.to_numpy(), treated, alpha)
    if min(min(int(g.sum()), int((~g).sum())) for g in groups) < min_events:
        return adjusted.failed(TOO_FEW_EVENTS)
    return adjusted.logit_ame(rows[:, -1], distinct, treated, alpha, weights=counts.to_numpy())


def adjusted_spread(frame: pd.DataFrame, outcome: Outcome, covariates=COVARIATES) -> np.ndarray:
    """Each person's share of the squared standard error of the adjusted effect of a mean
    outcome (:func:`evalbook.stats.adjusted.hc3_contributions` on :func:`adjusted_effect`'s
    design): what the interval and p-value of that effect carry of each person's value."""
    data = frame[frame[outcome.name].notna()]
    x = design(data, covariates)
    return adjusted.hc3_contributions(data[outcome.name], x.to_numpy(), x.columns.get_loc("treated"))


def adjusted_table(
    frame: pd.DataFrame,
    outcomes: tuple[Outcome, ...] = OUTCOMES,
    alpha: float = 0.05,
    covariates=COVARIATES,
    min_events: int = DEFAULT_MIN_EVENTS,
) -> pd.DataFrame:
    """One row per outcome: ``outcome, ame, ame_low, ame_high, ame_p, method, reason``
    (:func:`adjusted_effect`; ``frame`` is :func:`with_covariates`' output)."""
    rows = [
        {"outcome": o.name} | adjusted_effect(frame, o, alpha, covariates, min_events)
        for o in outcomes
        if o.name in frame
    ]
    return pd.DataFrame(rows, columns=["outcome", "ame", "ame_low", "ame_high", "ame_p", "method", "reason"])


# -- time to outflow --------------------------------------------------------------------------------


# -- the control group ------------------------------------------------------------------------------


def balance(register: pd.DataFrame, pool: pd.DataFrame | None = None) -> Balance:
    """Balance before and after matching, per target group, and whether matching the pool
    gives the register's control group."""
    return Balance(
        matching.balance_table(register, pool),
        matching.max_abs_smd_by_target_group(register),
        pool is not None,
        None if pool is None else matching.reproduces(register, pool),
    )


# -- assumptions and published figures ------------------------------------------------------------


def parse_assumptions(assumptions: pd.DataFrame | None) -> pd.DataFrame:
    """The assumptions (``parameter, label, value, reason``) with what each is about: a parameter
    ``<quantity>_<group>[_<target group>]`` gives ``quantity`` (``n`` or an outcome),
    ``group``, ``target_group`` (None: every target group) and ``kind`` (``count`` for a group
    size, else the outcome's kind); ``returned_after_other_<group>`` (the percentage back on
    benefit after leaving for another reason, which sets outflow in the status reading) gives
    quantity ``outflow`` and kind :data:`RETURNED`; other parameters get None there."""
    columns = ["parameter", "label", "value", "reason", "quantity", "group", "target_group", "kind"]
    if assumptions is None or assumptions.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for _, r in assumptions.iterrows():
        found = {"quantity": None, "group": None, "target_group": None, "kind": None}
        for group in GROUPS:
            if r["parameter"] == f"{RETURNED}_{group}":
                found = {"quantity": "outflow", "group": group, "target_group": None, "kind": RETURNED}
                break
            quantity, sep, rest = r["parameter"].partition(f"_{group}")
            if sep and (rest == "" or rest.startswith("_")) and (quantity == "n" or quantity in BY_NAME):
                kind = "count" if quantity == "n" else BY_NAME[quantity].kind
                found = {"quantity": quantity, "group": group, "target_group": rest[1:] or None, "kind": kind}
                break
        label = r.get("label")
        rows.append(
            {"parameter": r["parameter"], "label": label if isinstance(label, str) and label else None}
            | {"value": r["value"], "reason": r["reason"]}
            | found
        )
    return pd.DataFrame(rows, columns=columns)


def published_conflicts(figures: pd.DataFrame, sizes: pd.DataFrame) -> list[Conflict]:
    """Published figures that cannot all hold at once (printed figures taken with their
    rounding intervals ``lower``–``upper``):

    * outflow against its parts, where the three are given for one group: outflow below
      outflow to work, or below outflow to work plus for other reasons (in the "event" reading
      outflow is the sum of the two);
    * a published total against its target groups if the total were the share of everyone
      together: with the group ``sizes`` (index target group, columns ``n_programme``,
      ``n_control``) the published group figures bound that share, and the total may lie
      outside those bounds (a target group without a figure may lie anywhere in 0–100%).
    """
    found = []
    figs = figures.assign(subgroup=figures["subgroup"].fillna(TOTAL))
    for (group, subgroup), rows in figs.groupby(["group", "subgroup"], sort=False):
        q = rows.set_index("quantity")
        if not {"outflow", "outflow_work"} <= set(q.index):
            continue
        out, work = q.loc["outflow"], q.loc["outflow_work"]
        if out["upper"] <= work["lower"]:  # printed intervals are half-open: outflow < work
            found.append(
                Conflict(
                    OUTFLOW_BELOW_WORK,
                    group,
                    subgroup,
                    "outflow",
                    {"outflow": out["value"], "outflow_work": work["value"]},
                )
            )
        elif "outflow_other" in q.index and out["upper"] <= work["lower"] + q.loc["outflow_other", "lower"]:
            found.append(
                Conflict(
                    PARTS_ABOVE_OUTFLOW,
                    group,
                    subgroup,
                    "outflow",
                    {
                        "outflow": out["value"],
                        "outflow_work": work["value"],
                        "outflow_other": q.loc["outflow_other", "value"],
                    },
                )
            )
    groups = [t for t in sizes.index if t != TOTAL]
    if not groups:
        return found
    for (quantity, group), rows in figs[figs["unit"] == "percent"].groupby(["quantity", "group"], sort=False):
        o = BY_NAME.get(quantity)
        if o is None or o.among is not None or group not in GROUPS:
            continue
        total = rows[rows["subgroup"] == TOTAL]
        parts = rows[rows["subgroup"].isin(groups)].set_index("subgroup")
        if total.empty or parts.empty:
            continue
        n = sizes.loc[groups, f"n_{group}"].astype(float)
        low = sum(parts.loc[g, "lower"] * n[g] for g in parts.index) / n.sum()
        high = (
            sum(parts.loc[g, "upper"] * n[g] for g in parts.index)
            + sum(100 * n[g] for g in groups if g not in parts.index)
        ) / n.sum()
        t = total.iloc[0]
        if low >= t["upper"] or high < t["lower"]:
            found.append(
                Conflict(
                    TOTAL_OUTSIDE_PARTS,
                    group,
                    TOTAL,
                    quantity,
                    {TOTAL: t["value"]} | {g: parts.loc[g, "value"] for g in parts.index},
                    bound=low if low >= t["upper"] else high,
                    at_least=bool(low >= t["upper"]),
                    sizes_of=tuple(groups),
                )
            )
    return found
