"""Plain-Python kernels and their jitted twins agree; the normal CDF is accurate in the tails."""

from __future__ import annotations

import math
from decimal import Decimal, getcontext

import numpy as np
import pytest
from scipy.special import log_ndtr, ndtr

from tailkit._numba import jit
from tailkit.pricing import _kernels as k

CASES = [
    (1.0, 100.0, 90.0, 0.5, 0.03, 0.01, 0.25),
    (-1.0, 100.0, 130.0, 2.0, 0.05, 0.0, 0.6),
    (-1.0, 42.0, 40.0, 0.0, 0.05, 0.0, 0.2),
    (1.0, 100.0, 100.0, 1.0, 0.05, 0.01, 0.0),
    (1.0, 10.0, 30.0, 1 / 365, 0.0, 0.0, 3.0),
]


def test_norm_cdf_twins_and_tails():
    for x in (-40.0, -12.0, -1.0, 0.0, 0.3, 8.0):
        assert k.norm_cdf(x) == k.norm_cdf_python(x)
        # relative agreement; in the tail both lose ~x^2 ulps to the rounding of x / sqrt(2)
        assert k.norm_cdf(x) == pytest.approx(float(ndtr(x)), rel=4e-16 * (10.0 + x * x), abs=0.0)
    # far left tail: relative accuracy, not 1 - Phi rounding to 0; reference: scipy's log_ndtr, which
    # uses an asymptotic series in the tail (independent of erfc)
    for x in (-30.0, -37.0):
        assert k.norm_cdf(x) == pytest.approx(math.exp(log_ndtr(x)), rel=1e-12)
    assert k.norm_pdf(1.5) == k.norm_pdf_python(1.5)
    for p in (1e-300, 1e-10, 0.2, 0.5, 0.93):
        z = k.norm_ppf_guess(p)
        assert z == k.norm_ppf_guess_python(p)
        assert ndtr(z) == pytest.approx(p, rel=1e-6)


_PI_50 = "3.14159265358979323846264338327950288419716939937510"


def _phi_decimal(x: float) -> float:
    """Phi(x) to ~40 digits with the decimal module: the series ``Phi(u) = 1/2 + pdf(u) sum
    u^(2k+1) / (2k+1)!!`` for |x| < 3 and the Mills-ratio continued fraction (Abramowitz & Stegun
    26.2.14) beyond; independent of erfc and of floating-point rounding."""
    getcontext().prec = 60
    d = Decimal(x)  # the exact binary value of x
    pdf = (-(d * d) / 2).exp() / (2 * Decimal(_PI_50)).sqrt()
    u = abs(d)
    if u < 3:
        term = total = u
        k_ = 1
        while term > Decimal(10) ** -50:
            term = term * u * u / (2 * k_ + 1)
            total += term
            k_ += 1
        upper = Decimal(1) / 2 + pdf * total
        return float(upper if d >= 0 else 1 - upper)
    cf = u
    for j in range(400, 0, -1):
        cf = u + j / cf
    tail = pdf / cf
    return float(tail if d < 0 else 1 - tail)


def test_norm_cdf_relative_accuracy_against_exact_decimal_reference():
    # Cody's rational erfc with an exactly split Gaussian factor: ~1e-15 relative everywhere,
    # including |x| up to 38 where erfc(-x/sqrt 2) (and scipy's ndtr) lose ~x^2 ulps
    rng = np.random.default_rng(3)
    xs = np.concatenate(
        [
            rng.uniform(-38.4, 8.5, 600),
            rng.uniform(-1.0, 1.0, 200),
            [-38.0, -5.6569, -5.6568, -0.6629, 0.6629],
        ]
    )
    for x in xs:
        want = _phi_decimal(float(x))
        if want < 1e-300:
            continue
        got = k.norm_cdf(float(x))
        assert got == pytest.approx(want, rel=1.5e-15, abs=0.0), x
        assert got == k.norm_cdf_python(float(x))
        # the branch-free form used by the vectorised array kernels is bit-identical
        e = k.exp_mhalf_sq(float(x))
        assert k.norm_cdf_e(float(x), e) == k.norm_cdf_e_branchy(float(x), e) == got
    # scipy's ndtr agrees within its own tail rounding (~x^2 ulps)
    for x in np.linspace(-37.0, 8.0, 301):
        assert k.norm_cdf(x) == pytest.approx(float(ndtr(x)), rel=4e-16 * (10.0 + x * x), abs=0.0)
    assert math.isnan(k.norm_cdf(math.nan))
    assert k.norm_cdf(-math.inf) == 0.0 and k.norm_cdf(math.inf) == 1.0


def test_vexp_within_one_ulp_of_libm():
    # the arithmetic exp of the vectorised array kernels against libm's exp (math.exp)
    rng = np.random.default_rng(11)
    xs = np.concatenate(
        [rng.uniform(-745.0, 709.0, 20_000), rng.uniform(-3.0, 3.0, 20_000), [0.0, -0.0, 1e-300]]
    )
    got = np.array([k.vexp(float(x)) for x in xs])
    want = np.exp(xs)
    normal = want > 2.3e-308
    assert np.max(np.abs(got[normal] - want[normal]) / np.spacing(want[normal])) <= 1.0
    assert np.max(np.abs(got[~normal] - want[~normal])) <= 5e-324
    for x in xs[::101]:
        assert k.vexp(float(x)) == k.vexp_python(float(x))
    assert k.vexp(-1e300) == 0.0 and k.vexp(1e300) == math.inf and math.isnan(k.vexp(math.nan))


def _vexp_loop_python(xs, out):
    for i in range(xs.shape[0]):
        out[i] = k.vexp(xs[i])


_vexp_loop = jit(_vexp_loop_python)


def test_vexp_in_a_vectorised_loop_is_the_scalar_vexp_bit_for_bit():
    # the loop LLVM vectorises (2^k from the exponent bits, no table) against the plain-Python
    # twin, down through the subnormal range and across both clamps
    rng = np.random.default_rng(12)
    xs = np.concatenate(
        [
            rng.uniform(-760.0, 720.0, 20_000),
            np.linspace(-746.5, -700.0, 4_001),
            np.linspace(700.0, 710.0, 1_001),
            [0.0, -0.0, math.inf, -math.inf, math.nan, 709.78, -745.13],
        ]
    )
    out = np.empty_like(xs)
    _vexp_loop(xs, out)
    want = np.array([k.vexp_python(float(x)) for x in xs])
    np.testing.assert_array_equal(out.view(np.int64), want.view(np.int64))


def test_pow2_is_exact_for_every_normal_exponent():
    from tailkit.pricing._kernels.normal import _pow2, _pow2_python

    for e in range(-1022, 1024):
        assert _pow2_python(float(e)) == 2.0**e == _pow2(float(e)), e


def test_array_kernels_match_scalar_kernels():
    # the vectorised block pass and the scalar kernels compute the same formulas
    rng = np.random.default_rng(5)
    n = 3000
    sign = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    S, K = rng.uniform(50, 150, n), rng.uniform(20, 300, n)
    T = np.where(rng.random(n) < 0.05, 0.0, rng.uniform(0.001, 5.0, n))
    v = np.where(rng.random(n) < 0.05, 0.0, rng.uniform(0.01, 2.0, n))
    r, q = rng.uniform(-0.01, 0.08, n), rng.uniform(0.0, 0.05, n)
    g = np.empty((7, n))
    k.bs_greeks_array(sign, S, K, T, r, q, v, g)
    for i in range(n):
        want = k.bs_greeks_scalar(sign[i], S[i], K[i], T[i], r[i], q[i], v[i])
        np.testing.assert_allclose(g[:, i], want, rtol=1e-13, atol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_scalar_twins_agree(case):
    assert k.bs_price_scalar(*case) == pytest.approx(k.bs_price_scalar_python(*case), rel=1e-14, abs=1e-300)
    np.testing.assert_allclose(
        k.bs_greeks_scalar(*case), k.bs_greeks_scalar_python(*case), rtol=1e-13, atol=1e-300
    )
    jumps = (*case, 1.2, -0.1, 0.15)
    assert k.merton_price_scalar(*jumps) == pytest.approx(k.merton_price_scalar_python(*jumps), rel=1e-13)
    sign, S, K, T, r, q, _ = case
    price = k.bs_price_scalar(*case)
    got = k.implied_vol_scalar(price, sign, S, K, T, r, q, 1e-12, 64)
    want = k.implied_vol_scalar_python(price, sign, S, K, T, r, q, 1e-12, 64)
    assert got[1] == want[1]
    if got[1] == 0:
        assert got[0] == pytest.approx(want[0], rel=1e-13)


def test_array_twins_agree():
    rng = np.random.default_rng(7)
    n = 50
    sign = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    S = rng.uniform(50, 150, n)
    K = rng.uniform(50, 150, n)
    T = rng.uniform(0.01, 3.0, n)
    r = np.array([0.03])
    q = rng.uniform(0.0, 0.03, n)
    v = rng.uniform(0.05, 1.0, n)
    out_j, out_p = np.empty(n), np.empty(n)
    k.bs_price_array(sign, S, K, T, r, q, v, out_j)
    k.bs_price_array_python(sign, S, K, T, r, q, v, out_p)
    np.testing.assert_allclose(out_j, out_p, rtol=1e-14)
    g_j, g_p = np.empty((7, n)), np.empty((7, n))
    k.bs_greeks_array(sign, S, K, T, r, q, v, g_j)
    k.bs_greeks_array_python(sign, S, K, T, r, q, v, g_p)
    np.testing.assert_allclose(g_j, g_p, rtol=1e-13, atol=1e-300)
    iv_j, iv_p = np.empty(n), np.empty(n)
    st_j, st_p = np.empty(n, np.int8), np.empty(n, np.int8)
    k.implied_vol_array(out_j, sign, S, K, T, r, q, 1e-12, 64, iv_j, st_j)
    k.implied_vol_array_python(out_j, sign, S, K, T, r, q, 1e-12, 64, iv_p, st_p)
    np.testing.assert_array_equal(st_j, st_p)
    np.testing.assert_allclose(iv_j, iv_p, rtol=1e-12)
    lam, mu, dj = np.array([0.8]), np.array([-0.1]), np.array([0.2])
    m_j, m_p = np.empty(n), np.empty(n)
    k.merton_price_array(sign, S, K, T, r, q, v, lam, mu, dj, m_j)
    k.merton_price_array_python(sign, S, K, T, r, q, v, lam, mu, dj, m_p)
    np.testing.assert_allclose(m_j, m_p, rtol=1e-13)


def test_normalized_solver_twins():
    for x, s in [(-0.5, 0.1), (0.0, 0.3), (-2.0, 3.0), (-0.01, 0.02)]:
        beta = k.normalized_otm_call_python(x, s)
        assert k.normalized_otm_call(x, s) == pytest.approx(beta, rel=1e-14)
        s_j, it_j = k.normalized_implied_s(x, beta, 1e-12, 64)
        s_p, it_p = k.normalized_implied_s_python(x, beta, 1e-12, 64)
        assert it_j == it_p and it_j > 0
        assert s_j == pytest.approx(s_p, rel=1e-13)
        assert s_j == pytest.approx(s, rel=1e-11)


def test_kind_codes_twins():
    arr = np.array(["call", "P", "Put", "c", "CALL", "pu"])
    codes = arr.view(np.uint32).reshape(arr.size, -1)
    out_j, out_p = np.zeros(6), np.zeros(6)
    assert k.kind_codes_to_sign(codes, out_j) == k.kind_codes_to_sign_python(codes, out_p) == 5
    np.testing.assert_array_equal(out_j[:5], [1.0, -1.0, -1.0, 1.0, 1.0])
    np.testing.assert_array_equal(out_j, out_p)


def test_merton_scalar_zero_intensity_is_bs():
    case = (1.0, 100.0, 90.0, 0.5, 0.03, 0.01, 0.25)
    assert k.merton_price_scalar_python(*case, 0.0, -0.1, 0.1) == k.bs_price_scalar_python(*case)
    assert math.isfinite(k.merton_price_scalar_python(*case, 50.0, -0.05, 0.05))
