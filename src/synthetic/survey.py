"""Synthetic survey data: the telephone surveys of WGW and Route 3 and the client survey (NPS)
of Werk en Inkomen, calibrated to the published figures.

The telephone surveys (``data/synthetic/<programme>/survey.csv``) are dealt out item by item
in codebook order so that every published share and count is met when rounded as the
reports round; where a report gives only words or a direction, the targets below say what
was chosen. The numbers of respondents, which the reports do not publish, come from the
assumptions (``data/synthetic/assumptions.csv``), passed in as the chapter's rows of that
file. The client survey (``wwatwork/survey_nps.csv``) is illustrative: no NPS values are
published.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evalbook.analysis import published
from evalbook.analysis.survey import assumed, assumed_respondents, members
from evalbook.core import contract, paths
from evalbook.core.rounding import count_for_percent
from evalbook.schemas.survey import CODEBOOK, DONT_KNOW, GROUPS, split_list

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
    percentage positive on every item. ``PUB`` takes the published value. Items are asked in
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


# The percentages behind the synthetic answers. PUB: the published figure; other numbers are
# chosen within the bounds of figures the reports give in words, or, where the report gives
# only a direction ("significant vaker", "verschillen weinig"), to show that direction.
WGW_TARGETS = {
    # contact: the WGW group talks more often in its own neighbourhood and about psychological problems
    "contact_location": {
        "programme": {"own_neighbourhood": 60, "office": 30, "elsewhere": REST},
        "control": {"own_neighbourhood": 20, "office": 65, "elsewhere": REST},
    },
    "contact_monthly": {"programme": 56, "control": 52},
    "topic_work": {"programme": 84, "control": 82},
    "topic_psych": {"programme": 40, "control": 24},
    # grades: only the attention composite and privacy differ significantly
    "grade7plus_overall": {"programme": (PUB,), "control": (76,)},
    "grade7plus_time": {"programme": (80,), "control": (73,)},
    "grade7plus_say_work": {"programme": (78,), "control": (72,)},
    "grade7plus_privacy": {"programme": (PUB,), "control": (PUB,)},
    "grade7plus_attention_composite": {"programme": PUB, "control": PUB},
    "grade7plus_reachability": {"programme": (70, 8), "control": (68, 8)},
    "grade7plus_communication": {"programme": (78,), "control": (75,)},
    "grade7plus_trajectories": {"programme": (66, 14), "control": (62, 16)},
    "grade7plus_professionalism": {"programme": (81,), "control": (78,)},
    # statements: (agree, disagree, dont_know)
    "statement_does_little": {"programme": (PUB, PUB, 4), "control": (PUB, PUB, 4)},
    "selfconfidence": {"programme": (PUB, 26, 0), "control": (PUB, 34, 0)},
    "statement_treated_unfairly": {"programme": (9, 80, 0), "control": (11, 78, 0)},
    # activities: no differences; volunteering 50% of all respondents
    "activities_participated": {"programme": 73, "control": 70},
    "activity_volunteer_work": {"programme": 51, "control": 49},
    "activity_application_course": {"programme": 36, "control": 38},
    "activity_language_course": {"programme": 27, "control": 25},
    "activity_work_placement": {"programme": 18, "control": 19},
    "activities_useful": {"programme": 74, "control": 80},  # "ruime meerderheid", control higher, n.s.
    "psych_treatment": {"programme": PUB, "control": PUB},
    # outlook (respondents still on benefit)
    "on_benefit": {"programme": 85, "control": 83},
    "outlook_chance_low": {
        "programme": {"very_small": 32, "small": 28, "large": 20, "very_large": 9, DONT_KNOW: REST},
        "control": {"very_small": 30, "small": 30, "large": 22, "very_large": 9, DONT_KNOW: REST},
    },
    "reason_health": {"programme": 55, "control": 53},
    "reason_education": {"programme": 18, "control": 42},
    "reason_language": {"programme": 26, "control": 30},
    "reason_age": {"programme": 30, "control": 28},
    "expect": {
        group: {"exit_within_1y": PUB, "exit_2y": PUB, "exit_more_2y": PUB, "never_work": PUB, DONT_KNOW: REST}
        for group in GROUPS
    },
}
WGW_NESTED = {
    f"activity_{a}": "activities_participated"
    for a in ("volunteer_work", "application_course", "language_course", "work_placement")
}

ROUTE3_TARGETS = {
    "grade7plus_overall": {"programme": (PUB,), "control": (PUB,)},
    "grade7plus_reachability": {"programme": (86,), "control": (68,)},
    "grade7plus_communication": {"programme": (87,), "control": (69,)},
    "grade7plus_attention": {"programme": (85,), "control": (64,)},
    "grade7plus_professionalism": {"programme": (88,), "control": (71,)},
    "grade7plus_advice": {"programme": (80,), "control": (61,)},
    "grade7plus_wishes": {"programme": (82,), "control": (63,)},
    "grade7plus_appointments": {"programme": (84,), "control": (76,)},  # "bijna alle": this one not significant
    "knows_wants": {"programme": (76, 12, 0), "control": (56, 25, 0)},
    "knows_strengths": {"programme": (74, 13, 0), "control": (54, 26, 0)},
    "future_confidence": {"programme": (71, 14, 0), "control": (50, 28, 0)},
    "selfconfidence": {"programme": PUB, "control": PUB},
    "activities_useful": {"programme": PUB, "control": PUB},
    "outlook_chance_high": {
        "programme": {"large": 31, "very_large": 12, "very_small": 25, "small": REST},
        "control": {"large": 25, "very_large": 8, "very_small": 25, "small": REST},
    },
}


def wgw_survey(assumptions: pd.DataFrame) -> pd.DataFrame:
    """The WGW telephone survey (seed 000, ch. 7 and 9); the numbers with other trajectories
    are the published 29 and 22. ``assumptions``: the rows of wgw's phone_survey."""
    sizes = assumed_respondents(assumptions)
    counts = published.load("wgw", "phone_survey").query("quantity == 'n_other_trajectories'")
    other = {g: 100 * float(counts.loc[counts["group"] == g, "value"].iloc[0]) / sizes[g] for g in GROUPS}
    return generate("wgw", WGW_TARGETS | {"other_trajectories": other}, "WT", sizes, WGW_NESTED)


def route3_survey(assumptions: pd.DataFrame) -> pd.DataFrame:
    """The Route 3 telephone survey (seed 002, ch. 7); the numbers taking part in activities
    come from ``assumptions`` (the rows of route3's phone_survey), as the respondents do."""
    sizes = assumed_respondents(assumptions)
    values = assumed(assumptions)
    participants = {g: 100 * values[f"respondents_activities_{g}"] / sizes[g] for g in GROUPS}
    return generate("route3", ROUTE3_TARGETS | {"activities_participated": participants}, "RT", sizes)


# Illustrative shares of promoters and detractors per team (no NPS values are published).
NPS_SHARES = {"noord": (0.40, 0.30), "zuid": (0.34, 0.36)}
NPS_PERIODS = ("2017-03", "2017-04", "2017-05", "2017-06", "2017-07", "2017-08")


def wwatwork_nps(assumptions: pd.DataFrame) -> pd.DataFrame:
    """Illustrative 0–10 recommendation scores of Werk en Inkomen's client survey;
    ``assumptions``: the rows of wwatwork's client_survey (respondents per team and month)."""
    rng = np.random.default_rng(SEED)
    per_cell = int(assumed(assumptions)["respondents_per_team_month"])
    rows = []
    for period in NPS_PERIODS:
        for team, (promoters, detractors) in NPS_SHARES.items():
            drift = 0.01 * NPS_PERIODS.index(period)  # a slow improvement after the team started calling back
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
