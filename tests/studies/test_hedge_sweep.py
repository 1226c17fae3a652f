"""Notebook 11's study: the per-ticker table, the report and the parameter checks."""

from __future__ import annotations

import numpy as np
import pytest

from tailkit.errors import ParameterError
from tailkit.studies.hedge_sweep import HedgeSweepParams, hedge_sweep_study
from tailkit.sweep.scoring import score_metrics

QUICK = {
    "tickers": ("IBM", "MSFT"),
    "rebalance_days": (1.0, 10.0),
    "costs": (0.0002, 0.001),
    "impacts": (0.0,),
    "exposures": (0.5, 1.0),
    "n_folds": 2,
}


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    return hedge_sweep_study(HedgeSweepParams(**QUICK, report_dir=str(folder))), folder


def test_each_ticker_is_chosen_in_sample_and_reported_out_of_sample(study):
    s, _ = study
    assert s.table["ticker"].tolist() == ["IBM", "MSFT"] and set(s.table["source"]) == {"daily"}
    assert (s.table["n_trials"] == 8).all()
    for r in s.results:
        scores = score_metrics(r.in_sample_sweep.metrics, s.params.targets()).score
        assert r.in_sample["score"] == pytest.approx(scores.max())
        assert r.in_sample_sweep.end == r.split == np.datetime64("2009-01-02")
    assert s.table[["is_score", "oos_score"]].apply(lambda c: c.between(0, 1)).all().all()
    assert set(s.walk_forward["ticker"]) == {"IBM", "MSFT"} and len(s.walk_forward) == 4
    assert set(s.cost_check["period"]) == {"in sample", "out of sample"}
    assert s.heatmap_frame("IBM").shape == (4, 3)


def test_the_report_names_date_tickers_grid_and_data(study):
    s, folder = study
    md = (folder / "hedge_sweep_report.md").read_text()
    assert s.generated in md and "Tickers: IBM, MSFT" in md
    assert "rebalance days [1.0, 10.0] x costs [0.0002, 0.001]" in md and "= 8 configurations" in md
    assert "bundled daily closes" in md and "not evaluated (daily data)" in md
    page = (folder / "hedge_sweep_report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<table" in page and s.generated in page
    summary = s.to_dict()
    assert set(summary) >= {"IBM_is_score", "IBM_oos_score", "IBM_dsr", "MSFT_dsr"}


def test_unbundled_tickers_and_sub_daily_without_simulation_are_refused():
    with pytest.raises(ParameterError, match="AMZN and META are not bundled: pass your own price_file"):
        hedge_sweep_study(HedgeSweepParams(**{**QUICK, "tickers": ("AMZN",)}))
    with pytest.raises(
        ParameterError, match=r"rebalance_days=\(0.1, 1.0\) is not allowed: expected values >= 1 day"
    ):
        HedgeSweepParams(rebalance_days=(0.1, 1.0))
    with pytest.raises(ParameterError, match="heatmap_y='exposure' is not allowed"):
        HedgeSweepParams(heatmap_x="exposure", heatmap_y="exposure")


def test_the_full_grid_file_is_the_original_3300_configurations():
    from pathlib import Path

    from tailkit.params import load_parameters

    path = Path(__file__).resolve().parents[2] / "notebooks" / "11_hedge_sweep.full_grid.yaml"
    p = load_parameters(path, HedgeSweepParams)
    assert p.grid().configs().shape == (3300, 4) and p.intraday and min(p.rebalance_days) == 0.1


def test_the_bundled_sp500_is_a_ticker_and_leaves_the_stocks_unchanged():
    from tailkit.data.sp500 import load as load_sp500
    from tailkit.data.stocks import load as load_stocks
    from tailkit.studies.hedge_sweep import load_prices

    frame, source = load_prices(HedgeSweepParams(**{**QUICK, "tickers": ("SPX", "IBM")}))
    assert "S&P 500" in source and list(frame.columns) == ["SPX", "IBM"]
    spx = load_sp500()["close"]
    assert frame["SPX"].dropna().equals(spx.rename("SPX"))
    assert frame["IBM"].dropna().equals(load_stocks()["IBM"].dropna())  # the outer join adds no IBM day
    spx_study = hedge_sweep_study(HedgeSweepParams(**{**QUICK, "tickers": ("SPX",)}))
    assert spx_study.table["ticker"].tolist() == ["SPX"]
    assert spx_study.results[0].in_sample_sweep.start == spx.index[21]  # after the first realised-vol window
    with pytest.raises(ParameterError, match=r"or SPX \(the S&P 500 index\)"):
        hedge_sweep_study(HedgeSweepParams(**{**QUICK, "tickers": ("AMZN",)}))
