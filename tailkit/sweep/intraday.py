"""Simulated intraday markets for sub-daily re-hedging (0.1- and 0.2-day frequencies).

Daily closes cannot test re-hedging more often than once a day, so sub-daily frequencies are
evaluated on simulated paths: a GJR-GARCH(1,1) with Student-t shocks
(:func:`tailkit.calibration.fit_gjr_garch`) plus compensated Merton jumps
(:func:`tailkit.calibration.fit_merton`, at most ``max_jump_intensity`` a year so the jumps
describe crashes) fitted to the ticker's daily log returns, the GARCH's intercept lowered so that
diffusion plus jumps keep the fitted unconditional variance (the simulator feeds jumps into the
GARCH recursion, so the jump intensity is lowered, when needed, until jumps and their echo in
the variance take at most half of it; the source names the intensity used), simulated in steps of
``1 / steps_per_day`` day (:func:`tailkit.simulation.simulate_gjr_garch`).

Daily to intraday: GARCH is not closed under temporal disaggregation, so the per-step process
is chosen to keep what matters per day: the per-step persistence is ``p ** (1 / m)`` (``p`` the
daily ``alpha + gamma / 2 + beta``, ``m`` steps a day), each step's shock moves the variance by
``alpha / m`` and ``gamma / m`` (a day's ``m`` shocks move it about as one daily shock did), ``beta``
makes up the persistence, and the unconditional variance per step is the daily one over ``m``;
the mean per step is the daily mean over ``m``. The fitted jumps are per year and need no change.
Every result computed on such a market says so in its ``source``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from tailkit.calibration import fit_gjr_garch, fit_merton
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.simulation import simulate_gjr_garch
from tailkit.simulation.garch import GJRGARCHParams
from tailkit.sweep import _kernels as K
from tailkit.sweep.hedge import HedgeMarket, build_market, rolling_vol
from tailkit.sweep.marks import OptionMarkModel

__all__ = ["intraday_params", "intraday_hedge_market"]


def intraday_params(daily: GJRGARCHParams, steps_per_day: int, jump_variance: float = 0.0) -> GJRGARCHParams:
    """Per-step GJR-GARCH parameters keeping the daily persistence and variance (module docstring).

    ``jump_variance`` is the variance a jump layer adds per step; the simulator feeds jumps
    into the GARCH shocks, so the stationary variance per step is ``(omega + a v) / (1 - p)
    + v`` (``a = alpha + gamma / 2`` per step, ``v`` the jump variance), and ``omega`` is solved
    so that this equals the daily fit's unconditional variance over ``m``.
    """
    if not 1 <= steps_per_day <= 100:
        raise ParameterError(describe_bad_value("steps_per_day", steps_per_day, "an integer in [1, 100]"))
    m = float(steps_per_day)
    p = float(daily.persistence()[0])
    p_step = p ** (1.0 / m)
    alpha, gamma = daily.alpha[0] / m, daily.gamma[0] / m
    h_day = float(daily.unconditional_variance()[0])
    v = float(jump_variance)
    omega = (h_day / m - v) * (1.0 - p_step) - (alpha + gamma / 2.0) * v
    if not omega > 0.0:
        raise ParameterError(
            describe_bad_value(
                "jump variance per step", v, f"small enough to leave the GARCH a positive variance "
                f"(< {h_day / m * (1.0 - p_step) / (1.0 - p_step + alpha + gamma / 2.0):.3g}); lower max_jump_intensity",
            )
        )  # fmt: skip
    return GJRGARCHParams(
        mu=(daily.mu[0] / m,),
        omega=(omega,),
        alpha=(alpha,),
        gamma=(gamma,),
        beta=(p_step - alpha - gamma / 2.0,),
        dist=daily.dist,
        nu=daily.nu,
    )


def intraday_hedge_market(
    prices: pd.Series,
    *,
    ticker: str | None = None,
    steps_per_day: int = 10,
    n_days: int | None = None,
    seed: int = 0,
    max_jump_intensity: float = 2.0,
    marks: OptionMarkModel | None = None,
) -> HedgeMarket:
    """A simulated intraday market for ``ticker``, calibrated to its daily closes.

    Parameters
    ----------
    prices : pandas.Series
        The ticker's daily closes (the calibration sample).
    ticker : str, optional
        Name (default the series name).
    steps_per_day : int, default=10
        Steps per trading day (10: steps of 0.1 day).
    n_days : int, optional
        Simulated trading days (default: as many as the closes).
    seed : int, default=0
        Seed of the simulation.
    max_jump_intensity : float, default=2.0
        Cap of the fitted jump intensity, per year (the jumps are crashes; their variance is
        taken out of the GARCH's so the simulated variance matches the fit).
    marks : OptionMarkModel, optional
        Rate, put and implied-vol model; default ``OptionMarkModel()``. The puts are marked
        with the model's vol (a user's implied-vol file has no quotes for simulated days).

    Returns
    -------
    HedgeMarket
        With ``source`` naming the model, the calibration sample, the step and the seed; the
        dates are business days after the sample, labelled simulated by the source.
    """
    marks = OptionMarkModel() if marks is None else marks
    rv_window = marks.rv_window
    closes = prices.dropna().astype(float)
    name = ticker or str(prices.name or "ticker")
    logret = np.diff(np.log(closes.to_numpy()))
    garch = fit_gjr_garch(logret, "t").params
    jumps = fit_merton(logret, max_intensity=max_jump_intensity).jumps
    days = n_days if n_days is not None else closes.shape[0] - 1
    if days < 2 * K.DAYS_PER_BLOCK:
        raise ParameterError(describe_bad_value("n_days", days, f"at least {2 * K.DAYS_PER_BLOCK}"))
    total = days + rv_window
    m = steps_per_day
    size2 = jumps.market_mean[0] ** 2 + jumps.market_vol[0] ** 2
    # the simulator feeds jumps into the GARCH shocks (amplified by a / (1 - p)); keep the jump
    # intensity low enough that jumps and their echo use at most half of the fitted variance
    step = intraday_params(garch, m)
    a = step.alpha[0] + step.gamma[0] / 2.0
    p_step = float(step.persistence()[0])
    h_step = float(garch.unconditional_variance()[0]) / m
    v_max = 0.5 * h_step * (1.0 - p_step) / (1.0 - p_step + a)
    intensity = min(jumps.market_intensity, v_max * K.DAYS_PER_YEAR * m / size2) if size2 > 0 else 0.0
    jumps = replace(jumps, market_intensity=intensity)
    jump_var = intensity / (K.DAYS_PER_YEAR * m) * size2
    paths = simulate_gjr_garch(
        intraday_params(garch, m, jump_var), n_paths=1, n_steps=total * m, dt=1.0 / (K.DAYS_PER_YEAR * m),
        s0=float(closes.iloc[-1]), seed=seed, jumps=jumps, store_variance=False,
    )  # fmt: skip
    spot = paths.values[0, :, 0]
    daily_rv = rolling_vol(spot[::m], rv_window)  # known at each day's close
    # a step inside day d knows the close of day d (the last close at or before it)
    rv = np.repeat(daily_rv, m)[: total * m + 1]
    start = rv_window * m
    dates = pd.bdate_range(closes.index[-1] + pd.offsets.BDay(1), periods=days + 1)
    source = (
        f"simulated intraday ({m} steps a day, seed {seed}): GJR-GARCH-t + Merton jumps "
        f"({intensity:.2g}/year) fitted to {name} daily closes {closes.index[0].date()} to {closes.index[-1].date()}"
    )
    return build_market(name, source, dates, spot[start:], rv[start:], marks, m)
