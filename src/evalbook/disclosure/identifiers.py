"""Privacy guard: nothing that looks like a person-level identifier reaches the book.

Two signals: a 9-digit number that passes the BSN eleven-test (a Dutch citizen service
number), and any value of an identifier column of the inputs (``person_id``, ...). The
build scans the executed chapters, their tables and the HTML pages before it installs them;
a finding stops the build and names the file, never the full value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import PrivacyError

# nine digits standing alone: not part of a longer token, nor a decimal fraction (0.000764345)
_NINE_DIGITS = re.compile(r"(?<![0-9A-Za-z.,])[0-9]{9}(?![0-9A-Za-z]|[.,][0-9])")
_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]*[0-9A-Za-z]|[0-9A-Za-z]")
TEXT_SUFFIXES = {".ipynb", ".csv", ".html"}  # chapters, tables, pages (not the theme's scripts)
# Shorter identifier values (e.g. numeric keys like "57") are indistinguishable from the
# counts a chapter legitimately shows; they are not matched.
MIN_IDENTIFIER_LENGTH = 6


@dataclass(frozen=True)
class Finding:
    path: Path
    kind: str  # "bsn" or "identifier"
    value: str

    def __str__(self) -> str:
        masked = self.value[:3] + "*" * max(0, len(self.value) - 3)
        what = "a 9-digit number passing the BSN eleven-test" if self.kind == "bsn" else "an input identifier"
        return f"{self.path}: {what} ({masked})"


def is_bsn(number: str) -> bool:
    """The eleven-test: 9 digits d1..d9 with 9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11."""
    if len(number) != 9 or not number.isdigit() or number == "000000000":
        return False
    digits = [int(c) for c in number]
    return (sum(w * d for w, d in zip(range(9, 1, -1), digits[:8])) - digits[8]) % 11 == 0


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


def scan_text(text: str, identifiers: frozenset[str] | set[str] = frozenset()) -> list[tuple[str, str]]:
    """``(kind, value)`` for every suspicious value in ``text``."""
    found = [("bsn", m) for m in _NINE_DIGITS.findall(text) if is_bsn(m)]
    distinctive = {i for i in identifiers if len(i) >= MIN_IDENTIFIER_LENGTH}
    if distinctive:
        found += [("identifier", t) for t in sorted(set(_TOKEN.findall(text)) & distinctive)]
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


def guard(paths: list[Path], identifiers: frozenset[str] | set[str] = frozenset()) -> None:
    """Raise :class:`PrivacyError` listing the findings (first ten) in ``paths``."""
    findings = scan(paths, identifiers)
    if findings:
        shown = "\n".join(f"  - {f}" for f in findings[:10])
        more = f"\n  ... and {len(findings) - 10} more" if len(findings) > 10 else ""
        raise PrivacyError(f"person-level identifiers in the output; nothing was published:\n{shown}{more}")
