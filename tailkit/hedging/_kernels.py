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
from tailkit.pricing._kernels import black_core

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


def leg_mid_python(
    underlying: int,
    sign: float,
    strike: float,
    d: int,
    spot: float,
    index_level: float,
    log_index: float,
    target: float,
    r: float,
    q: float,
    surf: np.ndarray,
    vix: np.ndarray,
    tab: np.ndarray,
) -> float:
    """:func:`leg_value` with ``d`` steps left, reading the hoisted :func:`step_tables`."""
    if d <= 0:
        if underlying == 0:
            return max(sign * (spot - strike), 0.0)
        return max(sign * (index_level - strike), 0.0)
    tau = tab[TAB_TAU, d]
    dfr = tab[TAB_DFR, d]
    if underlying == 0:
        x = math.log(spot / strike) + (r - q) * tau
        a = surf[SURF_ATM_RATIO] * index_level
        lr = surf[SURF_LONG_RUN]
        var = max(lr * lr + (a * a - lr * lr) * tab[TAB_TERM, d], 0.04 * a * a)
        sqt = tab[TAB_SQT, d]
        z = -x / sqt
        mult = 1.0 - surf[SURF_SKEW] * z + surf[SURF_CURVATURE] * z * z
        mult = min(max(mult, surf[SURF_FLOOR]), surf[SURF_CAP])
        v = black_core(sign, spot * tab[TAB_DFQ, d], strike * dfr, x, math.sqrt(var) * mult * sqt)[0]
        return max(v, 0.0)
    m_inf = vix[VIX_M_INF]
    sd = tab[TAB_VSD, d]
    fut = math.exp(
        m_inf + (target - m_inf) * tab[TAB_DKM, d] + (log_index - target) * tab[TAB_DK, d] + 0.5 * sd * sd
    )
    v = black_core(sign, fut * dfr, strike * dfr, math.log(fut / strike), sd)[0]
    return max(v, 0.0)


leg_mid = jit(leg_mid_python)


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
            m = v / navs[t - MONTH_STEPS] - 1.0
            if m < wm:
                wm = m
        elif t == n_t - 1:
            m = v / navs[0] - 1.0
            if m < wm:
                wm = m
    out[ST_MAX_DD] = worst
    out[ST_UNDER_WATER] = below / (n_t - 1) if n_t > 1 else 0.0
    out[ST_WORST_MONTH] = wm


_path_stats = jit(_path_stats_python)


def _mark_path_python(
    p,
    spot,
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
    """Mark every program on path ``p``; write its statistics (and records, when asked)."""
    n_t = spot.shape[1]
    n_prog = weight.shape[0]
    n_legs = underlying.shape[0]
    record_nav = nav_out.shape[1] > p
    record_legs = leg_qty.shape[0] > 0 and p == 0
    navs = np.empty(n_t)
    strikes = np.zeros(n_legs)
    qty = np.zeros(n_legs)
    n_sl = tenor.shape[0]
    expiry = np.zeros(n_sl, dtype=np.int64)
    next_roll = np.zeros(n_sl, dtype=np.int64)
    is_open = np.zeros(n_sl, dtype=np.bool_)
    growth = math.exp(r * dt)
    year = min(YEAR_STEPS, n_t - 1)
    s0 = spot[p, 0]
    for g in range(n_prog):
        w = weight[g]
        shares = w / s0
        cash = 1.0 - w
        base_cash = 1.0 - w
        premium = 0.0
        proceeds = 0.0
        base_peak = 1.0
        base_dd = 0.0
        for s in range(sleeve_start[g], sleeve_start[g + 1]):
            next_roll[s] = 0
            is_open[s] = False
            for j in range(leg_start[s], leg_start[s + 1]):
                qty[j] = 0.0
                strikes[j] = 0.0
        for t in range(n_t):
            if t > 0:
                cash *= growth
                base_cash *= growth
            st = spot[p, t]
            li = log_index[p, t]
            tg = target[p, t]
            vt = math.exp(li)
            for s in range(sleeve_start[g], sleeve_start[g + 1]):
                if t != next_roll[s]:
                    continue
                if is_open[s]:
                    d = expiry[s] - t
                    for j in range(leg_start[s], leg_start[s + 1]):
                        v = leg_mid(
                            underlying[j], sign[j], strikes[j], d, st, vt, li, tg, r, q, surf, vix, tab
                        )
                        if d > 0:
                            h = half_spread[underlying[j]]
                            v = v * (1.0 - h) if qty[j] > 0.0 else v * (1.0 + h)
                        cash += qty[j] * v
                        proceeds += qty[j] * v
                        qty[j] = 0.0
                    is_open[s] = False
                if t >= n_t - 1:
                    continue
                # open a new position: strikes, zero-cost call strikes, unit cost at the fill
                tau = tenor[s] * dt
                fut = 0.0
                unit_cost = 0.0
                put_cost = 0.0
                call_ratio = 0.0
                for j in range(leg_start[s], leg_start[s + 1]):
                    if underlying[j] == 1:
                        fut = vix_future(vix, li, tg, tau)
                        strikes[j] = moneyness[j] * fut
                    elif moneyness[j] > 0.0:
                        strikes[j] = moneyness[j] * st
                    if moneyness[j] > 0.0:
                        v = leg_mid(
                            underlying[j], sign[j], strikes[j], tenor[s], st, vt, li, tg, r, q, surf, vix, tab
                        )
                        h = half_spread[underlying[j]]
                        c = ratio[j] * v * (1.0 + h) if ratio[j] > 0.0 else ratio[j] * v * (1.0 - h)
                        unit_cost += c
                        put_cost += c
                    else:
                        call_ratio += -ratio[j]
                if call_ratio > 0.0:
                    h0 = half_spread[0]
                    mc = collar_call_moneyness(put_cost, call_ratio, tau, st, li, tg, r, q, surf, h0)
                    for j in range(leg_start[s], leg_start[s + 1]):
                        if moneyness[j] <= 0.0:
                            strikes[j] = mc * st
                            v = leg_mid(0, 1.0, strikes[j], tenor[s], st, vt, li, tg, r, q, surf, vix, tab)
                            unit_cost += ratio[j] * v * (1.0 - h0)
                if sizing[s] == 0:
                    if underlying[leg_start[s]] == 1:
                        units = size[s] * (shares * st + cash) / fut
                    else:
                        units = size[s] * shares
                else:
                    spend = size[s] * (shares * st + cash) * hold[s] * dt
                    units = spend / unit_cost if unit_cost > 1e-12 * st else 0.0
                for j in range(leg_start[s], leg_start[s + 1]):
                    qty[j] = units * ratio[j]
                cash -= units * unit_cost
                premium += units * unit_cost
                expiry[s] = t + tenor[s]
                next_roll[s] = t + hold[s]
                is_open[s] = True
            hedge = 0.0
            for s in range(sleeve_start[g], sleeve_start[g + 1]):
                if not is_open[s]:
                    continue
                d = expiry[s] - t
                for j in range(leg_start[s], leg_start[s + 1]):
                    v = leg_mid(underlying[j], sign[j], strikes[j], d, st, vt, li, tg, r, q, surf, vix, tab)
                    hedge += qty[j] * v
                    if record_legs:
                        leg_qty[j, t] = qty[j]
                        leg_strike[j, t] = strikes[j]
                        leg_expiry[j, t] = expiry[s]
            nav = shares * st + cash + hedge
            navs[t] = nav
            if record_nav:
                nav_out[g, p, t] = nav
            base = shares * st + base_cash
            if base >= base_peak:
                base_peak = base
            elif 1.0 - base / base_peak > base_dd:
                base_dd = 1.0 - base / base_peak
            if t == year:
                stats[g, p, ST_RET_1Y] = nav - 1.0
                stats[g, p, ST_BASE_RET_1Y] = base - 1.0
        stats[g, p, ST_FINAL] = navs[n_t - 1]
        stats[g, p, ST_BASE_FINAL] = shares * spot[p, n_t - 1] + base_cash
        stats[g, p, ST_BASE_MAX_DD] = base_dd
        stats[g, p, ST_PREMIUM] = premium
        stats[g, p, ST_PROCEEDS] = proceeds
        _path_stats(navs, n_t, stats[g, p])


_mark_path = jit(_mark_path_python)


def mark_programs_python(
    spot,
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
    spot, log_index, target : ndarray of shape (n_paths, n_t)
        Equity index level, log vol index (decimal) and the index's log target ``m``.
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
    for p in prange(spot.shape[0]):
        _mark_path(
            p,
            spot,
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
