"""Implied volatility: safeguarded Householder iterations in Jaeckel's normalised coordinates."""

from __future__ import annotations

import math

import numpy as np

from tailkit._numba import jit, prange
from tailkit.pricing._kernels.black_scholes import _step
from tailkit.pricing._kernels.normal import (
    INV_SQRT2PI,
    LOG_SQRT2PI,
    exp_mhalf_sq,
    norm_cdf,
    norm_cdf_e_branchy,
    norm_ppf_guess,
)

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
