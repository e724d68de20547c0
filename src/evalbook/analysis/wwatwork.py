"""WW@Work (casestudy Rotterdam Zuid): the cohort of max-WW'ers through the funnel, realised
against predicted Bijstand inflow, and the Den Bosch comparison as a difference in differences.

* :func:`analyse`: the cohort's funnel (invited, information meeting, coaching, work or
  Bijstand; in total and per region), its values of the published funnel figures with the
  funnel cells each rests on, the comparison with the published figures, and realised
  against predicted inflow per group. True counts throughout: the chapter passes the result
  through :mod:`evalbook.disclosure.wwatwork` before anything is shown.
* :func:`test_family`: every test of the chapter (realised against predicted inflow per group,
  the 2014 doorstroom per city and its difference in differences) in one family with Holm's
  correction, on the released p-values.
* :func:`doorstroom_did` and :func:`derived_figures`: the published 2014 doorstroom rates of
  Den Bosch and Rotterdam (UWV prediction against realisation) as a difference in
  differences, and the report's claims about Den Bosch recomputed from them (published
  aggregates, no disclosure control). A figure derived from rounded ones is an interval
  (:mod:`evalbook.stats.intervals`): it agrees with a published claim when the two intervals
  overlap; the relative reduction also gets a sampling interval (Katz).

The Rijnmond labour market is in :mod:`evalbook.analysis.labour_market`; the seeded
generator of the embedded cohort in ``synthetic.cohort``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..core.rounding import round_half_up
from ..schemas.cohort import REGIONS
from ..stats.intervals import Interval, difference_in_persons, printed_range, relative_reduction, risk_ratio
from ..stats.multiplicity import holm
from . import published
from .codes import FUNNEL_BASE, FUNNEL_STEPS
from .labour_market import published_interval

# -- the funnel ---------------------------------------------------------------------------

STEPS, BASE = FUNNEL_STEPS, FUNNEL_BASE  # (step, the step whose count is its base)
AREAS = ("", *(f"_{r}" for r in REGIONS))  # column suffixes: all of Rotterdam, then each region


def step_masks(cohort: pd.DataFrame) -> dict[str, pd.Series]:
    """For every funnel step, which persons reached it."""
    coached = cohort["coached"].astype(bool)
    return {
        "cohort": pd.Series(True, index=cohort.index),
        "invited": cohort["invited"].astype(bool),
        "attended": cohort["attended"].astype(bool),
        "coached": coached,
        "found_work": coached & cohort["found_work"].fillna(False).astype(bool),
        "bijstand": coached & cohort["bijstand_inflow"].astype(bool),
    }


def area_masks(cohort: pd.DataFrame) -> dict[str, pd.Series]:
    """Per column suffix of :data:`AREAS`, the persons of that area."""
    return {"": pd.Series(True, index=cohort.index), **{f"_{r}": cohort["region"] == r for r in REGIONS}}


def funnel(cohort: pd.DataFrame) -> pd.DataFrame:
    """One row per funnel step: ``count``, its base ``n`` (the base step's count) and the
    percentage, in total and per region (suffixes ``_noord``, ``_zuid``). True counts."""
    masks, areas = step_masks(cohort), area_masks(cohort)
    rows = []
    for step, base in STEPS:
        row = {"step": step}
        for suffix, persons in areas.items():
            k = int(masks[step][persons].sum())
            n = int(masks[base][persons].sum()) if base else pd.NA
            row |= {f"count{suffix}": k, f"n{suffix}": n, f"percent{suffix}": _percent(k, n) if base else np.nan}
        rows.append(row)
    table = pd.DataFrame(rows)
    for col in [c for c in table if c.startswith(("count", "n"))]:
        table[col] = table[col].astype("Int64")
    return table


WORK_WINDOW = ("2017-01-01", "2017-06-01")  # "In 2017 van januari tot eind juni" (first and last month)
FUNNEL_FIGURES = (
    "leaving_ww_per_month",
    "maxww_share_noord",
    "maxww_share_zuid",
    "attended_information_meeting",
    "coached_cumulative",
    "found_work_cumulative",
    "found_work_jan_jun_2017",
    "conversion_work",
    "into_bijstand",
    "outflow_share_noord",
    "outflow_share_zuid",
)


def funnel_figures(cohort: pd.DataFrame) -> pd.DataFrame:
    """The cohort's values of the published funnel figures (:data:`FUNNEL_FIGURES`), in the
    shape :func:`evalbook.analysis.published.side_by_side` takes, with the count ``k`` (and
    base ``n`` for a share) each rests on and ``cells``: the funnel cells (step, column) that
    the value would give back. ``value`` is missing where it cannot be computed (no
    ``work_month`` in the data)."""
    m = step_masks(cohort)
    months = cohort["cohort_month"].dt.to_period("M").nunique()
    work = m["found_work"]
    window = None
    if "work_month" in cohort:
        window = int((work & cohort["work_month"].between(*pd.to_datetime(WORK_WINDOW))).sum())
    areas = ("count", *(f"count_{r}" for r in REGIONS))
    n, coached, k_work = len(cohort), int(m["coached"].sum()), int(work.sum())
    attended, invited, bijstand = int(m["attended"].sum()), int(m["invited"].sum()), int(m["bijstand"].sum())
    rows = [("leaving_ww_per_month", "rotterdam", n / months if months else np.nan, n, None, (("cohort", "count"),))]
    for r in REGIONS:
        k = int((cohort["region"] == r).sum())
        rows.append(("maxww_share", r, _percent(k, n), k, n, tuple(("cohort", c) for c in areas)))
    rows += [
        (
            "attended_information_meeting",
            "",
            _percent(attended, invited),
            attended,
            invited,
            (("attended", "percent"),),
        ),
        ("coached_cumulative", "", coached, coached, None, (("coached", "count"),)),
        ("found_work_cumulative", "", k_work, k_work, None, (("found_work", "count"),)),
        ("found_work", "", window, window, None, ()),
        ("conversion_work", "", _percent(k_work, coached), k_work, coached, (("found_work", "percent"),)),
        ("into_bijstand", "", _percent(bijstand, coached), bijstand, coached, (("bijstand", "percent"),)),
    ]
    for r in REGIONS:
        k = int((work & (cohort["region"] == r)).sum())
        rows.append(("outflow_share", r, _percent(k, k_work), k, k_work, tuple(("found_work", c) for c in areas)))
    frame = pd.DataFrame(rows, columns=["quantity", "subgroup", "value", "k", "n", "cells"])
    frame["group"] = ""
    frame["value"] = frame["value"].astype(float)
    return frame


def _percent(k: int, n: int) -> float:
    return 100 * k / n if n else np.nan


def comparison(figures: pd.DataFrame, figure_ids, reproduced: pd.DataFrame) -> pd.DataFrame:
    """The published figures ``figure_ids`` (in that order) beside their reproduction
    (:func:`evalbook.analysis.published.side_by_side`), with the published unit.

    When ``reproduced`` has the columns ``low`` and ``high`` (a figure derived from rounded
    ones: every value its inputs' rounding allows), the status follows from interval overlap
    with the published figure's interval (:func:`published_interval`)."""
    missing = set(figure_ids) - set(figures["figure_id"])
    if missing:
        raise KeyError(f"published figures missing: {sorted(missing)}")
    subset = figures.set_index("figure_id").loc[list(figure_ids)].reset_index()
    side = published.side_by_side(subset, reproduced)
    side = side.merge(subset[["figure_id", "unit"]], on="figure_id", how="left", validate="one_to_one")
    if {"low", "high"} <= set(reproduced.columns):
        keys = ["quantity", "subgroup"]
        bounds = reproduced.assign(subgroup=reproduced["subgroup"].fillna(""))[[*keys, "low", "high"]]
        side = side.merge(bounds, on=keys, how="left", validate="many_to_one")
        shown = side["status"].isin([published.STATUS_AGREES, published.STATUS_DIFFERS]) & side["low"].notna()
        side.loc[shown, "status"] = [
            published.STATUS_AGREES
            if published_interval(r).overlaps(Interval(r["low"], r["high"]))
            else published.STATUS_DIFFERS
            for _, r in side[shown].iterrows()
        ]
    return side


# -- realised against predicted inflow within the cohort ----------------------------------

OVP_GROUPS = ("total", "coached", "not_coached", *REGIONS)


def ovp_masks(cohort: pd.DataFrame) -> dict[str, pd.Series]:
    """Per group of :data:`OVP_GROUPS`, its persons."""
    coached = cohort["coached"].astype(bool)
    return {
        "total": pd.Series(True, index=cohort.index),
        "coached": coached,
        "not_coached": ~coached,
        **{r: cohort["region"] == r for r in REGIONS},
    }


def predictions(cohort: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per group of :data:`OVP_GROUPS`, its persons' predicted probabilities of Bijstand inflow:
    the contributions to the predicted inflow and (as ``p(1-p)``) to its variance, which the
    disclosure gate checks with the magnitude rules."""
    return {name: cohort.loc[m, "predicted_inflow"].astype(float).to_numpy() for name, m in ovp_masks(cohort).items()}


def observed_vs_predicted(cohort: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Realised Bijstand inflow against the sum of UWV's predicted probabilities, per group
    (:data:`OVP_GROUPS`). True counts ``n`` and ``k``.

    Under the hypothesis that the prediction is right for the group, the realised count has
    mean ``sum(p)`` and variance ``sum(p(1-p))`` (a Poisson-binomial count). The difference
    (realised minus predicted, in pp) gets the normal interval from that variance and the
    matching two-sided p-value; the prediction itself is taken as known.
    """
    z = stats.norm.ppf(1 - alpha / 2)
    masks = ovp_masks(cohort)
    rows = []
    for name in OVP_GROUPS:
        p = cohort.loc[masks[name], "predicted_inflow"].astype(float).to_numpy()
        k = int(cohort.loc[masks[name], "bijstand_inflow"].astype(bool).sum())
        n = len(p)
        row = {"group": name, "n": n, "k": k}
        expected, var = p.sum(), (p * (1 - p)).sum()
        if n and var > 0:
            diff, half = 100 * (k - expected) / n, 100 * z * math.sqrt(var) / n
            row |= {
                "realised": 100 * k / n,
                "predicted": 100 * expected / n,
                "diff": diff,
                "ci_low": diff - half,
                "ci_high": diff + half,
                "p_value": float(2 * stats.norm.sf(abs(k - expected) / math.sqrt(var))),
            }
        rows.append(row)
    table = pd.DataFrame(rows).reindex(
        columns=["group", "n", "k", "realised", "predicted", "diff", "ci_low", "ci_high", "p_value"]
    )
    table[["n", "k"]] = table[["n", "k"]].astype("Int64")
    return table


@dataclass(frozen=True)
class CohortStudy:
    """Everything the chapter computes from the cohort, with true counts (before the gate)."""

    funnel: pd.DataFrame
    figures: pd.DataFrame  # :func:`funnel_figures`
    comparison: pd.DataFrame  # the published funnel figures beside :attr:`figures`
    ovp: pd.DataFrame  # :func:`observed_vs_predicted`
    first_month: pd.Timestamp
    last_month: pd.Timestamp
    months: int
    predictions: dict[str, np.ndarray] | None = None  # :func:`predictions`, for the gate's magnitude rules


def analyse(cohort: pd.DataFrame, published_figures: pd.DataFrame, alpha: float = 0.05) -> CohortStudy:
    """The funnel, its published figures side by side, and realised against predicted inflow."""
    figures = funnel_figures(cohort)
    month = cohort["cohort_month"]
    return CohortStudy(
        funnel=funnel(cohort),
        figures=figures,
        comparison=comparison(published_figures, FUNNEL_FIGURES, figures),
        ovp=observed_vs_predicted(cohort, alpha),
        first_month=month.min(),
        last_month=month.max(),
        months=int(month.dt.to_period("M").nunique()),
        predictions=predictions(cohort),
    )


def test_family(ovp: pd.DataFrame, did: pd.DataFrame) -> pd.DataFrame:
    """Every test of the chapter as one family for Holm's correction: realised against
    predicted inflow per group of the cohort (``ovp`` as the gate released it) and the 2014
    doorstroom per city and between them (:func:`doorstroom_did`). One row per test:
    ``table`` (``ovp``/``did``), ``key`` (group or unit), ``p_value``, ``p_holm``. A test
    without a p-value (held back by the gate, or not computable) counts with p = 1, so that an
    adjusted p-value gives no hidden one back and stays valid; its ``p_holm`` is missing."""
    tests = pd.concat(
        [
            pd.DataFrame({"table": "ovp", "key": ovp["group"], "p_value": ovp["p_value"]}),
            pd.DataFrame({"table": "did", "key": did["unit"], "p_value": did["p_value"]}),
        ],
        ignore_index=True,
    )
    p = tests["p_value"].astype(float)
    tests["p_holm"] = pd.Series(holm(p.fillna(1.0)), index=tests.index).where(p.notna())
    return tests


# -- Den Bosch and Rotterdam: predicted against realised doorstroom (2014) ----------------

CITIES = ("den_bosch", "rotterdam")


def populations(figures: pd.DataFrame) -> dict[str, int]:
    """The WW leavers behind the published 2014 rates: the realised doorstroom count divided
    by the realised rate (the report gives the count, ``240`` and ``2.250``, not the base)."""
    value = figures.set_index("figure_id")["value"]
    return {
        city: round_half_up(value[f"doorstroom_count_{city}"] / (value[f"doorstroom_realised_{city}"] / 100))
        for city in CITIES
    }


def doorstroom_did(figures: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Realised minus predicted doorstroom per city and the difference of those differences
    (unit ``did``: Den Bosch minus Rotterdam), in percentage points, with normal intervals.

    The published figures are rates; each is treated as a binomial proportion on the city's
    population (:func:`populations`), the UWV prediction as well as the realisation, so the
    variance of the difference in differences is the sum of the four binomial variances.
    The columns ``*_known`` give the narrower interval that treats the prediction as known
    (only the two realised rates vary).
    """
    value = figures.set_index("figure_id")["value"]
    pops = populations(figures)
    z = stats.norm.ppf(1 - alpha / 2)
    rows = []
    for city in CITIES:
        pred, real = value[f"doorstroom_predicted_{city}"] / 100, value[f"doorstroom_realised_{city}"] / 100
        n = pops[city]
        rows.append(
            {
                "unit": city,
                "predicted": 100 * pred,
                "realised": 100 * real,
                "count": int(value[f"doorstroom_count_{city}"]),
                "population": n,
                "diff": 100 * (real - pred),
                "var": (pred * (1 - pred) + real * (1 - real)) / n * 1e4,
                "var_known": real * (1 - real) / n * 1e4,
            }
        )
    db, rd = rows
    rows.append(
        {
            "unit": "did",
            "diff": db["diff"] - rd["diff"],
            "var": db["var"] + rd["var"],
            "var_known": db["var_known"] + rd["var_known"],
        }
    )
    table = pd.DataFrame(rows)
    se, se_known = np.sqrt(table["var"]), np.sqrt(table["var_known"])
    table["ci_low"], table["ci_high"] = table["diff"] - z * se, table["diff"] + z * se
    table["p_value"] = 2 * stats.norm.sf(np.abs(table["diff"]) / se)
    table["ci_low_known"], table["ci_high_known"] = table["diff"] - z * se_known, table["diff"] + z * se_known
    table["p_value_known"] = 2 * stats.norm.sf(np.abs(table["diff"]) / se_known)
    table["relative"] = 100 * table["diff"] / table["predicted"]
    return table.drop(columns=["var", "var_known"])


DID_FIGURES = ("inflow_rate_reduction_den_bosch", "bijstand_reduction_per_year_den_bosch")


def derived_figures(figures: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """The report's two claims about Den Bosch (:data:`DID_FIGURES`: a relative drop of the
    doorstroom rate printed "30% á 40%", persons a year kept out of the Bijstand printed
    "100 á 140") against what its own rounded rates allow.

    Per claim: the published row, ``claim_low``/``claim_high`` (the printed range read as
    rounded numbers, :func:`evalbook.stats.intervals.printed_range`), ``reproduced`` (from the
    point values), ``low``/``high`` (every value the rounding of 6,6%, 4,7% and the exact 240
    allows), the 95% sampling interval ``sampling_low``/``sampling_high`` (the reduction:
    Katz's interval of the ratio of the two rates as binomial proportions on the derived WW
    leavers; the persons: the interval of the difference times those leavers) and ``status``:
    agrees when the rounding interval overlaps the claim's."""
    rows = figures.set_index("figure_id")
    predicted, realised = (
        published_interval(rows.loc[f"doorstroom_{kind}_den_bosch"]) for kind in ("predicted", "realised")
    )
    count = published_interval(rows.loc["doorstroom_count_den_bosch"])
    value = rows["value"]
    p0, p1 = value["doorstroom_predicted_den_bosch"] / 100, value["doorstroom_realised_den_bosch"] / 100
    leavers = populations(figures)["den_bosch"]
    katz = risk_ratio(value["doorstroom_count_den_bosch"], leavers, p0 * leavers, leavers, alpha).reduction()
    did = doorstroom_did(figures, alpha).set_index("unit").loc["den_bosch"]
    derived = {
        "inflow_rate_reduction_den_bosch": (
            100 * (1 - p1 / p0),
            100 * relative_reduction(predicted, realised),
            100 * katz.low,
            100 * katz.high,
        ),
        "bijstand_reduction_per_year_den_bosch": (
            (p0 - p1) * leavers,
            difference_in_persons(predicted, realised, count),
            -did["ci_high"] / 100 * leavers,
            -did["ci_low"] / 100 * leavers,
        ),
    }
    out = []
    for figure_id in DID_FIGURES:
        r = rows.loc[figure_id]
        point, rounding, sampling_low, sampling_high = derived[figure_id]
        claim = printed_range(float(r["lower"]), float(r["upper"]))
        out.append(
            {
                "figure_id": figure_id,
                "quantity": r["quantity"],
                "printed": r["printed"],
                "unit": r["unit"],
                "value": r["value"],
                "lower": r["lower"],
                "upper": r["upper"],
                "claim_low": claim.low,
                "claim_high": claim.high,
                "reproduced": point,
                "low": rounding.low,
                "high": rounding.high,
                "sampling_low": sampling_low,
                "sampling_high": sampling_high,
                "status": published.STATUS_AGREES if rounding.overlaps(claim) else published.STATUS_DIFFERS,
            }
        )
    return pd.DataFrame(out)
