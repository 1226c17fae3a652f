"""Units at the loader boundary: percent or decimal, detected and announced."""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np

from tailkit._typing import Float1D
from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["UnitConversionWarning", "UnitsLike", "detect_percent", "to_decimal"]

#: How a column's units are declared: detected, or stated by the caller.
UnitsLike = Literal["auto", "percent", "decimal"]


class UnitConversionWarning(UserWarning):
    """A reader assumed the units of a column (percent or decimal) and converted them."""


def detect_percent(values: Float1D) -> bool:
    """Return True when values look like percent (median of the absolute finite values > 1).

    Parameters
    ----------
    values : ndarray of float64, shape (n,)
        Yields, vols or rates.

    Returns
    -------
    bool
        True for percent (4.38 meaning 4.38%), False for decimals (0.0438).
    """
    finite = np.abs(values[np.isfinite(values)])
    return bool(finite.size) and float(np.median(finite)) > 1.0


def to_decimal(
    values: Float1D,
    *,
    units: UnitsLike,
    column: str,
    source: str,
    what: str,
    documented: Literal["percent", "either"] = "either",
    argument: str = "units",
) -> Float1D:
    """Return ``values`` as decimals, announcing any assumption with :class:`UnitConversionWarning`.

    Parameters
    ----------
    values : ndarray of float64, shape (n,)
        Values as read.
    units : {"auto", "percent", "decimal"}
        Declared units; ``"auto"`` detects them with :func:`detect_percent` and warns
        what was assumed.
    column : str
        Column name (for the message).
    source : str
        File name (for the message).
    what : str
        What the values are, e.g. ``"yields"`` (for the message).
    documented : {"either", "percent"}, default="either"
        The file format's documented units. With ``"percent"``, values detected as decimals
        are kept as decimals and that assumption is announced too.
    argument : str, default="units"
        Name of the caller's units argument (for the message).

    Returns
    -------
    ndarray of float64, shape (n,)
        Decimal values (0.0438 for 4.38%).
    """
    if units not in ("auto", "percent", "decimal"):
        raise ParameterError(describe_bad_value(argument, units, "'auto', 'percent' or 'decimal'"))
    finite = values[np.isfinite(values)]
    median = float(np.median(np.abs(finite))) if finite.size else float("nan")
    if units == "percent":
        return values / 100.0
    if units == "decimal":
        return values
    if detect_percent(values):
        warnings.warn(
            f"{source}: column {column!r} read as {what} in percent (median {median:.4g} > 1) "
            f"and divided by 100 to decimals; pass {argument}='decimal' if that is wrong",
            UnitConversionWarning,
            stacklevel=3,
        )
        return values / 100.0
    if documented == "percent" and finite.size:
        warnings.warn(
            f"{source}: column {column!r} should hold {what} in percent, but the values look like "
            f"decimals (median {median:.4g} <= 1); kept as decimals, "
            f"pass {argument}='percent' if that is wrong",
            UnitConversionWarning,
            stacklevel=3,
        )
    return values
