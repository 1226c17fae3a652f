"""Net asset value: set it (exact cents, audited) and read its history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from tailkit.book.money import from_cents, to_cents
from tailkit.book.store import Book, utc_now

__all__ = ["set_nav", "latest_nav", "nav_history"]


def set_nav(book: Book, amount: Any, *, time: str | None = None, note: str = "", reason: str = "") -> int:
    """Record the portfolio's NAV (one transaction with its ``set_nav`` audit event).

    Parameters
    ----------
    book : Book
        The book.
    amount : float, int or str
        NAV in dollars, whole cents, > 0 (``"1,000,000"`` is accepted).
    time : str, optional
        As-of time (default now, UTC).
    note : str, default=""
        Stored with the value.
    reason : str, default=""
        Free text for the audit log.

    Returns
    -------
    int
        The NAV row's id.

    Examples
    --------
    >>> from tailkit.book.store import Book
    >>> book = Book(":memory:")
    >>> _ = set_nav(book, "1,000,000")
    >>> latest_nav(book)
    Decimal('1000000.00')
    """
    cents = to_cents("nav", amount, positive=True)
    when = time or utc_now()
    with book.transaction() as conn:
        cur = conn.execute("INSERT INTO nav (time, nav_cents, note) VALUES (?, ?, ?)", (when, cents, note))
        nid = int(cur.lastrowid or 0)
        book.record("set_nav", "nav", reason=reason, payload={"nav": str(from_cents(cents)), "time": when})
    return nid


def latest_nav(book: Book) -> Decimal | None:
    """The most recent NAV (exact dollars), or ``None`` when the book has none yet."""
    row = book.conn.execute("SELECT nav_cents FROM nav ORDER BY time DESC, id DESC LIMIT 1").fetchone()
    return None if row is None else from_cents(int(row[0]))


def nav_history(book: Book) -> pd.DataFrame:
    """NAV rows in time order: ``time``, ``nav`` (float dollars), ``nav_cents``, ``note``."""
    frame = book.frame("SELECT time, nav_cents, note FROM nav ORDER BY time, id")
    frame.insert(1, "nav", frame["nav_cents"] / 100.0)
    return frame
