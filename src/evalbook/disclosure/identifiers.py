"""Privacy guard: nothing that looks like a person-level identifier reaches the book.

Two signals: a 9-digit number that passes the BSN eleven-test (a Dutch citizen service
number), written plainly (``111222333``) or in groups of two to four digits with one
separator, the same throughout (``111 222 333``, ``1112.22.333``, ``111-222-333``); and any
value of an identifier column of the inputs (``person_id``, ...), matched as a whole token.
Decimal fractions (``0.000764345``) are no BSN. The build scans the executed chapters, their
tables and the HTML pages before it installs them (:func:`guard`), and the input columns
whose values become labels in the book before any chapter runs (:func:`scan_inputs`). A
finding stops the build and names the file (and column and line), never the full value:
all but its first two characters are masked.

Identifier values of six characters or more are always matched; shorter ones only when they
contain a letter (``R17``). A purely numeric short key (``57``) cannot be told apart from the
counts a chapter legitimately shows and is not matched: keep such keys out of label columns
(that :func:`scan_inputs` cannot check either) and prefer pseudonymous keys with a letter.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core.errors import PrivacyError
from ..core.personal import is_bsn

# nine digits standing alone: not part of a longer token, nor a decimal fraction (0.000764345)
_NINE_DIGITS = re.compile(r"(?<![0-9A-Za-z.,])[0-9]{9}(?![0-9A-Za-z]|[.,][0-9])")
# digit groups joined by one space, dot or dash, the same throughout (a maximal run); windows
# of it holding nine digits are candidates (see _grouped)
_GROUPED = re.compile(r"(?<![0-9A-Za-z.,-])[0-9]+(?P<sep>[ .-])[0-9]+(?:(?P=sep)[0-9]+)*(?![0-9A-Za-z]|[.,-][0-9])")
_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]*[0-9A-Za-z]|[0-9A-Za-z]")
TEXT_SUFFIXES = {".ipynb", ".csv", ".html"}  # chapters, tables, pages (not the theme's scripts)
MIN_IDENTIFIER_LENGTH = 6  # shorter identifier values are matched only when they contain a letter
SHOWN_CHARACTERS = 2  # of a finding's value; the rest is masked


def mask(value: str) -> str:
    """``value`` with all but its first two characters replaced by ``*``."""
    return value[:SHOWN_CHARACTERS] + "*" * max(0, len(value) - SHOWN_CHARACTERS)


@dataclass(frozen=True)
class Finding:
    path: Path
    kind: str  # "bsn" or "identifier"
    value: str
    location: str = ""  # e.g. "column 'team', line 4" for an input file

    def __str__(self) -> str:
        what = "a 9-digit number passing the BSN eleven-test" if self.kind == "bsn" else "an input identifier"
        where = f", {self.location}" if self.location else ""
        return f"{self.path}{where}: {what} ({mask(self.value)})"


def _grouped(text: str) -> list[str]:
    """BSN-like numbers written in groups: every window of consecutive groups (two to four
    digits each) of a run of :data:`_GROUPED` that holds nine digits passing the eleven-test,
    as written."""
    found = []
    for run in _GROUPED.finditer(text):
        sep = run.group("sep")
        groups = run.group(0).split(sep)
        for start in range(len(groups)):
            for stop in range(start + 2, len(groups) + 1):
                window = groups[start:stop]
                digits = "".join(window)
                if len(digits) > 9 or any(not 2 <= len(g) <= 4 for g in window):
                    break
                if len(digits) == 9 and is_bsn(digits):
                    found.append(sep.join(window))
    return found


def readable_text(path: Path) -> str:
    """The text a reader could see: for a notebook, its sources and text outputs (not images)."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        parts = []
        for cell in nb.get("cells", []):
            parts.append("".join(cell.get("source", "")))
            for out in cell.get("outputs", []):
                parts.append("".join(out.get("text", "")))
                for mime, data in out.get("data", {}).items():
                    if mime.startswith("text/") or mime.endswith("json"):
                        parts.append(data if isinstance(data, str) else json.dumps(data))
        return "\n".join(parts)
    return path.read_text(encoding="utf-8", errors="replace")


def _distinctive(value: str) -> bool:
    """Whether an identifier value can be told apart from ordinary text and counts."""
    return len(value) >= MIN_IDENTIFIER_LENGTH or any(c.isalpha() for c in value)


def scan_text(text: str, identifiers: frozenset[str] | set[str] = frozenset()) -> list[tuple[str, str]]:
    """``(kind, value)`` for every suspicious value in ``text``."""
    found = [("bsn", m) for m in _NINE_DIGITS.findall(text) if is_bsn(m)]
    found += [("bsn", m) for m in _grouped(text)]
    if identifiers:
        found += [("identifier", t) for t in sorted(set(_TOKEN.findall(text)) & identifiers) if _distinctive(t)]
    return found


def scan(paths: list[Path], identifiers: frozenset[str] | set[str] = frozenset()) -> list[Finding]:
    """Findings in every text file under ``paths`` (files or directories)."""
    files = []
    for p in paths:
        if Path(p).is_dir():
            files += sorted(f for f in Path(p).rglob("*") if f.suffix in TEXT_SUFFIXES or f.name == "searchindex.js")
        else:
            files.append(Path(p))
    return [Finding(f, kind, value) for f in files for kind, value in scan_text(readable_text(f), identifiers)]


def _refuse(findings: list[Finding], what: str) -> None:
    """Raise :class:`PrivacyError` listing the first ten ``findings``, if any."""
    if findings:
        shown = "\n".join(f"  - {f}" for f in findings[:10])
        more = f"\n  ... and {len(findings) - 10} more" if len(findings) > 10 else ""
        raise PrivacyError(f"person-level identifiers {what}; nothing was published:\n{shown}{more}")


def guard(paths: list[Path], identifiers: frozenset[str] | set[str] = frozenset()) -> None:
    """Raise :class:`PrivacyError` listing the findings (first ten) in ``paths``."""
    _refuse(scan(paths, identifiers), "in the output")


def scan_inputs(frame: pd.DataFrame, label_columns, identifiers: frozenset[str] | set[str], file) -> None:
    """Refuse an input whose label columns (values the book prints as labels: team names,
    target groups, regions) hold an identifier value or a BSN-like number: raise
    :class:`PrivacyError` naming ``file``, the column and the line (1-based, the header is
    line 1) of each finding, the value masked. Columns ``frame`` lacks are skipped."""
    findings = []
    for column in [c for c in label_columns if c in frame.columns]:
        seen: dict[str, list[tuple[str, str]]] = {}  # a label repeats on many lines: scan it once
        for position, value in enumerate(frame[column]):
            if pd.isna(value):
                continue
            text = str(value)
            if text not in seen:
                seen[text] = scan_text(text, identifiers)
            for kind, found in seen[text]:
                findings.append(Finding(Path(file), kind, found, f"column '{column}', line {position + 2}"))
    _refuse(findings, "in an input's label column")
