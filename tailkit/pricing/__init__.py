"""Option pricing core: Black-Scholes-Merton, Greeks, implied vol, Merton jumps, Black-76, structures.

Units everywhere: rates, yields and vols are decimals (0.05 = 5%), time in years, rates and
dividend yields continuously compounded; ``div`` is a continuous dividend yield. Every pricing
function is vectorized over broadcastable inputs: scalars in give a Python float out, arrays in
give an ndarray of the broadcast shape. Numerics run in numba kernels (``_kernels.py``).
"""

from __future__ import annotations

from tailkit.pricing.black76 import black76_greeks, black76_price
from tailkit.pricing.black_scholes import bs_greeks, bs_price
from tailkit.pricing.greeks import Greeks
from tailkit.pricing.implied_vol import IV_STATUS, ImpliedVolResult, implied_vol
from tailkit.pricing.merton import merton_jump_price
from tailkit.pricing.spreads import CreditSpreadMetrics, credit_spread_metrics
from tailkit.pricing.structures import (
    Leg,
    Structure,
    bear_call_spread,
    bull_put_spread,
    call_spread,
    collar,
    long_call,
    long_put,
    put_spread,
    short_call,
    short_put,
)

__all__ = [
    "Greeks",
    "bs_price",
    "bs_greeks",
    "implied_vol",
    "ImpliedVolResult",
    "IV_STATUS",
    "merton_jump_price",
    "black76_price",
    "black76_greeks",
    "Leg",
    "Structure",
    "long_call",
    "long_put",
    "short_call",
    "short_put",
    "bull_put_spread",
    "bear_call_spread",
    "put_spread",
    "call_spread",
    "collar",
    "CreditSpreadMetrics",
    "credit_spread_metrics",
]
