"""Coerce return/yield inputs (Series, DataFrame or arrays) to a checked 2-D float array."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tailkit._typing import Float2D
from tailkit.errors import DataError


def as_panel(name: str, data: Any, *, min_rows: int, names: Any = None) -> tuple[Float2D, tuple[str, ...]]:
    """Return ``(array of shape (n_obs, n_series), names)``, raising ``DataError`` on bad input.

    NaN or infinite values are an error naming the column and the first bad row (drop or
    fill them before fitting).
    """
    if isinstance(data, pd.Series):
        cols: tuple[str, ...] = (str(data.name) if data.name is not None else "x0",)
        index = data.index
        arr = data.to_numpy(dtype=np.float64)[:, None]
    elif isinstance(data, pd.DataFrame):
        cols = tuple(str(c) for c in data.columns)
        index = data.index
        try:
            arr = data.to_numpy(dtype=np.float64)
        except (TypeError, ValueError):
            raise DataError(f"{name}: every column must be numeric; got dtypes {dict(data.dtypes)}") from None
    else:
        try:
            arr = np.asarray(data, dtype=np.float64)
        except (TypeError, ValueError):
            raise DataError(f"{name}: expected numbers (a Series, DataFrame or array)") from None
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise DataError(f"{name}: expected 1-D or 2-D data, got shape {arr.shape}")
        cols = tuple(f"x{i}" for i in range(arr.shape[1]))
        index = pd.RangeIndex(arr.shape[0])
    if names is not None:
        cols = tuple(str(n) for n in names)
        if len(cols) != arr.shape[1]:
            raise DataError(f"{name}: {len(cols)} names given for {arr.shape[1]} columns")
    bad = ~np.isfinite(arr)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise DataError(
            f"{name}: column {cols[c]!r} has a non-finite value ({arr[r, c]!r}) at row {r} "
            f"(index {index[r]!r}); drop or fill missing values before fitting"
        )
    if arr.shape[0] < min_rows:
        raise DataError(f"{name}: {arr.shape[0]} observations; at least {min_rows} are needed")
    return np.ascontiguousarray(arr), cols
