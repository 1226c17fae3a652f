"""Black-Scholes-Merton: the one Black formula, scalar kernels and the blocked array kernels."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tailkit._numba import jit, prange
from tailkit.pricing._kernels.normal import (
    _ERF_SMALL,
    INV_SQRT2PI,
    SQRT1_2,
    exp_mhalf_sq,
    norm_cdf_e,
    norm_cdf_e_branchy,
    norm_cdf_e_ranges,
    vexp,
    vexp_mhalf_sq,
)

# --------------------------------------------------------------------------- Black-Scholes-Merton


def black_core_python(
    sign: float, Fd: float, Kd: float, x: float, sd: float
) -> tuple[float, float, float, float]:
    """The one Black(-Scholes) formula: ``sign (Fd N(sign d1) - Kd N(sign d2))`` and its parts.

    ``Fd`` and ``Kd`` are the discounted forward and strike (``S e^{-qT}``, ``K e^{-rT}``),
    ``x = ln(Fd / Kd)`` (passed in, as callers have it from logs they already took), ``sd > 0``
    the total volatility ``sigma sqrt(T)``; ``d1 = x / sd + sd / 2``, ``d2 = d1 - sd``. Returns
    ``(value, N(sign d1), N(sign d2), exp(-d1^2 / 2))``; the value is not floored at 0. One
    exponential serves both CDFs: ``exp(-d2^2 / 2) = exp(-d1^2 / 2) Fd / Kd`` (computed directly
    when that product would underflow or overflow).
    """
    d1 = x / sd + 0.5 * sd
    d2 = d1 - sd
    e1 = exp_mhalf_sq(d1)
    e2 = e1 * (Fd / Kd)
    if not (e1 > 1e-290 and e2 <= 1.0):
        e2 = exp_mhalf_sq(d2)
    n1 = norm_cdf_e_branchy(sign * d1, e1)
    n2 = norm_cdf_e_branchy(sign * d2, e2)
    return sign * (Fd * n1 - Kd * n2), n1, n2, e1


black_core = jit(black_core_python)


def greeks_from_parts_python(
    sign: float,
    T: float,
    r: float,
    q: float,
    sigma: float,
    sqt: float,
    dfq: float,
    Sq: float,
    Kr: float,
    n1: float,
    n2: float,
    pdf1: float,
) -> tuple[float, float, float, float, float]:
    """(delta, vega, theta, rho, div_rho) from ``N(sign d1)``, ``N(sign d2)`` and ``pdf(d1)``."""
    delta = sign * dfq * n1
    vega = Sq * pdf1 * sqt
    theta = -np.divide(Sq * pdf1 * sigma, 2.0 * sqt) - sign * r * Kr * n2 + sign * q * Sq * n1
    rho = sign * Kr * T * n2
    div_rho = -sign * Sq * T * n1
    return delta, vega, theta, rho, div_rho


greeks_from_parts = jit(greeks_from_parts_python, inline="always")


def bs_price_scalar_python(
    sign: float, S: float, K: float, T: float, r: float, q: float, sigma: float
) -> float:
    if T <= 0.0:
        return max(sign * (S - K), 0.0)
    dfq = math.exp(-q * T)
    dfr = math.exp(-r * T)
    if sigma <= 0.0:
        return max(sign * (S * dfq - K * dfr), 0.0)
    x = math.log(S / K) + (r - q) * T
    v = black_core(sign, S * dfq, K * dfr, x, sigma * math.sqrt(T))[0]
    return max(v, 0.0)


bs_price_scalar = jit(bs_price_scalar_python)


def bs_greeks_scalar_python(
    sign: float, S: float, K: float, T: float, r: float, q: float, sigma: float
) -> tuple[float, float, float, float, float, float, float]:
    """Return (price, delta, gamma, vega, theta, rho, div_rho); per unit vol/rate, theta per year."""
    if T <= 0.0:
        m = sign * (S - K)
        if m > 0.0:
            return m, sign, 0.0, 0.0, 0.0, 0.0, 0.0
        if m == 0.0:
            return 0.0, 0.5 * sign, 0.0, 0.0, 0.0, 0.0, 0.0
        return 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    sqt = math.sqrt(T)
    dfq = math.exp(-q * T)
    dfr = math.exp(-r * T)
    Sq = S * dfq
    Kr = K * dfr
    if sigma <= 0.0:
        m = sign * (Sq - Kr)
        if m > 0.0:
            n1 = 1.0
            pdf1 = 0.0
        elif m == 0.0:
            n1 = 0.5
            pdf1 = INV_SQRT2PI
        else:
            n1 = 0.0
            pdf1 = 0.0
        n2 = n1
        price = max(m, 0.0)
        gamma = 0.0
    else:
        sq = sigma * sqt
        v, n1, n2, e1 = black_core(sign, Sq, Kr, math.log(S / K) + (r - q) * T, sq)
        pdf1 = INV_SQRT2PI * e1
        price = max(v, 0.0)
        gamma = dfq * pdf1 / (S * sq)
    delta, vega, theta, rho, div_rho = greeks_from_parts(sign, T, r, q, sigma, sqt, dfq, Sq, Kr, n1, n2, pdf1)
    return price, delta, gamma, vega, theta, rho, div_rho


bs_greeks_scalar = jit(bs_greeks_scalar_python)


def _step_python(a: np.ndarray) -> int:
    """Index step of a broadcast input: 1 for one value per option, 0 for one shared value."""
    return 1 if a.shape[0] > 1 else 0


_step = jit(_step_python)

#: options per block of the array kernels: a scalar pass (strided reads and ``log(S/K)``, the one
#: libm call) fills ``_NPARTS`` rows of scratch, then a branch-free pass over the block
#: (exponentials, normal CDFs and Greeks in plain arithmetic) that LLVM vectorises; blocks are
#: the unit of parallel work
BLOCK = 256
_NPARTS = 8  # sign S K T r q sigma ln(F/K)


def bs_gather_python(
    sign: np.ndarray,
    S: np.ndarray,
    K: np.ndarray,
    T: np.ndarray,
    r: np.ndarray,
    q: np.ndarray,
    sigma: np.ndarray,
    lo: int,
    hi: int,
    P: np.ndarray,
) -> int:
    """Scalar pass over options ``lo:hi``: inputs and ``ln(F/K)`` into ``P``; count degenerate ones.

    Degenerate options (``T <= 0`` or ``sigma <= 0``) are finished by the scalar kernels; the
    vector pass sees them with ``T = sigma = 1`` and ``S = K`` (harmless placeholders).
    """
    a, b, c, d, e, f, g = _step(sign), _step(S), _step(K), _step(T), _step(r), _step(q), _step(sigma)
    n_bad = 0
    for j in range(hi - lo):
        i = lo + j
        s_, k_, t_, r_, q_, v_ = S[b * i], K[c * i], T[d * i], r[e * i], q[f * i], sigma[g * i]
        if t_ <= 0.0 or v_ <= 0.0:
            n_bad += 1
            t_ = 1.0
            v_ = 1.0
            k_ = s_
        P[0, j] = sign[a * i]
        P[1, j] = s_
        P[2, j] = k_
        P[3, j] = t_
        P[4, j] = r_
        P[5, j] = q_
        P[6, j] = v_
        P[7, j] = math.log(s_ / k_) + (r_ - q_) * t_
    return n_bad


bs_gather = jit(bs_gather_python)


def bs_block_python(P: np.ndarray, m: int, R: np.ndarray, greeks: bool) -> None:
    """Vector pass: price (``R[0]``) and, with ``greeks``, the six Greeks (``R[1:7]``) of ``P[:, :m]``.

    The arithmetic of :func:`black_core` and :func:`bs_greeks_scalar` (``T > 0``, ``sigma > 0``), with
    :func:`vexp` for the exponentials (within 1 ulp of libm's; libm calls would not vectorise).
    """
    for j in range(m):
        sg, s_, k_, t_, r_, q_, v_, x = P[0, j], P[1, j], P[2, j], P[3, j], P[4, j], P[5, j], P[6, j], P[7, j]
        sqt = math.sqrt(t_)
        sd = v_ * sqt
        dfq = vexp(-q_ * t_)
        Sq = s_ * dfq
        Kr = k_ * vexp(-r_ * t_)
        d1 = np.divide(x, sd) + 0.5 * sd
        d2 = d1 - sd
        e1 = vexp_mhalf_sq(d1)
        e2 = e1 * np.divide(Sq, Kr)
        e2 = e2 if (e1 > 1e-290 and e2 <= 1.0) else vexp_mhalf_sq(d2)
        n1 = norm_cdf_e(sg * d1, e1)
        n2 = norm_cdf_e(sg * d2, e2)
        v = sg * (Sq * n1 - Kr * n2)
        R[0, j] = v if v > 0.0 else 0.0
        if greeks:
            pdf1 = INV_SQRT2PI * e1
            res = greeks_from_parts(sg, t_, r_, q_, v_, sqt, dfq, Sq, Kr, n1, n2, pdf1)
            R[1, j] = res[0]
            R[2, j] = np.divide(dfq * pdf1, s_ * sd)
            R[3, j] = res[1]
            R[4, j] = res[2]
            R[5, j] = res[3]
            R[6, j] = res[4]


bs_block = jit(bs_block_python, inline="always")


def _black_pass_python(
    sign: float,
    P: np.ndarray,
    m: int,
    out: np.ndarray,
    row: int,
    use_small: bool,
    use_mid: bool,
    use_large: bool,
) -> int:
    """Second pass of :func:`black_block`: ``d1`` read from ``out[row, :m]``, the value written back.

    ``e2 = e1 Fd / Kd`` throughout; returns how many options need ``e2`` computed directly
    (``e1`` underflowed, or ``e2 > 1`` by rounding), which the caller finishes one by one, so the
    loop has a single exponential. The flags are those of
    :func:`tailkit.pricing._kernels.normal.norm_cdf_e_ranges`.
    """
    n_fix = 0
    for j in range(m):
        f_, k_, s_ = P[0, j], P[1, j], P[3, j]
        d1 = out[row, j]
        d2 = d1 - s_
        e1 = vexp_mhalf_sq(d1)
        e2 = e1 * np.divide(f_, k_)
        n_fix += 0 if (e1 > 1e-290 and e2 <= 1.0) else 1
        n1 = norm_cdf_e_ranges(sign * d1, e1, use_small, use_mid, use_large)
        n2 = norm_cdf_e_ranges(sign * d2, e2, use_small, use_mid, use_large)
        v = sign * (f_ * n1 - k_ * n2)
        out[row, j] = v if v > 0.0 else 0.0
    return n_fix


_black_pass = jit(_black_pass_python, inline="always")


def black_block_python(sign: float, P: np.ndarray, m: int, out: np.ndarray, row: int) -> None:
    """Vector pass of :func:`black_core` (value floored at 0) on ``m`` options into ``out[row, :m]``.

    For callers that already hold, for every option ``j``, the discounted forward and strike
    ``P[0, j]``, ``P[1, j]``, ``x = ln(Fd / Kd)`` in ``P[2, j]`` and the total vol ``sd > 0`` in
    ``P[3, j]`` (e.g. many options sharing one expiry): the arithmetic of :func:`bs_block` after
    its per-option discounting, with :func:`vexp` for the exponentials. ``P`` (at least 4 rows)
    and ``out`` are 2-D so that an inlined caller passes whole arrays and a row index rather
    than slicing them (a slice made in a hot loop costs a reference count each time).
    Three passes, each a loop that vectorises: ``d1`` into ``out`` while counting the arguments
    ``|d1|``, ``|d2|`` in each of the normal CDF's three ranges; the values, evaluating only the
    rational functions of the ranges that occur in the block (options sharing an expiry and a
    day tend to share a range); and, for the rare options whose ``e^{-d2^2/2}`` cannot be had
    from ``e^{-d1^2/2} Fd / Kd``, the same arithmetic with ``e^{-d2^2/2}`` computed directly.
    """
    n_small = 0
    n_large = 0
    for j in range(m):
        s_ = P[3, j]
        d1 = np.divide(P[2, j], s_) + 0.5 * s_
        out[row, j] = d1
        y1 = abs(d1) * SQRT1_2
        y2 = abs(d1 - s_) * SQRT1_2
        n_small += (1 if y1 <= _ERF_SMALL else 0) + (1 if y2 <= _ERF_SMALL else 0)
        n_large += (1 if y1 > 4.0 else 0) + (1 if y2 > 4.0 else 0)
    # each argument in exactly one range (a NaN in none: it takes the middle one, as in norm_cdf_e)
    if n_large == 0 and n_small == 0:
        n_fix = _black_pass(sign, P, m, out, row, False, True, False)
    elif n_large == 0:
        n_fix = _black_pass(sign, P, m, out, row, True, n_small < 2 * m, False)
    elif n_small == 0:
        n_fix = _black_pass(sign, P, m, out, row, False, n_large < 2 * m, True)
    else:
        n_fix = _black_pass(sign, P, m, out, row, True, True, True)
    if n_fix == 0:
        return
    for j in range(m):
        f_, k_, s_ = P[0, j], P[1, j], P[3, j]
        d1 = np.divide(P[2, j], s_) + 0.5 * s_
        d2 = d1 - s_
        e1 = vexp_mhalf_sq(d1)
        e2 = e1 * np.divide(f_, k_)
        if not (e1 > 1e-290 and e2 <= 1.0):
            n1 = norm_cdf_e(sign * d1, e1)
            n2 = norm_cdf_e(sign * d2, vexp_mhalf_sq(d2))
            v = sign * (f_ * n1 - k_ * n2)
            out[row, j] = v if v > 0.0 else 0.0


black_block = jit(black_block_python, inline="always")


def bs_fill_block_python(
    sign: np.ndarray,
    S: np.ndarray,
    K: np.ndarray,
    T: np.ndarray,
    r: np.ndarray,
    q: np.ndarray,
    sigma: np.ndarray,
    out: np.ndarray,
    blk: int,
    greeks: bool,
) -> None:
    """Fill block ``blk`` of ``out`` (shape (1, n) prices, or (7, n) price and Greeks).

    Inlined into the two parallel drivers below with ``greeks`` a literal, so each compiles
    only its own branch (a run-time flag kept the price-only parallel build from vectorising:
    it ran slower on two threads than on one).
    """
    rows, n = out.shape
    lo = blk * BLOCK
    hi = min(lo + BLOCK, n)
    P = np.empty((_NPARTS, BLOCK))
    R = np.empty((rows, BLOCK))
    n_bad = bs_gather(sign, S, K, T, r, q, sigma, lo, hi, P)
    bs_block(P, hi - lo, R, greeks)
    if n_bad > 0:
        a, b, c, d, e, f, g = _step(sign), _step(S), _step(K), _step(T), _step(r), _step(q), _step(sigma)
        for i in range(lo, hi):
            args = (sign[a * i], S[b * i], K[c * i], T[d * i], r[e * i], q[f * i], sigma[g * i])
            if args[3] <= 0.0 or args[6] <= 0.0:
                if greeks:
                    res7 = bs_greeks_scalar(*args)
                    for m in range(7):
                        R[m, i - lo] = res7[m]
                else:
                    R[0, i - lo] = bs_price_scalar(*args)
    for m in range(rows):
        out[m, lo:hi] = R[m, : hi - lo]


bs_fill_block = jit(bs_fill_block_python, inline="always")


def bs_price_blocks_python(
    sign: np.ndarray,
    S: np.ndarray,
    K: np.ndarray,
    T: np.ndarray,
    r: np.ndarray,
    q: np.ndarray,
    sigma: np.ndarray,
    out: np.ndarray,
) -> None:
    """Fill ``out`` of shape (1, n) with prices, block by block (blocks are the parallel unit)."""
    for blk in prange((out.shape[1] + BLOCK - 1) // BLOCK):
        bs_fill_block(sign, S, K, T, r, q, sigma, out, blk, False)


def bs_greeks_blocks_python(
    sign: np.ndarray,
    S: np.ndarray,
    K: np.ndarray,
    T: np.ndarray,
    r: np.ndarray,
    q: np.ndarray,
    sigma: np.ndarray,
    out: np.ndarray,
) -> None:
    """Fill ``out`` of shape (7, n) with price, delta, gamma, vega, theta, rho, div_rho."""
    for blk in prange((out.shape[1] + BLOCK - 1) // BLOCK):
        bs_fill_block(sign, S, K, T, r, q, sigma, out, blk, True)


_bs_price_blocks = jit(bs_price_blocks_python, parallel=True)
_bs_price_blocks_serial = jit(bs_price_blocks_python)


def bs_price_array_python(
    sign: np.ndarray,
    S: np.ndarray,
    K: np.ndarray,
    T: np.ndarray,
    r: np.ndarray,
    q: np.ndarray,
    sigma: np.ndarray,
    out: np.ndarray,
) -> None:
    """Fill ``out`` of shape (n,) with prices."""
    bs_price_blocks_python(sign, S, K, T, r, q, sigma, out.reshape(1, out.shape[0]))


def _bs_price_array(parallel: bool) -> Any:
    kernel = _bs_price_blocks if parallel else _bs_price_blocks_serial

    def run(sign, S, K, T, r, q, sigma, out):
        kernel(sign, S, K, T, r, q, sigma, out.reshape(1, out.shape[0]))

    return run


bs_price_array = _bs_price_array(True)
bs_price_array_serial = _bs_price_array(False)

bs_greeks_array_python = bs_greeks_blocks_python
bs_greeks_array = jit(bs_greeks_blocks_python, parallel=True)
bs_greeks_array_serial = jit(bs_greeks_blocks_python)
