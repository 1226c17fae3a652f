"""The user's at-the-money implied vols from a CSV or Parquet file, wide or long.

The layouts and checks of :func:`tailkit.data.read_prices` (one reader of panels), plus an
upper bound: vols are decimals per year, so a file in percent is refused with the line of its
first value above :data:`MAX_IMPLIED_VOL`. Used by the hedge sweep's option marks
(:mod:`tailkit.sweep.marks`).
"""

from __future__ import annotations

import os
from typing import Literal

import numpy as np
import pandas as pd

from tailkit.data._checks import DEFAULT_MAX_NAN_RUN, RawTable, check_positive
from tailkit.data.prices import read_panel

__all__ = ["MAX_IMPLIED_VOL", "read_implied_vols"]

#: largest implied vol a file may hold (decimal per year): 5.0 is 500%, so a file in percent
#: (25.0 for 25%) is refused rather than read as 2,500%
MAX_IMPLIED_VOL = 5.0


def read_implied_vols(
    path: str | os.PathLike[str],
    *,
    format: Literal["csv", "parquet"] | None = None,
    date_col: str = "date",
    ticker_col: str = "ticker",
    iv_col: str = "iv",
    layout: Literal["auto", "wide", "long"] = "auto",
    max_nan_run: int = DEFAULT_MAX_NAN_RUN,
) -> pd.DataFrame:
    """Read the user's at-the-money implied vols: one row per date, one column per ticker.

    The layouts of :func:`tailkit.data.read_prices`: wide ``date,AAPL,MSFT,...`` or long
    ``date,ticker,iv``. Vols are decimals per year (0.25 for 25%), in (0, 5]; a file in
    percent is refused.

    Parameters
    ----------
    path : str or PathLike
        ``.csv``, ``.csv.gz``, ``.txt``, ``.parquet`` or ``.pq`` file.
    format : {"csv", "parquet"}, optional
        File format; default: from the suffix.
    date_col, ticker_col : str, default="date", "ticker"
        Date column; ticker column of the long layout.
    iv_col : str, default="iv"
        Implied-vol column of the long layout.
    layout : {"auto", "wide", "long"}, default="auto"
        ``"auto"`` picks long when both ``ticker_col`` and ``iv_col`` are present.
    max_nan_run : int, default=5
        Longest run of consecutive missing vols allowed inside a ticker's history.

    Returns
    -------
    DataFrame of shape (n_dates, n_tickers)
        Float64 vols, DatetimeIndex ``date`` ascending, columns named by ticker.

    Raises
    ------
    DataError
        As :func:`tailkit.data.read_prices` (missing columns, bad or duplicate dates, values
        that are not positive numbers, long gaps), and for a vol above 5; the message names
        the file, the column, the line (CSV) or row (Parquet) and the value.
    """
    return read_panel(path, format, date_col, ticker_col, iv_col, layout, max_nan_run, _check_vols)


def _check_vols(table: RawTable, values: np.ndarray, column: str) -> None:
    """Implied vols are > 0 and at most :data:`MAX_IMPLIED_VOL` (decimals, not percent)."""
    check_positive(table, values, column, what="implied vols")
    with np.errstate(invalid="ignore"):
        high = values > MAX_IMPLIED_VOL
    if high.any():
        i = int(np.flatnonzero(high)[0])
        raise table.error(
            column,
            i,
            f"{float(values[i])!r} is not allowed: implied vols are decimals per year in "
            f"(0, {MAX_IMPLIED_VOL}] (0.25 for 25%; is the file in percent?)",
        )
