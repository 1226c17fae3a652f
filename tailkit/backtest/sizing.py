"""Two-stage position sizing with per-asset and per-bucket caps.

Stage 1 gives each selected asset a raw weight proportional to its score (summing to one)
and caps it at ``max_position``. Stage 2 normalises the weights to the target invested
fraction: scaled down when they exceed it, otherwise raised under the caps (an asset at its cap keeps it; the rest share what is left, in proportion to their
scores) and the bucket caps (``max_bucket`` of the portfolio per bucket; a bucket over its
cap is scaled down to it). The residual -- what caps left unallocated -- goes to the
highest-scoring assets that still have room, one slice at a time ("safe top slice"); what no
asset can take stays in cash.
"""

from __future__ import annotations

import numpy as np

from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["two_stage_weights"]


def two_stage_weights(
    scores: np.ndarray,
    buckets: np.ndarray,
    budget: float,
    max_position: float,
    max_bucket: float,
    exempt: np.ndarray | None = None,
    residual: bool = True,
) -> np.ndarray:
    """Weights of the selected assets (sum <= ``budget``).

    Parameters
    ----------
    scores : ndarray of shape (n,)
        Scores (> 0) of the selected assets.
    buckets : ndarray of int, shape (n,)
        Bucket id of each asset.
    budget : float
        Target invested fraction, in [0, 1].
    max_position : float
        Per-asset cap, in (0, 1].
    max_bucket : float
        Per-bucket cap, in (0, 1].
    exempt : ndarray of bool, shape (n,), optional
        Assets allowed to exceed their bucket cap (core assets, diversification overrides);
        they still obey ``max_position`` and do not count against the bucket.
    residual : bool, default=True
        Allocate the residual by the safe top slice (False: leave it in cash).

    Returns
    -------
    ndarray of shape (n,)

    Examples
    --------
    >>> two_stage_weights(np.array([0.9, 0.8, 0.7]), np.array([0, 0, 1]), 0.95, 0.4, 1.0).round(4)
    array([0.3562, 0.3167, 0.2771])
    """
    s = np.asarray(scores, dtype=float)
    b = np.asarray(buckets)
    n = s.size
    if n == 0:
        return np.zeros(0)
    if np.any(~(s > 0)):
        raise ParameterError(describe_bad_value("scores", list(s), "scores > 0"))
    if not 0.0 <= budget <= 1.0:
        raise ParameterError(describe_bad_value("budget", budget, "a number in [0, 1]"))
    ex = np.zeros(n, dtype=bool) if exempt is None else np.asarray(exempt, dtype=bool)
    cap = np.full(n, max_position)
    # stage 1: proportional to score, capped
    w = np.minimum(s / s.sum(), cap)
    # stage 2: normalise to the budget (scale down, or water-fill up under the caps), then
    # bucket caps
    if w.sum() > budget:
        w *= budget / w.sum()
    for _ in range(4 * n + 4):
        free = w < cap - 1e-15
        gap = budget - w.sum()
        if gap <= 1e-15 or not free.any():
            break
        add = gap * s[free] / s[free].sum()
        w[free] = np.minimum(w[free] + add, cap[free])
    for k in np.unique(b):
        members = (b == k) & ~ex
        total = w[members].sum()
        if total > max_bucket:
            w[members] *= max_bucket / total
    # residual: safe top slice, best scores first, respecting both caps
    order = np.argsort(-s, kind="stable") if residual else np.zeros(0, dtype=int)
    for i in order:
        gap = budget - w.sum()
        if gap <= 1e-12:
            break
        room = cap[i] - w[i]
        if not ex[i]:
            room = min(room, max_bucket - w[(b == b[i]) & ~ex].sum())
        if room > 0:
            w[i] += min(room, gap)
    return w
