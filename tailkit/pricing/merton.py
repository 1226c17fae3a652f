"""Merton (1976) jump-diffusion prices with lognormal jumps."""

from __future__ import annotations

from typing import Any

import numpy as np

from tailkit._typing import ArrayLike, FloatOrArray
from tailkit.pricing import _kernels
from tailkit.pricing._inputs import n_elements, prepare, wrap

__all__ = ["merton_jump_price"]


def merton_jump_price(
    kind: Any,
    spot: ArrayLike,
    strike: ArrayLike,
    T: ArrayLike,
    rate: ArrayLike,
    vol: ArrayLike,
    jump_intensity: ArrayLike,
    jump_mean: ArrayLike,
    jump_vol: ArrayLike,
    div: ArrayLike = 0.0,
) -> FloatOrArray:
    """Merton (1976) jump-diffusion price of a European call or put.

    The underlying follows a geometric Brownian motion with volatility ``vol`` plus Poisson jumps
    (intensity ``jump_intensity`` per year) that multiply the price by ``exp(Y)``,
    ``Y ~ Normal(jump_mean, jump_vol^2)``; the drift is compensated so that the discounted price
    (with dividends) is a martingale. The price is the Poisson mixture

    ``sum_n e^{-lam T} (lam T)^n / n! * BS_n``, where ``BS_n`` is the Black-Scholes price with forward
    ``S e^{(r - q - lam k) T + n (jump_mean + jump_vol^2/2)}``, total variance
    ``vol^2 T + n jump_vol^2`` and discount ``e^{-rT}``, and ``k = e^{jump_mean + jump_vol^2/2} - 1``.

    Parameters
    ----------
    kind : {"call", "put", "c", "p"} or array_like of str
        Option type.
    spot : float or array_like
        Underlying price, > 0.
    strike : float or array_like
        Strike price, > 0.
    T : float or array_like
        Time to expiry in years, >= 0.
    rate : float or array_like
        Risk-free rate, continuously compounded decimal.
    vol : float or array_like
        Diffusion volatility, decimal per sqrt(year), >= 0.
    jump_intensity : float or array_like
        Expected number of jumps per year, >= 0. With 0 the price is :func:`bs_price`.
    jump_mean : float or array_like
        Mean of the log jump size ``Y`` (e.g. -0.10 for a typical 9.5% drop).
    jump_vol : float or array_like
        Standard deviation of the log jump size, >= 0.
    div : float or array_like, default=0.0
        Continuous dividend yield (decimal).

    Returns
    -------
    float or ndarray
        Price; a Python float for scalar inputs.

    Notes
    -----
    Stopping rule: terms are added from ``n = 0``; once ``n`` is past the Poisson mode, so that the
    ratio ``rho = lam T g / (n + 1) < 1`` (``g = e^{jump_mean + jump_vol^2/2}`` for calls, 1 for
    puts), the whole remaining tail is bounded by ``w_n B_n rho / (1 - rho)`` with ``B_n`` the
    forward ``F_n`` (call) or ``K`` (put) bounding every later undiscounted term; the sum stops when
    that bound is below ``1e-16`` times the running sum.

    Examples
    --------
    >>> from tailkit.pricing import bs_price
    >>> p = merton_jump_price("put", 100.0, 90.0, 0.5, 0.03, 0.15, 0.0, -0.1, 0.1)
    >>> abs(p - bs_price("put", 100.0, 90.0, 0.5, 0.03, 0.15)) < 1e-12
    True
    """
    specs = (
        ("spot", spot, "positive"),
        ("strike", strike, "positive"),
        ("T", T, "nonnegative"),
        ("vol", vol, "nonnegative"),
        ("jump_intensity", jump_intensity, "nonnegative"),
        ("jump_vol", jump_vol, "nonnegative"),
        ("jump_mean", jump_mean, "finite"),
        ("rate", rate, "finite"),
        ("div", div, "finite"),
    )
    order = ("spot", "strike", "T", "rate", "div", "vol", "jump_intensity", "jump_mean", "jump_vol")
    shape, scalar, flat = prepare(kind, specs, order=order)
    out = np.empty(n_elements(shape), dtype=np.float64)
    _kernels.merton_price_array(*flat, out)
    return wrap(out, shape, scalar)
