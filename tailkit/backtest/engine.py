"""The backtest engine: daily bars, many assets, target weights traded at the close.

Convention (the one other engines can be checked against)
---------------------------------------------------------
* Every bar the portfolio is marked to market at the close: ``equity = cash + sum(shares *
  close)`` (an asset without a price that bar is marked at its last price).
* On a decision bar ``t`` the strategy gives target weights ``w_t``; the engine trades at the
  close of bar ``t + execution_delay`` (``0``: the decision bar's own close) to
  ``shares_j = w_j * gross_target * V / close_j``, ``V`` the portfolio value at that close
  before trading. Whole shares (optional) truncate each order towards zero, as backtrader's
  ``order_target_percent`` does.
* Orders are executed in ascending order of their value at the close -- the largest sell
  first, the largest buy last, ties in column order (vectorbt's ``call_seq="auto"``) -- so
  the cash that sells free pays for the buys. Without leverage a buy that cash cannot pay
  for is filled partly (``cash / (price * (1 + commission))`` shares), which can only happen
  to the last buys.
* Commission ``= commission * |traded notional|``, paid from cash.
* Slippage (optional): an order fills at ``close * (1 + sign * (slippage + impact * |order
  notional| / V))``, a proportional half-spread plus an impact linear in the order's share of
  the portfolio (sign +1 for buys, -1 for sells).

With inverse-volatility weights, ``schedule="every_n"`` from bar ``L`` and no slippage this
is vectorbt's ``Portfolio.from_orders(size_type="targetpercent", cash_sharing=True,
call_seq="auto")`` (tested to 1e-9 relative).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit._validation import as_float_array
from tailkit.backtest import _kernels as K
from tailkit.backtest.schedule import SCHEDULES, decision_bars
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.params import param, validate

__all__ = ["EngineParams", "BacktestResult", "run_backtest", "as_price_panel"]


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineParams:
    """How orders are executed and costed (independent of the strategy).

    Parameters
    ----------
    cash : float, default=100000
        Starting cash, currency units.
    commission : float, default=0.001
        Commission as a fraction of traded notional (0.001 = 0.1%).
    gross_target : float, default=0.995
        Invested fraction of the portfolio value at a rebalance (target weights are scaled
        by it); above 1 needs ``allow_leverage``.
    allow_leverage : bool, default=False
        Allow ``gross_target > 1`` and buys beyond the cash.
    execution_delay : int, default=0
        Bars between a decision and its execution (0 = at the decision bar's close).
    whole_shares : bool, default=False
        Trade whole shares (orders truncated towards zero) instead of fractional ones.
    slippage : float, default=0.0
        Proportional half-spread paid on every order, decimal of price.
    impact : float, default=0.0
        Price impact per unit of order notional / portfolio value, decimal of price.
    schedule : {"daily", "weekly", "monthly", "every_n", "threshold"}, default="monthly"
        Rebalance schedule (:func:`tailkit.backtest.decision_bars`).
    every_n : int, default=21
        Period of the ``every_n`` schedule, bars.
    band : float, default=0.05
        Drift band of the ``threshold`` schedule: trade when some ``|weight - target|`` exceeds it.
    """

    cash: float = param(100_000.0, gt=0.0, doc="starting cash, currency units")
    commission: float = param(0.001, ge=0.0, le=0.1, doc="commission, fraction of traded notional")
    gross_target: float = param(0.995, gt=0.0, le=10.0, doc="invested fraction at a rebalance")
    allow_leverage: bool = param(False, doc="allow gross_target > 1 and buys beyond cash")
    execution_delay: int = param(0, ge=0, le=63, doc="bars from decision to execution")
    whole_shares: bool = param(False, doc="trade whole shares (orders truncated to zero)")
    slippage: float = param(0.0, ge=0.0, le=0.1, doc="half-spread paid per order, decimal of price")
    impact: float = param(0.0, ge=0.0, le=10.0, doc="impact per unit of order notional / portfolio value")
    schedule: str = param("monthly", choices=SCHEDULES, doc="rebalance schedule")
    every_n: int = param(21, ge=1, le=2520, doc="period of the every_n schedule, bars")
    band: float = param(0.05, gt=0.0, le=1.0, doc="drift band of the threshold schedule")

    def __post_init__(self) -> None:
        validate(self)
        if self.gross_target > 1.0 and not self.allow_leverage:
            raise ParameterError(
                describe_bad_value("gross_target", self.gross_target, "<= 1 unless allow_leverage is true")
            )


@dataclass(frozen=True, slots=True)
class BacktestResult:
    """What the engine did.

    Parameters
    ----------
    equity : Series of shape (n_bars,)
        Portfolio value at each close, currency units.
    cash : Series of shape (n_bars,)
        Cash after each close's trades.
    positions : DataFrame of shape (n_bars, n_assets)
        Shares held after each close.
    trades : DataFrame of shape (n_bars, n_assets)
        Shares traded at each close (+ bought, - sold).
    fees : Series of shape (n_bars,)
        Commission paid at each close.
    decisions : Series of shape (n_bars,)
        Decision bar whose targets were traded at each close (NaT where no trade happened).
    prices : DataFrame of shape (n_bars, n_assets)
        The marks (closes, a missing one carried forward from the last price).
    params : EngineParams
        The execution settings.
    """

    equity: pd.Series
    cash: pd.Series
    positions: pd.DataFrame
    trades: pd.DataFrame
    fees: pd.Series
    decisions: pd.Series
    prices: pd.DataFrame
    params: EngineParams

    @property
    def returns(self) -> pd.Series:
        """Simple returns of the equity, shape (n_bars - 1,)."""
        return self.equity.pct_change().iloc[1:]

    @property
    def weights(self) -> pd.DataFrame:
        """Holdings as fractions of the equity at each close, shape (n_bars, n_assets)."""
        return (self.positions * self.prices).div(self.equity, axis=0)

    def turnover(self) -> float:
        """Traded notional over the run divided by the mean equity."""
        traded = (self.trades.abs() * self.prices).sum().sum()
        return float(traded / self.equity.mean())

    def to_frame(self) -> pd.DataFrame:
        """Columns ``equity``, ``cash``, ``fees`` and ``shares_<asset>``, indexed by date."""
        out = pd.DataFrame({"equity": self.equity, "cash": self.cash, "fees": self.fees})
        for c in self.positions.columns:
            out[f"shares_{c}"] = self.positions[c]
        return out

    def to_dict(self) -> dict[str, Any]:
        """Headline numbers: final equity, total fees, number of rebalances, turnover."""
        return {
            "final_equity": float(self.equity.iloc[-1]),
            "total_fees": float(self.fees.sum()),
            "rebalances": int(self.decisions.notna().sum()),
            "turnover": self.turnover(),
        }


def as_price_panel(prices: Any, name: str = "prices") -> pd.DataFrame:
    """Check a price panel: a DataFrame of closes, dates ascending, prices > 0 or NaN.

    Raises
    ------
    DataError
        Naming the column and date of the first bad price.
    """
    if not isinstance(prices, pd.DataFrame):
        raise DataError(
            describe_bad_value(name, type(prices).__name__, "a DataFrame of closes (dates x assets)")
        )
    if prices.shape[0] < 2 or prices.shape[1] < 1:
        raise DataError(describe_bad_value(f"{name}.shape", prices.shape, "at least 2 rows and 1 column"))
    if not prices.index.is_monotonic_increasing or prices.index.has_duplicates:
        raise DataError(f"{name}: dates must be strictly increasing")
    values = as_float_array(name, prices.to_numpy())
    bad = ~(np.isnan(values) | (values > 0.0)) | np.isinf(values)
    if bad.any():
        i, j = (int(k[0]) for k in np.nonzero(bad))
        raise DataError(
            describe_bad_value(
                f"{name}[{prices.index[i]}, {prices.columns[j]}]", float(values[i, j]), "a price > 0 or NaN"
            )
        )
    return prices.astype(np.float64)


def run_backtest(
    prices: pd.DataFrame,
    targets: pd.DataFrame,
    params: EngineParams | None = None,
    *,
    decide: Any = None,
    start: int = 0,
) -> BacktestResult:
    """Trade ``prices`` to the target weights ``targets`` on the decision bars.

    Parameters
    ----------
    prices : DataFrame of shape (n_bars, n_assets)
        Closes (or adjusted closes); NaN = no price that bar.
    targets : DataFrame of shape (n_bars, n_assets)
        Target weights per decision bar (before ``gross_target``); a NaN weight leaves that
        asset untouched. Same index and columns as ``prices``.
    params : EngineParams, optional
        Execution settings (defaults: ``EngineParams()``).
    decide : array_like of bool, shape (n_bars,), optional
        Decision bars; default: ``params.schedule`` from bar ``start``.
    start : int, default=0
        First possible decision bar of the schedule (the warm-up).

    Returns
    -------
    BacktestResult

    Examples
    --------
    >>> import pandas as pd
    >>> px = pd.DataFrame({"A": [10.0, 11.0, 12.0]}, index=pd.date_range("2024-01-01", periods=3))
    >>> w = pd.DataFrame({"A": [1.0, 1.0, 1.0]}, index=px.index)
    >>> res = run_backtest(px, w, EngineParams(commission=0.0, gross_target=1.0, schedule="daily"))
    >>> round(float(res.equity.iloc[-1]), 6)
    120000.0
    """
    params = EngineParams() if params is None else params
    if not isinstance(params, EngineParams):
        raise ParameterError(describe_bad_value("params", type(params).__name__, "an EngineParams"))
    prices = as_price_panel(prices)
    if not isinstance(targets, pd.DataFrame) or not targets.index.equals(prices.index):
        raise ParameterError("targets: expected a DataFrame with the same index as prices")
    if list(targets.columns) != list(prices.columns):
        raise ParameterError(
            describe_bad_value(
                "targets.columns", list(targets.columns), f"the price columns {list(prices.columns)}"
            )
        )
    if decide is None:
        mask = decision_bars(prices.index, params.schedule, start=start, every=params.every_n)
    else:
        mask = np.asarray(decide, dtype=bool)
        if mask.shape != (len(prices),):
            raise ParameterError(describe_bad_value("decide.shape", mask.shape, f"({len(prices)},)"))
    w = as_float_array("targets", targets.to_numpy())
    rows = w[mask]
    if np.any(np.isinf(rows)):
        raise ParameterError("targets: weights on decision bars must be finite or NaN")
    band = params.band if params.schedule == "threshold" and decide is None else -1.0
    close = np.ascontiguousarray(prices.to_numpy(), dtype=np.float64)
    equity, cash, pos, trades, fees, executed = K.simulate(
        close,
        np.ascontiguousarray(w),
        mask,
        int(params.execution_delay),
        float(band),
        float(params.cash),
        float(params.gross_target),
        float(params.commission),
        float(params.slippage),
        float(params.impact),
        bool(params.whole_shares),
        not params.allow_leverage,
    )
    idx = prices.index
    positions = pd.DataFrame(pos, index=idx, columns=prices.columns)
    decided = pd.Series(idx.take(np.maximum(executed, 0)), index=idx, name="decision_date").where(
        executed >= 0
    )
    return BacktestResult(
        equity=pd.Series(equity, index=idx, name="equity"),
        cash=pd.Series(cash, index=idx, name="cash"),
        positions=positions,
        trades=pd.DataFrame(trades, index=idx, columns=prices.columns),
        fees=pd.Series(fees, index=idx, name="fees"),
        decisions=decided,
        prices=prices.ffill(),
        params=params,
    )
