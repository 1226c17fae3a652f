"""The backtest engine, the static and regime strategies, protections and the event log.

* :mod:`~tailkit.backtest.engine`: :func:`run_backtest` (numba kernel in ``_kernels.py``),
  :class:`EngineParams`, :class:`BacktestResult`;
* :mod:`~tailkit.backtest.schedule`: :func:`decision_bars` (daily, weekly, monthly, every n, threshold);
* :mod:`~tailkit.backtest.static`: :func:`run_static` (fixed, equal, inverse-volatility weights).
"""

from tailkit.backtest.engine import BacktestResult, EngineParams, as_price_panel, run_backtest
from tailkit.backtest.schedule import SCHEDULES, decision_bars
from tailkit.backtest.static import StaticParams, inverse_vol_targets, run_static, static_targets

__all__ = [
    "SCHEDULES",
    "BacktestResult",
    "EngineParams",
    "StaticParams",
    "as_price_panel",
    "decision_bars",
    "inverse_vol_targets",
    "run_backtest",
    "run_static",
    "static_targets",
]
