"""The book-review app's parameters and its one view of the book.

:class:`BookReviewParams` is the ``parameters`` cell of ``notebooks/apps/book_review.ipynb``;
:func:`open_review_book` opens (and for a demo, fills) the book it names; :func:`book_review`
gathers everything the app shows in one consistent read: marks of the open positions with
their exit signals, the book totals, all positions, the P&L history of the saved marks, the
open risk by expiry, and the alerts: the alert rules of :mod:`tailkit.book.alerts` evaluated on
these marks (as ``tailkit book alerts`` evaluates them, without storing anything) and the
stored alerts nobody has acknowledged yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tailkit.book.alerts import Alert, exit_signal_alerts, loss_budget_alert, open_alerts
from tailkit.book.marks import BookMarks, mark_book, marks_history
from tailkit.book.params import AlertRuleParams
from tailkit.book.positions import SpreadOrder, contract_key, positions_frame
from tailkit.book.settings import BookSettings, get_settings
from tailkit.book.store import Book
from tailkit.book.transfer import book_is_empty
from tailkit.inputs import expiry_warning
from tailkit.overlay.exits import ExitRules
from tailkit.params import param, validate

__all__ = [
    "BookReviewParams",
    "BookReview",
    "MarketHeader",
    "open_review_book",
    "book_review",
    "risk_by_expiry",
    "market_header",
    "order_warnings",
    "CREDIT_WARN_ABS",
    "CREDIT_WARN_REL",
    "LOSS_BUDGET_ALERT_THRESHOLD",
]

#: an entry credit is "far from the mid" when it differs from the latest quotes' mid credit by
#: more than the larger of this many dollars per share ...
CREDIT_WARN_ABS = 0.10
#: ... and this fraction of that mid credit (1.00 against a 0.045 mid is far; 1.10 against 1.00 is not)
CREDIT_WARN_REL = 0.5
#: the loss-budget alert fires at this fraction of the budget used (the default of ``tailkit book alerts``)
LOSS_BUDGET_ALERT_THRESHOLD = AlertRuleParams().loss_budget_threshold


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
class MarketHeader:
    """Where the book's market data comes from: shown at the top of the app.

    Attributes
    ----------
    underlying : str
        The underlying of the latest price (``"TLT"``), ``""`` when the book has no market data.
    last_price : float or None
        Its latest price (USD).
    quote_time : str
        When that price was recorded (ISO text as stored).
    source : str
        ``"option chain <file>"`` or ``"manual snapshot"``; ``""`` without data.
    synthetic : bool
        The data (or the positions) are SYNTHETIC: a demo book, a chain file named synthetic or
        positions tagged synthetic.
    """

    underlying: str
    last_price: float | None
    quote_time: str
    source: str
    synthetic: bool


def market_header(book: Book, *, demo: bool = False) -> MarketHeader:
    """The latest underlying price, its time and source, and whether the data is SYNTHETIC.

    Examples
    --------
    >>> market_header(Book(":memory:")).last_price is None
    True
    """
    snap = book.conn.execute(
        "SELECT underlying, underlying_cents, time, source FROM snapshots ORDER BY time DESC, id DESC LIMIT 1"
    ).fetchone()
    chain = book.conn.execute(
        "SELECT path FROM chain_files ORDER BY imported_at DESC, id DESC LIMIT 1"
    ).fetchone()
    tags = [str(r[0]).lower() for r in book.conn.execute("SELECT DISTINCT tag FROM positions").fetchall()]
    chain_name = str(chain[0]).replace("\\", "/").rsplit("/", 1)[-1] if chain else ""
    synthetic = demo or "synthetic" in chain_name.lower() or any("synthetic" in t for t in tags)
    if snap is None:
        return MarketHeader("", None, "", "", synthetic)
    source = f"option chain {chain_name}" if snap[3] == "chain" and chain_name else f"{snap[3]} snapshot"
    return MarketHeader(str(snap[0]), int(snap[1]) / 100.0, str(snap[2]), source, synthetic)


def order_warnings(book: Book, order: SpreadOrder) -> list[str]:
    """What to check before an order is written: an expiry with no trading, a credit far from the mid.

    The mid credit is the short leg's latest mid minus the long leg's (quotes of the same
    contracts, :func:`tailkit.book.positions.contract_key`); it is "far" when the difference
    exceeds ``max(CREDIT_WARN_ABS, CREDIT_WARN_REL * mid)``. Without quotes for both legs
    nothing is said about the credit.

    Returns
    -------
    list of str
        One sentence per warning; empty when the order looks as expected.
    """
    out = []
    day_note = expiry_warning(order.expiry)
    if day_note:
        out.append(f"expiry {day_note}")
    mids = []
    for strike in (order.short_strike_cents, order.long_strike_cents):
        key = contract_key(order.underlying, order.kind, strike, order.expiry)
        row = book.conn.execute(
            "SELECT bid_cents, ask_cents, quote_time FROM quotes WHERE contract = ? "
            "ORDER BY quote_time DESC LIMIT 1",
            (key,),
        ).fetchone()
        if row is None:
            return out
        mids.append(((int(row[0]) + int(row[1])) / 200.0, str(row[2])))
    mid = mids[0][0] - mids[1][0]
    credit = order.credit_cents / 100.0
    if abs(credit - mid) > max(CREDIT_WARN_ABS, CREDIT_WARN_REL * abs(mid)):
        out.append(
            f"credit {credit:.2f} is far from the latest mid credit {mid:.3f} "
            f"(quotes of {mids[0][1][:16].replace('T', ' ')}): check the price per share"
        )
    return out


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
    header : MarketHeader
        Underlying, last price, quote time, data source and the SYNTHETIC flag.
    alerts : tuple of Alert
        The alert rules on these marks, most severe first: one ``exit_signal`` alert per open
        position with an exit signal, and ``loss_budget`` when the loss budget used reaches
        the threshold (:data:`LOSS_BUDGET_ALERT_THRESHOLD` unless given). Not stored.
    open_alerts : DataFrame
        Stored alerts not yet acknowledged (:func:`tailkit.book.alerts.open_alerts`: ``id``,
        ``raised_at``, ``severity``, ``rule``, ``key``, ``message``), raised by ``tailkit book alerts``.
    """

    marks: BookMarks
    positions: pd.DataFrame
    pnl_history: pd.DataFrame
    risk_by_expiry: pd.DataFrame
    settings: BookSettings
    needs_nav: bool
    header: MarketHeader
    alerts: tuple[Alert, ...] = ()
    open_alerts: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def commissions(self) -> float:
        """Commissions paid on every position so far (entry and exit), USD."""
        if self.positions.empty:
            return 0.0
        return float(self.positions["commission_cents"].sum()) / 100.0

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
            "alerts": [a.to_dict() for a in self.alerts],
            "n_open_alerts": len(self.open_alerts),
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


_SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}


def book_review(
    book: Book,
    *,
    as_of: Any = None,
    demo: bool = False,
    loss_budget_threshold: float = LOSS_BUDGET_ALERT_THRESHOLD,
) -> BookReview:
    """Everything the book-review app shows, read in one consistent snapshot.

    Parameters
    ----------
    book : Book
        The book.
    as_of : str or date, optional
        Valuation time of the marks (default now, UTC).
    demo : bool, default=False
        The book is the SYNTHETIC demo (the header says so even before any data is read).
    loss_budget_threshold : float, default=LOSS_BUDGET_ALERT_THRESHOLD
        Fraction of the loss budget used at which the ``loss_budget`` alert fires, in (0, 1].

    Returns
    -------
    BookReview

    Examples
    --------
    >>> review = book_review(Book(":memory:"))
    >>> review.needs_nav, review.marks.totals.n_open, review.alerts
    (True, 0, ())
    """
    with book.read():
        marks = mark_book(book, as_of=as_of)
        positions = positions_frame(book)
        history = marks_history(book)
        settings = get_settings(book)
        header = market_header(book, demo=demo)
        stored = open_alerts(book)
    alerts = exit_signal_alerts(marks) + loss_budget_alert(marks, threshold=loss_budget_threshold)
    alerts.sort(key=lambda a: _SEVERITY_RANK[a.severity])  # stable: rule order within a severity
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
        header=header,
        alerts=tuple(alerts),
        open_alerts=stored,
    )
