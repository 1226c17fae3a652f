"""Hamilton filter and Kim smoother kernels (plain-Python twins and jitted versions)."""

from __future__ import annotations

import math

import numpy as np

from tailkit._numba import jit


def hamilton_filter_python(logdens, trans, p0, filtered, predicted):
    # logdens (T, K): log density of obs t under each regime; trans (K, K) per step;
    # p0 (K,) distribution of s_0. Writes predicted P(s_t | y_<t) and filtered P(s_t | y_<=t),
    # returns the log-likelihood (scaled with the max log density per step).
    n_t, k = logdens.shape
    loglik = 0.0
    for t in range(n_t):
        if t == 0:
            for j in range(k):
                predicted[0, j] = p0[j]
        else:
            for j in range(k):
                acc = 0.0
                for i in range(k):
                    acc += filtered[t - 1, i] * trans[i, j]
                predicted[t, j] = acc
        mx = logdens[t, 0]
        for j in range(1, k):
            if logdens[t, j] > mx:
                mx = logdens[t, j]
        lik = 0.0
        for j in range(k):
            filtered[t, j] = predicted[t, j] * math.exp(logdens[t, j] - mx)
            lik += filtered[t, j]
        if lik <= 0.0:
            return -np.inf
        for j in range(k):
            filtered[t, j] /= lik
        loglik += math.log(lik) + mx
    return loglik


hamilton_filter = jit(hamilton_filter_python)


def kim_smoother_python(filtered, predicted, trans, smoothed, xi_sum):
    # Backward pass: smoothed P(s_t | all data) and the sum over t of the joint smoothed
    # transition probabilities P(s_t = i, s_{t+1} = j | all data) into xi_sum (K, K).
    n_t, k = filtered.shape
    for j in range(k):
        smoothed[n_t - 1, j] = filtered[n_t - 1, j]
        for i in range(k):
            xi_sum[i, j] = 0.0
    ratio = np.empty(k)
    for t in range(n_t - 2, -1, -1):
        for j in range(k):
            ratio[j] = smoothed[t + 1, j] / predicted[t + 1, j] if predicted[t + 1, j] > 0.0 else 0.0
        for i in range(k):
            acc = 0.0
            for j in range(k):
                x = filtered[t, i] * trans[i, j] * ratio[j]
                xi_sum[i, j] += x
                acc += x
            smoothed[t, i] = acc


kim_smoother = jit(kim_smoother_python)
