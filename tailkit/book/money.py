"""Exact money: amounts are stored as integer cents, converted at the book's boundary.

Prices per share (credits, exit prices, strikes, underlying prices) and account amounts
(NAV, commissions) enter the book as decimal numbers and are stored as integer cents, so
that sums of realized P&L and NAV are exact. A value the user types must be a whole number of
cents (``1.25`` is fine, ``1.255`` is refused); quotes read from an option-chain file are
rounded to the nearest cent (half to even), the file format's tick. Floats appear only in
analytics (marks, Greeks, ratios).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

import numpy as np

from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["to_cents", "round_cents", "cents_array", "from_cents", "cents_to_float"]


def _decimal(name: str, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ParameterError(describe_bad_value(name, value, "an amount such as 1.25"))
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(describe_bad_value(name, value, "a finite amount such as 1.25"))
    try:
        if isinstance(value, float):
            d = Decimal(repr(value))
        else:
            d = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ParameterError(describe_bad_value(name, value, "an amount such as 1.25")) from None
    if not d.is_finite():
        raise ParameterError(describe_bad_value(name, value, "a finite amount such as 1.25"))
    return d


def to_cents(name: str, value: Any, *, positive: bool = False, nonnegative: bool = False) -> int:
    """Convert an amount typed by a user to integer cents, refusing fractions of a cent.

    Parameters
    ----------
    name : str
        Name of the input, for the error message.
    value : float, int, str or Decimal
        Amount in dollars (or price units per share), e.g. ``1.25`` or ``"1,000,000"``.
    positive, nonnegative : bool, default=False
        Require ``> 0`` / ``>= 0``.

    Returns
    -------
    int
        The amount in cents.

    Raises
    ------
    ParameterError
        Not a number, not finite, not a whole number of cents, or of the wrong sign.

    Examples
    --------
    >>> to_cents("credit", 1.25)
    125
    >>> to_cents("nav", "1,000,000")
    100000000
    """
    d = _decimal(name, value)
    cents = d.scaleb(2)
    if cents != cents.to_integral_value():
        raise ParameterError(describe_bad_value(name, value, "an amount in whole cents, e.g. 1.25"))
    out = int(cents)
    if positive and out <= 0:
        raise ParameterError(describe_bad_value(name, value, "an amount > 0"))
    if nonnegative and out < 0:
        raise ParameterError(describe_bad_value(name, value, "an amount >= 0"))
    return out


def round_cents(value: Any) -> int:
    """Round an amount (dollars) to the nearest cent, half to even; return integer cents.

    Examples
    --------
    >>> round_cents(0.125), round_cents(0.135)
    (12, 14)
    """
    d = _decimal("amount", value)
    return int(d.scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def cents_array(values: Any) -> np.ndarray:
    """Round an array of amounts (dollars, finite) to integer cents (half to even).

    Parameters
    ----------
    values : array_like of shape (n,)
        Dollar amounts as read from a file.

    Returns
    -------
    ndarray of shape (n,), int64
    """
    arr = np.asarray(values, dtype=np.float64)
    # 0.29 * 100 = 28.999999999999996: rounding the scaled value recovers the cent
    return np.rint(np.round(arr * 100.0, 6)).astype(np.int64)


def from_cents(cents: int) -> Decimal:
    """Return integer cents as an exact ``Decimal`` amount in dollars.

    Examples
    --------
    >>> from_cents(12345)
    Decimal('123.45')
    """
    return Decimal(int(cents)).scaleb(-2)


def cents_to_float(cents: Any) -> Any:
    """Return cents as float dollars (for analytics only); arrays stay arrays."""
    if isinstance(cents, np.ndarray):
        return cents.astype(np.float64) / 100.0
    return None if cents is None else int(cents) / 100.0
