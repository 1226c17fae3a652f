"""Path kernels: plain-Python functions and their jitted twins.

Price kernels write log-prices (the caller exponentiates the whole array at once, which
numpy vectorises).

Every kernel simulates one block of paths from a numpy ``Generator`` passed in (numba draws
the same numbers as numpy from the same generator), so that the numbers depend only on the
block's stream: ``skip`` leading paths are simulated and discarded, the next ``count``
written to ``out`` from row ``out_start``. Draw order per path and step is fixed and
documented in each kernel; changing it changes every simulated number.

Each ``*_paths`` kernel runs the blocks of a study in parallel (``prange`` over blocks, one
generator per block), so results do not depend on the thread count.
"""

from __future__ import annotations

import math

import numpy as np

from tailkit._numba import jit, prange

# --------------------------------------------------------------------------- helpers


# jump table rows (shape (7, n_assets)), rates per step:
# 0 market intensity*dt, 1 market log-jump mean, 2 market log-jump variance,
# 3 idiosyncratic intensity*dt, 4 idio mean, 5 idio variance, 6 compensator per step
N_JUMP_ROWS = 7


def jump_init_python(gen, table, arrival):
    # Next arrival times (in steps) of the market process (arrival[0]) and of each asset's
    # idiosyncratic process (arrival[1 + a]): exponential waiting times, so the cost is per
    # jump, not per step. Draw order: market, then assets in order (only active processes).
    n = arrival.shape[0] - 1
    arrival[0] = gen.standard_exponential() / table[0, 0] if table[0, 0] > 0.0 else np.inf
    for a in range(n):
        arrival[1 + a] = gen.standard_exponential() / table[3, a] if table[3, a] > 0.0 else np.inf


jump_init = jit(jump_init_python)


def jump_step_python(gen, table, arrival, t, jump):
    # Log-jumps of step t (covering [t, t + 1) in step units) into jump (n,). Counts the
    # arrivals in the step, drawing the next waiting time after each; then one normal per
    # asset hit for its total jump size (a sum of normals is normal). Returns the market count.
    n = jump.shape[0]
    end = t + 1.0
    nm = 0
    while arrival[0] < end:
        nm += 1
        arrival[0] += gen.standard_exponential() / table[0, 0]
    for a in range(n):
        ni = 0
        while arrival[1 + a] < end:
            ni += 1
            arrival[1 + a] += gen.standard_exponential() / table[3, a]
        j = -table[6, a]
        if nm + ni > 0:
            sd = math.sqrt(nm * table[2, a] + ni * table[5, a])
            j += nm * table[1, a] + ni * table[4, a] + sd * gen.standard_normal()
        jump[a] = j
    return nm


jump_step = jit(jump_step_python)


# --------------------------------------------------------------------------- Vasicek


def vasicek_block_python(gen, skip, count, r0, theta, decay, chol, out, out_start):
    # Exact OU transition per step: r' = theta + (r - theta) * decay + chol @ z.
    # Draw order: per path, per step, one standard normal per tenor.
    n = r0.shape[0]
    n_steps = out.shape[1] - 1
    r = np.empty(n)
    z = np.empty(n)
    for p in range(skip + count):
        row = out_start + p - skip
        write = p >= skip
        for a in range(n):
            r[a] = r0[a]
            if write:
                out[row, 0, a] = r0[a]
        for t in range(n_steps):
            for a in range(n):
                z[a] = gen.standard_normal()
            for a in range(n):
                acc = 0.0
                for b in range(a + 1):
                    acc += chol[a, b] * z[b]
                r[a] = theta[a] + (r[a] - theta[a]) * decay[a] + acc
                if write:
                    out[row, t + 1, a] = r[a]


vasicek_block = jit(vasicek_block_python)


def vasicek_paths_python(gens, skips, counts, starts, r0, theta, decay, chol, out):
    for i in prange(len(gens)):
        b = np.int64(i)
        vasicek_block(gens[b], skips[b], counts[b], r0, theta, decay, chol, out, starts[b])


vasicek_paths = jit(vasicek_paths_python, parallel=True)


# --------------------------------------------------------------------------- GBM (+ jumps)


def gbm_block_python(gen, skip, count, log_s0, drift, chol, has_jumps, table, out, out_start):
    # log S' = log S + drift + chol @ z (+ jump). Draw order: per path the jump arrival times (if any), per step n normals, then jumps.
    n = log_s0.shape[0]
    n_steps = out.shape[1] - 1
    x = np.empty(n)
    z = np.empty(n)
    jump = np.zeros(n)
    arrival = np.empty(n + 1)
    for p in range(skip + count):
        row = out_start + p - skip
        write = p >= skip
        for a in range(n):
            x[a] = log_s0[a]
            if write:
                out[row, 0, a] = x[a]
        if has_jumps:
            jump_init(gen, table, arrival)
        for t in range(n_steps):
            for a in range(n):
                z[a] = gen.standard_normal()
            if has_jumps:
                jump_step(gen, table, arrival, t, jump)
            for a in range(n):
                acc = drift[a] + jump[a]
                for b in range(a + 1):
                    acc += chol[a, b] * z[b]
                x[a] += acc
                if write:
                    out[row, t + 1, a] = x[a]


gbm_block = jit(gbm_block_python)


def gbm_paths_python(gens, skips, counts, starts, log_s0, drift, chol, has_jumps, table, out):
    for i in prange(len(gens)):
        b = np.int64(i)
        gbm_block(gens[b], skips[b], counts[b], log_s0, drift, chol, has_jumps, table, out, starts[b])


gbm_paths = jit(gbm_paths_python, parallel=True)


# --------------------------------------------------------------------------- regimes


def regime_block_python(
    gen, skip, count, log_s0, drift, chol, trans_cum, init_cum, has_jumps, table, out, states, out_start
):
    # Regime s_t governs the step t -> t+1. Draw order per path: one uniform for s_0; per
    # step: n normals, jumps, then one uniform for the transition s_t -> s_{t+1}.
    n = log_s0.shape[0]
    k_reg = init_cum.shape[0]
    n_steps = out.shape[1] - 1
    x = np.empty(n)
    z = np.empty(n)
    jump = np.zeros(n)
    arrival = np.empty(n + 1)
    for p in range(skip + count):
        row = out_start + p - skip
        write = p >= skip
        u = gen.random()
        s = 0
        while s < k_reg - 1 and u > init_cum[s]:
            s += 1
        for a in range(n):
            x[a] = log_s0[a]
            if write:
                out[row, 0, a] = x[a]
        if write:
            states[row, 0] = s
        if has_jumps:
            jump_init(gen, table, arrival)
        for t in range(n_steps):
            for a in range(n):
                z[a] = gen.standard_normal()
            if has_jumps:
                jump_step(gen, table, arrival, t, jump)
            for a in range(n):
                acc = drift[s, a] + jump[a]
                for b in range(a + 1):
                    acc += chol[s, a, b] * z[b]
                x[a] += acc
                if write:
                    out[row, t + 1, a] = x[a]
            u = gen.random()
            s_new = 0
            while s_new < k_reg - 1 and u > trans_cum[s, s_new]:
                s_new += 1
            s = s_new
            if write:
                states[row, t + 1] = s


regime_block = jit(regime_block_python)


def regime_paths_python(
    gens, skips, counts, starts, log_s0, drift, chol, trans_cum, init_cum, has_jumps, table, out, states
):
    for i in prange(len(gens)):
        b = np.int64(i)
        regime_block(
            gens[b],
            skips[b],
            counts[b],
            log_s0,
            drift,
            chol,
            trans_cum,
            init_cum,
            has_jumps,
            table,
            out,
            states,
            starts[b],
        )


regime_paths = jit(regime_paths_python, parallel=True)


# --------------------------------------------------------------------------- GJR-GARCH CCC


def gjr_block_python(
    gen,
    skip,
    count,
    log_s0,
    mu,
    omega,
    alpha,
    gamma,
    beta,
    h0,
    chol,
    nu,
    has_jumps,
    table,
    store_var,
    out,
    var_out,
    out_start,
):
    # r_t = mu + eps_t, eps_t = sqrt(h_t) e_t (+ jump - compensator),
    # h_{t+1} = omega + (alpha + gamma 1[eps_t < 0]) eps_t^2 + beta h_t.
    # e_t = chol @ z scaled by sqrt((nu - 2) / W), W ~ chi2(nu) common to all assets
    # (standardised multivariate Student-t) when nu > 0, else Gaussian.
    # Draw order per step: n normals, one gamma (t only), then jumps.
    n = log_s0.shape[0]
    n_steps = out.shape[1] - 1
    x = np.empty(n)
    h = np.empty(n)
    z = np.empty(n)
    jump = np.zeros(n)
    arrival = np.empty(n + 1)
    half_nu = 0.5 * nu
    for p in range(skip + count):
        row = out_start + p - skip
        write = p >= skip
        for a in range(n):
            x[a] = log_s0[a]
            h[a] = h0[a]
            if write:
                out[row, 0, a] = x[a]
        if has_jumps:
            jump_init(gen, table, arrival)
        for t in range(n_steps):
            for a in range(n):
                z[a] = gen.standard_normal()
            scale = 1.0
            if nu > 0.0:
                w = 2.0 * gen.standard_gamma(half_nu)
                scale = math.sqrt((nu - 2.0) / w)
            if has_jumps:
                jump_step(gen, table, arrival, t, jump)
            for a in range(n):
                e = 0.0
                for b in range(a + 1):
                    e += chol[a, b] * z[b]
                eps = math.sqrt(h[a]) * e * scale + jump[a]
                if write and store_var:
                    var_out[row, t, a] = h[a]
                x[a] += mu[a] + eps
                lev = gamma[a] if eps < 0.0 else 0.0
                h[a] = omega[a] + (alpha[a] + lev) * eps * eps + beta[a] * h[a]
                if write:
                    out[row, t + 1, a] = x[a]
        if write and store_var:
            for a in range(n):
                var_out[row, n_steps, a] = h[a]


gjr_block = jit(gjr_block_python)


def gjr_paths_python(
    gens,
    skips,
    counts,
    starts,
    log_s0,
    mu,
    omega,
    alpha,
    gamma,
    beta,
    h0,
    chol,
    nu,
    has_jumps,
    table,
    store_var,
    out,
    var_out,
):
    for i in prange(len(gens)):
        b = np.int64(i)
        gjr_block(
            gens[b],
            skips[b],
            counts[b],
            log_s0,
            mu,
            omega,
            alpha,
            gamma,
            beta,
            h0,
            chol,
            nu,
            has_jumps,
            table,
            store_var,
            out,
            var_out,
            starts[b],
        )


gjr_paths = jit(gjr_paths_python, parallel=True)


# --------------------------------------------------------------------------- vol index


def vol_index_block_python(
    gen, skip, count, u0, level, elasticity, decay, noise_sd, variance, out, out_start
):
    # log V_t = m_t + u_t with target m_t = level + elasticity * 0.5 log(variance_t)
    # (variance annualised, of the next step, known at t) and the deviation u an exact OU
    # step u' = u decay + noise_sd z.  One normal per path per step. u0, variance and out
    # are indexed by output row.
    n_steps = out.shape[1] - 1
    for p in range(skip + count):
        row = out_start + p - skip
        write = p >= skip
        u = u0[row] if write else 0.0
        if write:
            out[row, 0, 0] = math.exp(level + elasticity * 0.5 * math.log(variance[row, 0]) + u)
        for t in range(n_steps):
            z = gen.standard_normal()
            if write:
                u = u * decay + noise_sd * z
                out[row, t + 1, 0] = math.exp(level + elasticity * 0.5 * math.log(variance[row, t + 1]) + u)


vol_index_block = jit(vol_index_block_python)


def vol_index_paths_python(
    gens, skips, counts, starts, u0, level, elasticity, decay, noise_sd, variance, out
):
    for i in prange(len(gens)):
        b = np.int64(i)
        vol_index_block(
            gens[b], skips[b], counts[b], u0, level, elasticity, decay, noise_sd, variance, out, starts[b]
        )


vol_index_paths = jit(vol_index_paths_python, parallel=True)


# --------------------------------------------------------------------------- analytics


def drawdown_stats_python(values, max_dd, under_water):
    # values (n_paths, n_steps + 1, n_assets) > 0; max drawdown as a positive fraction
    # of the running peak, and the fraction of steps spent below the running peak.
    n_p, n_t, n_a = values.shape
    for p in range(n_p):
        for a in range(n_a):
            peak = values[p, 0, a]
            worst = 0.0
            below = 0
            for t in range(1, n_t):
                v = values[p, t, a]
                if v >= peak:
                    peak = v
                else:
                    below += 1
                    dd = 1.0 - v / peak
                    if dd > worst:
                        worst = dd
            max_dd[p, a] = worst
            under_water[p, a] = below / (n_t - 1) if n_t > 1 else 0.0


drawdown_stats = jit(drawdown_stats_python)
