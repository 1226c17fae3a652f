"""Numba kernels of the hedge sweep: arrays in, arrays out, no pandas, no I/O.

Each kernel is a plain-Python function ``foo_python`` with its jitted twin ``foo``;
``tests/sweep/test_hedge.py`` checks that both agree. The strategy is documented in
:mod:`tailkit.sweep.hedge`; the metric columns are the ``M_*`` constants below.
"""

from __future__ import annotations

import math

import numpy as np

from tailkit._numba import jit, prange

# columns of the metrics array, one row per configuration
M_ANN_RETURN = 0  # compound annual growth rate of the strategy's value, decimal
M_ANN_VOL = 1  # annualised volatility of daily returns
M_SHARPE = 2  # annualised Sharpe ratio of daily returns over the risk-free rate
M_MAX_DRAWDOWN = 3  # largest peak-to-trough fall of the daily value, decimal (positive)
M_POSITIVE_MONTHS = 4  # share of 21-day blocks with a positive return
M_ROLLING_SHARPE_SD = 5  # standard deviation of the Sharpe ratios of 63-day blocks
M_CONSISTENCY = 6  # 0.5 * positive months + 0.5 / (1 + rolling Sharpe sd), in [0, 1]
M_TURNOVER = 7  # traded notional per year, in units of the starting capital
M_COSTS = 8  # total transaction and impact costs, in units of the starting capital
M_RUINED = 9  # 1 when the value reached zero (metrics then cover the days before)
N_METRICS = 10

DAYS_PER_YEAR = 252.0
DAYS_PER_MONTH = 21
DAYS_PER_BLOCK = 63


def trade_cost_python(notional, cost, impact, capital):
    """Cost of trading ``notional`` (capital units, >= 0): proportional plus quadratic impact.

    ``cost * q + impact * capital * q**2``: ``impact`` is the price concession per dollar
    traded (1/$), so a trade of ``q * capital`` dollars costs ``impact * (q * capital)**2`` dollars.
    """
    return cost * notional + impact * capital * notional * notional


trade_cost = jit(trade_cost_python)


def hedge_values_python(
    rebalance_steps, cost, impact, exposure, family, spot, put_end, put_start, put_delta, roll,
    sigma_hat, steps_per_day, growth, capital, target_vol, max_leverage, values, stats,
):  # fmt: skip
    """Run one configuration; write the value at each day's close into ``values``.

    Parameters
    ----------
    rebalance_steps : int, steps between re-hedges (>= 1).
    cost, impact, exposure : float, proportional cost, impact (1/$), exposure scale.
    family : int, 0 = delta-hedged protective put, 1 = volatility targeting.
    spot : (n + 1,) prices at the steps.
    put_end, put_start : (n + 1,) value of one put held over the step ending / starting at t.
    put_delta : (n + 1,) delta of the put held over the step starting at t.
    roll : (n + 1,) int8, 1 where the put is (re)bought at t (t = 0 and every expiry).
    sigma_hat : (n + 1,) trailing realised volatility known at t (annualised).
    steps_per_day : int; growth : float, cash growth factor per step, exp(r dt).
    capital : float, starting capital in $ (scales the impact cost).
    target_vol, max_leverage : float, volatility target and leverage cap (family 1).
    values : (n // steps_per_day + 1,) output, value at each day's close (start = 1).
    stats : (2,) output, traded notional and costs (capital units).

    Returns
    -------
    int
        Days written before ruin (the full count when the value stays positive).
    """
    n = spot.shape[0] - 1
    n_puts = exposure / spot[0] if family == 0 else 0.0
    cash = 1.0
    shares = 0.0
    traded = 0.0
    paid = 0.0
    values[0] = 1.0
    # step counters instead of ``t % rebalance_steps`` and ``t % steps_per_day``: an integer
    # division per step cost more than the rest of the step (the schedule is the same)
    to_rebalance = 0  # steps until the next re-hedge (0: re-hedge at t)
    to_close = steps_per_day  # steps until the next day's close
    for t in range(n + 1):
        price = spot[t]
        if t > 0:
            cash *= growth
        if family == 0 and roll[t] == 1 and t < n:
            sold = n_puts * put_end[t] if t > 0 else 0.0
            bought = n_puts * put_start[t]
            c = trade_cost(sold, cost, impact, capital) + trade_cost(bought, cost, impact, capital)
            cash += sold - bought - c
            traded += sold + bought
            paid += c
        if to_rebalance == 0:
            to_rebalance = rebalance_steps
            if t < n:
                if family == 0:
                    target = n_puts * (1.0 - put_delta[t])
                else:
                    value = shares * price + cash
                    lev = target_vol / sigma_hat[t] if sigma_hat[t] > 0.0 else max_leverage
                    lev = min(lev, max_leverage)
                    target = exposure * value * lev / price if value > 0.0 else 0.0
                q = abs(target - shares) * price
                c = trade_cost(q, cost, impact, capital)
                cash -= (target - shares) * price + c
                traded += q
                paid += c
                shares = target
        to_rebalance -= 1
        if t > 0:
            to_close -= 1
            if to_close == 0:
                to_close = steps_per_day
                d = t // steps_per_day
                held = put_start[t] if (roll[t] == 1 and t < n) else put_end[t]
                value = shares * price + n_puts * held + cash
                if value <= 0.0:
                    values[d] = 0.0
                    stats[0] = traded
                    stats[1] = paid
                    return d
                values[d] = value
    stats[0] = traded
    stats[1] = paid
    return n // steps_per_day


hedge_values = jit(hedge_values_python)


def daily_metrics_python(values, n_days, rf_day, traded, paid, out):
    """Metrics of a daily value path ``values[: n_days + 1]`` into ``out`` (see ``M_*``)."""
    total_days = values.shape[0] - 1
    ruined = n_days < total_days
    s1 = 0.0
    s2 = 0.0
    peak = values[0]
    max_dd = 0.0
    dd_line = peak * (1.0 + 1e-9)  # values above it cannot deepen max_dd
    pos = 0
    months = 0
    month_day = 0
    b_n = 0
    b_s1 = 0.0
    b_s2 = 0.0
    blocks = 0
    blk_mean = 0.0
    blk_m2 = 0.0
    for d in range(1, n_days + 1):
        v = values[d]
        r = v / values[d - 1] - 1.0
        s1 += r
        s2 += r * r
        if v > peak:
            peak = v
            dd_line = peak * (1.0 - max_dd) * (1.0 + 1e-9)
        elif v <= dd_line:
            # only a value near or below the deepest drawdown so far can deepen it: above
            # ``dd_line`` (1e-9 relative margin, far wider than rounding) ``1 - v / peak`` rounds
            # to at most ``max_dd``, so skipping the division there leaves every bit unchanged
            dd = 1.0 - v / peak
            if dd > max_dd:
                max_dd = dd
                dd_line = peak * (1.0 - max_dd) * (1.0 + 1e-9)
        month_day += 1
        if month_day == DAYS_PER_MONTH:
            month_day = 0
            months += 1
            if v > values[d - DAYS_PER_MONTH]:
                pos += 1
        b_n += 1
        b_s1 += r - rf_day
        b_s2 += (r - rf_day) * (r - rf_day)
        if b_n == DAYS_PER_BLOCK:
            m = b_s1 / b_n
            var = (b_s2 - b_n * m * m) / (b_n - 1)
            if var > 0.0:
                sr = m / math.sqrt(var) * math.sqrt(DAYS_PER_YEAR)
                blocks += 1
                delta = sr - blk_mean
                blk_mean += delta / blocks
                blk_m2 += delta * (sr - blk_mean)
            b_n = 0
            b_s1 = 0.0
            b_s2 = 0.0
    nan = math.nan
    if ruined:
        out[M_ANN_RETURN] = -1.0
        out[M_MAX_DRAWDOWN] = 1.0
    else:
        out[M_ANN_RETURN] = values[n_days] ** (DAYS_PER_YEAR / n_days) - 1.0 if n_days > 0 else nan
        out[M_MAX_DRAWDOWN] = max_dd
    if n_days > 1:
        mean = s1 / n_days
        var = max((s2 - n_days * mean * mean) / (n_days - 1), 0.0)
        out[M_ANN_VOL] = math.sqrt(var * DAYS_PER_YEAR)
        out[M_SHARPE] = (mean - rf_day) / math.sqrt(var) * math.sqrt(DAYS_PER_YEAR) if var > 0.0 else nan
    else:
        out[M_ANN_VOL] = nan
        out[M_SHARPE] = nan
    out[M_POSITIVE_MONTHS] = pos / months if months > 0 else nan
    out[M_ROLLING_SHARPE_SD] = math.sqrt(blk_m2 / (blocks - 1)) if blocks > 1 else nan
    if months > 0 and blocks > 1:
        out[M_CONSISTENCY] = 0.5 * out[M_POSITIVE_MONTHS] + 0.5 / (1.0 + out[M_ROLLING_SHARPE_SD])
    else:
        out[M_CONSISTENCY] = nan
    years = total_days / DAYS_PER_YEAR
    out[M_TURNOVER] = traded / years if years > 0 else nan
    out[M_COSTS] = paid
    out[M_RUINED] = 1.0 if ruined else 0.0


daily_metrics = jit(daily_metrics_python)


def hedge_metrics_python(
    configs, family, spot, put_end, put_start, put_delta, roll, sigma_hat, steps_per_day, growth,
    capital, target_vol, max_leverage, out,
):  # fmt: skip
    """Metrics of every configuration (rows ``[rebalance_steps, cost, impact, exposure]``) into ``out``.

    ``out`` has shape (n_configs, N_METRICS); configurations run in parallel.
    """
    n_days = (spot.shape[0] - 1) // steps_per_day
    rf_day = growth**steps_per_day - 1.0
    for j in prange(configs.shape[0]):
        values = np.empty(n_days + 1)
        stats = np.zeros(2)
        days = hedge_values(
            int(configs[j, 0]), configs[j, 1], configs[j, 2], configs[j, 3], family, spot, put_end,
            put_start, put_delta, roll, sigma_hat, steps_per_day, growth, capital, target_vol,
            max_leverage, values, stats,
        )  # fmt: skip
        daily_metrics(values, days, rf_day, stats[0], stats[1], out[j])


hedge_metrics = jit(hedge_metrics_python, parallel=True)
