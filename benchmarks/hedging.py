"""Hedging benchmark: 50 hedge programs marked daily on 10,000 paths x 252 days.

Programs: protective puts, put spreads, ratio spreads, collars (fixed and zero-cost) and VIX
calls, notional and budget sized. tailkit's kernel (``tailkit.hedging.mark_programs``, numba,
paths in parallel, every program on the same paths) against a reference written here that
reprices every option every day with vectorised numpy + ``scipy.special.ndtr`` over the paths
(one program and one day at a time), on the same simulated paths in the same run. The
reference produces what the kernel produces: every statistic of ``MarkedPrograms.stats``
(final NAV, 1-year return, deepest drawdown, time under water, worst month, premium, proceeds,
and the same for the unhedged portfolio), the NAV statistics followed day by day with numpy
(``_NavStatistics``); all ten are compared (the reference applies the same insolvency rule: a
NAV at or below 0 ends the portfolio). Until 2026-12-03 the reference stopped at the final NAV
and the premium, about 13% less work than the kernel does; the table prints the ratio against
both. Path simulation is timed separately and excluded.
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
from tailkit.hedging.marking import STAT_NAMES

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


class _NavStatistics:
    """Deepest drawdown, time under water and worst 21-day return of a NAV fed a day at a time.

    Plain numpy over the paths, one day's row at a time (as the reference prices): the running
    peak starts at the first NAV (or at ``floor`` when that is higher), the worst 21-day return
    reads the NAV 21 days back (over the whole horizon when it is shorter), a NAV at or below 0
    (insolvent) starts no return.
    """

    def __init__(self, n_t: int, n_p: int, floor: float = -math.inf) -> None:
        self.nav = np.empty((n_t, n_p))
        self.floor = floor
        self.lag = K.MONTH_STEPS if n_t - 1 >= K.MONTH_STEPS else n_t - 1
        self.peak = np.empty(n_p)
        self.max_dd = np.zeros(n_p)
        self.below = np.zeros(n_p)
        self.worst = np.zeros(n_p)

    def add(self, t: int, v: np.ndarray) -> None:
        self.nav[t] = v
        if t == 0:
            np.maximum(v, self.floor, out=self.peak)
        else:
            self.below += v < self.peak
            np.maximum(self.peak, v, out=self.peak)
        np.maximum(self.max_dd, 1.0 - v / self.peak, out=self.max_dd)
        if t >= self.lag > 0:
            start = self.nav[t - self.lag]
            ok = start > 0
            np.minimum(self.worst, np.where(ok, v / np.where(ok, start, 1.0) - 1.0, 0.0), out=self.worst)


def reference(market, progs, costs=(0.03, 0.05), weights=1.0, statistics=True):
    """Every statistic of every program, shape (n_programs, n_paths, N_STATS) in the kernel's order.

    With ``statistics=False`` only the final NAV and the premium are filled in (the others are
    0): the reference as it was until 2026-12-03, kept so the benchmark can show both ratios.

    The NAV of every program is followed day by day (insolvent portfolios at 0) with its
    statistics (final NAV, 1-year return, deepest drawdown, time under water, worst 21-day
    return: :class:`_NavStatistics`); premium paid and proceeds received are summed as they
    happen; the unhedged portfolio (the same equity weight, no hedge) gets the same.
    """
    t_ = compile_programs(progs, weights)
    S, li, tg = market.spot, np.log(market.index), market.target
    dt, r, q = market.dt, market.rate, market.dividend_yield
    surf, vix = market.surface.vector(), market.vix_model.vector()
    n_p, n_t = S.shape
    growth = math.exp(r * dt)
    year = min(K.YEAR_STEPS, n_t - 1)
    stats = np.zeros((t_.n_programs, n_p, K.N_STATS))
    for w in np.unique(t_.weight) if statistics else ():  # the unhedged portfolio, once per weight
        base = _NavStatistics(n_t, n_p, floor=1.0)  # its peak starts at the initial NAV of 1
        shares0, cash = w / S[:, 0], 1.0 - w
        for t in range(n_t):
            cash = cash * growth if t > 0 else cash
            base.add(t, shares0 * S[:, t] + cash)
        for k, v in ((K.ST_BASE_FINAL, base.nav[-1]), (K.ST_BASE_RET_1Y, base.nav[year] - 1.0),
                     (K.ST_BASE_MAX_DD, base.max_dd)):  # fmt: skip
            stats[t_.weight == w, :, k] = v
    for g in range(t_.n_programs):
        shares = t_.weight[g] / S[:, 0]
        cash = np.full(n_p, 1.0 - t_.weight[g])
        nav = _NavStatistics(n_t, n_p)
        prem = np.zeros(n_p)
        proceeds = np.zeros(n_p)
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
                        proceeds = proceeds + qty[j] * v
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
            if statistics:
                nav.add(t, shares * St + cash + hedge)
        stats[g, :, K.ST_FINAL] = shares * S[:, -1] + cash + hedge
        stats[g, :, K.ST_PREMIUM] = prem
        if statistics:
            stats[g, :, K.ST_RET_1Y] = nav.nav[year] - 1.0
            stats[g, :, K.ST_MAX_DD] = nav.max_dd
            stats[g, :, K.ST_UNDER_WATER] = nav.below / (n_t - 1)
            stats[g, :, K.ST_WORST_MONTH] = nav.worst
            stats[g, :, K.ST_PROCEEDS] = proceeds
    return stats


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
    ref = reference(market, progs)
    t_ref = time.perf_counter() - t0
    t0 = time.perf_counter()
    reference(market, progs, statistics=False)
    t_ref_short = time.perf_counter() - t0
    errors = np.max(np.abs(out.stats - ref), axis=(0, 1))
    n_marks = len(progs) * N_PATHS * (N_STEPS + 1)
    print(
        f"{len(progs)} programs x {N_PATHS:,} paths x {N_STEPS} days (GJR-GARCH + vol index); {n_marks:,} program-days"
    )
    print(f"{'what':<46}{'seconds':>10}{'ratio':>10}")
    print(f"{'simulate paths (excluded)':<46}{t_sim:>10.2f}{'':>10}")
    print(f"{'tailkit first call (compile / cache load)':<46}{t_first:>10.2f}{'':>10}")
    print(f"{'tailkit mark_programs (best of 3)':<46}{t_kernel:>10.2f}{1.0:>10.1f}")
    print(f"{'numpy + ndtr reference, every statistic':<46}{t_ref:>10.2f}{t_ref / t_kernel:>10.1f}")
    label = "  the same, final NAV and premium only"
    print(f"{label:<46}{t_ref_short:>10.2f}{t_ref_short / t_kernel:>10.1f}")
    print(f"speed-up {t_ref / t_kernel:.1f}x (goal >= 20x), kernel {t_kernel:.2f} s (goal < 2 s)")
    print("max |kernel - reference| per statistic (NAV 1 at the start):")
    for name, err in zip(STAT_NAMES, errors):
        print(f"  {name:<24}{err:.2e}")


if __name__ == "__main__":
    main()
