"""Hedging benchmark: 50 hedge programs marked daily on 10,000 paths x 252 days.

Programs: protective puts, put spreads, ratio spreads, collars (fixed and zero-cost) and VIX
calls, notional and budget sized. tailkit's kernel (``tailkit.hedging.mark_programs``, numba,
paths in parallel, every program on the same paths) against a reference written here that
reprices every option every day with vectorised numpy + ``scipy.special.ndtr`` over the paths
(one program and one day at a time), on the same simulated paths in the same run; the final
NAV and the premium of both are compared (the reference applies the same insolvency rule:
a NAV at or below 0 ends the portfolio). Path simulation is timed separately and excluded.
Goal (issue 12): >= 20x the reference and < 2 s on two cores. Timings are wall times on a
shared machine: noisy.
"""

from __future__ import annotations

import math
import os
import time

import numpy as np
from scipy.special import ndtr

from tailkit.hedging import (
    Collar,
    ProtectivePut,
    PutSpread,
    RatioSpread,
    VixCall,
    compile_programs,
    mark_programs,
    simulate_market,
)
from tailkit.hedging import _kernels as K

N_PATHS = int(os.environ.get("TAILKIT_BENCH_HEDGE_PATHS", "10000"))
N_STEPS = 252
SEED = 20261203


def programs() -> list:
    """The 50 programs."""
    out: list = []
    for m in (0.80, 0.85, 0.90, 0.95, 1.00):
        for tenor, roll in ((1.0, 0.0), (3.0, 1.0), (6.0, 2.0)):
            out.append(ProtectivePut(moneyness=m, tenor_months=tenor, roll_months=roll))
    for m in (0.85, 0.90, 0.95):
        out.append(ProtectivePut(moneyness=m, sizing="budget", budget=0.01))
    for hi, lo in ((1.0, 0.9), (0.95, 0.85), (0.95, 0.80), (0.90, 0.75), (1.0, 0.8)):
        out.append(PutSpread(long_moneyness=hi, short_moneyness=lo))
        out.append(PutSpread(long_moneyness=hi, short_moneyness=lo, sizing="budget", budget=0.01))
    for lo, hi in ((0.85, 0.95), (0.80, 0.90)):
        out.append(RatioSpread(long_moneyness=lo, short_moneyness=hi))
    for p, c in ((0.9, 0.0), (0.95, 0.0), (0.9, 1.10), (0.95, 1.05), (0.85, 0.0)):
        out.append(Collar(put_moneyness=p, call_moneyness=c))
    for m in (1.0, 1.1, 1.2, 1.3, 1.5, 1.75, 2.0):
        out.append(VixCall(moneyness=m))
        out.append(VixCall(moneyness=m, tenor_months=4.0, roll_months=2.0, budget=0.01))
    out.append(VixCall(moneyness=1.3, sizing="notional", hedge_ratio=0.5))
    assert len(out) == 50
    return out


# --------------------------------------------------------------------------- numpy reference


def _surface_np(surf, index, logm, tau):
    a = surf[0] * index
    lr, c = surf[1], surf[2]
    t = max(tau, 1e-6)
    g = -math.expm1(-c * t) / (c * t)
    g30 = -math.expm1(-c * K.INDEX_TENOR) / (c * K.INDEX_TENOR)
    var = np.maximum(lr * lr + (a * a - lr * lr) * g / g30, 0.04 * a * a)
    z = logm / math.sqrt(t)
    mult = np.clip(1.0 - surf[3] * z + surf[4] * z * z, surf[5], surf[6])
    return np.sqrt(var) * mult


def _vix_total(vix, tau):
    k, xi, km, sm = vix[0], vix[1], vix[3], vix[4]
    var = xi * xi * -math.expm1(-2 * k * tau) / (2 * k)
    if sm > 0:
        var += sm * sm * -math.expm1(-2 * km * tau) / (2 * km) if km > 0 else sm * sm * tau
    return math.sqrt(var)


def _vix_future_np(vix, li, tg, tau):
    em = vix[2] + (tg - vix[2]) * math.exp(-vix[3] * tau)
    s = _vix_total(vix, tau)
    return np.exp(em + (li - tg) * math.exp(-vix[0] * tau) + 0.5 * s * s)


def _value_np(u, sign, strike, tau, S, li, tg, r, q, surf, vix):
    if u == 0:
        if tau <= 0:
            return np.maximum(sign * (S - strike), 0.0)
        x = np.log(S / strike) + (r - q) * tau
        sd = _surface_np(surf, np.exp(li), -x, tau) * math.sqrt(tau)
        d1 = x / sd + 0.5 * sd
        fd, kd = S * math.exp(-q * tau), strike * math.exp(-r * tau)
        return np.maximum(sign * (fd * ndtr(sign * d1) - kd * ndtr(sign * (d1 - sd))), 0.0)
    if tau <= 0:
        return np.maximum(sign * (np.exp(li) - strike), 0.0)
    f = _vix_future_np(vix, li, tg, tau)
    sd = _vix_total(vix, tau)
    d1 = np.log(f / strike) / sd + 0.5 * sd
    df = math.exp(-r * tau)
    return np.maximum(sign * df * (f * ndtr(sign * d1) - strike * ndtr(sign * (d1 - sd))), 0.0)


def reference(market, progs, costs=(0.03, 0.05), weights=1.0):
    """Final NAV and premium of every program, shape (n_programs, n_paths) each."""
    t_ = compile_programs(progs, weights)
    S, li, tg = market.spot, np.log(market.index), market.target
    dt, r, q = market.dt, market.rate, market.dividend_yield
    surf, vix = market.surface.vector(), market.vix_model.vector()
    n_p, n_t = S.shape
    growth = math.exp(r * dt)
    finals, prems = [], []
    for g in range(t_.n_programs):
        shares = t_.weight[g] / S[:, 0]
        cash = np.full(n_p, 1.0 - t_.weight[g])
        prem = np.zeros(n_p)
        sleeves = range(t_.sleeve_start[g], t_.sleeve_start[g + 1])
        legs = {s: range(t_.leg_start[s], t_.leg_start[s + 1]) for s in sleeves}
        strikes = {j: np.zeros(n_p) for s in sleeves for j in legs[s]}
        qty = {j: np.zeros(n_p) for s in sleeves for j in legs[s]}
        expiry = dict.fromkeys(sleeves, 0)
        nxt = dict.fromkeys(sleeves, 0)
        opened = dict.fromkeys(sleeves, False)
        hedge = np.zeros(n_p)
        for t in range(n_t):
            if t > 0:
                cash = cash * growth
            St, lt, gt = S[:, t], li[:, t], tg[:, t]
            for s in sleeves:
                if t != nxt[s]:
                    continue
                if opened[s]:
                    tau = (expiry[s] - t) * dt
                    for j in legs[s]:
                        v = _value_np(
                            t_.underlying[j], t_.sign[j], strikes[j], tau, St, lt, gt, r, q, surf, vix
                        )
                        if tau > 0:
                            h = costs[t_.underlying[j]]
                            v = np.where(qty[j] > 0, v * (1 - h), v * (1 + h))
                        cash = cash + qty[j] * v
                        qty[j] = np.zeros(n_p)
                    opened[s] = False
                if t >= n_t - 1:
                    continue
                tau = t_.tenor[s] * dt
                unit = np.zeros(n_p)
                fut = None
                call_ratio = 0.0
                for j in legs[s]:
                    u = t_.underlying[j]
                    if u == 1:
                        fut = _vix_future_np(vix, lt, gt, tau)
                        strikes[j] = t_.moneyness[j] * fut
                    elif t_.moneyness[j] > 0:
                        strikes[j] = t_.moneyness[j] * St
                    if t_.moneyness[j] > 0:
                        v = _value_np(u, t_.sign[j], strikes[j], tau, St, lt, gt, r, q, surf, vix)
                        h = costs[u]
                        unit = unit + (
                            t_.ratio[j] * v * (1 + h) if t_.ratio[j] > 0 else t_.ratio[j] * v * (1 - h)
                        )
                    else:
                        call_ratio += -t_.ratio[j]
                if call_ratio > 0:
                    put_cost = unit.copy()
                    h0 = costs[0]
                    fwd = math.exp((r - q) * tau)

                    def credit(logm, cr=call_ratio, h=h0, St=St, lt=lt, gt=gt, tau=tau):
                        call = _value_np(0, 1.0, St * np.exp(logm), tau, St, lt, gt, r, q, surf, vix)
                        return cr * (1 - h) * call

                    lo = np.full(n_p, math.log(fwd))
                    hi = np.full(n_p, math.log(10.0))
                    ok = credit(lo) > put_cost
                    for _ in range(80):
                        mid = 0.5 * (lo + hi)
                        up = credit(mid) > put_cost
                        lo = np.where(up, mid, lo)
                        hi = np.where(up, hi, mid)
                    mc = np.where(ok, np.exp(0.5 * (lo + hi)), fwd)
                    for j in legs[s]:
                        if t_.moneyness[j] <= 0:
                            strikes[j] = mc * St
                            v = _value_np(0, 1.0, strikes[j], tau, St, lt, gt, r, q, surf, vix)
                            unit = unit + t_.ratio[j] * v * (1 - h0)
                if t_.sizing[s] == 0:
                    units = (
                        t_.size[s] * (shares * St + cash) / fut
                        if t_.underlying[legs[s][0]] == 1
                        else t_.size[s] * shares
                    )
                else:
                    spend = t_.size[s] * (shares * St + cash) * t_.hold[s] * dt
                    units = np.where(unit > 1e-12 * St, spend / np.where(unit > 0, unit, 1.0), 0.0)
                for j in legs[s]:
                    qty[j] = units * t_.ratio[j]
                cash = cash - units * unit
                prem = prem + units * unit
                expiry[s] = t + t_.tenor[s]
                nxt[s] = t + t_.hold[s]
                opened[s] = True
            hedge = np.zeros(n_p)
            for s in sleeves:
                if not opened[s]:
                    continue
                tau = (expiry[s] - t) * dt
                for j in legs[s]:
                    hedge = hedge + qty[j] * _value_np(
                        t_.underlying[j], t_.sign[j], strikes[j], tau, St, lt, gt, r, q, surf, vix
                    )
            # insolvency: NAV <= 0 ends the portfolio (NAV 0, nothing held, nothing bought)
            ruined = shares * St + cash + hedge <= 0
            if ruined.any():
                shares = np.where(ruined, 0.0, shares)
                cash = np.where(ruined, 0.0, cash)
                hedge = np.where(ruined, 0.0, hedge)
                for s in sleeves:
                    for j in legs[s]:
                        qty[j] = np.where(ruined, 0.0, qty[j])
        finals.append(shares * S[:, -1] + cash + hedge)
        prems.append(prem)
    return np.array(finals), np.array(prems)


def main() -> None:
    """Print the benchmark table."""
    progs = programs()
    t0 = time.perf_counter()
    market = simulate_market("gjr_garch", n_paths=N_PATHS, n_steps=N_STEPS, seed=SEED)
    t_sim = time.perf_counter() - t0
    t0 = time.perf_counter()
    mark_programs(market, progs[:2])  # compile or load numba's cache
    t_first = time.perf_counter() - t0
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        out = mark_programs(market, progs)
        times.append(time.perf_counter() - t0)
    t_kernel = min(times)
    t0 = time.perf_counter()
    ref_final, ref_prem = reference(market, progs)
    t_ref = time.perf_counter() - t0
    err_nav = float(np.max(np.abs(out.stat("final_nav") - ref_final)))
    err_prem = float(np.max(np.abs(out.stat("premium") - ref_prem)))
    n_marks = len(progs) * N_PATHS * (N_STEPS + 1)
    print(
        f"{len(progs)} programs x {N_PATHS:,} paths x {N_STEPS} days (GJR-GARCH + vol index); {n_marks:,} program-days"
    )
    print(f"{'what':<46}{'seconds':>10}{'ratio':>10}")
    print(f"{'simulate paths (excluded)':<46}{t_sim:>10.2f}{'':>10}")
    print(f"{'tailkit first call (compile / cache load)':<46}{t_first:>10.2f}{'':>10}")
    print(f"{'tailkit mark_programs (best of 3)':<46}{t_kernel:>10.2f}{1.0:>10.1f}")
    print(f"{'numpy + ndtr reference':<46}{t_ref:>10.2f}{t_ref / t_kernel:>10.1f}")
    print(f"speed-up {t_ref / t_kernel:.1f}x (goal >= 20x), kernel {t_kernel:.2f} s (goal < 2 s)")
    print(f"max |final NAV difference| {err_nav:.2e}, max |premium difference| {err_prem:.2e}")


if __name__ == "__main__":
    main()
