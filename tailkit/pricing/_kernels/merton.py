"""Merton (1976) jump-diffusion: the Poisson mixture of Black-Scholes prices."""

from __future__ import annotations

import math

import numpy as np

from tailkit._numba import jit, prange
from tailkit.pricing._kernels.black_scholes import _step, black_core, bs_price_scalar

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
