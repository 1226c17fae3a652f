"""Periodic reports: the four periods through ``tailkit report``, their content and their arithmetic."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tailkit.cli import main
from tailkit.errors import ParameterError
from tailkit.studies.report import PERIODS, period_report
from tailkit.studies.risk_management import RiskStudyParams

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "parameters" / "10_risk_management" / "default.yaml"


def test_cli_writes_the_four_period_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reports"
    code = main(
        ["report", "--portfolio", str(DEFAULT), "--period", *PERIODS, "--as-of", "2012-11-20",
         "--output", str(out), "--json"]
    )  # fmt: skip
    assert code == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert [s["period"] for s in printed] == list(PERIODS)
    # 2012-11-20 is a Tuesday: the week starts Monday the 19th, the month on the 1st, the quarter on Oct 1
    assert [s["start"] for s in printed] == ["2012-11-20", "2012-11-19", "2012-11-01", "2012-10-01"]
    for period in PERIODS:
        html = (out / f"{period}_2012-11-20.html").read_text()
        md = (out / f"{period}_2012-11-20.md").read_text()
        assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 2
        assert "<script" not in html and "cdn" not in html.lower()  # standalone, opens offline
        for section in ("Performance vs benchmark", "Stress tests", "Limits", "Concentration",
                        "Liquidity-adjusted VaR", "Attribution by position"):  # fmt: skip
            assert f"<h2>{section}</h2>" in html and f"## {section}" in md


def test_period_returns_and_attribution_add_up() -> None:
    params = RiskStudyParams()
    rep = period_report(params, "monthly", as_of="2010-06-15")
    from tailkit.data import load_sp500, load_stocks

    px = load_stocks()[list(params.tickers)].dropna()
    r = px.pct_change().loc["2010-06-01":"2010-06-15"]
    port = r @ np.asarray(params.weights)
    expected = float(np.prod(1 + port) - 1)
    assert rep.performance.loc["portfolio", "period_return"] == pytest.approx(expected, rel=1e-12)
    assert abs(rep.attribution.by_strategy.sum() - rep.attribution.total) < 1e-12
    assert rep.attribution.total == pytest.approx(expected, rel=1e-12)
    spx = load_sp500()["adj_close"].pct_change().loc["2010-06-01":"2010-06-15"]
    assert rep.performance.iloc[1]["period_return"] == pytest.approx(float(np.prod(1 + spx) - 1), rel=1e-12)
    # risk is as of the report date: only data up to 2010-06-15
    assert rep.as_of == pd.Timestamp("2010-06-15") and rep.var.n_scenarios == params.lookback_days
    s = rep.summary()
    json.dumps(s)
    assert s["lvar_endogenous"] > s["var"] and s["open_alerts"] == 0


def test_user_benchmark_and_book_alerts(tmp_path: Path) -> None:
    from tailkit.book.demo import make_demo_book
    from tailkit.data import load_stocks

    bench = tmp_path / "qqq.csv"
    load_stocks()[["MSFT"]].dropna().rename(columns={"MSFT": "QQQ"}).to_csv(bench)
    book = make_demo_book(tmp_path / "book.sqlite")
    book.close()
    rep = period_report(
        RiskStudyParams(), "weekly", benchmark_path=str(bench), book_path=str(tmp_path / "book.sqlite")
    )
    assert rep.performance.index[1].startswith("QQQ")
    assert rep.alerts is not None and len(rep.alerts) >= 1  # the demo book's quotes postdate 2013
    assert "<h2>Open alerts</h2>" in rep.to_html()
    with pytest.raises(ParameterError, match="period"):
        period_report(RiskStudyParams(), "hourly")
