"""The raw cells of an input file: every cell as text, before the contract types them.

A CSV file is UTF-8 with ``,`` separators, or a Dutch export with ``;`` (detected from the
header line); a Parquet file is read with its column types checked against the contract.
What real exports get wrong is recognised and named rather than misread: another encoding
(UTF-16, with or without byte-order mark; Windows-1252), another separator (tab, ``|``), an
Excel workbook or a Parquet file under a ``.csv`` name, a missing header line, a line with more
or fewer fields than the header (an unquoted ``,`` in a value), a file of blank lines, a
column named twice, a Parquet column of the wrong type.

Each data row keeps the line number a spreadsheet or text editor shows (the row number for
Parquet), so messages point at the right line even after blank or multi-line rows.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import FIX_HINT, ContractError
from .io import InputFile

MAX_LINES_SHOWN = 5
# Cells that mean "no value" in exports (only where the column may be empty; else they are reported).
MISSING_WORDS = ["", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "Null", "#N/A"]
SEPARATORS = {",": "','", ";": "';'", "\t": "tabs", "|": "'|'"}
PARQUET_MAGIC = b"PAR1"
ZIP_MAGIC = b"PK\x03\x04"  # .xlsx, .ods: a workbook, not a CSV file
# Parquet (Arrow) types a contract column may be stored as, by the column's kind
_ARROW_KINDS = {
    "string": ("string", "integer", "dictionary"),
    "int": ("integer", "floating", "decimal", "string"),
    "float": ("integer", "floating", "decimal", "string"),
    "date": ("date", "timestamp", "string", "dictionary"),
    "month": ("string", "dictionary", "date", "timestamp"),
    "bool": ("boolean", "integer", "string"),
}
_EXPECTED_STORAGE = {
    "string": "text",
    "int": "whole numbers",
    "float": "numbers",
    "date": "dates (date32 or timestamp) or text jjjj-mm-dd",
    "month": "text jjjj-mm",
    "bool": "booleans",
}


@dataclass
class Raw:
    """An input's cells as text (None for an empty cell), with where each row stands in the file."""

    frame: pd.DataFrame
    lines: np.ndarray  # the line (CSV) or row (Parquet) number of each row of ``frame``
    unit: str  # "line" or "row"
    dialect: str  # "standard", "dutch" or "parquet"
    notes: list[str] = field(default_factory=list)


def read_raw(file: InputFile, contract, dialect: str = "auto") -> Raw:
    """The cells of ``file`` (see the module docstring). Raises :class:`ContractError` naming
    the file and what is wrong with it as a whole; problems of single cells are the contract's."""
    data = file.data
    if not data:
        raise _refuse(file, contract, "the file is empty. The `{name}` contract expects a header line and data rows.")
    is_parquet = file.path.suffix.lower() == ".parquet"
    if is_parquet or data.startswith(PARQUET_MAGIC):
        if not is_parquet:
            raise _refuse(file, contract, "a Parquet file with a .csv name: rename it to .parquet.")
        return _parquet(file, contract)
    if data.startswith(ZIP_MAGIC):
        raise _refuse(file, contract, "an Excel (or other) workbook, not a CSV file: export the sheet as CSV UTF-8.")
    text = _decode(file, contract)
    if not text.strip():
        raise _refuse(file, contract, "the file holds only blank lines. The `{name}` contract expects a header line.")
    sep, dialect = _separator(file, contract, text, dialect)
    return _csv(file, contract, text, sep, dialect)


# -- CSV ------------------------------------------------------------------------------------------


def _decode(file: InputFile, contract) -> str:
    data = file.data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse(file, contract, "UTF-16 text (with a byte-order mark), not UTF-8: save it as CSV UTF-8.")
    sample = data[:4096]
    if sample.count(b"\x00") > len(sample) // 4:
        odd = sample[1::2].count(b"\x00") > sample[0::2].count(b"\x00")
        order = "little-endian" if odd else "big-endian"
        words = f"UTF-16 text ({order}, without byte-order mark), not UTF-8: save it as CSV UTF-8."
        raise _refuse(file, contract, words)
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise _refuse(file, contract, f"a NUL byte at line {line}: a binary file, not CSV text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1]
        guess = ""
        with contextlib.suppress(UnicodeDecodeError):
            guess = f" ('{byte.decode('cp1252')}' in Windows-1252)"
        raise _refuse(
            file,
            contract,
            f"not UTF-8 text: byte 0x{byte.hex()} at line {line}{guess}; Windows-1252 (ANSI) or Latin-1? "
            "Save it as CSV UTF-8.",
        ) from None


def _separator(file: InputFile, contract, text: str, dialect: str) -> tuple[str, str]:
    header = text.lstrip("\r\n").partition("\n")[0]
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    if dialect == "auto":
        dialect = "dutch" if counts[";"] > counts[","] else "standard"
    sep = ";" if dialect == "dutch" else ","
    if counts[sep] == 0:
        other = max(("\t", "|"), key=counts.get)
        if counts[other] and sum(n.strip() in contract.names for n in header.split(other)) >= 2:
            raise _refuse(
                file,
                contract,
                f"columns separated by {SEPARATORS[other]}; evalbook reads ',' (or ';' in a Dutch export): "
                "save it as CSV UTF-8.",
            )
    return sep, dialect


def _csv(file: InputFile, contract, text: str, sep: str, dialect: str) -> Raw:
    header, starts, wrong = _records(text, sep)
    _refuse_missing_header(file, contract, header, starts[0] - 1 if starts else 1)
    _refuse_repeated(file, contract, header)
    if wrong:
        raise _refuse(file, contract, _field_counts(wrong, len(header), sep))
    if not starts:
        raise _refuse(file, contract, "the file has a header but no data rows.")
    frame = pd.read_csv(
        io.StringIO(text),
        sep=sep,
        dtype=str,
        keep_default_na=False,
        na_values=MISSING_WORDS,
        index_col=False,
    )
    frame.columns = header
    lines = np.asarray(starts) if len(starts) == len(frame) else np.arange(len(frame)) + 2
    return Raw(frame.reset_index(drop=True), lines, "line", dialect, _notes(header, contract, dialect))


def _records(text: str, sep: str) -> tuple[list[str], list[int], list[tuple[int, int]]]:
    """The header's names, the line on which each data row starts and the rows whose number
    of fields differs from the header's (line, fields); blank lines are skipped. Without
    quotes a line is a row (fast); with quotes the csv module finds where rows end."""
    if '"' not in text:
        rows = [(number, line) for number, line in enumerate(text.split("\n"), start=1) if line not in ("", "\r")]
        header = [c.strip() for c in rows[0][1].rstrip("\r").split(sep)] if rows else []
        fields = [(number, line.count(sep) + 1) for number, line in rows[1:]]
        return header, [number for number, _ in fields], [(n, k) for n, k in fields if k != len(header)]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header: list[str] | None = None
    starts, wrong, line = [], [], 0
    for record in reader:
        first, line = line + 1, reader.line_num
        if not record:  # a blank line
            continue
        if header is None:
            header = [c.strip() for c in record]
            continue
        starts.append(first)
        if len(record) != len(header):
            wrong.append((first, len(record)))
    return header or [], starts, wrong


def _field_counts(wrong: list[tuple[int, int]], expected: int, sep: str) -> str:
    more = [(line, n) for line, n in wrong if n > expected]
    shown = ", ".join(f"line {line} has {n}" for line, n in wrong[:MAX_LINES_SHOWN])
    rest = f" and {len(wrong) - MAX_LINES_SHOWN} more lines" if len(wrong) > MAX_LINES_SHOWN else ""
    why = (
        f"an unquoted '{sep}' inside a value? Put such values in double quotes"
        if more
        else "a value left out, or a line cut short?"
    )
    return f"the header has {expected} fields, but {shown}{rest} ({why})."


def _refuse_repeated(file: InputFile, contract, names: Sequence[str]) -> None:
    """A column named twice would be silently renamed (``age.1``) and ignored: refuse it."""
    names = [str(n).strip() for n in names]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        where = "; ".join(
            f"'{n}' at columns {', '.join(str(i + 1) for i, m in enumerate(names) if m == n)}" for n in repeated
        )
        raise _refuse(file, contract, f"a column name appears more than once ({where}); keep one of each.")


def _refuse_missing_header(file: InputFile, contract, header: list[str], line: int) -> None:
    known = {n.casefold() for n in contract.names}
    if not any(h.casefold() in known for h in header):
        cells = ", ".join(repr(_masked(h)) for h in header[:4]) + (", ..." if len(header) > 4 else "")
        raise _refuse(
            file,
            contract,
            f"line {line} names none of the contract's columns (found {cells}): the header line is missing? "
            f"The first line must name the columns, e.g. {', '.join(contract.names[:6])}.",
        )


def _masked(text: str) -> str:
    """A cell quoted in a message: masked after two characters when it holds six digits or more."""
    return text[:2] + "*" * (len(text) - 2) if sum(c.isdigit() for c in text) >= 6 else text


# -- Parquet --------------------------------------------------------------------------------------


def _parquet(file: InputFile, contract) -> Raw:
    try:
        table = pq.read_table(pa.BufferReader(file.data))
    except (pa.ArrowException, OSError) as exc:
        raise _refuse(file, contract, f"not a readable Parquet file ({exc}).") from None
    names = [str(n).strip() for n in table.column_names]
    _refuse_repeated(file, contract, names)
    wrong = []
    columns = {}
    kinds = {c.name: c.kind for c in contract.columns}
    for name, column in zip(names, table.columns, strict=True):
        kind = kinds.get(name)
        if kind is not None and _arrow_family(column.type) not in _ARROW_KINDS[kind]:
            wrong.append(f"column '{name}' is stored as {column.type}; expected {_EXPECTED_STORAGE[kind]}")
        columns[name] = _as_text(column)
    if wrong:
        raise _refuse(file, contract, "Parquet column types do not fit the contract: " + "; ".join(wrong) + ".")
    if table.num_rows == 0:
        raise _refuse(file, contract, "the file has columns but no data rows.")
    frame = pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in columns.items()})
    frame = frame.where(frame.notna(), None)
    return Raw(frame, np.arange(len(frame)) + 1, "row", "parquet", _notes(names, contract, "parquet"))


def _arrow_family(kind: pa.DataType) -> str:
    checks = (
        ("boolean", pa.types.is_boolean),
        ("integer", pa.types.is_integer),
        ("floating", pa.types.is_floating),
        ("decimal", pa.types.is_decimal),
        ("string", lambda t: pa.types.is_string(t) or pa.types.is_large_string(t)),
        ("date", pa.types.is_date),
        ("timestamp", pa.types.is_timestamp),
        ("dictionary", pa.types.is_dictionary),
    )
    return next((name for name, test in checks if test(kind)), str(kind))


def _as_text(column: pa.ChunkedArray) -> list:
    """The column as Python strings (None for null), without a detour through pandas types
    (whose dates end in 2262)."""
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if pa.types.is_boolean(column.type):
        return [None if v is None else ("true" if v else "false") for v in column.to_pylist()]
    if pa.types.is_timestamp(column.type) or pa.types.is_floating(column.type):
        return [None if v is None else str(v) for v in column.to_pylist()]
    return pc.cast(column, pa.string()).to_pylist()


# -- shared ---------------------------------------------------------------------------------------


def _notes(header: Sequence[str], contract, dialect: str) -> list[str]:
    """What ``evalbook check`` tells about a file beyond rows and groups."""
    notes = []
    if dialect == "dutch":
        notes.append("read as a Dutch export (';' separators, decimal comma, dd-mm-jjjj dates)")
    unknown = [h for h in header if h not in contract.names]
    if unknown:
        notes.append(f"columns not in the `{contract.name}` contract, not read: {', '.join(unknown)}")
    return notes


def _refuse(file: InputFile, contract, words: str) -> ContractError:
    """The file as a whole cannot be read as the contract's table: one problem, in the form of
    :func:`evalbook.core.contract.breach`."""
    words = words.replace("{name}", contract.name)
    return ContractError(f"{file.shown} does not meet the `{contract.name}` contract:\n  - {words}{FIX_HINT}")
