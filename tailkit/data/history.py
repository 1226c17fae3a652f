"""The overlay's historical file: ``date,yield_20y,yield_30y,tlt_close`` (one reader)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from tailkit.data._checks import (
    DEFAULT_MAX_NAN_RUN,
    UnitsLike,
    check_duplicate_dates,
    check_nan_runs,
    check_positive,
    parse_dates,
    parse_numbers,
    read_table,
    require_columns,
    to_decimal,
    warn_missing,
)
from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = ["HISTORY_COLUMNS", "read_history"]

#: Columns of the frame :func:`read_history` returns.
HISTORY_COLUMNS: tuple[str, ...] = ("yield_20y", "yield_30y", "tlt_close")


def as_date(name: str, value: Any, allowed: str = "a date such as '2019-01-01'") -> pd.Timestamp:
    """``value`` as a timestamp; a :class:`~tailkit.errors.ParameterError` naming ``name`` and ``allowed`` otherwise."""
    try:
        out = pd.Timestamp(value)
    except (TypeError, ValueError):
        out = pd.NaT
    if pd.isna(out):
        raise ParameterError(describe_bad_value(name, value, allowed))
    return out


def _bound(name: str, value: str | pd.Timestamp | None) -> pd.Timestamp | None:
    return None if value is None else as_date(name, value, "a date such as '2019-01-01' or None")


def _day(value: pd.Timestamp | None) -> str:
    """A window bound for a message: ``2019-01-01`` (with the time only when it has one), or ``None``."""
    if value is None:
        return "None"
    return value.date().isoformat() if value == value.normalize() else value.isoformat(sep=" ")


def read_history(
    path: str | os.PathLike[str],
    *,
    date_col: str = "date",
    yield_20y_col: str = "yield_20y",
    yield_30y_col: str = "yield_30y",
    tlt_col: str = "tlt_close",
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    yield_units: UnitsLike = "auto",
    max_nan_run: int = DEFAULT_MAX_NAN_RUN,
) -> pd.DataFrame:
    """Read the overlay's historical file of long yields and TLT closes.

    Yields may be in decimals (0.0438) or percent (4.38). With ``yield_units="auto"`` each
    yield column whose median exceeds 1 is read as percent, divided by 100, and the
    assumption is announced with a :class:`~tailkit.data.UnitConversionWarning` naming the
    column. Rows are sorted by date.

    Parameters
    ----------
    path : str or PathLike
        CSV (``.csv``, ``.csv.gz``) or Parquet file.
    date_col : str, default="date"
        Name of the date column.
    yield_20y_col : str, default="yield_20y"
        Name of the 20-year Treasury yield column.
    yield_30y_col : str, default="yield_30y"
        Name of the 30-year Treasury yield column.
    tlt_col : str, default="tlt_close"
        Name of the TLT close column (USD per share).
    start : str or Timestamp, optional
        First date kept (inclusive).
    end : str or Timestamp, optional
        Last date kept (inclusive).
    yield_units : {"auto", "percent", "decimal"}, default="auto"
        Units of the yield columns in the file.
    max_nan_run : int, default=5
        Longest run of consecutive missing values allowed in a column (within the window).

    Returns
    -------
    DataFrame of shape (n_days, 3)
        DatetimeIndex ``date``; columns ``yield_20y``, ``yield_30y`` (decimals) and
        ``tlt_close`` (USD), float64. Isolated missing values stay NaN.

    Raises
    ------
    DataError
        Missing columns, unparsable or duplicate dates, unparsable numbers, non-positive TLT
        closes, long runs of missing values, or no rows in ``[start, end]``; the message names
        the file, the column and the first offending line.

    Warns
    -----
    DataQualityWarning
        Blank cells (within the window): how many rows hold one and, per column, the number
        of blank cells and the first line; those rows stay NaN and the overlay calibration
        leaves them out.
    UnitConversionWarning
        A yield column read as percent by ``yield_units="auto"``.

    Examples
    --------
    >>> hist = read_history("history.csv", start="2019-01-01")  # doctest: +SKIP
    >>> hist.columns.tolist()  # doctest: +SKIP
    ['yield_20y', 'yield_30y', 'tlt_close']
    """
    if yield_units not in ("auto", "percent", "decimal"):
        raise ParameterError(describe_bad_value("yield_units", yield_units, "'auto', 'percent' or 'decimal'"))
    lo, hi = _bound("start", start), _bound("end", end)
    if lo is not None and hi is not None and lo > hi:
        raise ParameterError(describe_bad_value("start", _day(lo), f"a date on or before end={_day(hi)}"))
    table = read_table(path)
    columns = {date_col: "date", yield_20y_col: "yield_20y", yield_30y_col: "yield_30y", tlt_col: "tlt_close"}
    require_columns(table, list(columns))
    if len(table.frame) == 0:
        raise DataError(f"{table.source}: no data rows after the header")
    dates = parse_dates(table, date_col)
    check_duplicate_dates(table, dates, date_col)
    window = np.ones(len(dates), dtype=bool)
    if lo is not None:
        window &= np.asarray(dates >= lo)
    if hi is not None:
        window &= np.asarray(dates <= hi)
    if not window.any():
        raise DataError(
            f"{table.source}: no rows between start={_day(lo)} and end={_day(hi)}; the file covers "
            f"{dates.min().date()} to {dates.max().date()}"
        )
    table = table.take(window)
    dates = dates[window]
    order = np.argsort(np.asarray(dates), kind="stable")
    out: dict[str, np.ndarray] = {}
    parsed: dict[str, np.ndarray] = {}
    for src, dst in columns.items():
        if dst == "date":
            continue
        values = parse_numbers(table, src)
        parsed[src] = values
        if dst == "tlt_close":
            check_positive(table, values, src, what="TLT closes")
        check_nan_runs(table, values[order], src, max_run=max_nan_run, order=order)
        if dst != "tlt_close":
            values = to_decimal(
                values,
                units=yield_units,
                column=src,
                source=table.source,
                what="yields",
                argument="yield_units",
            )
        out[dst] = values[order]
    warn_missing(
        table,
        parsed,
        consequence="such rows stay NaN and the overlay calibration leaves them out "
        "(no daily change is taken across a blank)",
    )
    index = pd.DatetimeIndex(dates[order], name="date")
    return pd.DataFrame({c: out[c] for c in HISTORY_COLUMNS}, index=index)
