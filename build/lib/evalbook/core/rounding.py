"""Rounding as the source reports round (half up) and what a printed figure allows.

A printed "19%" stands for any value in [18.5, 19.5); :func:`printed_interval` gives that
interval for a figure printed with ``decimals`` decimals. :func:`count_for_percent` finds
the count out of ``n`` that the reports' rounding turns into a printed percentage.
"""

from __future__ import annotations

import math


def round_half_up(x: float) -> int:
    """``x`` rounded to a whole number, halves up (``12.5`` → 13), as the reports round."""
    return int(math.floor(x + 0.5))


def count_for_percent(percent: float, n: int) -> int:
    """The count ``k`` nearest to ``percent`` of ``n`` whose rounded percentage is ``percent``."""
    candidates = [k for k in range(n + 1) if round_half_up(100 * k / n) == round_half_up(percent)]
    if not candidates:
        raise ValueError(f"no count out of {n} rounds to {percent}%")
    return min(candidates, key=lambda k: abs(k - percent * n / 100))


def printed_interval(value: float, decimals: int = 0) -> tuple[float, float]:
    """The half-open interval ``[low, high)`` of true values that print as ``value`` with
    ``decimals`` decimals when rounded half up."""
    half = 0.5 * 10 ** (-decimals)
    return value - half, value + half
