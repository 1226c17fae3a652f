"""Multi-strategy allocation: capital across strategy return streams, attribution, the naive benchmark.

:func:`allocate` weights strategies with tailkit's optimizers or by trailing performance,
after a correlation screen and under per-strategy caps; :func:`walk_forward` does it out of
sample, period by period; :func:`attribute` splits the compounded return by strategy, by
period and by regime so that each adds up to the total; :func:`compare_to_naive` measures the
difference to equal weight with its standard error.
"""

from tailkit.allocation.allocate import (
    METHODS,
    AllocationResult,
    WalkForward,
    allocate,
    cap_weights,
    performance_weights,
    select_strategies,
    trailing_sharpe,
    walk_forward,
)
from tailkit.allocation.attribution import (
    Attribution,
    NaiveComparison,
    attribute,
    compare_to_naive,
    linked_contributions,
    newey_west_se,
)

__all__ = [
    "METHODS",
    "AllocationResult",
    "Attribution",
    "NaiveComparison",
    "WalkForward",
    "allocate",
    "attribute",
    "cap_weights",
    "compare_to_naive",
    "linked_contributions",
    "newey_west_se",
    "performance_weights",
    "select_strategies",
    "trailing_sharpe",
    "walk_forward",
]
