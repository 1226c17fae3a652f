"""Kernel sweeps: a grid of configurations evaluated in chunks, one kernel call per chunk.

A strategy kernel takes a block of configurations (rows of a 2-D array) and the market arrays
it shares with every configuration, and returns one row of metrics per configuration, looping
over configurations and time steps inside compiled code. :func:`sweep_configurations` evaluates
the grid in one kernel call in this process (or in chunks, one after the other, when asked), or
as chunks of Dask tasks on a cluster when a ``distributed.Client`` is given (the market arrays
are sent to the workers once).
There is no Python loop per configuration.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from tailkit._typing import Float2D
from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["TASK_CHUNK", "config_grid", "sweep_configurations"]

#: configurations per Dask task by default
TASK_CHUNK = 512


def config_grid(axes: Sequence[Sequence[float]]) -> Float2D:
    """Cartesian product of axis values as an array of shape (n_configs, n_axes).

    The last axis varies fastest (C order), so ``grid.reshape(*map(len, axes), n_axes)``
    recovers the lattice.
    """
    if not axes or any(len(a) == 0 for a in axes):
        raise ParameterError(describe_bad_value("axes", [list(a) for a in axes], "non-empty lists of values"))
    return np.array(list(itertools.product(*axes)), dtype=np.float64)


def sweep_configurations(
    kernel: Callable[..., Float2D],
    configs: Float2D,
    *,
    data: Mapping[str, Any] | None = None,
    chunk_size: int | None = None,
    client: Any = None,
) -> Float2D:
    """Evaluate ``kernel(chunk, **data)`` over ``configs`` in chunks; stack the results.

    Parameters
    ----------
    kernel : callable
        ``kernel(configs_chunk, **data) -> ndarray of shape (n_chunk, n_metrics)``; a
        module-level function (it is pickled to Dask workers).
    configs : ndarray of shape (n_configs, n_axes)
        One configuration per row.
    data : mapping, optional
        Arrays and scalars every chunk needs (the market); scattered once to the workers.
    chunk_size : int, optional
        Configurations per kernel call (per Dask task). Default: one call for the whole grid
        in this process (a parallel kernel then starts its threads once, not once per chunk:
        on a shared machine each start waits for a busy core), :data:`TASK_CHUNK` per Dask task.
    client : distributed.Client, optional
        Run the chunks as Dask tasks on this client; default in this process.

    Returns
    -------
    ndarray of shape (n_configs, n_metrics)
        Rows in the order of ``configs``.
    """
    configs = np.ascontiguousarray(configs, dtype=np.float64)
    if configs.ndim != 2 or configs.shape[0] == 0:
        raise ParameterError(describe_bad_value("configs.shape", configs.shape, "(n_configs >= 1, n_axes)"))
    if chunk_size is None:
        chunk_size = configs.shape[0] if client is None else TASK_CHUNK
    if chunk_size < 1:
        raise ParameterError(describe_bad_value("chunk_size", chunk_size, "an integer >= 1"))
    data = dict(data or {})
    chunks = [configs[i : i + chunk_size] for i in range(0, configs.shape[0], chunk_size)]
    if client is None:
        parts = [kernel(c, **data) for c in chunks]
    else:
        shared = {k: client.scatter(v, broadcast=True) for k, v in data.items()}
        futures = [client.submit(kernel, c, **shared, pure=False) for c in chunks]
        parts = client.gather(futures)
    return np.vstack(parts)
