"""Black (1976) prices and Greeks of options on forwards and futures."""

from __future__ import annotations

from typing import Any

import numpy as np

from tailkit._typing import ArrayLike, FloatOrArray
from tailkit.pricing import _kernels
from tailkit.pricing._inputs import SERIAL_THRESHOLD, n_elements, prepare, wrap
from tailkit.pricing.greeks import Greeks

__all__ = ["black76_price", "black76_greeks"]


def _prepare(
    kind: Any, forward: ArrayLike, strike: ArrayLike, T: ArrayLike, rate: ArrayLike, vol: ArrayLike
) -> tuple[tuple[int, ...], bool, list[np.ndarray]]:
    specs = (
        ("forward", forward, "positive"),
        ("strike", strike, "positive"),
        ("T", T, "nonnegative"),
        ("vol", vol, "nonnegative"),
        ("rate", rate, "finite"),
    )
    # Black-76 is Black-Scholes-Merton with spot = F and dividend yield = rate (cost of carry 0)
    return prepare(kind, specs, order=("forward", "strike", "T", "rate", "rate", "vol"))


def black76_price(
    kind: Any, forward: ArrayLike, strike: ArrayLike, T: ArrayLike, rate: ArrayLike, vol: ArrayLike
) -> FloatOrArray:
    """Black-76 price ``e^{-rT} sign (F N(sign d1) - K N(sign d2))`` of an option on a forward.

    Parameters
    ----------
    kind : {"call", "put", "c", "p"} or array_like of str
        Option type.
    forward : float or array_like
        Forward or futures price for the option's expiry, > 0.
    strike : float or array_like
        Strike price, > 0.
    T : float or array_like
        Time to expiry in years, >= 0 (``T == 0``: intrinsic ``max(±(F - K), 0)``).
    rate : float or array_like
        Discount rate, continuously compounded decimal.
    vol : float or array_like
        Volatility of the forward, decimal per sqrt(year), >= 0.

    Returns
    -------
    float or ndarray
        Price; a Python float for scalar inputs.

    Examples
    --------
    >>> round(black76_price("call", 19.0, 19.0, 0.75, 0.10, 0.28), 4)  # Haug (2007) section 1.1.2
    1.7011
    """
    shape, scalar, flat = _prepare(kind, forward, strike, T, rate, vol)
    out = np.empty(n_elements(shape), dtype=np.float64)
    kernel = _kernels.bs_price_array_serial if out.size < SERIAL_THRESHOLD else _kernels.bs_price_array
    kernel(*flat, out)
    return wrap(out, shape, scalar)


def black76_greeks(
    kind: Any, forward: ArrayLike, strike: ArrayLike, T: ArrayLike, rate: ArrayLike, vol: ArrayLike
) -> Greeks:
    """Black-76 price and Greeks with respect to the forward.

    Parameters
    ----------
    kind : {"call", "put", "c", "p"} or array_like of str
        Option type.
    forward : float or array_like
        Forward or futures price, > 0.
    strike : float or array_like
        Strike price, > 0.
    T : float or array_like
        Time to expiry in years, >= 0.
    rate : float or array_like
        Discount rate, continuously compounded decimal.
    vol : float or array_like
        Volatility of the forward, >= 0.

    Returns
    -------
    Greeks
        ``delta = e^{-rT} sign N(sign d1)`` and ``gamma`` w.r.t. the forward; ``vega`` per 1.00 vol;
        ``theta`` per year with the forward held fixed; ``rho = -T * price`` (the rate only
        discounts); ``div_rho = 0``.
    """
    shape, scalar, flat = _prepare(kind, forward, strike, T, rate, vol)
    n = n_elements(shape)
    out = np.empty((7, n), dtype=np.float64)
    kernel = _kernels.bs_greeks_array_serial if n < SERIAL_THRESHOLD else _kernels.bs_greeks_array
    kernel(*flat, out)
    # with q tied to r, the total rate sensitivity is rho + div_rho = -T * price
    out[5] += out[6]
    out[6] = 0.0
    return Greeks(*(wrap(out[j], shape, scalar) for j in range(7)))
