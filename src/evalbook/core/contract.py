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

import difflib
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from . import paths
from .errors import ContractError, InputError

MAX_ROWS_SHOWN = 5
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
                dtypes[c.kind], checks=checks, nullable=c.nullable, unique=c.unique, required=c.required,
            )
        rules = [
            pa.Check(lambda df, r=r: r.check(df).fillna(True).astype(bool), error=f"{r.column}: {r.expected}")
            for r in self.rules
        ]
        return pa.DataFrameSchema(cols, checks=rules, strict=False)


def read(path: str | Path, contract: Contract, dialect: str = "auto") -> pd.DataFrame:
    """Load ``path`` and return it as a typed frame that meets ``contract``.

    ``dialect``: ``"auto"`` detects a Dutch export from the header line; ``"standard"`` and
    ``"dutch"`` force one. Raises :class:`ContractError` on any breach.
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
            raise InputError(f"{shown}: not a file (a directory?); the `{contract.name}` contract expects a CSV or "
                             "Parquet file.")
        file_dialect = _dialect_of(path, dialect)
        raw, line_offset = _read_raw(path, shown, contract, file_dialect)
    except OSError as exc:  # permissions, a vanished file, an unreadable disk: one line, no traceback
        raise InputError(f"{shown}: cannot be read ({exc.strerror or exc}).") from None
    problems = _check_columns(raw, contract)
    if problems:
        raise breach(shown, contract, problems)
    frame, problems = _parse(raw, contract, dialect=file_dialect)
    problems += _validate(frame, contract)
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
        raise ContractError(f"{shown}: the file is empty. The `{contract.name}` contract expects a header line and data rows.")
    if path.suffix.lower() == ".parquet":
        frame = pd.read_parquet(path)
        frame = frame.astype("string").where(frame.notna(), None)
        offset = 1  # row 1 is the first data row
    else:
        sep = ";" if dialect == "dutch" else ","
        try:
            frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ContractError(f"{shown}: not UTF-8 text ({exc.reason}). Save the file as CSV UTF-8.") from exc
        except pd.errors.ParserError as exc:
            raise ContractError(f"{shown}: not a readable CSV file ({exc}).") from exc
        offset = 2  # line 1 is the header
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise ContractError(f"{shown}: the file has a header but no data rows.")
    return frame.reset_index(drop=True), offset


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
            problems.append((col.name, f"{col.expectation()}", list(raw.index[bad]), list(text[bad])))
        out[col.name] = parsed
    return out, problems


def _parse_column(text: pd.Series, kind: str, dialect: str) -> pd.Series:
    if kind == "string":
        return text.astype("str").where(text.notna(), None)
    if kind in ("int", "float"):
        numeric = text.str.replace(",", ".", regex=False) if dialect == "dutch" else text
        values = pd.to_numeric(numeric, errors="coerce")
        if kind == "int":
            whole = values.notna() & (values % 1 == 0)
            return values.where(whole).astype("Int64")
        return values.astype("Float64")
    if kind == "date":
        fmt = "%d-%m-%Y" if dialect == "dutch" else "%Y-%m-%d"
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        if dialect == "dutch":  # a Dutch export may still carry ISO dates
            parsed = parsed.fillna(pd.to_datetime(text, format="%Y-%m-%d", errors="coerce"))
        return parsed.astype("datetime64[ns]")
    if kind == "bool":
        lowered = text.str.lower()
        return lowered.map(lambda v: True if v in TRUE_WORDS else False if v in FALSE_WORDS else pd.NA).astype("boolean")
    raise ValueError(f"unknown column kind {kind!r}")


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
            shown_values = ", ".join(repr(_plain(v)) for v in values[:MAX_ROWS_SHOWN])
            where = f" at {unit}{'s' if len(rows) > 1 else ''} {first}{more} (found {shown_values})"
        lines.append(f"  - column '{column}'{where}; expected {expected}")
    lines.append("Fix the file and run again; the contract is described in the README ('Rerun with your own data').")
    return ContractError("\n".join(lines))


def _plain(value):
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if pd.isna(value):
        return ""
    return value.item() if hasattr(value, "item") else value
