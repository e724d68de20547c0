"""The book's chapters: which template runs for which programme, with which parameters.

Programmes differ in data and in the parameters here, never in copies of a notebook: one
template in ``notebooks/`` serves every programme listed for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import contracts


@dataclass(frozen=True)
class Programme:
    name: str  # directory name under data/<...>/ and book/
    title: str  # Dutch
    parameters: dict = field(default_factory=dict)  # defaults for this programme's chapters


@dataclass(frozen=True)
class ChapterSpec:
    name: str  # template stem in notebooks/, executed as book/<programme>/<name>.ipynb
    title: str  # Dutch
    programmes: tuple[str, ...]
    inputs: tuple[tuple[str, contracts.Contract], ...] = ()  # data files checked before any chapter runs


PROGRAMMES: dict[str, Programme] = {
    p.name: p
    for p in (
        Programme("wgw", "Wijkgestuurd Werken", {"follow_up_months": 12}),
    )
}

CHAPTERS: dict[str, ChapterSpec] = {
    c.name: c
    for c in (
        ChapterSpec("effect_study", "Effectstudie", ("wgw",), (("register", contracts.REGISTER),)),
    )
}

# Parameters every chapter takes; Papermill injects them, the CLI can override them.
COMMON_PARAMETERS = {
    "data_dir": "data/synthetic",
    "published_dir": "data/published",
    "alpha": 0.05,
    "min_cell_size": 10,
}


@dataclass(frozen=True)
class Job:
    """One chapter for one programme, with its full parameter set."""

    chapter: ChapterSpec
    programme: Programme
    parameters: dict

    @property
    def label(self) -> str:
        return f"{self.programme.name}/{self.chapter.name}"


def jobs(programme: str | None = None, chapter: str | None = None, overrides: dict | None = None) -> list[Job]:
    """The (chapter, programme) runs selected, in book order; unknown names raise ValueError."""
    if programme is not None and programme not in PROGRAMMES:
        raise ValueError(f"unknown programme {programme!r}; choose from {', '.join(PROGRAMMES)}")
    if chapter is not None and chapter not in CHAPTERS:
        raise ValueError(f"unknown chapter {chapter!r}; choose from {', '.join(CHAPTERS)}")
    selected = [
        Job(c, PROGRAMMES[p], COMMON_PARAMETERS | PROGRAMMES[p].parameters | (overrides or {}) | {"programme": p})
        for p in PROGRAMMES
        for c in CHAPTERS.values()
        if p in c.programmes and (programme in (None, p)) and (chapter in (None, c.name))
    ]
    if not selected:
        raise ValueError(f"chapter {chapter!r} does not run for programme {programme!r}")
    return selected
