"""Larger effect-study data for benchmarks: the embedded register and pool, copied; and the
surveys dealt out over many teams (:func:`split_teams`, :func:`split_survey_teams`).

:func:`scale` makes ``factor`` copies of every person of a pool, each under a new
``person_id``, and the matching copies of the register (the register's persons are pool
persons). Copies keep every column, so the scaled data meet the ``register`` and ``pool``
contracts and give the same shares and means as the originals; what grows is the number of
persons per matching cell, which is what the matching and the chapter must cope with. The
register's control group is the copies of the matched controls: matching the scaled pool
need not give it back (large cells are paired greedily, see :mod:`evalbook.analysis.matching`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalbook.analysis import matching

PREFIX = "S"  # new person_ids: S followed by a zero-padded number


def scale(register: pd.DataFrame, pool: pd.DataFrame, factor: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``factor`` copies of ``register`` and ``pool`` with new person_ids, dealt out in a
    random order fixed by ``seed``; both sorted by person_id, as the files are."""
    if factor < 1:
        raise ValueError(f"factor must be at least 1, got {factor}")
    position = pd.Series(np.arange(len(pool)), index=pool["person_id"].to_numpy())
    outside = ~register["person_id"].isin(position.index)
    if outside.any():
        raise ValueError(f"{int(outside.sum())} register persons are not in the pool")
    total = factor * len(pool)
    width = len(str(total))
    numbers = np.random.default_rng(seed).permutation(total).reshape(factor, len(pool)) + 1
    ids = np.char.add(PREFIX, np.char.zfill(numbers.astype(str), width)).astype(object)
    in_pool = position[register["person_id"].to_numpy()].to_numpy()
    big_pool = pd.concat([pool.assign(person_id=ids[k]) for k in range(factor)], ignore_index=True)
    big_register = pd.concat([register.assign(person_id=ids[k][in_pool]) for k in range(factor)], ignore_index=True)
    return (
        big_register.sort_values("person_id", ignore_index=True),
        big_pool.sort_values("person_id", ignore_index=True),
    )


def split_groups(pool: pd.DataFrame, groups: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pool with its target groups split into ``groups`` smaller ones, and the register
    matched from it: a city's neighbourhood teams or wijken instead of a few target groups.

    Each target group gets a share of the ``groups`` proportional to its programme persons
    (at least one), named ``<target group>_<number>``; its programme persons and candidates
    are dealt out over them at random (fixed by ``seed``), so every new group keeps the
    profile of the one it came from. Matching within the new groups gives the register
    (:func:`evalbook.analysis.matching.register_from_pool`), as for the embedded data."""
    programme = pool[pool["group"] == "programme"]
    sizes = programme["target_group"].value_counts().sort_index()
    if groups < len(sizes):
        raise ValueError(f"cannot split {len(sizes)} target groups into {groups}")
    shares = _apportion(sizes.to_numpy(), groups)
    rng = np.random.default_rng(seed)
    labels = pool["target_group"].astype(object).copy()
    for (name, _), share in zip(sizes.items(), shares, strict=True):
        width = len(str(share))
        for side in ("programme", "candidate"):
            rows = pool.index[(pool["target_group"] == name) & (pool["group"] == side)]
            parts = rng.permutation(np.arange(len(rows)) % share) + 1
            labels[rows] = [f"{name}_{p:0{width}d}" for p in parts]
    split = pool.assign(target_group=labels)
    return matching.register_from_pool(split), split


def _apportion(sizes: np.ndarray, seats: int) -> np.ndarray:
    """``seats`` dealt out proportionally to ``sizes`` (largest remainders), at least one each."""
    exact = sizes / sizes.sum() * seats
    shares = np.maximum(np.floor(exact).astype(int), 1)
    for i in np.argsort(-(exact - np.floor(exact)), kind="stable"):
        if shares.sum() >= seats:
            break
        shares[i] += 1
    while shares.sum() > seats:
        shares[np.argmax(shares)] -= 1
    return shares


def split_teams(responses: pd.DataFrame, teams: int, seed: int = 0) -> pd.DataFrame:
    """Client-survey responses (``survey_nps``) dealt out over ``teams`` teams named
    ``team_<number>``, in a random order fixed by ``seed`` and as evenly as possible: a city's
    teams instead of the two regions of the embedded data."""
    if teams < 1:
        raise ValueError(f"teams must be at least 1, got {teams}")
    width = len(str(teams))
    parts = np.random.default_rng(seed).permutation(np.arange(len(responses)) % teams) + 1
    return responses.assign(team=[f"team_{p:0{width}d}" for p in parts])


def split_survey_teams(responses: pd.DataFrame, teams: int, seed: int = 0) -> pd.DataFrame:
    """Telephone-survey answers (``survey``: one row per respondent per item) with a ``team``
    column: the respondents (not their answer rows) dealt out over ``teams`` teams named
    ``team_<number>``, in a random order fixed by ``seed`` and as evenly as possible, so every
    answer of a respondent names the same team (the contract's one team per respondent)."""
    if teams < 1:
        raise ValueError(f"teams must be at least 1, got {teams}")
    respondents = responses["respondent"].drop_duplicates().to_numpy()
    width = len(str(teams))
    parts = np.random.default_rng(seed).permutation(np.arange(len(respondents)) % teams) + 1
    team = dict(zip(respondents, [f"team_{p:0{width}d}" for p in parts], strict=True))
    return responses.assign(team=responses["respondent"].map(team))
