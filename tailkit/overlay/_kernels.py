"""Overlay kernels: plain-Python functions and their jitted twins.

The fast path of exit optimization is two parallel kernels:

1. :func:`mark_spread_paths` (parallel over paths) simulates the 20y/30y yields with the exact
   Vasicek transition from shocks drawn by the caller, maps them to TLT through the
   regression (plus an AR(1) residual when ``eps`` has columns), marks the spread with
   Black-Scholes every day at the vol model's IV, and records in the same pass, per path, the
   first day the mark crosses each distinct profit level and each distinct loss level, and
   the first day the short leg is deep in the money (time value below a level).
2. :func:`evaluate_combos` (parallel over exit-rule combinations) takes, per path, the
   minimum of the combination's crossing days and its DTE day, reads the mark there and
   accumulates every statistic; CVaR uses :func:`select_kth` (Wirth's selection; numba's
   ``np.partition`` takes ~12 s to compile).

Conventions: days ``t = 0..n_steps`` (trading days, ``t = n_steps`` is expiry, marked at
intrinsic); ``never = n_steps + 1`` for a threshold never crossed; rules are checked on days
``1..n_steps-1``. Reason codes: 0 profit target, 1 loss limit, 2 DTE threshold, 3 expiration;
ties on a day resolve loss > profit > DTE. P&L per share: ``max_profit - mark - exit_cost``
before expiry and ``max_profit - intrinsic`` at expiry.
"""

from __future__ import annotations

import math

import numpy as np

from tailkit._numba import jit, prange
from tailkit.pricing._kernels import norm_cdf

# statistics columns written by evaluate_combos
S_MEAN, S_STD, S_POP, S_CVAR, S_PF, S_WL, S_SORTINO, S_KELLY, S_DAYS, S_ASSIGN, S_AVG_WIN, S_AVG_LOSS = range(
    12
)
N_STATS = 12


# --------------------------------------------------------------------------- scalar helpers


def leg_price_python(sign: float, S: float, x: float, K: float, lnK: float, sq: float, drift: float,
                     dfr: float, dfq: float) -> float:  # fmt: skip
    # Black-Scholes-Merton with precomputed per-day factors: x = log S, sq = iv * sqrt(T),
    # drift = (r - q) T, dfr = exp(-r T), dfq = exp(-q T).
    d1 = (x - lnK + drift) / sq + 0.5 * sq
    d2 = d1 - sq
    v = sign * (S * dfq * norm_cdf(sign * d1) - K * dfr * norm_cdf(sign * d2))
    return max(v, 0.0)


leg_price = jit(leg_price_python)


def select_kth_python(a: np.ndarray, k: int) -> float:
    # Wirth's selection: reorders a in place so that a[:k] <= a[k] <= a[k+1:]; returns a[k]
    # (k is 0-based). Equal keys are swapped, so many ties stay O(n).
    lo = 0
    hi = a.shape[0] - 1
    while lo < hi:
        x = a[k]
        i = lo
        j = hi
        while True:
            while a[i] < x:
                i += 1
            while x < a[j]:
                j -= 1
            if i <= j:
                t = a[i]
                a[i] = a[j]
                a[j] = t
                i += 1
                j -= 1
            if i > j:
                break
        if j < k:
            lo = i
        if k < i:
            hi = j
    return a[k]


select_kth = jit(select_kth_python)


def tail_mean_python(a: np.ndarray, k: int) -> float:
    # mean of the k smallest values of a (reorders a in place)
    n = a.shape[0]
    if k >= n:
        s = 0.0
        for i in range(n):
            s += a[i]
        return s / n
    select_kth(a, k - 1)
    s = 0.0
    for i in range(k):
        s += a[i]
    return s / k


tail_mean = jit(tail_mean_python)


# --------------------------------------------------------------------------- paths


def tlt_paths_python(
    z, eps, n_steps, y0, theta, decay, chol, reg, u0, phi, resid_sd, spot0, yields_out, spot_out
):  # type: ignore[no-untyped-def]
    # Yields by the exact Vasicek step y' = theta + (y - theta) decay + chol @ z; TLT by
    # log S = alpha + beta ybar + gamma ybar^2 + u, u' = phi u + resid_sd eps (u = u0 phi^t
    # without eps), rescaled so that S_0 = spot0.
    n_paths = z.shape[0]
    noise = eps.shape[1] > 0
    fit0 = reg[0] + reg[1] * (0.5 * (y0[0] + y0[1])) + reg[2] * (0.5 * (y0[0] + y0[1])) ** 2 + u0
    for p in prange(n_paths):
        y_a = y0[0]
        y_b = y0[1]
        u = u0
        yields_out[p, 0, 0] = y_a
        yields_out[p, 0, 1] = y_b
        spot_out[p, 0] = spot0
        for t in range(n_steps):
            za = z[p, t, 0]
            zb = z[p, t, 1]
            y_a = theta[0] + (y_a - theta[0]) * decay[0] + chol[0, 0] * za
            y_b = theta[1] + (y_b - theta[1]) * decay[1] + (chol[1, 0] * za + chol[1, 1] * zb)
            if noise:
                u = phi * u + resid_sd * eps[p, t]
            else:
                u = phi * u
            ybar = 0.5 * (y_a + y_b)
            yields_out[p, t + 1, 0] = y_a
            yields_out[p, t + 1, 1] = y_b
            spot_out[p, t + 1] = spot0 * math.exp(reg[0] + reg[1] * ybar + reg[2] * ybar * ybar + u - fit0)


tlt_paths = jit(tlt_paths_python, parallel=True)


def mark_spread_paths_python(z, eps, n_steps, y0, theta, decay, chol, reg, u0, phi, resid_sd, spot0,  # type: ignore[no-untyped-def]
                             legs, day, profit_levels, loss_levels, dte_days, tv_level, last_day,
                             values_out, first_profit_out, profit_value_out, first_loss_out, loss_value_out,
                             dte_value_out, first_deep_out):  # fmt: skip
    # legs = [sign, K_short, K_long, iv_short, iv_long, iv_sensitivity, iv_floor]
    # day[:, t] = [sqrt(T_t), (r - q) T_t, exp(-r T_t), exp(-q T_t)] with T_t = (n_steps - t) dt
    # values_out[p, t]: spread mark (short leg minus long leg), intrinsic at t = n_steps.
    # Crossing outputs are level-major, shape (n_levels, n_paths), so that evaluating one
    # combination streams through contiguous rows: first_*_out = first day at or beyond the
    # level (never = n_steps + 1), *_value_out = the mark that day; dte_value_out[k, p] = the
    # mark on day dte_days[k]. Marking stops after day last_day (no exit rule can be open
    # later) and as soon as every profit level or every loss level has been crossed (every
    # combination has exited by then); marks of the days not priced are NaN.
    n_paths = z.shape[0]
    n_p = profit_levels.shape[0]
    n_l = loss_levels.shape[0]
    n_d = dte_days.shape[0]
    never = n_steps + 1
    noise = eps.shape[1] > 0
    sign = legs[0]
    ks = legs[1]
    kl = legs[2]
    lnks = math.log(ks)
    lnkl = math.log(kl)
    ivs = legs[3]
    ivl = legs[4]
    sens = legs[5]
    floor = legs[6]
    ln_spot0 = math.log(spot0)
    ybar0 = 0.5 * (y0[0] + y0[1])
    fit0 = reg[0] + reg[1] * ybar0 + reg[2] * ybar0 * ybar0 + u0
    for p in prange(n_paths):
        for i in range(n_p):
            first_profit_out[i, p] = never
            profit_value_out[i, p] = math.nan
        for i in range(n_l):
            first_loss_out[i, p] = never
            loss_value_out[i, p] = math.nan
        for k in range(n_d):
            dte_value_out[k, p] = math.nan
        first_deep_out[p] = never
        y_a = y0[0]
        y_b = y0[1]
        u = u0
        rel = 0.0
        n_p_left = n_p
        n_l_left = n_l
        stop = n_steps + 1
        for t in range(n_steps + 1):
            if t > last_day or n_p_left == 0 or n_l_left == 0:
                stop = t
                break
            if t > 0:
                za = z[p, t - 1, 0]
                zb = z[p, t - 1, 1]
                y_a = theta[0] + (y_a - theta[0]) * decay[0] + chol[0, 0] * za
                y_b = theta[1] + (y_b - theta[1]) * decay[1] + (chol[1, 0] * za + chol[1, 1] * zb)
                if noise:
                    u = phi * u + resid_sd * eps[p, t - 1]
                else:
                    u = phi * u
                ybar = 0.5 * (y_a + y_b)
                rel = reg[0] + reg[1] * ybar + reg[2] * ybar * ybar + u - fit0
            S = spot0 * math.exp(rel)
            if t == n_steps:
                v = max(sign * (S - ks), 0.0) - max(sign * (S - kl), 0.0)
                values_out[p, t] = v
                for k in range(n_d):
                    if dte_days[k] == t:
                        dte_value_out[k, p] = v
                break
            x = ln_spot0 + rel
            sq = day[0, t]
            vol_s = max(ivs + sens * rel, floor)
            vol_l = max(ivl + sens * rel, floor)
            ps = leg_price(sign, S, x, ks, lnks, vol_s * sq, day[1, t], day[2, t], day[3, t])
            pl = leg_price(sign, S, x, kl, lnkl, vol_l * sq, day[1, t], day[2, t], day[3, t])
            v = ps - pl
            values_out[p, t] = v
            if t == 0:
                continue
            for k in range(n_d):
                if dte_days[k] == t:
                    dte_value_out[k, p] = v
            for i in range(n_p):
                if first_profit_out[i, p] == never and v <= profit_levels[i]:
                    first_profit_out[i, p] = t
                    profit_value_out[i, p] = v
                    n_p_left -= 1
            for i in range(n_l):
                if first_loss_out[i, p] == never and v >= loss_levels[i]:
                    first_loss_out[i, p] = t
                    loss_value_out[i, p] = v
                    n_l_left -= 1
            if first_deep_out[p] == never:
                intrinsic = sign * (S - ks)
                if intrinsic > 0.0 and ps - intrinsic <= tv_level:
                    first_deep_out[p] = t
        for t in range(stop, n_steps + 1):
            values_out[p, t] = math.nan


mark_spread_paths = jit(mark_spread_paths_python, parallel=True)


# --------------------------------------------------------------------------- combinations


def combo_exits_python(first_profit, profit_value, first_loss, loss_value, dte_value, ip, il, kd, dte_day, n_steps,  # type: ignore[no-untyped-def]
                       max_profit, exit_cost, pnl_out, day_out, reason_out):  # fmt: skip
    # Per-path exit day, reason and P&L of one combination: profit level ip, loss level il,
    # DTE column kd whose exit day is dte_day (n_steps when the DTE rule is off).
    n_paths = first_profit.shape[1]
    for p in range(n_paths):
        d = dte_day
        v = dte_value[kd, p]
        r = 2 if dte_day < n_steps else 3
        fp = first_profit[ip, p]
        fl = first_loss[il, p]
        if fl <= d and fl <= fp:
            d = fl
            v = loss_value[il, p]
            r = 1
        elif fp <= d:
            d = fp
            v = profit_value[ip, p]
            r = 0
        if d < n_steps:
            pnl_out[p] = max_profit - v - exit_cost
        else:
            pnl_out[p] = max_profit - v
        day_out[p] = d
        reason_out[p] = r


combo_exits = jit(combo_exits_python)


def combo_statistics_python(first_profit, profit_value, first_loss, loss_value, dte_value, first_deep,  # type: ignore[no-untyped-def]
                            ip, il, kd, dte_day, n_steps, max_profit, exit_cost, cvar_k, pnl, stats_out,
                            reason_counts_out):  # fmt: skip
    # Every statistic of one combination in one pass over the paths (same exits as
    # combo_exits; pnl is a work buffer of shape (n_paths,), reordered by the CVaR selection).
    n = first_profit.shape[1]
    total = 0.0
    wins = 0
    losses = 0
    win_sum = 0.0
    loss_sum = 0.0
    down_sq = 0.0
    day_sum = 0
    assigned = 0
    c0 = 0
    c1 = 0
    c2 = 0
    c3 = 0
    for p in range(n):
        d = dte_day
        v = dte_value[kd, p]
        fp = first_profit[ip, p]
        fl = first_loss[il, p]
        if fl <= d and fl <= fp:
            d = fl
            v = loss_value[il, p]
            c1 += 1
        elif fp <= d:
            d = fp
            v = profit_value[ip, p]
            c0 += 1
        elif d < n_steps:
            c2 += 1
        else:
            c3 += 1
        if d < n_steps:
            v = max_profit - v - exit_cost
        else:
            v = max_profit - v
        pnl[p] = v
        total += v
        if v > 0.0:
            wins += 1
            win_sum += v
        elif v < 0.0:
            losses += 1
            loss_sum += v
            down_sq += v * v
        day_sum += d
        if first_deep[p] <= d:
            assigned += 1
    reason_counts_out[0] = c0
    reason_counts_out[1] = c1
    reason_counts_out[2] = c2
    reason_counts_out[3] = c3
    mean = total / n
    dev = 0.0
    for p in range(n):
        e = pnl[p] - mean
        dev += e * e
    std = math.sqrt(dev / (n - 1)) if n > 1 else 0.0
    pop = wins / n
    q = 1.0 - pop
    avg_win = win_sum / wins if wins > 0 else 0.0
    avg_loss = -loss_sum / losses if losses > 0 else 0.0
    if losses == 0:
        pf = math.inf if wins > 0 else math.nan
        wl = math.inf if wins > 0 else math.nan
        kelly = pop if wins > 0 else math.nan
    elif wins == 0:
        pf = 0.0
        wl = 0.0
        kelly = -math.inf
    else:
        pf = win_sum / -loss_sum
        wl = avg_win / avg_loss
        kelly = (pop * wl - q) / wl
    downside = math.sqrt(down_sq / n)
    if downside > 0.0:
        sortino = mean / downside
    else:
        sortino = math.inf if mean > 0.0 else math.nan
    stats_out[S_MEAN] = mean
    stats_out[S_STD] = std
    stats_out[S_POP] = pop
    stats_out[S_CVAR] = tail_mean(pnl, cvar_k)
    stats_out[S_PF] = pf
    stats_out[S_WL] = wl
    stats_out[S_SORTINO] = sortino
    stats_out[S_KELLY] = kelly
    stats_out[S_DAYS] = day_sum / n
    stats_out[S_ASSIGN] = assigned / n
    stats_out[S_AVG_WIN] = avg_win
    stats_out[S_AVG_LOSS] = avg_loss


combo_statistics = jit(combo_statistics_python)


def evaluate_combos_python(first_profit, profit_value, first_loss, loss_value, dte_value, first_deep,  # type: ignore[no-untyped-def]
                           combos, dte_days, n_steps, max_profit, exit_cost, cvar_k, stats_out, reasons_out):  # fmt: skip
    # Statistics of every combination c = combos[c] = (profit level, loss level, DTE column).
    n_paths = first_profit.shape[1]
    for c in prange(combos.shape[0]):
        pnl = np.empty(n_paths)
        kd = combos[c, 2]
        combo_statistics(first_profit, profit_value, first_loss, loss_value, dte_value, first_deep,
                         combos[c, 0], combos[c, 1], kd, dte_days[kd], n_steps, max_profit, exit_cost, cvar_k,
                         pnl, stats_out[c], reasons_out[c])  # fmt: skip


evaluate_combos = jit(evaluate_combos_python, parallel=True)


def paired_differences_python(first_profit, profit_value, first_loss, loss_value, dte_value, combos, dte_days,  # type: ignore[no-untyped-def]
                              n_steps, max_profit, exit_cost, ref, mean_out, se_out):  # fmt: skip
    # Mean and standard error of the per-path P&L difference (combo c minus combo ref):
    # common random numbers make the paired SE much smaller than the unpaired one.
    n_paths = first_profit.shape[1]
    base = np.empty(n_paths)
    bd = np.empty(n_paths, dtype=np.int64)
    br = np.empty(n_paths, dtype=np.int64)
    kr = combos[ref, 2]
    combo_exits(first_profit, profit_value, first_loss, loss_value, dte_value, combos[ref, 0], combos[ref, 1], kr,
                dte_days[kr], n_steps, max_profit, exit_cost, base, bd, br)  # fmt: skip
    for c in prange(combos.shape[0]):
        pnl = np.empty(n_paths)
        days = np.empty(n_paths, dtype=np.int64)
        reasons = np.empty(n_paths, dtype=np.int64)
        kd = combos[c, 2]
        combo_exits(first_profit, profit_value, first_loss, loss_value, dte_value, combos[c, 0], combos[c, 1], kd,
                    dte_days[kd], n_steps, max_profit, exit_cost, pnl, days, reasons)  # fmt: skip
        s = 0.0
        for p in range(n_paths):
            s += pnl[p] - base[p]
        m = s / n_paths
        dev = 0.0
        for p in range(n_paths):
            e = pnl[p] - base[p] - m
            dev += e * e
        mean_out[c] = m
        se_out[c] = math.sqrt(dev / (n_paths - 1) / n_paths) if n_paths > 1 else 0.0


paired_differences = jit(paired_differences_python, parallel=True)
