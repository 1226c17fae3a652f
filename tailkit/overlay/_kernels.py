"""Overlay kernels: plain-Python functions and their jitted twins.

The fast path of exit optimization is two parallel kernels:

1. :func:`mark_spread_paths` (parallel over paths) simulates the 20y/30y yields with the exact
   Vasicek transition from shocks drawn by the caller (:func:`path_step`, shared by every path
   kernel), maps them to TLT through the regression (plus an AR(1) residual when ``eps`` has
   columns), marks the spread with Black-Scholes every day at the vol model's IV, and records
   in the same pass, per path, the first day the mark crosses each distinct profit level and
   each distinct loss level, and the first day the short leg is deep in the money (time value
   below a level).
2. :func:`evaluate_combos` (parallel over blocks of exit-rule combinations, work buffers
   allocated once per block) takes, per path, the earliest of the combination's crossing
   days and its DTE day (:func:`exit_reason`), reads the mark there and accumulates every
   statistic in one pass (:func:`combo_sums`); the standard deviation is two-pass and CVaR
   is exact without a sort (:func:`cvar_tail_mean`: a threshold from a strided sample keeps
   a few more than the worst paths, then the one tail kernel of :mod:`tailkit._tail`
   (quickselect and the Acerbi-Tasche tail mean) on those; numba's ``np.partition`` takes
   ~12 s to compile).

Screening (:func:`mark_spreads`) marks many spreads of one expiry on the same paths, pricing
each distinct leg once per path and day while a spread using it is open; its crossings feed
the same :func:`evaluate_combos` (one row per spread).

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
from tailkit._tail import select_descending, tail_es
from tailkit.pricing._kernels import black_core

# statistics columns written by evaluate_combos
S_MEAN, S_STD, S_POP, S_CVAR, S_PF, S_WL, S_SORTINO, S_KELLY, S_DAYS, S_ASSIGN, S_AVG_WIN, S_AVG_LOSS = range(
    12
)
N_STATS = 12


# --------------------------------------------------------------------------- scalar helpers


def leg_price_python(sign: float, S: float, x: float, K: float, lnK: float, sq: float, drift: float,
                     dfr: float, dfq: float) -> float:  # fmt: skip
    # Black-Scholes-Merton with precomputed per-day factors: x = log S, sq = iv * sqrt(T),
    # drift = (r - q) T, dfr = exp(-r T), dfq = exp(-q T); the pricing package's one Black
    # formula with ln(F/K) = x - ln K + drift.
    v = black_core(sign, S * dfq, K * dfr, x - lnK + drift, sq)[0]
    return max(v, 0.0)


leg_price = jit(leg_price_python)


# --------------------------------------------------------------------------- paths


def path_step_python(z, eps, p, t, theta, decay, chol, reg, phi, resid_sd, fit0, y_a, y_b, u):
    # One day of path p from shocks column t: the exact Vasicek step of both yields
    # (y' = theta + (y - theta) decay + chol @ z), the AR(1) residual (its conditional mean
    # without eps columns) and rel = log(S / S_0). Returns (y_a, y_b, u, rel).
    za = z[p, t, 0]
    zb = z[p, t, 1]
    y_a = theta[0] + (y_a - theta[0]) * decay[0] + chol[0, 0] * za
    y_b = theta[1] + (y_b - theta[1]) * decay[1] + (chol[1, 0] * za + chol[1, 1] * zb)
    if eps.shape[1] > 0:
        u = phi * u + resid_sd * eps[p, t]
    else:
        u = phi * u
    ybar = 0.5 * (y_a + y_b)
    return y_a, y_b, u, reg[0] + reg[1] * ybar + reg[2] * ybar * ybar + u - fit0


path_step = jit(path_step_python)


def tlt_paths_python(
    z, eps, n_steps, y0, theta, decay, chol, reg, u0, phi, resid_sd, spot0, yields_out, spot_out
):
    # Yields by the exact Vasicek step y' = theta + (y - theta) decay + chol @ z; TLT by
    # log S = alpha + beta ybar + gamma ybar^2 + u, u' = phi u + resid_sd eps (u = u0 phi^t
    # without eps), rescaled so that S_0 = spot0.
    n_paths = z.shape[0]
    fit0 = reg[0] + reg[1] * (0.5 * (y0[0] + y0[1])) + reg[2] * (0.5 * (y0[0] + y0[1])) ** 2 + u0
    for p in prange(n_paths):
        y_a = y0[0]
        y_b = y0[1]
        u = u0
        yields_out[p, 0, 0] = y_a
        yields_out[p, 0, 1] = y_b
        spot_out[p, 0] = spot0
        for t in range(n_steps):
            y_a, y_b, u, rel = path_step(
                z, eps, p, t, theta, decay, chol, reg, phi, resid_sd, fit0, y_a, y_b, u
            )
            yields_out[p, t + 1, 0] = y_a
            yields_out[p, t + 1, 1] = y_b
            spot_out[p, t + 1] = spot0 * math.exp(rel)


tlt_paths = jit(tlt_paths_python, parallel=True)


def mark_spread_paths_python(z, eps, n_steps, y0, theta, decay, chol, reg, u0, phi, resid_sd, spot0,
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
                y_a, y_b, u, rel = path_step(
                    z, eps, p, t - 1, theta, decay, chol, reg, phi, resid_sd, fit0, y_a, y_b, u
                )
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


def mark_spreads_python(z, eps, n_steps, y0, theta, decay, chol, reg, u0, phi, resid_sd, spot0, day,
                        leg_sign, leg_strike, leg_iv, sens, floor, short_leg, long_leg, profit_level, loss_level,
                        dte_day, tv_level, first_profit_out, profit_value_out, first_loss_out, loss_value_out,
                        dte_value_out, first_deep_out):  # fmt: skip
    # Many spreads of one expiry on the same paths (screening): each distinct leg
    # (leg_sign, leg_strike, leg_iv) is priced once per path and day while a spread using it
    # is open; spread s = short_leg[s] - long_leg[s] with one profit level, one loss level
    # and one DTE exit day. Outputs have shape (n_spreads, n_paths) and equal, spread by
    # spread, those of mark_spread_paths with one threshold of each kind (same operations in
    # the same order); marks are not kept. Parallel over blocks of paths.
    n_paths = z.shape[0]
    n_legs = leg_strike.shape[0]
    n_sp = short_leg.shape[0]
    never = n_steps + 1
    ln_spot0 = math.log(spot0)
    ybar0 = 0.5 * (y0[0] + y0[1])
    fit0 = reg[0] + reg[1] * ybar0 + reg[2] * ybar0 * ybar0 + u0
    lnk = np.empty(n_legs)
    for j in range(n_legs):
        lnk[j] = math.log(leg_strike[j])
    n_blocks = min(n_paths, 64)
    for b in prange(n_blocks):
        px = np.empty(n_legs)
        need = np.empty(n_legs, dtype=np.bool_)
        done = np.empty(n_sp, dtype=np.bool_)
        for p in range(b * n_paths // n_blocks, (b + 1) * n_paths // n_blocks):
            for s in range(n_sp):
                first_profit_out[s, p] = never
                profit_value_out[s, p] = math.nan
                first_loss_out[s, p] = never
                loss_value_out[s, p] = math.nan
                dte_value_out[s, p] = math.nan
                first_deep_out[s, p] = never
                done[s] = False
            n_open = n_sp
            y_a = y0[0]
            y_b = y0[1]
            u = u0
            rel = 0.0
            for t in range(n_steps + 1):
                for s in range(n_sp):
                    if not done[s] and (t > dte_day[s] or first_profit_out[s, p] < never
                                        or first_loss_out[s, p] < never):  # fmt: skip
                        done[s] = True
                        n_open -= 1
                if n_open == 0:
                    break
                if t > 0:
                    y_a, y_b, u, rel = path_step(z, eps, p, t - 1, theta, decay, chol, reg, phi, resid_sd, fit0, y_a, y_b,
                                                 u)  # fmt: skip
                S = spot0 * math.exp(rel)
                if t == n_steps:
                    for s in range(n_sp):
                        if not done[s] and dte_day[s] == t:
                            js = short_leg[s]
                            jl = long_leg[s]
                            sg = leg_sign[js]
                            dte_value_out[s, p] = max(sg * (S - leg_strike[js]), 0.0) - max(
                                sg * (S - leg_strike[jl]), 0.0
                            )
                    break
                for j in range(n_legs):
                    need[j] = False
                for s in range(n_sp):
                    if not done[s]:
                        need[short_leg[s]] = True
                        need[long_leg[s]] = True
                x = ln_spot0 + rel
                sq = day[0, t]
                for j in range(n_legs):
                    if need[j]:
                        vol = max(leg_iv[j] + sens * rel, floor)
                        px[j] = leg_price(leg_sign[j], S, x, leg_strike[j], lnk[j], vol * sq, day[1, t], day[2, t],
                                          day[3, t])  # fmt: skip
                if t == 0:
                    continue
                for s in range(n_sp):
                    if done[s]:
                        continue
                    js = short_leg[s]
                    v = px[js] - px[long_leg[s]]
                    if dte_day[s] == t:
                        dte_value_out[s, p] = v
                    if first_profit_out[s, p] == never and v <= profit_level[s]:
                        first_profit_out[s, p] = t
                        profit_value_out[s, p] = v
                    if first_loss_out[s, p] == never and v >= loss_level[s]:
                        first_loss_out[s, p] = t
                        loss_value_out[s, p] = v
                    if first_deep_out[s, p] == never:
                        intrinsic = leg_sign[js] * (S - leg_strike[js])
                        if intrinsic > 0.0 and px[js] - intrinsic <= tv_level:
                            first_deep_out[s, p] = t


mark_spreads = jit(mark_spreads_python, parallel=True)


# --------------------------------------------------------------------------- combinations


def exit_reason_python(fp: int, fl: int, dte_day: int, n_steps: int) -> int:
    # Reason code of one path under one combination: first loss crossing fl, first profit
    # crossing fp, DTE exit day dte_day (n_steps when the rule is off); ties: loss > profit > DTE.
    if fl <= dte_day and fl <= fp:
        return 1
    if fp <= dte_day:
        return 0
    return 2 if dte_day < n_steps else 3


exit_reason = jit(exit_reason_python)


def combo_exits_python(first_profit, profit_value, first_loss, loss_value, dte_value, ip, il, kd, dte_day, n_steps,
                       max_profit, exit_cost, pnl_out, day_out, reason_out):  # fmt: skip
    # Per-path exit day, reason and P&L of one combination: profit level ip, loss level il,
    # DTE column kd whose exit day is dte_day (n_steps when the DTE rule is off).
    n_paths = first_profit.shape[1]
    for p in range(n_paths):
        fp = first_profit[ip, p]
        fl = first_loss[il, p]
        r = exit_reason(fp, fl, dte_day, n_steps)
        if r == 1:
            d = fl
            v = loss_value[il, p]
        elif r == 0:
            d = fp
            v = profit_value[ip, p]
        else:
            d = dte_day
            v = dte_value[kd, p]
        pnl_out[p] = max_profit - v - exit_cost if d < n_steps else max_profit - v
        day_out[p] = d
        reason_out[p] = r


combo_exits = jit(combo_exits_python)


def cvar_tail_mean_python(x: np.ndarray, tail: float, work: np.ndarray) -> float:
    # CVaR of the P&L x as a signed P&L: minus the Acerbi-Tasche ES (tailkit._tail, losses
    # positive) of the losses -x over a tail of `tail` = n (1 - confidence) paths, the last one
    # weighted fractionally. x is left unchanged; work has x's length. Exact: a threshold from
    # a strided sample of the losses keeps (almost always) a few more than the needed
    # candidates, collected without branches; the selection then runs on those only. When the
    # sample's threshold keeps too few values the selection runs on all of x.
    n = x.shape[0]
    m = math.floor(tail)
    frac = tail - m
    need = m + 1 if frac > 0.0 else m
    step = n // 512
    cnt = 0
    if step >= 4:
        s = n // step
        for i in range(s):
            work[i] = -x[i * step]
        j = min(s - 1, (3 * need * s) // (2 * n) + 8)
        select_descending(work, None, 0, s - 1, j)
        tau = work[j]
        for i in range(n):
            v = -x[i]
            work[cnt] = v
            cnt += 1 if v >= tau else 0
    if cnt < need:
        for i in range(n):
            work[i] = -x[i]
        cnt = n
    return -tail_es(work[:cnt], m, frac)


cvar_tail_mean = jit(cvar_tail_mean_python)


def combo_sums_python(first_profit, profit_value, first_loss, loss_value, dte_value, first_deep, dte_day, n_steps,
                      max_profit, exit_cost, pnl_out):  # fmt: skip
    # One pass over the paths of one combination (1-D rows of its profit level, loss level,
    # DTE column and trade): P&L into pnl_out and the sums and counts of its statistics.
    dte_cost = exit_cost if dte_day < n_steps else 0.0
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
    for p in range(first_profit.shape[0]):
        fp = first_profit[p]
        fl = first_loss[p]
        why = exit_reason(fp, fl, dte_day, n_steps)
        if why == 1:
            d = fl
            v = max_profit - loss_value[p] - exit_cost
            c1 += 1
        elif why == 0:
            d = fp
            v = max_profit - profit_value[p] - exit_cost
            c0 += 1
        else:
            d = dte_day
            v = max_profit - dte_value[p] - dte_cost
        pnl_out[p] = v
        total += v
        if v > 0.0:
            wins += 1
            win_sum += v
        elif v < 0.0:
            losses += 1
            loss_sum += v
            down_sq += v * v
        day_sum += d
        assigned += 1 if first_deep[p] <= d else 0
    return total, wins, losses, win_sum, loss_sum, down_sq, day_sum, assigned, c0, c1


combo_sums = jit(combo_sums_python)


def sum_sq_dev_python(x: np.ndarray, mean: float) -> float:
    # sum of (x - mean)^2 with four partial sums (no single add chain)
    n = x.shape[0]
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    m = n - n % 4
    for i in range(0, m, 4):
        e0 = x[i] - mean
        e1 = x[i + 1] - mean
        e2 = x[i + 2] - mean
        e3 = x[i + 3] - mean
        s0 += e0 * e0
        s1 += e1 * e1
        s2 += e2 * e2
        s3 += e3 * e3
    for i in range(m, n):
        e = x[i] - mean
        s0 += e * e
    return (s0 + s1) + (s2 + s3)


sum_sq_dev = jit(sum_sq_dev_python)


def evaluate_combos_python(first_profit, profit_value, first_loss, loss_value, dte_value, first_deep,
                           combos, dte_days, n_steps, max_profit, exit_cost, cvar_tail, stats_out, reasons_out):  # fmt: skip
    # Statistics of every combination c: combos[c] = (profit level row, loss level row, DTE
    # column, trade row r), the trade row indexing first_deep[r] (shape (n_trades, n_paths)),
    # max_profit[r] and exit_cost[r] (one trade for a grid; one row per spread in screening).
    # Parallel over blocks of combinations (work buffers allocated once per block). Per
    # combination: one pass (combo_sums) computes each path's exit and P&L and the sums and
    # counts; the standard deviation takes a second pass over the P&L buffer (two-pass, like
    # numpy) and CVaR a threshold-and-select (cvar_tail_mean) over a tail of cvar_tail =
    # n (1 - confidence) paths (tailkit._tail.tail_size).
    n = first_profit.shape[1]
    n_combos = combos.shape[0]
    n_blocks = min(n_combos, 32)
    for b in prange(n_blocks):
        pnl = np.empty(n)
        work = np.empty(n)
        for c in range(b * n_combos // n_blocks, (b + 1) * n_combos // n_blocks):
            ip = combos[c, 0]
            il = combos[c, 1]
            kd = combos[c, 2]
            r = combos[c, 3]
            dte_day = dte_days[kd]
            total, wins, losses, win_sum, loss_sum, down_sq, day_sum, assigned, c0, c1 = combo_sums(
                first_profit[ip], profit_value[ip], first_loss[il], loss_value[il], dte_value[kd], first_deep[r],
                dte_day, n_steps, max_profit[r], exit_cost[r], pnl)  # fmt: skip
            c2 = n - c0 - c1
            reasons_out[c, 0] = c0
            reasons_out[c, 1] = c1
            if dte_day < n_steps:
                reasons_out[c, 2] = c2
                reasons_out[c, 3] = 0
            else:
                reasons_out[c, 2] = 0
                reasons_out[c, 3] = c2
            mean = total / n
            std = math.sqrt(sum_sq_dev(pnl, mean) / (n - 1)) if n > 1 else 0.0
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
            stats_out[c, S_MEAN] = mean
            stats_out[c, S_STD] = std
            stats_out[c, S_POP] = pop
            stats_out[c, S_CVAR] = cvar_tail_mean(pnl, cvar_tail, work)
            stats_out[c, S_PF] = pf
            stats_out[c, S_WL] = wl
            stats_out[c, S_SORTINO] = sortino
            stats_out[c, S_KELLY] = kelly
            stats_out[c, S_DAYS] = day_sum / n
            stats_out[c, S_ASSIGN] = assigned / n
            stats_out[c, S_AVG_WIN] = avg_win
            stats_out[c, S_AVG_LOSS] = avg_loss


evaluate_combos = jit(evaluate_combos_python, parallel=True)


def combo_row_python(first_profit, profit_value, first_loss, loss_value, dte_value, combos, dte_days, c, n_steps,
                     max_profit, exit_cost, pnl_out, day_out, reason_out):  # fmt: skip
    # combo_exits of row c of the combination table
    kd = combos[c, 2]
    combo_exits(first_profit, profit_value, first_loss, loss_value, dte_value, combos[c, 0], combos[c, 1], kd,
                dte_days[kd], n_steps, max_profit, exit_cost, pnl_out, day_out, reason_out)  # fmt: skip


combo_row = jit(combo_row_python)


def paired_differences_python(first_profit, profit_value, first_loss, loss_value, dte_value, combos, dte_days,
                              n_steps, max_profit, exit_cost, ref, mean_out, se_out):  # fmt: skip
    # Mean and standard error of the per-path P&L difference (combo c minus combo ref):
    # common random numbers make the paired SE much smaller than the unpaired one. Parallel
    # over blocks of combinations; each block computes row ref into its own buffer.
    n = first_profit.shape[1]
    n_combos = combos.shape[0]
    n_blocks = min(n_combos, 32)
    for b in prange(n_blocks):
        base = np.empty(n)
        pnl = np.empty(n)
        days = np.empty(n, dtype=np.int64)
        reasons = np.empty(n, dtype=np.int64)
        combo_row(first_profit, profit_value, first_loss, loss_value, dte_value, combos, dte_days, ref, n_steps,
                  max_profit, exit_cost, base, days, reasons)  # fmt: skip
        for c in range(b * n_combos // n_blocks, (b + 1) * n_combos // n_blocks):
            combo_row(first_profit, profit_value, first_loss, loss_value, dte_value, combos, dte_days, c, n_steps,
                      max_profit, exit_cost, pnl, days, reasons)  # fmt: skip
            s = 0.0
            for p in range(n):
                s += pnl[p] - base[p]
            m = s / n
            dev = 0.0
            for p in range(n):
                e = pnl[p] - base[p] - m
                dev += e * e
            mean_out[c] = m
            se_out[c] = math.sqrt(dev / (n - 1) / n) if n > 1 else 0.0


paired_differences = jit(paired_differences_python, parallel=True)
