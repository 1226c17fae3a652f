"""Regime-dependent joint simulation of the premia.

The premia's monthly excess returns ``r`` are modelled as ``log(1 + r)`` following a
K-regime Gaussian Markov-switching model: each regime (ordered calm, stressed, crisis by
average vol) has its own means, vols and correlations, so concave premia can crash *together*
with equity in the crisis regime. The fit is :func:`tailkit.calibration.fit_regimes`
(Hamilton-filter EM) with ``dt = 1/12``; the simulation is
:func:`tailkit.simulation.simulate_regimes` on the fitted parameters (per-month transitions),
and the simulated log returns are turned back into simple excess returns ``expm1``.

Market scenarios (:func:`stress_regimes`) change two things of a fitted model, in the
vocabulary of notebook 02's scenario files: the regime the paths **start** in (or the
stationary distribution), and the expected stay in the **crisis** regime (the last regime),
multiplied by ``crisis_duration_multiplier`` by dividing the crisis row's exit probabilities by
it (the mix between the regimes it exits to is kept).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from tailkit._typing import SeedLike
from tailkit.calibration import RegimeFit, fit_regimes
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.simulation import RegimeParams, simulate_regimes

__all__ = [
    "DT_MONTH",
    "START_REGIMES",
    "PremiaPaths",
    "fit_premia_regimes",
    "simulate_premia",
    "stress_regimes",
]

#: where scenario paths can start: the stationary distribution or one named regime
START_REGIMES: tuple[str, ...] = ("stationary", "calm", "stressed", "crisis")

#: one month in years
DT_MONTH = 1.0 / 12.0


def fit_premia_regimes(returns: pd.DataFrame, n_regimes: int = 3) -> RegimeFit:
    """Fit the regime model to monthly premia (module docstring).

    Parameters
    ----------
    returns : DataFrame of shape (n_months, n_premia)
        Monthly simple excess returns, > -1; rows with a NaN are dropped.
    n_regimes : int, default=3

    Returns
    -------
    RegimeFit
        Drifts and vols annualised (``dt = 1/12``), transitions per month.
    """
    if not isinstance(returns, pd.DataFrame):
        raise ParameterError(
            describe_bad_value("returns", type(returns).__name__, "a DataFrame of monthly returns")
        )
    data = returns.astype(float).dropna()
    if (data <= -1.0).any().any():
        raise DataError("returns holds a monthly return <= -1: log(1 + r) is undefined")
    return fit_regimes(np.log1p(data), n_regimes, dt=DT_MONTH)


@dataclass(frozen=True, slots=True)
class PremiaPaths:
    """Simulated monthly premia.

    Parameters
    ----------
    returns : ndarray of shape (n_paths, n_months, n_premia)
        Simple monthly excess returns.
    regimes : ndarray of int, shape (n_paths, n_months)
        Regime in force over each month.
    names : tuple of str
        Premium names.
    regime_names : tuple of str
    """

    returns: np.ndarray
    regimes: np.ndarray
    names: tuple[str, ...]
    regime_names: tuple[str, ...]

    def regime_table(self, equity: str = "equity") -> pd.DataFrame:
        """Per regime and premium: share of months, monthly mean, monthly vol, correlation with ``equity``.

        Pooled over paths and months; NaN for a regime that never occurs.
        """
        if equity not in self.names:
            raise ParameterError(describe_bad_value("equity", equity, "one of " + ", ".join(self.names)))
        e = self.names.index(equity)
        flat = self.returns.reshape(-1, len(self.names))
        reg = self.regimes.ravel()
        rows = []
        for k, regime in enumerate(self.regime_names):
            sel = flat[reg == k]
            for j, name in enumerate(self.names):
                x = sel[:, j]
                rows.append(
                    {
                        "regime": regime,
                        "premium": name,
                        "share": float(np.mean(reg == k)),
                        "mean": float(x.mean()) if x.size else float("nan"),
                        "vol": float(x.std(ddof=1)) if x.size > 1 else float("nan"),
                        "corr_equity": float(np.corrcoef(x, sel[:, e])[0, 1]) if x.size > 1 else float("nan"),
                    }
                )
        return pd.DataFrame(rows).set_index(["regime", "premium"])

    def to_frame(self) -> pd.DataFrame:
        """Mean and vol of each premium's monthly return over all paths and months."""
        flat = self.returns.reshape(-1, len(self.names))
        return pd.DataFrame(
            {"mean": flat.mean(axis=0), "vol": flat.std(axis=0, ddof=1)}, index=list(self.names)
        )


def simulate_premia(
    params: RegimeParams, names: tuple[str, ...], *, n_paths: int, n_months: int, seed: SeedLike = None
) -> PremiaPaths:
    """Simulate the premia jointly from regime parameters (module docstring).

    Parameters
    ----------
    params : RegimeParams
        Usually ``fit_premia_regimes(...).params``; one asset per name.
    names : tuple of str
        Premium names, one per asset of ``params``.
    n_paths, n_months : int
    seed : int, Generator, SeedSequence or None

    Returns
    -------
    PremiaPaths
    """
    n_assets = len(params.mu[0])
    if len(names) != n_assets:
        raise ParameterError(
            describe_bad_value("names", tuple(names), f"{n_assets} names, one per asset of params")
        )
    paths = simulate_regimes(
        params, n_paths=n_paths, n_steps=n_months, dt=DT_MONTH, seed=seed, names=list(names)
    )
    if paths.regimes is None:
        raise DataError("simulate_regimes returned no regime path")
    return PremiaPaths(
        returns=np.expm1(paths.returns()),
        regimes=paths.regimes[:, :-1].astype(np.int64),
        names=tuple(names),
        regime_names=tuple(params.regime_names),
    )


def stress_regimes(
    params: RegimeParams, *, start_regime: str = "stationary", crisis_duration_multiplier: float = 1.0
) -> RegimeParams:
    """A market scenario on fitted regime parameters (module docstring).

    Parameters
    ----------
    params : RegimeParams
        Fitted parameters, regimes ordered calm to crisis (the crisis regime is the last).
    start_regime : str, default="stationary"
        ``"stationary"`` or the name of one regime of ``params``: every path starts there.
    crisis_duration_multiplier : float, default=1.0
        Expected months in the crisis regime per visit are multiplied by this (> 0; below 1 it
        must leave the exit probability at most 1).

    Returns
    -------
    RegimeParams
        The same means, vols and correlations; the changed transitions and initial regime.

    Examples
    --------
    >>> from tailkit.simulation import RegimeParams
    >>> p = stress_regimes(RegimeParams(), start_regime="crisis", crisis_duration_multiplier=2.0)
    >>> p.initial
    (0.0, 0.0, 1.0)
    """
    names = tuple(params.regime_names)
    if start_regime != "stationary" and start_regime not in names:
        raise ParameterError(
            describe_bad_value("start_regime", start_regime, "'stationary' or one of " + ", ".join(names))
        )
    m = float(crisis_duration_multiplier)
    trans = np.asarray(params.transition, dtype=float)
    stay = trans[-1, -1]
    if not np.isfinite(m) or m <= 0.0 or (1.0 - stay) / m > 1.0 + 1e-12:
        raise ParameterError(
            describe_bad_value(
                "crisis_duration_multiplier",
                m,
                f"a number > 0 and >= {1.0 - stay:.4g} (the fitted crisis exit probability)",
            )
        )
    row = trans[-1] / m
    row[-1] = 0.0
    row[-1] = max(1.0 - row.sum(), 0.0)
    trans = trans.copy()
    trans[-1] = row
    initial: tuple[float, ...] = ()
    if start_regime != "stationary":
        initial = tuple(1.0 if n == start_regime else 0.0 for n in names)
    return replace(params, transition=tuple(tuple(float(x) for x in r) for r in trans), initial=initial)
