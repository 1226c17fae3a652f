"""Numba kernels of the risk engine: arrays in, arrays out, no pandas, no I/O.

Each kernel is a plain-Python function ``foo_python`` with its jitted twin ``foo``;
``tests/risk/test_kernels.py`` checks that both agree. The tail selection and the VaR/ES of
one level are the base module :mod:`tailkit._tail` (one convention for the whole package).
"""

from __future__ import annotations

import math

import numpy as np

from tailkit._numba import jit, prange
from tailkit._tail import select_descending, tail_stats
from tailkit.pricing._kernels import black_core, bs_price_scalar


def historical_var_es_python(returns, weights, m, frac, var_out, es_out, marg_var_out, marg_es_out):
    """Historical VaR/ES with component VaR/ES for a linear book.

    Parameters
    ----------
    returns : (n_scenarios, n_positions) C-contiguous float64, scenario returns.
    weights : (n_positions,) float64, position values (currency).
    m, frac : (n_levels,) int64 and float64, tail sizes ``n * (1 - confidence)`` split
        into integer and fractional parts (:func:`tailkit._tail.tail_split`).
    var_out, es_out : (n_levels,) outputs, losses as positive numbers.
    marg_var_out, marg_es_out : (n_levels, n_positions) outputs, marginal VaR/ES per unit
        of position value (VaR: minus each position's return in the VaR scenario; ES: minus
        each position's mean return over the tail scenarios). Times ``weights`` they are
        the Euler components, which sum to VaR and ES.

    Returns
    -------
    bool
        False if the portfolio P&L has a non-finite value (outputs then undefined).
    """
    n = returns.shape[0]
    p = returns.shape[1]
    pnl = np.dot(returns, weights)
    losses = np.empty(n)
    for i in range(n):
        v = pnl[i]
        if not math.isfinite(v):
            return False
        losses[i] = -v
    idx = np.arange(n)
    m_max = 0
    for lev in range(m.shape[0]):
        m_max = max(m_max, m[lev])
    select_descending(losses, idx, 0, n - 1, m_max)
    acc = np.empty(p)
    for lev in range(m.shape[0]):
        mm = m[lev]
        fr = frac[lev]
        var, es, srow = tail_stats(losses, idx, m_max, mm, fr)
        var_out[lev] = var
        es_out[lev] = es
        for j in range(p):
            acc[j] = 0.0
        for i in range(mm):
            row = idx[i]
            for j in range(p):
                acc[j] += returns[row, j]
        if fr > 0.0:
            row = idx[mm]
            for j in range(p):
                acc[j] += fr * returns[row, j]
        denom = mm + fr
        for j in range(p):
            marg_es_out[lev, j] = -acc[j] / denom
            marg_var_out[lev, j] = -returns[srow, j]
    return True


historical_var_es = jit(historical_var_es_python)


def rolling_var_python(losses, window, m, frac, out):
    """Historical VaR of every trailing window of ``losses`` (n,), by integer order statistic.

    ``out[t]`` is the VaR (:func:`tailkit._tail.tail_stats`: the ``ceil(m + frac)``-th largest
    loss) of ``losses[t - window + 1:t + 1]``; NaN for ``t < window - 1`` and for windows
    holding a non-finite loss. One work buffer, one quickselect per window.
    """
    n = losses.shape[0]
    work = np.empty(window)
    for t in range(n):
        out[t] = np.nan
    for t in range(window - 1, n):
        ok = True
        for i in range(window):
            v = losses[t - window + 1 + i]
            if not math.isfinite(v):
                ok = False
                break
            work[i] = v
        if ok:
            select_descending(work, None, 0, window - 1, m)
            out[t] = tail_stats(work, None, m, m, frac)[0]
    return out


rolling_var = jit(rolling_var_python)


def revalue_options_python(
    spot0,
    spot_returns,
    vol_shifts,
    underlying,
    strikes,
    expiries,
    vols,
    rates,
    dividends,
    signs,
    quantities,
    horizon,
    out,
):
    """Full Black-Scholes revaluation of an options book in every scenario.

    ``out[s, o] = quantities[o] * (V_o(scenario s) - V_o(today))`` where the scenario moves
    the underlying's spot by the simple return ``spot_returns[s, u]``, its implied vols by
    ``vol_shifts[s, u]`` (absolute, floored at 1e-4) and time forward by ``horizon`` years.
    Loops over scenarios in parallel.
    """
    n_scen = spot_returns.shape[0]
    n_opt = strikes.shape[0]
    base = np.empty(n_opt)
    tau = np.empty(n_opt)
    lnk = np.empty(n_opt)
    sqt = np.empty(n_opt)
    drift = np.empty(n_opt)
    dfr = np.empty(n_opt)
    dfq = np.empty(n_opt)
    for o in range(n_opt):
        u = underlying[o]
        base[o] = bs_price_scalar(
            signs[o], spot0[u], strikes[o], expiries[o], rates[o], dividends[o], vols[o]
        )
        t = expiries[o] - horizon
        tau[o] = t
        lnk[o] = math.log(strikes[o])
        sqt[o] = math.sqrt(max(t, 0.0))
        drift[o] = (rates[o] - dividends[o]) * max(t, 0.0)
        dfr[o] = math.exp(-rates[o] * max(t, 0.0))
        dfq[o] = math.exp(-dividends[o] * max(t, 0.0))
    n_und = spot0.shape[0]
    spot = np.empty((n_scen, n_und))
    lns = np.empty((n_scen, n_und))
    for s in prange(n_scen):
        for u in range(n_und):
            x = spot0[u] * (1.0 + spot_returns[s, u])
            spot[s, u] = x
            lns[s, u] = math.log(x) if x > 0.0 else -np.inf
    for s in prange(n_scen):
        for o in range(n_opt):
            u = underlying[o]
            x = spot[s, u]
            sign = signs[o]
            if tau[o] <= 0.0 or x <= 0.0:
                value = max(sign * (x - strikes[o]), 0.0)
            else:
                vol = vols[o] + vol_shifts[s, u]
                if vol < 1e-4:
                    vol = 1e-4
                # the pricing package's one Black formula: x = ln(F/K) = ln S - ln K + (r - q) tau
                value = black_core(
                    sign, x * dfq[o], strikes[o] * dfr[o], lns[s, u] - lnk[o] + drift[o], vol * sqt[o]
                )[0]
            out[s, o] = quantities[o] * (value - base[o])


revalue_options = jit(revalue_options_python, parallel=True)


def drawdown_exposure_python(returns, threshold, rerisk_drawdown, rerisk_rebound, low, high, out):
    """Drawdown-protection rule, causal: ``out[t]`` uses returns up to ``t - 1`` only.

    Exposure starts at ``high``; it drops to ``low`` once the drawdown of the input NAV from
    its running peak reaches ``threshold``, and returns to ``high`` once the drawdown is back
    to ``rerisk_drawdown`` or less, or the NAV has risen ``rerisk_rebound`` above its trough
    since de-risking (``rerisk_rebound <= 0`` disables that trigger). NaN returns count as 0.
    """
    n = returns.shape[0]
    nav = 1.0
    peak = 1.0
    trough = 1.0
    derisked = False
    for t in range(n):
        out[t] = low if derisked else high
        r = returns[t]
        if math.isfinite(r):
            nav *= 1.0 + r
        if nav > peak:
            peak = nav
        dd = 1.0 - nav / peak
        if derisked:
            if nav < trough:
                trough = nav
            if dd <= rerisk_drawdown or (rerisk_rebound > 0.0 and nav / trough - 1.0 >= rerisk_rebound):
                derisked = False
        elif dd >= threshold:
            derisked = True
            trough = nav
    return out


drawdown_exposure = jit(drawdown_exposure_python)
