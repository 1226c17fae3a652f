"""A demo book made from the bundled SYNTHETIC data (``tailkit book demo``).

Everything in it is **synthetic**: 25 business days of TLT closes and 20y/30y yields from
:func:`tailkit.data.synthetic.load_synthetic_history` (ending 2024-12-31) and, for each day, an
option chain from :func:`tailkit.synthetic.synthetic_option_chain` at that day's close.
So that the demo looks live on a fresh clone, all dates are moved forward by a whole number of
weeks (weekdays are kept) to end within the last week. The book gets a NAV of $1,000,000,
three credit spreads opened at the market (short leg at the bid, long leg at the ask), one of
them closed at the market later, a daily mark of every open position, and the audit events of
all of it; every position is tagged ``demo (synthetic)``.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from tailkit.book.market import add_snapshot, import_chain
from tailkit.book.marks import mark_book
from tailkit.book.nav import set_nav
from tailkit.book.positions import add_spread, close_position, spread_order
from tailkit.book.store import Book
from tailkit.book.transfer import book_is_empty
from tailkit.data import write_option_chain
from tailkit.data.synthetic import load_synthetic_history
from tailkit.errors import DataError
from tailkit.synthetic.chain import SyntheticChainParams, synthetic_option_chain

__all__ = ["make_demo_book", "fill_demo_book", "DEMO_TAG"]

DEMO_TAG = "demo (synthetic)"
N_DAYS = 25
REASON = "demo book from SYNTHETIC data (tailkit book demo)"


def _shift(last: pd.Timestamp) -> pd.Timedelta:
    today = pd.Timestamp(datetime.now(UTC).date())
    weeks = max((today - last).days // 7, 0)
    return pd.Timedelta(days=7 * weeks)


def _leg_quotes(chain: pd.DataFrame, kind: str, expiry: pd.Timestamp, strike: float) -> pd.Series:
    row = chain[(chain.option_type == kind) & (chain.expiration_date == expiry) & (chain.strike == strike)]
    return row.iloc[0]


def make_demo_book(path: str | os.PathLike[str] | None, *, force: bool = False) -> Book:
    """Fill a book with the SYNTHETIC demo (see the module docstring) and return it open.

    Parameters
    ----------
    path : str or PathLike or None
        The book file (``None``: :func:`~tailkit.book.store.book_path`); ``":memory:"`` works.
    force : bool, default=False
        Fill a book that already holds records (added to them). Without it, a non-empty book
        is an error.

    Returns
    -------
    Book
    """
    book = Book(path, actor="demo")
    if not force and not book_is_empty(book):
        book.close()
        raise DataError(f"{book.path}: the book already holds records; use --force or another --db")
    return fill_demo_book(book)


def fill_demo_book(book: Book) -> Book:
    """Add the SYNTHETIC demo's records to an open book and return it."""
    hist = load_synthetic_history().iloc[-N_DAYS:]
    shift = _shift(hist.index[-1])
    params = SyntheticChainParams(min_dte=1, max_dte=150)
    with tempfile.TemporaryDirectory() as tmp:
        for i, (day, row) in enumerate(hist.iterrows()):
            chain = synthetic_option_chain(float(row["tlt_close"]), day, params=params, seed=20241231 + i)
            chain["quote_date"] = chain["quote_date"] + shift
            chain["expiration_date"] = chain["expiration_date"] + shift
            f = Path(tmp) / f"synthetic_chain_{i:02d}.csv"
            write_option_chain(chain, f)
            when = (day + shift).strftime("%Y-%m-%dT16:00:00")
            if i == 0:
                set_nav(book, "1000000.00", time=when, note="demo (synthetic)", reason=REASON)
            add_snapshot(
                book,
                underlying_price=round(float(row["tlt_close"]), 2),
                time=when,
                yield_20y=round(float(row["yield_20y"]), 6),
                yield_30y=round(float(row["yield_30y"]), 6),
                reason=REASON,
            )
            import_chain(book, f, reason=REASON)
            if i in (0, 8):
                _open_demo_positions(book, chain, when, second=i == 8)
            if i == 16:
                _close_first(book, chain, when)
            mark_book(book, as_of=when, save=True, reason=REASON)
    return book


def _open_demo_positions(book: Book, chain: pd.DataFrame, when: str, *, second: bool) -> None:
    spot = float(chain["underlying_price"].iloc[0])
    expiries = sorted(chain["expiration_date"].unique())
    expiry = pd.Timestamp(expiries[1 if len(expiries) > 1 else 0])
    specs = (
        [("bull_put", round(spot * 0.95), 3.0)]
        if second
        else [("bull_put", round(spot * 0.93), 3.0), ("bear_call", round(spot * 1.06), 3.0)]
    )
    for strategy, short, width in specs:
        kind = "put" if strategy == "bull_put" else "call"
        long = short - width if kind == "put" else short + width
        s = _leg_quotes(chain, kind, expiry, float(short))
        lq = _leg_quotes(chain, kind, expiry, float(long))
        credit = round(float(s["bid"]) - float(lq["ask"]), 2)
        if credit <= 0:
            continue
        order = spread_order(
            strategy=strategy,
            short_strike=short,
            long_strike=long,
            expiry=expiry.date(),
            contracts=10,
            credit=credit,
            entry_underlying=spot,
            entry_iv=float(s["implied_vol"]),
            entry_delta=float(s["delta"]),
            commission=13.0,
            tag=DEMO_TAG,
            trade_date=when[:10],
        )
        add_spread(book, order, reason=REASON, opened_at=when)


def _close_first(book: Book, chain: pd.DataFrame, when: str) -> None:
    row = book.conn.execute("SELECT id FROM positions WHERE status = 'open' ORDER BY id LIMIT 1").fetchone()
    if row is None:
        return
    legs = book.conn.execute(
        "SELECT kind, strike_cents, expiry, quantity FROM legs WHERE position_id = ?", (row[0],)
    ).fetchall()
    cost = 0.0
    for kind, strike_c, expiry, qty in legs:
        q = _leg_quotes(chain, kind, pd.Timestamp(expiry), strike_c / 100.0)
        cost += -qty * (float(q["ask"]) if qty < 0 else float(q["bid"]))
    close_position(
        book,
        int(row[0]),
        exit_price=round(max(cost, 0.0), 2),
        exit_reason="manual",
        commission=13.0,
        reason=REASON,
        closed_at=when,
    )
