"""Price panels from the user's CSV or Parquet files, wide or long (one reader)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd

from tailkit.data._checks import (
    DEFAULT_MAX_NAN_RUN,
    RawTable,
    check_duplicate_dates,
    check_nan_runs,
    check_positive,
    interior_nan_runs,
    parse_dates,
    parse_numbers,
    read_table,
    require_columns,
)
from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = ["read_prices"]

#: a check of one column's parsed values: ``check(table, values, column)`` raises the file's
#: :class:`DataError` at the first bad value (values in file order, NaN = missing)
ValueCheck = Callable[[RawTable, np.ndarray, str], None]


def read_prices(
    path: str | os.PathLike[str],
    *,
    format: Literal["csv", "parquet"] | None = None,
    date_col: str = "date",
    ticker_col: str = "ticker",
    price_col: str = "close",
    layout: Literal["auto", "wide", "long"] = "auto",
    max_nan_run: int = DEFAULT_MAX_NAN_RUN,
) -> pd.DataFrame:
    """Read a panel of prices into a wide frame: one row per date, one column per asset.

    Two layouts are accepted:

    * wide: ``date,AAPL,MSFT,...`` — every column other than the date is an asset;
    * long: ``date,ticker,close`` (other columns ignored) — one row per date and asset.

    Prices must be positive. Missing values before an asset's first or after its last price
    are fine (listing, delisting); inside that span at most ``max_nan_run`` consecutive
    missing values are allowed.

    Parameters
    ----------
    path : str or PathLike
        ``.csv``, ``.csv.gz``, ``.txt``, ``.parquet`` or ``.pq`` file.
    format : {"csv", "parquet"}, optional
        File format; default: from the suffix (Parquet for ``.parquet``/``.pq``, else CSV).
    date_col : str, default="date"
        Name of the date column (for Parquet also a named index).
    ticker_col : str, default="ticker"
        Name of the asset column in the long layout.
    price_col : str, default="close"
        Name of the price column in the long layout.
    layout : {"auto", "wide", "long"}, default="auto"
        ``"auto"`` picks long when both ``ticker_col`` and ``price_col`` are present.
    max_nan_run : int, default=5
        Longest run of consecutive missing prices allowed inside an asset's history.

    Returns
    -------
    DataFrame of shape (n_dates, n_assets)
        Float64 prices; DatetimeIndex ``date`` sorted ascending; columns named by asset
        (file order for wide, order of first appearance for long), column index name
        ``"ticker"``.

    Raises
    ------
    DataError
        Missing columns, unparsable or duplicate dates (duplicate date-ticker pairs in the
        long layout), unparsable or non-positive prices, or long runs of missing prices; the
        message names the file, the column and the first offending line (CSV) or row (Parquet).

    Examples
    --------
    >>> prices = read_prices("prices.csv")  # doctest: +SKIP
    >>> returns = prices.pct_change()  # doctest: +SKIP
    """
    return read_panel(path, format, date_col, ticker_col, price_col, layout, max_nan_run, check_positive)


def read_panel(
    path: str | os.PathLike[str],
    format: Literal["csv", "parquet"] | None,
    date_col: str,
    ticker_col: str,
    value_col: str,
    layout: Literal["auto", "wide", "long"],
    max_nan_run: int,
    check: ValueCheck,
) -> pd.DataFrame:
    """:func:`read_prices` with the check of each column's values given (the one panel reader).

    ``check`` replaces the prices' "> 0" (:func:`~tailkit.data._checks.check_positive`), e.g.
    to add an upper bound for implied vols; everything else (layouts, dates, gaps) is shared.
    """
    if layout not in ("auto", "wide", "long"):
        raise ParameterError(describe_bad_value("layout", layout, "'auto', 'wide' or 'long'"))
    if format not in (None, "csv", "parquet"):
        raise ParameterError(describe_bad_value("format", format, "'csv', 'parquet' or None"))
    table = read_table(path, format=format)
    if layout == "auto":
        cols = table.frame.columns
        layout = "long" if ticker_col in cols and value_col in cols else "wide"
    if layout == "long":
        return _read_long(table, date_col, ticker_col, value_col, max_nan_run, check)
    return _read_wide(table, date_col, max_nan_run, check)


def _no_rows(table: RawTable) -> None:
    if len(table.frame) == 0:
        raise DataError(f"{table.source}: no data rows after the header")


def _read_wide(table: RawTable, date_col: str, max_nan_run: int, check: ValueCheck) -> pd.DataFrame:
    require_columns(table, [date_col])
    assets = [c for c in table.frame.columns if c != date_col]
    if not assets:
        raise DataError(
            f"{table.source}: no price columns besides {date_col!r} (wide layout expects "
            "date,<asset1>,<asset2>,...; for the long layout name ticker_col and price_col)"
        )
    _no_rows(table)
    dates = parse_dates(table, date_col)
    check_duplicate_dates(table, dates, date_col)
    order = np.argsort(np.asarray(dates), kind="stable")
    data = {}
    for col in assets:
        values = parse_numbers(table, col)
        check(table, values, col)
        check_nan_runs(table, values[order], col, max_run=max_nan_run, order=order)
        data[col] = values[order]
    frame = pd.DataFrame(data, index=pd.DatetimeIndex(dates[order], name="date"), columns=assets)
    frame.columns.name = "ticker"
    return frame


def _read_long(
    table: RawTable, date_col: str, ticker_col: str, price_col: str, max_nan_run: int, check: ValueCheck
) -> pd.DataFrame:
    require_columns(table, [date_col, ticker_col, price_col])
    _no_rows(table)
    dates = parse_dates(table, date_col)
    tickers = table.frame[ticker_col].map(lambda v: v.strip() if isinstance(v, str) else v)
    blank = np.asarray(tickers.isna() | (tickers.astype(str) == ""), dtype=bool)
    if blank.any():
        i = int(np.flatnonzero(blank)[0])
        raise table.error(ticker_col, i, "the ticker is missing")
    tickers = tickers.astype(str)
    prices = parse_numbers(table, price_col)
    check(table, prices, price_col)
    keys = pd.MultiIndex.from_arrays([dates, tickers.to_numpy()])
    dup = np.asarray(keys.duplicated(keep="first"), dtype=bool)
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise table.error(
            date_col, i, f"duplicate date {dates[i].date().isoformat()} for ticker {tickers.iloc[i]!r}"
        )
    names = list(dict.fromkeys(tickers.tolist()))
    all_dates = pd.DatetimeIndex(np.unique(np.asarray(dates)), name="date")
    frame = pd.DataFrame(np.nan, index=all_dates, columns=pd.Index(names, name="ticker"))
    positions = all_dates.get_indexer(dates)
    for name in names:
        mask = np.asarray(tickers == name)
        col = np.full(len(all_dates), np.nan)
        col[positions[mask]] = prices[mask]
        # record positions (in the file) of each date's row for this ticker, for messages
        rec = np.full(len(all_dates), -1, dtype=np.int64)
        rec[positions[mask]] = np.flatnonzero(mask)
        _check_long_run(table, col, rec, name, price_col, max_nan_run, all_dates)
        frame[name] = col
    return frame


def _check_long_run(
    table: RawTable,
    values: np.ndarray,
    records: np.ndarray,
    ticker: str,
    price_col: str,
    max_nan_run: int,
    dates: pd.DatetimeIndex,
) -> None:
    if max_nan_run < 0:
        raise ParameterError(describe_bad_value("max_nan_run", max_nan_run, "an int >= 0"))
    for start, length in interior_nan_runs(values):
        if length > max_nan_run:
            # the run is made of blank cells or of dates with no row for this ticker: point at
            # the run's first row, or else at the ticker's last row before the gap
            own = records[start] >= 0
            pos = int(records[start]) if own else int(records[start - 1])
            where = "starting here" if own else "right after this row"
            raise table.error(
                price_col,
                pos,
                f"ticker {ticker!r} has {length} consecutive missing prices {where}, from "
                f"{dates[start].date().isoformat()} (at most {max_nan_run} allowed; fill or drop "
                "them, or raise max_nan_run)",
            )
