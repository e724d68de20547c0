"""The telephone surveys of WGW and Route 3: answers scored against the codebook, counted,
compared between the groups and set beside the published figures.

:func:`analyse` turns a validated survey (:class:`evalbook.schemas.survey.Survey`) into a
:class:`SurveyResult` with true counts: one row per quantity (every item and composite, and
the categories of agreement and choice items) with counts, shares and Wilson intervals per
group and in total, the group difference (Miettinen–Nurminen) and Holm-adjusted p-values
over the indicators. Nothing here is suppressed; the chapter passes the result through
:func:`evalbook.disclosure.survey.release` before anything is shown.

When the answers name each respondent's team (the optional ``team`` column),
:func:`team_counts` counts every indicator (item and composite) per team and group: the
``by_team`` frame of the result, counts only.

Quantities carry the names of ``data/published``: an item's positive share is named after
the item, a category share ``<item>_<category>`` and the number of respondents answering
positively ``n_<item>``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.vocabulary import BOTH_ARMS
from ..schemas.survey import DONT_KNOW, GROUPS, SIDES, Survey, has_teams, members, option_codes, split_list
from ..stats.multiplicity import holm
from ..stats.proportions import proportions, wilson
from . import published

TOTAL = BOTH_ARMS  # both groups together
ALL_GROUPS = (*GROUPS, TOTAL)
DISTRIBUTION_SCALES = ("choice", "agreement")
MIDDLE = "middle"  # neutral and dont_know together, in the agreement distributions


# -- scoring and counting ------------------------------------------------------------------------


def scored(survey: Survey) -> pd.DataFrame:
    """The counted answers (``dont_know`` dropped where the codebook excludes it) with their
    ``category`` (agreement side, option, grade) and whether they are ``positive``."""
    q = survey.questions.set_index("item")
    frame = survey.responses.join(q[["scale", "positive", "dont_know"]], on="item")
    frame = frame[~((frame["value"] == DONT_KNOW) & (frame["dont_know"] == "exclude"))].copy()
    frame["category"] = np.where(frame["scale"] == "agreement", frame["value"].map(SIDES), frame["value"])

    def positive(row) -> bool:
        if row["value"] == DONT_KNOW:
            return False
        if row["scale"] == "grade":
            return int(row["value"]) >= int(row["positive"])
        return row["category"] in split_list(row["positive"])

    frame["positive"] = frame.apply(positive, axis=1).astype(bool)
    return frame


def counts(survey: Survey) -> pd.DataFrame:
    """Long counts: one row per quantity and group (programme, control, total) with ``k``, ``n``.

    Quantities: every item and composite (``k`` positive of ``n`` counted), and for agreement
    and choice items every category (``<item>_<category>``).
    """
    frame = scored(survey)
    book = survey.codebook.set_index("item")
    rows = []
    for item, answers in frame.groupby("item", sort=False):
        rows += _count_rows(item, item, None, answers["positive"], answers["group"])
        if book.at[item, "scale"] in DISTRIBUTION_SCALES:
            present = [c for c in _category_order(book.loc[item]) if (answers["category"] == c).any()]
            for category in present:
                rows += _count_rows(
                    f"{item}_{category}", item, category, answers["category"] == category, answers["group"]
                )
    wide = frame.pivot(index="respondent", columns="item", values="positive")
    group = frame.drop_duplicates("respondent").set_index("respondent")["group"]
    for composite in book.index[book["scale"] == "composite"]:
        items = members(book, composite)
        complete = wide[items].notna().all(axis=1)
        hits = wide.loc[complete, items].astype(bool).all(axis=1)
        rows += _count_rows(composite, composite, None, hits, group[hits.index])
    order = {item: i for i, item in enumerate(book.index)}
    out = pd.DataFrame(rows)
    return out.sort_values("item", key=lambda s: s.map(order), kind="stable", ignore_index=True)


TEAM_COLUMNS = ("quantity", "item", "team", "group", "k", "n")


def team_counts(survey: Survey, frame: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """Every indicator counted per team and group (programme, control): ``quantity, item,
    team, group, k, n``, in the codebook's order and the teams sorted; a team without
    respondents in a group has ``k = n = 0``. None when the answers name no teams.
    ``frame``: :func:`scored` of ``survey`` when already computed."""
    if not has_teams(survey.responses):
        return None
    frame = scored(survey) if frame is None else frame
    book = survey.codebook.set_index("item")
    people = survey.responses.drop_duplicates("respondent").set_index("respondent")[["group", "team"]]
    teams = sorted(people["team"].unique())
    index = pd.MultiIndex.from_product([teams, list(GROUPS)], names=["team", "group"])
    blocks = []

    def add(quantity: str, hits: pd.Series) -> None:
        who = people.loc[hits.index]
        counted = pd.DataFrame({"team": who["team"], "group": who["group"], "hit": hits.astype(int)})
        sums = counted.groupby(["team", "group"])["hit"].agg(k="sum", n="size").reindex(index, fill_value=0)
        blocks.append(sums.reset_index().assign(quantity=quantity, item=quantity))

    for item, answers in frame.groupby("item", sort=False):
        add(item, answers.set_index("respondent")["positive"])
    wide = frame.pivot(index="respondent", columns="item", values="positive")
    for composite in book.index[book["scale"] == "composite"]:
        items = members(book, composite)
        complete = wide[items].notna().all(axis=1)
        add(composite, wide.loc[complete, items].astype(bool).all(axis=1))
    order = {item: i for i, item in enumerate(book.index)}
    out = pd.concat(blocks, ignore_index=True)[list(TEAM_COLUMNS)]
    out[["k", "n"]] = out[["k", "n"]].astype(int)
    return out.sort_values(
        ["quantity", "team"],
        key=lambda s: s.map(order) if s.name == "quantity" else s,
        kind="stable",
        ignore_index=True,
    )


def team_respondents(survey: Survey) -> pd.DataFrame | None:
    """The respondents per team (index, sorted) and group (columns), None without teams."""
    if not has_teams(survey.responses):
        return None
    people = survey.responses.drop_duplicates("respondent")
    sizes = people.groupby(["team", "group"]).size().unstack(fill_value=0)
    return sizes.reindex(columns=list(GROUPS), fill_value=0).sort_index().astype(int)


def _count_rows(quantity: str, item: str, category, hits: pd.Series, groups: pd.Series) -> list[dict]:
    rows = []
    for group in ALL_GROUPS:
        mask = (groups == group) if group != TOTAL else pd.Series(True, index=groups.index)
        rows.append(
            {
                "quantity": quantity,
                "item": item,
                "category": category,
                "group": group,
                "k": int(hits[mask.to_numpy()].sum()),
                "n": int(mask.sum()),
            }
        )
    return rows


def _category_order(row) -> list[str]:
    if row["scale"] == "agreement":
        return ["disagree", "neutral", "agree", DONT_KNOW]
    return [*option_codes(row["options"]), DONT_KNOW]


def distributions(long: pd.DataFrame, codebook: pd.DataFrame, scale: str) -> pd.DataFrame:
    """Answer shares (``item, category, group, k, n, value``) of the items on ``scale`` per
    group; for agreement items neutral and weet niet form one segment (:data:`MIDDLE`).
    Categories nobody chose in either group are left out."""
    long = long[long["item"].map(codebook.set_index("item")["scale"]) == scale]
    long = long[long["category"].notna() & (long["group"] != TOTAL)]
    if scale == "agreement":
        long = long.assign(category=long["category"].replace({"neutral": MIDDLE, DONT_KNOW: MIDDLE}))
        long = long.groupby(["item", "category", "group"], sort=False, as_index=False).agg(
            k=("k", "sum"), n=("n", "first")
        )
    long = long[long.groupby(["item", "category"])["k"].transform("sum") > 0].copy()
    long["value"] = 100 * long["k"] / long["n"]
    return long[["item", "category", "group", "k", "n", "value"]].reset_index(drop=True)


# -- the analysis ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyResult:
    """A telephone survey analysed (true counts; not for readers before the gate).

    ``table``: one row per quantity (indicators with ``primary`` True, category shares with
    ``primary`` False and their ``category``): counts, shares and Wilson intervals per group
    and in total, the difference with its Miettinen–Nurminen interval and p-value, and
    Holm-adjusted p-values over the indicators. ``comparison``: every published figure
    beside its reproduction (:func:`comparison`). ``distributions``: the answer shares of the
    choice and agreement items (:func:`distributions`), by scale. ``by_team``: the
    indicators counted per team and group (:func:`team_counts`), None without teams.
    """

    table: pd.DataFrame
    distributions: dict[str, pd.DataFrame]
    figures: pd.DataFrame
    comparison: pd.DataFrame
    respondents: pd.Series
    codebook: pd.DataFrame
    alpha: float
    assumed: dict[str, int] | None = None
    by_team: pd.DataFrame | None = None
    team_respondents: pd.DataFrame | None = None  # respondents per team (index) and group (columns)

    @property
    def indicators(self) -> pd.DataFrame:
        return self.table[self.table["primary"]]

    @property
    def teams(self) -> tuple[str, ...]:
        """The teams of the survey in the order of ``by_team`` (empty without teams)."""
        return () if self.by_team is None else tuple(dict.fromkeys(self.by_team["team"]))

    @property
    def assumed_match(self) -> bool | None:
        """Whether the respondents per group are the numbers the assumptions give (None without them)."""
        if self.assumed is None:
            return None
        return all(self.respondents.get(g) == self.assumed.get(g) for g in GROUPS)


def analyse(
    survey: Survey, figures: pd.DataFrame, alpha: float = 0.05, assumed: dict[str, int] | None = None
) -> SurveyResult:
    """Shares, Wilson intervals, group differences, Holm, and the published figures beside the
    reproduction. ``assumed``: the respondents per group the data are assumed to hold
    (:func:`assumed_respondents`), checked against the data."""
    book = survey.codebook.set_index("item")
    long = counts(survey)
    rows = []
    for quantity, block in long.groupby("quantity", sort=False):
        c = block.set_index("group")
        item, category = block["item"].iloc[0], block["category"].iloc[0]
        entry = book.loc[item]
        primary = category is None or pd.isna(category)
        row = {
            "quantity": quantity,
            "item": item,
            "category": None if primary else category,
            "primary": primary,
            "topic": entry["topic"],
            "scale": entry["scale"],
            "kind": "proportion",
        }
        for group in ALL_GROUPS:
            k, n = int(c.at[group, "k"]), int(c.at[group, "n"])
            low, high = wilson(k, n, alpha)
            row |= {
                f"n_{group}": n,
                f"k_{group}": k,
                f"value_{group}": 100 * k / n if n else np.nan,
                f"wilson_low_{group}": 100 * low,
                f"wilson_high_{group}": 100 * high,
            }
        difference = proportions(row["k_programme"], row["n_programme"], row["k_control"], row["n_control"], alpha)
        rows.append(row | {key: difference[key] for key in ("diff", "ci_low", "ci_high", "p_value")})
    table = pd.DataFrame(rows)
    table["p_holm"] = np.nan
    table.loc[table["primary"], "p_holm"] = holm(table.loc[table["primary"], "p_value"])
    return SurveyResult(
        table=table,
        distributions={s: distributions(long, survey.codebook, s) for s in DISTRIBUTION_SCALES},
        figures=figures,
        comparison=comparison(figures, table, alpha),
        respondents=survey.respondents().reindex(list(GROUPS)),
        codebook=survey.codebook,
        alpha=alpha,
        assumed=assumed,
        by_team=team_counts(survey),
        team_respondents=team_respondents(survey),
    )


def reproduced_values(table: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Values of ``table`` in the published figures' shape (``quantity, group, value,
    suppressed``): each share per group, ``n_<quantity>`` (respondents answering positively)
    for the indicators, and ``confidence_level`` (100 × (1 − alpha)). A value missing from
    ``table`` (suppressed by the gate) is marked ``suppressed``."""
    rows = [{"quantity": "confidence_level", "group": None, "value": 100 * (1 - alpha), "suppressed": False}]
    for _, r in table.iterrows():
        for group in ALL_GROUPS:
            value = r[f"value_{group}"]
            rows.append({"quantity": r["quantity"], "group": group, "value": value, "suppressed": bool(pd.isna(value))})
            if r["primary"]:
                k = r[f"k_{group}"]
                rows.append(
                    {
                        "quantity": f"n_{r['quantity']}",
                        "group": group,
                        "value": np.nan if pd.isna(k) else float(k),
                        "suppressed": bool(pd.isna(k)),
                    }
                )
    return pd.DataFrame(rows)


def comparison(figures: pd.DataFrame, table: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Every published figure beside its value in ``table`` (:func:`evalbook.analysis.published.side_by_side`)
    and, where the report labels the difference (significant or not), the reproduction's
    p-value (``reproduced_p``)."""
    out = published.side_by_side(figures, reproduced_values(table, alpha))
    p_values = table.set_index("quantity")["p_value"]
    out["reproduced_p"] = [
        p_values.get(q, np.nan) if isinstance(sig, str) else np.nan
        for q, sig in zip(out["quantity"], out["significance"], strict=True)
    ]
    return out


# -- assumptions -----------------------------------------------------------------------------------


def assumed(assumptions: pd.DataFrame) -> dict[str, float]:
    """``{parameter: value}`` of the numeric rows of a chapter's assumptions
    (:meth:`evalbook.book.chapter.Chapter.assumptions`)."""
    values = pd.to_numeric(assumptions["value"], errors="coerce")
    return {p: float(v) for p, v in zip(assumptions["parameter"], values, strict=True) if pd.notna(v)}


def assumed_respondents(assumptions: pd.DataFrame) -> dict[str, int] | None:
    """The respondents per group the assumptions give (``respondents_<group>``; the reports
    do not publish them), None when they give none."""
    values = assumed(assumptions)
    if not all(f"respondents_{g}" in values for g in GROUPS):
        return None
    return {g: int(values[f"respondents_{g}"]) for g in GROUPS}
