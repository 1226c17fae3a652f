"""Numba kernels of tailkit.portfolio (plain twins ``*_python``; jitted twins bound from them)."""

from __future__ import annotations

import numpy as np

from tailkit._numba import jit

__all__ = ["risk_budget_ccd", "risk_budget_ccd_python", "rebalance_path", "rebalance_path_python"]


def risk_budget_ccd_python(cov, budgets, tol, max_iter):
    # Cyclical coordinate descent of Griveau-Billion, Richard & Roncalli (2013) on the
    # Spinu (2013) convex program  min ½ yᵀΣy - Σ b_i log y_i,  y > 0;  w = y / Σy.
    n = cov.shape[0]
    y = np.empty(n)
    for i in range(n):
        y[i] = 1.0 / np.sqrt(cov[i, i])
    m = cov @ y
    it = 0
    for sweep in range(1, max_iter + 1):
        it = sweep
        change = 0.0
        for i in range(n):
            sii = cov[i, i]
            other = m[i] - sii * y[i]
            new = (-other + np.sqrt(other * other + 4.0 * sii * budgets[i])) / (2.0 * sii)
            delta = new - y[i]
            if delta != 0.0:
                for j in range(n):
                    m[j] += cov[j, i] * delta
                y[i] = new
                rel = abs(delta) / new
                if rel > change:
                    change = rel
        if change < tol:
            break
    return y / y.sum(), it


risk_budget_ccd = jit(risk_budget_ccd_python)


def rebalance_path_python(growth, target, band, calendar, cost):
    # growth: (T, n) gross returns of each period; weights drift, trades happen at the end of
    # a period when calendar[t] is set or when any |w - target| > band (band < 0: never).
    t_n, n = growth.shape
    weights = np.empty((t_n + 1, n))
    nav = np.empty(t_n + 1)
    trades = np.zeros((t_n + 1, n))
    costs = np.zeros(t_n + 1)
    w = target.copy()
    nav[0] = 1.0
    weights[0] = w
    cash_t = 1.0 - target.sum()
    for t in range(t_n):
        port = cash_t
        for j in range(n):
            port += w[j] * growth[t, j]
        for j in range(n):
            w[j] = w[j] * growth[t, j] / port
        cash_now = cash_t / port
        nav[t + 1] = nav[t] * port
        drift = 0.0
        for j in range(n):
            d = abs(w[j] - target[j])
            if d > drift:
                drift = d
        if calendar[t] or (band >= 0.0 and drift > band):
            c = 0.0
            for j in range(n):
                trades[t + 1, j] = target[j] - w[j]
                c += cost[j] * abs(target[j] - w[j])
            costs[t + 1] = c
            nav[t + 1] *= 1.0 - c
            for j in range(n):
                w[j] = target[j]
            cash_now = cash_t
        cash_t_next = cash_now
        cash_t = cash_t_next
        weights[t + 1] = w
    return weights, nav, trades, costs


rebalance_path = jit(rebalance_path_python)
