"""Presentation for the book: tables as HTML with a plain-text twin (nbval compares both)."""

from __future__ import annotations

import html
import re

import pandas as pd

_NUMBER = re.compile(r"^\s*(?:[−+\-–<>≤≥~±]|p\s*[<=])?\s*\d")  # a cell that reads as a number


class Table:
    """A formatted table (all cells already text) for a chapter's output. ``caption`` names
    the table for assistive technology (set by :class:`evalbook.report.captions.Numbering`,
    which shows the number and title visibly above the table). Numbers are right-aligned by
    the book's style sheet; a column of words (a label, a passage, a verdict) is left-aligned."""

    def __init__(self, frame: pd.DataFrame, caption: str | None = None):
        self.frame = frame
        self.caption = caption

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)

    def text_columns(self) -> list[bool]:
        """Per column: whether it holds words rather than numbers (most filled cells not a number)."""
        found = []
        for column in self.frame.columns:
            cells = [str(v) for v in self.frame[column] if pd.notna(v) and str(v).strip() not in ("", "–")]
            found.append(bool(cells) and sum(bool(_NUMBER.match(c)) for c in cells) < len(cells) / 2)
        return found

    def _repr_html_(self) -> str:
        def cell(value) -> str:
            return "" if pd.isna(value) else html.escape(str(value))

        align = [' style="text-align: left"' if words else "" for words in self.text_columns()]

        # Cells and rows are separated by a line break: Sphinx's search index strips the tags of
        # an HTML output without leaving a space, and "augustus 2017", "118" and "50,8%" would
        # become one word, 201711850 (which passes the BSN eleven-test and stops the build).
        def row(tag: str, values) -> str:
            cells = "\n".join(f"<{tag}{a}>{cell(v)}</{tag}>" for v, a in zip(values, align, strict=True))
            return f"<tr>\n{cells}\n</tr>"

        head = row("th", self.frame.columns)
        body = "\n".join(row("td", values) for values in self.frame.itertuples(index=False))
        caption = f'<caption class="visually-hidden">{html.escape(self.caption)}</caption>' if self.caption else ""
        return (
            f'<table class="dataframe evalbook-table table">{caption}<thead>{head}</thead><tbody>{body}</tbody></table>'
        )
