"""The VaR/ES and exposure limit rule: the book's one-day full-revaluation VaR/ES checked against a
revaluation written out here (closed-form Black-Scholes per scenario, tailkit.pricing.bs_price) and the
house tail convention (tailkit._tail.tail_risk), on both backends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tailkit._tail import tail_risk
from tailkit.book import add_spread, import_chain, mark_book, spread_order
from tailkit.book.alerts import evaluate_rules
from tailkit.book.params import AlertRuleParams
from tailkit.book.risk_limits import MIN_SCENARIOS, book_risk, daily_returns, risk_limit_alerts
from tailkit.book.settings import get_settings
from tailkit.pricing import bs_price

from .conftest import EXPIRY, QUOTE_DATE, write_chain

ORDER = dict(strategy="bull_put", short_strike=88, long_strike=85, expiry=EXPIRY, contracts=2, credit=0.62)
CHAIN = [("put", 88.0, 0.60, 0.64, 19.0), ("put", 85.0, 0.20, 0.24, 21.0)]


def _history(book, n: int) -> np.ndarray:
    """n daily closes before the quote date (several snapshots on the last day: the last one counts)."""
    days = pd.bdate_range(end="2098-11-30", periods=n)
    closes = np.round(9000 * np.exp(np.cumsum(np.random.default_rng(3).normal(0, 0.012, n)))).astype(int)
    with book.transaction() as conn:
        conn.executemany(
            "INSERT INTO snapshots (time, underlying, underlying_cents, source) VALUES (?, 'TLT', ?, 'test')",
            [(f"{d.date().isoformat()}T16:00:00", int(c)) for d, c in zip(days, closes, strict=True)]
            + [(f"{days[-1].date().isoformat()}T10:00:00", 1)],  # earlier the same day: not the close
        )
    return closes


def test_var_es_equal_a_revaluation_written_out(book, tmp_path):
    add_spread(book, spread_order(**ORDER))
    import_chain(book, write_chain(tmp_path / "chain.csv", CHAIN))  # underlying 90.00 on QUOTE_DATE
    closes = _history(book, 60)
    marks = mark_book(book, as_of=QUOTE_DATE)
    risk = book_risk(book, marks, confidence=0.95)
    # the returns: closes of the 60 days (+ the chain's own snapshot at 90.00 on QUOTE_DATE)
    want_r = np.diff(np.append(closes, 9000).astype(float)) / np.append(closes, 9000)[:-1]
    np.testing.assert_allclose(daily_returns(book, "TLT", until=QUOTE_DATE + "T23:59:59"), want_r, rtol=1e-12)
    rate = get_settings(book).risk_free_rate
    T = 46 / 365.0  # QUOTE_DATE -> EXPIRY: 46 calendar days
    dt = 1 / 252.0
    pnl = np.zeros(len(want_r))
    for strike, vol, qty in ((88.0, 0.19, -200.0), (85.0, 0.21, 200.0)):
        today = bs_price("put", 90.0, strike, T, rate, vol)
        pnl += qty * (bs_price("put", 90.0 * (1 + want_r), strike, T - dt, rate, vol) - today)
    want = tail_risk(-pnl, confidence=0.95)
    assert risk.n_scenarios == len(want_r) and risk.n_legs == 2 and risk.n_unquoted == 0
    assert risk.var == pytest.approx(want.var, rel=1e-9) and risk.es == pytest.approx(want.es, rel=1e-9)
    assert risk.exposure == pytest.approx((3.0 - 0.62) * 200)  # (width - credit) x 2 contracts x 100
    # the rule: limits just below and just above
    assert [a.key for a in risk_limit_alerts(risk, var_limit=risk.var * 0.99)] == ["risk_limit:var"]
    assert risk_limit_alerts(risk, var_limit=risk.var * 1.01, es_limit=risk.es * 1.01) == []
    rules = AlertRuleParams(
        var_limit=risk.var * 2, es_limit=risk.es * 0.5, exposure_limit=100.0, confidence=0.95
    )
    found = [a for a in evaluate_rules(book, marks, rules, now=QUOTE_DATE) if a.rule == "risk_limit"]
    assert [a.key for a in found] == ["risk_limit:es", "risk_limit:exposure"]
    assert found[0].severity == "critical" and f"{risk.es:,.2f}" in found[0].message


def test_too_little_history_gives_no_var_and_no_alert(book, tmp_path):
    add_spread(book, spread_order(**ORDER))
    import_chain(book, write_chain(tmp_path / "chain.csv", CHAIN))
    _history(book, MIN_SCENARIOS - 2)
    marks = mark_book(book, as_of=QUOTE_DATE)
    risk = book_risk(book, marks)
    assert risk.var is None and risk.es is None and risk.n_scenarios == MIN_SCENARIOS - 2
    assert risk_limit_alerts(risk, var_limit=0.01, es_limit=0.01) == []
