"""Coerce the risk engine's inputs: a returns table and a position vector, aligned."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from tailkit._tail import tail_split
from tailkit._typing import Float1D, Float2D
from tailkit._validation import as_float_array, check_finite, check_range
from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = ["align_positions", "check_confidence", "check_horizon", "tail_split"]


def align_positions(
    returns: Any, weights: Any, *, dropna: bool = True
) -> tuple[Float2D, Float1D, tuple[str, ...]]:
    """Return ``(returns (n, p), weights (p,), names)`` with columns matched to positions.

    ``returns`` is a DataFrame (columns = positions) or a 2-D array; ``weights`` a Series or
    mapping keyed by column name, or an array in column order. Rows with a missing return
    for a held (non-zero) position are dropped when ``dropna`` (else they raise).
    """
    if isinstance(weights, Mapping) and not isinstance(weights, pd.Series):
        weights = pd.Series(dict(weights), dtype=float)
    if isinstance(returns, pd.Series):
        returns = returns.to_frame()
    if isinstance(returns, pd.DataFrame):
        names = tuple(str(c) for c in returns.columns)
        if isinstance(weights, pd.Series):
            missing = [str(k) for k in weights.index if str(k) not in names]
            if missing:
                raise DataError(
                    f"weights name position(s) {missing} that are not columns of returns; "
                    f"columns: {list(names)}"
                )
            w = weights.rename(index=str).reindex(list(names)).fillna(0.0).to_numpy(dtype=float)
        else:
            w = as_float_array("weights", weights).ravel()
        arr = returns.to_numpy(dtype=float)
    else:
        arr = as_float_array("returns", returns)
        if arr.ndim == 1:
            arr = arr[:, None]
        if isinstance(weights, pd.Series):
            names = tuple(str(k) for k in weights.index)
            w = weights.to_numpy(dtype=float)
        else:
            w = as_float_array("weights", weights).ravel()
            names = tuple(f"position_{j}" for j in range(w.size))
    if arr.ndim != 2:
        raise ParameterError(describe_bad_value("returns", arr.shape, "a 2-D table (scenarios x positions)"))
    if w.size != arr.shape[1]:
        raise ParameterError(
            describe_bad_value("weights", w.shape, f"{arr.shape[1]} position values, one per returns column")
        )
    check_finite("weights", w)
    held = w != 0.0
    bad_rows = ~np.isfinite(arr[:, held]).all(axis=1)
    if bad_rows.any():
        if not dropna:
            row = int(np.flatnonzero(bad_rows)[0])
            raise DataError(f"returns has missing or non-finite values in row {row}")
        arr = arr[~bad_rows]
    arr = np.where(held[None, :], arr, 0.0)
    if arr.shape[0] < 2:
        raise DataError(f"returns has {arr.shape[0]} complete row(s) for the held positions; need at least 2")
    return np.ascontiguousarray(arr), np.ascontiguousarray(w), names


def check_confidence(confidence: Any, name: str = "confidence") -> Float1D:
    """Return confidence level(s) as a 1-D array, each strictly between 0 and 1."""
    c = np.atleast_1d(as_float_array(name, confidence)).ravel()
    check_range(name, c, gt=0.0, lt=1.0)
    return c


def check_horizon(horizon: Any) -> int:
    """Return the horizon in trading days (an int >= 1)."""
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ParameterError(describe_bad_value("horizon", horizon, "an int >= 1 (trading days)"))
    return int(horizon)
