"""Premia constructions against hand computations on small constructed series."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tailkit.data import load_fama_french
from tailkit.errors import ParameterError
from tailkit.hedging import VolSurface, implied_vol
from tailkit.premia import PREMIA, credit_carry, equity_excess, month_end, put_write, read_premia, trend


def _daily(values: list[float], start: str = "2020-01-01") -> pd.Series:
    idx = pd.bdate_range(start, periods=len(values))
    return pd.Series(values, index=idx, dtype=float)


def _norm_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _bs_put(s: float, k: float, t: float, r: float, v: float, q: float) -> float:
    # Black-Scholes-Merton put, written out (Hull, Options, Futures and Other Derivatives, eq. 15.21)
    d1 = (math.log(s / k) + (r - q + 0.5 * v * v) * t) / (v * math.sqrt(t))
    d2 = d1 - v * math.sqrt(t)
    return k * math.exp(-r * t) * _norm_cdf(-d2) - s * math.exp(-q * t) * _norm_cdf(-d1)


def test_month_end_takes_last_observation_on_last_calendar_day() -> None:
    s = _daily(list(range(1, 61)))  # 2020-01-01 .. 2020-03-24 (business days)
    m = month_end(s)
    assert list(m.index.strftime("%Y-%m-%d")) == ["2020-01-31", "2020-02-29", "2020-03-31"]
    jan = s.loc["2020-01"].iloc[-1]
    feb = s.loc["2020-02"].iloc[-1]
    assert list(m) == [jan, feb, 60.0]


def test_equity_excess_by_hand() -> None:
    s = _daily([100.0] * 23 + [110.0] * 20 + [99.0] * 22)
    rf = pd.Series([0.001, 0.002, 0.003], index=pd.to_datetime(["2020-01-31", "2020-02-29", "2020-03-31"]))
    m = month_end(s)
    ex = equity_excess(s, rf)
    exp_feb = m.iloc[1] / m.iloc[0] - 1 - 0.002
    exp_mar = m.iloc[2] / m.iloc[1] - 1 - 0.003
    np.testing.assert_allclose(ex.to_numpy(), [exp_feb, exp_mar], rtol=0, atol=1e-15)


def test_credit_carry_by_hand() -> None:
    idx = pd.to_datetime(["2000-01-01", "2000-02-01", "2000-03-01"])
    baa = pd.Series([0.08, 0.085, 0.081], index=idx)
    aaa = pd.Series([0.07, 0.072, 0.070], index=idx)
    r = credit_carry(baa, aaa, duration=5.0)
    s = [0.01, 0.013, 0.011]
    expected = [s[0] / 12 - 5.0 * (s[1] - s[0]), s[1] / 12 - 5.0 * (s[2] - s[1])]
    np.testing.assert_allclose(r.to_numpy(), expected, rtol=0, atol=1e-15)
    assert list(r.index.strftime("%Y-%m-%d")) == ["2000-02-29", "2000-03-31"]
    with pytest.raises(ParameterError, match=r"duration=-1\.0"):
        credit_carry(baa, aaa, duration=-1.0)


def test_trend_signal_position_and_return_by_hand() -> None:
    rng = np.random.default_rng(3)
    closes = pd.Series(
        100 * np.exp(np.cumsum(rng.normal(0.0003, 0.01, 300))),
        index=pd.bdate_range("2020-01-01", periods=300),
    )
    rf = pd.Series(0.001, index=pd.date_range("2020-01-31", periods=15, freq="ME"))
    out = trend(closes, rf, lookbacks=(1, 3), target_vol=0.1, vol_window=20, max_leverage=3.0)
    m = month_end(closes)
    date = out.index[2]
    i = list(m.index).index(date)
    prev = m.index[i - 1]
    sig = (np.sign(m.iloc[i - 1] / m.iloc[i - 2] - 1) + np.sign(m.iloc[i - 1] / m.iloc[i - 4] - 1)) / 2
    logs = np.log(closes.loc[:prev]).diff().to_numpy()[-20:]
    vol = logs.std(ddof=1) * np.sqrt(252)
    pos = float(np.clip(sig * 0.1 / vol, -3, 3))
    excess = m.iloc[i] / m.iloc[i - 1] - 1 - 0.001
    assert out.loc[date, "signal"] == pytest.approx(sig, abs=1e-15)
    assert out.loc[date, "position"] == pytest.approx(pos, rel=1e-12)
    assert out.loc[date, "trend"] == pytest.approx(pos * excess, rel=1e-12)
    # the first month needs a 3-month lookback decided at the previous month end
    assert out.index[0] == m.index[4]
    with pytest.raises(ParameterError, match="lookbacks"):
        trend(closes, rf, lookbacks=(0,))


def test_put_write_first_three_months_by_hand() -> None:
    rng = np.random.default_rng(7)
    closes = pd.Series(
        3000 * np.exp(np.cumsum(rng.normal(0.0, 0.012, 90))), index=pd.bdate_range("2021-01-01", periods=90)
    )
    vol_index = pd.Series(np.linspace(0.15, 0.35, 90), index=closes.index)
    rf = pd.Series(
        [0.001, 0.0012, 0.0008, 0.0011, 0.0009], index=pd.date_range("2021-01-31", periods=5, freq="ME")
    )
    out = put_write(closes, vol_index, rf, moneyness=0.95, dividend_yield=0.02)
    ends = [closes.loc[f"2021-{mth:02d}"].index[-1] for mth in (1, 2, 3, 4)]
    assert len(out) == 4  # Feb, Mar, Apr and the partial May (the data end on 2021-05-06)
    for row, (d0, d1) in enumerate(itertools.pairwise(ends)):
        s0, s1 = closes[d0], closes[d1]
        k = 0.95 * s0
        tau = (closes.index.get_loc(d1) - closes.index.get_loc(d0)) / 252
        rf_m = float(rf.iloc[row + 1])
        r = 12 * math.log(1 + rf_m)
        v = float(implied_vol(VolSurface(), vol_index[d0], 0.95, tau, rate=r, dividend_yield=0.02))
        p = _bs_put(s0, k, tau, r, v, 0.02)
        expected = p * (1 + rf_m) / k - max(k - s1, 0.0) / k
        assert out["premium"].iloc[row] == pytest.approx(p, rel=1e-12)
        assert out["short_vol"].iloc[row] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    with pytest.raises(ParameterError, match=r"moneyness=0\.0"):
        put_write(closes, vol_index, rf, moneyness=0.0)


def test_bad_series_names_the_input() -> None:
    with pytest.raises(ParameterError, match="closes='list'"):
        equity_excess([1.0, 2.0], pd.Series(dtype=float))


def test_premia_names() -> None:
    assert PREMIA == ("equity", "size", "value", "credit", "trend", "short_vol", "tail_hedge")


def test_read_premia_from_a_price_file(tmp_path: Path) -> None:
    idx = pd.bdate_range("2010-01-04", "2010-03-31")
    a = np.linspace(100.0, 110.0, len(idx))
    b = np.linspace(50.0, 45.0, len(idx))
    file = tmp_path / "strategies.csv"
    pd.DataFrame({"date": idx.strftime("%Y-%m-%d"), "carry": a, "hedge": b}).to_csv(file, index=False)
    out = read_premia(file)
    rf = load_fama_french()["rf"]
    jan, feb, mar = (idx[idx.month == m][-1] for m in (1, 2, 3))
    i = {d: idx.get_loc(d) for d in (jan, feb, mar)}
    assert list(out.index.strftime("%Y-%m-%d")) == ["2010-02-28", "2010-03-31"]
    assert out.loc["2010-02-28", "carry"] == pytest.approx(
        a[i[feb]] / a[i[jan]] - 1 - rf.loc["2010-02-28"], rel=1e-12
    )
    assert out.loc["2010-03-31", "hedge"] == pytest.approx(
        b[i[mar]] / b[i[feb]] - 1 - rf.loc["2010-03-31"], rel=1e-12
    )
    raw = read_premia(file, excess=False)
    assert raw.loc["2010-03-31", "hedge"] == pytest.approx(b[i[mar]] / b[i[feb]] - 1, rel=1e-14)
