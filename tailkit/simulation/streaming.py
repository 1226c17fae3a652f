"""Studies bigger than memory: simulate in chunks of paths and reduce each chunk.

Peak memory is bounded by one chunk: ``chunk_paths x (n_steps + 1) x n_assets x 8`` bytes
for the values (twice that for GARCH with its variance state), plus the reducers' state,
which here is independent of the number of paths (fixed histograms and running sums).
Because random streams are keyed by path blocks (see ``_streams``), chunked and unchunked
runs give the same paths, whatever ``chunk_paths``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from tailkit._typing import Float1D, SeedLike
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.rng import seed_sequence
from tailkit.simulation.analytics import drawdown_stats
from tailkit.simulation.paths import Paths

__all__ = [
    "Reducer",
    "iter_chunks",
    "run_streaming",
    "StreamSummary",
    "DrawdownReducer",
    "DrawdownHistogram",
    "HorizonReturnReducer",
]

#: a simulator bound to its parameters, e.g. ``functools.partial(simulate_gbm, params, n_steps=252)``
Simulator = Callable[..., Paths]


class Reducer(Protocol):
    """Consumes chunks of paths; holds only bounded state."""

    def update(self, paths: Paths) -> None:
        """Fold one chunk into the state."""


def iter_chunks(simulate: Simulator, *, n_paths: int, chunk_paths: int, seed: SeedLike) -> Iterator[Paths]:
    """Yield the paths of a study chunk by chunk.

    Parameters
    ----------
    simulate : callable
        Called as ``simulate(n_paths=m, seed=ss, first_path=i)`` (bind the parameters with
        ``functools.partial``).
    n_paths : int
        Total paths.
    chunk_paths : int
        Paths per chunk (the memory bound); any value gives the same paths.
    seed : int, Generator, SeedSequence or None
        Study seed (resolved once, so ``None`` still gives one consistent study).

    Yields
    ------
    Paths
        With ``first_path`` set to the chunk's first global path index.
    """
    for name, v in (("n_paths", n_paths), ("chunk_paths", chunk_paths)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
            raise ParameterError(describe_bad_value(name, v, "an int >= 1"))
    ss = seed_sequence(seed)
    for start in range(0, n_paths, chunk_paths):
        yield simulate(n_paths=min(chunk_paths, n_paths - start), seed=ss, first_path=start)


@dataclass(frozen=True, slots=True)
class StreamSummary:
    """What a streaming run did: paths, chunks and the largest chunk's array bytes."""

    n_paths: int
    n_chunks: int
    chunk_bytes: int

    def to_dict(self) -> dict[str, int]:
        """Plain dict."""
        return {"n_paths": self.n_paths, "n_chunks": self.n_chunks, "chunk_bytes": self.chunk_bytes}


def run_streaming(
    simulate: Simulator,
    reducers: Sequence[Reducer],
    *,
    n_paths: int,
    chunk_paths: int = 10_000,
    seed: SeedLike = None,
) -> StreamSummary:
    """Simulate ``n_paths`` in chunks and feed every chunk to every reducer.

    Parameters
    ----------
    simulate : callable
        See :func:`iter_chunks`.
    reducers : sequence of Reducer
        Objects with ``update(paths)``; read their results afterwards.
    n_paths : int
        Total paths.
    chunk_paths : int, default=10_000
        Paths per chunk.
    seed : int, Generator, SeedSequence or None
        Study seed.

    Returns
    -------
    StreamSummary

    Examples
    --------
    >>> from functools import partial
    >>> from tailkit.simulation import GBMParams, simulate_gbm
    >>> dd = DrawdownReducer(n_assets=1)
    >>> s = run_streaming(partial(simulate_gbm, GBMParams(), n_steps=252), [dd], n_paths=5000,
    ...                   chunk_paths=2000, seed=1)
    >>> s.n_chunks, dd.result().n_paths
    (3, 5000)
    """
    n_chunks = 0
    biggest = 0
    for paths in iter_chunks(simulate, n_paths=n_paths, chunk_paths=chunk_paths, seed=seed):
        for r in reducers:
            r.update(paths)
        n_chunks += 1
        size = paths.values.nbytes + (paths.variance.nbytes if paths.variance is not None else 0)
        biggest = max(biggest, size)
        del paths
    return StreamSummary(n_paths=int(n_paths), n_chunks=n_chunks, chunk_bytes=biggest)


@dataclass(frozen=True, slots=True)
class DrawdownHistogram:
    """Distribution of max drawdowns accumulated by :class:`DrawdownReducer`.

    Parameters
    ----------
    edges : ndarray of shape (n_bins + 1,)
        Bin edges on [0, 1].
    counts : ndarray of shape (n_bins, n_assets)
        Paths per bin and asset.
    mean : ndarray of shape (n_assets,)
        Exact mean max drawdown.
    mean_time_under_water : ndarray of shape (n_assets,)
        Exact mean fraction of time under water.
    names : tuple of str
        Asset names.
    """

    edges: Float1D
    counts: np.ndarray
    mean: Float1D
    mean_time_under_water: Float1D
    names: tuple[str, ...]

    @property
    def n_paths(self) -> int:
        """Paths accumulated."""
        return int(self.counts[:, 0].sum())

    def quantile(self, q: float) -> Float1D:
        """Max-drawdown quantile per asset (linear within the bin; resolution one bin)."""
        cdf = np.cumsum(self.counts, axis=0) / self.counts.sum(axis=0)
        out = np.empty(self.counts.shape[1])
        for a in range(out.size):
            out[a] = np.interp(q, np.concatenate([[0.0], cdf[:, a]]), self.edges)
        return out

    def prob_exceeds(self, threshold: float) -> Float1D:
        """``P(max drawdown > threshold)`` per asset (exact when ``threshold`` is a bin edge)."""
        upper = self.edges[1:]
        return self.counts[upper > threshold + 1e-12].sum(axis=0) / self.counts.sum(axis=0)

    def to_frame(self) -> pd.DataFrame:
        """Summary per asset: mean, median, 95%/99% quantiles, P(DD > 10/20/30/50%)."""
        data = {
            "mdd_mean": self.mean,
            "mdd_median": self.quantile(0.5),
            "mdd_p95": self.quantile(0.95),
            "mdd_p99": self.quantile(0.99),
            "time_under_water": self.mean_time_under_water,
        }
        for x in (0.1, 0.2, 0.3, 0.5):
            data[f"p_dd_gt_{x:g}"] = self.prob_exceeds(x)
        return pd.DataFrame(data, index=pd.Index(self.names, name="asset"))


class DrawdownReducer:
    """Max-drawdown histogram (fixed bins on [0, 1]) and exact means, in bounded memory.

    Parameters
    ----------
    n_assets : int
        Assets per path.
    n_bins : int, default=1000
        Histogram bins on [0, 1] (resolution of the quantiles).
    """

    def __init__(self, n_assets: int, n_bins: int = 1000) -> None:
        self.edges = np.linspace(0.0, 1.0, n_bins + 1)
        self.counts = np.zeros((n_bins, n_assets), dtype=np.int64)
        self.sum = np.zeros(n_assets)
        self.sum_tuw = np.zeros(n_assets)
        self.names: tuple[str, ...] = tuple(f"asset{i}" for i in range(n_assets))

    def update(self, paths: Paths) -> None:
        """Fold one chunk in."""
        dd = drawdown_stats(paths)
        self.names = paths.names
        n_bins = self.counts.shape[0]
        idx = np.minimum((dd.max_drawdown * n_bins).astype(np.int64), n_bins - 1)
        for a in range(self.counts.shape[1]):
            self.counts[:, a] += np.bincount(idx[:, a], minlength=n_bins)
        self.sum += dd.max_drawdown.sum(axis=0)
        self.sum_tuw += dd.time_under_water.sum(axis=0)

    def result(self) -> DrawdownHistogram:
        """The accumulated distribution."""
        n = max(int(self.counts[:, 0].sum()), 1)
        return DrawdownHistogram(
            self.edges.copy(), self.counts.copy(), self.sum / n, self.sum_tuw / n, self.names
        )


class HorizonReturnReducer:
    """Keeps each path's horizon return of an equally- or custom-weighted portfolio.

    Memory is 8 bytes per path (not per step): 8 MB for a million paths.

    Parameters
    ----------
    weights : sequence of float, optional
        Portfolio weights per asset (default equal weights), buy-and-hold from the start.
    """

    def __init__(self, weights: Sequence[float] | None = None) -> None:
        self.weights = None if weights is None else np.asarray(weights, dtype=float)
        self._parts: list[np.ndarray] = []

    def update(self, paths: Paths) -> None:
        """Fold one chunk in."""
        gross = paths.values[:, -1, :] / paths.values[:, 0, :]
        w = np.full(paths.n_assets, 1.0 / paths.n_assets) if self.weights is None else self.weights
        self._parts.append(gross @ w - 1.0)

    def result(self) -> Float1D:
        """Horizon returns of all paths, shape (n_paths,)."""
        return np.concatenate(self._parts) if self._parts else np.empty(0)
