"""What a chapter's statistics need of data that meet their contracts, checked before it runs.

A file can meet its contract and still give a chapter nothing to compute: a control group of
one person (every figure would be withheld, and the balance and spread are undefined), no
outflow at all within the follow-up (the Kaplan–Meier curves and the log-rank test have no
event to fit), a telephone survey with a handful of respondents. So can a parameter that names
what the data do not hold (a target group or survey item that does not occur). Each such
problem is one sentence naming the chapter, the group and what is needed (a target group that
``book.yml`` configures for the programme may be missing: the chapter says so); the build refuses
before any chapter runs and ``evalbook check`` reports the same.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..analysis.outcomes import time_to_event
from ..core.errors import EvalbookError, ParameterError, PreconditionError
from ..core.personal import closest
from . import config

GROUP_NAMES = {"programme": "programme group", "control": "control group"}


def check(chapter: config.ChapterSpec, parameters: dict, frames: dict) -> list[EvalbookError]:
    """What ``chapter`` needs of ``frames`` (valid inputs by name) and lacks: at most one
    :class:`ParameterError` (parameter values the data do not hold) and one
    :class:`PreconditionError` (too few persons, no events), each listing its problems."""
    rule = REQUIREMENTS.get(chapter.template.name)
    wrong_values, lacking = rule(chapter, parameters, frames) if rule else ([], [])
    errors: list[EvalbookError] = []
    if wrong_values:
        errors.append(ParameterError("\n".join(f"{chapter.label}: {p}" for p in wrong_values)))
    if lacking:
        lines = "\n".join(f"  - {p}" for p in lacking)
        errors.append(PreconditionError(f"{chapter.label} cannot run on these data:\n{lines}"))
    return errors


def _enough(counts: pd.Series, groups, needed: int, what: str, chapter: str) -> list[str]:
    """A sentence for every group of ``groups`` with fewer than ``needed`` ``what``."""
    problems = []
    for group in groups:
        n = int(counts.get(group, 0))
        if n < needed:
            has = f"{n} {what if n != 1 else what.removesuffix('s')}"
            problems.append(
                f"the {GROUP_NAMES.get(group, group)} has {has}; the {chapter} needs at least {needed} per group "
                "(min_cell_size), else none of its figures can be shown"
            )
    return problems


def _absent(values, found, parameter: str, where: str, configured=()) -> list[str]:
    """A sentence for each value of list parameter ``parameter`` that ``found`` lacks and
    ``configured`` (what book.yml knows, which a chapter may lack) does not hold either."""
    problems = []
    found = sorted(str(f) for f in found)
    for value in values:
        if value not in found and value not in configured:
            meant = closest(value, [*found, *configured])
            hint = f" (did you mean '{meant}'?)" if meant else f"; found: {', '.join(found) or 'none'}"
            problems.append(f"{parameter} '{value}' {where}{hint}")
    return problems


def _effect_study(chapter: config.ChapterSpec, parameters: dict, frames: dict) -> tuple[list[str], list[str]]:
    register = frames["register"]
    present = register["target_group"].dropna().unique() if "target_group" in register else []
    configured = chapter.part.target_groups  # the chapter names those the data lack
    where = "is neither in the register's target_group column nor one of this programme's target groups in book.yml"
    wrong_values = _absent(parameters["target_groups"], present, "target_groups", where, configured)
    counts = register["group"].value_counts()
    lacking = _enough(counts, ("programme", "control"), parameters["min_cell_size"], "persons", "effect study")
    if not time_to_event(register, parameters["follow_up_months"])["event"].any():
        lacking.append(
            f"nobody in either group leaves benefit within the follow-up of {parameters['follow_up_months']} months "
            "(follow_up_months); the time-to-outflow curves and the log-rank test need at least one outflow"
        )
    return wrong_values, lacking


def _phone_survey(chapter: config.ChapterSpec, parameters: dict, frames: dict) -> tuple[list[str], list[str]]:
    items = frames["codebook"]["item"]  # the run function checks, more narrowly, that it is an indicator
    wrong_values = _absent(
        [parameters["outlook_item"]], items, "outlook_item", "is not an indicator of this part's codebook"
    )
    respondents = frames["survey"].drop_duplicates("respondent")["group"].value_counts()
    lacking = _enough(
        respondents, ("programme", "control"), parameters["min_cell_size"], "respondents", "telephone survey"
    )
    return wrong_values, lacking


REQUIREMENTS: dict[str, Callable[[config.Chapter, dict, dict], list[str]]] = {
    "effect_study": _effect_study,
    "phone_survey": _phone_survey,
}
