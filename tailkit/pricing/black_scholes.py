"""Black-Scholes-Merton prices and Greeks, vectorized over broadcastable inputs."""

from __future__ import annotations

from typing import Any

import numpy as np

from tailkit._typing import ArrayLike, FloatOrArray
from tailkit.pricing import _kernels
from tailkit.pricing._inputs import SERIAL_THRESHOLD, n_elements, prepare, wrap
from tailkit.pricing.greeks import Greeks

__all__ = ["bs_price", "bs_greeks"]


def _prepare(
    kind: Any,
    spot: ArrayLike,
    strike: ArrayLike,
    T: ArrayLike,
    rate: ArrayLike,
    vol: ArrayLike,
    div: ArrayLike,
) -> tuple[tuple[int, ...], bool, list[np.ndarray]]:
    specs = (
        ("spot", spot, "positive"),
        ("strike", strike, "positive"),
        ("T", T, "nonnegative"),
        ("vol", vol, "nonnegative"),
        ("rate", rate, "finite"),
        ("div", div, "finite"),
    )
    return prepare(kind, specs, order=("spot", "strike", "T", "rate", "div", "vol"))


def bs_price(
    kind: Any,
    spot: ArrayLike,
    strike: ArrayLike,
    T: ArrayLike,
    rate: ArrayLike,
    vol: ArrayLike,
    div: ArrayLike = 0.0,
) -> FloatOrArray:
    """Black-Scholes-Merton price of a European call or put.

    ``V = sign * (S e^{-qT} N(sign d1) - K e^{-rT} N(sign d2))`` with
    ``d1 = (ln(S/K) + (r - q + sigma^2/2) T) / (sigma sqrt(T))``, ``d2 = d1 - sigma sqrt(T)``.

    Parameters
    ----------
    kind : {"call", "put", "c", "p"} or array_like of str
        Option type, any case.
    spot : float or array_like
        Underlying price, > 0.
    strike : float or array_like
        Strike price, > 0.
    T : float or array_like
        Time to expiry in years, >= 0. ``T == 0`` gives the intrinsic value ``max(±(S - K), 0)``.
    rate : float or array_like
        Risk-free rate, continuously compounded decimal (0.05 = 5%).
    vol : float or array_like
        Volatility, decimal per sqrt(year), >= 0. ``vol == 0`` gives the discounted intrinsic value
        of the forward, ``max(±(S e^{-qT} - K e^{-rT}), 0)``.
    div : float or array_like, default=0.0
        Continuous dividend yield (decimal). Use ``div = rate - b`` for a cost of carry ``b``.

    Returns
    -------
    float or ndarray
        Price (a Python float when every input is a scalar, else an ndarray of the broadcast shape).

    Raises
    ------
    ParameterError
        Unknown ``kind``, non-positive ``spot``/``strike``, negative ``T``/``vol``, or non-finite input;
        the message names the argument, the value and what is allowed.

    Examples
    --------
    >>> round(bs_price("call", 60.0, 65.0, 0.25, 0.08, 0.30), 4)  # Haug (2007) section 1.1.1
    2.1334
    """
    shape, scalar, flat = _prepare(kind, spot, strike, T, rate, vol, div)
    out = np.empty(n_elements(shape), dtype=np.float64)
    kernel = _kernels.bs_price_array_serial if out.size < SERIAL_THRESHOLD else _kernels.bs_price_array
    kernel(*flat, out)
    return wrap(out, shape, scalar)


def bs_greeks(
    kind: Any,
    spot: ArrayLike,
    strike: ArrayLike,
    T: ArrayLike,
    rate: ArrayLike,
    vol: ArrayLike,
    div: ArrayLike = 0.0,
) -> Greeks:
    """Black-Scholes-Merton price and analytic Greeks.

    Parameters
    ----------
    kind : {"call", "put", "c", "p"} or array_like of str
        Option type, any case.
    spot : float or array_like
        Underlying price, > 0.
    strike : float or array_like
        Strike price, > 0.
    T : float or array_like
        Time to expiry in years, >= 0 (at ``T == 0``: delta is the payoff step, ±0.5 at the money,
        every other Greek is 0).
    rate : float or array_like
        Risk-free rate, continuously compounded decimal.
    vol : float or array_like
        Volatility, decimal per sqrt(year), >= 0 (``vol == 0``: the sigma -> 0 limits, gamma 0).
    div : float or array_like, default=0.0
        Continuous dividend yield (decimal).

    Returns
    -------
    Greeks
        ``price``; ``delta`` = dV/dS; ``gamma`` = d2V/dS2; ``vega`` = dV/dsigma per 1.00 vol;
        ``theta`` = dV/dt per year (calendar time passing); ``rho`` = dV/dr per 1.00 rate;
        ``div_rho`` = dV/dq per 1.00 dividend yield. Floats for scalar inputs, else ndarrays.

    Raises
    ------
    ParameterError
        As :func:`bs_price`.

    Examples
    --------
    >>> g = bs_greeks("call", 49.0, 50.0, 0.3846, 0.05, 0.20)  # Hull, Greeks examples
    >>> round(g.delta, 3), round(g.vega, 1)
    (0.522, 12.1)
    """
    shape, scalar, flat = _prepare(kind, spot, strike, T, rate, vol, div)
    out = np.empty((7, n_elements(shape)), dtype=np.float64)
    kernel = _kernels.bs_greeks_array_serial if out.shape[1] < SERIAL_THRESHOLD else _kernels.bs_greeks_array
    kernel(*flat, out)
    return Greeks(*(wrap(out[j], shape, scalar) for j in range(7)))
