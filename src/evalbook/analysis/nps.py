"""The client survey of Werk en Inkomen: Net Promoter Score tables from 0–10 recommendation scores.

:func:`analyse` gives the NPS with its adjusted-Wald interval (:mod:`evalbook.stats.nps`)
overall, per team and per month, with true counts; the chapter passes the result through
:func:`evalbook.disclosure.survey.release_nps` before anything is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.vocabulary import BOTH_ARMS
from ..stats.nps import DETRACTOR_MAX, PROMOTER_MIN, nps, nps_interval
from .codes import NPS_CATEGORIES

CATEGORIES = NPS_CATEGORIES
TOTAL = BOTH_ARMS  # the key of the row over every respondent
BREAKDOWNS = (None, "team", "period")  # overall, per team, per month


def category(score: pd.Series) -> pd.Series:
    """The NPS category of each score (promoters, passives, detractors)."""
    return pd.Series(
        np.select([score >= PROMOTER_MIN, score <= DETRACTOR_MAX], ["promoters", "detractors"], "passives"),
        index=score.index,
    )


def table(responses: pd.DataFrame, by: str | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """NPS with its adjusted-Wald interval, overall (``by=None``: one row keyed :data:`TOTAL`)
    or per value of ``by`` (``team``, ``period``): counts and shares per category."""
    frame = responses.assign(category=category(responses["score"]))
    groups = [(TOTAL, frame)] if by is None else list(frame.groupby(by, sort=True))
    rows = []
    for key, block in groups:
        c = block["category"].value_counts().reindex(list(CATEGORIES), fill_value=0)
        n = int(c.sum())
        low, high = nps_interval(c["promoters"], c["passives"], c["detractors"], alpha)
        row = {"by": by or TOTAL, "group": key, "n": n}
        row |= {f"k_{cat}": int(c[cat]) for cat in CATEGORIES}
        row |= {f"share_{cat}": 100 * c[cat] / n for cat in CATEGORIES}
        row |= {"nps": nps(c["promoters"], c["passives"], c["detractors"]), "nps_low": low, "nps_high": high}
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class NpsResult:
    """The client survey analysed (true counts): :func:`table` overall, per team and per
    month, and the teams and months the responses cover."""

    overall: pd.DataFrame
    by_team: pd.DataFrame
    by_period: pd.DataFrame
    teams: tuple[str, ...]
    periods: tuple[str, ...]
    alpha: float


def analyse(responses: pd.DataFrame, alpha: float = 0.05) -> NpsResult:
    """The NPS tables of a client survey (contract ``nps_responses``)."""
    overall, by_team, by_period = (table(responses, by, alpha) for by in BREAKDOWNS)
    return NpsResult(
        overall=overall,
        by_team=by_team,
        by_period=by_period,
        teams=tuple(sorted(responses["team"].unique())),
        periods=tuple(sorted(responses["period"].unique())),
        alpha=alpha,
    )
