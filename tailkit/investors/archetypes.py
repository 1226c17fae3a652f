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

from tailkit.behavioral import ProspectParams, prospect_value
from tailkit.errors import ParameterError, describe_bad_value
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


def _strategic(a: StrategicAllocator, r: np.ndarray, rf: float) -> np.ndarray:
    n_paths, n_steps = r.shape
    w = np.empty_like(r)
    cur = np.full(n_paths, a.weight)
    for t in range(n_steps):
        if a.rebalance == "calendar":
            if t % a.every == 0:
                cur = np.full(n_paths, a.weight)
        else:
            cur = np.where(np.abs(cur - a.weight) > a.band, a.weight, cur)
        w[:, t] = cur
        grow = 1.0 + cur * r[:, t] + (1.0 - cur) * rf
        cur = cur * (1.0 + r[:, t]) / grow
    return w


def _timer(a: MarketTimer, r: np.ndarray) -> np.ndarray:
    n_paths, n_steps = r.shape
    w = np.empty_like(r)
    price = np.ones(n_paths)
    peak = np.ones(n_paths)
    trough = np.ones(n_paths)
    out = np.zeros(n_paths, dtype=bool)
    since = np.zeros(n_paths, dtype=np.int64)
    for t in range(n_steps):
        w[:, t] = np.where(out, a.out_weight, a.weight)
        price = price * (1.0 + r[:, t])
        peak = np.where(out, peak, np.maximum(peak, price))
        trough = np.where(out, np.minimum(trough, price), price)
        since = np.where(out, since + 1, 0)
        exit_now = ~out & (price / peak - 1.0 < -a.threshold)
        if a.reentry == "recovery":
            back = out & (price / trough - 1.0 >= a.recovery)
        else:
            back = out & (since >= a.lag)
        peak = np.where(back, price, peak)
        trough = np.where(exit_now, price, trough)
        since = np.where(exit_now, 0, since)
        out = (out & ~back) | exit_now
    return w


def _myopic(a: MyopicLossAverse, r: np.ndarray, rf: float) -> np.ndarray:
    n_paths, n_steps = r.shape
    w = np.empty_like(r)
    grid = np.asarray(a.grid, dtype=float)
    safe = (1.0 + rf) ** a.horizon - 1.0
    log_growth = np.concatenate([np.zeros((n_paths, 1)), np.cumsum(np.log1p(r), axis=1)], axis=1)
    wealth = np.ones(n_paths)
    peak = np.ones(n_paths)
    cur = np.full(n_paths, a.initial_weight)
    for t in range(n_steps):
        if t % a.horizon == 0 and t >= a.memory:
            lo = t - a.memory
            # horizon-step returns of the windows inside the last `memory` steps
            seen = np.expm1(log_growth[:, lo + a.horizon : t + 1] - log_growth[:, lo : t + 1 - a.horizon])
            for p in range(n_paths):
                best, best_v = cur[p], -np.inf
                for share in grid:
                    ret = share * seen[p] + (1.0 - share) * safe
                    outcome = ret if a.reference == "last" else wealth[p] * (1.0 + ret) / peak[p] - 1.0
                    v = prospect_value(outcome, a.prospect)
                    if v > best_v:
                        best, best_v = share, v
                cur[p] = best
        w[:, t] = cur
        wealth = wealth * (1.0 + cur * r[:, t] + (1.0 - cur) * rf)
        peak = np.maximum(peak, wealth)
    return w


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
    if isinstance(archetype, StrategicAllocator):
        return _strategic(archetype, r, rf)
    if isinstance(archetype, MarketTimer):
        return _timer(archetype, r)
    if isinstance(archetype, MyopicLossAverse):
        return _myopic(archetype, r, rf)
    raise ParameterError(
        describe_bad_value(
            "archetype", type(archetype).__name__, "StrategicAllocator, MarketTimer or MyopicLossAverse"
        )
    )
