"""The hedge overlay: a hedge program of :mod:`tailkit.hedging` riding on a backtest's NAV.

The portfolio's equity curve (the engine's ``equity``, unhedged) is the overlay's underlying:
options on the NAV, struck at ``moneyness`` x NAV when bought, valued every close on the
hedging package's implied-vol surface (:class:`~tailkit.hedging.VolSurface`) driven by a vol
index taken **from the path**, and marked, rolled and settled by the hedging package's own
marking kernel (:func:`~tailkit.hedging.mark_programs`, one path). Nothing here prices or rolls
an option itself; the roll table and the cash flows are read back from the kernel's record of
every leg (quantity, strike, expiry) and valued with the same surface
(:func:`tailkit.hedging.implied_vol`) and Black-Scholes-Merton (:func:`tailkit.pricing.bs_price`).

Conventions
-----------
* **Vol from the path** (causal): ``vol_t = vrp_ratio * max(s_t, vol_floor)``, ``s_t`` the
  annualised (x sqrt(252)) standard deviation (ddof=1) of the last ``vol_window`` daily log
  returns of the NAV up to and including ``t`` (fewer at the start; ``vol_floor`` until two
  returns exist). ``vrp_ratio`` (default 1.15, the hedging package's default ratio of implied
  to GARCH vol) stands for the variance risk premium. A vol series of your own (e.g. VIX / 100)
  can be passed instead.
* **Sizing**: notional; each roll buys ``hedge_ratio`` puts per unit of NAV *at the start of
  the overlay* held (``hedge_ratio = 1``: one put on the whole starting NAV, i.e. the NAV's
  "shares" held buy-and-hold, as in :mod:`tailkit.hedging.marking`).
* **Financing**: premiums are paid from, and proceeds and settlements paid into, an overlay
  cash account that earns nothing (the engine's cash earns nothing either). The strategy
  trades as without the overlay: the overlay changes the reported equity, never the trades.
  ``equity = NAV + overlay cash + option marks``.
* **Surface**: the hedging package's :class:`~tailkit.hedging.VolSurface` with its default skew,
  curvature, floor and cap, but a flat term structure (``term_speed`` 1e-6 a year: every tenor
  at ``atm_ratio`` x the vol index within 1e-6 relative) -- the default surface reverts to an
  S&P-like 20% long-run vol, a level a portfolio's NAV does not have (:data:`NAV_SURFACE`;
  pass ``surface=`` for another).
* Fills: bought at mid x (1 + ``half_spread``), sold at mid x (1 - ``half_spread``), cash
  settlement at expiry free (the hedging package's :class:`~tailkit.hedging.FillCosts`).
* Months are 21 bars (:data:`tailkit.hedging.MONTH_DAYS`); steps are 1/252 year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.hedging import (
    Collar,
    FillCosts,
    HedgeMarket,
    ProtectivePut,
    PutSpread,
    VixModel,
    VolSurface,
    implied_vol,
    mark_programs,
)
from tailkit.params import param, validate
from tailkit.pricing import bs_price

__all__ = [
    "HEDGE_PROGRAMS",
    "NAV_SURFACE",
    "HedgeOverlayParams",
    "HedgeOverlayResult",
    "apply_hedge_overlay",
    "path_vol",
]

#: programs the overlay can run ("none": no overlay)
HEDGE_PROGRAMS: tuple[str, ...] = ("none", "put", "put_spread", "collar")
#: trading days per year of the overlay's time step
YEAR_BARS = 252
#: the overlay's default surface: the hedging package's skew with a flat term structure
NAV_SURFACE = VolSurface(term_speed=1e-6)


@dataclass(frozen=True, slots=True, kw_only=True)
class HedgeOverlayParams:
    """The hedge overlay (module docstring).

    Parameters
    ----------
    program : {"none", "put", "put_spread", "collar"}, default="none"
        ``put``: :class:`~tailkit.hedging.ProtectivePut`; ``put_spread``:
        :class:`~tailkit.hedging.PutSpread`; ``collar``: :class:`~tailkit.hedging.Collar`.
    moneyness : float, default=0.9
        Strike / NAV of the (long) put.
    short_moneyness : float, default=0.8
        Strike / NAV of the put spread's short put (below ``moneyness``).
    call_moneyness : float, default=0.0
        Strike / NAV of the collar's short call (0: solved at each roll for a zero-cost collar).
    tenor_months : float, default=3.0
        Option tenor at purchase, months of 21 bars.
    roll_months : float, default=1.0
        Roll with this much life left (0: hold to expiry).
    hedge_ratio : float, default=1.0
        Puts per unit of the starting NAV held.
    vol_window : int, default=21
        Bars of NAV log returns in the realised vol.
    vrp_ratio : float, default=1.15
        Vol index / realised vol.
    vol_floor : float, default=0.05
        Lowest realised vol used, decimal per sqrt(year).
    half_spread : float, default=0.03
        Half-spread paid on every option fill, fraction of the mid.
    """

    program: str = param("none", choices=HEDGE_PROGRAMS, doc="hedge overlay program (none: no overlay)")
    moneyness: float = param(0.9, gt=0.0, le=2.0, doc="strike / NAV of the (long) put")
    short_moneyness: float = param(0.8, gt=0.0, le=2.0, doc="strike / NAV of the put spread's short put")
    call_moneyness: float = param(
        0.0, ge=0.0, le=5.0, doc="strike / NAV of the collar's call (0: zero-cost collar)"
    )
    tenor_months: float = param(3.0, ge=0.25, le=24.0, doc="option tenor at purchase, months of 21 bars")
    roll_months: float = param(1.0, ge=0.0, le=24.0, doc="roll with this much life left, months (0: expiry)")
    hedge_ratio: float = param(1.0, ge=0.0, le=5.0, doc="puts per unit of the starting NAV")
    vol_window: int = param(21, ge=2, le=2520, doc="bars of NAV returns in the realised vol")
    vrp_ratio: float = param(1.15, gt=0.0, le=5.0, doc="vol index / realised vol of the NAV")
    vol_floor: float = param(0.05, gt=0.0, le=2.0, doc="lowest realised vol used, decimal per sqrt(year)")
    half_spread: float = param(0.03, ge=0.0, lt=1.0, doc="half-spread of option fills, fraction of mid")

    def __post_init__(self) -> None:
        validate(self)
        self.hedge_program()  # cross-field checks (strikes, roll vs tenor) of the hedging package

    def hedge_program(self) -> ProtectivePut | PutSpread | Collar | None:
        """The :mod:`tailkit.hedging` program (None for ``program="none"``).

        Raises
        ------
        ParameterError
            When the hedging package refuses the combination, naming it as an overlay setting.
        """
        tenor, roll, ratio = self.tenor_months, self.roll_months, self.hedge_ratio
        try:
            if self.program == "put":
                return ProtectivePut(
                    moneyness=self.moneyness, tenor_months=tenor, roll_months=roll, hedge_ratio=ratio
                )
            if self.program == "put_spread":
                return PutSpread(
                    long_moneyness=self.moneyness, short_moneyness=self.short_moneyness, tenor_months=tenor,
                    roll_months=roll, hedge_ratio=ratio,
                )  # fmt: skip
            if self.program == "collar":
                return Collar(
                    put_moneyness=self.moneyness, call_moneyness=self.call_moneyness, tenor_months=tenor,
                    roll_months=roll, hedge_ratio=ratio,
                )  # fmt: skip
        except ParameterError as exc:
            raise ParameterError(f"hedge overlay ({self.program}): {exc}") from None
        return None


def path_vol(equity: pd.Series, params: HedgeOverlayParams) -> pd.Series:
    """The overlay's vol index from the NAV path (module docstring), decimal, causal.

    Parameters
    ----------
    equity : Series of shape (n_bars,)
        NAV, > 0.
    params : HedgeOverlayParams

    Returns
    -------
    Series of shape (n_bars,)
        ``vrp_ratio * max(realised vol, vol_floor)``.
    """
    r = np.log(equity.astype(float)).diff()
    realised = r.rolling(params.vol_window, min_periods=2).std(ddof=1) * math.sqrt(YEAR_BARS)
    return (params.vrp_ratio * realised.fillna(0.0).clip(lower=params.vol_floor)).rename("vol")


@dataclass(frozen=True, slots=True)
class HedgeOverlayResult:
    """The overlay on one equity curve (currency units throughout).

    Parameters
    ----------
    equity : Series of shape (n_bars,)
        Hedged equity: NAV + overlay cash + option marks.
    base : Series of shape (n_bars,)
        The unhedged NAV the overlay rides on.
    option_value : Series of shape (n_bars,)
        Mid value of the open options at each close.
    cash_flows : Series of shape (n_bars,)
        Option cash flows at each close (+ received: sales and settlements; - paid: premiums).
    vol : Series of shape (n_bars,)
        Vol index used (NaN before the overlay starts).
    quantity, strike : DataFrame of shape (n_bars, n_legs)
        Each leg's position after the close (+ long, - short; options per unit of NAV) and strike.
    expiry : DataFrame of shape (n_bars, n_legs)
        Bar index of each open leg's expiry (-1 when none is open).
    rolls : DataFrame
        One row per leg and trade: ``date``, ``bar``, ``leg``, ``action`` (open, close,
        settle), ``quantity``, ``strike``, ``expiry_bar``, ``vol`` (implied vol used), ``mid``
        and ``cash_flow``.
    label : str
        The hedging package's label of the program.
    start : int
        First bar of the overlay.
    params : HedgeOverlayParams
    """

    equity: pd.Series
    base: pd.Series
    option_value: pd.Series
    cash_flows: pd.Series
    vol: pd.Series
    quantity: pd.DataFrame
    strike: pd.DataFrame
    expiry: pd.DataFrame
    rolls: pd.DataFrame
    label: str
    start: int
    params: HedgeOverlayParams

    @property
    def overlay_cash(self) -> pd.Series:
        """Overlay cash account at each close (cumulative option cash flows)."""
        return self.cash_flows.cumsum().rename("overlay_cash")

    def to_frame(self) -> pd.DataFrame:
        """Columns ``equity``, ``base``, ``option_value``, ``cash_flows``, ``overlay_cash``, ``vol``."""
        return pd.DataFrame(
            {
                "equity": self.equity,
                "base": self.base,
                "option_value": self.option_value,
                "cash_flows": self.cash_flows,
                "overlay_cash": self.overlay_cash,
                "vol": self.vol,
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Headline numbers: net premium of the opens, proceeds, roll bars, hedged equity, P&L."""
        opened = self.rolls["action"] == "open"
        return {
            "hedge_program": self.label,
            "hedge_premium_paid": float(-self.rolls.loc[opened, "cash_flow"].sum()),
            "hedge_proceeds": float(self.rolls.loc[~opened, "cash_flow"].sum()),
            "hedge_rolls": int(self.rolls.loc[opened, "bar"].nunique()),
            "hedged_final_equity": float(self.equity.iloc[-1]),
            "hedge_pnl": float(self.equity.iloc[-1] - self.base.iloc[-1]),
        }


def _mids(
    sign: float, spot: np.ndarray, strike: np.ndarray, tau: np.ndarray, vol: np.ndarray, surface: VolSurface
) -> tuple[np.ndarray, np.ndarray]:
    """(implied vol, mid) of options on the surface; intrinsic (vol NaN) where ``tau <= 0``."""
    iv = np.full(spot.shape, np.nan)
    mid = np.maximum(sign * (spot - strike), 0.0)
    live = tau > 0
    if live.any():
        iv[live] = implied_vol(surface, vol[live], strike[live] / spot[live], tau[live])
        kind = "call" if sign > 0 else "put"
        mid[live] = np.maximum(bs_price(kind, spot[live], strike[live], tau[live], 0.0, iv[live]), 0.0)
    return iv, mid


def apply_hedge_overlay(
    equity: pd.Series,
    params: HedgeOverlayParams,
    *,
    start: int = 0,
    vol: pd.Series | None = None,
    surface: VolSurface | None = None,
) -> HedgeOverlayResult:
    """Run the hedge overlay on an equity curve (module docstring).

    Parameters
    ----------
    equity : Series of shape (n_bars,)
        Unhedged NAV at each close, currency units, > 0, on a DatetimeIndex.
    params : HedgeOverlayParams
        ``program`` must not be ``"none"``.
    start : int, default=0
        First bar of the overlay (e.g. the strategy's first decision); before it the equity is
        the NAV.
    vol : Series of shape (n_bars,), optional
        Vol index (decimal) on the same dates; default :func:`path_vol` of ``equity``.
    surface : VolSurface, optional
        Implied-vol surface (default :data:`NAV_SURFACE`).

    Returns
    -------
    HedgeOverlayResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> nav = pd.Series(1e5 * np.exp(np.linspace(0, -0.3, 80)), index=pd.bdate_range("2024-01-01", periods=80))
    >>> p = HedgeOverlayParams(program="put", moneyness=0.95, tenor_months=1, roll_months=0)
    >>> res = apply_hedge_overlay(nav, p)
    >>> bool(res.equity.iloc[-1] > nav.iloc[-1])  # 8% a month down: the 95% puts paid
    True
    """
    if not isinstance(params, HedgeOverlayParams):
        raise ParameterError(describe_bad_value("params", type(params).__name__, "a HedgeOverlayParams"))
    program = params.hedge_program()
    if program is None:
        raise ParameterError(describe_bad_value("program", params.program, "put, put_spread or collar"))
    if not isinstance(equity, pd.Series):
        raise DataError(describe_bad_value("equity", type(equity).__name__, "a Series of NAV values"))
    nav = equity.to_numpy(dtype=float)
    n = nav.shape[0]
    if not 0 <= start <= n - 2:
        raise ParameterError(describe_bad_value("start", start, f"a bar in 0..{n - 2}"))
    bad = ~(np.isfinite(nav) & (nav > 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(describe_bad_value(f"equity[{equity.index[i]}]", float(nav[i]), "a NAV > 0"))
    seg = equity.iloc[start:]
    if vol is None:
        v = path_vol(seg, params).to_numpy()
    else:
        if not isinstance(vol, pd.Series) or not vol.index.equals(equity.index):
            raise DataError("vol: expected a Series on the equity's dates")
        v = vol.iloc[start:].to_numpy(dtype=float)
        badv = ~(np.isfinite(v) & (v > 0))
        if badv.any():
            i = int(np.flatnonzero(badv)[0])
            raise DataError(describe_bad_value(f"vol[{seg.index[i]}]", float(v[i]), "a vol > 0 (decimal)"))
    surface = NAV_SURFACE if surface is None else surface
    s = seg.to_numpy(dtype=float)
    dt = 1.0 / YEAR_BARS
    market = HedgeMarket(
        spot=s[None, :].copy(),
        index=v[None, :].copy(),
        target=np.log(v)[None, :].copy(),
        dt=dt,
        rate=0.0,
        dividend_yield=0.0,
        vix_model=VixModel(),
        surface=surface,
        dates=pd.DatetimeIndex(seg.index) if isinstance(seg.index, pd.DatetimeIndex) else None,
        source="backtest NAV",
    )
    h = params.half_spread
    marked = mark_programs(
        market, [program], costs=FillCosts(equity_half_spread=h), record_paths=1, record_legs=True
    )
    scale = s[0]  # the kernel's NAV starts at 1: NAV and quantities in currency = kernel x starting NAV
    table = marked.table
    m = s.shape[0]
    steps = np.arange(m)
    names = list(table.leg_names)
    qty = marked.leg_qty * scale
    strike = np.where(qty != 0.0, marked.leg_strike, np.nan)
    expiry = np.where(qty != 0.0, marked.leg_expiry, -1)
    value = np.zeros(m)
    cash_flow = np.zeros(m)
    rows: list[dict[str, Any]] = []
    for j, name in enumerate(names):
        sign = float(table.sign[j])
        long = table.ratio[j] > 0
        q, k, e = qty[j], strike[j], expiry[j]
        held = q != 0.0
        tau = np.where(held, (e - steps) * dt, 0.0)
        iv, mid = _mids(sign, s[held], k[held], tau[held], v[held], surface)
        value[held] += q[held] * mid
        held_at = np.flatnonzero(held)
        # a trade where the position (quantity, strike or expiry) changes: close the old, open the new
        prev_q = np.r_[0.0, q[:-1]]
        prev_k = np.r_[np.nan, k[:-1]]
        prev_e = np.r_[-1, e[:-1]]
        changed = (q != prev_q) | (e != prev_e) | ~((k == prev_k) | (np.isnan(k) & np.isnan(prev_k)))
        for t in np.flatnonzero(changed):
            if prev_q[t] != 0.0:
                left = (prev_e[t] - t) * dt
                civ, cmid = _mids(
                    sign, s[t : t + 1], prev_k[t : t + 1], np.array([left]), v[t : t + 1], surface
                )
                settle = left <= 0
                fill = 1.0 if settle else (1.0 - h if long else 1.0 + h)
                flow = float(prev_q[t] * cmid[0] * fill)
                cash_flow[t] += flow
                rows.append({
                    "bar": start + t, "leg": name, "action": "settle" if settle else "close",
                    "quantity": float(prev_q[t]), "strike": float(prev_k[t]), "expiry_bar": start + int(prev_e[t]),
                    "vol": float(civ[0]), "mid": float(cmid[0]), "cash_flow": flow,
                })  # fmt: skip
            if q[t] != 0.0:
                i = int(np.searchsorted(held_at, t))
                fill = 1.0 + h if long else 1.0 - h
                flow = float(-q[t] * mid[i] * fill)
                cash_flow[t] += flow
                rows.append({
                    "bar": start + t, "leg": name, "action": "open", "quantity": float(q[t]),
                    "strike": float(k[t]), "expiry_bar": start + int(e[t]), "vol": float(iv[i]),
                    "mid": float(mid[i]), "cash_flow": flow,
                })  # fmt: skip
    idx = equity.index
    pre = np.zeros(start)
    cols = ["bar", "leg", "action", "quantity", "strike", "expiry_bar", "vol", "mid", "cash_flow"]
    rolls = pd.DataFrame(rows, columns=cols)
    # in time order; on a roll bar the old position is closed before the new one opens
    order = rolls["action"].eq("open").astype(int)
    rolls = rolls.assign(_o=order).sort_values(["bar", "_o"], kind="stable").drop(columns="_o")
    rolls = rolls.reset_index(drop=True)
    rolls.insert(0, "date", pd.Index(idx).take(rolls["bar"].to_numpy(dtype=np.int64)))

    def frame(a: np.ndarray, fill: float) -> pd.DataFrame:
        full = np.full((n, len(names)), fill, dtype=a.dtype)
        full[start:] = a.T
        return pd.DataFrame(full, index=idx, columns=names)

    hedged = np.r_[nav[:start], marked.nav[0, 0] * scale]
    return HedgeOverlayResult(
        equity=pd.Series(hedged, index=idx, name="hedged_equity"),
        base=equity.astype(float).rename("equity"),
        option_value=pd.Series(np.r_[pre, value], index=idx, name="option_value"),
        cash_flows=pd.Series(np.r_[pre, cash_flow], index=idx, name="cash_flows"),
        vol=pd.Series(np.r_[np.full(start, np.nan), v], index=idx, name="vol"),
        quantity=frame(qty, 0.0),
        strike=frame(strike, np.nan),
        expiry=frame(np.where(expiry >= 0, expiry + start, -1), -1),
        rolls=rolls,
        label=table.labels[0],
        start=int(start),
        params=params,
    )
