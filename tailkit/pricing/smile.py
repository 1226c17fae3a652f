"""The quadratic implied-vol smile in log-moneyness, the one shape tailkit's synthetic chains use.

``IV(k) = max(atm_vol + slope * k + curvature * k**2, floor)`` with ``k = ln(K / F)`` and ``F``
the forward. A negative ``slope`` gives the equity-index skew (OTM puts dearer than OTM calls);
``curvature`` lifts both wings. The floor keeps far wings positive where the parabola would
turn down (only when ``curvature < 0``) or cross zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tailkit._typing import Float1D

__all__ = ["quadratic_smile"]


def quadratic_smile(
    log_moneyness: Any, atm_vol: float, slope: float, curvature: float, floor: float = 0.01
) -> Float1D:
    """Return ``max(atm_vol + slope * k + curvature * k**2, floor)``.

    Parameters
    ----------
    log_moneyness : array_like of shape (n,)
        ``k = ln(K / F)`` with ``F`` the forward.
    atm_vol : float
        At-the-money implied vol, decimal per year.
    slope, curvature : float
        Linear and quadratic coefficients in ``k``.
    floor : float, default=0.01
        Lowest implied vol returned, decimal.

    Returns
    -------
    ndarray of shape (n,)
        Implied vols, decimals per year.

    Examples
    --------
    >>> quadratic_smile([-0.1, 0.0, 0.1], 0.2, -0.5, 1.0).round(4).tolist()
    [0.26, 0.2, 0.16]
    """
    k = np.asarray(log_moneyness, dtype=np.float64)
    return np.maximum(atm_vol + slope * k + curvature * k * k, floor)
