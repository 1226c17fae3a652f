"""Merton (1976) jump diffusion: limits, an independent Poisson-mixture sum and Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import ndtr
from scipy.stats import poisson

from tailkit.errors import ParameterError
from tailkit.pricing import bs_price, merton_jump_price
from tailkit.rng import make_generator


def _direct_mixture(kind, S, K, T, r, q, v, lam, mu, delta, n_terms=200):
    """Hull's form: sum_n Poisson(n; lam' T) BS(S, K, T, r_n, sigma_n, q), lam' = lam (1 + k)."""
    k = math.exp(mu + 0.5 * delta**2) - 1.0
    lam_p = lam * (1.0 + k)
    n = np.arange(n_terms)
    w = poisson.pmf(n, lam_p * T)
    sig_n = np.sqrt(v**2 + n * delta**2 / T)
    r_n = r - lam * k + n * math.log(1.0 + k) / T
    sign = 1.0 if kind == "call" else -1.0
    d1 = (np.log(S / K) + (r_n - q + 0.5 * sig_n**2) * T) / (sig_n * math.sqrt(T))
    d2 = d1 - sig_n * math.sqrt(T)
    bs = sign * (S * math.exp(-q * T) * ndtr(sign * d1) - K * np.exp(-r_n * T) * ndtr(sign * d2))
    return float(np.sum(w * bs))


def test_zero_intensity_is_black_scholes():
    args = (100.0, np.array([70.0, 100.0, 130.0]), 0.75, 0.04, 0.25)
    for kind in ("call", "put"):
        m = merton_jump_price(kind, *args, 0.0, -0.2, 0.15, div=0.01)
        np.testing.assert_allclose(m, bs_price(kind, *args, div=0.01), rtol=1e-14)
    # zero jump size also reduces to Black-Scholes
    m = merton_jump_price("put", 100.0, 90.0, 0.5, 0.03, 0.2, 3.0, 0.0, 0.0)
    assert m == pytest.approx(bs_price("put", 100.0, 90.0, 0.5, 0.03, 0.2), rel=1e-13)


@pytest.mark.parametrize("kind", ["call", "put"])
@pytest.mark.parametrize(
    ("K", "T", "lam", "mu", "delta"),
    [(80.0, 0.25, 0.5, -0.15, 0.10), (100.0, 1.0, 1.0, -0.05, 0.30), (130.0, 2.0, 5.0, 0.02, 0.05)],
)
def test_matches_independent_poisson_mixture(kind, K, T, lam, mu, delta):
    S, r, q, v = 100.0, 0.03, 0.01, 0.18
    ours = merton_jump_price(kind, S, K, T, r, v, lam, mu, delta, div=q)
    assert ours == pytest.approx(
        _direct_mixture(kind, S, K, T, r, q, v, lam, mu, delta), rel=1e-12, abs=1e-13
    )


def test_put_call_parity_holds_with_jumps():
    S, K, T, r, q = 100.0, 95.0, 0.8, 0.04, 0.015
    c = merton_jump_price("call", S, K, T, r, 0.2, 2.0, -0.1, 0.2, div=q)
    p = merton_jump_price("put", S, K, T, r, 0.2, 2.0, -0.1, 0.2, div=q)
    assert c - p == pytest.approx(S * math.exp(-q * T) - K * math.exp(-r * T), abs=1e-11)


def test_monte_carlo_agrees():
    S, K, T, r, q, v, lam, mu, delta = 100.0, 85.0, 0.5, 0.03, 0.0, 0.15, 1.5, -0.12, 0.10
    rng = make_generator(20240601)
    n = 400_000
    k = math.exp(mu + 0.5 * delta**2) - 1.0
    jumps = rng.poisson(lam * T, n)
    log_st = (
        math.log(S)
        + (r - q - lam * k - 0.5 * v**2) * T
        + v * math.sqrt(T) * rng.standard_normal(n)
        + jumps * mu
        + delta * np.sqrt(jumps) * rng.standard_normal(n)
    )
    payoff = math.exp(-r * T) * np.maximum(K - np.exp(log_st), 0.0)
    mc, se = payoff.mean(), payoff.std() / math.sqrt(n)
    ours = merton_jump_price("put", S, K, T, r, v, lam, mu, delta)
    assert abs(ours - mc) < 4.0 * se
    # crash risk makes the OTM put dearer than Black-Scholes at the diffusion vol
    assert ours > bs_price("put", S, K, T, r, v)


def test_large_intensity_and_expiry_zero():
    # many expected jumps: the series must run well past the Poisson mode
    p = merton_jump_price("call", 100.0, 100.0, 5.0, 0.02, 0.1, 200.0, -0.01, 0.02)
    assert p == pytest.approx(
        _direct_mixture("call", 100.0, 100.0, 5.0, 0.02, 0.0, 0.1, 200.0, -0.01, 0.02, 3000)
    )
    assert merton_jump_price("put", 90.0, 100.0, 0.0, 0.02, 0.1, 1.0, -0.1, 0.1) == 10.0


def test_bad_jump_inputs():
    with pytest.raises(ParameterError, match="jump_intensity"):
        merton_jump_price("put", 100.0, 90.0, 1.0, 0.02, 0.2, -1.0, -0.1, 0.1)
    with pytest.raises(ParameterError, match="jump_vol"):
        merton_jump_price("put", 100.0, 90.0, 1.0, 0.02, 0.2, 1.0, -0.1, -0.1)
