"""Performance analytics with empyrical / pyfolio conventions.

Returns are periodic simple returns (daily by default, annualised with 252). VaR and CVaR
follow tailkit's one tail convention (:mod:`tailkit._tail`) and are converted to returns at
the edge (negative for a loss); the other metrics follow empyrical. NaN handling
follows empyrical: compounding treats a NaN return as 0 (``cum_returns``), moments use
NaN-aware means and standard deviations (``ddof=1``), and quantile metrics drop NaNs.

Definitions (``r`` returns, ``b`` benchmark, ``A = periods_per_year``):

==========================  ===========================================================
total_return                prod(1 + r) - 1
annual_return, cagr         (1 + total_return) ** (A / n) - 1 (empyrical: cagr == annual_return)
annual_volatility           std(r, ddof=1) * sqrt(A)
sharpe_ratio                mean(r - rf) / std(r - rf, ddof=1) * sqrt(A); rf a float or a series
downside_risk               sqrt(mean(min(r - mar, 0) ** 2)) * sqrt(A)
sortino_ratio               mean(r - mar) * A / downside_risk
calmar_ratio                annual_return / abs(max_drawdown)
omega_ratio                 sum((r - t)+) / sum((r - t)-), t the per-period threshold
max_drawdown                min over t of NAV_t / max_{s<=t} NAV_s - 1 (a negative number)
max_drawdown_duration       periods from the peak before the max drawdown to recovery (or the end)
ulcer_index                 sqrt(mean(drawdown ** 2)) (decimal, not percent)
time_under_water            fraction of periods with drawdown < 0
tail_ratio                  abs(percentile(r, 95)) / abs(percentile(r, 5))
skew, kurtosis              scipy.stats.skew / kurtosis (biased, excess kurtosis), as pyfolio
value_at_risk               -VaR of the losses -r at 95% (tailkit.risk.tail_risk), a return:
                            the ceil(0.05 n)-th worst return (negative for a loss)
cvar                        -ES of the losses -r at 95% (Acerbi-Tasche), a return
stability                   R^2 of cumsum(log1p(r)) on time (empyrical)
alpha, beta                 empyrical: beta = cov/var of r - rf on b - rf on common non-NaN
                            periods; alpha annualised as (1 + mean(r - rf - beta (b - rf))) ** A - 1
tracking_error              std(r - b, ddof=1) * sqrt(A)
information_ratio           mean(r - b) / std(r - b, ddof=1) * sqrt(A) (empyrical excess_sharpe
                            annualised)
capture                     annual_return(r) / annual_return(b) (empyrical ``capture``)
up_capture, down_capture    annual_return(r | b > 0) / annual_return(b | b > 0) (resp. b < 0), on
                            periods where both are present
up/down_alpha_beta          (alpha, beta) on the periods with b > 0 (resp. b < 0) (empyrical)
up_down_capture             up_capture / down_capture
hit_rate                    fraction of non-NaN periods with r > 0
profit_factor               sum(r+) / sum(r-) (equals omega_ratio at threshold 0)
best_period, worst_period   max(r), min(r)
avg_win, avg_loss           mean of positive / negative returns
==========================  ===========================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from tailkit._tail import tail_risk
from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = [
    "METRICS",
    "BENCHMARK_METRICS",
    "PerformanceReport",
    "total_return",
    "annual_return",
    "cagr",
    "annual_volatility",
    "sharpe_ratio",
    "sortino_ratio",
    "downside_risk",
    "calmar_ratio",
    "omega_ratio",
    "drawdown_series",
    "max_drawdown",
    "max_drawdown_duration",
    "ulcer_index",
    "time_under_water",
    "tail_ratio",
    "skew",
    "kurtosis",
    "value_at_risk",
    "cvar",
    "stability",
    "alpha",
    "beta",
    "tracking_error",
    "information_ratio",
    "capture",
    "up_capture",
    "down_capture",
    "up_down_capture",
    "AlphaBeta",
    "up_alpha_beta",
    "down_alpha_beta",
    "hit_rate",
    "profit_factor",
    "best_period",
    "worst_period",
    "avg_win",
    "avg_loss",
    "performance_report",
    "rolling_metrics",
    "default_benchmark",
]

_A = 252


def _arr(returns: Any) -> np.ndarray:
    return np.asarray(returns, dtype=float).ravel()


def _clean(returns: Any) -> np.ndarray:
    r = _arr(returns)
    return r[~np.isnan(r)]


def _less(returns: Any, rate: Any, name: str) -> np.ndarray:
    """``returns - rate`` with ``rate`` a per-period scalar or a series of the returns' length.

    Subtracted before NaNs are dropped (empyrical's ``_adjust_returns``); two Series are
    aligned on the returns' index first. A NaN in either gives a NaN period.
    """
    if isinstance(rate, pd.Series) and isinstance(returns, pd.Series):
        rate = rate.reindex(returns.index)
    r = _arr(returns)
    x = np.asarray(rate, dtype=float)
    if x.ndim == 0:
        return r - float(x)
    x = x.ravel()
    if x.shape != r.shape:
        allowed = f"a per-period float or a series of {r.size} values, one per return"
        raise ParameterError(describe_bad_value(name, f"a series of {x.size} values", allowed))
    return r - x


def total_return(returns: Any) -> float:
    """Compounded return, NaN counted as 0."""
    r = np.nan_to_num(_arr(returns), nan=0.0)
    return float(np.prod(1.0 + r) - 1.0) if r.size else np.nan


def annual_return(returns: Any, periods_per_year: int = _A) -> float:
    """Geometric annual return (empyrical ``annual_return``)."""
    r = _arr(returns)
    if r.size < 1:
        return np.nan
    return float((1.0 + total_return(r)) ** (periods_per_year / r.size) - 1.0)


def cagr(returns: Any, periods_per_year: int = _A) -> float:
    """Compound annual growth rate; identical to :func:`annual_return` (as in empyrical)."""
    return annual_return(returns, periods_per_year)


def annual_volatility(returns: Any, periods_per_year: int = _A) -> float:
    """Annualised standard deviation (ddof=1)."""
    r = _clean(returns)
    if r.size < 2:
        return np.nan
    return float(np.std(r, ddof=1) * np.sqrt(periods_per_year))


def _std_or_zero(r: np.ndarray) -> float:
    if r.size < 2:
        return np.nan
    if np.max(r) == np.min(r):
        return 0.0
    return float(np.std(r, ddof=1))


def sharpe_ratio(returns: Any, risk_free: Any = 0.0, periods_per_year: int = _A) -> float:
    """Annualised Sharpe ratio; ``risk_free`` a per-period float or series (one per return)."""
    r = _clean(_less(returns, risk_free, "risk_free"))
    sd = _std_or_zero(r)
    if not np.isfinite(sd):
        return np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.divide(np.mean(r), sd) * np.sqrt(periods_per_year))


def downside_risk(returns: Any, required_return: Any = 0.0, periods_per_year: int = _A) -> float:
    """Annualised downside deviation below ``required_return`` (per-period float or series)."""
    r = _clean(_less(returns, required_return, "required_return"))
    if r.size < 1:
        return np.nan
    return float(np.sqrt(np.mean(np.minimum(r, 0.0) ** 2)) * np.sqrt(periods_per_year))


def sortino_ratio(returns: Any, required_return: Any = 0.0, periods_per_year: int = _A) -> float:
    """Annualised mean excess return over annualised downside risk.

    ``required_return`` is a per-period float or series (one per return, e.g. a T-bill rate).
    """
    x = _clean(_less(returns, required_return, "required_return"))
    if x.size < 2:
        return np.nan
    dr = downside_risk(x, 0.0, periods_per_year)
    mean = np.mean(x) * periods_per_year
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.divide(mean, dr))


def drawdown_series(returns: Any) -> np.ndarray:
    """Drawdown from the running peak per period (<= 0), NAV starting at 1, NaN as 0."""
    r = np.nan_to_num(_arr(returns), nan=0.0)
    nav = np.concatenate([[1.0], np.cumprod(1.0 + r)])
    peak = np.maximum.accumulate(nav)
    return (nav / peak - 1.0)[1:]


def max_drawdown(returns: Any) -> float:
    """Maximum drawdown as a negative fraction (empyrical convention)."""
    dd = drawdown_series(returns)
    return float(dd.min()) if dd.size else np.nan


def max_drawdown_duration(returns: Any) -> int:
    """Periods from the peak preceding the maximum drawdown until recovery (or the end).

    0 when there is no drawdown.
    """
    dd = drawdown_series(returns)
    if dd.size == 0 or dd.min() >= 0:
        return 0
    trough = int(np.argmin(dd))
    above = np.flatnonzero(dd[: trough + 1] >= 0)
    start = int(above[-1]) + 1 if above.size else 0
    rec = np.flatnonzero(dd[trough:] >= 0)
    end = trough + int(rec[0]) if rec.size else dd.size
    return end - start + (1 if rec.size else 0)


def ulcer_index(returns: Any) -> float:
    """Root mean square drawdown (decimal)."""
    dd = drawdown_series(returns)
    return float(np.sqrt(np.mean(dd**2))) if dd.size else np.nan


def time_under_water(returns: Any) -> float:
    """Fraction of periods spent below the running peak."""
    dd = drawdown_series(returns)
    return float(np.mean(dd < 0)) if dd.size else np.nan


def calmar_ratio(returns: Any, periods_per_year: int = _A) -> float:
    """Annual return over the absolute maximum drawdown (NaN without a drawdown)."""
    mdd = max_drawdown(returns)
    if not mdd < 0:
        return np.nan
    out = annual_return(returns, periods_per_year) / abs(mdd)
    return float(out) if np.isfinite(out) else np.nan


def omega_ratio(
    returns: Any, required_return: float = 0.0, periods_per_year: int = _A, risk_free: Any = 0.0
) -> float:
    """Gains over losses of ``r - risk_free`` around the per-period ``required_return`` (annual).

    As empyrical ``omega_ratio``; ``risk_free`` is a per-period float or series.
    """
    r = _less(returns, risk_free, "risk_free")
    if r.size < 2 or required_return <= -1:
        return np.nan
    thr = (1.0 + required_return) ** (1.0 / periods_per_year) - 1.0
    x = r - thr
    num = np.sum(x[x > 0.0])
    den = -np.sum(x[x < 0.0])
    return float(num / den) if den > 0 else np.nan


def tail_ratio(returns: Any) -> float:
    """abs(95th percentile) / abs(5th percentile)."""
    r = _clean(returns)
    if r.size < 1:
        return np.nan
    return float(np.abs(np.percentile(r, 95)) / np.abs(np.percentile(r, 5)))


def skew(returns: Any) -> float:
    """Sample skewness (biased, as ``scipy.stats.skew``)."""
    r = _clean(returns)
    return float(stats.skew(r)) if r.size > 2 else np.nan


def kurtosis(returns: Any) -> float:
    """Excess kurtosis (biased, as ``scipy.stats.kurtosis``)."""
    r = _clean(returns)
    return float(stats.kurtosis(r)) if r.size > 3 else np.nan


def value_at_risk(returns: Any, confidence: float = 0.95) -> float:
    """Historical VaR as a **return** (negative for a loss), in tailkit's one tail convention.

    Minus :func:`tailkit.risk.tail_risk` VaR of the losses ``-r`` (NaNs dropped): the
    ``ceil(n (1 - confidence))``-th worst return, converted to return space at this edge.
    empyrical's ``value_at_risk(cutoff=0.05)`` interpolates ``np.percentile`` instead.
    """
    r = _clean(returns)
    return -tail_risk(-r, confidence=confidence).var if r.size else np.nan


def cvar(returns: Any, confidence: float = 0.95) -> float:
    """Expected shortfall as a **return** (negative for a loss), in tailkit's one tail convention.

    Minus the Acerbi-Tasche ES of the losses ``-r`` (NaNs dropped): the mean of the
    ``n (1 - confidence)`` worst returns, the last one weighted fractionally, converted to
    return space at this edge. empyrical's ``conditional_value_at_risk`` averages the returns
    at or below its interpolated percentile instead.
    """
    r = _clean(returns)
    return -tail_risk(-r, confidence=confidence).es if r.size else np.nan


def stability(returns: Any) -> float:
    """R-squared of a linear fit of cumulative log returns on time."""
    r = _clean(returns)
    if r.size < 2:
        return np.nan
    y = np.cumsum(np.log1p(r))
    return float(stats.linregress(np.arange(r.size), y).rvalue ** 2)


def _pair(returns: Any, benchmark: Any) -> tuple[np.ndarray, np.ndarray]:
    r, b, _ = _triple(returns, benchmark, 0.0)
    return r, b


def _triple(returns: Any, benchmark: Any, risk_free: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Returns, benchmark and excess-return rate as arrays of one length (rate: 0-d if constant).

    Two Series are aligned on their common index, and a risk-free Series on that index.
    """
    if isinstance(returns, pd.Series) and isinstance(benchmark, pd.Series):
        returns, benchmark = returns.align(benchmark, join="inner")
    if isinstance(risk_free, pd.Series) and isinstance(returns, pd.Series):
        risk_free = risk_free.reindex(returns.index)
    r, b = _arr(returns), _arr(benchmark)
    if r.shape != b.shape:
        raise DataError(f"returns ({r.size}) and benchmark ({b.size}) have different lengths")
    rf = np.asarray(risk_free, dtype=float)
    if rf.ndim:
        rf = r - _less(r, rf, "risk_free")  # validated length, as a plain array
    return r, b, rf


def beta(returns: Any, benchmark: Any, risk_free: Any = 0.0) -> float:
    """Beta of ``r - rf`` on ``b - rf`` on the periods where both are present (empyrical ``beta``).

    ``risk_free`` is a per-period float or series; a constant leaves beta unchanged (empyrical
    ignores it), a series makes this the CAPM beta of excess returns.
    """
    r, b, rf = _triple(returns, benchmark, risk_free)
    r, b = r - rf, b - rf
    ok = ~np.isnan(r) & ~np.isnan(b)
    if ok.sum() < 2:
        return np.nan
    x = b[ok] - np.mean(b[ok])
    var = np.mean(x * x)
    return float(np.mean(x * r[ok]) / var) if var >= 1e-30 else np.nan


def alpha(returns: Any, benchmark: Any, risk_free: Any = 0.0, periods_per_year: int = _A) -> float:
    """Annualised Jensen's alpha, ``(1 + mean(r - rf - beta (b - rf))) ** A - 1`` (empyrical).

    ``risk_free`` is a per-period float or series (see :func:`beta`).
    """
    r, b, rf = _triple(returns, benchmark, risk_free)
    if r.size < 2:
        return np.nan
    bt = beta(r, b, rf)
    return float((1.0 + np.nanmean((r - rf) - bt * (b - rf))) ** periods_per_year - 1.0)


class AlphaBeta(NamedTuple):
    """Annualised alpha and beta of one regression (empyrical ``alpha_beta``)."""

    alpha: float
    beta: float


def _market(
    returns: Any, benchmark: Any, risk_free: Any, up: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # empyrical's up()/down(): keep periods where both are present and the benchmark is > 0 (< 0)
    r, b, rf = _triple(returns, benchmark, risk_free)
    mask = ~np.isnan(r) & ~np.isnan(b) & ((b > 0) if up else (b < 0))
    return r[mask], b[mask], (rf[mask] if rf.ndim else rf)


def up_alpha_beta(
    returns: Any, benchmark: Any, risk_free: Any = 0.0, periods_per_year: int = _A
) -> AlphaBeta:
    """Alpha and beta on the periods when the benchmark return is positive (empyrical)."""
    r, b, rf = _market(returns, benchmark, risk_free, up=True)
    return AlphaBeta(alpha(r, b, rf, periods_per_year), beta(r, b, rf))


def down_alpha_beta(
    returns: Any, benchmark: Any, risk_free: Any = 0.0, periods_per_year: int = _A
) -> AlphaBeta:
    """Alpha and beta on the periods when the benchmark return is negative (empyrical)."""
    r, b, rf = _market(returns, benchmark, risk_free, up=False)
    return AlphaBeta(alpha(r, b, rf, periods_per_year), beta(r, b, rf))


def tracking_error(returns: Any, benchmark: Any, periods_per_year: int = _A) -> float:
    """Annualised standard deviation of the active return."""
    r, b = _pair(returns, benchmark)
    return annual_volatility(r - b, periods_per_year)


def information_ratio(returns: Any, benchmark: Any, periods_per_year: int = _A) -> float:
    """Annualised mean active return over tracking error."""
    r, b = _pair(returns, benchmark)
    active = r - b
    a = active[~np.isnan(active)]
    sd = _std_or_zero(a)
    if not sd or not np.isfinite(sd):
        return np.nan
    return float(np.mean(a) / sd * np.sqrt(periods_per_year))


def _capture(r: np.ndarray, b: np.ndarray, mask: np.ndarray, periods_per_year: int) -> float:
    if not mask.any():
        return np.nan
    den = annual_return(b[mask], periods_per_year)
    return float(annual_return(r[mask], periods_per_year) / den) if den != 0 else np.nan


def capture(returns: Any, benchmark: Any, periods_per_year: int = _A) -> float:
    """Annual return over the benchmark's annual return, all periods (empyrical ``capture``)."""
    r, b = _pair(returns, benchmark)
    if r.size < 1:
        return np.nan
    den = annual_return(b, periods_per_year)
    return float(annual_return(r, periods_per_year) / den) if den != 0 else np.nan


def up_capture(returns: Any, benchmark: Any, periods_per_year: int = _A) -> float:
    """Annual return in up-benchmark periods over the benchmark's (empyrical)."""
    r, b = _pair(returns, benchmark)
    return _capture(r, b, ~np.isnan(r) & (b > 0), periods_per_year)


def down_capture(returns: Any, benchmark: Any, periods_per_year: int = _A) -> float:
    """Annual return in down-benchmark periods over the benchmark's (empyrical)."""
    r, b = _pair(returns, benchmark)
    return _capture(r, b, ~np.isnan(r) & (b < 0), periods_per_year)


def up_down_capture(returns: Any, benchmark: Any, periods_per_year: int = _A) -> float:
    """Up capture over down capture."""
    return float(
        up_capture(returns, benchmark, periods_per_year) / down_capture(returns, benchmark, periods_per_year)
    )


def hit_rate(returns: Any) -> float:
    """Fraction of non-NaN periods with a positive return."""
    r = _clean(returns)
    return float(np.mean(r > 0)) if r.size else np.nan


def profit_factor(returns: Any) -> float:
    """Sum of gains over the absolute sum of losses."""
    r = _clean(returns)
    loss = -np.sum(r[r < 0])
    return float(np.sum(r[r > 0]) / loss) if loss > 0 else np.nan


def best_period(returns: Any) -> float:
    """Largest periodic return."""
    r = _clean(returns)
    return float(r.max()) if r.size else np.nan


def worst_period(returns: Any) -> float:
    """Smallest periodic return."""
    r = _clean(returns)
    return float(r.min()) if r.size else np.nan


def avg_win(returns: Any) -> float:
    """Mean of the positive returns."""
    r = _clean(returns)
    return float(np.mean(r[r > 0])) if (r > 0).any() else np.nan


def avg_loss(returns: Any) -> float:
    """Mean of the negative returns."""
    r = _clean(returns)
    return float(np.mean(r[r < 0])) if (r < 0).any() else np.nan


#: name -> function of (returns, periods_per_year, risk_free)
METRICS: dict[str, Callable[[np.ndarray, int, float], float]] = {
    "total_return": lambda r, a, rf: total_return(r),
    "annual_return": lambda r, a, rf: annual_return(r, a),
    "cagr": lambda r, a, rf: cagr(r, a),
    "annual_volatility": lambda r, a, rf: annual_volatility(r, a),
    "sharpe_ratio": lambda r, a, rf: sharpe_ratio(r, rf, a),
    "sortino_ratio": lambda r, a, rf: sortino_ratio(r, 0.0, a),
    "downside_risk": lambda r, a, rf: downside_risk(r, 0.0, a),
    "calmar_ratio": lambda r, a, rf: calmar_ratio(r, a),
    "omega_ratio": lambda r, a, rf: omega_ratio(r, 0.0, a),
    "max_drawdown": lambda r, a, rf: max_drawdown(r),
    "max_drawdown_duration": lambda r, a, rf: float(max_drawdown_duration(r)),
    "ulcer_index": lambda r, a, rf: ulcer_index(r),
    "time_under_water": lambda r, a, rf: time_under_water(r),
    "tail_ratio": lambda r, a, rf: tail_ratio(r),
    "skew": lambda r, a, rf: skew(r),
    "kurtosis": lambda r, a, rf: kurtosis(r),
    "value_at_risk": lambda r, a, rf: value_at_risk(r),
    "cvar": lambda r, a, rf: cvar(r),
    "stability": lambda r, a, rf: stability(r),
    "hit_rate": lambda r, a, rf: hit_rate(r),
    "profit_factor": lambda r, a, rf: profit_factor(r),
    "best_period": lambda r, a, rf: best_period(r),
    "worst_period": lambda r, a, rf: worst_period(r),
    "avg_win": lambda r, a, rf: avg_win(r),
    "avg_loss": lambda r, a, rf: avg_loss(r),
}

#: name -> function of (returns, benchmark, periods_per_year)
BENCHMARK_METRICS: dict[str, Callable[[np.ndarray, np.ndarray, int], float]] = {
    "alpha": lambda r, b, a: alpha(r, b, 0.0, a),
    "beta": lambda r, b, a: beta(r, b),
    "capture": lambda r, b, a: capture(r, b, a),
    "tracking_error": lambda r, b, a: tracking_error(r, b, a),
    "information_ratio": lambda r, b, a: information_ratio(r, b, a),
    "up_capture": lambda r, b, a: up_capture(r, b, a),
    "down_capture": lambda r, b, a: down_capture(r, b, a),
    "up_down_capture": lambda r, b, a: up_down_capture(r, b, a),
}


def default_benchmark() -> pd.Series:
    """Daily returns of the bundled S&P 500 (adjusted close), 1999-2018, named "S&P 500".

    The one default benchmark of the risk package (performance reports and historical stress).
    """
    from tailkit.data import load_sp500

    return load_sp500()["adj_close"].pct_change().dropna().rename("S&P 500")


@dataclass(frozen=True, slots=True)
class PerformanceReport:
    """Metrics of one or more strategies side by side.

    Attributes
    ----------
    table : DataFrame
        Metrics (rows, in :data:`METRICS` then :data:`BENCHMARK_METRICS` order) x strategies.
    benchmark_name : str or None
        Name of the benchmark used for the relative metrics.
    start, end : str
        First and last date of the common sample (ISO) or index positions.
    """

    table: pd.DataFrame = field(repr=False)
    benchmark_name: str | None
    start: str
    end: str

    def to_frame(self) -> pd.DataFrame:
        """Metrics x strategies."""
        return self.table.copy()

    def to_dict(self) -> dict[str, dict[str, float | None]]:
        """Strategy -> metric -> value (NaN as None)."""
        return {
            str(col): {str(k): (None if pd.isna(v) else float(v)) for k, v in self.table[col].items()}
            for col in self.table.columns
        }


def _as_frame(returns: Any) -> pd.DataFrame:
    if isinstance(returns, pd.Series):
        return returns.to_frame(name=returns.name if returns.name is not None else "strategy")
    if isinstance(returns, pd.DataFrame):
        return returns
    if isinstance(returns, Mapping):
        return pd.concat({str(k): pd.Series(v, dtype=float) for k, v in returns.items()}, axis=1)
    arr = np.asarray(returns, dtype=float)
    if arr.ndim == 1:
        return pd.DataFrame({"strategy": arr})
    return pd.DataFrame(arr, columns=[f"strategy_{j}" for j in range(arr.shape[1])])


def performance_report(
    returns: Any,
    benchmark: pd.Series | bool | None = None,
    *,
    risk_free: float = 0.0,
    periods_per_year: int = _A,
    include_benchmark: bool = True,
) -> PerformanceReport:
    """All metrics for one or several strategies, side by side, against a benchmark.

    Parameters
    ----------
    returns : Series, DataFrame or mapping of str to Series
        Periodic returns; one column per strategy. A DataFrame's rows are kept as they are
        (strategies with missing periods keep their NaNs, handled as documented above).
    benchmark : Series, False or None, default=None
        Benchmark returns; None uses the bundled S&P 500 when the returns have a
        DatetimeIndex overlapping it; False disables the relative metrics.
    risk_free : float, default=0.0
        Per-period risk-free return for the Sharpe ratio.
    periods_per_year : int, default=252
        Annualisation factor.
    include_benchmark : bool, default=True
        Add the benchmark as its own column.

    Returns
    -------
    PerformanceReport

    Examples
    --------
    >>> import numpy as np
    >>> rep = performance_report(np.random.default_rng(0).normal(0.0005, 0.01, 500), benchmark=False)
    >>> len(rep.to_frame()) >= 25
    True
    """
    if isinstance(periods_per_year, bool) or not isinstance(periods_per_year, int) or periods_per_year < 1:
        raise ParameterError(describe_bad_value("periods_per_year", periods_per_year, "an int >= 1"))
    frame = _as_frame(returns)
    if frame.shape[0] < 2:
        raise DataError(f"returns has {frame.shape[0]} period(s); need at least 2")
    bench: pd.Series | None
    if benchmark is False:
        bench = None
    elif benchmark is None or benchmark is True:
        bench = default_benchmark() if isinstance(frame.index, pd.DatetimeIndex) else None
        if bench is not None and bench.index.intersection(frame.index).size < 2:
            bench = None
    else:
        bench = pd.Series(benchmark, dtype=float)
        if bench.name is None:
            bench = bench.rename("benchmark")
    cols = {str(c): frame[c] for c in frame.columns}
    bvals = None
    if bench is not None:
        if isinstance(frame.index, pd.DatetimeIndex) and isinstance(bench.index, pd.DatetimeIndex):
            bvals = bench.reindex(frame.index)
        else:
            if len(bench) != len(frame):
                raise DataError(f"benchmark has {len(bench)} periods, returns {len(frame)}")
            bvals = pd.Series(bench.to_numpy(), index=frame.index)
        if include_benchmark:
            cols[str(bench.name)] = bvals
    out = {}
    for name, series in cols.items():
        r = series.to_numpy(dtype=float)
        vals = {k: f(r, periods_per_year, risk_free) for k, f in METRICS.items()}
        if bvals is not None:
            b = bvals.to_numpy(dtype=float)
            for k, f in BENCHMARK_METRICS.items():
                vals[k] = f(r, b, periods_per_year)
        out[name] = vals
    table = pd.DataFrame(out)
    table.index.name = "metric"
    idx = frame.index
    fmt = (lambda x: x.strftime("%Y-%m-%d")) if isinstance(idx, pd.DatetimeIndex) else str
    return PerformanceReport(table, None if bench is None else str(bench.name), fmt(idx[0]), fmt(idx[-1]))


_ROLLING = ("annual_return", "annual_volatility", "sharpe_ratio", "sortino_ratio", "max_drawdown", "beta")


def rolling_metrics(
    returns: pd.Series,
    *,
    window: int = 126,
    metrics: Sequence[str] = _ROLLING,
    benchmark: pd.Series | None = None,
    periods_per_year: int = _A,
) -> pd.DataFrame:
    """Rolling versions of metrics over a trailing window.

    Parameters
    ----------
    returns : Series
        Periodic returns.
    window : int, default=126
        Trailing window in periods (>= 5).
    metrics : sequence of str, default=("annual_return", "annual_volatility", "sharpe_ratio",
        "sortino_ratio", "max_drawdown", "beta")
        Names from :data:`METRICS` or :data:`BENCHMARK_METRICS` (the latter need ``benchmark``).
    benchmark : Series, optional
        Benchmark returns aligned on the index.
    periods_per_year : int, default=252
        Annualisation factor.

    Returns
    -------
    DataFrame
        One column per metric; NaN for the first ``window - 1`` periods. Each value is the
        metric of the window's values with the metric's own NaN handling (empyrical's
        ``roll_*``): a missing return inside a window does not make the window NaN.
    """
    if isinstance(window, bool) or not isinstance(window, int) or window < 5:
        raise ParameterError(describe_bad_value("window", window, "an int >= 5"))
    s = pd.Series(returns, dtype=float)
    unknown = [m for m in metrics if m not in METRICS and m not in BENCHMARK_METRICS]
    if unknown:
        allowed = ", ".join([*METRICS, *BENCHMARK_METRICS])
        raise ParameterError(describe_bad_value("metrics", unknown, f"names among {allowed}"))
    b = np.full(len(s), np.nan)  # read only by benchmark metrics
    if any(m in BENCHMARK_METRICS for m in metrics):
        if benchmark is None:
            raise ParameterError("benchmark metrics in rolling_metrics need a benchmark series")
        b = pd.Series(benchmark, dtype=float).reindex(s.index).to_numpy()
    rv = s.to_numpy()
    out = {}
    # each window's metric is the metric of the window's values, NaNs handled by the metric
    # itself as in empyrical's roll_* functions (pandas' min_periods would count valid values
    # only and give NaN for any window holding one missing return)
    for m in metrics:
        vals = np.full(len(s), np.nan)
        if m in METRICS:
            f = METRICS[m]
            for t in range(window - 1, len(s)):
                vals[t] = f(rv[t - window + 1 : t + 1], periods_per_year, 0.0)
        else:
            f2 = BENCHMARK_METRICS[m]
            for t in range(window - 1, len(s)):
                vals[t] = f2(rv[t - window + 1 : t + 1], b[t - window + 1 : t + 1], periods_per_year)
        out[m] = vals
    return pd.DataFrame(out, index=s.index)
