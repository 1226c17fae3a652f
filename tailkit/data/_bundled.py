"""Helpers for the datasets bundled in ``tailkit/data/<name>/`` (read with the shared checks)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tailkit.data._checks import (
    RawTable,
    check_duplicate_dates,
    parse_dates,
    parse_numbers,
    read_csv_table,
    require_columns,
)

__all__ = ["DATA_DIR", "bundled_path", "finish", "read_bundled"]

#: Folder holding the bundled datasets.
DATA_DIR = Path(__file__).resolve().parent


def bundled_path(folder: str, filename: str) -> Path:
    """Return the path of a bundled file, ``tailkit/data/<folder>/<filename>``."""
    return DATA_DIR / folder / filename


def read_bundled(
    folder: str,
    filename: str,
    *,
    date_col: str,
    columns: dict[str, str],
    date_format: str | None = None,
    drop_missing: bool = False,
) -> tuple[RawTable, pd.DataFrame]:
    """Read a bundled CSV through the shared checks into a frame indexed by date.

    Parameters
    ----------
    folder : str
        Dataset folder under ``tailkit/data``.
    filename : str
        The compressed CSV in it.
    date_col : str
        Name of the date column in the file.
    columns : dict of str to str
        Numeric columns to keep: file name -> tidy name.
    date_format : str, optional
        Explicit ``strftime`` format of the dates.
    drop_missing : bool, default=False
        Drop records whose values are all missing (e.g. market holidays marked ``"."``).

    Returns
    -------
    table : RawTable
        The file's cells (for datasets that need more than ``columns``).
    frame : DataFrame of shape (n_rows, len(columns))
        Float64 values, DatetimeIndex ``date``, file order.
    """
    path = bundled_path(folder, filename)
    table = read_csv_table(path, source=f"tailkit/data/{folder}/{filename}")
    require_columns(table, [date_col, *columns])
    dates = parse_dates(table, date_col, fmt=date_format)
    values = {new: parse_numbers(table, old) for old, new in columns.items()}
    frame = pd.DataFrame(values, index=pd.DatetimeIndex(dates, name="date"))
    if drop_missing:
        keep = np.asarray(frame.notna().any(axis=1))
        table = table.take(keep)
        frame = frame.loc[keep]
    return table, frame


def finish(table: RawTable, frame: pd.DataFrame, date_col: str) -> pd.DataFrame:
    """Check a single-series frame for duplicate dates and return it sorted by date."""
    check_duplicate_dates(table, pd.DatetimeIndex(frame.index), date_col)
    return frame.sort_index(kind="stable")
