"""Marking the open positions: P&L at mid and at bid/ask, Greeks, days to expiry, exit signals.

For each leg of each open position, the latest stored quote of its contract up to the end of
the valuation day is used (one indexed look-up per leg, all in one query). Per share:

* ``value_mid = -sum(quantity * mid)`` — the cost of buying the position back at mid (a short
  credit spread has a positive value);
* ``value_exec`` — the same at executable prices: short legs bought back at the **ask**, long
  legs sold at the **bid** (``value_exec >= value_mid``);
* ``pnl = (credit - value) * contracts * multiplier`` in dollars, at mid and at bid/ask;
* Greeks from Black-Scholes (:func:`tailkit.pricing.bs_greeks`) at each quote's IV and
  underlying price with the book's ``risk_free_rate``, summed as ``quantity * greek *
  contracts * multiplier`` (delta in shares of the underlying, theta per calendar day, vega
  per vol point);
* days to expiry (calendar) from the valuation date;
* the exit signal of :func:`tailkit.overlay.exit_signal` under the book's exit rules, with the
  cost of closing now (``value_exec - value_mid``) as ``exit_cost``.

Book totals (:class:`MarkTotals`): realized P&L (exact, closed and rolled positions, after
commissions), unrealized P&L, **income to date** = realized + unrealized at mid, **open risk**
= sum of the open positions' maximum losses, and the overlay's **loss budget** =
``loss_budget_fraction * base_yield * NAV`` (default 50% x 4.75% = 2.375% of NAV) with the
fraction used = ``max(0, -income) / loss budget`` — the promise that the overlay's losses stay
within a fraction of the base portfolio's yield, as a number. ``open_risk_to_budget`` says how
much of the budget the open positions could still lose.

A position with a leg lacking a quote is listed with ``marked = False`` and no P&L.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from tailkit.book.nav import latest_nav
from tailkit.book.settings import get_exit_rules, get_settings
from tailkit.book.store import Book, utc_now
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.overlay.exits import ExitRules, exit_signal
from tailkit.pricing import bs_greeks

__all__ = ["BookMarks", "MarkTotals", "mark_book", "marks_history", "open_legs_with_quotes"]

_LEGS_SQL = """
SELECT l.position_id, l.kind, l.strike_cents, l.expiry, l.quantity,
       p.contracts, p.multiplier, p.entry_price_cents, p.width_cents, p.strategy,
       q.bid_cents, q.ask_cents, q.iv, q.underlying_cents, q.quote_time
FROM positions p
JOIN legs l ON l.position_id = p.id
LEFT JOIN quotes q ON q.id = (
    SELECT q2.id FROM quotes q2
    WHERE q2.contract = l.contract AND q2.quote_time <= ?
    ORDER BY q2.quote_time DESC LIMIT 1)
WHERE p.status = 'open'
ORDER BY l.position_id, l.id
"""

_COLUMNS = (
    "position_id",
    "strategy",
    "contracts",
    "credit",
    "width",
    "expiry",
    "dte",
    "marked",
    "quote_time",
    "underlying",
    "value_mid",
    "value_exec",
    "pnl_mid",
    "pnl_exec",
    "max_loss",
    "delta",
    "gamma",
    "theta",
    "vega",
    "signal",
    "message",
)


@dataclass(frozen=True, slots=True)
class MarkTotals:
    """Book-level figures of a mark (dollars unless stated).

    Attributes
    ----------
    nav : float or None
        Latest NAV.
    n_open, n_marked, n_signals : int
        Open positions, those with quotes for every leg, those with an exit signal.
    realized_pnl : float
        Closed and rolled positions, after commissions.
    unrealized_mid, unrealized_exec : float
        Open positions at mid and at bid/ask.
    income : float
        Income to date: ``realized_pnl + unrealized_mid``.
    credits_collected : float
        Cash received at entry minus cash paid at exit, all positions.
    open_risk : float
        Sum of the open positions' maximum losses.
    loss_budget : float or None
        ``loss_budget_fraction * base_yield * nav``.
    loss_budget_used : float or None
        ``max(0, -income) / loss_budget`` (fraction).
    open_risk_to_budget : float or None
        ``open_risk / loss_budget``.
    delta, gamma, theta, vega : float
        Aggregated Greeks (shares, per $1 squared, per day, per vol point).
    """

    nav: float | None
    n_open: int
    n_marked: int
    n_signals: int
    realized_pnl: float
    unrealized_mid: float
    unrealized_exec: float
    income: float
    credits_collected: float
    open_risk: float
    loss_budget: float | None
    loss_budget_used: float | None
    open_risk_to_budget: float | None
    delta: float
    gamma: float
    theta: float
    vega: float

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {f: getattr(self, f) for f in self.__slots__}


@dataclass(frozen=True, slots=True)
class BookMarks:
    """A mark of the book.

    Attributes
    ----------
    as_of : str
        Mark time (``YYYY-MM-DDTHH:MM:SS``); quotes up to the end of its day are used.
    valuation_date : date
        The day days-to-expiry count from.
    positions : DataFrame of shape (n_open, 21)
        One row per open position: ``position_id``, ``strategy``, ``contracts``, ``credit``,
        ``width``, ``expiry``, ``dte``, ``marked``, ``quote_time``, ``underlying``,
        ``value_mid``, ``value_exec`` (per share), ``pnl_mid``, ``pnl_exec``, ``max_loss``
        (dollars), ``delta``, ``gamma``, ``theta``, ``vega`` (aggregated per position),
        ``signal`` (exit reason or ``None``) and ``message``.
    totals : MarkTotals
    rules : ExitRules
        The rules the signals came from.
    """

    as_of: str
    valuation_date: date
    positions: pd.DataFrame
    totals: MarkTotals
    rules: ExitRules

    def to_frame(self) -> pd.DataFrame:
        """The per-position table."""
        return self.positions

    def to_dict(self) -> dict[str, Any]:
        """Totals, rules and positions as JSON-friendly values."""
        rows = self.positions.astype(object).where(self.positions.notna(), None).to_dict(orient="records")
        return {
            "as_of": self.as_of,
            "totals": self.totals.to_dict(),
            "rules": self.rules.to_dict(),
            "positions": rows,
        }


def _valuation(as_of: Any) -> tuple[str, date, str]:
    """Return (mark time text, valuation date, quote cut-off text)."""
    if as_of is None:
        text = utc_now()
    else:
        try:
            ts = pd.Timestamp(as_of)
        except (TypeError, ValueError):
            ts = pd.NaT
        if pd.isna(ts):
            raise ParameterError(describe_bad_value("as_of", as_of, "a date or time such as '2025-01-31'"))
        text = ts.strftime("%Y-%m-%dT%H:%M:%S")
    day = date.fromisoformat(text[:10])
    return text, day, day.isoformat() + "T23:59:59"


def open_legs_with_quotes(book: Book, cutoff: str) -> pd.DataFrame:
    """Open legs joined with the latest quote of their contract at or before ``cutoff`` (one query)."""
    return book.frame(_LEGS_SQL, (cutoff,))


def _empty_positions() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS})


def mark_book(
    book: Book,
    *,
    as_of: Any = None,
    rules: ExitRules | None = None,
    save: bool = False,
    reason: str = "",
) -> BookMarks:
    """Mark every open position against the stored quotes (see the module docstring).

    Parameters
    ----------
    book : Book
        The book.
    as_of : str or date, optional
        Valuation time (default now, UTC); quotes up to the end of its day are used and days
        to expiry count from its date.
    rules : ExitRules, optional
        Exit rules (default: the book's, :func:`~tailkit.book.settings.get_exit_rules`).
    save : bool, default=False
        Store the marks (table ``marks``, one row per marked position) with a ``mark`` audit
        event, in one transaction.
    reason : str, default=""
        Free text for the audit log when saving.

    Returns
    -------
    BookMarks

    Examples
    --------
    >>> from tailkit.book.store import Book
    >>> mark_book(Book(":memory:")).totals.n_open
    0
    """
    mark_time, day, cutoff = _valuation(as_of)
    with book.read():
        legs = open_legs_with_quotes(book, cutoff)
        rules = rules if rules is not None else get_exit_rules(book)
        settings = get_settings(book)
        nav_d = latest_nav(book)
        realized_c, credits_c = book.conn.execute(
            "SELECT COALESCE(SUM(CASE WHEN status != 'open' THEN (entry_price_cents - exit_price_cents) "
            "* contracts * multiplier - commission_cents ELSE 0 END), 0), "
            "COALESCE(SUM((entry_price_cents - COALESCE(exit_price_cents, 0)) * contracts * multiplier), 0) "
            "FROM positions"
        ).fetchone()
    positions = _mark_legs(legs, day, rules, settings.risk_free_rate)
    nav = None if nav_d is None else float(nav_d)
    realized = int(realized_c) / 100.0
    marked = positions["marked"].to_numpy(dtype=bool) if len(positions) else np.zeros(0, bool)
    unreal_mid = float(np.nansum(positions["pnl_mid"].to_numpy(dtype=np.float64))) if len(positions) else 0.0
    unreal_exec = (
        float(np.nansum(positions["pnl_exec"].to_numpy(dtype=np.float64))) if len(positions) else 0.0
    )
    income = realized + unreal_mid
    open_risk = float(positions["max_loss"].sum()) if len(positions) else 0.0
    budget = None if nav is None else settings.loss_budget_fraction * settings.base_yield * nav
    used = None if not budget else max(0.0, -income) / budget
    risk_to_budget = None if not budget else open_risk / budget

    def agg(col: str) -> float:
        return float(np.nansum(positions[col].to_numpy(dtype=np.float64))) if len(positions) else 0.0

    totals = MarkTotals(
        nav=nav,
        n_open=len(positions),
        n_marked=int(marked.sum()),
        n_signals=int(positions["signal"].notna().sum()) if len(positions) else 0,
        realized_pnl=realized,
        unrealized_mid=unreal_mid,
        unrealized_exec=unreal_exec,
        income=income,
        credits_collected=int(credits_c) / 100.0,
        open_risk=open_risk,
        loss_budget=budget,
        loss_budget_used=used,
        open_risk_to_budget=risk_to_budget,
        delta=agg("delta"),
        gamma=agg("gamma"),
        theta=agg("theta"),
        vega=agg("vega"),
    )
    result = BookMarks(as_of=mark_time, valuation_date=day, positions=positions, totals=totals, rules=rules)
    if save:
        _save(book, result, reason)
    return result


def _mark_legs(legs: pd.DataFrame, day: date, rules: ExitRules, rate: float) -> pd.DataFrame:
    """Vectorised marking of the legs frame (sorted by position)."""
    if legs.empty:
        return _empty_positions()
    pid = legs["position_id"].to_numpy(dtype=np.int64)
    ids, first, inv = np.unique(pid, return_index=True, return_inverse=True)
    n = ids.size
    qty = legs["quantity"].to_numpy(dtype=np.float64)
    bid = legs["bid_cents"].to_numpy(dtype=np.float64) / 100.0
    ask = legs["ask_cents"].to_numpy(dtype=np.float64) / 100.0
    quoted = ~np.isnan(bid)
    expiry = pd.to_datetime(legs["expiry"]).to_numpy(dtype="datetime64[D]")
    dte_leg = (expiry - np.datetime64(day, "D")).astype(np.int64)
    mid = 0.5 * (bid + ask)
    exec_px = np.where(qty < 0, ask, bid)
    contracts = legs["contracts"].to_numpy(dtype=np.float64)
    mult = legs["multiplier"].to_numpy(dtype=np.float64)
    scale = qty * contracts * mult

    # Greeks of the quoted legs in one vectorised call
    g_delta = np.full(len(legs), np.nan)
    g_gamma = np.full(len(legs), np.nan)
    g_theta = np.full(len(legs), np.nan)
    g_vega = np.full(len(legs), np.nan)
    if quoted.any():
        kinds = legs["kind"].to_numpy(dtype=object)[quoted]
        spot = legs["underlying_cents"].to_numpy(dtype=np.float64)[quoted] / 100.0
        strike = legs["strike_cents"].to_numpy(dtype=np.float64)[quoted] / 100.0
        T = np.maximum(dte_leg[quoted], 0) / 365.0
        iv = legs["iv"].to_numpy(dtype=np.float64)[quoted]
        g = bs_greeks(kinds, spot, strike, T, rate, iv)
        g_delta[quoted] = np.asarray(g.delta)
        g_gamma[quoted] = np.asarray(g.gamma)
        g_theta[quoted] = np.asarray(g.theta) / 365.0
        g_vega[quoted] = np.asarray(g.vega) / 100.0

    def per_position(values: np.ndarray) -> np.ndarray:
        return np.bincount(inv, weights=values, minlength=n)

    all_quoted = per_position((~quoted).astype(np.float64)) == 0
    value_mid = -per_position(np.where(quoted, qty * mid, 0.0))
    value_exec = -per_position(np.where(quoted, qty * exec_px, 0.0))
    value_mid[~all_quoted] = np.nan
    value_exec[~all_quoted] = np.nan
    pos_contracts = contracts[first]
    pos_mult = mult[first]
    credit = legs["entry_price_cents"].to_numpy(dtype=np.float64)[first] / 100.0
    width = legs["width_cents"].to_numpy(dtype=np.float64)[first] / 100.0
    size = pos_contracts * pos_mult
    pnl_mid = (credit - value_mid) * size
    pnl_exec = (credit - value_exec) * size
    greeks = {}
    for name, arr in (("delta", g_delta), ("gamma", g_gamma), ("theta", g_theta), ("vega", g_vega)):
        total = per_position(np.where(quoted, scale * arr, 0.0))
        total[~all_quoted] = np.nan
        greeks[name] = total
    dte = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(dte, inv, dte_leg)
    qt = legs["quote_time"].to_numpy(dtype=object)
    und = legs["underlying_cents"].to_numpy(dtype=np.float64) / 100.0
    quote_time = [None] * n
    underlying = np.full(n, np.nan)
    for i, j in enumerate(first):  # first leg's quote (legs of a spread share a quote time)
        quote_time[i] = qt[j] if quoted[j] else None
        underlying[i] = und[j]
    signals: list[str | None] = [None] * n
    messages: list[str] = [""] * n
    for i in range(n):
        if not all_quoted[i]:
            messages[i] = "no quote for every leg: not marked"
            continue
        if credit[i] <= 0:
            continue
        sig = exit_signal(
            credit[i],
            max(value_mid[i], 0.0),
            int(dte[i]),
            rules,
            exit_cost=max(value_exec[i] - value_mid[i], 0.0),
        )
        if sig is not None:
            signals[i] = sig.reason
            messages[i] = sig.message
    return pd.DataFrame(
        {
            "position_id": ids,
            "strategy": legs["strategy"].to_numpy(dtype=object)[first],
            "contracts": pos_contracts.astype(np.int64),
            "credit": credit,
            "width": width,
            "expiry": legs["expiry"].to_numpy(dtype=object)[first],
            "dte": dte,
            "marked": all_quoted,
            "quote_time": quote_time,
            "underlying": underlying,
            "value_mid": value_mid,
            "value_exec": value_exec,
            "pnl_mid": pnl_mid,
            "pnl_exec": pnl_exec,
            "max_loss": (width - credit) * size,
            "delta": greeks["delta"],
            "gamma": greeks["gamma"],
            "theta": greeks["theta"],
            "vega": greeks["vega"],
            "signal": pd.Series(signals, dtype=object),
            "message": messages,
        },
        columns=list(_COLUMNS),
    )


def _none(x: Any) -> Any:
    if x is None:
        return None
    if isinstance(x, float) and math.isnan(x):
        return None
    return x


def _save(book: Book, marks: BookMarks, reason: str) -> None:
    p = marks.positions
    rows = [
        (
            int(r.position_id),
            marks.as_of,
            None if _none(r.underlying) is None else round(float(r.underlying) * 100),
            _none(float(r.value_mid)),
            _none(float(r.value_exec)),
            _none(float(r.pnl_mid)),
            _none(float(r.pnl_exec)),
            _none(float(r.delta)),
            _none(float(r.gamma)),
            _none(float(r.theta)),
            _none(float(r.vega)),
            int(r.dte),
            r.signal,
            r.message,
        )
        for r in p.itertuples(index=False)
        if r.marked
    ]
    with book.transaction() as conn:
        conn.executemany(
            "INSERT INTO marks (position_id, mark_time, underlying_cents, value_mid, value_exec, pnl_mid, pnl_exec, "
            "delta, gamma, theta, vega, dte, signal, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (position_id, mark_time) DO UPDATE SET underlying_cents = excluded.underlying_cents, "
            "value_mid = excluded.value_mid, value_exec = excluded.value_exec, pnl_mid = excluded.pnl_mid, "
            "pnl_exec = excluded.pnl_exec, delta = excluded.delta, gamma = excluded.gamma, theta = excluded.theta, "
            "vega = excluded.vega, dte = excluded.dte, signal = excluded.signal, message = excluded.message",
            rows,
        )
        t = marks.totals
        book.record(
            "mark",
            "book",
            reason=reason,
            payload={
                "as_of": marks.as_of,
                "n_marked": len(rows),
                "n_signals": t.n_signals,
                "unrealized_mid": round(t.unrealized_mid, 2),
                "signals": {str(int(r.position_id)): r.signal for r in p.itertuples(index=False) if r.signal},
            },
        )


def marks_history(book: Book) -> pd.DataFrame:
    """P&L over time from the saved marks: one row per mark time.

    Returns
    -------
    DataFrame of shape (n_times, 4)
        ``mark_time``, ``unrealized_mid`` (open positions marked then), ``realized`` (positions
        closed by then, after commissions) and ``total`` (their sum), dollars.
    """
    frame = book.frame(
        "SELECT m.mark_time, SUM(m.pnl_mid) AS unrealized_mid, "
        "(SELECT COALESCE(SUM((p.entry_price_cents - p.exit_price_cents) * p.contracts * p.multiplier "
        "  - p.commission_cents), 0) FROM positions p WHERE p.status != 'open' AND p.closed_at <= m.mark_time) "
        "  / 100.0 AS realized "
        "FROM marks m GROUP BY m.mark_time ORDER BY m.mark_time",
    )
    frame["total"] = frame["unrealized_mid"] + frame["realized"]
    return frame
