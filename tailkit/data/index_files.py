"""Readers for the user's own index and VIX files (the hedging study on 2000-today).

* :func:`read_index_closes`: a ``date,close`` file (CSV or Parquet; other columns ignored), e.g.
  an S&P 500 download; closes in index points, > 0.
* :func:`read_vix_history`: Cboe's ``VIX_History.csv`` layout, ``DATE,OPEN,HIGH,LOW,CLOSE`` with
  ``MM/DD/YYYY`` dates; values in **index points** as quoted (as :func:`tailkit.data.load_vix`),
  divide by 100 for a decimal vol.

Both return a float Series on a sorted DatetimeIndex named ``date``; rows with a blank close are
dropped (market holidays in some downloads) with a :class:`DataQualityWarning` naming how many.
Errors name the file, the column and the line.
"""

from __future__ import annotations

import os
from typing import Literal

import numpy as np
import pandas as pd

from tailkit.data._checks import (
    DataQualityWarning,
    check_duplicate_dates,
    check_positive,
    parse_dates,
    parse_numbers,
    read_table,
    require_columns,
)
from tailkit.errors import DataError

__all__ = ["read_index_closes", "read_vix_history", "VIX_HISTORY_COLUMNS"]

#: columns of Cboe's VIX_History.csv
VIX_HISTORY_COLUMNS = ("DATE", "OPEN", "HIGH", "LOW", "CLOSE")


def _series(
    path: str | os.PathLike[str],
    *,
    date_col: str,
    close_col: str,
    fmt: str | None,
    format: Literal["csv", "parquet"] | None,
    name: str,
    required: tuple[str, ...],
) -> pd.Series:
    import warnings

    table = read_table(path, format=format)
    require_columns(table, list(required))
    if len(table.frame) == 0:
        raise DataError(f"{table.source}: no data rows after the header")
    dates = parse_dates(table, date_col, fmt=fmt)
    check_duplicate_dates(table, dates, date_col)
    values = parse_numbers(table, close_col)
    check_positive(table, values, close_col, what="index levels")
    keep = np.isfinite(values)
    if not keep.any():
        raise DataError(f"{table.source}, column {close_col!r}: every value is missing")
    if not keep.all():
        warnings.warn(
            f"{table.source}: {int((~keep).sum())} row(s) with a blank {close_col!r} left out",
            DataQualityWarning,
            stacklevel=3,
        )
    order = np.argsort(np.asarray(dates[keep]), kind="stable")
    return pd.Series(values[keep][order], index=pd.DatetimeIndex(dates[keep][order], name="date"), name=name)


def read_index_closes(
    path: str | os.PathLike[str],
    *,
    date_col: str = "date",
    close_col: str = "close",
    format: Literal["csv", "parquet"] | None = None,
) -> pd.Series:
    """Read an index's daily closes from a ``date,close`` CSV or Parquet file.

    Parameters
    ----------
    path : str or PathLike
        The file (``.csv``, ``.csv.gz``, ``.parquet``, ``.pq``).
    date_col, close_col : str
        Column names (default ``date`` and ``close``).
    format : {"csv", "parquet"}, optional
        Default: from the suffix.

    Returns
    -------
    Series of shape (n_dates,)
        Closes in index points, float64, DatetimeIndex ``date`` sorted ascending, name ``close``.

    Raises
    ------
    DataError
        Missing columns, bad or duplicate dates, unparsable or non-positive closes (the message
        names the file, column and line).

    Examples
    --------
    >>> spx = read_index_closes("spx.csv")  # doctest: +SKIP
    """
    return _series(
        path,
        date_col=date_col,
        close_col=close_col,
        fmt=None,
        format=format,
        name="close",
        required=(date_col, close_col),
    )


def read_vix_history(path: str | os.PathLike[str]) -> pd.Series:
    """Read Cboe's ``VIX_History.csv`` (``DATE,OPEN,HIGH,LOW,CLOSE``, ``MM/DD/YYYY`` dates).

    Parameters
    ----------
    path : str or PathLike
        The file as downloaded from Cboe.

    Returns
    -------
    Series of shape (n_dates,)
        Daily VIX closes in index points (13.76 = 13.76% vol), DatetimeIndex ``date``, name
        ``vix``.

    Raises
    ------
    DataError
        Missing columns, dates not in ``MM/DD/YYYY``, duplicate dates, bad closes.

    Examples
    --------
    >>> vix = read_vix_history("VIX_History.csv")  # doctest: +SKIP
    """
    return _series(
        path,
        date_col="DATE",
        close_col="CLOSE",
        fmt="%m/%d/%Y",
        format="csv",
        name="vix",
        required=VIX_HISTORY_COLUMNS,
    )
