"""Forecast distributions of a portfolio's return over a horizon, scored honestly out of sample.

Models
------
Each model turns the daily returns *up to and including the origin day* (the last ``window``
of them) into ``n_draws`` equally likely ``horizon``-day compounded returns:

``garch``
    GJR-GARCH(1,1) with Student-t shocks fitted on log returns by :func:`tailkit.calibration.fit_gjr_garch`,
    simulated forward by :func:`tailkit.simulation.simulate_gjr_garch` from the fitted
    one-step-ahead variance.
``regime``
    A two-regime Gaussian Markov-switching model fitted by :func:`tailkit.calibration.fit_regimes`
    on log returns; the simulation by :func:`tailkit.simulation.simulate_regimes` starts from
    the regime distribution of the day after the origin (the filtered probabilities at the
    origin times the transition matrix), so it knows whether the market is calm or stressed now.
``bootstrap``
    A moving-block bootstrap of the window: ``ceil(horizon / block)`` blocks of ``block``
    consecutive days at uniformly drawn starts, cut to ``horizon`` days and compounded.

Scores (rolling origin)
-----------------------
:func:`evaluate_forecasts` steps the origin through the sample every ``step`` days (default
``horizon``: non-overlapping targets) and, for each model, records:

* **coverage** of the central 50/90/95% intervals (sample quantiles of the draws): the share of
  realised returns inside; a calibrated model is near 0.50/0.90/0.95;
* **CRPS** (continuous ranked probability score, lower is better) of the draws against the
  realised return: ``mean|X - y| - 1/2 mean|X - X'|`` (the energy form over the sample, Gneiting
  and Raftery, "Strictly proper scoring rules, prediction, and estimation", JASA 102, 2007,
  eq. 21), computed from the sorted draws in O(n log n);
* **directional accuracy**: the forecast says "up" when more than half the draws are positive;
  compared with the naive "always up" forecast by a **Diebold-Mariano** test (Diebold and
  Mariano, "Comparing predictive accuracy", JBES 13, 1995) on the 0/1 loss differential with a
  Newey-West variance (``horizon - 1`` lags when targets overlap, else none); two-sided
  normal p-value.

Monthly equity returns are close to unpredictable in direction: a directional accuracy far
above the share of up months would point to look-ahead, not skill. Every forecast uses only
returns up to its origin (``tests/risk/test_forecast.py`` truncates the data at an origin and
checks the forecast is unchanged).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr

from tailkit.errors import ConvergenceError, DataError, ParameterError, describe_bad_value

__all__ = [
    "FORECAST_MODELS",
    "ForecastEvaluation",
    "crps_sample",
    "diebold_mariano",
    "evaluate_forecasts",
    "forecast_distribution",
    "newey_west_se",
]

FORECAST_MODELS: tuple[str, ...] = ("garch", "regime", "bootstrap")
LEVELS: tuple[float, ...] = (0.50, 0.90, 0.95)


def newey_west_se(x: Any, lags: int | None = None) -> float:
    """Standard error of the mean of ``x`` from a Newey-West (Bartlett) long-run variance.

    Parameters
    ----------
    x : array_like of shape (n,)
        Series (n >= 2, finite).
    lags : int, optional
        Bartlett lags; default ``floor(4 (n / 100)^(2/9))``.

    Returns
    -------
    float
        ``sqrt(LRV / n)`` with ``LRV = g_0 + 2 sum_j (1 - j / (lags + 1)) g_j`` and autocovariances
        ``g_j`` divided by ``n``.

    Examples
    --------
    >>> round(newey_west_se([1.0, -1.0, 1.0, -1.0], lags=0), 12)  # sd (ddof=0) / sqrt(n) = 1 / 2
    0.5
    """
    a = np.asarray(x, dtype=float).ravel()
    n = a.size
    if n < 2 or not np.isfinite(a).all():
        raise DataError(f"x needs at least 2 finite values; got {n} values")
    q = int(np.floor(4.0 * (n / 100.0) ** (2.0 / 9.0))) if lags is None else lags
    if isinstance(q, bool) or not isinstance(q, int) or q < 0:
        raise ParameterError(describe_bad_value("lags", lags, "an int >= 0"))
    e = a - a.mean()
    lrv = float(e @ e) / n
    for j in range(1, min(q, n - 1) + 1):
        lrv += 2.0 * (1.0 - j / (q + 1.0)) * float(e[j:] @ e[:-j]) / n
    return float(np.sqrt(max(lrv, 0.0) / n))


def crps_sample(draws: Any, y: float) -> float:
    """CRPS of an equally weighted sample forecast at the outcome ``y`` (energy form).

    ``mean_i |x_i - y| - 1/(2 n^2) sum_{i,j} |x_i - x_j|``, the second term from the sorted
    draws as ``(1 / n^2) sum_i (2 i - n - 1) x_(i)``.

    Examples
    --------
    >>> crps_sample([0.0], 1.0)  # a point forecast: the absolute error
    1.0
    >>> crps_sample([-1.0, 1.0], 0.0)  # 1 - (1/4) ((-1)(-1) + (1)(1))
    0.5
    """
    x = np.sort(np.asarray(draws, dtype=float).ravel())
    n = x.size
    if n == 0 or not np.isfinite(x).all() or not math.isfinite(y):
        raise DataError("draws must be a non-empty finite sample and y finite")
    i = np.arange(1, n + 1)
    spread = float(np.sum((2 * i - n - 1) * x)) / (n * n)
    return float(np.mean(np.abs(x - y)) - spread)


def diebold_mariano(loss_a: Any, loss_b: Any, *, lags: int = 0) -> tuple[float, float]:
    """Diebold-Mariano statistic and two-sided p-value of ``mean(loss_a - loss_b) = 0``.

    Parameters
    ----------
    loss_a, loss_b : array_like of shape (n,)
        Losses of the two forecasts on the same targets.
    lags : int, default=0
        Newey-West lags (``horizon - 1`` for overlapping ``horizon``-step targets).

    Returns
    -------
    stat, p_value : float
        Negative ``stat`` means ``a`` has the smaller loss. With identical losses the statistic
        is 0 and the p-value 1.
    """
    d = np.asarray(loss_a, dtype=float).ravel() - np.asarray(loss_b, dtype=float).ravel()
    se = newey_west_se(d, lags)
    if se == 0.0:
        return (0.0, 1.0) if d.mean() == 0.0 else (math.copysign(math.inf, d.mean()), 0.0)
    stat = float(d.mean() / se)
    return stat, float(2.0 * ndtr(-abs(stat)))


def _window(returns: pd.Series, origin: Any, window: int) -> pd.Series:
    r = returns.loc[:origin] if origin is not None else returns
    if len(r) < window:
        raise DataError(f"returns: {len(r)} days up to the origin {origin}; the model needs window={window}")
    return r.iloc[-window:]


def forecast_distribution(
    returns: pd.Series,
    *,
    horizon: int = 21,
    model: str = "bootstrap",
    origin: Any = None,
    window: int = 750,
    n_draws: int = 2000,
    block: int = 5,
    seed: int = 0,
) -> np.ndarray:
    """Draws of the ``horizon``-day compounded return after ``origin`` (see the module docstring).

    Parameters
    ----------
    returns : Series
        Daily simple returns (decimals), DatetimeIndex or positions.
    horizon : int, default=21
        Days ahead (>= 1).
    model : {"garch", "regime", "bootstrap"}, default="bootstrap"
        Forecasting model.
    origin : label, optional
        Last day the forecast may use (default the last day of ``returns``); later days are
        never read.
    window : int, default=750
        Trailing days the model is fitted on (>= 250 for ``garch`` and ``regime``, >= 20 else).
    n_draws : int, default=2000
        Draws (>= 100).
    block : int, default=5
        Block length of the bootstrap, days.
    seed : int, default=0
        Seed of the draws.

    Returns
    -------
    ndarray of shape (n_draws,)

    Raises
    ------
    ConvergenceError
        When the GJR-GARCH estimate is not covariance stationary (persistence >= 1, the
        integrated boundary): tailkit does not simulate a non-stationary fit.
    """
    if model not in FORECAST_MODELS:
        raise ParameterError(describe_bad_value("model", model, "one of " + ", ".join(FORECAST_MODELS)))
    for name, value, low in (("horizon", horizon, 1), ("n_draws", n_draws, 100), ("block", block, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ParameterError(describe_bad_value(name, value, f"an int >= {low}"))
    low_window = 20 if model == "bootstrap" else 250
    if isinstance(window, bool) or not isinstance(window, int) or window < low_window:
        raise ParameterError(describe_bad_value("window", window, f"an int >= {low_window} for {model}"))
    r = _window(pd.Series(returns, dtype=float), origin, window)
    x = r.to_numpy()
    if not np.isfinite(x).all() or np.any(x <= -1.0):
        raise DataError("returns in the window must be finite and above -100%")
    if model == "bootstrap":
        rng = np.random.default_rng(seed)
        n_blocks = -(-horizon // block)
        starts = rng.integers(0, x.size - block + 1, size=(n_draws, n_blocks))
        days = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(n_draws, -1)[:, :horizon]
        return np.expm1(np.log1p(x)[days].sum(axis=1))
    if model == "garch":
        from tailkit.calibration import fit_gjr_garch
        from tailkit.simulation import simulate_gjr_garch

        try:
            fit = fit_gjr_garch(np.log1p(x), "t")
        except ParameterError as exc:  # the MLE sits on the stationarity boundary (IGARCH)
            raise ConvergenceError(
                f"GJR-GARCH fit on the {window} days to {r.index[-1]} is not usable for simulation: {exc}"
            ) from exc
        paths = simulate_gjr_garch(
            fit.params,
            n_paths=n_draws,
            n_steps=horizon,
            h0=fit.last_variance,
            seed=seed,
            store_variance=False,
        )
        return paths.values[:, -1, 0] - 1.0
    from tailkit.calibration import fit_regimes
    from tailkit.simulation import simulate_regimes

    reg = fit_regimes(np.log1p(x), 2)
    p_last = reg.probabilities.filtered[-1]
    p_next = p_last @ np.asarray(reg.params.transition)
    params = dataclasses.replace(reg.params, initial=tuple(float(v) for v in p_next / p_next.sum()))
    paths = simulate_regimes(params, n_paths=n_draws, n_steps=horizon, seed=seed)
    return paths.values[:, -1, 0] - 1.0


@dataclass(frozen=True, slots=True)
class ForecastEvaluation:
    """Rolling-origin, out-of-sample scores of horizon-return forecasts.

    Attributes
    ----------
    horizon, window, step : int
        Days ahead, fitting window and spacing of the origins.
    records : DataFrame
        One row per (origin, model): ``origin``, ``target_end``, ``model``, ``realized``,
        ``median``, ``prob_up``, ``crps``, ``in_50``, ``in_90``, ``in_95``, ``direction_hit``.
    base_rate : float
        Share of realised returns > 0 (the accuracy of "always up").
    failures : DataFrame
        ``origin`` and ``model`` of the forecasts that could not be made (a GJR-GARCH fit on the
        integrated boundary); those origins are left out of that model's scores.
    """

    horizon: int
    window: int
    step: int
    records: pd.DataFrame = field(repr=False)
    base_rate: float
    failures: pd.DataFrame = field(repr=False)

    def table(self) -> pd.DataFrame:
        """One row per model: coverage, mean CRPS, direction vs "always up" with Diebold-Mariano.

        Columns: ``origins`` (scored), ``failed`` (origins without a forecast), ``coverage_50/90/95``, ``crps``, ``directional_accuracy``,
        ``always_up_accuracy``, ``dm_stat`` and ``dm_p_value`` of the 0/1 directional loss
        against "always up" (negative: the model misses less).
        """
        rows: dict[str, dict[str, float]] = {}
        lags = self.horizon - 1 if self.step < self.horizon else 0
        models = list(dict.fromkeys([*self.records["model"], *self.failures["model"]]))
        for model in models:
            g = self.records[self.records["model"] == model]
            failed = int((self.failures["model"] == model).sum())
            if g.empty:
                rows[model] = {"origins": 0, "failed": failed}
                continue
            up = (g["realized"] > 0).to_numpy()
            hit = g["direction_hit"].to_numpy()
            dm, p = diebold_mariano(1.0 - hit, 1.0 - up, lags=lags)
            rows[model] = {
                "origins": len(g),
                "failed": failed,
                "coverage_50": float(g["in_50"].mean()),
                "coverage_90": float(g["in_90"].mean()),
                "coverage_95": float(g["in_95"].mean()),
                "crps": float(g["crps"].mean()),
                "directional_accuracy": float(hit.mean()),
                "always_up_accuracy": float(up.mean()),
                "dm_stat": dm,
                "dm_p_value": p,
            }
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = "model"
        return out

    def to_frame(self) -> pd.DataFrame:
        """:meth:`table`."""
        return self.table()


def evaluate_forecasts(
    returns: pd.Series,
    *,
    horizon: int = 21,
    models: Sequence[str] = FORECAST_MODELS,
    window: int = 750,
    step: int | None = None,
    n_draws: int = 2000,
    block: int = 5,
    seed: int = 0,
) -> ForecastEvaluation:
    """Score each model's forecasts at rolling origins against the realised returns.

    Origins run from day ``window`` (the first with a full window) every ``step`` days while a
    full ``horizon`` of realised days follows. The forecast at each origin sees only returns up
    to that day.

    Parameters
    ----------
    returns : Series
        Daily simple returns (decimals).
    horizon : int, default=21
        Days ahead.
    models : sequence of str, default=FORECAST_MODELS
        Models to score.
    window : int, default=750
        Fitting window, days.
    step : int, optional
        Days between origins (default ``horizon``: non-overlapping targets).
    n_draws, block, seed
        As in :func:`forecast_distribution` (origin ``k`` uses ``seed + k``).

    Returns
    -------
    ForecastEvaluation
    """
    r = pd.Series(returns, dtype=float).dropna()
    step = horizon if step is None else step
    if isinstance(step, bool) or not isinstance(step, int) or step < 1:
        raise ParameterError(describe_bad_value("step", step, "an int >= 1"))
    bad = [m for m in models if m not in FORECAST_MODELS]
    if bad or not models:
        raise ParameterError(
            describe_bad_value("models", list(models), "a non-empty subset of " + ", ".join(FORECAST_MODELS))
        )
    origins = list(range(window - 1, len(r) - horizon, step))
    if not origins:
        raise DataError(f"returns: {len(r)} days cannot fit window={window} plus horizon={horizon}")
    logs = np.log1p(r.to_numpy())
    rows = []
    failed: list[dict[str, Any]] = []
    for k, i in enumerate(origins):
        realized = float(np.expm1(logs[i + 1 : i + 1 + horizon].sum()))
        for model in models:
            try:
                draws = forecast_distribution(
                    r.iloc[: i + 1],
                    horizon=horizon,
                    model=model,
                    window=window,
                    n_draws=n_draws,
                    block=block,
                    seed=seed + k,
                )
            except ConvergenceError:
                failed.append({"origin": r.index[i], "model": model})
                continue
            q = np.quantile(draws, [0.025, 0.05, 0.25, 0.75, 0.95, 0.975])
            prob_up = float(np.mean(draws > 0))
            rows.append(
                {
                    "origin": r.index[i],
                    "target_end": r.index[i + horizon],
                    "model": model,
                    "realized": realized,
                    "median": float(np.median(draws)),
                    "prob_up": prob_up,
                    "crps": crps_sample(draws, realized),
                    "in_50": bool(q[2] <= realized <= q[3]),
                    "in_90": bool(q[1] <= realized <= q[4]),
                    "in_95": bool(q[0] <= realized <= q[5]),
                    "direction_hit": bool((prob_up > 0.5) == (realized > 0)),
                }
            )
    records = pd.DataFrame(rows)
    if records.empty:
        raise ConvergenceError(f"no model produced a forecast at any of the {len(origins)} origins")
    base = float((records.drop_duplicates("origin")["realized"] > 0).mean())
    return ForecastEvaluation(
        horizon, window, step, records, base, pd.DataFrame(failed, columns=["origin", "model"])
    )
