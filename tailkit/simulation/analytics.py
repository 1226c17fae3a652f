"""Path analytics: drawdowns, horizon VaR/ES, tail statistics and a stylized-facts table.

Horizon VaR/ES use tailkit's one tail convention (:mod:`tailkit._tail`, re-exported as
:func:`tailkit.risk.tail_risk`): losses positive, ``confidence`` the VaR level, ES the
Acerbi-Tasche tail mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from tailkit._tail import tail_risk
from tailkit._typing import Float1D, Float2D
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.simulation import _kernels as K
from tailkit.simulation.paths import Paths
from tailkit.simulation.tail_stats import hill_tail_index, moors_kurtosis

__all__ = [
    "DrawdownStats",
    "drawdown_stats",
    "PathSummary",
    "path_summary",
    "stylized_facts",
    "stylized_facts_table",
]


@dataclass(frozen=True, slots=True)
class DrawdownStats:
    """Per-path drawdown statistics.

    Parameters
    ----------
    max_drawdown : ndarray of shape (n_paths, n_assets)
        Largest peak-to-trough fall, a positive fraction (0.3 = -30%).
    time_under_water : ndarray of shape (n_paths, n_assets)
        Fraction of steps spent below the running peak.
    """

    max_drawdown: Float2D
    time_under_water: Float2D

    def prob_exceeds(self, threshold: float) -> Float1D:
        """``P(max drawdown > threshold)`` per asset, shape (n_assets,)."""
        return np.mean(self.max_drawdown > threshold, axis=0)


def drawdown_stats(paths: Paths | np.ndarray) -> DrawdownStats:
    """Max drawdown and time under water of every path (numba kernel).

    Parameters
    ----------
    paths : Paths or ndarray of shape (n_paths, n_steps + 1, n_assets)
        Positive price paths.

    Returns
    -------
    DrawdownStats
    """
    values = paths.values if isinstance(paths, Paths) else np.asarray(paths, dtype=np.float64)
    if values.ndim != 3 or values.shape[1] < 2:
        raise ParameterError(
            describe_bad_value("paths", values.shape, "shape (n_paths, n_steps + 1, n_assets)")
        )
    values = np.ascontiguousarray(values)
    mdd = np.empty((values.shape[0], values.shape[2]))
    tuw = np.empty_like(mdd)
    K.drawdown_stats(values, mdd, tuw)
    return DrawdownStats(mdd, tuw)


@dataclass(frozen=True, slots=True)
class PathSummary:
    """Tail summary of simulated paths, one row per asset (see :func:`path_summary`)."""

    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The table (index: asset)."""
        return self.table.copy()

    def to_dict(self) -> dict[str, dict[str, float]]:
        """``{asset: {statistic: value}}``."""
        return {str(k): {str(c): float(v) for c, v in row.items()} for k, row in self.table.iterrows()}


def path_summary(
    paths: Paths,
    *,
    level: float = 0.95,
    drawdown_thresholds: Sequence[float] = (0.1, 0.2, 0.3),
    crash_threshold: float = -0.05,
) -> PathSummary:
    """Drawdown distribution, time under water, horizon VaR/ES, skew/kurtosis, crash frequency.

    Parameters
    ----------
    paths : Paths
        Price paths.
    level : float, default=0.95
        VaR level (confidence) of the horizon (whole path) return's VaR and ES.
    drawdown_thresholds : sequence of float, default=(0.1, 0.2, 0.3)
        Report ``P(max drawdown > X)`` for each X.
    crash_threshold : float, default=-0.05
        A step with log return below this counts as a crash; reported per year.

    Returns
    -------
    PathSummary
        Columns: ``mdd_mean, mdd_median, mdd_p95, p_dd_gt_<X>, time_under_water, horizon_mean,
        horizon_var, horizon_es, skew, excess_kurtosis, crashes_per_year``. ``horizon_var`` and
        ``horizon_es`` are losses (positive) of the horizon return over the paths: the
        ``ceil(n (1 - level))``-th largest loss and the Acerbi-Tasche ES (:mod:`tailkit._tail`).
    """
    dd = drawdown_stats(paths)
    rets = paths.returns()
    horizon = paths.values[:, -1, :] / paths.values[:, 0, :] - 1.0
    years = paths.times[-1]
    rows = {}
    for a, name in enumerate(paths.names):
        m = dd.max_drawdown[:, a]
        tail = tail_risk(-horizon[:, a], confidence=level)
        r = rets[:, :, a].ravel()
        row = {
            "mdd_mean": float(m.mean()),
            "mdd_median": float(np.median(m)),
            "mdd_p95": float(np.quantile(m, 0.95)),
        }
        for x in drawdown_thresholds:
            row[f"p_dd_gt_{x:g}"] = float(np.mean(m > x))
        row.update(
            {
                "time_under_water": float(dd.time_under_water[:, a].mean()),
                "horizon_mean": float(horizon[:, a].mean()),
                "horizon_var": tail.var,
                "horizon_es": tail.es,
                "skew": float(stats.skew(r)),
                "excess_kurtosis": float(stats.kurtosis(r)),
                "crashes_per_year": float(np.mean(rets[:, :, a] < crash_threshold) * rets.shape[1] / years),
            }
        )
        rows[name] = row
    return PathSummary(pd.DataFrame.from_dict(rows, orient="index").rename_axis("asset"))


def _acf_abs(r: Float2D, lags: int) -> float:
    # mean autocorrelation of |r| over lags 1..lags, pooled over rows (paths)
    a = np.abs(r)
    a = a - a.mean(axis=1, keepdims=True)
    den = np.sum(a * a, axis=1)
    vals = []
    for k in range(1, lags + 1):
        num = np.sum(a[:, k:] * a[:, :-k], axis=1)
        vals.append(np.mean(num[den > 0] / den[den > 0]))
    return float(np.mean(vals))


def _leverage(r: Float2D, lags: int) -> float:
    # corr(r_t, |r_{t+k}|), averaged over k = 1..lags, pooled over rows
    vals = []
    for k in range(1, lags + 1):
        x = r[:, :-k].ravel()
        y = np.abs(r[:, k:]).ravel()
        vals.append(np.corrcoef(x, y)[0, 1])
    return float(np.mean(vals))


def _co_crash(r: np.ndarray, q: float) -> float:
    # mean over ordered pairs of P(asset j in its worst q | asset i in its worst q)
    n_assets = r.shape[-1]
    if n_assets < 2:
        return float("nan")
    flat = r.reshape(-1, n_assets)
    hit = flat < np.quantile(flat, q, axis=0)
    vals = []
    for i in range(n_assets):
        for j in range(n_assets):
            if i != j and hit[:, i].any():
                vals.append(hit[hit[:, i], j].mean())
    return float(np.mean(vals))


def stylized_facts(returns: Any, *, lags: int = 10, tail: float = 0.05) -> pd.Series:
    """Stylized facts of returns: fat tails, volatility clustering, leverage, crash co-movement.

    Parameters
    ----------
    returns : Paths, DataFrame or ndarray
        Historical returns of shape (n_obs, n_assets) (one history), or simulated paths
        (``Paths`` or an array of shape (n_paths, n_steps, n_assets)); statistics are pooled
        over paths.
    lags : int, default=10
        Lags averaged for the autocorrelation of ``|r|`` and the leverage correlation.
    tail : float, default=0.05
        Tail probability defining a crash day for the co-movement statistic, and the fraction
        of worst returns in the Hill estimate.

    Returns
    -------
    pandas.Series
        ``annual_vol, skew, excess_kurtosis, moors_excess_kurtosis, hill_tail_index,
        hill_tail_index_se, acf_r_lag1, acf_abs_r, leverage_corr, crash_comovement`` (asset
        statistics averaged over assets).

    Notes
    -----
    ``excess_kurtosis`` is the raw fourth-moment statistic: for a model without a finite
    fourth moment (see :func:`tailkit.calibration.garch.fourth_moment_condition`) it has no
    limit and grows with the number of simulated returns. The robust tail statistics exist
    regardless (:mod:`tailkit.simulation.tail_stats`): ``moors_excess_kurtosis`` is Moors'
    (1988) octile kurtosis minus its normal value 1.2331 (0 for a normal), and
    ``hill_tail_index`` the Hill (1975) tail index of the losses on the worst ``tail`` of
    returns (smaller is fatter; moments of order >= the index are infinite), with its
    standard error ``index / sqrt(k)`` in ``hill_tail_index_se``.
    """
    if isinstance(returns, Paths):
        arr = returns.returns()
    elif isinstance(returns, pd.DataFrame | pd.Series):
        arr = returns.to_numpy(dtype=np.float64)
        arr = arr.reshape(1, arr.shape[0], -1)
    else:
        arr = np.asarray(returns, dtype=np.float64)
        if arr.ndim == 1:
            arr = arr[None, :, None]
        elif arr.ndim == 2:
            arr = arr[None, :, :]
    if arr.ndim != 3 or arr.shape[1] <= lags + 1 or not np.all(np.isfinite(arr)):
        raise ParameterError(
            describe_bad_value(
                "returns", getattr(arr, "shape", arr), f"finite returns with more than {lags + 1} steps"
            )
        )
    per_asset = []
    for a in range(arr.shape[2]):
        r = arr[:, :, a]
        flat = r.ravel()
        x, y = r[:, :-1].ravel(), r[:, 1:].ravel()
        hill = hill_tail_index(flat, tail=tail)
        per_asset.append(
            [
                float(flat.std() * np.sqrt(252.0)),
                float(stats.skew(flat)),
                float(stats.kurtosis(flat)),
                moors_kurtosis(flat),
                hill.index,
                hill.se,
                float(np.corrcoef(x, y)[0, 1]),
                _acf_abs(r, lags),
                _leverage(r, lags),
            ]
        )
    vals = np.mean(np.asarray(per_asset), axis=0)
    names = [
        "annual_vol",
        "skew",
        "excess_kurtosis",
        "moors_excess_kurtosis",
        "hill_tail_index",
        "hill_tail_index_se",
        "acf_r_lag1",
        "acf_abs_r",
        "leverage_corr",
    ]
    out = pd.Series(vals, index=names, dtype=float)
    out["crash_comovement"] = _co_crash(arr, tail)
    return out


def stylized_facts_table(
    historical: Any, simulated: Mapping[str, Any], *, lags: int = 10, tail: float = 0.05
) -> pd.DataFrame:
    """Simulated and historical stylized facts side by side.

    Parameters
    ----------
    historical : DataFrame or ndarray of shape (n_obs, n_assets)
        Observed (log) returns.
    simulated : mapping of str to Paths
        Model name -> simulated paths (same assets).
    lags : int, default=10
        See :func:`stylized_facts`.
    tail : float, default=0.05
        See :func:`stylized_facts`.

    Returns
    -------
    pandas.DataFrame
        Rows: statistics (see :func:`stylized_facts`, raw and robust tail statistics side by
        side); columns ``historical`` and one per model.
    """
    cols = {"historical": stylized_facts(historical, lags=lags, tail=tail)}
    for name, paths in simulated.items():
        cols[str(name)] = stylized_facts(paths, lags=lags, tail=tail)
    return pd.DataFrame(cols).rename_axis("statistic")
