"""Black-76 on forwards: Haug's example, relation to BSM, Greeks w.r.t. the forward."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from tailkit.errors import ParameterError
from tailkit.pricing import black76_greeks, black76_price, bs_price


def test_haug_black76_example():
    # Haug (2007), The Complete Guide to Option Pricing Formulas, 2nd ed., section 1.1.2 (Black 1976):
    # F=19, K=19, T=0.75, r=0.10, sigma=0.28 -> call = put = 1.7011
    assert black76_price("call", 19.0, 19.0, 0.75, 0.10, 0.28) == pytest.approx(1.7011, abs=5e-5)
    assert black76_price("put", 19.0, 19.0, 0.75, 0.10, 0.28) == pytest.approx(1.7011, abs=5e-5)


def test_equals_bsm_with_cost_of_carry_zero():
    assert black76_price("put", 105.0, 100.0, 0.5, 0.04, 0.3) == pytest.approx(
        bs_price("put", 105.0, 100.0, 0.5, 0.04, 0.3, div=0.04), rel=1e-15
    )


@pytest.mark.parametrize("kind", ["call", "put"])
def test_greeks_wrt_forward_match_differences(kind):
    F, K, T, r, v = 105.0, 100.0, 0.5, 0.04, 0.3
    g = black76_greeks(kind, F, K, T, r, v)
    h = 1e-4
    f = lambda F=F, T=T, r=r, v=v: black76_price(kind, F, K, T, r, v)  # noqa: E731
    assert g.delta == pytest.approx((f(F=F + h) - f(F=F - h)) / (2 * h), rel=1e-7)
    assert g.vega == pytest.approx((f(v=v + h) - f(v=v - h)) / (2 * h), rel=1e-7)
    assert g.rho == pytest.approx((f(r=r + h) - f(r=r - h)) / (2 * h), rel=1e-7)
    assert g.rho == pytest.approx(-T * g.price, rel=1e-14)
    assert g.theta == pytest.approx(-(f(T=T + h) - f(T=T - h)) / (2 * h), rel=1e-6)
    assert g.div_rho == 0.0


@pytest.mark.parametrize("kind", ["call", "put"])
def test_delta_and_vega_closed_form_by_hand(kind):
    # reference: Black (1976) / Haug (2007) section 1.1.2 Greeks, written out here with the standard
    # normal of the stdlib: call delta = e^{-rT} N(d1), put delta = e^{-rT} (N(d1) - 1),
    # vega = F e^{-rT} n(d1) sqrt(T)
    F, K, T, r, v = 105.0, 100.0, 0.5, 0.04, 0.3
    n01 = NormalDist()
    d1 = (math.log(F / K) + 0.5 * v * v * T) / (v * math.sqrt(T))
    disc = math.exp(-r * T)
    delta = disc * (n01.cdf(d1) - (0.0 if kind == "call" else 1.0))
    g = black76_greeks(kind, F, K, T, r, v)
    assert g.delta == pytest.approx(delta, rel=1e-13)
    assert g.vega == pytest.approx(F * disc * n01.pdf(d1) * math.sqrt(T), rel=1e-13)


@pytest.mark.parametrize("kind", ["call", "put"])
@pytest.mark.parametrize(
    ("F", "K", "T", "r", "v"), [(105.0, 100.0, 0.5, 0.04, 0.3), (19.0, 19.0, 0.75, 0.10, 0.28)]
)
def test_price_delta_vega_against_quantlib(kind, F, K, T, r, v):
    # peer reference: QuantLib BlackCalculator (value, deltaForward, vega) on the same inputs
    import QuantLib as ql

    payoff = ql.PlainVanillaPayoff(ql.Option.Call if kind == "call" else ql.Option.Put, K)
    ref = ql.BlackCalculator(payoff, F, v * math.sqrt(T), math.exp(-r * T))
    g = black76_greeks(kind, F, K, T, r, v)
    assert g.price == pytest.approx(ref.value(), rel=1e-12)
    assert g.delta == pytest.approx(ref.deltaForward(), rel=1e-12)
    assert g.vega == pytest.approx(ref.vega(T), rel=1e-12)


def test_bad_forward():
    with pytest.raises(ParameterError, match="forward"):
        black76_price("call", -1.0, 100.0, 0.5, 0.04, 0.3)
