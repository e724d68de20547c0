"""The contract engine: the shape every input file must have, checked on load.

A contract is declarative: a list of :class:`Column` specs plus table-level rules. Loading a
file (:func:`load`) opens it through :func:`evalbook.core.io.read_input` (a readable regular
file of bounded size), reads its cells as text (:mod:`evalbook.core.raw`: encoding,
separator, header and field counts), parses them into typed columns (ISO dates, or Dutch
``dd-mm-jjjj`` in a Dutch export; decimal comma in a Dutch export) and validates them with a
pandera schema built from the same specs, plus the checks a real export needs: dates within
the study's window (parsed without pandas' 1677–2262 limit), no BSN as a key, no personal
data in a label column, no near-identical spellings of one label.

Every problem of a file is reported at once, in one :class:`ContractError` that names the
file, each offending column, its first offending lines (as a spreadsheet numbers them) and
what was expected; a cell that cannot be parsed is reported without the follow-on breaches
of the rules that use it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from . import paths, personal
from .errors import FIX_HINT, ContractError
from .io import InputFile, read_input
from .raw import read_raw

MAX_ROWS_SHOWN = 5
MAX_PROBLEMS_SHOWN = 12  # per file; the rest are counted
NINE_DIGITS = re.compile(r"(?<!\d)\d(?:[ .-]?\d){8}(?![\d])")  # nine digits, maybe grouped
LARGEST_EXACT = 2**53  # integers beyond this cannot be held exactly; a count this large is a typo
MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[ T]00:00(?::00(?:\.0+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
TRUE_WORDS = {"true", "1", "ja", "yes", "waar", "j", "y"}
FALSE_WORDS = {"false", "0", "nee", "no", "onwaar", "n"}
# A number grouped in thousands: 1.000 in a Dutch export is 1000 or 1 (ambiguous), 1.000,5 is not
DUTCH_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(?:\.\d{3})+$")
DUTCH_GROUPED_DECIMAL = re.compile(r"^[+-]?[1-9]\d{0,2}(?:\.\d{3})+,\d+$")
STANDARD_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$")
MONTH = re.compile(r"^\d{4}-(?:0[1-9]|1[0-2])$")
# the dates a pandas datetime64[ns] column can hold
EARLIEST_HELD, LATEST_HELD = dt.date(1677, 9, 22), dt.date(2262, 4, 11)


@dataclass(frozen=True)
class Column:
    """One column of a contract."""

    name: str
    kind: str  # "string", "int", "float", "date", "month" (jjjj-mm, kept as text), "bool"
    meaning: str = ""
    required: bool = True  # the column must be present in the file
    nullable: bool = False  # cells may be empty
    categories: tuple[str, ...] = ()
    unique: bool = False
    min: float | None = None
    max: float | None = None

    def expectation(self) -> str:
        """What a valid value looks like, in words."""
        parts = {
            "string": "text",
            "int": "a whole number",
            "float": "a number",
            "date": "a date (jjjj-mm-dd)",
            "month": "a month (jjjj-mm)",
            "bool": "true/false",
        }[self.kind]
        if self.categories:
            parts = "one of: " + ", ".join(self.categories)
        if self.min is not None and self.max is not None:
            parts += f" between {self.min:g} and {self.max:g}"
        elif self.min is not None:
            parts += f" ≥ {self.min:g}"
        if self.unique:
            parts += ", unique"
        if self.nullable:
            parts += " (may be empty)"
        return parts


@dataclass(frozen=True)
class Rule:
    """A table-level rule: ``check(frame)`` returns a boolean Series, False on offending rows."""

    column: str  # the column the message is about
    expected: str
    check: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Contract:
    """A named set of columns and rules, e.g. ``register``."""

    name: str
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...] = ()
    # every listed value must occur at least once in its column (e.g. both groups present)
    required_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # person-level key columns: never a BSN, and their values must never appear in the book
    identifiers: tuple[str, ...] = ()
    # columns whose values the book prints (team names, target groups, regions, free text such
    # as reasons): no personal data in them, and the build refuses an identifier or a BSN-like
    # number in them before any chapter runs
    labels: tuple[str, ...] = ()
    # label columns whose values form groups (target groups, teams): one spelling per group
    grouping: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def schema(self, present: Sequence[str], with_rules: bool = True) -> pa.DataFrameSchema:
        """The pandera schema for the parsed frame (types are already parsed), over the
        ``present`` columns; table rules only ``with_rules``."""
        dtypes = {
            "string": "str",
            "month": "str",
            "int": "Int64",
            "float": "Float64",
            "date": "datetime64[ns]",
            "bool": "boolean",
        }
        cols = {}
        for c in self.columns:
            if c.name not in present:
                continue
            checks = []
            if c.categories:
                checks.append(pa.Check.isin(list(c.categories), error=c.expectation()))
            if c.min is not None:
                checks.append(pa.Check.ge(c.min, error=c.expectation()))
            if c.max is not None:
                checks.append(pa.Check.le(c.max, error=c.expectation()))
            cols[c.name] = pa.Column(dtypes[c.kind], checks=checks, nullable=c.nullable, unique=c.unique)
        rules = [
            pa.Check(lambda df, r=r: r.check(df).fillna(True).astype(bool), error=f"{r.column}: {r.expected}")
            for r in (self.rules if with_rules else ())
        ]
        return pa.DataFrameSchema(cols, checks=rules, strict=False)


@dataclass
class Loaded:
    """A file that meets its contract: the typed frame, the checked file (its bytes' sha256)
    and notes for ``evalbook check`` (unknown columns, a Dutch export)."""

    frame: pd.DataFrame
    file: InputFile
    notes: list[str] = field(default_factory=list)


def read(
    path: str | Path, contract: Contract, dialect: str = "auto", date_window: tuple[str, str] | None = None
) -> pd.DataFrame:
    """The typed frame of ``path``, which meets ``contract`` (see :func:`load`)."""
    return load(path, contract, dialect, date_window).frame


def load(
    path: str | Path,
    contract: Contract,
    dialect: str = "auto",
    date_window: tuple[str, str] | None = None,
    known_labels: Mapping[str, Sequence[str]] | None = None,
) -> Loaded:
    """Load ``path`` through its ``contract``.

    ``dialect``: ``"auto"`` detects a Dutch export from the header line; ``"standard"`` and
    ``"dutch"`` force one. ``date_window`` (earliest, latest; ISO dates) bounds every date and
    month column: a date outside it is implausible (a typo such as 2096). ``known_labels``:
    the configured values of a grouping column (target groups in ``book.yml``), which a
    near-identical spelling is refused in favour of. Raises :class:`ContractError` listing
    every breach, or :class:`~evalbook.core.errors.InputError` when the file cannot be read.
    """
    path = Path(path)
    file = read_input(path, paths.display(path) if path.is_absolute() else str(path))
    raw = read_raw(file, contract, dialect)
    problems = _missing_columns(raw.frame, contract)
    frame, parse_problems = _parse(raw.frame, contract, raw.dialect, date_window)
    problems += parse_problems
    unparsed = {(column, row) for column, _, rows, _ in parse_problems for row in rows}
    problems += _validate(frame, unparsed, contract)
    problems += _personal_data(frame, contract) + _spellings(frame, contract, known_labels or {})
    if problems:
        raise breach(file.shown, contract, problems, raw.lines, raw.unit)
    return Loaded(frame, file, raw.notes)


# -- parsing --------------------------------------------------------------------------------------


def _missing_columns(raw: pd.DataFrame, contract: Contract) -> list[str]:
    problems = []
    unknown = [c for c in raw.columns if c not in contract.names]
    for col in contract.columns:
        if col.required and col.name not in raw.columns:
            close = next(iter(difflib.get_close_matches(col.name, unknown, n=1)), None)
            hint = f" (found '{close}': misspelled?)" if close else ""
            problems.append(f"column '{col.name}': missing{hint}; expected {col.meaning or col.expectation()}")
    return problems


def _parse(
    raw: pd.DataFrame, contract: Contract, dialect: str, window: tuple[str, str] | None
) -> tuple[pd.DataFrame, list[tuple]]:
    """Typed columns from text. Unparseable cells and dates outside the window become
    problems, not silent NaNs."""
    out = pd.DataFrame(index=raw.index)
    problems: list[tuple] = []
    for col in contract.columns:
        if col.name not in raw.columns:
            continue
        text = raw[col.name].astype("string").str.strip()
        text = text.where(text != "", pd.NA)
        parsed, bad, hint, outside = _parse_column(text, col.kind, dialect, window)
        if bad.any():
            problems.append((col.name, col.expectation() + hint, list(raw.index[bad]), list(text[bad])))
        if outside is not None and outside.any():
            problems.append((col.name, _window_words(window), list(raw.index[outside]), list(text[outside])))
        out[col.name] = parsed
    return out, problems


def _parse_column(text: pd.Series, kind: str, dialect: str, window):
    """(parsed values, unparseable cells, a hint on them, cells outside the date window or None)."""
    if kind == "string":
        return text.astype("str").where(text.notna(), None), pd.Series(False, index=text.index), "", None
    if kind in ("int", "float"):
        return _numbers(text, kind, dialect)
    if kind == "date":
        cleaned = text.str.replace(MIDNIGHT, r"\1", regex=True)  # a timestamp at 00:00 (Parquet) is a date
        formats = ("%d-%m-%Y", "%Y-%m-%d") if dialect == "dutch" else ("%Y-%m-%d",)
        days, bad, outside = _calendar(cleaned, lambda v: _date(v, formats), window)
        return days, bad, _date_hint(text[bad]), outside
    if kind == "month":
        _, bad, outside = _calendar(text, _first_of_month, window)
        return text.astype("str").where(~bad & text.notna(), None), bad, "", outside
    if kind == "bool":
        words = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
        parsed = text.str.lower().map(words).astype("boolean")
        return parsed, text.notna() & parsed.isna(), "", None
    raise ValueError(f"unknown column kind {kind!r}")


def _numbers(text: pd.Series, kind: str, dialect: str):
    hint = ""
    numeric = text
    if dialect == "dutch":
        dotted = text.str.contains(".", regex=False).fillna(False).astype(bool)
        grouped = pd.Series(False, index=text.index)
        if dotted.any():
            grouped[dotted] = text[dotted].str.match(DUTCH_GROUPED).astype(bool)
            decimal = text[dotted].str.match(DUTCH_GROUPED_DECIMAL).astype(bool)
            numeric = numeric.copy()
            numeric[decimal.index[decimal]] = text[decimal.index[decimal]].str.replace(".", "", regex=False)
        numeric = numeric.str.replace(",", ".", regex=False).where(~grouped)
        if grouped.any():
            hint = " (a thousands separator? in a Dutch export '1.000' can mean 1000 or 1: write numbers without it)"
    values = pd.to_numeric(numeric, errors="coerce").astype("float64")
    too_large = values.abs() > LARGEST_EXACT  # beyond this a number is not what was typed
    if too_large.any():
        hint = f" (at most {LARGEST_EXACT:,} in size)"
    values = values.where(~too_large)
    if kind == "int":
        parsed = values.where(values.notna() & (values % 1 == 0)).astype("Int64")
    else:
        parsed = values.astype("Float64")
    bad = text.notna() & parsed.isna()
    if dialect != "dutch" and bad.any() and text[bad].str.match(STANDARD_GROUPED).any():
        hint = " (a thousands separator ','? write numbers without it)"
    return parsed, bad, hint, None


def _calendar(text: pd.Series, parse, window):
    """Dates (or months) parsed one distinct value at a time with Python's calendar (years 1
    to 9999), so that a year such as 1600 or 2300 is reported against the window instead of
    overflowing: (datetime64 values, unparseable cells, cells outside the window — or, without
    one, outside what a datetime64[ns] column holds)."""
    codes, uniques = pd.factorize(text)
    days = [parse(v) for v in uniques]
    earliest, latest = (dt.date.fromisoformat(d) for d in window) if window else (EARLIEST_HELD, LATEST_HELD)
    valid = np.array([d is not None for d in days] + [False], dtype=bool)  # last slot: empty cells (code -1)
    fits = [d is not None and earliest <= d <= latest and EARLIEST_HELD <= d <= LATEST_HELD for d in days]
    never = np.datetime64("NaT", "ns")
    stamps = [np.datetime64(d, "ns") if f else never for d, f in zip(days, fits, strict=True)]
    stamps = np.array([*stamps, never], dtype="datetime64[ns]")
    slot = np.where(codes < 0, len(uniques), codes)
    bad = pd.Series(~valid[slot] & (codes >= 0), index=text.index)
    outside = pd.Series(valid[slot] & ~np.array([*fits, False], dtype=bool)[slot], index=text.index)
    return pd.Series(stamps[slot], index=text.index), bad, outside


def _date(value: str, formats: tuple[str, ...]) -> dt.date | None:
    for fmt in formats:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _first_of_month(value: str) -> dt.date | None:
    return dt.date(int(value[:4]), int(value[5:7]), 1) if MONTH.match(value) else None


def _window_words(window) -> str:
    if window is None:
        return f"a date between {EARLIEST_HELD} and {LATEST_HELD}"
    return f"a date between {window[0]} and {window[1]} (date_window in book.yml)"


def _date_hint(values: pd.Series) -> str:
    """What the offending values look like, when that explains the failure."""
    found = values.astype(str)
    if found.str.fullmatch(r"\d{5}").any():
        return " (an Excel serial date? format the column as a date before exporting)"
    if found.str.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}").any():
        return " (a m/d/jjjj or d/m/jjjj date? use jjjj-mm-dd)"
    if found.str.fullmatch(r"\d{1,2}-\d{1,2}-\d{4}").any():
        return " (a Dutch dd-mm-jjjj date in a file with ',' separators? use jjjj-mm-dd)"
    if found.str.contains(r"\d:\d", regex=True).any():
        return " (a date without a time of day)"
    return ""


# -- validation -----------------------------------------------------------------------------------


def _validate(frame: pd.DataFrame, unparsed: set[tuple[str, int]], contract: Contract) -> list[tuple]:
    """Required values, then column checks (categories, ranges, uniqueness, empty cells) on
    every cell but the ``unparsed`` ones (column, row) and table rules (when every required
    column is there), the rules once more on the rows that passed when some did not."""
    problems: list[tuple] = []
    for column, values in contract.required_values.items():
        if column in frame:
            for value in values:
                if not (frame[column] == value).any():
                    problems.append((column, f"at least one row with '{value}' (none found)", [], []))
    if problems:
        return problems
    with_rules = bool(contract.rules) and all(c.name in frame for c in contract.columns if c.required)
    cells, rules = _pandera(contract.schema(list(frame.columns), with_rules=with_rules), frame, contract, unparsed)
    if rules and (cells or unparsed):  # again on the rows whose cells passed: no follow-on breaches
        failed = {row for _, _, rows, _ in cells for row in rows} | {row for _, row in unparsed}
        only_rules = pa.DataFrameSchema(checks=contract.schema([]).checks)
        _, rules = _pandera(only_rules, frame.drop(index=sorted(failed)), contract)
    return cells + rules


def _pandera(
    schema: pa.DataFrameSchema, frame: pd.DataFrame, contract: Contract, unparsed: set = frozenset()
) -> tuple[list[tuple], list[tuple]]:
    """The breaches of ``schema`` in ``frame``: of column checks (but in ``unparsed`` cells),
    and of table rules."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            schema.validate(frame, lazy=True)
        except SchemaErrors as exc:
            cases = exc.failure_cases
            known = [(c, i) not in unparsed for c, i in zip(cases["column"], cases["index"], strict=True)]
            return _problems_from_pandera(cases[known], frame, contract)
    return [], []


def _problems_from_pandera(
    cases: pd.DataFrame, frame: pd.DataFrame, contract: Contract
) -> tuple[list[tuple], list[tuple]]:
    specs = {c.name: c for c in contract.columns}
    cells, rules = [], []
    table_level = cases["schema_context"] == "DataFrameSchema"
    for (column, check), group in cases[~table_level].groupby(["column", "check"], sort=False):
        spec = specs.get(column)
        if str(check) == "field_uniqueness":
            expected = "unique values (duplicates found)"
        elif str(check) == "not_nullable":
            expected = f"{spec.expectation() if spec else 'a value'}, not empty"
        else:
            expected = (spec.expectation() if spec else str(check)) + _did_you_mean(group["failure_case"], spec)
        rows = [int(i) for i in group["index"].dropna()]
        cells.append((column, expected, rows, list(group["failure_case"])))
    # a table-level rule reports every column of an offending row; its error text is "column: expected"
    for check, group in cases[table_level].groupby("check", sort=False):
        column, _, expected = str(check).partition(": ")
        rows = [int(i) for i in group["index"].dropna().unique()]
        rules.append((column, expected, rows, list(frame.loc[rows, column]) if column in frame else []))
    return cells, rules


def _did_you_mean(values: pd.Series, spec: Column | None) -> str:
    if spec is None or not spec.categories:
        return ""
    pairs = {str(v): personal.closest(str(v), spec.categories) for v in values.dropna().unique()}
    pairs = {v: c for v, c in pairs.items() if c}
    if not pairs:
        return ""
    return " (did you mean " + ", ".join(f"'{c}' for '{v}'" for v, c in list(pairs.items())[:3]) + "?)"


def _personal_data(frame: pd.DataFrame, contract: Contract) -> list[tuple]:
    """A BSN as a key, and personal data (e-mail, phone, name) in a column the book prints."""
    problems = []
    for column in [c for c in contract.identifiers if c in frame]:
        written = frame[column].astype("string").str.match(personal.BSN_WRITTEN.pattern).fillna(False).astype(bool)
        bsn = written.copy()
        bsn[written] = frame[column][written].map(personal.written_bsn).astype(bool)
        if bsn.any():
            expected = (
                "a pseudonymous key, never a BSN (9 digits passing the BSN eleven-test found); "
                "use keys with a letter, e.g. P000123"
            )
            problems.append((column, expected, list(frame.index[bsn]), [_mask(v) for v in frame[column][bsn]]))
    for column in [c for c in contract.labels if c in frame]:
        found = frame[column].map({v: personal.personal_data(str(v)) for v in frame[column].dropna().unique()})
        for kind in sorted(set(found.dropna())):
            hit = (found == kind).fillna(False).astype(bool)
            expected = f"a label without personal data (found {kind}; the book prints this column)"
            problems.append((column, expected, list(frame.index[hit]), [_mask(v) for v in frame[column][hit]]))
    return problems


def _spellings(frame: pd.DataFrame, contract: Contract, known: Mapping[str, Sequence[str]]) -> list[tuple]:
    """Labels of a grouping column spelt nearly like another (more common or configured) one."""
    problems = []
    for column in [c for c in contract.grouping if c in frame]:
        counts = frame[column].dropna().value_counts().to_dict()
        for label, meant in personal.near_duplicates(counts, known.get(column, ())).items():
            rows = list(frame.index[frame[column] == label])
            where = "in book.yml" if meant in known.get(column, ()) else f"on {counts.get(meant, 0)} lines"
            expected = (
                f"one spelling per label: did you mean '{meant}' ({where})? "
                "A near-identical spelling would become a group of its own"
            )
            problems.append((column, expected, rows, [label] * len(rows)))
    return problems


def _mask(value) -> str:
    text = str(value)
    return text[:2] + "*" * max(0, len(text) - 2)


# -- the message ----------------------------------------------------------------------------------


def breach(
    shown: str, contract: Contract, problems: list, lines: int | Sequence[int] = 2, unit: str | None = None
) -> ContractError:
    """One :class:`ContractError` listing ``problems`` (at most :data:`MAX_PROBLEMS_SHOWN`, then
    a count): plain sentences, or ``(column, expected, rows, values)`` tuples. ``rows`` are
    0-based; ``lines`` maps them to the line numbers a spreadsheet shows (an offset, or the
    line of each row). Identifier values and BSN-like numbers are masked."""
    unit = unit or ("row" if shown.endswith(".parquet") else "line")
    number = (lambda r: r + lines) if isinstance(lines, int) else (lambda r: int(lines[r]))
    out = [f"{shown} does not meet the `{contract.name}` contract:"]
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        if isinstance(problem, str):
            out.append(f"  - {problem}")
            continue
        column, expected, rows, values = problem
        where = ""
        if rows:
            first = ", ".join(str(number(r)) for r in rows[:MAX_ROWS_SHOWN])
            more = f" and {len(rows) - MAX_ROWS_SHOWN} more" if len(rows) > MAX_ROWS_SHOWN else ""
            secret = column in contract.identifiers
            shown_values = ", ".join(repr(_masked(_plain(v), secret)) for v in values[:MAX_ROWS_SHOWN])
            where = f" at {unit}{'s' if len(rows) > 1 else ''} {first}{more} (found {shown_values})"
        out.append(f"  - column '{column}'{where}; expected {expected}")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        out.append(f"  ... and {len(problems) - MAX_PROBLEMS_SHOWN} more problems in this file")
    return ContractError("\n".join(out) + FIX_HINT)


def _masked(value, secret: bool):
    """An identifier value, or a value holding nine digits (a possible BSN, also when written
    with spaces, dots or dashes), masked after its first two characters: error messages end up
    in logs and on screens."""
    text = str(value)
    if secret or NINE_DIGITS.search(text):
        return _mask(text)
    return value


def _plain(value):
    if isinstance(value, pd.Timestamp | dt.date):
        return value.isoformat()[:10]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return value.item() if hasattr(value, "item") else value
