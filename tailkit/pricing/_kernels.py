"""Pricing kernels: plain-Python functions and their jitted twins.

Conventions
-----------
* ``sign`` is +1.0 for a call and -1.0 for a put.
* Units: spot and strike in price units, ``T`` in years, ``r`` (rate) and ``q`` (continuous
  dividend yield) as continuously compounded decimals, ``sigma`` as a decimal per sqrt(year).
* Array kernels take 1-D float64 inputs that are either of length ``n`` (one value per
  option) or of length 1 (one value shared by every option) and write into ``out``.
  This keeps scalar arguments free of broadcasting copies.
* The normal CDF is Cody's rational ``erfc`` with an exactly computed Gaussian factor (see
  "normal law" below): ~1e-15 relative in both tails (no ``1 - Phi``), one exponential shared
  by ``N(d1)`` and ``N(d2)``. Array kernels work in blocks whose arithmetic pass vectorises.

Degenerate inputs (defined here, tested in ``tests/pricing``):

* ``T == 0``: the price is the intrinsic value ``max(sign * (S - K), 0)``; delta is the payoff
  step (``sign * 0.5`` exactly at the money); every other Greek is 0.
* ``sigma == 0`` (``T > 0``): the price is the discounted intrinsic value of the forward,
  ``max(sign * (S e^{-qT} - K e^{-rT}), 0)``; Greeks are the ``sigma -> 0`` limits, with
  ``N(0) = 0.5`` exactly at the forward and gamma set to 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tailkit._numba import jit, prange

SQRT2 = math.sqrt(2.0)
SQRT1_2 = math.sqrt(0.5)
INV_SQRTPI = 1.0 / math.sqrt(math.pi)
INV_SQRT2PI = 1.0 / math.sqrt(2.0 * math.pi)
LOG_SQRT2PI = 0.5 * math.log(2.0 * math.pi)


# --------------------------------------------------------------------------- normal law
#
# Phi(x) = erfc(-x / sqrt(2)) / 2 from W. J. Cody's rational approximations (Math. Comp. 23, 1969;
# SPECFUN ``CALERF``, public domain): erf(y) = y P(y^2) / Q(y^2) for y <= 0.46875, and the scaled
# erfcx(y) = e^{y^2} erfc(y) as a rational function of y (0.46875 < y <= 4) or of 1/y^2 (y > 4).
# The Gaussian factor e^{-x^2/2} is an argument of :func:`norm_cdf_e`, so a kernel that needs Phi
# at two points whose Gaussian factors differ by a known ratio pays for one exponential (Black-
# Scholes: e^{-d2^2/2} = e^{-d1^2/2} F/K, since d1^2 - d2^2 = 2 ln(F/K)). :func:`exp_mhalf_sq`
# evaluates e^{-x^2/2} without the ~x^2 ulps lost to rounding x^2 (a Dekker split makes x^2 exact
# as hi + lo), so Phi keeps ~1e-15 relative accuracy far into both tails.

_SPLIT = 134217729.0  # 2^27 + 1 (Dekker)
_ERF_SMALL = 0.46875
_PHI_ZERO = 38.5  # |x| beyond which Phi(x) is 0 or 1 in double precision (Phi(-38.5) < 5e-324)


_INV_LN2 = 1.44269504088896338700e00
_LN2_HI = 6.93147180369123816490e-01  # fdlibm: k * _LN2_HI is exact for |k| < 2^20
_LN2_LO = 1.90821492927058770002e-10
_POW2_LO = -540
_POW2 = np.array([2.0**k for k in range(_POW2_LO, 513)])


def vexp_python(a: float) -> float:
    """``exp(a)`` in plain arithmetic (within 1 ulp of libm's), so loops calling it vectorise.

    ``a = k ln 2 + r`` with |r| <= ln(2)/2 (Cody-Waite two-part ln 2), ``e^r`` from its Taylor
    polynomial to degree 13 (truncation < 1e-17), and ``2^k`` applied as two table factors so
    that results down to the subnormal range round once. Saturates to 0 / inf; NaN stays NaN.
    """
    nan = a != a
    a = -746.0 if a < -746.0 else (709.8 if a > 709.8 else (0.0 if nan else a))
    kf = math.floor(a * _INV_LN2 + 0.5)
    r = (a - kf * _LN2_HI) - kf * _LN2_LO
    q = r * (
        1.0 / 5040.0
        + r
        * (
            1.0 / 40320.0
            + r
            * (
                1.0 / 362880.0
                + r
                * (
                    1.0 / 3628800.0
                    + r * (1.0 / 39916800.0 + r * (1.0 / 479001600.0 + r * (1.0 / 6227020800.0)))
                )
            )
        )
    )
    q = r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0 + q))))))
    k = int(kf)
    k1 = k >> 1
    v = ((1.0 + q) * _POW2[k1 - _POW2_LO]) * _POW2[k - k1 - _POW2_LO]
    return math.nan if nan else v


vexp = jit(vexp_python, inline="always")


def _square_split_python(x: float) -> tuple[float, float]:
    """``x^2 = hi + lo`` exactly (Dekker: x split into two 26-bit halves)."""
    c = _SPLIT * x
    xh = c - (c - x)
    xl = x - xh
    hi = x * x
    return hi, ((xh * xh - hi) + 2.0 * xh * xl) + xl * xl


_square_split = jit(_square_split_python, inline="always")


def exp_mhalf_sq_python(x: float) -> float:
    """``exp(-x^2 / 2)`` with x^2 split exactly into hi + lo (relative error ~1 ulp for any x)."""
    hi, lo = _square_split(x)
    return math.exp(-0.5 * hi) * (1.0 - 0.5 * lo)


exp_mhalf_sq = jit(exp_mhalf_sq_python)


def vexp_mhalf_sq_python(x: float) -> float:
    """:func:`exp_mhalf_sq` with :func:`vexp` (for vectorised loops; within 1 ulp of it)."""
    hi, lo = _square_split(x)
    return vexp(-0.5 * hi) * (1.0 - 0.5 * lo)


vexp_mhalf_sq = jit(vexp_mhalf_sq_python, inline="always")


def _erf_small_python(w: float) -> tuple[float, float]:
    """erf(y) / y = num / den on y <= 0.46875, as a function of ``w = y^2``."""
    num = (
        ((1.85777706184603153e-1 * w + 3.16112374387056560e00) * w + 1.13864154151050156e02) * w
        + 3.77485237685302021e02
    ) * w + 3.20937758913846947e03
    den = (((w + 2.36012909523441209e01) * w + 2.44024637934444173e02) * w + 1.28261652607737228e03) * w
    return num, den + 2.84423683343917062e03


_erf_small = jit(_erf_small_python, inline="always")


def _erfcx_mid_python(y: float) -> tuple[float, float]:
    """erfcx(y) = num / den on 0.46875 < y <= 4."""
    num = (
        ((2.15311535474403846e-8 * y + 5.64188496988670089e-1) * y + 8.88314979438837594e00) * y
        + 6.61191906371416295e01
    ) * y
    num = (((num + 2.98635138197400131e02) * y + 8.81952221241769090e02) * y + 1.71204761263407058e03) * y
    num = (num + 2.05107837782607147e03) * y + 1.23033935479799725e03
    den = (((y + 1.57449261107098347e01) * y + 1.17693950891312499e02) * y + 5.37181101862009858e02) * y
    den = (((den + 1.62138957456669019e03) * y + 3.29079923573345963e03) * y + 4.36261909014324716e03) * y
    return num, (den + 3.43936767414372164e03) * y + 1.23033935480374942e03


_erfcx_mid = jit(_erfcx_mid_python, inline="always")


def _erfcx_large_python(y: float, w: float) -> tuple[float, float]:
    """erfcx(y) = num / den for y > 4: ``(1/sqrt(pi) - z P(z)/Q(z)) / y``, ``z = 1/w``, times w^5/w^5."""
    num = (
        ((6.58749161529837803e-4 * w + 1.60837851487422766e-2) * w + 1.25781726111229246e-1) * w
        + 3.60344899949804439e-1
    ) * w
    num = (num + 3.05326634961232344e-1) * w + 1.63153871373020978e-2
    den = (
        ((2.33520497626869185e-3 * w + 6.05183413124413191e-2) * w + 5.27905102951428412e-1) * w
        + 1.87295284992346047e00
    ) * w
    den = ((den + 2.56852019228982242e00) * w + 1.0) * w
    return INV_SQRTPI * den - num, den * y


_erfcx_large = jit(_erfcx_large_python, inline="always")


def _phi_from_ratio_python(x: float, y: float, e: float, small: bool, ratio: float) -> float:
    """Phi(x) from ``ratio`` = erf(y)/y (``small``) or erfcx(y), ``y = |x|/sqrt(2)``."""
    half_erf = 0.5 * y * ratio  # Phi(|x|) - 1/2 on the small range
    tail = 0.5 * e * ratio  # Phi(-|x|) beyond it
    neg = x < 0.0
    v_small = 0.5 - half_erf if neg else 0.5 + half_erf
    v_tail = tail if neg else 1.0 - tail
    return v_small if small else v_tail


_phi_from_ratio = jit(_phi_from_ratio_python, inline="always")


def norm_cdf_e_python(x: float, e: float) -> float:
    """Phi(x) given ``e = exp(-x^2 / 2)`` (``e`` is not used for |x| <= 0.46875 sqrt(2)).

    Branch-free, for loops that should vectorise (no SVML needed) and for random signs and
    ranges (no branch mispredictions): the three rational functions are evaluated, one
    numerator/denominator pair is selected and divided once. ``y`` is capped at 40 (``e`` has
    long underflowed there) so the large-argument polynomial stays finite.
    """
    ay = abs(x) * SQRT1_2
    y = 40.0 if ay > 40.0 else ay
    w = y * y
    ns, ds = _erf_small(w)
    nm, dm = _erfcx_mid(y)
    nl, dl = _erfcx_large(y, w)
    small = y <= _ERF_SMALL
    large = y > 4.0
    num = ns if small else (nl if large else nm)
    den = ds if small else (dl if large else dm)
    # numpy semantics (no ZeroDivisionError branch), so a loop over this function vectorises
    return _phi_from_ratio(x, y, e, small, np.divide(num, den))


norm_cdf_e = jit(norm_cdf_e_python, inline="always")


def norm_cdf_e_branchy_python(x: float, e: float) -> float:
    """:func:`norm_cdf_e` evaluating only the rational function it needs (for scalar loops)."""
    ay = abs(x) * SQRT1_2
    y = 40.0 if ay > 40.0 else ay
    if y <= _ERF_SMALL:
        num, den = _erf_small(y * y)
        return _phi_from_ratio(x, y, e, True, num / den)
    if y <= 4.0:
        num, den = _erfcx_mid(y)
    else:
        num, den = _erfcx_large(y, y * y)
    return _phi_from_ratio(x, y, e, False, num / den)


norm_cdf_e_branchy = jit(norm_cdf_e_branchy_python)


def norm_cdf_python(x: float) -> float:
    """Standard normal CDF, ~1e-15 relative accuracy in both tails (no ``1 - Phi`` cancellation)."""
    if not (abs(x) < _PHI_ZERO):
        if x != x:
            return x
        return 0.0 if x < 0.0 else 1.0
    return norm_cdf_e_branchy(x, exp_mhalf_sq(x))


norm_cdf = jit(norm_cdf_python)


def norm_pdf_python(x: float) -> float:
    return INV_SQRT2PI * math.exp(-0.5 * x * x)


norm_pdf = jit(norm_pdf_python)


def norm_ppf_guess_python(p: float) -> float:
    """Rough inverse normal CDF (Abramowitz & Stegun 26.2.23, |error| < 4.5e-4), then polished."""
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    q = p if p < 0.5 else 1.0 - p
    t = math.sqrt(-2.0 * math.log(q))
    z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (
        1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t
    )
    z = -z if p < 0.5 else z
    # one Newton step on Phi(z) = p
    d = INV_SQRT2PI * math.exp(-0.5 * z * z)
    if d > 0.0:
        z -= (norm_cdf(z) - p) / d
    return z


norm_ppf_guess = jit(norm_ppf_guess_python)


# --------------------------------------------------------------------------- option kinds


_CALL_WORDS = (0x6C6C6163, 0x63)  # "call", "c" packed little-endian, one byte per letter
_PUT_WORDS = (0x747570, 0x70)  # "put", "p"


def _kind_row_sign_python(codes: np.ndarray, i: int) -> float:
    """+1.0 / -1.0 for row ``i`` spelling call/put (c/p, any case), 0.0 for anything else.

    Branch-free over the characters (rows are random calls and puts): letters are folded to lower
    case and packed one byte each; a code point >= 128 or a fifth character marks the row bad.
    """
    word = 0
    bad = 0
    for j in range(codes.shape[1]):
        c = np.int64(codes[i, j])
        nonzero = np.int64(c != 0)
        bad |= np.int64(c >= 128) | (np.int64(j >= 4) & nonzero)
        word |= ((c | 32) * nonzero) << (8 * min(j, 7))
    call = np.int64(word == _CALL_WORDS[0]) | np.int64(word == _CALL_WORDS[1])
    put = np.int64(word == _PUT_WORDS[0]) | np.int64(word == _PUT_WORDS[1])
    return float((call - put) * (1 - bad))


_kind_row_sign = jit(_kind_row_sign_python, inline="always")


def kind_codes_to_sign_python(codes: np.ndarray, out: np.ndarray) -> int:
    """Map rows of UTF-32 code points ("call"/"put"/"c"/"p", any case, NUL-padded) to +1/-1.

    Returns the index of the first row that is not one of those spellings (its ``out`` is 0.0),
    or -1.
    """
    n = codes.shape[0]
    n_bad = 0
    for i in prange(n):
        v = _kind_row_sign(codes, i)
        out[i] = v
        if v == 0.0:
            n_bad += 1
    if n_bad == 0:
        return -1
    for i in range(n):
        if out[i] == 0.0:
            return i
    return -1


kind_codes_to_sign = jit(kind_codes_to_sign_python, parallel=True)


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

    def run(sign, S, K, T, r, q, sigma, out):  # type: ignore[no-untyped-def]
        kernel(sign, S, K, T, r, q, sigma, out.reshape(1, out.shape[0]))

    return run


bs_price_array = _bs_price_array(True)
bs_price_array_serial = _bs_price_array(False)

bs_greeks_array_python = bs_greeks_blocks_python
bs_greeks_array = jit(bs_greeks_blocks_python, parallel=True)
bs_greeks_array_serial = jit(bs_greeks_blocks_python)


# --------------------------------------------------------------------------- Merton (1976) jumps

MERTON_EPS = 1e-16
MERTON_MAX_TERMS = 100_000


def merton_price_scalar_python(
    sign: float,
    S: float,
    K: float,
    T: float,
    r: float,
    q: float,
    sigma: float,
    lam: float,
    mu_j: float,
    delta_j: float,
) -> float:
    """Merton (1976) lognormal-jump price as a Poisson mixture of Black-Scholes prices.

    Conditional on ``n`` jumps in ``[0, T]`` the log price is normal with forward
    ``F_n = S exp((r - q - lam * k) T + n (mu_j + delta_j^2 / 2))`` and total variance
    ``sigma^2 T + n delta_j^2``, where ``k = exp(mu_j + delta_j^2 / 2) - 1``; the price is
    ``sum_n Poisson(n; lam T) * e^{-rT} Black(F_n, K, v_n)``. Terms are summed from n = 0 and the
    series stops once n is past the Poisson mode and a geometric bound on the whole remaining tail
    is below ``MERTON_EPS`` times the running sum.
    """
    if T <= 0.0:
        return max(sign * (S - K), 0.0)
    lt = lam * T
    if lt <= 0.0:
        return bs_price_scalar(sign, S, K, T, r, q, sigma)
    jump_growth = mu_j + 0.5 * delta_j * delta_j  # log(1 + k)
    k = math.expm1(jump_growth)
    dfr = math.exp(-r * T)
    log_f0 = math.log(S) + (r - q - lam * k) * T
    var0 = sigma * sigma * T
    log_lt = math.log(lt)
    log_k = math.log(K)
    growth = math.exp(jump_growth) if sign > 0.0 else 1.0
    total = 0.0
    n = 0
    while n < MERTON_MAX_TERMS:
        log_w = -lt + n * log_lt - math.lgamma(n + 1.0)
        w = math.exp(log_w)
        var_n = var0 + n * delta_j * delta_j
        fwd = math.exp(log_f0 + n * jump_growth)
        if var_n <= 0.0:
            term = max(sign * (fwd - K), 0.0)
        else:
            term = max(black_core(sign, fwd, K, log_f0 + n * jump_growth - log_k, math.sqrt(var_n))[0], 0.0)
        total += w * term
        # tail bound: each later term <= w_m * bound_m, bound_m = F_m (call) or K (put),
        # and w_{m+1} bound_{m+1} / (w_m bound_m) <= lt * growth / (m + 1) =: rho
        rho = lt * growth / (n + 1.0)
        if rho < 1.0:
            bound = fwd if sign > 0.0 else K
            tail = w * bound * rho / (1.0 - rho)
            if tail <= MERTON_EPS * total or (tail < 1e-300):
                break
        n += 1
    return dfr * total


merton_price_scalar = jit(merton_price_scalar_python)


def merton_price_array_python(
    sign: np.ndarray,
    S: np.ndarray,
    K: np.ndarray,
    T: np.ndarray,
    r: np.ndarray,
    q: np.ndarray,
    sigma: np.ndarray,
    lam: np.ndarray,
    mu_j: np.ndarray,
    delta_j: np.ndarray,
    out: np.ndarray,
) -> None:
    a, b, c, d, e, f, g = _step(sign), _step(S), _step(K), _step(T), _step(r), _step(q), _step(sigma)
    h, m, u = _step(lam), _step(mu_j), _step(delta_j)
    for i in prange(out.shape[0]):
        args = (sign[a * i], S[b * i], K[c * i], T[d * i], r[e * i], q[f * i], sigma[g * i])
        out[i] = merton_price_scalar(*args, lam[h * i], mu_j[m * i], delta_j[u * i])


merton_price_array = jit(merton_price_array_python, parallel=True)


# --------------------------------------------------------------------------- implied volatility
#
# Work in Jaeckel's normalised coordinates: x = ln(F/K), s = sigma sqrt(T) and the normalised
# out-of-the-money price beta = OTM undiscounted price / sqrt(F K). By symmetry every OTM
# option is a call with x <= 0:  b(x, s) = e^{x/2} N(x/s + s/2) - e^{-x/2} N(x/s - s/2),
# with vega  b'(s) = exp(-x^2/(2 s^2) - s^2/8) / sqrt(2 pi),  b''/b' = x^2/s^3 - s/4.
# b is convex in s below the inflection point s_c = sqrt(2|x|) and concave above it.
# Below s_c we solve ln b(s) = ln beta, above s_c we solve b(s) = beta; both with
# Householder's third-order step from an asymptotic initial guess, inside a bisection bracket.

IV_OK = 0
IV_BELOW_LOWER = 1
IV_ABOVE_UPPER = 2
IV_NOT_CONVERGED = 3
IV_BAD_INPUT = 4


def normalized_call_vega_python(x: float, s: float, ex: float, emx: float) -> tuple[float, float]:
    """``(b(x, s), b'(s))`` given ``ex = e^{x/2}``, ``emx = e^{-x/2}``; one exponential for both CDFs.

    With ``h = x/s``, ``t = s/2`` (so ``h t = x/2``): ``e^{-(h +- t)^2/2} = e^{-(h^2 + t^2)/2} e^{-+x/2}``
    and ``b'(s) = e^{-(h^2 + t^2)/2} / sqrt(2 pi)``.
    """
    h = x / s
    t = 0.5 * s
    e = math.exp(-0.5 * (h * h + t * t))
    e_plus = e * emx
    if not (e_plus <= 1.0):  # e^{-x/2} overflowed (|x| > ~1400)
        e_plus = exp_mhalf_sq(h + t)
    b = ex * norm_cdf_e_branchy(h + t, e_plus) - emx * norm_cdf_e_branchy(h - t, e * ex)
    return b, INV_SQRT2PI * e


normalized_call_vega = jit(normalized_call_vega_python)


def normalized_otm_call_python(x: float, s: float) -> float:
    return normalized_call_vega(x, s, math.exp(0.5 * x), math.exp(-0.5 * x))[0]


normalized_otm_call = jit(normalized_otm_call_python)


def _lower_guess_python(x: float, beta: float, s_c: float) -> float:
    # small-s asymptotics: b ~ b'(s) s^3 / x^2, i.e.
    # ln beta ~ -x^2/(2 s^2) - s^2/8 + 3 ln s - 2 ln|x| - ln sqrt(2 pi)
    ax = -x
    lnb = math.log(beta)
    s = ax / math.sqrt(-2.0 * lnb)
    for _ in range(3):
        rhs = 3.0 * math.log(s) - 2.0 * math.log(ax) - LOG_SQRT2PI - lnb - 0.125 * s * s
        if rhs <= 0.0:
            break
        s = ax / math.sqrt(2.0 * rhs)
    if not (s > 0.0) or s >= s_c:
        s = 0.5 * s_c
    return s


_lower_guess = jit(_lower_guess_python)


def normalized_implied_s_python(x: float, beta: float, tol: float, max_iter: int) -> tuple[float, int]:
    """Solve b(x, s) = beta for s (x <= 0, 0 < beta < e^{x/2}); return (s, iterations or -1)."""
    ex = math.exp(0.5 * x)
    emx = 1.0 / ex
    x2 = x * x
    s_c = math.sqrt(-2.0 * x)
    # at the inflection point x / s_c = -s_c / 2, so b_c = e^{x/2} N(0) - e^{-x/2} N(-s_c)
    b_c = 0.5 * ex - emx * norm_cdf(-s_c) if s_c > 0.0 else 0.0
    lower = beta < b_c
    if lower:
        lo = 0.0
        hi = s_c
        s = _lower_guess(x, beta, s_c)
        ln_beta = math.log(beta)
    else:
        lo = s_c
        hi = math.inf
        y = (ex - beta) / (ex + emx)  # ~ N(-s/2) for large s
        s = -2.0 * norm_ppf_guess(y)
        if not (s > s_c):
            s = s_c if s_c > 0.0 else 1e-8
        ln_beta = 0.0
    for it in range(max_iter):
        b, bp = normalized_call_vega(x, s, ex, emx)
        h2b = x2 / (s * s * s) - 0.25 * s
        h3b = h2b * h2b - 3.0 * x2 / (s * s * s * s) - 0.25
        if lower:
            if not (b > 0.0) or not (bp > 0.0):
                # underflow far below the root: move right
                lo = s
                s = 0.5 * (lo + hi)
                continue
            f = math.log(b) - ln_beta
            lam = bp / b
            f1 = lam
            h2 = h2b - lam
            h3 = h3b - 3.0 * lam * h2b + 2.0 * lam * lam
            small = abs(f) <= 4e-16
        else:
            f = b - beta
            f1 = bp
            h2 = h2b
            h3 = h3b
            small = abs(f) <= 4e-16 * beta
        if f < 0.0:
            lo = s
        elif f > 0.0:
            hi = s
        else:
            return s, it + 1
        if not (f1 > 0.0):
            s_new = 0.5 * (lo + hi) if hi < math.inf else 2.0 * s
        else:
            nu = -f / f1
            den = 1.0 + nu * (h2 + h3 * nu / 6.0)
            step = nu * (1.0 + 0.5 * h2 * nu) / den if den > 0.0 else nu
            if abs(step) <= tol * s or small:
                return s + step, it + 1
            s_new = s + step
            if not (s_new > lo and s_new < hi):
                # a Newton step, then bisection
                s_new = s + nu
                if not (s_new > lo and s_new < hi):
                    s_new = 0.5 * (lo + hi) if hi < math.inf else 2.0 * s
        if abs(s_new - s) <= tol * s_new:
            return s_new, it + 1
        if hi - lo <= tol * lo:
            return 0.5 * (lo + hi), it + 1
        s = s_new
    return s, -1


normalized_implied_s = jit(normalized_implied_s_python)


def implied_vol_scalar_python(
    price: float,
    sign: float,
    S: float,
    K: float,
    T: float,
    r: float,
    q: float,
    tol: float,
    max_iter: int,
) -> tuple[float, int]:
    """Black-Scholes-Merton implied vol; returns (vol, status) with status codes IV_*."""
    if not (
        math.isfinite(price)
        and math.isfinite(S)
        and math.isfinite(K)
        and math.isfinite(T)
        and math.isfinite(r)
        and math.isfinite(q)
        and S > 0.0
        and K > 0.0
        and T > 0.0
        and (sign == 1.0 or sign == -1.0)
    ):
        return math.nan, IV_BAD_INPUT
    x = math.log(S / K) + (r - q) * T
    # undiscounted price over sqrt(F K) = K e^{x/2}
    beta = price * math.exp(r * T - 0.5 * x) / K
    if sign * x > 0.0:
        beta -= 2.0 * math.sinh(0.5 * abs(x))  # in-the-money: parity to the OTM option
    xa = -abs(x)
    if not (beta > 0.0):
        return math.nan, IV_BELOW_LOWER
    if not (beta < math.exp(0.5 * xa)):
        return math.nan, IV_ABOVE_UPPER
    s, its = normalized_implied_s(xa, beta, tol, max_iter)
    if its < 0 or not (s > 0.0) or not math.isfinite(s):
        return math.nan, IV_NOT_CONVERGED
    return s / math.sqrt(T), IV_OK


implied_vol_scalar = jit(implied_vol_scalar_python)


def implied_vol_array_python(
    price: np.ndarray,
    sign: np.ndarray,
    S: np.ndarray,
    K: np.ndarray,
    T: np.ndarray,
    r: np.ndarray,
    q: np.ndarray,
    tol: float,
    max_iter: int,
    out: np.ndarray,
    status: np.ndarray,
) -> None:
    p, a, b, c, d, e, f = _step(price), _step(sign), _step(S), _step(K), _step(T), _step(r), _step(q)
    for i in prange(out.shape[0]):
        v, st = implied_vol_scalar(
            price[p * i], sign[a * i], S[b * i], K[c * i], T[d * i], r[e * i], q[f * i], tol, max_iter
        )
        out[i] = v
        status[i] = st


implied_vol_array = jit(implied_vol_array_python, parallel=True)
implied_vol_array_serial = jit(implied_vol_array_python)
