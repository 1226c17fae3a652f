"""Joint block bootstrap of monthly premia: paths that keep the premia's co-crashes.

Each path is ``horizon`` months made of consecutive blocks of ``block`` months, each block a
contiguous slice of the history starting at a uniformly drawn month (the last block cut to
fit). All premia are resampled together (the same months), so months where concave premia
crash with equity stay together, and so do runs of months within a block.
"""

from __future__ import annotations

import numpy as np

from tailkit._typing import SeedLike
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.rng import make_generator

__all__ = ["block_bootstrap"]


def block_bootstrap(
    returns: object, n_paths: int, horizon: int, *, block: int = 12, seed: SeedLike = None
) -> np.ndarray:
    """Resample months of ``returns`` in blocks (module docstring).

    Parameters
    ----------
    returns : array_like of shape (n_months, n_series)
        Monthly returns, finite.
    n_paths, horizon : int
        Paths and months per path (>= 1).
    block : int, default=12
        Months per block, in ``[1, n_months]``.
    seed : int, Generator or None

    Returns
    -------
    ndarray of shape (n_paths, horizon, n_series)
    """
    r = np.asarray(returns, dtype=float)
    if r.ndim != 2 or not np.isfinite(r).all():
        raise ParameterError(
            describe_bad_value("returns", f"array of shape {r.shape}", "a finite 2-D array (months x series)")
        )
    n = r.shape[0]
    for name, value in (("n_paths", n_paths), ("horizon", horizon)):
        if int(value) != value or value < 1:
            raise ParameterError(describe_bad_value(name, value, "an integer >= 1"))
    if n < 1:
        raise DataError("returns has no month to resample")
    if int(block) != block or not 1 <= block <= n:
        raise ParameterError(describe_bad_value("block", block, f"an integer in [1, {n}] (months available)"))
    rng = make_generator(seed)
    n_blocks = -(-int(horizon) // int(block))
    starts = rng.integers(0, n - int(block) + 1, size=(int(n_paths), n_blocks))
    idx = (starts[:, :, None] + np.arange(int(block))[None, None, :]).reshape(int(n_paths), -1)[
        :, : int(horizon)
    ]
    return r[idx]
