"""What a person typed, read one way for the whole house: numbers, percentages, ISO dates.

Every front end (the panels, the Voila apps, the book forms) turns text into values here, so a
field reads the same everywhere and nothing is ever changed silently:

* :func:`parse_number` reads ``"1,000,000"`` or ``"0.35"``; ``""`` or ``"abc"`` is refused
  with the house message quoting exactly what was typed (never "the old value comes back").
* :func:`parse_percent` reads a percent-like field (IV, confidence, profit target):
  ``"20%"``, ``"20"`` and ``"0.20"`` all mean 20 %. A bare number above 1 is read as percent
  and the :class:`ParsedInput` says so (``"IV 20% (read 20 as percent)"``), so the user sees
  what was understood. Nothing is clamped: the parameter dataclass refuses values out of its
  range.
* :func:`parse_iso_date` accepts ``YYYY-MM-DD`` only; ``"17/01/2027"`` or ``"01/02/2027"``
  are refused with the expected format instead of being guessed. :func:`expiry_warning`
  says when a date is a weekend or a NYSE holiday.
* :func:`describe_weights` states the gross and net exposure of a weight vector
  (``"gross 200%, net 100%"``) whenever the weights are not plain fractions summing to one.

Values are plain Python ``float``/``int``/``datetime.date``, never numpy scalars.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tailkit.errors import ParameterError, describe_bad_value

__all__ = [
    "ParsedInput",
    "parse_number",
    "parse_percent",
    "parse_iso_date",
    "expiry_warning",
    "nyse_holiday",
    "describe_weights",
    "format_percent",
]

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class ParsedInput:
    """A typed text and what it was read as.

    Attributes
    ----------
    typed : str
        Exactly what was typed.
    value : float, int or datetime.date
        The value read (decimal for percentages).
    note : str
        What was understood when it is not literally what was typed
        (``"read 20 as percent"``); ``""`` otherwise.
    """

    typed: str
    value: Any
    note: str = ""


def format_percent(value: float) -> str:
    """A decimal as a percentage with no needless digits: ``0.2 -> "20%"``, ``0.999 -> "99.9%"``."""
    pct = round(100.0 * float(value), 10)
    text = f"{pct:.6f}".rstrip("0").rstrip(".")
    return f"{'0' if text in ('-0', '') else text}%"


def _as_text(typed: Any) -> str:
    if isinstance(typed, bool):
        return str(typed)
    if isinstance(typed, int):
        return str(typed)
    if isinstance(typed, float):
        return repr(typed)
    return str(typed)


def _read_number(name: str, typed: Any, allowed: str) -> float:
    """Return the number in ``typed`` (a str or a number) or raise quoting ``typed``."""
    if isinstance(typed, bool):
        raise ParameterError(describe_bad_value(name, typed, allowed))
    if isinstance(typed, int | float):
        value = float(typed)
    else:
        text = str(typed).strip().replace("_", "")
        if _GROUPED.match(text):
            text = text.replace(",", "")
        if not _NUMBER.match(text):
            raise ParameterError(describe_bad_value(name, str(typed), allowed))
        value = float(text)
    if not math.isfinite(value):
        raise ParameterError(describe_bad_value(name, typed, allowed))
    return value


def parse_number(name: str, typed: Any, *, integer: bool = False) -> ParsedInput:
    """Read a number typed by a person (``"0.35"``, ``"1,000,000"``, ``"60"``).

    Parameters
    ----------
    name : str
        Field name, used in the error message.
    typed : str or number
        What was typed (numbers pass through, for programmatic use).
    integer : bool, default=False
        Require a whole number (``"60"`` or ``"60.0"``; ``"60.5"`` is refused).

    Returns
    -------
    ParsedInput
        ``value`` is a Python ``float`` (``int`` when ``integer``).

    Raises
    ------
    ParameterError
        Empty, not a number, not finite, or not whole when ``integer``; the message quotes
        exactly what was typed.

    Examples
    --------
    >>> parse_number("nav", "1,000,000").value
    1000000.0
    >>> parse_number("days_to_expiry", "abc", integer=True)
    Traceback (most recent call last):
    ...
    tailkit.errors.ParameterError: days_to_expiry='abc' is not allowed: expected a whole number, e.g. 30
    """
    allowed = "a whole number, e.g. 30" if integer else "a number, e.g. 0.35 or 1,000,000"
    value = _read_number(name, typed, allowed)
    if integer:
        if not value.is_integer():
            raise ParameterError(describe_bad_value(name, _shown(typed), allowed))
        return ParsedInput(_as_text(typed), int(value))
    return ParsedInput(_as_text(typed), value)


def _shown(typed: Any) -> Any:
    return typed if isinstance(typed, str) else _as_text(typed)


def parse_percent(name: str, typed: Any, *, label: str | None = None) -> ParsedInput:
    """Read a percent-like field: ``"20%"``, ``"20"`` and ``"0.20"`` all mean 0.20.

    The rule: a trailing ``%`` means percent; a bare number whose size is above 1 is read as
    percent (the note says so); a bare number of size at most 1 is a decimal. Nothing is
    clamped; the range is the parameter dataclass's business.

    Parameters
    ----------
    name : str
        Field name, used in the error message.
    typed : str or number
        What was typed.
    label : str, optional
        Words for the note (default ``name`` with spaces).

    Returns
    -------
    ParsedInput
        ``value`` is the decimal; ``note`` is e.g. ``"IV 20% (read 20 as percent)"`` when a bare
        number was read as percent, ``"IV 20%"`` otherwise.

    Raises
    ------
    ParameterError
        Empty or not a number; the message quotes exactly what was typed.

    Examples
    --------
    >>> p = parse_percent("iv", "20", label="IV")
    >>> p.value, p.note
    (0.2, 'IV 20% (read 20 as percent)')
    >>> parse_percent("iv", "0.20", label="IV").note
    'IV 20%'
    """
    words = label if label is not None else name.replace("_", " ")
    allowed = "a percentage such as 20%, 20 or 0.20"
    text = typed.strip() if isinstance(typed, str) else typed
    if isinstance(text, str) and text.endswith("%"):
        try:
            value = _read_number(name, text[:-1].strip(), allowed) / 100.0
        except ParameterError:
            raise ParameterError(describe_bad_value(name, typed, allowed)) from None
        value = _round_pct(value)
        return ParsedInput(_as_text(typed), value, f"{words} {format_percent(value)}")
    try:
        raw = _read_number(name, text, allowed)
    except ParameterError:
        raise ParameterError(describe_bad_value(name, _shown(typed), allowed)) from None
    if abs(raw) > 1.0:
        value = _round_pct(raw / 100.0)
        bare = _as_text(typed).strip()
        return ParsedInput(
            _as_text(typed), value, f"{words} {format_percent(value)} (read {bare} as percent)"
        )
    return ParsedInput(_as_text(typed), raw, f"{words} {format_percent(raw)}")


def _round_pct(value: float) -> float:
    """``20 / 100`` is 0.2 exactly as typed, not 0.20000000000000001-style noise."""
    return float(f"{value:.12g}")


def parse_iso_date(name: str, typed: Any) -> ParsedInput:
    """Read a date written ``YYYY-MM-DD`` (a ``datetime.date`` passes through).

    Raises
    ------
    ParameterError
        Any other format (``"17/01/2027"``, ``"01/02/2027"``: ambiguous or foreign orders are
        refused, not guessed) or an impossible date (``"2027-02-30"``).

    Examples
    --------
    >>> parse_iso_date("expiry", "2027-01-15").value
    datetime.date(2027, 1, 15)
    """
    allowed = "a date written YYYY-MM-DD, e.g. 2027-01-15"
    if isinstance(typed, dt.datetime):
        return ParsedInput(typed.date().isoformat(), typed.date())
    if isinstance(typed, dt.date):
        return ParsedInput(typed.isoformat(), typed)
    text = str(typed).strip()
    if not _ISO.match(text):
        raise ParameterError(describe_bad_value(name, str(typed), allowed))
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ParameterError(
            describe_bad_value(name, str(typed), allowed + " (a real calendar day)")
        ) from None
    return ParsedInput(str(typed), day)


def _easter(year: int) -> dt.date:
    """Western Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The ``n``-th ``weekday`` (0 = Monday) of a month; ``n = -1`` for the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: dt.date) -> dt.date:
    """NYSE rule: a Saturday holiday is observed on Friday, a Sunday one on Monday."""
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day


def nyse_holiday(day: dt.date) -> str:
    """The name of the NYSE full-day holiday on ``day``, or ``""``.

    The standing rules of NYSE Rule 7.2 (New Year's Day, Martin Luther King Jr. Day,
    Washington's Birthday, Good Friday, Memorial Day, Juneteenth from 2022, Independence Day,
    Labor Day, Thanksgiving, Christmas; weekend holidays observed on the nearest weekday,
    except that a Saturday New Year's Day is not moved into December). One-off closures
    (national days of mourning) are not known.
    """
    y = day.year
    rules = {
        "New Year's Day": _observed(dt.date(y, 1, 1)) if dt.date(y, 1, 1).weekday() != 5 else None,
        "Martin Luther King Jr. Day": _nth_weekday(y, 1, 0, 3),
        "Washington's Birthday": _nth_weekday(y, 2, 0, 3),
        "Good Friday": _easter(y) - dt.timedelta(days=2),
        "Memorial Day": _nth_weekday(y, 5, 0, -1),
        "Juneteenth": _observed(dt.date(y, 6, 19)) if y >= 2022 else None,
        "Independence Day": _observed(dt.date(y, 7, 4)),
        "Labor Day": _nth_weekday(y, 9, 0, 1),
        "Thanksgiving": _nth_weekday(y, 11, 3, 4),
        "Christmas": _observed(dt.date(y, 12, 25)),
    }
    for holiday, date in rules.items():
        if date == day:
            return holiday
    return ""


def expiry_warning(day: dt.date) -> str:
    """A warning when an expiry falls on a weekend or a NYSE holiday (no trading), else ``""``.

    Examples
    --------
    >>> expiry_warning(dt.date(2027, 1, 16))
    '2027-01-16 is a Saturday: listed options do not expire on a weekend'
    """
    if day.weekday() >= 5:
        return f"{day.isoformat()} is a {day.strftime('%A')}: listed options do not expire on a weekend"
    holiday = nyse_holiday(day)
    if holiday:
        return f"{day.isoformat()} is {holiday}, an NYSE holiday: listed options do not expire on it"
    return ""


def describe_weights(weights: Sequence[float]) -> str:
    """Gross and net exposure of weights (fractions of NAV): ``"gross 200%, net 100%"``.

    Returns ``""`` for a long-only book fully invested (weights >= 0 summing to 1 within
    1e-9), where there is nothing to point out.
    """
    values = [float(x) for x in weights]
    gross, net = sum(abs(x) for x in values), sum(values)
    if all(x >= 0 for x in values) and abs(net - 1.0) <= 1e-9:
        return ""
    short = " (short positions)" if any(x < 0 for x in values) else ""
    return f"gross {format_percent(gross)}, net {format_percent(net)}{short}"
