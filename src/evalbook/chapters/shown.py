"""What a chapter's run function reads and returns.

A run function reads its inputs through a :class:`Source` (the running chapter,
:class:`evalbook.book.chapter.Chapter`, which checks every file against its contract and
lists it in the provenance box) and returns a :class:`Shown`: only what the gate released,
with everything the template glues and shows. The analysis with its true counts stays inside
the run function; a test that needs it (the attacker) passes it in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from ..disclosure.linked import EXACT
from ..disclosure.policy import Rules
from ..report import captions
from ..report.parameters import phrases


class Source(Protocol):
    """The running chapter, as a run function reads it."""

    name: str  # the template
    part: str
    parameters: dict  # resolved and checked against book.yml
    labels: dict  # this part's labels (title, programme_group, target_groups, source)
    book_labels: dict  # every part's labels, by key

    def read(self, name: str) -> Any: ...

    def assumptions(self) -> pd.DataFrame: ...

    @property
    def missing(self) -> list: ...


@dataclass(frozen=True)
class Shown:
    """What a chapter shows: ``values`` (glued into the prose, every one pre-formatted text),
    ``table`` (the downloadable aggregate), ``exhibits`` (numbered tables and figures, with the
    chapter's parameters filled into their captions), ``released`` (what the tables and figures
    read: the gate's output, or the analysis of published figures), ``rules`` (the disclosure
    rules, None for a chapter without person-level data) and ``extra`` (further released
    objects a template shows, by name)."""

    values: dict[str, str]
    table: pd.DataFrame
    exhibits: captions.Numbering
    released: Any
    rules: Rules | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def suppressions(self) -> list:
        """What the gate held back (empty for a chapter without a gate)."""
        return list(getattr(self.released, "suppressions", []))

    @property
    def suppression_method(self) -> str:
        """How the gate chose its secondary suppression (:attr:`~evalbook.disclosure.linked.Protection.method`)."""
        return getattr(self.released, "suppression_method", EXACT)


def terms(chapter: Source) -> dict[str, str]:
    """The Dutch wording of the chapter's levels and thresholds (glued, and filled into captions)."""
    return phrases(chapter.parameters)


def numbering(chapter: Source, data: str = "", reports=()) -> captions.Numbering:
    """The chapter's numbering of tables and figures, with its terms for the captions."""
    return captions.Numbering(data=data, reports=reports, terms=terms(chapter))
