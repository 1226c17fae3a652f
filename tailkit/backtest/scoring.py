"""Asset scores: technical indicators ranked cross-sectionally into [0, 1], plus fundamentals.

Every indicator at bar ``t`` uses closes up to ``t`` only (trailing windows), so scores are
causal. The documented technical set (``n`` = bars):

==================  =====================================================  =========
indicator           definition                                             better
==================  =====================================================  =========
mom_1m .. mom_12m   ``P_t / P_{t-n} - 1`` for n = 21, 63, 126, 252            higher
sma50, sma200       ``P_t / mean(P_{t-n+1..t}) - 1``                          higher
rsi                 14-bar RSI with Wilder smoothing, scored ``-|RSI - 60|``   near 60
macd                ``(EMA12 - EMA26 - EMA9(EMA12 - EMA26)) / P_t``            higher
volatility          63-bar stdev of daily log returns                         lower
drawdown            ``P_t / max(P_{t-251..t}) - 1``                           higher
relative_strength   126-bar return minus the index's 126-bar return           higher
==================  =====================================================  =========

On each bar each indicator is ranked across the assets that have it (``(rank - 1) / (m - 1)``,
ties averaged; a single asset ranks 0.5), signed so that 1 is best; the technical score is
the mean of the ranks an asset has. The *trend confidence* of an asset is the fraction of
six trend signals that are positive (``mom_3m``, ``mom_6m``, ``mom_12m``, ``sma50``,
``sma200``, ``macd``).

The combined score is ``(tw * technical + fw * fundamental) / (tw + fw)``; where an asset
has no fundamental score the weights renormalise to technical only (the strategy logs it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = ["INDICATORS", "TechnicalScores", "technical_scores", "combine_scores", "rank_cross_section"]

INDICATORS: tuple[str, ...] = (
    "mom_1m",
    "mom_3m",
    "mom_6m",
    "mom_12m",
    "sma50",
    "sma200",
    "rsi",
    "macd",
    "volatility",
    "drawdown",
    "relative_strength",
)


@dataclass(frozen=True, slots=True)
class TechnicalScores:
    """Technical scores and trend confidence of a panel.

    Parameters
    ----------
    score : DataFrame of shape (n_bars, n_assets)
        Mean cross-sectional rank in [0, 1] (NaN before an asset has any indicator).
    trend : DataFrame of shape (n_bars, n_assets)
        Fraction of positive trend signals, in [0, 1].
    indicators : dict of str to DataFrame
        The raw indicators (signed so that higher is better), keyed by :data:`INDICATORS`.
    """

    score: pd.DataFrame
    trend: pd.DataFrame
    indicators: dict[str, pd.DataFrame]

    def to_frame(self) -> pd.DataFrame:
        """Long table ``date, asset, score, trend``."""
        s = self.score.stack(future_stack=True).rename("score")
        t = self.trend.stack(future_stack=True).rename("trend")
        return pd.concat([s, t], axis=1).reset_index(names=["date", "asset"])


def rank_cross_section(frame: pd.DataFrame) -> pd.DataFrame:
    """Rank each row into [0, 1] (``(rank - 1) / (m - 1)``, ties averaged, NaN kept; m = 1: 0.5)."""
    ranks = frame.rank(axis=1, method="average").to_numpy()
    have = frame.notna().to_numpy()
    m = have.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (ranks - 1.0) / np.where(m > 1, m - 1, np.nan)[:, None]
    out[(m == 1)[:, None] & have] = 0.5
    return pd.DataFrame(out, index=frame.index, columns=frame.columns)


def _rsi(prices: pd.DataFrame, n: int = 14) -> pd.DataFrame:
    diff = prices.diff()
    up = diff.clip(lower=0.0).ewm(alpha=1.0 / n, adjust=False, min_periods=n).mean()
    down = (-diff).clip(lower=0.0).ewm(alpha=1.0 / n, adjust=False, min_periods=n).mean()
    total = up + down
    return 100.0 * up / total.where(total > 0)


def technical_scores(prices: pd.DataFrame, index: pd.Series | None = None) -> TechnicalScores:
    """Technical scores of a panel of closes.

    Parameters
    ----------
    prices : DataFrame of shape (n_bars, n_assets)
        Closes (> 0, NaN allowed before listing).
    index : Series of shape (n_bars,), optional
        Market index closes for relative strength; default the equal-weighted index of
        ``prices`` (mean daily log return).

    Returns
    -------
    TechnicalScores
    """
    if not isinstance(prices, pd.DataFrame) or prices.shape[1] < 1:
        raise DataError(describe_bad_value("prices", type(prices).__name__, "a DataFrame of closes"))
    logp = np.log(prices)
    if index is None:
        idx_log = logp.diff().mean(axis=1).fillna(0.0).cumsum()
    else:
        if not isinstance(index, pd.Series) or not index.index.equals(prices.index):
            raise ParameterError("index: expected a Series of closes with the dates of prices")
        idx_log = np.log(index)
    ind: dict[str, pd.DataFrame] = {}
    for name, n in (("mom_1m", 21), ("mom_3m", 63), ("mom_6m", 126), ("mom_12m", 252)):
        ind[name] = prices / prices.shift(n) - 1.0
    for name, n in (("sma50", 50), ("sma200", 200)):
        ind[name] = prices / prices.rolling(n).mean() - 1.0
    rsi = _rsi(prices)
    ind["rsi"] = -(rsi - 60.0).abs()
    ema12 = prices.ewm(span=12, adjust=False, min_periods=26).mean()
    ema26 = prices.ewm(span=26, adjust=False, min_periods=26).mean()
    line = ema12 - ema26
    ind["macd"] = (line - line.ewm(span=9, adjust=False, min_periods=9).mean()) / prices
    ind["volatility"] = -logp.diff().rolling(63).std()
    ind["drawdown"] = prices / prices.rolling(252, min_periods=21).max() - 1.0
    ind["relative_strength"] = (logp - logp.shift(126)).sub(idx_log - idx_log.shift(126), axis=0)
    ranks = [rank_cross_section(ind[k]) for k in INDICATORS]
    stacked = np.stack([r.to_numpy() for r in ranks])
    with np.errstate(invalid="ignore"):
        count = np.sum(~np.isnan(stacked), axis=0)
        total = np.nansum(stacked, axis=0)
        score = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    trend_names = ("mom_3m", "mom_6m", "mom_12m", "sma50", "sma200", "macd")
    tstack = np.stack([ind[k].to_numpy() for k in trend_names])
    tcount = np.sum(~np.isnan(tstack), axis=0)
    tpos = np.sum(np.nan_to_num(tstack, nan=0.0) > 0.0, axis=0)
    trend = np.where(tcount > 0, tpos / np.maximum(tcount, 1), np.nan)
    return TechnicalScores(
        score=pd.DataFrame(score, index=prices.index, columns=prices.columns),
        trend=pd.DataFrame(trend, index=prices.index, columns=prices.columns),
        indicators=ind,
    )


def combine_scores(
    technical: np.ndarray, fundamental: np.ndarray | None, technical_weight: float, fundamental_weight: float
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted score per asset, degrading to technical-only where fundamentals are missing.

    Parameters
    ----------
    technical : ndarray of shape (n,)
        Technical scores in [0, 1].
    fundamental : ndarray of shape (n,) or None
        Fundamental scores in [0, 1] (NaN = missing).
    technical_weight, fundamental_weight : float
        Non-negative weights (renormalised).

    Returns
    -------
    score : ndarray of shape (n,)
    degraded : ndarray of bool, shape (n,)
        Where a positive fundamental weight could not be used.
    """
    tech = np.asarray(technical, dtype=float)
    if fundamental is None or fundamental_weight == 0.0:
        return tech.copy(), np.full(tech.shape, fundamental_weight > 0.0)
    fund = np.asarray(fundamental, dtype=float)
    have = ~np.isnan(fund)
    total = technical_weight + fundamental_weight
    mixed = (technical_weight * tech + fundamental_weight * np.where(have, fund, 0.0)) / total
    return np.where(have, mixed, tech), ~have
