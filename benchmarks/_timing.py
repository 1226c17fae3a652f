"""Timing helper shared by the benchmarks: best wall time of several runs, and the last result."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

R = TypeVar("R")


def best_time(fn: Callable[[], R], repeats: int, *, warm_up: bool = False) -> tuple[float, R]:
    """Best wall-clock time of ``repeats`` calls of ``fn`` (seconds) and the last call's result.

    The minimum is the least disturbed run on a shared machine; ``warm_up`` makes one untimed
    call first (compilation, caches).
    """
    if repeats < 1:
        raise ValueError(f"repeats={repeats} is not allowed: expected an int >= 1")
    if warm_up:
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out
