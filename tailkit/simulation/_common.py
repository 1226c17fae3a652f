"""Small shared coercions for the process parameter classes."""

from __future__ import annotations

from typing import Any

import numpy as np

from tailkit._typing import Float1D
from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["as_float_tuple", "vector", "default_names", "start_values"]


def as_float_tuple(value: Any) -> Any:
    """Turn numbers / arrays / lists into a tuple of floats; leave anything else to ``validate``."""
    if isinstance(value, np.ndarray):
        return tuple(float(x) for x in value.ravel())
    if isinstance(value, int | float | np.floating | np.integer) and not isinstance(value, bool):
        return (float(value),)
    if isinstance(value, list | tuple):
        return tuple(
            float(x)
            if isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)
            else x
            for x in value
        )
    return value


def vector(name: str, value: tuple[float, ...], n: int) -> Float1D:
    """Broadcast a tuple of length 1 or ``n`` to an array of length ``n``."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.size == 1:
        return np.full(n, float(arr[0]))
    if arr.size != n:
        raise ParameterError(describe_bad_value(name, value, f"1 or {n} values (one per asset)"))
    return arr


def default_names(names: Any, n: int, prefix: str = "asset") -> tuple[str, ...]:
    """Return ``names`` as a tuple of n strings (default ``asset0, asset1, ...``)."""
    if names is None:
        return tuple(f"{prefix}{i}" for i in range(n))
    out = tuple(str(x) for x in names)
    if len(out) != n:
        raise ParameterError(describe_bad_value("names", names, f"{n} names"))
    return out


def start_values(name: str, value: Any, n: int, *, positive: bool) -> Float1D:
    """Starting values broadcast to ``n`` assets (positive if ``positive``)."""
    arr = np.atleast_1d(np.asarray(value, dtype=np.float64)).ravel()
    if arr.size == 1:
        arr = np.full(n, float(arr[0]))
    if arr.size != n or not np.all(np.isfinite(arr)) or (positive and np.any(arr <= 0)):
        allowed = f"{n} finite value(s)" + (" > 0" if positive else "")
        raise ParameterError(describe_bad_value(name, value, allowed))
    return arr
