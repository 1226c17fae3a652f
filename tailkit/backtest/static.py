"""The static strategy: fixed, equal or inverse-volatility weights on a schedule.

Inverse volatility: on a decision bar ``t``, ``w_j = (1 / sd_j) / sum_k (1 / sd_k)`` with
``sd_j`` the sample standard deviation (ddof=1) of the last ``lookback`` daily log returns
of asset ``j`` ending at ``t`` (returns of bars ``t - L + 1 .. t``). The first decision bar
is ``lookback`` (the first with ``L`` returns).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tailkit.backtest import _kernels as K
from tailkit.backtest.engine import BacktestResult, EngineParams, as_price_panel, run_backtest
from tailkit.backtest.schedule import decision_bars
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import param, validate

__all__ = ["StaticParams", "static_targets", "run_static", "inverse_vol_targets"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StaticParams:
    """A static allocation.

    Parameters
    ----------
    weighting : {"inverse_vol", "equal", "fixed"}, default="inverse_vol"
        How target weights are set on each decision bar.
    lookback : int, default=60
        Daily log returns in the volatility estimate (and the warm-up ``L``), bars.
    weights : tuple of float, default=()
        Fixed weights, one per asset (``weighting="fixed"``); normalised to sum to one.
    """

    weighting: str = param("inverse_vol", choices=("inverse_vol", "equal", "fixed"), doc="target weights")
    lookback: int = param(60, ge=2, le=2520, doc="returns in the vol estimate and warm-up, bars")
    weights: tuple[float, ...] = param((), ge=0.0, doc="fixed weights per asset (weighting=fixed)")

    def __post_init__(self) -> None:
        validate(self)
        if self.weighting == "fixed" and (not self.weights or sum(self.weights) <= 0.0):
            raise ParameterError(
                describe_bad_value("weights", self.weights, "non-negative weights with a positive sum")
            )


def inverse_vol_targets(prices: pd.DataFrame, lookback: int, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Inverse-volatility weights on the bars ``rows`` (all bars when omitted), NaN elsewhere.

    Parameters
    ----------
    prices : DataFrame of shape (n_bars, n_assets)
        Closes, all positive.
    lookback : int
        Number of daily log returns ``L`` (>= 2).
    rows : ndarray of bool, shape (n_bars,), optional
        Bars to compute.

    Returns
    -------
    DataFrame of shape (n_bars, n_assets)
    """
    prices = as_price_panel(prices)
    if isinstance(lookback, bool) or not isinstance(lookback, int) or not 2 <= lookback < len(prices):
        raise ParameterError(describe_bad_value("lookback", lookback, f"an int in 2..{len(prices) - 1}"))
    close = np.ascontiguousarray(prices.to_numpy())
    mask = np.ones(len(prices), dtype=bool) if rows is None else np.asarray(rows, dtype=bool)
    window_nan = np.isnan(close)
    if window_nan.any():
        raise ParameterError("prices: inverse-volatility weights need a price on every bar (found NaN)")
    out = np.empty_like(close)
    K.inverse_vol_weights(close, lookback, mask, out)
    return pd.DataFrame(out, index=prices.index, columns=prices.columns)


def static_targets(prices: pd.DataFrame, static: StaticParams, decide: np.ndarray) -> pd.DataFrame:
    """Target weights of ``static`` on the decision bars ``decide`` (NaN elsewhere)."""
    n = prices.shape[1]
    if static.weighting == "inverse_vol":
        return inverse_vol_targets(prices, static.lookback, decide)
    if static.weighting == "equal":
        row = np.full(n, 1.0 / n)
    else:
        if len(static.weights) != n:
            raise ParameterError(
                describe_bad_value("weights", static.weights, f"{n} weights (one per asset)")
            )
        row = np.asarray(static.weights) / sum(static.weights)
    out = np.full(prices.shape, np.nan)
    out[decide] = row
    return pd.DataFrame(out, index=prices.index, columns=prices.columns)


def run_static(
    prices: pd.DataFrame, static: StaticParams | None = None, engine: EngineParams | None = None
) -> BacktestResult:
    """Backtest a static allocation: decisions on ``engine.schedule`` from bar ``static.lookback``.

    Parameters
    ----------
    prices : DataFrame of shape (n_bars, n_assets)
        Closes.
    static : StaticParams, optional
        Weighting (default inverse volatility over 60 days).
    engine : EngineParams, optional
        Execution (default monthly, 0.1% commission, 99.5% invested).

    Returns
    -------
    BacktestResult

    Examples
    --------
    >>> from tailkit.data import load_stocks  # doctest: +SKIP
    >>> run_static(load_stocks()).equity.iloc[-1]  # doctest: +SKIP
    """
    static = StaticParams() if static is None else static
    engine = EngineParams() if engine is None else engine
    prices = as_price_panel(prices)
    if static.lookback >= len(prices):
        raise ParameterError(
            describe_bad_value("lookback", static.lookback, f"< the {len(prices)} bars of prices")
        )
    decide = decision_bars(prices.index, engine.schedule, start=static.lookback, every=engine.every_n)
    targets = static_targets(prices, static, decide)
    return run_backtest(prices, targets, engine, decide=decide if engine.schedule != "threshold" else None,
                        start=static.lookback)  # fmt: skip
