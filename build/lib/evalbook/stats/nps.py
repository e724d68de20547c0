"""The Net Promoter Score and its interval: numbers only.

A 0–10 recommendation score splits respondents into promoters (9–10), passives (7–8) and
detractors (0–6); the NPS is % promoters − % detractors, in points from −100 to 100. Its
interval is the adjusted-Wald interval of Rocks (2016), The American Statistician 70:4,
which came closest to its nominal coverage in his comparison, small samples included.
"""

from __future__ import annotations

import math

from scipy import stats

PROMOTER_MIN = 9  # 9 and 10: promoters
DETRACTOR_MAX = 6  # 0 to 6: detractors; 7 and 8: passives


def nps(promoters: int, passives: int, detractors: int) -> float:
    """Net Promoter Score in points (−100 to 100): % promoters − % detractors; NaN without respondents."""
    n = promoters + passives + detractors
    return 100 * (promoters - detractors) / n if n else float("nan")


def nps_interval(promoters: int, passives: int, detractors: int, alpha: float = 0.05) -> tuple[float, float]:
    """The adjusted-Wald interval: add 3/4 of a respondent to promoters and to detractors and
    3/2 to passives, then use the variance of a difference of two multinomial shares. In
    points, clipped to [−100, 100]."""
    n = promoters + passives + detractors + 3
    p, d = (promoters + 0.75) / n, (detractors + 0.75) / n
    half = stats.norm.ppf(1 - alpha / 2) * math.sqrt((p + d - (p - d) ** 2) / n)
    return max(-100.0, 100 * (p - d - half)), min(100.0, 100 * (p - d + half))
