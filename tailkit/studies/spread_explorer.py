"""Parameter set and study functions behind the ``spread_explorer`` app: one vertical credit spread.

The app and its panel (``widgets.pricing.SpreadExplorerPanel``) build a
:class:`SpreadExplorerParams`, call :func:`spread_explorer_view` and hand its frames to
:mod:`tailkit.charts.pricing`; nothing numerical lives in the app.

Units: spot and strikes in price units, rates and vols as decimals per year (continuously
compounded), expiry in calendar days (``T = days / 365``).

Examples
--------
>>> view = spread_explorer_view(SpreadExplorerParams())
>>> round(view.metrics.width, 2)
5.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit._typing import Float1D
from tailkit.errors import ParameterError
from tailkit.params import param, validate
from tailkit.pricing import bs_greeks, credit_spread_metrics
from tailkit.studies.option_pricing import DAYS_PER_YEAR

__all__ = ["SpreadExplorerParams", "SpreadExplorerView", "spread_pnl_curves", "spread_explorer_view"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SpreadExplorerParams:
    """Parameters of the ``spread_explorer`` app: one vertical credit spread.

    ``kind="put"`` is a bull put spread (sell the higher strike put, buy the lower one);
    ``kind="call"`` a bear call spread (sell the lower strike call, buy the higher one).
    """

    kind: str = param("put", choices=("put", "call"), doc="put credit spread (bull put) or call (bear call)")
    spot: float = param(100.0, gt=0.0, le=1e6, doc="underlying price")
    short_strike: float = param(95.0, gt=0.0, le=1e6, doc="strike of the option sold")
    long_strike: float = param(90.0, gt=0.0, le=1e6, doc="strike of the option bought (the wing)")
    days_to_expiry: int = param(30, ge=1, le=730, doc="calendar days to expiry")
    iv: float = param(0.20, gt=0.0, le=3.0, percent=True, doc="implied volatility (20% = 0.20)")
    rate: float = param(
        0.04, ge=-0.05, le=0.25, percent=True, doc="risk-free rate (4% = 0.04), continuously compounded"
    )

    def __post_init__(self) -> None:
        validate(self)
        if self.kind == "put" and not self.short_strike > self.long_strike:
            raise ParameterError(
                f"short_strike={self.short_strike!r} is not allowed: a put credit spread sells the "
                f"higher strike, so expected short_strike > long_strike={self.long_strike!r}"
            )
        if self.kind == "call" and not self.short_strike < self.long_strike:
            raise ParameterError(
                f"short_strike={self.short_strike!r} is not allowed: a call credit spread sells the "
                f"lower strike, so expected short_strike < long_strike={self.long_strike!r}"
            )

    @property
    def T(self) -> float:
        """Time to expiry in years (``days_to_expiry / 365``)."""
        return self.days_to_expiry / DAYS_PER_YEAR


def spread_pnl_curves(
    structure: Any,
    entry_value: float,
    spots: Any,
    rate: float,
    vol: float,
    horizons_days: Any,
    expiry_days: float,
) -> pd.DataFrame:
    """P&L of a structure across underlying prices at several horizons, as a tidy table.

    Parameters
    ----------
    structure : tailkit.pricing.Structure
        The position (legs with expiries in years).
    entry_value : float
        Value of the structure at entry (negative for a credit received).
    spots : array_like of shape (n_spots,)
        Underlying prices on the x axis.
    rate, vol : float
        Rate and volatility used to value the legs before expiry, decimals.
    horizons_days : array_like of shape (n_horizons,)
        Days after entry at which to value the position; a horizon equal to
        ``expiry_days`` uses the payoff at expiry.
    expiry_days : float
        Days to expiry of the structure.

    Returns
    -------
    pandas.DataFrame
        ``n_horizons * n_spots`` rows: ``horizon_days, horizon, spot, pnl`` where ``horizon``
        labels the curve ("today", "in N days", "at expiry").
    """
    s = np.asarray(spots, dtype=np.float64).ravel()
    frames = []
    for d in np.asarray(horizons_days, dtype=np.float64).ravel():
        if d >= expiry_days:
            pnl = np.asarray(structure.payoff(s), dtype=np.float64) - entry_value
            label = "at expiry"
        else:
            t = d / DAYS_PER_YEAR
            pnl = np.asarray(structure.pnl(s, entry_value, rate, vol, t=t), dtype=np.float64)
            label = "today" if d == 0 else f"in {d:g} day{'' if d == 1 else 's'}"
        frames.append(pd.DataFrame({"horizon_days": d, "horizon": label, "spot": s, "pnl": pnl}))
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True, slots=True)
class SpreadExplorerView:
    """What the spread explorer shows for one :class:`SpreadExplorerParams`.

    Attributes
    ----------
    params : SpreadExplorerParams
        The inputs.
    metrics : tailkit.pricing.CreditSpreadMetrics
        Credit, max profit/loss, breakeven, probability of profit, Greeks.
    curves : pandas.DataFrame
        :func:`spread_pnl_curves` today, half way and at expiry (per share).
    greeks : pandas.DataFrame
        The spread's Greeks, one row per leg plus the net position.
    """

    params: SpreadExplorerParams
    metrics: Any
    curves: pd.DataFrame
    greeks: pd.DataFrame

    def to_dict(self) -> dict[str, float]:
        """Headline metrics (credit, max profit/loss, breakeven, POP) as floats."""
        m = self.metrics
        return {
            "credit": float(m.credit),
            "width": float(m.width),
            "max_profit": float(m.max_profit),
            "max_loss": float(m.max_loss),
            "breakeven": float(m.breakeven),
            "pop": float(m.pop),
        }


#: widest log move the x axis shows (about -33% / +49%): at a 300% IV, +-3 standard deviations
#: span 0.4x to 13x spot and the payoff, all of it between the strikes, shrinks into the left edge
MAX_AXIS_LOG_MOVE = 0.4


def _spot_axis(p: SpreadExplorerParams, n: int = 201) -> Float1D:
    """Underlying prices covering both strikes and +-3 standard deviations of the move.

    The move is capped at :data:`MAX_AXIS_LOG_MOVE` so the strikes (where the payoff bends)
    stay in the middle of the chart whatever the IV.
    """
    sd = min(p.iv * np.sqrt(p.T), MAX_AXIS_LOG_MOVE / 3.0)
    lo = min(p.spot * np.exp(-3.0 * sd), p.long_strike, p.short_strike)
    hi = max(p.spot * np.exp(3.0 * sd), p.long_strike, p.short_strike)
    width = abs(p.short_strike - p.long_strike)
    lo = max(lo - width, 1e-6)
    hi = hi + width
    return np.linspace(lo, hi, n)


def _greeks_rows(structure: Any, p: SpreadExplorerParams) -> pd.DataFrame:
    rows = []
    for leg in structure.legs:
        g = bs_greeks(leg.kind, p.spot, leg.strike, p.T, p.rate, p.iv)
        q = float(leg.quantity)
        rows.append(
            {
                "position": f"{'short' if q < 0 else 'long'} {abs(q):g} {leg.kind} {leg.strike:g}",
                "price": q * float(g.price),
                "delta": q * float(g.delta),
                "gamma": q * float(g.gamma),
                "vega": q * float(g.vega_per_point()),
                "theta": q * float(g.theta_per_day()),
                "rho": q * float(g.rho) / 100.0,
            }
        )
    frame = pd.DataFrame(rows).set_index("position")
    frame.loc["net spread"] = frame.sum(axis=0)
    return frame.astype(float)


def spread_explorer_view(params: SpreadExplorerParams) -> SpreadExplorerView:
    """Compute the spread explorer's metrics, P&L curves and Greeks table.

    Parameters
    ----------
    params : SpreadExplorerParams
        The spread and market inputs.

    Returns
    -------
    SpreadExplorerView
        Per-share figures (multiply by 100 for one listed contract). Greeks: vega per vol
        point, theta per calendar day, rho per 1% of rate.
    """
    p = params
    metrics = credit_spread_metrics(p.kind, p.short_strike, p.long_strike, p.spot, p.T, p.rate, p.iv)
    structure = metrics.structure
    entry_value = -float(metrics.credit)
    half = float(int(p.days_to_expiry // 2))
    horizons = (
        [0.0, half, float(p.days_to_expiry)] if 0 < half < p.days_to_expiry else [0.0, p.days_to_expiry]
    )
    curves = spread_pnl_curves(
        structure, entry_value, _spot_axis(p), p.rate, p.iv, horizons, float(p.days_to_expiry)
    )
    return SpreadExplorerView(params=p, metrics=metrics, curves=curves, greeks=_greeks_rows(structure, p))
