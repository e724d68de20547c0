"""The effect-study chapter's figures: differences with their intervals, and time to outflow.

Each function draws what the gate released (:class:`~evalbook.disclosure.effect.ReleasedEffectStudy`)
and nothing else: suppressed comparisons are left out; the curves have only the steps the
gate released (each of at least the minimum cell size, none after fewer than that remain at
risk), so no figure shows a count the tables hide. The style is the
book's (:mod:`evalbook.report.figures`).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd

from ..analysis.effect import TOTAL
from ..disclosure.effect import ReleasedEffectStudy
from . import format as fmt
from .effect import outcome_label, target_group_label
from .figures import HIGHLIGHT, NEUTRAL, dutch_axis, finish

DAYS_LABEL = "Dagen sinds de start"
NO_CURVE = "Geen curve: te weinig personen om te tonen"
DIFFERENCE_LABEL = "Verschil programmagroep − controlegroep (procentpunt, 95%-BI)"


def difference_plot(study: ReleasedEffectStudy):
    """Differences in percentage points with their 95% intervals, one row per proportion
    outcome (everyone); suppressed outcomes are left out (the chapter lists them)."""
    data = study.total[(study.total["kind"] == "proportion") & ~study.total["suppressed"]].iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(data) + 1.2))
    for y, (_, r) in enumerate(data.iterrows()):
        _point(ax, r, y, study.alpha)
    ax.axvline(0, color="black", linewidth=1)
    dutch_axis(ax.xaxis)
    ax.set_yticks(range(len(data)), [outcome_label(o, study.outflow_measure) for o in data["outcome"]])
    ax.set_xlabel(DIFFERENCE_LABEL)
    ax.set_title("Rood: significant op het gekozen niveau", fontsize="small", loc="left")
    return finish(fig)


def target_group_plot(study: ReleasedEffectStudy, labels: Mapping[str, str]):
    """One panel per target group (and the total): the differences in percentage points with
    95% intervals; suppressed comparisons are left out. None without target groups."""
    if not study.target_groups:
        return None
    proportions = list(dict.fromkeys(study.table.loc[study.table["kind"] == "proportion", "outcome"]))
    scopes = [TOTAL, *study.target_groups]
    fig, axes = plt.subplots(
        1,
        len(scopes),
        figsize=(2.6 * len(scopes) + 2.5, 0.42 * len(proportions) + 1.6),
        sharey=True,
        sharex=True,
        squeeze=False,
    )
    for ax, scope in zip(axes[0], scopes, strict=True):
        rows = study.table[study.table["target_group"] == scope].set_index("outcome")
        for y, outcome in enumerate(reversed(proportions)):
            r = rows.loc[outcome]
            if not r["suppressed"] and pd.notna(r["diff"]):
                _point(ax, r, y, study.alpha)
        ax.axvline(0, color="black", linewidth=1)
        ax.set_title(target_group_label(scope, labels), fontsize="small")
        dutch_axis(ax.xaxis)
    axes[0][0].set_yticks(
        range(len(proportions)), [outcome_label(o, study.outflow_measure) for o in reversed(proportions)]
    )
    fig.supxlabel(f"{DIFFERENCE_LABEL}; ontbrekend = onderdrukt", fontsize="small")
    return finish(fig)


def _point(ax, r, y: int, alpha: float) -> None:
    color = HIGHLIGHT if r["p_value"] < alpha else NEUTRAL
    ax.errorbar(
        r["diff"],
        y,
        xerr=[[r["diff"] - r["ci_low"]], [r["ci_high"] - r["diff"]]],
        fmt="o",
        color=color,
        elinewidth=2,
        capsize=3,
    )


def survival_figures(study: ReleasedEffectStudy):
    """Kaplan–Meier curves with their intervals and the log-rank test, and the cumulative
    incidence of outflow to work and for other reasons: everyone, programme against control."""
    return km_figure(study.km, study.log_rank), cif_figure(study.cif)


def km_figure(km: pd.DataFrame, test=None):
    """Kaplan–Meier curves (``group, days, survival, low, high``) with their intervals, one per
    group, and the log-rank ``test`` in the title when given."""
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for group, data in km.groupby("group", sort=False):
        (line,) = ax.step(data["days"], data["survival"], where="post", label=fmt.GROUP_LABELS.get(group, group))
        ax.fill_between(data["days"], data["low"], data["high"], step="post", alpha=0.2, color=line.get_color())
    ax.set_xlabel(DAYS_LABEL)
    ax.set_ylabel("Nog in de uitkering")
    ax.yaxis.set_major_formatter(lambda y, _: fmt.percent(100 * y, 0))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(title=None, loc="lower left")
    if test is not None and pd.notna(test.p_value):  # the gate withholds a test on too few persons
        ax.set_title(
            f"Log-ranktoets: χ² = {fmt.number(test.statistic, 2)}, {fmt.p_value(test.p_value)}",
            fontsize="small",
            loc="left",
        )
    return finish(fig)


def cif_figure(cif: pd.DataFrame):
    """Cumulative incidence of outflow per cause (``group, cause, days, cif``, and ``low``,
    ``high`` when the analysis gives an interval: drawn as a band): one panel per cause, a
    line per group, as far as the gate released them."""
    causes = list(dict.fromkeys(cif["cause"])) or [None]  # no curve released: one empty panel
    bands = {"low", "high"} <= set(cif.columns)
    fig, axes = plt.subplots(1, len(causes), figsize=(4.5 * len(causes), 4), sharey=True, squeeze=False)
    for ax, cause in zip(axes[0], causes, strict=True):
        for group, data in cif[cif["cause"] == cause].groupby("group", sort=False):
            (line,) = ax.step(data["days"], data["cif"], where="post", label=fmt.GROUP_LABELS.get(group, group))
            if bands:
                ax.fill_between(data["days"], data["low"], data["high"], step="post", alpha=0.2,
                                color=line.get_color())
        ax.set_title(outcome_label(f"outflow_{cause}") if cause else NO_CURVE, fontsize="medium")
        ax.set_xlabel(DAYS_LABEL)
        ax.yaxis.set_major_formatter(lambda y, _: fmt.percent(100 * y, 0))
    axes[0][0].set_ylabel("Cumulatieve incidentie")
    if axes[0][0].get_legend_handles_labels()[0]:
        axes[0][0].legend(title=None, loc="upper left")
    return finish(fig)
