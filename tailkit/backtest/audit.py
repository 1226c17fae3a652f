"""The look-ahead audit: a strategy's decisions up to ``t`` must not change when the data ends at ``t``.

:func:`audit_lookahead` runs a strategy on the full data and on the data truncated at
sampled dates, and compares the decisions up to each truncation date. Any difference means
the strategy used information from after ``t`` (a full-sample fit, a centred window, a
``shift(-1)``, a period end known before it happened...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.rng import make_generator

__all__ = ["AuditResult", "audit_lookahead"]


@dataclass(frozen=True, slots=True)
class AuditResult:
    """Outcome of :func:`audit_lookahead`.

    Parameters
    ----------
    passed : bool
        True when every truncated run agreed with the full run up to its end.
    dates : tuple of Timestamp
        Truncation dates checked.
    mismatches : tuple of (Timestamp, Timestamp, str)
        ``(truncation date, first differing date, column)`` per failed date.
    """

    passed: bool
    dates: tuple[pd.Timestamp, ...]
    mismatches: tuple[tuple[pd.Timestamp, pd.Timestamp, str], ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly fields."""
        return {
            "passed": self.passed,
            "dates": [str(d.date()) for d in self.dates],
            "mismatches": [[str(a.date()), str(b.date()), c] for a, b, c in self.mismatches],
        }


def _first_difference(a: pd.DataFrame, b: pd.DataFrame, rtol: float) -> tuple[pd.Timestamp, str] | None:
    if not a.index.equals(b.index) or list(a.columns) != list(b.columns):
        return (a.index[0] if len(a) else pd.Timestamp(0)), "<shape>"
    x = a.to_numpy()
    y = b.to_numpy()
    if x.dtype.kind in "fc" and y.dtype.kind in "fc":
        same = (x == y) | (np.isnan(x) & np.isnan(y)) | (np.abs(x - y) <= rtol * np.abs(y))
    else:
        same = (x == y) | (pd.isna(x) & pd.isna(y))
    if same.all():
        return None
    i, j = (int(k[0]) for k in np.nonzero(~same))
    return a.index[i], str(a.columns[j])


def audit_lookahead(
    strategy: Callable[[pd.DataFrame], pd.DataFrame],
    prices: pd.DataFrame,
    *,
    dates: Any = None,
    n_dates: int = 5,
    min_bars: int = 1,
    seed: Any = 0,
    rtol: float = 0.0,
) -> AuditResult:
    """Check that ``strategy``'s decisions up to ``t`` do not depend on data after ``t``.

    Parameters
    ----------
    strategy : callable
        ``strategy(prices) -> DataFrame`` of decisions indexed by date (a subset of the
        price dates), e.g. target weights.
    prices : DataFrame of shape (n_bars, n_assets)
        The data.
    dates : sequence of date-like, optional
        Truncation dates; default ``n_dates`` dates drawn from bars ``min_bars..n_bars - 2``.
    n_dates : int, default=5
        Number of dates drawn when ``dates`` is omitted.
    min_bars : int, default=1
        First bar that may be drawn (a strategy's warm-up).
    seed : int, Generator or None, default=0
        Draws the dates.
    rtol : float, default=0
        Relative tolerance for float decisions (0: identical).

    Returns
    -------
    AuditResult

    Examples
    --------
    >>> import pandas as pd
    >>> px = pd.DataFrame({"A": range(1, 30)}, index=pd.bdate_range("2024-01-01", periods=29), dtype=float)
    >>> peek = lambda p: p.shift(-1).fillna(0.0)  # uses tomorrow's price
    >>> audit_lookahead(peek, px, dates=["2024-01-10"]).passed
    False
    """
    if not isinstance(prices, pd.DataFrame) or len(prices) < 3:
        raise ParameterError(
            describe_bad_value("prices", type(prices).__name__, "a DataFrame with at least 3 rows")
        )
    n = len(prices)
    if dates is None:
        if not 0 <= min_bars < n - 1:
            raise ParameterError(describe_bad_value("min_bars", min_bars, f"an int in 0..{n - 2}"))
        rng = make_generator(seed)
        pick = rng.choice(np.arange(min_bars, n - 1), size=min(n_dates, n - 1 - min_bars), replace=False)
        cut = [prices.index[int(i)] for i in np.sort(pick)]
    else:
        cut = [pd.Timestamp(d) for d in dates]
    full = strategy(prices)
    bad = []
    for d in cut:
        part = strategy(prices.loc[:d])
        ref = full.loc[:d]
        diff = _first_difference(part.loc[:d], ref, rtol)
        if diff is not None:
            bad.append((d, diff[0], diff[1]))
    return AuditResult(not bad, tuple(cut), tuple(bad))
