"""VaR backtests: Kupiec proportion of failures, Christoffersen independence and conditional coverage.

An *exception* (hit) is a period whose loss exceeds the VaR forecast made for it. With
``n`` periods, ``x`` exceptions and tail probability ``p = 1 - confidence``:

* Kupiec (1995) POF: ``LR_pof = -2 ln[(1-p)^(n-x) p^x] + 2 ln[(1-x/n)^(n-x) (x/n)^x]``, chi2(1).
* Christoffersen (1998) independence, from the transition counts ``n_ij`` (state i followed
  by state j) of the hit sequence, ``pi_0 = n01 / (n00 + n01)``, ``pi_1 = n11 / (n10 + n11)``,
  ``pi = (n01 + n11) / (n - 1)``:
  ``LR_ind = -2 ln[(1-pi)^(n00+n10) pi^(n01+n11)] + 2 ln[(1-pi_0)^n00 pi_0^n01 (1-pi_1)^n10 pi_1^n11]``,
  chi2(1).
* Conditional coverage: ``LR_cc = LR_pof + LR_ind``, chi2(2) (Christoffersen 1998;
  Christoffersen, *Elements of Financial Risk Management*, ch. 13).

``0 ln 0`` is taken as 0, so sequences without exceptions (or without consecutive
exceptions) give finite statistics.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import xlogy

from tailkit._tail import tail_split
from tailkit._validation import as_float_array
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.risk import _kernels
from tailkit.risk._inputs import check_confidence

__all__ = ["VaRBacktest", "kupiec_pof", "christoffersen_independence", "backtest_var", "rolling_var_forecast"]


@dataclass(frozen=True, slots=True)
class VaRBacktest:
    """Outcome of the Kupiec and Christoffersen tests on one hit sequence.

    Attributes
    ----------
    n, exceptions : int
        Periods tested and exceptions observed.
    expected : float
        Exceptions expected, ``n * (1 - confidence)``.
    exception_rate : float
        ``exceptions / n``.
    confidence : float
        VaR level tested.
    lr_pof, p_pof : float
        Kupiec statistic and its chi2(1) p-value.
    lr_ind, p_ind : float
        Christoffersen independence statistic and its chi2(1) p-value.
    lr_cc, p_cc : float
        Conditional-coverage statistic and its chi2(2) p-value.
    n00, n01, n10, n11 : int
        Transition counts of the hit sequence.
    """

    n: int
    exceptions: int
    expected: float
    exception_rate: float
    confidence: float
    lr_pof: float
    p_pof: float
    lr_ind: float
    p_ind: float
    lr_cc: float
    p_cc: float
    n00: int
    n01: int
    n10: int
    n11: int

    def passes(self, level: float = 0.05) -> bool:
        """True if neither POF nor conditional coverage is rejected at test size ``level``."""
        return bool(self.p_pof >= level and self.p_cc >= level)

    def to_dict(self) -> dict[str, Any]:
        """All fields as a JSON-friendly dict."""
        return asdict(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per test: statistic, degrees of freedom, p-value."""
        return pd.DataFrame(
            {
                "statistic": [self.lr_pof, self.lr_ind, self.lr_cc],
                "dof": [1, 1, 2],
                "p_value": [self.p_pof, self.p_ind, self.p_cc],
            },
            index=pd.Index(["kupiec_pof", "christoffersen_ind", "conditional_coverage"], name="test"),
        )


def kupiec_pof(n: int, exceptions: int, confidence: float) -> float:
    """Kupiec's proportion-of-failures likelihood ratio (chi2 with 1 dof under H0).

    Parameters
    ----------
    n : int
        Periods tested (>= 1).
    exceptions : int
        Exceptions observed, 0..n.
    confidence : float
        VaR level; the tail probability is ``1 - confidence``.

    Returns
    -------
    float
        ``LR_pof``.

    Examples
    --------
    >>> round(kupiec_pof(250, 2, 0.99), 4)
    0.1084
    """
    if n < 1 or not 0 <= exceptions <= n:
        allowed = "0 <= exceptions <= n and n >= 1"
        raise ParameterError(describe_bad_value("(n, exceptions)", (n, exceptions), allowed))
    p = 1.0 - float(check_confidence(confidence)[0])
    x = float(exceptions)
    ph = x / n
    null = xlogy(n - x, 1.0 - p) + xlogy(x, p)
    alt = xlogy(n - x, 1.0 - ph) + xlogy(x, ph)
    return float(max(-2.0 * (null - alt), 0.0))


def _transitions(hits: np.ndarray) -> tuple[int, int, int, int]:
    prev, nxt = hits[:-1], hits[1:]
    n00 = int(np.sum(~prev & ~nxt))
    n01 = int(np.sum(~prev & nxt))
    n10 = int(np.sum(prev & ~nxt))
    n11 = int(np.sum(prev & nxt))
    return n00, n01, n10, n11


def christoffersen_independence(hits: Any) -> float:
    """Christoffersen's Markov independence likelihood ratio (chi2 with 1 dof under H0).

    Parameters
    ----------
    hits : array-like of bool, shape (n,)
        Exception indicator per period, in time order.

    Returns
    -------
    float
        ``LR_ind``.
    """
    h = np.asarray(hits, dtype=bool).ravel()
    if h.size < 2:
        raise DataError(f"hits has {h.size} period(s); the independence test needs at least 2")
    n00, n01, n10, n11 = _transitions(h)
    pi0 = n01 / (n00 + n01) if n00 + n01 else 0.0
    pi1 = n11 / (n10 + n11) if n10 + n11 else 0.0
    pi = (n01 + n11) / (n00 + n01 + n10 + n11)
    null = xlogy(n00 + n10, 1.0 - pi) + xlogy(n01 + n11, pi)
    alt = xlogy(n00, 1.0 - pi0) + xlogy(n01, pi0) + xlogy(n10, 1.0 - pi1) + xlogy(n11, pi1)
    return float(max(-2.0 * (null - alt), 0.0))


def backtest_var(pnl: Any, var: Any, *, confidence: float = 0.99, hits: Any | None = None) -> VaRBacktest:
    """Backtest VaR forecasts against realised P&L with the Kupiec and Christoffersen tests.

    Parameters
    ----------
    pnl : Series or ndarray of shape (n,)
        Realised P&L (or returns) per period. Ignored when ``hits`` is given.
    var : Series or ndarray of shape (n,)
        VaR forecast for each period (a positive loss), made before the period. Periods
        where either value is missing are dropped (Series are aligned on their index).
    confidence : float, default=0.99
        VaR level of the forecasts.
    hits : array-like of bool, optional
        Exception indicators, if already known (then ``pnl`` and ``var`` are unused).

    Returns
    -------
    VaRBacktest

    Examples
    --------
    >>> import numpy as np
    >>> bt = backtest_var(np.array([-1.0, 0.5, -3.0, 0.2]), np.full(4, 2.0), confidence=0.95)
    >>> bt.exceptions
    1
    """
    c = float(check_confidence(confidence)[0])
    if hits is None:
        if isinstance(pnl, pd.Series) and isinstance(var, pd.Series):
            pnl, var = pnl.align(var, join="inner")
        x = as_float_array("pnl", pnl).ravel()
        v = as_float_array("var", var).ravel()
        if x.shape != v.shape:
            allowed = f"one forecast per P&L value, shape {x.shape}"
            raise ParameterError(describe_bad_value("var", v.shape, allowed))
        ok = np.isfinite(x) & np.isfinite(v)
        h = (-x[ok]) > v[ok]
    else:
        h = np.asarray(hits, dtype=bool).ravel()
    n = int(h.size)
    if n < 2:
        raise DataError(f"{n} period(s) with both P&L and VaR; the backtest needs at least 2")
    x_count = int(h.sum())
    lr_pof = kupiec_pof(n, x_count, c)
    lr_ind = christoffersen_independence(h)
    lr_cc = lr_pof + lr_ind
    n00, n01, n10, n11 = _transitions(h)
    return VaRBacktest(
        n=n,
        exceptions=x_count,
        expected=n * (1.0 - c),
        exception_rate=x_count / n,
        confidence=c,
        lr_pof=lr_pof,
        p_pof=float(stats.chi2.sf(lr_pof, 1)),
        lr_ind=lr_ind,
        p_ind=float(stats.chi2.sf(lr_ind, 1)),
        lr_cc=lr_cc,
        p_cc=float(stats.chi2.sf(lr_cc, 2)),
        n00=n00,
        n01=n01,
        n10=n10,
        n11=n11,
    )


def rolling_var_forecast(
    returns: pd.Series, *, window: int = 250, confidence: float = 0.99, method: str = "historical"
) -> pd.Series:
    """One-step-ahead VaR forecasts from a rolling window (out of sample: uses data to t-1).

    Parameters
    ----------
    returns : Series
        Portfolio returns (or P&L) per period.
    window : int, default=250
        Estimation window in periods (>= 20).
    confidence : float, default=0.99
        VaR level.
    method : {"historical", "parametric"}, default="historical"
        Historical: the ``ceil(window (1 - c))``-th largest loss in the window, selected by
        integer order statistic with the kernel :func:`tailkit.risk.var_es` uses (window 250
        at 99%: the 3rd largest); a window holding a missing return gives NaN. Parametric:
        normal with the window's mean and std.

    Returns
    -------
    Series
        VaR (positive loss) for each date; NaN for the first ``window`` dates.
    """
    c = float(check_confidence(confidence)[0])
    if isinstance(window, bool) or not isinstance(window, int) or window < 20:
        raise ParameterError(describe_bad_value("window", window, "an int >= 20"))
    if method not in ("historical", "parametric"):
        raise ParameterError(describe_bad_value("method", method, "'historical' or 'parametric'"))
    s = pd.Series(returns, dtype=float)
    if method == "historical":
        # the ceil(window (1 - c))-th largest loss, selected by integer index (tailkit._tail)
        m, frac = tail_split(window, np.array([c]))
        losses = np.ascontiguousarray(-s.to_numpy(dtype=np.float64))
        est = pd.Series(
            _kernels.rolling_var(losses, window, int(m[0]), float(frac[0]), np.empty(losses.size)),
            index=s.index,
        )
    else:
        z = stats.norm.ppf(c)
        roll = s.rolling(window, min_periods=window)
        est = -(roll.mean() - z * roll.std(ddof=1))
    return est.shift(1).rename("var")
