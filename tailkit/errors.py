"""Exception types raised by tailkit.

Every message names the input (argument, field, file, column or row), the offending
value and what is allowed, so that a user can fix the input without reading the code.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "TailkitError",
    "ParameterError",
    "DataError",
    "ConvergenceError",
    "InfeasibleError",
    "describe_bad_value",
]


class TailkitError(Exception):
    """Base class of every exception tailkit raises on purpose."""


class ParameterError(TailkitError, ValueError):
    """An argument or parameter-set field has a value outside what is allowed."""


class DataError(TailkitError, ValueError):
    """A data file or frame is malformed: missing columns, bad dates, bad values."""


class ConvergenceError(TailkitError, RuntimeError):
    """A numerical routine (fit, solver) did not converge."""


class InfeasibleError(TailkitError, ValueError):
    """A constraint set admits no solution."""


def describe_bad_value(name: str, value: Any, allowed: str) -> str:
    """Return the house message for a bad value.

    Parameters
    ----------
    name : str
        Name of the argument, field or column.
    value : Any
        The offending value (shown with ``repr``; long arrays are summarised).
    allowed : str
        What is allowed, e.g. ``"a float > 0"`` or ``"one of 'call', 'put'"``.

    Returns
    -------
    str
        ``"<name>=<value> is not allowed: expected <allowed>"``.

    Examples
    --------
    >>> describe_bad_value("vol", -0.2, "a float >= 0")
    'vol=-0.2 is not allowed: expected a float >= 0'
    """
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{name}={text} is not allowed: expected {allowed}"
