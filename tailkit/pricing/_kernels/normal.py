"""Normal law for the pricing kernels: Cody's erfc, an exact Gaussian factor, a vectorisable exp."""

from __future__ import annotations

import math

import numpy as np

from tailkit._numba import bits_float, float_bits, fma, jit

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
# evaluates e^{-x^2/2} without the ~x^2 ulps lost to rounding x^2 (a fused multiply-add gives
# x^2 exactly as hi + lo), so Phi keeps ~1e-15 relative accuracy far into both tails.
#
# The polynomials (the rational functions' numerators and denominators by Horner's rule, the
# exponential's Taylor polynomial by Estrin's scheme) run in fused multiply-adds
# (:func:`tailkit._numba.fma`, LLVM's ``llvm.fma``): one rounding a step instead of two, and half
# the instructions and half the chain of dependent operations a core waits on (the hedging
# benchmark's Black pass: about 35% less time on an AMD EPYC Zen 3 with Horner's rule throughout,
# 12% less again with Estrin's scheme for the exponential). A fused multiply-add is correctly rounded by definition, so the bits are
# the same on every machine (with or without FMA hardware) and in the plain-Python twins.

_ERF_SMALL = 0.46875
_PHI_ZERO = 38.5  # |x| beyond which Phi(x) is 0 or 1 in double precision (Phi(-38.5) < 5e-324)


_INV_LN2 = 1.44269504088896338700e00
_LN2_HI = 6.93147180369123816490e-01  # fdlibm: k * _LN2_HI is exact for |k| < 2^20
_LN2_LO = 1.90821492927058770002e-10
#: 1.5 * 2^52: for an integer k with |k| < 2^51, k + _MAGIC holds k in its low bits
_MAGIC = 6755399441055744.0
_MAGIC_BITS = float_bits(_MAGIC)


def _pow2_python(kf: float) -> float:
    """``2^kf`` exactly, for an integer-valued ``kf`` in [-1022, 1023]: ``kf + 1023`` written into the exponent field.

    Integer arithmetic on the bits (:func:`tailkit._numba.float_bits`), not ``int(kf)`` and a table:
    AVX2 has no double-to-int64 conversion, so a vectorised loop that converts to an integer
    (``int()``, or numba's ``math.floor``, which returns one) is scalarised lane by lane, and a
    table lookup becomes four scalar loads.
    """
    return bits_float((float_bits(kf + _MAGIC) - _MAGIC_BITS + 1023) << 52)


_pow2 = jit(_pow2_python, inline="always")


def vexp_python(a: float) -> float:
    """``exp(a)`` in plain arithmetic (within 1 ulp of libm's), so loops calling it vectorise.

    ``a = k ln 2 + r`` with |r| <= ln(2)/2 (Cody-Waite two-part ln 2, each part removed by one
    fused multiply-add), ``e^r = 1 + r p(r)`` with ``p`` the Taylor polynomial of degree 12
    (truncation < 1e-17) evaluated by Estrin's scheme in fused multiply-adds
    (:func:`tailkit._numba.fma`: one rounding a step, the same bits on every machine): pairs of
    coefficients combined with ``r``, ``r^2``, ``r^4``, ``r^8``, a chain of 4 dependent steps instead
    of Horner's 12, which a core evaluating a loop of these no longer waits on. ``2^k`` is applied
    as two exact factors (:func:`_pow2`) so that results down to the subnormal range round once.
    Saturates to 0 / inf; NaN stays NaN.
    """
    nan = a != a
    a = -746.0 if a < -746.0 else (709.8 if a > 709.8 else (0.0 if nan else a))
    kf = float(np.floor(a * _INV_LN2 + 0.5))  # a float (numba's math.floor returns an int64)
    r = fma(-kf, _LN2_LO, fma(-kf, _LN2_HI, a))
    r2 = r * r
    r4 = r2 * r2
    # p(r) = sum_j r^j / (j + 1)!, j = 0..12
    p01 = fma(0.5, r, 1.0)
    p23 = fma(1.0 / 24.0, r, 1.0 / 6.0)
    p45 = fma(1.0 / 720.0, r, 1.0 / 120.0)
    p67 = fma(1.0 / 40320.0, r, 1.0 / 5040.0)
    p89 = fma(1.0 / 3628800.0, r, 1.0 / 362880.0)
    pab = fma(1.0 / 479001600.0, r, 1.0 / 39916800.0)
    lo = fma(fma(p67, r2, p45), r4, fma(p23, r2, p01))  # degrees 0..7
    hi = fma(1.0 / 6227020800.0, r4, fma(pab, r2, p89))  # degrees 8..12, over r^8
    p = fma(hi, r4 * r4, lo)
    k1 = float(np.floor(0.5 * kf))  # kf = k1 + (kf - k1), both halves in [-538, 512]
    v = (fma(r, p, 1.0) * _pow2(k1)) * _pow2(kf - k1)
    return math.nan if nan else v


vexp = jit(vexp_python, inline="always")


def _square_split_python(x: float) -> tuple[float, float]:
    """``x^2 = hi + lo`` exactly: ``hi`` the rounded square, ``lo = fma(x, x, -hi)`` its rounding error.

    The same pair as Dekker's product (x split into two 26-bit halves, four products), which
    this replaced: both are exact, so both give the one ``lo`` (for |x| between about 1e-146 and
    1e153, where Dekker's own products neither underflow nor overflow).
    """
    hi = x * x
    return hi, fma(x, x, -hi)


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
    """erf(y) / y = num / den on y <= 0.46875, as a function of ``w = y^2`` (Horner's rule in fused multiply-adds)."""
    num = fma(1.85777706184603153e-1, w, 3.16112374387056560e00)
    num = fma(num, w, 1.13864154151050156e02)
    num = fma(num, w, 3.77485237685302021e02)
    num = fma(num, w, 3.20937758913846947e03)
    den = fma(w + 2.36012909523441209e01, w, 2.44024637934444173e02)
    den = fma(den, w, 1.28261652607737228e03)
    return num, fma(den, w, 2.84423683343917062e03)


_erf_small = jit(_erf_small_python, inline="always")


def _erfcx_mid_python(y: float) -> tuple[float, float]:
    """erfcx(y) = num / den on 0.46875 < y <= 4 (Horner's rule in fused multiply-adds)."""
    num = fma(2.15311535474403846e-8, y, 5.64188496988670089e-1)
    num = fma(num, y, 8.88314979438837594e00)
    num = fma(num, y, 6.61191906371416295e01)
    num = fma(num, y, 2.98635138197400131e02)
    num = fma(num, y, 8.81952221241769090e02)
    num = fma(num, y, 1.71204761263407058e03)
    num = fma(num, y, 2.05107837782607147e03)
    num = fma(num, y, 1.23033935479799725e03)
    den = fma(y + 1.57449261107098347e01, y, 1.17693950891312499e02)
    den = fma(den, y, 5.37181101862009858e02)
    den = fma(den, y, 1.62138957456669019e03)
    den = fma(den, y, 3.29079923573345963e03)
    den = fma(den, y, 4.36261909014324716e03)
    den = fma(den, y, 3.43936767414372164e03)
    return num, fma(den, y, 1.23033935480374942e03)


_erfcx_mid = jit(_erfcx_mid_python, inline="always")


def _erfcx_large_python(y: float, w: float) -> tuple[float, float]:
    """erfcx(y) = num / den for y > 4: ``(1/sqrt(pi) - z P(z)/Q(z)) / y``, ``z = 1/w``, times w^5/w^5."""
    num = fma(6.58749161529837803e-4, w, 1.60837851487422766e-2)
    num = fma(num, w, 1.25781726111229246e-1)
    num = fma(num, w, 3.60344899949804439e-1)
    num = fma(num, w, 3.05326634961232344e-1)
    num = fma(num, w, 1.63153871373020978e-2)
    den = fma(2.33520497626869185e-3, w, 6.05183413124413191e-2)
    den = fma(den, w, 5.27905102951428412e-1)
    den = fma(den, w, 1.87295284992346047e00)
    den = fma(den, w, 2.56852019228982242e00)
    den = fma(den, w, 1.0) * w
    return fma(INV_SQRTPI, den, -num), den * y


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


def norm_cdf_e_ranges_python(x: float, e: float, use_small: bool, use_mid: bool, use_large: bool) -> float:
    """:func:`norm_cdf_e` evaluating only the rational functions whose range a caller needs.

    ``use_small``, ``use_mid``, ``use_large`` say which of Cody's three ranges of
    ``y = |x| / sqrt(2)`` (``y <= 0.46875``, ``0.46875 < y <= 4``, ``y > 4``) any argument of the
    caller's loop can fall in; a range that is not used contributes ``0 / 1`` and its polynomial
    is never evaluated. Called with literal flags from an inlined loop (as :func:`black_block`
    does after bounding ``|d|`` over its block), each combination compiles to a loop with only
    its own polynomials; with all three ``True`` this *is* :func:`norm_cdf_e`. An argument
    outside every range the flags allow gives a wrong value: the caller guarantees it cannot occur.
    """
    ay = abs(x) * SQRT1_2
    y = 40.0 if ay > 40.0 else ay
    w = y * y
    ns, ds = _erf_small(w) if use_small else (0.0, 1.0)
    nm, dm = _erfcx_mid(y) if use_mid else (0.0, 1.0)
    nl, dl = _erfcx_large(y, w) if use_large else (0.0, 1.0)
    small = y <= _ERF_SMALL
    large = y > 4.0
    num = ns if small else (nl if large else nm)
    den = ds if small else (dl if large else dm)
    # numpy semantics (no ZeroDivisionError branch), so a loop over this function vectorises
    return _phi_from_ratio(x, y, e, small, np.divide(num, den))


norm_cdf_e_ranges = jit(norm_cdf_e_ranges_python, inline="always")


def norm_cdf_e_python(x: float, e: float) -> float:
    """Phi(x) given ``e = exp(-x^2 / 2)`` (``e`` is not used for |x| <= 0.46875 sqrt(2)).

    Branch-free, for loops that should vectorise (no SVML needed) and for random signs and
    ranges (no branch mispredictions): the three rational functions are evaluated, one
    numerator/denominator pair is selected and divided once (:func:`norm_cdf_e_ranges` with
    every range in use). ``y`` is capped at 40 (``e`` has long underflowed there) so the
    large-argument polynomial stays finite.
    """
    return norm_cdf_e_ranges(x, e, True, True, True)


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
