"""Utility-weighted outcomes of an archetype: certainty equivalents and missed best days.

* **CRRA certainty equivalent** of terminal wealths ``W`` (equal probabilities) with relative
  risk aversion ``g``: ``CE = mean(W^(1-g))^(1/(1-g))`` (``exp(mean(log W))`` at ``g = 1``);
  reported as the return ``CE - 1`` over the horizon.
* **CPT certainty equivalent** of the horizon returns ``x = W - 1`` under
  :class:`tailkit.behavioral.ProspectParams`: the sure return with the same prospect value
  ``V`` (:func:`tailkit.behavioral.prospect_value`), ``V^(1/alpha)`` when ``V >= 0`` and
  ``-(-V / lambda)^(1/beta)`` otherwise (the inverse of the value function; a sure outcome
  has decision weight 1).
* **best days missed**: over the ``n_best`` highest risky-asset returns of each path, the share
  of them in which the investor held less than ``full`` (its policy share).
"""

from __future__ import annotations

import numpy as np

from tailkit.behavioral import ProspectParams, prospect_value
from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["best_days_missed", "cpt_certainty_equivalent", "crra_certainty_equivalent"]


def _wealth(terminal_wealth: object) -> np.ndarray:
    w = np.asarray(terminal_wealth, dtype=float).ravel()
    if w.size == 0 or not np.isfinite(w).all() or (w <= 0).any():
        raise ParameterError(
            describe_bad_value(
                "terminal_wealth",
                f"{w.size} values, min {w.min() if w.size else 'none'}",
                "finite wealths > 0",
            )
        )
    return w


def crra_certainty_equivalent(terminal_wealth: object, risk_aversion: float) -> float:
    """CRRA certainty-equivalent return over the horizon (module docstring).

    Examples
    --------
    >>> round(crra_certainty_equivalent([0.5, 2.0], 1.0), 12)
    0.0
    """
    if not np.isfinite(risk_aversion) or risk_aversion <= 0:
        raise ParameterError(describe_bad_value("risk_aversion", risk_aversion, "a number > 0"))
    w = _wealth(terminal_wealth)
    if risk_aversion == 1.0:
        return float(np.expm1(np.mean(np.log(w))))
    e = 1.0 - risk_aversion
    return float(np.mean(w**e) ** (1.0 / e) - 1.0)


def cpt_certainty_equivalent(terminal_wealth: object, params: ProspectParams | None = None) -> float:
    """Cumulative-prospect-theory certainty-equivalent return (module docstring)."""
    p = params or ProspectParams()
    x = _wealth(terminal_wealth) - 1.0
    v = prospect_value(x, p)
    if v >= 0:
        return float(v ** (1.0 / p.alpha)) + p.reference
    return float(-((-v / p.loss_aversion) ** (1.0 / p.beta))) + p.reference


def best_days_missed(weights: object, returns: object, full: float, n_best: int = 10) -> np.ndarray:
    """Share of each path's ``n_best`` best steps spent below the share ``full``.

    Parameters
    ----------
    weights, returns : array_like of shape (n_paths, n_steps)
        The investor's share and the risky asset's return each step.
    full : float
        The policy share (holding less counts as missing the day).
    n_best : int, default=10
        Best steps per path, in ``[1, n_steps]``.

    Returns
    -------
    ndarray of shape (n_paths,)
    """
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    r = np.atleast_2d(np.asarray(returns, dtype=float))
    if w.shape != r.shape:
        raise ParameterError(
            describe_bad_value("weights", f"shape {w.shape}", f"the shape of returns, {r.shape}")
        )
    if int(n_best) != n_best or not 1 <= n_best <= r.shape[1]:
        raise ParameterError(describe_bad_value("n_best", n_best, f"an integer in [1, {r.shape[1]}]"))
    best = np.argsort(-r, axis=1, kind="stable")[:, : int(n_best)]
    held = np.take_along_axis(w, best, axis=1)
    return np.mean(held < full - 1e-12, axis=1)
