"""The numbers of one shown table as a download, in two files: a CSV for software and one
that Dutch Excel opens as it is.

A download holds exactly the numbers of the table beside it: it is made from the table's
own cells (:class:`evalbook.report.tables.Table`, formatted by :mod:`evalbook.report.format`),
never from the results again, so the two cannot disagree. A cell that holds more than one
number is split into columns named after the table's header and the number's role:
``27,6% (163 van 590)`` under *Programmagroep* gives *Programmagroep (%)* 27.6,
*Programmagroep: aantal* 163 and *Programmagroep: n* 590; ``+3,9 pp (−0,8 tot 8,6)`` under
*Verschil (95%-BI)* gives *Verschil (procentpunt)*, *Verschil: ondergrens 95%-BI* and
*Verschil: bovengrens 95%-BI*. A column with a cell of any other shape (words, a quote from
a report, a range of years) is kept as its text. A dash or *onderdrukt* is an empty cell.

The CSV for software is UTF-8 with ``,`` between columns and ``.`` as decimal sign; the
Excel file is a CSV with a byte order mark, ``;`` between columns and a decimal comma, the
form Dutch Excel reads without an import step. :attr:`Download.counts` names the columns
that hold numbers of persons, for the book's safety net.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pandas as pd

from .format import MISSING
from .tables import Table

# A number as the book prints it: 1.234,5 / −0,8 / +3,9 (not a digit inside a word or a date).
NUMBER = re.compile(r"(?<![\w.,−+-])[−+-]?\d+(?:\.\d{3})*(?:,\d+)?(?![\w])")
SLOT = "#"
# The shapes of a cell with numbers (each number replaced by #): a main part, then an
# interval or a count in brackets, then the number of respondents.
SHAPE = re.compile(
    r"^(?P<main>#(?P<unit>%| pp)?|–|onderdrukt|p < #|< #|# tot #|#–#(?P<range_unit>%)?)"
    r"(?: [(\[](?P<inner># tot #|# van #|n = #)[)\]])?"
    r"(?:; n = #)?$"
)
EMPTY = {MISSING, "", "onderdrukt"}
UNITS = {"%": "%", " pp": "procentpunt"}
INTERVAL_HEADER = re.compile(r"^(?P<base>.*?) \((?P<interval>[^()]*(?:BI|interval)[^()]*)\)$")
# Headers of columns that hold numbers of persons (besides the counts inside a cell).
COUNT_HEADER = re.compile(r"\b(?:aantal|n|respondenten|personen|deelnemers|klanten|werkzoekenden)\b", re.I)


@dataclass(frozen=True)
class Cell:
    """One cell read as numbers: ``values`` by role (``""`` the main number, ``aantal``,
    ``n``, ``ondergrens``, ``bovengrens``; ``<`` before a number below the printed limit)
    and the main number's unit."""

    values: dict[str, str]
    unit: str = ""


def read_cell(text: str) -> Cell | None:
    """The numbers of one cell by role, or None when the cell is not one of the shapes of
    :data:`SHAPE` (then its column is kept as text)."""
    text = " ".join(str(text).split())
    if text in EMPTY:
        return Cell({})
    numbers = [m.group(0) for m in NUMBER.finditer(text)]
    shape = SHAPE.match(NUMBER.sub(SLOT, text))
    if shape is None:
        return None
    roles = _roles(shape)
    if len(roles) != len(numbers):
        return None
    below = "<" if "<" in shape["main"] else ""  # printed as "p < 0,001": a limit, not a value
    values = {role: (below if role == "" else "") + _plain(n) for role, n in zip(roles, numbers, strict=True)}
    unit = UNITS.get(shape["unit"] or "", "") or ("%" if shape["range_unit"] else "")
    return Cell(values, unit)


def _roles(shape: re.Match) -> list[str]:
    main = shape["main"]
    roles = ["ondergrens", "bovengrens"] if main in ("# tot #", "#–#", "#–#%") else ([""] if SLOT in main else [])
    inner = shape["inner"]
    if inner == "# tot #":
        roles += ["interval ondergrens", "interval bovengrens"]
    elif inner == "# van #":
        roles += ["aantal", "n"]
    elif inner == "n = #":
        roles += ["n"]
    if shape.group(0).endswith("; n = #"):
        roles += ["n"]
    return roles


def _plain(number: str) -> str:
    """A printed number as software reads it: ``−1.234,5`` → ``-1234.5``."""
    return number.replace("−", "-").replace("+", "").replace(".", "").replace(",", ".")


@dataclass(frozen=True)
class Download:
    """A table's numbers: ``frame`` (Dutch column names, numbers as software writes them,
    text as shown) and the columns holding numbers of persons (``counts``)."""

    frame: pd.DataFrame
    counts: tuple[str, ...]

    def csv(self) -> str:
        """For software: UTF-8, ``,`` between columns, ``.`` as decimal sign."""
        return _write(self.frame, ",", "\n")

    def excel(self) -> bytes:
        """For Dutch Excel: a byte order mark, ``;`` between columns, a decimal comma."""
        numeric = [c for c in self.frame.columns if c not in self.text_columns]
        dutch = self.frame.copy()
        for column in numeric:
            dutch[column] = dutch[column].map(lambda v: v.replace(".", ",") if isinstance(v, str) else v)
        return ("\ufeff" + _write(dutch, ";", "\r\n")).encode("utf-8")

    @property
    def text_columns(self) -> tuple[str, ...]:
        return tuple(self.frame.attrs.get("text_columns", ()))


def files(stem: str) -> list[tuple[str, str]]:
    """The two files of a download named ``stem``: (link text, file name)."""
    return [("CSV", f"{stem}.csv"), ("voor Excel", f"{stem}-excel.csv")]


def listing(tables, part: str) -> str:
    """The downloads of a chapter's tables as a Markdown list for the data page (paths from
    the book's folder: ``part/`` before the chapter's own). ``tables``: (caption, files)."""
    lines = [
        f"- {caption}: " + ", ".join(f"{{download}}`{what} <{part}/{path}>`" for what, path in found)
        for caption, found in tables
    ]
    return "\n".join(lines) if lines else "Dit hoofdstuk heeft geen genummerde tabellen."


def _write(frame: pd.DataFrame, sep: str, end: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator=end)
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False):
        writer.writerow(["" if pd.isna(v) else v for v in row])
    return out.getvalue()


def download(table: Table) -> Download:
    """The numbers of ``table``, one column per number of a cell (see the module docstring)."""
    columns: dict[str, list] = {}
    counts, texts = [], []
    for header, cells in table.frame.items():
        header = str(header)
        read = [read_cell("" if pd.isna(v) else v) for v in cells]
        if any(c is None for c in read) or not any(c.values for c in read):
            columns[_unique(header, columns)] = ["" if pd.isna(v) or str(v) == MISSING else str(v) for v in cells]
            texts.append(header)
            continue
        for name, values, is_count in _split(header, read):
            name = _unique(name, columns)
            columns[name] = values
            if is_count:
                counts.append(name)
    frame = pd.DataFrame(columns)
    frame.attrs["text_columns"] = tuple(texts)
    return Download(frame, tuple(counts))


def _split(header: str, cells: list[Cell]):
    """The columns of one numeric column: ``(name, values, holds persons)``."""
    interval = INTERVAL_HEADER.match(header)
    base, interval_name = (interval["base"], interval["interval"]) if interval else (header, "interval")
    roles = list(dict.fromkeys(role for c in cells for role in c.values))
    units = {c.unit for c in cells if "" in c.values}
    persons = bool(COUNT_HEADER.search(header))
    for role in roles:
        values = [c.values.get(role, "") for c in cells]
        if role == "":
            unit = next(iter(units)) if len(units) == 1 else ""
            yield (f"{base} ({unit})" if unit else base), values, persons and not unit
            if len(units) > 1:
                yield f"{base}: eenheid", [c.unit if "" in c.values else "" for c in cells], False
        elif role.startswith("interval"):
            yield f"{base}: {role.split()[1]} {interval_name}", values, False
        elif role in ("ondergrens", "bovengrens"):
            ranged = {c.unit for c in cells if role in c.values}
            yield f"{header}: {role}" + (" (%)" if ranged == {"%"} else ""), values, False
        else:
            yield f"{base}: {role}", values, True


def _unique(name: str, taken) -> str:
    found, i = name, 2
    while found in taken:
        found, i = f"{name} ({i})", i + 1
    return found
