"""Random streams keyed by path block, so paths do not depend on how a study is chunked.

Path ``i`` of a study belongs to block ``i // BLOCK_PATHS``. Block ``b`` draws from its own
PCG64 generator seeded with the ``b``-th child of the study's ``SeedSequence`` (the same
child ``SeedSequence.spawn`` would give). A chunk that starts inside a block replays the
block's leading paths without storing them; so path ``i`` is the same number for every
``chunk_paths`` and every worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from tailkit._numba import HAS_NUMBA
from tailkit._typing import SeedLike
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.rng import seed_sequence

__all__ = ["BLOCK_PATHS", "BlockPlan", "block_generator", "plan_blocks", "check_counts"]

#: paths per random-stream block (fixed: changing it changes every simulated number)
BLOCK_PATHS = 1024


def block_generator(ss: np.random.SeedSequence, block: int) -> np.random.Generator:
    """Generator of path block ``block``: the ``block``-th spawned child of ``ss``."""
    child = np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, block), pool_size=ss.pool_size)
    return np.random.Generator(np.random.PCG64(child))


def check_counts(n_paths: int, n_steps: int, first_path: int = 0) -> None:
    """Validate path and step counts."""
    if isinstance(n_paths, bool) or not isinstance(n_paths, int | np.integer) or n_paths < 1:
        raise ParameterError(describe_bad_value("n_paths", n_paths, "an int >= 1"))
    if isinstance(n_steps, bool) or not isinstance(n_steps, int | np.integer) or n_steps < 1:
        raise ParameterError(describe_bad_value("n_steps", n_steps, "an int >= 1"))
    if isinstance(first_path, bool) or not isinstance(first_path, int | np.integer) or first_path < 0:
        raise ParameterError(describe_bad_value("first_path", first_path, "an int >= 0"))


@dataclass(frozen=True, slots=True)
class BlockPlan:
    """The path blocks a simulation touches: one generator and (skip, count, start) per block.

    ``skip`` leading paths of the block are simulated and discarded, ``count`` paths are
    written to the output from row ``start``.
    """

    gens: Any
    skips: np.ndarray
    counts: np.ndarray
    starts: np.ndarray


def plan_blocks(seed: SeedLike, first_path: int, n_paths: int) -> BlockPlan:
    """Plan the blocks covering global paths ``[first_path, first_path + n_paths)``."""
    ss = seed_sequence(seed)
    stop = first_path + n_paths
    gens, skips, counts, starts = [], [], [], []
    b = first_path // BLOCK_PATHS
    while b * BLOCK_PATHS < stop:
        lo = max(first_path, b * BLOCK_PATHS)
        hi = min(stop, (b + 1) * BLOCK_PATHS)
        gens.append(block_generator(ss, b))
        skips.append(lo - b * BLOCK_PATHS)
        counts.append(hi - lo)
        starts.append(lo - first_path)
        b += 1
    if HAS_NUMBA:
        from numba.typed import List

        gens = List(gens)
    as_int = partial(np.asarray, dtype=np.int64)
    return BlockPlan(gens, as_int(skips), as_int(counts), as_int(starts))
