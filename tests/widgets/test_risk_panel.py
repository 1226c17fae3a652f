"""risk_review's tables say what a scenario is and read in words and figures (issue 11)."""

from __future__ import annotations

import re

import pytest

from tailkit.studies.risk_review import RiskReviewParams, run_risk_study
from widgets.risk import contributions_html, limits_html, liquidity_html, metrics_html, stress_html


@pytest.fixture(scope="module")
def study():
    return run_risk_study(RiskReviewParams())


def _row(table: str, scenario: str) -> str:
    return re.search(rf"<tr><td>{re.escape(scenario)}</td>.*?</tr>", table).group(0)


def test_stress_table_names_the_beta_proxied_positions_per_scenario(study):
    table = stress_html(study)
    assert "replayed with a beta to the S&amp;P 500" in table
    proxied = study.stress["proxied"]
    # the bundled stocks start in 2004: the dot-com window is all proxy, the GFC is real history
    assert proxied["dot-com 2000-02"] == "AAPL, MSFT, IBM, GOOG"
    assert proxied["GFC 2007-09"] == ""
    assert 'data-col="proxied">AAPL, MSFT, IBM, GOOG<' in _row(table, "dot-com 2000-02")
    assert 'data-col="proxied">none<' in _row(table, "GFC 2007-09")
    assert 'data-col="proxied"><' in _row(table, "equity -20%")  # not a replay: nothing to say
    assert "historical replay" in table and "factor shock" in table


def test_headline_figures_match_the_study_with_separators(study):
    html = metrics_html(study)
    assert f'data-metric="var">{study.var.var:,.0f}<' in html
    assert f'data-metric="es">{study.var.es:,.0f}<' in html
    assert "99% confidence, 1 day, historical" in html and "day(s)" not in html


def test_column_captions_are_words_with_units(study):
    page = contributions_html(study) + stress_html(study) + limits_html(study)
    heads = " ".join(re.findall(r"<th>([^<]*)</th>", page))
    for raw in ("component_es", "es_share", "component_var", "utilization", "pnl"):
        assert raw not in heads, raw
    assert "contribution to ES (USD)" in heads and "share of ES" in heads
    assert "np.float64" not in page and not re.search(r">-0(\.0+)?%?<", page)


def test_concentration_and_liquidity_show_the_study_numbers(study):
    page = liquidity_html(study)
    conc, liq = study.concentration, study.liquidity
    # the headline lines are the study's numbers, formatted (effective N to 2 decimals, USD whole)
    for label, value in (
        ("effective number of positions, by weight", f"{conc.effective_n_weight:,.2f}"),
        ("effective number of positions, by risk (ES)", f"{conc.effective_n_risk:,.2f}"),
        ("VaR, 1 day (USD)", f"{liq.var:,.0f}"),
        ("liquidity-adjusted VaR with spread cost, Bangia (USD)", f"{liq.lvar_exogenous:,.0f}"),
        ("liquidity-adjusted VaR with spread and impact cost (USD)", f"{liq.lvar_endogenous:,.0f}"),
    ):
        assert f"<tr><td>{label}</td><td>{value}</td></tr>" in page, label
    # Bangia's exogenous cost only adds to VaR, and the stress adds more
    assert liq.var <= liq.lvar_exogenous <= liq.lvar_stressed
    for ticker in study.portfolio.weights.index:
        assert f"<tr><td>{ticker}</td>" in page
    heads = " ".join(re.findall(r"<th>([^<]*)</th>", page))
    assert "days to liquidate" in heads and "days_to_liquidate" not in heads
    assert "np.float64" not in page and "Corwin-Schultz" in page
