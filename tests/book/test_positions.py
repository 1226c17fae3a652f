"""Positions: validation (nothing written on bad input), add/close/roll, exact realized P&L."""

from __future__ import annotations

import pytest

from tailkit.book import add_spread, close_position, positions_frame, roll_position, spread_order
from tailkit.errors import ParameterError

from .conftest import EXPIRY, table_counts

GOOD = dict(strategy="bull_put", short_strike=88, long_strike=85, expiry=EXPIRY, contracts=10, credit=0.62)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"short_strike": 85, "long_strike": 88}, "bull put spread: expected short_strike > long_strike"),
        ({"strategy": "bear_call"}, "bear call spread: expected short_strike < long_strike"),
        ({"short_strike": 88, "long_strike": 88}, "short_strike > long_strike"),
        ({"expiry": "2001-01-19"}, "expiry='2001-01-19' is not allowed: expected a date after"),
        ({"expiry": "not a date"}, "expiry='not a date'"),
        ({"contracts": 0}, "contracts=0"),
        ({"contracts": -3}, "contracts=-3"),
        ({"contracts": 1.5}, "contracts=1.5"),
        ({"credit": 3.0}, "credit=3.0 is not allowed: expected a credit > 0 and < the width 3.00"),
        ({"credit": 3.5}, "width"),
        ({"credit": 0}, "credit=0"),
        ({"credit": -0.1}, "credit=-0.1"),
        ({"credit": 0.625}, "whole cents"),
        ({"credit": float("nan")}, "finite"),
        ({"short_strike": -88}, "short_strike=-88"),
        ({"strategy": "iron_condor"}, "strategy='iron_condor'"),
        ({"entry_iv": 16.2}, "entry_iv=16.2"),
        ({"entry_delta": -1.5}, "entry_delta=-1.5"),
    ],
)
def test_bad_orders_are_refused_and_nothing_written(book, change, match):
    before = table_counts(book)
    with pytest.raises(ParameterError, match=match):
        add_spread(book, spread_order(**{**GOOD, **change}))
    assert table_counts(book) == before


def test_add_writes_position_legs_fill_and_audit(book):
    order = spread_order(**GOOD, entry_underlying=90.12, entry_iv=0.162, entry_delta=-0.21, tag="core")
    pid = add_spread(book, order, reason="test")
    frame = positions_frame(book)
    row = frame.iloc[0]
    assert (pid, row.strategy, row.contracts, row.entry_price_cents, row.width_cents) == (
        1,
        "bull_put",
        10,
        62,
        300,
    )
    assert (row.short_strike, row.long_strike, row.expiry, row.status, row.tag) == (
        88.0,
        85.0,
        EXPIRY,
        "open",
        "core",
    )
    assert row.max_loss == pytest.approx((3.00 - 0.62) * 10 * 100)
    legs = book.conn.execute("SELECT kind, strike_cents, quantity, contract FROM legs ORDER BY id").fetchall()
    assert [tuple(x) for x in legs] == [
        ("put", 8800, -1, f"TLT {EXPIRY} P 88.00"),
        ("put", 8500, 1, f"TLT {EXPIRY} P 85.00"),
    ]
    audit = book.conn.execute("SELECT actor, action, object, reason FROM audit").fetchall()
    assert [tuple(a) for a in audit] == [("tester", "add", "position:1", "test")]


def test_bear_call_legs(book):
    pid = add_spread(
        book, spread_order(**{**GOOD, "strategy": "bear_call", "short_strike": 95, "long_strike": 98})
    )
    legs = book.conn.execute(
        "SELECT kind, strike_cents, quantity FROM legs WHERE position_id = ?", (pid,)
    ).fetchall()
    assert [tuple(x) for x in legs] == [("call", 9500, -1), ("call", 9800, 1)]


def test_close_realized_pnl_is_exact(book):
    # 0.1 + 0.2 style float trouble cannot happen: cents in, cents out
    pid = add_spread(book, spread_order(**{**GOOD, "credit": 0.3, "commission": 13.0}))
    pnl = close_position(book, pid, exit_price=0.1, commission=6.5, exit_reason="profit_target")
    assert pnl == (30 - 10) * 10 * 100 - 1300 - 650  # cents
    row = positions_frame(book).iloc[0]
    assert (row.status, row.exit_price_cents, row.exit_reason) == ("closed", 10, "profit_target")
    assert row.realized_pnl == pytest.approx(pnl / 100)
    fills = book.conn.execute(
        "SELECT action, price_cents, commission_cents FROM fills ORDER BY id"
    ).fetchall()
    assert [tuple(f) for f in fills] == [("open", 30, 1300), ("close", 10, 650)]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"exit_price": -0.01}, "exit_price"),
        ({"exit_price": 3.01}, "between 0 and the width 3.00"),
        ({"exit_price": 0.1, "exit_reason": "bored"}, "exit_reason='bored'"),
    ],
)
def test_bad_close_writes_nothing(book, kwargs, match):
    pid = add_spread(book, spread_order(**GOOD))
    before = table_counts(book)
    with pytest.raises(ParameterError, match=match):
        close_position(book, pid, **kwargs)
    assert table_counts(book) == before
    assert positions_frame(book).iloc[0].status == "open"


def test_close_twice_and_unknown_ids(book):
    pid = add_spread(book, spread_order(**GOOD))
    close_position(book, pid, exit_price=0.2)
    with pytest.raises(ParameterError, match="an open position \\(position 1 is closed\\)"):
        close_position(book, pid, exit_price=0.2)
    with pytest.raises(ParameterError, match="position_id=42"):
        close_position(book, 42, exit_price=0.2)


def test_roll_is_one_operation(book):
    pid = add_spread(book, spread_order(**GOOD))
    new = roll_position(
        book,
        pid,
        exit_price=0.4,
        order=spread_order(**{**GOOD, "short_strike": 86, "long_strike": 83, "credit": 0.7}),
    )
    frame = positions_frame(book).set_index("id")
    assert frame.loc[pid, "status"] == "rolled" and frame.loc[pid, "exit_reason"] == "roll"
    assert frame.loc[new, "status"] == "open" and frame.loc[new, "rolled_from"] == pid
    actions = [r[0] for r in book.conn.execute("SELECT action FROM audit ORDER BY id")]
    assert actions == ["add", "roll"]


def test_failed_audit_rolls_the_change_back(book, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    before = table_counts(book)
    monkeypatch.setattr(book, "record", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        add_spread(book, spread_order(**GOOD))
    assert table_counts(book) == before
