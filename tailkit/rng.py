"""Seeds in, identical numbers out.

Public functions take ``seed: int | np.random.Generator | np.random.SeedSequence | None``
and turn it into a generator with :func:`make_generator`. Work split into chunks or Dask
tasks derives one independent stream per chunk with :func:`spawn_generators`, so the
numbers depend on the seed and the chunk index only, never on which worker ran them.
"""

from __future__ import annotations

import numpy as np

from tailkit._typing import SeedLike
from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["make_generator", "seed_sequence", "spawn_generators"]


def seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """Return a ``SeedSequence`` for ``seed``.

    An int gives ``SeedSequence(seed)``; a ``SeedSequence`` is returned as it is; a
    ``Generator`` contributes 256 bits drawn from it, so it advances (two calls with the same
    generator give different, still reproducible, streams — numpy's own convention); ``None``
    draws fresh OS entropy.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(seed.integers(0, 2**63, size=4).tolist())
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(
            describe_bad_value("seed", seed, "a non-negative int, a numpy Generator, a SeedSequence or None")
        )
    return np.random.SeedSequence(int(seed))


def make_generator(seed: SeedLike) -> np.random.Generator:
    """Return a PCG64 ``Generator`` for ``seed`` (a Generator is returned unchanged)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.Generator(np.random.PCG64(seed_sequence(seed)))


def spawn_generators(seed: SeedLike, n: int) -> list[np.random.Generator]:
    """Return ``n`` independent generators derived from ``seed`` with ``SeedSequence.spawn``.

    The i-th generator depends only on ``seed`` and ``i``.
    """
    if n < 0:
        raise ParameterError(describe_bad_value("n", n, "an int >= 0"))
    return [np.random.Generator(np.random.PCG64(s)) for s in seed_sequence(seed).spawn(n)]
