"""Black-Scholes-Merton implied volatility: batch-safe, status codes instead of exceptions.

Method
------
Prices are mapped to Jaeckel's normalised coordinates (``x = ln(F/K)``, ``s = sigma sqrt(T)``,
``beta`` = undiscounted price / sqrt(F K)) and in-the-money prices are turned into the
out-of-the-money price by put-call parity, ``beta_otm = beta - 2 sinh(|x| / 2)``, so every
problem is an OTM call with ``x <= 0``. The normalised price is convex in ``s`` below the
inflection point ``s_c = sqrt(2 |x|)`` and concave above it (Jaeckel, "Let's Be Rational", 2015);
below ``s_c`` the solver works on ``ln b(s) = ln beta``, above it on ``b(s) = beta``. It starts
from an asymptotic guess (small-``s`` Mills-ratio expansion on the lower branch, the large-``s``
limit ``beta_max - b ~ 2 cosh(x/2) N(-s/2)`` on the upper one) and takes Householder third-order
steps, falling back to Newton and then to bisection whenever a step leaves the bracket it
maintains. Typically 2-4 iterations; stops when the step is below ``tol`` relative to ``s`` or the
objective is at rounding level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tailkit._typing import ArrayLike, FloatOrArray
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.pricing import _kernels
from tailkit.pricing._inputs import (
    SERIAL_THRESHOLD,
    coerce,
    flatten_broadcast,
    is_scalar_call,
    n_elements,
    signs,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ImpliedVolResult", "implied_vol", "IV_STATUS"]

#: status code -> meaning
IV_STATUS: dict[int, str] = {
    _kernels.IV_OK: "ok",
    _kernels.IV_BELOW_LOWER: "price at or below the lower no-arbitrage bound (discounted intrinsic)",
    _kernels.IV_ABOVE_UPPER: "price at or above the upper bound (S e^{-qT} for a call, K e^{-rT} for a put)",
    _kernels.IV_NOT_CONVERGED: "solver did not converge within max_iter",
    _kernels.IV_BAD_INPUT: "bad input: non-finite value, spot/strike <= 0 or T <= 0",
}


@dataclass(frozen=True, slots=True)
class ImpliedVolResult:
    """Implied volatilities with a per-option status.

    Attributes
    ----------
    vol : float or ndarray
        Implied volatility (decimal per sqrt(year)); NaN where ``status != 0``.
    status : numpy.int8 or ndarray of int8
        0 ok, 1 price at/below the lower bound, 2 price at/above the upper bound,
        3 not converged, 4 bad input (e.g. ``T <= 0``). See :data:`IV_STATUS`.
    n_failed : int
        Number of options with ``status != 0``.
    """

    vol: FloatOrArray
    status: Any
    n_failed: int

    @property
    def converged(self) -> bool | np.ndarray:
        """``status == 0`` (a bool for a scalar call, else a bool array)."""
        ok = np.asarray(self.status) == 0
        return bool(ok) if ok.ndim == 0 else ok

    def to_frame(self) -> pd.DataFrame:
        """Return one row per option with columns ``vol``, ``status``, ``status_text``.

        Returns
        -------
        pandas.DataFrame
            The flattened results.
        """
        import pandas as pd

        st = np.atleast_1d(np.asarray(self.status)).ravel()
        return pd.DataFrame(
            {
                "vol": np.atleast_1d(np.asarray(self.vol, dtype=np.float64)).ravel(),
                "status": st,
                "status_text": [IV_STATUS[int(s)] for s in st],
            }
        )


def implied_vol(
    price: ArrayLike,
    kind: Any,
    spot: ArrayLike,
    strike: ArrayLike,
    T: ArrayLike,
    rate: ArrayLike,
    div: ArrayLike = 0.0,
    *,
    tol: float = 1e-12,
    max_iter: int = 64,
) -> ImpliedVolResult:
    """Black-Scholes-Merton implied volatility, vectorized and safe for whole batches.

    Out-of-bounds prices and bad inputs never raise: they give NaN and a status code.

    Parameters
    ----------
    price : float or array_like
        Option price (present value, same units as ``spot``).
    kind : {"call", "put", "c", "p"} or array_like of str
        Option type (an unknown spelling raises :class:`~tailkit.errors.ParameterError`).
    spot : float or array_like
        Underlying price.
    strike : float or array_like
        Strike price.
    T : float or array_like
        Time to expiry in years (``T <= 0`` gives status 4).
    rate : float or array_like
        Risk-free rate, continuously compounded decimal.
    div : float or array_like, default=0.0
        Continuous dividend yield (decimal).
    tol : float, default=1e-12
        Relative tolerance on the total volatility ``sigma sqrt(T)``.
    max_iter : int, default=64
        Iteration cap per option (Householder/Newton/bisection steps).

    Returns
    -------
    ImpliedVolResult
        ``vol`` (float or ndarray, NaN where no valid vol), ``status`` (int8), ``n_failed``.

    Notes
    -----
    Accuracy: on a grid of K/S 0.3-3, T 1 day-10 years, vol 1%-300% the round-trip error is
    below 1e-9 wherever the vega (per 1.00 vol) is at least ``1e-6 * spot``; below that floor the
    price no longer determines the vol to that precision in double arithmetic.

    Examples
    --------
    >>> res = implied_vol(4.7594, "call", 42.0, 40.0, 0.5, 0.10)  # Hull Example 15.6
    >>> round(res.vol, 3), int(res.status)
    (0.2, 0)
    """
    if not (isinstance(tol, float | int) and tol > 0):
        raise ParameterError(describe_bad_value("tol", tol, "a float > 0"))
    if not (isinstance(max_iter, int | np.integer) and max_iter >= 1):
        raise ParameterError(describe_bad_value("max_iter", max_iter, "an int >= 1"))
    sign = signs(kind)
    p = coerce("price", price)
    S = coerce("spot", spot)
    K = coerce("strike", strike)
    tt = coerce("T", T)
    r = coerce("rate", rate)
    q = coerce("div", div)
    scalar = is_scalar_call(p, sign, S, K, tt, r, q)
    shape, flat = flatten_broadcast(p, sign, S, K, tt, r, q)
    n = n_elements(shape)
    out = np.empty(n, dtype=np.float64)
    status = np.empty(n, dtype=np.int8)
    kernel = _kernels.implied_vol_array_serial if n < SERIAL_THRESHOLD else _kernels.implied_vol_array
    kernel(*flat, float(tol), int(max_iter), out, status)
    n_failed = int(np.count_nonzero(status))
    if scalar:
        return ImpliedVolResult(vol=float(out[0]), status=np.int8(status[0]), n_failed=n_failed)
    return ImpliedVolResult(vol=out.reshape(shape), status=status.reshape(shape), n_failed=n_failed)
