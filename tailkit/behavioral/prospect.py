"""Cumulative prospect theory (Tversky & Kahneman 1992).

Outcomes are measured against a reference point ``x = r − reference``. The value function is
``v(x) = x^α`` for gains and ``v(x) = −λ(−x)^β`` for losses; probabilities are weighted
rank-dependently with ``w(p) = p^γ / (p^γ + (1 − p)^γ)^(1/γ)`` (``γ`` for gains, ``δ`` for
losses). Defaults are Tversky & Kahneman's (1992) median estimates: ``α = β = 0.88``,
``λ = 2.25``, ``γ = 0.61``, ``δ = 0.69``.

For outcomes sorted ``x_(1) ≤ … ≤ x_(S)`` with probabilities ``p_(1), …, p_(S)`` (equally
likely, ``1/S`` each, unless given), the decision weight of the ``i``-th worst loss is
``w⁻(F_i) − w⁻(F_{i−1})`` with ``F_i = p_(1) + … + p_(i)``, and of the ``j``-th best gain
``w⁺(G_j) − w⁺(G_{j−1})`` with ``G_j`` the probability of the ``j`` best outcomes; the prospect
value is ``Σ π_i v(x_i)`` (Tversky & Kahneman 1992, eq. 2).

Curvature above 1: ``α > 1`` makes the value of gains convex, i.e. risk seeking in gains
(a sure gain is worth less than a fair gamble around it); ``β > 1`` makes the value of losses
concave, i.e. risk averse in losses. Some published fits of cumulative prospect theory report
curvatures a little above 1, so ``α`` and ``β`` may lie anywhere in (0, 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tailkit._typing import Float1D, FloatOrArray
from tailkit._validation import as_float_array, check_finite
from tailkit.behavioral._kernels import cpt_value_grad, tk_weight
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import param, validate

__all__ = ["ProspectParams", "value_function", "probability_weight", "decision_weights", "prospect_value"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProspectParams:
    """Cumulative-prospect-theory preferences (defaults: Tversky & Kahneman 1992).

    Parameters
    ----------
    alpha : float, default=0.88
        Curvature of the value function over gains, in (0, 2): below 1 risk averse in gains,
        above 1 risk seeking in gains (convex ``x^α``).
    beta : float, default=0.88
        Curvature over losses, in (0, 2): below 1 risk seeking in losses, above 1 risk averse
        in losses (concave ``−λ(−x)^β``).
    loss_aversion : float, default=2.25
        ``λ``: how much more a loss hurts than an equal gain pleases.
    gamma : float, default=0.61
        Probability-weighting parameter for gains.
    delta : float, default=0.69
        Probability-weighting parameter for losses.
    reference : float, default=0.0
        Reference return per scenario period (decimal); outcomes are ``r − reference``.
    """

    alpha: float = param(0.88, gt=0.0, lt=2.0, doc="value-function curvature over gains (> 1: risk seeking)")
    beta: float = param(0.88, gt=0.0, lt=2.0, doc="value-function curvature over losses (> 1: risk averse)")
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


def _outcome_probabilities(probabilities: Any, n_outcomes: int) -> Float1D:
    """Checked outcome probabilities: ``1 / n_outcomes`` each when ``None``.

    Parameters
    ----------
    probabilities : array_like of shape (n_outcomes,) or None
        Probabilities ``>= 0`` summing to 1 (within 1e-9).
    n_outcomes : int
        Number of outcomes they belong to.

    Returns
    -------
    ndarray of shape (n_outcomes,)

    Raises
    ------
    ParameterError
        Wrong shape, a negative or non-finite value, or a sum other than 1.
    """
    if probabilities is None:
        return np.full(n_outcomes, 1.0 / n_outcomes)
    prob = as_float_array("probabilities", probabilities)
    if prob.shape != (n_outcomes,):
        raise ParameterError(
            describe_bad_value(
                "probabilities", f"shape {prob.shape}", f"shape ({n_outcomes},), one per outcome"
            )
        )
    check_finite("probabilities", prob)
    if np.any(prob < 0.0):
        bad = float(prob[np.argmax(prob < 0.0)])
        raise ParameterError(describe_bad_value("probabilities", bad, "probabilities >= 0"))
    total = float(prob.sum())
    if abs(total - 1.0) > 1e-9:
        raise ParameterError(describe_bad_value("sum(probabilities)", total, "1 (within 1e-9)"))
    return prob


def decision_weights(
    outcomes: Float1D, params: ProspectParams | None = None, *, probabilities: Any = None
) -> Float1D:
    """Rank-dependent decision weights ``π_s`` of outcomes with given (default equal) probabilities.

    Parameters
    ----------
    outcomes : ndarray of shape (n_scenarios,)
        Outcomes relative to the reference point.
    params : ProspectParams, optional
        Preferences.
    probabilities : array_like of shape (n_scenarios,), optional
        Probability of each outcome (>= 0, summing to 1); default ``1 / n_scenarios`` each.

    Returns
    -------
    ndarray of shape (n_scenarios,)
        Weights aligned with ``outcomes`` (gains sum to ``w⁺(P(gain))``, losses to ``w⁻(P(loss))``).
    """
    p = params or ProspectParams()
    x = as_float_array("outcomes", outcomes).ravel()
    check_finite("outcomes", x)
    prob = _outcome_probabilities(probabilities, x.size)
    order = np.argsort(x, kind="stable")
    n_loss = int(np.sum(x < 0))
    out = np.empty(x.size)
    losses = order[:n_loss]
    cum_l = np.minimum(np.concatenate([[0.0], np.cumsum(prob[losses])]), 1.0)
    out[losses] = np.diff(probability_weight(cum_l, p.delta))
    gains = order[n_loss:][::-1]
    cum_g = np.minimum(np.concatenate([[0.0], np.cumsum(prob[gains])]), 1.0)
    out[gains] = np.diff(probability_weight(cum_g, p.gamma))
    return out


def prospect_value(
    returns: Float1D, params: ProspectParams | None = None, *, probabilities: Any = None
) -> float:
    """Cumulative-prospect-theory value of returns with given (default equal) probabilities.

    Parameters
    ----------
    returns : ndarray of shape (n_scenarios,)
        Portfolio returns per scenario, decimal.
    params : ProspectParams, optional
        Preferences (the reference point is subtracted here).
    probabilities : array_like of shape (n_scenarios,), optional
        Probability of each scenario (>= 0, summing to 1); default ``1 / n_scenarios`` each.

    Returns
    -------
    float
        The prospect value (in units of return^α).

    Raises
    ------
    ParameterError
        Non-finite returns, or probabilities of the wrong shape, negative or not summing to 1.

    Examples
    --------
    >>> round(prospect_value(np.array([0.1, -0.1])), 5)
    -0.07921
    >>> round(prospect_value(np.array([0.1, -0.1]), probabilities=[0.8, 0.2]), 5)
    0.00384
    """
    p = params or ProspectParams()
    x = as_float_array("returns", returns).ravel()
    check_finite("returns", x)
    prob = _outcome_probabilities(probabilities, x.size)
    v, _ = cpt_value_grad(x - p.reference, prob, p.alpha, p.beta, p.loss_aversion, p.gamma, p.delta)
    return float(v)
