"""Reading a data file into cells plus the file line each record came from.

A file is read into a :class:`RawTable`: its cells (strings for CSV, typed values for
Parquet) plus, for every record, where it came from (``line N`` of a CSV file, header
included, 1-based; ``row N`` of a Parquet file, 1-based), so that every check can name the
line to fix.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from tailkit._typing import BoolArray, Int64Array
from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = ["RawTable", "read_csv_table", "read_parquet_table", "read_table"]

_MAX_FIELD_CHARS = 10_000


@dataclass(frozen=True, slots=True)
class RawTable:
    """Cells of a data file and where each record came from.

    Attributes
    ----------
    frame : DataFrame of shape (n_records, n_columns)
        Cells as read: strings for CSV (missing cells are ``""``), typed values for Parquet.
    lines : ndarray of int64, shape (n_records,)
        1-based position of each record: file line (header is line 1) for CSV, row for Parquet.
    source : str
        The file name as given by the caller, used in every message.
    unit : {"line", "row"}
        What ``lines`` counts.
    """

    frame: pd.DataFrame
    lines: Int64Array
    source: str
    unit: Literal["line", "row"]

    def where(self, position: int) -> str:
        """Return ``"line N"`` / ``"row N"`` for the record at 0-based ``position``."""
        return f"{self.unit} {int(self.lines[position])}"

    def error(self, column: str | None, position: int | None, message: str) -> DataError:
        """Build the house :class:`DataError`: ``"<file>, column 'c', line N: message"``."""
        parts = [self.source]
        if column is not None:
            parts.append(f"column {column!r}")
        if position is not None:
            parts.append(self.where(position))
        return DataError(", ".join(parts) + ": " + message)

    def take(self, mask: BoolArray) -> RawTable:
        """Return the records where ``mask`` is true (keeping their line numbers)."""
        mask = np.asarray(mask, dtype=bool)
        return RawTable(self.frame.loc[mask].reset_index(drop=True), self.lines[mask], self.source, self.unit)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_csv_table(path: str | os.PathLike[str], *, source: str | None = None) -> RawTable:
    """Read a CSV (optionally ``.gz``) file into a :class:`RawTable` of strings.

    Parameters
    ----------
    path : str or PathLike
        The file. ``.gz`` files are decompressed.
    source : str, optional
        Name used in messages; defaults to ``str(path)``.

    Returns
    -------
    RawTable
        One string column per header field; ``lines`` are the file lines records start on.

    Raises
    ------
    DataError
        The file cannot be read, is empty, has no header, or a record has more fields
        than the header.
    """
    name = source or str(path)
    p = Path(path)
    try:
        raw = p.read_bytes()
        if p.name.lower().endswith(".gz"):
            raw = gzip.decompress(raw)
    except FileNotFoundError:
        raise DataError(f"{name}: file not found") from None
    except (OSError, EOFError) as exc:
        raise DataError(f"{name}: cannot read the file ({exc})") from None
    text = _decode(raw).replace("\x00", "")
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    header: list[str] | None = None
    header_line = 1
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            if header is None:
                if any(cell.strip() for cell in record):
                    header = [cell.strip() for cell in record]
                    header_line = reader.line_num
                start = reader.line_num + 1
                continue
            if not any(cell.strip() for cell in record):
                start = reader.line_num + 1
                continue
            if len(record) > len(header):
                extra = record[len(header) :]
                if any(cell.strip() for cell in extra):
                    raise DataError(
                        f"{name}, line {start}: {len(record)} fields but the header has {len(header)} "
                        f"({', '.join(map(repr, header))})"
                    )
                record = record[: len(header)]
            elif len(record) < len(header):
                record = record + [""] * (len(header) - len(record))
            rows.append(
                [cell if len(cell) <= _MAX_FIELD_CHARS else cell[:_MAX_FIELD_CHARS] for cell in record]
            )
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"{name}, line {reader.line_num}: not valid CSV ({exc})") from None
    if header is None:
        raise DataError(f"{name}: the file is empty (no header line)")
    # unnamed columns with no values (trailing commas from spreadsheet exports) are dropped
    keep = [j for j, col in enumerate(header) if col or any(row[j].strip() for row in rows)]
    header = [header[j] for j in keep]
    rows = [[row[j] for j in keep] for row in rows]
    seen: set[str] = set()
    for col in header:
        if col in seen:
            raise DataError(f"{name}, line {header_line}: column {col!r} appears twice in the header")
        seen.add(col)
    frame = pd.DataFrame(rows or None, columns=header, dtype="str")
    return RawTable(frame, np.asarray(lines, dtype=np.int64), name, "line")


def read_parquet_table(path: str | os.PathLike[str], *, source: str | None = None) -> RawTable:
    """Read a Parquet file into a :class:`RawTable` (a named index becomes a column).

    Parameters
    ----------
    path : str or PathLike
        The file.
    source : str, optional
        Name used in messages; defaults to ``str(path)``.

    Returns
    -------
    RawTable
        Typed cells; ``lines`` are 1-based row numbers.

    Raises
    ------
    DataError
        The file is missing or not a readable Parquet file.
    """
    name = source or str(path)
    if not Path(path).exists():
        raise DataError(f"{name}: file not found")
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a corrupt file
        raise DataError(f"{name}: cannot read as Parquet ({type(exc).__name__}: {exc})") from None
    if any(n is not None for n in frame.index.names):
        frame = frame.reset_index()
    else:
        frame = frame.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    return RawTable(frame, np.arange(1, len(frame) + 1, dtype=np.int64), name, "row")


def read_table(path: str | os.PathLike[str], *, format: Literal["csv", "parquet"] | None = None) -> RawTable:
    """Read a CSV or Parquet file, choosing by ``format`` or by the file's suffix.

    Parameters
    ----------
    path : str or PathLike
        The file (``.csv``, ``.csv.gz``, ``.txt``, ``.parquet``, ``.pq``).
    format : {"csv", "parquet"}, optional
        Overrides the suffix.

    Returns
    -------
    RawTable
        The file's cells and record positions.
    """
    if format is None:
        lower = Path(path).name.lower()
        format = "parquet" if lower.endswith((".parquet", ".pq")) else "csv"
    if format == "csv":
        return read_csv_table(path)
    if format == "parquet":
        return read_parquet_table(path)
    raise ParameterError(describe_bad_value("format", format, "'csv', 'parquet' or None"))
