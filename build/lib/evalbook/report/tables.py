"""Presentation for the book: tables as HTML with a plain-text twin (nbval compares both)."""

from __future__ import annotations

import html

import pandas as pd


class Table:
    """A formatted table (all cells already text) for a chapter's output."""

    def __init__(self, frame: pd.DataFrame, caption: str | None = None):
        self.frame = frame
        self.caption = caption

    def __repr__(self) -> str:
        text = self.frame.to_string(index=False)
        return f"{self.caption}\n{text}" if self.caption else text

    def _repr_html_(self) -> str:
        body = self.frame.to_html(index=False, border=0, classes=["evalbook-table", "table"], escape=True)
        if self.caption:
            body = body.replace(">", f"><caption>{html.escape(self.caption)}</caption>", 1)
        return body
