"""Behavioral finance: cumulative prospect theory and the loss-averse investor's portfolio."""

from tailkit.behavioral.loss_aversion import max_prospect_value
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
    "max_prospect_value",
    "probability_weight",
    "prospect_value",
    "value_function",
]
