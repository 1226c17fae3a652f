"""Manual option quotes: validated before writing, stored exactly like an imported chain row, used by marks."""

from __future__ import annotations

import json

import pytest

from tailkit.book import add_snapshot, add_spread, import_chain, mark_book, spread_order
from tailkit.book.market import market_data, parse_contract
from tailkit.book.quotes import add_quote, add_quotes, manual_quote
from tailkit.errors import ParameterError
from tailkit.pricing import bs_price

from .conftest import EXPIRY, QUOTE_DATE, table_counts, write_chain

WHEN = f"{QUOTE_DATE}T16:00:00"


def _quote(book, **kw):
    args = {
        "contract": f"TLT {EXPIRY} P 88",
        "bid": 0.40,
        "ask": 0.44,
        "iv": 0.16,
        "underlying_price": 90,
        "time": WHEN,
    }
    args.update(kw)
    return manual_quote(book, **args)


def test_manual_quote_row_equals_the_imported_chain_row(book, tmp_path):
    # the same quote typed by hand and read from a chain file give the same quotes row
    # (apart from the id and the chain file it came from)
    add_quote(book, _quote(book, delta=-0.2))
    other = type(book)(tmp_path / "other.sqlite", actor="tester")
    import_chain(other, write_chain(tmp_path / "chain.csv", [("put", 88.0, 0.40, 0.44, 16.0)]))
    cols = "contract, quote_time, underlying, kind, strike_cents, expiry, underlying_cents, bid_cents, ask_cents, iv, delta"
    typed = book.conn.execute(f"SELECT {cols}, chain_file_id FROM quotes").fetchall()
    read = other.conn.execute(f"SELECT {cols} FROM quotes").fetchall()
    assert [tuple(r)[:-1] for r in typed] == [tuple(r) for r in read]
    assert typed[0]["chain_file_id"] is None
    other.close()


def test_manual_quote_is_audited_in_its_transaction(book):
    qid = add_quote(book, _quote(book), reason="phone quote")
    row = book.conn.execute("SELECT action, object, reason, payload, actor FROM audit").fetchone()
    assert (row["action"], row["object"], row["reason"], row["actor"]) == (
        "quote",
        f"quote:{qid}",
        "phone quote",
        "tester",
    )
    payload = json.loads(row["payload"])
    assert payload["bid"] == "0.40" and payload["ask"] == "0.44" and payload["source"] == "manual"


def test_contract_forms_agree():
    assert parse_contract("TLT 2099-01-16 P 88") == parse_contract("tlt 2099-01-16 put 88.00")
    assert parse_contract("TLT 2099-01-16 c 101.5")[2:] == ("call", 10150)


def test_fields_instead_of_a_contract(book):
    q = manual_quote(
        book, kind="p", strike="88", expiry=EXPIRY, bid=0.4, ask=0.44, iv=0.16, underlying_price=90, time=WHEN
    )
    assert q.contract == f"TLT {EXPIRY} P 88.00"


@pytest.mark.parametrize(
    ("kw", "names"),
    [
        ({"contract": "TLT 2099-01-16 X 88"}, "contract='TLT 2099-01-16 X 88'"),
        ({"contract": "TLT 88"}, "contract='TLT 88'"),
        ({"bid": 0.45, "ask": 0.40}, "ask=0.4"),
        ({"bid": 0.455}, "bid=0.455"),
        ({"bid": -0.01}, "bid=-0.01"),
        ({"bid": 0, "ask": 0}, "ask=0"),
        ({"iv": 16.0}, "iv=16.0"),
        ({"iv": "abc"}, "iv='abc'"),
        ({"delta": 1.5}, "delta=1.5"),
        ({"underlying_price": -90}, "underlying_price=-90"),
        ({"time": "2099-02-01"}, "expiry='2099-01-16'"),
        ({"time": "yesterday-ish"}, "time='yesterday-ish'"),
        ({"kind": "put"}, "contract="),
    ],
)
def test_bad_input_is_refused_naming_it_and_nothing_is_written(book, kw, names):
    before = table_counts(book)
    with pytest.raises(ParameterError, match="not allowed") as err:
        add_quote(book, _quote(book, **kw))
    assert names in str(err.value)
    assert "np.float64" not in str(err.value)
    assert table_counts(book) == before


def test_duplicate_quote_is_refused_and_a_batch_is_all_or_nothing(book):
    add_quote(book, _quote(book))
    before = table_counts(book)
    with pytest.raises(ParameterError, match="no quote of"):
        add_quote(book, _quote(book, bid=0.41))
    fresh = _quote(book, contract=f"TLT {EXPIRY} P 85", bid=0.15, ask=0.17)
    with pytest.raises(ParameterError, match="no quote of"):
        add_quotes(book, [fresh, _quote(book)])  # the second collides: the first is not kept
    with pytest.raises(ParameterError, match="given twice"):
        add_quotes(book, [fresh, fresh])
    assert table_counts(book) == before


def test_underlying_from_the_latest_snapshot_and_iv_implied_from_the_mid(book):
    with pytest.raises(ParameterError, match="no TLT snapshot"):
        _quote(book, underlying_price=None)
    add_snapshot(book, underlying_price=90.5, time=f"{QUOTE_DATE}T10:00:00")
    add_snapshot(book, underlying_price=91.0, time=f"{QUOTE_DATE}T17:00:00")  # after the quote: not used
    q = _quote(book, underlying_price=None, iv=None)
    assert (q.underlying_cents, q.underlying_source, q.iv_source) == (9050, "snapshot", "implied")
    # the implied vol reprices the mid (same Black-Scholes, rate and calendar-day clock as marks)
    T = 46 / 365.0  # QUOTE_DATE is 46 calendar days before EXPIRY (conftest)
    assert float(bs_price("put", 90.5, 88.0, T, 0.045, q.iv)) == pytest.approx(0.42, abs=1e-9)


def test_iv_that_cannot_be_implied_is_asked_for(book):
    # a put 88 with spot 80 is worth at least 88 e^{-rT} - 80 (about 7.5): a mid of 1.00 has no vol
    with pytest.raises(ParameterError, match=r"iv=None is not allowed.*lower no-arbitrage bound"):
        _quote(book, iv=None, bid=0.90, ask=1.10, underlying_price=80)


def test_marks_use_manual_quotes(book):
    order = spread_order(
        strategy="bull_put",
        short_strike=88,
        long_strike=85,
        expiry=EXPIRY,
        contracts=2,
        credit=0.62,
        trade_date=QUOTE_DATE,
    )
    add_spread(book, order, opened_at=WHEN)
    add_quotes(book, [_quote(book), _quote(book, contract=f"TLT {EXPIRY} P 85", bid=0.15, ask=0.17)])
    marks = mark_book(book, as_of=QUOTE_DATE)
    row = marks.positions.iloc[0]
    # value at mid = 0.42 - 0.16 = 0.26; at bid/ask = 0.44 - 0.15 = 0.29 (hand computed)
    assert (
        bool(row["marked"])
        and row["value_mid"] == pytest.approx(0.26)
        and row["value_exec"] == pytest.approx(0.29)
    )
    assert row["pnl_mid"] == pytest.approx((0.62 - 0.26) * 200)


def test_market_view_latest_and_history(book):
    assert market_data(book).latest is None and market_data(book).quotes.empty
    add_snapshot(book, underlying_price=90, yield_20y=0.044, yield_30y=0.046, time=f"{QUOTE_DATE}T09:00:00")
    add_snapshot(book, underlying_price=90.5, time=f"{QUOTE_DATE}T10:00:00")
    add_quote(book, _quote(book, time=f"{QUOTE_DATE}T11:00:00"))
    add_quote(book, _quote(book, bid=0.38, ask=0.41))
    m = market_data(book)
    assert m.latest["underlying_price"] == 90.5 and m.latest["yield_20y"] is None
    assert m.latest_yields["yield_20y"] == pytest.approx(0.044)
    assert list(m.snapshots["underlying_price"]) == [90.0, 90.5]
    assert len(m.quotes) == 1  # the latest quote per contract
    q = m.quotes.iloc[0]
    assert (q["bid"], q["ask"], q["mid"], q["source"], q["n_quotes"]) == (0.38, 0.41, 0.395, "manual", 2)
    hist = market_data(book, contract=f"TLT {EXPIRY} P 88").quotes
    assert list(hist["bid"]) == [0.40, 0.38]
    assert json.loads(json.dumps(m.to_dict()))["latest"]["time"] == f"{QUOTE_DATE}T10:00:00"
