"""Synthetic survey data: the telephone surveys of WGW and Route 3 and the client survey (NPS)
of Werk en Inkomen, calibrated to the published figures.

The telephone surveys (``data/synthetic/<programme>/survey.csv``) are dealt out item by item
in codebook order so that every published share and count is met when rounded as the
reports round. Every other number (the numbers of respondents, and each share the report gives
only in words or as a direction, or not at all) is an assumption in
``data/synthetic/assumptions.csv`` with its reason, passed in as the chapter's rows of that
file (:func:`survey_targets`): the generator uses no number that is neither. The client
survey (``wwatwork/survey_nps.csv``) is illustrative: no NPS values are published.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evalbook.analysis import published
from evalbook.analysis.survey import assumed, assumed_respondents, members
from evalbook.core import contract, paths
from evalbook.core.rounding import count_for_percent
from evalbook.schemas.survey import CODEBOOK, DONT_KNOW, GROUPS, option_labels, split_list

SEED = 20180901  # the month the telephone surveys were held
PUB = "published"  # target marker: the published value of this quantity and group
REST = "rest"  # target marker: whatever is left of the base


@dataclass
class _Targets:
    """Turns the percentage targets of one programme into counts for a base of ``n``."""

    figures: pd.DataFrame
    group: str

    def count(self, percent, n: int, *quantities: str) -> int:
        """``percent`` of ``n`` rounded as the reports round; ``PUB``: the published value of
        the first of ``quantities`` that has one."""
        if percent == PUB:
            rows = self.figures[self.figures["quantity"].isin(quantities) & (self.figures["group"] == self.group)]
            rows = rows.sort_values("quantity", key=lambda q: q.map(list(quantities).index))
            percent = float(rows["value"].iloc[0])
        return count_for_percent(percent, n) if percent else 0

    def item(self, entry, target, n: int) -> dict[str, int]:
        """Counts of one grade, agreement or yes/no item: ``positive`` and, where they apply,
        ``agree``, ``disagree``, ``dont_know``."""
        item, scale = entry.name, entry["scale"]
        if scale == "grade":
            return {
                "positive": self.count(target[0], n, item),
                DONT_KNOW: self.count(target[1], n, f"{item}_{DONT_KNOW}") if len(target) > 1 else 0,
            }
        if scale == "agreement":
            out = {
                side: self.count(pct, n, f"{item}_{side}", *([item] if entry["positive"] == side else []))
                for side, pct in zip(("agree", "disagree"), target[:2], strict=True)
            }
            out[DONT_KNOW] = self.count(target[2], n, f"{item}_{DONT_KNOW}") if len(target) > 2 else 0
            return out | {"positive": out[entry["positive"]]}
        return {"positive": self.count(target, n, item)}


def _codebook(programme: str) -> pd.DataFrame:
    return contract.read(paths.repo_root() / "data" / "synthetic" / programme / "codebook.csv", CODEBOOK)


def generate(
    programme: str, targets: dict, prefix: str, sizes: dict[str, int], nested: dict | None = None, seed: int = SEED
) -> pd.DataFrame:
    """A long-form survey whose counts meet ``targets`` (percentages, per item and group).

    ``targets[item][group]``: grade items ``(pct 7+, pct dont_know)``; agreement items
    ``(pct agree, pct disagree, pct dont_know)`` (the rest neutral); yes/no items the
    percentage positive; choice items ``{code: pct, ..., last: REST}``; composites the
    percentage positive on every item. ``PUB`` takes the published value (:func:`survey_targets`
    builds them from the published figures and the assumptions). Items are asked in
    codebook order, routed by ``asked_if``; ``nested[item] = parent``: the item's positive
    answers go to respondents answering the parent positively first.
    """
    rng = np.random.default_rng(seed)
    book = _codebook(programme).set_index("item")
    figures = published.load(programme, "phone_survey")
    frames, start = [], 1
    for group in GROUPS:
        t = _Targets(figures, group)
        ids = [f"{prefix}{i:04d}" for i in range(start, start + sizes[group])]
        start += sizes[group]
        answers: dict[str, dict[str, str]] = {}
        for item in book.index:
            entry = book.loc[item]
            if item in answers or entry["scale"] == "composite":
                continue
            base = _base(ids, entry, answers)
            if entry["scale"] == "choice":
                answers[item] = dict(zip(base, _choice(rng, t, item, targets[item][group], len(base)), strict=True))
                continue
            composites = split_list(entry["composites"])
            items = members(book, composites[0]) if composites else [item]
            item_counts = [t.item(book.loc[m], targets[m][group], len(base)) for m in items]
            if composites:
                k_all = t.count(targets[composites[0]][group], len(base), composites[0])
                flags = _joint_positive(rng, len(base), k_all, [c["positive"] for c in item_counts])
            else:
                parent = (nested or {}).get(item)
                prefer = [i for i in base if parent and answers[parent].get(i) == book.at[parent, "positive"]]
                flags = _choose(rng, base, item_counts[0]["positive"], prefer)[:, None]
            for j, m in enumerate(items):
                answers[m] = dict(zip(base, _values(rng, book.loc[m], flags[:, j], item_counts[j]), strict=True))
        frames.append(
            pd.DataFrame(
                [
                    {"respondent": r, "group": group, "item": item, "value": v}
                    for item, given in answers.items()
                    for r, v in given.items()
                ]
            )
        )
    order = {item: i for i, item in enumerate(book.index)}
    frame = pd.concat(frames, ignore_index=True)
    return frame.sort_values(
        ["respondent", "item"], key=lambda s: s.map(order) if s.name == "item" else s, ignore_index=True
    )


def _base(ids: list[str], entry, answers: dict) -> list[str]:
    if not isinstance(entry["asked_if"], str):
        return ids
    source, _, codes = entry["asked_if"].partition("=")
    return [i for i in ids if answers[source.strip()].get(i) in split_list(codes)]


def _choose(rng, base: list[str], k: int, prefer: list[str]) -> np.ndarray:
    """Exactly ``k`` flags set over ``base``, drawn from ``prefer`` first."""
    index = {r: j for j, r in enumerate(base)}
    preferred = set(prefer)
    first = rng.permutation(np.array([index[r] for r in prefer], dtype=int))
    others = rng.permutation(np.array([j for r, j in index.items() if r not in preferred], dtype=int))
    flags = np.zeros(len(base), dtype=bool)
    flags[np.concatenate([first, others])[:k]] = True
    return flags


def _joint_positive(rng, n: int, k_all: int, ks: list[int]) -> np.ndarray:
    """An n × m matrix of positive flags: ``k_all`` rows positive on every item, item j positive
    on ``ks[j]`` rows in all, and no other row positive on every item."""
    flags = np.zeros((n, len(ks)), dtype=bool)
    order = rng.permutation(n)
    flags[order[:k_all]] = True
    rest = order[k_all:]
    for j, k in enumerate(ks):
        room = sorted((r for r in rest if flags[r].sum() < len(ks) - 1), key=lambda r: (flags[r].sum(), rng.random()))
        if not 0 <= k - k_all <= len(room):
            raise ValueError(f"a composite of {k_all} does not fit an item count of {k} out of {n}")
        flags[room[: k - k_all], j] = True
    return flags


def _values(rng, entry, flags: np.ndarray, counts: dict[str, int]) -> list[str]:
    """Answers of one item: positive where ``flags``, the other counts spread over the rest."""
    n = len(flags)
    values = np.empty(n, dtype=object)
    negative = rng.permutation(np.flatnonzero(~flags))
    if entry["scale"] == "grade":
        threshold = int(entry["positive"])
        values[flags] = rng.choice(
            np.arange(threshold, 11), size=int(flags.sum()), p=_weights(11 - threshold, rising=False)
        ).astype(str)
        values[negative] = rng.choice(
            np.arange(1, threshold), size=len(negative), p=_weights(threshold - 1, rising=True)
        ).astype(str)
        values[negative[: counts[DONT_KNOW]]] = DONT_KNOW
    elif entry["scale"] == "agreement":
        other = "disagree" if entry["positive"] == "agree" else "agree"
        values[:] = "neutral"
        values[negative[: counts[other]]] = other
        values[negative[counts[other] : counts[other] + counts[DONT_KNOW]]] = DONT_KNOW
        values[flags] = entry["positive"]
        strong = rng.random(n) < 0.3
        for side in ("agree", "disagree"):
            values[(values == side) & strong] = f"strongly_{side}"
    else:  # yes_no
        values[:] = np.where(flags, entry["positive"], "no" if entry["positive"] == "yes" else "yes")
    return list(values)


def _weights(size: int, rising: bool) -> np.ndarray:
    w = np.arange(1, size + 1, dtype=float) ** 1.5
    w = w if rising else w[::-1]
    return w / w.sum()


def _choice(rng, t: _Targets, item: str, target: dict, n: int) -> list[str]:
    values: list[str] = []
    for code, pct in target.items():
        k = n - len(values) if pct == REST else t.count(pct, n, f"{item}_{code}")
        values += [code] * k
    if len(values) != n:
        raise ValueError(f"{item}: the choice targets give {len(values)} answers for a base of {n}")
    return list(rng.permutation(np.array(values, dtype=object)))


# -- the targets: published figures, else declared assumptions ----------------------------------

DONT_KNOW_DEFAULT = "dont_know_default"  # the assumption: the share of "weet niet" where none is declared
# WGW: the activities are asked of those who took part, volunteering and the rest of them first.
WGW_NESTED = {
    f"activity_{a}": "activities_participated"
    for a in ("volunteer_work", "application_course", "language_course", "work_placement")
}


def survey_targets(
    book: pd.DataFrame, figures: pd.DataFrame, assumed: dict[str, float], fixed: dict | None = None
) -> dict:
    """The targets of :func:`generate` for every item of the codebook ``book`` (indexed by
    item) and group: the assumption ``<quantity>_<group>`` of ``assumptions.csv`` (``assumed``;
    where the report gives the figure in words, a value within the bounds those words allow),
    else the published figure (``PUB``), so that every number the answers rest on is either
    published or declared with its reason. ``fixed``: targets
    derived from other declared numbers (``{item: {group: pct}}``). A grade or agreement item
    without a declared share of "weet niet" gets :data:`DONT_KNOW_DEFAULT`; of a choice item's
    answers (in codebook order, "weet niet" last where it counts), the one without a figure, or
    else the last, takes what the others leave (``REST``)."""
    fixed = fixed or {}
    numbers = figures[figures["unit"] == "percent"]
    have = {
        (q, g): (lo, hi)
        for q, g, lo, hi in zip(
            numbers["quantity"], numbers["group"].fillna(""), numbers["lower"], numbers["upper"], strict=True
        )
    }

    def value(names: list[str], group: str, default=None):
        key = f"{names[0]}_{group}"
        printed = [have[name, group] for name in names if (name, group) in have]
        if key in assumed:  # a figure the report gives in words: the value chosen within its bounds
            if printed and not printed[0][0] <= assumed[key] <= printed[0][1]:
                raise ValueError(f"assumption {key!r} = {assumed[key]:g} lies outside the published {printed[0]}")
            return assumed[key]
        if printed:
            return PUB
        if default is not None:
            return default
        raise ValueError(f"no published figure and no assumption {key!r} in assumptions.csv")

    targets = {}
    for item, entry in book.iterrows():
        if item in fixed:
            targets[item] = fixed[item]
            continue
        targets[item] = {}
        for group in GROUPS:
            dont_know = [f"{item}_{DONT_KNOW}"]
            if entry["scale"] == "grade":
                spec = (value([item], group), value(dont_know, group, assumed[DONT_KNOW_DEFAULT]))
            elif entry["scale"] == "agreement":
                spec = tuple(
                    value([f"{item}_{side}", *([item] if entry["positive"] == side else [])], group)
                    for side in ("agree", "disagree")
                ) + (value(dont_know, group, assumed[DONT_KNOW_DEFAULT]),)
            elif entry["scale"] == "choice":
                spec = _choice_targets(item, entry, group, have, assumed)
            else:  # yes_no, composite
                spec = value([item], group)
            targets[item][group] = spec
    return targets


def _choice_targets(item: str, entry, group: str, have: set, assumed: dict[str, float]) -> dict:
    """The targets of one choice item's answers (see :func:`survey_targets`), the one that
    takes the rest last."""
    codes = list(option_labels(entry["options"])) + ([DONT_KNOW] if entry["dont_know"] == "include" else [])
    spec = {}
    for code in codes:
        name = f"{item}_{code}"
        spec[code] = assumed.get(f"{name}_{group}", PUB if (name, group) in have else None)
    open_ = [c for c, v in spec.items() if v is None]
    if len(open_) > 1:
        names = ", ".join(f"{item}_{code}_{group}" for code in open_)
        raise ValueError(f"{item} ({group}): declare all but one of {names} in assumptions.csv")
    rest = open_[0] if open_ else codes[-1]
    return {c: spec[c] for c in codes if c != rest} | {rest: REST}


def _generate(programme: str, prefix: str, assumptions: pd.DataFrame, fixed=None, nested=None) -> pd.DataFrame:
    """The survey of ``programme`` from its published figures and ``assumptions`` (its rows of
    ``assumptions.csv``)."""
    book = _codebook(programme).set_index("item")
    targets = survey_targets(book, published.load(programme, "phone_survey"), assumed(assumptions), fixed)
    return generate(programme, targets, prefix, assumed_respondents(assumptions), nested)


def wgw_survey(assumptions: pd.DataFrame) -> pd.DataFrame:
    """The WGW telephone survey (seed 000, ch. 7 and 9); the numbers with other trajectories
    are the published 29 and 22. ``assumptions``: the rows of wgw's phone_survey."""
    sizes = assumed_respondents(assumptions)
    counts = published.load("wgw", "phone_survey").query("quantity == 'n_other_trajectories'")
    other = {g: 100 * float(counts.loc[counts["group"] == g, "value"].iloc[0]) / sizes[g] for g in GROUPS}
    return _generate("wgw", "WT", assumptions, {"other_trajectories": other}, WGW_NESTED)


def route3_survey(assumptions: pd.DataFrame) -> pd.DataFrame:
    """The Route 3 telephone survey (seed 002, ch. 7); the numbers taking part in activities
    come from ``assumptions`` (the rows of route3's phone_survey), as the respondents do."""
    sizes = assumed_respondents(assumptions)
    values = assumed(assumptions)
    participants = {g: 100 * values[f"respondents_activities_{g}"] / sizes[g] for g in GROUPS}
    return _generate("route3", "RT", assumptions, {"activities_participated": participants})


NPS_PERIODS = ("2017-03", "2017-04", "2017-05", "2017-06", "2017-07", "2017-08")


def wwatwork_nps(assumptions: pd.DataFrame) -> pd.DataFrame:
    """Illustrative 0–10 recommendation scores of Werk en Inkomen's client survey (no NPS
    values are published); ``assumptions``: the rows of wwatwork's client_survey (respondents
    per team and month, the shares of promoters and detractors per team in the first month and
    their monthly drift)."""
    rng = np.random.default_rng(SEED)
    values = assumed(assumptions)
    per_cell = int(values["respondents_per_team_month"])
    rows = []
    for period in NPS_PERIODS:
        for team in ("noord", "zuid"):
            promoters, detractors = values[f"promoters_share_{team}"], values[f"detractors_share_{team}"]
            drift = values["monthly_drift"] * NPS_PERIODS.index(period)  # the team started calling back
            cats = rng.choice(3, size=per_cell, p=[promoters + drift, 1 - promoters - detractors, detractors - drift])
            scores = np.where(
                cats == 0,
                rng.choice([9, 10], size=per_cell, p=[0.6, 0.4]),
                np.where(
                    cats == 1,
                    rng.choice([7, 8], size=per_cell),
                    rng.choice(np.arange(7), size=per_cell, p=_weights(7, rising=True)),
                ),
            )
            rows += [{"period": period, "team": team, "score": int(s)} for s in scores]
    frame = pd.DataFrame(rows)
    frame.insert(0, "respondent", [f"NPS{i:05d}" for i in rng.permutation(len(frame)) + 1])
    return frame.sort_values("respondent", ignore_index=True)
