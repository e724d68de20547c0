"""The contract engine: the shape every input file must have, checked on load.

A contract is declarative: a list of :class:`Column` specs plus table-level rules. Loading a
file parses it into typed columns (ISO dates, or Dutch ``dd-mm-jjjj`` in a Dutch export;
decimal comma in a Dutch export), then validates it with a pandera schema built from the
same specs. Anything wrong stops the run with one :class:`ContractError` that names the
file, each offending column, its first offending lines and what was expected.

CSV files are UTF-8 with a ``,`` separator; a Dutch export (``;`` separator, decimal comma)
is detected from its header line or forced with ``dialect="dutch"``. Parquet is read as is.
"""

from __future__ import annotations

import csv
import difflib
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_lib
import pyarrow.parquet as pq
from pandera.errors import SchemaErrors

from . import paths
from .errors import ContractError, InputError

MAX_ROWS_SHOWN = 5
# Cells that mean "no value" in exports (only where the column may be empty; else they are reported).
MISSING_WORDS = ["", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "Null", "#N/A"]
NINE_DIGITS = re.compile(r"(?<!\d)\d(?:[ .-]?\d){8}(?![\d])")  # nine digits, maybe grouped
LARGEST_EXACT = 2**53  # integers beyond this cannot be held exactly; a count this large is a typo
MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[ T]00:00(?::00(?:\.0+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
TRUE_WORDS = {"true", "1", "ja", "yes", "waar", "j", "y"}
FALSE_WORDS = {"false", "0", "nee", "no", "onwaar", "n"}


@dataclass(frozen=True)
class Column:
    """One column of a contract."""

    name: str
    kind: str  # "string", "int", "float", "date", "bool"
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
    # person-level key columns: their values must never appear in the book (evalbook.privacy)
    identifiers: tuple[str, ...] = ()
    # columns whose values become labels in the book (team names, target groups, regions):
    # the build refuses an identifier or a BSN-like number in them before any chapter runs
    labels: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def schema(self) -> pa.DataFrameSchema:
        """The pandera schema for the parsed frame (types are already parsed)."""
        dtypes = {"string": "str", "int": "Int64", "float": "Float64", "date": "datetime64[ns]", "bool": "boolean"}
        cols = {}
        for c in self.columns:
            checks = []
            if c.categories:
                checks.append(pa.Check.isin(list(c.categories), error=c.expectation()))
            if c.min is not None:
                checks.append(pa.Check.ge(c.min, error=c.expectation()))
            if c.max is not None:
                checks.append(pa.Check.le(c.max, error=c.expectation()))
            cols[c.name] = pa.Column(
                dtypes[c.kind],
                checks=checks,
                nullable=c.nullable,
                unique=c.unique,
                required=c.required,
            )
        rules = [
            pa.Check(lambda df, r=r: r.check(df).fillna(True).astype(bool), error=f"{r.column}: {r.expected}")
            for r in self.rules
        ]
        return pa.DataFrameSchema(cols, checks=rules, strict=False)


def read(
    path: str | Path, contract: Contract, dialect: str = "auto", date_window: tuple[str, str] | None = None
) -> pd.DataFrame:
    """Load ``path`` and return it as a typed frame that meets ``contract``.

    ``dialect``: ``"auto"`` detects a Dutch export from the header line; ``"standard"`` and
    ``"dutch"`` force one. ``date_window`` (earliest, latest; ISO dates) bounds every date
    column: a date outside it is implausible (a typo such as 2096). Raises
    :class:`ContractError` on any breach; a cell that cannot be parsed is reported alone, as
    typed, without the follow-on breaches of the rules that use it.
    """
    path = Path(path)
    shown = paths.display(path) if path.is_absolute() else str(path)
    try:
        if not path.exists():
            raise ContractError(
                f"{shown}: file not found. The `{contract.name}` contract expects a file with columns "
                f"{', '.join(contract.names)}."
            )
        if not path.is_file():
            raise InputError(
                f"{shown}: not a file (a directory?); the `{contract.name}` contract expects a CSV or Parquet file."
            )
        file_dialect = _dialect_of(path, dialect)
        raw, line_offset = _read_raw(path, shown, contract, file_dialect)
    except OSError as exc:  # permissions, a vanished file, an unreadable disk: one line, no traceback
        raise InputError(f"{shown}: cannot be read ({exc.strerror or exc}).") from None
    problems = _check_columns(raw, contract)
    if problems:
        raise breach(shown, contract, problems)
    frame, problems = _parse(raw, contract, dialect=file_dialect)
    if problems:  # the root cause only: rules on unparsed cells would blame correct columns
        raise breach(shown, contract, problems, line_offset)
    problems = _outside_window(frame, contract, date_window) or _validate(frame, contract)
    if problems:
        raise breach(shown, contract, problems, line_offset)
    return frame


# -- reading ------------------------------------------------------------------------------


def _dialect_of(path: Path, dialect: str) -> str:
    if dialect != "auto" or path.suffix.lower() == ".parquet":
        return "standard" if dialect == "auto" else dialect
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        header = fh.readline()
    return "dutch" if header.count(";") > header.count(",") else "standard"


def _read_raw(path: Path, shown: str, contract: Contract, dialect: str) -> tuple[pd.DataFrame, int]:
    """All cells as strings (empty cell → missing). Returns the frame and the offset from
    frame index to the line number a researcher sees in a spreadsheet."""
    if path.stat().st_size == 0:
        raise ContractError(
            f"{shown}: the file is empty. The `{contract.name}` contract expects a header line and data rows."
        )
    if path.suffix.lower() == ".parquet":
        try:
            names = pq.read_schema(path).names
            _refuse_duplicates(names, shown, contract)
            frame = pd.read_parquet(path)
        except (pa_lib.ArrowException, OSError) as exc:
            raise ContractError(f"{shown}: not a readable Parquet file ({exc}).") from None
        frame = frame.astype("string").where(frame.notna(), None)
        offset = 1  # row 1 is the first data row
    else:
        sep = ";" if dialect == "dutch" else ","
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                _refuse_duplicates(next(csv.reader(fh, delimiter=sep), []), shown, contract)
            frame = pd.read_csv(
                path, sep=sep, dtype=str, keep_default_na=False, na_values=MISSING_WORDS, encoding="utf-8-sig"
            )
        except UnicodeDecodeError as exc:
            raise ContractError(f"{shown}: not UTF-8 text ({exc.reason}). Save the file as CSV UTF-8.") from None
        except pd.errors.ParserError as exc:
            raise ContractError(f"{shown}: not a readable CSV file ({exc}).") from None
        offset = 2  # line 1 is the header
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise ContractError(f"{shown}: the file has a header but no data rows.")
    return frame.reset_index(drop=True), offset


def _refuse_duplicates(names: list[str], shown: str, contract: Contract) -> None:
    """A column named twice would be silently renamed (``age.1``) and ignored: refuse it."""
    names = [str(n).strip() for n in names]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        where = "; ".join(
            f"'{n}' at columns {', '.join(str(i + 1) for i, m in enumerate(names) if m == n)}" for n in repeated
        )
        raise breach(shown, contract, [f"a column name appears more than once ({where}); keep one of each"])


def _check_columns(raw: pd.DataFrame, contract: Contract) -> list[str]:
    problems = []
    unknown = [c for c in raw.columns if c not in contract.names]
    for col in contract.columns:
        if col.required and col.name not in raw.columns:
            close = difflib.get_close_matches(col.name, unknown, n=1)
            hint = f" (found '{close[0]}': misspelled?)" if close else ""
            problems.append(f"column '{col.name}': missing{hint}; expected {col.meaning or col.expectation()}")
    return problems


def _parse(raw: pd.DataFrame, contract: Contract, dialect: str) -> tuple[pd.DataFrame, list[tuple]]:
    """Typed columns from strings. Unparseable cells become problems, not silent NaNs."""
    out = pd.DataFrame(index=raw.index)
    problems: list[tuple] = []
    for col in contract.columns:
        if col.name not in raw.columns:
            continue
        text = raw[col.name].astype("string").str.strip()
        text = text.where(text != "", pd.NA)
        parsed = _parse_column(text, col.kind, dialect)
        bad = text.notna() & parsed.isna()
        if bad.any():
            problems.append(
                (
                    col.name,
                    col.expectation() + _hint(col.kind, text[bad], dialect),
                    list(raw.index[bad]),
                    list(text[bad]),
                )
            )
        out[col.name] = parsed
    return out, problems


def _parse_column(text: pd.Series, kind: str, dialect: str) -> pd.Series:
    if kind == "string":
        return text.astype("str").where(text.notna(), None)
    if kind in ("int", "float"):
        numeric = text.str.replace(",", ".", regex=False) if dialect == "dutch" else text
        values = pd.to_numeric(numeric, errors="coerce").astype("float64")
        values = values.where(values.abs() <= LARGEST_EXACT)  # beyond this a number is not what was typed
        if kind == "int":
            whole = values.notna() & (values % 1 == 0)
            return values.where(whole).astype("Int64")
        return values.astype("Float64")
    if kind == "date":
        text = text.str.replace(MIDNIGHT, r"\1", regex=True)  # a timestamp at 00:00 (Parquet) is a date
        fmt = "%d-%m-%Y" if dialect == "dutch" else "%Y-%m-%d"
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        if dialect == "dutch":  # a Dutch export may still carry ISO dates
            parsed = parsed.fillna(pd.to_datetime(text, format="%Y-%m-%d", errors="coerce"))
        return parsed.astype("datetime64[ns]")
    if kind == "bool":
        lowered = text.str.lower()
        return lowered.map(lambda v: True if v in TRUE_WORDS else False if v in FALSE_WORDS else pd.NA).astype(
            "boolean"
        )
    raise ValueError(f"unknown column kind {kind!r}")


def _hint(kind: str, values: pd.Series, dialect: str) -> str:
    """What the offending values look like, when that explains the failure."""
    found = values.astype(str)
    if kind == "date":
        if found.str.fullmatch(r"\d{5}").any():
            return " (an Excel serial date? format the column as a date before exporting)"
        if found.str.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}").any():
            return " (a m/d/jjjj or d/m/jjjj date? use jjjj-mm-dd)"
        if dialect == "standard" and found.str.fullmatch(r"\d{1,2}-\d{1,2}-\d{4}").any():
            return " (a Dutch dd-mm-jjjj date in a file with ',' separators? use jjjj-mm-dd)"
        if found.str.contains(r"\d:\d", regex=True).any():
            return " (a date without a time of day)"
    if kind in ("int", "float"):
        numeric = pd.to_numeric(found.str.replace(",", ".", regex=False), errors="coerce")
        if (numeric.abs() > LARGEST_EXACT).any():
            return f" (at most {LARGEST_EXACT:,} in size)"
    return ""


def _outside_window(frame: pd.DataFrame, contract: Contract, window: tuple[str, str] | None) -> list[tuple]:
    """Dates outside the plausible window of the study (configured in book.yml)."""
    if window is None:
        return []
    earliest, latest = (pd.Timestamp(d) for d in window)
    problems = []
    for col in contract.columns:
        if col.kind == "date" and col.name in frame:
            dates = frame[col.name]
            bad = dates.notna() & ((dates < earliest) | (dates > latest))
            if bad.any():
                problems.append(
                    (
                        col.name,
                        f"a date between {earliest.date()} and {latest.date()} (date_window in book.yml)",
                        list(frame.index[bad]),
                        list(dates[bad]),
                    )
                )
    return problems


def _validate(frame: pd.DataFrame, contract: Contract) -> list[tuple]:
    problems: list[tuple] = []
    for column, values in contract.required_values.items():
        if column in frame:
            for value in values:
                if not (frame[column] == value).any():
                    problems.append((column, f"at least one row with '{value}' (none found)", [], []))
    if problems:
        return problems
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            contract.schema().validate(frame, lazy=True)
        except SchemaErrors as exc:
            problems += _problems_from_pandera(exc.failure_cases, frame, contract)
    return problems


def _problems_from_pandera(cases: pd.DataFrame, frame: pd.DataFrame, contract: Contract) -> list[tuple]:
    specs = {c.name: c for c in contract.columns}
    problems = []
    table_level = cases["schema_context"] == "DataFrameSchema"
    for (column, check), group in cases[~table_level].groupby(["column", "check"], sort=False):
        spec = specs.get(column)
        if str(check) == "field_uniqueness":
            expected = "unique values (duplicates found)"
        elif str(check) == "not_nullable":
            expected = f"{spec.expectation() if spec else 'a value'}, not empty"
        else:
            expected = spec.expectation() if spec else str(check)
        rows = [int(i) for i in group["index"].dropna()]
        problems.append((column, expected, rows, list(group["failure_case"])))
    # a table-level rule reports every column of an offending row; its error text is "column: expected"
    for check, group in cases[table_level].groupby("check", sort=False):
        column, _, expected = str(check).partition(": ")
        rows = [int(i) for i in group["index"].dropna().unique()]
        problems.append((column, expected, rows, list(frame.loc[rows, column]) if column in frame else []))
    return problems


def breach(shown: str, contract: Contract, problems: list, offset: int = 2) -> ContractError:
    """One :class:`ContractError` listing ``problems``: plain sentences, or
    ``(column, expected, rows, values)`` tuples (rows 0-based; ``offset`` turns them into the
    line numbers a spreadsheet shows). Identifier values and BSN-like numbers are masked."""
    unit = "row" if shown.endswith(".parquet") else "line"
    lines = [f"{shown} does not meet the `{contract.name}` contract:"]
    for problem in problems:
        if isinstance(problem, str):
            lines.append(f"  - {problem}")
            continue
        column, expected, rows, values = problem
        where = ""
        if rows:
            first = ", ".join(str(r + offset) for r in rows[:MAX_ROWS_SHOWN])
            more = f" and {len(rows) - MAX_ROWS_SHOWN} more" if len(rows) > MAX_ROWS_SHOWN else ""
            secret = column in contract.identifiers
            shown_values = ", ".join(repr(_masked(_plain(v), secret)) for v in values[:MAX_ROWS_SHOWN])
            where = f" at {unit}{'s' if len(rows) > 1 else ''} {first}{more} (found {shown_values})"
        lines.append(f"  - column '{column}'{where}; expected {expected}")
    lines.append("Fix the file and run again; the contract is described in the README ('Rerun with your own data').")
    return ContractError("\n".join(lines))


def _masked(value, secret: bool):
    """An identifier value, or a value holding nine digits (a possible BSN, also when written
    with spaces, dots or dashes), masked after its first two characters: error messages end up
    in logs and on screens."""
    text = str(value)
    if secret or NINE_DIGITS.search(text):
        return text[:2] + "*" * max(0, len(text) - 2)
    return value


def _plain(value):
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if pd.isna(value):
        return ""
    return value.item() if hasattr(value, "item") else value
