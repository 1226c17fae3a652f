"""Parameter set of the ``risk_review`` Voila app.

The app shows a subset of notebook 10's risk study (:mod:`tailkit.studies.risk_management`):
the shared portfolio and VaR fields of :class:`~tailkit.studies.risk_management.PortfolioRiskParams`
plus fewer Monte Carlo draws, so a page answers quickly. :func:`run_risk_study` takes it as it
is; fields the app does not show take the study's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from tailkit.params import param
from tailkit.studies.risk_management import (
    PortfolioRiskParams,
    RiskStudy,
    RiskStudyParams,
    run_risk_study,
    study_params,
)

__all__ = ["RiskReviewParams", "RiskStudy", "run_risk_study"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskReviewParams(PortfolioRiskParams):
    """Parameters of the ``risk_review`` Voila app: the shared risk fields and the draw count."""

    n_sims: int = param(5_000, ge=1_000, le=1_000_000, doc="Monte Carlo draws (fewer than notebook 10's)")

    def study_params(self) -> RiskStudyParams:
        """The full study parameters with this app's values (other fields at their defaults)."""
        return study_params(self)
