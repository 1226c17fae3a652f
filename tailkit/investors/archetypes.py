"""Investor archetypes: rules that map what the investor has seen to an equity share.

The world has two assets: a risky one with period returns ``r[p, t]`` (paths x steps) and a
safe one with period return ``rf`` (a constant). Each archetype chooses the equity share
``w[p, t]`` held over step ``t`` from information up to the end of step ``t - 1``; wealth
follows ``W_t = W_{t-1} (1 + w_t r_t + (1 - w_t) rf)`` from ``W_0 = 1``, with no costs.

* :class:`StrategicAllocator` — policy share ``weight``. ``rebalance="calendar"``: back to
  ``weight`` every ``every`` steps (at the start of steps 0, every, 2 every, ...), drifting in
  between; ``"band"``: back to ``weight`` whenever the drifted share is more than ``band``
  away from it.
* :class:`MarketTimer` — loss-averse and trend-chasing. It watches the risky asset's price
  (``P_t = prod(1 + r)``) and its running peak. Invested (share ``weight``, rebalanced every
  step) until the price's drawdown from its peak exceeds ``threshold``; then it holds
  ``out_weight`` until either the price has risen ``recovery`` above its lowest close since the
  exit (``reentry="recovery"``) or ``lag`` steps have passed (``reentry="lag"``), and the
  peak restarts at the re-entry price.
* :class:`MyopicLossAverse` — Benartzi and Thaler (1995): every ``horizon`` steps it
  re-chooses the share in ``grid`` with the highest cumulative-prospect value
  (:func:`tailkit.behavioral.prospect_value`) of the outcome over the next ``horizon`` steps.
  The outcome distribution is the risky asset's ``horizon``-step returns seen over the last
  ``memory`` steps (overlapping windows); for share ``w`` the horizon return is
  ``w R + (1 - w) ((1 + rf)^horizon - 1)``. The outcome is measured against the reference
  point: ``reference="last"`` (the wealth at this evaluation: the outcome is the horizon
  return) or ``"peak"`` (the running peak of wealth: ``W (1 + return) / peak - 1``, so an
  investor below the peak judges in the loss domain). Until ``memory`` steps have been seen
  it holds ``initial_weight``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from tailkit.behavioral import ProspectParams
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.investors import _kernels as K
from tailkit.params import param, param_like, validate

__all__ = ["Archetype", "MarketTimer", "MyopicLossAverse", "StrategicAllocator", "target_weights"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StrategicAllocator:
    """Fixed policy share, calendar or band rebalancing (module docstring)."""

    weight: float = param(0.6, ge=0.0, le=1.0, doc="policy equity share")
    rebalance: Literal["calendar", "band"] = param(
        "calendar", choices=("calendar", "band"), doc="rebalancing rule"
    )
    every: int = param(21, ge=1, le=10_000, doc="steps between calendar rebalances")
    band: float = param(0.05, ge=0.0, le=1.0, doc="band half-width around the policy share")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class MarketTimer:
    """Cuts risk after a drawdown, buys back after a recovery or a lag (module docstring)."""

    weight: float = param(0.6, ge=0.0, le=1.0, doc="equity share while invested")
    out_weight: float = param(0.0, ge=0.0, le=1.0, doc="equity share while out")
    threshold: float = param(0.15, gt=0.0, le=1.0, doc="price drawdown from the peak that triggers the exit")
    reentry: Literal["recovery", "lag"] = param("recovery", choices=("recovery", "lag"), doc="re-entry rule")
    recovery: float = param(
        0.10, gt=0.0, le=10.0, doc="rise above the trough since the exit that triggers re-entry"
    )
    lag: int = param(63, ge=1, le=10_000, doc="steps out before re-entry with reentry='lag'")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class MyopicLossAverse:
    """Benartzi-Thaler myopic loss-averse investor (module docstring)."""

    horizon: int = param(21, ge=1, le=10_000, doc="evaluation period, steps")
    memory: int = param(252, ge=2, le=100_000, doc="steps of history behind the outcome distribution")
    grid: tuple[float, ...] = param(
        (0.0, 0.2, 0.4, 0.6, 0.8, 1.0), ge=0.0, le=1.0, doc="equity shares considered"
    )
    reference: Literal["last", "peak"] = param("last", choices=("last", "peak"), doc="reference point")
    initial_weight: float = param(0.6, ge=0.0, le=1.0, doc="share held until memory steps are seen")
    loss_aversion: float = param_like(ProspectParams, "loss_aversion")
    alpha: float = param_like(ProspectParams, "alpha")
    beta: float = param_like(ProspectParams, "beta")
    gamma: float = param_like(ProspectParams, "gamma")
    delta: float = param_like(ProspectParams, "delta")

    def __post_init__(self) -> None:
        validate(self)
        if len(self.grid) == 0:
            raise ParameterError(describe_bad_value("grid", self.grid, "at least one equity share"))
        if self.memory <= self.horizon:
            raise ParameterError(
                describe_bad_value("memory", self.memory, f"more steps than horizon={self.horizon}")
            )

    @property
    def prospect(self) -> ProspectParams:
        """The prospect-theory preferences (reference 0: outcomes are already net of it)."""
        return ProspectParams(
            alpha=self.alpha,
            beta=self.beta,
            loss_aversion=self.loss_aversion,
            gamma=self.gamma,
            delta=self.delta,
        )


Archetype = StrategicAllocator | MarketTimer | MyopicLossAverse


def target_weights(archetype: Archetype, returns: object, rf: float = 0.0) -> np.ndarray:
    """Equity share each step for each path (module docstring).

    Parameters
    ----------
    archetype : StrategicAllocator, MarketTimer or MyopicLossAverse
    returns : array_like of shape (n_paths, n_steps) or (n_steps,)
        Risky-asset period returns (decimal, > -1).
    rf : float, default=0.0
        Safe-asset period return.

    Returns
    -------
    ndarray of shape (n_paths, n_steps)
        The share held over each step.
    """
    r = np.atleast_2d(np.asarray(returns, dtype=float))
    if r.ndim != 2 or not np.isfinite(r).all() or (r <= -1.0).any():
        raise ParameterError(
            describe_bad_value(
                "returns", f"array of shape {r.shape}", "finite returns > -1, shape (n_paths, n_steps)"
            )
        )
    if not np.isfinite(rf) or rf <= -1.0:
        raise ParameterError(describe_bad_value("rf", rf, "a period return > -1"))
    r = np.ascontiguousarray(r)
    if isinstance(archetype, StrategicAllocator):
        a = archetype
        return K.strategic_weights(r, float(rf), a.weight, a.rebalance == "calendar", a.every, a.band)
    if isinstance(archetype, MarketTimer):
        t = archetype
        return K.timer_weights(r, t.weight, t.out_weight, t.threshold, t.reentry == "lag", t.recovery, t.lag)
    if isinstance(archetype, MyopicLossAverse):
        m = archetype
        return K.myopic_weights(
            r,
            float(rf),
            m.horizon,
            m.memory,
            np.asarray(m.grid, dtype=float),
            m.reference == "peak",
            m.initial_weight,
            m.alpha,
            m.beta,
            m.loss_aversion,
            *K.decision_weights(m.memory - m.horizon + 1, m.gamma, m.delta),
        )
    raise ParameterError(
        describe_bad_value(
            "archetype", type(archetype).__name__, "StrategicAllocator, MarketTimer or MyopicLossAverse"
        )
    )
