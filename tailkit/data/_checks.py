"""Checks shared by every reader and bundled loader in :mod:`tailkit.data` (defined once).

Files are read with :mod:`tailkit.data._table` into a :class:`RawTable` that remembers the
file line of every record; the checks below coerce columns and raise
:class:`tailkit.errors.DataError` naming the file, the column and the first offending line,
so a user can open the file and fix it. Unit helpers live in :mod:`tailkit.data._units`
and are re-exported here.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from tailkit._typing import BoolArray, Float1D, Int64Array
from tailkit.data._table import RawTable, read_csv_table, read_parquet_table, read_table
from tailkit.data._units import UnitConversionWarning, UnitsLike, detect_percent, to_decimal
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
    "warn_missing",
]

#: Longest run of consecutive missing values a series may hold (leading/trailing excluded).
DEFAULT_MAX_NAN_RUN = 5

#: Cell texts read as "missing" (compared after stripping, case-insensitive).
NA_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "#n/a", "#n/a n/a", "-", "."})


class DataQualityWarning(UserWarning):
    """A reader left rows out of a file (the message says how many and why)."""


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


def _show(value: Any) -> str:
    """A cell for a message: ``repr`` of the value, numpy scalars as plain numbers (``inf``, ``-5.0``)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _strip(values: pd.Series) -> pd.Series:
    """Strip surrounding spaces from text cells (vectorised for text columns)."""
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        return values.str.strip()
    if values.dtype == object:
        return values.map(lambda v: v.strip() if isinstance(v, str) else v)
    return values


def _blank(values: pd.Series) -> BoolArray:
    """Missing cells: NaN/None, or strings in :data:`NA_TOKENS`."""
    out = np.asarray(values.isna(), dtype=bool).copy()
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        out |= np.asarray(values.str.strip().str.lower().isin(NA_TOKENS).fillna(False), dtype=bool)
    elif values.dtype == object:
        text = values.map(lambda v: v.strip().lower() if isinstance(v, str) else None)
        out |= np.asarray(text.isin(NA_TOKENS), dtype=bool)
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
    cleaned = _strip(values)
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
        value = _show(table.frame[column].iloc[i])
        raise table.error(column, i, f"{value} is not a number ({int(bad.sum())} such cell(s))")
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
    cleaned = _strip(values)
    if pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
        cleaned = cleaned.astype(object).where(~blank, None)
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
        value = _show(table.frame[column].iloc[i])
        what = "is not a date" if bad[i] else "is missing (every record needs a date)"
        raise table.error(column, i, f"{value} {what} ({int(missing.sum())} such cell(s))")
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
            column,
            i,
            f"{float(values[i])!r} is not allowed: {what} must be > 0 ({int(bad.sum())} such value(s))",
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


def warn_missing(
    table: RawTable, columns: dict[str, Float1D], *, consequence: str, stacklevel: int = 3
) -> None:
    """Announce blank cells with one :class:`DataQualityWarning` (nothing when there are none).

    The message names the file, how many of its records have a missing value, and per column
    the number of blank cells and the first line holding one, then ``consequence``, e.g.
    ``"hist.csv: 1 of 3 rows have a missing value (column 'yield_20y': 1 blank cell, first on
    line 3); ..."``.

    Parameters
    ----------
    table : RawTable
        The file (its records in file order).
    columns : dict of str to ndarray of float64, shape (n_records,)
        Column name as the user wrote it -> parsed values in file order (NaN = missing).
    consequence : str
        What happens to those rows, appended to the message.
    stacklevel : int, default=3
        Passed to :func:`warnings.warn` (3 points at the caller of the reader).
    """
    any_missing = np.zeros(len(table.frame), dtype=bool)
    parts = []
    for column, values in columns.items():
        missing = np.isnan(values)
        if missing.any():
            n = int(missing.sum())
            first = table.where(int(np.flatnonzero(missing)[0]))
            parts.append(f"column {column!r}: {n} blank cell{'s' if n > 1 else ''}, first on {first}")
            any_missing |= missing
    if parts:
        n_rows = int(any_missing.sum())
        warnings.warn(
            f"{table.source}: {n_rows} of {len(any_missing)} rows "
            f"{'have' if n_rows > 1 else 'has'} a missing value ({'; '.join(parts)}); {consequence}",
            DataQualityWarning,
            stacklevel=stacklevel,
        )
