"""Per-strategy statistics of simulated P&L, their Monte Carlo errors, and paired comparisons.

All P&L figures are per share of the underlying (price units, like the credit); multiply by
the contract multiplier (100) for dollars per spread. Definitions (``n`` paths):

* ``pop``: probability of profit, the share of paths with P&L > 0.
* ``expected_pnl``: mean P&L; ``std_pnl`` its sample standard deviation (``ddof=1``).
* ``cvar_95``: the 95% expected shortfall of :mod:`tailkit._tail` (Acerbi-Tasche: the mean of
  the worst ``0.05 n`` P&Ls, the last one weighted fractionally when ``0.05 n`` is not an
  integer), reported as a **signed P&L** (negative = a loss): minus the ES of the losses
  ``-pnl``, converted at this edge.
* ``risk_adjusted_return``: ``expected_pnl / |cvar_95|``.
* ``profit_factor``: gross wins / gross losses; ``win_loss_ratio`` ``b``: average win /
  average loss (both ``inf`` with no losing path).
* ``sortino``: mean / sqrt(mean(min(P&L, 0)^2)), per trade (not annualised).
* ``kelly``: ``f* = (p b - q) / b`` with ``p = pop``, ``q = 1 - p``, ``b`` = win/loss ratio;
  ``p`` when no path loses, ``-inf`` when none wins.
* ``avg_days_held``: mean exit day (trading days).
* ``assignment_risk``: share of paths on which, while the spread is open before expiry, the
  short leg is in the money with time value at or below the ``assignment_time_value`` level —
  when the holder of an American option (TLT options are American) would rationally exercise
  early. The model prices European options and ignores early exercise, the dividend dates of
  TLT (a continuous ``dividend_yield`` stands in), pin risk at expiry and the cash settlement of
  assignments; this column is the warning.
* Monte Carlo standard errors: ``se_expected_pnl = std / sqrt(n)``, ``se_pop = sqrt(p (1-p) / n)``.
  Strategies are evaluated on the same shocks (common random numbers), so two strategies are
  compared by the paired difference of their per-path P&L (:func:`paired_difference`): they
  are statistically indistinguishable when ``|mean diff| < 1.96 * se(diff)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from tailkit._tail import tail_risk, tail_size
from tailkit._typing import Float1D
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.overlay import _kernels as K
from tailkit.overlay.exits import EXIT_REASONS

__all__ = [
    "StrategyMetrics",
    "strategy_metrics",
    "cvar_tail_size",
    "kelly_fraction",
    "PairedDifference",
    "paired_difference",
    "Z_95",
]

Z_95 = 1.959963984540054
CVAR_CONFIDENCE = 0.95


def cvar_tail_size(n_paths: int, confidence: float = CVAR_CONFIDENCE) -> float:
    """Paths in the CVaR tail, ``n (1 - confidence)`` (:func:`tailkit._tail.tail_size`).

    Examples
    --------
    >>> cvar_tail_size(10_000), cvar_tail_size(40)
    (500.0, 2.0)
    """
    return tail_size(n_paths, confidence)


def kelly_fraction(pop: float, win_loss_ratio: float) -> float:
    """Kelly fraction ``f* = (p b - q) / b`` of a two-outcome bet.

    Parameters
    ----------
    pop : float
        Probability of a win ``p``, in [0, 1].
    win_loss_ratio : float
        ``b`` = average win / average loss (> 0; ``inf`` gives ``p``).

    Returns
    -------
    float
        Fraction of capital to stake (negative: do not bet).

    Examples
    --------
    >>> kelly_fraction(0.6, 1.0)
    0.19999999999999996
    """
    if not 0.0 <= pop <= 1.0:
        raise ParameterError(describe_bad_value("pop", pop, "a probability in [0, 1]"))
    if math.isinf(win_loss_ratio):
        return pop
    if not win_loss_ratio > 0.0:
        return -math.inf
    return (pop * win_loss_ratio - (1.0 - pop)) / win_loss_ratio


@dataclass(frozen=True, slots=True)
class StrategyMetrics:
    """Statistics of one strategy's simulated P&L (per share; see the module docstring)."""

    expected_pnl: float
    std_pnl: float
    pop: float
    cvar_95: float
    profit_factor: float
    win_loss_ratio: float
    sortino: float
    kelly: float
    avg_days_held: float
    assignment_risk: float
    avg_win: float
    avg_loss: float
    n_paths: int
    exit_profit_target: float
    exit_loss_limit: float
    exit_dte_threshold: float
    exit_expiration: float

    @property
    def risk_adjusted_return(self) -> float:
        """``expected_pnl / |cvar_95|``."""
        return _ratio(self.expected_pnl, abs(self.cvar_95))

    @property
    def se_expected_pnl(self) -> float:
        """Monte Carlo standard error of ``expected_pnl``."""
        return self.std_pnl / math.sqrt(self.n_paths)

    @property
    def se_pop(self) -> float:
        """Monte Carlo standard error of ``pop``."""
        return math.sqrt(self.pop * (1.0 - self.pop) / self.n_paths)

    @classmethod
    def from_arrays(cls, stats: np.ndarray, reason_counts: np.ndarray, n_paths: int) -> StrategyMetrics:
        """Build from a kernel statistics row and reason counts."""
        shares = np.asarray(reason_counts, dtype=np.float64) / n_paths
        return cls(
            expected_pnl=float(stats[K.S_MEAN]),
            std_pnl=float(stats[K.S_STD]),
            pop=float(stats[K.S_POP]),
            cvar_95=float(stats[K.S_CVAR]),
            profit_factor=float(stats[K.S_PF]),
            win_loss_ratio=float(stats[K.S_WL]),
            sortino=float(stats[K.S_SORTINO]),
            kelly=float(stats[K.S_KELLY]),
            avg_days_held=float(stats[K.S_DAYS]),
            assignment_risk=float(stats[K.S_ASSIGN]),
            avg_win=float(stats[K.S_AVG_WIN]),
            avg_loss=float(stats[K.S_AVG_LOSS]),
            n_paths=int(n_paths),
            exit_profit_target=float(shares[0]),
            exit_loss_limit=float(shares[1]),
            exit_dte_threshold=float(shares[2]),
            exit_expiration=float(shares[3]),
        )

    def to_dict(self) -> dict[str, Any]:
        """Every field plus ``risk_adjusted_return`` and the standard errors."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["risk_adjusted_return"] = self.risk_adjusted_return
        out["se_expected_pnl"] = self.se_expected_pnl
        out["se_pop"] = self.se_pop
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row."""
        return pd.DataFrame([self.to_dict()])


def _ratio(a: float, b: float) -> float:
    if b == 0.0:
        return math.inf if a > 0 else (-math.inf if a < 0 else math.nan)
    return a / b


def strategy_metrics(
    pnl: Float1D,
    exit_day: Any,
    reason: Any,
    *,
    first_deep: Any = None,
) -> StrategyMetrics:
    """Statistics of one strategy from per-path P&L, exit days and reasons (numpy reference).

    Parameters
    ----------
    pnl : ndarray of shape (n_paths,)
        P&L per share.
    exit_day : ndarray of shape (n_paths,)
        Exit day per path (trading days).
    reason : ndarray of shape (n_paths,)
        Exit reason codes (index into :data:`~tailkit.overlay.EXIT_REASONS`).
    first_deep : ndarray of shape (n_paths,), optional
        First day the short leg was deep in the money (``> n_steps`` = never); default never.

    Returns
    -------
    StrategyMetrics

    Examples
    --------
    >>> m = strategy_metrics(np.array([1.0, 1.0, -2.0, 0.5]), np.array([5, 6, 7, 8]), np.array([0, 0, 1, 3]))
    >>> m.pop, m.expected_pnl, m.cvar_95
    (0.75, 0.125, -2.0)
    """
    x = np.asarray(pnl, dtype=np.float64)
    n = x.size
    if n < 1 or x.ndim != 1:
        raise ParameterError(describe_bad_value("pnl", x.shape, "a 1-D array with at least one path"))
    days = np.asarray(exit_day, dtype=np.int64)
    reasons = np.asarray(reason, dtype=np.int64)
    deep = (
        np.full(n, np.iinfo(np.int64).max) if first_deep is None else np.asarray(first_deep, dtype=np.int64)
    )
    wins, losses = x[x > 0], x[x < 0]
    pop = wins.size / n
    avg_win = float(wins.mean()) if wins.size else 0.0
    avg_loss = float(-losses.mean()) if losses.size else 0.0
    if losses.size == 0:
        pf = wl = math.inf if wins.size else math.nan
        kelly = pop if wins.size else math.nan
    elif wins.size == 0:
        pf = wl = 0.0
        kelly = -math.inf
    else:
        pf = float(wins.sum() / -losses.sum())
        wl = avg_win / avg_loss
        kelly = kelly_fraction(pop, wl)
    mean = float(x.mean())
    downside = math.sqrt(float(np.sum(losses * losses)) / n)
    sortino = mean / downside if downside > 0 else (math.inf if mean > 0 else math.nan)
    counts = np.bincount(reasons, minlength=len(EXIT_REASONS)) / n
    return StrategyMetrics(
        expected_pnl=mean,
        std_pnl=float(np.std(x, ddof=1)) if n > 1 else 0.0,
        pop=pop,
        cvar_95=-tail_risk(-x, confidence=CVAR_CONFIDENCE).es,
        profit_factor=pf,
        win_loss_ratio=wl,
        sortino=sortino,
        kelly=kelly,
        avg_days_held=float(days.mean()),
        assignment_risk=float(np.mean(deep <= days)),
        avg_win=avg_win,
        avg_loss=avg_loss,
        n_paths=n,
        exit_profit_target=float(counts[0]),
        exit_loss_limit=float(counts[1]),
        exit_dte_threshold=float(counts[2]),
        exit_expiration=float(counts[3]),
    )


@dataclass(frozen=True, slots=True)
class PairedDifference:
    """Difference of two strategies' mean P&L on the same paths, with its paired standard error."""

    mean_difference: float
    standard_error: float

    @property
    def z(self) -> float:
        """``mean_difference / standard_error``."""
        return _ratio(self.mean_difference, self.standard_error)

    @property
    def indistinguishable(self) -> bool:
        """True when ``|mean_difference| < 1.96 * standard_error`` (5% two-sided)."""
        return abs(self.mean_difference) < Z_95 * self.standard_error or (
            self.standard_error == 0.0 and self.mean_difference == 0.0
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with ``z`` and ``indistinguishable``."""
        return {
            "mean_difference": self.mean_difference,
            "standard_error": self.standard_error,
            "z": self.z,
            "indistinguishable": self.indistinguishable,
        }


def paired_difference(pnl_a: Float1D, pnl_b: Float1D) -> PairedDifference:
    """Mean and paired standard error of ``pnl_a - pnl_b`` (same paths: common random numbers).

    Examples
    --------
    >>> d = paired_difference(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 2.0]))
    >>> round(d.mean_difference, 6), d.indistinguishable
    (0.333333, True)
    """
    a = np.asarray(pnl_a, dtype=np.float64)
    b = np.asarray(pnl_b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1 or a.size < 2:
        raise ParameterError(
            describe_bad_value("pnl_b", b.shape, f"the shape of pnl_a {a.shape}, >= 2 paths")
        )
    d = a - b
    return PairedDifference(float(d.mean()), float(np.std(d, ddof=1) / math.sqrt(d.size)))
