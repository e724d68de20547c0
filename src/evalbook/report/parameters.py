"""How a chapter's parameters read in Dutch, in one place.

A rerun with ``-p alpha 0.01`` computes 99% intervals; every word that describes a parameter
(prose, captions, table headers, column notes, alt texts, key findings) must then say 99%.
:func:`phrases` gives those words for a chapter's parameters; the chapter glues them
(``{glue:text}`confidence```), its :class:`~evalbook.report.captions.Numbering` fills them
into titles and notes (``"{confidence}-betrouwbaarheidsinterval"``), and the build fills them
into the figures' text alternatives. Nothing else types a level.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import format as fmt

CONFIDENCE = "confidence"  # the confidence level of every interval, 1 - alpha: "95%"
ALPHA = "alpha"  # the significance level of every test: "5%"
POWER = "power"  # the power at which a minimum detectable effect is computed: "80%"
BALANCE = "balance_threshold"  # the |SMD| below which a covariate counts as balanced: "0,10"
MIN_CELL = "min_cell_size"  # the smallest count shown: "10"
FOLLOW_UP = "follow_up"  # the follow-up window in months: "12"


def smd(x) -> str:
    """A standardised mean difference (two decimals, a real minus sign)."""
    return fmt.number(x, 2).replace("-", "−")


def phrases(parameters: Mapping) -> dict[str, str]:
    """The Dutch wording of each level and threshold among ``parameters`` (a chapter's resolved
    parameters), by the names above; a parameter the chapter does not take is left out."""
    words: dict[str, str] = {}
    if "alpha" in parameters:
        words[CONFIDENCE] = fmt.confidence(parameters["alpha"])
        words[ALPHA] = fmt.level(parameters["alpha"])
    if "power" in parameters:
        words[POWER] = fmt.level(parameters["power"])
    if "balance_threshold" in parameters:
        words[BALANCE] = smd(parameters["balance_threshold"])
    if "min_cell_size" in parameters:
        words[MIN_CELL] = fmt.number(parameters["min_cell_size"])
    if "follow_up_months" in parameters:
        words[FOLLOW_UP] = fmt.number(parameters["follow_up_months"])
    return words
