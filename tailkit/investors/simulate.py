"""Archetypes on paths: wealth, turnover, risk-tolerance state and the behavior gap.

For an archetype's shares ``w[p, t]`` (:func:`~tailkit.investors.target_weights`):

* wealth ``W_t = W_{t-1} (1 + w_t r_t + (1 - w_t) rf)``, ``W_0 = 1``; the investor's return
  per step is ``w_t r_t + (1 - w_t) rf`` and its time-weighted return is annualised with
  ``periods_per_year``;
* turnover: ``sum_t |w_t - drifted share before trading at t|`` per path, per year
  (the first purchase is not counted);
* the **behavior gap** of a path: the money-weighted return of the investor's risky sleeve
  (its deposits are the purchases and sales, ``d_t = w_t W_{t-1} - H_{t-1}``; see
  :mod:`tailkit.investors.returns`) minus the risky asset's time-weighted return, both
  annualised. When deposits change sign several times the IRR taken is the lowest root;
* the **risk-tolerance state** ``s_t = clip(s_{t-1} + sensitivity (g_t - loss_aversion l_t),
  floor, cap)`` with ``g_t, l_t`` the gain and loss parts of the investor's step return, from
  ``s_0 = 1``: it falls after losses (λ times faster) and recovers with gains;
* the **return given up** versus a baseline (the strategic allocator) on the same paths: the
  mean over paths of the difference of annualised time-weighted returns, with its Monte Carlo
  standard error ``std(ddof=1) / sqrt(n_paths)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tailkit.errors import ConvergenceError, ParameterError, describe_bad_value
from tailkit.investors import _kernels as K
from tailkit.investors.archetypes import Archetype, target_weights
from tailkit.params import param, validate

__all__ = ["ArchetypeResult", "GapEstimate", "RiskTolerance", "return_given_up", "simulate_archetype"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskTolerance:
    """The risk-tolerance state's dynamics (module docstring)."""

    sensitivity: float = param(2.0, ge=0.0, le=100.0, doc="state change per unit of step return")
    loss_aversion: float = param(
        2.25, gt=0.0, le=10.0, doc="losses move the state this many times more than gains"
    )
    floor: float = param(0.0, ge=0.0, le=1.0, doc="lowest state")
    cap: float = param(1.5, ge=1.0, le=10.0, doc="highest state")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True)
class ArchetypeResult:
    """One archetype simulated on paths.

    Parameters
    ----------
    weights : ndarray of shape (n_paths, n_steps)
        Equity share over each step.
    wealth : ndarray of shape (n_paths, n_steps + 1)
        Wealth from 1.
    risk_tolerance : ndarray of shape (n_paths, n_steps + 1)
        The state from 1.
    twr : ndarray of shape (n_paths,)
        Annualised time-weighted return of the investor.
    asset_twr : ndarray of shape (n_paths,)
        Annualised time-weighted return of the risky asset.
    sleeve_mwr : ndarray of shape (n_paths,)
        Annualised money-weighted return of the risky sleeve.
    turnover : ndarray of shape (n_paths,)
        One-way share traded per year.
    """

    weights: np.ndarray
    wealth: np.ndarray
    risk_tolerance: np.ndarray
    twr: np.ndarray
    asset_twr: np.ndarray
    sleeve_mwr: np.ndarray
    turnover: np.ndarray

    @property
    def behavior_gap(self) -> np.ndarray:
        """Sleeve money-weighted minus asset time-weighted return per path, annualised."""
        return self.sleeve_mwr - self.asset_twr

    def to_frame(self) -> pd.DataFrame:
        """Per-path summary: terminal wealth, returns, gap, turnover."""
        return pd.DataFrame(
            {
                "terminal_wealth": self.wealth[:, -1],
                "twr": self.twr,
                "asset_twr": self.asset_twr,
                "sleeve_mwr": self.sleeve_mwr,
                "behavior_gap": self.behavior_gap,
                "turnover": self.turnover,
            }
        )


@dataclass(frozen=True, slots=True)
class GapEstimate:
    """A Monte Carlo mean with its standard error."""

    mean: float
    se: float
    n_paths: int

    def to_dict(self) -> dict[str, float]:
        """``mean``, ``se`` and ``n_paths``."""
        return {"mean": self.mean, "se": self.se, "n_paths": float(self.n_paths)}


def _annualise(per_period: np.ndarray, periods_per_year: float) -> np.ndarray:
    return np.expm1(np.log1p(per_period) * periods_per_year)


def simulate_archetype(
    archetype: Archetype,
    returns: object,
    rf: float = 0.0,
    *,
    periods_per_year: float = 252.0,
    tolerance: RiskTolerance | None = None,
) -> ArchetypeResult:
    """Simulate ``archetype`` on the risky-asset ``returns`` (module docstring).

    Parameters
    ----------
    archetype : StrategicAllocator, MarketTimer or MyopicLossAverse
    returns : array_like of shape (n_paths, n_steps) or (n_steps,)
        Risky-asset period returns (decimal).
    rf : float, default=0.0
        Safe-asset period return.
    periods_per_year : float, default=252.0
        Steps per year, for annualising.
    tolerance : RiskTolerance, optional
        Risk-tolerance dynamics (default :class:`RiskTolerance`).

    Returns
    -------
    ArchetypeResult
    """
    if not np.isfinite(periods_per_year) or periods_per_year <= 0:
        raise ParameterError(describe_bad_value("periods_per_year", periods_per_year, "a number > 0"))
    tol = tolerance or RiskTolerance()
    w = target_weights(archetype, returns, rf)
    r = np.ascontiguousarray(np.atleast_2d(np.asarray(returns, dtype=float)))
    n_steps = r.shape[1]
    wealth, state, traded, log_twr, log_asset, mwr = K.path_outcomes(
        w, r, float(rf), tol.sensitivity, tol.loss_aversion, tol.floor, tol.cap
    )
    bad = np.flatnonzero(~np.isfinite(mwr))
    if bad.size:
        raise ConvergenceError(
            describe_bad_value(
                "returns",
                f"{bad.size} path(s), the first path {int(bad[0])}",
                "paths on which the risky sleeve's flows have an internal rate of return "
                "(the archetype holds some of the risky asset)",
            )
        )
    return ArchetypeResult(
        weights=w,
        wealth=wealth,
        risk_tolerance=state,
        twr=np.expm1(log_twr * periods_per_year),
        asset_twr=np.expm1(log_asset * periods_per_year),
        sleeve_mwr=_annualise(mwr, periods_per_year),
        turnover=traded * periods_per_year / n_steps,
    )


def return_given_up(result: ArchetypeResult, baseline: ArchetypeResult) -> GapEstimate:
    """Mean annualised TWR of ``baseline`` minus ``result`` on the same paths, with its SE."""
    if result.twr.shape != baseline.twr.shape:
        raise ParameterError(
            describe_bad_value(
                "baseline", f"{baseline.twr.size} paths", f"{result.twr.size} paths, the same as result"
            )
        )
    d = baseline.twr - result.twr
    se = float(d.std(ddof=1) / np.sqrt(d.size)) if d.size > 1 else float("nan")
    return GapEstimate(mean=float(d.mean()), se=se, n_paths=int(d.size))
