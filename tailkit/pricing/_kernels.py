"""Pricing kernels: plain-Python functions and their jitted twins.

Conventions
-----------
* ``sign`` is +1.0 for a call and -1.0 for a put.
* Units: spot and strike in price units, ``T`` in years, ``r`` (rate) and ``q`` (continuous
  dividend yield) as continuously compounded decimals, ``sigma`` as a decimal per sqrt(year).
* Array kernels take 1-D float64 inputs that are either of length ``n`` (one value per
  option) or of length 1 (one value shared by every option) and write into ``out``.
  This keeps scalar arguments free of broadcasting copies.
* The normal CDF is ``0.5 * erfc(-x / sqrt(2))``: accurate in both tails (no ``1 - Phi``).

Degenerate inputs (defined here, tested in ``tests/pricing``):

* ``T == 0``: the price is the intrinsic value ``max(sign * (S - K), 0)``; delta is the payoff
  step (``sign * 0.5`` exactly at the money); every other Greek is 0.
* ``sigma == 0`` (``T > 0``): the price is the discounted intrinsic value of the forward,
  ``max(sign * (S e^{-qT} - K e^{-rT}), 0)``; Greeks are the ``sigma -> 0`` limits, with
  ``N(0) = 0.5`` exactly at the forward and gamma set to 0.
"""

from __future__ import annotations

import math

import numpy as np

from tailkit._numba import jit, prange

SQRT2 = math.sqrt(2.0)
INV_SQRT2PI = 1.0 / math.sqrt(2.0 * math.pi)
LOG_SQRT2PI = 0.5 * math.log(2.0 * math.pi)


# --------------------------------------------------------------------------- normal law


def norm_cdf_python(x: float) -> float:
    return 0.5 * math.erfc(-x / SQRT2)


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
        z -= (0.5 * math.erfc(-z / SQRT2) - p) / d
    return z


norm_ppf_guess = jit(norm_ppf_guess_python)


# --------------------------------------------------------------------------- option kinds


_CALL_WORDS = (0x6C6C6163, 0x63)  # "call", "c" packed little-endian, one byte per letter
_PUT_WORDS = (0x747570, 0x70)  # "put", "p"


def kind_codes_to_sign_python(codes: np.ndarray, out: np.ndarray) -> int:
    """Map rows of UTF-32 code points ("call"/"put"/"c"/"p", any case, NUL-padded) to +1/-1.

    Returns the index of the first row that is not one of those spellings, or -1.
    """
    n, width = codes.shape
    for i in range(n):
        word = 0
        for j in range(width):
            c = codes[i, j]
            if c >= 128 or (j >= 4 and c != 0):
                return i
            if c != 0:
                word |= (c | 32) << (8 * j)
        if word == _CALL_WORDS[0] or word == _CALL_WORDS[1]:
            out[i] = 1.0
        elif word == _PUT_WORDS[0] or word == _PUT_WORDS[1]:
            out[i] = -1.0
        else:
            return i
    return -1


kind_codes_to_sign = jit(kind_codes_to_sign_python)


# --------------------------------------------------------------------------- Black-Scholes-Merton


def bs_price_scalar_python(
    sign: float, S: float, K: float, T: float, r: float, q: float, sigma: float
) -> float:
    if T <= 0.0:
        return max(sign * (S - K), 0.0)
    dfq = math.exp(-q * T)
    dfr = math.exp(-r * T)
    if sigma <= 0.0:
        return max(sign * (S * dfq - K * dfr), 0.0)
    sq = sigma * math.sqrt(T)
    d1 = (math.log(S / K) + (r - q) * T) / sq + 0.5 * sq
    d2 = d1 - sq
    v = sign * (S * dfq * norm_cdf(sign * d1) - K * dfr * norm_cdf(sign * d2))
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
        d1 = (math.log(S / K) + (r - q) * T) / sq + 0.5 * sq
        d2 = d1 - sq
        n1 = norm_cdf(sign * d1)
        n2 = norm_cdf(sign * d2)
        pdf1 = INV_SQRT2PI * math.exp(-0.5 * d1 * d1)
        price = max(sign * (Sq * n1 - Kr * n2), 0.0)
        gamma = dfq * pdf1 / (S * sq)
    delta = sign * dfq * n1
    vega = Sq * pdf1 * sqt
    theta = -Sq * pdf1 * sigma / (2.0 * sqt) - sign * r * Kr * n2 + sign * q * Sq * n1
    rho = sign * Kr * T * n2
    div_rho = -sign * Sq * T * n1
    return price, delta, gamma, vega, theta, rho, div_rho


bs_greeks_scalar = jit(bs_greeks_scalar_python)


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
    n = out.shape[0]
    a = 1 if sign.shape[0] > 1 else 0
    b = 1 if S.shape[0] > 1 else 0
    c = 1 if K.shape[0] > 1 else 0
    d = 1 if T.shape[0] > 1 else 0
    e = 1 if r.shape[0] > 1 else 0
    f = 1 if q.shape[0] > 1 else 0
    g = 1 if sigma.shape[0] > 1 else 0
    for i in prange(n):
        out[i] = bs_price_scalar(sign[a * i], S[b * i], K[c * i], T[d * i], r[e * i], q[f * i], sigma[g * i])


bs_price_array = jit(bs_price_array_python, parallel=True)
bs_price_array_serial = jit(bs_price_array_python)


def bs_greeks_array_python(
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
    n = out.shape[1]
    a = 1 if sign.shape[0] > 1 else 0
    b = 1 if S.shape[0] > 1 else 0
    c = 1 if K.shape[0] > 1 else 0
    d = 1 if T.shape[0] > 1 else 0
    e = 1 if r.shape[0] > 1 else 0
    f = 1 if q.shape[0] > 1 else 0
    g = 1 if sigma.shape[0] > 1 else 0
    for i in prange(n):
        res = bs_greeks_scalar(sign[a * i], S[b * i], K[c * i], T[d * i], r[e * i], q[f * i], sigma[g * i])
        out[0, i] = res[0]
        out[1, i] = res[1]
        out[2, i] = res[2]
        out[3, i] = res[3]
        out[4, i] = res[4]
        out[5, i] = res[5]
        out[6, i] = res[6]


bs_greeks_array = jit(bs_greeks_array_python, parallel=True)
bs_greeks_array_serial = jit(bs_greeks_array_python)


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
            sd = math.sqrt(var_n)
            d1 = (log_f0 + n * jump_growth - math.log(K)) / sd + 0.5 * sd
            d2 = d1 - sd
            term = sign * (fwd * norm_cdf(sign * d1) - K * norm_cdf(sign * d2))
            term = max(term, 0.0)
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
    n = out.shape[0]
    a = 1 if sign.shape[0] > 1 else 0
    b = 1 if S.shape[0] > 1 else 0
    c = 1 if K.shape[0] > 1 else 0
    d = 1 if T.shape[0] > 1 else 0
    e = 1 if r.shape[0] > 1 else 0
    f = 1 if q.shape[0] > 1 else 0
    g = 1 if sigma.shape[0] > 1 else 0
    h = 1 if lam.shape[0] > 1 else 0
    m = 1 if mu_j.shape[0] > 1 else 0
    u = 1 if delta_j.shape[0] > 1 else 0
    for i in prange(n):
        out[i] = merton_price_scalar(
            sign[a * i],
            S[b * i],
            K[c * i],
            T[d * i],
            r[e * i],
            q[f * i],
            sigma[g * i],
            lam[h * i],
            mu_j[m * i],
            delta_j[u * i],
        )


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


def normalized_otm_call_python(x: float, s: float) -> float:
    h = x / s
    t = 0.5 * s
    return math.exp(0.5 * x) * norm_cdf(h + t) - math.exp(-0.5 * x) * norm_cdf(h - t)


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
        h = x / s
        t = 0.5 * s
        b = ex * norm_cdf(h + t) - emx * norm_cdf(h - t)
        bp = INV_SQRT2PI * math.exp(-0.5 * (h * h + t * t))
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
    n = out.shape[0]
    p = 1 if price.shape[0] > 1 else 0
    a = 1 if sign.shape[0] > 1 else 0
    b = 1 if S.shape[0] > 1 else 0
    c = 1 if K.shape[0] > 1 else 0
    d = 1 if T.shape[0] > 1 else 0
    e = 1 if r.shape[0] > 1 else 0
    f = 1 if q.shape[0] > 1 else 0
    for i in prange(n):
        v, st = implied_vol_scalar(
            price[p * i], sign[a * i], S[b * i], K[c * i], T[d * i], r[e * i], q[f * i], tol, max_iter
        )
        out[i] = v
        status[i] = st


implied_vol_array = jit(implied_vol_array_python, parallel=True)
implied_vol_array_serial = jit(implied_vol_array_python)
