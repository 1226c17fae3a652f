"""Hedging kernels: the implied-vol surface, the VIX future, leg values and the daily marking loop.

Every option is valued with the pricing package's one Black formula
(:func:`tailkit.pricing._kernels.black_core`); nothing here re-derives Black-Scholes.
Plain-Python functions ``foo_python`` with jitted twins ``foo`` (``tailkit._numba.jit``,
``cache=True``); tests check the twins agree. No randomness is drawn here: the paths (equity,
vol index, the index's target) come in as arrays, drawn once for every program.

Array layout of a compiled program table (see :mod:`tailkit.hedging.programs`)
-------------------------------------------------------------------------------
* programs ``p``: sleeves ``sleeve_start[p]:sleeve_start[p + 1]``, equity weight ``weight[p]``;
* sleeves ``s`` (legs that open, roll and are sized together): legs
  ``leg_start[s]:leg_start[s + 1]``, ``tenor[s]`` and ``hold[s]`` in steps (``hold == tenor``:
  held to expiry and cash settled; else sold ``tenor - hold`` steps before expiry),
  ``sizing[s]`` (0 notional hedge ratio, 1 premium budget), ``size[s]`` (hedge ratio, or
  premium budget as a fraction of NAV a year);
* legs ``l``: ``underlying[l]`` (0 equity index, 1 vol index), ``sign[l]`` (+1 call, -1 put),
  ``moneyness[l]`` (strike / spot for equity legs, strike / VIX future for VIX legs; 0 on a
  collar's call: solved at each roll so the sleeve costs nothing), ``ratio[l]`` (contracts per
  unit of the sleeve, > 0 long, < 0 short).

Fills: a long leg is bought at ``mid (1 + h)`` and sold at ``mid (1 - h)``, a short leg the
other way round, with ``h`` the half-spread of its underlying as a fraction of the mid; cash
settlement at expiry pays the intrinsic value with no spread.
"""

from __future__ import annotations

import math

import numpy as np

from tailkit._numba import jit, prange
from tailkit.pricing._kernels import black_core, bs_block

#: positions in the surface parameter vector
SURF_ATM_RATIO, SURF_LONG_RUN, SURF_TERM_SPEED, SURF_SKEW, SURF_CURVATURE, SURF_FLOOR, SURF_CAP = range(7)
#: positions in the VIX model vector: kappa, vol_of_vol, long-run target, target decay speed, target vol
VIX_KAPPA, VIX_XI, VIX_M_INF, VIX_KAPPA_M, VIX_SIGMA_M = range(5)
#: reference tenor of the vol index (30 calendar days), years
INDEX_TENOR = 30.0 / 365.0

#: statistics per (program, path)
ST_FINAL, ST_RET_1Y, ST_MAX_DD, ST_UNDER_WATER, ST_WORST_MONTH, ST_PREMIUM, ST_PROCEEDS = range(7)
ST_BASE_FINAL, ST_BASE_RET_1Y, ST_BASE_MAX_DD = 7, 8, 9
N_STATS = 10
#: paths valued together by the vectorised Black pass (the unit of parallel work)
PATH_BLOCK = 256
#: steps in a "month" (worst-month statistic) and in a year (1-year return)
MONTH_STEPS = 21
YEAR_STEPS = 252


def surface_vol_python(surf: np.ndarray, index_level: float, log_moneyness: float, tau: float) -> float:
    """Implied vol of an equity-index option from the vol-index level (decimals, years).

    ATM vol of the index's own tenor is ``atm_ratio * index_level``; other tenors follow the
    mean-reverting variance term structure
    ``s(tau)^2 = L^2 + (atm30^2 - L^2) g(tau) / g(30d)`` with ``g(t) = (1 - e^{-c t}) / (c t)``
    (floored at ``(0.2 atm30)^2``); each strike multiplies it by
    ``clip(1 - skew z + curvature z^2, floor, cap)`` with ``z = ln(K / F) / sqrt(tau)``.
    """
    a = surf[SURF_ATM_RATIO] * index_level
    lr = surf[SURF_LONG_RUN]
    c = surf[SURF_TERM_SPEED]
    t = max(tau, 1e-6)
    g = -math.expm1(-c * t) / (c * t)
    g30 = -math.expm1(-c * INDEX_TENOR) / (c * INDEX_TENOR)
    var = lr * lr + (a * a - lr * lr) * g / g30
    var = max(var, 0.04 * a * a)
    z = log_moneyness / math.sqrt(t)
    mult = 1.0 - surf[SURF_SKEW] * z + surf[SURF_CURVATURE] * z * z
    mult = min(max(mult, surf[SURF_FLOOR]), surf[SURF_CAP])
    return math.sqrt(var) * mult


surface_vol = jit(surface_vol_python)


def vix_total_vol_python(vix: np.ndarray, tau: float) -> float:
    """Total log-vol ``sqrt(Var log V_T)`` of the index over ``tau`` years (deviation + target)."""
    k = vix[VIX_KAPPA]
    xi = vix[VIX_XI]
    var = xi * xi * (-math.expm1(-2.0 * k * tau)) / (2.0 * k)
    km = vix[VIX_KAPPA_M]
    sm = vix[VIX_SIGMA_M]
    if sm > 0.0:
        var += sm * sm * (-math.expm1(-2.0 * km * tau)) / (2.0 * km) if km > 0.0 else sm * sm * tau
    return math.sqrt(var)


vix_total_vol = jit(vix_total_vol_python)


def vix_future_python(vix: np.ndarray, log_index: float, target: float, tau: float) -> float:
    """Model expectation of the vol index ``tau`` years ahead: the VIX future of that expiry.

    ``log V = m + u`` with ``u`` an OU deviation (speed ``kappa``, vol ``xi``) and the target
    ``m`` treated as an OU process of its own (toward ``m_inf``, speed ``kappa_m``, vol
    ``sigma_m``, independent of ``u``):
    ``F = exp(E m_T + u_t e^{-kappa tau} + (s_u^2 + s_m^2) / 2)`` with ``s^2`` each part's
    conditional variance. Exact for a constant target (pure log-OU); with a moving target the
    documented approximation.
    """
    k = vix[VIX_KAPPA]
    m_inf = vix[VIX_M_INF]
    em = m_inf + (target - m_inf) * math.exp(-vix[VIX_KAPPA_M] * tau)
    u = log_index - target
    s = vix_total_vol(vix, tau)
    return math.exp(em + u * math.exp(-k * tau) + 0.5 * s * s)


vix_future = jit(vix_future_python)


def leg_value_python(
    underlying: int,
    sign: float,
    strike: float,
    tau: float,
    spot: float,
    log_index: float,
    target: float,
    r: float,
    q: float,
    surf: np.ndarray,
    vix: np.ndarray,
) -> float:
    """Mid value of one option (per unit) with ``tau`` years left; intrinsic at ``tau <= 0``."""
    if underlying == 0:
        if tau <= 0.0:
            return max(sign * (spot - strike), 0.0)
        x = math.log(spot / strike) + (r - q) * tau
        sigma = surface_vol(surf, math.exp(log_index), -x, tau)
        v = black_core(
            sign, spot * math.exp(-q * tau), strike * math.exp(-r * tau), x, sigma * math.sqrt(tau)
        )[0]
        return max(v, 0.0)
    if tau <= 0.0:
        return max(sign * (math.exp(log_index) - strike), 0.0)
    fut = vix_future(vix, log_index, target, tau)
    df = math.exp(-r * tau)
    v = black_core(sign, fut * df, strike * df, math.log(fut / strike), vix_total_vol(vix, tau))[0]
    return max(v, 0.0)


leg_value = jit(leg_value_python)

#: rows of the per-steps-left table (:func:`step_tables`)
TAB_TAU, TAB_SQT, TAB_DFR, TAB_DFQ, TAB_TERM, TAB_VSD, TAB_DK, TAB_DKM = range(8)


def step_tables_python(
    max_steps: int, dt: float, r: float, q: float, surf: np.ndarray, vix: np.ndarray
) -> np.ndarray:
    """What depends only on the steps left ``d`` (0..max_steps), computed once per marking run.

    Rows (``TAB_*``): ``tau``, ``sqrt(tau)``, ``e^{-r tau}``, ``e^{-q tau}``, the ATM term factor
    ``g(tau) / g(30d)``, the VIX option's total vol, ``e^{-kappa tau}`` and ``e^{-kappa_m tau}``.
    The same formulas as :func:`surface_vol` and :func:`vix_future`, hoisted out of the daily loop.
    """
    out = np.zeros((8, max_steps + 1))
    c = surf[SURF_TERM_SPEED]
    g30 = -math.expm1(-c * INDEX_TENOR) / (c * INDEX_TENOR)
    for d in range(max_steps + 1):
        tau = d * dt
        t = max(tau, 1e-6)
        out[TAB_TAU, d] = tau
        out[TAB_SQT, d] = math.sqrt(tau)
        out[TAB_DFR, d] = math.exp(-r * tau)
        out[TAB_DFQ, d] = math.exp(-q * tau)
        out[TAB_TERM, d] = (-math.expm1(-c * t) / (c * t)) / g30
        out[TAB_VSD, d] = vix_total_vol(vix, tau)
        out[TAB_DK, d] = math.exp(-vix[VIX_KAPPA] * tau)
        out[TAB_DKM, d] = math.exp(-vix[VIX_KAPPA_M] * tau)
    return out


step_tables = jit(step_tables_python)


def leg_values_python(
    underlying: int,
    sign: float,
    strikes: np.ndarray,
    d: int,
    spot: np.ndarray,
    index_level: np.ndarray,
    log_index: np.ndarray,
    target: np.ndarray,
    m: int,
    r: float,
    q: float,
    surf: np.ndarray,
    vix: np.ndarray,
    tab: np.ndarray,
    P: np.ndarray,
    out: np.ndarray,
) -> None:
    """Mid values of one leg on ``m`` paths with ``d`` steps left, into ``out[0, :m]``.

    A scalar pass fills the Black inputs (surface vol, VIX future, ``ln(F/K)``) into ``P``
    and the pricing package's vectorised Black pass (:func:`tailkit.pricing._kernels.bs_block`)
    values them all; ``d <= 0`` pays the intrinsic value (cash settlement). Same formulas as
    :func:`leg_value`, with what depends only on ``d`` read from :func:`step_tables`.
    """
    if d <= 0:
        for i in range(m):
            und = spot[i] if underlying == 0 else index_level[i]
            out[0, i] = max(sign * (und - strikes[i]), 0.0)
        return
    tau = tab[TAB_TAU, d]
    sqt = tab[TAB_SQT, d]
    if underlying == 0:
        a_ratio = surf[SURF_ATM_RATIO]
        lr2 = surf[SURF_LONG_RUN] * surf[SURF_LONG_RUN]
        term = tab[TAB_TERM, d]
        skew = surf[SURF_SKEW]
        curv = surf[SURF_CURVATURE]
        lo_m = surf[SURF_FLOOR]
        hi_m = surf[SURF_CAP]
        carry = (r - q) * tau
        for i in range(m):
            x = math.log(spot[i] / strikes[i]) + carry
            a = a_ratio * index_level[i]
            var = max(lr2 + (a * a - lr2) * term, 0.04 * a * a)
            z = -x / sqt
            mult = min(max(1.0 - skew * z + curv * z * z, lo_m), hi_m)
            P[0, i] = sign
            P[1, i] = spot[i]
            P[2, i] = strikes[i]
            P[3, i] = tau
            P[4, i] = r
            P[5, i] = q
            P[6, i] = math.sqrt(var) * mult
            P[7, i] = x
    else:
        m_inf = vix[VIX_M_INF]
        sd = tab[TAB_VSD, d]
        dkm = tab[TAB_DKM, d]
        dk = tab[TAB_DK, d]
        for i in range(m):
            tg = target[i]
            fut = math.exp(m_inf + (tg - m_inf) * dkm + (log_index[i] - tg) * dk + 0.5 * sd * sd)
            P[0, i] = sign
            P[1, i] = fut
            P[2, i] = strikes[i]
            P[3, i] = tau
            P[4, i] = r
            P[5, i] = r  # Black-76: Black-Scholes-Merton with the carry of a future
            P[6, i] = sd / sqt
            P[7, i] = math.log(fut / strikes[i])
    bs_block(P, m, out, False)


leg_values = jit(leg_values_python)


def collar_call_moneyness_python(
    put_cost: float,
    call_ratio: float,
    tau: float,
    spot: float,
    log_index: float,
    target: float,
    r: float,
    q: float,
    surf: np.ndarray,
    h: float,
) -> float:
    """Call moneyness (strike / spot) whose sale at the bid pays ``put_cost`` (bisection).

    ``call_ratio`` (> 0) calls are sold per unit. Searched between the forward and 10x spot in
    log strike; when even a call struck at the forward cannot pay for the puts, the forward's
    moneyness is returned (the collar then costs the difference).
    """
    fwd = math.exp((r - q) * tau)
    lo = math.log(fwd)
    hi = math.log(10.0)
    credit_lo = (
        call_ratio * (1.0 - h) * leg_value(0, 1.0, spot * fwd, tau, spot, log_index, target, r, q, surf, surf)
    )
    if credit_lo <= put_cost:
        return fwd
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        credit = (
            call_ratio
            * (1.0 - h)
            * leg_value(0, 1.0, spot * math.exp(mid), tau, spot, log_index, target, r, q, surf, surf)
        )
        if credit > put_cost:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


collar_call_moneyness = jit(collar_call_moneyness_python)


def _path_stats_python(navs: np.ndarray, n_t: int, out: np.ndarray) -> None:
    """Max drawdown, share of steps under water and worst 21-step return of ``navs[:n_t]``."""
    peak = navs[0]
    worst = 0.0
    below = 0
    wm = 0.0
    for t in range(1, n_t):
        v = navs[t]
        if v >= peak:
            peak = v
        else:
            below += 1
            dd = 1.0 - v / peak
            if dd > worst:
                worst = dd
        if t >= MONTH_STEPS:
            mo = v / navs[t - MONTH_STEPS] - 1.0
            if mo < wm:
                wm = mo
        elif t == n_t - 1:
            mo = v / navs[0] - 1.0
            if mo < wm:
                wm = mo
    out[ST_MAX_DD] = worst
    out[ST_UNDER_WATER] = below / (n_t - 1) if n_t > 1 else 0.0
    out[ST_WORST_MONTH] = wm


_path_stats = jit(_path_stats_python)


def _mark_block_python(
    lo,
    hi,
    spot,
    level,
    log_index,
    target,
    dt,
    r,
    q,
    surf,
    vix,
    sleeve_start,
    weight,
    leg_start,
    tenor,
    hold,
    sizing,
    size,
    underlying,
    sign,
    moneyness,
    ratio,
    half_spread,
    stats,
    nav_out,
    leg_qty,
    leg_strike,
    leg_expiry,
    tab,
):
    """Mark every program on paths ``lo:hi`` (one block); write statistics and records.

    Roll dates are the same on every path (a program's schedule depends on time only), so the
    block walks the days once per program and values each leg on all its paths at once.
    """
    n_t = spot.shape[1]
    m = hi - lo
    n_prog = weight.shape[0]
    n_legs = underlying.shape[0]
    n_sl = tenor.shape[0]
    n_rec = nav_out.shape[1]
    record_legs = leg_qty.shape[0] > 0 and lo == 0
    navs = np.empty((m, n_t))
    strikes = np.ones((n_legs, m))
    qty = np.zeros((n_legs, m))
    expiry = np.zeros(n_sl, dtype=np.int64)
    next_roll = np.zeros(n_sl, dtype=np.int64)
    is_open = np.zeros(n_sl, dtype=np.bool_)
    P = np.empty((8, m))
    R = np.empty((1, m))
    st = np.empty(m)
    vt = np.empty(m)
    li = np.empty(m)
    tg = np.empty(m)
    shares = np.empty(m)
    cash = np.empty(m)
    base_cash = np.empty(m)
    premium = np.empty(m)
    proceeds = np.empty(m)
    base_peak = np.empty(m)
    base_dd = np.empty(m)
    hedge = np.empty(m)
    unit_cost = np.empty(m)
    put_cost = np.empty(m)
    units = np.empty(m)
    fut = np.ones(m)
    growth = math.exp(r * dt)
    year = min(YEAR_STEPS, n_t - 1)
    for g in range(n_prog):
        w = weight[g]
        for i in range(m):
            shares[i] = w / spot[lo + i, 0]
            cash[i] = 1.0 - w
            base_cash[i] = 1.0 - w
            premium[i] = 0.0
            proceeds[i] = 0.0
            base_peak[i] = 1.0
            base_dd[i] = 0.0
        for s in range(sleeve_start[g], sleeve_start[g + 1]):
            next_roll[s] = 0
            is_open[s] = False
            for j in range(leg_start[s], leg_start[s + 1]):
                for i in range(m):
                    qty[j, i] = 0.0
                    strikes[j, i] = 1.0
        for t in range(n_t):
            for i in range(m):
                st[i] = spot[lo + i, t]
                li[i] = log_index[lo + i, t]
                vt[i] = level[lo + i, t]
                tg[i] = target[lo + i, t]
                if t > 0:
                    cash[i] *= growth
                    base_cash[i] *= growth
            for s in range(sleeve_start[g], sleeve_start[g + 1]):
                if t != next_roll[s]:
                    continue
                if is_open[s]:
                    d = expiry[s] - t
                    for j in range(leg_start[s], leg_start[s + 1]):
                        leg_values(
                            underlying[j],
                            sign[j],
                            strikes[j],
                            d,
                            st,
                            vt,
                            li,
                            tg,
                            m,
                            r,
                            q,
                            surf,
                            vix,
                            tab,
                            P,
                            R,
                        )
                        h = half_spread[underlying[j]] if d > 0 else 0.0
                        fill = 1.0 - h if ratio[j] > 0.0 else 1.0 + h
                        for i in range(m):
                            v = qty[j, i] * R[0, i] * fill
                            cash[i] += v
                            proceeds[i] += v
                            qty[j, i] = 0.0
                    is_open[s] = False
                if t >= n_t - 1:
                    continue
                # open a new position: strikes, zero-cost call strikes, unit cost at the fill
                tau = tenor[s] * dt
                call_ratio = 0.0
                for i in range(m):
                    unit_cost[i] = 0.0
                for j in range(leg_start[s], leg_start[s + 1]):
                    if moneyness[j] <= 0.0:
                        call_ratio += -ratio[j]
                        continue
                    if underlying[j] == 1:
                        for i in range(m):
                            fut[i] = vix_future(vix, li[i], tg[i], tau)
                            strikes[j, i] = moneyness[j] * fut[i]
                    else:
                        for i in range(m):
                            strikes[j, i] = moneyness[j] * st[i]
                    leg_values(
                        underlying[j],
                        sign[j],
                        strikes[j],
                        tenor[s],
                        st,
                        vt,
                        li,
                        tg,
                        m,
                        r,
                        q,
                        surf,
                        vix,
                        tab,
                        P,
                        R,
                    )
                    h = half_spread[underlying[j]]
                    fill = 1.0 + h if ratio[j] > 0.0 else 1.0 - h
                    for i in range(m):
                        unit_cost[i] += ratio[j] * R[0, i] * fill
                if call_ratio > 0.0:
                    h0 = half_spread[0]
                    for i in range(m):
                        put_cost[i] = unit_cost[i]
                    for j in range(leg_start[s], leg_start[s + 1]):
                        if moneyness[j] > 0.0:
                            continue
                        for i in range(m):
                            mc = collar_call_moneyness(
                                put_cost[i], call_ratio, tau, st[i], li[i], tg[i], r, q, surf, h0
                            )
                            strikes[j, i] = mc * st[i]
                        leg_values(
                            0, 1.0, strikes[j], tenor[s], st, vt, li, tg, m, r, q, surf, vix, tab, P, R
                        )
                        for i in range(m):
                            unit_cost[i] += ratio[j] * R[0, i] * (1.0 - h0)
                vix_sleeve = underlying[leg_start[s]] == 1
                for i in range(m):
                    if sizing[s] == 0:
                        if vix_sleeve:
                            units[i] = size[s] * (shares[i] * st[i] + cash[i]) / fut[i]
                        else:
                            units[i] = size[s] * shares[i]
                    else:
                        spend = size[s] * (shares[i] * st[i] + cash[i]) * hold[s] * dt
                        units[i] = spend / unit_cost[i] if unit_cost[i] > 1e-12 * st[i] else 0.0
                    cash[i] -= units[i] * unit_cost[i]
                    premium[i] += units[i] * unit_cost[i]
                for j in range(leg_start[s], leg_start[s + 1]):
                    for i in range(m):
                        qty[j, i] = units[i] * ratio[j]
                expiry[s] = t + tenor[s]
                next_roll[s] = t + hold[s]
                is_open[s] = True
            for i in range(m):
                hedge[i] = 0.0
            for s in range(sleeve_start[g], sleeve_start[g + 1]):
                if not is_open[s]:
                    continue
                d = expiry[s] - t
                for j in range(leg_start[s], leg_start[s + 1]):
                    leg_values(
                        underlying[j], sign[j], strikes[j], d, st, vt, li, tg, m, r, q, surf, vix, tab, P, R
                    )
                    for i in range(m):
                        hedge[i] += qty[j, i] * R[0, i]
                    if record_legs:
                        leg_qty[j, t] = qty[j, 0]
                        leg_strike[j, t] = strikes[j, 0]
                        leg_expiry[j, t] = expiry[s]
            for i in range(m):
                nav = shares[i] * st[i] + cash[i] + hedge[i]
                navs[i, t] = nav
                if lo + i < n_rec:
                    nav_out[g, lo + i, t] = nav
                base = shares[i] * st[i] + base_cash[i]
                if base >= base_peak[i]:
                    base_peak[i] = base
                elif 1.0 - base / base_peak[i] > base_dd[i]:
                    base_dd[i] = 1.0 - base / base_peak[i]
                if t == year:
                    stats[g, lo + i, ST_RET_1Y] = nav - 1.0
                    stats[g, lo + i, ST_BASE_RET_1Y] = base - 1.0
        for i in range(m):
            p = lo + i
            stats[g, p, ST_FINAL] = navs[i, n_t - 1]
            stats[g, p, ST_BASE_FINAL] = shares[i] * spot[p, n_t - 1] + base_cash[i]
            stats[g, p, ST_BASE_MAX_DD] = base_dd[i]
            stats[g, p, ST_PREMIUM] = premium[i]
            stats[g, p, ST_PROCEEDS] = proceeds[i]
            _path_stats(navs[i], n_t, stats[g, p])


_mark_block = jit(_mark_block_python)


def mark_programs_python(
    spot,
    level,
    log_index,
    target,
    dt,
    r,
    q,
    surf,
    vix,
    sleeve_start,
    weight,
    leg_start,
    tenor,
    hold,
    sizing,
    size,
    underlying,
    sign,
    moneyness,
    ratio,
    half_spread,
    stats,
    nav_out,
    leg_qty,
    leg_strike,
    leg_expiry,
):
    """Mark every program on every path, every day.

    Parameters
    ----------
    spot, level, log_index, target : ndarray of shape (n_paths, n_t)
        Equity index level, vol index (decimal), its log and the index's log target ``m``.
    dt, r, q : float
        Step (years), cash rate and dividend yield (continuously compounded decimals).
    surf : ndarray of shape (7,)
        Surface parameters (``SURF_*``).
    vix : ndarray of shape (4,)
        VIX model (``VIX_*``).
    sleeve_start .. ratio : ndarray
        The compiled program table (module docstring).
    half_spread : ndarray of shape (2,)
        Half-spread as a fraction of the mid: equity options, VIX options.
    stats : ndarray of shape (n_programs, n_paths, N_STATS)
        Output statistics (``ST_*``); NAV starts at 1.
    nav_out : ndarray of shape (n_programs, n_record, n_t)
        NAV paths of the first ``n_record`` paths (``n_record`` may be 0).
    leg_qty, leg_strike : ndarray of shape (n_legs, n_t) or (0, n_t)
        Quantity and strike of each leg on path 0 (when the first axis is ``n_legs``).
    leg_expiry : ndarray of int64, shape (n_legs, n_t) or (0, n_t)
        Expiry step of each leg's open position on path 0.
    """
    max_steps = 1
    for s in range(tenor.shape[0]):
        max_steps = max(max_steps, tenor[s])
    tab = step_tables(max_steps, dt, r, q, surf, vix)
    n_paths = spot.shape[0]
    n_blocks = (n_paths + PATH_BLOCK - 1) // PATH_BLOCK
    for b in prange(n_blocks):
        lo = b * PATH_BLOCK
        hi = min(lo + PATH_BLOCK, n_paths)
        _mark_block(
            lo,
            hi,
            spot,
            level,
            log_index,
            target,
            dt,
            r,
            q,
            surf,
            vix,
            sleeve_start,
            weight,
            leg_start,
            tenor,
            hold,
            sizing,
            size,
            underlying,
            sign,
            moneyness,
            ratio,
            half_spread,
            stats,
            nav_out,
            leg_qty,
            leg_strike,
            leg_expiry,
            tab,
        )


mark_programs = jit(mark_programs_python, parallel=True)
