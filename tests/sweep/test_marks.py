"""Option marks of the hedge sweep: the one OptionMarkModel both markets take, the user's
implied-vol file (good and bad files), and the marks checked by hand against Black-Scholes
(Hull, *Options, Futures, and Other Derivatives*, 10th ed., eq. 15.21 for the put)."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from tailkit.data.stocks import load
from tailkit.errors import DataError, ParameterError
from tailkit.studies.hedge_sweep import HedgeSweepParams, hedge_sweep_study
from tailkit.sweep.hedge import hedge_market
from tailkit.sweep.intraday import intraday_hedge_market
from tailkit.sweep.marks import OptionMarkModel, read_implied_vols

N = NormalDist().cdf


def hull_put(s: float, k: float, t: float, r: float, sigma: float) -> float:
    """Black-Scholes put, written out (Hull eq. 15.21)."""
    d1 = (math.log(s / k) + (r + sigma * sigma / 2) * t) / (sigma * math.sqrt(t))
    d2 = d1 - sigma * math.sqrt(t)
    return k * math.exp(-r * t) * N(-d2) - s * N(-d1)


@pytest.fixture(scope="module")
def ibm() -> pd.Series:
    return load()["IBM"]


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("rate", 1.5, "[-0.1, 1.0]"),
        ("put_moneyness", 0.2, "[0.5, 1.5]"),
        ("iv_premium", -0.9, "[-0.5, 2.0]"),
        ("skew", 7.0, "[-5.0, 5.0]"),
        ("iv_floor", 0.0, "[0.001, 2.0]"),
        ("put_days", 4, "5..756"),
        ("rv_window", 300, "5..252"),
        ("rv_window", 21.5, "5..252"),
    ],
)
def test_bad_model_fields_are_refused_with_field_value_and_range(field, value, allowed):
    with pytest.raises(ParameterError) as err:
        OptionMarkModel(**{field: value})
    assert field in str(err.value) and str(value) in str(err.value) and allowed in str(err.value)


def test_model_marks_are_black_scholes_at_the_realised_vol_plus_skew(ibm):
    marks = OptionMarkModel(rate=0.03, put_moneyness=0.9, put_days=42, rv_window=30, iv_premium=0.2, skew=0.8)
    m = hedge_market(ibm, marks=marks)
    closes = ibm.dropna().to_numpy()
    assert m.spot[0] == closes[30] and m.iv_source == "model"
    for t in np.flatnonzero(m.roll)[:4]:  # at each roll: a fresh put with 42 days to run
        logret = np.diff(np.log(closes[t : t + 31]))  # the 30 returns known at day t + 30
        rv = logret.std(ddof=1) * math.sqrt(252)
        sigma = max(0.05, rv * 1.2 + 0.8 * math.log(1 / 0.9))
        want = hull_put(m.spot[t], 0.9 * m.spot[t], 42 / 252, 0.03, sigma)
        assert m.put_start[t] == pytest.approx(want, rel=1e-9)


def test_daily_and_intraday_markets_take_the_same_model(ibm):
    marks = OptionMarkModel(put_moneyness=0.85, put_days=21, skew=0.0, iv_premium=0.0, iv_floor=0.01)
    sim = intraday_hedge_market(ibm, n_days=300, steps_per_day=2, seed=4, marks=marks)
    assert sim.marks is marks and sim.rate == marks.rate
    assert np.flatnonzero(sim.roll)[1] == 21 * 2  # 21 days of 2 steps
    t = 0  # the first put: struck at 85% of spot, priced at the realised vol (no premium, no skew)
    want = hull_put(sim.spot[t], 0.85 * sim.spot[t], 21 / 252, 0.02, max(0.01, sim.sigma_hat[t]))
    assert sim.put_start[t] == pytest.approx(want, rel=1e-9)


def _write_wide(path, dates, **cols) -> None:
    pd.DataFrame({"date": pd.DatetimeIndex(dates).strftime("%Y-%m-%d"), **cols}).to_csv(path, index=False)


def test_an_iv_file_of_the_model_vols_gives_the_model_market_bit_for_bit(ibm, tmp_path):
    model = hedge_market(ibm)
    path = tmp_path / "iv.csv"
    _write_wide(path, model.dates, IBM=model.base_iv)
    vols = read_implied_vols(path)
    user = hedge_market(ibm, implied_vol=vols["IBM"], iv_source=f"user file {path}")
    assert np.array_equal(user.put_start, model.put_start) and np.array_equal(user.put_delta, model.put_delta)
    assert user.iv_source == f"user file {path}"


def test_user_vols_mark_the_puts_start_at_the_first_quote_and_carry_forward(ibm, tmp_path):
    model = hedge_market(ibm)
    days = model.dates[100:]
    iv = np.full(days.size, 0.30)
    iv[5] = 0.60  # one high quote; the quotes after it are 0.30 again
    path = tmp_path / "iv_long.csv"
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "ticker": "IBM", "iv": iv}).to_csv(path, index=False)
    keep = np.ones(days.size, dtype=bool)
    keep[6:9] = False  # three days without a quote: the 0.60 of day 5 is carried, not the later 0.30
    vols = read_implied_vols(path)["IBM"][keep]
    m = hedge_market(ibm, marks=OptionMarkModel(skew=0.0), implied_vol=vols)
    assert m.dates[0] == days[0] and m.n_days == model.n_days - 100
    assert np.all(m.base_iv[6:9] == 0.60) and m.base_iv[9] == 0.30
    assert m.put_start[0] == pytest.approx(
        hull_put(m.spot[0], 0.95 * m.spot[0], 63 / 252, 0.02, 0.30), rel=1e-9
    )
    # the realised vol (vol targeting) is unchanged by the file
    assert np.array_equal(m.sigma_hat, model.sigma_hat[100:])


def test_a_parquet_iv_file_reads_like_the_csv(tmp_path):
    dates = pd.bdate_range("2020-01-01", periods=5)
    frame = pd.DataFrame({"date": dates, "AAPL": [0.2, 0.21, 0.22, 0.23, 0.24], "MSFT": 0.18})
    frame.to_parquet(tmp_path / "iv.parquet", index=False)
    _write_wide(tmp_path / "iv.csv", dates, AAPL=frame["AAPL"], MSFT=frame["MSFT"])
    a, b = read_implied_vols(tmp_path / "iv.parquet"), read_implied_vols(tmp_path / "iv.csv")
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == ["AAPL", "MSFT"] and a["AAPL"].iloc[-1] == 0.24


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,AAPL\n2020-01-02,0.25\n2020-01-03,25.0\n", "column 'AAPL', line 3: 25.0 is not allowed: implied vols are decimals"),
        ("date,ticker,iv\n2020-01-02,AAPL,0.25\n2020-01-03,AAPL,-0.1\n", "column 'iv', line 3: -0.1 is not allowed: implied vols must be > 0"),
        ("date,AAPL\n2020-01-02,0.25\n2020-01-03,abc\n", "column 'AAPL', line 3: 'abc' is not a number"),
        ("day,AAPL\n2020-01-02,0.25\n", "missing required column(s) 'date'"),
        ("date,AAPL\n2020-01-02,0.25\n2020-01-02,0.26\n", "column 'date', line 3: duplicate date 2020-01-02"),
        ("date,AAPL\n2020-13-02,0.25\n", "column 'date', line 2"),
    ],
)  # fmt: skip
def test_bad_iv_files_name_file_line_column_and_value(tmp_path, text, message):
    path = tmp_path / "vols.csv"
    path.write_text(text)
    with pytest.raises(DataError) as err:
        read_implied_vols(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


def test_too_few_days_with_a_quote_are_refused(ibm):
    model = hedge_market(ibm)
    short = pd.Series(0.3, index=model.dates[-100:])
    with pytest.raises(
        DataError, match=r"IBM days with an implied vol \(user implied vols\)=100 .*at least 126"
    ):
        hedge_market(ibm, implied_vol=short)


def test_the_study_reads_the_iv_file_and_says_so(tmp_path):
    model = hedge_market(load()["IBM"])
    path = tmp_path / "iv.csv"
    _write_wide(path, model.dates, IBM=np.full(model.dates.size, 0.25))
    quick = dict(tickers=("IBM",), rebalance_days=(5.0, 20.0), costs=(0.0002,), impacts=(0.0,), n_folds=1)
    study = hedge_sweep_study(HedgeSweepParams(**quick, iv_file=str(path)))
    plain = hedge_sweep_study(HedgeSweepParams(**quick))
    assert str(path) in study.iv_source and "model" in plain.iv_source
    assert f"Option marks: Black-Scholes at {study.iv_source}" in study.report_markdown()
    assert not np.array_equal(
        study.results[0].in_sample_sweep.metrics, plain.results[0].in_sample_sweep.metrics
    )  # the marks, hence the protective results, come from the file
    with pytest.raises(ParameterError, match=r"tickers=\['MSFT'\].*tickers in .*iv.csv: IBM"):
        hedge_sweep_study(HedgeSweepParams(**{**quick, "tickers": ("MSFT",)}, iv_file=str(path)))
