from __future__ import annotations

from pathlib import Path

import pytest

from tailkit.errors import ParameterError
from tailkit.studies import load_notebook_parameters
from tailkit.studies.portfolio_construction import (
    PortfolioStudyParams,
    constrained_portfolios,
    study_inputs,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", sorted((ROOT / "parameters" / "03_portfolio_construction").glob("*.yaml")))
def test_parameter_files_load(path: Path) -> None:
    p = load_notebook_parameters(path)
    assert isinstance(p, PortfolioStudyParams)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"tickers": ("AAPL",)}, "tickers"),
        ({"max_weight": 0.2, "max_cash": 0.0}, "fully invested"),
        ({"start": "2012-01-01", "end": "2011-01-01"}, "before"),
        ({"alpha": 0.5}, "alpha"),
    ],
)
def test_bad_params(kwargs: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        PortfolioStudyParams(**kwargs)


def test_constrained_portfolios_respect_params() -> None:
    p = PortfolioStudyParams(
        start="2010-01-01", end="2012-12-31", max_weight=0.4, max_cash=0.3, loss_aversion=5.0
    )
    out = constrained_portfolios(p, study_inputs(p))
    for res in out.values():
        assert res.weights.max() <= 0.4 + 1e-7
        assert -1e-9 <= res.cash <= 0.3 + 1e-7


def test_panel_headless() -> None:
    from widgets.portfolio import PortfolioPanel

    panel = PortfolioPanel(PortfolioStudyParams(start="2011-01-01", end="2012-12-31"))
    before = panel.result["loss_averse"].weights.copy()
    panel.controls["max_weight"].value = 0.3
    assert panel.error == ""
    assert panel.result["min_variance"].weights.max() <= 0.3 + 1e-7
    panel.controls["max_weight"].value = 0.1  # 4 x 0.1 < 1: reported, not raised
    assert "fully invested" in panel.error
    assert panel.result is None  # figures hidden, not left stale
    panel.controls["max_weight"].value = 0.4
    assert panel.result["loss_averse"].weights.shape == before.shape
