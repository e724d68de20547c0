"""Larger effect-study data for benchmarks: the embedded register and pool, copied.

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
