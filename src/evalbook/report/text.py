"""Dutch text helpers shared by every chapter: enumerations, month names, quotes for display."""

from __future__ import annotations

import re

from ..core import vocabulary

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


SUPPRESSED = "onderdrukt"  # the one Dutch word for a value the gate held back (tables show an en dash)
STATUS_LABELS = {  # a comparison with a published figure (analysis.published.side_by_side)
    vocabulary.STATUS_AGREES: "gelijk",
    vocabulary.STATUS_DIFFERS: "wijkt af",
    vocabulary.STATUS_SUPPRESSED: SUPPRESSED,
    vocabulary.STATUS_MISSING: "niet gereproduceerd",
}


def join(items, empty: str = "", sep: str = ", ") -> str:
    """A Dutch enumeration: ``a``, ``a en b``, ``a, b en c`` (``sep`` between all but the last
    two: ``"; "`` for items that contain commas); ``empty`` for no items."""
    items = list(items)
    if not items:
        return empty
    return items[0] if len(items) == 1 else sep.join(items[:-1]) + " en " + items[-1]


def month(timestamp) -> str:
    """``2017-03-01`` → ``maart 2017``."""
    return f"{MONTHS[timestamp.month - 1]} {timestamp.year}"


def lower_first(text: str) -> str:
    """``Privacy bij ...`` → ``privacy bij ...`` (a label inside a sentence); acronyms stay."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def readable(quote: str) -> str:
    """A quote without the hyphenation of the source's line breaks (``werkzoe- kenden`` →
    ``werkzoekenden``), for display. A hyphen before ``en``/``én``/``of``/``tot`` is kept:
    there it usually belongs to the text (``motivatie- en krachtgestuurd``, ``in- én uitstroom``)."""
    return re.sub(r"(?<=[a-zà-ÿ])- (?!(?:en|én|of|tot)\b)(?=[a-zà-ÿ])", "", quote)


def section(where: str) -> str:
    """A place in a report as the transcriptions write it (``ch. 3 Klantgerichtheid``), in
    Dutch: ``hoofdstuk 3 Klantgerichtheid``."""
    return re.sub(r"\bch\. ?(?=\d)", "hoofdstuk ", where)
