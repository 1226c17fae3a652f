"""The book's one-day VaR/ES and exposure, and the alerts when they breach a limit.

:func:`book_risk` revalues the open legs in full (Black-Scholes-Merton, the risk package's
:func:`tailkit.risk.book_var_es`, whose tail statistics come from the house kernel
``tailkit._tail``) under historical scenarios: the daily returns of the underlying's
closing price recorded in the book's ``snapshots`` (the last snapshot of each day; chain
imports and ``tailkit book snapshot`` write them), the last ``window`` of them. Each leg uses
its latest quote's implied vol and underlying price at the valuation date, the book's
risk-free rate and the calendar days to expiry (/365, the day count of the overlay). Legs
without a quote cannot be revalued and are left out (the result says how many).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from tailkit.book.alerts import Alert
from tailkit.book.marks import BookMarks, open_legs_with_quotes
from tailkit.book.settings import get_settings
from tailkit.book.store import Book
from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["BookRisk", "book_risk", "risk_limit_alerts", "daily_closes", "daily_returns", "MIN_SCENARIOS"]

#: fewer daily returns than this give no VaR/ES (too few for a 99% tail)
MIN_SCENARIOS = 20


@dataclass(frozen=True, slots=True)
class BookRisk:
    """One-day risk of the open book.

    Attributes
    ----------
    confidence : float
        VaR/ES level.
    var, es : float or None
        One-day VaR and ES in dollars (losses positive); ``None`` with fewer than
        :data:`MIN_SCENARIOS` daily returns or no revaluable leg.
    exposure : float
        Open risk: the sum of the open positions' maximum losses, dollars.
    n_scenarios : int
        Daily returns used.
    n_legs, n_unquoted : int
        Legs revalued, and open legs left out for want of a quote.
    """

    confidence: float
    var: float | None
    es: float | None
    exposure: float
    n_scenarios: int
    n_legs: int
    n_unquoted: int

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {f: getattr(self, f) for f in self.__slots__}


def daily_closes(book: Book, underlying: str, *, until: str) -> pd.Series:
    """The underlying's daily closes in the book: the last snapshot of each day up to ``until``.

    Returns
    -------
    Series of float
        Price in cents, indexed by day (``YYYY-MM-DD`` text), oldest first; empty when none.
    """
    frame = book.frame(
        "SELECT time, underlying_cents FROM snapshots WHERE underlying = ? AND time <= ? ORDER BY time",
        (underlying, until),
    )
    if frame.empty:
        return pd.Series(dtype=np.float64)
    return (
        frame.assign(day=frame["time"].str[:10]).groupby("day")["underlying_cents"].last().astype(np.float64)
    )


def daily_returns(book: Book, underlying: str, *, until: str, window: int = 500) -> np.ndarray:
    """Simple daily returns of :func:`daily_closes` up to ``until``, the last ``window``."""
    closes = daily_closes(book, underlying, until=until)
    if closes.empty:
        return np.zeros(0)
    r = closes.pct_change().dropna().to_numpy()
    return r[-window:]


def book_risk(book: Book, marks: BookMarks, *, confidence: float = 0.99, window: int = 500) -> BookRisk:
    """Full-revaluation one-day VaR/ES and the exposure of the open book (see the module docstring).

    Parameters
    ----------
    book : Book
        The book.
    marks : BookMarks
        A mark of the book (its valuation date and exposure are used).
    confidence : float, default=0.99
        VaR/ES level, in (0.5, 1).
    window : int, default=500
        Daily returns used (the latest).

    Returns
    -------
    BookRisk
    """
    from tailkit.risk import OptionBook, book_var_es

    if not 0.5 < float(confidence) < 1.0:
        raise ParameterError(describe_bad_value("confidence", confidence, "a level in (0.5, 1), e.g. 0.99"))
    day: date = marks.valuation_date
    cutoff = day.isoformat() + "T23:59:59"
    exposure = float(marks.totals.open_risk)
    legs = open_legs_with_quotes(book, cutoff)
    if legs.empty:
        return BookRisk(float(confidence), None, None, exposure, 0, 0, 0)
    underlyings = dict(
        book.conn.execute("SELECT id, underlying FROM positions WHERE status = 'open'").fetchall()
    )
    legs = legs.assign(underlying=[str(underlyings[int(p)]) for p in legs["position_id"]])
    quoted = legs["iv"].notna() & legs["underlying_cents"].notna() & (legs["iv"] > 0)
    n_unquoted = int((~quoted).sum())
    legs = legs[quoted]
    names = sorted(set(legs["underlying"]))
    rets = {u: daily_returns(book, u, until=cutoff, window=window) for u in names}
    n = min((len(r) for r in rets.values()), default=0)
    if legs.empty or n < MIN_SCENARIOS:
        return BookRisk(float(confidence), None, None, exposure, n, len(legs), n_unquoted)
    expiry_days = (pd.to_datetime(legs["expiry"]).dt.date - day).map(lambda d: d.days).to_numpy()
    frame = pd.DataFrame(
        {
            "underlying": legs["underlying"].to_numpy(),
            "kind": legs["kind"].to_numpy(),
            "strike": legs["strike_cents"].to_numpy(dtype=np.float64) / 100.0,
            "expiry": np.maximum(expiry_days, 0) / 365.0,
            "vol": legs["iv"].to_numpy(dtype=np.float64),
            "quantity": (legs["quantity"] * legs["contracts"] * legs["multiplier"]).to_numpy(
                dtype=np.float64
            ),
        }
    )
    frame = frame[frame["expiry"] > 0]
    if frame.empty:
        return BookRisk(float(confidence), None, None, exposure, n, 0, n_unquoted)
    spot = {u: float(legs.loc[legs["underlying"] == u, "underlying_cents"].iloc[-1]) / 100.0 for u in names}
    option_book = OptionBook.from_frame(frame, spot, rate=get_settings(book).risk_free_rate)
    scenarios = np.column_stack([rets[u][-n:] for u in names])
    result = book_var_es(option_book, scenarios, confidence=float(confidence), horizon_days=1.0)
    return BookRisk(
        float(confidence), float(result.var), float(result.es), exposure, n, len(frame), n_unquoted
    )


def risk_limit_alerts(
    risk: BookRisk,
    *,
    var_limit: float | None = None,
    es_limit: float | None = None,
    exposure_limit: float | None = None,
) -> list[Alert]:
    """``risk_limit`` alerts (critical) for each limit the book's risk exceeds (limits in dollars)."""
    out: list[Alert] = []
    checks = (
        ("var", risk.var, var_limit, f"one-day {risk.confidence:.0%} VaR"),
        ("es", risk.es, es_limit, f"one-day {risk.confidence:.0%} ES"),
        ("exposure", risk.exposure, exposure_limit, "open risk (sum of max losses)"),
    )
    for name, value, limit, label in checks:
        if limit is None or value is None or not float(value) > float(limit):
            continue
        out.append(
            Alert(
                rule="risk_limit",
                key=f"risk_limit:{name}",
                severity="critical",
                message=f"book {label} {float(value):,.2f} exceeds the limit {float(limit):,.2f}",
                payload={"measure": name, "value": float(value), "limit": float(limit), **risk.to_dict()},
            )
        )
    return out
