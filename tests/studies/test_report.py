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
    assert rep.option_liquidity is not None  # no quote of the demo book is as old as the report date
    with pytest.raises(ParameterError, match="period"):
        period_report(RiskStudyParams(), "hourly")


def test_option_spread_cost_by_hand(tmp_path: Path) -> None:
    from tailkit.book.demo import make_demo_book
    from tailkit.book.marks import open_legs_with_quotes
    from tailkit.studies.report import option_spread_costs

    legs = pd.DataFrame(
        {
            "position_id": [1, 1, 2],
            "kind": ["put", "put", "call"],
            "strike_cents": [8800, 8500, 9500],
            "expiry": ["2025-02-21"] * 3,
            "quantity": [-1, 1, -1],
            "contracts": [10, 10, 5],
            "multiplier": [100, 100, 100],
            "bid_cents": [45.0, 20.0, np.nan],
            "ask_cents": [52.0, 24.0, np.nan],
        }
    )
    out = option_spread_costs(legs)
    # 1/2 x 10 contracts x 100 x $0.07 = $35; 1/2 x 10 x 100 x $0.04 = $20; the unquoted leg is skipped
    assert out["spread_cost"].tolist() == pytest.approx([35.0, 20.0], rel=1e-12)
    assert out["relative_spread"].iloc[0] == pytest.approx(0.07 / 0.485, rel=1e-12)
    assert out["leg"].iloc[0] == "put 88.00 2025-02-21"
    book = make_demo_book(tmp_path / "book.sqlite")
    try:
        quoted = option_spread_costs(open_legs_with_quotes(book, "2100-01-01T00:00:00"))
    finally:
        book.close()
    assert len(quoted) >= 2 and (quoted["spread_cost"] > 0).all()
