"""Multi-leg option structures: a :class:`Leg` / :class:`Structure` pair and common constructors.

A structure is valued leg by leg with Black-Scholes-Merton, each leg at its own remaining time
``expiry - t`` and with its own volatility when it carries one (skew), else the volatility
passed to the method. Quantities are signed (+ long, - short) and per unit of underlying.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from tailkit._typing import ArrayLike, FloatOrArray
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.pricing.black_scholes import bs_greeks, bs_price
from tailkit.pricing.greeks import Greeks

__all__ = [
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
]

LegKind = Literal["call", "put", "underlying"]
_LEG_KINDS = {"call": "call", "c": "call", "put": "put", "p": "put", "underlying": "underlying"}


def _finite_float(name: str, value: Any, *, positive: bool = False, nonnegative: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(describe_bad_value(name, value, "a finite float")) from None
    if not np.isfinite(v) or (positive and v <= 0.0) or (nonnegative and v < 0.0):
        allowed = "a finite float" + (" > 0" if positive else " >= 0" if nonnegative else "")
        raise ParameterError(describe_bad_value(name, value, allowed))
    return v


@dataclass(frozen=True, slots=True)
class Leg:
    """One leg of a structure.

    Parameters
    ----------
    kind : {"call", "put", "underlying"}
        Option type ("c"/"p" and any case accepted, normalised), or "underlying" for a position in
        the underlying itself (its ``strike`` is ignored, use 0.0).
    strike : float
        Strike price, > 0 for options.
    quantity : float
        Signed number of units: +1 long, -1 short (per unit of underlying).
    expiry : float
        Expiry in years from today (the structure's time origin), >= 0.
    vol : float or None, default=None
        This leg's own volatility (decimal), e.g. from a skew; None uses the structure-level vol.
    """

    kind: LegKind
    strike: float
    quantity: float
    expiry: float
    vol: float | None = None

    def __post_init__(self) -> None:
        kind = _LEG_KINDS.get(str(self.kind).strip().lower()) if isinstance(self.kind, str) else None
        if kind is None:
            raise ParameterError(describe_bad_value("kind", self.kind, "'call', 'put' or 'underlying'"))
        object.__setattr__(self, "kind", kind)
        is_option = kind != "underlying"
        object.__setattr__(self, "strike", _finite_float("strike", self.strike, positive=is_option))
        object.__setattr__(self, "quantity", _finite_float("quantity", self.quantity))
        object.__setattr__(self, "expiry", _finite_float("expiry", self.expiry, nonnegative=True))
        if self.vol is not None:
            object.__setattr__(self, "vol", _finite_float("vol", self.vol, nonnegative=True))


@dataclass(frozen=True, slots=True)
class Structure:
    """A multi-leg position valued with Black-Scholes-Merton.

    Parameters
    ----------
    legs : tuple of Leg
        The legs (a list is converted to a tuple).
    name : str, default=""
        Label, e.g. "bull put spread 95/90".

    Examples
    --------
    >>> s = bull_put_spread(95.0, 90.0, expiry=30 / 365)
    >>> value = s.price(100.0, rate=0.04, vol=0.20)  # negative: a short spread is a liability
    >>> bool(value < 0)
    True
    """

    legs: tuple[Leg, ...]
    name: str = ""

    def __post_init__(self) -> None:
        legs = tuple(self.legs)
        if not legs or not all(isinstance(leg, Leg) for leg in legs):
            raise ParameterError(describe_bad_value("legs", self.legs, "a non-empty tuple of Leg"))
        object.__setattr__(self, "legs", legs)

    @property
    def expiry(self) -> float:
        """Earliest option expiry in years (0.0 for a structure with no option legs)."""
        exp = [leg.expiry for leg in self.legs if leg.kind != "underlying"]
        return min(exp) if exp else 0.0

    def _leg_vol(self, leg: Leg, vol: ArrayLike | None) -> ArrayLike:
        if leg.vol is not None:
            return leg.vol
        if vol is None:
            raise ParameterError(
                describe_bad_value("vol", None, f"a volatility (leg {leg.kind} {leg.strike} has no own vol)")
            )
        return vol

    def _check_t(self, t: ArrayLike) -> np.ndarray:
        tt = np.asarray(t, dtype=np.float64)
        if np.any(~np.isfinite(tt)) or np.any(tt < 0.0) or np.any(tt > self.expiry):
            raise ParameterError(
                describe_bad_value(
                    "t", t, f"elapsed time in years within [0, {self.expiry}] (earliest expiry)"
                )
            )
        return tt

    def price(
        self,
        spot: ArrayLike,
        rate: ArrayLike,
        vol: ArrayLike | None,
        div: ArrayLike = 0.0,
        t: ArrayLike = 0.0,
    ) -> FloatOrArray:
        """Value of the structure at elapsed time ``t`` (sum of quantity x leg value).

        Parameters
        ----------
        spot : float or array_like
            Underlying price(s) at time ``t``, > 0.
        rate : float or array_like
            Risk-free rate, continuously compounded decimal.
        vol : float, array_like or None
            Volatility for legs without their own ``vol`` (None only if every option leg has one).
        div : float or array_like, default=0.0
            Continuous dividend yield.
        t : float or array_like, default=0.0
            Elapsed time in years since the structure's time origin, ``0 <= t <= expiry``.

        Returns
        -------
        float or ndarray
            Value (positive for a net long position); a float for scalar inputs.
        """
        tt = self._check_t(t)
        total: Any = 0.0
        for leg in self.legs:
            if leg.kind == "underlying":
                total = total + leg.quantity * np.asarray(spot, dtype=np.float64)
                continue
            v = bs_price(leg.kind, spot, leg.strike, leg.expiry - tt, rate, self._leg_vol(leg, vol), div)
            total = total + leg.quantity * v
        return _as_output(total)

    def greeks(
        self,
        spot: ArrayLike,
        rate: ArrayLike,
        vol: ArrayLike | None,
        div: ArrayLike = 0.0,
        t: ArrayLike = 0.0,
    ) -> Greeks:
        """Quantity-weighted sum of the legs' Greeks (see :func:`bs_greeks` for units).

        Parameters
        ----------
        spot : float or array_like
            Underlying price(s) at time ``t``.
        rate : float or array_like
            Risk-free rate, continuously compounded decimal.
        vol : float, array_like or None
            Volatility for legs without their own ``vol``.
        div : float or array_like, default=0.0
            Continuous dividend yield.
        t : float or array_like, default=0.0
            Elapsed time in years.

        Returns
        -------
        Greeks
            Summed Greeks; an underlying leg contributes price ``spot`` and delta 1 per unit.
        """
        tt = self._check_t(t)
        total: Greeks | None = None
        for leg in self.legs:
            if leg.kind == "underlying":
                s = np.asarray(spot, dtype=np.float64)
                zero = np.zeros_like(s)
                g = Greeks(s, np.ones_like(s), zero, zero, zero, zero, zero)
            else:
                g = bs_greeks(leg.kind, spot, leg.strike, leg.expiry - tt, rate, self._leg_vol(leg, vol), div)
            g = g.scaled(leg.quantity)
            total = g if total is None else total + g
        assert total is not None
        return Greeks(*(_as_output(v) for v in total.to_dict().values()))

    def payoff(self, spot_at_expiry: ArrayLike) -> FloatOrArray:
        """Value at the common expiry: quantity-weighted intrinsic values (plus any underlying).

        Parameters
        ----------
        spot_at_expiry : float or array_like
            Underlying price(s) at expiry, >= 0.

        Returns
        -------
        float or ndarray
            Payoff; a float for a scalar input.

        Raises
        ------
        ParameterError
            If the option legs do not share one expiry.
        """
        exp = {leg.expiry for leg in self.legs if leg.kind != "underlying"}
        if len(exp) > 1:
            raise ParameterError(
                describe_bad_value("legs", sorted(exp), "option legs with one common expiry for payoff()")
            )
        s = np.asarray(spot_at_expiry, dtype=np.float64)
        if np.any(~np.isfinite(s)) or np.any(s < 0.0):
            raise ParameterError(describe_bad_value("spot_at_expiry", spot_at_expiry, "finite prices >= 0"))
        total: Any = np.zeros_like(s)
        for leg in self.legs:
            if leg.kind == "underlying":
                total = total + leg.quantity * s
            elif leg.kind == "call":
                total = total + leg.quantity * np.maximum(s - leg.strike, 0.0)
            else:
                total = total + leg.quantity * np.maximum(leg.strike - s, 0.0)
        return _as_output(total)

    def pnl(
        self,
        spot: ArrayLike,
        entry_value: float,
        rate: ArrayLike,
        vol: ArrayLike | None,
        div: ArrayLike = 0.0,
        t: ArrayLike = 0.0,
    ) -> FloatOrArray:
        """Mark-to-model P&L, ``price(spot, ..., t) - entry_value``.

        Parameters
        ----------
        spot : float or array_like
            Underlying price(s) at time ``t``.
        entry_value : float
            Structure value when the position was opened (signed like :meth:`price`: a credit
            spread opened for a credit ``c`` has ``entry_value = -c``).
        rate : float or array_like
            Risk-free rate.
        vol : float, array_like or None
            Volatility for legs without their own ``vol``.
        div : float or array_like, default=0.0
            Continuous dividend yield.
        t : float or array_like, default=0.0
            Elapsed time in years; ``t = expiry`` gives the P&L at expiry.

        Returns
        -------
        float or ndarray
            P&L per structure, price units.
        """
        return _as_output(np.asarray(self.price(spot, rate, vol, div, t)) - float(entry_value))


def _as_output(x: Any) -> FloatOrArray:
    arr = np.asarray(x, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr


def _leg(kind: LegKind, strike: float, quantity: float, expiry: float, vol: float | None = None) -> Leg:
    return Leg(kind, strike, quantity, expiry, vol)


def _ordered(name_hi: str, hi: float, name_lo: str, lo: float, what: str) -> None:
    if not (float(hi) > float(lo)):
        raise ParameterError(describe_bad_value(name_hi, hi, f"a strike above {name_lo}={lo!r} for a {what}"))


def _single_leg(kind: LegKind, side: float) -> Callable[..., Structure]:
    """Build the constructor of a one-leg structure (``side`` +1 long, -1 short)."""
    word = "long" if side > 0 else "short"

    def make(strike: float, expiry: float, quantity: float = 1.0) -> Structure:
        return Structure(
            (_leg(kind, strike, side * abs(quantity), expiry),), name=f"{word} {kind} {strike:g}"
        )

    make.__name__ = make.__qualname__ = f"{word}_{kind}"
    make.__doc__ = f"""{word.capitalize()} ``quantity`` {kind}s (see :class:`Leg` for units).

    Parameters
    ----------
    strike : float
        Strike price.
    expiry : float
        Expiry in years.
    quantity : float, default=1.0
        Number of contracts {"bought" if side > 0 else "sold"} (per unit underlying), > 0.

    Returns
    -------
    Structure
        One leg{" with negative quantity" if side < 0 else ""}.
    """
    return make


long_call = _single_leg("call", 1.0)
long_put = _single_leg("put", 1.0)
short_call = _single_leg("call", -1.0)
short_put = _single_leg("put", -1.0)


def _two_legs(
    kind: LegKind,
    first: tuple[float, float, float | None],
    second: tuple[float, float, float | None],
    expiry: float,
    quantity: float,
    name: str,
) -> Structure:
    """Two legs of one kind from (strike, side, vol) triples, ``side`` +1 long / -1 short."""
    q = abs(quantity)
    legs = tuple(_leg(kind, k, side * q, expiry, vol) for k, side, vol in (first, second))
    return Structure(legs, name=name)


def bull_put_spread(
    short_strike: float,
    long_strike: float,
    expiry: float,
    quantity: float = 1.0,
    *,
    short_vol: float | None = None,
    long_vol: float | None = None,
) -> Structure:
    """Bull put (credit) spread: short a put at ``short_strike``, long a put at a lower ``long_strike``.

    Parameters
    ----------
    short_strike : float
        Strike of the put sold (the higher strike).
    long_strike : float
        Strike of the put bought, < ``short_strike``.
    expiry : float
        Expiry in years.
    quantity : float, default=1.0
        Number of spreads, > 0.
    short_vol, long_vol : float or None, default=None
        Per-leg volatilities (skew); None uses the structure-level vol.

    Returns
    -------
    Structure
        Two legs; its value is negative (a credit received is a liability).
    """
    _ordered("short_strike", short_strike, "long_strike", long_strike, "bull put spread")
    name = f"bull put spread {short_strike:g}/{long_strike:g}"
    return _two_legs(
        "put", (short_strike, -1.0, short_vol), (long_strike, 1.0, long_vol), expiry, quantity, name
    )


def bear_call_spread(
    short_strike: float,
    long_strike: float,
    expiry: float,
    quantity: float = 1.0,
    *,
    short_vol: float | None = None,
    long_vol: float | None = None,
) -> Structure:
    """Bear call (credit) spread: short a call at ``short_strike``, long a call at a higher ``long_strike``.

    Parameters
    ----------
    short_strike : float
        Strike of the call sold (the lower strike).
    long_strike : float
        Strike of the call bought, > ``short_strike``.
    expiry : float
        Expiry in years.
    quantity : float, default=1.0
        Number of spreads, > 0.
    short_vol, long_vol : float or None, default=None
        Per-leg volatilities (skew); None uses the structure-level vol.

    Returns
    -------
    Structure
        Two legs; its value is negative.
    """
    _ordered("long_strike", long_strike, "short_strike", short_strike, "bear call spread")
    name = f"bear call spread {short_strike:g}/{long_strike:g}"
    return _two_legs(
        "call", (short_strike, -1.0, short_vol), (long_strike, 1.0, long_vol), expiry, quantity, name
    )


def put_spread(long_strike: float, short_strike: float, expiry: float, quantity: float = 1.0) -> Structure:
    """Long put spread (a debit hedge): long a put at ``long_strike``, short a put at a lower strike.

    Parameters
    ----------
    long_strike : float
        Strike of the put bought (the higher strike).
    short_strike : float
        Strike of the put sold, < ``long_strike``.
    expiry : float
        Expiry in years.
    quantity : float, default=1.0
        Number of spreads, > 0.

    Returns
    -------
    Structure
        Two legs; positive value.
    """
    _ordered("long_strike", long_strike, "short_strike", short_strike, "long put spread")
    name = f"put spread {long_strike:g}/{short_strike:g}"
    return _two_legs("put", (long_strike, 1.0, None), (short_strike, -1.0, None), expiry, quantity, name)


def call_spread(long_strike: float, short_strike: float, expiry: float, quantity: float = 1.0) -> Structure:
    """Long call spread (bull call debit spread): long a call, short a call at a higher strike.

    Parameters
    ----------
    long_strike : float
        Strike of the call bought (the lower strike).
    short_strike : float
        Strike of the call sold, > ``long_strike``.
    expiry : float
        Expiry in years.
    quantity : float, default=1.0
        Number of spreads, > 0.

    Returns
    -------
    Structure
        Two legs; positive value.
    """
    _ordered("short_strike", short_strike, "long_strike", long_strike, "long call spread")
    name = f"call spread {long_strike:g}/{short_strike:g}"
    return _two_legs("call", (long_strike, 1.0, None), (short_strike, -1.0, None), expiry, quantity, name)


def collar(
    put_strike: float,
    call_strike: float,
    expiry: float,
    quantity: float = 1.0,
    *,
    include_underlying: bool = False,
) -> Structure:
    """Collar: long a put at ``put_strike`` and short a call at a higher ``call_strike``.

    Parameters
    ----------
    put_strike : float
        Strike of the protective put bought.
    call_strike : float
        Strike of the call sold, > ``put_strike``.
    expiry : float
        Expiry in years.
    quantity : float, default=1.0
        Units of underlying protected, > 0.
    include_underlying : bool, default=False
        False: the option overlay only (put - call), to sit on top of an existing holding.
        True: also a long position of ``quantity`` in the underlying (the full hedged position).

    Returns
    -------
    Structure
        Two or three legs.
    """
    _ordered("call_strike", call_strike, "put_strike", put_strike, "collar")
    q = abs(quantity)
    legs: tuple[Leg, ...] = (_leg("put", put_strike, q, expiry), _leg("call", call_strike, -q, expiry))
    if include_underlying:
        legs = (_leg("underlying", 0.0, q, expiry), *legs)
    return Structure(legs, name=f"collar {put_strike:g}/{call_strike:g}")
