"""Numbers in Dutch notation for the book's prose and tables (decimal comma, thin conventions).

Every function returns a plain ``str`` so that ``{glue:text}`` never sees a NumPy scalar.
Missing values (suppressed or not computable) are shown as an en dash.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

MISSING = "–"


def _is_missing(x) -> bool:
    return x is None or bool(pd.isna(x))


def number(x, decimals: int = 0) -> str:
    """``1234.5`` → ``"1.234,5"`` (Dutch grouping and decimal comma), rounded half up as the
    reports round (``12.5`` → ``"13"``)."""
    if _is_missing(x):
        return MISSING
    rounded = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    rounded = abs(rounded) if rounded == 0 else rounded  # no "-0,0"
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(x, decimals: int = 0) -> str:
    """A percentage on the 0–100 scale: ``19.0`` → ``"19%"``; ``19.04, 1`` → ``"19,0%"``."""
    return MISSING if _is_missing(x) else f"{number(x, decimals)}%"


def level(fraction: float) -> str:
    """A probability stated as a percentage, with as many decimals as it needs (at most two):
    ``0.05`` → ``"5%"``, ``0.95`` → ``"95%"``, ``0.999`` → ``"99,9%"``, ``0.025`` → ``"2,5%"``."""
    for decimals in (0, 1, 2):
        if abs(round(100 * fraction, decimals) - 100 * fraction) < 1e-9:
            break
    return percent(100 * fraction, decimals)


def confidence(alpha: float) -> str:
    """The confidence level of an interval at significance level ``alpha``: ``0.05`` → ``"95%"``."""
    return level(1 - alpha)


def pp(x, decimals: int = 1, signed: bool = True) -> str:
    """A difference in percentage points: ``6.1`` → ``"+6,1 pp"``."""
    if _is_missing(x):
        return MISSING
    sign = "+" if signed and float(x) > 0 else ""
    return f"{sign}{number(x, decimals)} pp".replace("-", "−")


def interval(low, high, decimals: int = 1) -> str:
    """A confidence interval: ``(-0.2, 12.4)`` → ``"−0,2 tot 12,4"``."""
    if _is_missing(low) or _is_missing(high):
        return MISSING
    return f"{number(low, decimals)} tot {number(high, decimals)}".replace("-", "−")


def p_value(p) -> str:
    """``0.0432`` → ``"p = 0,043"``; below 0.001 → ``"p < 0,001"``."""
    if _is_missing(p):
        return MISSING
    return "p < 0,001" if p < 0.001 else f"p = {number(p, 3)}"


def significance(p, alpha: float) -> str:
    """The label the reports use: ``"significant"`` or ``"niet significant"`` at level ``alpha``."""
    if _is_missing(p):
        return MISSING
    return "significant" if p < alpha else "niet significant"


def printed(text: str) -> str:
    """A number as a report prints it, in the book's notation: thousands grouped (``1200`` →
    ``1.200``) and a range with an en dash (``500-600`` → ``500–600``); words stay as they are."""
    text = re.sub(r"(?<![\d.,])\d{4,}(?![\d,.])", lambda m: number(int(m.group())), text)
    return re.sub(r"(?<=\d)-(?=\d)", "–", text)


GROUP_LABELS = {"programme": "programmagroep", "control": "controlegroep"}  # the reports' words
