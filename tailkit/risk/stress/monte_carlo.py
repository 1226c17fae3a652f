"""Crisis-regime Monte Carlo: block bootstrap from crisis days, or given scenarios, or a regime model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tailkit._typing import SeedLike
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.risk._inputs import check_confidence
from tailkit.risk.stress.scenarios import (
    StressResult,
    nav_of,
    weights_series,
)
from tailkit.risk.var import historical_var_es_arrays
from tailkit.rng import make_generator

__all__ = [
    "crisis_mask_from_vol",
    "monte_carlo_stress",
    "crisis_regime_params",
    "regime_monte_carlo_stress",
]


def crisis_mask_from_vol(
    returns: pd.Series, *, window: int = 21, quantile: float = 0.9, threshold: float | None = None
) -> pd.Series:
    """Crisis-regime days: trailing realised vol above a quantile (or an absolute threshold).

    Parameters
    ----------
    returns : Series
        Daily returns of the regime driver (e.g. the S&P 500).
    window : int, default=21
        Trailing window in days.
    quantile : float, default=0.9
        Days whose annualised realised vol is above this quantile of its history.
    threshold : float, optional
        Absolute annualised vol threshold instead (0.3 = 30%).

    Returns
    -------
    Series of bool
    """
    rv = returns.rolling(window, min_periods=window).std() * np.sqrt(252.0)
    cut = threshold if threshold is not None else float(rv.quantile(quantile))
    return (rv > cut).rename("crisis")


def monte_carlo_stress(
    returns: pd.DataFrame | None,
    weights: Any,
    *,
    crisis_mask: pd.Series | None = None,
    scenarios: Any | None = None,
    horizon: int = 21,
    n_sims: int = 10_000,
    block: int = 5,
    confidence: float = 0.99,
    seed: SeedLike = None,
    label: str = "crisis bootstrap",
) -> StressResult:
    """Monte Carlo stress from the crisis regime: the P&L distribution over ``horizon`` days.

    Horizon returns are built by a block bootstrap (blocks of ``block`` consecutive crisis
    days, keeping cross-asset correlation and volatility clustering) from the days where
    ``crisis_mask`` is True, compounded over ``horizon`` days. Alternatively pass
    ``scenarios`` (horizon returns per position, e.g. from a regime-switching simulation's
    crisis regime) and they are used as they are.

    Parameters
    ----------
    returns : DataFrame of shape (n_days, n_positions) or None
        Daily returns per position (unused with ``scenarios``).
    weights : Series or mapping
        Position values keyed by column.
    crisis_mask : Series of bool, optional
        Crisis days; default :func:`crisis_mask_from_vol` of the equal-weighted average return.
    scenarios : DataFrame or ndarray of shape (n_sims, n_positions), optional
        Pre-computed horizon returns.
    horizon : int, default=21
        Days per scenario.
    n_sims : int, default=10_000
        Scenarios drawn.
    block : int, default=5
        Bootstrap block length in days.
    confidence : float, default=0.99
        Level of the reported VaR and ES rows.
    seed : int, Generator or None
        Seed of the bootstrap.
    label : str, default="crisis bootstrap"
        Prefix of the row names.

    Returns
    -------
    StressResult
        Rows ``<label> <h>d: mean``, ``median``, ``VaR <c>``, ``ES <c>``, ``worst`` of the P&L
        distribution (signed P&L: VaR and ES of :func:`tailkit.risk.var_es`'s convention, the
        ``ceil(n (1 - c))``-th largest loss and the Acerbi-Tasche ES, with their signs flipped;
        position columns are the Euler components, also signed).
    """
    c = float(check_confidence(confidence)[0])
    if scenarios is not None:
        if isinstance(scenarios, pd.DataFrame):
            w = weights_series(weights, list(scenarios.columns))
            sims = scenarios[list(w.index)].to_numpy(dtype=float)
        else:
            sims = np.asarray(scenarios, dtype=float)
            w = weights_series(weights, [f"position_{j}" for j in range(sims.shape[1])])
    else:
        if returns is None:
            raise ParameterError("give either returns (to bootstrap crisis days) or scenarios")
        w = weights_series(weights, list(returns.columns))
        rets = returns.copy()
        rets.columns = rets.columns.map(str)
        rets = rets[list(w.index)].dropna()
        if crisis_mask is None:
            crisis_mask = crisis_mask_from_vol(rets.mean(axis=1))
        mask = crisis_mask.reindex(rets.index).fillna(False).astype(bool).to_numpy()
        days = np.log1p(rets.to_numpy()[mask])
        if days.shape[0] < block:
            raise DataError(
                f"only {days.shape[0]} crisis day(s) with complete returns; need at least {block}"
            )
        if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
            raise ParameterError(describe_bad_value("horizon", horizon, "an int >= 1 (days)"))
        rng = make_generator(seed)
        n_blocks = -(-horizon // block)
        starts = rng.integers(0, days.shape[0] - block + 1, size=(n_sims, n_blocks))
        offs = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(n_sims, -1)[:, :horizon]
        sims = np.expm1(days[offs].sum(axis=1))
    if sims.ndim != 2 or sims.shape[1] != len(w):
        raise ParameterError(describe_bad_value("scenarios", sims.shape, f"(n_sims, {len(w)})"))
    pos = sims * w.to_numpy()[None, :]
    pnl = pos.sum(axis=1)
    nav = nav_of(w)
    # VaR/ES and each position's share by the one tail kernel (losses positive), signed here
    tail = historical_var_es_arrays(np.ascontiguousarray(sims), w.to_numpy(dtype=float), c)
    stats_rows = {
        "mean": float(pnl.mean()),
        "median": float(np.median(pnl)),
        f"VaR {c:.0%}": -float(tail.var[0]),
        f"ES {c:.0%}": -float(tail.es[0]),
        "worst": float(pnl.min()),
    }
    pos_rows = {
        "mean": pos.mean(axis=0),
        "median": np.median(pos, axis=0),
        f"VaR {c:.0%}": -tail.component_var[0],
        f"ES {c:.0%}": -tail.component_es[0],
        "worst": pos[np.argmin(pnl)],
    }
    index = pd.Index([f"{label} {horizon}d: {k}" for k in stats_rows], name="scenario")
    table = pd.DataFrame(
        {"pnl": list(stats_rows.values()), "return": [v / nav for v in stats_rows.values()]}, index=index
    )
    table["horizon_days"] = horizon
    table["n_sims"] = len(pnl)
    return StressResult(
        "monte_carlo",
        table,
        pd.DataFrame(np.array(list(pos_rows.values())), index=index, columns=list(w.index)),
    )


def crisis_regime_params(returns: pd.DataFrame, *, crisis_mask: pd.Series | None = None) -> Any:
    """Three-regime (calm, stressed, crisis) parameters estimated from history.

    Days are split by the trailing 21-day realised vol of the equal-weighted average return:
    crisis above its 90th percentile (or ``crisis_mask``), stressed above its median, calm
    otherwise. Each regime gets its annualised mean, volatility and correlation; the
    transition matrix is :class:`tailkit.simulation.RegimeParams`' default (expected stays of
    about 100, 25 and 20 days) and paths start in the crisis regime.

    Parameters
    ----------
    returns : DataFrame
        Daily returns per position (complete rows are used).
    crisis_mask : Series of bool, optional
        Crisis days; default the 90th-percentile realised-vol rule.

    Returns
    -------
    tailkit.simulation.RegimeParams
    """
    from tailkit.simulation import RegimeParams

    rets = returns.dropna()
    avg = rets.mean(axis=1)
    crisis = (
        crisis_mask_from_vol(avg) if crisis_mask is None else crisis_mask.reindex(rets.index).fillna(False)
    )
    stressed = crisis_mask_from_vol(avg, quantile=0.5) & ~crisis.astype(bool)
    calm = ~(crisis.astype(bool) | stressed)
    mus, sigmas, corrs = [], [], []
    n = rets.shape[1]
    for mask in (calm, stressed, crisis.astype(bool)):
        x = rets.to_numpy()[mask.to_numpy()]
        if x.shape[0] < max(n + 2, 10):
            raise DataError(f"only {x.shape[0]} days in a regime; need at least {max(n + 2, 10)}")
        mus.append(tuple(float(v) for v in x.mean(axis=0) * 252.0))
        sigmas.append(tuple(float(v) for v in x.std(axis=0, ddof=1) * np.sqrt(252.0)))
        c = np.corrcoef(x, rowvar=False).reshape(n, n)
        c = 0.5 * (c + c.T)
        np.fill_diagonal(c, 1.0)
        corrs.append(tuple(tuple(float(v) for v in row) for row in c))
    return RegimeParams(mu=tuple(mus), sigma=tuple(sigmas), correlation=tuple(corrs), initial=(0.0, 0.0, 1.0))


def regime_monte_carlo_stress(
    returns: pd.DataFrame | None,
    weights: Any,
    *,
    regime_params: Any | None = None,
    crisis_mask: pd.Series | None = None,
    horizon: int = 21,
    n_sims: int = 10_000,
    confidence: float = 0.99,
    seed: SeedLike = None,
) -> StressResult:
    """Monte Carlo stress from the crisis regime of a regime-switching simulation.

    Paths of :func:`tailkit.simulation.simulate_regimes` start in the last regime (the crisis)
    and follow the Markov chain for ``horizon`` days; the horizon returns of each position
    feed :func:`monte_carlo_stress`.

    Parameters
    ----------
    returns : DataFrame or None
        Daily returns per position, to estimate the regimes (unused with ``regime_params``).
    weights : Series or mapping
        Position values keyed by column (or by the order of ``regime_params``' assets).
    regime_params : tailkit.simulation.RegimeParams, optional
        Regimes to simulate (its ``initial`` distribution is used as given); default
        :func:`crisis_regime_params` of ``returns``.
    crisis_mask : Series of bool, optional
        Crisis days for the default estimate.
    horizon : int, default=21
        Days per path.
    n_sims : int, default=10_000
        Paths.
    confidence : float, default=0.99
        Level of the VaR and ES rows.
    seed : int, Generator or None
        Seed of the simulation.

    Returns
    -------
    StressResult
        Rows ``crisis regime MC <h>d: mean, median, VaR, ES, worst``.
    """
    from tailkit.simulation import simulate_regimes

    if regime_params is None:
        if returns is None:
            raise ParameterError("give either returns (to estimate the regimes) or regime_params")
        regime_params = crisis_regime_params(returns, crisis_mask=crisis_mask)
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ParameterError(describe_bad_value("horizon", horizon, "an int >= 1 (days)"))
    paths = simulate_regimes(regime_params, n_paths=n_sims, n_steps=horizon, seed=seed)
    scen = paths.values[:, -1, :] / paths.values[:, 0, :] - 1.0
    if returns is not None:
        w = weights_series(weights, list(returns.columns))
        frame = pd.DataFrame(scen, columns=[str(c) for c in returns.columns])[list(w.index)]
    else:
        names = [f"position_{j}" for j in range(scen.shape[1])]
        w = weights_series(weights, names)
        frame = pd.DataFrame(scen, columns=list(w.index))
    return monte_carlo_stress(
        None, w, scenarios=frame, horizon=horizon, confidence=confidence, label="crisis regime MC"
    )
