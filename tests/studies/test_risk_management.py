"""Parameter sets of notebook 10 / risk_review and the study that feeds them."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tailkit.errors import DataError, ParameterError
from tailkit.studies import parameter_class_for
from tailkit.studies.risk_management import RiskStudyParams, load_portfolio
from tailkit.studies.risk_review import RiskReviewParams, run_risk_study


def test_registered_and_validated() -> None:
    assert parameter_class_for("10_risk_management") is RiskStudyParams
    assert parameter_class_for("risk_review") is RiskReviewParams
    with pytest.raises(ParameterError, match="weights"):
        RiskStudyParams(weights=(0.5, 0.5))
    with pytest.raises(ParameterError, match="confidence"):
        RiskReviewParams(confidence=0.5)
    with pytest.raises(ParameterError, match="method"):
        RiskReviewParams(method="guess")
    with pytest.raises(ParameterError, match="tickers"):
        RiskStudyParams(tickers=("A", "A"), weights=(0.5, 0.5))


def test_user_price_file(tmp_path: pytest.TempPathFactory) -> None:
    from tailkit.data import load_stocks

    path = tmp_path / "prices.csv"  # type: ignore[operator]
    load_stocks()[["IBM", "MSFT"]].dropna().to_csv(path)
    pf = load_portfolio(RiskReviewParams(prices_path=str(path), tickers=("IBM", "MSFT"), weights=(0.6, 0.4)))
    assert pf.weights.sum() == pytest.approx(1_000_000.0)
    assert pf.source == str(path)
    with pytest.raises(DataError, match="AAPL"):
        load_portfolio(RiskReviewParams(prices_path=str(path), tickers=("AAPL",), weights=(1.0,)))


@pytest.mark.slow
def test_run_study_end_to_end() -> None:
    study = run_risk_study(RiskReviewParams(confidence=0.975, horizon_days=5, method="cornish_fisher"))
    s = study.summary()
    json.dumps(s)
    assert s["method"] == "cornish_fisher" and s["horizon_days"] == 5
    assert s["es"] >= s["var"] > 0
    assert study.var.component_es.sum() == pytest.approx(study.var.es, rel=1e-9)
    assert study.total.component_es.sum() == pytest.approx(study.total.es, rel=1e-9)
    kinds = set(study.stress["kind"])
    assert kinds == {"historical", "factor", "monte_carlo"}
    # the puts pay off in the equity shock
    assert study.stress.loc["equity -20%", "options_pnl"] > 0
    assert isinstance(study.performance.to_frame(), pd.DataFrame)
    assert {"portfolio", "vol_targeted", "drawdown_protected", "S&P 500"} <= set(
        study.performance.table.columns
    )
