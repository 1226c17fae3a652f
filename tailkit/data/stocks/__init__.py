"""Daily prices of AAPL, GOOG, IBM and MSFT (and FB), 2000-03-01 to 2013-03-01 (bundled)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from tailkit.data._bundled import bundled_path
from tailkit.data._checks import (
    check_duplicate_dates,
    check_positive,
    parse_dates,
    parse_numbers,
    read_csv_table,
    require_columns,
)
from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["AVAILABLE_TICKERS", "DEFAULT_TICKERS", "FIELDS", "load", "load_ohlcv"]

#: Tickers returned by default (the four that span 2008).
DEFAULT_TICKERS: tuple[str, ...] = ("AAPL", "GOOG", "IBM", "MSFT")
#: Every ticker in the file (FB only from its 2012-05-18 listing).
AVAILABLE_TICKERS: tuple[str, ...] = ("AAPL", "FB", "GOOG", "IBM", "MSFT")
#: Columns of the source, tidy names.
FIELDS: tuple[str, ...] = ("open", "high", "low", "close", "volume", "adj_close")

StockField = Literal["open", "high", "low", "close", "volume", "adj_close"]

_SOURCE_COLUMNS = {
    "Open": "open",
    "High": "high",
    "Low": "low",
    "Close": "close",
    "Volume": "volume",
    "Adj Close": "adj_close",
}


@lru_cache(maxsize=1)
def _load_long() -> pd.DataFrame:
    table = read_csv_table(
        bundled_path("stocks", "stocks.csv.gz"), source="tailkit/data/stocks/stocks.csv.gz"
    )
    require_columns(table, ["Ticker", "Date", *_SOURCE_COLUMNS])
    dates = parse_dates(table, "Date", fmt="%Y-%m-%d")
    tickers = table.frame["Ticker"].astype(str).to_numpy()
    data = {new: parse_numbers(table, old) for old, new in _SOURCE_COLUMNS.items()}
    for old, new in _SOURCE_COLUMNS.items():
        if new != "volume":
            check_positive(table, data[new], old)
    for ticker in np.unique(tickers):
        mask = tickers == ticker
        check_duplicate_dates(table.take(mask), dates[mask], "Date")
    index = pd.MultiIndex.from_arrays(
        [pd.DatetimeIndex(dates, name="date"), tickers], names=["date", "ticker"]
    )
    return pd.DataFrame(data, index=index, columns=list(FIELDS)).sort_index()


def _tickers(tickers: str | Sequence[str] | None) -> list[str]:
    if tickers is None:
        return list(DEFAULT_TICKERS)
    chosen = [tickers] if isinstance(tickers, str) else list(tickers)
    allowed = "tickers from " + ", ".join(AVAILABLE_TICKERS)
    if not chosen:
        raise ParameterError(describe_bad_value("tickers", tickers, allowed))
    out = []
    for t in chosen:
        name = t.strip().upper() if isinstance(t, str) else t
        if name not in AVAILABLE_TICKERS:
            raise ParameterError(describe_bad_value("tickers", t, allowed))
        out.append(name)
    return out


def load_ohlcv(tickers: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Load the bundled stocks in long form: one row per date and ticker, every source field.

    Source, license and adjustments as in :func:`load`.

    Parameters
    ----------
    tickers : str or sequence of str, optional
        Tickers to return; default ``("AAPL", "GOOG", "IBM", "MSFT")``; ``"FB"`` is also
        available (from 2012-05-18).

    Returns
    -------
    DataFrame of shape (n_rows, 6)
        MultiIndex (``date``, ``ticker``), sorted; float64 columns ``open``, ``high``,
        ``low``, ``close`` (USD, **unadjusted**), ``volume`` (shares) and ``adj_close``
        (USD, split- and dividend-adjusted by the source).
    """
    names = _tickers(tickers)
    frame = _load_long()
    mask = frame.index.get_level_values("ticker").isin(names)
    return frame.loc[mask].copy()


def load(tickers: str | Sequence[str] | None = None, field: StockField = "adj_close") -> pd.DataFrame:
    """Load daily stock prices as a wide frame, one column per ticker, 2000-03-01 to 2013-03-01.

    Source: Quandl WIKI Prices, via ``stocks.csv.gz`` copied unchanged from
    ``bokeh_sampledata.stocks`` (bokeh_sampledata 2026.1). bokeh_sampledata says: "Sourced
    from Quandl WIKI Prices, using an archived copy. Quandl declared the data public domain and
    permitted redistribution in its publisher notice. The values are provided as supplied by
    the source." Its licence inventory records the license as "Public domain" ("The archived
    Quandl publisher page declares the WIKI data public domain and explicitly permits copying,
    distribution and inclusion in commercial or noncommercial products").

    Adjustments (from the same notes): open, high, low, close and volume are **unadjusted**;
    ``adj_close`` is the source's split- and dividend-adjusted close, including adjustments
    for corporate actions after 2013. ``GOOG`` is Google's pre-2014 history (``GOOGL`` in the
    source). Use ``adj_close`` (the default) for returns.

    Date range: AAPL, IBM, MSFT 2000-03-01 to 2013-03-01 (3,270 trading days); GOOG from
    2004-08-19 (2,148 days; earlier rows are NaN in the wide frame); FB 2012-05-18 to
    2013-03-01 (196 days).

    Parameters
    ----------
    tickers : str or sequence of str, optional
        Tickers (columns, in this order); default ``("AAPL", "GOOG", "IBM", "MSFT")``.
    field : {"adj_close", "close", "open", "high", "low", "volume"}, default="adj_close"
        Which source field to return.

    Returns
    -------
    DataFrame of shape (n_dates, n_tickers)
        DatetimeIndex ``date`` (union of the tickers' trading days, sorted, unique); float64
        columns named by ticker (column index name ``"ticker"``), USD (shares for volume).

    Examples
    --------
    >>> from tailkit.data import load_stocks
    >>> prices = load_stocks()
    >>> prices.shape
    (3270, 4)
    """
    if field not in FIELDS:
        raise ParameterError(describe_bad_value("field", field, "one of " + ", ".join(map(repr, FIELDS))))
    names = _tickers(tickers)
    wide = load_ohlcv(names)[field].unstack("ticker")
    wide = wide.reindex(columns=names)
    wide.columns.name = "ticker"
    wide.index.name = "date"
    return wide.astype(np.float64)
