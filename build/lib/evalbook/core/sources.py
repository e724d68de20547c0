"""The source reports as plain text (``data/sources/``) and finding a passage in them.

Quotes in the transcribed data are matched after runs of white space are collapsed, so a
passage that the PDF extraction broke over lines still matches.
"""

from __future__ import annotations

import functools

from . import paths

SOURCES_DIR = "data/sources"


def collapse(text: str) -> str:
    """Runs of white space collapsed to one space (how quotes are matched to the sources)."""
    return " ".join(text.split())


def source_exists(name: str, sources_dir: str = SOURCES_DIR) -> bool:
    """Whether source report ``name`` is a file in ``sources_dir``."""
    return (paths.resolve(sources_dir) / name).is_file()


@functools.cache
def source_text(name: str, sources_dir: str = SOURCES_DIR) -> str:
    """The collapsed text of source report ``name``; empty when the file does not exist."""
    path = paths.resolve(sources_dir) / name
    return collapse(path.read_text(encoding="utf-8")) if path.is_file() else ""


def quote_found(source: str, quote: str) -> bool:
    """Whether ``quote`` occurs in source report ``source`` after collapsing white space."""
    text = source_text(source)
    return bool(text) and collapse(quote) in text
