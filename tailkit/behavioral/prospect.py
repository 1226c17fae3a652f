"""Cumulative prospect theory (Tversky & Kahneman 1992).

Outcomes are measured against a reference point ``x = r − reference``. The value function is
``v(x) = x^α`` for gains and ``v(x) = −λ(−x)^β`` for losses; probabilities are weighted
rank-dependently with ``w(p) = p^γ / (p^γ + (1 − p)^γ)^(1/γ)`` (``γ`` for gains, ``δ`` for
losses). Defaults are Tversky & Kahneman's (1992) median estimates: ``α = β = 0.88``,
``λ = 2.25``, ``γ = 0.61``, ``δ = 0.69``.

For ``S`` equally likely outcomes sorted ``x_(1) ≤ … ≤ x_(S)``, the decision weight of the
``i``-th worst loss is ``w⁻(i/S) − w⁻((i−1)/S)`` and of the ``j``-th best gain
``w⁺(j/S) − w⁺((j−1)/S)``; the prospect value is ``Σ π_i v(x_i)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tailkit._typing import Float1D, FloatOrArray
from tailkit._validation import as_float_array, check_finite
from tailkit.behavioral._kernels import cpt_value_grad, tk_weight
from tailkit.params import param, validate

__all__ = ["ProspectParams", "value_function", "probability_weight", "decision_weights", "prospect_value"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProspectParams:
    """Cumulative-prospect-theory preferences (defaults: Tversky & Kahneman 1992).

    Parameters
    ----------
    alpha : float, default=0.88
        Curvature of the value function over gains.
    beta : float, default=0.88
        Curvature over losses.
    loss_aversion : float, default=2.25
        ``λ``: how much more a loss hurts than an equal gain pleases.
    gamma : float, default=0.61
        Probability-weighting parameter for gains.
    delta : float, default=0.69
        Probability-weighting parameter for losses.
    reference : float, default=0.0
        Reference return per scenario period (decimal); outcomes are ``r − reference``.
    """

    alpha: float = param(0.88, gt=0.0, le=1.0, doc="value-function curvature over gains")
    beta: float = param(0.88, gt=0.0, le=1.0, doc="value-function curvature over losses")
    loss_aversion: float = param(2.25, gt=0.0, le=10.0, doc="loss aversion λ")
    gamma: float = param(0.61, ge=0.28, le=1.0, doc="probability weighting for gains")
    delta: float = param(0.69, ge=0.28, le=1.0, doc="probability weighting for losses")
    reference: float = param(0.0, ge=-1.0, le=1.0, doc="reference return per period, decimal")

    def __post_init__(self) -> None:
        validate(self)


def value_function(x: FloatOrArray, params: ProspectParams | None = None) -> FloatOrArray:
    """Tversky-Kahneman value ``v(x)`` of outcomes relative to the reference point.

    Parameters
    ----------
    x : float or ndarray
        Outcomes (gains positive), already net of the reference point.
    params : ProspectParams, optional
        Preferences; default Tversky & Kahneman (1992).

    Returns
    -------
    float or ndarray
        ``x^α`` for ``x ≥ 0``, ``−λ(−x)^β`` for ``x < 0``.

    Examples
    --------
    >>> round(float(value_function(-100.0)), 2)
    -129.47
    """
    p = params or ProspectParams()
    arr = as_float_array("x", x)
    out = np.where(arr >= 0, np.abs(arr) ** p.alpha, -p.loss_aversion * np.abs(arr) ** p.beta)
    return float(out) if out.ndim == 0 else out


def probability_weight(prob: FloatOrArray, gamma: float) -> FloatOrArray:
    """Tversky-Kahneman (1992) weighting ``w(p) = p^γ / (p^γ + (1 − p)^γ)^(1/γ)``.

    Parameters
    ----------
    prob : float or ndarray
        Probabilities in [0, 1].
    gamma : float
        ``γ`` (gains) or ``δ`` (losses).

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> round(probability_weight(0.5, 0.61), 3)
    0.421
    """
    arr = as_float_array("prob", prob)
    out = np.vectorize(lambda q: tk_weight(float(q), float(gamma)), otypes=[np.float64])(arr)
    return float(out) if np.ndim(out) == 0 else out


def decision_weights(outcomes: Float1D, params: ProspectParams | None = None) -> Float1D:
    """Rank-dependent decision weights ``π_s`` of equally likely outcomes.

    Parameters
    ----------
    outcomes : ndarray of shape (n_scenarios,)
        Outcomes relative to the reference point.
    params : ProspectParams, optional
        Preferences.

    Returns
    -------
    ndarray of shape (n_scenarios,)
        Weights aligned with ``outcomes`` (gains sum to ``w⁺(P(gain))``, losses to ``w⁻(P(loss))``).
    """
    p = params or ProspectParams()
    x = np.asarray(outcomes, dtype=np.float64)
    s = x.size
    order = np.argsort(x, kind="stable")
    n_loss = int(np.sum(x < 0))
    out = np.empty(s)
    cum_l = probability_weight(np.arange(0, n_loss + 1) / s, p.delta)
    out[order[:n_loss]] = np.diff(cum_l)
    cum_g = probability_weight(np.arange(0, s - n_loss + 1) / s, p.gamma)
    out[order[n_loss:][::-1]] = np.diff(cum_g)
    return out


def prospect_value(returns: Float1D, params: ProspectParams | None = None) -> float:
    """Cumulative-prospect-theory value of equally likely returns.

    Parameters
    ----------
    returns : ndarray of shape (n_scenarios,)
        Portfolio returns per scenario, decimal.
    params : ProspectParams, optional
        Preferences (the reference point is subtracted here).

    Returns
    -------
    float
        The prospect value (in units of return^α).

    Examples
    --------
    >>> round(prospect_value(np.array([0.1, -0.1])), 5)
    -0.07921
    """
    p = params or ProspectParams()
    x = as_float_array("returns", returns).ravel()
    check_finite("returns", x)
    v, _ = cpt_value_grad(x - p.reference, p.alpha, p.beta, p.loss_aversion, p.gamma, p.delta)
    return float(v)
