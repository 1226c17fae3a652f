"""Coercion, validation and broadcasting shared by the pricing API (private)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tailkit._typing import Float64Array
from tailkit._validation import as_float_array, check_finite, check_range, kind_to_sign
from tailkit.pricing import _kernels

__all__ = [
    "SERIAL_THRESHOLD",
    "coerce",
    "flatten_broadcast",
    "is_scalar_call",
    "positive",
    "nonnegative",
    "finite",
    "signs",
    "wrap",
    "prepare",
]

#: below this many options the serial kernel is used (thread start-up dominates)
SERIAL_THRESHOLD = 4096


def coerce(name: str, value: Any) -> Float64Array:
    """Return ``value`` as a float64 array (0-d for scalars)."""
    return as_float_array(name, value)


def positive(name: str, arr: Float64Array) -> None:
    """Raise unless every element is a finite number > 0 (one fast pass when valid)."""
    if not bool(np.all(arr > 0.0)) or not bool(np.all(np.isfinite(arr))):
        check_finite(name, arr)
        check_range(name, arr, gt=0.0)


def nonnegative(name: str, arr: Float64Array) -> None:
    """Raise unless every element is a finite number >= 0."""
    if not bool(np.all(arr >= 0.0)) or not bool(np.all(np.isfinite(arr))):
        check_finite(name, arr)
        check_range(name, arr, ge=0.0)


def finite(name: str, arr: Float64Array) -> None:
    """Raise unless every element is finite."""
    if not bool(np.all(np.isfinite(arr))):
        check_finite(name, arr)


def signs(kind: Any) -> Float64Array:
    """Return +1.0 (call) / -1.0 (put) as a float64 array (0-d for a single string).

    Arrays of the exact spellings ("call", "put", "c", "p", any case) take a compiled path;
    anything else (e.g. padded with spaces) goes through
    :func:`tailkit._validation.kind_to_sign`, which names a bad value.
    """
    if not isinstance(kind, str):
        arr = np.asarray(kind)
        if arr.dtype.kind == "U" and arr.size > 16 and arr.dtype.itemsize > 0:
            codes = np.ascontiguousarray(arr).reshape(-1).view(np.uint32).reshape(arr.size, -1)
            out = np.empty(arr.size, dtype=np.float64)
            if _kernels.kind_codes_to_sign(codes, out) < 0:
                return out.reshape(arr.shape)
    return np.asarray(kind_to_sign(kind), dtype=np.float64)


def is_scalar_call(*arrays: Float64Array) -> bool:
    """True when every input is 0-d (the result is then a Python float)."""
    return all(a.ndim == 0 for a in arrays)


def flatten_broadcast(*arrays: Float64Array) -> tuple[tuple[int, ...], list[Float64Array]]:
    """Broadcast shape and 1-D views: length-1 arrays stay length 1, the rest are length ``n``.

    Arrays already of the broadcast shape are passed through without a copy (when contiguous);
    others are materialised with ``np.broadcast_to``.
    """
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    flat: list[Float64Array] = []
    for a in arrays:
        if a.size == 1:
            flat.append(np.ascontiguousarray(a, dtype=np.float64).reshape(1))
        elif a.shape == shape:
            flat.append(np.ascontiguousarray(a, dtype=np.float64).reshape(-1))
        else:
            flat.append(np.ascontiguousarray(np.broadcast_to(a, shape), dtype=np.float64).reshape(-1))
    return shape, flat


def wrap(values: Float64Array, shape: tuple[int, ...], scalar: bool) -> float | Float64Array:
    """Reshape kernel output; a Python float when the call was scalar."""
    if scalar:
        return float(values.reshape(-1)[0])
    return values.reshape(shape)


def n_elements(shape: tuple[int, ...]) -> int:
    """Number of elements of an array of ``shape``."""
    return math.prod(shape)


_CHECKS = {"positive": positive, "nonnegative": nonnegative, "finite": finite}


def prepare(
    kind: Any, specs: tuple[tuple[str, Any, str], ...], order: tuple[str, ...] | None = None
) -> tuple[tuple[int, ...], bool, list[Float64Array]]:
    """Coerce, check and broadcast a pricing call's inputs (the one place the API does it).

    Parameters
    ----------
    kind : str or array_like of str
        Option type(s), see :func:`signs`.
    specs : tuple of (name, value, check)
        Each numeric argument with its check, ``"positive"``, ``"nonnegative"`` or ``"finite"``,
        applied in this order.
    order : tuple of str, optional
        Argument names in the kernel's order (a name may repeat); default the order of ``specs``.

    Returns
    -------
    shape : tuple of int
        Broadcast shape.
    scalar : bool
        Every input was a scalar (the result is then a Python float).
    flat : list of ndarray
        ``[sign, *arrays]`` as 1-D arrays of length 1 or n (see :func:`flatten_broadcast`).
    """
    sign = signs(kind)
    arrays = {name: coerce(name, value) for name, value, _ in specs}
    for name, _, check in specs:
        _CHECKS[check](name, arrays[name])
    scalar = is_scalar_call(sign, *arrays.values())
    names = order if order is not None else tuple(arrays)
    shape, flat = flatten_broadcast(sign, *(arrays[n] for n in names))
    return shape, scalar, flat
