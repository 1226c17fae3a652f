"""Sizing: fractional Kelly capped by % of NAV at risk, against the closed form f* = (p b - q) / b."""

from __future__ import annotations

import pytest

from tailkit.book import set_nav
from tailkit.book.sizing import size_trade
from tailkit.errors import ParameterError


def test_cap_binds():
    # b = 0.60 / 2.40 = 0.25; f* = (0.85 * 0.25 - 0.15) / 0.25 = 0.25 (closed form)
    r = size_trade(
        None, credit=0.60, width=3.0, pop=0.85, nav=1_000_000, kelly_fraction=0.25, max_risk_pct=0.02
    )
    assert r.win_loss_ratio == pytest.approx(0.25) and r.size.kelly == pytest.approx(0.25)
    assert r.size.fraction == pytest.approx(0.02)  # 0.25 x 0.25 = 6.25% of NAV, capped at 2%
    assert (r.contracts, r.binding) == (83, "cap")  # floor(20000 / 240)
    assert r.size.capital_at_risk == pytest.approx(83 * 240)


def test_kelly_binds_and_no_edge():
    # f* = (0.82 * 0.25 - 0.18) / 0.25 = 0.10 -> 0.1 x 0.10 x 1e6 = 10,000 < 20,000 cap
    r = size_trade(
        None, credit=0.60, width=3.0, pop=0.82, nav=1_000_000, kelly_fraction=0.1, max_risk_pct=0.02
    )
    assert r.size.kelly == pytest.approx(0.10) and r.binding == "kelly" and r.contracts == 41
    r = size_trade(None, credit=0.60, width=3.0, pop=0.70, nav=1_000_000)
    assert (r.contracts, r.binding) == (0, "no edge") and "no edge" in r.summary()


def test_uses_book_nav_and_settings(book):
    with pytest.raises(ParameterError, match="nav is not set"):
        size_trade(book, credit=0.6, width=3.0, pop=0.85)
    set_nav(book, "2,000,000")
    r = size_trade(book, credit=0.6, width=3.0, pop=0.85)
    assert r.size.nav == 2_000_000 and r.contracts == 166  # 2% of 2M / 240


@pytest.mark.parametrize(
    "kwargs",
    [
        {"credit": 3.0, "width": 3.0, "pop": 0.8},
        {"credit": 0.5, "width": 3.0, "pop": 1.2},
        {"credit": 0.5, "width": 3.0, "pop": 0.8, "kelly_fraction": 0.0},
        {"credit": 0.5, "width": 3.0, "pop": 0.8, "win_loss_ratio": -1.0},
    ],
)
def test_bad_inputs(kwargs):
    with pytest.raises(ParameterError):
        size_trade(None, nav=1e6, **kwargs)
