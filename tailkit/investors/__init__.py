"""Investor archetypes and what their behavior costs.

* :mod:`~tailkit.investors.archetypes` — strategic allocator, market timer, myopic
  loss-averse investor (Benartzi-Thaler): rules from what was seen to an equity share;
* :mod:`~tailkit.investors.simulate` — the archetypes on paths: wealth, turnover,
  risk-tolerance state, behavior gap, return given up versus the strategic allocator;
* :mod:`~tailkit.investors.returns` — time-weighted and money-weighted returns, the IRR;
* :mod:`~tailkit.investors.outcomes` — CRRA and prospect-theory certainty equivalents, best
  days missed.

The value functions live in :mod:`tailkit.behavioral`.
"""

from tailkit.investors.archetypes import (
    Archetype,
    MarketTimer,
    MyopicLossAverse,
    StrategicAllocator,
    target_weights,
)
from tailkit.investors.outcomes import best_days_missed, cpt_certainty_equivalent, crra_certainty_equivalent
from tailkit.investors.returns import (
    BehaviorGap,
    behavior_gap,
    holding_values,
    irr,
    money_weighted_return,
    time_weighted_return,
)
from tailkit.investors.simulate import (
    ArchetypeResult,
    GapEstimate,
    RiskTolerance,
    return_given_up,
    simulate_archetype,
)

__all__ = [
    "Archetype",
    "ArchetypeResult",
    "BehaviorGap",
    "GapEstimate",
    "MarketTimer",
    "MyopicLossAverse",
    "RiskTolerance",
    "StrategicAllocator",
    "behavior_gap",
    "best_days_missed",
    "cpt_certainty_equivalent",
    "crra_certainty_equivalent",
    "holding_values",
    "irr",
    "money_weighted_return",
    "return_given_up",
    "simulate_archetype",
    "target_weights",
    "time_weighted_return",
]
