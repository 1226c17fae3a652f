"""The per-ticker hedge strategy and its configuration grid, evaluated by a numba kernel.

Strategy families (``family``):

``"protective"`` — a delta-hedged protective position. At the start the strategy holds
``N = exposure / S_0`` shares' worth of puts (one put per share, strike ``put_moneyness * S``,
``put_days`` trading days to expiry, rolled at expiry into a new put struck at the then spot)
and ``N * (1 - delta_put)`` shares: the stock position scaled by ``exposure`` plus the shares
that neutralise the put's delta. Every ``rebalance_days`` the shares are reset to
``N * (1 - delta_put(t))``, so the position keeps a delta of ``exposure`` (per unit of starting
capital) and carries the put's gamma and vega. Puts are marked with Black-Scholes
(:func:`tailkit.pricing.bs_greeks`) at the implied vol of the model below; an expiring put is
worth its intrinsic value.

``"vol_target"`` — plain volatility targeting: every ``rebalance_days`` the shares are set to
``exposure * V * min(max_leverage, target_vol / sigma_hat) / S`` with ``sigma_hat`` the
trailing realised volatility known at the time; no options.

Both start with capital 1 (``capital`` dollars, default $1,000,000), keep the rest in cash at
``rate``, and pay on every trade of notional ``q`` (capital units) the proportional cost
``cost * q`` plus the impact cost ``impact * capital * q**2`` (a linear price concession of
``impact`` per dollar traded, so the cost grows with the square of the trade size). Option
trades pay the same costs on their premium.

Implied volatility model (per ticker, :class:`tailkit.sweep.marks.OptionMarkModel`):
``iv = max(iv_floor, rv * (1 + iv_premium) + skew * ln(S / K))`` with ``rv`` the trailing
``rv_window``-day realised volatility of daily log returns (known at the day, no look-ahead;
the evaluation starts after the first window). ``iv_premium`` is the implied-over-realised
premium and ``skew`` the slope in log-moneyness (an OTM put, ``K < S``, is priced at a higher
vol). With the user's implied vols (:func:`tailkit.sweep.marks.read_implied_vols`) the file's
at-the-money vol replaces ``rv * (1 + iv_premium)``; ``iv_source`` says which.

Data sources: frequencies of one day and more run on daily closes (``source="daily"``);
sub-daily re-hedging needs intraday paths (``steps_per_day > 1``; ``source`` names them) — a
configuration whose ``rebalance_days`` is not a whole number of steps is rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from tailkit._typing import Float1D, Float2D
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.pricing import bs_greeks
from tailkit.sweep import _kernels as K
from tailkit.sweep.kernel import config_grid, sweep_configurations
from tailkit.sweep.marks import OptionMarkModel

__all__ = [
    "HedgeGrid",
    "HedgeMarket",
    "HedgeSweep",
    "METRICS",
    "OptionMarkModel",
    "hedge_market",
    "evaluate_hedge_grid",
    "hedge_metrics_chunk",
]

#: names of the metric columns, in kernel order
METRICS: tuple[str, ...] = (
    "ann_return",
    "ann_vol",
    "sharpe",
    "max_drawdown",
    "positive_months",
    "rolling_sharpe_sd",
    "consistency",
    "turnover",
    "costs",
    "ruined",
)
DIMENSIONS: tuple[str, ...] = ("rebalance_days", "cost", "impact", "exposure")
FAMILIES = {"protective": 0, "vol_target": 1}


@dataclass(frozen=True, slots=True)
class HedgeGrid:
    """Configuration axes of the hedge sweep (defaults: the original system's 10 x 6 x 5 x 11).

    Attributes
    ----------
    rebalance_days : tuple of float
        Days between re-hedges (0.1 and 0.2 need intraday paths).
    cost : tuple of float
        Proportional transaction costs, decimal of traded notional.
    impact : tuple of float
        Impact coefficients, 1/$ (cost ``impact * trade_dollars**2``).
    exposure : tuple of float
        Exposure scales (delta per unit of capital).
    """

    rebalance_days: tuple[float, ...] = (0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 20.0)
    cost: tuple[float, ...] = (0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001)
    impact: tuple[float, ...] = (0.0, 1e-8, 1e-7, 5e-7, 1e-6)
    exposure: tuple[float, ...] = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0)

    def __post_init__(self) -> None:
        for name, lo in (("rebalance_days", 0.0), ("exposure", 0.0)):
            values = getattr(self, name)
            if not values or any(not v > lo for v in values):
                raise ParameterError(describe_bad_value(name, list(values), f"non-empty numbers > {lo}"))
        for name in ("cost", "impact"):
            values = getattr(self, name)
            if not values or any(not v >= 0.0 for v in values):
                raise ParameterError(describe_bad_value(name, list(values), "non-empty numbers >= 0"))

    @property
    def shape(self) -> tuple[int, int, int, int]:
        """Lattice shape (rebalance, cost, impact, exposure)."""
        return (len(self.rebalance_days), len(self.cost), len(self.impact), len(self.exposure))

    def configs(self) -> Float2D:
        """Array of shape (n_configs, 4): every combination, exposure varying fastest."""
        return config_grid([self.rebalance_days, self.cost, self.impact, self.exposure])

    def restrict(self, min_rebalance_days: float) -> HedgeGrid:
        """The grid without the frequencies below ``min_rebalance_days``."""
        kept = tuple(d for d in self.rebalance_days if d >= min_rebalance_days)
        if not kept:
            raise ParameterError(
                describe_bad_value(
                    "rebalance_days", list(self.rebalance_days), f"some >= {min_rebalance_days}"
                )
            )
        return HedgeGrid(rebalance_days=kept, cost=self.cost, impact=self.impact, exposure=self.exposure)


@dataclass(frozen=True, slots=True)
class HedgeMarket:
    """The arrays one ticker's sweep shares (step ``t = 0..n``; ``steps_per_day`` steps a day).

    Attributes
    ----------
    ticker : str
        Name.
    source : str
        ``"daily"`` (closes) or a description of the simulated intraday paths.
    dates : pandas.DatetimeIndex
        Date of each day's close (length ``n // steps_per_day + 1``).
    spot, put_end, put_start, put_delta, sigma_hat : ndarray of shape (n + 1,)
        Price; value of one put over the step ending / starting at t; its delta; trailing
        realised vol. ``roll`` (int8) marks the steps where a put is bought.
    steps_per_day : int
        Steps per trading day.
    rate : float
        Cash rate, decimal per year (continuous).
    marks : OptionMarkModel, optional
        How the puts were marked (kept so that a slice re-marks its puts the same way).
    base_iv : ndarray of shape (n + 1,), optional
        At-the-money implied vol at each step before the skew (the model's or the user's).
    iv_source : str
        Where ``base_iv`` comes from.
    """

    ticker: str
    source: str
    dates: pd.DatetimeIndex
    spot: Float1D
    put_end: Float1D
    put_start: Float1D
    put_delta: Float1D
    roll: np.ndarray
    sigma_hat: Float1D
    steps_per_day: int
    rate: float

    @property
    def n_days(self) -> int:
        """Trading days covered."""
        return (self.spot.shape[0] - 1) // self.steps_per_day

    def slice_days(self, start: int, stop: int) -> HedgeMarket:
        """The market between day ``start`` and day ``stop`` (inclusive), puts rolled afresh.

        The first step of the slice buys a new put (``roll = 1``) at the slice's own strike, so
        an out-of-sample evaluation owns no option struck in sample.
        """
        if not 0 <= start < stop <= self.n_days:
            raise ParameterError(
                describe_bad_value("days", (start, stop), f"0 <= start < stop <= {self.n_days}")
            )
        if self.marks is None or self.base_iv is None:
            raise ParameterError(describe_bad_value("market", self.ticker, "a market built by tailkit.sweep"))
        m = self.steps_per_day
        steps = slice(start * m, stop * m + 1)
        return build_market(
            self.ticker, self.source, self.dates[start : stop + 1], self.spot[steps], self.sigma_hat[steps],
            self.marks, m, base_iv=self.base_iv[steps], iv_source=self.iv_source,
        )  # fmt: skip

    marks: OptionMarkModel | None = None
    base_iv: Float1D | None = None
    iv_source: str = "model"


def rolling_vol(closes: Float1D, window: int) -> Float1D:
    """Trailing realised volatility of daily log returns (annualised), NaN for the first ``window`` days."""
    logret = np.diff(np.log(closes))
    out = np.full(closes.shape[0], np.nan)
    csum = np.concatenate([[0.0], np.cumsum(logret)])
    csum2 = np.concatenate([[0.0], np.cumsum(logret * logret)])
    for t in range(window, closes.shape[0]):
        s1 = csum[t] - csum[t - window]
        s2 = csum2[t] - csum2[t - window]
        var = (s2 - s1 * s1 / window) / (window - 1)
        out[t] = np.sqrt(max(var, 0.0) * K.DAYS_PER_YEAR)
    return out


def build_market(
    ticker: str,
    source: str,
    dates: pd.DatetimeIndex,
    spot: Float1D,
    rv: Float1D,
    marks: OptionMarkModel,
    steps_per_day: int = 1,
    *,
    base_iv: Float1D | None = None,
    iv_source: str = "model",
) -> HedgeMarket:
    """Mark the rolled puts along a price path (``steps_per_day`` steps a day) and wrap it.

    Parameters
    ----------
    ticker, source : str
        Name and where the path comes from.
    dates : pandas.DatetimeIndex
        Day closes, ``(len(spot) - 1) / steps_per_day + 1`` of them.
    spot, rv : ndarray of shape (n + 1,)
        Prices and the trailing realised vol known at each step (annualised).
    marks : OptionMarkModel
        Rate, put and implied-vol model.
    steps_per_day : int, default=1
        Steps per trading day.
    base_iv : ndarray of shape (n + 1,), optional
        At-the-money implied vol at each step (the user's); default the model's from ``rv``.
    iv_source : str, default="model"
        Where ``base_iv`` comes from (kept on the market).
    """
    spot = np.asarray(spot, dtype=np.float64)
    n = spot.shape[0] - 1
    if n % steps_per_day or dates.shape[0] != n // steps_per_day + 1:
        raise ParameterError(
            describe_bad_value(
                "len(spot), len(dates)", (spot.shape[0], dates.shape[0]), "n*steps_per_day + 1, n + 1"
            )
        )
    put_days = int(marks.put_days) * steps_per_day  # life in steps
    put_end = np.empty(n + 1)
    put_start = np.empty(n + 1)
    delta = np.empty(n + 1)
    roll = np.zeros(n + 1, dtype=np.int8)
    strikes = np.empty(n + 1)  # strike of the put held over the step starting at t
    remaining = np.empty(n + 1)  # its remaining life at t, steps
    strike_end = np.empty(n + 1)  # strike of the put held over the step ending at t
    k = np.nan
    left = 0
    for t in range(n + 1):
        strike_end[t] = k
        if left == 0:
            roll[t] = 1
            k = marks.put_moneyness * spot[t]
            left = put_days
        strikes[t] = k
        remaining[t] = left
        left -= 1

    rv = np.asarray(rv, dtype=np.float64)
    base = marks.model_base(rv) if base_iv is None else np.asarray(base_iv, dtype=np.float64)
    if base.shape != spot.shape:
        raise ParameterError(describe_bad_value("len(base_iv)", base.shape[0], f"len(spot) = {n + 1}"))
    years = remaining / (K.DAYS_PER_YEAR * steps_per_day)
    g = bs_greeks("put", spot, strikes, years, marks.rate, marks.implied_vol(base, spot, strikes))
    put_start[:] = g.price
    delta[:] = g.delta
    # over the step ending at t the put held is the one that started at t - 1
    put_end[0] = put_start[0]
    cont = roll[1:] == 0
    put_end[1:] = np.where(cont, put_start[1:], np.maximum(strike_end[1:] - spot[1:], 0.0))
    return HedgeMarket(
        ticker=ticker, source=source, dates=pd.DatetimeIndex(dates), spot=spot, put_end=put_end,
        put_start=put_start, put_delta=delta, roll=roll, sigma_hat=rv, steps_per_day=steps_per_day,
        rate=marks.rate, marks=marks, base_iv=base, iv_source=iv_source,
    )  # fmt: skip


def hedge_market(
    prices: pd.Series,
    *,
    ticker: str | None = None,
    marks: OptionMarkModel | None = None,
    implied_vol: pd.Series | None = None,
    iv_source: str = "user implied vols",
) -> HedgeMarket:
    """Build one ticker's daily market for the hedge sweep from its closes.

    Parameters
    ----------
    prices : pandas.Series
        Daily closes (positive), indexed by date; at least ``rv_window + 2 * 63`` of them.
    ticker : str, optional
        Name (default the series name).
    marks : OptionMarkModel, optional
        Rate, put and implied-vol model; default ``OptionMarkModel()``.
    implied_vol : pandas.Series, optional
        The user's at-the-money implied vols (decimal per year) by date, e.g. a column of
        :func:`tailkit.sweep.marks.read_implied_vols`. Each day uses the last quote at or
        before it; the market starts at the first day with both a full realised-vol window
        and a quote. Default: the model's ``rv * (1 + iv_premium)``.
    iv_source : str, default="user implied vols"
        How the market names ``implied_vol`` (e.g. the file); unused without it.

    Returns
    -------
    HedgeMarket
        Starting at the first day with a full realised-vol window (and an implied vol).
    """
    marks = OptionMarkModel() if marks is None else marks
    values = prices.dropna().astype(float)
    name = ticker or str(prices.name or "ticker")
    window = marks.rv_window
    if values.shape[0] < window + 2 * K.DAYS_PER_BLOCK:
        raise DataError(
            describe_bad_value(
                f"{name} closes", values.shape[0], f"at least {window + 2 * K.DAYS_PER_BLOCK} days"
            )
        )
    if (values <= 0).any():
        raise DataError(describe_bad_value(f"{name} closes", float(values.min()), "positive prices"))
    rv = rolling_vol(values.to_numpy(), window)
    kept = values.iloc[window:]
    rv = rv[window:]
    if implied_vol is None:
        return build_market(name, "daily", pd.DatetimeIndex(kept.index), kept.to_numpy(), rv, marks)
    quotes = implied_vol.dropna().astype(float).sort_index()
    if quotes.empty or not (quotes > 0).all():
        raise DataError(
            describe_bad_value(
                f"{name} implied vols ({iv_source})", len(quotes), "positive quotes, at least one"
            )
        )
    # the last quote at or before each day (no look-ahead); days before the first quote dropped
    base = quotes.reindex(pd.DatetimeIndex(kept.index), method="ffill").to_numpy()
    have = ~np.isnan(base)
    if have.sum() < 2 * K.DAYS_PER_BLOCK:
        raise DataError(
            describe_bad_value(
                f"{name} days with an implied vol ({iv_source})", int(have.sum()),
                f"at least {2 * K.DAYS_PER_BLOCK} (closes from {kept.index[0].date()} to {kept.index[-1].date()}, "
                f"vols from {quotes.index[0].date()} to {quotes.index[-1].date()})",
            )
        )  # fmt: skip
    first = int(np.argmax(have))
    return build_market(
        name, "daily", pd.DatetimeIndex(kept.index[first:]), kept.to_numpy()[first:], rv[first:], marks,
        base_iv=base[first:], iv_source=iv_source,
    )  # fmt: skip


def rebalance_steps(rebalance_days: Float1D, steps_per_day: int, source: str) -> Float1D:
    """Steps between re-hedges; a frequency that is not a whole number of steps is rejected."""
    steps = np.asarray(rebalance_days, dtype=np.float64) * steps_per_day
    bad = np.abs(steps - np.round(steps)) > 1e-9
    bad |= np.round(steps) < 1
    if bad.any():
        raise ParameterError(
            describe_bad_value(
                "rebalance_days",
                sorted({float(x) for x in np.asarray(rebalance_days)[bad]}),
                f"whole multiples of 1/{steps_per_day} day on {source} data "
                "(sub-daily frequencies need simulated intraday paths)",
            )
        )
    return np.round(steps)


def hedge_metrics_chunk(
    configs: Float2D,
    *,
    family: int,
    spot: Float1D,
    put_end: Float1D,
    put_start: Float1D,
    put_delta: Float1D,
    roll: np.ndarray,
    sigma_hat: Float1D,
    steps_per_day: int,
    growth: float,
    capital: float,
    target_vol: float,
    max_leverage: float,
) -> Float2D:
    """One kernel call over a chunk of configurations (rows ``[steps, cost, impact, exposure]``)."""
    out = np.empty((configs.shape[0], K.N_METRICS))
    K.hedge_metrics(
        np.ascontiguousarray(configs), family, spot, put_end, put_start, put_delta, roll, sigma_hat,
        steps_per_day, growth, capital, target_vol, max_leverage, out,
    )  # fmt: skip
    return out


@dataclass(frozen=True, slots=True)
class HedgeSweep:
    """Metrics of every configuration of a grid on one ticker's market.

    Attributes
    ----------
    ticker, source, family : str
        What was evaluated and on which data.
    grid : HedgeGrid
        The axes.
    configs : ndarray of shape (n_configs, 4)
        ``rebalance_days, cost, impact, exposure`` per row (grid order).
    metrics : ndarray of shape (n_configs, len(METRICS))
        Columns :data:`METRICS`.
    start, end : pandas.Timestamp
        First and last day of the evaluation.
    """

    ticker: str
    source: str
    family: str
    grid: HedgeGrid
    configs: Float2D
    metrics: Float2D
    start: pd.Timestamp
    end: pd.Timestamp

    def to_frame(self) -> pd.DataFrame:
        """One row per configuration: the four dimensions and every metric."""
        frame = pd.DataFrame(self.configs, columns=list(DIMENSIONS))
        for i, name in enumerate(METRICS):
            frame[name] = self.metrics[:, i]
        frame.insert(0, "ticker", self.ticker)
        frame["source"] = self.source
        return frame


def evaluate_hedge_grid(
    market: HedgeMarket,
    grid: HedgeGrid,
    *,
    family: Literal["protective", "vol_target"] = "protective",
    capital: float = 1_000_000.0,
    target_vol: float = 0.15,
    max_leverage: float = 3.0,
    chunk_size: int | None = None,
    client: Any = None,
) -> HedgeSweep:
    """Evaluate every configuration of ``grid`` on ``market`` (chunks of one kernel call each).

    Parameters
    ----------
    market : HedgeMarket
        From :func:`hedge_market` (daily) or simulated intraday paths.
    grid : HedgeGrid
        Axes; every ``rebalance_days`` must be a whole number of the market's steps.
    family : {"protective", "vol_target"}, default="protective"
        Strategy family (module docstring).
    capital : float, default=1e6
        Starting capital, $ (scales the impact cost).
    target_vol, max_leverage : float
        Volatility target and leverage cap of ``"vol_target"``.
    chunk_size : int, optional
        Configurations per kernel call; default one call in this process, 512 per Dask task
        (:func:`tailkit.sweep.kernel.sweep_configurations`).
    client : distributed.Client, optional
        Evaluate the chunks as Dask tasks.

    Returns
    -------
    HedgeSweep
    """
    if family not in FAMILIES:
        raise ParameterError(describe_bad_value("family", family, "one of " + ", ".join(FAMILIES)))
    if not capital > 0 or not target_vol > 0 or not max_leverage > 0:
        raise ParameterError(
            describe_bad_value(
                "capital, target_vol, max_leverage", (capital, target_vol, max_leverage), "> 0"
            )
        )
    configs = grid.configs()
    kernel_configs = configs.copy()
    kernel_configs[:, 0] = rebalance_steps(configs[:, 0], market.steps_per_day, market.source)
    dt = 1.0 / (K.DAYS_PER_YEAR * market.steps_per_day)
    data = {
        "family": FAMILIES[family], "spot": market.spot, "put_end": market.put_end, "put_start": market.put_start,
        "put_delta": market.put_delta, "roll": market.roll, "sigma_hat": market.sigma_hat,
        "steps_per_day": market.steps_per_day, "growth": float(np.exp(market.rate * dt)), "capital": capital,
        "target_vol": target_vol, "max_leverage": max_leverage,
    }  # fmt: skip
    metrics = sweep_configurations(
        hedge_metrics_chunk, kernel_configs, data=data, chunk_size=chunk_size, client=client
    )
    return HedgeSweep(
        ticker=market.ticker, source=market.source, family=family, grid=grid, configs=configs, metrics=metrics,
        start=market.dates[0], end=market.dates[-1],
    )  # fmt: skip
