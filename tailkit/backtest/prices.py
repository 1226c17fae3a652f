"""Price input for the backtester: a price panel file, or a folder of per-ticker OHLCV CSVs.

A folder holds one CSV per ticker (the file name without ``.csv`` is the ticker) in the
common ``Date,Open,High,Low,Close[,Adj Close],Volume`` layout, columns in any order and any
case. The adjusted close is used when present, else the close. Dates are aligned on their
union; a ticker without a price on a date gets NaN there (before listing, after delisting).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from tailkit.data.prices import read_prices
from tailkit.errors import DataError

__all__ = ["read_price_folder", "read_price_input"]


def _norm(name: str) -> str:
    return "".join(ch for ch in str(name).lower() if ch.isalnum())


def _read_one(path: Path) -> pd.Series:
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"{path}: cannot read CSV ({exc})") from None
    cols = {_norm(c): c for c in frame.columns}
    if "date" not in cols:
        raise DataError(f"{path}: no 'Date' column (columns: {', '.join(map(str, frame.columns))})")
    price_col = cols.get("adjclose") or cols.get("close")
    if price_col is None:
        raise DataError(
            f"{path}: no 'Close' or 'Adj Close' column (columns: {', '.join(map(str, frame.columns))})"
        )
    dates = pd.to_datetime(frame[cols["date"]], errors="coerce")
    if dates.isna().any():
        i = int(dates.isna().to_numpy().argmax())
        raise DataError(
            f"{path}, line {i + 2}, column {cols['date']!r}: cannot parse date {frame[cols['date']].iloc[i]!r}"
        )
    values = pd.to_numeric(frame[price_col], errors="coerce")
    bad = ~(values > 0)
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise DataError(
            f"{path}, line {i + 2}, column {price_col!r}: {frame[price_col].iloc[i]!r} is not a price > 0"
        )
    s = pd.Series(values.to_numpy(dtype=float), index=pd.DatetimeIndex(dates, name="date"), name=path.stem)
    if s.index.has_duplicates:
        d = s.index[s.index.duplicated()][0]
        raise DataError(f"{path}: duplicate date {d.date()}")
    return s.sort_index()


def read_price_folder(folder: str | os.PathLike[str]) -> pd.DataFrame:
    """Read every ``*.csv`` in ``folder`` into a wide frame of closes (columns = tickers, sorted).

    Raises
    ------
    DataError
        No CSV files, or a file without a date or price column, or a bad value (file, line, column).
    """
    root = Path(folder)
    files = sorted(p for p in root.iterdir() if p.suffix.lower() == ".csv") if root.is_dir() else []
    if not files:
        raise DataError(
            f"{root}: no .csv files (expected one Date,Open,High,Low,Close[,Adj Close],Volume file per ticker)"
        )
    return pd.concat([_read_one(p) for p in files], axis=1).sort_index()


def read_price_input(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A folder of per-ticker CSVs (:func:`read_price_folder`) or a panel file (:func:`tailkit.data.read_prices`)."""
    p = Path(path)
    if p.is_dir():
        return read_price_folder(p)
    if not p.exists():
        raise DataError(f"{p}: no such file or folder")
    return read_prices(p)
