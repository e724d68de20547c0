"""The book's chapters: which template runs for which part of the book, with which parameters.

A chapter template in ``notebooks/`` declares itself in its notebook metadata under
``evalbook``::

    {"title": "Effectstudie",
     "inputs": {"register": "evalbook.contracts:REGISTER"},
     "check": "evalbook.module:function",
     "runs": {"wgw": {"follow_up_months": 12}, "route3": {...}}}

``runs`` lists the parts (programmes) the template serves, each with its parameter
defaults; ``inputs`` names the data files (``<data_dir>/<part>/<stem>.csv``) and the
contracts they must meet; the optional ``check`` names a function ``check(parameters, root)``
that validates whatever else the chapter reads (files outside the data directory, checks
across files) by raising ContractError. Both run before any chapter runs. Programmes
therefore differ in data and in this configuration, never in copies of a notebook.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path

from . import contracts, paths


@dataclass(frozen=True)
class Part:
    name: str  # directory under book/ (and under data/synthetic/ for a programme)
    title: str  # Dutch


PARTS: dict[str, Part] = {p.name: p for p in (
    Part("wgw", "Wijkgestuurd Werken"),
    Part("route3", "Leerlandschap Route 3"),
    Part("wwatwork", "WW@Work"),
    Part("context", "Context"),
    Part("verantwoording", "Verantwoording"),
)}

# Parameters every chapter takes; Papermill injects them, the CLI can override them.
COMMON_PARAMETERS = {
    "data_dir": "data/synthetic",
    "published_dir": "data/published",
    "alpha": 0.05,
    "min_cell_size": 10,
}


@dataclass(frozen=True)
class ChapterSpec:
    name: str  # template stem: notebooks/<name>.ipynb runs as book/<part>/<name>.ipynb
    title: str
    runs: dict  # part -> parameter defaults
    inputs: dict  # file stem -> "module:CONTRACT"
    template: Path
    check: str | None = None  # "module:function", called as function(parameters, root)

    def contracts(self) -> list[tuple[str, contracts.Contract]]:
        return [(stem, _contract(ref)) for stem, ref in self.inputs.items()]


    def run_check(self, parameters: dict, root: Path) -> None:
        """The template's own input check, if it declares one."""
        if self.check:
            _resolve(self.check)(parameters, root)


def _resolve(ref: str):
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


def _contract(ref: str) -> contracts.Contract:
    return _resolve(ref)


def discover(root: Path | None = None) -> dict[str, ChapterSpec]:
    """Every template in ``notebooks/`` that declares ``evalbook`` metadata, by name."""
    specs = {}
    for path in sorted((root or paths.repo_root()).joinpath("notebooks").glob("*.ipynb")):
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("evalbook")
        if not meta:
            continue
        unknown = set(meta["runs"]) - set(PARTS)
        if unknown:
            raise ValueError(f"{path.name}: runs for unknown part(s) {sorted(unknown)}; known: {', '.join(PARTS)}")
        specs[path.stem] = ChapterSpec(path.stem, meta["title"], meta["runs"], meta.get("inputs", {}), path,
                                       meta.get("check"))
    return specs


@dataclass(frozen=True)
class Job:
    """One chapter for one part, with its full parameter set."""

    chapter: ChapterSpec
    part: Part
    parameters: dict

    @property
    def label(self) -> str:
        return f"{self.part.name}/{self.chapter.name}"


def jobs(part: str | None = None, chapter: str | None = None, overrides: dict | None = None,
         root: Path | None = None) -> list[Job]:
    """The (chapter, part) runs selected, in book order; unknown names raise ValueError."""
    specs = discover(root)
    if part is not None and part not in PARTS:
        raise ValueError(f"unknown programme {part!r}; choose from {', '.join(PARTS)}")
    if chapter is not None and chapter not in specs:
        raise ValueError(f"unknown chapter {chapter!r}; choose from {', '.join(specs)}")
    selected = [
        Job(spec, PARTS[p], COMMON_PARAMETERS | spec.runs[p] | (overrides or {}) | {"programme": p})
        for p in PARTS
        for spec in specs.values()
        if p in spec.runs and part in (None, p) and chapter in (None, spec.name)
    ]
    if not selected:
        raise ValueError(f"chapter {chapter!r} does not run for programme {part!r}")
    return selected
