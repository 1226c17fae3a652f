"""Numba kernels of tailkit.behavioral (plain twins ``*_python``; jitted twins bound from them)."""

from __future__ import annotations

import numpy as np

from tailkit._numba import jit

__all__ = ["tk_weight", "tk_weight_python", "cpt_value_grad", "cpt_value_grad_python"]


def tk_weight_python(p, gamma):
    # Tversky-Kahneman (1992) probability weighting w(p) = p^γ / (p^γ + (1-p)^γ)^(1/γ).
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    a = p**gamma
    return a / (a + (1.0 - p) ** gamma) ** (1.0 / gamma)


tk_weight = jit(tk_weight_python)
_w = tk_weight


def cpt_value_grad_python(outcomes, probs, alpha, beta, lam, gamma, delta):
    # Cumulative prospect theory value of outcomes (relative to the reference) with probabilities
    # probs (>= 0, summing to 1), and the per-outcome coefficients d(value)/d(outcome_s)
    # (rank-dependent weights held fixed). Losses are ranked from the worst, gains from the best;
    # the decision weight of a loss is w-(F_i) - w-(F_{i-1}) with F_i the probability of an
    # outcome at most as good, of a gain w+(G_j) - w+(G_{j-1}) with G_j the probability of an
    # outcome at least as good (Tversky & Kahneman 1992, eq. 2).
    s = outcomes.shape[0]
    order = np.argsort(outcomes)
    n_loss = 0
    for i in range(s):
        if outcomes[order[i]] < 0.0:
            n_loss += 1
        else:
            break
    value = 0.0
    coef = np.zeros(s)
    # losses: ranks 0..n_loss-1 from the worst
    prev = 0.0
    cum = 0.0
    for i in range(n_loss):
        k = order[i]
        cum = min(cum + probs[k], 1.0)
        cur = _w(cum, delta)
        pi = cur - prev
        prev = cur
        x = -outcomes[k]
        value -= pi * lam * x**beta
        coef[k] = pi * lam * beta * max(x, 1e-12) ** (beta - 1.0)
    # gains: ranks from the best
    prev = 0.0
    cum = 0.0
    for j in range(s - n_loss):
        k = order[s - 1 - j]
        cum = min(cum + probs[k], 1.0)
        cur = _w(cum, gamma)
        pi = cur - prev
        prev = cur
        x = outcomes[k]
        value += pi * x**alpha
        coef[k] = pi * alpha * max(x, 1e-12) ** (alpha - 1.0)
    return value, coef


cpt_value_grad = jit(cpt_value_grad_python)
