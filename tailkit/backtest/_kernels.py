"""Numba kernels of tailkit.backtest (plain twins ``*_python``; jitted twins bound from them).

``simulate_python`` is the engine: cash and share positions marked at every close, orders
at the close of the execution bar in ascending order of value (sells before buys),
commission on traded notional paid from cash. ``inverse_vol_weights_python`` gives the weights of the static convention.
"""

from __future__ import annotations

import math

import numpy as np

from tailkit._numba import jit

__all__ = [
    "simulate",
    "simulate_python",
    "inverse_vol_weights",
    "inverse_vol_weights_python",
    "simulate_inverse_vol_sweep",
    "simulate_inverse_vol_sweep_python",
]


def _fill_python(
    t,
    close,
    last,
    target,
    gross,
    cash0,
    pos,
    commission,
    slippage,
    impact,
    whole,
    no_leverage,
    trades,
    fees,
    out,
):
    # One rebalance at the close of bar t to ``target * gross`` of the portfolio value at
    # that close (assets without a price that bar valued at their last price and not
    # traded); ``pos`` is updated in place; returns the cash after the trades.
    n = close.shape[1]
    value = cash0
    for j in range(n):
        if pos[j] != 0.0:
            value += pos[j] * last[j]
    cash = cash0
    if not value > 0.0:
        return cash
    delta = out
    for j in range(n):
        w = target[j]
        if math.isnan(w) or not close[t, j] > 0.0:
            delta[j] = 0.0
            continue
        d = w * gross * value / close[t, j] - pos[j]
        if whole:
            d = float(math.trunc(d))
        delta[j] = d
    # orders in ascending order of their value at the close: the largest sell first, the
    # largest buy last, ties in column order (vectorbt's call_seq="auto"); sells free the
    # cash the buys use, and without leverage only the last buys can be filled partly
    value_of = np.empty(n)
    for j in range(n):
        value_of[j] = delta[j] * close[t, j] if delta[j] != 0.0 else 0.0
    order = np.argsort(value_of, kind="mergesort")
    for k in range(n):
        j = order[k]
        d = delta[j]
        if d == 0.0:
            continue
        sign = 1.0 if d > 0.0 else -1.0
        price = close[t, j]
        if slippage > 0.0 or impact > 0.0:
            price = price * (1.0 + sign * (slippage + impact * abs(d) * close[t, j] / value))
        if d > 0.0 and no_leverage:
            cost = d * price * (1.0 + commission)
            if cost > cash:
                # partial fill: spend what cash there is (never below zero)
                d = max(cash, 0.0) / (price * (1.0 + commission))
                if whole:
                    d = float(math.floor(d))
                if d <= 0.0:
                    continue
        notional = d * price
        fee = commission * abs(notional)
        cash -= notional + fee
        pos[j] += d
        trades[t, j] += d
        fees[t] += fee
    return cash


_fill = jit(_fill_python)


def _drift_python(last, target, gross, cash, pos):
    # largest |current weight - gross * target weight| at the last prices
    n = last.shape[0]
    value = cash
    for j in range(n):
        if pos[j] != 0.0:
            value += pos[j] * last[j]
    worst = 0.0
    for j in range(n):
        w = target[j]
        if math.isnan(w):
            continue
        cur = pos[j] * last[j] / value if value > 0.0 else 0.0
        d = abs(cur - gross * w)
        if d > worst:
            worst = d
    return worst


_drift = jit(_drift_python)


def simulate_python(
    close, target, decide, delay, band, cash0, gross, commission, slippage, impact, whole, no_leverage
):
    # close: (T, n) closes (NaN or <= 0: not tradable that bar, marked at the last price)
    # target: (T, n) target weights decided at bar t (rows read only where decide[t])
    # decide: (T,) bool decision bars; a decision at t trades at the close of t + delay
    # band: < 0 trade at every decision; >= 0 only when the drift from target exceeds it
    # returns equity (T,), cash (T,), positions (T, n), trades (T, n), fees (T,), executed (T,) row
    t_n, n = close.shape
    equity = np.empty(t_n)
    cash_out = np.empty(t_n)
    positions = np.empty((t_n, n))
    trades = np.zeros((t_n, n))
    fees = np.zeros(t_n)
    executed = np.full(t_n, -1, dtype=np.int64)
    pos = np.zeros(n)
    last = np.zeros(n)
    work = np.empty(n)
    cash = cash0
    for t in range(t_n):
        for j in range(n):
            if close[t, j] > 0.0:
                last[j] = close[t, j]
        if decide[t] and t + delay < t_n:
            if band < 0.0 or _drift(last, target[t], gross, cash, pos) > band:
                executed[t + delay] = t
        row = executed[t]
        if row >= 0:
            cash = _fill(
                t, close, last, target[row], gross, cash, pos, commission, slippage, impact, whole, no_leverage,
                trades, fees, work,
            )  # fmt: skip
        value = cash
        for j in range(n):
            if pos[j] != 0.0:
                value += pos[j] * last[j]
            positions[t, j] = pos[j]
        equity[t] = value
        cash_out[t] = cash
    return equity, cash_out, positions, trades, fees, executed


# the plain twin calls the jitted scalar helper ``_fill`` (numba needs it jitted); the twins
# differ in the outer loop, which the tests compare
simulate = jit(simulate_python)


def inverse_vol_weights_python(close, lookback, rows, out):
    # out[t] = (1/sd_j) / sum(1/sd) with sd_j the sample stdev (ddof=1) of the last
    # ``lookback`` daily log returns ending at bar t, for the bars where rows[t] is set;
    # NaN rows elsewhere and before bar ``lookback``
    # (each bar's log return is computed once, on the bars some window needs)
    t_n, n = close.shape
    need = np.zeros(t_n, dtype=np.bool_)
    for t in range(lookback, t_n):
        if rows[t]:
            for k in range(t - lookback + 1, t + 1):
                need[k] = True
    lr = np.empty((t_n, n))
    for t in range(1, t_n):
        if need[t]:
            for j in range(n):
                lr[t, j] = math.log(close[t, j] / close[t - 1, j])
    for t in range(t_n):
        if t < lookback or not rows[t]:
            for j in range(n):
                out[t, j] = np.nan
            continue
        total = 0.0
        for j in range(n):
            s = 0.0
            for k in range(t - lookback + 1, t + 1):
                s += lr[k, j]
            mean = s / lookback
            ss = 0.0
            for k in range(t - lookback + 1, t + 1):
                dev = lr[k, j] - mean
                ss += dev * dev
            sd = math.sqrt(ss / (lookback - 1))
            inv = 1.0 / sd if sd > 0.0 else 0.0
            out[t, j] = inv
            total += inv
        for j in range(n):
            out[t, j] = out[t, j] / total if total > 0.0 else 1.0 / n
    return out


inverse_vol_weights = jit(inverse_vol_weights_python)


def simulate_inverse_vol_sweep_python(close, lookbacks, every, grosses, cash0, commission):
    # One monthly-style static run per parameter set (lookback L, period F, gross g):
    # rebalance every F bars from bar L on; returns the final equity of each set, shape (m,)
    t_n, n = close.shape
    m = lookbacks.shape[0]
    final = np.empty(m)
    for i in range(m):
        lb = lookbacks[i]
        execute = np.zeros(t_n, dtype=np.bool_)
        for t in range(lb, t_n, every[i]):
            execute[t] = True
        w = np.empty((t_n, n))
        inverse_vol_weights(close, lb, execute, w)
        eq, _, _, _, _, _ = simulate(
            close, w, execute, 0, -1.0, cash0, grosses[i], commission, 0.0, 0.0, False, True
        )
        final[i] = eq[t_n - 1]
    return final


simulate_inverse_vol_sweep = jit(simulate_inverse_vol_sweep_python)
