"""Black-Scholes-Merton prices and Greeks: textbook values, invariants, degenerate cases, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tailkit.errors import ParameterError
from tailkit.pricing import Greeks, bs_greeks, bs_price

# --------------------------------------------------------------------------- published values


def test_haug_generalized_bs_example():
    # Haug (2007), The Complete Guide to Option Pricing Formulas, 2nd ed., section 1.1.1:
    # S=60, K=65, T=0.25, r=0.08, b=r (no dividend), sigma=0.30 -> call 2.1334
    assert bs_price("call", 60.0, 65.0, 0.25, 0.08, 0.30) == pytest.approx(2.1334, abs=5e-5)


def test_haug_merton_dividend_example():
    # Haug (2007), section 1.1.1 (Merton 1973, continuous dividend yield):
    # S=100, K=95, T=0.5, r=0.10, q=0.05, sigma=0.20 -> put 2.4648
    assert bs_price("put", 100.0, 95.0, 0.5, 0.10, 0.20, div=0.05) == pytest.approx(2.4648, abs=5e-5)


def test_hull_example_15_6():
    # Hull, Options, Futures, and Other Derivatives, Example 15.6:
    # S=42, K=40, r=0.10, sigma=0.20, T=0.5 -> call 4.76, put 0.81
    assert bs_price("call", 42.0, 40.0, 0.5, 0.10, 0.20) == pytest.approx(4.76, abs=5e-3)
    assert bs_price("put", 42.0, 40.0, 0.5, 0.10, 0.20) == pytest.approx(0.81, abs=5e-3)


def test_hull_greeks_examples():
    # Hull, Options, Futures, and Other Derivatives, chapter "The Greek Letters" (Examples 19.1-19.6
    # in the 8th/9th editions): S=49, K=50, r=0.05, sigma=0.20, T=20 weeks = 0.3846 call:
    # delta 0.522, gamma 0.066, vega 12.1 (per unit vol), theta -4.31 (per year), rho 8.91
    g = bs_greeks("call", 49.0, 50.0, 0.3846, 0.05, 0.20)
    assert g.delta == pytest.approx(0.522, abs=5e-4)
    assert g.gamma == pytest.approx(0.066, abs=5e-4)
    assert g.vega == pytest.approx(12.1, abs=0.05)
    assert g.theta == pytest.approx(-4.31, abs=5e-3)
    assert g.rho == pytest.approx(8.91, abs=5e-3)
    assert g.vega_per_point() == pytest.approx(0.121, abs=5e-4)
    assert g.theta_per_day() == pytest.approx(-4.31 / 365, abs=1e-4)
    assert g.rho_per_bp() == pytest.approx(8.91e-4, abs=1e-6)


# --------------------------------------------------------------------------- shapes and types


def test_scalar_in_float_out_and_broadcasting():
    assert isinstance(bs_price("c", 100, 100, 1.0, 0.02, 0.2), float)
    g = bs_greeks("p", 100.0, 100.0, 1.0, 0.02, 0.2)
    assert all(isinstance(v, float) for v in g.to_dict().values())
    strikes = np.array([[80.0], [100.0], [120.0]])
    vols = np.array([0.1, 0.2, 0.3, 0.4])
    out = bs_price("call", 100.0, strikes, 1.0, 0.02, vols)
    assert out.shape == (3, 4)
    assert out[1, 2] == pytest.approx(bs_price("call", 100.0, 100.0, 1.0, 0.02, 0.3), rel=1e-15)
    g = bs_greeks(np.array(["call", "PUT", "c"]), 100.0, [90.0, 100.0, 110.0], 0.5, 0.01, 0.25)
    assert g.delta.shape == (3,)
    assert g.delta[1] < 0.0 < g.delta[0]
    frame = g.to_frame()
    assert list(frame.columns) == ["price", "delta", "gamma", "vega", "theta", "rho", "div_rho"]
    assert len(frame) == 3


def test_kind_spellings_and_large_string_arrays():
    ref_c = bs_price("call", 100.0, 105.0, 0.5, 0.03, 0.2)
    ref_p = bs_price("put", 100.0, 105.0, 0.5, 0.03, 0.2)
    for k in ("call", "c", "C", "Call", "CALL"):
        assert bs_price(k, 100.0, 105.0, 0.5, 0.03, 0.2) == ref_c
    kinds = np.array(["call", "Put", "c", "P", " call "] * 200)  # the padded one takes the slow path
    out = bs_price(kinds, 100.0, 105.0, 0.5, 0.03, 0.2)
    assert np.all(out[0::5] == ref_c) and np.all(out[1::5] == ref_p) and np.all(out[4::5] == ref_c)


# --------------------------------------------------------------------------- invariants

spot_st = st.floats(1.0, 500.0)
money_st = st.floats(0.3, 3.0)
t_st = st.floats(1.0 / 365.0, 10.0)
rate_st = st.floats(-0.02, 0.15)
div_st = st.floats(0.0, 0.10)
vol_st = st.floats(0.01, 3.0)


@given(spot_st, money_st, t_st, rate_st, div_st, vol_st)
def test_put_call_parity(S, m, T, r, q, v):
    K = S * m
    c = bs_price("call", S, K, T, r, v, q)
    p = bs_price("put", S, K, T, r, v, q)
    assert c - p == pytest.approx(S * math.exp(-q * T) - K * math.exp(-r * T), abs=1e-11 * (S + K))


@given(spot_st, money_st, t_st, rate_st, div_st, vol_st)
def test_price_bounds(S, m, T, r, q, v):
    K = S * m
    fs, fk = S * math.exp(-q * T), K * math.exp(-r * T)
    tol = 1e-12 * (S + K)
    c = bs_price("call", S, K, T, r, v, q)
    p = bs_price("put", S, K, T, r, v, q)
    assert max(fs - fk, 0.0) - tol <= c <= fs + tol
    assert max(fk - fs, 0.0) - tol <= p <= fk + tol


@given(spot_st, money_st, money_st, t_st, rate_st, div_st, vol_st)
def test_monotone_in_strike(S, m1, m2, T, r, q, v):
    k1, k2 = sorted((S * m1, S * m2))
    tol = 1e-12 * S
    assert bs_price("call", S, k1, T, r, v, q) >= bs_price("call", S, k2, T, r, v, q) - tol
    assert bs_price("put", S, k1, T, r, v, q) <= bs_price("put", S, k2, T, r, v, q) + tol


@given(spot_st, money_st, t_st, rate_st, div_st, vol_st, vol_st)
def test_monotone_in_vol(S, m, T, r, q, v1, v2):
    lo, hi = sorted((v1, v2))
    tol = 1e-12 * S
    for kind in ("call", "put"):
        assert bs_price(kind, S, S * m, T, r, lo, q) <= bs_price(kind, S, S * m, T, r, hi, q) + tol


@given(spot_st, money_st, t_st, t_st, st.floats(0.0, 0.15), vol_st)
def test_monotone_in_time(S, m, t1, t2, r, v):
    # a European call on a non-dividend stock with r >= 0 gains value with time; with r = q = 0 so do puts
    lo, hi = sorted((t1, t2))
    tol = 1e-12 * S
    assert bs_price("call", S, S * m, lo, r, v) <= bs_price("call", S, S * m, hi, r, v) + tol
    assert bs_price("put", S, S * m, lo, 0.0, v) <= bs_price("put", S, S * m, hi, 0.0, v) + tol


@pytest.mark.parametrize("kind", ["call", "put"])
@pytest.mark.parametrize(
    ("S", "K", "T", "r", "q", "v"), [(100, 100, 1.0, 0.05, 0.02, 0.2), (50, 70, 0.1, 0.01, 0.0, 0.6)]
)
def test_greeks_match_central_differences(kind, S, K, T, r, q, v):
    g = bs_greeks(kind, S, K, T, r, v, q)
    f = lambda **kw: bs_price(kind, **{"spot": S, "strike": K, "T": T, "rate": r, "vol": v, "div": q, **kw})  # noqa: E731
    h = 1e-4
    assert g.price == pytest.approx(f(), rel=1e-14)
    assert g.delta == pytest.approx((f(spot=S + h * S) - f(spot=S - h * S)) / (2 * h * S), abs=1e-7)
    hs = 1e-3 * S
    fd_gamma = (f(spot=S + hs) - 2 * f() + f(spot=S - hs)) / hs**2
    assert g.gamma == pytest.approx(fd_gamma, rel=1e-5)
    assert g.vega == pytest.approx((f(vol=v + h) - f(vol=v - h)) / (2 * h), rel=1e-7)
    assert g.theta == pytest.approx(-(f(T=T + h) - f(T=T - h)) / (2 * h), rel=1e-6)
    assert g.rho == pytest.approx((f(rate=r + h) - f(rate=r - h)) / (2 * h), rel=1e-7)
    assert g.div_rho == pytest.approx((f(div=q + h) - f(div=q - h)) / (2 * h), rel=1e-7)


def test_far_tail_prices_are_positive_and_tiny():
    # erfc-based normal CDF: a 10-sigma OTM option is priced, not rounded to 0 or negative
    p = bs_price("put", 100.0, 30.0, 0.25, 0.0, 0.2)
    assert 0.0 < p < 1e-20


# --------------------------------------------------------------------------- degenerate inputs


def test_expiry_zero_gives_intrinsic():
    assert bs_price("call", 110.0, 100.0, 0.0, 0.05, 0.2) == 10.0
    assert bs_price("put", 110.0, 100.0, 0.0, 0.05, 0.2) == 0.0
    g = bs_greeks("put", 90.0, 100.0, 0.0, 0.05, 0.2)
    assert (g.price, g.delta, g.gamma, g.vega, g.theta, g.rho) == (10.0, -1.0, 0.0, 0.0, 0.0, 0.0)
    assert bs_greeks("call", 100.0, 100.0, 0.0, 0.05, 0.2).delta == 0.5


def test_zero_vol_gives_discounted_forward_intrinsic():
    S, K, T, r, q = 100.0, 100.0, 1.0, 0.05, 0.01
    expected = S * math.exp(-q * T) - K * math.exp(-r * T)
    assert bs_price("call", S, K, T, r, 0.0, q) == pytest.approx(expected, rel=1e-15)
    assert bs_price("put", S, K, T, r, 0.0, q) == 0.0
    g = bs_greeks("call", S, K, T, r, 0.0, q)
    assert g.delta == pytest.approx(math.exp(-q * T)) and g.gamma == 0.0
    # the zero-vol price is the limit of small vols
    assert bs_price("call", S, K, T, r, 1e-9, q) == pytest.approx(expected, rel=1e-9)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"vol": -0.2}, ["vol", "-0.2", ">= 0"]),
        ({"T": -1.0}, ["T", "-1.0", ">= 0"]),
        ({"spot": 0.0}, ["spot", "0.0", "> 0"]),
        ({"strike": -5.0}, ["strike", "-5.0", "> 0"]),
        ({"strike": [100.0, float("nan")]}, ["strike", "nan", "finite"]),
        ({"kind": "straddle"}, ["kind", "straddle", "'call' or 'put'"]),
        ({"kind": ["call", "cal"] * 20}, ["kind", "'cal'", "'call' or 'put'"]),
        ({"rate": "abc"}, ["rate", "abc", "number"]),
    ],
)
def test_bad_inputs_raise_clear_errors(kwargs, words):
    args = {"kind": "call", "spot": 100.0, "strike": 100.0, "T": 1.0, "rate": 0.02, "vol": 0.2, **kwargs}
    for fn in (bs_price, bs_greeks):
        with pytest.raises(ParameterError) as info:
            fn(**args)
        for w in words:
            assert w in str(info.value)


def test_greeks_helpers_and_arithmetic():
    g = bs_greeks("call", 100.0, 100.0, 1.0, 0.02, 0.2)
    two = g + g
    assert isinstance(two, Greeks) and two.vega == pytest.approx(2 * g.vega)
    assert g.scaled(-1.0).delta == -g.delta
    assert g.theta_per_day(252.0) == pytest.approx(g.theta / 252.0)
