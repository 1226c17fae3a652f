"""Backtest analytics: performance, drawdowns, trades, regimes, stability, protections.

Conventions: simple daily returns of the equity, annualised with 252; Sharpe and Sortino
with a zero risk-free rate; Calmar = CAGR / |max drawdown|. The Sharpe ratio's standard
error is Lo's (2002) i.i.d. formula ``sqrt((1 + SR_d^2 / 2) / T)`` on the daily Sharpe
``SR_d``, annualised by ``sqrt(252)``. A *round trip* (trade) is a position from the bar it
opens (shares go from 0 to > 0) to the bar it is closed (back to 0); its P&L is the sum of
its cash flows and its return that P&L over the largest notional bought into it; SQN =
``sqrt(N) * mean(R) / std(R)`` (Van Tharp). Regime performance groups the return of bar
``t`` by the regime known at the close of ``t - 1`` (the one the positions were set in).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit.backtest.detection import RegimeTimeline
from tailkit.backtest.engine import BacktestResult
from tailkit.errors import DataError, describe_bad_value

__all__ = [
    "PerformanceSummary",
    "performance_summary",
    "drawdown_episodes",
    "trade_statistics",
    "round_trips",
    "performance_by_regime",
    "rolling_metrics",
    "stability_analysis",
]

_A = 252


def _returns(equity: pd.Series) -> np.ndarray:
    if not isinstance(equity, pd.Series) or len(equity) < 3:
        raise DataError(describe_bad_value("equity", type(equity).__name__, "a Series of at least 3 values"))
    e = equity.to_numpy(dtype=float)
    if np.any(~(e > 0)):
        raise DataError("equity: values must be > 0")
    return e[1:] / e[:-1] - 1.0


def _sharpe(r: np.ndarray) -> float:
    sd = r.std(ddof=1) if r.size > 1 else 0.0
    return float(r.mean() / sd * math.sqrt(_A)) if sd > 0 else math.nan


def _max_drawdown(e: np.ndarray) -> tuple[float, int, int, int]:
    peak = np.maximum.accumulate(e)
    dd = e / peak - 1.0
    trough = int(np.argmin(dd))
    start = int(np.argmax(e[: trough + 1])) if trough > 0 else 0
    after = np.flatnonzero(e[trough:] >= peak[trough])
    end = trough + int(after[0]) if after.size else -1
    return float(dd[trough]), start, trough, end


@dataclass(frozen=True, slots=True)
class PerformanceSummary:
    """Headline performance of an equity curve (decimals; ratios annualised with 252)."""

    total_return: float
    cagr: float
    volatility: float
    sharpe: float
    sharpe_se: float
    sortino: float
    calmar: float
    max_drawdown: float
    max_drawdown_days: int
    recovery_days: int
    days: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly fields (NaN as None)."""
        out: dict[str, Any] = {}
        for k in self.__dataclass_fields__:
            v = getattr(self, k)
            out[k] = None if isinstance(v, float) and not math.isfinite(v) else v
        return out


def performance_summary(equity: pd.Series) -> PerformanceSummary:
    """Total return, CAGR, vol, Sharpe (and its standard error), Sortino, Calmar, drawdown, recovery.

    ``max_drawdown_days`` counts bars from the peak to the trough; ``recovery_days`` from the
    trough back to the peak's value (-1 if never recovered).
    """
    r = _returns(equity)
    e = equity.to_numpy(dtype=float)
    n = r.size
    total = float(e[-1] / e[0] - 1.0)
    cagr = float((e[-1] / e[0]) ** (_A / n) - 1.0)
    vol = float(r.std(ddof=1) * math.sqrt(_A))
    sr = _sharpe(r)
    srd = sr / math.sqrt(_A) if math.isfinite(sr) else math.nan
    se = math.sqrt((1.0 + 0.5 * srd * srd) / n) * math.sqrt(_A) if math.isfinite(srd) else math.nan
    down = np.sqrt(np.mean(np.minimum(r, 0.0) ** 2)) * math.sqrt(_A)
    sortino = float(r.mean() * _A / down) if down > 0 else math.nan
    mdd, start, trough, end = _max_drawdown(e)
    calmar = cagr / abs(mdd) if mdd < 0 else math.nan
    return PerformanceSummary(
        total_return=total, cagr=cagr, volatility=vol, sharpe=sr, sharpe_se=se, sortino=sortino, calmar=calmar,
        max_drawdown=mdd, max_drawdown_days=trough - start, recovery_days=end - trough if end >= 0 else -1, days=n,
    )  # fmt: skip


def drawdown_episodes(equity: pd.Series) -> pd.DataFrame:
    """Every drawdown episode: ``start, trough, end`` (NaT if open), ``depth``, ``days``, ``recovery_days``."""
    _returns(equity)
    e = equity.to_numpy(dtype=float)
    idx = equity.index
    peak = np.maximum.accumulate(e)
    under = e < peak
    rows = []
    t = 0
    n = len(e)
    while t < n:
        if not under[t]:
            t += 1
            continue
        s = t - 1
        while t < n and under[t]:
            t += 1
        seg = e[s + 1 : t] / peak[s] - 1.0
        tr = s + 1 + int(np.argmin(seg))
        end = t if t < n else -1
        rows.append({
            "start": idx[s], "trough": idx[tr], "end": idx[end] if end >= 0 else pd.NaT,
            "depth": float(seg.min()), "days": tr - s, "recovery_days": end - tr if end >= 0 else -1,
        })  # fmt: skip
    cols = ["start", "trough", "end", "depth", "days", "recovery_days"]
    return pd.DataFrame(rows, columns=cols).sort_values("depth").reset_index(drop=True)


def round_trips(result: BacktestResult) -> pd.DataFrame:
    """Round trips: ``asset, open, close`` (NaT if still open), ``pnl``, ``invested``, ``ret``, ``fees``.

    An open position is valued at the last close (marked, not sold).
    """
    pos = result.positions.to_numpy()
    trades = result.trades.to_numpy()
    px = result.prices.to_numpy()
    idx = result.positions.index
    comm = result.params.commission
    rows = []
    for j, asset in enumerate(result.positions.columns):
        flow = 0.0
        invested = 0.0
        opened = -1
        for t in range(len(idx)):
            d = trades[t, j]
            if d != 0.0:
                if opened < 0:
                    opened, flow, invested = t, 0.0, 0.0
                # the engine's fill price is the close (plus slippage, recovered from the cash)
                notional = d * px[t, j]
                flow -= notional + comm * abs(notional)
                if d > 0:
                    invested += notional
            if opened >= 0 and (pos[t, j] == 0.0 or t == len(idx) - 1):
                if pos[t, j] != 0.0:
                    flow += pos[t, j] * px[t, j]
                rows.append({
                    "asset": asset, "open": idx[opened], "close": idx[t] if pos[t, j] == 0.0 else pd.NaT,
                    "pnl": flow, "invested": invested, "ret": flow / invested if invested > 0 else math.nan,
                })  # fmt: skip
                opened = -1
    return pd.DataFrame(rows, columns=["asset", "open", "close", "pnl", "invested", "ret"])


def trade_statistics(result: BacktestResult) -> dict[str, Any]:
    """Win rate, profit factor, average win and loss, SQN, trades, turnover and costs.

    Slippage is not in the round-trip P&L (it is in the equity); commission is.
    """
    trips = round_trips(result)
    pnl = trips["pnl"].to_numpy()
    ret = trips["ret"].dropna().to_numpy()
    wins, losses = pnl[pnl > 0], pnl[pnl < 0]
    sqn = (
        float(math.sqrt(ret.size) * ret.mean() / ret.std(ddof=1))
        if ret.size > 1 and ret.std(ddof=1) > 0
        else math.nan
    )
    return {
        "trades": len(trips),
        "win_rate": float(wins.size / pnl.size) if pnl.size else math.nan,
        "profit_factor": float(wins.sum() / -losses.sum()) if losses.size else math.nan,
        "average_win": float(wins.mean()) if wins.size else math.nan,
        "average_loss": float(losses.mean()) if losses.size else math.nan,
        "sqn": sqn,
        "turnover": result.turnover(),
        "total_fees": float(result.fees.sum()),
        "fees_per_year": float(result.fees.sum() * _A / max(len(result.fees) - 1, 1)),
    }


def performance_by_regime(equity: pd.Series, timeline: RegimeTimeline) -> pd.DataFrame:
    """Per regime: ``days``, annualised ``return``, ``volatility``, ``sharpe``, ``hit_rate``, ``worst_day``."""
    r = pd.Series(_returns(equity), index=equity.index[1:])
    reg = timeline.frame["regime"].reindex(equity.index).shift(1).iloc[1:]
    rows = []
    for name, grp in r.groupby(reg.to_numpy(), sort=False):
        g = grp.to_numpy()
        rows.append({
            "regime": name, "days": g.size, "return": float(g.mean() * _A),
            "volatility": float(g.std(ddof=1) * math.sqrt(_A)) if g.size > 1 else math.nan,
            "sharpe": _sharpe(g), "hit_rate": float(np.mean(g > 0)), "worst_day": float(g.min()),
        })  # fmt: skip
    return pd.DataFrame(
        rows, columns=["regime", "days", "return", "volatility", "sharpe", "hit_rate", "worst_day"]
    )


def rolling_metrics(equity: pd.Series, window: int = 252) -> pd.DataFrame:
    """Rolling annualised ``return``, ``volatility``, ``sharpe`` and ``drawdown`` over ``window`` bars."""
    r = pd.Series(_returns(equity), index=equity.index[1:])
    mean = r.rolling(window).mean()
    sd = r.rolling(window).std()
    roll_peak = equity.rolling(window, min_periods=1).max()
    return pd.DataFrame({
        "return": mean * _A, "volatility": sd * math.sqrt(_A), "sharpe": mean / sd * math.sqrt(_A),
        "drawdown": (equity / roll_peak - 1.0).iloc[1:],
    })  # fmt: skip


def stability_analysis(equity: pd.Series, n_periods: int = 5) -> dict[str, Any]:
    """Sub-period Sharpe ratios (``n_periods`` equal slices), their dispersion, and the full Sharpe's SE."""
    r = _returns(equity)
    if n_periods < 2 or r.size < 2 * n_periods:
        raise DataError(describe_bad_value("n_periods", n_periods, f"an int in 2..{r.size // 2}"))
    parts = np.array_split(r, n_periods)
    sharpes = [_sharpe(p) for p in parts]
    s = performance_summary(equity)
    return {
        "sub_period_sharpe": sharpes,
        "sharpe_dispersion": float(np.nanstd(sharpes, ddof=1)),
        "sharpe": s.sharpe,
        "sharpe_se": s.sharpe_se,
    }
