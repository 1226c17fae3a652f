"""One way to write numbers, percentages, day counts and times on screen.

Every panel and table formats through these helpers, so a page never shows ``-0.0000``,
``np.float64(48.4)``, ``1 days`` or a time with microseconds, and numbers carry thousands
separators and fixed decimals (the tables right-align them).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MISSING", "plain", "fmt_number", "fmt_money", "fmt_pct", "fmt_days", "fmt_time", "fmt_cell"]

#: what a missing number shows as
MISSING = "–"


def plain(value: Any) -> Any:
    """A numpy scalar as the Python scalar it holds (``np.float64(48.4) -> 48.4``)."""
    return value.item() if isinstance(value, np.generic) else value


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: Any, decimals: int = 2, *, signed: bool = False) -> str:
    """``1234.5 -> "1,234.50"``; a value that rounds to zero shows unsigned (never ``-0.00``).

    Parameters
    ----------
    value : float or None
        The number (numpy scalars accepted); ``None``/NaN show as :data:`MISSING`.
    decimals : int, default=2
        Fixed decimals.
    signed : bool, default=False
        Show ``+`` for positive numbers (P&L).
    """
    if _missing(value):
        return MISSING
    x = float(plain(value))
    if not math.isfinite(x):
        return MISSING if math.isnan(x) else ("∞" if x > 0 else "−∞")
    if round(x, decimals) == 0:
        x = 0.0
    text = f"{x:+,.{decimals}f}" if signed and x != 0 else f"{x:,.{decimals}f}"
    return text


def fmt_money(value: Any, *, signed: bool = False) -> str:
    """A currency amount with cents: ``-247.0 -> "-247.00"`` (``"+247.00"`` when ``signed``)."""
    return fmt_number(value, 2, signed=signed)


def fmt_pct(value: Any, decimals: int = 1, *, signed: bool = False) -> str:
    """A decimal as a percentage: ``0.4539 -> "45.4%"``; a value rounding to zero shows ``0.0%``."""
    if _missing(value):
        return MISSING
    return fmt_number(100.0 * float(plain(value)), decimals, signed=signed) + "%"


def fmt_days(n: Any, unit: str = "day") -> str:
    """A count with its unit in the right number: ``1 -> "1 day"``, ``30 -> "30 days"``."""
    k = plain(n)
    k = int(k) if float(k).is_integer() else float(k)
    return f"{k:,} {unit}" if k == 1 else f"{k:,} {unit}s"


def fmt_time(value: Any) -> str:
    """A date or time without microseconds: ``"2026-12-03 09:46 UTC"`` or ``"2026-12-03"``.

    Strings are parsed first (ISO), so a stored ``"2026-12-03T09:46:06.123456+00:00"`` shows as
    ``"2026-12-03 09:46 UTC"``; a date (or midnight without a zone) shows as the date.
    """
    if _missing(value):
        return MISSING
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    ts = pd.Timestamp(value)
    if ts.tzinfo is None and ts == ts.normalize():
        return ts.date().isoformat()
    zone = ""
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC")
        zone = " UTC"
    return ts.strftime("%Y-%m-%d %H:%M") + zone


def fmt_cell(value: Any, decimals: int = 2) -> str:
    """A table cell: numbers with separators and ``decimals``, times without microseconds."""
    value = plain(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return fmt_number(value, decimals)
    if isinstance(value, pd.Timestamp | dt.date):
        return fmt_time(value)
    if _missing(value):
        return MISSING
    return str(value)
