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


@pytest.mark.slow
def test_study_concentration_liquidity_allocation() -> None:
    from tailkit.studies.risk_management import RiskStudyParams, run_risk_study

    study = run_risk_study(RiskStudyParams(forecast_step_days=0, n_sims=2_000))
    assert study.forecasts is None and not any(k.startswith("forecast_") for k in study.summary())
    # concentration of 30/30/20/20 by hand: HHI 0.26, effective N 1 / 0.26
    assert study.concentration.hhi_weight == pytest.approx(0.26, abs=1e-12)
    assert study.concentration.risk_share.sum() == pytest.approx(1.0, abs=1e-12)
    # liquidity: Bangia LVaR = headline one-day VaR + spread costs; endogenous adds impact
    liq = study.liquidity
    assert liq.var == pytest.approx(study.var.var)
    assert liq.lvar_exogenous == pytest.approx(liq.var + liq.table["spread_cost"].sum(), rel=1e-12)
    assert liq.lvar_stressed > liq.lvar_endogenous > liq.lvar_exogenous > liq.var
    assert (liq.table["adv"] > 1e8).all()  # bundled mega caps: hundreds of millions a day
    # the limit report holds the regime-scaled and the fixed limits
    assert {"var", "es", "gross", "largest_position", "largest_cluster", "days_to_liquidate"} <= set(
        study.limits.to_frame().index
    )
    # allocation: included strategies respect the correlation cap; attributions add up
    latest = study.allocation.latest
    assert latest.max_included_correlation <= 0.7 and latest.weights.sum() == pytest.approx(1.0)
    a = study.attribution
    assert a.by_regime is not None and list(a.by_regime.index) == ["calm", "stressed", "crisis"]
    assert a.check() < 1e-12
    s = study.summary()
    assert s["allocation_vs_naive"] == round(study.naive.difference, 4)


def test_app_parameters_skip_the_forecast_evaluation() -> None:
    from tailkit.studies.risk_management import study_params

    assert study_params(RiskReviewParams()).forecast_step_days == 0
    assert RiskStudyParams().forecast_step_days == 21
    with pytest.raises(ParameterError, match="allocation_method"):
        RiskStudyParams(allocation_method="guess")


@pytest.mark.slow
def test_tearsheet_shows_concentration_and_liquidity() -> None:
    from tailkit.studies.risk_management import RiskStudyParams, run_risk_study
    from tailkit.studies.tearsheet import tearsheet

    study = run_risk_study(RiskStudyParams(forecast_step_days=0, n_sims=2_000))
    tables = study.risk_tables()
    assert tables["Concentration and liquidity"].loc["LVaR exogenous (Bangia)", "value"] == pytest.approx(
        study.liquidity.lvar_exogenous
    )
    html = tearsheet(study.strategy_returns, benchmark=False, tables=tables).to_html()
    assert "<h2>Concentration by position</h2>" in html and "<h2>Liquidity by position</h2>" in html
