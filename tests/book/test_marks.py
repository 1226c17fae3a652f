"""Marks against hand-computed values: mid/executable value and P&L, Greeks, DTE, exit signals, totals."""

from __future__ import annotations

import numpy as np
import pytest

from tailkit.book import (
    BookSettings,
    add_spread,
    close_position,
    get_exit_rules,
    import_chain,
    mark_book,
    marks_history,
    set_exit_rules,
    set_nav,
    set_settings,
    spread_order,
)
from tailkit.errors import ParameterError
from tailkit.overlay import ExitRules
from tailkit.pricing import bs_greeks

from .conftest import EXPIRY, QUOTE_DATE, write_chain

ORDER = dict(strategy="bull_put", short_strike=88, long_strike=85, expiry=EXPIRY, contracts=10, credit=0.62)


def _book_with(book, tmp_path, rows, **kw):
    pid = add_spread(book, spread_order(**ORDER))
    import_chain(book, write_chain(tmp_path / "chain.csv", rows, **kw))
    return pid


def test_mark_by_hand(book, tmp_path):
    _book_with(book, tmp_path, [("put", 88.0, 0.40, 0.44, 16.0), ("put", 85.0, 0.15, 0.17, 17.5)])
    marks = mark_book(book, as_of=QUOTE_DATE)
    r = marks.positions.iloc[0]
    # by hand: mid 0.42 - 0.16; executable: buy the short back at its ask, sell the long at its bid
    assert r.value_mid == pytest.approx(0.26)
    assert r.value_exec == pytest.approx(0.44 - 0.15)
    assert r.pnl_mid == pytest.approx((0.62 - 0.26) * 10 * 100)
    assert r.pnl_exec == pytest.approx((0.62 - 0.29) * 10 * 100)
    assert r.max_loss == pytest.approx((3.00 - 0.62) * 10 * 100)
    assert r.dte == 46 and bool(r.marked)
    # Greeks: the same Black-Scholes Greeks summed with the leg quantities (-1 short, +1 long) x 1000
    T, rate = 46 / 365, BookSettings().risk_free_rate
    g88 = bs_greeks("put", 90.0, 88.0, T, rate, 0.16)
    g85 = bs_greeks("put", 90.0, 85.0, T, rate, 0.175)
    assert r.delta == pytest.approx(1000 * (g85.delta - g88.delta), rel=1e-12)
    assert r.gamma == pytest.approx(1000 * (g85.gamma - g88.gamma), rel=1e-12)
    assert r.theta == pytest.approx(1000 * (g85.theta - g88.theta) / 365, rel=1e-12)
    assert r.vega == pytest.approx(1000 * (g85.vega - g88.vega) / 100, rel=1e-12)
    # P&L 0.62 - 0.26 - 0.03 closing cost = 0.33 >= 50% of 0.62
    assert r.signal == "profit_target" and "50% of max profit" in r.message
    assert marks.totals.n_signals == 1 and marks.totals.delta == pytest.approx(r.delta)


def test_loss_limit_and_dte_signals(book, tmp_path):
    _book_with(book, tmp_path, [("put", 88.0, 1.60, 1.70, 19.0), ("put", 85.0, 0.30, 0.34, 20.0)])
    r = mark_book(book, as_of=QUOTE_DATE).positions.iloc[0]
    assert r.value_mid == pytest.approx(1.33)  # >= 2 x 0.62
    assert r.signal == "loss_limit" and "1.2400" in r.message
    set_exit_rules(book, ExitRules(profit_target_pct=0.9, loss_multiple=3.0, dte_threshold=50))
    r = mark_book(book, as_of=QUOTE_DATE).positions.iloc[0]
    assert r.signal == "dte_threshold" and "46 days" in r.message
    set_exit_rules(book, ExitRules(profit_target_pct=0.9, loss_multiple=3.0, dte_threshold=7))
    assert mark_book(book, as_of=QUOTE_DATE).positions.iloc[0].signal is None
    assert get_exit_rules(book).dte_threshold == 7


def test_missing_quote_is_not_marked(book, tmp_path):
    _book_with(book, tmp_path, [("put", 88.0, 0.40, 0.44, 16.0)])
    marks = mark_book(book, as_of=QUOTE_DATE)
    r = marks.positions.iloc[0]
    assert not r.marked and np.isnan(r.pnl_mid) and r.signal is None and "no quote" in r.message
    assert marks.totals.n_marked == 0 and marks.totals.unrealized_mid == 0.0


def test_as_of_uses_quotes_up_to_that_day(book, tmp_path):
    _book_with(book, tmp_path, [("put", 88.0, 0.40, 0.44, 16.0), ("put", 85.0, 0.15, 0.17, 17.5)])
    later = [("put", 88.0, 0.20, 0.24, 16.0), ("put", 85.0, 0.05, 0.07, 17.5)]
    import_chain(book, write_chain(tmp_path / "later.csv", later, quote_date="2098-12-08"))
    assert mark_book(book, as_of=QUOTE_DATE).positions.iloc[0].value_mid == pytest.approx(0.26)
    late = mark_book(book, as_of="2098-12-08").positions.iloc[0]
    assert late.value_mid == pytest.approx(0.16) and late.dte == 39
    with pytest.raises(ParameterError, match="as_of"):
        mark_book(book, as_of="not a date")


def test_totals_and_loss_budget(book, tmp_path):
    pid = _book_with(book, tmp_path, [("put", 88.0, 0.40, 0.44, 16.0), ("put", 85.0, 0.15, 0.17, 17.5)])
    closed = add_spread(book, spread_order(**{**ORDER, "credit": 0.50, "contracts": 20}))
    close_position(book, closed, exit_price=1.50)  # realized (0.50 - 1.50) x 2000 = -2000
    set_nav(book, 1_000_000)
    t = mark_book(book, as_of=QUOTE_DATE).totals
    assert t.realized_pnl == -2000.0 and t.unrealized_mid == pytest.approx(360.0)
    assert t.income == pytest.approx(-1640.0)
    assert t.loss_budget == pytest.approx(0.5 * 0.0475 * 1_000_000)  # the overlay's 2.375% of NAV
    assert t.loss_budget_used == pytest.approx(1640.0 / 23_750.0)
    assert t.open_risk == pytest.approx(2380.0) and t.open_risk_to_budget == pytest.approx(2380 / 23_750)
    set_settings(book, BookSettings(base_yield=0.04, loss_budget_fraction=0.25))
    assert mark_book(book, as_of=QUOTE_DATE).totals.loss_budget == pytest.approx(0.25 * 0.04 * 1e6)
    assert pid == 1


def test_saved_marks_and_history(book, tmp_path):
    _book_with(book, tmp_path, [("put", 88.0, 0.40, 0.44, 16.0), ("put", 85.0, 0.15, 0.17, 17.5)])
    mark_book(book, as_of=QUOTE_DATE, save=True)
    mark_book(book, as_of=QUOTE_DATE, save=True)  # same time: replaced, not duplicated
    rows = book.conn.execute("SELECT position_id, mark_time, pnl_mid, signal FROM marks").fetchall()
    assert [tuple(r) for r in rows] == [(1, "2098-12-01T00:00:00", pytest.approx(360.0), "profit_target")]
    hist = marks_history(book)
    assert hist["total"].tolist() == pytest.approx([360.0])
    assert [r[0] for r in book.conn.execute("SELECT action FROM audit")].count("mark") == 2


def test_empty_book():
    from tailkit.book import Book

    marks = mark_book(Book(":memory:"))
    assert marks.totals.n_open == 0 and marks.totals.loss_budget is None and marks.positions.empty
