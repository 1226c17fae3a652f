"""Hedging kernels: the implied-vol surface, the VIX future, leg values and the daily marking loop.

Every option is valued with the pricing package's one Black formula
(:func:`tailkit.pricing._kernels.black_core`, and in the daily loop its vector pass
:func:`tailkit.pricing._kernels.black_block`); nothing here re-derives Black-Scholes.

Where the marking time goes, and how it is kept down: each *distinct* option (underlying, type,
moneyness, schedule; see :func:`tailkit.hedging.marking.distinct_options`) is valued once per
path and day and shared by every program that holds it; what depends only on the steps left
comes from :func:`step_tables`, what every strike of one expiry shares on one day (the ATM vol,
the VIX future) from :func:`expiry_row`; logs of spot and strike are taken once per day and per roll, so
the loop over a block's paths has no libm call and vectorises; a block's paths are copied
day-major once; zero-cost collar calls are solved by Newton's method on all of a block's paths
at once; the unhedged statistics are computed once per distinct equity weight; the deepest
drawdown and the worst month are kept as (value, reference) pairs compared by cross-multiplying,
so the daily loop has no division; tables are passed to the helpers whole, with row indices
(a slice per option and day costs a reference count), and the helpers called per option and
day are compiled without numba's reference counting (``nrt=False``: a call to them takes and
drops no reference to its array arguments, which had cost 11% of the time); a block's state
starts on cache lines (:func:`_lines`: numba's 32-byte alignment split every other 512-bit
access across two lines); the days run in tiles of :data:`TILE_DAYS`: the distinct options are
valued for every day of a tile, then each program is marked over the tile's days while its
state (a dozen rows of the block's paths) stays in cache; blocks of paths run in parallel
(``prange``).
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
from tailkit.pricing._kernels import black_block, black_core, bs_block
from tailkit.pricing._kernels.normal import vexp

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
#: paths per block, about (:func:`path_blocks`): valued together by the vectorised Black pass
PATH_BLOCK = 128
#: days per tile of the daily loop (:func:`_mark_block`): the distinct options are valued for a
#: tile's days, then each program is marked over them while its state stays in cache
TILE_DAYS = 8
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


def _log_vix_future_python(
    vix: np.ndarray, tab: np.ndarray, d: int, log_index: float, target: float
) -> float:
    """Log of :func:`vix_future` with ``d`` steps to expiry, from the step table (no libm call).

    ``E m_T + (ln V - m) e^{-kappa tau} + (s_u^2 + s_m^2) / 2``, the terms in the order
    :func:`vix_future` adds them.
    """
    m_inf = vix[VIX_M_INF]
    sd = tab[TAB_VSD, d]
    return m_inf + (target - m_inf) * tab[TAB_DKM, d] + (log_index - target) * tab[TAB_DK, d] + 0.5 * sd * sd


_log_vix_future = jit(_log_vix_future_python, inline="always")


def expiry_row_python(
    und: int,
    d: int,
    level: np.ndarray,
    log_index: np.ndarray,
    target: np.ndarray,
    m: int,
    surf: np.ndarray,
    vix: np.ndarray,
    tab: np.ndarray,
    rows: np.ndarray,
    k: int,
) -> None:
    """What every option on underlying ``und`` with ``d > 0`` steps left shares, on ``m`` paths.

    Equity index (``und == 0``): ``rows[k, 0]`` the surface's ATM vol of that tenor,
    ``sqrt(max(L^2 + (a^2 - L^2) g(tau) / g(30d), 0.04 a^2))`` with ``a = atm_ratio x index``
    (:func:`surface_vol` before its strike multiplier). Vol index (``und == 1``): ``rows[k, 0]`` the
    log of the VIX future of that expiry and ``rows[k, 1]`` the discounted future (Black-76's
    forward), as in :func:`vix_future`, with :func:`tailkit.pricing._kernels.normal.vexp` for the
    exponential (within 1 ulp of libm's). Computed once per day and expiry, shared by every
    strike that expires then (:func:`unique_leg_values`). Writes row ``k`` of ``rows`` (n, 2, m).
    """
    if und == 0:
        a_ratio = surf[SURF_ATM_RATIO]
        lr2 = surf[SURF_LONG_RUN] * surf[SURF_LONG_RUN]
        term = tab[TAB_TERM, d]
        for i in range(m):
            a = a_ratio * level[i]
            var = lr2 + (a * a - lr2) * term
            var = var if var > 0.04 * a * a else 0.04 * a * a
            rows[k, 0, i] = math.sqrt(var)
    else:
        dfr = tab[TAB_DFR, d]
        for i in range(m):
            lf = _log_vix_future(vix, tab, d, log_index[i], target[i])
            rows[k, 0, i] = lf
            rows[k, 1, i] = vexp(lf) * dfr  # Black-76: the discounted future


expiry_row = jit(expiry_row_python, nrt=False)


def unique_leg_values_python(
    und: int,
    sign: float,
    d: int,
    u: int,
    strike: np.ndarray,
    log_strike: np.ndarray,
    spot: np.ndarray,
    log_spot: np.ndarray,
    level: np.ndarray,
    m: int,
    r: float,
    q: float,
    surf: np.ndarray,
    vix: np.ndarray,
    tab: np.ndarray,
    rows: np.ndarray,
    row: int,
    P: np.ndarray,
    out: np.ndarray,
    orow: int,
) -> None:
    """Mid values of distinct option ``u`` on ``m`` paths with ``d`` steps left, into ``out[orow, :m]``.

    Same formulas as :func:`leg_value`, arranged so the loop over paths has no libm call: the
    log-moneyness is ``ln S - ln K`` from logs taken once (spot once per day, strike
    ``strike[u]`` and its log ``log_strike[u]`` once per roll), what depends only on ``d`` comes
    from :func:`step_tables`, what every strike of one expiry shares (ATM vol, VIX future) from
    ``rows[row]`` (:func:`expiry_row`, filled by the caller); the discounted forward and strike,
    ``ln(F/K)`` and the total vol go into ``P[:4]`` and the pricing package's vectorised pass of
    its one Black formula (:func:`tailkit.pricing._kernels.black_block`) values them. ``d <= 0``
    pays the intrinsic value (cash settlement; ``rows`` is not read). Tables are passed whole
    with row indices, not sliced: a slice would cost a reference count per option and day.
    Not inlined into the daily loop: it holds the Black pass in its four range variants, and
    inlined at both call sites it tripled the first compilation (30 s to 89 s) for no speed.
    Compiled without reference counting (it allocates nothing): a call then costs no atomic
    operation per array argument.
    """
    if d <= 0:
        for i in range(m):
            u_ = spot[i] if und == 0 else level[i]
            v = sign * (u_ - strike[u, i])
            out[orow, i] = v if v > 0.0 else 0.0
        return
    sqt = tab[TAB_SQT, d]
    dfr = tab[TAB_DFR, d]
    if und == 0:
        skew = surf[SURF_SKEW]
        curv = surf[SURF_CURVATURE]
        lo_m = surf[SURF_FLOOR]
        hi_m = surf[SURF_CAP]
        carry = (r - q) * tab[TAB_TAU, d]
        dfq = tab[TAB_DFQ, d]
        for i in range(m):
            x = (log_spot[i] - log_strike[u, i]) + carry
            z = -x / sqt
            mult = 1.0 - skew * z + curv * z * z
            mult = lo_m if mult < lo_m else (hi_m if mult > hi_m else mult)
            P[0, i] = spot[i] * dfq
            P[1, i] = strike[u, i] * dfr
            P[2, i] = x
            P[3, i] = rows[row, 0, i] * mult * sqt
    else:
        sd = tab[TAB_VSD, d]
        for i in range(m):
            P[0, i] = rows[row, 1, i]
            P[1, i] = strike[u, i] * dfr
            P[2, i] = rows[row, 0, i] - log_strike[u, i]
            P[3, i] = sd
    black_block(sign, P, m, out, orow)


unique_leg_values = jit(unique_leg_values_python, nrt=False)


def collar_log_strikes_python(
    put_cost: np.ndarray,
    call_ratio: float,
    h: float,
    d: int,
    spot: np.ndarray,
    level: np.ndarray,
    m: int,
    r: float,
    q: float,
    surf: np.ndarray,
    tab: np.ndarray,
    P: np.ndarray,
    R: np.ndarray,
    out: np.ndarray,
) -> None:
    """Log call moneyness ``ln(K / S)`` whose sale at the bid pays ``put_cost``, on ``m`` paths.

    ``call_ratio`` (> 0) calls are sold per unit at ``(1 - h)`` x mid, the mid being the call of
    :func:`leg_value` (surface vol at that strike, ``d`` steps to expiry, the pricing package's
    vectorised Black pass with Greeks). The credit falls as the strike rises; the root is
    bracketed between the forward and 10x spot and found by Newton's method in log strike,
    with ``d credit / d ln K = call_ratio (1 - h) (C - S delta + vega sigma_atm mult'(z) / sqrt(tau))``
    and a bisection step whenever Newton leaves the bracket, to ~1e-15 in log strike. When even
    a call struck at the forward cannot pay for the puts, the forward's log moneyness is
    returned (the collar then costs the difference); when a call at 10x spot still pays more,
    ``ln 10``. Writes ``out[:m]``; uses ``P`` (8, m) and ``R`` (7, m) as scratch.
    """
    tau = tab[TAB_TAU, d]
    sqt = tab[TAB_SQT, d]
    term = tab[TAB_TERM, d]
    carry = (r - q) * tau
    lr2 = surf[SURF_LONG_RUN] * surf[SURF_LONG_RUN]
    skew = surf[SURF_SKEW]
    curv = surf[SURF_CURVATURE]
    lo_m = surf[SURF_FLOOR]
    hi_m = surf[SURF_CAP]
    k = call_ratio * (1.0 - h)
    atm = np.empty(m)
    lo = np.empty(m)
    hi = np.empty(m)
    f = np.empty(m)
    slope = np.empty(m)
    active = np.zeros(m, dtype=np.bool_)
    for i in range(m):
        a = surf[SURF_ATM_RATIO] * level[i]
        atm[i] = math.sqrt(max(lr2 + (a * a - lr2) * term, 0.04 * a * a))
        out[i] = carry
    for it in range(102):
        # credit - cost and its slope at out[:m]
        for i in range(m):
            lk = out[i]
            z = (lk - carry) / sqt
            raw = 1.0 - skew * z + curv * z * z
            mult = lo_m if raw < lo_m else (hi_m if raw > hi_m else raw)
            P[0, i] = 1.0
            P[1, i] = spot[i]
            P[2, i] = spot[i] * vexp(lk)
            P[3, i] = tau
            P[4, i] = r
            P[5, i] = q
            P[6, i] = atm[i] * mult
            P[7, i] = carry - lk
            slope[i] = 0.0 if (raw < lo_m or raw > hi_m) else (2.0 * curv * z - skew) / sqt * atm[i]
        bs_block(P, m, R, True)
        for i in range(m):
            c = R[0, i]
            f[i] = k * c - put_cost[i]
            slope[i] = k * ((c - spot[i] * R[1, i]) + R[3, i] * slope[i])
        if it == 0:  # at the forward
            for i in range(m):
                active[i] = f[i] > 0.0
                lo[i] = carry
            for i in range(m):
                out[i] = math.log(10.0) if active[i] else carry
            continue
        if it == 1:  # at 10x spot
            n_active = 0
            for i in range(m):
                if active[i] and f[i] > 0.0:
                    active[i] = False
                hi[i] = math.log(10.0)
                if active[i]:
                    n_active += 1
                    out[i] = lo[i]
            if n_active == 0:
                return
            continue
        n_active = 0
        for i in range(m):
            if not active[i]:
                continue
            x = out[i]
            if f[i] > 0.0:
                lo[i] = x
            else:
                hi[i] = x
            tol = 1e-15 * (1.0 + abs(x))
            newton = slope[i] < 0.0
            nxt = x - f[i] / slope[i] if newton else 0.5 * (lo[i] + hi[i])
            # converged: a Newton step below the tolerance ends the search here, before the
            # bracket test (a step that rounds to nothing lands on the bracket's edge, and
            # bisecting from there restarted the search: up to 40 more evaluations)
            if f[i] == 0.0 or (newton and abs(nxt - x) <= tol) or hi[i] - lo[i] <= tol:
                active[i] = False
                continue
            if not (lo[i] < nxt < hi[i]):
                nxt = 0.5 * (lo[i] + hi[i])
            if abs(nxt - x) <= tol:
                active[i] = False
            else:
                out[i] = nxt
                n_active += 1
        if n_active == 0:
            return


collar_log_strikes = jit(collar_log_strikes_python)


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
    """Call moneyness (strike / spot) whose sale at the bid pays ``put_cost`` (one path).

    :func:`collar_log_strikes` on one path with ``tau`` years to expiry (``target`` is unused:
    the call is on the equity index).
    """
    P = np.empty((8, 1))
    R = np.empty((7, 1))
    tab = np.empty((8, 2))
    c = surf[SURF_TERM_SPEED]
    t = max(tau, 1e-6)
    tab[TAB_TAU, 1] = tau
    tab[TAB_SQT, 1] = math.sqrt(tau)
    tab[TAB_TERM, 1] = (-math.expm1(-c * t) / (c * t)) / (-math.expm1(-c * INDEX_TENOR) / (c * INDEX_TENOR))
    out = np.empty(1)
    collar_log_strikes(
        np.array([put_cost]), call_ratio, h, 1, np.array([spot]), np.array([math.exp(log_index)]), 1,
        r, q, surf, tab, P, R, out,
    )  # fmt: skip
    return math.exp(out[0])


collar_call_moneyness = jit(collar_call_moneyness_python)


def _shared_row_python(
    u: int,
    und: int,
    d: int,
    t: int,
    u_und: np.ndarray,
    row_day: np.ndarray,
    row_d: np.ndarray,
    rows: np.ndarray,
    level: np.ndarray,
    log_index: np.ndarray,
    target: np.ndarray,
    m: int,
    surf: np.ndarray,
    vix: np.ndarray,
    tab: np.ndarray,
) -> int:
    """Index of the expiry row (:func:`expiry_row`) of underlying ``und``, ``d`` steps left, day ``t``.

    Row ``k`` belongs to distinct option ``k``: it holds the row of underlying ``u_und[k]``,
    ``row_d[k]`` steps left, on day ``row_day[k]``. The first row that already holds the one
    asked for is returned (its content depends on the underlying, the day and ``d`` only);
    otherwise row ``u`` is filled and returned. ``d <= 0`` (cash settlement) needs no row.
    Called per option and day with ten arrays: compiled without reference counting, not inlined
    (inlined, each call took and dropped a reference to each of them).
    """
    if d <= 0:
        return u
    for k in range(u_und.shape[0]):
        if row_day[k] == t and row_d[k] == d and u_und[k] == und:
            return k
    expiry_row(und, d, level, log_index, target, m, surf, vix, tab, rows, u)
    row_day[u] = t
    row_d[u] = d
    return u


_shared_row = jit(_shared_row_python, nrt=False)


def _lines_python(n: int, value: float) -> np.ndarray:
    """``n`` float64 values set to ``value``, starting on a 64-byte boundary (a cache line).

    numba aligns its arrays to 32 bytes; a 512-bit load or store from an array that starts
    half-way through a cache line crosses into the next line on every vector. The marking
    loop's state (:func:`_table`) is read and written every program and day, so each of its
    vectors starts a cache line.
    """
    buf = np.empty(n + 8)
    off = ((64 - buf.ctypes.data % 64) % 64) // 8
    out = buf[off : off + n]
    out[:] = value
    return out


_lines = jit(_lines_python, inline="always")


def _table_python(n: int, mp: int, value: float) -> np.ndarray:
    """An (n, mp) table of :func:`_lines` (``mp`` a multiple of 8: every row starts a cache line)."""
    return _lines(n * mp, value).reshape((n, mp))


_table = jit(_table_python, inline="always")


def _pick_python(take: bool, a: float, b: float) -> float:
    """``a if take else b`` as arithmetic, for a daily loop that stores it back where ``b`` came from.

    Written as a select, ``x[i] = v if c else x[i]`` becomes a conditional store, which LLVM
    vectorises on AVX2 as a masked store (``vmaskmovpd``); on AMD Zen 3 a masked store is
    microcoded: the loops that kept a running extreme that way ran 2.3 times slower than with
    this form (0.58 against 1.34 ns per value in isolation). ``a * 1 + b * 0`` is ``a`` and
    ``a * 0 + b * 1`` is ``b`` exactly when ``a`` and ``b`` are finite and not ``-0.0`` (a sum of
    nonzero terms never rounds to ``-0.0``); every value picked here is a NAV, a peak or a
    reference NAV: finite, and floored at ``+0.0`` where it can reach 0.
    """
    w = 1.0 if take else 0.0
    return a * w + b * (1.0 - w)


_pick = jit(_pick_python, inline="always")


def _mark_block_python(
    lo,
    hi,
    spot,
    log_spot,
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
    ratio,
    half_spread,
    leg_u,
    u_und,
    u_sign,
    u_mny,
    u_tenor,
    u_hold,
    u_put_start,
    u_put,
    u_put_ratio,
    u_call_ratio,
    stats,
    nav_out,
    leg_qty,
    leg_strike,
    leg_expiry,
    tab,
    tile,
):
    """Mark every program on paths ``lo:hi`` (one block); write statistics and records.

    Tile by tile of ``tile`` days (:data:`TILE_DAYS`): first, day by day, every *distinct* option (``u_*``:
    one per underlying, type, moneyness and schedule, shared by every program that holds it) is
    rolled and valued once on the block's paths, its values kept for each day of the tile; then
    each program's cash, premium, hedge and NAV statistics are updated over the tile's days from
    those values. Roll dates are the same on every path (a schedule depends on time only), and a
    sleeve rolls on the days its legs' options do (the same schedule). Each (program, path) sees
    the same operations in the same order as day by day, so the numbers do not depend on the
    tile. The unhedged portfolio of an equity weight is computed by the first program with that
    weight (it comes first in a tile too); its 1-year value is kept for the others.
    """
    n_t = spot.shape[1]
    m = hi - lo
    mp = (m + 7) // 8 * 8  # row stride: every row starts a cache line
    n_prog = weight.shape[0]
    n_u = u_und.shape[0]
    n_sl = tenor.shape[0]
    n_rec = nav_out.shape[1]
    record_legs = leg_qty.shape[0] > 0 and lo == 0
    ring_n = MONTH_STEPS + 1
    P = _table(8, mp, 0.0)
    R7 = _table(7, mp, 0.0)
    lk_c = _lines(m, 0.0)
    # the block's paths, day-major (one contiguous row of m values per day, padded to mp)
    S_b = _table(n_t, mp, 0.0)
    LS_b = _table(n_t, mp, 0.0)
    V_b = _table(n_t, mp, 0.0)
    LI_b = _table(n_t, mp, 0.0)
    TG_b = _table(n_t, mp, 0.0)
    for i in range(m):
        for t in range(n_t):
            S_b[t, i] = spot[lo + i, t]
            LS_b[t, i] = log_spot[lo + i, t]
            V_b[t, i] = level[lo + i, t]
            LI_b[t, i] = log_index[lo + i, t]
            TG_b[t, i] = target[lo + i, t]
    u_strike = _table(n_u, mp, 1.0)
    u_logk = _table(n_u, mp, 0.0)
    u_exp = np.zeros(n_u, dtype=np.int64)
    u_next = np.zeros(n_u, dtype=np.int64)
    u_open = np.zeros(n_u, dtype=np.bool_)
    # what the programs read of the distinct options, for each day of a tile (row dd * n_u + u
    # on day t0 + dd): the mid value, the value at a close, the VIX future at a roll, the
    # strike on path 0 (leg records)
    u_val = _table(tile * n_u, mp, 0.0)
    u_close = _table(tile * n_u, mp, 0.0)
    fut_day = _table(tile * n_u, mp, 1.0)
    strike0 = np.zeros(tile * n_u)
    # expiry rows (:func:`expiry_row`, found or filled by :func:`_shared_row`): row k holds what
    # the options on underlying u_und[k] with row_d[k] steps left on day row_day[k] share
    rows = _lines(n_u * 2 * mp, 0.0).reshape((n_u, 2, mp))
    row_day = np.full(n_u, -1, dtype=np.int64)
    row_d = np.zeros(n_u, dtype=np.int64)
    put_cost = _lines(m, 0.0)
    shares = _table(n_prog, mp, 0.0)
    base_shares = _table(n_prog, mp, 0.0)
    cash = _table(n_prog, mp, 0.0)
    # the unhedged portfolio's cash is the same on every path: (1 - weight) grown daily
    base_cash = _lines(n_prog, 0.0)
    premium = _table(n_prog, mp, 0.0)
    proceeds = _table(n_prog, mp, 0.0)
    peak = _table(n_prog, mp, 0.0)
    # the deepest drawdown, worst month and the unhedged deepest drawdown are each kept as the
    # (value, reference) pair of the smallest ratio seen so far, compared by cross-multiplying
    # (the references, a peak or a month's starting NAV, are > 0, so the products order the
    # ratios), so the daily loop has no division: one per statistic at the end, the same
    # expression as before. Ratio 1 (no drawdown, no loss) to start.
    dd_v = _table(n_prog, mp, 1.0)
    dd_p = _table(n_prog, mp, 1.0)
    below = _table(n_prog, mp, 0.0)
    wm_v = _table(n_prog, mp, 1.0)
    wm_s = _table(n_prog, mp, 1.0)
    base_peak = _table(n_prog, mp, 1.0)
    bdd_v = _table(n_prog, mp, 1.0)
    bdd_p = _table(n_prog, mp, 1.0)
    ring = _lines(n_prog * ring_n * mp, 0.0).reshape((n_prog, ring_n, mp))
    units = _table(n_sl, mp, 0.0)
    unit_cost = _lines(m, 0.0)
    hedge = _lines(m, 0.0)
    nav = _lines(m, 0.0)
    base_nav = _table(n_prog, mp, 0.0)
    # the unhedged NAV on the 1-year day, kept for the programs that share its equity weight
    base_year = _table(n_prog, mp, 0.0)
    s_exp = np.zeros(n_sl, dtype=np.int64)
    s_next = np.zeros(n_sl, dtype=np.int64)
    s_open = np.zeros(n_sl, dtype=np.bool_)
    growth = math.exp(r * dt)
    year = min(YEAR_STEPS, n_t - 1)
    base_rep = np.arange(n_prog)
    for g in range(n_prog):
        for g2 in range(g):
            if weight[g2] == weight[g]:
                base_rep[g] = g2
                break
    for g in range(n_prog):
        for i in range(m):
            shares[g, i] = weight[g] / spot[lo + i, 0]
            base_shares[g, i] = shares[g, i]
            cash[g, i] = 1.0 - weight[g]
    for t0 in range(0, n_t, tile):
        t1 = min(t0 + tile, n_t)
        # ---- every distinct option on every day of the tile: close, reopen, value (after the roll)
        for t in range(t0, t1):
            st = S_b[t]
            ls = LS_b[t]
            li = LI_b[t]
            vt = V_b[t]
            tg = TG_b[t]
            base_row = (t - t0) * n_u
            for u in range(n_u):
                und = u_und[u]
                if t == u_next[u]:
                    if u_open[u]:
                        d = u_exp[u] - t
                        row = _shared_row(
                            u, und, d, t, u_und, row_day, row_d, rows, vt, li, tg, m, surf, vix, tab
                        )
                        unique_leg_values(
                            und, u_sign[u], d, u, u_strike, u_logk, st, ls, vt, m,
                            r, q, surf, vix, tab, rows, row, P, u_close, base_row + u,
                        )  # fmt: skip
                        u_open[u] = False
                    if t >= n_t - 1:
                        continue
                    d = u_tenor[u]
                    if u_put_start[u + 1] > u_put_start[u]:
                        # a zero-cost collar's call: the strike whose bid pays the puts' ask
                        for i in range(m):
                            put_cost[i] = 0.0
                        for k in range(u_put_start[u], u_put_start[u + 1]):
                            pu = u_put[k]
                            h = half_spread[u_und[pu]]
                            fill = 1.0 + h if u_put_ratio[k] > 0.0 else 1.0 - h
                            for i in range(m):
                                put_cost[i] += u_put_ratio[k] * u_val[base_row + pu, i] * fill
                        collar_log_strikes(
                            put_cost, u_call_ratio[u], half_spread[0], d, st, vt, m,
                            r, q, surf, tab, P, R7, lk_c,
                        )  # fmt: skip
                        for i in range(m):
                            u_logk[u, i] = lk_c[i] + ls[i]
                            u_strike[u, i] = st[i] * vexp(lk_c[i])
                    elif und == 1:
                        # the VIX future of the new expiry (:func:`vix_future`, from the step table)
                        lm = math.log(u_mny[u])
                        for i in range(m):
                            lf = _log_vix_future(vix, tab, d, li[i], tg[i])
                            f = vexp(lf)
                            fut_day[base_row + u, i] = f
                            u_strike[u, i] = u_mny[u] * f
                            u_logk[u, i] = lm + lf
                    else:
                        lm = math.log(u_mny[u])
                        for i in range(m):
                            u_strike[u, i] = u_mny[u] * st[i]
                            u_logk[u, i] = ls[i] + lm
                    u_exp[u] = t + d
                    u_next[u] = t + u_hold[u]
                    u_open[u] = True
                elif not u_open[u]:
                    continue
                d = u_exp[u] - t
                row = _shared_row(u, und, d, t, u_und, row_day, row_d, rows, vt, li, tg, m, surf, vix, tab)
                unique_leg_values(
                    und, u_sign[u], d, u, u_strike, u_logk, st, ls, vt, m,
                    r, q, surf, vix, tab, rows, row, P, u_val, base_row + u,
                )  # fmt: skip
                if record_legs:
                    strike0[base_row + u] = u_strike[u, 0]
        # ---- every program over the tile's days: rolls (cash flows at the fills), hedge at mid,
        # NAV and its statistics; a program's state stays in cache for the whole tile
        for g in range(n_prog):
            for t in range(t0, t1):
                st = S_b[t]
                base_row = (t - t0) * n_u
                base_cash[g] = 1.0 - weight[g] if t == 0 else base_cash[g] * growth
                for i in range(m):
                    hedge[i] = 0.0
                if t > 0:  # outside the loop over paths: inside it, the store became a masked one
                    for i in range(m):
                        cash[g, i] *= growth
                for s in range(sleeve_start[g], sleeve_start[g + 1]):
                    if t == s_next[s]:
                        if s_open[s]:
                            d = s_exp[s] - t
                            for j in range(leg_start[s], leg_start[s + 1]):
                                h = half_spread[underlying[j]] if d > 0 else 0.0
                                fill = 1.0 - h if ratio[j] > 0.0 else 1.0 + h
                                c = ratio[j] * fill
                                uc_row = base_row + leg_u[j]
                                for i in range(m):
                                    v = units[s, i] * c * u_close[uc_row, i]
                                    cash[g, i] += v
                                    proceeds[g, i] += v
                            s_open[s] = False
                            for i in range(m):
                                units[s, i] = 0.0
                        if t < n_t - 1:
                            for i in range(m):
                                unit_cost[i] = 0.0
                            for j in range(leg_start[s], leg_start[s + 1]):
                                h = half_spread[underlying[j]]
                                c = ratio[j] * (1.0 + h if ratio[j] > 0.0 else 1.0 - h)
                                uv_row = base_row + leg_u[j]
                                for i in range(m):
                                    unit_cost[i] += c * u_val[uv_row, i]
                            # a sleeve rolls with its legs' options (the same schedule): the VIX
                            # future of its first leg was set this day
                            f_row = base_row + leg_u[leg_start[s]]
                            vix_sleeve = underlying[leg_start[s]] == 1
                            sz = size[s]
                            spend_f = sz * hold[s] * dt
                            for i in range(m):
                                ex = shares[g, i] * st[i] + cash[g, i]
                                if sizing[s] == 0:
                                    n_units = sz * ex / fut_day[f_row, i] if vix_sleeve else sz * shares[g, i]
                                else:
                                    uc = unit_cost[i]
                                    n_units = spend_f * ex / uc if uc > 1e-12 * st[i] else 0.0
                                units[s, i] = n_units
                                cash[g, i] -= n_units * unit_cost[i]
                                premium[g, i] += n_units * unit_cost[i]
                            s_exp[s] = t + tenor[s]
                            s_next[s] = t + hold[s]
                            s_open[s] = True
                    if not s_open[s]:
                        continue
                    for j in range(leg_start[s], leg_start[s + 1]):
                        uv_row = base_row + leg_u[j]
                        rj = ratio[j]
                        for i in range(m):
                            hedge[i] += units[s, i] * rj * u_val[uv_row, i]
                        if record_legs:
                            leg_qty[j, t] = units[s, 0] * rj
                            leg_strike[j, t] = strike0[uv_row]
                            leg_expiry[j, t] = s_exp[s]
                # NAV, running peak, drawdown and time under water, branch-free so the loop vectorises
                slot = t % ring_n
                n_ruined = 0
                for i in range(m):
                    v = shares[g, i] * st[i] + cash[g, i] + hedge[i]
                    n_ruined += 1 if v <= 0.0 else 0
                    v = v if v > 0.0 else 0.0  # limited liability: an insolvent portfolio is worth 0
                    nav[i] = v
                    ring[g, slot, i] = v
                    pk = peak[g, i] if t > 0 else v
                    below[g, i] += 1.0 if v < pk else 0.0
                    pk = v if v > pk else pk
                    peak[g, i] = pk
                    deeper = v * dd_p[g, i] < dd_v[g, i] * pk  # v / pk below the deepest ratio so far
                    dd_v[g, i] = _pick(deeper, v, dd_v[g, i])
                    dd_p[g, i] = _pick(deeper, pk, dd_p[g, i])
                if base_rep[g] == g:
                    # the unhedged portfolio depends on the equity weight only: once per distinct
                    # weight (its program comes first, so the tile's values are there for the others)
                    for i in range(m):
                        base = base_shares[g, i] * st[i] + base_cash[g]
                        bp = _pick(base > base_peak[g, i], base, base_peak[g, i])
                        base_peak[g, i] = bp
                        deeper = base * bdd_p[g, i] < bdd_v[g, i] * bp
                        bdd_v[g, i] = _pick(deeper, base, bdd_v[g, i])
                        bdd_p[g, i] = _pick(deeper, bp, bdd_p[g, i])
                        base_nav[g, i] = base
                    if t == year:
                        for i in range(m):
                            base_year[g, i] = base_nav[g, i]
                if n_ruined > 0:
                    # insolvent (NAV <= 0, e.g. premiums borrowed beyond what the portfolio is worth):
                    # everything it holds is gone and it buys nothing more; its NAV stays 0
                    for i in range(m):
                        if nav[i] <= 0.0:
                            shares[g, i] = 0.0
                            cash[g, i] = 0.0
                            for s in range(sleeve_start[g], sleeve_start[g + 1]):
                                units[s, i] = 0.0
                # worst 21-step return (the whole path when it is shorter than that; none after ruin)
                back = -1
                if t >= MONTH_STEPS:
                    back = (t - MONTH_STEPS) % ring_n
                elif t == n_t - 1 and t > 0:
                    back = 0
                if back >= 0:
                    for i in range(m):
                        start = ring[g, back, i]
                        # both tests evaluated (no short circuit): no masked load or store
                        worse = (start > 0.0) & (nav[i] * wm_s[g, i] < wm_v[g, i] * start)
                        wm_v[g, i] = _pick(worse, nav[i], wm_v[g, i])
                        wm_s[g, i] = _pick(worse, start, wm_s[g, i])
                if t == year:
                    for i in range(m):
                        stats[g, lo + i, ST_RET_1Y] = nav[i] - 1.0
                        stats[g, lo + i, ST_BASE_RET_1Y] = base_year[base_rep[g], i] - 1.0
                if t == n_t - 1:
                    for i in range(m):
                        stats[g, lo + i, ST_FINAL] = nav[i]
                        stats[g, lo + i, ST_BASE_FINAL] = base_nav[base_rep[g], i]
                for i in range(min(m, n_rec - lo)):
                    nav_out[g, lo + i, t] = nav[i]
    for g in range(n_prog):
        for i in range(m):
            p = lo + i
            b = base_rep[g]
            stats[g, p, ST_BASE_MAX_DD] = 1.0 - bdd_v[b, i] / bdd_p[b, i]
            stats[g, p, ST_PREMIUM] = premium[g, i]
            stats[g, p, ST_PROCEEDS] = proceeds[g, i]
            stats[g, p, ST_MAX_DD] = 1.0 - dd_v[g, i] / dd_p[g, i]
            stats[g, p, ST_UNDER_WATER] = below[g, i] / (n_t - 1)
            stats[g, p, ST_WORST_MONTH] = wm_v[g, i] / wm_s[g, i] - 1.0


_mark_block = jit(_mark_block_python)


def path_blocks(n_paths: int, n_workers: int) -> int:
    """How many blocks :func:`mark_programs` splits ``n_paths`` paths into for ``n_workers`` threads.

    About :data:`PATH_BLOCK` paths each, made of whole 16-path vectors (a block's remainder
    runs as scalar code), and a multiple of the thread count so that the threads get equal
    shares of the paths: 10,000 paths on 2 threads are 80 blocks of 112 or 128 paths (5,008 and
    4,992 per thread), not 78 blocks of 128 and one of 16 (5,120 and 4,880). At least one
    16-path vector per block.
    """
    n = -(-n_paths // PATH_BLOCK)
    w = max(int(n_workers), 1)
    n = -(-n // w) * w
    return max(1, min(n, -(-n_paths // 16)))


def mark_programs_python(
    spot,
    log_spot,
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
    ratio,
    half_spread,
    leg_u,
    u_und,
    u_sign,
    u_mny,
    u_tenor,
    u_hold,
    u_put_start,
    u_put,
    u_put_ratio,
    u_call_ratio,
    stats,
    nav_out,
    leg_qty,
    leg_strike,
    leg_expiry,
    n_blocks,
    tile_days,
):
    """Mark every program on every path, every day.

    Parameters
    ----------
    spot, log_spot, level, log_index, target : ndarray of shape (n_paths, n_t)
        Equity index level and its log, vol index (decimal) and its log, the index's log target ``m``.
    dt, r, q : float
        Step (years), cash rate and dividend yield (continuously compounded decimals).
    surf : ndarray of shape (7,)
        Surface parameters (``SURF_*``).
    vix : ndarray of shape (5,)
        VIX model (``VIX_*``).
    sleeve_start, weight, leg_start, tenor, hold, sizing, size, underlying, ratio : ndarray
        The compiled program table (module docstring).
    half_spread : ndarray of shape (2,)
        Half-spread as a fraction of the mid: equity options, VIX options.
    leg_u : ndarray of int64, shape (n_legs,)
        The distinct option each leg holds.
    u_und, u_sign, u_mny, u_tenor, u_hold : ndarray of shape (n_distinct,)
        Each distinct option: underlying, sign, moneyness, tenor and holding steps.
    u_put_start : ndarray of int64, shape (n_distinct + 1,)
        For a zero-cost collar's call, its puts ``u_put[u_put_start[u]:u_put_start[u + 1]]``
        (distinct options, listed before it) with their ratios ``u_put_ratio``; empty otherwise.
    u_call_ratio : ndarray of shape (n_distinct,)
        Calls sold per unit of a zero-cost collar (0 otherwise).
    stats : ndarray of shape (n_programs, n_paths, N_STATS)
        Output statistics (``ST_*``); NAV starts at 1.
    nav_out : ndarray of shape (n_programs, n_record, n_t)
        NAV paths of the first ``n_record`` paths (``n_record`` may be 0).
    leg_qty, leg_strike : ndarray of shape (n_legs, n_t) or (0, n_t)
        Quantity and strike of each leg on path 0 (when the first axis is ``n_legs``).
    leg_expiry : ndarray of int64, shape (n_legs, n_t) or (0, n_t)
        Expiry step of each leg's open position on path 0.
    n_blocks : int
        Blocks of paths (the unit of parallel work), of whole 16-path vectors as equal as they
        can be (:func:`path_blocks`). The numbers do not depend on it: every path is marked on
        its own.
    tile_days : int
        Days per tile of the daily loop (:data:`TILE_DAYS`, at least 1). The numbers do not
        depend on it either.
    """
    max_steps = 1
    for s in range(tenor.shape[0]):
        max_steps = max(max_steps, tenor[s])
    tab = step_tables(max_steps, dt, r, q, surf, vix)
    n_paths = spot.shape[0]
    # blocks of whole 16-path vectors (a remainder runs as scalar code), as equal as they can be
    n_vec = (n_paths + 15) // 16
    for b in prange(n_blocks):
        lo = min(16 * ((b * n_vec) // n_blocks), n_paths)
        hi = min(16 * (((b + 1) * n_vec) // n_blocks), n_paths)
        if hi <= lo:
            continue
        _mark_block(
            lo, hi, spot, log_spot, level, log_index, target, dt, r, q, surf, vix,
            sleeve_start, weight, leg_start, tenor, hold, sizing, size, underlying, ratio, half_spread,
            leg_u, u_und, u_sign, u_mny, u_tenor, u_hold, u_put_start, u_put, u_put_ratio, u_call_ratio,
            stats, nav_out, leg_qty, leg_strike, leg_expiry, tab, max(tile_days, 1),
        )  # fmt: skip


mark_programs = jit(mark_programs_python, parallel=True)
