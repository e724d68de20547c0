"""The client-survey (NPS) chapter in Dutch: tables, glued values and figures from a released
client survey (:class:`evalbook.disclosure.survey.ReleasedNps`)."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..analysis.codes import NPS_CATEGORIES as CATEGORIES
from ..core.vocabulary import BOTH_ARMS as TOTAL
from ..disclosure.survey import ReleasedNps
from ..stats.nps import DETRACTOR_MAX, PROMOTER_MIN
from . import figures
from . import format as fmt
from .tables import Table
from .text import SUPPRESSED, join, month, readable, section

CATEGORY_LABELS = {"promoters": "promotors (9–10)", "passives": "passief (7–8)", "detractors": "criticasters (0–6)"}
TOTAL_LABEL = "totaal"


def group_label(value) -> str:
    """A row's name in Dutch: ``totaal``, ``team Noord`` or a month (``maart 2017``)."""
    value = str(value)
    if value == TOTAL:
        return TOTAL_LABEL
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return month(pd.Timestamp(f"{value}-01"))
    return f"team {value.capitalize()}"


def signed(x) -> str:
    """An NPS in points with its sign: ``+21,7``, ``−6,8``, ``0,0``."""
    if pd.isna(x):
        return fmt.MISSING
    text = fmt.number(x, 1)
    return ("+" + text if x > 0 and text != "0,0" else text).replace("-", "−")


def download_table(released: ReleasedNps) -> pd.DataFrame:
    """The chapter's downloadable table: the three released tables, the total row named ``totaal``."""
    return released.table.replace({"by": {TOTAL: TOTAL_LABEL}, "group": {TOTAL: TOTAL_LABEL}})


def display(tables: list[pd.DataFrame], heading: str, alpha: float) -> Table:
    """The rows of ``tables`` in Dutch notation: size, category shares, NPS and its interval
    (at level ``alpha``)."""
    rows = []
    for _, r in pd.concat(tables, ignore_index=True).iterrows():
        rows.append(
            {
                heading: group_label(r["group"]),
                "n": fmt.number(r["n"]),
                **{CATEGORY_LABELS[c].split(" (")[0].capitalize(): fmt.percent(r[f"share_{c}"], 1) for c in CATEGORIES},
                "NPS": fmt.number(r["nps"], 1),
                f"{fmt.confidence(alpha)}-BI": fmt.interval(r["nps_low"], r["nps_high"], 1),
            }
        )
    return Table(pd.DataFrame(rows))


def split_plot(tables: list[pd.DataFrame]):
    """Promoters, passives and detractors as 100% stacked bars, one bar per row of ``tables``
    (suppressed rows left out)."""
    data = pd.concat(tables, ignore_index=True)
    data = data[~data["suppressed"]].iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(data) + 1.4))
    colours = {"detractors": "#d6604d", "passives": "#bdbdbd", "promoters": "#4393c3"}
    names = [group_label(g) for g in data["group"]]
    left = np.zeros(len(data))
    for cat in ("detractors", "passives", "promoters"):
        ax.barh(names, data[f"share_{cat}"], left=left, color=colours[cat], label=CATEGORY_LABELS[cat])
        left += data[f"share_{cat}"].to_numpy(dtype=float)
    ax.set_xlim(0, 100)
    figures.dutch_axis(ax.xaxis)
    ax.set_xlabel("Aandeel van de respondenten (%)")
    fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=3, frameon=False)
    return figures.finish(fig, legend_below=True)


def period_plot(by_period: pd.DataFrame, alpha: float):
    """NPS per month with its adjusted-Wald interval (suppressed months left out). Teams are
    not split by month: with the team totals beside the month totals, a team's month could
    be worked out from the others. ``alpha``: the intervals' level."""
    data = by_period[~by_period["suppressed"]]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    x = np.arange(len(data))
    ax.errorbar(
        x,
        data["nps"],
        yerr=[data["nps"] - data["nps_low"], data["nps_high"] - data["nps"]],
        fmt="o-",
        color=figures.palette(3)[0],
        capsize=3,
    )
    ax.axhline(0, color="black", linewidth=1)
    ax.set_xticks(x, [group_label(p) for p in data["group"]], rotation=30, ha="right")
    ax.set_ylabel(f"NPS (punten, {fmt.confidence(alpha)}-BI)")
    ax.yaxis.set_major_formatter(lambda y, _: fmt.number(y, 0).replace("-", "−"))
    return figures.finish(fig)


def glue_values(released: ReleasedNps) -> dict[str, str]:
    """The numbers of the client-survey chapter's prose, in Dutch notation."""
    o = released.overall.iloc[0]
    values = {
        "nps_n": SUPPRESSED if pd.isna(o["n"]) else fmt.number(o["n"]),
        "nps": signed(o["nps"]),
        "nps_ci": fmt.interval(o["nps_low"], o["nps_high"], 1),
    }
    for cat in CATEGORIES:
        values[f"nps_{cat}"] = fmt.percent(o[f"share_{cat}"], 0)
    values["team_summary"] = join(
        [
            f"{group_label(r['group'])}: {SUPPRESSED}"
            if r["suppressed"]
            else f"{group_label(r['group'])}: {signed(r['nps'])} "
            f"({fmt.confidence(released.alpha)}-BI {fmt.interval(r['nps_low'], r['nps_high'], 1)})"
            for _, r in released.by_team.iterrows()
        ],
        sep="; ",
    )
    values["teams_total"] = str(len(released.teams))
    values["periods_total"] = str(len(released.periods))
    values["first_period"] = group_label(released.periods[0])
    values["last_period"] = group_label(released.periods[-1])
    values["periods_suppressed"] = str(int(released.by_period["suppressed"].sum()))
    values["confidence"] = fmt.confidence(released.alpha)
    values["min_cell_size"] = fmt.number(released.min_cell_size)
    values["promoter_min"] = str(PROMOTER_MIN)
    values["detractor_max"] = str(DETRACTOR_MAX)
    return values


def published_context_display(published: pd.DataFrame, report: str) -> Table:
    """The published figures around the NPS (no NPS values): what the report says about the
    team, with the passage and where it stands in ``report`` (the report's name)."""
    rows = [
        {
            "Gepubliceerd": readable(r["printed"]),
            "Citaat": readable(r["quote"]),
            "Vindplaats": f"{report}, {section(r['section'])}",
        }
        for _, r in published.iterrows()
    ]
    return Table(pd.DataFrame(rows))
