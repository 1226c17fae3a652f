"""Credit-spread metrics: identities, probability of profit, Greeks and validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import ndtr

from tailkit.errors import ParameterError
from tailkit.pricing import CreditSpreadMetrics, bs_greeks, bs_price, credit_spread_metrics

MKT = {"spot": 100.0, "T": 30 / 365, "rate": 0.04, "vol": 0.20}


@pytest.mark.parametrize(("kind", "ks", "kl"), [("put", 95.0, 90.0), ("call", 105.0, 110.0)])
def test_identities(kind, ks, kl):
    m = credit_spread_metrics(kind, ks, kl, **MKT)
    assert isinstance(m, CreditSpreadMetrics)
    credit = bs_price(kind, 100.0, ks, MKT["T"], 0.04, 0.2) - bs_price(kind, 100.0, kl, MKT["T"], 0.04, 0.2)
    assert m.credit == pytest.approx(credit, rel=1e-14)
    assert m.width == 5.0
    assert m.max_profit == m.credit
    assert m.max_profit + m.max_loss == pytest.approx(m.width, rel=1e-15)
    assert m.breakeven == pytest.approx(ks - m.credit if kind == "put" else ks + m.credit)
    assert 0.0 <= m.pop <= 1.0
    # the structure prices to -credit and its expiry P&L is 0 at the breakeven
    assert m.structure.price(100.0, 0.04, 0.2) == pytest.approx(-m.credit, rel=1e-13)
    pnl = m.structure.pnl(m.breakeven, -m.credit, 0.04, 0.2, t=MKT["T"])
    assert pnl == pytest.approx(0.0, abs=1e-12)
    # Greeks of the short spread = long leg - short leg
    g_s = bs_greeks(kind, 100.0, ks, MKT["T"], 0.04, 0.2)
    g_l = bs_greeks(kind, 100.0, kl, MKT["T"], 0.04, 0.2)
    assert m.greeks.delta == pytest.approx(g_l.delta - g_s.delta, rel=1e-13)
    assert m.greeks.price == pytest.approx(-m.credit, rel=1e-13)
    d = m.to_dict()
    assert {"credit", "width", "max_profit", "max_loss", "breakeven", "pop", "delta", "theta"} <= set(d)


def test_pop_formula_and_drift():
    m = credit_spread_metrics("put", 95.0, 90.0, **MKT)
    T, v = MKT["T"], 0.2
    d = (math.log(100.0 / m.breakeven) + (0.04 - 0.5 * v * v) * T) / (v * math.sqrt(T))
    assert m.pop == pytest.approx(float(ndtr(d)), rel=1e-14)
    higher = credit_spread_metrics("put", 95.0, 90.0, **MKT, drift=0.30)
    assert higher.pop > m.pop and higher.credit == m.credit
    call = credit_spread_metrics("call", 105.0, 110.0, **MKT, drift=0.30)
    assert call.pop < credit_spread_metrics("call", 105.0, 110.0, **MKT).pop


def test_skew_vols_and_arrays():
    m = credit_spread_metrics("put", 95.0, 90.0, **MKT, short_vol=0.22, long_vol=0.26)
    want = bs_price("put", 100.0, 95.0, MKT["T"], 0.04, 0.22) - bs_price(
        "put", 100.0, 90.0, MKT["T"], 0.04, 0.26
    )
    assert m.credit == pytest.approx(want, rel=1e-14)
    assert m.structure.legs[0].vol == 0.22 and m.structure.legs[1].vol == 0.26
    arr = credit_spread_metrics("put", 95.0, 90.0, np.array([90.0, 100.0, 110.0]), MKT["T"], 0.04, 0.2)
    assert arr.credit.shape == (3,) and np.all(np.diff(arr.credit) < 0) and np.all(np.diff(arr.pop) > 0)


def test_expiry_zero_pop_is_a_step():
    above = credit_spread_metrics("put", 95.0, 90.0, 100.0, 0.0, 0.04, 0.2)
    below = credit_spread_metrics("put", 95.0, 90.0, 80.0, 0.0, 0.04, 0.2)
    assert above.pop == 1.0 and above.credit == 0.0
    assert below.pop == 0.0 and below.max_loss == pytest.approx(0.0)


def test_validation():
    with pytest.raises(ParameterError, match=r"short_strike.*above long_strike"):
        credit_spread_metrics("put", 90.0, 95.0, **MKT)
    with pytest.raises(ParameterError, match=r"short_strike.*below long_strike"):
        credit_spread_metrics("call", 110.0, 105.0, **MKT)
    with pytest.raises(ParameterError, match="kind"):
        credit_spread_metrics("strangle", 95.0, 90.0, **MKT)
    with pytest.raises(ParameterError, match=r"credit.*width"):
        credit_spread_metrics("put", 95.0, 90.0, 100.0, 1.0, 0.0, 0.2, short_vol=5.0, long_vol=0.01)
    with pytest.raises(ParameterError, match="vol"):
        credit_spread_metrics("put", 95.0, 90.0, 100.0, 1.0, 0.0, -0.2)
