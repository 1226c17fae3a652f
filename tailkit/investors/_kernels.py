"""Numba kernels of the investor archetypes (plain-Python twins bound to jitted ones).

The myopic rule and the path outcomes run their paths in parallel (``prange``); each path is
independent, so the results do not depend on the number of threads.

Each kernel takes the risky-asset period returns ``r`` of shape (n_paths, n_steps) and
scalars, and fills or returns arrays; no validation here (the callers in
:mod:`tailkit.investors.archetypes` and :mod:`tailkit.investors.simulate` validate). The rules
are documented in those modules' docstrings; these are the same loops, one path at a time.
"""

from __future__ import annotations

import numpy as np

from tailkit._numba import jit, prange
from tailkit.behavioral._kernels import tk_weight

__all__ = [
    "IRR_GRID",
    "decision_weights",
    "irr_python",
    "irr_kernel",
    "myopic_weights",
    "myopic_weights_python",
    "path_outcomes",
    "path_outcomes_python",
    "strategic_weights",
    "strategic_weights_python",
    "timer_weights",
    "timer_weights_python",
]

#: points of the scan for the IRR's bracket, as in :func:`tailkit.investors.irr`
IRR_GRID = 2001


def strategic_weights_python(r, rf, weight, calendar, every, band):
    # Policy share `weight`; calendar: back to it every `every` steps; band: back to it when
    # the drifted share is more than `band` away.
    n_paths, n_steps = r.shape
    w = np.empty((n_paths, n_steps))
    for p in range(n_paths):
        cur = weight
        for t in range(n_steps):
            if calendar:
                if t % every == 0:
                    cur = weight
            elif abs(cur - weight) > band:
                cur = weight
            w[p, t] = cur
            grow = 1.0 + cur * r[p, t] + (1.0 - cur) * rf
            cur = cur * (1.0 + r[p, t]) / grow
    return w


strategic_weights = jit(strategic_weights_python)


def timer_weights_python(r, weight, out_weight, threshold, use_lag, recovery, lag):
    # Invested at `weight` until the price's drawdown from its peak exceeds `threshold`; out at
    # `out_weight` until the price rises `recovery` above its trough since the exit (or `lag`
    # steps pass when use_lag); the peak restarts at the re-entry price.
    n_paths, n_steps = r.shape
    w = np.empty((n_paths, n_steps))
    for p in range(n_paths):
        price = 1.0
        peak = 1.0
        trough = 1.0
        out = False
        since = 0
        for t in range(n_steps):
            w[p, t] = out_weight if out else weight
            price = price * (1.0 + r[p, t])
            if out:
                trough = min(trough, price)
                since += 1
            else:
                peak = max(peak, price)
                trough = price
                since = 0
            exit_now = (not out) and (price / peak - 1.0 < -threshold)
            if use_lag:
                back = out and since >= lag
            else:
                back = out and (price / trough - 1.0 >= recovery)
            if back:
                peak = price
                out = False
            if exit_now:
                trough = price
                since = 0
                out = True
    return w


timer_weights = jit(timer_weights_python)


def decision_weights(n, gamma, delta):
    """Tversky-Kahneman cumulative weights of ``n`` equally likely outcomes, by rank.

    ``w_loss[i]`` = w-(F_i) after the ``i`` worst outcomes and ``w_gain[j]`` = w+(G_j) after the
    ``j`` best, each ``F`` and ``G`` accumulated as :func:`tailkit.behavioral` accumulates
    them (``min(cum + 1 / n, 1)``), so the prospect value below is the same sum.
    Plain Python: it runs once per call, outside the kernels.
    """
    prob = 1.0 / n
    w_loss = np.zeros(n + 1)
    w_gain = np.zeros(n + 1)
    cum = 0.0
    for i in range(1, n + 1):
        cum = min(cum + prob, 1.0)
        w_loss[i] = tk_weight(cum, delta)
        w_gain[i] = tk_weight(cum, gamma)
    return w_loss, w_gain


def myopic_weights_python(
    r, rf, horizon, memory, grid, use_peak, initial_weight, alpha, beta, lam, w_loss, w_gain
):
    # Benartzi-Thaler: every `horizon` steps (once `memory` steps are seen) the share in `grid`
    # with the highest prospect value of the overlapping horizon returns seen over the last
    # `memory` steps; ties keep the first share of the grid. Reference: the wealth at the
    # evaluation, or the running peak (use_peak).
    #
    # The value is tailkit.behavioral's cumulative prospect value with equal probabilities,
    # summed in the same order (losses from the worst, gains from the best) with the same
    # decision weights, which depend only on ranks here: w_loss and w_gain are the tables of
    # decision_weights(memory - horizon + 1, gamma, delta). Every share's
    # outcomes are an increasing function of the returns seen (share >= 0, wealth / peak > 0),
    # so one sort of those returns ranks the outcomes of every share.
    n_paths, n_steps = r.shape
    w = np.empty((n_paths, n_steps))
    safe = (1.0 + rf) ** horizon - 1.0
    n_win = memory - horizon + 1
    for p in prange(n_paths):
        seen = np.empty(n_win)
        outcome = np.empty(n_win)
        log_growth = np.empty(n_steps + 1)
        log_growth[0] = 0.0
        for t in range(n_steps):
            log_growth[t + 1] = log_growth[t] + np.log1p(r[p, t])
        wealth = 1.0
        peak = 1.0
        cur = initial_weight
        for t in range(n_steps):
            if t % horizon == 0 and t >= memory:
                lo = t - memory
                for k in range(n_win):
                    seen[k] = np.expm1(log_growth[lo + horizon + k] - log_growth[lo + k])
                seen.sort()
                best = cur
                best_v = -np.inf
                for g in range(grid.shape[0]):
                    share = grid[g]
                    n_loss = 0
                    for k in range(n_win):
                        ret = share * seen[k] + (1.0 - share) * safe
                        outcome[k] = wealth * (1.0 + ret) / peak - 1.0 if use_peak else ret
                        if outcome[k] < 0.0:
                            n_loss += 1
                    v = 0.0
                    for i in range(n_loss):
                        v -= (w_loss[i + 1] - w_loss[i]) * lam * (-outcome[i]) ** beta
                    for j in range(n_win - n_loss):
                        v += (w_gain[j + 1] - w_gain[j]) * outcome[n_win - 1 - j] ** alpha
                    if v > best_v:
                        best = share
                        best_v = v
                cur = best
            w[p, t] = cur
            wealth = wealth * (1.0 + cur * r[p, t] + (1.0 - cur) * rf)
            peak = max(peak, wealth)
    return w


myopic_weights = jit(myopic_weights_python, parallel=True)


def _npv(c, v):
    # sum_t c_t v^t by Horner's rule (v = 1 / (1 + r))
    acc = 0.0
    for t in range(c.shape[0] - 1, -1, -1):
        acc = acc * v + c[t]
    return acc


_npv_jit = jit(_npv)


def _npv_block(c, v, out):
    # _npv at each of the 8 rates v at once: 8 independent Horner chains per pass over c
    v0, v1, v2, v3, v4, v5, v6, v7 = v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]
    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
    for t in range(c.shape[0] - 1, -1, -1):
        ct = c[t]
        a0 = a0 * v0 + ct
        a1 = a1 * v1 + ct
        a2 = a2 * v2 + ct
        a3 = a3 * v3 + ct
        a4 = a4 * v4 + ct
        a5 = a5 * v5 + ct
        a6 = a6 * v6 + ct
        a7 = a7 * v7 + ct
    out[0], out[1], out[2], out[3] = a0, a1, a2, a3
    out[4], out[5], out[6], out[7] = a4, a5, a6, a7


_npv_block_jit = jit(_npv_block)


def irr_python(c):
    # IRR per period of cash flows c (not all zero, scaled to max |c| = 1 by the caller), the
    # lowest root found by the scan of tailkit.investors.irr: IRR_GRID points in x = log(1 + r)
    # from -min(30, 690 / n) to log(1 + 1e6), the first interval where the NPV changes sign
    # (scanned 8 points at a time from Cauchy's bound on the roots); then bisection to |dx| <= 1e-15 + 4 eps |x|.
    # NaN when the NPV does not change sign on the grid.
    n = c.shape[0] - 1
    lo = -min(30.0, 690.0 / n)
    hi = np.log1p(1e6)
    step = (hi - lo) / (IRR_GRID - 1)
    # Cauchy's bound: every root v of sum_t c_t v^t has |v| < 1 + max_{t<m} |c_t / c_m| (c_m
    # the last non-zero flow), so the NPV has one sign for x = -log(v) below -log(that bound)
    # and no grid interval there changes sign: the scan starts at the last grid point below it.
    m = n
    while m > 0 and c[m] == 0.0:
        m -= 1
    big = 0.0
    for t in range(m):
        big = max(big, abs(c[t]))
    x_bound = -np.log1p(big / abs(c[m]))
    i0 = 0
    if x_bound > lo:
        i0 = min(int((x_bound - lo) / step), IRR_GRID - 1)
    xs = np.empty(8)
    vs = np.empty(8)
    fs = np.empty(8)
    a = lo + i0 * step
    fa = _npv_jit(c, np.exp(-a))
    if fa == 0.0:
        return np.expm1(a)
    i = i0 + 1
    while i < IRR_GRID:
        for k in range(8):
            xs[k] = lo + min(i + k, IRR_GRID - 1) * step
            vs[k] = np.exp(-xs[k])
        _npv_block_jit(c, vs, fs)
        for k in range(min(8, IRR_GRID - i)):
            b = xs[k]
            fb = fs[k]
            if fb == 0.0:
                return np.expm1(b)
            if (fa < 0.0) != (fb < 0.0):
                for _ in range(200):
                    m = 0.5 * (a + b)
                    if b - a <= 1e-15 + 4.0 * 2.220446049250313e-16 * abs(m):
                        break
                    fm = _npv_jit(c, np.exp(-m))
                    if fm == 0.0:
                        return np.expm1(m)
                    if (fa < 0.0) != (fm < 0.0):
                        b = m
                    else:
                        a = m
                        fa = fm
                return np.expm1(0.5 * (a + b))
            a = b
            fa = fb
        i += 8
    return np.nan


irr_kernel = jit(irr_python)


def path_outcomes_python(w, r, rf, sensitivity, loss_aversion, floor, cap):
    # Per path: wealth from 1, the drifted share before trading (for turnover), the
    # risk-tolerance state from 1, the log time-weighted returns of investor and asset, and
    # the per-period IRR of the risky sleeve's flows (-deposits, final holding).
    n_paths, n_steps = r.shape
    wealth = np.empty((n_paths, n_steps + 1))
    state = np.empty((n_paths, n_steps + 1))
    traded = np.empty(n_paths)
    log_twr = np.empty(n_paths)
    log_asset = np.empty(n_paths)
    mwr = np.empty(n_paths)
    for p in prange(n_paths):
        flows = np.empty(n_steps + 1)
        wealth[p, 0] = 1.0
        state[p, 0] = 1.0
        held = 0.0
        drifted = w[p, 0]
        turn = 0.0
        s_port = 0.0
        s_asset = 0.0
        for t in range(n_steps):
            port = w[p, t] * r[p, t] + (1.0 - w[p, t]) * rf
            turn += abs(w[p, t] - drifted)
            flows[t] = -(w[p, t] * wealth[p, t] - held)
            held = w[p, t] * wealth[p, t] * (1.0 + r[p, t])
            wealth[p, t + 1] = wealth[p, t] * (1.0 + port)
            drifted = w[p, t] * (1.0 + r[p, t]) / (1.0 + port)
            move = sensitivity * (max(port, 0.0) - loss_aversion * max(-port, 0.0))
            state[p, t + 1] = min(max(state[p, t] + move, floor), cap)
            s_port += np.log1p(port)
            s_asset += np.log1p(r[p, t])
        flows[n_steps] = held
        traded[p] = turn
        log_twr[p] = s_port / n_steps
        log_asset[p] = s_asset / n_steps
        scale = 0.0
        for t in range(n_steps + 1):
            scale = max(scale, abs(flows[t]))
        if scale == 0.0:
            mwr[p] = np.nan
        else:
            mwr[p] = irr_kernel(flows / scale)
    return wealth, state, traded, log_twr, log_asset, mwr


path_outcomes = jit(path_outcomes_python, parallel=True)
