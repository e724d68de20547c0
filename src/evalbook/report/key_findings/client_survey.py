"""The key findings of the client survey (NPS)."""

from __future__ import annotations

import pandas as pd

from ...disclosure.survey import ReleasedNps
from .. import format as fmt
from ..nps import signed
from ..text import SUPPRESSED


def sentences(released: ReleasedNps) -> dict[str, str]:
    """``key_survey``: the NPS of the data the chapter ran on, with its interval, and that the
    report publishes none; ``key_brief``: the same in one short sentence."""
    o = released.overall.iloc[0]
    interval = fmt.interval(o["nps_low"], o["nps_high"], 1)
    shown = (
        f"een NPS van {signed(o['nps'])} ({fmt.confidence(released.alpha)}-betrouwbaarheidsinterval {interval})"
        if pd.notna(o["nps"])
        else "een NPS die niet te tonen is"
    )
    return {
        "key_survey": (
            f"Het rapport publiceert geen NPS-waarden. De antwoorden waarmee het klantonderzoek is gedraaid "
            f"({fmt.number(o['n']) if pd.notna(o['n']) else SUPPRESSED} klanten) geven {shown}; het hoofdstuk laat "
            "zien hoe die score en haar onzekerheid uit de antwoorden volgen."
        ),
        "key_brief": (
            f"Het klantonderzoek geeft {shown}; het rapport publiceert zelf geen NPS, de antwoorden zijn synthetisch."
        ),
    }
