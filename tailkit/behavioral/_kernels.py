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


def cpt_value_grad_python(outcomes, alpha, beta, lam, gamma, delta):
    # Cumulative prospect theory value of equally likely outcomes (relative to the reference)
    # and the per-outcome coefficients d(value)/d(outcome_s) (rank-dependent weights held fixed).
    s = outcomes.shape[0]
    order = np.argsort(outcomes)
    p = 1.0 / s
    n_loss = 0
    for i in range(s):
        if outcomes[order[i]] < 0.0:
            n_loss += 1
        else:
            break
    value = 0.0
    coef = np.zeros(s)
    # losses: ranks 0..n_loss-1 from the worst; π_i = w⁻(F_i) - w⁻(F_{i-1})
    prev = 0.0
    for i in range(n_loss):
        cur = _w((i + 1) * p, delta)
        pi = cur - prev
        prev = cur
        x = -outcomes[order[i]]
        value -= pi * lam * x**beta
        coef[order[i]] = pi * lam * beta * max(x, 1e-12) ** (beta - 1.0)
    # gains: ranks from the best; π_i = w⁺(1 - F_{i-1}) - w⁺(1 - F_i)
    prev = 0.0
    for j in range(s - n_loss):
        i = s - 1 - j
        cur = _w((j + 1) * p, gamma)
        pi = cur - prev
        prev = cur
        x = outcomes[order[i]]
        value += pi * x**alpha
        coef[order[i]] = pi * alpha * max(x, 1e-12) ** (alpha - 1.0)
    return value, coef


cpt_value_grad = jit(cpt_value_grad_python)
