"""Behavioral finance: cumulative prospect theory (value and weighting functions).

The loss-averse investor's portfolio, which optimises this objective, is
:func:`tailkit.portfolio.max_prospect_value` (portfolio sits above behavioral).
"""

from tailkit.behavioral.prospect import (
    ProspectParams,
    decision_weights,
    probability_weight,
    prospect_value,
    value_function,
)

__all__ = [
    "ProspectParams",
    "decision_weights",
    "probability_weight",
    "prospect_value",
    "value_function",
]
