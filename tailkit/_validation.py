"""Input checks shared by the public API: coerce, check, and name the bad input."""

from __future__ import annotations

from typing import Any

import numpy as np

from tailkit._typing import Float64Array, OptionKind
from tailkit.errors import ParameterError, describe_bad_value

__all__ = [
    "as_float_array",
    "check_finite",
    "check_range",
    "normalize_kind",
    "kind_to_sign",
]

_KINDS: dict[str, OptionKind] = {"call": "call", "c": "call", "put": "put", "p": "put"}


def normalize_kind(kind: Any, name: str = "kind") -> OptionKind:
    """Return ``"call"`` or ``"put"`` for any accepted spelling (case-insensitive)."""
    if isinstance(kind, str):
        out = _KINDS.get(kind.strip().lower())
        if out is not None:
            return out
    raise ParameterError(describe_bad_value(name, kind, "'call' or 'put' (also 'c'/'p', any case)"))


def kind_to_sign(kind: Any, name: str = "kind") -> float | Float64Array:
    """Map option kind(s) to +1.0 (call) / -1.0 (put); accepts a string or an array of strings."""
    if isinstance(kind, str):
        return 1.0 if normalize_kind(kind, name) == "call" else -1.0
    arr = np.asarray(kind)
    if arr.dtype.kind in ("U", "S", "O"):
        # normalise each distinct spelling once; a million strings take milliseconds
        uniq, inverse = np.unique(arr.ravel(), return_inverse=True)
        signs = np.array([1.0 if normalize_kind(k, name) == "call" else -1.0 for k in uniq])
        return signs[inverse].reshape(arr.shape)
    raise ParameterError(describe_bad_value(name, kind, "'call' or 'put' (also 'c'/'p', any case)"))


def as_float_array(name: str, value: Any) -> Float64Array:
    """Coerce ``value`` to a float64 array, naming ``name`` if it is not numeric."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(describe_bad_value(name, value, "a number or an array of numbers")) from None
    return arr


def _first_bad(name: str, arr: Float64Array, mask: np.ndarray) -> tuple[str, float]:
    """Return ``(name[index], value)`` of the first flagged element."""
    if arr.ndim == 0:
        return name, float(arr)
    i = int(np.flatnonzero(np.broadcast_to(mask, arr.shape))[0])
    index = ", ".join(str(int(k)) for k in np.unravel_index(i, arr.shape))
    return f"{name}[{index}]", float(arr.ravel()[i])


def check_finite(name: str, arr: Float64Array) -> None:
    """Raise if any element of ``arr`` is NaN or infinite."""
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ParameterError(describe_bad_value(*_first_bad(name, arr, bad), "finite numbers"))


def check_range(
    name: str,
    arr: Float64Array,
    *,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    allow_nan: bool = False,
) -> None:
    """Raise :class:`ParameterError` naming the first element of ``arr`` outside the bounds."""
    bad = np.zeros(arr.shape, dtype=bool)
    if not allow_nan:
        bad |= np.isnan(arr)
    with np.errstate(invalid="ignore"):
        if ge is not None:
            bad |= arr < ge
        if gt is not None:
            bad |= arr <= gt
        if le is not None:
            bad |= arr > le
        if lt is not None:
            bad |= arr >= lt
    if bad.any():
        parts = []
        if ge is not None:
            parts.append(f">= {ge}")
        if gt is not None:
            parts.append(f"> {gt}")
        if le is not None:
            parts.append(f"<= {le}")
        if lt is not None:
            parts.append(f"< {lt}")
        raise ParameterError(
            describe_bad_value(*_first_bad(name, arr, bad), "numbers " + " and ".join(parts))
        )
