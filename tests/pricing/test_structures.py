"""Leg / Structure valuation and the common constructors."""

from __future__ import annotations

import numpy as np
import pytest

from tailkit.errors import ParameterError
from tailkit.pricing import (
    Greeks,
    Leg,
    Structure,
    bear_call_spread,
    bs_greeks,
    bs_price,
    bull_put_spread,
    call_spread,
    collar,
    long_call,
    long_put,
    put_spread,
    short_call,
    short_put,
)

MKT = {"rate": 0.04, "vol": 0.22, "div": 0.01}


def test_structure_price_is_sum_of_legs_and_vectorized_over_spot():
    s = put_spread(100.0, 90.0, 0.5)
    spots = np.array([80.0, 95.0, 110.0])
    expected = bs_price("put", spots, 100.0, 0.5, **MKT) - bs_price("put", spots, 90.0, 0.5, **MKT)
    np.testing.assert_allclose(s.price(spots, **MKT), expected, rtol=1e-14)
    assert isinstance(s.price(100.0, **MKT), float)
    g = s.greeks(100.0, **MKT)
    assert isinstance(g, Greeks) and isinstance(g.delta, float)
    g1 = bs_greeks("put", 100.0, 100.0, 0.5, **MKT)
    g2 = bs_greeks("put", 100.0, 90.0, 0.5, **MKT)
    assert g.delta == pytest.approx(g1.delta - g2.delta, rel=1e-14)
    assert g.vega == pytest.approx(g1.vega - g2.vega, rel=1e-14)


def test_elapsed_time_and_leg_vols():
    legs = (Leg("put", 95.0, -1.0, 0.25, vol=0.30), Leg("P", 90.0, 1.0, 0.25, vol=0.35))
    s = Structure(legs, name="skewed")
    assert s.legs[1].kind == "put"
    at_t = s.price(100.0, 0.04, None, t=0.1)
    expected = -bs_price("put", 100.0, 95.0, 0.15, 0.04, 0.30) + bs_price(
        "put", 100.0, 90.0, 0.15, 0.04, 0.35
    )
    assert at_t == pytest.approx(expected, rel=1e-14)
    # at expiry the value is the payoff
    spots = np.array([85.0, 92.0, 99.0])
    np.testing.assert_allclose(s.price(spots, 0.04, None, t=0.25), s.payoff(spots), atol=1e-14)
    assert s.pnl(92.0, entry_value=-1.0, rate=0.04, vol=None, t=0.25) == pytest.approx(s.payoff(92.0) + 1.0)


def test_payoffs_of_constructors():
    S = np.array([70.0, 90.0, 95.0, 100.0, 120.0])
    np.testing.assert_allclose(bull_put_spread(95.0, 90.0, 1.0).payoff(S), [-5.0, -5.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(bear_call_spread(95.0, 100.0, 1.0).payoff(S), [0.0, 0.0, 0.0, -5.0, -5.0])
    np.testing.assert_allclose(put_spread(100.0, 90.0, 1.0).payoff(S), [10.0, 10.0, 5.0, 0.0, 0.0])
    np.testing.assert_allclose(call_spread(90.0, 100.0, 1.0).payoff(S), [0.0, 0.0, 5.0, 10.0, 10.0])
    np.testing.assert_allclose(collar(90.0, 110.0, 1.0).payoff(S), [20.0, 0.0, 0.0, 0.0, -10.0])
    hedged = collar(90.0, 110.0, 1.0, include_underlying=True)
    np.testing.assert_allclose(hedged.payoff(S), [90.0, 90.0, 95.0, 100.0, 110.0])
    assert hedged.greeks(100.0, **MKT).delta == pytest.approx(
        1.0 + collar(90.0, 110.0, 1.0).greeks(100.0, **MKT).delta
    )
    assert long_call(100.0, 1.0).payoff(120.0) == 20.0
    assert long_put(100.0, 1.0, quantity=2.0).payoff(90.0) == 20.0
    assert short_call(100.0, 1.0).payoff(120.0) == -20.0
    assert short_put(100.0, 1.0).payoff(90.0) == -10.0


def test_constructor_and_leg_validation():
    with pytest.raises(ParameterError, match="short_strike"):
        bull_put_spread(90.0, 95.0, 1.0)
    with pytest.raises(ParameterError, match="long_strike"):
        bear_call_spread(100.0, 95.0, 1.0)
    with pytest.raises(ParameterError, match="call_strike"):
        collar(110.0, 90.0, 1.0)
    with pytest.raises(ParameterError, match="kind"):
        Leg("straddle", 100.0, 1.0, 1.0)
    with pytest.raises(ParameterError, match="strike"):
        Leg("call", -1.0, 1.0, 1.0)
    with pytest.raises(ParameterError, match="legs"):
        Structure(())
    s = Structure((Leg("call", 100.0, 1.0, 0.5), Leg("call", 100.0, -1.0, 1.0)))
    with pytest.raises(ParameterError, match="common expiry"):
        s.payoff(100.0)
    with pytest.raises(ParameterError, match=r"t=0\.7"):
        s.price(100.0, 0.0, 0.2, t=0.7)
    with pytest.raises(ParameterError, match="vol"):
        s.price(100.0, 0.0, None)
