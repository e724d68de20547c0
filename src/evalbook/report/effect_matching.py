"""The effect study's control group in Dutch: matching, the balance of the covariates and its
table's labels, as glued prose values.

It reads the released balance (:class:`~evalbook.disclosure.effect.ReleasedEffectStudy`) and
the matching's fixed settings (:mod:`evalbook.analysis.matching`); nothing is computed.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..analysis import matching
from ..analysis.outcomes import TOTAL
from ..disclosure.effect import ReleasedEffectStudy
from . import format as fmt
from .parameters import smd

BALANCE_LABELS = {
    ("sex", "female"): "Vrouw",
    ("age", None): "Leeftijd (jaren)",
    ("education", "low"): "Opleiding laag",
    ("education", "middle"): "Opleiding middelbaar",
    ("education", "high"): "Opleiding hoog",
    ("education", "unknown"): "Opleiding onbekend",
    ("benefit_months", None): "Duur in de uitkering (maanden)",
}


def balance_values(
    study: ReleasedEffectStudy, labels: Mapping[str, str], missing: Mapping[str, str], threshold: float
) -> dict:
    """Glued values on matching and balance (``missing``: the optional inputs this run does
    without, with what the chapter leaves out then; ``threshold``: the |SMD| below which the
    balance counts as good, the chapter's ``balance_threshold``)."""
    b = study.balance
    by_group = "; ".join(f"{labels.get(t, t)} {smd(v)}" for t, v in b.by_target_group.items() if t != TOTAL)
    if not b.has_pool:
        without = f": {missing['pool']}" if missing.get("pool") else ""
        pool = (
            f"Bij deze data hoort geen kandidatenbestand (pool.csv){without}. De controlegroep is genomen zoals "
            "zij in het register staat."
        )
    elif b.reproduces_register:
        pool = (
            "De controlegroep in het register is precies wat deze matching op het kandidatenbestand oplevert: "
            "wie de stap herhaalt, krijgt dezelfde controlegroep."
        )
    else:
        pool = (
            "Let op: de controlegroep in het register is niet wat deze matching op het kandidatenbestand "
            "oplevert; zij is elders of anders samengesteld."
        )
    return {
        "smd_before_max": smd(b.smd_before_max),
        "smd_after_max": smd(b.smd_after_max),
        "smd_after_by_target_group": by_group or "geen doelgroepen",
        "balance_verdict": "goed" if b.smd_after_max < threshold else "onvoldoende",
        "matching_pool": pool,
        "optimal_up_to": fmt.number(matching.OPTIMAL_UP_TO),
        "age_bands": bands(matching.AGE_BANDS),
        "benefit_bands": bands(matching.BENEFIT_BANDS),
    }


def bands(edges) -> str:
    """Class edges as Dutch ranges: ``15–24, 25–34, …, 55 en meer``."""
    return ", ".join(
        f"{fmt.number(lo)}–{fmt.number(hi - 1)}" if np.isfinite(hi) else f"{fmt.number(lo)} en meer"
        for lo, hi in zip(edges[:-1], edges[1:], strict=True)
    )
