"""A plain-Python reference for the overlay's fills, marks and exits, written from the documents.

Nothing here calls tailkit's entry terms, pricing kernels or exit kernels: the entry fill, the
costs, the daily Black-Scholes marks and the exit rules are rewritten from their documented
definitions so that a bug in the shared code cannot hide in both the code and its reference.

* Fills and costs (:mod:`tailkit.overlay.fills`): with a chain, sell the short leg at its bid
  and buy the long leg at its ask; at model IV each leg is filled ``half_spread`` away from its
  Black-Scholes mid. Commission ``commission / multiplier`` per share per leg is paid on
  opening and on closing; closing before expiry also pays each leg's half-spread; settling
  at expiry is free.
* Marks (:mod:`tailkit.overlay.simulation`): each leg at Black-Scholes-Merton with
  ``iv = max(iv_leg + price_sensitivity * log(S_t / S_0), iv_floor)``, ``T = (n - t) / 252``;
  intrinsic on the expiry day ``t = n``.
* Exits (:mod:`tailkit.overlay.exits`): checked on days ``1..n-1``; loss limit
  (``mark >= loss_multiple * credit``) beats profit target
  (``max_profit - mark - exit_cost >= profit_target_pct * max_profit``) beats the DTE day
  (``n - dte_threshold``); otherwise settle at intrinsic on day ``n`` with no closing cost.

Black-Scholes-Merton with a continuous dividend yield (Hull, *Options, Futures, and Other
Derivatives*, the chapter on options on stock indices): ``c = S e^{-qT} N(d1) - K e^{-rT} N(d2)``,
``p = K e^{-rT} N(-d2) - S e^{-qT} N(-d1)``, ``d1 = (ln(S/K) + (r - q + s^2/2) T) / (s sqrt T)``,
``d2 = d1 - s sqrt T``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TRADING_DAYS = 252.0
PROFIT, LOSS, DTE, EXPIRY = 0, 1, 2, 3


def norm_cdf(x: float) -> float:
    """Standard normal CDF, ``N(x) = erfc(-x / sqrt 2) / 2``."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def bsm(kind: str, S: float, K: float, T: float, r: float, q: float, iv: float) -> float:
    """Black-Scholes-Merton price of one European option (Hull); intrinsic at ``T = 0``."""
    if T <= 0.0:
        return max(S - K, 0.0) if kind == "call" else max(K - S, 0.0)
    s = iv * math.sqrt(T)
    d1 = (math.log(S / K) + (r - q + 0.5 * iv * iv) * T) / s
    d2 = d1 - s
    if kind == "call":
        v = S * math.exp(-q * T) * norm_cdf(d1) - K * math.exp(-r * T) * norm_cdf(d2)
    else:
        v = K * math.exp(-r * T) * norm_cdf(-d2) - S * math.exp(-q * T) * norm_cdf(-d1)
    return max(v, 0.0)


@dataclass(frozen=True)
class Entry:
    """Own entry terms of one spread (per share)."""

    credit: float
    entry_cost: float  # commissions paid on opening (two legs)
    exit_cost: float  # half-spreads of both legs + commissions paid on closing (two legs)

    @property
    def max_profit(self) -> float:
        return self.credit - self.entry_cost


def entry_at_quotes(short_bid: float, long_ask: float, short_half: float, long_half: float,
                    commission: float, multiplier: int) -> Entry:  # fmt: skip
    """Chain entry: sell the short leg at its bid, buy the long leg at its ask."""
    per_leg = commission / multiplier
    return Entry(short_bid - long_ask, 2.0 * per_leg, short_half + long_half + 2.0 * per_leg)


def entry_at_model(mid_short: float, mid_long: float, short_half: float, long_half: float,
                   commission: float, multiplier: int) -> Entry:  # fmt: skip
    """Model-IV entry: each leg filled its half-spread away from its Black-Scholes mid."""
    per_leg = commission / multiplier
    credit = (mid_short - short_half) - (mid_long + long_half)
    return Entry(credit, 2.0 * per_leg, short_half + long_half + 2.0 * per_leg)


def marks(rel: np.ndarray, kind: str, spot: float, k_short: float, k_long: float, iv_short: float,
          iv_long: float, sensitivity: float, floor: float, r: float, q: float) -> np.ndarray:  # fmt: skip
    """Daily spread marks, shape ``rel.shape``; ``rel[p, t] = log(S_t / S_0)`` on path ``p``."""
    n_paths, m = rel.shape
    n = m - 1
    out = np.empty((n_paths, m))
    for p in range(n_paths):
        for t in range(m):
            S = spot * math.exp(rel[p, t])
            T = (n - t) / TRADING_DAYS
            vs = max(iv_short + sensitivity * rel[p, t], floor)
            vl = max(iv_long + sensitivity * rel[p, t], floor)
            out[p, t] = bsm(kind, S, k_short, T, r, q, vs) - bsm(kind, S, k_long, T, r, q, vl)
    return out


def exits(values: np.ndarray, entry: Entry, profit_target_pct: float, loss_multiple: float,
          dte_threshold: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Per-path ``(pnl, exit_day, reason)`` by walking each path day by day."""
    n_paths, m = values.shape
    n = m - 1
    dte_day = n - dte_threshold if dte_threshold > 0 else n
    pnl = np.empty(n_paths)
    day = np.empty(n_paths, dtype=np.int64)
    reason = np.empty(n_paths, dtype=np.int64)
    for p in range(n_paths):
        for t in range(1, n + 1):
            v = float(values[p, t])
            close_pnl = entry.max_profit - v - entry.exit_cost  # buy back at mark, pay the costs
            if t == n:  # settle at intrinsic, free
                pnl[p], day[p], reason[p] = entry.max_profit - v, t, EXPIRY
                break
            if v >= loss_multiple * entry.credit:
                pnl[p], day[p], reason[p] = close_pnl, t, LOSS
                break
            if close_pnl >= profit_target_pct * entry.max_profit:
                pnl[p], day[p], reason[p] = close_pnl, t, PROFIT
                break
            if t == dte_day:
                pnl[p], day[p], reason[p] = close_pnl, t, DTE
                break
    return pnl, day, reason
