"""Checks shared by every reader and bundled loader in :mod:`tailkit.data` (defined once).

A file is read into a :class:`RawTable`: its cells (strings for CSV, typed values for
Parquet) plus, for every record, where it came from (``line N`` of a CSV file, header
included, 1-based; ``row N`` of a Parquet file, 1-based). The checks below coerce columns
and raise :class:`tailkit.errors.DataError` naming the file, the column and the first
offending line, so a user can open the file and fix it.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from tailkit._typing import BoolArray, Float1D, Int64Array
from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = [
    "DEFAULT_MAX_NAN_RUN",
    "NA_TOKENS",
    "DataQualityWarning",
    "RawTable",
    "UnitConversionWarning",
    "UnitsLike",
    "check_duplicate_dates",
    "check_nan_runs",
    "check_positive",
    "coerce_dates",
    "coerce_numbers",
    "detect_percent",
    "interior_nan_runs",
    "parse_dates",
    "parse_numbers",
    "read_csv_table",
    "read_parquet_table",
    "read_table",
    "require_columns",
    "to_decimal",
]

#: Longest run of consecutive missing values a series may hold (leading/trailing excluded).
DEFAULT_MAX_NAN_RUN = 5

#: Cell texts read as "missing" (compared after stripping, case-insensitive).
NA_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "#n/a", "#n/a n/a", "-", "."})

#: How a column's units are declared: detected, or stated by the caller.
UnitsLike = Literal["auto", "percent", "decimal"]

_MAX_FIELD_CHARS = 10_000


class UnitConversionWarning(UserWarning):
    """A reader assumed the units of a column (percent or decimal) and converted them."""


class DataQualityWarning(UserWarning):
    """A reader left rows out of a file (the message says how many and why)."""


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
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            if header is None:
                if any(cell.strip() for cell in record):
                    header = [cell.strip() for cell in record]
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
    seen: set[str] = set()
    for col in header:
        if col in seen:
            raise DataError(f"{name}, line 1: column {col!r} appears twice in the header")
        seen.add(col)
    frame = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header)
    frame = frame.astype(object)
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


def require_columns(table: RawTable, columns: dict[str, str] | list[str]) -> None:
    """Raise a :class:`DataError` listing every required column the file lacks.

    Parameters
    ----------
    table : RawTable
        The file.
    columns : list of str or dict of str to str
        Required column names (a dict maps name to what it holds, shown in the message).
    """
    names = list(columns)
    missing = [c for c in names if c not in table.frame.columns]
    if missing:
        found = ", ".join(map(repr, table.frame.columns)) or "none"
        raise DataError(
            f"{table.source}: missing required column(s) {', '.join(map(repr, missing))}; "
            f"the header has: {found}"
        )


def _blank(values: pd.Series) -> BoolArray:
    """Missing cells: NaN/None, or strings in :data:`NA_TOKENS`."""
    out = np.asarray(values.isna(), dtype=bool).copy()
    obj = values.to_numpy(dtype=object)
    for i, v in enumerate(obj):
        if not out[i] and isinstance(v, str) and v.strip().lower() in NA_TOKENS:
            out[i] = True
    return out


def coerce_numbers(values: pd.Series) -> tuple[Float1D, BoolArray]:
    """Parse cells as floats without raising.

    Parameters
    ----------
    values : Series
        Cells (strings or numbers).

    Returns
    -------
    numbers : ndarray of float64, shape (n,)
        Parsed values; NaN where missing or unparsable.
    bad : ndarray of bool, shape (n,)
        True where a cell is present but not a finite number.
    """
    blank = _blank(values)
    if values.dtype == object:
        cleaned = values.map(lambda v: v.strip() if isinstance(v, str) else v)
    else:
        cleaned = values
    try:
        parsed = pd.to_numeric(cleaned, errors="coerce")
        numbers = np.asarray(parsed, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        numbers = np.full(len(values), np.nan)
        for i, v in enumerate(cleaned.to_numpy(dtype=object)):
            try:
                numbers[i] = float(v)
            except (TypeError, ValueError, OverflowError):
                numbers[i] = np.nan
    numbers = numbers.copy()
    numbers[blank] = np.nan
    bad = ~blank & ~np.isfinite(numbers)
    numbers[bad] = np.nan
    return numbers, bad


def parse_numbers(table: RawTable, column: str) -> Float1D:
    """Parse ``column`` as floats; a present but unparsable cell is a :class:`DataError`.

    Parameters
    ----------
    table : RawTable
        The file.
    column : str
        Column to parse.

    Returns
    -------
    ndarray of float64, shape (n_records,)
        Values, NaN where the cell is missing.
    """
    numbers, bad = coerce_numbers(table.frame[column])
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = table.frame[column].iloc[i]
        raise table.error(column, i, f"{value!r} is not a number ({int(bad.sum())} such cell(s))")
    return numbers


def _to_datetime(values: pd.Series, fmt: str | None) -> pd.Series:
    try:
        out = pd.to_datetime(values, errors="coerce", format=fmt)
    except (TypeError, ValueError, OverflowError):
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if isinstance(out.dtype, pd.DatetimeTZDtype):
        out = out.dt.tz_localize(None)
    return out


def coerce_dates(values: pd.Series, *, fmt: str | None = None) -> tuple[pd.DatetimeIndex, BoolArray]:
    """Parse cells as dates without raising.

    Tries ISO 8601 first, then pandas' per-element ("mixed") parsing, unless ``fmt`` is given.
    Time-zone-aware values are converted to naive wall-clock times.

    Parameters
    ----------
    values : Series
        Cells (strings or datetimes).
    fmt : str, optional
        An explicit ``strftime`` format.

    Returns
    -------
    dates : DatetimeIndex of shape (n,)
        Parsed dates; NaT where missing or unparsable.
    bad : ndarray of bool, shape (n,)
        True where a cell is present but not a date.
    """
    blank = _blank(values)
    if values.dtype == object:
        cleaned = values.map(lambda v: v.strip() if isinstance(v, str) else v)
        cleaned = cleaned.where(~blank, None)
    else:
        cleaned = values
    if pd.api.types.is_datetime64_any_dtype(cleaned.dtype):
        out = _to_datetime(cleaned, None)
    elif fmt is not None:
        out = _to_datetime(cleaned, fmt)
    else:
        out = _to_datetime(cleaned, "ISO8601")
        if (out.isna() & ~blank).any():
            mixed = _to_datetime(cleaned, "mixed")
            if int((mixed.isna() & ~blank).sum()) < int((out.isna() & ~blank).sum()):
                out = mixed
    try:
        dates = pd.DatetimeIndex(out).as_unit("ns")
    except (TypeError, ValueError, OverflowError):
        dates = pd.DatetimeIndex([pd.NaT] * len(values)).as_unit("ns")
    bad = ~blank & np.asarray(dates.isna(), dtype=bool)
    return dates, bad


def parse_dates(table: RawTable, column: str, *, fmt: str | None = None) -> pd.DatetimeIndex:
    """Parse ``column`` as dates; a missing or unparsable date is a :class:`DataError`.

    Parameters
    ----------
    table : RawTable
        The file.
    column : str
        Column to parse.
    fmt : str, optional
        An explicit ``strftime`` format (e.g. ``"%Y%m"``).

    Returns
    -------
    DatetimeIndex of shape (n_records,)
        The dates, in file order.
    """
    dates, bad = coerce_dates(table.frame[column], fmt=fmt)
    missing = np.asarray(dates.isna(), dtype=bool)
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        value = table.frame[column].iloc[i]
        what = "is not a date" if bad[i] else "is missing (every record needs a date)"
        raise table.error(column, i, f"{value!r} {what} ({int(missing.sum())} such cell(s))")
    return dates


def check_duplicate_dates(table: RawTable, dates: pd.DatetimeIndex, column: str) -> None:
    """Raise a :class:`DataError` at the first date that repeats an earlier one.

    Parameters
    ----------
    table : RawTable
        The file.
    dates : DatetimeIndex of shape (n_records,)
        Parsed dates in file order.
    column : str
        The date column's name (for the message).
    """
    dup = np.asarray(dates.duplicated(keep="first"), dtype=bool)
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero(dates == dates[i])[0])
        raise table.error(
            column,
            i,
            f"duplicate date {dates[i].date().isoformat()} (first seen on {table.where(first)}; "
            f"{int(dup.sum())} duplicate(s) in all)",
        )


def check_positive(table: RawTable, values: Float1D, column: str, *, what: str = "prices") -> None:
    """Raise a :class:`DataError` at the first value that is zero or negative (NaN ignored).

    Parameters
    ----------
    table : RawTable
        The file.
    values : ndarray of float64, shape (n_records,)
        Values in file order.
    column : str
        Column name (for the message).
    what : str, default="prices"
        What the values are (for the message).
    """
    with np.errstate(invalid="ignore"):
        bad = values <= 0.0
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise table.error(
            column, i, f"{values[i]!r} is not allowed: {what} must be > 0 ({int(bad.sum())} such value(s))"
        )


def interior_nan_runs(values: Float1D) -> list[tuple[int, int]]:
    """Return ``(start, length)`` of every run of NaNs between the first and last valid value.

    Parameters
    ----------
    values : ndarray of float64, shape (n,)
        A series in time order.

    Returns
    -------
    list of tuple of (int, int)
        0-based start position and length of each interior run.
    """
    valid = np.flatnonzero(~np.isnan(values))
    if valid.size == 0:
        return []
    missing = np.isnan(values[valid[0] : valid[-1] + 1])
    runs = []
    i = 0
    n = missing.size
    while i < n:
        if missing[i]:
            j = i
            while j < n and missing[j]:
                j += 1
            runs.append((int(valid[0]) + i, j - i))
            i = j
        else:
            i += 1
    return runs


def check_nan_runs(
    table: RawTable,
    values: Float1D,
    column: str,
    *,
    max_run: int = DEFAULT_MAX_NAN_RUN,
    order: Int64Array | None = None,
) -> None:
    """Raise a :class:`DataError` if ``values`` holds more than ``max_run`` consecutive NaNs.

    Missing values before the first and after the last valid value (an asset not yet listed,
    or delisted) are not counted. An all-missing column is an error.

    Parameters
    ----------
    table : RawTable
        The file.
    values : ndarray of float64, shape (n,)
        The series in time order.
    column : str
        Column name (for the message).
    max_run : int, default=5
        Longest run of consecutive missing values allowed.
    order : ndarray of int64, shape (n,), optional
        Record position (in ``table``) of each element of ``values``, when ``values`` was
        sorted by date; default: the identity.
    """
    if max_run < 0:
        raise ParameterError(describe_bad_value("max_nan_run", max_run, "an int >= 0"))
    if values.size and np.isnan(values).all():
        raise table.error(column, None, "every value is missing")
    for start, length in interior_nan_runs(values):
        if length > max_run:
            pos = int(order[start]) if order is not None else start
            raise table.error(
                column,
                pos,
                f"{length} consecutive missing values starting here (at most {max_run} allowed; "
                "fill or drop them, or raise max_nan_run)",
            )


def detect_percent(values: Float1D) -> bool:
    """Return True when values look like percent (median of the absolute finite values > 1).

    Parameters
    ----------
    values : ndarray of float64, shape (n,)
        Yields, vols or rates.

    Returns
    -------
    bool
        True for percent (4.38 meaning 4.38%), False for decimals (0.0438).
    """
    finite = np.abs(values[np.isfinite(values)])
    return bool(finite.size) and float(np.median(finite)) > 1.0


def to_decimal(
    values: Float1D,
    *,
    units: UnitsLike,
    column: str,
    source: str,
    what: str,
    documented: Literal["percent", "either"] = "either",
    argument: str = "units",
) -> Float1D:
    """Return ``values`` as decimals, announcing any assumption with :class:`UnitConversionWarning`.

    Parameters
    ----------
    values : ndarray of float64, shape (n,)
        Values as read.
    units : {"auto", "percent", "decimal"}
        Declared units; ``"auto"`` detects them with :func:`detect_percent` and warns
        what was assumed.
    column : str
        Column name (for the message).
    source : str
        File name (for the message).
    what : str
        What the values are, e.g. ``"yields"`` (for the message).
    documented : {"either", "percent"}, default="either"
        The file format's documented units. With ``"percent"``, values detected as decimals
        are kept as decimals and that assumption is announced too.
    argument : str, default="units"
        Name of the caller's units argument (for the message).

    Returns
    -------
    ndarray of float64, shape (n,)
        Decimal values (0.0438 for 4.38%).
    """
    if units not in ("auto", "percent", "decimal"):
        raise ParameterError(describe_bad_value(argument, units, "'auto', 'percent' or 'decimal'"))
    finite = values[np.isfinite(values)]
    median = float(np.median(np.abs(finite))) if finite.size else float("nan")
    if units == "percent":
        return values / 100.0
    if units == "decimal":
        return values
    if detect_percent(values):
        warnings.warn(
            f"{source}: column {column!r} read as {what} in percent (median {median:.4g} > 1) "
            f"and divided by 100 to decimals; pass {argument}='decimal' if that is wrong",
            UnitConversionWarning,
            stacklevel=3,
        )
        return values / 100.0
    if documented == "percent" and finite.size:
        warnings.warn(
            f"{source}: column {column!r} should hold {what} in percent, but the values look like "
            f"decimals (median {median:.4g} <= 1); kept as decimals, "
            f"pass {argument}='percent' if that is wrong",
            UnitConversionWarning,
            stacklevel=3,
        )
    return values
