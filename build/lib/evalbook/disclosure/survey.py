"""The gate of the two survey chapters: what of a survey result may reach a reader.

:func:`release` takes a telephone survey (:class:`evalbook.analysis.survey.SurveyResult`),
:func:`release_nps` a client survey (:class:`evalbook.analysis.nps.NpsResult`); each returns
the masked tables and the list of what it suppressed. The rules (:mod:`evalbook.disclosure.rules`):

* a share is shown only when its count and complement both reach the minimum cell size, a
  group size only when it does; the difference, its interval and the p-values of a
  comparison with a suppressed group are suppressed with it;
* the total over both groups of a row with a suppressed group is suppressed too: the total
  minus the group shown would give the suppressed one back;
* an answer distribution of a group is shown only when every segment reaches the minimum
  (else the other segments give the small one away);
* an NPS row (total, team, month) is shown only when each of its three categories reaches
  the minimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..analysis import survey as analysis
from ..analysis.nps import CATEGORIES, NpsResult
from ..analysis.survey import ALL_GROUPS, TOTAL, SurveyResult
from ..schemas.survey import GROUPS
from . import rules


@dataclass(frozen=True)
class Suppression:
    """One suppression: what (a quantity, an item's distribution, an NPS row), for whom (a
    group, ``difference``, a breakdown) and by which rule (``cell``, ``total``,
    ``comparison``, ``distribution``)."""

    quantity: str
    group: str
    rule: str


@dataclass(frozen=True)
class ReleasedSurvey:
    """A telephone survey as it may be shown: :class:`SurveyResult`'s table (with a
    ``suppressed`` flag per row), comparison and distributions with every disclosive value
    missing, and the respondents per group (missing when too few)."""

    table: pd.DataFrame
    comparison: pd.DataFrame
    distributions: dict[str, pd.DataFrame]
    respondents: pd.Series
    codebook: pd.DataFrame
    alpha: float
    min_cell_size: int
    assumed: dict[str, int] | None
    assumed_match: bool | None
    suppressions: list[Suppression]

    @property
    def indicators(self) -> pd.DataFrame:
        return self.table[self.table["primary"]]


def release(result: SurveyResult, min_cell_size: int = rules.DEFAULT_MIN_CELL_SIZE) -> ReleasedSurvey:
    """The releasable part of a telephone survey."""
    table = _protect(result.table, min_cell_size)
    distributions = {scale: _distribution(frame, min_cell_size) for scale, frame in result.distributions.items()}
    safe = result.respondents.map(lambda n: rules.is_safe_count(n, min_cell_size))
    respondents = result.respondents.where(safe).astype("Int64")
    return ReleasedSurvey(
        table=table, comparison=analysis.comparison(result.figures, table, result.alpha),
        distributions=distributions, respondents=respondents, codebook=result.codebook, alpha=result.alpha,
        min_cell_size=min_cell_size, assumed=result.assumed,
        assumed_match=result.assumed_match if safe.all() else None,
        suppressions=_table_suppressions(result.table, table) + _distribution_suppressions(distributions))


def _protect(raw: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    """:func:`rules.protect` on the groups, extended to the totals and the Wilson intervals."""
    out = rules.protect(raw, min_cell_size)
    total_unsafe = ~out.apply(lambda r: rules.is_safe_proportion(r["k_total"], r["n_total"], min_cell_size), axis=1)
    out.loc[total_unsafe | out["suppressed"], ["k_total", "value_total"]] = np.nan  # total − shown group = hidden one
    small_total = ~out["n_total"].map(lambda n: rules.is_safe_count(n, min_cell_size))
    out.loc[small_total | out[[f"n_{g}" for g in GROUPS]].isna().any(axis=1), "n_total"] = np.nan
    for group in ALL_GROUPS:
        out.loc[out[f"value_{group}"].isna(), [f"wilson_low_{group}", f"wilson_high_{group}"]] = np.nan
    for column in ("k_total", "n_total"):
        out[column] = out[column].astype("Int64")
    return out


def _table_suppressions(raw: pd.DataFrame, released: pd.DataFrame) -> list[Suppression]:
    found = []
    for (_, r), (_, s) in zip(raw.iterrows(), released.iterrows(), strict=True):
        arms = [g for g in GROUPS if pd.isna(s[f"value_{g}"]) and pd.notna(r[f"value_{g}"])]
        found += [Suppression(r["quantity"], g, "cell") for g in arms]
        if pd.isna(s["value_total"]) and pd.notna(r["value_total"]):
            found.append(Suppression(r["quantity"], TOTAL, "total" if arms else "cell"))
        if pd.isna(s["p_value"]) and pd.notna(r["p_value"]):
            found.append(Suppression(r["quantity"], "difference", "comparison"))
    return found


def _distribution(frame: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    safe = frame.groupby(["item", "group"])["k"].transform(
        lambda k: all(rules.is_safe_count(x, min_cell_size) for x in k))
    return frame.assign(value=frame["value"].where(safe))[["item", "category", "group", "value"]]


def _distribution_suppressions(distributions: dict[str, pd.DataFrame]) -> list[Suppression]:
    return [Suppression(item, group, "distribution") for frame in distributions.values()
            for (item, group), block in frame.groupby(["item", "group"], sort=False) if block["value"].isna().all()]


# -- the client survey (NPS) ------------------------------------------------------------------------

@dataclass(frozen=True)
class ReleasedNps:
    """A client survey as it may be shown: the NPS tables with a ``suppressed`` flag per row
    and every value of a suppressed row missing."""

    overall: pd.DataFrame
    by_team: pd.DataFrame
    by_period: pd.DataFrame
    teams: tuple[str, ...]
    periods: tuple[str, ...]
    alpha: float
    min_cell_size: int
    suppressions: list[Suppression]

    @property
    def table(self) -> pd.DataFrame:
        """The three tables one below the other (the chapter's download)."""
        return pd.concat([self.overall, self.by_team, self.by_period], ignore_index=True)


def release_nps(result: NpsResult, min_cell_size: int = rules.DEFAULT_MIN_CELL_SIZE) -> ReleasedNps:
    """The releasable part of a client survey."""
    overall, by_team, by_period = (_protect_nps(t, min_cell_size)
                                   for t in (result.overall, result.by_team, result.by_period))
    suppressions = [Suppression(str(r["group"]), r["by"], "cell")
                    for t in (overall, by_team, by_period) for _, r in t[t["suppressed"]].iterrows()]
    return ReleasedNps(overall=overall, by_team=by_team, by_period=by_period, teams=result.teams,
                       periods=result.periods, alpha=result.alpha, min_cell_size=min_cell_size,
                       suppressions=suppressions)


def _protect_nps(raw: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    out = raw.copy()
    out["suppressed"] = ~out.apply(
        lambda r: all(rules.is_safe_count(r[f"k_{cat}"], min_cell_size) for cat in CATEGORIES), axis=1)
    out.loc[out["suppressed"], [c for c in out.columns if c not in ("by", "group", "suppressed")]] = np.nan
    for column in ["n", *(f"k_{cat}" for cat in CATEGORIES)]:
        out[column] = out[column].astype("Int64")
    return out
