"""The book-review app's parameters and its one view of the book.

:class:`BookReviewParams` is the ``parameters`` cell of ``notebooks/apps/book_review.ipynb``;
:func:`open_review_book` opens (and for a demo, fills) the book it names; :func:`book_review`
gathers everything the app shows in one consistent read: marks of the open positions with
their exit signals, the book totals, all positions, the P&L history of the saved marks and
the open risk by expiry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from tailkit.book.marks import BookMarks, mark_book, marks_history
from tailkit.book.positions import positions_frame
from tailkit.book.settings import BookSettings, get_settings
from tailkit.book.store import Book
from tailkit.book.transfer import book_is_empty
from tailkit.overlay.exits import ExitRules
from tailkit.params import param, validate

__all__ = ["BookReviewParams", "BookReview", "open_review_book", "book_review", "risk_by_expiry"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BookReviewParams:
    """Parameters of the book-review app.

    Parameters
    ----------
    db_path : str, default=""
        The book file; ``""`` means ``$TAILKIT_BOOK`` or ``~/.tailkit/book.sqlite``;
        ``":memory:"`` a private in-memory book.
    demo : bool, default=False
        Fill an empty book with the SYNTHETIC demo (:func:`tailkit.book.demo.make_demo_book`).
    actor : str, default="app"
        Name written to the audit log for the app's changes.
    """

    db_path: str = param("", doc="book file ('' = $TAILKIT_BOOK or ~/.tailkit/book.sqlite)")
    demo: bool = param(False, doc="fill an empty book with the SYNTHETIC demo")
    actor: str = param("app", doc="name written to the audit log")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True)
class BookReview:
    """What the app shows.

    Attributes
    ----------
    marks : BookMarks
        Marks of the open positions now (not saved), totals and the rules used.
    positions : DataFrame
        Every position (:func:`~tailkit.book.positions_frame`).
    pnl_history : DataFrame
        :func:`~tailkit.book.marks_history` plus a last row for the current (unsaved) mark.
    risk_by_expiry : DataFrame
        :func:`risk_by_expiry` of the marks.
    settings : BookSettings
    needs_nav : bool
        The book has no NAV yet (the app asks for it first).
    """

    marks: BookMarks
    positions: pd.DataFrame
    pnl_history: pd.DataFrame
    risk_by_expiry: pd.DataFrame
    settings: BookSettings
    needs_nav: bool

    @property
    def rules(self) -> ExitRules:
        """The exit rules in force."""
        return self.marks.rules

    def to_dict(self) -> dict[str, Any]:
        """Totals and counts as JSON-friendly values."""
        return {
            "totals": self.marks.totals.to_dict(),
            "n_positions": len(self.positions),
            "needs_nav": self.needs_nav,
            "rules": self.rules.to_dict(),
        }


def open_review_book(params: BookReviewParams) -> Book:
    """Open the book named by ``params`` (filled with the SYNTHETIC demo when asked and empty)."""
    path = params.db_path or None
    if params.demo:
        from tailkit.book.demo import make_demo_book

        probe = Book(path, actor=params.actor)
        if book_is_empty(probe):
            if str(path) != ":memory:":
                probe.close()
            book = make_demo_book(path, force=True) if str(path) != ":memory:" else _demo_in(probe)
            book.actor = params.actor
            return book
        return probe
    return Book(path, actor=params.actor)


def _demo_in(book: Book) -> Book:
    """Fill an open in-memory book with the demo (a new connection would be a new database)."""
    from tailkit.book import demo

    return demo.fill_demo_book(book)


def risk_by_expiry(marks: BookMarks) -> pd.DataFrame:
    """Open positions' maximum loss and count per expiry (``expiry``, ``max_loss``, ``n_positions``)."""
    p = marks.positions
    if p.empty:
        return pd.DataFrame({"expiry": pd.Series(dtype=object), "max_loss": [], "n_positions": []})
    out = (
        p.groupby("expiry", sort=True)
        .agg(max_loss=("max_loss", "sum"), n_positions=("position_id", "count"))
        .reset_index()
    )
    out["max_loss"] = out["max_loss"].astype(float)
    return out


def book_review(book: Book, *, as_of: Any = None) -> BookReview:
    """Everything the book-review app shows, read in one consistent snapshot.

    Parameters
    ----------
    book : Book
        The book.
    as_of : str or date, optional
        Valuation time of the marks (default now, UTC).

    Returns
    -------
    BookReview

    Examples
    --------
    >>> review = book_review(Book(":memory:"))
    >>> review.needs_nav, review.marks.totals.n_open
    (True, 0)
    """
    with book.read():
        marks = mark_book(book, as_of=as_of)
        positions = positions_frame(book)
        history = marks_history(book)
        settings = get_settings(book)
    t = marks.totals
    now = pd.DataFrame(
        {
            "mark_time": [marks.as_of],
            "unrealized_mid": [t.unrealized_mid],
            "realized": [t.realized_pnl],
            "total": [t.income],
        }
    )
    if history.empty or str(history["mark_time"].iloc[-1]) < marks.as_of:
        history = now if history.empty else pd.concat([history, now], ignore_index=True)
    return BookReview(
        marks=marks,
        positions=positions,
        pnl_history=history,
        risk_by_expiry=risk_by_expiry(marks),
        settings=settings,
        needs_nav=marks.totals.nav is None,
    )
