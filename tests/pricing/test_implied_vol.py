"""Implied volatility: round trips over a wide grid, bounds and status codes, never raising mid-batch."""

from __future__ import annotations

import numpy as np
import pytest

from tailkit.errors import ParameterError
from tailkit.pricing import IV_STATUS, ImpliedVolResult, bs_greeks, bs_price, implied_vol

#: documented accuracy floor: |vol error| <= 1e-9 wherever vega (per 1.00 vol) >= VEGA_FLOOR * spot
VEGA_FLOOR = 1e-6


def _grid(rate: float, div: float):
    S = 100.0
    m = np.exp(np.linspace(np.log(0.3), np.log(3.0), 31))
    T = np.array([1, 2, 7, 30, 91, 365, 3 * 365, 10 * 365]) / 365.0
    v = np.array([0.01, 0.03, 0.08, 0.15, 0.3, 0.6, 1.0, 2.0, 3.0])
    K, TT, V = (a.ravel() for a in np.meshgrid(S * m, T, v, indexing="ij"))
    return S, K, TT, V


@pytest.mark.parametrize("kind", ["call", "put"])
@pytest.mark.parametrize(("rate", "div"), [(0.0, 0.0), (0.05, 0.02), (-0.01, 0.03)])
def test_round_trip_over_moneyness_expiry_vol_grid(kind, rate, div):
    S, K, T, V = _grid(rate, div)
    price = bs_price(kind, S, K, T, rate, V, div)
    vega = bs_greeks(kind, S, K, T, rate, V, div).vega
    res = implied_vol(price, kind, S, K, T, rate, div)
    assert isinstance(res, ImpliedVolResult)
    good = vega >= VEGA_FLOOR * S
    assert good.sum() > 0.5 * good.size
    assert np.all(res.status[good] == 0)
    assert np.max(np.abs(res.vol[good] - V[good])) <= 1e-9
    # below the vega floor: any returned vol reproduces the price to rounding level
    ok = (res.status == 0) & ~good
    repriced = bs_price(kind, S, K[ok], T[ok], rate, res.vol[ok], div)
    assert np.all(np.abs(repriced - price[ok]) <= 1e-12 * S)
    # the rest failed only because the price sits on a no-arbitrage bound in double precision
    assert set(np.unique(res.status[~good]).tolist()) <= {0, 1, 2}
    assert res.n_failed == int(np.count_nonzero(res.status))


def test_deep_itm_and_short_expiry_examples():
    # one-day ITM put, deep ITM put, deep OTM 10-year call, 2-day deep ITM call at 300% vol, 1-week wing
    cases = [
        ("put", 104.0, 1 / 365, 0.3),
        ("put", 200.0, 0.5, 0.6),
        ("call", 300.0, 10.0, 0.25),
        ("call", 60.0, 2 / 365, 3.0),
        ("call", 160.0, 7 / 365, 1.5),
    ]
    for kind, K, T, v in cases:
        assert bs_greeks(kind, 100.0, K, T, 0.03, v, 0.01).vega >= VEGA_FLOOR * 100.0
        p = bs_price(kind, 100.0, K, T, 0.03, v, 0.01)
        res = implied_vol(p, kind, 100.0, K, T, 0.03, 0.01)
        assert res.status == 0 and abs(res.vol - v) < 1e-9


def test_hull_example_round_trip_scalar():
    # Hull, Example 15.6 call price 4.7594 (S=42, K=40, T=0.5, r=0.10) -> vol 0.20
    res = implied_vol(4.759422392871532, "c", 42.0, 40.0, 0.5, 0.10)
    assert isinstance(res.vol, float)
    assert res.vol == pytest.approx(0.20, abs=1e-12)
    assert res.converged is True and res.n_failed == 0


def test_out_of_bounds_give_nan_and_status_without_raising():
    S, K, T, r = 100.0, 90.0, 0.5, 0.05
    intrinsic = S - K * np.exp(-r * T)
    prices = np.array([intrinsic - 1.0, intrinsic, 5.0 + intrinsic, S, S + 1.0, -1.0, np.nan, 12.0])
    Ts = np.array([T, T, T, T, T, T, T, 0.0])
    res = implied_vol(prices, "call", S, K, Ts, r)
    assert res.status.dtype == np.int8
    assert res.status.tolist() == [1, 1, 0, 2, 2, 1, 4, 4]
    assert np.isnan(res.vol[[0, 1, 3, 4, 5, 6, 7]]).all()
    assert res.n_failed == 7
    assert res.converged.tolist() == [False, False, True, False, False, False, False, False]
    frame = res.to_frame()
    assert list(frame.columns) == ["vol", "status", "status_text"]
    assert frame.status_text[3] == IV_STATUS[2]


def test_put_upper_bound_and_bad_spot():
    # put upper bound K e^{-rT} = 95.12
    res = implied_vol([96.0, 1.0], "put", [100.0, -5.0], 100.0, 1.0, 0.05)
    assert res.status.tolist() == [2, 4]


def test_unknown_kind_and_bad_options_raise():
    with pytest.raises(ParameterError, match="kind"):
        implied_vol(1.0, "straddle", 100.0, 100.0, 1.0, 0.0)
    with pytest.raises(ParameterError, match="tol"):
        implied_vol(1.0, "call", 100.0, 100.0, 1.0, 0.0, tol=-1.0)
    with pytest.raises(ParameterError, match="max_iter"):
        implied_vol(1.0, "call", 100.0, 100.0, 1.0, 0.0, max_iter=0)


def test_max_iter_one_reports_not_converged():
    p = bs_price("call", 100.0, 250.0, 0.1, 0.0, 1.5)
    res = implied_vol(p, "call", 100.0, 250.0, 0.1, 0.0, max_iter=1)
    assert int(res.status) == 3 and np.isnan(res.vol)


@pytest.mark.parametrize("kind", ["call", "put"])
@pytest.mark.parametrize(("rate", "div"), [(0.0, 0.0), (0.05, 0.02), (-0.01, 0.03)])
def test_against_lets_be_rational_on_prices_from_no_model(kind, rate, div):
    # peer reference: Jaeckel's "Let's Be Rational" (py_lets_be_rational, machine-precision inversion
    # of the undiscounted Black price on the forward F = S e^{(r-q)T}). The prices are placed between
    # the no-arbitrage bounds by fractions of the time-value range, so no pricing formula (tailkit's or
    # anyone's) produced them; both inversions must agree wherever vega is above the documented floor.
    import py_lets_be_rational as lbr

    S = 100.0
    K, T, f = (
        a.ravel()
        for a in np.meshgrid(
            S * np.array([0.5, 0.8, 0.95, 1.0, 1.05, 1.25, 2.0]),
            np.array([7, 30, 91, 365, 5 * 365]) / 365.0,
            np.array([1e-4, 1e-3, 0.01, 0.05, 0.15, 0.3, 0.5]),
            indexing="ij",
        )
    )
    fwd_s, disc_k = S * np.exp(-div * T), K * np.exp(-rate * T)
    lower = np.maximum(fwd_s - disc_k, 0.0) if kind == "call" else np.maximum(disc_k - fwd_s, 0.0)
    upper = fwd_s if kind == "call" else disc_k
    price = lower + f * (upper - lower)
    q = 1.0 if kind == "call" else -1.0
    ref = np.array(
        [
            lbr.implied_volatility_from_a_transformed_rational_guess(
                p * np.exp(r_t), S * np.exp(r_t - d_t), k, t, q
            )
            for p, k, t, r_t, d_t in zip(price, K, T, rate * T, div * T, strict=True)
        ]
    )
    # vega at the reference vol, by hand: S e^{-qT} n(d1) sqrt(T)
    d1 = (np.log(S / K) + (rate - div + 0.5 * ref**2) * T) / (ref * np.sqrt(T))
    vega = fwd_s * np.exp(-0.5 * d1 * d1) / np.sqrt(2.0 * np.pi) * np.sqrt(T)
    good = np.isfinite(ref) & (vega >= VEGA_FLOOR * S)
    assert good.sum() > 0.8 * good.size
    res = implied_vol(price, kind, S, K, T, rate, div)
    assert np.all(res.status[good] == 0)
    np.testing.assert_allclose(res.vol[good], ref[good], rtol=0.0, atol=1e-9)
