"""Historical replay: today's positions held through past stress windows (beta proxy for missing data)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tailkit.errors import DataError
from tailkit.risk.metrics import default_benchmark
from tailkit.risk.stress.scenarios import (
    HISTORICAL_WINDOWS,
    StressResult,
    StressWindow,
    nav_of,
    weights_series,
)

__all__ = [
    "historical_stress",
]


def historical_stress(
    returns: pd.DataFrame,
    weights: Any,
    windows: Sequence[StressWindow] = HISTORICAL_WINDOWS,
    *,
    benchmark: pd.Series | None = None,
    proxy: bool = True,
) -> StressResult:
    """Replay historical windows on today's portfolio (buy and hold through each window).

    Parameters
    ----------
    returns : DataFrame of shape (n_days, n_positions)
        Daily simple returns per position (DatetimeIndex; NaN where an asset has no data).
    weights : Series or mapping
        Position values keyed by column.
    windows : sequence of StressWindow, default=HISTORICAL_WINDOWS
        Windows to replay; add your own (e.g. ``StressWindow("Mar 2020", "2020-02-19",
        "2020-03-23")`` when your data covers it).
    benchmark : Series, optional
        Daily benchmark returns for proxying positions without data in a window; default
        the bundled S&P 500.
    proxy : bool, default=True
        Proxy missing positions by beta x benchmark; if False they contribute 0 and are flagged.

    Returns
    -------
    StressResult
        Columns ``pnl``, ``return``, ``max_drawdown`` (of the portfolio value path, as a
        positive fraction of NAV), ``worst_day`` (P&L), ``n_days``, ``proxied`` (names).
        Windows with no data at all are skipped.
    """
    if not isinstance(returns, pd.DataFrame) or not isinstance(returns.index, pd.DatetimeIndex):
        raise DataError("returns must be a DataFrame with a DatetimeIndex (one column per position)")
    w = weights_series(weights, list(returns.columns))
    missing = [k for k in w.index if k not in returns.columns.map(str)]
    if missing:
        raise DataError(f"weights name position(s) {missing} that are not columns of returns")
    rets = returns.copy()
    rets.columns = rets.columns.map(str)
    rets = rets[list(w.index)]
    bench = default_benchmark() if benchmark is None else pd.Series(benchmark, dtype=float).dropna()
    betas = {}
    for name in w.index:
        both = pd.concat([rets[name], bench], axis=1, join="inner").dropna()
        if len(both) >= 20 and both.iloc[:, 1].var() > 0:
            betas[name] = float(both.cov().iloc[0, 1] / both.iloc[:, 1].var())
        else:
            betas[name] = 1.0
    nav = nav_of(w)
    rows, pos_rows, names = [], [], []
    for win in windows:
        a, b = pd.Timestamp(win.start), pd.Timestamp(win.end)
        idx = rets.index[(rets.index > a) & (rets.index <= b)]
        bidx = bench.index[(bench.index > a) & (bench.index <= b)]
        dates = idx.union(bidx)
        if len(dates) == 0:
            continue
        panel = rets.reindex(dates)
        bwin = bench.reindex(dates).fillna(0.0)
        proxied = []
        for name in w.index:
            col = panel[name]
            if col.notna().all():
                continue
            if proxy and len(bidx):
                panel[name] = col.where(col.notna(), betas[name] * bwin)
            else:
                panel[name] = col.fillna(0.0)
            proxied.append(name)
        growth = (1.0 + panel).cumprod()
        value_path = growth.mul(w, axis=1)
        pnl_path = value_path.sum(axis=1) - float(w.sum())
        nav_path = nav + pnl_path
        peak = np.maximum.accumulate(np.concatenate([[nav], nav_path.to_numpy()]))
        dd = float(np.max(1.0 - np.concatenate([[nav], nav_path.to_numpy()]) / peak))
        daily = np.diff(np.concatenate([[0.0], pnl_path.to_numpy()]))
        pos_pnl = value_path.iloc[-1] - w
        rows.append(
            {
                "start": win.start,
                "end": win.end,
                "pnl": float(pnl_path.iloc[-1]),
                "return": float(pnl_path.iloc[-1]) / nav,
                "max_drawdown": dd,
                "worst_day": float(daily.min()),
                "n_days": len(dates),
                "proxied": ", ".join(proxied),
            }
        )
        pos_rows.append(pos_pnl)
        names.append(win.name)
    if not rows:
        raise DataError("no stress window overlaps the returns or the benchmark")
    index = pd.Index(names, name="scenario")
    return StressResult("historical", pd.DataFrame(rows, index=index), pd.DataFrame(pos_rows, index=index))
