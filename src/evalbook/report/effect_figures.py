"""The effect-study chapter's figures: differences with their intervals, and time to outflow.

Each function draws what the gate released (:class:`~evalbook.disclosure.effect.ReleasedEffectStudy`)
and nothing else: suppressed comparisons are left out; the curves have only the points the
gate released (each at least the minimum cell size of exits after the previous one, none
after fewer than that remain at risk), so no figure shows a count the tables hide. Between
two released points a curve is drawn as a straight line with a marker at each point: drawn
as a staircase it would show a plateau the data do not have (no exit for weeks, then many at
once); :func:`curve_note` says so in the caption. The style is the book's
(:mod:`evalbook.report.figures`).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import MultipleLocator

from ..analysis.outcomes import GROUPS, TOTAL
from ..disclosure.effect import ReleasedEffectStudy
from . import format as fmt
from . import verdict
from .effect import target_group_label
from .figures import dutch_axis, finish
from .labels import outcome_label

DAYS_LABEL = "Dagen sinds de start"
NO_CURVE = "Geen curve: te weinig personen om te tonen"


def difference_label(alpha: float) -> str:
    """The axis label of a difference plot, with the intervals' confidence level."""
    return f"Verschil programmagroep − controlegroep (procentpunt, {fmt.confidence(alpha)}-BI)"


def difference_plot(study: ReleasedEffectStudy):
    """Differences in percentage points with their confidence intervals, one row per proportion
    outcome (everyone), coloured by verdict (with Holm); suppressed outcomes are left out (the
    chapter lists them)."""
    data = study.total[(study.total["kind"] == "proportion") & ~study.total["suppressed"]].iloc[::-1]
    fig, ax = plt.subplots(figsize=(6.0, 0.5 * len(data) + 2.2))
    for y, (_, r) in enumerate(data.iterrows()):
        _point(ax, r, y, study.alpha)
    ax.axvline(0, color="black", linewidth=1)
    dutch_axis(ax.xaxis)
    ax.set_yticks(
        range(len(data)), [textwrap.fill(outcome_label(o, study.outflow_measure), 26) for o in data["outcome"]]
    )
    ax.set_xlabel(textwrap.fill(difference_label(study.alpha), 50))
    _verdict_legend(fig)
    return finish(fig, legend_above=len(verdict.COLOUR_LABELS))


def target_group_plot(study: ReleasedEffectStudy, labels: Mapping[str, str]):
    """One panel per target group (and the total), one below the other (legible on a phone):
    the differences in percentage points with confidence intervals, the verdict in colour and
    shape; suppressed comparisons are left out. None without target groups."""
    if not study.target_groups:
        return None
    proportions = list(dict.fromkeys(study.table.loc[study.table["kind"] == "proportion", "outcome"]))
    scopes = [TOTAL, *study.target_groups]
    rows = len(scopes)
    fig, axes = plt.subplots(
        rows, 1, figsize=(6.0, rows * (0.42 * len(proportions) + 1.0) + 1.6), sharey=True, sharex=True, squeeze=False
    )
    names = [outcome_label(o, study.outflow_measure) for o in reversed(proportions)]
    for ax, scope in zip(axes.ravel(), scopes, strict=False):
        found = study.table[study.table["target_group"] == scope].set_index("outcome")
        for y, outcome in enumerate(reversed(proportions)):
            r = found.loc[outcome]
            if not r["suppressed"] and pd.notna(r["diff"]):
                _point(ax, r, y, study.alpha)
        ax.axvline(0, color="black", linewidth=1)
        ax.set_title(target_group_label(scope, labels), fontsize="medium")
        ax.set_yticks(range(len(proportions)), [textwrap.fill(n, 26) for n in names])
        ax.tick_params(axis="x", labelbottom=True)
        dutch_axis(ax.xaxis)
    for ax in axes.ravel()[len(scopes) :]:
        ax.remove()
    fig.supxlabel(textwrap.fill(f"{difference_label(study.alpha)}; ontbrekend = onderdrukt", 50))
    _verdict_legend(fig)
    return finish(fig, legend_above=len(verdict.COLOUR_LABELS))


def _point(ax, r, y: int, alpha: float) -> None:
    """One difference with its interval, its verdict in colour and in shape."""
    color = verdict.colour(r["p_value"], alpha, r["p_holm"])
    shape = verdict.marker(r["p_value"], alpha, r["p_holm"])
    ax.errorbar(
        r["diff"],
        y,
        xerr=[[r["diff"] - r["ci_low"]], [r["ci_high"] - r["diff"]]],
        fmt=shape,
        color=color,
        markerfacecolor="white" if shape == verdict.MARKERS[verdict.NOT_SIGNIFICANT] else color,
        markersize=7,
        elinewidth=2,
        capsize=3,
    )


def _verdict_legend(fig) -> None:
    """The colours and shapes of the verdicts, explained above the figure (one per line: a
    narrow figure has no room for them side by side)."""
    handles = [
        Line2D(
            [],
            [],
            marker=verdict.MARKERS[code],
            linestyle="",
            color=verdict.COLOURS[code],
            markerfacecolor="white" if code == verdict.NOT_SIGNIFICANT else verdict.COLOURS[code],
            label=text,
        )
        for code, text in verdict.COLOUR_LABELS.items()
    ]
    fig.legend(handles=handles, loc="upper center", ncol=1, frameon=False)


def survival_figures(study: ReleasedEffectStudy):
    """Kaplan–Meier curves with their intervals and the log-rank test, and the cumulative
    incidence of outflow to work and for other reasons: everyone, programme against control."""
    return km_figure(study.km, study.log_rank), cif_figure(study.cif)


def km_floor(km: pd.DataFrame) -> float:
    """Where the Kaplan–Meier figure's vertical axis starts: 0, or, when every curve and
    interval stays above 50%, the highest multiple of 5% below them (the chapter says so)."""
    lowest = km["low"].min() if len(km) else 1.0
    return 0.0 if pd.isna(lowest) or lowest < 0.5 else math.floor(lowest * 20 - 1e-9) / 20


def km_figure(km: pd.DataFrame, test=None):
    """Kaplan–Meier curves (``group, days, survival, low, high``) with their intervals, one per
    group, and the log-rank ``test`` in the title when given; the vertical axis starts at
    :func:`km_floor`."""
    fig, ax = plt.subplots(figsize=(7.8, 4.2))
    for group, data in km.groupby("group", sort=False):
        _curve(ax, data, "survival", fmt.GROUP_LABELS.get(group, group))
    ax.set_xlabel(DAYS_LABEL)
    ax.set_ylabel("Nog in de uitkering")
    floor = km_floor(km)
    ax.set_ylim(floor, 1.01)
    ax.yaxis.set_major_locator(MultipleLocator(0.05 if floor >= 0.75 else 0.1))  # ticks on whole percentages
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


def km_axis_note(study: ReleasedEffectStudy) -> str:
    """What the caption says about where the Kaplan–Meier axis starts."""
    floor = km_floor(study.km)
    if floor == 0:
        return "De verticale as begint bij 0%."
    return (
        f"De verticale as begint bij {fmt.percent(100 * floor, 0)}, niet bij 0%: binnen de volgperiode stroomt "
        "maar een klein deel uit, en vanaf 0% zouden de curven en hun verschil niet te zien zijn."
    )


def cif_figure(cif: pd.DataFrame):
    """Cumulative incidence of outflow per cause (``group, cause, days, cif``, and ``low``,
    ``high`` when the analysis gives an interval: drawn as a band): one panel per cause, a
    line per group, as far as the gate released them."""
    causes = list(dict.fromkeys(cif["cause"])) or [None]  # no curve released: one empty panel
    bands = {"low", "high"} <= set(cif.columns)
    fig, axes = plt.subplots(1, len(causes), figsize=(7.8, 3.8), sharey=True, squeeze=False)
    for ax, cause in zip(axes[0], causes, strict=True):
        for group, data in cif[cif["cause"] == cause].groupby("group", sort=False):
            _curve(ax, data, "cif", fmt.GROUP_LABELS.get(group, group), bands)
        ax.set_title(outcome_label(f"outflow_{cause}") if cause else NO_CURVE, fontsize="medium")
        ax.set_xlabel(DAYS_LABEL)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(lambda y, _: fmt.percent(100 * y, 0))
    axes[0][0].set_ylabel("Cumulatieve incidentie")
    if axes[0][0].get_legend_handles_labels()[0]:
        axes[0][0].legend(title=None, loc="upper left")
    return finish(fig)


def _curve(ax, data: pd.DataFrame, value: str, label: str, band: bool = True) -> None:
    """One released curve: its points joined by straight lines, with its interval as a band."""
    (line,) = ax.plot(data["days"], data[value], marker="o", markersize=3, label=label)
    if band:
        ax.fill_between(data["days"], data["low"], data["high"], alpha=0.2, color=line.get_color())


def curve_note(study: ReleasedEffectStudy) -> str:
    """What the caption of the curves says about how they were released: the points, the
    straight lines between them and where a curve stops before the end of follow-up."""
    m = study.min_cell_size
    text = (
        f"Een punt van een curve ligt steeds ten minste {m} uitstromers na het vorige (kleinere stappen zijn "
        "samengenomen, ook met de uitstromers na het laatste punt); tussen twee punten is de lijn recht "
        "getrokken, want het precieze verloop zou kleinere aantallen prijsgeven."
    )
    ends = study.km.groupby("group", sort=False)["days"].max()
    for group in GROUPS:
        name = fmt.GROUP_LABELS[group]
        if group not in ends.index:
            text += f" Voor de {name} is geen curve te tonen: te weinig personen of uitstromers."
        elif study.curve_end is not None and ends[group] < study.curve_end:
            text += (
                f" De curve van de {name} stopt op dag {fmt.number(ends[group])}: daarna zijn er minder dan {m} "
                f"personen over, of minder dan {m} uitstromers om nog te tonen."
            )
    if study.curve_end is not None and len(ends) and (ends == study.curve_end).all():
        text += " De curven lopen tot het eind van de volgperiode"
        text += " en eindigen bij de uitstroom in de tabel." if _ends_at_table(study) else "."
    return text


def _ends_at_table(study: ReleasedEffectStudy) -> bool:
    """Whether every Kaplan–Meier curve ends at one minus the outflow share of the table (so
    when outflow counts every exit within the window and nobody's follow-up was cut short)."""
    if study.outflow_measure != "event" or "outflow" not in set(study.total["outcome"]):
        return False
    row = study.total.set_index("outcome").loc["outflow"]
    last = study.km.sort_values("days").groupby("group", sort=False)["survival"].last()
    return all(abs(last.get(g, np.nan) - (1 - row[f"value_{g}"] / 100)) < 1e-9 for g in GROUPS)
