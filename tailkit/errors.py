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


def _plain(value: Any) -> Any:
    """``value`` with numpy scalars (also inside tuples, lists and dicts) turned into Python ones.

    numpy is not imported here (``tailkit --help`` imports this module and must stay light): a
    numpy scalar is recognised by its module and converted with its own ``item()``.
    """
    if type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        item = value.item()
        if type(item).__module__ == "numpy":  # longdouble/clongdouble keep their type in item()
            return complex(item) if getattr(item, "imag", 0) else float(item)
        return item
    if type(value) in (tuple, list):
        return type(value)(_plain(v) for v in value)
    if type(value) is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def describe_bad_value(name: str, value: Any, allowed: str) -> str:
    """Return the house message for a bad value.

    Parameters
    ----------
    name : str
        Name of the argument, field or column.
    value : Any
        The offending value, shown with ``repr`` after numpy scalars (alone or inside a tuple,
        list or dict) are turned into plain Python numbers, so ``np.float64(-5.0)`` prints as
        ``-5.0``; text longer than 80 characters is cut.
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
    >>> import numpy as np
    >>> describe_bad_value("tlt_close", np.float64(-5.0), "a price > 0")
    'tlt_close=-5.0 is not allowed: expected a price > 0'
    """
    text = repr(_plain(value))
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{name}={text} is not allowed: expected {allowed}"
